/*
 * core/pairing.c: the optimal ate pairing on BN254 (Vercauteren, "Optimal pairings", IEEE
 * Trans. IT 2010: for BN curves the Miller loop runs over 6x + 2 and ends with two lines
 * through Frobenius images of Q).
 *
 * Miller loop with T in homogeneous projective coordinates on the twist (no inversions). For
 * T = (xT, yT) on E' and P = (xP, yP) in G1, the untwisting psi(x, y) = (x w^2, y w^3) turns a
 * twist slope lambda into the slope lambda w on E, so the line through psi(T) with that slope,
 * evaluated at P, is
 *     l(P) = yP - lambda xP w + (lambda xT - yT) w^3,
 * an element with three nonzero coefficients (bn254.md sections 1.3 and 1.4). The steps below
 * compute it multiplied by a factor in Fp2 that clears the denominators; such factors (and
 * vertical lines) lie in a proper subfield, which the final exponentiation maps to 1.
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

/* T in homogeneous projective coordinates on the twist: (X : Y : Z) for (X/Z, Y/Z). */
typedef struct {
    ozk_fp2 x, y, z;
} twist_proj;

/* b' = 3 / (9 + u), read off the G2 generator once: b' = y^2 - x^3 */
static void twist_b(ozk_fp2 *b)
{
    ozk_g2 g;
    ozk_fp2 t;
    ozk_g2_generator(&g);
    ozk_fp2_sqr(b, &g.y);
    ozk_fp2_sqr(&t, &g.x);
    ozk_fp2_mul(&t, &t, &g.x);
    ozk_fp2_sub(b, b, &t);
}

/* f *= l(P) for l = l0 + l1 w + l3 w^3 with l0 = a yP, l1 = c xP (a, c in Fp2) */
static void mul_line(ozk_fp12 *f, const ozk_g1 *p, const ozk_fp2 *a, const ozk_fp2 *c,
                     const ozk_fp2 *l3)
{
    ozk_fp2 l0, l1;
    ozk_fp2_mul_fp(&l0, a, &p->y);
    ozk_fp2_mul_fp(&l1, c, &p->x);
    ozk__fp12_mul_by_line(f, f, &l0, &l1, l3);
}

/*
 * Doubling step: f *= l_{T,T}(P), T = 2T. Costello, Lange, Naehrig (eprint 2009/615) and
 * Aranha et al., "Faster explicit formulas for computing pairings over ordinary curves"
 * (eprint 2010/526), section 4, for the D-type twist. The affine line
 * yP - lambda xP w + (lambda x - y) w^3 with lambda = 3x^2 / (2y), times -2 y Z^3 (an Fp2
 * factor, which the final exponentiation removes), is, with the curve equation,
 *     l = -H yP + 3J xP w + I w^3,   H = 2YZ, J = X^2, I = 3b'Z^2 - Y^2.
 */
static void dbl_step(ozk_fp12 *f, twist_proj *t, const ozk_g1 *p, const ozk_fp2 *b)
{
    ozk_fp2 A, B, C, E, F, G, H, I, J, t0;
    ozk_fp2_mul(&A, &t->x, &t->y); /* A = X Y (halved below through G and X3) */
    ozk_fp2_sqr(&B, &t->y);        /* B = Y^2 */
    ozk_fp2_sqr(&C, &t->z);        /* C = Z^2 */
    ozk_fp2_mul(&E, &C, b);        /* E = 3 b' Z^2 */
    ozk_fp2_add(&t0, &E, &E);
    ozk_fp2_add(&E, &E, &t0);
    ozk_fp2_add(&F, &E, &E); /* F = 3E */
    ozk_fp2_add(&F, &F, &E);
    ozk_fp2_add(&t0, &t->y, &t->z); /* H = (Y + Z)^2 - B - C = 2YZ */
    ozk_fp2_sqr(&H, &t0);
    ozk_fp2_sub(&H, &H, &B);
    ozk_fp2_sub(&H, &H, &C);
    ozk_fp2_sub(&I, &E, &B); /* I = E - B */
    ozk_fp2_sqr(&J, &t->x);  /* J = X^2 */
    ozk_fp2_add(&G, &B, &F); /* G = B + F (= 2 * the paper's G) */
    /* line: -H yP + 3J xP w + I w^3 */
    ozk_fp2 a, c;
    ozk_fp2_neg(&a, &H);
    ozk_fp2_add(&c, &J, &J);
    ozk_fp2_add(&c, &c, &J);
    mul_line(f, p, &a, &c, &I);
    /* with the factor 2 kept (so no halving is needed, T is scaled by 4, the same point):
     * X3 = 2A (B - F), Y3 = G^2 - 12 E^2, Z3 = 4 B H */
    ozk_fp2_sub(&t0, &B, &F);
    ozk_fp2_mul(&t->x, &A, &t0);
    ozk_fp2_dbl(&t->x, &t->x);
    ozk_fp2_sqr(&t0, &E);
    ozk_fp2_dbl(&t0, &t0);
    ozk_fp2_dbl(&t0, &t0);
    ozk_fp2_add(&C, &t0, &t0); /* 12 E^2 (C is free now) */
    ozk_fp2_add(&C, &C, &t0);
    ozk_fp2_sqr(&t->y, &G);
    ozk_fp2_sub(&t->y, &t->y, &C);
    ozk_fp2_mul(&t->z, &B, &H);
    ozk_fp2_dbl(&t->z, &t->z);
    ozk_fp2_dbl(&t->z, &t->z);
}

/*
 * Addition step with an affine Q: f *= l_{T,Q}(P), T = T + Q (same sources). With
 * theta = Y - yQ Z and lam = X - xQ Z (the slope is theta / lam), the affine line through Q,
 * times lam, is
 *     l = lam yP - theta xP w + (theta xQ - lam yQ) w^3.
 * When lam = 0 the line is vertical: T = -Q. On valid inputs (Q in G2) that happens exactly once,
 * at the last step, where T = [6x + 2 + p] Q = p^2 Q; in the main loop T = [m] Q with
 * 2 <= m < 2^66, far from +-1 mod r, and 6x + 2 is not +-p mod r. The vertical line lies in a
 * proper subfield up to a factor w whose image under the final exponentiation is 1, so it is
 * skipped; the step returns 0 then and leaves T alone. Callers must pass valid points (T = Q,
 * which would need a doubling here, cannot occur for them).
 */
static int add_step(ozk_fp12 *f, twist_proj *t, const ozk_g2 *q, const ozk_g1 *p)
{
    ozk_fp2 theta, lam, C, D, E, F, G, H, t0;
    ozk_fp2_mul(&t0, &q->y, &t->z);
    ozk_fp2_sub(&theta, &t->y, &t0);
    ozk_fp2_mul(&t0, &q->x, &t->z);
    ozk_fp2_sub(&lam, &t->x, &t0);
    if (ozk_fp2_is_zero(&lam)) return 0;
    /* line */
    ozk_fp2 c, l3;
    ozk_fp2_neg(&c, &theta);
    ozk_fp2_mul(&l3, &theta, &q->x);
    ozk_fp2_mul(&t0, &lam, &q->y);
    ozk_fp2_sub(&l3, &l3, &t0);
    mul_line(f, p, &lam, &c, &l3);
    /* C = theta^2, D = lam^2, E = lam^3, F = Z C, G = X D, H = E + F - 2G;
     * X3 = lam H, Y3 = theta (G - H) - Y E, Z3 = Z E */
    ozk_fp2_sqr(&C, &theta);
    ozk_fp2_sqr(&D, &lam);
    ozk_fp2_mul(&E, &D, &lam);
    ozk_fp2_mul(&F, &t->z, &C);
    ozk_fp2_mul(&G, &t->x, &D);
    ozk_fp2_add(&H, &E, &F);
    ozk_fp2_sub(&H, &H, &G);
    ozk_fp2_sub(&H, &H, &G);
    ozk_fp2_mul(&t->x, &lam, &H);
    ozk_fp2_sub(&t0, &G, &H);
    ozk_fp2_mul(&t0, &t0, &theta);
    ozk_fp2_mul(&C, &t->y, &E);
    ozk_fp2_sub(&t->y, &t0, &C);
    ozk_fp2_mul(&t->z, &t->z, &E);
    return 1;
}

enum { CHUNK = 8 };

/* The Miller loops of up to CHUNK pairs, none at infinity, side by side: out = their product. */
static void miller_chunk(ozk_fp12 *out, const ozk_g1 *p, const ozk_g2 *q, size_t n)
{
    twist_proj t[CHUNK];
    ozk_g2 qneg[CHUNK];
    ozk_fp12 f;
    ozk_fp2 b;
    twist_b(&b);
    ozk_fp12_set_one(&f);
    for (size_t k = 0; k < n; k++) {
        t[k].x = q[k].x;
        t[k].y = q[k].y;
        ozk_fp2_set_one(&t[k].z);
        ozk_g2_neg(&qneg[k], &q[k]);
    }
    for (int i = 63; i >= 0; i--) {
        if (i != 63) ozk_fp12_sqr(&f, &f);
        for (size_t k = 0; k < n; k++) dbl_step(&f, &t[k], &p[k], &b);
        if (ATE_NAF[i] == 0) continue;
        for (size_t k = 0; k < n; k++)
            add_step(&f, &t[k], ATE_NAF[i] > 0 ? &q[k] : &qneg[k], &p[k]);
    }
    /* T = [6x + 2] Q; then f *= l_{T, pi(Q)}(P), T += pi(Q); f *= l_{T, -pi^2(Q)}(P) */
    for (size_t k = 0; k < n; k++) {
        ozk_g2 q1, q2;
        twist_frobenius(&q1, &q[k], 1);
        twist_frobenius(&q2, &q[k], 2);
        ozk_g2_neg(&q2, &q2);
        add_step(&f, &t[k], &q1, &p[k]);
        add_step(&f, &t[k], &q2, &p[k]);
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
