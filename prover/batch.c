/*
 * prover/batch.c: claim batching, the prover (docs/protocol.md, "Claim batching").
 *
 * E_j[b] = sum_{i: j_i = j} rho^i eq(z_i, b), built claim by claim: the table of
 * rho^i eq(z_i, .) comes from the recurrence of ozk_mle_eq_table started at rho^i instead of 1
 * (t[b + 2^v] = t[b] z_v, t[b] = t[b] - t[b + 2^v]; 2^n - 1 multiplications) and is added into
 * E_j. A claim whose top coordinates are 0 or 1 (a segment claim) is nonzero only on its
 * segment, and only that part is built: the cost is the size of the segments claimed, not
 * K 2^n. Then the degree-2 sumcheck (ozk/sumcheck.h) of sum_b sum_j E_j[b] P_j[b] with tables
 * (E_0, P_0, E_1, P_1, ..) and terms E_j P_j; its finals give c_j = P_j~(x*).
 */
#include <stdlib.h>
#include <string.h>

#include <stdint.h>

#include "ozk/batch.h"
#include "ozk/error.h"
#include "../core/par.h"

int ozk_batch_pad(ozk_fr *out, const ozk_fr *in, uint32_t m, uint32_t nvars)
{
    if (m > nvars || nvars >= 63) return OZK_EINVAL;
    size_t small = (size_t)1 << m, big = (size_t)1 << nvars;
    if (out != in) memmove(out, in, small * sizeof *out);
    for (size_t b = small; b < big; b++) ozk_fr_set_zero(&out[b]);
    return 0;
}

/* One doubling step of the eq table over a range of b: tab[b + h] = tab[b] z, tab[b] -= that. */
struct eq_job {
    ozk_fr *tab;
    size_t h;
    const ozk_fr *z;
};

static void eq_step(void *arg, size_t lo, size_t hi)
{
    const struct eq_job *j = arg;
    for (size_t b = lo; b < hi; b++) {
        ozk_fr_mul(&j->tab[b + j->h], &j->tab[b], j->z);
        ozk_fr_sub(&j->tab[b], &j->tab[b], &j->tab[b + j->h]);
    }
}

/* dst[b] += src[b] over a range */
struct add_job {
    ozk_fr *dst;
    const ozk_fr *src;
};

static void add_step(void *arg, size_t lo, size_t hi)
{
    const struct add_job *j = arg;
    for (size_t b = lo; b < hi; b++) ozk_fr_add(&j->dst[b], &j->dst[b], &j->src[b]);
}

#define PAR_MIN 8192 /* shorter loops stay on one thread */

/* tab[b] = scale eq(z, b), b < 2^n; the large steps on two threads when threads > 1 */
static void scaled_eq_table(ozk_fr *tab, const ozk_fr *z, uint32_t n, const ozk_fr *scale,
                            unsigned threads)
{
    tab[0] = *scale;
    for (uint32_t v = 0; v < n; v++) {
        struct eq_job j = { tab, (size_t)1 << v, &z[v] };
        ozk__par2(eq_step, &j, j.h, threads > 1 ? PAR_MIN : SIZE_MAX);
    }
}

int ozk_batch_prove(ozk_batch_proof *proof, ozk_fr *point, ozk_transcript *t,
                    const ozk_fr *const *polys, uint32_t npolys, uint32_t nvars,
                    const ozk_batch_claim *claims, size_t k, unsigned threads)
{
    if (nvars < 1 || nvars > OZK_BATCH_MAX_VARS || npolys < 1 || npolys > OZK_BATCH_MAX_POLYS ||
        k < 1)
        return OZK_EINVAL;
    for (size_t i = 0; i < k; i++)
        if (claims[i].poly >= npolys) return OZK_EINVAL;
    size_t n = (size_t)1 << nvars;
    /* E_0 .. E_{J-1}, then one scratch table */
    ozk_fr *e = calloc(((size_t)npolys + 1) * n, sizeof *e); /* zero is all-zero limbs */
    if (!e) return OZK_ENOMEM;
    ozk_fr *scratch = e + (size_t)npolys * n;

    ozk_transcript tt = *t; /* t changes only on success */
    ozk_fr rho, pw, sum, tmp, finals[2 * OZK_BATCH_MAX_POLYS], xs[OZK_BATCH_MAX_VARS];
    ozk__batch_absorb_claims(&tt, npolys, nvars, claims, k);
    ozk_transcript_challenge(&tt, &rho);
    ozk_fr_set_zero(&sum);
    ozk_fr_set_one(&pw);
    for (size_t i = 0; i < k; i++) {
        /* A segment claim's top coordinates are Boolean: eq(z, b) vanishes outside its segment,
         * so only the 2^lv entries of the segment are built (lv: the coordinates below the
         * Boolean run at the top). */
        const ozk_fr *z = claims[i].point;
        uint32_t lv = nvars;
        uint64_t seg = 0;
        while (lv > 0 && (ozk_fr_is_zero(&z[lv - 1]) || ozk_fr_is_one(&z[lv - 1]))) {
            seg = seg << 1 | (uint64_t)ozk_fr_is_one(&z[lv - 1]);
            lv--;
        }
        size_t len = (size_t)1 << lv;
        ozk_fr *ej = e + (size_t)claims[i].poly * n + (size_t)seg * len;
        scaled_eq_table(scratch, z, lv, &pw, threads);
        struct add_job aj = { ej, scratch };
        ozk__par2(add_step, &aj, len, threads > 1 ? PAR_MIN : SIZE_MAX);
        ozk_fr_mul(&tmp, &pw, &claims[i].value);
        ozk_fr_add(&sum, &sum, &tmp);
        ozk_fr_mul(&pw, &pw, &rho);
    }

    const ozk_fr *tables[2 * OZK_BATCH_MAX_POLYS];
    ozk_sumcheck_term terms[OZK_BATCH_MAX_POLYS];
    memset(terms, 0, sizeof terms);
    for (uint32_t j = 0; j < npolys; j++) {
        tables[2 * j] = e + (size_t)j * n;
        tables[2 * j + 1] = polys[j];
        ozk_fr_set_one(&terms[j].coeff);
        terms[j].nfactors = 2;
        terms[j].factors[0] = 2 * j;
        terms[j].factors[1] = 2 * j + 1;
    }
    memset(proof, 0, sizeof *proof);
    int rc = ozk_sumcheck_prove_mt(&proof->sc, xs, finals, &tt, tables, 2 * (size_t)npolys, nvars,
                                   terms, npolys, 2, &sum, threads);
    free(e);
    if (rc) return rc;
    proof->nvars = nvars;
    proof->npolys = npolys;
    for (uint32_t j = 0; j < npolys; j++) proof->values[j] = finals[2 * j + 1];
    ozk_transcript_absorb_frs(&tt, proof->values, npolys);
    if (point) memcpy(point, xs, (size_t)nvars * sizeof *point);
    *t = tt;
    return 0;
}

int ozk_batch_open(ozk_pcs_proof *pcs, ozk_transcript *t, const ozk_srs *srs,
                   const ozk_fr *const *polys, const ozk_g1 *commitments,
                   const ozk_batch_proof *proof, const ozk_fr *point, unsigned threads)
{
    if (proof->npolys < 1 || proof->npolys > OZK_BATCH_MAX_POLYS) return OZK_EINVAL;
    if (proof->npolys == 1)
        return ozk_pcs_open(pcs, t, srs, polys[0], proof->nvars, point, commitments, proof->values,
                            threads);
    return ozk_pcs_open_many(pcs, t, srs, polys, proof->npolys, proof->nvars, point, commitments,
                             proof->values, threads);
}
