/*
 * bench/loadgen.c: `ozk-loadgen`, a load generator for the node's JSON-RPC API.
 *
 *   ozk-loadgen --url http://127.0.0.1:PORT/ [--token FILE] [--requests N] [--concurrency C]
 *               [--input-bytes B] [--seed S] [--ids FILE]
 *
 * C threads, each with one keep-alive connection (libcurl), send N ozk_infer calls in all with
 * pseudo-random canonical inputs of B bytes (the model's input size; 64 for the digits MLP),
 * each waiting for its answer (a record the node made durable) before the next. Prints the
 * throughput and the latency percentiles; a call that fails (transport, HTTP status, JSON-RPC
 * error) is counted and reported, and makes the exit status 1. --ids writes the request ids
 * of the answers, one per line (scripts/bench-node follows them to their commits).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

typedef struct {
    const char *url, *token;
    unsigned requests, input_bytes;
    uint64_t seed;
    double *lat; /* seconds, one per request of this thread */
    unsigned done, failed;
    char **ids;
} worker;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t next(uint64_t *s)
{
    /* splitmix64: inputs need only be distinct, not good randomness */
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

typedef struct {
    char *buf;
    size_t len;
} sink;

static size_t on_data(char *p, size_t sz, size_t n, void *ud)
{
    sink *s = ud;
    char *nb = realloc(s->buf, s->len + sz * n + 1);
    if (!nb) return 0;
    memcpy(nb + s->len, p, sz * n);
    s->len += sz * n;
    nb[s->len] = 0;
    s->buf = nb;
    return sz * n;
}

static void *run(void *arg)
{
    worker *w = arg;
    CURL *c = curl_easy_init();
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    char auth[600];
    if (w->token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", w->token);
        h = curl_slist_append(h, auth);
    }
    size_t cap = 256 + 2 * (size_t)w->input_bytes;
    char *body = malloc(cap);
    for (unsigned i = 0; c && body && i < w->requests; i++) {
        int n = snprintf(body, cap,
                         "{\"jsonrpc\":\"2.0\",\"id\":%u,\"method\":\"ozk_infer\",\"params\":"
                         "{\"input_q\":\"0x",
                         i);
        for (unsigned k = 0; k < w->input_bytes; k++)
            n += snprintf(body + n, cap - (size_t)n, "%02x", (unsigned)(next(&w->seed) & 0xff));
        snprintf(body + n, cap - (size_t)n, "\"}}");
        sink s = { NULL, 0 };
        curl_easy_setopt(c, CURLOPT_URL, w->url);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
        curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
        double t0 = now();
        CURLcode rc = curl_easy_perform(c);
        double t1 = now();
        long st = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
        const char *id = s.buf ? strstr(s.buf, "\"request_id\":\"") : NULL;
        if (rc != CURLE_OK || st != 200 || !id || strstr(s.buf, "\"error\"")) {
            w->failed++;
            if (w->failed <= 3)
                fprintf(stderr, "ozk-loadgen: call failed: %s (HTTP %ld) %.200s\n",
                        rc != CURLE_OK ? curl_easy_strerror(rc) : "reply", st, s.buf ? s.buf : "");
        } else {
            w->lat[w->done] = t1 - t0;
            if (w->ids) w->ids[w->done] = strndup(id + 14, 66);
            w->done++;
        }
        free(s.buf);
    }
    free(body);
    curl_slist_free_all(h);
    if (c) curl_easy_cleanup(c);
    return NULL;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: ozk-loadgen --url URL [--token FILE] [--requests N] [--concurrency C]\n"
               "                   [--input-bytes B] [--seed S] [--ids FILE]\n");
}

int main(int argc, char **argv)
{
    const char *url = NULL, *token_file = NULL, *ids_file = NULL;
    unsigned requests = 1000, conc = 4, input_bytes = 64;
    uint64_t seed = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--url") && i + 1 < argc)
            url = argv[++i];
        else if (!strcmp(argv[i], "--token") && i + 1 < argc)
            token_file = argv[++i];
        else if (!strcmp(argv[i], "--ids") && i + 1 < argc)
            ids_file = argv[++i];
        else if (!strcmp(argv[i], "--requests") && i + 1 < argc)
            requests = (unsigned)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--concurrency") && i + 1 < argc)
            conc = (unsigned)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--input-bytes") && i + 1 < argc)
            input_bytes = (unsigned)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (!url || !requests || !conc || conc > 256 || !input_bytes) {
        usage(stderr);
        return 2;
    }
    char token[512] = "";
    if (token_file) {
        FILE *f = fopen(token_file, "r");
        if (!f || !fgets(token, sizeof token, f)) {
            fprintf(stderr, "ozk-loadgen: cannot read %s\n", token_file);
            return 2;
        }
        fclose(f);
        token[strcspn(token, "\r\n")] = 0;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    worker *ws = calloc(conc, sizeof *ws);
    pthread_t *th = calloc(conc, sizeof *th);
    double *lat = calloc(requests, sizeof *lat);
    char **ids = ids_file ? calloc(requests, sizeof *ids) : NULL;
    if (!ws || !th || !lat || (ids_file && !ids)) return 2;
    unsigned given = 0;
    for (unsigned t = 0; t < conc; t++) {
        ws[t].url = url;
        ws[t].token = token[0] ? token : NULL;
        ws[t].requests = requests / conc + (t < requests % conc);
        ws[t].input_bytes = input_bytes;
        ws[t].seed = seed * 1000003u + t;
        ws[t].lat = lat + given;
        ws[t].ids = ids ? ids + given : NULL;
        given += ws[t].requests;
    }
    double t0 = now();
    for (unsigned t = 0; t < conc; t++) pthread_create(&th[t], NULL, run, &ws[t]);
    for (unsigned t = 0; t < conc; t++) pthread_join(th[t], NULL);
    double wall = now() - t0;
    unsigned done = 0, failed = 0;
    double *all = malloc(requests * sizeof *all);
    FILE *idf = ids_file ? fopen(ids_file, "w") : NULL;
    for (unsigned t = 0; t < conc; t++) {
        memcpy(all + done, ws[t].lat, ws[t].done * sizeof *all);
        for (unsigned k = 0; ids && k < ws[t].done; k++) {
            if (idf) fprintf(idf, "%s\n", ws[t].ids[k]);
            free(ws[t].ids[k]);
        }
        done += ws[t].done;
        failed += ws[t].failed;
    }
    if (idf) fclose(idf);
    qsort(all, done, sizeof *all, cmp);
    double p50 = done ? all[done / 2] : 0, p99 = done ? all[(size_t)(done * 0.99)] : 0;
    double mx = done ? all[done - 1] : 0;
    printf("requests %u ok, %u failed, concurrency %u, %.2f s: %.0f requests/s; latency p50 %.2f "
           "ms, p99 %.2f ms, max %.2f ms\n",
           done, failed, conc, wall, done / wall, 1e3 * p50, 1e3 * p99, 1e3 * mx);
    free(all), free(ids), free(lat), free(th), free(ws);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
