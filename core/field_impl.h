/*
 * core/field_impl.h: the field API of ozk/field.h over the kernel of core/mont.h (internal).
 *
 * Included once per field by core/fr.c and core/fp.c, which first define
 *   OZK__F        the short name (fr, fp)
 *   OZK__F_MOD    the modulus m, 4 little-endian limbs
 *   OZK__F_N0     -m^-1 mod 2^64
 *   OZK__F_R1     2^256 mod m (one in Montgomery form)
 *   OZK__F_R2     2^512 mod m (converts a plain integer into Montgomery form)
 * This keeps one copy of the logic for both fields, the way blst instantiates its kernel per
 * modulus, while every call still sees its modulus as a compile-time constant.
 */
#include <string.h>

#include "mont.h"
#include "hex.h"

#define OZK__CAT2(a, b) a##b
#define OZK__CAT(a, b)  OZK__CAT2(a, b)
#define FN(name)        OZK__CAT(OZK__CAT(OZK__CAT(ozk_, OZK__F), _), name)
#define T               OZK__CAT(ozk_, OZK__F)

const uint64_t FN(modulus)[4] = { OZK__F_MOD };

static const uint64_t MOD[4] = { OZK__F_MOD };
static const uint64_t R1[4] = { OZK__F_R1 };
static const uint64_t R2[4] = { OZK__F_R2 };
static const uint64_t ONE_PLAIN[4] = { 1, 0, 0, 0 };

/* The portable kernel, kept out of line so that the dispatch in kmul() stays a test and a tail
 * jump: inlined, its register pressure made GCC save six registers before the branch. */
__attribute__((noinline)) static void kmul_c(uint64_t out[4], const uint64_t a[4],
                                             const uint64_t b[4])
{
    ozk__mont_mul(out, a, b, MOD, OZK__F_N0);
}

/* out = a * b / R mod m with the kernel in use (core/field_kernel.c). */
static inline void kmul(uint64_t out[4], const uint64_t a[4], const uint64_t b[4])
{
#if OZK_HAVE_X86_64_ASM
    if (ozk__mont_adx) {
        ozk__mont_mul_adx(out, a, b, MOD, OZK__F_N0);
        return;
    }
#endif
    kmul_c(out, a, b);
}

void FN(set_zero)(T *out)
{
    memset(out->l, 0, sizeof out->l);
}

void FN(set_one)(T *out)
{
    memcpy(out->l, R1, sizeof out->l);
}

/* 1 if v < m, constant time: the borrow out of v - m. */
static int lt_modulus(const uint64_t v[4])
{
    uint64_t borrow = 0;
    for (int i = 0; i < 4; i++) {
        ozk__u128 d = (ozk__u128)v[i] - MOD[i] - borrow;
        borrow = (uint64_t)(d >> 64) & 1;
    }
    return (int)borrow;
}

int FN(from_limbs)(T *out, const uint64_t v[4])
{
    if (!lt_modulus(v)) {
        FN(set_zero)(out);
        return 0;
    }
    kmul(out->l, v, R2); /* v * R^2 / R = v * R */
    return 1;
}

void FN(to_limbs)(uint64_t out[4], const T *a)
{
    kmul(out, a->l, ONE_PLAIN); /* a * R / R = a */
}

void FN(from_u64)(T *out, uint64_t v)
{
    /* v < 2^64 < m, always canonical */
    const uint64_t plain[4] = { v, 0, 0, 0 };
    kmul(out->l, plain, R2);
}

void FN(from_i64)(T *out, int64_t v)
{
    /* |v| without overflow for INT64_MIN, then negate under a mask */
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    T t;
    FN(from_u64)(&t, mag);
    if (v < 0)
        ozk__mont_neg(out->l, t.l, MOD);
    else
        *out = t;
}

static void load_be(uint64_t v[4], const uint8_t in[32])
{
    for (int i = 0; i < 4; i++) {
        uint64_t w = 0;
        for (int k = 0; k < 8; k++) w = (w << 8) | in[(3 - i) * 8 + k];
        v[i] = w;
    }
}

int FN(from_bytes)(T *out, const uint8_t in[32])
{
    uint64_t v[4];
    load_be(v, in);
    return FN(from_limbs)(out, v);
}

void FN(from_bytes_reduce)(T *out, const uint8_t in[32])
{
    /* v < 2^256 and 2^256 < 6m for both moduli (m > 2^253), so at most five subtractions
     * reduce it; doing all five under masks keeps the time fixed. */
    uint64_t v[4];
    load_be(v, in);
    for (int k = 0; k < 5; k++) {
        uint64_t t[4], borrow = 0;
        for (int i = 0; i < 4; i++) {
            ozk__u128 d = (ozk__u128)v[i] - MOD[i] - borrow;
            t[i] = (uint64_t)d;
            borrow = (uint64_t)(d >> 64) & 1;
        }
        uint64_t keep_t = borrow - 1; /* all ones when v >= m */
        for (int i = 0; i < 4; i++) v[i] = (t[i] & keep_t) | (v[i] & ~keep_t);
    }
    kmul(out->l, v, R2);
}

void FN(to_bytes)(uint8_t out[32], const T *a)
{
    uint64_t v[4];
    FN(to_limbs)(v, a);
    for (int i = 0; i < 4; i++)
        for (int k = 0; k < 8; k++) out[(3 - i) * 8 + k] = (uint8_t)(v[i] >> (56 - 8 * k));
}

int FN(from_hex)(T *out, const char *s)
{
    uint8_t be[32];
    if (!ozk__hex_to_be32(be, s)) {
        FN(set_zero)(out);
        return 0;
    }
    return FN(from_bytes)(out, be);
}

void FN(to_hex)(char out[67], const T *a)
{
    uint8_t be[32];
    FN(to_bytes)(be, a);
    out[0] = '0';
    out[1] = 'x';
    ozk__hex_encode(out + 2, be, 32);
}

void FN(add)(T *out, const T *a, const T *b)
{
    ozk__mont_add(out->l, a->l, b->l, MOD);
}

void FN(sub)(T *out, const T *a, const T *b)
{
    ozk__mont_sub(out->l, a->l, b->l, MOD);
}

void FN(neg)(T *out, const T *a)
{
    ozk__mont_neg(out->l, a->l, MOD);
}

void FN(dbl)(T *out, const T *a)
{
    ozk__mont_add(out->l, a->l, a->l, MOD);
}

void FN(mul)(T *out, const T *a, const T *b)
{
    kmul(out->l, a->l, b->l);
}

void FN(sqr)(T *out, const T *a)
{
    kmul(out->l, a->l, a->l);
}

/* out = table[idx] without an index that depends on idx: scan all 16 entries under masks. */
static void table_select(T *out, const T table[16], unsigned idx)
{
    uint64_t r[4] = { 0, 0, 0, 0 };
    for (unsigned k = 0; k < 16; k++) {
        uint64_t mask = 0 - (uint64_t)(k == idx);
        for (int i = 0; i < 4; i++) r[i] |= table[k].l[i] & mask;
    }
    memcpy(out->l, r, sizeof r);
}

void FN(pow)(T *out, const T *a, const uint64_t e[4])
{
    /* Fixed 4-bit window, most significant nibble first: table[k] = a^k. */
    T table[16], acc, sel;
    FN(set_one)(&table[0]);
    table[1] = *a;
    for (int k = 2; k < 16; k++) FN(mul)(&table[k], &table[k - 1], a);
    FN(set_one)(&acc);
    for (int nib = 63; nib >= 0; nib--) {
        if (nib != 63)
            for (int s = 0; s < 4; s++) FN(sqr)(&acc, &acc);
        unsigned idx = (unsigned)(e[nib / 16] >> (4 * (nib % 16))) & 15;
        table_select(&sel, table, idx);
        FN(mul)(&acc, &acc, &sel);
    }
    *out = acc;
}

void FN(pow_u64)(T *out, const T *a, uint64_t e)
{
    const uint64_t ee[4] = { e, 0, 0, 0 };
    FN(pow)(out, a, ee);
}

int FN(inv)(T *out, const T *a)
{
    /* Fermat: a^(m-2) = a^-1 for a != 0, and 0^(m-2) = 0. m is odd and > 2: no borrow
     * leaves the low limb. */
    uint64_t e[4] = { MOD[0] - 2, MOD[1], MOD[2], MOD[3] };
    int nonzero = !FN(is_zero)(a);
    FN(pow)(out, a, e);
    return nonzero;
}

int FN(batch_inv)(T *out, const T *in, size_t n)
{
    /* Montgomery's trick. Forward: out[i] = product of the nonzero in[j], j < i. */
    T acc, t;
    int all_nonzero = 1;
    FN(set_one)(&acc);
    for (size_t i = 0; i < n; i++) {
        out[i] = acc;
        if (FN(is_zero)(&in[i])) {
            all_nonzero = 0;
            continue;
        }
        FN(mul)(&acc, &acc, &in[i]);
    }
    FN(inv)(&acc, &acc); /* acc = 1 / (product of all nonzero inputs) */
    /* Backward: acc = 1 / (product of the nonzero in[j], j <= i). */
    for (size_t i = n; i-- > 0;) {
        if (FN(is_zero)(&in[i])) {
            FN(set_zero)(&out[i]);
            continue;
        }
        FN(mul)(&t, &acc, &out[i]); /* 1 / in[i] */
        FN(mul)(&acc, &acc, &in[i]);
        out[i] = t;
    }
    return all_nonzero;
}

int FN(eq)(const T *a, const T *b)
{
    uint64_t d = 0;
    for (int i = 0; i < 4; i++) d |= a->l[i] ^ b->l[i];
    return d == 0;
}

int FN(is_zero)(const T *a)
{
    return (a->l[0] | a->l[1] | a->l[2] | a->l[3]) == 0;
}

int FN(is_one)(const T *a)
{
    uint64_t d = 0;
    for (int i = 0; i < 4; i++) d |= a->l[i] ^ R1[i];
    return d == 0;
}

#undef FN
#undef T
#undef OZK__CAT
#undef OZK__CAT2
