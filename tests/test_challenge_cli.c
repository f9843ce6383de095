/*
 * tests/test_challenge_cli.c: the challenger's commands (`ozk challenge ...`, `ozk withdraw`)
 * against a real node on anvil (tests/node_testutil.h), the real Settlement and the digits MLP's
 * generated verifier. One chain, three phases:
 *
 *  A. an honest node: `check` passes on a committed receipt (with --vk and --model: MATCH) and
 *     fails, naming the problem, on a changed output_q, signature, salt and Merkle proof;
 *     `submit` refuses an uncommitted record; a challenge of an honest record is Answered (the
 *     node proves; `watch` and `status` say so) and a second one is refused (Proven);
 *  B. a dishonest node (its own model): `check --model` says MISMATCH; `submit`; `claim` is refused
 *     before the deadline; `watch` times out; after the response window `claim` credits the
 *     challenger and `withdraw` pays out;
 *  C. a receipt never committed (the node is killed before its batch closes): `challenge receipt`
 *     refuses before the commit deadline, succeeds after it, and `claim` after the response
 *     window; finally a record of phase A, past its challenge window, is refused.
 *
 * Chain time moves with evm_increaseTime (test_warp); the node's receipts are in wall time.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "node_testutil.h"
#include "ozk/hex.h"
#include "testutil.h"

static const char KEY_CHALLENGER[] =
    "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";

static node_env g_env;
static char g_key[700], g_settle[43];

/* NODE.json with its own store folder (one per model) */
static void write_config(node_env *e, const char *store, const char *extra)
{
    char buf[4096];
    int n = snprintf(buf, sizeof buf,
                     "{\"deployment\": \"%s\", \"rpc\": \"%s\", \"store\": \"%s/%s\",\n"
                     " \"committer_key\": \"%s/owner.key\", \"responder_key\": "
                     "\"%s/responder.key\",\n"
                     " \"port\": 0, \"port_file\": \"%s\", \"api_token_file\": \"%s\",\n"
                     " \"poll_ms\": 100, \"confirmations\": 1, \"log_level\": \"debug\"%s}\n",
                     e->deployment, e->a.url, e->dir, store, e->dir, e->dir, e->port_file,
                     e->token_file, extra);
    assert_true(n > 0 && (size_t)n < sizeof buf);
    test_write_file(e->config, buf, (size_t)n);
}

static json_t *infer(node_env *e)
{
    uint8_t x[64];
    char hex[131] = "0x";
    for (int k = 0; k < 64; k++) x[k] = (uint8_t)test_rand_below(256);
    ozk_hex_encode(hex + 2, x, 64);
    return node_result(e, "ozk_infer", json_pack("{s:s}", "input_q", hex));
}

static const char *req_id(const json_t *r)
{
    return json_string_value(json_object_get(r, "request_id"));
}

/* ozk_getReceipt until the batch is committed */
static json_t *committed_receipt(node_env *e, const char *id)
{
    uint64_t t0 = test_now_ms();
    for (;;) {
        json_t *r = node_result(e, "ozk_getReceipt", json_pack("{s:s}", "request_id", id));
        json_t *b = json_object_get(r, "batch");
        if (json_is_object(b) && json_is_true(json_object_get(b, "committed"))) return r;
        json_decref(r);
        if (test_now_ms() - t0 > 60000) fail_msg("record %s not committed within 60 s", id);
        test_mine(&e->owner);
        test_sleep_ms(100);
    }
}

static void write_json(const char *path, const json_t *j)
{
    char *t = json_dumps(j, JSON_INDENT(2));
    assert_non_null(t);
    test_write_file(path, t, strlen(t));
    free(t);
}

/* a copy of r with field key (in r, or in r.batch when in_batch) replaced by a string */
static void write_tampered(const char *path, const json_t *r, int in_batch, const char *key,
                           const char *value)
{
    json_t *c = json_deep_copy(r);
    json_t *o = in_batch ? json_object_get(c, "batch") : c;
    json_object_set_new(o, key, json_string(value));
    write_json(path, c);
    json_decref(c);
}

/* flips the last hex digit of a "0x.." string */
static char *flip_last(const char *s)
{
    char *t = strdup(s);
    size_t n = strlen(t);
    t[n - 1] = t[n - 1] == '0' ? '1' : '0';
    return t;
}

/* runs an ozk command that must exit with code and print needle; its output (free it) */
static char *run_expect(int code, const char *needle, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static char *run_expect(int code, const char *needle, const char *fmt, ...)
{
    char args[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    char *out;
    int rc = test_bin(&out, OZK_BIN, "%s", args);
    if (rc != code || (needle && !strstr(out, needle)))
        fail_msg("ozk %s\nexited %d (expected %d%s%s):\n%s", args, rc, code,
                 needle ? ", output with " : "", needle ? needle : "", out);
    if (strstr(out, KEY_CHALLENGER)) fail_msg("ozk %s printed the key", args);
    return out;
}

static uint64_t challenge_id(const char *out)
{
    const char *p = strstr(out, "challenge   ");
    if (!p) fail_msg("no challenge id in:\n%s", out);
    return strtoull(p + 12, NULL, 10);
}

static void balance_of(node_env *e, const uint8_t a[20], uint8_t wei[32])
{
    ozk_rpc_error err;
    if (ozk_rpc_get_balance(e->owner.rpc, wei, a, &err)) fail_msg("%s", err.message);
}

static void test_challenge_cli(void **state)
{
    (void)state;
    node_env *e = &g_env;
    uint64_t t_start = test_now_ms();
    node_env_init(e, "challenge");
    snprintf(g_key, sizeof g_key, "%.500s/challenger.key", e->dir);
    test_write_file(g_key, KEY_CHALLENGER, strlen(KEY_CHALLENGER));
    assert_int_equal(chmod(g_key, 0600), 0);
    const char *url = e->a.url;
    char p[700], q[700];
    snprintf(p, sizeof p, "%.500s/receipt.json", e->dir);
    snprintf(q, sizeof q, "%.500s/tampered.json", e->dir);
    char *out;

    /* ---- A: an honest node ---- */
    node_env_deploy(e, "--challenge-window 300 --response-window 300");
    {
        char h[41];
        ozk_hex_encode(h, e->dep.settlement, 20);
        snprintf(g_settle, sizeof g_settle, "0x%s", h);
    }
    char vk1[OZK_DEPLOYMENT_PATH_MAX], model1[OZK_DEPLOYMENT_PATH_MAX];
    snprintf(vk1, sizeof vk1, "%.4000s", e->dep.vk);
    snprintf(model1, sizeof model1, "%.4000s", e->dep.model);
    write_config(e, "store1", ", \"batch_max_records\": 25, \"batch_max_age_ms\": 400");
    node_env_start(e);
    json_t *ans[4];
    for (int i = 0; i < 4; i++) ans[i] = infer(e);
    /* not in a batch yet: submit refuses, nothing sent */
    write_json(p, ans[3]);
    free(run_expect(1, "not in a batch", "challenge submit --rpc %s --key '%s' --receipt '%s'", url,
                    g_key, p));
    json_t *r0 = committed_receipt(e, req_id(ans[0]));
    json_t *r1 = committed_receipt(e, req_id(ans[1]));
    assert_true(json_array_size(json_object_get(json_object_get(r0, "batch"), "merkle_proof")) > 0);
    write_json(p, r0);
    out = run_expect(0, "MATCH",
                     "challenge check --rpc %s --receipt '%s' --vk '%s' --model '%s' "
                     "--insecure-dev-srs",
                     url, p, vk1, model1);
    assert_non_null(strstr(out, "deployment OK"));
    assert_non_null(strstr(out, "receipt OK"));
    assert_non_null(strstr(out, "Committed"));
    printf("check of an honest receipt:\n%s\n", out);
    free(out);
    /* tampered receipts: each one names its problem */
    {
        char *t = flip_last(json_string_value(json_object_get(r0, "output_q")));
        write_tampered(q, r0, 0, "output_q", t);
        free(t);
        free(run_expect(1, "y_hash", "challenge check --rpc %s --receipt '%s'", url, q));
        t = flip_last(json_string_value(json_object_get(r0, "salt")));
        write_tampered(q, r0, 0, "salt", t);
        free(t);
        free(run_expect(1, "x_hash", "challenge check --rpc %s --receipt '%s'", url, q));
        /* s of the signature (bytes 32..63), not v */
        char *sig = strdup(json_string_value(json_object_get(r0, "signature")));
        sig[2 + 100] = sig[2 + 100] == '0' ? '1' : '0';
        write_tampered(q, r0, 0, "signature", sig);
        free(sig);
        free(run_expect(1, "signature", "challenge check --rpc %s --receipt '%s'", url, q));
        json_t *c = json_deep_copy(r0);
        json_t *mp = json_object_get(json_object_get(c, "batch"), "merkle_proof");
        t = flip_last(json_string_value(json_array_get(mp, 0)));
        json_array_set_new(mp, 0, json_string(t));
        free(t);
        write_json(q, c);
        json_decref(c);
        free(run_expect(1, "merkle", "challenge check --rpc %s --receipt '%s'", url, q));
        /* a malformed field is named */
        write_tampered(q, r0, 0, "request_id", "0x1234");
        free(run_expect(1, "request_id", "challenge check --rpc %s --receipt '%s'", url, q));
        free(run_expect(2, "--receipt is required", "challenge check --rpc %s", url));
        free(run_expect(2, "cannot reach",
                        "challenge check --rpc http://127.0.0.1:1 --receipt '%s'", p));
    }
    /* a challenge of an honest record: the node proves; Answered */
    out = run_expect(0, "deadline",
                     "challenge submit --rpc %s --key '%s' --receipt '%s' --vk '%s' "
                     "--insecure-dev-srs",
                     url, g_key, p, vk1);
    uint64_t id1 = challenge_id(out);
    printf("submit:\n%s\n", out);
    free(out);
    out = run_expect(0, "Answered",
                     "challenge watch --rpc %s --settlement %s --id %llu --timeout 120", url,
                     g_settle, (unsigned long long)id1);
    printf("watch:\n%s\n", out);
    free(out);
    free(run_expect(0, "Answered", "challenge status --rpc %s --settlement %s --id %llu", url,
                    g_settle, (unsigned long long)id1));
    free(run_expect(1, "Proven", "challenge submit --rpc %s --key '%s' --receipt '%s'", url, g_key,
                    p));
    free(run_expect(1, "no challenge", "challenge status --rpc %s --settlement %s --id 999", url,
                    g_settle));
    assert_int_equal(node_env_stop(e, SIGTERM), 0);
    for (int i = 0; i < 4; i++) json_decref(ans[i]);
    json_decref(r0);

    /* ---- B: a dishonest node, its own model ---- */
    node_env_deploy(e, "--challenge-window 300 --response-window 30");
    char settle2[43];
    {
        char h[41];
        ozk_hex_encode(h, e->dep.settlement, 20);
        snprintf(settle2, sizeof settle2, "0x%s", h);
        assert_string_equal(settle2, g_settle); /* the same settlement */
    }
    write_config(e, "store2",
                 ", \"batch_max_records\": 25, \"batch_max_age_ms\": 400, \"dishonest_every\": 1");
    node_env_start(e);
    json_t *bad = infer(e);
    json_t *rb = committed_receipt(e, req_id(bad));
    write_json(p, rb);
    out = run_expect(1, "MISMATCH",
                     "challenge check --rpc %s --receipt '%s' --vk '%s' --model '%s' "
                     "--insecure-dev-srs",
                     url, p, e->dep.vk, e->dep.model);
    printf("check of a dishonest receipt:\n%s\n", out);
    free(out);
    out = run_expect(0, "deadline", "challenge submit --rpc %s --key '%s' --receipt '%s'", url,
                     g_key, p);
    uint64_t id2 = challenge_id(out);
    free(out);
    free(run_expect(1, "too early", "challenge claim --rpc %s --key '%s' --settlement %s --id %llu",
                    url, g_key, g_settle, (unsigned long long)id2));
    free(run_expect(1, "watch timed out",
                    "challenge watch --rpc %s --settlement %s --id %llu --timeout 4", url, g_settle,
                    (unsigned long long)id2));
    assert_true(node_log_contains(e, "CRIT"));
    test_warp(&e->owner, 31);
    out = run_expect(0, "credited", "challenge claim --rpc %s --key '%s' --settlement %s --id %llu",
                     url, g_key, g_settle, (unsigned long long)id2);
    printf("claim:\n%s\n", out);
    free(out);
    free(run_expect(0, "TimedOut", "challenge status --rpc %s --settlement %s --id %llu", url,
                    g_settle, (unsigned long long)id2));
    uint8_t b0[32], b1[32];
    balance_of(e, e->challenger.addr, b0);
    out = run_expect(0, "withdrawn", "withdraw --rpc %s --key '%s' --settlement %s", url, g_key,
                     g_settle);
    printf("withdraw:\n%s\n", out);
    free(out);
    balance_of(e, e->challenger.addr, b1);
    assert_true(memcmp(b1, b0, 32) > 0); /* the balance went up */
    free(run_expect(1, "nothing to withdraw", "withdraw --rpc %s --key '%s' --settlement %s", url,
                    g_key, g_settle));
    assert_int_equal(node_env_stop(e, SIGTERM), 0);
    json_decref(bad);
    json_decref(rb);

    /* ---- C: a receipt never committed (model 1 again, its own store) ---- */
    {
        char old[700];
        /* node_env_deploy kept model 1's file under deployment-N.json: find it */
        FILE *f = NULL;
        for (int k = 1; k < 64 && !f; k++) {
            snprintf(old, sizeof old, "%.500s/deployment-%d.json", e->dir, k);
            f = fopen(old, "r");
        }
        assert_non_null(f);
        fclose(f);
        snprintf(e->deployment, sizeof e->deployment, "%.590s", old);
    }
    write_config(e, "store1",
                 ", \"batch_max_records\": 1000, \"batch_max_age_ms\": 600000, "
                 "\"commit_deadline_s\": 120");
    node_env_start(e);
    json_t *lost = infer(e);
    assert_int_equal(node_env_stop(e, SIGKILL), -SIGKILL);
    write_json(p, lost);
    free(run_expect(1, "too early", "challenge receipt --rpc %s --key '%s' --receipt '%s'", url,
                    g_key, p));
    test_warp(&e->owner, 121);
    out = run_expect(0, "(receipt)", "challenge receipt --rpc %s --key '%s' --receipt '%s'", url,
                     g_key, p);
    uint64_t id3 = challenge_id(out);
    printf("receipt challenge:\n%s\n", out);
    free(out);
    free(run_expect(1, "too early", "challenge claim --rpc %s --key '%s' --settlement %s --id %llu",
                    url, g_key, g_settle, (unsigned long long)id3));
    test_warp(&e->owner, 301);
    free(run_expect(0, "credited", "challenge claim --rpc %s --key '%s' --settlement %s --id %llu",
                    url, g_key, g_settle, (unsigned long long)id3));
    json_decref(lost);

    /* record 1 of phase A: its challenge window has closed */
    write_json(p, r1);
    free(run_expect(1, "closed", "challenge submit --rpc %s --key '%s' --receipt '%s'", url, g_key,
                    p));
    json_decref(r1);
    printf("test_challenge_cli: %llu ms\n", (unsigned long long)(test_now_ms() - t_start));
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
        cmocka_unit_test_teardown(test_challenge_cli, teardown),
    };
    return TEST_RUN("challenge_cli", tests);
}
