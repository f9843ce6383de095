/*
 * bench/bench_logup.c: LogUp-GKR range checks (ozk/logup.h) of 2^16 and 2^20 lookups into the
 * table {0, ..., 2^16 - 1}.
 *
 * One operation of a prove benchmark is one lookup, so ns/op is the prover's time per looked-up
 * value (the 2^16-entry table side included, amortised); one prove runs per 2^m operations.
 * Witness values are pseudo-random in [0, 2^16) and the multiplicities their counts, made once
 * and not timed. Verify: one operation is one whole verification (step 1 and step 2 with the
 * honest evaluations). Single-threaded.
 */
#include <stdio.h>
#include <stdlib.h>

#include "benches.h"
#include "ozk/logup.h"

enum { TABLE_LOG = 16, MAX_LOG = 20 };

static ozk_fr *g_w, *g_mult;
static uint32_t g_m;
static ozk_logup_proof *g_proof;

static void need_columns(uint32_t m)
{
    if (g_m == m) return;
    size_t n = (size_t)1 << m, nt = (size_t)1 << TABLE_LOG;
    if (!g_w) {
        g_w = malloc(((size_t)1 << MAX_LOG) * sizeof *g_w);
        g_mult = malloc(nt * sizeof *g_mult);
        g_proof = malloc(sizeof *g_proof);
        if (!g_w || !g_mult || !g_proof) {
            fprintf(stderr, "bench_logup: out of memory\n");
            exit(1);
        }
    }
    uint64_t *cnt = calloc(nt, sizeof *cnt);
    if (!cnt) exit(1);
    uint64_t s = 0x9e3779b97f4a7c15u;
    for (size_t b = 0; b < n; b++) {
        s = s * 6364136223846793005u + 1442695040888963407u;
        uint64_t v = (s >> 33) & (nt - 1);
        cnt[v]++;
        ozk_fr_from_u64(&g_w[b], v);
    }
    for (size_t j = 0; j < nt; j++) ozk_fr_from_u64(&g_mult[j], cnt[j]);
    free(cnt);
    g_m = m;
}

static void alpha_of(ozk_fr *alpha, ozk_transcript *t)
{
    ozk_transcript_init(t, "bench-logup");
    ozk_transcript_challenge(t, alpha); /* stands for: commitments absorbed, then alpha */
}

static void prove_m(uint32_t m, size_t iters)
{
    need_columns(m);
    size_t reps = iters >> m ? iters >> m : 1;
    for (size_t r = 0; r < reps; r++) {
        ozk_transcript t;
        ozk_fr alpha;
        alpha_of(&alpha, &t);
        if (ozk_logup_prove(g_proof, NULL, &t, g_w, m, g_mult, TABLE_LOG, &alpha, NULL))
            fprintf(stderr, "bench_logup: prove failed\n");
    }
    bench_sink(g_proof->el, 32);
}

static void verify_m(uint32_t m, size_t iters)
{
    static ozk_logup_claims honest;
    static uint32_t made;
    if (made != m) { /* an honest proof, untimed */
        need_columns(m);
        ozk_transcript t;
        ozk_fr alpha;
        alpha_of(&alpha, &t);
        if (ozk_logup_prove(g_proof, &honest, &t, g_w, m, g_mult, TABLE_LOG, &alpha, NULL))
            fprintf(stderr, "bench_logup: prove failed\n");
        made = m;
    }
    int ok = 0;
    for (size_t i = 0; i < iters; i++) {
        ozk_transcript t;
        ozk_fr alpha;
        ozk_logup_claims c;
        alpha_of(&alpha, &t);
        ok += ozk_logup_verify(&c, &t, m, TABLE_LOG, &alpha, NULL, g_proof) &&
              ozk_logup_check_claims(&c, &honest.w_value, &honest.mult_value);
    }
    if (ok != (int)iters) fprintf(stderr, "bench_logup: verification failed\n");
    bench_sink(&ok, sizeof ok);
}

static void b_prove_16(size_t iters)
{
    prove_m(16, iters);
}
static void b_prove_20(size_t iters)
{
    prove_m(20, iters);
}
static void b_verify_16(size_t iters)
{
    verify_m(16, iters);
}
static void b_verify_20(size_t iters)
{
    verify_m(20, iters);
}

const struct bench bench_logup[] = {
    { "logup_prove_2^16_t16", "LogUp-GKR prove, 2^16 lookups into 2^16, per lookup", b_prove_16,
      (size_t)1 << 17, 0 },
    { "logup_verify_2^16_t16", "LogUp-GKR verify, 2^16 lookups into 2^16, whole proof", b_verify_16,
      200, 0 },
    { "logup_prove_2^20_t16", "LogUp-GKR prove, 2^20 lookups into 2^16, per lookup", b_prove_20,
      (size_t)1 << 20, 0 },
    { "logup_verify_2^20_t16", "LogUp-GKR verify, 2^20 lookups into 2^16, whole proof", b_verify_20,
      200, 0 },
};
const size_t bench_logup_count = sizeof bench_logup / sizeof bench_logup[0];
