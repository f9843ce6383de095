/*
 * bench/harness.h: the small harness every ozk benchmark uses.
 *
 * A benchmark is a function that performs `iters` operations. The harness runs it `runs` times
 * (after one warm-up run), times each run with CLOCK_MONOTONIC, and reports the median: in
 * ns/op, or in MB/s when the benchmark declares how many bytes one operation processes.
 * Benchmarks are measurements, never assertions: nothing here fails on a slow machine.
 */
#ifndef OZK_BENCH_HARNESS_H
#define OZK_BENCH_HARNESS_H

#include <stddef.h>
#include <stdint.h>

struct bench {
    const char *name; /* e.g. "fr_mul"; --filter matches substrings of it */
    const char *what; /* one line: what one operation is */
    void (*run)(size_t iters);
    size_t iters;        /* default operations per run */
    size_t bytes_per_op; /* > 0: report MB/s as well */
};

/* Keeps the compiler from deleting a computation whose result is otherwise unused. */
void bench_sink(const void *p, size_t n);

/* Seconds on CLOCK_MONOTONIC; a qsort comparator of doubles (ascending). */
double bench_now(void);
int bench_cmp_double(const void *a, const void *b);

/* Parses argv (--filter, --iters, --runs, --list, --markdown, --help) and runs the matching
 * benchmarks of the table. Returns the process exit status. */
int bench_main(int argc, char **argv, const struct bench *table, size_t n);

#endif
