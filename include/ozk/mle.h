/*
 * ozk/mle.h: multilinear extensions and eq tables over Fr.
 *
 * A multilinear polynomial f of nvars variables is given by its N = 2^nvars evaluations f[b]
 * on the Boolean hypercube, b = sum_i b_i 2^i: variable i is bit i of the index, least
 * significant bit first, everywhere in ozk (docs/protocol.md section 1). Its multilinear
 * extension (MLE) is
 *     f~(z) = sum_b f[b] eq(z, b),   eq(z, b) = prod_i (z_i b_i + (1 - z_i)(1 - b_i)).
 * eq(z, .) is the Lagrange basis of the hypercube: eq(z, b) = [z = b] for Boolean z.
 *
 * Pure functions: no printing, no I/O. Arrays are owned by the caller; lengths are stated per
 * function. nvars may be 0 (one evaluation, a constant). Every function runs in time that
 * depends only on nvars (not on the values), except ozk_mle_eval's no-memory fallback.
 */
#ifndef OZK_MLE_H
#define OZK_MLE_H

#include <stddef.h>
#include <stdint.h>

#include "ozk/field.h"

/* out[b] = eq(z, b) for all b < 2^nvars (out holds 2^nvars elements; z holds nvars).
 * 2^nvars - 1 multiplications and as many subtractions: table i + 1 is built from table i by
 * out[b + 2^i] = out[b] z_i, out[b] = out[b] (1 - z_i) = out[b] - out[b + 2^i]. The entries sum
 * to 1. */
void ozk_mle_eq_table(ozk_fr *out, const ozk_fr *z, uint32_t nvars);

/* out = eq(x, y) = prod_{i<nvars} (x_i y_i + (1 - x_i)(1 - y_i)), for two arbitrary points:
 * what a verifier computes for the eq factor of a zero-check (2 nvars multiplications). */
void ozk_mle_eq_eval(ozk_fr *out, const ozk_fr *x, const ozk_fr *y, uint32_t nvars);

/* out = f~(z) for f of 2^nvars evaluations (z holds nvars elements). Folds variable 0, then 1,
 * ..., into a scratch copy of 2^(nvars-1) elements that it allocates and frees; when that
 * allocation fails it evaluates term by term instead (O(2^nvars nvars), no allocation), so it
 * always succeeds. */
void ozk_mle_eval(ozk_fr *out, const ozk_fr *evals, uint32_t nvars, const ozk_fr *z);

/* Fixes variable 0 (the least significant index bit) to r, in place: for j < 2^(nvars-1),
 *     evals[j] = evals[2j] + r (evals[2j+1] - evals[2j]),
 * so that the first 2^(nvars-1) entries are the table of f~(r, x_1, ..., x_{nvars-1}); the
 * upper half is left as it was. nvars >= 1. One multiplication per output entry. */
void ozk_mle_fold(ozk_fr *evals, uint32_t nvars, const ozk_fr *r);

/* The same into a separate output: out[j] = in[2j] + r (in[2j+1] - in[2j]), j < 2^(nvars-1).
 * out may equal in (then it is ozk_mle_fold) but must not overlap it otherwise. */
void ozk_mle_fold_to(ozk_fr *out, const ozk_fr *in, uint32_t nvars, const ozk_fr *r);

#endif
