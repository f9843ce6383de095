/* bench/bench_main.c: `ozk-bench`, every benchmark of ozk in one program. */
#include <stdlib.h>
#include <string.h>

#include "benches.h"

int main(int argc, char **argv)
{
    const struct {
        const struct bench *t;
        size_t n;
    } parts[] = { { bench_field, bench_field_count }, { bench_keccak, bench_keccak_count } };
    size_t total = 0;
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) total += parts[i].n;
    struct bench *all = calloc(total, sizeof *all);
    if (!all) return 1;
    size_t k = 0;
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        memcpy(all + k, parts[i].t, parts[i].n * sizeof *all);
        k += parts[i].n;
    }
    int rc = bench_main(argc, argv, all, total);
    free(all);
    return rc;
}
