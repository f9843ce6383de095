/*
 * tests/test_contract.c: a real contract end to end against anvil. tests/fixtures/Counter.sol is
 * compiled at test time with solc-js, deployed with ozk_sender (a create transaction), bumped
 * twice (sent and confirmed), its Bumped events read with ozk_watcher and decoded with
 * ozk_abi_decode_log, and a bump(0) reported as reverted with its require() reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anvil.h"
#include "ozk/abi.h"
#include "ozk/error.h"
#include "ozk/hex.h"
#include "ozk/sender.h"
#include "ozk/watcher.h"
#include "testutil.h"

static const char KEY[] = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
static const char DEV[] = "f39fd6e51aad88f6f4ce6ab8827279cfffb92266";
static const char EVENT[] = "Bumped(address,uint256,uint256)";

/* compiles Counter.sol into a temporary directory; returns the creation code's length */
static size_t compile(uint8_t *out, size_t cap)
{
    char dir[] = "/tmp/ozk-contract-XXXXXX", cmd[1024], path[512];
    assert_non_null(mkdtemp(dir));
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' --bin --abi --optimize -o '%s' Counter.sol",
             OZK_TEST_FIXTURES, OZK_SOLCJS, dir);
    assert_int_equal(system(cmd), 0);
    snprintf(path, sizeof path, "%s/Counter_sol_Counter.bin", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char hex[65536];
    size_t n = fread(hex, 1, sizeof hex - 1, f);
    fclose(f);
    while (n && (hex[n - 1] == '\n' || hex[n - 1] == '\r' || hex[n - 1] == ' ')) n--;
    hex[n] = '\0';
    long len = ozk_hex_decode(out, cap, hex);
    assert_true(len > 0);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    return (size_t)len;
}

static void send_and_wait(ozk_sender *s, ozk_tx_status *st, const ozk_send_request *req,
                          uint8_t hash[32])
{
    ozk_sent_tx t;
    ozk_rpc_error e;
    int rc = ozk_sender_send(s, &t, req, &e);
    if (rc) fprintf(stderr, "send: %s\n", e.message);
    assert_int_equal(rc, 0);
    memset(st, 0, sizeof *st);
    assert_int_equal(ozk_sender_wait(s, st, t.hash, 1, 5000, &e), 0);
    memcpy(hash, t.hash, 32);
    ozk_sent_tx_clear(&t);
}

static void bump_request(ozk_send_request *req, const uint8_t to[20], uint64_t by, uint8_t **data)
{
    ozk_abi_value arg, args = { .kind = OZK_ABI_TUPLE, .items = &arg, .n = 1 };
    ozk_abi_value_u64(&arg, by);
    size_t len;
    assert_int_equal(ozk_abi_calldata(data, &len, "bump(uint256)", &args), 0);
    memset(req, 0, sizeof *req);
    req->has_to = 1;
    memcpy(req->to, to, 20);
    req->data = *data;
    req->data_len = len;
}

struct seen {
    int n;
    uint8_t who[2][20];
    uint64_t by[2], total[2];
};

static uint64_t word_u64(const uint8_t w[32])
{
    for (int i = 0; i < 24; i++) assert_int_equal(w[i], 0);
    uint64_t x = 0;
    for (int i = 24; i < 32; i++) x = x << 8 | w[i];
    return x;
}

static int on_event(void *ctx, const ozk_watch_event *ev)
{
    struct seen *s = ctx;
    assert_int_equal(ev->kind, OZK_WATCH_LOG);
    assert_true(s->n < 2);
    static const int indexed[3] = { 1, 0, 0 };
    ozk_abi_value v;
    assert_int_equal(ozk_abi_decode_log(&v, EVENT, indexed, 3, ev->topics[0], ev->n_topics,
                                        ev->data, ev->data_len),
                     0);
    assert_int_equal(v.kind, OZK_ABI_TUPLE);
    assert_int_equal(v.n, 3);
    memcpy(s->who[s->n], v.items[0].word + 12, 20);
    s->by[s->n] = word_u64(v.items[1].word);
    s->total[s->n] = word_u64(v.items[2].word);
    s->n++;
    ozk_abi_value_free(&v);
    return 0;
}

static void test_counter(void **state)
{
    (void)state;
    static uint8_t code[32768];
    size_t code_len = compile(code, sizeof code);

    struct anvil a;
    assert_int_equal(anvil_start(&a), 0);
    ozk_rpc_config rcfg;
    ozk_rpc_config_default(&rcfg);
    rcfg.url = a.url;
    ozk_rpc *rpc;
    ozk_rpc_error e;
    assert_int_equal(ozk_rpc_open(&rpc, &rcfg, &e), 0);
    ozk_key key;
    assert_int_equal(ozk_key_from_hex(&key, KEY, strlen(KEY), NULL, 0), 0);
    ozk_sender_config scfg;
    ozk_sender_config_default(&scfg);
    scfg.poll_ms = 20;
    ozk_sender *s;
    assert_int_equal(ozk_sender_open(&s, rpc, &key, &scfg, &e), 0);
    ozk_key_wipe(&key);
    uint8_t dev[20], me[20];
    assert_int_equal(ozk_hex_decode(dev, 20, DEV), 20);
    ozk_sender_address(s, me);
    assert_memory_equal(me, dev, 20);

    /* deploy, and read the new contract's address from the receipt */
    ozk_send_request req = { 0 };
    req.data = code;
    req.data_len = code_len;
    ozk_tx_status st;
    uint8_t hash[32];
    send_and_wait(s, &st, &req, hash);
    assert_int_equal(st.state, OZK_TXS_CONFIRMED);
    char h[67] = "0x";
    ozk_hex_encode(h + 2, hash, 32);
    json_t *rec = NULL, *params = json_pack("[s]", h);
    assert_int_equal(
        ozk_rpc_call(rpc, &rec, "eth_getTransactionReceipt", params, OZK_RPC_OBJECT, &e), 0);
    json_decref(params);
    uint8_t counter[20];
    const char *ca = json_string_value(json_object_get(rec, "contractAddress"));
    assert_non_null(ca);
    assert_int_equal(ozk_rpc_hex_to_bytes(counter, 20, ca), 20);
    json_decref(rec);
    uint64_t deployed_at = st.block_number;

    /* bump(5), bump(7) */
    const uint64_t bys[2] = { 5, 7 };
    for (int i = 0; i < 2; i++) {
        uint8_t *data;
        bump_request(&req, counter, bys[i], &data);
        send_and_wait(s, &st, &req, hash);
        free(data);
        assert_int_equal(st.state, OZK_TXS_CONFIRMED);
        assert_int_equal(st.status, 1);
    }

    /* the events, through the watcher, filtered by address and topic */
    uint8_t topic[32];
    ozk_abi_event_topic(topic, EVENT);
    ozk_watcher_config wcfg;
    ozk_watcher_config_default(&wcfg);
    wcfg.addresses = counter;
    wcfg.n_addresses = 1;
    wcfg.topic0 = topic;
    wcfg.n_topic0 = 1;
    wcfg.confirmations = 0;
    ozk_watcher *w;
    assert_int_equal(ozk_watcher_open(&w, rpc, &wcfg, &e), 0);
    ozk_watcher_cursor c;
    ozk_watcher_cursor_init(&c, deployed_at);
    struct seen seen = { 0 };
    int rc = ozk_watcher_poll(w, &c, on_event, &seen, &e);
    if (rc) fprintf(stderr, "poll: %s\n", e.message);
    assert_int_equal(rc, 0);
    ozk_watcher_close(w);
    assert_int_equal(seen.n, 2);
    for (int i = 0; i < 2; i++) {
        assert_memory_equal(seen.who[i], dev, 20);
        assert_int_equal(seen.by[i], bys[i]);
    }
    assert_int_equal(seen.total[0], 5);
    assert_int_equal(seen.total[1], 12);

    /* bump(0) reverts: estimateGas says so; with a fixed gas limit it is mined and reverted */
    uint8_t *data;
    bump_request(&req, counter, 0, &data);
    ozk_sent_tx t;
    assert_int_equal(ozk_sender_send(s, &t, &req, &e), OZK_EIO);
    assert_int_equal(e.kind, OZK_RPC_ERR_REMOTE);
    char why[64];
    assert_int_equal(e.has_data, 1);
    assert_int_equal(ozk_revert_decode(why, sizeof why, e.data, e.data_len), 1);
    assert_string_equal(why, "by must be nonzero");
    req.gas_limit = 100000;
    send_and_wait(s, &st, &req, hash);
    free(data);
    assert_int_equal(st.state, OZK_TXS_REVERTED);
    assert_int_equal(st.has_reason, 1);
    assert_string_equal(st.reason, "by must be nonzero");

    ozk_sender_close(s);
    ozk_rpc_close(rpc);
    anvil_stop(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(test_counter) };
    return TEST_RUN("contract", tests) ? 1 : 0;
}
