/*
 * tests/curve_testutil.h: random field elements and points for the curve and pairing tests.
 */
#ifndef OZK_CURVE_TESTUTIL_H
#define OZK_CURVE_TESTUTIL_H

#include "ozk/curve.h"
#include "ozk/pairing.h"
#include "testutil.h"

/* uniform-ish elements (a 256-bit string reduced mod the modulus) */
void rand_fp(ozk_fp *out);
void rand_fr(ozk_fr *out);
void rand_fp2(ozk_fp2 *out);
void rand_fp12(ozk_fp12 *out);
/* a random scalar below r, as 4 limbs */
void rand_scalar(uint64_t k[4]);
/* out = [k] p for a scalar in Fr (double-and-add; affine result) */
void g1_mul_fr(ozk_g1 *out, const ozk_g1 *p, const ozk_fr *k);
void g2_mul_fr(ozk_g2 *out, const ozk_g2 *p, const ozk_fr *k);
/* [k] G for a random k; the affine point */
void rand_g1(ozk_g1 *out);
void rand_g2(ozk_g2 *out);
/* a point on the twist E'(Fp2) that is NOT in G2 (found by trying random x; slow reference
 * square root in Fp2) */
void rand_twist_point_not_in_g2(ozk_g2 *out);
/* The multilinear definitions, term by term, as slow references (docs/protocol.md section 1,
 * variable i = bit i of b): out = eq(z, b) = prod_i (z_i b_i + (1 - z_i)(1 - b_i)), and
 * out = f~(z) = sum_b f[b] eq(z, b) over the 2^n entries of f. */
void eq_brute(ozk_fr *out, const ozk_fr *z, uint32_t n, size_t b);
void mle_brute(ozk_fr *out, const ozk_fr *f, uint32_t n, const ozk_fr *z);

/* a square root in Fp2 if one exists: 1 and out, else 0 (Adj and Rodriguez-Henriquez 2012,
 * Algorithm 9, for p = 3 mod 4) */
int fp2_sqrt(ozk_fp2 *out, const ozk_fp2 *a);

#endif
