/*
 * bench/bench_field.c: Fr and Fp arithmetic, and GMP doing the same job for comparison.
 *
 * "latency" runs a dependent chain (each result feeds the next op), which is how a sumcheck
 * round or an exponentiation uses mul; "throughput" runs four independent chains, which is how
 * a vectorisable loop over a table uses it.
 */
#include <string.h>

#include <gmp.h>

#include "benches.h"
#include "ozk/field.h"

static void seed_fr(ozk_fr *x, uint64_t k)
{
    uint64_t v[4] = { 0x0123456789abcdefULL * k, 0xfedcba9876543210ULL ^ k, 0x1111 * k, k };
    ozk_fr_from_limbs(x, v);
}

/* b_NAME: a dependent chain x = OP(x, y) of iters operations on Fr */
#define FR_CHAIN(name, op)                                 \
    static void b_##name(size_t iters)                     \
    {                                                      \
        ozk_fr x, y;                                       \
        seed_fr(&x, 1);                                    \
        seed_fr(&y, 2);                                    \
        for (size_t i = 0; i < iters; i++) op(&x, &x, &y); \
        bench_sink(&x, sizeof x);                          \
    }

FR_CHAIN(fr_mul, ozk_fr_mul)
FR_CHAIN(fr_add, ozk_fr_add)
FR_CHAIN(fr_sub, ozk_fr_sub)

static void b_fr_sqr(size_t iters)
{
    ozk_fr x;
    seed_fr(&x, 5);
    for (size_t i = 0; i < iters; i++) ozk_fr_sqr(&x, &x);
    bench_sink(&x, sizeof x);
}

static void b_fr_mul_tp(size_t iters)
{
    ozk_fr x[4], y;
    for (int k = 0; k < 4; k++) seed_fr(&x[k], (uint64_t)k + 3);
    seed_fr(&y, 2);
    for (size_t i = 0; i < iters; i += 4)
        for (int k = 0; k < 4; k++) ozk_fr_mul(&x[k], &x[k], &y);
    bench_sink(x, sizeof x);
}

static void b_fr_inv(size_t iters)
{
    ozk_fr x, one;
    seed_fr(&x, 8);
    ozk_fr_set_one(&one);
    for (size_t i = 0; i < iters; i++) {
        ozk_fr_inv(&x, &x);
        ozk_fr_add(&x, &x, &one); /* never reaches zero in practice; keeps the chain going */
    }
    bench_sink(&x, sizeof x);
}

static void b_fr_batch_inv(size_t iters)
{
    enum { N = 1024 };
    static ozk_fr in[N], out[N];
    for (size_t i = 0; i < N; i++) seed_fr(&in[i], i + 1);
    for (size_t done = 0; done < iters; done += N) ozk_fr_batch_inv(out, in, N);
    bench_sink(out, sizeof out);
}

static void b_fp_mul(size_t iters)
{
    ozk_fp x, y;
    ozk_fp_from_u64(&x, 0x0123456789abcdefULL);
    ozk_fp_from_u64(&y, 0xfedcba9876543210ULL);
    ozk_fp_sqr(&x, &x), ozk_fp_sqr(&x, &x), ozk_fp_sqr(&y, &y), ozk_fp_sqr(&y, &y);
    for (size_t i = 0; i < iters; i++) ozk_fp_mul(&x, &x, &y);
    bench_sink(&x, sizeof x);
}

/* GMP's best general path for a fixed 4-limb modulus: mpn_mul_n then mpn_tdiv_qr. */
static void b_gmp_mulmod(size_t iters)
{
    mp_limb_t x[4], y[4], prod[8], q[5];
    const uint64_t *m = ozk_fr_modulus;
    mp_limb_t mm[4] = { m[0], m[1], m[2], m[3] };
    for (int i = 0; i < 4; i++) x[i] = 0x0123456789abcdefULL * (mp_limb_t)(i + 1), y[i] = ~x[i];
    x[3] &= 0x0fffffffffffffffULL, y[3] &= 0x0fffffffffffffffULL;
    for (size_t i = 0; i < iters; i++) {
        mpn_mul_n(prod, x, y, 4);
        mpn_tdiv_qr(q, x, 0, prod, 8, mm, 4);
    }
    bench_sink(x, sizeof x);
}

const struct bench bench_field[] = {
    { "fr_mul", "Fr Montgomery multiplication, latency (dependent chain)", b_fr_mul, 5000000, 0 },
    { "fr_mul_throughput", "Fr multiplication, 4 independent chains", b_fr_mul_tp, 5000000, 0 },
    { "fr_sqr", "Fr squaring, latency", b_fr_sqr, 5000000, 0 },
    { "fr_add", "Fr addition, latency", b_fr_add, 20000000, 0 },
    { "fr_sub", "Fr subtraction, latency", b_fr_sub, 20000000, 0 },
    { "fr_inv", "Fr inversion (Fermat, constant time)", b_fr_inv, 20000, 0 },
    { "fr_batch_inv", "Fr batch inversion, per element (batches of 1024)", b_fr_batch_inv,
      1024 * 500, 0 },
    { "fp_mul", "Fp Montgomery multiplication, latency", b_fp_mul, 5000000, 0 },
    { "gmp_mulmod", "GMP mpn_mul_n + mpn_tdiv_qr mod r (reference point)", b_gmp_mulmod, 2000000,
      0 },
};
const size_t bench_field_count = sizeof bench_field / sizeof bench_field[0];
