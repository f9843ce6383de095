/*
 * tests/test_msm.c: ozk_g1_msm against two references.
 *
 *  - ozk_g1_msm_naive, one double-and-add per term (the slow, obviously correct MSM);
 *  - discrete logs: every test point is [e_i] G with e_i known, so the MSM must equal
 *    [sum_i s_i e_i] G, one scalar multiplication of a sum computed in Fr. This is independent
 *    of both MSMs and cheap at any n, so the larger sizes use it alone.
 *
 * Scalar shapes follow what the prover commits to: uniform Fr elements, 0/1 selectors, 8- and
 * 16-bit witness values, negative small values (r - v), all zeros, r - 1, and values at the
 * edges of the small-scalar path. Repeated points force the equal-point (doubling) and
 * opposite-point (infinity) cases inside a bucket; points at infinity must be skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "curve_testutil.h"
#include "ozk/error.h"
#include "ozk/msm.h"

/* A shuffled pool of points with known discrete logs: pool[i] = [pool_log[i]] G. */
enum { POOL = 1 << 15 };
static ozk_g1 *g_pool;
static ozk_fr *g_pool_log;

static int make_pool(void **state)
{
    (void)state;
    g_pool = malloc(POOL * sizeof *g_pool);
    g_pool_log = malloc(POOL * sizeof *g_pool_log);
    ozk_g1_jac *jac = malloc(POOL * sizeof *jac);
    if (!g_pool || !g_pool_log || !jac) {
        free(jac);
        return -1;
    }
    /* a running sequence [a + i d] G (one addition a point), then a random permutation */
    ozk_g1 g, step;
    ozk_fr a, d;
    uint64_t k[4];
    ozk_g1_generator(&g);
    rand_fr(&a);
    rand_fr(&d);
    ozk_fr_to_limbs(k, &d);
    ozk_g1_mul_var(&jac[0], &g, k);
    ozk_g1_jac_to_affine(&step, &jac[0]);
    ozk_fr_to_limbs(k, &a);
    ozk_g1_mul_var(&jac[0], &g, k);
    g_pool_log[0] = a;
    for (size_t i = 1; i < POOL; i++) {
        ozk_g1_jac_add_affine(&jac[i], &jac[i - 1], &step);
        ozk_fr_add(&g_pool_log[i], &g_pool_log[i - 1], &d);
    }
    int rc = ozk_g1_jac_batch_to_affine(g_pool, jac, POOL);
    free(jac);
    if (rc != 0) return -1;
    for (size_t i = POOL - 1; i > 0; i--) {
        size_t j = (size_t)test_rand_below(i + 1);
        ozk_g1 tp = g_pool[i];
        ozk_fr tl = g_pool_log[i];
        g_pool[i] = g_pool[j];
        g_pool_log[i] = g_pool_log[j];
        g_pool[j] = tp;
        g_pool_log[j] = tl;
    }
    return 0;
}

static int free_pool(void **state)
{
    (void)state;
    free(g_pool);
    free(g_pool_log);
    return 0;
}

/* Scalar shapes. */
enum shape {
    S_FULL,      /* uniform in Fr */
    S_BIT,       /* 0 or 1 */
    S_U8,        /* [0, 256) */
    S_U16,       /* [0, 65536) */
    S_I16,       /* [-32768, 32768), negatives as r - v */
    S_NEG8,      /* r - v, v in [1, 256] */
    S_MIXED,     /* mostly 8-bit, some uniform, some negative, some zero */
    S_EDGE,      /* around 2^63, 2^64, (r - 1) / 2 and r - 2^64 */
    S_ZERO,      /* all zero */
    S_R_MINUS_1, /* all r - 1 */
    S_COUNT
};

static const char *const shape_name[S_COUNT] = { "full", "0/1",   "u8",   "u16",  "i16",
                                                 "-u8",  "mixed", "edge", "zero", "r-1" };

static void edge_scalar(ozk_fr *out)
{
    uint64_t v[4] = { 0, 0, 0, 0 };
    ozk_fr one;
    ozk_fr_set_one(&one);
    switch (test_rand_below(8)) {
    case 0: /* 2^64 - 1 */
        ozk_fr_from_u64(out, UINT64_MAX);
        return;
    case 1: /* 2^64 */
        v[1] = 1;
        ozk_fr_from_limbs(out, v);
        return;
    case 2: /* -(2^64 - 1) */
        ozk_fr_from_u64(out, UINT64_MAX);
        ozk_fr_neg(out, out);
        return;
    case 3: /* -2^64 */
        v[1] = 1;
        ozk_fr_from_limbs(out, v);
        ozk_fr_neg(out, out);
        return;
    case 4: /* (r - 1) / 2, the largest scalar taken as positive */
    case 5: /* (r + 1) / 2, the first taken as negative */
        for (int q = 0; q < 4; q++)
            v[q] = ozk_fr_modulus[q] >> 1 | (q < 3 ? ozk_fr_modulus[q + 1] << 63 : 0);
        ozk_fr_from_limbs(out, v);
        if (test_rand_below(2)) ozk_fr_add(out, out, &one);
        return;
    case 6: /* 2^63 and -2^63 */
        ozk_fr_from_u64(out, (uint64_t)1 << 63);
        if (test_rand_below(2)) ozk_fr_neg(out, out);
        return;
    default: /* 1 and -1 */
        ozk_fr_set_one(out);
        if (test_rand_below(2)) ozk_fr_neg(out, out);
        return;
    }
}

static void make_scalars(ozk_fr *s, size_t n, enum shape shape)
{
    for (size_t i = 0; i < n; i++) {
        switch (shape) {
        case S_FULL:
            rand_fr(&s[i]);
            break;
        case S_BIT:
            ozk_fr_from_u64(&s[i], test_rand_below(2));
            break;
        case S_U8:
            ozk_fr_from_u64(&s[i], test_rand_below(256));
            break;
        case S_U16:
            ozk_fr_from_u64(&s[i], test_rand_below(65536));
            break;
        case S_I16:
            ozk_fr_from_i64(&s[i], (int64_t)test_rand_below(65536) - 32768);
            break;
        case S_NEG8:
            ozk_fr_from_i64(&s[i], -(int64_t)test_rand_below(256) - 1);
            break;
        case S_MIXED: {
            uint64_t r = test_rand_below(16);
            if (r == 0)
                rand_fr(&s[i]);
            else if (r < 4)
                ozk_fr_from_i64(&s[i], -(int64_t)test_rand_below(256));
            else if (r < 6)
                ozk_fr_set_zero(&s[i]);
            else
                ozk_fr_from_u64(&s[i], test_rand_below(256));
            break;
        }
        case S_EDGE:
            edge_scalar(&s[i]);
            break;
        case S_ZERO:
            ozk_fr_set_zero(&s[i]);
            break;
        default: /* S_R_MINUS_1 */
            ozk_fr_set_one(&s[i]);
            ozk_fr_neg(&s[i], &s[i]);
            break;
        }
    }
}

/* [sum_i s_i e_i] G, with e_i the discrete log of points[i] (0 for infinity). */
static void expected_by_logs(ozk_g1_jac *out, const ozk_fr *logs, const ozk_fr *s, size_t n)
{
    ozk_fr sum, t;
    ozk_g1 g;
    uint64_t k[4];
    ozk_fr_set_zero(&sum);
    for (size_t i = 0; i < n; i++) {
        ozk_fr_mul(&t, &logs[i], &s[i]);
        ozk_fr_add(&sum, &sum, &t);
    }
    ozk_fr_to_limbs(k, &sum);
    ozk_g1_generator(&g);
    ozk_g1_mul_var(out, &g, k);
}

/* ozk_g1_msm on 1, 2, 3 and all threads equals want; prints the case on failure. */
static void check_msm(const ozk_g1_jac *want, const ozk_g1 *points, const ozk_fr *s, size_t n,
                      const char *what)
{
    static const unsigned threads[] = { 1, 2, 3, 0 };
    for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++) {
        ozk_g1_jac got;
        assert_int_equal(ozk_g1_msm(&got, points, s, n, threads[t]), 0);
        if (!ozk_g1_jac_eq(&got, want))
            fail_msg("MSM differs from the reference: %s, n = %zu, threads = %u", what, n,
                     threads[t]);
    }
}

/* Every size and shape against both references. */
static void test_msm_sizes(void **state)
{
    (void)state;
    static const size_t sizes[] = { 0, 1, 2, 3, 7, 64, 1000, 4099 };
    ozk_fr *s = malloc(4099 * sizeof *s);
    assert_non_null(s);
    for (size_t r = 0; r < test_cases(1); r++) {
        for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
            size_t n = sizes[si];
            for (int shape = 0; shape < S_COUNT; shape++) {
                make_scalars(s, n, (enum shape)shape);
                const ozk_g1 *pts = g_pool + test_rand_below(POOL - n + 1);
                const ozk_fr *logs = g_pool_log + (pts - g_pool);
                ozk_g1_jac want, naive;
                expected_by_logs(&want, logs, s, n);
                ozk_g1_msm_naive(&naive, pts, s, n);
                if (!ozk_g1_jac_eq(&naive, &want))
                    fail_msg("test references disagree: %s, n = %zu", shape_name[shape], n);
                check_msm(&want, pts, s, n, shape_name[shape]);
            }
        }
    }
    free(s);
}

/* Sizes past one chunk of the bucket sort and with larger windows, by discrete logs. */
static void test_msm_large(void **state)
{
    (void)state;
    static const size_t sizes[] = { 9000, POOL - 5 };
    static const enum shape shapes[] = { S_FULL, S_BIT, S_U8, S_U16, S_I16, S_MIXED };
    ozk_fr *s = malloc(POOL * sizeof *s);
    assert_non_null(s);
    for (size_t r = 0; r < test_cases(1); r++) {
        for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
            for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
                size_t n = sizes[si];
                make_scalars(s, n, shapes[k]);
                ozk_g1_jac want;
                expected_by_logs(&want, g_pool_log, s, n);
                check_msm(&want, g_pool, s, n, shape_name[shapes[k]]);
            }
        }
    }
    free(s);
}

/* The same few points many times: buckets see P + P and P + (-P) in every round. */
static void test_msm_repeated_points(void **state)
{
    (void)state;
    enum { N = 5000 };
    ozk_g1 *pts = malloc(N * sizeof *pts);
    ozk_fr *logs = malloc(N * sizeof *logs), *s = malloc(N * sizeof *s);
    assert_non_null(pts);
    assert_non_null(logs);
    assert_non_null(s);
    static const enum shape shapes[] = { S_BIT, S_U8, S_I16, S_NEG8, S_FULL, S_EDGE };
    for (size_t r = 0; r < test_cases(4); r++) {
        /* 1, 2 or 3 distinct points, and each one's negation */
        size_t distinct = 1 + (size_t)test_rand_below(3);
        size_t base = (size_t)test_rand_below(POOL - 3);
        for (size_t i = 0; i < N; i++) {
            size_t j = base + (size_t)test_rand_below(distinct);
            pts[i] = g_pool[j];
            logs[i] = g_pool_log[j];
            if (test_rand_below(2)) {
                ozk_g1_neg(&pts[i], &pts[i]);
                ozk_fr_neg(&logs[i], &logs[i]);
            }
        }
        for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
            static const size_t ns[] = { 100, 1000, N }; /* Jacobian and affine buckets */
            size_t n = ns[k % 3];
            make_scalars(s, n, shapes[k]);
            ozk_g1_jac want;
            expected_by_logs(&want, logs, s, n);
            check_msm(&want, pts, s, n, shape_name[shapes[k]]);
        }
        /* P, -P, P, -P, ... with equal scalars: every pair of the first round cancels */
        for (size_t i = 0; i < N; i++) {
            pts[i] = g_pool[base];
            if (i % 2) ozk_g1_neg(&pts[i], &pts[i]);
            ozk_fr_from_u64(&s[i], 7);
        }
        ozk_g1_jac want;
        ozk_g1_jac_set_infinity(&want);
        check_msm(&want, pts, s, N, "P, -P alternating");
        ozk_g1_msm_naive(&want, pts, s, N);
        assert_true(ozk_g1_jac_is_infinity(&want));
        /* ... and with one term fewer, [7] P is left over */
        ozk_g1_msm_naive(&want, pts, s, 1);
        check_msm(&want, pts, s, N - 1, "P, -P alternating, odd count");
    }
    free(pts);
    free(logs);
    free(s);
}

/* Points at infinity are skipped whatever their scalar; zero scalars skip their point. */
static void test_msm_infinity_and_zeros(void **state)
{
    (void)state;
    enum { N = 3000 };
    ozk_g1 *pts = malloc(N * sizeof *pts);
    ozk_fr *logs = malloc(N * sizeof *logs), *s = malloc(N * sizeof *s);
    assert_non_null(pts);
    assert_non_null(logs);
    assert_non_null(s);
    static const enum shape shapes[] = { S_FULL, S_U8, S_I16, S_MIXED };
    for (size_t r = 0; r < test_cases(2); r++) {
        size_t base = (size_t)test_rand_below(POOL - N);
        for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
            for (size_t i = 0; i < N; i++) {
                pts[i] = g_pool[base + i];
                logs[i] = g_pool_log[base + i];
                if (test_rand_below(4) == 0) {
                    ozk_g1_set_infinity(&pts[i]);
                    ozk_fr_set_zero(&logs[i]);
                }
            }
            make_scalars(s, N, shapes[k]);
            ozk_g1_jac want, naive;
            expected_by_logs(&want, logs, s, N);
            check_msm(&want, pts, s, N, shape_name[shapes[k]]);
            if (shapes[k] != S_FULL) {
                ozk_g1_msm_naive(&naive, pts, s, N);
                assert_true(ozk_g1_jac_eq(&naive, &want));
            }
        }
        /* every point at infinity; and one live term among them */
        for (size_t i = 0; i < N; i++) ozk_g1_set_infinity(&pts[i]);
        make_scalars(s, N, S_FULL);
        ozk_g1_jac want;
        ozk_g1_jac_set_infinity(&want);
        check_msm(&want, pts, s, N, "all points at infinity");
        size_t j = (size_t)test_rand_below(N);
        pts[j] = g_pool[base];
        ozk_g1_msm_naive(&want, pts + j, s + j, 1);
        check_msm(&want, pts, s, N, "one live term");
    }
    free(pts);
    free(logs);
    free(s);
}

/* Same inputs, same thread count: the same Jacobian triple, bit for bit. */
static void test_msm_deterministic(void **state)
{
    (void)state;
    enum { N = 6000 };
    ozk_fr *s = malloc(N * sizeof *s);
    assert_non_null(s);
    make_scalars(s, N, S_FULL);
    for (unsigned threads = 1; threads <= 3; threads++) {
        ozk_g1_jac a, b;
        assert_int_equal(ozk_g1_msm(&a, g_pool, s, N, threads), 0);
        for (int rep = 0; rep < 3; rep++) {
            assert_int_equal(ozk_g1_msm(&b, g_pool, s, N, threads), 0);
            assert_memory_equal(&a, &b, sizeof a);
        }
    }
    free(s);
}

/* Out of memory: OZK_ENOMEM and infinity. The address space is capped at what the process
 * already maps, so the MSM's first allocation (tens of MiB here, too big for any free heap)
 * fails. Not under AddressSanitizer, whose allocator aborts instead of returning NULL. */
static void test_msm_enomem(void **state)
{
    (void)state;
#if defined(__SANITIZE_ADDRESS__)
    skip();
#else
    enum { N = 1 << 20 };
    ozk_g1 *pts = malloc(N * sizeof *pts);
    ozk_fr *s = malloc(N * sizeof *s);
    assert_non_null(pts);
    assert_non_null(s);
    for (size_t i = 0; i < N; i++) {
        pts[i] = g_pool[i % POOL];
        ozk_fr_from_u64(&s[i], i + 1);
    }
    unsigned long pages = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    assert_non_null(f);
    assert_int_equal(fscanf(f, "%lu", &pages), 1);
    fclose(f);
    struct rlimit old, cap;
    assert_int_equal(getrlimit(RLIMIT_AS, &old), 0);
    cap = old;
    cap.rlim_cur = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE);
    assert_int_equal(setrlimit(RLIMIT_AS, &cap), 0);
    ozk_g1_jac out;
    ozk_g1_generator(&pts[0]); /* out must be reset, not left as it was */
    ozk_g1_jac_from_affine(&out, &pts[0]);
    int rc = ozk_g1_msm(&out, pts, s, N, 2);
    assert_int_equal(setrlimit(RLIMIT_AS, &old), 0);
    assert_int_equal(rc, OZK_ENOMEM);
    assert_true(ozk_g1_jac_is_infinity(&out));
    free(pts);
    free(s);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_msm_sizes),           cmocka_unit_test(test_msm_large),
        cmocka_unit_test(test_msm_repeated_points), cmocka_unit_test(test_msm_infinity_and_zeros),
        cmocka_unit_test(test_msm_deterministic),   cmocka_unit_test(test_msm_enomem),
    };
    return TEST_RUN_WITH("msm", tests, make_pool, free_pool);
}
