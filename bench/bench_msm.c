/*
 * bench/bench_msm.c: ozk_g1_msm, one operation = one whole MSM of n terms, on 1 and 2 threads.
 *
 * "full" scalars are uniform in Fr (a commitment to random-looking data, e.g. the opening's
 * folds); "8bit" scalars are in [0, 256) (an int8 witness column). The points are a running
 * sequence P_i = P_0 + i Q for random P_0, Q, made once and shared by every entry: as good as
 * random points for the MSM, and far faster to make than 2^22 scalar multiplications.
 */
#include <stdio.h>
#include <stdlib.h>

#include "benches.h"
#include "ozk/msm.h"

enum { BATCH = 1 << 16 };

static ozk_g1 *g_points;
static ozk_fr *g_full, *g_small;
static size_t g_have;
static ozk_g1_jac g_next; /* the next point of the sequence */
static ozk_g1 g_step;
static uint64_t g_rng = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
    /* splitmix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", 2014) */
    uint64_t z = (g_rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void rand_fr_full(ozk_fr *out)
{
    uint64_t v[4];
    do {
        for (int i = 0; i < 4; i++) v[i] = rng();
        v[3] &= 0x3fffffffffffffffULL; /* 254 bits; about 3 tries in 4 are below r */
    } while (!ozk_fr_from_limbs(out, v));
}

static void die(const char *what)
{
    fprintf(stderr, "ozk-bench: out of memory making %s for the MSM benchmarks\n", what);
    exit(1);
}

/* Makes sure the first n points and scalars exist. */
static void ensure(size_t n)
{
    if (n <= g_have) return;
    ozk_g1 *p = realloc(g_points, n * sizeof *p);
    if (p) g_points = p;
    ozk_fr *f = realloc(g_full, n * sizeof *f);
    if (f) g_full = f;
    ozk_fr *s = realloc(g_small, n * sizeof *s);
    if (s) g_small = s;
    ozk_g1_jac *jac = malloc(BATCH * sizeof *jac);
    if (!p || !f || !s || !jac) die("the points");
    if (g_have == 0) {
        ozk_g1 g;
        uint64_t k[4];
        ozk_fr t;
        ozk_g1_generator(&g);
        rand_fr_full(&t);
        ozk_fr_to_limbs(k, &t);
        ozk_g1_mul_var(&g_next, &g, k);
        rand_fr_full(&t);
        ozk_fr_to_limbs(k, &t);
        ozk_g1_mul_var(jac, &g, k);
        ozk_g1_jac_to_affine(&g_step, jac);
    }
    for (size_t lo = g_have; lo < n; lo += BATCH) {
        size_t m = n - lo < BATCH ? n - lo : BATCH;
        for (size_t i = 0; i < m; i++) {
            jac[i] = g_next;
            ozk_g1_jac_add_affine(&g_next, &g_next, &g_step);
        }
        if (ozk_g1_jac_batch_to_affine(g_points + lo, jac, m) != 0) die("the points");
    }
    for (size_t i = g_have; i < n; i++) {
        rand_fr_full(&g_full[i]);
        ozk_fr_from_u64(&g_small[i], rng() & 0xff);
    }
    free(jac);
    g_have = n;
}

static void run(unsigned log_n, int small, unsigned threads, size_t iters)
{
    size_t n = (size_t)1 << log_n;
    ensure(n);
    ozk_g1_jac out;
    for (size_t i = 0; i < iters; i++) {
        if (ozk_g1_msm(&out, g_points, small ? g_small : g_full, n, threads) != 0)
            die("the MSM's scratch");
        bench_sink(&out, sizeof out);
    }
}

#define MSM_BENCH(kind, small, log_n, threads)                \
    static void b_##kind##_##log_n##_t##threads(size_t iters) \
    {                                                         \
        run(log_n, small, threads, iters);                    \
    }

MSM_BENCH(full, 0, 12, 1)
MSM_BENCH(full, 0, 12, 2)
MSM_BENCH(full, 0, 16, 1)
MSM_BENCH(full, 0, 16, 2)
MSM_BENCH(full, 0, 20, 1)
MSM_BENCH(full, 0, 20, 2)
MSM_BENCH(full, 0, 22, 1)
MSM_BENCH(full, 0, 22, 2)
MSM_BENCH(small, 1, 16, 1)
MSM_BENCH(small, 1, 16, 2)
MSM_BENCH(small, 1, 20, 1)
MSM_BENCH(small, 1, 20, 2)

const struct bench bench_msm[] = {
    { "msm_full_2^12_t1", "G1 MSM, 2^12 uniform scalars, 1 thread", b_full_12_t1, 20, 0 },
    { "msm_full_2^12_t2", "G1 MSM, 2^12 uniform scalars, 2 threads", b_full_12_t2, 20, 0 },
    { "msm_full_2^16_t1", "G1 MSM, 2^16 uniform scalars, 1 thread", b_full_16_t1, 3, 0 },
    { "msm_full_2^16_t2", "G1 MSM, 2^16 uniform scalars, 2 threads", b_full_16_t2, 3, 0 },
    { "msm_full_2^20_t1", "G1 MSM, 2^20 uniform scalars, 1 thread", b_full_20_t1, 1, 0 },
    { "msm_full_2^20_t2", "G1 MSM, 2^20 uniform scalars, 2 threads", b_full_20_t2, 1, 0 },
    { "msm_full_2^22_t1", "G1 MSM, 2^22 uniform scalars, 1 thread", b_full_22_t1, 1, 0 },
    { "msm_full_2^22_t2", "G1 MSM, 2^22 uniform scalars, 2 threads", b_full_22_t2, 1, 0 },
    { "msm_8bit_2^16_t1", "G1 MSM, 2^16 scalars in [0, 256), 1 thread", b_small_16_t1, 20, 0 },
    { "msm_8bit_2^16_t2", "G1 MSM, 2^16 scalars in [0, 256), 2 threads", b_small_16_t2, 20, 0 },
    { "msm_8bit_2^20_t1", "G1 MSM, 2^20 scalars in [0, 256), 1 thread", b_small_20_t1, 3, 0 },
    { "msm_8bit_2^20_t2", "G1 MSM, 2^20 scalars in [0, 256), 2 threads", b_small_20_t2, 3, 0 },
};
const size_t bench_msm_count = sizeof bench_msm / sizeof bench_msm[0];
