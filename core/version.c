/* core/version.c: what this build is. */
#include "ozk/field.h"
#include "ozk/version.h"

#ifndef OZK_VERSION_STRING
#error "OZK_VERSION_STRING must come from the build (CMakeLists.txt)"
#endif

const char *ozk_version(void)
{
    return OZK_VERSION_STRING;
}

const char *ozk_build_info(void)
{
#ifdef __OPTIMIZE__
#define OZK__OPT "optimized"
#else
#define OZK__OPT "unoptimized"
#endif
#if defined(__SANITIZE_ADDRESS__)
#define OZK__SAN ", asan+ubsan"
#else
#define OZK__SAN ""
#endif
    return "ozk " OZK_VERSION_STRING " (" __VERSION__ ", " OZK__OPT OZK__SAN ")";
}
