/*
 * verifier/logup.c: LogUp-GKR verification, the proof encoding and the transcript steps the
 * prover shares (docs/protocol.md section 6). Sources: Habock, eprint 2022/1530, Lemma 5 (the
 * identity and why mult needs no range check); Papini and Habock, eprint 2023/1284, section 3
 * (the GKR for fractional sums; the layer reduction is prover/logup.c's header).
 *
 * Root: P_w Q_t - P_t Q_w = 0 and Q_w != 0 and Q_t != 0, i.e. the fraction
 * P_w/Q_w - P_t/Q_t = (P_w Q_t - P_t Q_w)/(Q_w Q_t) has numerator 0 and a nonzero denominator
 * (design.md 4.6). No prover value is ever inverted.
 * Layer i, claims P, Q at z (i coordinates):
 *     lambda = challenge; sumcheck rounds (i variables, degree 3, claim P + lambda Q) -> rho, e
 *     check   eq(z, rho) (p0 q1 + p1 q0 + lambda q0 q1) = e
 *     absorb  p0 || p1 || q0 || q1;  mu = challenge
 *     P = p0 + mu (p1 - p0), Q = q0 + mu (q1 - q0), z = (rho, mu)
 * Leaves, witness tree at z_w: P = 1 (the verifier's own numerators), w_value = a - Q.
 * Leaves, table tree at z_t: Q = a - sum_i 2^i z_t,i, mult_value = P.   (a = alpha - shift)
 */
#include <string.h>

#include "ozk/logup.h"
#include "ozk/mle.h"
#include "logup_internal.h"

void ozk_logup_table_eval(ozk_fr *out, const ozk_fr *z, uint32_t k)
{
    /* sum_i 2^i z_i by Horner from the top: acc = 2 acc + z_i */
    ozk_fr acc;
    ozk_fr_set_zero(&acc);
    for (uint32_t i = k; i-- > 0;) {
        ozk_fr_dbl(&acc, &acc);
        ozk_fr_add(&acc, &acc, &z[i]);
    }
    *out = acc;
}

void ozk__logup_absorb_statement(ozk_transcript *t, uint32_t m, uint32_t k, const ozk_fr *alpha,
                                 const ozk_fr *shift)
{
    /* one message: m (32-byte word) || k (32-byte word) || alpha || shift (0 when NULL) */
    uint8_t buf[128];
    ozk_fr s;
    memset(buf, 0, sizeof buf);
    for (int i = 0; i < 4; i++) {
        buf[31 - i] = (uint8_t)(m >> (8 * i));
        buf[63 - i] = (uint8_t)(k >> (8 * i));
    }
    ozk_fr_set_zero(&s);
    if (shift) s = *shift;
    ozk_fr_to_bytes(buf + 64, alpha);
    ozk_fr_to_bytes(buf + 96, &s);
    ozk_transcript_absorb(t, buf, sizeof buf);
}

size_t ozk__logup_layer_offset(uint32_t m, int side, uint32_t i)
{
    /* a tree's layers j < i take sum_j (4j + 4) = 2i(i - 1) + 4i = 2i^2 + 2i elements */
    size_t base = 4 + (side ? 2 * (size_t)m * m + 2 * (size_t)m : 0);
    return base + 2 * (size_t)i * i + 2 * (size_t)i;
}

/* The layers of one tree from its root claims (P, Q) down to the leaves. */
static int verify_tree(ozk_fr *leaf_point, ozk_fr *leaf_p, ozk_fr *leaf_q, ozk_transcript *t,
                       const ozk_fr *el, uint32_t d, ozk_fr P, ozk_fr Q, ozk_sumcheck_proof *sc)
{
    ozk_fr z[OZK_LOGUP_MAX_VARS], lambda, mu, claim, e, v, tmp;
    for (uint32_t i = 0; i < d; i++) {
        ozk_transcript_challenge(t, &lambda);
        ozk_fr_mul(&claim, &lambda, &Q);
        ozk_fr_add(&claim, &claim, &P);
        sc->nvars = i;
        sc->degree = 3;
        for (uint32_t r = 0; r < i; r++, el += 4) memcpy(sc->coeffs[r], el, 4 * sizeof *el);
        ozk_sumcheck_final fin;
        if (!ozk_sumcheck_verify_rounds(&fin, t, i, 3, &claim, sc)) return 0;
        /* e = eq(z, rho) (p0 q1 + p1 q0 + lambda q0 q1), with el = p0 p1 q0 q1 */
        ozk_fr_mul(&v, &el[0], &el[3]);
        ozk_fr_mul(&tmp, &el[1], &el[2]);
        ozk_fr_add(&v, &v, &tmp);
        ozk_fr_mul(&tmp, &el[2], &el[3]);
        ozk_fr_mul(&tmp, &tmp, &lambda);
        ozk_fr_add(&v, &v, &tmp);
        ozk_mle_eq_eval(&e, z, fin.point, i);
        ozk_fr_mul(&v, &v, &e);
        if (!ozk_fr_eq(&v, &fin.expected)) return 0;
        ozk__logup_next_layer(t, el, &mu, &P, &Q);
        memcpy(z, fin.point, i * sizeof *z);
        z[i] = mu;
        el += 4;
    }
    memcpy(leaf_point, z, d * sizeof *z);
    *leaf_p = P;
    *leaf_q = Q;
    return 1;
}

int ozk_logup_verify(ozk_logup_claims *out, ozk_transcript *t, uint32_t m, uint32_t k,
                     const ozk_fr *alpha, const ozk_fr *shift, const ozk_logup_proof *proof)
{
    memset(out, 0, sizeof *out);
    if (m > OZK_LOGUP_MAX_VARS || k > OZK_LOGUP_MAX_VARS || proof->m != m || proof->k != k)
        return 0;
    ozk_fr a, lp, lq, v, tmp;
    ozk_sumcheck_proof sc;
    ozk_fr_set_zero(&a);
    if (shift) a = *shift;
    ozk_fr_sub(&a, alpha, &a);

    ozk__logup_absorb_statement(t, m, k, alpha, shift);
    const ozk_fr *root = proof->el; /* P_w, Q_w, P_t, Q_t */
    ozk_transcript_absorb_frs(t, root, 4);
    /* root numerator P_w Q_t - P_t Q_w = 0, root denominators nonzero */
    if (ozk_fr_is_zero(&root[1]) || ozk_fr_is_zero(&root[3])) goto reject;
    ozk_fr_mul(&v, &root[0], &root[3]);
    ozk_fr_mul(&tmp, &root[2], &root[1]);
    if (!ozk_fr_eq(&v, &tmp)) goto reject;

    memset(&sc, 0, sizeof sc);
    if (!verify_tree(out->w_point, &lp, &lq, t, proof->el + ozk__logup_layer_offset(m, 0, 0), m,
                     root[0], root[1], &sc))
        goto reject;
    if (!ozk_fr_is_one(&lp)) goto reject; /* every witness-side numerator is 1 */
    ozk_fr_sub(&out->w_value, &a, &lq);
    if (!verify_tree(out->mult_point, &lp, &lq, t, proof->el + ozk__logup_layer_offset(m, 1, 0), k,
                     root[2], root[3], &sc))
        goto reject;
    ozk_logup_table_eval(&v, out->mult_point, k);
    ozk_fr_sub(&v, &a, &v); /* the table-side denominator a - T~(z) */
    if (!ozk_fr_eq(&v, &lq)) goto reject;
    out->mult_value = lp;
    out->m = m;
    out->k = k;
    return 1;
reject:
    memset(out, 0, sizeof *out);
    return 0;
}

int ozk_logup_check_claims(const ozk_logup_claims *c, const ozk_fr *w_eval, const ozk_fr *mult_eval)
{
    return ozk_fr_eq(w_eval, &c->w_value) & ozk_fr_eq(mult_eval, &c->mult_value);
}

size_t ozk_logup_proof_size(uint32_t m, uint32_t k)
{
    return 32 * OZK_LOGUP_ELEMS(m, k);
}

void ozk_logup_proof_encode(uint8_t *out, const ozk_logup_proof *proof)
{
    size_t n = OZK_LOGUP_ELEMS(proof->m, proof->k);
    for (size_t i = 0; i < n; i++) ozk_fr_to_bytes(out + 32 * i, &proof->el[i]);
}

int ozk_logup_proof_decode(ozk_logup_proof *proof, uint32_t m, uint32_t k, const uint8_t *in,
                           size_t len)
{
    memset(proof, 0, sizeof *proof);
    if (m > OZK_LOGUP_MAX_VARS || k > OZK_LOGUP_MAX_VARS || len != ozk_logup_proof_size(m, k))
        return 0;
    size_t n = OZK_LOGUP_ELEMS(m, k);
    for (size_t i = 0; i < n; i++)
        if (!ozk_fr_from_bytes(&proof->el[i], in + 32 * i)) goto reject;
    proof->m = m;
    proof->k = k;
    return 1;
reject:
    memset(proof, 0, sizeof *proof);
    return 0;
}

void ozk__logup_next_layer(ozk_transcript *t, const ozk_fr el[4], ozk_fr *mu, ozk_fr *P, ozk_fr *Q)
{
    ozk_fr tmp;
    ozk_transcript_absorb_frs(t, el, 4);
    ozk_transcript_challenge(t, mu);
    ozk_fr_sub(&tmp, &el[1], &el[0]);
    ozk_fr_mul(&tmp, &tmp, mu);
    ozk_fr_add(P, &el[0], &tmp);
    ozk_fr_sub(&tmp, &el[3], &el[2]);
    ozk_fr_mul(&tmp, &tmp, mu);
    ozk_fr_add(Q, &el[2], &tmp);
}
