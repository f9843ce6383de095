/*
 * ozk/msm.h: multi-scalar multiplication in G1, sum_i [s_i] P_i.
 *
 * The prover's commitments are MSMs against the SRS's G1 powers: the weights' commitment once
 * per model, the witness commitment and the opening's folds once per proof. Witness columns are
 * mostly small integers (int8 activations, 16-bit limbs, 0/1 selectors; negative values are
 * r - |v| in Fr), so the MSM looks at the scalars and uses fewer windows when they are small.
 *
 * Algorithm: Pippenger's bucket method with signed-digit windows (buckets 1..2^(c-1)), bucket
 * accumulation in affine coordinates with one batched inversion per round (Montgomery's
 * trick), the window c chosen from n and the scalars' largest bit length, and the work split
 * over threads by window. Variable time (public inputs only). Details and measurements:
 * docs/benchmarks.md.
 */
#ifndef OZK_MSM_H
#define OZK_MSM_H

#include <stddef.h>

#include "ozk/curve.h"
#include "ozk/field.h"

/* out = sum_{i<n} [scalars[i]] points[i]. points are affine; infinity is allowed; n = 0 gives
 * infinity. threads: how many threads to use, 0 for one per online core. Returns 0, or
 * OZK_ENOMEM (out = infinity). */
int ozk_g1_msm(ozk_g1_jac *out, const ozk_g1 *points, const ozk_fr *scalars, size_t n,
               unsigned threads);

/* The plain sum of [s_i] P_i by double-and-add, one point at a time: the reference the tests
 * compare ozk_g1_msm against, and a fallback for tiny n. */
void ozk_g1_msm_naive(ozk_g1_jac *out, const ozk_g1 *points, const ozk_fr *scalars, size_t n);

#endif
