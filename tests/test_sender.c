/*
 * tests/test_sender.c: sending and confirming (chain/sender.c) against a real anvil that
 * automines: confirmations, consecutive nonces, recovery from a stale nonce, replacement of a
 * stuck transaction (mining switched off with evm_setAutomine), a replacement the node refuses,
 * revert reasons, the persist callback's bytes against the chain's, and a reorg (evm_snapshot /
 * evm_revert) of a receipt's block.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anvil.h"
#include "ozk/error.h"
#include "ozk/hex.h"
#include "ozk/keccak.h"
#include "ozk/sender.h"
#include "testutil.h"

static const char KEY[] = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

static struct anvil g_anvil;
static ozk_rpc *g_rpc;
static ozk_sender *g_s;

/* what the persist callback saw last, and how often it ran */
static uint8_t g_raw[4096];
static size_t g_raw_len;
static uint8_t g_hash[32];
static int g_persisted;

static int persist(void *ctx, const uint8_t *raw, size_t raw_len, const uint8_t hash[32])
{
    (void)ctx;
    assert_true(raw_len <= sizeof g_raw);
    memcpy(g_raw, raw, raw_len);
    g_raw_len = raw_len;
    memcpy(g_hash, hash, 32);
    g_persisted++;
    return 0;
}

static ozk_sender *open_sender(unsigned bump_pct)
{
    ozk_key key;
    assert_int_equal(ozk_key_from_hex(&key, KEY, strlen(KEY), NULL, 0), 0);
    ozk_sender_config cfg;
    ozk_sender_config_default(&cfg);
    cfg.poll_ms = 20;
    cfg.bump_pct = bump_pct;
    ozk_sender *s;
    ozk_rpc_error e;
    assert_int_equal(ozk_sender_open(&s, g_rpc, &key, &cfg, &e), 0);
    ozk_key_wipe(&key);
    ozk_sender_set_persist(s, persist, NULL);
    return s;
}

static int setup(void **state)
{
    (void)state;
    if (anvil_start(&g_anvil) != 0) return -1;
    ozk_rpc_config cfg;
    ozk_rpc_config_default(&cfg);
    cfg.url = g_anvil.url;
    ozk_rpc_error e;
    if (ozk_rpc_open(&g_rpc, &cfg, &e) != 0) return -1;
    g_s = open_sender(10);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ozk_sender_close(g_s);
    ozk_rpc_close(g_rpc);
    anvil_stop(&g_anvil);
    return 0;
}

/* a call the test needs to succeed; returns the result (json_decref it) */
static json_t *call(const char *method, json_t *params)
{
    json_t *res = NULL;
    ozk_rpc_error e;
    int rc = ozk_rpc_call(g_rpc, &res, method, params, OZK_RPC_ANY, &e);
    if (rc) fprintf(stderr, "%s: %s\n", method, e.message);
    assert_int_equal(rc, 0);
    json_decref(params);
    return res;
}

static void call0(const char *method, json_t *params)
{
    json_decref(call(method, params));
}

static void hash_text(char out[67], const uint8_t h[32])
{
    out[0] = '0', out[1] = 'x';
    ozk_hex_encode(out + 2, h, 32);
}

static int has_receipt(const uint8_t h[32])
{
    char t[67];
    hash_text(t, h);
    json_t *r = call("eth_getTransactionReceipt", json_pack("[s]", t));
    int found = !json_is_null(r);
    json_decref(r);
    return found;
}

static void transfer(ozk_send_request *req)
{
    memset(req, 0, sizeof *req);
    req->has_to = 1;
    assert_int_equal(ozk_hex_decode(req->to, 20, "70997970C51812dc3A010C7d01b50e0d17dc79C8"), 20);
    req->value[31] = 1;
}

static void test_revert_decode(void **state)
{
    (void)state;
    uint8_t err[100] = { 0x08, 0xc3, 0x79, 0xa0 };
    err[4 + 31] = 0x20, err[4 + 63] = 4;
    memcpy(err + 4 + 64, "nope", 4);
    char out[64];
    assert_int_equal(ozk_revert_decode(out, sizeof out, err, sizeof err), 1);
    assert_string_equal(out, "nope");
    uint8_t panic[36] = { 0x4e, 0x48, 0x7b, 0x71 };
    panic[35] = 0x11;
    assert_int_equal(ozk_revert_decode(out, sizeof out, panic, sizeof panic), 1);
    assert_string_equal(out, "panic 0x11");
    /* truncated, wrong selector, bad offset: not decoded */
    assert_int_equal(ozk_revert_decode(out, sizeof out, err, 50), 0);
    assert_string_equal(out, "");
    err[0] = 0;
    assert_int_equal(ozk_revert_decode(out, sizeof out, err, sizeof err), 0);
    err[0] = 0x08, err[4 + 31] = 0x40;
    assert_int_equal(ozk_revert_decode(out, sizeof out, err, sizeof err), 0);
    assert_int_equal(ozk_revert_decode(out, sizeof out, NULL, 0), 0);
}

static void test_send_confirm(void **state)
{
    (void)state;
    ozk_send_request req;
    transfer(&req);
    ozk_sent_tx t;
    ozk_tx_status st = { 0 };
    ozk_rpc_error e;
    g_persisted = 0;
    assert_int_equal(ozk_sender_send(g_s, &t, &req, &e), 0);
    assert_int_equal(g_persisted, 1);
    assert_memory_equal(g_hash, t.hash, 32);
    assert_int_equal(t.tx.type, OZK_TX_EIP1559);
    assert_int_equal(t.tx.gas_limit, 21000 * 120 / 100); /* estimate + 20% */
    assert_true(t.tx.max_priority_fee >= 1000000000u && t.tx.max_fee > t.tx.max_priority_fee);
    assert_int_equal(ozk_sender_wait(g_s, &st, t.hash, 1, 5000, &e), 0);
    assert_int_equal(st.state, OZK_TXS_CONFIRMED);
    assert_int_equal(st.status, 1);
    assert_int_equal(st.gas_used, 21000);
    /* the callback saw exactly the bytes on chain */
    char h[67];
    hash_text(h, t.hash);
    json_t *raw = call("eth_getRawTransactionByHash", json_pack("[s]", h));
    uint8_t chain[4096];
    long n = ozk_rpc_hex_to_bytes(chain, sizeof chain, json_string_value(raw));
    json_decref(raw);
    assert_int_equal(n, (long)g_raw_len);
    assert_memory_equal(chain, g_raw, g_raw_len);
    uint8_t k[32];
    ozk_keccak256(k, g_raw, g_raw_len);
    assert_memory_equal(k, t.hash, 32);
    ozk_sent_tx_clear(&t);

    /* three confirmations: pending until two more blocks are mined */
    assert_int_equal(ozk_sender_send(g_s, &t, &req, &e), 0);
    memset(&st, 0, sizeof st);
    assert_int_equal(ozk_sender_wait(g_s, &st, t.hash, 3, 200, &e), 0);
    assert_int_equal(st.state, OZK_TXS_PENDING);
    assert_int_equal(st.found, 1);
    assert_int_equal(st.confirmations, 1);
    call0("anvil_mine", json_pack("[s]", "0x2"));
    assert_int_equal(ozk_sender_wait(g_s, &st, t.hash, 3, 5000, &e), 0);
    assert_int_equal(st.state, OZK_TXS_CONFIRMED);
    assert_int_equal(st.confirmations, 3);
    ozk_sent_tx_clear(&t);
}

static void test_nonces(void **state)
{
    (void)state;
    ozk_send_request req;
    transfer(&req);
    req.gas_limit = 30000; /* a fixed limit takes precedence over the estimate */
    ozk_sent_tx a, b, c;
    ozk_rpc_error e;
    assert_int_equal(ozk_sender_send(g_s, &a, &req, &e), 0);
    assert_int_equal(ozk_sender_send(g_s, &b, &req, &e), 0);
    assert_int_equal(a.tx.gas_limit, 30000);
    assert_int_equal(b.tx.nonce, a.tx.nonce + 1);
    /* a nonce set too low locally: "nonce too low", resync, sent with the chain's nonce */
    ozk_sender_set_nonce(g_s, 0);
    g_persisted = 0;
    assert_int_equal(ozk_sender_send(g_s, &c, &req, &e), 0);
    assert_int_equal(g_persisted, 2); /* signed twice: with nonce 0, then the chain's */
    assert_int_equal(c.tx.nonce, b.tx.nonce + 1);
    ozk_tx_status st = { 0 };
    assert_int_equal(ozk_sender_wait(g_s, &st, c.hash, 1, 5000, &e), 0);
    assert_int_equal(st.state, OZK_TXS_CONFIRMED);
    ozk_sent_tx_clear(&a);
    ozk_sent_tx_clear(&b);
    ozk_sent_tx_clear(&c);
}

static void test_replace(void **state)
{
    (void)state;
    ozk_send_request req;
    transfer(&req);
    ozk_sent_tx t;
    ozk_rpc_error e;
    call0("evm_setAutomine", json_pack("[b]", 0));
    assert_int_equal(ozk_sender_send(g_s, &t, &req, &e), 0);
    uint8_t old_hash[32];
    memcpy(old_hash, t.hash, 32);
    uint64_t prio = t.tx.max_priority_fee, fee = t.tx.max_fee, nonce = t.tx.nonce;
    ozk_tx_status st = { 0 };
    assert_int_equal(ozk_sender_wait(g_s, &st, t.hash, 1, 100, &e), 0);
    assert_int_equal(st.state, OZK_TXS_PENDING); /* stuck */
    g_persisted = 0;
    assert_int_equal(ozk_sender_replace(g_s, &t, &e), 0);
    assert_int_equal(g_persisted, 1);
    assert_memory_equal(g_hash, t.hash, 32);
    assert_int_equal(t.tx.nonce, nonce);
    assert_true(t.tx.max_priority_fee * 100 >= prio * 110 && t.tx.max_fee * 100 >= fee * 110);
    assert_memory_not_equal(old_hash, t.hash, 32);
    call0("evm_mine", json_array());
    call0("evm_setAutomine", json_pack("[b]", 1));
    memset(&st, 0, sizeof st);
    assert_int_equal(ozk_sender_wait(g_s, &st, t.hash, 1, 5000, &e), 0);
    assert_int_equal(st.state, OZK_TXS_CONFIRMED);
    assert_false(has_receipt(old_hash));
    ozk_sent_tx_clear(&t);
}

static void test_replace_refused(void **state)
{
    (void)state;
    ozk_sender *s1 = open_sender(1); /* a 1% bump: too small against the competitor below */
    ozk_send_request req;
    transfer(&req);
    ozk_sent_tx t;
    ozk_rpc_error e;
    call0("evm_setAutomine", json_pack("[b]", 0));
    assert_int_equal(ozk_sender_send(s1, &t, &req, &e), 0);
    /* another transaction with the same nonce and 5% higher fees takes its place in the pool */
    ozk_tx other = t.tx;
    other.max_priority_fee = t.tx.max_priority_fee / 100 * 105;
    other.max_fee = t.tx.max_fee / 100 * 105;
    ozk_key key;
    assert_int_equal(ozk_key_from_hex(&key, KEY, strlen(KEY), NULL, 0), 0);
    uint8_t *raw, other_hash[32];
    size_t raw_len;
    assert_int_equal(ozk_tx_sign(&raw, &raw_len, other_hash, &other, &key), 0);
    ozk_key_wipe(&key);
    char *hex = malloc(2 * raw_len + 3);
    hex[0] = '0', hex[1] = 'x';
    ozk_hex_encode(hex + 2, raw, raw_len);
    call0("eth_sendRawTransaction", json_pack("[s]", hex));
    free(hex);
    free(raw);
    /* +1% is refused as underpriced; the sender bumps by 10% more and is accepted */
    g_persisted = 0;
    assert_int_equal(ozk_sender_replace(s1, &t, &e), 0);
    assert_int_equal(g_persisted, 2);
    assert_true(t.tx.max_fee > other.max_fee);
    call0("evm_mine", json_array());
    call0("evm_setAutomine", json_pack("[b]", 1));
    ozk_tx_status st = { 0 };
    assert_int_equal(ozk_sender_wait(s1, &st, t.hash, 1, 5000, &e), 0);
    assert_int_equal(st.state, OZK_TXS_CONFIRMED);
    assert_false(has_receipt(other_hash));
    ozk_sent_tx_clear(&t);
    ozk_sender_close(s1);
    ozk_sender_resync(g_s); /* s1 used a nonce g_s does not know of */
}

static void test_revert(void **state)
{
    (void)state;
    /* runtime code: CODECOPY the 100-byte Error("nope") payload after these 12 bytes, REVERT */
    uint8_t code[112] = { 0x60, 0x64, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60,
                          0x64, 0x60, 0x00, 0xfd, 0x08, 0xc3, 0x79, 0xa0 };
    code[12 + 4 + 31] = 0x20, code[12 + 4 + 63] = 4;
    memcpy(code + 12 + 4 + 64, "nope", 4);
    char hex[2 * sizeof code + 3] = "0x";
    ozk_hex_encode(hex + 2, code, sizeof code);
    const char *addr = "0x000000000000000000000000000000000000dead";
    call0("anvil_setCode", json_pack("[s, s]", addr, hex));
    ozk_send_request req;
    memset(&req, 0, sizeof req);
    req.has_to = 1;
    assert_int_equal(ozk_hex_decode(req.to, 20, addr), 20);
    const uint8_t data[4] = { 1, 2, 3, 4 };
    req.data = data;
    req.data_len = sizeof data;
    ozk_sent_tx t;
    ozk_rpc_error e;
    /* estimateGas fails with the reason in the node's message */
    assert_int_equal(ozk_sender_send(g_s, &t, &req, &e), OZK_EIO);
    assert_int_equal(e.kind, OZK_RPC_ERR_REMOTE);
    assert_non_null(strstr(e.message, "nope"));
    /* anvil sends the revert data as the error's "data" too */
    char why[64];
    assert_int_equal(e.has_data, 1);
    assert_int_equal(e.data_len, 100);
    assert_int_equal(ozk_revert_decode(why, sizeof why, e.data, e.data_len), 1);
    assert_string_equal(why, "nope");
    /* with a fixed gas limit it is mined, reverted, and the reason recovered */
    req.gas_limit = 100000;
    assert_int_equal(ozk_sender_send(g_s, &t, &req, &e), 0);
    ozk_tx_status st = { 0 };
    assert_int_equal(ozk_sender_wait(g_s, &st, t.hash, 1, 5000, &e), 0);
    assert_int_equal(st.state, OZK_TXS_REVERTED);
    assert_int_equal(st.status, 0);
    assert_int_equal(st.has_reason, 1);
    assert_string_equal(st.reason, "nope");
    ozk_sent_tx_clear(&t);

    /* Panic(0x11): anvil's message says "panic: arithmetic underflow or overflow (0x11)", the
     * ABI payload decodes to "panic 0x11", so the reason shows which path found it */
    uint8_t pcode[48] = { 0x60, 0x24, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60,
                          0x24, 0x60, 0x00, 0xfd, 0x4e, 0x48, 0x7b, 0x71 };
    pcode[12 + 4 + 31] = 0x11;
    char phex[2 * sizeof pcode + 3] = "0x";
    ozk_hex_encode(phex + 2, pcode, sizeof pcode);
    call0("anvil_setCode", json_pack("[s, s]", addr, phex));
    assert_int_equal(ozk_sender_send(g_s, &t, &req, &e), 0);
    memset(&st, 0, sizeof st);
    assert_int_equal(ozk_sender_wait(g_s, &st, t.hash, 1, 5000, &e), 0);
    assert_int_equal(st.state, OZK_TXS_REVERTED);
    assert_int_equal(st.has_reason, 1);
    assert_string_equal(st.reason, "panic 0x11");
    ozk_sent_tx_clear(&t);
}

static void test_reorg(void **state)
{
    (void)state;
    json_t *snap = call("evm_snapshot", json_array());
    ozk_send_request req;
    transfer(&req);
    ozk_sent_tx t;
    ozk_rpc_error e;
    assert_int_equal(ozk_sender_send(g_s, &t, &req, &e), 0);
    ozk_tx_status st = { 0 };
    assert_int_equal(ozk_sender_wait(g_s, &st, t.hash, 1, 5000, &e), 0);
    assert_int_equal(st.state, OZK_TXS_CONFIRMED);
    call0("evm_revert", json_pack("[O]", snap));
    json_decref(snap);
    call0("anvil_mine", json_pack("[s]", "0x2"));
    assert_int_equal(ozk_sender_poll(g_s, &st, t.hash, 1, &e), 0);
    assert_int_equal(st.state, OZK_TXS_REORGED);
    ozk_sent_tx_clear(&t);
    /* the nonce was forgotten: the next send uses the chain's and confirms */
    assert_int_equal(ozk_sender_send(g_s, &t, &req, &e), 0);
    memset(&st, 0, sizeof st);
    assert_int_equal(ozk_sender_wait(g_s, &st, t.hash, 1, 5000, &e), 0);
    assert_int_equal(st.state, OZK_TXS_CONFIRMED);
    ozk_sent_tx_clear(&t);
}

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_revert_decode),
    };
    const struct CMUnitTest with_anvil[] = {
        cmocka_unit_test(test_send_confirm), cmocka_unit_test(test_nonces),
        cmocka_unit_test(test_replace),      cmocka_unit_test(test_replace_refused),
        cmocka_unit_test(test_revert),       cmocka_unit_test(test_reorg),
    };
    int failed = TEST_RUN("sender", pure);
    failed += TEST_RUN_WITH("sender anvil", with_anvil, setup, teardown);
    return failed;
}
