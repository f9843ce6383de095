/*
 * bench/bench_batch.c: claim batching (ozk/batch.h) for one polynomial of 2^20 entries.
 *
 * Prove: one operation is one whole batch proof (the E table from K claims, then the degree-2
 * sumcheck), for K = 8 and K = 64 random full-point claims. Verify: one operation is
 * ozk_batch_verify (sumcheck rounds, K eq evaluations, final check), without the PCS opening
 * (bench_pcs measures that). Single-threaded; inputs made once, not timed.
 */
#include <stdio.h>
#include <stdlib.h>

#include "benches.h"
#include "ozk/batch.h"
#include "ozk/keccak.h"
#include "ozk/mle.h"

enum { LOG = 20, MAXK = 64 };

static ozk_fr *g_p;
static ozk_fr g_pts[MAXK][LOG];
static ozk_batch_claim g_c[MAXK];

static void need_inputs(void)
{
    if (g_p) return;
    size_t n = (size_t)1 << LOG;
    uint8_t seed[32] = { 23 };
    g_p = malloc(n * sizeof *g_p);
    if (!g_p) {
        fprintf(stderr, "bench_batch: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < n; i++) {
        ozk_keccak256(seed, seed, 32);
        ozk_fr_from_bytes_reduce(&g_p[i], seed);
    }
    for (size_t i = 0; i < MAXK; i++) {
        for (uint32_t v = 0; v < LOG; v++) {
            ozk_keccak256(seed, seed, 32);
            ozk_fr_from_bytes_reduce(&g_pts[i][v], seed);
        }
        g_c[i].poly = 0;
        g_c[i].point = g_pts[i];
        ozk_mle_eval(&g_c[i].value, g_p, LOG, g_pts[i]);
    }
}

static void prove_k(size_t k, size_t iters)
{
    need_inputs();
    static ozk_batch_proof proof;
    const ozk_fr *polys[1] = { g_p };
    for (size_t r = 0; r < iters; r++) {
        ozk_transcript t;
        ozk_transcript_init(&t, "bench");
        if (ozk_batch_prove(&proof, NULL, &t, polys, 1, LOG, g_c, k, 1))
            fprintf(stderr, "bench_batch: prove failed\n");
    }
    bench_sink(&proof, sizeof proof);
}

static void verify_k(size_t k, size_t iters)
{
    need_inputs();
    static ozk_batch_proof proof[2];
    static int made[2];
    int slot = k == MAXK;
    const ozk_fr *polys[1] = { g_p };
    if (!made[slot]) {
        ozk_transcript t;
        ozk_transcript_init(&t, "bench");
        if (ozk_batch_prove(&proof[slot], NULL, &t, polys, 1, LOG, g_c, k, 1))
            fprintf(stderr, "bench_batch: prove failed\n");
        made[slot] = 1;
    }
    int ok = 0;
    for (size_t i = 0; i < iters; i++) {
        ozk_transcript t;
        ozk_batch_final fin;
        ozk_transcript_init(&t, "bench");
        ok += ozk_batch_verify(&fin, &t, 1, LOG, g_c, k, &proof[slot]);
    }
    if (ok != (int)iters) fprintf(stderr, "bench_batch: verification failed\n");
    bench_sink(&ok, sizeof ok);
}

static void b_prove_8(size_t iters)
{
    prove_k(8, iters);
}
static void b_prove_64(size_t iters)
{
    prove_k(MAXK, iters);
}
static void b_verify_8(size_t iters)
{
    verify_k(8, iters);
}
static void b_verify_64(size_t iters)
{
    verify_k(MAXK, iters);
}

const struct bench bench_batch[] = {
    { "batch_prove_2^20_K8", "batch prove, 8 claims on 2^20 entries, per proof", b_prove_8, 1, 0 },
    { "batch_prove_2^20_K64", "batch prove, 64 claims on 2^20 entries, per proof", b_prove_64, 1,
      0 },
    { "batch_verify_2^20_K8", "batch verify (no PCS), 8 claims, 20 rounds", b_verify_8, 1000, 0 },
    { "batch_verify_2^20_K64", "batch verify (no PCS), 64 claims, 20 rounds", b_verify_64, 1000,
      0 },
};
const size_t bench_batch_count = sizeof bench_batch / sizeof bench_batch[0];
