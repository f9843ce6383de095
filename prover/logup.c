/*
 * prover/logup.c: the LogUp-GKR prover (docs/protocol.md section 6; the verifier is
 * verifier/logup.c). Sources: Habock, eprint 2022/1530 (the logarithmic-derivative identity
 * sum_b 1/(a - w_b) = sum_j mult_j/(a - j)); Papini and Habock, eprint 2023/1284, section 3
 * (fractional sums by GKR: a binary tree of projective fractions p/q, each layer reduced to the
 * next by one sumcheck).
 *
 * Tree of depth d (leaves p_d, q_d of 2^d entries). Layer i has 2^i entries; the children of
 * entry x of layer i are x and x + 2^i of layer i + 1 (the new variable is the top one):
 *     p_i[x] = p_{i+1}[x] q_{i+1}[x + 2^i] + p_{i+1}[x + 2^i] q_{i+1}[x]
 *     q_i[x] = q_{i+1}[x] q_{i+1}[x + 2^i]
 * so p_i/q_i = p_{i+1}[x]/q_{i+1}[x] + p_{i+1}[x+2^i]/q_{i+1}[x+2^i] whenever no q is zero, and
 * p_0/q_0 is the sum of the leaves' fractions. Layer i is stored at [2^i, 2^(i+1)) of one
 * array per p and q (2^(d+1) entries each).
 *
 * Layer i -> i + 1, with claims P = p_i~(z), Q = q_i~(z), z in Fr^i:
 *     lambda = challenge
 *     sumcheck over x in {0,1}^i of
 *         eq(z,x) [p0(x) q1(x) + p1(x) q0(x)] + lambda eq(z,x) q0(x) q1(x)  =  P + lambda Q
 *     (p0, p1, q0, q1 the lower and upper halves of layer i + 1; degree 3), giving rho;
 *     send p0~(rho), p1~(rho), q0~(rho), q1~(rho); mu = challenge;
 *     next claims at z' = (rho, mu): P' = p0~ + mu (p1~ - p0~), Q' = q0~ + mu (q1~ - q0~).
 */
#include <stdlib.h>
#include <string.h>

#include "ozk/error.h"
#include "ozk/logup.h"
#include "ozk/mle.h"
#include "../verifier/logup_internal.h"

/* Builds layers d-1 .. 0 above the leaves at [2^d, 2^(d+1)) of p and q. */
static void build_tree(ozk_fr *p, ozk_fr *q, uint32_t d)
{
    ozk_fr t;
    for (uint32_t i = d; i-- > 0;) {
        const size_t h = (size_t)1 << i;
        const ozk_fr *cp = p + 2 * h, *cq = q + 2 * h; /* layer i + 1 */
        for (size_t x = 0; x < h; x++) {
            ozk_fr_mul(&p[h + x], &cp[x], &cq[x + h]); /* p0 q1 */
            ozk_fr_mul(&t, &cp[x + h], &cq[x]);        /* p1 q0 */
            ozk_fr_add(&p[h + x], &p[h + x], &t);
            ozk_fr_mul(&q[h + x], &cq[x], &cq[x + h]); /* q0 q1 */
        }
    }
}

/* Runs the layer reductions of one tree; writes its blocks into el and the leaf point and
 * claims. eqbuf holds 2^(d-1) entries (unused when d = 0). */
static int prove_tree(ozk_fr *el, ozk_fr *leaf_point, ozk_fr *leaf_p, ozk_fr *leaf_q,
                      ozk_transcript *t, const ozk_fr *p, const ozk_fr *q, uint32_t d,
                      ozk_fr *eqbuf, ozk_sumcheck_proof *sc)
{
    ozk_fr z[OZK_LOGUP_MAX_VARS], P = p[1], Q = q[1], lambda, mu, claim, fin[5];
    for (uint32_t i = 0; i < d; i++) {
        const size_t h = (size_t)1 << i;
        const ozk_fr *lp = p + 2 * h, *lq = q + 2 * h; /* layer i + 1 */
        ozk_transcript_challenge(t, &lambda);
        /* claim = P + lambda Q */
        ozk_fr_mul(&claim, &lambda, &Q);
        ozk_fr_add(&claim, &claim, &P);
        ozk_mle_eq_table(eqbuf, z, i);
        /* tables 0 eq, 1 p0, 2 p1, 3 q0, 4 q1; g = eq p0 q1 + eq p1 q0 + lambda eq q0 q1 */
        const ozk_fr *tabs[5] = { eqbuf, lp, lp + h, lq, lq + h };
        ozk_sumcheck_term terms[3];
        memset(terms, 0, sizeof terms);
        ozk_fr_set_one(&terms[0].coeff);
        terms[0].nfactors = 3;
        terms[0].factors[0] = 0, terms[0].factors[1] = 1, terms[0].factors[2] = 4;
        ozk_fr_set_one(&terms[1].coeff);
        terms[1].nfactors = 3;
        terms[1].factors[0] = 0, terms[1].factors[1] = 2, terms[1].factors[2] = 3;
        terms[2].coeff = lambda;
        terms[2].nfactors = 3;
        terms[2].factors[0] = 0, terms[2].factors[1] = 3, terms[2].factors[2] = 4;
        int rc = ozk_sumcheck_prove(sc, z, fin, t, tabs, 5, i, terms, 3, 3, &claim);
        if (rc < 0) return rc;
        /* the block: i rounds of 4 coefficients, then p0 p1 q0 q1 at rho (now z[0..i)) */
        for (uint32_t r = 0; r < i; r++, el += 4) memcpy(el, sc->coeffs[r], 4 * sizeof *el);
        memcpy(el, fin + 1, 4 * sizeof *el);
        ozk__logup_next_layer(t, el, &mu, &P, &Q); /* P' = p0 + mu (p1 - p0), Q' likewise */
        el += 4;
        z[i] = mu;
    }
    memcpy(leaf_point, z, d * sizeof *z);
    *leaf_p = P;
    *leaf_q = Q;
    return 0;
}

int ozk__logup_prove_hooked(ozk_logup_proof *proof, ozk_logup_claims *claims, ozk_transcript *t,
                            const ozk_fr *w, uint32_t m, const ozk_fr *mult, uint32_t k,
                            const ozk_fr *alpha, const ozk_fr *shift, const ozk_fr *wnum,
                            int allow_zero_den)
{
    if (m > OZK_LOGUP_MAX_VARS || k > OZK_LOGUP_MAX_VARS) return OZK_EINVAL;
    ozk_fr a, v, lp, lq;
    ozk_fr_set_zero(&a);
    if (shift) a = *shift;
    ozk_fr_sub(&a, alpha, &a); /* a = alpha - shift */

    const uint32_t dmax = m > k ? m : k;
    const size_t nw = (size_t)1 << m, nt = (size_t)1 << k, nmax = (size_t)1 << dmax;
    /* pw, qw: 2 nw each; pt, qt: 2 nt each; eq: nmax / 2 (at least 1) */
    ozk_fr *buf = malloc((4 * nw + 4 * nt + nmax / 2 + 1) * sizeof *buf);
    ozk_sumcheck_proof *sc = malloc(sizeof *sc);
    ozk_logup_claims cl;
    int rc = OZK_ENOMEM;
    if (!buf || !sc) goto fail;
    ozk_fr *pw = buf, *qw = pw + 2 * nw, *pt = qw + 2 * nw, *qt = pt + 2 * nt, *eq = qt + 2 * nt;

    /* leaves: witness side 1 / (a - w[b]), table side mult[j] / (a - j) */
    rc = OZK_ERANGE;
    for (size_t b = 0; b < nw; b++) {
        if (wnum) {
            pw[nw + b] = wnum[b];
        } else {
            ozk_fr_set_one(&pw[nw + b]);
        }
        ozk_fr_sub(&qw[nw + b], &a, &w[b]);
        if (!allow_zero_den && ozk_fr_is_zero(&qw[nw + b])) goto fail;
    }
    for (size_t j = 0; j < nt; j++) {
        pt[nt + j] = mult[j];
        ozk_fr_from_u64(&v, j);
        ozk_fr_sub(&qt[nt + j], &a, &v);
        if (!allow_zero_den && ozk_fr_is_zero(&qt[nt + j])) goto fail;
    }
    build_tree(pw, qw, m);
    build_tree(pt, qt, k);

    memset(proof, 0, sizeof *proof);
    proof->m = m;
    proof->k = k;
    ozk__logup_absorb_statement(t, m, k, alpha, shift);
    proof->el[0] = pw[1], proof->el[1] = qw[1], proof->el[2] = pt[1], proof->el[3] = qt[1];
    ozk_transcript_absorb_frs(t, proof->el, 4);

    memset(&cl, 0, sizeof cl);
    cl.m = m;
    cl.k = k;
    OZK_TRY(prove_tree(proof->el + ozk__logup_layer_offset(m, 0, 0), cl.w_point, &lp, &lq, t, pw,
                       qw, m, eq, sc));
    ozk_fr_sub(&cl.w_value, &a, &lq); /* q = a - w at the leaves, so w~(z) = a - q~(z) */
    OZK_TRY(prove_tree(proof->el + ozk__logup_layer_offset(m, 1, 0), cl.mult_point, &cl.mult_value,
                       &lq, t, pt, qt, k, eq, sc));
    if (claims) *claims = cl;
    rc = 0;
fail:
    free(buf);
    free(sc);
    return rc;
}

int ozk_logup_prove(ozk_logup_proof *proof, ozk_logup_claims *claims, ozk_transcript *t,
                    const ozk_fr *w, uint32_t m, const ozk_fr *mult, uint32_t k,
                    const ozk_fr *alpha, const ozk_fr *shift)
{
    return ozk__logup_prove_hooked(proof, claims, t, w, m, mult, k, alpha, shift, NULL, 0);
}
