/*
 * core/fp6.c: Fp6 = Fp2[v] / (v^3 - xi), xi = 9 + u (EIP-197). Formulas: Devegili et al.,
 * "Multiplication and squaring on pairing-friendly fields" (2006), section 4 (Karatsuba and
 * CH-SQR2), and the inverse by the adjugate of the multiplication matrix.
 */
#include "ozk/tower.h"

void ozk_fp6_set_zero(ozk_fp6 *out)
{
    ozk_fp2_set_zero(&out->c0);
    ozk_fp2_set_zero(&out->c1);
    ozk_fp2_set_zero(&out->c2);
}

void ozk_fp6_set_one(ozk_fp6 *out)
{
    ozk_fp2_set_one(&out->c0);
    ozk_fp2_set_zero(&out->c1);
    ozk_fp2_set_zero(&out->c2);
}

void ozk_fp6_add(ozk_fp6 *out, const ozk_fp6 *a, const ozk_fp6 *b)
{
    ozk_fp2_add(&out->c0, &a->c0, &b->c0);
    ozk_fp2_add(&out->c1, &a->c1, &b->c1);
    ozk_fp2_add(&out->c2, &a->c2, &b->c2);
}

void ozk_fp6_sub(ozk_fp6 *out, const ozk_fp6 *a, const ozk_fp6 *b)
{
    ozk_fp2_sub(&out->c0, &a->c0, &b->c0);
    ozk_fp2_sub(&out->c1, &a->c1, &b->c1);
    ozk_fp2_sub(&out->c2, &a->c2, &b->c2);
}

void ozk_fp6_neg(ozk_fp6 *out, const ozk_fp6 *a)
{
    ozk_fp2_neg(&out->c0, &a->c0);
    ozk_fp2_neg(&out->c1, &a->c1);
    ozk_fp2_neg(&out->c2, &a->c2);
}

void ozk_fp6_mul(ozk_fp6 *out, const ozk_fp6 *a, const ozk_fp6 *b)
{
    /* Karatsuba over three coefficients, 6 Fp2 multiplications; v^3 = xi */
    ozk_fp2 t0, t1, t2, s, t, c0, c1, c2;
    ozk_fp2_mul(&t0, &a->c0, &b->c0); /* t0 = a0 b0 */
    ozk_fp2_mul(&t1, &a->c1, &b->c1); /* t1 = a1 b1 */
    ozk_fp2_mul(&t2, &a->c2, &b->c2); /* t2 = a2 b2 */
    /* c0 = t0 + xi ((a1 + a2)(b1 + b2) - t1 - t2) */
    ozk_fp2_add(&s, &a->c1, &a->c2);
    ozk_fp2_add(&t, &b->c1, &b->c2);
    ozk_fp2_mul(&s, &s, &t);
    ozk_fp2_sub(&s, &s, &t1);
    ozk_fp2_sub(&s, &s, &t2);
    ozk_fp2_mul_xi(&s, &s);
    ozk_fp2_add(&c0, &t0, &s);
    /* c1 = (a0 + a1)(b0 + b1) - t0 - t1 + xi t2 */
    ozk_fp2_add(&s, &a->c0, &a->c1);
    ozk_fp2_add(&t, &b->c0, &b->c1);
    ozk_fp2_mul(&s, &s, &t);
    ozk_fp2_sub(&s, &s, &t0);
    ozk_fp2_sub(&s, &s, &t1);
    ozk_fp2_mul_xi(&t, &t2);
    ozk_fp2_add(&c1, &s, &t);
    /* c2 = (a0 + a2)(b0 + b2) - t0 - t2 + t1 */
    ozk_fp2_add(&s, &a->c0, &a->c2);
    ozk_fp2_add(&t, &b->c0, &b->c2);
    ozk_fp2_mul(&s, &s, &t);
    ozk_fp2_sub(&s, &s, &t0);
    ozk_fp2_sub(&s, &s, &t2);
    ozk_fp2_add(&c2, &s, &t1);
    out->c0 = c0;
    out->c1 = c1;
    out->c2 = c2;
}

void ozk_fp6_sqr(ozk_fp6 *out, const ozk_fp6 *a)
{
    /* CH-SQR2 (Chung and Hasan): 2 multiplications and 3 squarings in Fp2 */
    ozk_fp2 s0, s1, s2, s3, s4, t;
    ozk_fp2_sqr(&s0, &a->c0);         /* s0 = a0^2 */
    ozk_fp2_mul(&s1, &a->c0, &a->c1); /* s1 = 2 a0 a1 */
    ozk_fp2_dbl(&s1, &s1);
    ozk_fp2_sub(&t, &a->c0, &a->c1); /* s2 = (a0 - a1 + a2)^2 */
    ozk_fp2_add(&t, &t, &a->c2);
    ozk_fp2_sqr(&s2, &t);
    ozk_fp2_mul(&s3, &a->c1, &a->c2); /* s3 = 2 a1 a2 */
    ozk_fp2_dbl(&s3, &s3);
    ozk_fp2_sqr(&s4, &a->c2); /* s4 = a2^2 */
    /* c0 = s0 + xi s3 */
    ozk_fp2_mul_xi(&t, &s3);
    ozk_fp2_add(&out->c0, &s0, &t);
    /* c1 = s1 + xi s4 */
    ozk_fp2_mul_xi(&t, &s4);
    ozk_fp2_add(&out->c1, &s1, &t);
    /* c2 = s1 + s2 + s3 - s0 - s4 */
    ozk_fp2_add(&t, &s1, &s2);
    ozk_fp2_add(&t, &t, &s3);
    ozk_fp2_sub(&t, &t, &s0);
    ozk_fp2_sub(&out->c2, &t, &s4);
}

void ozk_fp6_mul_by_v(ozk_fp6 *out, const ozk_fp6 *a)
{
    /* v (a0 + a1 v + a2 v^2) = xi a2 + a0 v + a1 v^2 */
    ozk_fp2 t;
    ozk_fp2_mul_xi(&t, &a->c2);
    out->c2 = a->c1;
    out->c1 = a->c0;
    out->c0 = t;
}

int ozk_fp6_inv(ozk_fp6 *out, const ozk_fp6 *a)
{
    /* A = a0^2 - xi a1 a2, B = xi a2^2 - a0 a1, C = a1^2 - a0 a2,
     * F = a0 A + xi (a2 B + a1 C); 1/a = (A + B v + C v^2) / F */
    ozk_fp2 A, B, C, F, t;
    ozk_fp2_sqr(&A, &a->c0);
    ozk_fp2_mul(&t, &a->c1, &a->c2);
    ozk_fp2_mul_xi(&t, &t);
    ozk_fp2_sub(&A, &A, &t);
    ozk_fp2_sqr(&B, &a->c2);
    ozk_fp2_mul_xi(&B, &B);
    ozk_fp2_mul(&t, &a->c0, &a->c1);
    ozk_fp2_sub(&B, &B, &t);
    ozk_fp2_sqr(&C, &a->c1);
    ozk_fp2_mul(&t, &a->c0, &a->c2);
    ozk_fp2_sub(&C, &C, &t);
    ozk_fp2_mul(&F, &a->c2, &B);
    ozk_fp2_mul(&t, &a->c1, &C);
    ozk_fp2_add(&F, &F, &t);
    ozk_fp2_mul_xi(&F, &F);
    ozk_fp2_mul(&t, &a->c0, &A);
    ozk_fp2_add(&F, &F, &t);
    int ok = ozk_fp2_inv(&F, &F);
    ozk_fp2_mul(&out->c0, &A, &F);
    ozk_fp2_mul(&out->c1, &B, &F);
    ozk_fp2_mul(&out->c2, &C, &F);
    return ok;
}

int ozk_fp6_eq(const ozk_fp6 *a, const ozk_fp6 *b)
{
    return ozk_fp2_eq(&a->c0, &b->c0) & ozk_fp2_eq(&a->c1, &b->c1) & ozk_fp2_eq(&a->c2, &b->c2);
}

int ozk_fp6_is_zero(const ozk_fp6 *a)
{
    return ozk_fp2_is_zero(&a->c0) & ozk_fp2_is_zero(&a->c1) & ozk_fp2_is_zero(&a->c2);
}
