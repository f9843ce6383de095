/*
 * tests/test_tower.c: Fp2, Fp6, Fp12 against an independent model of Fp12.
 *
 * The reference is the representation py_ecc uses: Fp12 = Fp[w] / (w^12 - 18 w^6 + 82), plain
 * polynomials over GMP integers, multiplied schoolbook and reduced by w^12 = 18 w^6 - 82. The
 * tower maps into it by u = w^6 - 9 and v = w^2 (bn254.md section 1.2): the Fp2 coefficient
 * a + b u of w^k (k < 6) adds a - 9b to w^k and b to w^(k+6). Every tower operation is checked
 * through this map, the Frobenius maps against plain powers by p, p^2, p^3.
 */
#include <string.h>

#include <gmp.h>

#include "curve_testutil.h"
#include "ozk/tower.h"

#define N test_cases(2000)

static mpz_t P;

static int setup(void **state)
{
    (void)state;
    mpz_init_set_str(
        P, "21888242871839275222246405745257275088696311157297823662689037894645226208583", 10);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    mpz_clear(P);
    return 0;
}

static void fp_to_mpz(mpz_t out, const ozk_fp *a)
{
    uint64_t l[4];
    ozk_fp_to_limbs(l, a);
    mpz_import(out, 4, -1, 8, 0, 0, l);
}

/* the 12 coefficients (over Fp) of a in the w-basis */
typedef struct {
    mpz_t c[12];
} poly12;

static void poly_init(poly12 *x)
{
    for (int i = 0; i < 12; i++) mpz_init(x->c[i]);
}

static void poly_clear(poly12 *x)
{
    for (int i = 0; i < 12; i++) mpz_clear(x->c[i]);
}

static const ozk_fp2 *coef(const ozk_fp12 *a, int k)
{
    const ozk_fp6 *h = k % 2 ? &a->c1 : &a->c0;
    return k / 2 == 0 ? &h->c0 : k / 2 == 1 ? &h->c1 : &h->c2;
}

static void to_poly(poly12 *x, const ozk_fp12 *a)
{
    mpz_t re, im;
    mpz_inits(re, im, NULL);
    for (int i = 0; i < 12; i++) mpz_set_ui(x->c[i], 0);
    for (int k = 0; k < 6; k++) {
        fp_to_mpz(re, &coef(a, k)->c0);
        fp_to_mpz(im, &coef(a, k)->c1);
        /* (re + im u) w^k = (re - 9 im) w^k + im w^(k+6) */
        mpz_submul_ui(re, im, 9);
        mpz_add(x->c[k], x->c[k], re);
        mpz_add(x->c[k + 6], x->c[k + 6], im);
    }
    for (int i = 0; i < 12; i++) mpz_mod(x->c[i], x->c[i], P);
    mpz_clears(re, im, NULL);
}

static void poly_mul(poly12 *out, const poly12 *a, const poly12 *b)
{
    mpz_t prod[23];
    for (int i = 0; i < 23; i++) mpz_init(prod[i]);
    for (int i = 0; i < 12; i++)
        for (int j = 0; j < 12; j++) mpz_addmul(prod[i + j], a->c[i], b->c[j]);
    /* reduce from the top: w^k = 18 w^(k-6) - 82 w^(k-12) for k >= 12 */
    for (int k = 22; k >= 12; k--) {
        mpz_addmul_ui(prod[k - 6], prod[k], 18);
        mpz_submul_ui(prod[k - 12], prod[k], 82);
        mpz_set_ui(prod[k], 0);
    }
    for (int i = 0; i < 12; i++) mpz_mod(out->c[i], prod[i], P);
    for (int i = 0; i < 23; i++) mpz_clear(prod[i]);
}

static void assert_poly_eq(const poly12 *a, const poly12 *b)
{
    for (int i = 0; i < 12; i++) assert_int_equal(mpz_cmp(a->c[i], b->c[i]), 0);
}

/* an Fp12 element whose only nonzero coefficients are the Fp6 half h */
static void fp12_from_fp6(ozk_fp12 *out, const ozk_fp6 *h)
{
    out->c0 = *h;
    ozk_fp6_set_zero(&out->c1);
}

static void fp12_from_fp2(ozk_fp12 *out, const ozk_fp2 *a)
{
    memset(out, 0, sizeof *out);
    out->c0.c0 = *a;
}

static void test_fp12_mul_sqr(void **state)
{
    (void)state;
    poly12 pa, pb, pc, want;
    poly_init(&pa), poly_init(&pb), poly_init(&pc), poly_init(&want);
    for (size_t i = 0; i < N; i++) {
        ozk_fp12 a, b, c;
        rand_fp12(&a);
        rand_fp12(&b);
        to_poly(&pa, &a);
        to_poly(&pb, &b);
        ozk_fp12_mul(&c, &a, &b);
        poly_mul(&want, &pa, &pb);
        to_poly(&pc, &c);
        assert_poly_eq(&pc, &want);
        ozk_fp12_sqr(&c, &a);
        poly_mul(&want, &pa, &pa);
        to_poly(&pc, &c);
        assert_poly_eq(&pc, &want);
        /* inverse: a * a^-1 = 1 */
        assert_int_equal(ozk_fp12_inv(&c, &a), 1);
        ozk_fp12_mul(&c, &c, &a);
        assert_true(ozk_fp12_is_one(&c));
        /* aliasing: out = a */
        c = a;
        ozk_fp12_mul(&c, &c, &b);
        to_poly(&pc, &c);
        poly_mul(&want, &pa, &pb);
        assert_poly_eq(&pc, &want);
    }
    ozk_fp12 z, r;
    memset(&z, 0, sizeof z);
    assert_int_equal(ozk_fp12_inv(&r, &z), 0);
    poly_clear(&pa), poly_clear(&pb), poly_clear(&pc), poly_clear(&want);
}

static void test_fp6_fp2_through_fp12(void **state)
{
    (void)state;
    /* Fp6 and Fp2 operations agree with Fp12 multiplication on embedded elements */
    for (size_t i = 0; i < N; i++) {
        ozk_fp6 a, b, c;
        ozk_fp12 A, B, C, W;
        rand_fp2(&a.c0), rand_fp2(&a.c1), rand_fp2(&a.c2);
        rand_fp2(&b.c0), rand_fp2(&b.c1), rand_fp2(&b.c2);
        fp12_from_fp6(&A, &a);
        fp12_from_fp6(&B, &b);
        ozk_fp6_mul(&c, &a, &b);
        ozk_fp12_mul(&W, &A, &B);
        fp12_from_fp6(&C, &c);
        assert_true(ozk_fp12_eq(&C, &W));
        ozk_fp6_sqr(&c, &a);
        ozk_fp12_sqr(&W, &A);
        fp12_from_fp6(&C, &c);
        assert_true(ozk_fp12_eq(&C, &W));
        /* v = w^2: mul_by_v against multiplication by w^2 */
        ozk_fp12 w2;
        memset(&w2, 0, sizeof w2);
        ozk_fp_set_one(&w2.c0.c1.c0);
        ozk_fp6_mul_by_v(&c, &a);
        ozk_fp12_mul(&W, &A, &w2);
        fp12_from_fp6(&C, &c);
        assert_true(ozk_fp12_eq(&C, &W));
        assert_int_equal(ozk_fp6_inv(&c, &a), 1);
        ozk_fp6_mul(&c, &c, &a);
        ozk_fp6 one;
        ozk_fp6_set_one(&one);
        assert_true(ozk_fp6_eq(&c, &one));

        ozk_fp2 x, y, z;
        rand_fp2(&x);
        rand_fp2(&y);
        ozk_fp12 X, Y, Z;
        fp12_from_fp2(&X, &x);
        fp12_from_fp2(&Y, &y);
        ozk_fp2_mul(&z, &x, &y);
        ozk_fp12_mul(&W, &X, &Y);
        fp12_from_fp2(&Z, &z);
        assert_true(ozk_fp12_eq(&Z, &W));
        ozk_fp2_sqr(&z, &x);
        ozk_fp12_mul(&W, &X, &X);
        fp12_from_fp2(&Z, &z);
        assert_true(ozk_fp12_eq(&Z, &W));
        /* xi = 9 + u = w^6 */
        ozk_fp12 w6;
        memset(&w6, 0, sizeof w6);
        ozk_fp_from_u64(&w6.c0.c0.c0, 9);
        ozk_fp_set_one(&w6.c0.c0.c1);
        ozk_fp2_mul_xi(&z, &x);
        ozk_fp12_mul(&W, &X, &w6);
        fp12_from_fp2(&Z, &z);
        assert_true(ozk_fp12_eq(&Z, &W));
        if (!ozk_fp2_is_zero(&x)) {
            assert_int_equal(ozk_fp2_inv(&z, &x), 1);
            ozk_fp2_mul(&z, &z, &x);
            ozk_fp2 one2;
            ozk_fp2_set_one(&one2);
            assert_true(ozk_fp2_eq(&z, &one2));
        }
        /* encoding: imaginary part first */
        uint8_t bytes[64], re[32], im[32];
        ozk_fp2_to_bytes(bytes, &x);
        ozk_fp_to_bytes(re, &x.c0);
        ozk_fp_to_bytes(im, &x.c1);
        assert_memory_equal(bytes, im, 32);
        assert_memory_equal(bytes + 32, re, 32);
        assert_int_equal(ozk_fp2_from_bytes(&z, bytes), 1);
        assert_true(ozk_fp2_eq(&z, &x));
        memset(bytes, 0xff, 32);
        assert_int_equal(ozk_fp2_from_bytes(&z, bytes), 0);
    }
}

static void test_frobenius(void **state)
{
    (void)state;
    /* a^(p^k) by the plain power, exponents from GMP */
    mpz_t e;
    mpz_init(e);
    for (int k = 1; k <= 3; k++) {
        uint64_t limbs[12] = { 0 };
        size_t n = 0;
        mpz_pow_ui(e, P, (unsigned long)k);
        mpz_export(limbs, &n, -1, 8, 0, 0, e);
        for (size_t i = 0; i < 5; i++) {
            ozk_fp12 a, f, want;
            rand_fp12(&a);
            ozk_fp12_frobenius(&f, &a, k);
            ozk_fp12_pow_var(&want, &a, limbs, n);
            assert_true(ozk_fp12_eq(&f, &want));
        }
    }
    /* the p^6 Frobenius is the conjugation */
    mpz_pow_ui(e, P, 6);
    uint64_t limbs[24] = { 0 };
    size_t n = 0;
    mpz_export(limbs, &n, -1, 8, 0, 0, e);
    ozk_fp12 a, f, want;
    rand_fp12(&a);
    ozk_fp12_conj(&f, &a);
    ozk_fp12_pow_var(&want, &a, limbs, n);
    assert_true(ozk_fp12_eq(&f, &want));
    mpz_clear(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fp12_mul_sqr),
        cmocka_unit_test(test_fp6_fp2_through_fp12),
        cmocka_unit_test(test_frobenius),
    };
    return TEST_RUN_WITH("tower", tests, setup, teardown);
}
