/*
 * tests/test_solc.c: compiling with the pinned solc-js (chain/solc.c) and the scan of deployed
 * code that `ozk verify-deployment` runs (ozk_code_scan), plus the contract-creation address.
 *
 * The scan is tested on hand-written bytecode (every forbidden opcode where it can run, the same
 * bytes as PUSH data or after a terminator where it cannot, STATICCALL targets) and on real
 * compiler output: a generated verifier passes, Settlement (which stores) does not. Compiling
 * is reproducible (the same bytes twice) and its failures are clear errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ozk/error.h"
#include "ozk/hex.h"
#include "ozk/proof.h"
#include "ozk/solc.h"
#include "ozk/srs.h"
#include "ozk/tx.h"
#include "../verifier/solidity_internal.h"
#include "model_testutil.h"
#include "testutil.h"

static int scan_hex(const char *hex, char *why, size_t whylen)
{
    uint8_t code[256];
    long n = ozk_hex_decode(code, sizeof code, hex);
    assert_true(n >= 0);
    return ozk_code_scan(code, (size_t)n, why, whylen);
}

static void test_scan_opcodes(void **state)
{
    (void)state;
    char why[256];
    /* every forbidden opcode, live right after PUSH1 0 */
    static const char *bad[] = { "55", "5d", "a0", "a1", "a2", "a3", "a4",
                                 "f0", "f1", "f2", "f4", "f5", "ff" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char hex[16];
        snprintf(hex, sizeof hex, "6000%s", bad[i]);
        assert_int_equal(scan_hex(hex, why, sizeof why), 0);
        assert_non_null(strstr(why, "offset 2"));
        /* as PUSH data it never runs */
        snprintf(hex, sizeof hex, "61%s0000", bad[i]);
        assert_int_equal(scan_hex(hex, NULL, 0), 1);
        /* after a terminator, before any JUMPDEST: data (what solc appends) */
        snprintf(hex, sizeof hex, "00%s", bad[i]);
        assert_int_equal(scan_hex(hex, NULL, 0), 1);
        snprintf(hex, sizeof hex, "fe%s", bad[i]);
        assert_int_equal(scan_hex(hex, NULL, 0), 1);
        /* ... but a JUMPDEST makes what follows reachable again */
        snprintf(hex, sizeof hex, "fe5b%s", bad[i]);
        assert_int_equal(scan_hex(hex, why, sizeof why), 0);
    }
    /* SELFDESTRUCT is also INVALID's neighbour: 0xfe then 0xff is data, 0xfd (REVERT) ends too */
    assert_int_equal(scan_hex("fd55", NULL, 0), 1);
    assert_int_equal(scan_hex("56f4", NULL, 0), 1); /* after JUMP */
    assert_int_equal(scan_hex("f3f1", NULL, 0), 1); /* after RETURN */
    assert_int_equal(scan_hex("57f1", NULL, 0), 0); /* JUMPI falls through */
    /* a PUSH32 hides 32 bytes; PUSH32 with a forbidden byte as its 33rd is live */
    assert_int_equal(scan_hex("7f"
                              "f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4",
                              NULL, 0),
                     1);
    assert_int_equal(scan_hex("7f"
                              "f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4"
                              "f4",
                              NULL, 0),
                     0);
    /* a truncated PUSH at the end is data */
    assert_int_equal(scan_hex("7ff4f4", NULL, 0), 1);
    assert_int_equal(scan_hex("", NULL, 0), 1);
}

static void test_scan_staticcall(void **state)
{
    (void)state;
    char why[256];
    /* PUSH1 a; GAS; STATICCALL with a in 0x05..0x08 */
    assert_int_equal(scan_hex("60055afa", NULL, 0), 1);
    assert_int_equal(scan_hex("60065afa", NULL, 0), 1);
    assert_int_equal(scan_hex("60075afa", NULL, 0), 1);
    assert_int_equal(scan_hex("60085afa", NULL, 0), 1);
    /* other precompiles, an address from the stack, a wide push, no GAS, nothing before */
    assert_int_equal(scan_hex("60015afa", why, sizeof why), 0); /* ecrecover */
    assert_non_null(strstr(why, "STATICCALL at offset 3"));
    assert_int_equal(scan_hex("60045afa", NULL, 0), 0);
    assert_int_equal(scan_hex("60095afa", NULL, 0), 0);
    assert_int_equal(scan_hex("80805afa", NULL, 0), 0);     /* DUP1 as the target */
    assert_int_equal(scan_hex("6100085afa", NULL, 0), 0);   /* PUSH2 0x0008 */
    assert_int_equal(scan_hex("600860005afa", NULL, 0), 0); /* not right before */
    assert_int_equal(scan_hex("6008505afa", NULL, 0), 0);   /* POP in between */
    assert_int_equal(scan_hex("fa", NULL, 0), 0);
    assert_int_equal(scan_hex("5afa", NULL, 0), 0);
    /* a STATICCALL reached by a jump right after a JUMPDEST has no known target */
    assert_int_equal(scan_hex("6008005b5afa", NULL, 0), 0);
}

static void test_create_address(void **state)
{
    (void)state;
    /* anvil's first account deploying with nonces 0 and 1 (the addresses every anvil test sees) */
    uint8_t from[20], addr[20], want[20];
    assert_int_equal(ozk_hex_decode(from, 20, "f39fd6e51aad88f6f4ce6ab8827279cfffb92266"), 20);
    assert_int_equal(ozk_create_address(addr, from, 0), 0);
    assert_int_equal(ozk_hex_decode(want, 20, "5fbdb2315678afecb367f032d93f642f64180aa3"), 20);
    assert_memory_equal(addr, want, 20);
    assert_int_equal(ozk_create_address(addr, from, 1), 0);
    assert_int_equal(ozk_hex_decode(want, 20, "e7f1725e7734ce288f8367e1bb143e90bb3f0512"), 20);
    assert_memory_equal(addr, want, 20);
}

static void test_compile(void **state)
{
    (void)state;
    char err[1024];
    ozk_srs srs;
    assert_int_equal(ozk_srs_dev(&srs, 12, 3), 0);
    ozk_model *m = test_model_mixed(0);
    ozk_vk *vk;
    if (ozk_vk_build(&vk, m, &srs, 0, err, sizeof err)) fail_msg("vk: %s", err);
    char *src;
    size_t len;
    assert_int_equal(ozk__sol_generate(&src, &len, vk), 0);

    /* the same source compiles to the same bytes; the verifier passes the scan */
    ozk_solc_output a, b;
    if (ozk_solc_compile(&a, OZK_SOLC_VERIFIER, src, err, sizeof err)) fail_msg("%s", err);
    if (ozk_solc_compile(&b, OZK_SOLC_VERIFIER, src, err, sizeof err)) fail_msg("%s", err);
    assert_int_equal(a.runtime_len, b.runtime_len);
    assert_memory_equal(a.runtime, b.runtime, a.runtime_len);
    assert_int_equal(a.creation_len, b.creation_len);
    assert_memory_equal(a.creation, b.creation, a.creation_len);
    assert_true(a.runtime_len > 1000 && a.runtime_len < 24576);
    char why[256];
    if (!ozk_code_scan(a.runtime, a.runtime_len, why, sizeof why)) fail_msg("scan: %s", why);
    ozk_solc_output_clear(&b);

    /* Settlement compiles, and is no verifier (it stores) */
    if (ozk_solc_compile(&b, OZK_SOLC_SETTLEMENT, NULL, err, sizeof err)) fail_msg("%s", err);
    assert_int_equal(ozk_code_scan(b.runtime, b.runtime_len, why, sizeof why), 0);
    assert_non_null(strstr(why, "SSTORE"));
    ozk_solc_output_clear(&b);

    /* failures: a compile error, arguments, no compiler */
    assert_int_equal(
        ozk_solc_compile(&b, OZK_SOLC_VERIFIER, "contract OzkVerifier { oops }", err, sizeof err),
        OZK_EINVAL);
    assert_non_null(strstr(err, "solc-js"));
    assert_null(b.runtime);
    assert_int_equal(ozk_solc_compile(&b, OZK_SOLC_VERIFIER, "contract Other {}", err, sizeof err),
                     OZK_EINVAL);
    assert_non_null(strstr(err, "OzkVerifier"));
    assert_int_equal(ozk_solc_compile(&b, OZK_SOLC_SETTLEMENT, src, err, sizeof err), OZK_EINVAL);
    assert_int_equal(ozk_solc_compile(&b, OZK_SOLC_VERIFIER, NULL, err, sizeof err), OZK_EINVAL);
    setenv("OZK_SOLCJS", "/nonexistent/solcjs", 1);
    assert_int_equal(ozk_solc_compile(&b, OZK_SOLC_VERIFIER, src, err, sizeof err), OZK_ENOENT);
    assert_non_null(strstr(err, "scripts/bootstrap"));
    unsetenv("OZK_SOLCJS");
    setenv("OZK_CONTRACTS", "/nonexistent", 1);
    assert_int_equal(ozk_solc_compile(&b, OZK_SOLC_SETTLEMENT, NULL, err, sizeof err), OZK_ENOENT);
    unsetenv("OZK_CONTRACTS");

    ozk_solc_output_clear(&a);
    free(src);
    ozk_vk_free(vk);
    ozk_model_free(m);
    ozk_srs_free(&srs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan_opcodes),
        cmocka_unit_test(test_scan_staticcall),
        cmocka_unit_test(test_create_address),
        cmocka_unit_test(test_compile),
    };
    return TEST_RUN("solc", tests);
}
