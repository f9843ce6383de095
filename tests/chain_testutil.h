/*
 * tests/chain_testutil.h: talking to a test chain from the tests: ABI values and calldata,
 * actors (an anvil account with a sender), transactions that must succeed or revert, views and
 * raw JSON-RPC calls. Every helper fails the test (cmocka) when the chain does not do what it
 * must, with the reason.
 */
#ifndef OZK_TEST_CHAIN_TESTUTIL_H
#define OZK_TEST_CHAIN_TESTUTIL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "ozk/abi.h"
#include "ozk/rpc.h"
#include "ozk/sender.h"
#include "ozk/solc.h"

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

/* A transaction from sender s (to NULL: a create; gas_limit 0: estimated) that must be mined with
 * status 1 within timeout_ms; *st gets its status, hash (may be NULL) its hash. The sender's
 * nonce is read again first (anvil may have been reverted under it). */
void test_sender_tx_ok(ozk_sender *s, const uint8_t *to, uint64_t value_wei, const uint8_t *data,
                       size_t len, uint64_t gas_limit, long timeout_ms, ozk_tx_status *st,
                       uint8_t hash[32]);

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

/* A compile with the pinned solc-js on its own thread (it takes seconds), so a test can prove
 * meanwhile. */
typedef struct {
    pthread_t th;
    ozk_solc_target target;
    const char *src; /* borrowed until test_compile_wait */
    ozk_solc_output out;
    int rc;
    char err[1024];
} test_compile_job;

void test_compile_start(test_compile_job *j, ozk_solc_target target, const char *src);
/* joins the thread; fails the test, with solc's message, when the compile failed */
void test_compile_wait(test_compile_job *j);

#endif
