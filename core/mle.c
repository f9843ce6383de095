/*
 * core/mle.c: multilinear extensions and eq tables (ozk/mle.h; docs/protocol.md section 1).
 *
 * Variable i is bit i of the index (LSB first), so fixing variable 0 combines adjacent
 * entries (2j, 2j+1): the folds below stream through memory once.
 */
#include <stdlib.h>

#include "ozk/mle.h"

void ozk_mle_eq_table(ozk_fr *out, const ozk_fr *z, uint32_t nvars)
{
    /* eq(z, b) = prod_i eq_i(z_i, b_i) with eq_i(z_i, 1) = z_i, eq_i(z_i, 0) = 1 - z_i.
     * After step i, out[b] for b < 2^(i+1) is the product over variables 0..i. */
    ozk_fr_set_one(&out[0]);
    for (uint32_t i = 0; i < nvars; i++) {
        size_t half = (size_t)1 << i;
        for (size_t b = 0; b < half; b++) {
            ozk_fr_mul(&out[b + half], &out[b], &z[i]);   /* bit i = 1: times z_i */
            ozk_fr_sub(&out[b], &out[b], &out[b + half]); /* bit i = 0: times (1 - z_i) */
        }
    }
}

void ozk_mle_eq_eval(ozk_fr *out, const ozk_fr *x, const ozk_fr *y, uint32_t nvars)
{
    /* x_i y_i + (1 - x_i)(1 - y_i) = 1 - x_i - y_i + 2 x_i y_i */
    ozk_fr acc, xy, t, one;
    ozk_fr_set_one(&one);
    acc = one;
    for (uint32_t i = 0; i < nvars; i++) {
        ozk_fr_mul(&xy, &x[i], &y[i]); /* x_i y_i */
        ozk_fr_dbl(&xy, &xy);          /* 2 x_i y_i */
        ozk_fr_add(&t, &x[i], &y[i]);  /* x_i + y_i */
        ozk_fr_sub(&t, &one, &t);      /* 1 - x_i - y_i */
        ozk_fr_add(&t, &t, &xy);       /* the factor of variable i */
        ozk_fr_mul(&acc, &acc, &t);
    }
    *out = acc;
}

void ozk_mle_fold_to(ozk_fr *out, const ozk_fr *in, uint32_t nvars, const ozk_fr *r)
{
    /* f~(r, x') = f(0, x') + r (f(1, x') - f(0, x')): linear in the fixed variable */
    size_t half = (size_t)1 << (nvars - 1);
    ozk_fr d;
    for (size_t j = 0; j < half; j++) {
        ozk_fr_sub(&d, &in[2 * j + 1], &in[2 * j]);
        ozk_fr_mul(&d, &d, r);
        ozk_fr_add(&out[j], &in[2 * j], &d);
    }
}

void ozk_mle_fold(ozk_fr *evals, uint32_t nvars, const ozk_fr *r)
{
    ozk_mle_fold_to(evals, evals, nvars, r);
}

void ozk_mle_eval(ozk_fr *out, const ozk_fr *evals, uint32_t nvars, const ozk_fr *z)
{
    if (nvars == 0) {
        *out = evals[0];
        return;
    }
    size_t n = (size_t)1 << nvars;
    ozk_fr *t = malloc((n / 2) * sizeof *t);
    if (!t) { /* no memory: evaluate term by term instead (O(N nvars), no allocation) */
        ozk_fr acc, w, one, om;
        ozk_fr_set_zero(&acc);
        ozk_fr_set_one(&one);
        for (size_t b = 0; b < n; b++) {
            w = evals[b];
            for (uint32_t i = 0; i < nvars; i++) {
                if (b >> i & 1) {
                    ozk_fr_mul(&w, &w, &z[i]);
                } else {
                    ozk_fr_sub(&om, &one, &z[i]);
                    ozk_fr_mul(&w, &w, &om);
                }
            }
            ozk_fr_add(&acc, &acc, &w);
        }
        *out = acc;
        return;
    }
    /* fix variable 0, then 1, ...: each fold halves the table */
    ozk_mle_fold_to(t, evals, nvars, &z[0]);
    for (uint32_t i = 1; i < nvars; i++) ozk_mle_fold(t, nvars - i, &z[i]);
    *out = t[0];
    free(t);
}
