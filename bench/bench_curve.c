/*
 * bench/bench_curve.c: the tower, the curve and the pairing: Fp2 and Fp12 multiplication, G1
 * and G2 additions and scalar multiplication, a pairing, a two-pair multi-pairing (the shape of
 * every KZG check), the final exponentiation alone.
 */
#include "benches.h"
#include "ozk/curve.h"
#include "ozk/pairing.h"

static void seed_fp2(ozk_fp2 *x, uint64_t k)
{
    ozk_fp_from_u64(&x->c0, 0x0123456789abcdefULL * k + 1);
    ozk_fp_from_u64(&x->c1, 0xfedcba9876543210ULL ^ k);
    ozk_fp2_sqr(x, x);
    ozk_fp2_sqr(x, x);
}

static void seed_fp12(ozk_fp12 *x)
{
    ozk_fp2 *c[6] = { &x->c0.c0, &x->c0.c1, &x->c0.c2, &x->c1.c0, &x->c1.c1, &x->c1.c2 };
    for (uint64_t i = 0; i < 6; i++) seed_fp2(c[i], i + 1);
}

static void b_fp2_mul(size_t iters)
{
    ozk_fp2 x, y;
    seed_fp2(&x, 1);
    seed_fp2(&y, 2);
    for (size_t i = 0; i < iters; i++) ozk_fp2_mul(&x, &x, &y);
    bench_sink(&x, sizeof x);
}

static void b_fp12_mul(size_t iters)
{
    ozk_fp12 x, y;
    seed_fp12(&x);
    seed_fp12(&y);
    ozk_fp12_sqr(&y, &y);
    for (size_t i = 0; i < iters; i++) ozk_fp12_mul(&x, &x, &y);
    bench_sink(&x, sizeof x);
}

static void b_fp12_sqr(size_t iters)
{
    ozk_fp12 x;
    seed_fp12(&x);
    for (size_t i = 0; i < iters; i++) ozk_fp12_sqr(&x, &x);
    bench_sink(&x, sizeof x);
}

static void g1_point(ozk_g1 *p, uint64_t k)
{
    ozk_g1 g;
    ozk_g1_jac j;
    uint64_t s[4] = { 0x9e3779b97f4a7c15ULL * k, k, 0, 0 };
    ozk_g1_generator(&g);
    ozk_g1_mul_var(&j, &g, s);
    ozk_g1_jac_to_affine(p, &j);
}

static void g2_point(ozk_g2 *p, uint64_t k)
{
    ozk_g2 g;
    ozk_g2_jac j;
    uint64_t s[4] = { 0x9e3779b97f4a7c15ULL * k, k, 0, 0 };
    ozk_g2_generator(&g);
    ozk_g2_mul_var(&j, &g, s);
    ozk_g2_jac_to_affine(p, &j);
}

static void b_g1_add(size_t iters)
{
    ozk_g1 p, q;
    ozk_g1_jac a, b;
    g1_point(&p, 1);
    g1_point(&q, 2);
    ozk_g1_jac_from_affine(&a, &p);
    ozk_g1_jac_from_affine(&b, &q);
    ozk_g1_jac_dbl(&b, &b); /* Z != 1 on both sides */
    for (size_t i = 0; i < iters; i++) ozk_g1_jac_add(&a, &a, &b);
    bench_sink(&a, sizeof a);
}

static void b_g1_add_affine(size_t iters)
{
    ozk_g1 p, q;
    ozk_g1_jac a;
    g1_point(&p, 1);
    g1_point(&q, 2);
    ozk_g1_jac_from_affine(&a, &p);
    for (size_t i = 0; i < iters; i++) ozk_g1_jac_add_affine(&a, &a, &q);
    bench_sink(&a, sizeof a);
}

static void b_g1_dbl(size_t iters)
{
    ozk_g1 p;
    ozk_g1_jac a;
    g1_point(&p, 1);
    ozk_g1_jac_from_affine(&a, &p);
    for (size_t i = 0; i < iters; i++) ozk_g1_jac_dbl(&a, &a);
    bench_sink(&a, sizeof a);
}

static void b_g1_mul(size_t iters)
{
    ozk_g1 p;
    ozk_g1_jac a;
    g1_point(&p, 3);
    uint64_t k[4] = { 0x0123456789abcdefULL, 0xfedcba9876543210ULL, 0x0f0f0f0f0f0f0f0fULL,
                      0x1234567812345678ULL };
    for (size_t i = 0; i < iters; i++) {
        ozk_g1_mul_var(&a, &p, k);
        k[0] += 1;
    }
    bench_sink(&a, sizeof a);
}

static void b_g2_mul(size_t iters)
{
    ozk_g2 p;
    ozk_g2_jac a;
    g2_point(&p, 3);
    uint64_t k[4] = { 0x0123456789abcdefULL, 0xfedcba9876543210ULL, 0x0f0f0f0f0f0f0f0fULL,
                      0x1234567812345678ULL };
    for (size_t i = 0; i < iters; i++) {
        ozk_g2_mul_var(&a, &p, k);
        k[0] += 1;
    }
    bench_sink(&a, sizeof a);
}

static void b_g2_subgroup(size_t iters)
{
    ozk_g2 p;
    int ok = 0;
    g2_point(&p, 5);
    for (size_t i = 0; i < iters; i++) ok += ozk_g2_is_in_subgroup(&p);
    bench_sink(&ok, sizeof ok);
}

static void b_pairing(size_t iters)
{
    ozk_g1 p;
    ozk_g2 q;
    ozk_fp12 f;
    g1_point(&p, 7);
    g2_point(&q, 8);
    for (size_t i = 0; i < iters; i++) ozk_pairing(&f, &p, &q);
    bench_sink(&f, sizeof f);
}

static void b_pairing_check2(size_t iters)
{
    ozk_g1 p[2];
    ozk_g2 q[2];
    int ok = 0;
    g1_point(&p[0], 7);
    g1_point(&p[1], 9);
    g2_point(&q[0], 8);
    g2_point(&q[1], 10);
    for (size_t i = 0; i < iters; i++) ok += ozk_pairing_check(p, q, 2);
    bench_sink(&ok, sizeof ok);
}

static void b_final_exp(size_t iters)
{
    ozk_fp12 f;
    seed_fp12(&f);
    for (size_t i = 0; i < iters; i++) ozk_final_exp(&f, &f);
    bench_sink(&f, sizeof f);
}

const struct bench bench_curve[] = {
    { "fp2_mul", "Fp2 multiplication (Karatsuba, 3 Fp mul)", b_fp2_mul, 2000000, 0 },
    { "fp12_mul", "Fp12 multiplication (Karatsuba over Fp6)", b_fp12_mul, 100000, 0 },
    { "fp12_sqr", "Fp12 squaring (complex method)", b_fp12_sqr, 100000, 0 },
    { "g1_add", "G1 Jacobian addition (add-2007-bl)", b_g1_add, 1000000, 0 },
    { "g1_add_affine", "G1 mixed addition (madd-2007-bl)", b_g1_add_affine, 1000000, 0 },
    { "g1_dbl", "G1 doubling (dbl-2009-l)", b_g1_dbl, 1000000, 0 },
    { "g1_mul", "G1 scalar multiplication, 254-bit scalar (double-and-add)", b_g1_mul, 2000, 0 },
    { "g2_mul", "G2 scalar multiplication, 254-bit scalar", b_g2_mul, 500, 0 },
    { "g2_subgroup_check", "G2 subgroup check ([r] Q = O)", b_g2_subgroup, 500, 0 },
    { "pairing", "one optimal ate pairing e(P, Q)", b_pairing, 200, 0 },
    { "pairing_check_2", "product of two pairings = 1? (a KZG check)", b_pairing_check2, 200, 0 },
    { "final_exp", "the final exponentiation alone", b_final_exp, 200, 0 },
};
const size_t bench_curve_count = sizeof bench_curve / sizeof bench_curve[0];
