/*
 * tests/node_testutil.c: see node_testutil.h.
 */
#include "node_testutil.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "ozk/hex.h"
#include "testutil.h"

extern char **environ;

static const char KEY_OWNER[] = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
static const char KEY_RESPONDER[] =
    "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
static const char KEY_CHALLENGER[] =
    "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";

static int g_deploys;

static void write_key(const char *path, const char *hex)
{
    test_write_file(path, hex, strlen(hex));
    assert_int_equal(chmod(path, 0600), 0);
}

void node_env_init(node_env *e, const char *name)
{
    memset(e, 0, sizeof *e);
    e->pid = -1;
    test_tmpdir(e->dir, sizeof e->dir, name);
    assert_int_equal(anvil_start(&e->a), 0);
    char p[700];
    snprintf(p, sizeof p, "%s/owner.key", e->dir);
    write_key(p, KEY_OWNER);
    snprintf(p, sizeof p, "%s/responder.key", e->dir);
    write_key(p, KEY_RESPONDER);
    snprintf(e->token_file, sizeof e->token_file, "%s/token", e->dir);
    test_write_file(e->token_file, NODE_TOKEN "\n", strlen(NODE_TOKEN) + 1);
    snprintf(e->srs, sizeof e->srs, "%s/srs.bin", e->dir);
    test_bin_expect(OZK_BIN, 0, NULL, "setup --dev --max-vars 13 -o '%s'", e->srs);
    snprintf(e->config, sizeof e->config, "%s/node.json", e->dir);
    snprintf(e->log, sizeof e->log, "%s/node.log", e->dir);
    snprintf(e->port_file, sizeof e->port_file, "%s/port", e->dir);
    test_actor_open(&e->owner, e->a.url, KEY_OWNER);
    test_actor_open(&e->challenger, e->a.url, KEY_CHALLENGER);
    e->curl = curl_easy_init();
    assert_non_null(e->curl);
}

void node_env_deploy(node_env *e, const char *extra_fmt, ...)
{
    char extra[512], settle[64] = "";
    va_list ap;
    va_start(ap, extra_fmt);
    vsnprintf(extra, sizeof extra, extra_fmt, ap);
    va_end(ap);
    if (g_deploys++ && e->deployment[0]) {
        char old[700];
        snprintf(old, sizeof old, "%s/deployment-%d.json", e->dir, g_deploys - 1);
        assert_int_equal(rename(e->deployment, old), 0);
        char h[41];
        ozk_hex_encode(h, e->dep.settlement, 20);
        snprintf(settle, sizeof settle, "--settlement 0x%s", h);
    } else {
        snprintf(settle, sizeof settle, "--min-challenge-window 30 --min-response-window 30");
    }
    snprintf(e->deployment, sizeof e->deployment, "%s/deployment.json", e->dir);
    test_bin_expect(OZK_BIN, 0, "wrote",
                    "deploy --rpc %s --key '%s/owner.key' --model "
                    "'%s/models/digits-mlp.ozkm' --srs '%s' -o '%s' --insecure-dev-srs %s %s",
                    e->a.url, e->dir, OZK_FIXTURES, e->srs, e->deployment, settle, extra);
    char err[256];
    if (ozk_deployment_load(&e->dep, e->deployment, err, sizeof err)) fail_msg("%s", err);
}

void node_env_config(node_env *e, const char *extra_members)
{
    char store[700];
    snprintf(store, sizeof store, "\"%s/store\"", e->dir);
    /* the defaults of these tests; a key extra_members sets is left out here (the node refuses a
     * duplicate key) */
    const char *defaults[][2] = {
        { "store", store },   { "batch_max_records", "25" }, { "batch_max_age_ms", "400" },
        { "poll_ms", "100" }, { "confirmations", "1" },      { "log_level", "\"debug\"" },
    };
    char buf[4096];
    int n = snprintf(buf, sizeof buf,
                     "{\"deployment\": \"%s\", \"committer_key\": \"%s/owner.key\",\n"
                     " \"responder_key\": \"%s/responder.key\", \"port\": 0, \"port_file\": "
                     "\"%s\",\n \"api_token_file\": \"%s\"",
                     e->deployment, e->dir, e->dir, e->port_file, e->token_file);
    assert_true(n > 0 && (size_t)n < sizeof buf);
    if (!strstr(extra_members, "\"rpc\""))
        n += snprintf(buf + n, sizeof buf - (size_t)n, ", \"rpc\": \"%s\"", e->a.url);
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
        char key[64];
        snprintf(key, sizeof key, "\"%s\"", defaults[i][0]);
        if (!strstr(extra_members, key))
            n += snprintf(buf + n, sizeof buf - (size_t)n, ", %s: %s", key, defaults[i][1]);
        assert_true((size_t)n < sizeof buf);
    }
    n += snprintf(buf + n, sizeof buf - (size_t)n, "%s}\n", extra_members);
    assert_true((size_t)n < sizeof buf);
    test_write_file(e->config, buf, (size_t)n);
}

void node_env_start(node_env *e)
{
    unlink(e->port_file);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, e->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    char prog[] = OZK_BIN, cmd[] = "node", flag[] = "--config";
    char *argv[] = { prog, cmd, flag, e->config, NULL };
    assert_int_equal(posix_spawn(&e->pid, OZK_BIN, &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    for (int i = 0; i < 300; i++) {
        size_t len;
        FILE *f = fopen(e->port_file, "r");
        if (f) {
            fclose(f);
            char *t = (char *)test_read_file(e->port_file, &len);
            e->port = atoi(t);
            free(t);
            if (e->port > 0) return;
        }
        int st;
        if (waitpid(e->pid, &st, WNOHANG) == e->pid) {
            e->pid = -1;
            char *t = (char *)test_read_file(e->log, &len);
            fail_msg("ozk node exited at start:\n%s", t);
        }
        test_sleep_ms(50);
    }
    fail_msg("ozk node did not start listening within 15 s");
}

int node_env_stop(node_env *e, int sig)
{
    if (e->pid <= 0) return 0;
    kill(e->pid, sig);
    int st = 0;
    for (int i = 0; i < 600; i++) {
        if (waitpid(e->pid, &st, WNOHANG) == e->pid) break;
        if (i == 599) {
            kill(e->pid, SIGKILL);
            waitpid(e->pid, &st, 0);
            e->pid = -1;
            fail_msg("ozk node did not stop within 30 s of signal %d", sig);
        }
        test_sleep_ms(50);
    }
    e->pid = -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
}

void node_env_free(node_env *e)
{
    if (e->pid > 0) node_env_stop(e, SIGKILL);
    if (e->curl) curl_easy_cleanup(e->curl);
    if (e->owner.s) test_actor_close(&e->owner);
    if (e->challenger.s) test_actor_close(&e->challenger);
    anvil_stop(&e->a);
    if (e->dir[0]) test_rmdir(e->dir);
    memset(e, 0, sizeof *e);
}

typedef struct {
    char *buf;
    size_t len;
} sink;

static size_t on_data(char *p, size_t sz, size_t n, void *ud)
{
    sink *s = ud;
    char *nb = realloc(s->buf, s->len + sz * n + 1);
    if (!nb) return 0;
    memcpy(nb + s->len, p, sz * n);
    s->len += sz * n;
    nb[s->len] = 0;
    s->buf = nb;
    return sz * n;
}

/* POSTs body; -1 (and *resp NULL) when the node did not answer */
static long post(node_env *e, const char *body, const char *token, char **resp)
{
    char url[64], auth[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", e->port);
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    if (token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        h = curl_slist_append(h, auth);
    }
    sink s = { NULL, 0 };
    CURL *c = e->curl;
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 20000L);
    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(h);
    if (rc != CURLE_OK) {
        free(s.buf);
        *resp = NULL;
        return -1;
    }
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    *resp = s.buf ? s.buf : strdup("");
    return status;
}

long node_post(node_env *e, const char *body, const char *token, char **resp)
{
    long status = post(e, body, token, resp);
    if (status < 0) fail_msg("POST to the node: it did not answer");
    return status;
}

long node_get(node_env *e, const char *path, char **resp)
{
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", e->port, path);
    sink s = { NULL, 0 };
    CURL *c = e->curl;
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 20000L);
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) fail_msg("GET %s: %s", path, curl_easy_strerror(rc));
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    *resp = s.buf ? s.buf : strdup("");
    return status;
}

json_t *node_try_call(node_env *e, const char *method, json_t *params, const char *token)
{
    json_t *req = json_pack("{s:s, s:i, s:s}", "jsonrpc", "2.0", "id", 1, "method", method);
    if (params) json_object_set_new(req, "params", params);
    char *body = json_dumps(req, JSON_COMPACT), *resp;
    json_decref(req);
    long status = post(e, body, token, &resp);
    free(body);
    if (status < 0) return NULL;
    json_error_t je;
    json_t *o = json_loads(resp, 0, &je);
    if (!o) fail_msg("the node's answer is not JSON: %s", resp);
    free(resp);
    return o;
}

json_t *node_call(node_env *e, const char *method, json_t *params, const char *token)
{
    json_t *o = node_try_call(e, method, params, token);
    if (!o) fail_msg("%s: the node did not answer", method);
    return o;
}

json_t *node_result(node_env *e, const char *method, json_t *params)
{
    json_t *o = node_call(e, method, params, NODE_TOKEN);
    json_t *r = json_object_get(o, "result");
    if (!r) {
        char *t = json_dumps(o, 0);
        fail_msg("%s: %s", method, t);
    }
    json_incref(r);
    json_decref(o);
    return r;
}

int node_log_contains(node_env *e, const char *needle)
{
    size_t len;
    char *t = (char *)test_read_file(e->log, &len);
    int found = strstr(t, needle) != NULL;
    free(t);
    return found;
}

void node_hex_field(const json_t *o, const char *key, uint8_t *out, size_t n)
{
    const char *s = json_string_value(json_object_get(o, key));
    if (!s || strlen(s) != 2 + 2 * n || ozk_hex_decode(out, n, s) != (long)n)
        fail_msg("field %s: not 0x and %zu hex digits", key, 2 * n);
}

json_t *node_receipt(node_env *e, const uint8_t id[32])
{
    char idh[67] = "0x";
    ozk_hex_encode(idh + 2, id, 32);
    return node_result(e, "ozk_getReceipt", json_pack("{s:s}", "request_id", idh));
}

uint64_t node_bond(node_env *e)
{
    uint64_t bond = 0;
    for (int i = 0; i < 24; i++) assert_int_equal(e->dep.bond_wei[i], 0);
    for (int i = 24; i < 32; i++) bond = bond << 8 | e->dep.bond_wei[i];
    return bond;
}

uint64_t node_challenge(node_env *e, const uint8_t id[32], const uint8_t salt[32],
                        const uint8_t x[64], const uint8_t y[40])
{
    json_t *res = node_receipt(e, id);
    json_t *b = json_object_get(res, "batch");
    uint64_t seq = (uint64_t)json_integer_value(json_object_get(b, "seq"));
    uint64_t idx = (uint64_t)json_integer_value(json_object_get(b, "index"));
    json_t *mp = json_object_get(b, "merkle_proof");
    size_t d = json_array_size(mp);
    assert_true(d <= 24);
    ozk_abi_value sib[24];
    uint8_t proof[24][32];
    for (size_t k = 0; k < d; k++) {
        assert_int_equal(ozk_hex_decode(proof[k], 32, json_string_value(json_array_get(mp, k))),
                         32);
        sib[k] = tv_b32(proof[k]);
    }
    json_decref(res);
    ozk_abi_value arr = { .kind = OZK_ABI_ARRAY, .items = sib, .n = d };
    ozk_abi_value a[8] = {
        tv_b32(e->dep.model_id), tv_u64(seq),     tv_u64(idx), tv_b32(id), tv_b32(salt),
        tv_bytes(x, 64),         tv_bytes(y, 40), arr
    };
    size_t len;
    uint8_t *data = test_calldata(
        &len, "challenge(bytes32,uint256,uint256,bytes32,bytes32,bytes,bytes,bytes32[])", a, 8);
    test_tx_ok(&e->challenger, e->dep.settlement, node_bond(e), data, len, 2000000);
    free(data);
    uint8_t w[32];
    test_view(&e->owner, e->dep.settlement, "challengeCount()", NULL, 0, w, 32);
    return test_word_u64(w);
}

int node_challenge_status(node_env *e, uint64_t id)
{
    uint8_t w[7 * 32];
    ozk_abi_value a = tv_u64(id);
    test_view(&e->owner, e->dep.settlement, "challengeInfo(uint256)", &a, 1, w, sizeof w);
    return (int)test_word_u64(w + 5 * 32);
}

uint64_t node_credits(node_env *e, const uint8_t who[20])
{
    uint8_t w[32];
    ozk_abi_value a = tv_addr(who);
    test_view(&e->owner, e->dep.settlement, "credits(address)", &a, 1, w, 32);
    return test_word_u64(w);
}
