/*
 * prover/pcs.c: HyperKZG commitments and openings (docs/protocol.md, "Polynomial commitment
 * (HyperKZG)"; the verifier is verifier/pcs.c).
 *
 * Opening v = f~(z), f of N = 2^n evaluations, seen as the coefficients of P_0(X):
 *   1. folds: P_{i+1}[j] = P_i[2j] + z_i (P_i[2j+1] - P_i[2j]), i < n (P_n = f~(z) is a
 *      constant); commit P_1 .. P_{n-1} (MSMs of N/2, ..., 2 points); absorb; draw r.
 *      Why it works: P_i(X) = E(X^2) + X O(X^2) and P_{i+1} = (1 - z_i) E + z_i O, so
 *      P_{i+1}(r^2) is fixed by P_i(r) and P_i(-r): the verifier's fold check.
 *   2. evaluate every P_i at r, -r, r^2 (Horner); absorb; draw q.
 *   3. B = sum_i q^i P_i; the KZG witnesses W_t = [(B(X) - B(u_t)) / (X - u_t)], u = (r, -r,
 *      r^2), by synthetic division (3 MSMs of N - 1 points); absorb; draw d (the verifier's).
 * Cost: about 4N points of full-scalar MSM and O(N) field operations.
 */
#include <stdlib.h>
#include <string.h>

#include "ozk/error.h"
#include "ozk/msm.h"
#include "ozk/pcs.h"
#include "../verifier/pcs_internal.h"

int ozk_pcs_commit(ozk_g1 *out, const ozk_srs *srs, const ozk_fr *evals, size_t n, unsigned threads)
{
    if (n > srs->n) return OZK_EINVAL;
    ozk_g1_jac j;
    int rc = ozk_g1_msm(&j, srs->g1, evals, n, threads);
    if (rc < 0) return rc;
    ozk_g1_jac_to_affine(out, &j);
    return 0;
}

/* p(u) by Horner over the n coefficients p[0..n) */
static void horner(ozk_fr *out, const ozk_fr *p, size_t n, const ozk_fr *u)
{
    ozk_fr acc;
    ozk_fr_set_zero(&acc);
    for (size_t k = n; k-- > 0;) {
        ozk_fr_mul(&acc, &acc, u);
        ozk_fr_add(&acc, &acc, &p[k]);
    }
    *out = acc;
}

int ozk_pcs_open(ozk_pcs_proof *proof, ozk_transcript *t, const ozk_srs *srs, const ozk_fr *evals,
                 uint32_t nvars, const ozk_fr *point, const ozk_g1 *commitment, const ozk_fr *value,
                 unsigned threads)
{
    if (nvars < 1 || nvars > OZK_PCS_MAX_VARS || ((size_t)1 << nvars) > srs->n) return OZK_EINVAL;
    const uint32_t n = nvars;
    const size_t N = (size_t)1 << n;
    int rc = 0;
    /* P_0 .. P_n back to back in buf (N + N/2 + ... + 1 < 2N entries); P_i starts at off[i] */
    ozk_fr *buf = malloc(2 * N * sizeof *buf), *b = malloc(N * sizeof *b),
           *quo = malloc(N * sizeof *quo);
    size_t off[OZK_PCS_MAX_VARS + 1];
    if (!buf || !b || !quo) {
        rc = OZK_ENOMEM;
        goto fail;
    }
    memset(proof, 0, sizeof *proof);
    proof->nvars = n;
    ozk__pcs_absorb_claim(t, commitment, n, point, value);

    /* 1. folds */
    memcpy(buf, evals, N * sizeof *buf);
    off[0] = 0;
    for (uint32_t i = 0; i < n; i++) {
        size_t len = N >> i, half = len / 2;
        const ozk_fr *src = buf + off[i];
        ozk_fr *dst = buf + off[i] + len;
        off[i + 1] = off[i] + len;
        for (size_t j = 0; j < half; j++) {
            ozk_fr d;
            ozk_fr_sub(&d, &src[2 * j + 1], &src[2 * j]);
            ozk_fr_mul(&d, &d, &point[i]);
            ozk_fr_add(&dst[j], &src[2 * j], &d);
        }
        if (i + 1 < n) {
            rc = ozk_pcs_commit(&proof->folds[i], srs, dst, half, threads);
            if (rc < 0) goto fail;
        }
    }
    ozk_transcript_absorb_g1s(t, proof->folds, n - 1);
    ozk_fr r, q, d, u[3];
    ozk_transcript_challenge(t, &r);

    /* 2. evaluations at r, -r, r^2 */
    u[0] = r;
    ozk_fr_neg(&u[1], &r);
    ozk_fr_sqr(&u[2], &r);
    for (uint32_t i = 0; i < n; i++)
        for (int k = 0; k < 3; k++) horner(&proof->evals[i][k], buf + off[i], N >> i, &u[k]);
    ozk_transcript_absorb_frs(t, &proof->evals[0][0], 3 * (size_t)n);
    ozk_transcript_challenge(t, &q);

    /* 3. B = sum_i q^i P_i, and the three KZG witnesses */
    ozk_fr qi, tmp;
    memcpy(b, buf, N * sizeof *b);
    ozk_fr_set_one(&qi);
    for (uint32_t i = 1; i < n; i++) {
        ozk_fr_mul(&qi, &qi, &q);
        for (size_t j = 0; j < (N >> i); j++) {
            ozk_fr_mul(&tmp, &qi, &buf[off[i] + j]);
            ozk_fr_add(&b[j], &b[j], &tmp);
        }
    }
    for (int k = 0; k < 3; k++) {
        /* (B(X) - B(u)) / (X - u): quo[j-1] = b[j] + u quo[j], from the top */
        ozk_fr acc;
        ozk_fr_set_zero(&acc);
        for (size_t j = N; j-- > 1;) {
            ozk_fr_mul(&acc, &acc, &u[k]);
            ozk_fr_add(&acc, &acc, &b[j]);
            quo[j - 1] = acc;
        }
        rc = ozk_pcs_commit(&proof->w[k], srs, quo, N - 1, threads);
        if (rc < 0) goto fail;
    }
    ozk_transcript_absorb_g1s(t, proof->w, 3);
    ozk_transcript_challenge(t, &d); /* the verifier's batching challenge; kept in sync */
fail:
    free(buf);
    free(b);
    free(quo);
    return rc;
}

int ozk_pcs_open_many(ozk_pcs_proof *proof, ozk_transcript *t, const ozk_srs *srs,
                      const ozk_fr *const *evals, size_t k, uint32_t nvars, const ozk_fr *point,
                      const ozk_g1 *commitments, const ozk_fr *values, unsigned threads)
{
    if (k == 0 || nvars < 1 || nvars > OZK_PCS_MAX_VARS || ((size_t)1 << nvars) > srs->n)
        return OZK_EINVAL;
    const size_t N = (size_t)1 << nvars;
    ozk_fr gamma, gi, tmp, v;
    ozk_g1 c;
    ozk__pcs_absorb_many(t, &gamma, k, nvars, point, commitments, values);
    ozk__pcs_combine(&c, &v, &gamma, commitments, values, k);
    ozk_fr *f = calloc(N, sizeof *f); /* f = sum_j gamma^j f_j */
    if (!f) return OZK_ENOMEM;
    ozk_fr_set_one(&gi);
    for (size_t j = 0; j < k; j++) {
        for (size_t b = 0; b < N; b++) {
            ozk_fr_mul(&tmp, &gi, &evals[j][b]);
            ozk_fr_add(&f[b], &f[b], &tmp);
        }
        ozk_fr_mul(&gi, &gi, &gamma);
    }
    int rc = ozk_pcs_open(proof, t, srs, f, nvars, point, &c, &v, threads);
    free(f);
    return rc;
}
