/*
 * verifier/pcs_internal.h: transcript steps that the HyperKZG prover and verifier share
 * (internal). One copy, so the two cannot drift.
 */
#ifndef OZK_VERIFIER_PCS_INTERNAL_H
#define OZK_VERIFIER_PCS_INTERNAL_H

#include "ozk/pcs.h"

/* Absorbs the claim as one message: C (64) || nvars (32) || z_0 .. z_{nvars-1} (32 each) ||
 * v (32). */
void ozk__pcs_absorb_claim(ozk_transcript *t, const ozk_g1 *c, uint32_t nvars, const ozk_fr *z,
                           const ozk_fr *v);

/* Absorbs the k claims about one point as one message (docs/protocol.md 4.5):
 * k (32) || nvars (32) || z_0 .. z_{nvars-1} (32 each) || C_0 .. C_{k-1} (64 each) ||
 * v_0 .. v_{k-1} (32 each), then draws gamma: after the point, every commitment and value. */
void ozk__pcs_absorb_many(ozk_transcript *t, ozk_fr *gamma, size_t k, uint32_t nvars,
                          const ozk_fr *z, const ozk_g1 *c, const ozk_fr *v);

/* The combined claim of several: c = sum_j gamma^j C_j and v = sum_j gamma^j values_j. */
void ozk__pcs_combine(ozk_g1 *c, ozk_fr *v, const ozk_fr *gamma, const ozk_g1 *commitments,
                      const ozk_fr *values, size_t k);

/* ozk_pcs_open_many (prover/pcs.c) with the commitments of the first h folds of each polynomial
 * given by the caller (k <= 8, h < nvars): hints[j h + l] = [f_j folded at point_0 .. point_l]
 * (l < h). The proof is the same as without hints when they are right; the prover of
 * ozk_prove computes them from precomputed commitments of P_W's strided parts (docs/protocol.md
 * 11.5), far cheaper than an MSM of each fold. hints NULL: none. */
int ozk__pcs_open_many_hinted(ozk_pcs_proof *proof, ozk_transcript *t, const ozk_srs *srs,
                              const ozk_fr *const *evals, size_t k, uint32_t nvars,
                              const ozk_fr *point, const ozk_g1 *commitments, const ozk_fr *values,
                              const ozk_g1 *hints, uint32_t h, unsigned threads);

#endif
