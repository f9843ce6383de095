/*
 * tests/test_dapp.c: the dApp example (examples/dapp/check-output.mjs, docs/dapp.md) against a
 * real node, anvil and the real contracts (issue 9).
 *
 * `ozk deploy` and `ozk node` as in test_node.c; five ozk_infer in one JSON-RPC batch, waited on
 * until ozk_getReceipt says committed; receipts written to files. Then the example, run with
 * Node.js and viem from .tools/, must say:
 *  - the receipt as served (index 4 of a batch of 5: a proof of depth 3 through the padding):
 *    committed, status Committed, Merkle proof and signature good, the model's stake as
 *    registered, not frozen, exit 0; the same pinned with --settlement and --model-id;
 *  - pinned to another model id: refused, exit 1;
 *  - a changed output_q: Merkle proof and signature bad, not committed, exit 1; the right record
 *    claimed at another index: the proof fails, exit 1;
 *  - bad arguments and an unreadable receipt: exit 2 and no verdict;
 *  - another record, challenged with its preimages: Challenged, then Proven once the node
 *    responded (disputed and proven, not final);
 *  - once the challenge window has passed (anvil's clock moved past it): the untouched record is
 *    Final (final, neither disputed nor proven), the proven one stays Proven.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "node_testutil.h"
#include "ozk/hex.h"
#include "testutil.h"

static node_env g_env;

/* snprintf that fails the test when out is too small */
static void fmt(char *out, size_t cap, const char *f, ...) __attribute__((format(printf, 3, 4)));
static void fmt(char *out, size_t cap, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    int n = vsnprintf(out, cap, f, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < cap);
}

/* runs the example with args; its exit status, its stdout parsed as JSON into *verdict (NULL when
 * it is not JSON) */
static int run_example(node_env *e, json_t **verdict, const char *args)
{
    char cmd[4096], err_path[700];
    fmt(err_path, sizeof err_path, "%s/example.err", e->dir);
    /* the subshell keeps the example's stderr out of the JSON on stdout (test_sh folds 2>&1) */
    fmt(cmd, sizeof cmd, "(NODE_PATH='%s' '%s' '%s' %s 2>'%s')", OZK_NODE_MODULES, OZK_NODEJS,
        OZK_DAPP_EXAMPLE, args, err_path);
    char *out;
    int rc = test_sh(&out, cmd);
    json_error_t jerr;
    *verdict = json_loads(out, 0, &jerr);
    size_t len;
    char *err = (char *)test_read_file(err_path, &len);
    printf("check-output %s -> exit %d\n%s%s", args, rc, out, err);
    free(err);
    free(out);
    return rc;
}

static int flag(const json_t *v, const char *key)
{
    const json_t *j = json_object_get(v, key);
    if (!json_is_boolean(j)) fail_msg("verdict lacks the boolean %s", key);
    return json_is_true(j);
}

static const char *str(const json_t *v, const char *key)
{
    const char *s = json_string_value(json_object_get(v, key));
    if (!s) fail_msg("verdict lacks the string %s", key);
    return s;
}

/* waits (mining blocks) until ozk_getReceipt says request id is committed; its receipt */
static json_t *committed_receipt(node_env *e, const char *id)
{
    uint64_t t0 = test_now_ms();
    for (;;) {
        json_t *r = node_result(e, "ozk_getReceipt", json_pack("{s:s}", "request_id", id));
        json_t *b = json_object_get(r, "batch");
        if (json_is_object(b) && json_is_true(json_object_get(b, "committed"))) return r;
        json_decref(r);
        if (test_now_ms() - t0 > 30000) fail_msg("record %s not committed within 30 s", id);
        test_mine(&e->owner);
        test_sleep_ms(100);
    }
}

/* the challenger disputes the record of receipt r with its preimages (as a dApp's user would);
 * the node must then prove and respond */
static void challenge(node_env *e, const json_t *r)
{
    json_t *b = json_object_get(r, "batch");
    json_t *mp = json_object_get(b, "merkle_proof");
    size_t d = json_array_size(mp);
    assert_true(d <= 24);
    uint8_t id[32], salt[32], x[64], y[40], proof[24][32];
    node_hex_field(r, "request_id", id, 32);
    node_hex_field(r, "salt", salt, 32);
    node_hex_field(r, "input_q", x, 64);
    node_hex_field(r, "output_q", y, 40);
    ozk_abi_value sib[24];
    for (size_t k = 0; k < d; k++) {
        assert_int_equal(ozk_hex_decode(proof[k], 32, json_string_value(json_array_get(mp, k))),
                         32);
        sib[k] = tv_b32(proof[k]);
    }
    ozk_abi_value arr = { .kind = OZK_ABI_ARRAY, .items = sib, .n = d };
    ozk_abi_value a[8] = { tv_b32(e->dep.model_id),
                           tv_u64((uint64_t)json_integer_value(json_object_get(b, "seq"))),
                           tv_u64((uint64_t)json_integer_value(json_object_get(b, "index"))),
                           tv_b32(id),
                           tv_b32(salt),
                           tv_bytes(x, 64),
                           tv_bytes(y, 40),
                           arr };
    size_t len;
    uint8_t *data = test_calldata(
        &len, "challenge(bytes32,uint256,uint256,bytes32,bytes32,bytes,bytes,bytes32[])", a, 8);
    uint64_t bond = 0;
    for (int i = 24; i < 32; i++) bond = bond << 8 | e->dep.bond_wei[i];
    test_tx_ok(&e->challenger, e->dep.settlement, bond, data, len, 2000000);
    free(data);
}

/* the example on receipt file path: expects exit 0 and status; returns the verdict */
static json_t *expect_status(node_env *e, const char *path, const char *status)
{
    char args[2048];
    json_t *v;
    fmt(args, sizeof args, "--rpc %s --receipt '%s'", e->a.url, path);
    assert_int_equal(run_example(e, &v, args), 0);
    assert_non_null(v);
    assert_true(flag(v, "committed"));
    assert_true(flag(v, "merkleOk"));
    assert_true(flag(v, "signatureOk"));
    assert_string_equal(str(v, "status"), status);
    return v;
}

static void test_dapp_example(void **state)
{
    (void)state;
    node_env *e = &g_env;
    node_env_init(e, "dapp");
    node_env_deploy(e, "--challenge-window 60 --response-window 60");
    node_env_config(e, "");
    node_env_start(e);

    /* five inferences in one JSON-RPC batch, so they share a Merkle batch: the last one sits at
     * index 4 of 5, a proof of depth 3 through the padding */
    enum { N = 5 };
    char body[8192] = "[";
    for (int i = 0; i < N; i++) {
        uint8_t x[64];
        char xh[131] = "0x", call[300];
        for (int k = 0; k < 64; k++) x[k] = (uint8_t)test_rand_below(256);
        ozk_hex_encode(xh + 2, x, 64);
        fmt(call, sizeof call,
            "%s{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"ozk_infer\",\"params\":{\"input_q\":"
            "\"%s\"}}",
            i ? "," : "", i, xh);
        strcat(body, call);
    }
    strcat(body, "]");
    char *resp;
    assert_int_equal(node_post(e, body, NODE_TOKEN, &resp), 200);
    json_error_t jerr;
    json_t *answers = json_loads(resp, 0, &jerr);
    free(resp);
    assert_int_equal(json_array_size(answers), N);
    char ids[N][67];
    for (int i = 0; i < N; i++) {
        json_t *a = json_array_get(answers, (size_t)i);
        int k = (int)json_integer_value(json_object_get(a, "id"));
        assert_true(k >= 0 && k < N);
        const char *id =
            json_string_value(json_object_get(json_object_get(a, "result"), "request_id"));
        assert_non_null(id);
        fmt(ids[k], sizeof ids[k], "%s", id);
    }
    json_decref(answers);
    /* the record at the highest index, and another one */
    json_t *receipt = NULL, *first = NULL;
    for (int i = 0; i < N; i++) {
        json_t *r = committed_receipt(e, ids[i]);
        json_t *b = json_object_get(r, "batch");
        if (!receipt ||
            json_integer_value(json_object_get(b, "index")) >
                json_integer_value(json_object_get(json_object_get(receipt, "batch"), "index"))) {
            if (receipt && !first)
                first = receipt;
            else
                json_decref(receipt);
            receipt = r;
        } else if (!first) {
            first = r;
        } else {
            json_decref(r);
        }
    }
    assert_non_null(first);
    json_t *rb = json_object_get(receipt, "batch");
    printf("record at index %lld of a batch of %lld, a proof of %zu\n",
           (long long)json_integer_value(json_object_get(rb, "index")),
           (long long)json_integer_value(json_object_get(rb, "count")),
           json_array_size(json_object_get(rb, "merkle_proof")));

    char good[700], other[700], bad[700], junk[700], args[2048];
    fmt(good, sizeof good, "%s/receipt.json", e->dir);
    fmt(other, sizeof other, "%s/challenged.json", e->dir);
    fmt(bad, sizeof bad, "%s/tampered.json", e->dir);
    fmt(junk, sizeof junk, "%s/junk.json", e->dir);
    assert_int_equal(json_dump_file(receipt, good, JSON_INDENT(2)), 0);
    assert_int_equal(json_dump_file(first, other, JSON_INDENT(2)), 0);

    /* the receipt as served: committed, proof and signature good, the stake as registered */
    json_t *v = expect_status(e, good, "Committed");
    assert_false(flag(v, "final"));
    assert_false(flag(v, "disputed"));
    assert_false(flag(v, "proven"));
    json_t *model = json_object_get(v, "model");
    assert_true(json_is_object(model));
    char stake[80];
    ozk_u256_to_dec(stake, e->dep.stake_wei);
    assert_string_equal(str(model, "stake"), stake);
    assert_false(flag(model, "frozen"));
    json_decref(v);

    /* the same, pinned to the deployment it names (--settlement, --model-id) */
    {
        char s[41], m[65];
        ozk_hex_encode(s, e->dep.settlement, 20);
        ozk_hex_encode(m, e->dep.model_id, 32);
        fmt(args, sizeof args, "--rpc %s --receipt '%s' --settlement 0x%s --model-id 0x%s",
            e->a.url, good, s, m);
        assert_int_equal(run_example(e, &v, args), 0);
        assert_true(flag(v, "committed"));
        json_decref(v);
        /* and to another model: refused */
        m[0] = m[0] == '0' ? '1' : '0';
        fmt(args, sizeof args, "--rpc %s --receipt '%s' --model-id 0x%s", e->a.url, good, m);
        assert_int_equal(run_example(e, &v, args), 1);
        assert_false(flag(v, "committed"));
        json_decref(v);
    }

    /* a changed output: its leaf is not in the batch, and the committer never signed it */
    {
        json_t *t = json_deep_copy(receipt);
        const char *y = json_string_value(json_object_get(t, "output_q"));
        assert_non_null(y);
        char *y2 = strdup(y);
        y2[2] = y2[2] == '0' ? '1' : '0';
        json_object_set_new(t, "output_q", json_string(y2));
        free(y2);
        assert_int_equal(json_dump_file(t, bad, JSON_INDENT(2)), 0);
        json_decref(t);
        fmt(args, sizeof args, "--rpc %s --receipt '%s'", e->a.url, bad);
        assert_int_equal(run_example(e, &v, args), 1);
        assert_non_null(v);
        assert_false(flag(v, "merkleOk"));
        assert_false(flag(v, "signatureOk"));
        assert_false(flag(v, "committed"));
        json_decref(v);
    }
    /* the right record claimed at another index: the proof fails */
    {
        json_t *t = json_deep_copy(receipt);
        json_object_set_new(json_object_get(t, "batch"), "index", json_integer(0));
        assert_int_equal(json_dump_file(t, bad, JSON_INDENT(2)), 0);
        json_decref(t);
        fmt(args, sizeof args, "--rpc %s --receipt '%s'", e->a.url, bad);
        assert_int_equal(run_example(e, &v, args), 1);
        assert_false(flag(v, "merkleOk"));
        assert_true(flag(v, "signatureOk"));
        json_decref(v);
    }

    /* bad arguments and an unreadable receipt: exit 2, no verdict */
    fmt(args, sizeof args, "--rpc %s", e->a.url);
    assert_int_equal(run_example(e, &v, args), 2);
    assert_null(v);
    fmt(args, sizeof args, "--rpc %s --receipt '%s' --nope 1", e->a.url, good);
    assert_int_equal(run_example(e, &v, args), 2);
    assert_null(v);
    test_write_file(junk, "{\"request_id\": 5}", 17);
    fmt(args, sizeof args, "--rpc %s --receipt '%s'", e->a.url, junk);
    assert_int_equal(run_example(e, &v, args), 2);
    assert_null(v);

    /* a challenge of another record while the node is down: Challenged; the node, started
     * again, finds it and responds: Proven */
    assert_int_equal(node_env_stop(e, SIGTERM), 0);
    challenge(e, first);
    json_decref(expect_status(e, other, "Challenged"));
    node_env_start(e);
    uint64_t t0 = test_now_ms();
    for (;;) {
        fmt(args, sizeof args, "--rpc %s --receipt '%s'", e->a.url, other);
        assert_int_equal(run_example(e, &v, args), 0);
        if (strcmp(str(v, "status"), "Proven") == 0) break;
        assert_string_equal(str(v, "status"), "Challenged");
        json_decref(v);
        if (test_now_ms() - t0 > 45000) fail_msg("the challenge was not answered within 45 s");
        test_mine(&e->owner);
        test_sleep_ms(500);
    }
    assert_true(flag(v, "proven"));
    assert_true(flag(v, "disputed"));
    assert_false(flag(v, "final"));
    json_decref(v);

    /* after the challenge window: the untouched record is Final (nobody disputed it in time; it
     * was never proven), the proven one stays Proven */
    assert_int_equal(node_env_stop(e, SIGTERM), 0);
    test_warp(&e->owner, e->dep.challenge_window + 1);
    v = expect_status(e, good, "Final");
    assert_true(flag(v, "final"));
    assert_false(flag(v, "proven"));
    assert_false(flag(v, "disputed"));
    json_decref(v);
    v = expect_status(e, other, "Proven");
    assert_false(flag(v, "final"));
    json_decref(v);

    json_decref(first);
    json_decref(receipt);
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
        cmocka_unit_test_teardown(test_dapp_example, teardown),
    };
    return TEST_RUN("dapp", tests);
}
