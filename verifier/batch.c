/*
 * verifier/batch.c: claim batching, the verifier's side, the encoding and the helpers the
 * prover shares (docs/protocol.md, "Claim batching"; design.md 4.7).
 *
 * With rho^i the claim weights and E_j(x) = sum_{i: j_i = j} rho^i eq(z_i, x):
 *     sumcheck (degree 2) of  sum_x sum_j E_j(x) P_j(x) = sum_i rho^i v_i   -> x*, S_n
 *     final check             sum_j E_j(x*) c_j = S_n,   E_j(x*) by ozk_mle_eq_eval (2n mults
 *                             per claim)
 * and the caller opens the c_j = P_j~(x*) with the PCS (ozk_batch_verify_opening).
 */
#include <string.h>

#include "ozk/batch.h"
#include "ozk/error.h"
#include "ozk/keccak.h"
#include "ozk/mle.h"

int ozk_batch_segment_point(ozk_fr *out, uint32_t nvars, const ozk_fr *z, uint32_t m,
                            uint64_t segment)
{
    if (nvars > OZK_BATCH_MAX_VARS || m > nvars) return OZK_EINVAL;
    uint32_t hi = nvars - m; /* <= 32 */
    if (hi < 64 && segment >> hi != 0) return OZK_EINVAL;
    if (out != z) memmove(out, z, (size_t)m * sizeof *out);
    /* index o + j = j + s 2^m: bits 0..m-1 are j (the point z), bits m.. are those of s */
    for (uint32_t b = 0; b < hi; b++) ozk_fr_from_u64(&out[m + b], segment >> b & 1);
    return 0;
}

static void word32(uint8_t out[32], uint64_t v)
{
    memset(out, 0, 32);
    for (int i = 0; i < 8; i++) out[31 - i] = (uint8_t)(v >> (8 * i));
}

void ozk__batch_absorb_claims(ozk_transcript *t, uint32_t npolys, uint32_t nvars,
                              const ozk_batch_claim *claims, size_t k)
{
    /* one message: J || K || n || (j_i || z_{i,0} || .. || z_{i,n-1} || v_i) for i < K, words
     * and field elements 32 bytes big-endian: s = keccak256(s || message) */
    ozk_keccak256_ctx ctx;
    uint8_t buf[32];
    ozk_keccak256_init(&ctx);
    ozk_keccak256_update(&ctx, t->s, 32);
    word32(buf, npolys);
    ozk_keccak256_update(&ctx, buf, 32);
    word32(buf, k);
    ozk_keccak256_update(&ctx, buf, 32);
    word32(buf, nvars);
    ozk_keccak256_update(&ctx, buf, 32);
    for (size_t i = 0; i < k; i++) {
        word32(buf, claims[i].poly);
        ozk_keccak256_update(&ctx, buf, 32);
        for (uint32_t v = 0; v < nvars; v++) {
            ozk_fr_to_bytes(buf, &claims[i].point[v]);
            ozk_keccak256_update(&ctx, buf, 32);
        }
        ozk_fr_to_bytes(buf, &claims[i].value);
        ozk_keccak256_update(&ctx, buf, 32);
    }
    ozk_keccak256_final(&ctx, t->s);
}

static int shape_ok(uint32_t npolys, uint32_t nvars, const ozk_batch_claim *claims, size_t k)
{
    if (nvars < 1 || nvars > OZK_BATCH_MAX_VARS) return 0;
    if (npolys < 1 || npolys > OZK_BATCH_MAX_POLYS || k < 1) return 0;
    for (size_t i = 0; i < k; i++)
        if (claims[i].poly >= npolys) return 0;
    return 1;
}

int ozk_batch_verify(ozk_batch_final *out, ozk_transcript *t, uint32_t npolys, uint32_t nvars,
                     const ozk_batch_claim *claims, size_t k, const ozk_batch_proof *proof)
{
    memset(out, 0, sizeof *out);
    if (!shape_ok(npolys, nvars, claims, k)) return 0;
    if (proof->nvars != nvars || proof->npolys != npolys) return 0;
    ozk_fr rho, pw, sum, tmp, e[OZK_BATCH_MAX_POLYS];
    ozk_sumcheck_final fin;
    /* 1-2: all claims, then rho */
    ozk__batch_absorb_claims(t, npolys, nvars, claims, k);
    ozk_transcript_challenge(t, &rho);
    /* 3: the claimed sum S = sum_i rho^i v_i, and the sumcheck's rounds */
    ozk_fr_set_zero(&sum);
    ozk_fr_set_one(&pw);
    for (size_t i = 0; i < k; i++) {
        ozk_fr_mul(&tmp, &pw, &claims[i].value);
        ozk_fr_add(&sum, &sum, &tmp);
        ozk_fr_mul(&pw, &pw, &rho);
    }
    if (!ozk_sumcheck_verify_rounds(&fin, t, nvars, 2, &sum, &proof->sc)) goto reject;
    /* 4: the prover's c_j */
    ozk_transcript_absorb_frs(t, proof->values, npolys);
    /* 5: E_j(x*) = sum_{i: j_i = j} rho^i eq(z_i, x*), computed here; sum_j E_j(x*) c_j = S_n */
    for (uint32_t j = 0; j < npolys; j++) ozk_fr_set_zero(&e[j]);
    ozk_fr_set_one(&pw);
    for (size_t i = 0; i < k; i++) {
        ozk_mle_eq_eval(&tmp, claims[i].point, fin.point, nvars);
        ozk_fr_mul(&tmp, &tmp, &pw);
        ozk_fr_add(&e[claims[i].poly], &e[claims[i].poly], &tmp);
        ozk_fr_mul(&pw, &pw, &rho);
    }
    ozk_fr_set_zero(&sum);
    for (uint32_t j = 0; j < npolys; j++) {
        ozk_fr_mul(&tmp, &e[j], &proof->values[j]);
        ozk_fr_add(&sum, &sum, &tmp);
    }
    if (!ozk_fr_eq(&sum, &fin.expected)) goto reject;
    out->nvars = nvars;
    out->npolys = npolys;
    memcpy(out->point, fin.point, (size_t)nvars * sizeof out->point[0]);
    memcpy(out->values, proof->values, (size_t)npolys * sizeof out->values[0]);
    return 1;
reject:
    memset(out, 0, sizeof *out);
    return 0;
}

int ozk_batch_verify_opening(ozk_transcript *t, const ozk_pcs_vk *vk, const ozk_g1 *commitments,
                             const ozk_batch_final *fin, const ozk_pcs_proof *pcs)
{
    if (fin->npolys < 1 || fin->npolys > OZK_BATCH_MAX_POLYS) return 0;
    if (fin->nvars < 1 || fin->nvars > OZK_BATCH_MAX_VARS) return 0;
    if (fin->npolys == 1)
        return ozk_pcs_verify(t, vk, commitments, fin->nvars, fin->point, fin->values, pcs) == 1;
    return ozk_pcs_verify_many(t, vk, commitments, fin->values, fin->npolys, fin->nvars, fin->point,
                               pcs) == 1;
}

size_t ozk_batch_proof_size(uint32_t nvars, uint32_t npolys)
{
    return ozk_sumcheck_proof_size(nvars, 2) + 32 * (size_t)npolys;
}

void ozk_batch_proof_encode(uint8_t *out, const ozk_batch_proof *proof)
{
    ozk_sumcheck_proof_encode(out, &proof->sc);
    out += ozk_sumcheck_proof_size(proof->nvars, 2);
    for (uint32_t j = 0; j < proof->npolys; j++)
        ozk_fr_to_bytes(out + 32 * (size_t)j, &proof->values[j]);
}

int ozk_batch_proof_decode(ozk_batch_proof *proof, uint32_t nvars, uint32_t npolys,
                           const uint8_t *in, size_t len)
{
    memset(proof, 0, sizeof *proof);
    if (nvars < 1 || nvars > OZK_BATCH_MAX_VARS || npolys < 1 || npolys > OZK_BATCH_MAX_POLYS)
        return 0;
    size_t scs = ozk_sumcheck_proof_size(nvars, 2);
    if (len != ozk_batch_proof_size(nvars, npolys)) return 0;
    if (!ozk_sumcheck_proof_decode(&proof->sc, nvars, 2, in, scs)) goto reject;
    for (uint32_t j = 0; j < npolys; j++)
        if (!ozk_fr_from_bytes(&proof->values[j], in + scs + 32 * (size_t)j)) goto reject;
    proof->nvars = nvars;
    proof->npolys = npolys;
    return 1;
reject:
    memset(proof, 0, sizeof *proof);
    return 0;
}
