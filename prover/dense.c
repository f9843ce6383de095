/*
 * prover/dense.c: the accumulator of a layer, the prover (docs/protocol.md section 9.2).
 *
 * Dense, acc = W a + b, claim A = acc~(z): send b~(z); sumcheck (degree 2, over the lv_in
 * input variables) of sum_i Wz(i) a(i) = A - b~(z) with Wz(i) = W~(i, z) = sum_o eq(z, o) W[o][i];
 * send W~(r, z) and a~(r). Add: send a~(z), c~(z). Relu: nothing (the claim moves to its input).
 *
 * Wz costs one field addition per weight: for each row o the multiples v eq(z, o), v in
 * [-128, 127], are tabulated once (255 additions) and each weight picks its entry.
 */
#include <stdlib.h>
#include <string.h>

#include "ozk/error.h"
#include "ozk/mle.h"
#include "ozk/sumcheck.h"
#include "../verifier/proof_internal.h"

/* The padded field table of tensor id (2^lv entries): the public x, or a Y column of P_A. */
static const ozk_fr *tensor_table(const ozk__prover *c, uint32_t tensor)
{
    if (tensor == 0) return c->x;
    return c->pa + c->p->cols[ozk__tensor_col(c->p, tensor)].off;
}

static int input_claim(ozk__prover *c, uint32_t tensor, const ozk_fr *z, const ozk_fr *v)
{
    if (tensor == 0) return 0; /* the verifier computes x~ itself */
    const ozk__plan_col *col = &c->p->cols[ozk__tensor_col(c->p, tensor)];
    return ozk__claims_add(c->cl, 0, col->lv, col->off, z, v);
}

static int dense_prove(ozk__prover *c, uint32_t j, const ozk_fr *pt, const ozk_fr *A)
{
    const ozk__plan_layer *l = &c->p->layers[j];
    const ozk_layer *ml = &c->m->layers[j];
    size_t no = (size_t)1 << l->lv_out, ni = (size_t)1 << l->lv_in;
    ozk_fr *eq = malloc(no * sizeof *eq), *wz = calloc(ni, sizeof *wz);
    ozk_sumcheck_proof *sc = malloc(sizeof *sc);
    int rc = OZK_ENOMEM;
    if (!eq || !wz || !sc) goto out;
    ozk_mle_eq_table(eq, pt, l->lv_out);

    /* b~(z) */
    ozk_fr bz, tmp, claim, tab[256], r[OZK_SUMCHECK_MAX_VARS], fin[2];
    ozk_fr_set_zero(&bz);
    for (uint32_t o = 0; o < l->n_out; o++) {
        ozk_fr_from_i64(&tmp, ml->b[o]);
        ozk_fr_mul(&tmp, &tmp, &eq[o]);
        ozk_fr_add(&bz, &bz, &tmp);
    }
    ozk__put_frs(&c->o, &bz, 1);
    ozk_transcript_absorb_fr(c->t, &bz);

    /* Wz(i) = sum_o eq(z, o) W[o][i]; tab[128 + v] = v eq(z, o) */
    for (uint32_t o = 0; o < l->n_out; o++) {
        ozk_fr_set_zero(&tab[128]);
        for (int v = 1; v < 128; v++) {
            ozk_fr_add(&tab[128 + v], &tab[127 + v], &eq[o]);
            ozk_fr_neg(&tab[128 - v], &tab[128 + v]);
        }
        ozk_fr_add(&tmp, &tab[255], &eq[o]); /* -128 eq */
        ozk_fr_neg(&tab[0], &tmp);
        const int8_t *w = ml->w + (size_t)o * l->n_in;
        for (uint32_t i = 0; i < l->n_in; i++) ozk_fr_add(&wz[i], &wz[i], &tab[128 + w[i]]);
    }

    ozk_fr_sub(&claim, A, &bz);
    const ozk_fr *tables[2] = { wz, tensor_table(c, l->in0) };
    ozk_sumcheck_term term;
    memset(&term, 0, sizeof term);
    ozk_fr_set_one(&term.coeff);
    term.nfactors = 2;
    term.factors[0] = 0;
    term.factors[1] = 1;
    rc = ozk_sumcheck_prove(sc, r, fin, c->t, tables, 2, l->lv_in, &term, 1, 2, &claim);
    if (rc) goto out;
    ozk_sumcheck_proof_encode(c->o, sc);
    c->o += ozk_sumcheck_proof_size(l->lv_in, 2);
    ozk__put_frs(&c->o, fin, 2);
    ozk_transcript_absorb_frs(c->t, fin, 2);

    /* claims: W_j at (r, z), b_j at z, the input at r */
    ozk_fr full[2 * OZK_SUMCHECK_MAX_VARS];
    memcpy(full, r, l->lv_in * sizeof *full);
    memcpy(full + l->lv_in, pt, l->lv_out * sizeof *full);
    if ((rc = ozk__claims_add(c->cl, l->w_poly, l->lv_in + l->lv_out, l->w_off, full, &fin[0])) ||
        (rc = ozk__claims_add(c->cl, l->b_poly, l->lv_out, l->b_off, pt, &bz)) ||
        (rc = input_claim(c, l->in0, r, &fin[1])))
        goto out;
    rc = 0;
out:
    free(eq);
    free(wz);
    free(sc);
    return rc;
}

int ozk__accum_prove(ozk__prover *c, uint32_t j, const ozk_fr *pt, const ozk_fr *A)
{
    const ozk__plan_layer *l = &c->p->layers[j];
    switch (l->kind) {
    case OZK_LAYER_DENSE:
        return dense_prove(c, j, pt, A);
    case OZK_LAYER_ADD: {
        ozk_fr v[2];
        ozk_mle_eval(&v[0], tensor_table(c, l->in0), l->lv_out, pt);
        ozk_mle_eval(&v[1], tensor_table(c, l->in1), l->lv_out, pt);
        ozk__put_frs(&c->o, v, 2);
        ozk_transcript_absorb_frs(c->t, v, 2);
        int rc = input_claim(c, l->in0, pt, &v[0]);
        return rc ? rc : input_claim(c, l->in1, pt, &v[1]);
    }
    default: /* relu: acc = a */
        return input_claim(c, l->in0, pt, A);
    }
}
