/*
 * core/pairing.c: the optimal ate pairing on BN254 (Vercauteren, "Optimal pairings", IEEE
 * Trans. IT 2010: for BN curves the Miller loop runs over 6x + 2 and ends with two lines
 * through Frobenius images of Q).
 *
 * Miller loop in affine coordinates on the twist. For T = (xT, yT) on E' and P = (xP, yP) in
 * G1, the untwisting psi(x, y) = (x w^2, y w^3) turns a twist slope lambda into the slope
 * lambda w on E, so the line through psi(T) with that slope, evaluated at P, is
 *     l(P) = yP - lambda xP w + (lambda xT - yT) w^3,
 * an element with three nonzero coefficients (bn254.md sections 1.3 and 1.4). Factors that lie
 * in a proper subfield (vertical lines, denominators) are dropped: the final exponentiation
 * maps them to 1.
 *
 * Final exponentiation: f^((p^6 - 1)(p^2 + 1)) by a conjugate, an inverse and a Frobenius
 * (the easy part), then the hard part h = (p^4 - p^2 + 1) / r through its base-p digits
 * h = l0 + l1 p + l2 p^2 + l3 p^3 with l3 = 1, l2 = 6x^2 + 1, l1 = -36x^3 - 18x^2 - 12x + 1,
 * l0 = -36x^3 - 30x^2 - 18x - 2 (bn254.md section 1.5; an exact identity, and
 * tests/test_pairing.c checks the result against the plain power). After the easy part f is in
 * the cyclotomic subgroup, where the inverse is the conjugate.
 */
#include "ozk/pairing.h"
#include "tower_internal.h"

/* the BN parameter x */
#define BN_X 4965661367192848881ULL

/* 6x + 2 in signed binary, least significant digit first (bn254.md section 1.4); the top
 * digit, 1 at index 64, is the starting point T = Q. */
static const signed char ATE_NAF[65] = {
    0,  0, 0, 1,  0, 1, 0, -1, 0, 0, 1, -1, 0, 0,  1,  0, 0, 1, 1, 0, -1, 0,
    0,  1, 0, -1, 0, 0, 0, 0,  1, 1, 1, 0,  0, -1, 0,  0, 1, 0, 0, 0, 0,  0,
    -1, 0, 0, 1,  1, 0, 0, -1, 0, 0, 0, 1,  1, 0,  -1, 0, 0, 1, 0, 1, 1,
};

/* The Frobenius endomorphism on the twist: pi(x, y) = (conj(x) g12, conj(y) g13), with
 * g12 = xi^((p-1)/3), g13 = xi^((p-1)/2). pi^2(x, y) = (x g22, y g23) (conj^2 = id). */
static void twist_frobenius(ozk_g2 *out, const ozk_g2 *q, int k)
{
    ozk_fp2 x = q->x, y = q->y;
    if (k == 1) {
        ozk_fp2_conj(&x, &x);
        ozk_fp2_conj(&y, &y);
    }
    ozk_fp2_mul(&out->x, &x, ozk__fp12_gamma(k, 2));
    ozk_fp2_mul(&out->y, &y, ozk__fp12_gamma(k, 3));
}

/* One step of the loop: f *= the line through T with slope lambda, at P; then T = T + S where
 * S = T (doubling, lambda = 3 xT^2 / (2 yT)) or S = Q (lambda = (yQ - yT) / (xQ - xT)). Returns
 * 0 without touching f when the line is vertical (T = -S): only at the very end of a loop on
 * valid inputs, where it is the identity after the final exponentiation. */
static int line_step(ozk_fp12 *f, ozk_g2 *t, const ozk_g2 *s, const ozk_g1 *p)
{
    ozk_fp2 num, den, lambda, x3, y3, l0, l1, l3;
    if (s == NULL) {
        ozk_fp2_sqr(&num, &t->x); /* 3 xT^2 */
        ozk_fp2_add(&den, &num, &num);
        ozk_fp2_add(&num, &num, &den);
        ozk_fp2_dbl(&den, &t->y); /* 2 yT */
    } else {
        ozk_fp2_sub(&num, &s->y, &t->y);
        ozk_fp2_sub(&den, &s->x, &t->x);
    }
    if (!ozk_fp2_inv(&den, &den)) return 0; /* vertical: T = -S (or 2-torsion, absent here) */
    ozk_fp2_mul(&lambda, &num, &den);
    /* l0 = yP, l1 = -lambda xP, l3 = lambda xT - yT */
    ozk_fp2_set_zero(&l0);
    l0.c0 = p->y;
    ozk_fp2_mul_fp(&l1, &lambda, &p->x);
    ozk_fp2_neg(&l1, &l1);
    ozk_fp2_mul(&l3, &lambda, &t->x);
    ozk_fp2_sub(&l3, &l3, &t->y);
    ozk__fp12_mul_by_line(f, f, &l0, &l1, &l3);
    /* x3 = lambda^2 - xT - xS, y3 = lambda (xT - x3) - yT */
    ozk_fp2_sqr(&x3, &lambda);
    ozk_fp2_sub(&x3, &x3, &t->x);
    ozk_fp2_sub(&x3, &x3, s ? &s->x : &t->x);
    ozk_fp2_sub(&y3, &t->x, &x3);
    ozk_fp2_mul(&y3, &y3, &lambda);
    ozk_fp2_sub(&y3, &y3, &t->y);
    t->x = x3;
    t->y = y3;
    return 1;
}

enum { CHUNK = 8 };

/* The Miller loops of up to CHUNK pairs, none at infinity, side by side: out = their product. */
static void miller_chunk(ozk_fp12 *out, const ozk_g1 *p, const ozk_g2 *q, size_t n)
{
    ozk_g2 t[CHUNK], qneg[CHUNK];
    ozk_fp12 f;
    ozk_fp12_set_one(&f);
    for (size_t k = 0; k < n; k++) {
        t[k] = q[k];
        ozk_g2_neg(&qneg[k], &q[k]);
    }
    for (int i = 63; i >= 0; i--) {
        if (i != 63) ozk_fp12_sqr(&f, &f);
        for (size_t k = 0; k < n; k++) line_step(&f, &t[k], NULL, &p[k]);
        if (ATE_NAF[i] == 0) continue;
        for (size_t k = 0; k < n; k++)
            line_step(&f, &t[k], ATE_NAF[i] > 0 ? &q[k] : &qneg[k], &p[k]);
    }
    /* T = [6x + 2] Q; then f *= l_{T, pi(Q)}(P), T += pi(Q); f *= l_{T, -pi^2(Q)}(P) */
    for (size_t k = 0; k < n; k++) {
        ozk_g2 q1, q2;
        twist_frobenius(&q1, &q[k], 1);
        twist_frobenius(&q2, &q[k], 2);
        ozk_g2_neg(&q2, &q2);
        line_step(&f, &t[k], &q1, &p[k]);
        line_step(&f, &t[k], &q2, &p[k]);
    }
    *out = f;
}

void ozk_miller_loop(ozk_fp12 *out, const ozk_g1 *p, const ozk_g2 *q, size_t n)
{
    ozk_g1 pc[CHUNK];
    ozk_g2 qc[CHUNK];
    size_t m = 0;
    ozk_fp12 acc, f;
    ozk_fp12_set_one(&acc);
    for (size_t i = 0; i <= n; i++) {
        if (i < n && !ozk_g1_is_infinity(&p[i]) && !ozk_g2_is_infinity(&q[i])) {
            pc[m] = p[i];
            qc[m] = q[i];
            m++;
        }
        if (m == CHUNK || (i == n && m > 0)) {
            miller_chunk(&f, pc, qc, m);
            ozk_fp12_mul(&acc, &acc, &f);
            m = 0;
        }
    }
    *out = acc;
}

/* out = a^x, x the BN parameter (positive, 63 bits) */
static void pow_x(ozk_fp12 *out, const ozk_fp12 *a)
{
    const uint64_t e = BN_X;
    ozk_fp12_pow_var(out, a, &e, 1);
}

/* out = a^e for a small e */
static void pow_small(ozk_fp12 *out, const ozk_fp12 *a, uint64_t e)
{
    ozk_fp12_pow_var(out, a, &e, 1);
}

void ozk_final_exp(ozk_fp12 *out, const ozk_fp12 *f)
{
    ozk_fp12 a, t, fx, fx2, fx3, r0, r1, r2, r3;
    /* easy part: a = f^(p^6 - 1) = conj(f) / f, then a = a^(p^2 + 1) */
    ozk_fp12_inv(&t, f);
    ozk_fp12_conj(&a, f);
    ozk_fp12_mul(&a, &a, &t);
    ozk_fp12_frobenius(&t, &a, 2);
    ozk_fp12_mul(&a, &a, &t);
    /* hard part */
    pow_x(&fx, &a);    /* a^x */
    pow_x(&fx2, &fx);  /* a^(x^2) */
    pow_x(&fx3, &fx2); /* a^(x^3) */
    /* r0 = a^l0 = conj(a^(36x^3) a^(30x^2) a^(18x) a^2) */
    pow_small(&r0, &fx3, 36);
    pow_small(&t, &fx2, 30);
    ozk_fp12_mul(&r0, &r0, &t);
    pow_small(&t, &fx, 18);
    ozk_fp12_mul(&r0, &r0, &t);
    ozk_fp12_sqr(&t, &a);
    ozk_fp12_mul(&r0, &r0, &t);
    ozk_fp12_conj(&r0, &r0);
    /* r1 = (a^l1)^p, a^l1 = conj(a^(36x^3) a^(18x^2) a^(12x)) a */
    pow_small(&r1, &fx3, 36);
    pow_small(&t, &fx2, 18);
    ozk_fp12_mul(&r1, &r1, &t);
    pow_small(&t, &fx, 12);
    ozk_fp12_mul(&r1, &r1, &t);
    ozk_fp12_conj(&r1, &r1);
    ozk_fp12_mul(&r1, &r1, &a);
    ozk_fp12_frobenius(&r1, &r1, 1);
    /* r2 = (a^l2)^(p^2), a^l2 = a^(6x^2) a */
    pow_small(&r2, &fx2, 6);
    ozk_fp12_mul(&r2, &r2, &a);
    ozk_fp12_frobenius(&r2, &r2, 2);
    /* r3 = a^(p^3) */
    ozk_fp12_frobenius(&r3, &a, 3);
    ozk_fp12_mul(&t, &r0, &r1);
    ozk_fp12_mul(&t, &t, &r2);
    ozk_fp12_mul(out, &t, &r3);
}

void ozk_multi_pairing(ozk_fp12 *out, const ozk_g1 *p, const ozk_g2 *q, size_t n)
{
    ozk_fp12 f;
    ozk_miller_loop(&f, p, q, n);
    ozk_final_exp(out, &f);
}

void ozk_pairing(ozk_fp12 *out, const ozk_g1 *p, const ozk_g2 *q)
{
    ozk_multi_pairing(out, p, q, 1);
}

int ozk_pairing_check(const ozk_g1 *p, const ozk_g2 *q, size_t n)
{
    ozk_fp12 f;
    ozk_multi_pairing(&f, p, q, n);
    return ozk_fp12_is_one(&f);
}
