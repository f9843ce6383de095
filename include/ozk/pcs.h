/*
 * ozk/pcs.h: the multilinear polynomial commitment, HyperKZG over BN254.
 *
 * docs/protocol.md, section "Polynomial commitment (HyperKZG)", is the normative text; this
 * header is the API. In short: a multilinear polynomial f of nvars variables is given by its
 * N = 2^nvars evaluations f[b], b = sum_i b_i 2^i (variable i is bit i: least significant bit
 * first, everywhere in ozk), and committed as the univariate KZG commitment
 *     C = sum_{b<N} f[b] [tau^b]_1
 * straight from a powers-of-tau ceremony (ozk/srs.h). An opening at z in Fr^nvars proves
 * v = f~(z) = sum_b f[b] prod_i (z_i b_i + (1 - z_i)(1 - b_i)) with nvars - 1 fold
 * commitments, 3 nvars evaluations and two KZG witnesses (the Gemini transform in evaluation
 * form, as in microsoft/Nova's HyperKZG, same challenge order up to q; the three evaluation
 * points of the batched polynomial B are then opened together with Shplonk's two witnesses
 * instead of HyperKZG's three, which saves one MSM of the polynomial's size); the verifier does
 * one MSM of nvars + 3 points and ONE pairing check e(L, [1]_2) = e(W', [tau]_2).
 *
 * Not derived from a multilinear (PST) key: a PST key with tau_i = tau^(2^i) taken from a
 * univariate ceremony is not binding (tests/test_pcs.c keeps the forgery as a regression test).
 *
 * Conventions: crypto predicates (verify, decode) return 1 / 0; the prover returns 0 or a
 * negative OZK_E*. nvars is at least 1 (pad a single value to two evaluations).
 */
#ifndef OZK_PCS_H
#define OZK_PCS_H

#include <stddef.h>
#include <stdint.h>

#include "ozk/curve.h"
#include "ozk/field.h"
#include "ozk/mle.h" /* ozk_mle_eval: f~(z), the value an opening proves */
#include "ozk/srs.h"
#include "ozk/transcript.h"

#define OZK_PCS_MAX_VARS  OZK_SRS_MAX_LOG_SIZE
#define OZK_PCS_WITNESSES 2 /* KZG witnesses of a proof: W (the quotient by Z), W' (at x) */

/* What the verifier needs from the SRS: [1]_2 and [tau]_2 (the G1 generator is fixed). */
typedef struct {
    ozk_g2 h, tau_h;
} ozk_pcs_vk;

/* An opening proof for nvars variables. */
typedef struct {
    uint32_t nvars;
    ozk_g1 folds[OZK_PCS_MAX_VARS];    /* [P_1] .. [P_{nvars-1}] */
    ozk_fr evals[OZK_PCS_MAX_VARS][3]; /* P_i(r), P_i(-r), P_i(r^2), i < nvars */
    ozk_g1 w[OZK_PCS_WITNESSES];       /* [(B - R)/Z], [L/(X - x)]: B at r, -r, r^2 (Shplonk) */
} ozk_pcs_proof;

/* Size of an encoded proof: 64 (nvars - 1) + 96 nvars + 128 bytes (0 for nvars = 0). */
size_t ozk_pcs_proof_size(uint32_t nvars);

/* 1 if vk can bind anything: h is the G2 generator, tau_h is in G2 and is neither infinity nor
 * h. ozk_pcs_verify rejects every proof under a key that is not valid. */
int ozk_pcs_vk_is_valid(const ozk_pcs_vk *vk);

/* The verifier key of an SRS. */
void ozk_pcs_vk_from_srs(ozk_pcs_vk *vk, const ozk_srs *srs);

/* C = sum_{b<n} evals[b] [tau^b]_1 for n <= srs->n (any n, not only powers of two: a shorter
 * vector is the polynomial padded with zeros). Returns 0, OZK_EINVAL (n > srs->n), OZK_ENOMEM. */
int ozk_pcs_commit(ozk_g1 *out, const ozk_srs *srs, const ozk_fr *evals, size_t n,
                   unsigned threads);

/* Proves value = f~(point) for the polynomial evals (2^nvars of them) committed as commitment.
 * Absorbs the claim (commitment, nvars, point, value) into t first, then follows the protocol.
 * Returns 0, OZK_EINVAL (nvars out of range or beyond the SRS), OZK_ENOMEM. The caller's value
 * is not checked: a wrong one yields a proof that does not verify. */
int ozk_pcs_open(ozk_pcs_proof *proof, ozk_transcript *t, const ozk_srs *srs, const ozk_fr *evals,
                 uint32_t nvars, const ozk_fr *point, const ozk_g1 *commitment, const ozk_fr *value,
                 unsigned threads);

/* 1 if proof shows value = f~(point) for the f committed as commitment, else 0. Mirrors
 * ozk_pcs_open's transcript exactly. */
int ozk_pcs_verify(ozk_transcript *t, const ozk_pcs_vk *vk, const ozk_g1 *commitment,
                   uint32_t nvars, const ozk_fr *point, const ozk_fr *value,
                   const ozk_pcs_proof *proof);

/* Several polynomials at one point: f = sum_j gamma^j f_j with gamma drawn after the point and
 * all k claims (commitments and values) are absorbed; then one opening of f. evals[j] has 2^nvars
 * entries. The verifier forms C = sum_j gamma^j C_j and v = sum_j gamma^j v_j itself. */
int ozk_pcs_open_many(ozk_pcs_proof *proof, ozk_transcript *t, const ozk_srs *srs,
                      const ozk_fr *const *evals, size_t k, uint32_t nvars, const ozk_fr *point,
                      const ozk_g1 *commitments, const ozk_fr *values, unsigned threads);
int ozk_pcs_verify_many(ozk_transcript *t, const ozk_pcs_vk *vk, const ozk_g1 *commitments,
                        const ozk_fr *values, size_t k, uint32_t nvars, const ozk_fr *point,
                        const ozk_pcs_proof *proof);

/* Encoding (docs/protocol.md): folds, then evals row by row, then w; points in the EVM
 * encoding, field elements 32 bytes big-endian. decode returns 1, or 0 when len is not exactly
 * ozk_pcs_proof_size(nvars), a field element is >= r, or a point is not on the curve. */
void ozk_pcs_proof_encode(uint8_t *out, const ozk_pcs_proof *proof);
int ozk_pcs_proof_decode(ozk_pcs_proof *proof, uint32_t nvars, const uint8_t *in, size_t len);

#endif
