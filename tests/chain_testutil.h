/*
 * tests/chain_testutil.h: talking to a test chain from the tests: ABI values and calldata,
 * actors (an anvil account with a sender), transactions that must succeed or revert, views and
 * raw JSON-RPC calls. Every helper fails the test (cmocka) when the chain does not do what it
 * must, with the reason.
 */
#ifndef OZK_TEST_CHAIN_TESTUTIL_H
#define OZK_TEST_CHAIN_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "ozk/abi.h"
#include "ozk/rpc.h"
#include "ozk/sender.h"

/* ABI values (borrowing b for bytes) */
ozk_abi_value tv_u64(uint64_t x);
ozk_abi_value tv_b32(const uint8_t b[32]);
ozk_abi_value tv_addr(const uint8_t a[20]);
ozk_abi_value tv_bytes(const uint8_t *b, size_t len);
ozk_abi_value tv_bool(int b);

/* calldata of sig with the arguments items[0..n) (n may be 0); free() it */
uint8_t *test_calldata(size_t *len, const char *sig, ozk_abi_value *items, size_t n);

/* the low 64 bits of a big-endian word (the test fails if the high bits are not zero) */
uint64_t test_word_u64(const uint8_t *w);

/* An anvil account: its own RPC handle and sender. */
typedef struct {
    ozk_rpc *rpc;
    ozk_sender *s;
    uint8_t addr[20];
} test_actor;

void test_actor_open(test_actor *ac, const char *url, const char *hexkey);
void test_actor_close(test_actor *ac);

/* A transaction that must succeed (gas_limit 0: estimated); its gas used. */
uint64_t test_tx_ok(test_actor *ac, const uint8_t to[20], uint64_t value_wei, const uint8_t *data,
                    size_t len, uint64_t gas_limit);

/* eth_call of sig(items) to `to`; the returned bytes must be exactly want long */
void test_view(test_actor *ac, const uint8_t to[20], const char *sig, ozk_abi_value *items,
               size_t n, uint8_t *out, size_t want);

/* a raw JSON-RPC call that must succeed (params stolen); the result (json_decref it) */
json_t *test_rpc(test_actor *ac, const char *method, json_t *params);

/* evm_mine; evm_increaseTime(s) then evm_mine */
void test_mine(test_actor *ac);
void test_warp(test_actor *ac, uint64_t seconds);

#endif
