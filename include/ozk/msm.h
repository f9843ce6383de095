/*
 * ozk/msm.h: multi-scalar multiplication in G1, sum_i [s_i] P_i.
 *
 * The prover's commitments are MSMs against the SRS's G1 powers: the weights' commitment once
 * per model, the witness commitment and the opening's folds once per proof. Witness columns are
 * mostly small integers (int8 activations, 16-bit limbs, 0/1 selectors; negative values are
 * r - |v| in Fr), so the MSM looks at the scalars and uses fewer windows when they are small.
 *
 * Algorithm (core/msm.c): Pippenger's bucket method with signed-digit windows (buckets
 * 1..2^(c-1)); each scalar s counts as +-min(s, r - s), so small negatives are as cheap as small
 * positives; bucket accumulation in affine coordinates with one batched inversion per round
 * (Montgomery's trick), or in Jacobian coordinates when there are too few points for batching to
 * pay; the window c chosen from n, the thread count and the scalars' largest bit length; the
 * work split over threads by window, and by ranges of points when windows are fewer than
 * threads. The result does not depend on how the threads are scheduled. Variable time (public
 * inputs only). Details and measurements: docs/benchmarks.md.
 *
 * Memory: each call allocates about 36 bytes a term, plus per thread the buckets and sorting
 * buffers of one window (about 18 MiB at n = 2^22, at most about 35 MiB), and frees them all
 * before it returns.
 */
#ifndef OZK_MSM_H
#define OZK_MSM_H

#include <stddef.h>

#include "ozk/curve.h"
#include "ozk/field.h"

/* out = sum_{i<n} [scalars[i]] points[i]. points are affine, on the curve (infinity, (0, 0),
 * is allowed and skipped, as are zero scalars); n = 0 gives infinity. threads: how many threads
 * to use, 0 for one per online core; the caller's thread is one of them. Returns 0, or
 * OZK_ENOMEM (out = infinity). */
int ozk_g1_msm(ozk_g1_jac *out, const ozk_g1 *points, const ozk_fr *scalars, size_t n,
               unsigned threads);

/* The plain sum of [s_i] P_i by double-and-add, one point at a time: the reference the tests
 * compare ozk_g1_msm against, and a fallback for tiny n. */
void ozk_g1_msm_naive(ozk_g1_jac *out, const ozk_g1 *points, const ozk_fr *scalars, size_t n);

#endif
