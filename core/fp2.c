/*
 * core/fp2.c: Fp2 = Fp[u] / (u^2 + 1) (EIP-197). Formulas: Devegili, O hEigeartaigh, Scott,
 * Dahab, "Multiplication and squaring on pairing-friendly fields" (2006), sections 3 and 4.
 */
#include <string.h>

#include "ozk/tower.h"

void ozk_fp2_set_zero(ozk_fp2 *out)
{
    ozk_fp_set_zero(&out->c0);
    ozk_fp_set_zero(&out->c1);
}

void ozk_fp2_set_one(ozk_fp2 *out)
{
    ozk_fp_set_one(&out->c0);
    ozk_fp_set_zero(&out->c1);
}

void ozk_fp2_add(ozk_fp2 *out, const ozk_fp2 *a, const ozk_fp2 *b)
{
    ozk_fp_add(&out->c0, &a->c0, &b->c0);
    ozk_fp_add(&out->c1, &a->c1, &b->c1);
}

void ozk_fp2_sub(ozk_fp2 *out, const ozk_fp2 *a, const ozk_fp2 *b)
{
    ozk_fp_sub(&out->c0, &a->c0, &b->c0);
    ozk_fp_sub(&out->c1, &a->c1, &b->c1);
}

void ozk_fp2_neg(ozk_fp2 *out, const ozk_fp2 *a)
{
    ozk_fp_neg(&out->c0, &a->c0);
    ozk_fp_neg(&out->c1, &a->c1);
}

void ozk_fp2_dbl(ozk_fp2 *out, const ozk_fp2 *a)
{
    ozk_fp_dbl(&out->c0, &a->c0);
    ozk_fp_dbl(&out->c1, &a->c1);
}

void ozk_fp2_mul(ozk_fp2 *out, const ozk_fp2 *a, const ozk_fp2 *b)
{
    /* Karatsuba, 3 Fp multiplications: (a0 + a1 u)(b0 + b1 u), u^2 = -1 */
    ozk_fp t0, t1, s, t;
    ozk_fp_mul(&t0, &a->c0, &b->c0); /* t0 = a0 b0 */
    ozk_fp_mul(&t1, &a->c1, &b->c1); /* t1 = a1 b1 */
    ozk_fp_add(&s, &a->c0, &a->c1);  /* s = a0 + a1 */
    ozk_fp_add(&t, &b->c0, &b->c1);  /* t = b0 + b1 */
    ozk_fp_mul(&s, &s, &t);          /* s = (a0 + a1)(b0 + b1) */
    ozk_fp_sub(&out->c0, &t0, &t1);  /* c0 = a0 b0 - a1 b1 */
    ozk_fp_sub(&s, &s, &t0);
    ozk_fp_sub(&out->c1, &s, &t1); /* c1 = a0 b1 + a1 b0 */
}

void ozk_fp2_sqr(ozk_fp2 *out, const ozk_fp2 *a)
{
    /* complex squaring, 2 Fp multiplications: (a0 + a1)(a0 - a1) + 2 a0 a1 u */
    ozk_fp s, d, m;
    ozk_fp_add(&s, &a->c0, &a->c1); /* s = a0 + a1 */
    ozk_fp_sub(&d, &a->c0, &a->c1); /* d = a0 - a1 */
    ozk_fp_mul(&m, &a->c0, &a->c1); /* m = a0 a1 */
    ozk_fp_mul(&out->c0, &s, &d);   /* c0 = a0^2 - a1^2 */
    ozk_fp_dbl(&out->c1, &m);       /* c1 = 2 a0 a1 */
}

void ozk_fp2_mul_fp(ozk_fp2 *out, const ozk_fp2 *a, const ozk_fp *b)
{
    ozk_fp_mul(&out->c0, &a->c0, b);
    ozk_fp_mul(&out->c1, &a->c1, b);
}

void ozk_fp2_mul_xi(ozk_fp2 *out, const ozk_fp2 *a)
{
    /* (a0 + a1 u)(9 + u) = (9 a0 - a1) + (a0 + 9 a1) u, with 9x = 8x + x by doublings */
    ozk_fp t0, t1;
    ozk_fp_dbl(&t0, &a->c0);
    ozk_fp_dbl(&t0, &t0);
    ozk_fp_dbl(&t0, &t0);
    ozk_fp_add(&t0, &t0, &a->c0); /* 9 a0 */
    ozk_fp_dbl(&t1, &a->c1);
    ozk_fp_dbl(&t1, &t1);
    ozk_fp_dbl(&t1, &t1);
    ozk_fp_add(&t1, &t1, &a->c1); /* 9 a1 */
    ozk_fp c0, c1;
    ozk_fp_sub(&c0, &t0, &a->c1);
    ozk_fp_add(&c1, &a->c0, &t1);
    out->c0 = c0;
    out->c1 = c1;
}

void ozk_fp2_conj(ozk_fp2 *out, const ozk_fp2 *a)
{
    out->c0 = a->c0;
    ozk_fp_neg(&out->c1, &a->c1);
}

int ozk_fp2_inv(ozk_fp2 *out, const ozk_fp2 *a)
{
    /* 1 / (a0 + a1 u) = (a0 - a1 u) / (a0^2 + a1^2) */
    ozk_fp t0, t1;
    ozk_fp_sqr(&t0, &a->c0);
    ozk_fp_sqr(&t1, &a->c1);
    ozk_fp_add(&t0, &t0, &t1); /* the norm a0^2 + a1^2, zero only for a = 0 (-1 is not a square) */
    int ok = ozk_fp_inv(&t0, &t0);
    ozk_fp_mul(&out->c0, &a->c0, &t0);
    ozk_fp_mul(&t1, &a->c1, &t0);
    ozk_fp_neg(&out->c1, &t1);
    return ok;
}

void ozk_fp2_pow_var(ozk_fp2 *out, const ozk_fp2 *a, const uint64_t *e, size_t n)
{
    /* left to right, starting at the top set bit of e */
    ozk_fp2 acc;
    ozk_fp2_set_one(&acc);
    int started = 0;
    for (size_t i = n; i-- > 0;)
        for (int b = 63; b >= 0; b--) {
            if (started) ozk_fp2_sqr(&acc, &acc);
            if (e[i] >> b & 1) {
                ozk_fp2_mul(&acc, &acc, a);
                started = 1;
            }
        }
    *out = acc;
}

int ozk_fp2_eq(const ozk_fp2 *a, const ozk_fp2 *b)
{
    return ozk_fp_eq(&a->c0, &b->c0) & ozk_fp_eq(&a->c1, &b->c1);
}

int ozk_fp2_is_zero(const ozk_fp2 *a)
{
    return ozk_fp_is_zero(&a->c0) & ozk_fp_is_zero(&a->c1);
}

int ozk_fp2_from_bytes(ozk_fp2 *out, const uint8_t in[64])
{
    int ok = ozk_fp_from_bytes(&out->c1, in) & ozk_fp_from_bytes(&out->c0, in + 32);
    if (!ok) ozk_fp2_set_zero(out);
    return ok;
}

void ozk_fp2_to_bytes(uint8_t out[64], const ozk_fp2 *a)
{
    ozk_fp_to_bytes(out, &a->c1);
    ozk_fp_to_bytes(out + 32, &a->c0);
}
