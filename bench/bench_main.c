/* bench/bench_main.c: `ozk-bench`, every benchmark of ozk in one program. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benches.h"
#include "ozk/field.h"

int main(int argc, char **argv)
{
    /* --proof MODEL.ozkm or --srs SRS: the end-to-end proof benchmark (bench_proof.c), which has
     * its own options */
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--proof") || !strcmp(argv[i], "--srs"))
            return bench_proof_main(argc, argv);
    /* --kernel NAME picks the field kernel (see ozk_field_set_kernel); the rest goes to the
     * harness */
    for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], "--kernel") != 0) continue;
        if (ozk_field_set_kernel(argv[i + 1]) != 0) {
            fprintf(stderr,
                    "ozk-bench: field kernel '%s' is not available here "
                    "(x86-64-mulx-adx needs BMI2 and ADX; c-cios always works)\n",
                    argv[i + 1]);
            return 2;
        }
        memmove(argv + i, argv + i + 2, (size_t)(argc - i - 1) * sizeof *argv);
        argc -= 2;
        break;
    }
    const struct {
        const struct bench *t;
        size_t n;
    } parts[] = { { bench_field, bench_field_count },       { bench_curve, bench_curve_count },
                  { bench_pcs, bench_pcs_count },           { bench_keccak, bench_keccak_count },
                  { bench_msm, bench_msm_count },           { bench_model, bench_model_count },
                  { bench_sumcheck, bench_sumcheck_count }, { bench_logup, bench_logup_count },
                  { bench_batch, bench_batch_count },       { bench_proof, bench_proof_count } };
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
