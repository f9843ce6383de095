/*
 * tests/test_mle.c: eq tables, eq evaluation, MLE evaluation and folding (ozk/mle.h) against
 * the definition f~(z) = sum_b f[b] prod_i (z_i b_i + (1 - z_i)(1 - b_i)), bit i of b being
 * variable i (docs/protocol.md section 1).
 */
#include <stdlib.h>
#include <string.h>

#include "curve_testutil.h"
#include "ozk/mle.h"

#define MAXV 9

static ozk_fr *rand_table(uint32_t n)
{
    ozk_fr *f = malloc(((size_t)1 << n) * sizeof *f);
    assert_non_null(f);
    for (size_t b = 0; b < ((size_t)1 << n); b++) rand_fr(&f[b]);
    return f;
}

static void test_eq_table(void **state)
{
    (void)state;
    for (uint32_t n = 0; n <= MAXV; n++) {
        size_t N = (size_t)1 << n;
        ozk_fr z[MAXV], *tab = malloc(N * sizeof *tab), want, sum;
        assert_non_null(tab);
        for (uint32_t i = 0; i < n; i++) rand_fr(&z[i]);
        ozk_mle_eq_table(tab, z, n);
        ozk_fr_set_zero(&sum);
        for (size_t b = 0; b < N; b++) {
            eq_brute(&want, z, n, b);
            assert_true(ozk_fr_eq(&tab[b], &want));
            ozk_fr_add(&sum, &sum, &tab[b]);
        }
        assert_true(ozk_fr_is_one(&sum)); /* a partition of unity */
        /* at a Boolean point c it is the indicator of c */
        size_t c = (size_t)test_rand_below(N);
        for (uint32_t i = 0; i < n; i++) ozk_fr_from_u64(&z[i], c >> i & 1);
        ozk_mle_eq_table(tab, z, n);
        for (size_t b = 0; b < N; b++)
            assert_true(b == c ? ozk_fr_is_one(&tab[b]) : ozk_fr_is_zero(&tab[b]));
        free(tab);
    }
}

static void test_eq_eval(void **state)
{
    (void)state;
    for (int iter = 0; iter < 50; iter++) {
        uint32_t n = (uint32_t)test_rand_below(MAXV + 1);
        ozk_fr x[MAXV], y[MAXV], got, want, one, t, u, om;
        ozk_fr_set_one(&one);
        ozk_fr_set_one(&want);
        for (uint32_t i = 0; i < n; i++) {
            rand_fr(&x[i]);
            rand_fr(&y[i]);
            ozk_fr_mul(&t, &x[i], &y[i]); /* x y + (1 - x)(1 - y) */
            ozk_fr_sub(&u, &one, &x[i]);
            ozk_fr_sub(&om, &one, &y[i]);
            ozk_fr_mul(&u, &u, &om);
            ozk_fr_add(&t, &t, &u);
            ozk_fr_mul(&want, &want, &t);
        }
        ozk_mle_eq_eval(&got, x, y, n);
        assert_true(ozk_fr_eq(&got, &want));
        /* symmetric, and at a Boolean y it is the eq table's entry */
        ozk_mle_eq_eval(&got, y, x, n);
        assert_true(ozk_fr_eq(&got, &want));
        size_t b = (size_t)test_rand_below((uint64_t)1 << n);
        for (uint32_t i = 0; i < n; i++) ozk_fr_from_u64(&y[i], b >> i & 1);
        ozk_mle_eq_eval(&got, x, y, n);
        eq_brute(&want, x, n, b);
        assert_true(ozk_fr_eq(&got, &want));
    }
}

static void test_mle_eval(void **state)
{
    (void)state;
    for (uint32_t n = 0; n <= MAXV; n++) {
        ozk_fr *f = rand_table(n), z[MAXV], got, want;
        for (uint32_t i = 0; i < n; i++) rand_fr(&z[i]);
        ozk_mle_eval(&got, f, n, z);
        mle_brute(&want, f, n, z);
        assert_true(ozk_fr_eq(&got, &want));
        /* it interpolates f on the hypercube, variable i = bit i */
        size_t b = (size_t)test_rand_below((uint64_t)1 << n);
        for (uint32_t i = 0; i < n; i++) ozk_fr_from_u64(&z[i], b >> i & 1);
        ozk_mle_eval(&got, f, n, z);
        assert_true(ozk_fr_eq(&got, &f[b]));
        free(f);
    }
}

static void test_fold(void **state)
{
    (void)state;
    for (uint32_t n = 1; n <= MAXV; n++) {
        size_t N = (size_t)1 << n;
        ozk_fr *f = rand_table(n), *g = malloc(N * sizeof *g), *h = malloc(N / 2 * sizeof *h);
        assert_non_null(g);
        assert_non_null(h);
        memcpy(g, f, N * sizeof *g);
        ozk_fr z[MAXV], got, want;
        for (uint32_t i = 0; i < n; i++) rand_fr(&z[i]);
        /* fixing variable 0 to z_0, then evaluating at the rest, is evaluating at z */
        ozk_mle_fold(g, n, &z[0]);
        ozk_mle_eval(&got, g, n - 1, z + 1);
        mle_brute(&want, f, n, z);
        assert_true(ozk_fr_eq(&got, &want));
        /* the upper half is left alone */
        assert_memory_equal(g + N / 2, f + N / 2, N / 2 * sizeof *g);
        /* fold_to into a separate buffer gives the same lower half */
        ozk_mle_fold_to(h, f, n, &z[0]);
        assert_memory_equal(h, g, N / 2 * sizeof *h);
        /* folding all the way leaves f~(z) */
        memcpy(g, f, N * sizeof *g);
        for (uint32_t i = 0; i < n; i++) ozk_mle_fold(g, n - i, &z[i]);
        assert_true(ozk_fr_eq(&g[0], &want));
        free(f);
        free(g);
        free(h);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eq_table),
        cmocka_unit_test(test_eq_eval),
        cmocka_unit_test(test_mle_eval),
        cmocka_unit_test(test_fold),
    };
    return TEST_RUN("mle", tests);
}
