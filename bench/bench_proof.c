/*
 * bench/bench_proof.c: end-to-end proving and verification of quantized inference
 * (include/ozk/proof.h), on real .ozkm files and an SRS.
 *
 *   ozk-bench --proof MODEL.ozkm [--proof MODEL2.ozkm ...] [--srs SRS ...] [--threads 1,2]
 *             [--runs R] [--prove-runs P] [--markdown]
 *
 * (OZK_BENCH_PROOF_MODELS, colon-separated, and OZK_BENCH_SRS, colon-separated, work as well.)
 * For each model: loads it, derives the SRS size its proofs need (2^nvars) and takes the
 * smallest --srs file that is at least that large; with none, makes a dev SRS of exactly that
 * size in memory (ozk_srs_dev, seed 0; at 2^22 that takes about 16 s, so cache one with
 * `ozk setup --dev --max-vars N -o FILE` and pass it). Then
 *
 *   vk      ozk_vk_build with every core, timed once;
 *   prove   for each thread count, P proofs (default 1), each in its own child process (fork):
 *           the child proves a fixed pseudo-random input and reports ozk_prove_stats, the proof
 *           and its own peak resident set (getrusage ru_maxrss, read after the proof; the child
 *           inherits the model, the SRS and the vk, which a proving process holds anyway, so the
 *           figure is the peak of a process that proves: SRS + model + vk + the prover's
 *           working memory; "base" is the child's resident set before it starts proving). With
 *           P > 1 the run with the median total is reported;
 *   verify  ozk_verify of that proof, median of R runs (default 11) after a warm-up, in the
 *           parent; a proof that does not verify is reported as an error.
 *
 * Results go to stdout: one line per (model, threads), or a Markdown table (--markdown).
 * Benchmarks measure, they never assert on time.
 *
 * The harness table below also has two small entries (prove_digits_shape,
 * verify_digits_shape) on a 64-128-64-10 MLP with random weights built in memory and a dev SRS
 * made in memory, so `ozk-bench` without files covers the proof system too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../verifier/proof_internal.h"
#include "benches.h"
#include "ozk/error.h"
#include "ozk/model.h"
#include "ozk/proof.h"
#include "ozk/srs.h"
#include "ozk/version.h"

#define MAX_FILES   16
#define MAX_THREADS 8
#define MAX_RUNS    101

static int read_file(const char *path, uint8_t **out, size_t *len)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "ozk-bench: %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (fseek(f, 0, SEEK_END) != 0) goto bad;
    long n = ftell(f);
    if (n < 0 || fseek(f, 0, SEEK_SET) != 0) goto bad;
    *out = malloc((size_t)n + 1);
    if (!*out || fread(*out, 1, (size_t)n, f) != (size_t)n) goto bad;
    fclose(f);
    *len = (size_t)n;
    return 0;
bad:
    fprintf(stderr, "ozk-bench: %s: cannot read it\n", path);
    free(*out);
    *out = NULL;
    fclose(f);
    return -1;
}

/* Resident set now, in KiB (from /proc/self/statm), 0 if unknown. */
static long rss_now_kib(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long size, res = 0;
    if (!f) return 0;
    if (fscanf(f, "%ld %ld", &size, &res) != 2) res = 0;
    fclose(f);
    return res * (sysconf(_SC_PAGESIZE) / 1024);
}

/* User + system CPU seconds of this process so far. */
static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

static long maxrss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss; /* KiB on Linux */
}

/* SRS header only: its log_size, without decoding the points. 0 if not an SRS file. */
static uint32_t srs_file_log_size(const char *path)
{
    uint8_t h[16];
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    size_t got = fread(h, 1, sizeof h, f);
    fclose(f);
    if (got != sizeof h || memcmp(h, "OZKSRS\0\1", 8) != 0) return 0;
    return (uint32_t)h[12] << 24 | (uint32_t)h[13] << 16 | (uint32_t)h[14] << 8 | h[15];
}

static int load_srs(ozk_srs *srs, const char *path)
{
    uint8_t *buf;
    size_t len;
    char err[256];
    memset(srs, 0, sizeof *srs);
    if (read_file(path, &buf, &len)) return -1;
    int rc = ozk_srs_decode(srs, buf, len, err, sizeof err);
    free(buf);
    if (rc) {
        fprintf(stderr, "ozk-bench: %s: not a valid SRS: %s\n", path, err);
        return -1;
    }
    return 0;
}

/* What a child sends back through the pipe: this header, then the proof bytes, then y. */
typedef struct {
    int rc;
    ozk_prove_stats st;
    long base_kib, peak_kib, parent_peak_kib;
    double cpu; /* user + system seconds the proof took, all threads */
    size_t proof_len, ylen;
    char err[200];
} child_report;

static int write_all(int fd, const void *p, size_t n)
{
    const uint8_t *b = p;
    while (n) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        b += w, n -= (size_t)w;
    }
    return 0;
}

static int read_all(int fd, void *p, size_t n)
{
    uint8_t *b = p;
    while (n) {
        ssize_t r = read(fd, b, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        b += r, n -= (size_t)r;
    }
    return 0;
}

/* One proof in a child process. On success *proof (malloc) and y (ylen bytes) are filled. */
static int prove_in_child(child_report *rep, uint8_t **proof, uint8_t *y, const ozk_model *m,
                          const ozk_vk *vk, const ozk_pk *pk, const ozk_srs *srs, const uint8_t *x,
                          size_t xlen, unsigned threads)
{
    int fds[2];
    *proof = NULL;
    if (pipe(fds)) return -1;
    long parent_peak = maxrss_kib();
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]), close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        child_report r;
        memset(&r, 0, sizeof r);
        r.parent_peak_kib = parent_peak;
        r.base_kib = rss_now_kib();
        uint8_t *pf = NULL;
        size_t plen = 0;
        r.ylen = ozk_vk_output_bytes(vk);
        uint8_t *yy = malloc(r.ylen ? r.ylen : 1);
        ozk_prove_opts o = { .threads = threads, .stats = &r.st, .pk = pk };
        double c0 = cpu_s();
        r.rc = yy ? ozk_prove(&pf, &plen, yy, m, vk, srs, x, xlen, &o, r.err, sizeof r.err)
                  : OZK_ENOMEM;
        r.cpu = cpu_s() - c0;
        r.peak_kib = maxrss_kib();
        r.proof_len = r.rc ? 0 : plen;
        int bad = write_all(fds[1], &r, sizeof r) || (r.rc == 0 && write_all(fds[1], pf, plen)) ||
                  (r.rc == 0 && write_all(fds[1], yy, r.ylen));
        close(fds[1]);
        _exit(bad ? 3 : 0);
    }
    close(fds[1]);
    int ok = read_all(fds[0], rep, sizeof *rep) == 0;
    if (ok && rep->rc == 0) {
        *proof = malloc(rep->proof_len ? rep->proof_len : 1);
        ok = *proof && read_all(fds[0], *proof, rep->proof_len) == 0 &&
             rep->ylen == ozk_vk_output_bytes(vk) && read_all(fds[0], y, rep->ylen) == 0;
    }
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (!ok || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        free(*proof);
        *proof = NULL;
        if (ok && rep->rc) return 0; /* the prover's own error, reported by the caller */
        fprintf(stderr, "ozk-bench: the proving child failed (status %d)\n", status);
        return -1;
    }
    return 0;
}

static const char *fmt_s(char *out, size_t cap, double s)
{
    if (s < 1.0)
        snprintf(out, cap, "%.1f ms", s * 1e3);
    else
        snprintf(out, cap, "%.2f s", s);
    return out;
}

static const char *fmt_count(char *out, size_t cap, uint64_t v)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v), k = 0;
    for (int i = 0; i < n && (size_t)k + 2 < cap; i++) {
        if (i && (n - i) % 3 == 0) out[k++] = ',';
        out[k++] = tmp[i];
    }
    out[k] = '\0';
    return out;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static int bench_one(const char *path, const char **srs_paths, size_t nsrs, const unsigned *thr,
                     size_t nthr, size_t runs, size_t prove_runs, int markdown)
{
    uint8_t *buf;
    size_t len;
    char err[512];
    int ret = -1;
    ozk_model *m = NULL;
    ozk_vk *vk = NULL;
    ozk_pk *pk = NULL;
    ozk_srs srs;
    memset(&srs, 0, sizeof srs);
    uint8_t *x = NULL, *y = NULL, *proof = NULL;
    if (read_file(path, &buf, &len)) return -1;
    int rc = ozk_model_decode(&m, buf, len, err, sizeof err);
    free(buf);
    if (rc) {
        fprintf(stderr, "ozk-bench: %s: %s\n", path, err);
        return -1;
    }
    ozk__plan plan;
    if (ozk__plan_from_model(&plan, m, err, sizeof err)) {
        fprintf(stderr, "ozk-bench: %s: the proof system does not cover it: %s\n", path, err);
        goto out;
    }
    uint32_t need = plan.nvars;
    ozk__plan_free(&plan);

    const char *srs_path = NULL;
    uint32_t best = 0;
    for (size_t i = 0; i < nsrs; i++) {
        uint32_t ls = srs_file_log_size(srs_paths[i]);
        if (ls >= need && (!srs_path || ls < best)) srs_path = srs_paths[i], best = ls;
    }
    double t0 = bench_now(), t_srs;
    if (srs_path) {
        if (load_srs(&srs, srs_path)) goto out;
    } else if (ozk_srs_dev(&srs, need, 0)) {
        fprintf(stderr, "ozk-bench: cannot make a dev SRS of 2^%u\n", need);
        goto out;
    }
    t_srs = bench_now() - t0;

    t0 = bench_now();
    if (ozk_vk_build(&vk, m, &srs, 0, err, sizeof err)) {
        fprintf(stderr, "ozk-bench: %s: ozk_vk_build: %s\n", path, err);
        goto out;
    }
    double t_vk = bench_now() - t0;
    t0 = bench_now();
    if (ozk_pk_build(&pk, m, vk, &srs, 0, err, sizeof err)) {
        fprintf(stderr, "ozk-bench: %s: ozk_pk_build: %s\n", path, err);
        goto out;
    }
    double t_pk = bench_now() - t0;
    uint64_t params = ozk_model_param_count(m);
    size_t xlen = ozk_vk_input_bytes(vk), ylen = ozk_vk_output_bytes(vk);
    x = malloc(xlen ? xlen : 1);
    y = malloc(ylen ? ylen : 1);
    if (!x || !y) goto out;
    uint64_t s = 0x9e3779b97f4a7c15ULL;
    for (size_t i = 0; i < xlen; i++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        x[i] = (uint8_t)s;
    }
    char c1[32], c4[32], c5[32], c6[32];
    printf("%s %s: %s params, proofs over 2^%u (vk: %s), SRS %s 2^%u (%s, loaded in %s); vk build "
           "%s, proving key (once per model, kept) %s\n",
           markdown ? "<!--" : "#", base_name(path), fmt_count(c1, sizeof c1, params), need,
           ozk_vk_srs_log_size(vk) == need ? "agrees" : "DISAGREES",
           srs_path ? base_name(srs_path) : "dev, in memory", srs.log_size,
           srs.insecure ? "insecure" : "ceremony", fmt_s(c4, sizeof c4, t_srs),
           fmt_s(c5, sizeof c5, t_vk), fmt_s(c6, sizeof c6, t_pk));
    if (markdown) printf("-->\n");
    fflush(stdout);

    for (size_t ti = 0; ti < nthr; ti++) {
        child_report reps[MAX_RUNS];
        double tot[MAX_RUNS];
        uint8_t *keep = NULL;
        size_t keep_i = 0;
        for (size_t r = 0; r < prove_runs; r++) {
            uint8_t *pf;
            if (prove_in_child(&reps[r], &pf, y, m, vk, pk, &srs, x, xlen, thr[ti])) goto out;
            if (reps[r].rc) {
                fprintf(stderr, "ozk-bench: %s: ozk_prove: %s\n", path, reps[r].err);
                goto out;
            }
            tot[r] = reps[r].st.total;
            free(keep);
            keep = pf;
            keep_i = r;
        }
        /* the run with the median total (the last proof is the one verified; every proof of
         * the same statement has the same size and verifies the same way) */
        double sorted[MAX_RUNS];
        memcpy(sorted, tot, prove_runs * sizeof *tot);
        qsort(sorted, prove_runs, sizeof *sorted, bench_cmp_double);
        size_t med = keep_i;
        for (size_t r = 0; r < prove_runs; r++)
            if (tot[r] == sorted[prove_runs / 2]) med = r;
        const child_report *rp = &reps[med];
        proof = keep;

        double vt[MAX_RUNS];
        int v = ozk_verify(vk, x, xlen, y, ylen, proof, rp->proof_len, err, sizeof err);
        if (v != 1) {
            fprintf(stderr, "ozk-bench: %s: the proof does not verify (%d): %s\n", path, v, err);
            goto out;
        }
        for (size_t r = 0; r < runs; r++) {
            double a = bench_now();
            v = ozk_verify(vk, x, xlen, y, ylen, proof, rp->proof_len, err, sizeof err);
            vt[r] = bench_now() - a;
            if (v != 1) goto out;
        }
        qsort(vt, runs, sizeof *vt, bench_cmp_double);
        double ver = vt[runs / 2];
        free(proof);
        proof = NULL;

        const ozk_prove_stats *st = &rp->st;
        char a[7][32], c2[32], c3[32];
        double pps = (double)params / st->total;
        if (markdown) {
            printf(
                "| %s | %s | %u | **%s** | %.1f s | %s | %s | %s | %s | %s | %s | %s/s | %.2f ms | "
                "%s | %.0f MiB (base %.0f) |\n",
                base_name(path), fmt_count(c2, sizeof c2, params), thr[ti],
                fmt_s(a[0], 32, st->total), rp->cpu, fmt_s(a[1], 32, st->infer),
                fmt_s(a[2], 32, st->commit), fmt_s(a[3], 32, st->layers),
                fmt_s(a[4], 32, st->logup), fmt_s(a[5], 32, st->batch), fmt_s(a[6], 32, st->open),
                fmt_count(c3, sizeof c3, (uint64_t)pps), ver * 1e3,
                fmt_count(c1, sizeof c1, rp->proof_len), (double)rp->peak_kib / 1024.0,
                (double)rp->base_kib / 1024.0);
        } else {
            printf("%-16s threads %u: prove %s (CPU %.2f s; witness %s, commit %s, layers %s, "
                   "logup %s, "
                   "batch %s, open %s), %s params/s; verify %.2f ms (median of %zu); proof %s "
                   "B; nvars %u, %u P_W polys, %s lookups, table 2^%u; peak RSS %.0f MiB "
                   "(base %.0f MiB before proving; parent peak %.0f MiB)\n",
                   base_name(path), thr[ti], fmt_s(a[0], 32, st->total), rp->cpu,
                   fmt_s(a[1], 32, st->infer), fmt_s(a[2], 32, st->commit),
                   fmt_s(a[3], 32, st->layers), fmt_s(a[4], 32, st->logup),
                   fmt_s(a[5], 32, st->batch), fmt_s(a[6], 32, st->open),
                   fmt_count(c3, sizeof c3, (uint64_t)pps), ver * 1e3, runs,
                   fmt_count(c1, sizeof c1, rp->proof_len), st->nvars, st->nwpolys,
                   fmt_count(c2, sizeof c2, st->lookups), st->table_bits,
                   (double)rp->peak_kib / 1024.0, (double)rp->base_kib / 1024.0,
                   (double)rp->parent_peak_kib / 1024.0);
        }
        fflush(stdout);
    }
    ret = 0;
out:
    free(proof);
    free(x);
    free(y);
    ozk_pk_free(pk);
    ozk_vk_free(vk);
    ozk_srs_free(&srs);
    ozk_model_free(m);
    return ret;
}

static size_t split_env(const char *name, const char **out, size_t n, size_t cap)
{
    const char *v = getenv(name);
    if (!v || !*v) return n;
    char *copy = strdup(v); /* kept for the life of the process */
    if (!copy) return n;
    for (char *tok = strtok(copy, ":"); tok && n < cap; tok = strtok(NULL, ":")) out[n++] = tok;
    return n;
}

int bench_proof_main(int argc, char **argv)
{
    const char *models[MAX_FILES], *srs[MAX_FILES];
    size_t nm = 0, ns = 0, runs = 11, prove_runs = 1, nthr = 2;
    unsigned thr[MAX_THREADS] = { 1, 2 };
    int markdown = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 < argc && !strcmp(a, "--proof")) {
            if (nm < MAX_FILES) models[nm++] = argv[++i];
        } else if (i + 1 < argc && !strcmp(a, "--srs")) {
            if (ns < MAX_FILES) srs[ns++] = argv[++i];
        } else if (i + 1 < argc && !strcmp(a, "--threads")) {
            nthr = 0;
            char *p = argv[++i], *end;
            while (*p && nthr < MAX_THREADS) {
                unsigned long v = strtoul(p, &end, 10);
                if (end == p || v > 4096) {
                    fprintf(stderr, "ozk-bench: --threads takes a list like 1,2\n");
                    return 2;
                }
                thr[nthr++] = (unsigned)v;
                p = *end == ',' ? end + 1 : end;
                if (*end && *end != ',') {
                    fprintf(stderr, "ozk-bench: --threads takes a list like 1,2\n");
                    return 2;
                }
            }
        } else if (i + 1 < argc && (!strcmp(a, "--runs") || !strcmp(a, "--prove-runs"))) {
            unsigned long v = strtoul(argv[++i], NULL, 10);
            if (v == 0) v = 1;
            if (v > MAX_RUNS) v = MAX_RUNS;
            *(!strcmp(a, "--runs") ? &runs : &prove_runs) = v;
        } else if (!strcmp(a, "--markdown")) {
            markdown = 1;
        } else {
            fprintf(stderr, "usage: ozk-bench --proof MODEL.ozkm [--proof ...] [--srs SRS ...] "
                            "[--threads 1,2] [--runs R] [--prove-runs P] [--markdown]\n");
            return 2;
        }
    }
    nm = split_env("OZK_BENCH_PROOF_MODELS", models, nm, MAX_FILES);
    ns = split_env("OZK_BENCH_SRS", srs, ns, MAX_FILES);
    if (nm == 0 || nthr == 0) {
        fprintf(stderr, "ozk-bench: --proof needs a model and at least one thread count\n");
        return 2;
    }
    time_t t = time(NULL);
    char date[32];
    strftime(date, sizeof date, "%Y-%m-%d", gmtime(&t));
    printf("%s %s, %ld cores, %s; verify: median of %zu; prove: %zu run(s) per line, each in "
           "its own process\n",
           markdown ? "<!--" : "#", ozk_build_info(), sysconf(_SC_NPROCESSORS_ONLN), date, runs,
           prove_runs);
    if (markdown)
        printf(
            "-->\n| model | params | threads | prove | CPU | witness | commit | layers | logup | "
            "batch | open | params/s | verify | proof B | peak RSS |\n"
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    int rc = 0;
    for (size_t i = 0; i < nm; i++)
        if (bench_one(models[i], srs, ns, thr, nthr, runs, prove_runs, markdown)) rc = 1;
    return rc;
}

/* ---- harness entries: a digits-shaped MLP built in memory, dev SRS in memory --------------- */

static struct {
    ozk_model *m;
    ozk_srs srs;
    ozk_vk *vk;
    uint8_t x[64], *y, *proof;
    size_t proof_len, ylen;
} g_dig;

static void digits_setup(void)
{
    if (g_dig.vk) return;
    static const uint32_t w[] = { 64, 128, 64, 10 };
    char err[256];
    g_dig.m = bench_model_build(w, 4, 0);
    uint8_t *enc;
    size_t len;
    if (ozk_model_encode(&enc, &len, g_dig.m, err, sizeof err)) abort(); /* sets m->hash */
    free(enc);
    ozk__plan plan;
    if (ozk__plan_from_model(&plan, g_dig.m, err, sizeof err)) abort();
    uint32_t need = plan.nvars;
    ozk__plan_free(&plan);
    if (ozk_srs_dev(&g_dig.srs, need, 0)) abort();
    if (ozk_vk_build(&g_dig.vk, g_dig.m, &g_dig.srs, 1, err, sizeof err)) {
        fprintf(stderr, "bench_proof: %s\n", err);
        abort();
    }
    for (int i = 0; i < 64; i++) g_dig.x[i] = (uint8_t)(i * 37 + 11);
    g_dig.ylen = ozk_vk_output_bytes(g_dig.vk);
    if (!(g_dig.y = malloc(g_dig.ylen))) abort();
    ozk_prove_opts o = { .threads = 1 };
    if (ozk_prove(&g_dig.proof, &g_dig.proof_len, g_dig.y, g_dig.m, g_dig.vk, &g_dig.srs, g_dig.x,
                  64, &o, err, sizeof err))
        abort();
}

static void b_prove_digits(size_t iters)
{
    digits_setup();
    char err[256];
    ozk_prove_opts o = { .threads = 1 };
    for (size_t i = 0; i < iters; i++) {
        uint8_t *pf;
        size_t len;
        if (ozk_prove(&pf, &len, g_dig.y, g_dig.m, g_dig.vk, &g_dig.srs, g_dig.x, 64, &o, err,
                      sizeof err))
            abort();
        bench_sink(pf, 32);
        free(pf);
    }
}

static void b_verify_digits(size_t iters)
{
    digits_setup();
    char err[256];
    for (size_t i = 0; i < iters; i++)
        if (ozk_verify(g_dig.vk, g_dig.x, 64, g_dig.y, g_dig.ylen, g_dig.proof, g_dig.proof_len,
                       err, sizeof err) != 1)
            abort();
}

const struct bench bench_proof[] = {
    { "prove_digits_shape", "one proof, 64-128-64-10 random weights, dev SRS, 1 thread",
      b_prove_digits, 10, 0 },
    { "verify_digits_shape", "verify that proof", b_verify_digits, 20, 0 },
};
const size_t bench_proof_count = sizeof bench_proof / sizeof bench_proof[0];
