/*
 * bench/bench_pcs.c: HyperKZG commit, open and verify at 2^16, 2^20 and 2^22 evaluations, on
 * an insecure development SRS of 2^22 powers (made once, on first use, and kept; making it
 * takes a while and is not timed). Polynomials have full-size random coefficients; "_8bit"
 * commits a vector of 8-bit values (a witness column). Threads: all cores.
 */
#include <stdio.h>
#include <stdlib.h>

#include "benches.h"
#include "ozk/keccak.h"
#include "ozk/pcs.h"

enum { MAX_LOG = 22 };

static ozk_srs g_srs;
static ozk_fr *g_poly;
static ozk_fr *g_poly8;

static void need_srs(uint32_t log_n)
{
    if (g_srs.g1 && g_srs.log_size >= log_n) return;
    ozk_srs_free(&g_srs);
    fprintf(stderr, "# bench_pcs: making an INSECURE dev SRS of 2^%u powers (untimed)...\n", log_n);
    if (ozk_srs_dev(&g_srs, log_n, 1) != 0) {
        fprintf(stderr, "bench_pcs: cannot make the SRS\n");
        exit(1);
    }
    free(g_poly);
    free(g_poly8);
    size_t n = (size_t)1 << log_n;
    g_poly = malloc(n * sizeof *g_poly);
    g_poly8 = malloc(n * sizeof *g_poly8);
    if (!g_poly || !g_poly8) exit(1);
    uint8_t seed[32] = { 7 };
    for (size_t i = 0; i < n; i++) {
        ozk_keccak256(seed, seed, 32);
        ozk_fr_from_bytes_reduce(&g_poly[i], seed);
        ozk_fr_from_i64(&g_poly8[i], (int8_t)seed[0]);
    }
}

static void commit_n(uint32_t log_n, int eight_bit, size_t iters)
{
    need_srs(MAX_LOG);
    const ozk_fr *poly = eight_bit ? g_poly8 : g_poly;
    ozk_g1 c;
    for (size_t i = 0; i < iters; i++) ozk_pcs_commit(&c, &g_srs, poly, (size_t)1 << log_n, 0);
    bench_sink(&c, sizeof c);
}

static void open_n(uint32_t log_n, size_t iters)
{
    need_srs(MAX_LOG);
    ozk_fr z[MAX_LOG], v;
    for (uint32_t i = 0; i < log_n; i++) ozk_fr_from_u64(&z[i], 1000 + i);
    ozk_mle_eval(&v, g_poly, log_n, z);
    ozk_g1 c;
    ozk_pcs_commit(&c, &g_srs, g_poly, (size_t)1 << log_n, 0);
    static ozk_pcs_proof proof;
    for (size_t i = 0; i < iters; i++) {
        ozk_transcript t;
        ozk_transcript_init(&t, "bench");
        ozk_pcs_open(&proof, &t, &g_srs, g_poly, log_n, z, &c, &v, 0);
    }
    bench_sink(&proof, sizeof proof);
}

static void verify_n(uint32_t log_n, size_t iters)
{
    need_srs(MAX_LOG);
    static ozk_pcs_proof proof;
    static ozk_fr z[MAX_LOG], v;
    static ozk_g1 c;
    static uint32_t made;
    if (made != log_n) {
        for (uint32_t i = 0; i < log_n; i++) ozk_fr_from_u64(&z[i], 1000 + i);
        ozk_mle_eval(&v, g_poly, log_n, z);
        ozk_pcs_commit(&c, &g_srs, g_poly, (size_t)1 << log_n, 0);
        ozk_transcript t;
        ozk_transcript_init(&t, "bench");
        ozk_pcs_open(&proof, &t, &g_srs, g_poly, log_n, z, &c, &v, 0);
        made = log_n;
    }
    ozk_pcs_vk vk;
    ozk_pcs_vk_from_srs(&vk, &g_srs);
    int ok = 0;
    for (size_t i = 0; i < iters; i++) {
        ozk_transcript t;
        ozk_transcript_init(&t, "bench");
        ok += ozk_pcs_verify(&t, &vk, &c, log_n, z, &v, &proof);
    }
    if (ok != (int)iters) fprintf(stderr, "bench_pcs: verification failed\n");
    bench_sink(&ok, sizeof ok);
}

#define PCS_BENCH(L)                        \
    static void b_commit_##L(size_t iters)  \
    {                                       \
        commit_n(L, 0, iters);              \
    }                                       \
    static void b_commit8_##L(size_t iters) \
    {                                       \
        commit_n(L, 1, iters);              \
    }                                       \
    static void b_open_##L(size_t iters)    \
    {                                       \
        open_n(L, iters);                   \
    }                                       \
    static void b_verify_##L(size_t iters)  \
    {                                       \
        verify_n(L, iters);                 \
    }

PCS_BENCH(16)
PCS_BENCH(20)
PCS_BENCH(22)

const struct bench bench_pcs[] = {
    { "pcs_commit_2^16", "HyperKZG commit, 2^16 full-size values", b_commit_16, 10, 0 },
    { "pcs_commit_8bit_2^16", "HyperKZG commit, 2^16 8-bit values", b_commit8_16, 10, 0 },
    { "pcs_open_2^16", "HyperKZG open (prove one evaluation), 2^16", b_open_16, 5, 0 },
    { "pcs_verify_2^16", "HyperKZG verify, 16 variables", b_verify_16, 20, 0 },
    { "pcs_commit_2^20", "HyperKZG commit, 2^20 full-size values", b_commit_20, 1, 0 },
    { "pcs_commit_8bit_2^20", "HyperKZG commit, 2^20 8-bit values", b_commit8_20, 1, 0 },
    { "pcs_open_2^20", "HyperKZG open, 2^20", b_open_20, 1, 0 },
    { "pcs_verify_2^20", "HyperKZG verify, 20 variables", b_verify_20, 20, 0 },
    { "pcs_commit_2^22", "HyperKZG commit, 2^22 full-size values", b_commit_22, 1, 0 },
    { "pcs_commit_8bit_2^22", "HyperKZG commit, 2^22 8-bit values", b_commit8_22, 1, 0 },
    { "pcs_open_2^22", "HyperKZG open, 2^22", b_open_22, 1, 0 },
    { "pcs_verify_2^22", "HyperKZG verify, 22 variables", b_verify_22, 20, 0 },
};
const size_t bench_pcs_count = sizeof bench_pcs / sizeof bench_pcs[0];
