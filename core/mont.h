/*
 * core/mont.h: the 4x64-bit Montgomery kernel shared by Fr and Fp (internal).
 *
 * One kernel, parameterised by the modulus m (4 little-endian limbs) and n0 = -m^-1 mod 2^64,
 * as blst does. Callers pass compile-time constant moduli, so the compiler folds them in.
 *
 * Preconditions, checked for both BN254 moduli by tests/test_field.c:
 *   m is odd, m < 2^254 (top limb < 2^62): then a + b < 2m < 2^255 never carries out of four
 *   limbs, and the CIOS loop below needs no carry word (top limb < 2^63 - 1).
 * All functions take fully reduced inputs (< m) and return fully reduced outputs. They run in
 * time independent of the operand values: no branch or index depends on them.
 */
#ifndef OZK_CORE_MONT_H
#define OZK_CORE_MONT_H

#include <stdint.h>

#include "compiler.h"

__extension__ typedef unsigned __int128 ozk__u128;

/* out = a - m if a >= m else a; a < 2m. Constant time. */
static inline void ozk__mont_reduce_once(uint64_t out[4], const uint64_t a[4], const uint64_t m[4])
{
    uint64_t t[4], borrow = 0;
    OZK__UNROLL(4)
    for (int i = 0; i < 4; i++) {
        ozk__u128 d = (ozk__u128)a[i] - m[i] - borrow;
        t[i] = (uint64_t)d;
        borrow = (uint64_t)(d >> 64) & 1; /* 1 when the subtraction wrapped */
    }
    /* borrow = 1: a < m, keep a. mask is all ones when we keep t. */
    uint64_t mask = borrow - 1;
    OZK__UNROLL(4)
    for (int i = 0; i < 4; i++) out[i] = (t[i] & mask) | (a[i] & ~mask);
}

/* out = a + b mod m. a + b < 2m < 2^255: no carry leaves the top limb. */
static inline void ozk__mont_add(uint64_t out[4], const uint64_t a[4], const uint64_t b[4],
                                 const uint64_t m[4])
{
    uint64_t s[4], carry = 0;
    OZK__UNROLL(4)
    for (int i = 0; i < 4; i++) {
        ozk__u128 t = (ozk__u128)a[i] + b[i] + carry;
        s[i] = (uint64_t)t;
        carry = (uint64_t)(t >> 64);
    }
    ozk__mont_reduce_once(out, s, m);
}

/* out = a - b mod m: subtract, then add m back under a mask if the subtraction borrowed. */
static inline void ozk__mont_sub(uint64_t out[4], const uint64_t a[4], const uint64_t b[4],
                                 const uint64_t m[4])
{
    uint64_t d[4], borrow = 0;
    OZK__UNROLL(4)
    for (int i = 0; i < 4; i++) {
        ozk__u128 t = (ozk__u128)a[i] - b[i] - borrow;
        d[i] = (uint64_t)t;
        borrow = (uint64_t)(t >> 64) & 1;
    }
    uint64_t mask = 0 - borrow, carry = 0;
    OZK__UNROLL(4)
    for (int i = 0; i < 4; i++) {
        ozk__u128 t = (ozk__u128)d[i] + (m[i] & mask) + carry;
        out[i] = (uint64_t)t;
        carry = (uint64_t)(t >> 64);
    }
}

/* out = -a mod m: m - a, or 0 when a = 0 (masked, so the result stays < m). */
static inline void ozk__mont_neg(uint64_t out[4], const uint64_t a[4], const uint64_t m[4])
{
    uint64_t nz = a[0] | a[1] | a[2] | a[3];
    uint64_t mask = 0 - (uint64_t)(nz != 0);
    uint64_t borrow = 0;
    OZK__UNROLL(4)
    for (int i = 0; i < 4; i++) {
        ozk__u128 t = (ozk__u128)m[i] - a[i] - borrow;
        out[i] = (uint64_t)t & mask;
        borrow = (uint64_t)(t >> 64) & 1;
    }
}

/*
 * out = a * b * 2^-256 mod m (Montgomery multiplication).
 *
 * CIOS with the "no-carry" saving: Koc, Acar, Kaliski, "Analyzing and comparing Montgomery
 * multiplication algorithms" (IEEE Micro 1996), section 4; the saving is Algorithm 2 of El Housni
 * and Botrel, "Faster Montgomery multiplication and multi-scalar multiplication for SNARKs"
 * (TCHES 2023(3)): when the modulus's top limb is below 2^63 - 1 the running total t never needs
 * a fifth word. 16 + 16 + 4 = 36 64x64->128 multiplications.
 *
 * Bounds of each step: a_j * b_i + t_j + A <= (2^64-1)^2 + 2(2^64-1) = 2^128 - 1, so each sum
 * fits in 128 bits. After each outer round t < 2m (the invariant of CIOS), so one conditional
 * subtraction at the end reduces fully.
 */
static inline void ozk__mont_mul(uint64_t out[4], const uint64_t a[4], const uint64_t b[4],
                                 const uint64_t m[4], uint64_t n0)
{
    uint64_t t[4] = { 0, 0, 0, 0 };
    OZK__UNROLL(4)
    for (int i = 0; i < 4; i++) {
        ozk__u128 z;
        uint64_t A, C, mi;
        z = (ozk__u128)a[0] * b[i] + t[0]; /* (A, t0) = t0 + a0*b_i */
        A = (uint64_t)(z >> 64);
        t[0] = (uint64_t)z;
        mi = t[0] * n0;                  /* m_i = t0 * (-m^-1) mod 2^64 */
        z = (ozk__u128)mi * m[0] + t[0]; /* (C, _) = t0 + m_i*m0; the low word is 0 */
        C = (uint64_t)(z >> 64);
        OZK__UNROLL(3)
        for (int j = 1; j < 4; j++) {
            z = (ozk__u128)a[j] * b[i] + t[j] + A; /* (A, t_j) = t_j + a_j*b_i + A */
            A = (uint64_t)(z >> 64);
            t[j] = (uint64_t)z;
            z = (ozk__u128)mi * m[j] + t[j] + C; /* (C, t_{j-1}) = t_j + m_i*m_j + C */
            C = (uint64_t)(z >> 64);
            t[j - 1] = (uint64_t)z;
        }
        t[3] = C + A; /* no overflow: the no-carry condition on the top limb */
    }
    ozk__mont_reduce_once(out, t, m);
}

#if OZK_HAVE_X86_64_ASM
/* core/mont_x86_64.S: the same function as ozk__mont_mul with MULX/ADCX/ADOX. */
void ozk__mont_mul_adx(uint64_t out[4], const uint64_t a[4], const uint64_t b[4],
                       const uint64_t m[4], uint64_t n0);
#endif

/* 1 when the fields use ozk__mont_mul_adx (core/field_kernel.c sets it at start-up). */
extern int ozk__mont_adx;

#endif
