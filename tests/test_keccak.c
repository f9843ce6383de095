/*
 * tests/test_keccak.c: Keccak-256 against known vectors, against itself fed in pieces, and
 * against an independent implementation (Foundry's `cast keccak`) on random inputs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ozk/hex.h"
#include "ozk/keccak.h"
#include "testutil.h"

static void hex32(char out[65], const uint8_t d[32])
{
    ozk_hex_encode(out, d, 32);
}

static void check_digest(const void *msg, size_t len, const char *want)
{
    uint8_t d[32];
    char got[65];
    ozk_keccak256(d, msg, len);
    hex32(got, d);
    assert_string_equal(got, want);
}

/* a message of n bytes 'a' */
static char *repeat_a(size_t n)
{
    char *m = malloc(n ? n : 1);
    assert_non_null(m);
    memset(m, 'a', n);
    return m;
}

static void test_vectors(void **state)
{
    (void)state;
    /* Keccak-256 of "" and "abc": the Ethereum values (keccak256("") is the EVM's empty code
     * hash, EIP-1052). */
    check_digest("", 0, "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    check_digest("abc", 3, "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    /* around the rate of 136 bytes: one byte of room left (the 0x81 pad), a full block (a
     * whole padding block follows), one byte into the second block. Messages of 'a' bytes;
     * digests computed with cast 1.7.1 and checked against that one at test time as well. */
    static const struct {
        size_t n;
        const char *want;
    } around_rate[] = {
        { 135, "34367dc248bbd832f4e3e69dfaac2f92638bd0bbd18f2912ba4ef454919cf446" },
        { 136, "a6c4d403279fe3e0af03729caada8374b5ca54d8065329a3ebcaeb4b60aa386e" },
        { 137, "d869f639c7046b4929fc92a4d988a8b22c55fbadb802c0c66ebcd484f1915f39" },
        /* one million 'a': the long-message vector of the Keccak test suites */
        { 1000000, "fadae6b49f129bbb812be8407b7b2894f34aecf6dbd1f9b0f0c7e9853098fc96" },
    };
    for (size_t i = 0; i < sizeof around_rate / sizeof around_rate[0]; i++) {
        char *m = repeat_a(around_rate[i].n);
        check_digest(m, around_rate[i].n, around_rate[i].want);
        free(m);
    }
    /* a classic: Ethereum's Transfer(address,address,uint256) event topic */
    const char *sig = "Transfer(address,address,uint256)";
    check_digest(sig, strlen(sig),
                 "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
}

static void test_permutation_zero_state(void **state)
{
    (void)state;
    /* Keccak-f[1600] applied to the all-zero state: first lanes of the known output
     * (Keccak team, KeccakF-1600-IntermediateValues.txt). */
    uint64_t s[25] = { 0 };
    ozk_keccak_f1600(s);
    assert_true(s[0] == 0xF1258F7940E1DDE7ULL);
    assert_true(s[1] == 0x84D5CCF933C0478AULL);
    assert_true(s[2] == 0xD598261EA65AA9EEULL);
}

static void test_incremental(void **state)
{
    (void)state;
    /* any split of a message into pieces gives the one-shot digest */
    enum { MAXLEN = 1200 };
    uint8_t msg[MAXLEN], want[32], got[32];
    for (int iter = 0; iter < 2000; iter++) {
        size_t len = (size_t)test_rand_below(MAXLEN + 1);
        test_rand_bytes(msg, len);
        ozk_keccak256(want, msg, len);
        ozk_keccak256_ctx ctx;
        ozk_keccak256_init(&ctx);
        size_t off = 0;
        while (off < len) {
            size_t piece = (size_t)test_rand_below(test_rand_below(2) ? 8 : 300) + 1;
            if (piece > len - off) piece = len - off;
            ozk_keccak256_update(&ctx, msg + off, piece);
            off += piece;
        }
        ozk_keccak256_update(&ctx, NULL, 0);
        ozk_keccak256_final(&ctx, got);
        assert_memory_equal(got, want, 32);
    }
}

/* Runs `cast keccak 0xHEX` and returns its digest (without 0x) in out. */
static void cast_keccak(char out[65], const uint8_t *msg, size_t len)
{
    size_t cmdcap = strlen(OZK_CAST) + 2 * len + 32;
    char *cmd = malloc(cmdcap);
    assert_non_null(cmd);
    int k = snprintf(cmd, cmdcap, "%s keccak 0x", OZK_CAST);
    ozk_hex_encode(cmd + k, msg, len);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char line[128] = { 0 };
    assert_non_null(fgets(line, sizeof line, p));
    int status = pclose(p);
    free(cmd);
    assert_int_equal(status, 0);
    assert_int_equal(strncmp(line, "0x", 2), 0);
    memcpy(out, line + 2, 64);
    out[64] = '\0';
}

static void test_against_cast(void **state)
{
    (void)state;
    /* the oracle must exist: scripts/bootstrap installs it into .tools/ */
    FILE *f = fopen(OZK_CAST, "r");
    if (!f) fail_msg("%s is missing: run scripts/bootstrap", OZK_CAST);
    fclose(f);
    /* lengths around block boundaries, then random ones */
    static const size_t lens[] = { 0, 1, 31, 32, 33, 134, 135, 136, 137, 271, 272, 273, 1000 };
    uint8_t msg[1100], d[32];
    char want[65], got[65];
    size_t nfixed = sizeof lens / sizeof lens[0];
    for (size_t i = 0; i < nfixed + 20; i++) {
        size_t len = i < nfixed ? lens[i] : (size_t)test_rand_below(sizeof msg + 1);
        test_rand_bytes(msg, len);
        ozk_keccak256(d, msg, len);
        hex32(got, d);
        cast_keccak(want, msg, len);
        assert_string_equal(got, want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_permutation_zero_state),
        cmocka_unit_test(test_incremental),
        cmocka_unit_test(test_against_cast),
    };
    return TEST_RUN("keccak", tests);
}
