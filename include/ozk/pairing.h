/*
 * ozk/pairing.h: the optimal ate pairing of BN254, e: G1 x G2 -> GT, the subgroup of order r
 * of Fp12* (EIP-197).
 *
 * Inputs must be valid group elements (ozk_g1_from_bytes / ozk_g2_from_bytes guarantee it);
 * a pair with a point at infinity contributes 1. e is bilinear and non-degenerate; its values
 * are those of the textbook optimal ate pairing with the final exponent (p^12 - 1) / r exactly
 * (tests/test_pairing.c checks the final exponentiation against the plain power). The EVM's
 * precompile 0x08 only reveals whether a product is 1, which ozk_pairing_check computes.
 * Time depends on the inputs (public data only). Nothing here allocates or fails.
 */
#ifndef OZK_PAIRING_H
#define OZK_PAIRING_H

#include <stddef.h>

#include "ozk/curve.h"
#include "ozk/tower.h"

/* out = e(p, q) */
void ozk_pairing(ozk_fp12 *out, const ozk_g1 *p, const ozk_g2 *q);

/* out = prod_{i<n} e(p[i], q[i]), with the Miller loops run side by side and one final
 * exponentiation. n = 0 gives 1. */
void ozk_multi_pairing(ozk_fp12 *out, const ozk_g1 *p, const ozk_g2 *q, size_t n);

/* 1 if prod_{i<n} e(p[i], q[i]) = 1, else 0: the answer of precompile 0x08 (n = 0 gives 1). */
int ozk_pairing_check(const ozk_g1 *p, const ozk_g2 *q, size_t n);

/* The two halves, for tests and for callers that combine Miller loops themselves:
 * out = the product of the Miller loops f_{6x+2,Q}(P) times the two Frobenius lines, and
 * out = f^((p^12 - 1) / r). */
void ozk_miller_loop(ozk_fp12 *out, const ozk_g1 *p, const ozk_g2 *q, size_t n);
void ozk_final_exp(ozk_fp12 *out, const ozk_fp12 *f);

#endif
