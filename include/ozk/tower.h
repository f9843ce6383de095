/*
 * ozk/tower.h: the extension fields of the BN254 pairing, as EIP-197 builds them.
 *
 *   Fp2  = Fp[u]  / (u^2 + 1)        element c0 + c1 u
 *   Fp6  = Fp2[v] / (v^3 - xi)       element c0 + c1 v + c2 v^2,  xi = 9 + u
 *   Fp12 = Fp6[w] / (w^2 - v)        element c0 + c1 w            (so w^6 = xi)
 *
 * Sources: EIP-197; ../shared/reference/bn254.md section 1.2 and 1.6 (Frobenius constants,
 * each recomputed by tests/test_tower.c). Elements are plain structs of ozk_fp (Montgomery form,
 * see ozk/field.h); every output may alias any input. Inversion of zero gives zero and returns
 * 0. These functions are used on public values only (v1 proofs are not zero-knowledge); the
 * ones whose time depends on the values say so.
 */
#ifndef OZK_TOWER_H
#define OZK_TOWER_H

#include <stddef.h>
#include <stdint.h>

#include "ozk/field.h"

typedef struct {
    ozk_fp c0, c1;
} ozk_fp2;

typedef struct {
    ozk_fp2 c0, c1, c2;
} ozk_fp6;

typedef struct {
    ozk_fp6 c0, c1;
} ozk_fp12;

/* Fp2 */
void ozk_fp2_set_zero(ozk_fp2 *out);
void ozk_fp2_set_one(ozk_fp2 *out);
void ozk_fp2_add(ozk_fp2 *out, const ozk_fp2 *a, const ozk_fp2 *b);
void ozk_fp2_sub(ozk_fp2 *out, const ozk_fp2 *a, const ozk_fp2 *b);
void ozk_fp2_neg(ozk_fp2 *out, const ozk_fp2 *a);
void ozk_fp2_dbl(ozk_fp2 *out, const ozk_fp2 *a);
void ozk_fp2_mul(ozk_fp2 *out, const ozk_fp2 *a, const ozk_fp2 *b);
void ozk_fp2_sqr(ozk_fp2 *out, const ozk_fp2 *a);
void ozk_fp2_mul_fp(ozk_fp2 *out, const ozk_fp2 *a, const ozk_fp *b);
void ozk_fp2_mul_xi(ozk_fp2 *out, const ozk_fp2 *a); /* a * (9 + u) */
void ozk_fp2_conj(ozk_fp2 *out, const ozk_fp2 *a);   /* c0 - c1 u, the p-power Frobenius */
int ozk_fp2_inv(ozk_fp2 *out, const ozk_fp2 *a);
/* a^e for an exponent of n little-endian 64-bit limbs; time depends on e. */
void ozk_fp2_pow_var(ozk_fp2 *out, const ozk_fp2 *a, const uint64_t *e, size_t n);
int ozk_fp2_eq(const ozk_fp2 *a, const ozk_fp2 *b);
int ozk_fp2_is_zero(const ozk_fp2 *a);
/* The EVM encoding: 64 bytes, the imaginary part c1 first, then c0, each 32 bytes big-endian.
 * from_bytes returns 1, or 0 (and out = 0) when either coordinate is >= p. */
int ozk_fp2_from_bytes(ozk_fp2 *out, const uint8_t in[64]);
void ozk_fp2_to_bytes(uint8_t out[64], const ozk_fp2 *a);

/* Fp6 */
void ozk_fp6_set_zero(ozk_fp6 *out);
void ozk_fp6_set_one(ozk_fp6 *out);
void ozk_fp6_add(ozk_fp6 *out, const ozk_fp6 *a, const ozk_fp6 *b);
void ozk_fp6_sub(ozk_fp6 *out, const ozk_fp6 *a, const ozk_fp6 *b);
void ozk_fp6_neg(ozk_fp6 *out, const ozk_fp6 *a);
void ozk_fp6_mul(ozk_fp6 *out, const ozk_fp6 *a, const ozk_fp6 *b);
void ozk_fp6_sqr(ozk_fp6 *out, const ozk_fp6 *a);
void ozk_fp6_mul_by_v(ozk_fp6 *out, const ozk_fp6 *a); /* a * v */
int ozk_fp6_inv(ozk_fp6 *out, const ozk_fp6 *a);
int ozk_fp6_eq(const ozk_fp6 *a, const ozk_fp6 *b);
int ozk_fp6_is_zero(const ozk_fp6 *a);

/* Fp12 */
void ozk_fp12_set_one(ozk_fp12 *out);
void ozk_fp12_mul(ozk_fp12 *out, const ozk_fp12 *a, const ozk_fp12 *b);
void ozk_fp12_sqr(ozk_fp12 *out, const ozk_fp12 *a);
int ozk_fp12_inv(ozk_fp12 *out, const ozk_fp12 *a);
void ozk_fp12_conj(ozk_fp12 *out, const ozk_fp12 *a); /* c0 - c1 w, the p^6-power Frobenius */
/* a^(p^k) for k = 1, 2, 3 (k outside that range: out = a). */
void ozk_fp12_frobenius(ozk_fp12 *out, const ozk_fp12 *a, int k);
/* a^e for an exponent of n little-endian 64-bit limbs; time depends on e. */
void ozk_fp12_pow_var(ozk_fp12 *out, const ozk_fp12 *a, const uint64_t *e, size_t n);
int ozk_fp12_eq(const ozk_fp12 *a, const ozk_fp12 *b);
int ozk_fp12_is_one(const ozk_fp12 *a);

#endif
