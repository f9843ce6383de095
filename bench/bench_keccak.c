/* bench/bench_keccak.c: Keccak-256 speed on long messages and on 64-byte Merkle nodes. */
#include <string.h>

#include "benches.h"
#include "ozk/keccak.h"

static uint8_t g_buf[1 << 20];

static void b_keccak_1mib(size_t iters)
{
    uint8_t d[32];
    for (size_t i = 0; i < iters; i++) {
        ozk_keccak256(d, g_buf, sizeof g_buf);
        g_buf[i % sizeof g_buf] ^= d[0];
    }
    bench_sink(d, sizeof d);
}

static void b_keccak_64(size_t iters)
{
    uint8_t node[64] = { 1 }, d[32];
    for (size_t i = 0; i < iters; i++) {
        ozk_keccak256(d, node, sizeof node);
        memcpy(node, d, 32); /* a chain, like hashing up a Merkle path */
    }
    bench_sink(d, sizeof d);
}

static void b_keccak_f1600(size_t iters)
{
    uint64_t s[25] = { 0 };
    for (size_t i = 0; i < iters; i++) ozk_keccak_f1600(s);
    bench_sink(s, sizeof s);
}

const struct bench bench_keccak[] = {
    { "keccak256_1mib", "Keccak-256 of a 1 MiB buffer", b_keccak_1mib, 20, sizeof g_buf },
    { "keccak256_64", "Keccak-256 of 64 bytes (a Merkle node)", b_keccak_64, 500000, 64 },
    { "keccak_f1600", "the Keccak-f[1600] permutation", b_keccak_f1600, 500000, 0 },
};
const size_t bench_keccak_count = sizeof bench_keccak / sizeof bench_keccak[0];
