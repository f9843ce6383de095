/*
 * core/field_kernel.c: which Montgomery multiplication the fields use.
 *
 * On x86-64 CPUs with BMI2 and ADX (Intel Broadwell and AMD Zen onward) the MULX/ADCX/ADOX
 * kernel of core/mont_x86_64.S; elsewhere the portable C kernel of core/mont.h. Both compute
 * the same function and tests/test_field.c checks each against GMP.
 */
#include <string.h>

#include "mont.h"
#include "ozk/error.h"
#include "ozk/field.h"

#if OZK_HAVE_X86_64_ASM
#include <cpuid.h>
#endif

int ozk__mont_adx;

static int cpu_has_adx(void)
{
#if OZK_HAVE_X86_64_ASM
    unsigned a, b, c, d;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b >> 8 & 1) && (b >> 19 & 1); /* CPUID.(7,0):EBX bit 8 BMI2, bit 19 ADX */
#else
    return 0;
#endif
}

__attribute__((constructor)) static void pick_kernel(void)
{
    ozk__mont_adx = cpu_has_adx();
}

const char *ozk_field_kernel(void)
{
    return ozk__mont_adx ? "x86-64-mulx-adx" : "c-cios";
}

int ozk_field_set_kernel(const char *name)
{
    if (!strcmp(name, "c-cios")) {
        ozk__mont_adx = 0;
        return 0;
    }
    if (!strcmp(name, "x86-64-mulx-adx") && cpu_has_adx()) {
        ozk__mont_adx = 1;
        return 0;
    }
    return OZK_ENOTSUP;
}
