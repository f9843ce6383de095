/*
 * tests/test_field.c: Fr and Fp against GMP (see tests/field_tests.h).
 */
#include <stdio.h>
#include <string.h>

#include <gmp.h>

#include "ozk/field.h"
#include "testutil.h"

#define F     fr
#define F_DEC "21888242871839275222246405745257275088548364400416034343698204186575808495617"
#include "field_tests.h"
#undef F
#undef F_DEC

#define F     fp
#define F_DEC "21888242871839275222246405745257275088696311157297823662689037894645226208583"
#include "field_tests.h"
#undef F
#undef F_DEC

int main(void)
{
    const struct CMUnitTest fr_tests[] = { FIELD_TESTS(fr) };
    const struct CMUnitTest fp_tests[] = { FIELD_TESTS(fp) };
    /* every kernel this machine can run, the default one first */
    const char *kernels[] = { ozk_field_kernel(), "c-cios", "x86-64-mulx-adx" };
    int failed = 0, ran = 0;
    for (size_t k = 0; k < sizeof kernels / sizeof kernels[0]; k++) {
        if (k > 0 && !strcmp(kernels[k], kernels[0])) continue;
        if (ozk_field_set_kernel(kernels[k]) != 0) {
            printf("field kernel %s: not available on this machine, not tested\n", kernels[k]);
            continue;
        }
        printf("field kernel %s\n", kernels[k]);
        failed += TEST_RUN_WITH("fr", fr_tests, test_fr_setup, test_fr_teardown);
        failed += TEST_RUN_WITH("fp", fp_tests, test_fp_setup, test_fp_teardown);
        ran++;
    }
    return ran == 0 ? 1 : failed;
}
