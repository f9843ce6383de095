/*
 * tests/chain_testutil.c: see chain_testutil.h.
 */
#include "chain_testutil.h"

#include <stdlib.h>
#include <string.h>

#include "ozk/hex.h"
#include "ozk/tx.h"
#include "testutil.h"

ozk_abi_value tv_u64(uint64_t x)
{
    ozk_abi_value v;
    memset(&v, 0, sizeof v);
    ozk_abi_value_u64(&v, x);
    return v;
}

ozk_abi_value tv_b32(const uint8_t b[32])
{
    ozk_abi_value v;
    memset(&v, 0, sizeof v);
    v.kind = OZK_ABI_FIXED_BYTES;
    memcpy(v.word, b, 32);
    return v;
}

ozk_abi_value tv_addr(const uint8_t a[20])
{
    ozk_abi_value v;
    memset(&v, 0, sizeof v);
    ozk_abi_value_address(&v, a);
    return v;
}

ozk_abi_value tv_bytes(const uint8_t *b, size_t len)
{
    ozk_abi_value v;
    memset(&v, 0, sizeof v);
    v.kind = OZK_ABI_BYTES;
    v.bytes = (uint8_t *)(uintptr_t)b;
    v.len = len;
    return v;
}

ozk_abi_value tv_bool(int b)
{
    ozk_abi_value v;
    memset(&v, 0, sizeof v);
    ozk_abi_value_bool(&v, b);
    return v;
}

uint8_t *test_calldata(size_t *len, const char *sig, ozk_abi_value *items, size_t n)
{
    if (n == 0) {
        uint8_t *d = malloc(4);
        assert_non_null(d);
        ozk_abi_selector(d, sig);
        *len = 4;
        return d;
    }
    ozk_abi_value args = { .kind = OZK_ABI_TUPLE, .items = items, .n = n };
    uint8_t *d;
    int rc = ozk_abi_calldata(&d, len, sig, &args);
    if (rc) fail_msg("calldata %s: %d", sig, rc);
    return d;
}

uint64_t test_word_u64(const uint8_t *w)
{
    for (int i = 0; i < 24; i++) assert_int_equal(w[i], 0);
    uint64_t x = 0;
    for (int i = 24; i < 32; i++) x = x << 8 | w[i];
    return x;
}

void test_actor_open(test_actor *ac, const char *url, const char *hexkey)
{
    ozk_rpc_config rcfg;
    ozk_rpc_config_default(&rcfg);
    rcfg.url = url;
    ozk_rpc_error e;
    assert_int_equal(ozk_rpc_open(&ac->rpc, &rcfg, &e), 0);
    ozk_key key;
    assert_int_equal(ozk_key_from_hex(&key, hexkey, strlen(hexkey), NULL, 0), 0);
    ozk_sender_config scfg;
    ozk_sender_config_default(&scfg);
    scfg.poll_ms = 20;
    if (ozk_sender_open(&ac->s, ac->rpc, &key, &scfg, &e)) fail_msg("sender: %s", e.message);
    ozk_key_wipe(&key);
    ozk_sender_address(ac->s, ac->addr);
}

void test_actor_close(test_actor *ac)
{
    ozk_sender_close(ac->s);
    ozk_rpc_close(ac->rpc);
    memset(ac, 0, sizeof *ac);
}

void test_sender_tx_ok(ozk_sender *s, const uint8_t *to, uint64_t value_wei, const uint8_t *data,
                       size_t len, uint64_t gas_limit, long timeout_ms, ozk_tx_status *st,
                       uint8_t hash[32])
{
    ozk_send_request req;
    memset(&req, 0, sizeof req);
    if (to) {
        req.has_to = 1;
        memcpy(req.to, to, 20);
    }
    for (int i = 0; i < 8; i++) req.value[31 - i] = (uint8_t)(value_wei >> (8 * i));
    req.data = data;
    req.data_len = len;
    req.gas_limit = gas_limit;
    ozk_sent_tx t;
    ozk_rpc_error e;
    ozk_sender_resync(s);
    if (ozk_sender_send(s, &t, &req, &e)) fail_msg("send: %s", e.message);
    memset(st, 0, sizeof *st);
    assert_int_equal(ozk_sender_wait(s, st, t.hash, 1, timeout_ms, &e), 0);
    if (st->state != OZK_TXS_CONFIRMED || st->status != 1)
        fail_msg("transaction state %d status %d %s", st->state, st->status, st->reason);
    if (hash) memcpy(hash, t.hash, 32);
    ozk_sent_tx_clear(&t);
}

uint64_t test_tx_ok(test_actor *ac, const uint8_t to[20], uint64_t value_wei, const uint8_t *data,
                    size_t len, uint64_t gas_limit)
{
    ozk_tx_status st;
    test_sender_tx_ok(ac->s, to, value_wei, data, len, gas_limit, 30000, &st, NULL);
    return st.gas_used;
}

void test_view(test_actor *ac, const uint8_t to[20], const char *sig, ozk_abi_value *items,
               size_t n, uint8_t *out, size_t want)
{
    size_t len, got;
    uint8_t *data = test_calldata(&len, sig, items, n), *ret;
    ozk_rpc_error e;
    if (ozk_rpc_eth_call(ac->rpc, &ret, &got, to, data, len, &e))
        fail_msg("%s: %s", sig, e.message);
    free(data);
    if (got != want) fail_msg("%s returned %zu bytes, not %zu", sig, got, want);
    memcpy(out, ret, want);
    free(ret);
}

json_t *test_rpc(test_actor *ac, const char *method, json_t *params)
{
    json_t *res = NULL;
    ozk_rpc_error e;
    int rc = ozk_rpc_call(ac->rpc, &res, method, params, OZK_RPC_ANY, &e);
    json_decref(params);
    if (rc) fail_msg("%s: %s", method, e.message);
    return res;
}

void test_mine(test_actor *ac)
{
    json_decref(test_rpc(ac, "evm_mine", json_array()));
}

void test_warp(test_actor *ac, uint64_t seconds)
{
    json_decref(test_rpc(ac, "evm_increaseTime", json_pack("[I]", (json_int_t)seconds)));
    test_mine(ac);
}

static void *compile_run(void *arg)
{
    test_compile_job *j = arg;
    j->rc = ozk_solc_compile(&j->out, j->target, j->src, j->err, sizeof j->err);
    return NULL;
}

void test_compile_start(test_compile_job *j, ozk_solc_target target, const char *src)
{
    memset(j, 0, sizeof *j);
    j->target = target;
    j->src = src;
    assert_int_equal(pthread_create(&j->th, NULL, compile_run, j), 0);
}

void test_compile_wait(test_compile_job *j)
{
    assert_int_equal(pthread_join(j->th, NULL), 0);
    if (j->rc) fail_msg("solc-js: %s", j->err);
}
