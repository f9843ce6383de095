/* tests/curve_testutil.c: see curve_testutil.h. */
#include <string.h>

#include "curve_testutil.h"

void rand_fp(ozk_fp *out)
{
    uint8_t b[32];
    test_rand_bytes(b, 32);
    ozk_fp_from_bytes_reduce(out, b);
}

void rand_fr(ozk_fr *out)
{
    uint8_t b[32];
    test_rand_bytes(b, 32);
    ozk_fr_from_bytes_reduce(out, b);
}

void rand_fp2(ozk_fp2 *out)
{
    rand_fp(&out->c0);
    rand_fp(&out->c1);
}

void rand_fp12(ozk_fp12 *out)
{
    ozk_fp2 *c[6] = {
        &out->c0.c0, &out->c0.c1, &out->c0.c2, &out->c1.c0, &out->c1.c1, &out->c1.c2
    };
    for (int i = 0; i < 6; i++) rand_fp2(c[i]);
}

void rand_scalar(uint64_t k[4])
{
    ozk_fr s;
    rand_fr(&s);
    ozk_fr_to_limbs(k, &s);
}

void g1_mul_fr(ozk_g1 *out, const ozk_g1 *p, const ozk_fr *k)
{
    uint64_t l[4];
    ozk_g1_jac j;
    ozk_fr_to_limbs(l, k);
    ozk_g1_mul_var(&j, p, l);
    ozk_g1_jac_to_affine(out, &j);
}

void g2_mul_fr(ozk_g2 *out, const ozk_g2 *p, const ozk_fr *k)
{
    uint64_t l[4];
    ozk_g2_jac j;
    ozk_fr_to_limbs(l, k);
    ozk_g2_mul_var(&j, p, l);
    ozk_g2_jac_to_affine(out, &j);
}

void eq_brute(ozk_fr *out, const ozk_fr *z, uint32_t n, size_t b)
{
    ozk_fr acc, one, om;
    ozk_fr_set_one(&acc);
    ozk_fr_set_one(&one);
    for (uint32_t i = 0; i < n; i++) {
        if (b >> i & 1) {
            ozk_fr_mul(&acc, &acc, &z[i]);
        } else {
            ozk_fr_sub(&om, &one, &z[i]);
            ozk_fr_mul(&acc, &acc, &om);
        }
    }
    *out = acc;
}

void mle_brute(ozk_fr *out, const ozk_fr *f, uint32_t n, const ozk_fr *z)
{
    ozk_fr acc, w;
    ozk_fr_set_zero(&acc);
    for (size_t b = 0; b < ((size_t)1 << n); b++) {
        eq_brute(&w, z, n, b);
        ozk_fr_mul(&w, &w, &f[b]);
        ozk_fr_add(&acc, &acc, &w);
    }
    *out = acc;
}

void rand_g1(ozk_g1 *out)
{
    uint64_t k[4];
    ozk_g1 g;
    ozk_g1_jac j;
    rand_scalar(k);
    ozk_g1_generator(&g);
    ozk_g1_mul_var(&j, &g, k);
    ozk_g1_jac_to_affine(out, &j);
}

void rand_g2(ozk_g2 *out)
{
    uint64_t k[4];
    ozk_g2 g;
    ozk_g2_jac j;
    rand_scalar(k);
    ozk_g2_generator(&g);
    ozk_g2_mul_var(&j, &g, k);
    ozk_g2_jac_to_affine(out, &j);
}

/* (p - 3) / 4 and (p - 1) / 2 as limbs */
static void p_exponents(uint64_t pm3d4[4], uint64_t pm1d2[4])
{
    const uint64_t *p = ozk_fp_modulus;
    uint64_t t[4] = { p[0] - 3, p[1], p[2], p[3] }; /* p[0] > 3: no borrow */
    for (int i = 0; i < 4; i++) pm3d4[i] = t[i] >> 2 | (i < 3 ? t[i + 1] << 62 : 0);
    uint64_t u[4] = { p[0] - 1, p[1], p[2], p[3] };
    for (int i = 0; i < 4; i++) pm1d2[i] = u[i] >> 1 | (i < 3 ? u[i + 1] << 63 : 0);
}

int fp2_sqrt(ozk_fp2 *out, const ozk_fp2 *a)
{
    uint64_t e1[4], e2[4];
    p_exponents(e1, e2);
    ozk_fp2 a1, alpha, a0, x0, minus_one, t;
    ozk_fp2_set_one(&minus_one);
    ozk_fp2_neg(&minus_one, &minus_one);
    ozk_fp2_pow_var(&a1, a, e1, 4); /* a1 = a^((p-3)/4) */
    ozk_fp2_sqr(&alpha, &a1);       /* alpha = a1^2 a */
    ozk_fp2_mul(&alpha, &alpha, a);
    ozk_fp2_conj(&a0, &alpha); /* a0 = alpha^p alpha */
    ozk_fp2_mul(&a0, &a0, &alpha);
    if (ozk_fp2_eq(&a0, &minus_one)) return 0;
    ozk_fp2_mul(&x0, &a1, a);             /* x0 = a1 a */
    if (ozk_fp2_eq(&alpha, &minus_one)) { /* x = u x0 */
        ozk_fp2 u;
        ozk_fp_set_zero(&u.c0);
        ozk_fp_set_one(&u.c1);
        ozk_fp2_mul(out, &u, &x0);
    } else { /* x = (1 + alpha)^((p-1)/2) x0 */
        ozk_fp2_set_one(&t);
        ozk_fp2_add(&t, &t, &alpha);
        ozk_fp2_pow_var(&t, &t, e2, 4);
        ozk_fp2_mul(out, &t, &x0);
    }
    ozk_fp2_sqr(&t, out);
    return ozk_fp2_eq(&t, a);
}

void rand_twist_point_not_in_g2(ozk_g2 *out)
{
    /* b' is the constant of ec_impl for G2: recover it from the generator, b' = y^2 - x^3 */
    ozk_g2 g;
    ozk_fp2 b, t;
    ozk_g2_generator(&g);
    ozk_fp2_sqr(&b, &g.y);
    ozk_fp2_sqr(&t, &g.x);
    ozk_fp2_mul(&t, &t, &g.x);
    ozk_fp2_sub(&b, &b, &t);
    for (;;) {
        ozk_fp2 x, rhs, y;
        rand_fp2(&x);
        ozk_fp2_sqr(&rhs, &x);
        ozk_fp2_mul(&rhs, &rhs, &x);
        ozk_fp2_add(&rhs, &rhs, &b);
        if (!fp2_sqrt(&y, &rhs)) continue;
        out->x = x;
        out->y = y;
        if (ozk_g2_is_on_curve(out) && !ozk_g2_is_in_subgroup(out)) return;
    }
}
