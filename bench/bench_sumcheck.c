/*
 * bench/bench_sumcheck.c: the generic sumcheck (ozk/sumcheck.h) at 2^16 and 2^20 entries.
 *
 * Shapes: "deg2" is the dense layer, sum_b W(b) x(b) (two tables, degree 2); "deg3" the
 * zero-check with eq, sum_b eq(z, b) a(b) c(b) (three tables, degree 3). One operation of a
 * prove benchmark is one hypercube point b, so ns/op is the prover's time per table row (each
 * row holds one entry of every table); one prove runs per 2^n operations. Tables hold
 * full-size random elements, made once and not timed. Verify: one operation is the round
 * checks plus the final check of one proof. Single-threaded.
 */
#include <stdio.h>
#include <stdlib.h>

#include "benches.h"
#include "ozk/keccak.h"
#include "ozk/mle.h"
#include "ozk/sumcheck.h"

enum { MAX_LOG = 20 };

static ozk_fr *g_tab[3]; /* eq(z, .), a, c: 2^MAX_LOG each */
static uint32_t g_eq_log;

static void need_tables(uint32_t log_n, int eq)
{
    size_t n = (size_t)1 << MAX_LOG;
    if (!g_tab[0]) {
        uint8_t seed[32] = { 11 };
        for (int j = 0; j < 3; j++) {
            g_tab[j] = malloc(n * sizeof(ozk_fr));
            if (!g_tab[j]) {
                fprintf(stderr, "bench_sumcheck: out of memory\n");
                exit(1);
            }
            for (size_t i = 0; i < n; i++) {
                ozk_keccak256(seed, seed, 32);
                ozk_fr_from_bytes_reduce(&g_tab[j][i], seed);
            }
        }
    }
    if (eq && g_eq_log != log_n) { /* table 0 becomes eq(z, .) for this size */
        ozk_fr z[MAX_LOG];
        for (uint32_t i = 0; i < log_n; i++) ozk_fr_from_u64(&z[i], 1000 + i);
        ozk_mle_eq_table(g_tab[0], z, log_n);
        g_eq_log = log_n;
    }
}

/* the dense shape (tables 1, 2) or the eq shape (tables 0, 1, 2) */
static void shape(ozk_sumcheck_term *term, const ozk_fr *const **tabs, size_t *ntables,
                  uint32_t *degree, int eq)
{
    static const ozk_fr *t3[3];
    t3[0] = g_tab[0], t3[1] = g_tab[1], t3[2] = g_tab[2];
    ozk_fr_set_one(&term->coeff);
    term->nfactors = eq ? 3 : 2;
    for (uint32_t m = 0; m < term->nfactors; m++) term->factors[m] = m;
    *tabs = eq ? t3 : t3 + 1;
    *ntables = term->nfactors;
    *degree = term->nfactors;
}

static void prove_n(uint32_t log_n, int eq, size_t iters)
{
    need_tables(log_n, eq);
    ozk_sumcheck_term term;
    const ozk_fr *const *tabs;
    size_t ntables;
    uint32_t d;
    shape(&term, &tabs, &ntables, &d, eq);
    ozk_fr claim;
    ozk_fr_from_u64(&claim, 12345); /* the prover does not check it; the work is the same */
    static ozk_sumcheck_proof proof;
    size_t reps = iters >> log_n ? iters >> log_n : 1;
    for (size_t r = 0; r < reps; r++) {
        ozk_transcript t;
        ozk_transcript_init(&t, "bench");
        if (ozk_sumcheck_prove(&proof, NULL, NULL, &t, tabs, ntables, log_n, &term, 1, d, &claim))
            fprintf(stderr, "bench_sumcheck: prove failed\n");
    }
    bench_sink(&proof, sizeof proof);
}

static void verify_n(uint32_t log_n, int eq, size_t iters)
{
    need_tables(log_n, eq);
    ozk_sumcheck_term term;
    const ozk_fr *const *tabs;
    size_t ntables;
    uint32_t d;
    shape(&term, &tabs, &ntables, &d, eq);
    static ozk_sumcheck_proof proof;
    static ozk_fr claim, finals[3];
    static uint32_t made_log;
    static int made_eq = -1;
    if (made_log != log_n || made_eq != eq) { /* an honest proof, untimed */
        ozk_fr v;
        ozk_fr_set_zero(&claim);
        for (size_t b = 0; b < ((size_t)1 << log_n); b++) {
            ozk_fr_mul(&v, &tabs[0][b], &tabs[1][b]);
            if (eq) ozk_fr_mul(&v, &v, &tabs[2][b]);
            ozk_fr_add(&claim, &claim, &v);
        }
        ozk_transcript t;
        ozk_transcript_init(&t, "bench");
        ozk_sumcheck_prove(&proof, NULL, finals, &t, tabs, ntables, log_n, &term, 1, d, &claim);
        made_log = log_n;
        made_eq = eq;
    }
    int ok = 0;
    for (size_t i = 0; i < iters; i++) {
        ozk_transcript t;
        ozk_sumcheck_final fin;
        ozk_transcript_init(&t, "bench");
        ok += ozk_sumcheck_verify_rounds(&fin, &t, log_n, d, &claim, &proof) &&
              ozk_sumcheck_verify_final(&fin, &term, 1, finals, ntables);
    }
    if (ok != (int)iters) fprintf(stderr, "bench_sumcheck: verification failed\n");
    bench_sink(&ok, sizeof ok);
}

#define SC_BENCH(L)                         \
    static void b_prove2_##L(size_t iters)  \
    {                                       \
        prove_n(L, 0, iters);               \
    }                                       \
    static void b_prove3_##L(size_t iters)  \
    {                                       \
        prove_n(L, 1, iters);               \
    }                                       \
    static void b_verify2_##L(size_t iters) \
    {                                       \
        verify_n(L, 0, iters);              \
    }                                       \
    static void b_verify3_##L(size_t iters) \
    {                                       \
        verify_n(L, 1, iters);              \
    }

SC_BENCH(16)
SC_BENCH(20)

const struct bench bench_sumcheck[] = {
    { "sumcheck_prove_deg2_2^16", "sumcheck prove, W x (2 tables, degree 2), per table row",
      b_prove2_16, (size_t)1 << 18, 0 },
    { "sumcheck_prove_deg3_2^16", "sumcheck prove, eq a c (3 tables, degree 3), per table row",
      b_prove3_16, (size_t)1 << 18, 0 },
    { "sumcheck_verify_deg2_2^16", "sumcheck verify (rounds + final check), 16 rounds, degree 2",
      b_verify2_16, 2000, 0 },
    { "sumcheck_verify_deg3_2^16", "sumcheck verify (rounds + final check), 16 rounds, degree 3",
      b_verify3_16, 2000, 0 },
    { "sumcheck_prove_deg2_2^20", "sumcheck prove, W x (2 tables, degree 2), per table row",
      b_prove2_20, (size_t)1 << 20, 0 },
    { "sumcheck_prove_deg3_2^20", "sumcheck prove, eq a c (3 tables, degree 3), per table row",
      b_prove3_20, (size_t)1 << 20, 0 },
    { "sumcheck_verify_deg2_2^20", "sumcheck verify (rounds + final check), 20 rounds, degree 2",
      b_verify2_20, 2000, 0 },
    { "sumcheck_verify_deg3_2^20", "sumcheck verify (rounds + final check), 20 rounds, degree 3",
      b_verify3_20, 2000, 0 },
};
const size_t bench_sumcheck_count = sizeof bench_sumcheck / sizeof bench_sumcheck[0];
