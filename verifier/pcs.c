/*
 * verifier/pcs.c: HyperKZG verification, proof encoding and the shared transcript steps
 * (docs/protocol.md, "Polynomial commitment (HyperKZG)").
 *
 * Check, for a claim v = f~(z) about C = [P_0] and a proof (C_1..C_{n-1}, e_{i,t}, W, W'):
 *   r after the folds, q after the evaluations, x after W; W' absorbed last
 *   u = (r, -r, r^2); Y_i = e_{i,2} for 1 <= i < n and Y_n = v
 *   fold consistency, for i < n:
 *       2 r Y_{i+1} = r (1 - z_i)(e_{i,0} + e_{i,1}) + z_i (e_{i,0} - e_{i,1})
 *   B_t = sum_i q^i e_{i,t};  C_B = sum_i q^i C_i
 *   Shplonk for the three points of B: R the parabola through (u_t, B_t), Z = prod_t (X - u_t),
 *   W = [(B - R)/Z], L = C_B - R(x) G - Z(x) W (a commitment to a polynomial vanishing at x),
 *       accept iff e(L + x W', [1]_2) = e(W', [tau]_2)
 * The last line is the KZG equation of L at x with x W' moved to the G1 side, so that no G2
 * arithmetic is needed.
 */
#include <string.h>

#include "ozk/keccak.h"
#include "ozk/msm.h"
#include "ozk/pairing.h"
#include "pcs_internal.h"

size_t ozk_pcs_proof_size(uint32_t nvars)
{
    if (nvars < 1) return 0;
    return 64 * (size_t)(nvars - 1) + 96 * (size_t)nvars + 64 * OZK_PCS_WITNESSES;
}

int ozk_pcs_vk_is_valid(const ozk_pcs_vk *vk)
{
    /* h must be the G2 generator and tau_h neither infinity (tau = 0) nor h (tau = 1), both in
     * G2: with a degenerate key the pairing check proves nothing */
    ozk_g2 g;
    ozk_g2_generator(&g);
    return ozk_g2_eq(&vk->h, &g) && !ozk_g2_is_infinity(&vk->tau_h) && !ozk_g2_eq(&vk->tau_h, &g) &&
           ozk_g2_is_on_curve(&vk->tau_h) && ozk_g2_is_in_subgroup(&vk->tau_h);
}

void ozk_pcs_vk_from_srs(ozk_pcs_vk *vk, const ozk_srs *srs)
{
    vk->h = srs->g2[0];
    vk->tau_h = srs->g2[1];
}

void ozk__pcs_absorb_claim(ozk_transcript *t, const ozk_g1 *c, uint32_t nvars, const ozk_fr *z,
                           const ozk_fr *v)
{
    uint8_t buf[64 + 32 + 32 * OZK_PCS_MAX_VARS + 32];
    size_t o = 0;
    ozk_g1_to_bytes(buf, c);
    o += 64;
    memset(buf + o, 0, 32);
    for (int i = 0; i < 4; i++) buf[o + 31 - i] = (uint8_t)(nvars >> (8 * i));
    o += 32;
    for (uint32_t i = 0; i < nvars; i++, o += 32) ozk_fr_to_bytes(buf + o, &z[i]);
    ozk_fr_to_bytes(buf + o, v);
    o += 32;
    ozk_transcript_absorb(t, buf, o);
}

void ozk__pcs_absorb_many(ozk_transcript *t, ozk_fr *gamma, size_t k, uint32_t nvars,
                          const ozk_fr *z, const ozk_g1 *c, const ozk_fr *v)
{
    ozk_keccak256_ctx ctx;
    uint8_t b[OZK_G1_BYTES];
    ozk_keccak256_init(&ctx);
    ozk_keccak256_update(&ctx, t->s, 32);
    memset(b, 0, 32);
    for (int i = 0; i < 8; i++) b[31 - i] = (uint8_t)((uint64_t)k >> (8 * i));
    ozk_keccak256_update(&ctx, b, 32);
    memset(b, 0, 32);
    for (int i = 0; i < 4; i++) b[31 - i] = (uint8_t)(nvars >> (8 * i));
    ozk_keccak256_update(&ctx, b, 32);
    for (uint32_t i = 0; i < nvars; i++) {
        ozk_fr_to_bytes(b, &z[i]);
        ozk_keccak256_update(&ctx, b, 32);
    }
    for (size_t j = 0; j < k; j++) {
        ozk_g1_to_bytes(b, &c[j]);
        ozk_keccak256_update(&ctx, b, OZK_G1_BYTES);
    }
    for (size_t j = 0; j < k; j++) {
        ozk_fr_to_bytes(b, &v[j]);
        ozk_keccak256_update(&ctx, b, 32);
    }
    ozk_keccak256_final(&ctx, t->s);
    ozk_transcript_challenge(t, gamma);
}

void ozk_pcs_proof_encode(uint8_t *out, const ozk_pcs_proof *proof)
{
    uint32_t n = proof->nvars;
    for (uint32_t i = 0; i + 1 < n; i++, out += 64) ozk_g1_to_bytes(out, &proof->folds[i]);
    for (uint32_t i = 0; i < n; i++)
        for (int t = 0; t < 3; t++, out += 32) ozk_fr_to_bytes(out, &proof->evals[i][t]);
    for (int t = 0; t < OZK_PCS_WITNESSES; t++, out += 64) ozk_g1_to_bytes(out, &proof->w[t]);
}

int ozk_pcs_proof_decode(ozk_pcs_proof *proof, uint32_t nvars, const uint8_t *in, size_t len)
{
    memset(proof, 0, sizeof *proof);
    if (nvars < 1 || nvars > OZK_PCS_MAX_VARS || len != ozk_pcs_proof_size(nvars)) return 0;
    proof->nvars = nvars;
    for (uint32_t i = 0; i + 1 < nvars; i++, in += 64)
        if (!ozk_g1_from_bytes(&proof->folds[i], in)) return 0;
    for (uint32_t i = 0; i < nvars; i++)
        for (int t = 0; t < 3; t++, in += 32)
            if (!ozk_fr_from_bytes(&proof->evals[i][t], in)) return 0;
    for (int t = 0; t < OZK_PCS_WITNESSES; t++, in += 64)
        if (!ozk_g1_from_bytes(&proof->w[t], in)) return 0;
    return 1;
}

int ozk_pcs_verify(ozk_transcript *t, const ozk_pcs_vk *vk, const ozk_g1 *commitment,
                   uint32_t nvars, const ozk_fr *point, const ozk_fr *value,
                   const ozk_pcs_proof *proof)
{
    if (nvars < 1 || nvars > OZK_PCS_MAX_VARS || proof->nvars != nvars) return 0;
    if (!ozk_pcs_vk_is_valid(vk)) return 0;
    /* every point is checked here too, not only by decode: a caller may build a proof or a
     * commitment in memory (design.md section 9.8) */
    if (!ozk_g1_is_on_curve(commitment) || !ozk_g1_is_on_curve(&proof->w[0]) ||
        !ozk_g1_is_on_curve(&proof->w[1]))
        return 0;
    for (uint32_t i = 0; i + 1 < nvars; i++)
        if (!ozk_g1_is_on_curve(&proof->folds[i])) return 0;
    const uint32_t n = nvars;
    ozk_fr r, q, x, two_r, lhs, rhs, s, dif, one, t1;
    ozk_fr_set_one(&one);

    ozk__pcs_absorb_claim(t, commitment, n, point, value);
    ozk_transcript_absorb_g1s(t, proof->folds, n - 1);
    ozk_transcript_challenge(t, &r);
    ozk_transcript_absorb_frs(t, &proof->evals[0][0], 3 * (size_t)n);
    ozk_transcript_challenge(t, &q);
    ozk_transcript_absorb_g1(t, &proof->w[0]);
    ozk_transcript_challenge(t, &x);
    ozk_transcript_absorb_g1(t, &proof->w[1]);
    /* r = 0 makes the fold check vacuous; r = 1 or -1 makes two of r, -r, r^2 equal */
    ozk_fr_sqr(&t1, &r);
    if (ozk_fr_is_zero(&r) || ozk_fr_is_one(&t1)) return 0;

    /* fold consistency: 2 r Y_{i+1} = r (1 - z_i)(e0 + e1) + z_i (e0 - e1) */
    ozk_fr_dbl(&two_r, &r);
    for (uint32_t i = 0; i < n; i++) {
        const ozk_fr *e = proof->evals[i];
        const ozk_fr *y_next = i + 1 < n ? &proof->evals[i + 1][2] : value;
        ozk_fr_mul(&lhs, &two_r, y_next);
        ozk_fr_add(&s, &e[0], &e[1]);
        ozk_fr_sub(&t1, &one, &point[i]);
        ozk_fr_mul(&t1, &t1, &r);
        ozk_fr_mul(&rhs, &t1, &s);
        ozk_fr_sub(&dif, &e[0], &e[1]);
        ozk_fr_mul(&dif, &dif, &point[i]);
        ozk_fr_add(&rhs, &rhs, &dif);
        if (!ozk_fr_eq(&lhs, &rhs)) return 0;
    }

    /* B_t = sum_i q^i e_{i,t}, C_B = sum_i q^i C_i; R the parabola through (u_t, B_t);
     * L = C_B - R(x) G - Z(x) W + x W', accept iff e(L, [1]_2) e(-W', [tau]_2) = 1 */
    ozk_g1 pts[OZK_PCS_MAX_VARS + 3];
    ozk_fr sc[OZK_PCS_MAX_VARS + 3], u[3], B[3], qi, rx, zx, num, den;
    u[0] = r;
    ozk_fr_neg(&u[1], &r);
    ozk_fr_sqr(&u[2], &r);
    for (int k = 0; k < 3; k++) ozk_fr_set_zero(&B[k]);
    ozk_fr_set_one(&qi);
    for (uint32_t i = 0; i < n; i++) {
        pts[i] = i == 0 ? *commitment : proof->folds[i - 1];
        sc[i] = qi;
        for (int k = 0; k < 3; k++) {
            ozk_fr_mul(&t1, &qi, &proof->evals[i][k]);
            ozk_fr_add(&B[k], &B[k], &t1);
        }
        ozk_fr_mul(&qi, &qi, &q);
    }
    /* R(x) = sum_t B_t prod_{s != t} (x - u_s) / (u_t - u_s); Z(x) = prod_t (x - u_t). The
     * denominators 2r, r - r^2, -r - r^2 are nonzero: r is neither 0 nor +-1 (checked above). */
    ozk_fr_set_zero(&rx);
    ozk_fr_set_one(&zx);
    for (int k = 0; k < 3; k++) {
        ozk_fr_set_one(&num);
        ozk_fr_set_one(&den);
        for (int m = 0; m < 3; m++) {
            if (m == k) continue;
            ozk_fr_sub(&t1, &x, &u[m]);
            ozk_fr_mul(&num, &num, &t1);
            ozk_fr_sub(&t1, &u[k], &u[m]);
            ozk_fr_mul(&den, &den, &t1);
        }
        ozk_fr_inv(&den, &den);
        ozk_fr_mul(&t1, &num, &den);
        ozk_fr_mul(&t1, &t1, &B[k]);
        ozk_fr_add(&rx, &rx, &t1);
        ozk_fr_sub(&t1, &x, &u[k]);
        ozk_fr_mul(&zx, &zx, &t1);
    }
    ozk_g1_generator(&pts[n]);
    ozk_fr_neg(&sc[n], &rx);
    pts[n + 1] = proof->w[0];
    ozk_fr_neg(&sc[n + 1], &zx);
    pts[n + 2] = proof->w[1];
    sc[n + 2] = x;
    ozk_g1_jac lj;
    if (ozk_g1_msm(&lj, pts, sc, n + 3, 1) < 0) return 0; /* out of memory: cannot accept */
    ozk_g1 pp[2];
    ozk_g2 qq[2] = { vk->h, vk->tau_h };
    ozk_g1_jac_to_affine(&pp[0], &lj);
    ozk_g1_neg(&pp[1], &proof->w[1]);
    return ozk_pairing_check(pp, qq, 2);
}

void ozk__pcs_combine(ozk_g1 *c, ozk_fr *v, const ozk_fr *gamma, const ozk_g1 *commitments,
                      const ozk_fr *values, size_t k)
{
    ozk_fr gi, tv;
    ozk_g1_jac acc, tj;
    ozk_fr_set_one(&gi);
    ozk_fr_set_zero(v);
    ozk_g1_jac_set_infinity(&acc);
    for (size_t j = 0; j < k; j++) {
        uint64_t limbs[4];
        ozk_fr_to_limbs(limbs, &gi);
        ozk_g1_mul_var(&tj, &commitments[j], limbs);
        ozk_g1_jac_add(&acc, &acc, &tj);
        ozk_fr_mul(&tv, &gi, &values[j]);
        ozk_fr_add(v, v, &tv);
        ozk_fr_mul(&gi, &gi, gamma);
    }
    ozk_g1_jac_to_affine(c, &acc);
}

int ozk_pcs_verify_many(ozk_transcript *t, const ozk_pcs_vk *vk, const ozk_g1 *commitments,
                        const ozk_fr *values, size_t k, uint32_t nvars, const ozk_fr *point,
                        const ozk_pcs_proof *proof)
{
    if (k == 0 || nvars < 1 || nvars > OZK_PCS_MAX_VARS) return 0;
    for (size_t j = 0; j < k; j++)
        if (!ozk_g1_is_on_curve(&commitments[j])) return 0;
    ozk_fr gamma, v;
    ozk_g1 c;
    ozk__pcs_absorb_many(t, &gamma, k, nvars, point, commitments, values);
    ozk__pcs_combine(&c, &v, &gamma, commitments, values, k);
    return ozk_pcs_verify(t, vk, &c, nvars, point, &v, proof);
}
