/*
 * ozk/batch.h: claim batching (docs/protocol.md, "Claim batching"; design.md 4.7).
 *
 * Input: npolys multilinear polynomials P_0 .. P_{J-1}, all of nvars variables (2^nvars
 * evaluations each; a smaller one is zero-padded, see ozk_batch_pad), and K claims
 * (j_i, z_i, v_i): P_{j_i}~(z_i) = v_i with z_i a full point in Fr^nvars. The protocol reduces
 * all of them to ONE point x* and J values c_j = P_j~(x*), which the caller then proves with
 * ONE PCS opening (ozk_pcs_open for J = 1, ozk_pcs_open_many, i.e. C_0 + gamma C_1 + ..., for
 * J > 1):
 *   1. absorb the whole statement: J, K, nvars and every claim (one message);
 *   2. rho = challenge, drawn after ALL claims (design pitfall 7);
 *   3. a degree-2 sumcheck (ozk/sumcheck.h) of
 *          sum_x sum_j E_j(x) P_j(x) = sum_i rho^i v_i,  E_j(x) = sum_{i: j_i = j} rho^i eq(z_i,
 * x);
 *   4. the prover sends c_j = P_j~(x*) (absorbed, one message);
 *   5. the verifier computes E_j(x*) itself (ozk_mle_eq_eval) and checks
 *          sum_j E_j(x*) c_j = the sumcheck's final value.
 * Then the caller MUST verify the opening of (x*, c) (ozk_batch_verify_opening): without it
 * nothing about the P_j has been checked. Two verifier calls, both warn_unused_result.
 *
 * Segment claims. A segment of 2^m entries at the aligned offset o = s 2^m (s < 2^(nvars-m)) is
 * the polynomial Q[j] = P[o + j], j < 2^m. With LSB-first indices, o + j has bits 0..m-1 = j and
 * bits m..nvars-1 = the bits of s, so Q~(z) = P~(z_0, .., z_{m-1}, s_0, .., s_{nvars-m-1}):
 * ozk_batch_segment_point builds that full point. Padding a polynomial of m variables to nvars
 * (zeros above 2^m) is the segment s = 0: P'~(z, y) = P~(z) prod_j (1 - y_j).
 *
 * Soundness: 1.14 (K - 1 + 2 nvars) / r for the reduction (docs/protocol.md), plus the PCS's.
 *
 * Conventions: crypto predicates (verify, decode) return 1 / 0; the prover and the helpers
 * return 0 or a negative OZK_E*. No function prints or does I/O.
 */
#ifndef OZK_BATCH_H
#define OZK_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "ozk/field.h"
#include "ozk/pcs.h"
#include "ozk/sumcheck.h"
#include "ozk/transcript.h"

#define OZK_BATCH_MAX_VARS  OZK_SUMCHECK_MAX_VARS
#define OZK_BATCH_MAX_POLYS 4

/* One claim: P_poly~(point) = value; point holds nvars coordinates (a full point). */
typedef struct {
    uint32_t poly;
    const ozk_fr *point;
    ozk_fr value;
} ozk_batch_claim;

/* The proof: the degree-2 sumcheck of nvars rounds and the values c_j = P_j~(x*). */
typedef struct {
    uint32_t nvars, npolys;
    ozk_sumcheck_proof sc;
    ozk_fr values[OZK_BATCH_MAX_POLYS];
} ozk_batch_proof;

/* What ozk_batch_verify leaves for the opening: x* and the c_j it must prove. */
typedef struct {
    uint32_t nvars, npolys;
    ozk_fr point[OZK_BATCH_MAX_VARS];
    ozk_fr values[OZK_BATCH_MAX_POLYS];
} ozk_batch_final;

/* out[0..nvars) = (z_0, .., z_{m-1}, bit 0 of segment, .., bit nvars-m-1 of segment): the full
 * point of the claim "segment `segment` of 2^m entries has MLE value v at z". Returns 0, or
 * OZK_EINVAL when m > nvars, nvars > OZK_BATCH_MAX_VARS or segment >= 2^(nvars - m). out must
 * not overlap z unless out == z. */
int ozk_batch_segment_point(ozk_fr *out, uint32_t nvars, const ozk_fr *z, uint32_t m,
                            uint64_t segment);

/* Zero-pads a polynomial of m variables to nvars: out[b] = in[b] for b < 2^m, 0 up to 2^nvars.
 * Its MLE is in~(x_0..x_{m-1}) prod_{m <= j < nvars} (1 - x_j); its commitment (ozk_pcs_commit
 * of the 2^m entries) is unchanged. Returns 0 or OZK_EINVAL (m > nvars). */
int ozk_batch_pad(ozk_fr *out, const ozk_fr *in, uint32_t m, uint32_t nvars);

/* The prover. polys[j] holds 2^nvars evaluations of P_j (read only). 1 <= nvars <=
 * OZK_BATCH_MAX_VARS, 1 <= npolys <= OZK_BATCH_MAX_POLYS, k >= 1, every claims[i].poly <
 * npolys. The values of the claims are absorbed, not checked: a false one yields a proof that
 * fails. Writes the proof and x* into point (nvars elements; may be NULL). Allocates
 * (npolys + 1) 2^nvars elements (the E_j and one scratch table), and the sumcheck its work
 * buffer of npolys 2^nvars more; work: 2 K 2^nvars field operations (K 2^nvars
 * multiplications) for the E_j, then the sumcheck's (on up to two threads, ozk_sumcheck_prove_mt;
 * threads 0 or 1: one). Returns 0, OZK_EINVAL, OZK_ENOMEM;
 * on error t is unchanged. */
int ozk_batch_prove(ozk_batch_proof *proof, ozk_fr *point, ozk_transcript *t,
                    const ozk_fr *const *polys, uint32_t npolys, uint32_t nvars,
                    const ozk_batch_claim *claims, size_t k, unsigned threads);

/* The prover's opening of the result: ozk_pcs_open of P_0 at x* with value c_0 (npolys = 1),
 * else ozk_pcs_open_many of all P_j (gamma drawn after the commitments and all c_j). point is
 * x* as ozk_batch_prove returned it. Returns what the PCS returns. */
int ozk_batch_open(ozk_pcs_proof *pcs, ozk_transcript *t, const ozk_srs *srs,
                   const ozk_fr *const *polys, const ozk_g1 *commitments,
                   const ozk_batch_proof *proof, const ozk_fr *point, unsigned threads);

/* Step 1: 1 if the proof has the statement's shape, the sumcheck's rounds hold and
 * sum_j E_j(x*) c_j equals its final value; out then holds x* and the c_j, and the caller MUST
 * go on to step 2. Else 0 (out zeroed). Mirrors the prover's transcript exactly. */
OZK__MUST_CHECK int ozk_batch_verify(ozk_batch_final *out, ozk_transcript *t, uint32_t npolys,
                                     uint32_t nvars, const ozk_batch_claim *claims, size_t k,
                                     const ozk_batch_proof *proof);

/* Step 2: 1 if pcs opens the commitments (npolys of them, as in fin) at fin->point to
 * fin->values (ozk_pcs_verify, or ozk_pcs_verify_many for npolys > 1), else 0. */
OZK__MUST_CHECK int ozk_batch_verify_opening(ozk_transcript *t, const ozk_pcs_vk *vk,
                                             const ozk_g1 *commitments, const ozk_batch_final *fin,
                                             const ozk_pcs_proof *pcs);

/* Encoding: the sumcheck proof (ozk_sumcheck_proof_encode, degree 2) then c_0 .. c_{J-1}, 32
 * bytes big-endian each: exactly 96 nvars + 32 npolys bytes. decode returns 1, or 0 on another
 * length, a shape out of range or an element >= r. */
size_t ozk_batch_proof_size(uint32_t nvars, uint32_t npolys);
void ozk_batch_proof_encode(uint8_t *out, const ozk_batch_proof *proof);
OZK__MUST_CHECK int ozk_batch_proof_decode(ozk_batch_proof *proof, uint32_t nvars, uint32_t npolys,
                                           const uint8_t *in, size_t len);

/* Internal, shared by prover and verifier so the transcripts cannot drift: absorbs the claims
 * message of docs/protocol.md (J || K || n || (j_i || z_i || v_i)_i, one message). */
void ozk__batch_absorb_claims(ozk_transcript *t, uint32_t npolys, uint32_t nvars,
                              const ozk_batch_claim *claims, size_t k);
#endif
