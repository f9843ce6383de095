/*
 * ozk/field.h: the two prime fields of BN254.
 *
 *   Fr, the scalar field: r = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001
 *       Every proof (sumcheck, MLE, witness values) computes in Fr.
 *   Fp, the base field:   p = 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47
 *       Curve coordinates of G1 and, through the tower, G2 and the pairing.
 *
 * Both are 254-bit primes with two spare bits in a 4x64-bit word, and both use one Montgomery
 * kernel (core/mont.h) instantiated per modulus, as blst does. Sources of the constants:
 * EIP-196/197 and ../shared/reference/bn254.md; tests/test_field.c checks each against GMP.
 *
 * Representation. An element is four little-endian 64-bit limbs holding a*2^256 mod m
 * (Montgomery form), always fully reduced (< m). Treat the struct as opaque: convert with the
 * functions below. Copying the struct by value is fine; two elements are equal exactly when
 * their limbs are, so memcmp works too.
 *
 * Aliasing. Every output may alias any input, except ozk_F_batch_inv (see there).
 *
 * Timing. Every function here runs in time independent of the values of its operands, except
 * those marked _var. None allocates, prints, or fails on valid pointers.
 *
 * Encodings. The canonical byte encoding is 32 bytes big-endian of the plain integer, as in the
 * EVM and its precompiles. Decoders are crypto predicates (1 valid, 0 invalid) and reject any
 * value >= m: a non-canonical encoding would make proofs malleable (design.md section 9.2).
 *
 * For F in { fr, fp } (type ozk_F):
 *
 *   void ozk_F_set_zero(ozk_F *out);                  out = 0
 *   void ozk_F_set_one(ozk_F *out);                   out = 1
 *   void ozk_F_from_u64(ozk_F *out, uint64_t v);      out = v
 *   void ozk_F_from_i64(ozk_F *out, int64_t v);       out = v mod m (negatives as m - |v|)
 *   int  ozk_F_from_limbs(ozk_F *out, const uint64_t v[4]);
 *        v is a plain integer, little-endian limbs; 1 and out = v if v < m, else 0 and out = 0.
 *   void ozk_F_to_limbs(uint64_t out[4], const ozk_F *a);   plain integer, little-endian limbs
 *   int  ozk_F_from_bytes(ozk_F *out, const uint8_t in[32]);
 *        32 bytes big-endian; 1 if the value is < m, else 0 and out = 0 (non-canonical).
 *   void ozk_F_from_bytes_reduce(ozk_F *out, const uint8_t in[32]);
 *        32 bytes big-endian, reduced mod m; this is the EVM's `uint256(h) % m`, which the
 *        Fiat-Shamir transcript uses to turn a hash into a challenge.
 *   void ozk_F_to_bytes(uint8_t out[32], const ozk_F *a);  32 bytes big-endian, canonical
 *   int  ozk_F_from_hex(ozk_F *out, const char *s);
 *        "0x" prefix optional, 1 to 64 hex digits of either case, nothing else (no spaces, no
 *        sign); 1 if well formed and < m, else 0 and out = 0.
 *   void ozk_F_to_hex(char out[67], const ozk_F *a);       "0x" + 64 lowercase digits + NUL
 *
 *   void ozk_F_add(ozk_F *out, const ozk_F *a, const ozk_F *b);   a + b
 *   void ozk_F_sub(ozk_F *out, const ozk_F *a, const ozk_F *b);   a - b
 *   void ozk_F_neg(ozk_F *out, const ozk_F *a);                   -a
 *   void ozk_F_dbl(ozk_F *out, const ozk_F *a);                   2a
 *   void ozk_F_mul(ozk_F *out, const ozk_F *a, const ozk_F *b);   a * b
 *   void ozk_F_sqr(ozk_F *out, const ozk_F *a);                   a^2
 *   void ozk_F_pow(ozk_F *out, const ozk_F *a, const uint64_t e[4]);
 *        a^e for a 256-bit exponent e (little-endian limbs); 0^0 = 1. Fixed 4-bit window:
 *        252 squarings and 64 multiplications whatever e is.
 *   void ozk_F_pow_u64(ozk_F *out, const ozk_F *a, uint64_t e);   a^e
 *   int  ozk_F_inv(ozk_F *out, const ozk_F *a);
 *        1/a (Fermat: a^(m-2)); 1 if a != 0, else 0 and out = 0.
 *   int  ozk_F_batch_inv(ozk_F *out, const ozk_F *in, size_t n);
 *        out[i] = 1/in[i] for i < n with one inversion and 3(n-1) multiplications
 *        (Montgomery's trick). Zeros map to zero; returns 1 if no input was zero, else 0.
 *        out must not overlap in (it holds the prefix products). Time depends on which
 *        inputs are zero, not on their values.
 *
 *   int  ozk_F_eq(const ozk_F *a, const ozk_F *b);   1 if a == b, else 0
 *   int  ozk_F_is_zero(const ozk_F *a);              1 if a == 0, else 0
 *   int  ozk_F_is_one(const ozk_F *a);               1 if a == 1, else 0
 *
 *   extern const uint64_t ozk_F_modulus[4];          the modulus m, little-endian limbs
 */
#ifndef OZK_FIELD_H
#define OZK_FIELD_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t l[4];
} ozk_fr;

typedef struct {
    uint64_t l[4];
} ozk_fp;

#define OZK__FIELD_DECLARE(F)                                                \
    extern const uint64_t ozk_##F##_modulus[4];                              \
    void ozk_##F##_set_zero(ozk_##F *out);                                   \
    void ozk_##F##_set_one(ozk_##F *out);                                    \
    void ozk_##F##_from_u64(ozk_##F *out, uint64_t v);                       \
    void ozk_##F##_from_i64(ozk_##F *out, int64_t v);                        \
    int ozk_##F##_from_limbs(ozk_##F *out, const uint64_t v[4]);             \
    void ozk_##F##_to_limbs(uint64_t out[4], const ozk_##F *a);              \
    int ozk_##F##_from_bytes(ozk_##F *out, const uint8_t in[32]);            \
    void ozk_##F##_from_bytes_reduce(ozk_##F *out, const uint8_t in[32]);    \
    void ozk_##F##_to_bytes(uint8_t out[32], const ozk_##F *a);              \
    int ozk_##F##_from_hex(ozk_##F *out, const char *s);                     \
    void ozk_##F##_to_hex(char out[67], const ozk_##F *a);                   \
    void ozk_##F##_add(ozk_##F *out, const ozk_##F *a, const ozk_##F *b);    \
    void ozk_##F##_sub(ozk_##F *out, const ozk_##F *a, const ozk_##F *b);    \
    void ozk_##F##_neg(ozk_##F *out, const ozk_##F *a);                      \
    void ozk_##F##_dbl(ozk_##F *out, const ozk_##F *a);                      \
    void ozk_##F##_mul(ozk_##F *out, const ozk_##F *a, const ozk_##F *b);    \
    void ozk_##F##_sqr(ozk_##F *out, const ozk_##F *a);                      \
    void ozk_##F##_pow(ozk_##F *out, const ozk_##F *a, const uint64_t e[4]); \
    void ozk_##F##_pow_u64(ozk_##F *out, const ozk_##F *a, uint64_t e);      \
    int ozk_##F##_inv(ozk_##F *out, const ozk_##F *a);                       \
    int ozk_##F##_batch_inv(ozk_##F *out, const ozk_##F *in, size_t n);      \
    int ozk_##F##_eq(const ozk_##F *a, const ozk_##F *b);                    \
    int ozk_##F##_is_zero(const ozk_##F *a);                                 \
    int ozk_##F##_is_one(const ozk_##F *a)

OZK__FIELD_DECLARE(fr);
OZK__FIELD_DECLARE(fp);

/* The Montgomery multiplication kernel in use: "x86-64-mulx-adx" on x86-64 CPUs with BMI2 and
 * ADX (picked at start-up from CPUID), else "c-cios" (portable C). Static string. */
const char *ozk_field_kernel(void);

/* Switches kernel, for tests and benchmarks that compare them: name is one of the strings
 * above. Returns 0, or OZK_ENOTSUP if this build or CPU lacks it (nothing changes then). Not
 * thread-safe: call it before other threads use the fields. */
int ozk_field_set_kernel(const char *name);

#endif
