/* bench/harness.c: runs, times and reports benchmarks (see harness.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "ozk/field.h"
#include "ozk/version.h"

static volatile uint8_t g_sink;

void bench_sink(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint8_t x = 0;
    for (size_t i = 0; i < n; i++) x ^= b[i];
    g_sink ^= x;
}

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void cpu_model(char *out, size_t cap)
{
    snprintf(out, cap, "unknown CPU");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return;
    char line[256];
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "model name", 10)) {
            char *v = strchr(line, ':');
            if (v) {
                v += 2;
                v[strcspn(v, "\n")] = '\0';
                snprintf(out, cap, "%s", v);
            }
            break;
        }
    }
    fclose(f);
}

static void usage(FILE *out)
{
    fprintf(out, "usage: ozk-bench [--filter SUBSTR] [--iters N] [--runs R] [--list] [--markdown]\n"
                 "                 [--kernel c-cios|x86-64-mulx-adx]\n\n"
                 "Runs ozk's micro-benchmarks and prints the median of R timed runs (default 7,\n"
                 "after one warm-up run) of N operations each (default: per benchmark).\n"
                 "  --filter SUBSTR   only benchmarks whose name contains SUBSTR (repeatable)\n"
                 "  --list            list the benchmarks and exit\n"
                 "  --markdown        print a table for docs/benchmarks.md\n"
                 "  --kernel NAME     the field kernel (default: the fastest this CPU has)\n");
}

int bench_main(int argc, char **argv, const struct bench *table, size_t n)
{
    const char *filters[16];
    size_t nfilters = 0, iters_override = 0, runs = 7;
    int list = 0, markdown = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--list")) {
            list = 1;
        } else if (!strcmp(a, "--markdown")) {
            markdown = 1;
        } else if (i + 1 < argc && !strcmp(a, "--filter")) {
            if (nfilters == sizeof filters / sizeof filters[0]) {
                fprintf(stderr, "ozk-bench: at most 16 --filter options\n");
                return 2;
            }
            filters[nfilters++] = argv[++i];
        } else if (i + 1 < argc && (!strcmp(a, "--iters") || !strcmp(a, "--runs"))) {
            char *end;
            unsigned long long v = strtoull(argv[++i], &end, 10);
            if (*end || v == 0) {
                fprintf(stderr, "ozk-bench: %s needs a positive integer, got '%s'\n", a, argv[i]);
                return 2;
            }
            if (!strcmp(a, "--iters"))
                iters_override = (size_t)v;
            else
                runs = (size_t)v > 101 ? 101 : (size_t)v;
        } else {
            fprintf(stderr, "ozk-bench: unknown or incomplete option '%s'\n", a);
            usage(stderr);
            return 2;
        }
    }

    char cpu[128];
    cpu_model(cpu, sizeof cpu);
    if (!list) {
        time_t t = time(NULL);
        char date[32];
        strftime(date, sizeof date, "%Y-%m-%d", gmtime(&t));
        printf("%s %s on %s (%ld cores), %s; field kernel %s\n", markdown ? "<!--" : "#",
               ozk_build_info(), cpu, sysconf(_SC_NPROCESSORS_ONLN), date, ozk_field_kernel());
        if (markdown)
            printf("-->\n| benchmark | median | unit | what one op is |\n|---|---:|---|---|\n");
    }
    size_t matched = 0;
    for (size_t b = 0; b < n; b++) {
        int match = nfilters == 0;
        for (size_t f = 0; f < nfilters; f++) match |= strstr(table[b].name, filters[f]) != NULL;
        if (!match) continue;
        matched++;
        if (list) {
            printf("%-28s %s\n", table[b].name, table[b].what);
            continue;
        }
        size_t iters = iters_override ? iters_override : table[b].iters;
        double t[101];
        table[b].run(iters < 10 ? iters : iters / 10); /* warm-up */
        for (size_t r = 0; r < runs; r++) {
            double t0 = bench_now();
            table[b].run(iters);
            t[r] = bench_now() - t0;
        }
        qsort(t, runs, sizeof t[0], bench_cmp_double);
        double med = t[runs / 2], ns = med * 1e9 / (double)iters;
        if (table[b].bytes_per_op) {
            double mbs = (double)table[b].bytes_per_op * (double)iters / med / 1e6;
            if (markdown)
                printf("| %s | %.1f | MB/s (%.1f ns/op) | %s |\n", table[b].name, mbs, ns,
                       table[b].what);
            else
                printf("%-28s %10.1f MB/s  %10.1f ns/op   %s\n", table[b].name, mbs, ns,
                       table[b].what);
        } else {
            if (markdown)
                printf("| %s | %.1f | ns/op | %s |\n", table[b].name, ns, table[b].what);
            else
                printf("%-28s %10.1f ns/op                   %s\n", table[b].name, ns,
                       table[b].what);
        }
        fflush(stdout);
    }
    if (matched == 0) {
        fprintf(stderr, "ozk-bench: no benchmark matches the filter; --list shows them\n");
        return 1;
    }
    return 0;
}
