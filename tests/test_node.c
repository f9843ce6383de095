/*
 * tests/test_node.c: `ozk node` end to end against a real anvil and the real contracts
 * (issue 8, the honest path and the API).
 *
 * `ozk deploy` puts the Settlement, the digits MLP's generated verifier and the registration on
 * anvil; `ozk node` runs as a child process with its config file. Then:
 *  - 100 ozk_infer requests (floats and canonical bytes): every answer is the model's output for
 *    that input, its receipt is signed by the committer over the EIP-712 digest the settlement
 *    computes, and its leaf is the record's;
 *  - batches are committed: every receipt's Merkle proof verifies against the root the chain
 *    stored for its batch, and the chain's count is the batch's;
 *  - accepted inputs prove and verify (three records through ozk_prove / ozk_verify);
 *  - a challenger disputes an honest record with its preimages: the node proves and responds,
 *    the challenge is Answered on chain and the bond is credited to the operator's payee;
 *  - API abuse: no token, a wrong token, malformed JSON, unknown methods and members, wrong
 *    lengths, non-numbers, an oversized body, a batch over the limit; the node keeps serving;
 *  - SIGTERM stops it cleanly (exit 0); restarted on the same store, every record and its
 *    receipt are still there.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "model_testutil.h"
#include "node_testutil.h"
#include "ozk/error.h"
#include "ozk/hex.h"
#include "ozk/merkle.h"
#include "ozk/model.h"
#include "ozk/proof.h"
#include "ozk/srs.h"
#include "ozk/tx.h"
#include "testutil.h"

#define N_REQUESTS 100

static node_env g_env;

typedef struct {
    uint8_t id[32], salt[32], x[64], y[40];
} rec;

/* checks one ozk_infer answer against the model and the deployment; fills r */
static void check_receipt(node_env *e, const ozk_model *m, const json_t *res, rec *r,
                          const uint8_t *x_expected)
{
    node_hex_field(res, "request_id", r->id, 32);
    node_hex_field(res, "salt", r->salt, 32);
    node_hex_field(res, "input_q", r->x, 64);
    node_hex_field(res, "output_q", r->y, 40);
    if (x_expected) assert_memory_equal(r->x, x_expected, 64);
    /* the output is the model's */
    int8_t q[64];
    int32_t out[10];
    uint8_t y[40];
    void *work = malloc(ozk_model_work_size(m));
    assert_int_equal(ozk_model_decode_input(m, q, r->x, 64), 0);
    ozk_model_infer(m, out, q, work);
    free(work);
    ozk_model_encode_output(m, y, out);
    assert_memory_equal(y, r->y, 40);
    /* hashes, leaf, signature */
    ozk_receipt rc;
    rc.chain_id = e->dep.chain_id;
    memcpy(rc.settlement, e->dep.settlement, 20);
    memcpy(rc.model_id, e->dep.model_id, 32);
    memcpy(rc.request_id, r->id, 32);
    ozk_merkle_salted_hash(rc.x_hash, r->salt, r->x, 64);
    ozk_merkle_salted_hash(rc.y_hash, r->salt, r->y, 40);
    uint8_t h[32], leaf[32], sig[65], who[20];
    node_hex_field(res, "x_hash", h, 32);
    assert_memory_equal(h, rc.x_hash, 32);
    node_hex_field(res, "y_hash", h, 32);
    assert_memory_equal(h, rc.y_hash, 32);
    ozk_merkle_record mr = { 1, e->dep.chain_id, { 0 }, { 0 }, { 0 }, { 0 }, { 0 } };
    memcpy(mr.settlement, rc.settlement, 20);
    memcpy(mr.model_id, rc.model_id, 32);
    memcpy(mr.request_id, r->id, 32);
    memcpy(mr.x_hash, rc.x_hash, 32);
    memcpy(mr.y_hash, rc.y_hash, 32);
    ozk_merkle_leaf(leaf, &mr);
    node_hex_field(res, "leaf", h, 32);
    assert_memory_equal(h, leaf, 32);
    rc.deadline = (uint64_t)json_integer_value(json_object_get(res, "commit_deadline"));
    uint8_t digest[32], chain_digest[32];
    ozk_receipt_digest(digest, &rc);
    node_hex_field(res, "signature", sig, 65);
    assert_int_equal(ozk_ecrecover(who, digest, sig), 1);
    assert_memory_equal(who, e->dep.committer, 20);
    /* the settlement computes the same digest */
    ozk_abi_value fields[7] = { tv_u64(rc.chain_id),   tv_addr(rc.settlement), tv_b32(rc.model_id),
                                tv_b32(rc.request_id), tv_b32(rc.x_hash),      tv_b32(rc.y_hash),
                                tv_u64(rc.deadline) };
    ozk_abi_value tup = { .kind = OZK_ABI_TUPLE, .items = fields, .n = 7 };
    test_view(&e->owner, e->dep.settlement,
              "receiptDigest((uint256,address,bytes32,bytes32,bytes32,bytes32,uint64))", &tup, 1,
              chain_digest, 32);
    assert_memory_equal(chain_digest, digest, 32);
}

/* waits (mining blocks) until every receipt says committed; checks each Merkle proof against
 * the chain's root of its batch */
static void wait_committed(node_env *e, rec *rs, size_t n)
{
    uint64_t t0 = test_now_ms();
    for (size_t i = 0; i < n; i++) {
        for (;;) {
            json_t *p = json_pack("{s:o}", "request_id", json_string(""));
            char idh[67] = "0x";
            ozk_hex_encode(idh + 2, rs[i].id, 32);
            json_object_set_new(p, "request_id", json_string(idh));
            json_t *res = node_result(e, "ozk_getReceipt", p);
            json_t *b = json_object_get(res, "batch");
            if (json_is_object(b) && json_is_true(json_object_get(b, "committed"))) {
                uint64_t seq = (uint64_t)json_integer_value(json_object_get(b, "seq"));
                uint64_t idx = (uint64_t)json_integer_value(json_object_get(b, "index"));
                uint64_t count = (uint64_t)json_integer_value(json_object_get(b, "count"));
                uint8_t root[32], leaf[32], w[6 * 32], proof[24][32];
                node_hex_field(b, "root", root, 32);
                node_hex_field(res, "leaf", leaf, 32);
                json_t *mp = json_object_get(b, "merkle_proof");
                size_t d = json_array_size(mp);
                assert_true(d <= 24);
                for (size_t k = 0; k < d; k++) {
                    const char *s = json_string_value(json_array_get(mp, k));
                    assert_int_equal(ozk_hex_decode(proof[k], 32, s), 32);
                }
                ozk_abi_value a[2] = { tv_b32(e->dep.model_id), tv_u64(seq) };
                test_view(&e->owner, e->dep.settlement, "batch(bytes32,uint256)", a, 2, w,
                          sizeof w);
                assert_memory_equal(w, root, 32);               /* the chain's root */
                assert_int_equal(test_word_u64(w + 32), count); /* and count */
                assert_int_equal(
                    ozk_merkle_verify(root, leaf, idx, count, (const uint8_t(*)[32])proof, d), 1);
                json_decref(res);
                break;
            }
            json_decref(res);
            if (test_now_ms() - t0 > 60000) fail_msg("record %zu not committed within 60 s", i);
            test_mine(&e->owner);
            test_sleep_ms(100);
        }
    }
}

static json_t *receipt_of(node_env *e, const uint8_t id[32])
{
    return node_receipt(e, id);
}

static uint64_t challenge(node_env *e, const rec *r)
{
    return node_challenge(e, r->id, r->salt, r->x, r->y);
}

static int challenge_status(node_env *e, uint64_t id)
{
    return node_challenge_status(e, id);
}

static uint64_t credits_of(node_env *e, const uint8_t who[20])
{
    return node_credits(e, who);
}

/* ---- the API's refusals ---------------------------------------------------------------------- */

static void expect_error(node_env *e, const char *body, const char *token, long http, int code)
{
    char *resp;
    long st = node_post(e, body, token, &resp);
    if (st != http) fail_msg("%s: HTTP %ld, expected %ld: %s", body, st, http, resp);
    if (code) {
        json_error_t je;
        json_t *o = json_loads(resp, 0, &je);
        if (!o) fail_msg("%s: not JSON: %s", body, resp);
        json_int_t got = json_integer_value(json_object_get(json_object_get(o, "error"), "code"));
        if (got != code)
            fail_msg("%s: error %lld, expected %d: %s", body, (long long)got, code, resp);
        json_decref(o);
    }
    free(resp);
}

static void api_abuse(node_env *e)
{
    const char *ok = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ozk_infer\",\"params\":"
                     "{\"input_q\":\"0x00000000000000000000000000000000000000000000000000000000"
                     "000000000000000000000000000000000000000000000000000000000000000000000000"
                     "0000\"}}";
    expect_error(e, ok, NULL, 401, -32001); /* no token */
    expect_error(e, ok, "wrong-token-0123456789", 401, -32001);
    expect_error(e, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":", NODE_TOKEN, 200, -32700);
    expect_error(e, "[]", NODE_TOKEN, 200, -32600);
    expect_error(e, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ozk_nope\"}", NODE_TOKEN, 200,
                 -32601);
    expect_error(e, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ozk_infer\",\"params\":{}}",
                 NODE_TOKEN, 200, -32602);
    expect_error(e,
                 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ozk_infer\",\"params\":"
                 "{\"input_q\":\"0x00\"}}",
                 NODE_TOKEN, 200, -32602); /* wrong length */
    expect_error(e,
                 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ozk_infer\",\"params\":"
                 "{\"input\":[1,2,3]}}",
                 NODE_TOKEN, 200, -32602);
    {
        char body[2048] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ozk_infer\",\"params\":"
                          "{\"input\":[\"a\"";
        for (int i = 1; i < 64; i++) strcat(body, ",0");
        strcat(body, "]}}");
        expect_error(e, body, NODE_TOKEN, 200, -32602); /* not a number */
    }
    expect_error(e,
                 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ozk_infer\",\"params\":"
                 "{\"input_q\":\"0x00\",\"extra\":1}}",
                 NODE_TOKEN, 200, -32602);
    expect_error(e,
                 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ozk_getReceipt\",\"params\":"
                 "{\"request_id\":\"0x1234\"}}",
                 NODE_TOKEN, 200, -32602);
    /* records hold clients' inputs, outputs and salts: reading them needs the token too */
    expect_error(e,
                 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ozk_getReceipt\",\"params\":"
                 "{\"request_id\":\"0x1234\"}}",
                 NULL, 401, -32001);
    expect_error(e,
                 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ozk_getBatch\",\"params\":"
                 "{\"seq\":99999}}",
                 NODE_TOKEN, 200, -32602);
    {
        /* a body over max_body (64 KiB in this config) */
        size_t n = 70 * 1024;
        char *big = malloc(n + 1);
        memset(big, ' ', n);
        memcpy(big, "{\"x\":\"", 6);
        big[n - 2] = '"', big[n - 1] = '}', big[n] = 0;
        expect_error(e, big, NODE_TOKEN, 413, 0);
        free(big);
    }
    {
        /* a batch over max_batch (10 here) */
        char body[4096] = "[";
        for (int i = 0; i < 11; i++)
            strcat(body, i ? ",{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ozk_status\"}"
                           : "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ozk_status\"}");
        strcat(body, "]");
        expect_error(e, body, NODE_TOKEN, 200, -32600);
    }
    /* read methods need no token; the node still serves */
    json_t *st = node_call(e, "ozk_status", NULL, NULL);
    assert_non_null(json_object_get(st, "result"));
    json_decref(st);
}

/* ---- the test -------------------------------------------------------------------------------- */

static void test_node_honest(void **state)
{
    (void)state;
    node_env *e = &g_env;
    node_env_init(e, "node");
    node_env_deploy(e, "--challenge-window 300 --response-window 300");
    node_env_config(e, ", \"max_body\": 65536, \"max_batch\": 10");
    node_env_start(e);
    ozk_model *m = test_model_fixture(OZK_FIXTURES, "digits-mlp.ozkm");

    /* 100 requests, floats and canonical bytes alternately */
    static rec rs[N_REQUESTS];
    uint64_t t0 = test_now_ms();
    for (int i = 0; i < N_REQUESTS; i++) {
        uint8_t x[64];
        json_t *p;
        if (i % 2) {
            char hex[131] = "0x";
            for (int k = 0; k < 64; k++) x[k] = (uint8_t)test_rand_below(256);
            ozk_hex_encode(hex + 2, x, 64);
            p = json_pack("{s:s}", "input_q", hex);
        } else {
            json_t *a = json_array();
            double v[64];
            for (int k = 0; k < 64; k++) {
                v[k] = ((double)test_rand_below(2001) - 1000.0) / 1000.0;
                json_array_append_new(a, json_real(v[k]));
            }
            int8_t q[64];
            assert_int_equal(ozk_model_quantize_input(m, q, v, 64, NULL, 0), 0);
            ozk_model_encode_input(m, x, q);
            p = json_pack("{s:o}", "input", a);
        }
        json_t *res = node_result(e, "ozk_infer", p);
        check_receipt(e, m, res, &rs[i], x);
        assert_true(json_is_null(json_object_get(res, "batch")));
        json_decref(res);
    }
    uint64_t t1 = test_now_ms();
    printf("100 ozk_infer answered in %llu ms (records durable)\n", (unsigned long long)(t1 - t0));

    /* committed in batches; every receipt's proof against the chain's root */
    wait_committed(e, rs, N_REQUESTS);
    printf("all 100 records committed within %llu ms\n", (unsigned long long)(test_now_ms() - t1));
    {
        json_t *s = node_result(e, "ozk_status", NULL);
        json_t *c = json_object_get(s, "chain");
        assert_true(json_integer_value(json_object_get(c, "records_committed")) >= N_REQUESTS);
        json_decref(s);
    }

    /* accepted inputs prove and verify (the node refuses nothing it could not prove) */
    {
        char err[256];
        size_t len;
        uint8_t *buf = test_read_file(e->srs, &len);
        ozk_srs srs;
        if (ozk_srs_decode(&srs, buf, len, err, sizeof err)) fail_msg("%s", err);
        free(buf);
        ozk_vk *vk;
        if (ozk_vk_build(&vk, m, &srs, 0, err, sizeof err)) fail_msg("%s", err);
        assert_memory_equal(ozk_vk_hash(vk), e->dep.vk_hash, 32);
        for (int i = 0; i < 3; i++) {
            rec *r = &rs[i * 37 % N_REQUESTS];
            uint8_t *proof, y[40];
            size_t plen;
            if (ozk_prove(&proof, &plen, y, m, vk, &srs, r->x, 64, NULL, err, sizeof err))
                fail_msg("prove: %s", err);
            assert_memory_equal(y, r->y, 40);
            assert_int_equal(ozk_verify(vk, r->x, 64, r->y, 40, proof, plen, err, sizeof err), 1);
            free(proof);
        }
        ozk_vk_free(vk);
        ozk_srs_free(&srs);
    }

    /* a challenge of an honest record: proven and answered; the bond goes to the payee */
    uint64_t before = credits_of(e, e->dep.payee);
    uint64_t tc = test_now_ms();
    uint64_t id = challenge(e, &rs[42]);
    while (challenge_status(e, id) != 2) {
        if (test_now_ms() - tc > 60000)
            fail_msg("challenge %llu not answered within 60 s", (unsigned long long)id);
        test_mine(&e->owner);
        test_sleep_ms(100);
    }
    printf("challenge %llu answered on chain %llu ms after it was mined\n", (unsigned long long)id,
           (unsigned long long)(test_now_ms() - tc));
    uint64_t bond = 0;
    for (int i = 24; i < 32; i++) bond = bond << 8 | e->dep.bond_wei[i];
    assert_true(credits_of(e, e->dep.payee) == before + bond);

    /* /health and /metrics (Prometheus text with the node's series) */
    {
        char *body;
        assert_int_equal(node_get(e, "/health", &body), 200);
        assert_non_null(strstr(body, "\"ok\""));
        free(body);
        test_sleep_ms(1100); /* the gauges refresh every second */
        assert_int_equal(node_get(e, "/metrics", &body), 200);
        static const char *series[] = {
            "ozk_api_requests_total",    "ozk_infer_seconds_bucket{le=",
            "ozk_records_pending",       "ozk_records_committed",
            "ozk_batches_committed",     "ozk_challenges_seen",
            "ozk_challenges_answered",   "ozk_proof_seconds_count",
            "ozk_chain_head_lag_blocks", "ozk_balance_eth{key=\"responder\"}"
        };
        for (size_t k = 0; k < sizeof series / sizeof series[0]; k++)
            if (!strstr(body, series[k])) fail_msg("/metrics lacks %s:\n%s", series[k], body);
        assert_non_null(strstr(body, "ozk_challenges_answered 1"));
        free(body);
        assert_int_equal(node_get(e, "/nope", &body), 404);
        free(body);
    }

    /* the API refuses what it must, and keeps serving */
    api_abuse(e);
    assert_true(node_log_contains(e, "listening on"));
    assert_false(node_log_contains(e, NODE_TOKEN)); /* secrets never logged */

    /* a clean stop; restarted on the same store, the records are all there */
    assert_int_equal(node_env_stop(e, SIGTERM), 0);
    assert_true(node_log_contains(e, "stopped cleanly"));
    node_env_start(e);
    for (int i = 0; i < N_REQUESTS; i += 9) {
        json_t *res = receipt_of(e, rs[i].id);
        uint8_t y[40];
        node_hex_field(res, "output_q", y, 40);
        assert_memory_equal(y, rs[i].y, 40);
        assert_true(json_is_true(json_object_get(json_object_get(res, "batch"), "committed")));
        json_decref(res);
    }
    assert_int_equal(node_env_stop(e, SIGINT), 0);
    ozk_model_free(m);
    node_env_free(e);
}

static int teardown(void **state)
{
    (void)state;
    node_env_free(&g_env);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_node_honest, teardown),
    };
    return TEST_RUN("node", tests);
}
