/*
 * node/config.c: NODE.json, the node's configuration (node/node.h, docs/node.md).
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "log.h"
#include "node.h"
#include "ozk/error.h"

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

void ozk_node_config_default(ozk_node_config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->deployment, sizeof c->deployment, "deployment.json");
    snprintf(c->rpc, sizeof c->rpc, "http://127.0.0.1:8545");
    snprintf(c->store, sizeof c->store, "ozk-store");
    snprintf(c->committer_key, sizeof c->committer_key, "committer.key");
    snprintf(c->responder_key, sizeof c->responder_key, "responder.key");
    snprintf(c->listen, sizeof c->listen, "127.0.0.1");
    c->port = 8600;
    c->max_body = 1u << 20;
    c->max_connections = 256;
    c->max_batch = 100;
    c->batch_max_records = 100;
    c->batch_max_age_ms = 5000;
    c->poll_ms = 1000;
    c->confirmations = 1;
    c->commit_deadline_s = 3600;
    c->prover_threads = 2;
    c->respond_gas_margin_pct = 20;
    c->max_fee_gwei = 500;
    c->log_level = OZK_LOG_INFO;
}

/* A path from the config: absolute as it is, else relative to the config file's folder. */
static int set_path(char *out, size_t cap, const char *dir, const char *v)
{
    int n =
        v[0] == '/' || !dir[0] ? snprintf(out, cap, "%s", v) : snprintf(out, cap, "%s/%s", dir, v);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

enum { K_PATH, K_STR, K_INT };

int ozk_node_config_load(ozk_node_config *c, const char *path, char *err, size_t errlen)
{
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        seterr(err, errlen, "%s: line %d: %s", path, je.line, je.text);
        return OZK_EINVAL;
    }
    if (!json_is_object(root)) {
        seterr(err, errlen, "%s: the configuration must be a JSON object", path);
        json_decref(root);
        return OZK_EINVAL;
    }
    char dir[OZK_NODE_PATH_MAX] = "";
    const char *slash = strrchr(path, '/');
    if (slash) snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    if (slash == path) snprintf(dir, sizeof dir, "/");

    uint64_t port = 0, max_body = 0, max_conn = 0, max_batch = 0, bmr = 0, bma = 0, poll = 0,
             conf = 0, cds = 0, pth = 0, margin = 0, fee = 0, dish = 0;
    char level[16] = "";
    struct {
        const char *key;
        int kind;
        void *dst;
        size_t cap;  /* strings */
        uint64_t lo; /* integers */
        uint64_t hi;
    } keys[] = {
        { "deployment", K_PATH, c->deployment, sizeof c->deployment, 0, 0 },
        { "rpc", K_STR, c->rpc, sizeof c->rpc, 0, 0 },
        { "store", K_PATH, c->store, sizeof c->store, 0, 0 },
        { "committer_key", K_PATH, c->committer_key, sizeof c->committer_key, 0, 0 },
        { "responder_key", K_PATH, c->responder_key, sizeof c->responder_key, 0, 0 },
        { "listen", K_STR, c->listen, sizeof c->listen, 0, 0 },
        { "api_token_file", K_PATH, c->api_token_file, sizeof c->api_token_file, 0, 0 },
        { "port_file", K_PATH, c->port_file, sizeof c->port_file, 0, 0 },
        { "log_level", K_STR, level, sizeof level, 0, 0 },
        { "port", K_INT, &port, 0, 0, 65535 },
        { "max_body", K_INT, &max_body, 0, 1024, 64u << 20 },
        { "max_connections", K_INT, &max_conn, 0, 1, 65536 },
        { "max_batch", K_INT, &max_batch, 0, 1, 10000 },
        { "batch_max_records", K_INT, &bmr, 0, 1, 1u << 24 },
        { "batch_max_age_ms", K_INT, &bma, 0, 1, 86400000 },
        { "poll_ms", K_INT, &poll, 0, 10, 600000 },
        { "confirmations", K_INT, &conf, 0, 0, 1000 },
        { "commit_deadline_s", K_INT, &cds, 0, 1, 365u * 86400 },
        { "prover_threads", K_INT, &pth, 0, 1, 256 },
        { "respond_gas_margin_pct", K_INT, &margin, 0, 0, 1000 },
        { "max_fee_gwei", K_INT, &fee, 0, 1, 1000000 },
        { "dishonest_every", K_INT, &dish, 0, 0, UINT32_MAX },
    };
    const size_t nkeys = sizeof keys / sizeof keys[0];
    int seen[sizeof keys / sizeof keys[0]] = { 0 };
    const char *k;
    json_t *v;
    int rc = 0;
    json_object_foreach(root, k, v)
    {
        size_t i = 0;
        while (i < nkeys && strcmp(keys[i].key, k)) i++;
        if (i == nkeys) {
            seterr(err, errlen, "%s: unknown key \"%s\" (docs/node.md lists the keys)", path, k);
            rc = OZK_EINVAL;
            break;
        }
        seen[i] = 1;
        if (keys[i].kind == K_INT) {
            json_int_t x = json_is_integer(v) ? json_integer_value(v) : -1;
            if (x < 0 || (uint64_t)x < keys[i].lo || (uint64_t)x > keys[i].hi) {
                seterr(err, errlen, "%s: \"%s\" must be an integer in [%llu, %llu]", path, k,
                       (unsigned long long)keys[i].lo, (unsigned long long)keys[i].hi);
                rc = OZK_EINVAL;
                break;
            }
            *(uint64_t *)keys[i].dst = (uint64_t)x;
            continue;
        }
        const char *s = json_string_value(v);
        if (!s || (keys[i].kind == K_PATH && strcmp(k, "api_token_file") &&
                   strcmp(k, "port_file") && !s[0])) {
            seterr(err, errlen, "%s: \"%s\" must be a non-empty string", path, k);
            rc = OZK_EINVAL;
            break;
        }
        int bad = keys[i].kind == K_PATH && s[0]
                      ? set_path(keys[i].dst, keys[i].cap, dir, s)
                      : (snprintf(keys[i].dst, keys[i].cap, "%s", s) >= (int)keys[i].cap ? -1 : 0);
        if (bad) {
            seterr(err, errlen, "%s: \"%s\" is too long", path, k);
            rc = OZK_EINVAL;
            break;
        }
    }
    json_decref(root);
    if (rc) return rc;
    for (size_t i = 0; i < nkeys; i++) {
        if (!seen[i] || keys[i].kind != K_INT) continue;
        uint64_t x = *(uint64_t *)keys[i].dst;
        if (keys[i].dst == &port) c->port = (int)x;
        if (keys[i].dst == &max_body) c->max_body = (size_t)x;
        if (keys[i].dst == &max_conn) c->max_connections = (unsigned)x;
        if (keys[i].dst == &max_batch) c->max_batch = (unsigned)x;
        if (keys[i].dst == &bmr) c->batch_max_records = (uint32_t)x;
        if (keys[i].dst == &bma) c->batch_max_age_ms = (uint32_t)x;
        if (keys[i].dst == &poll) c->poll_ms = (uint32_t)x;
        if (keys[i].dst == &conf) c->confirmations = (unsigned)x;
        if (keys[i].dst == &cds) c->commit_deadline_s = x;
        if (keys[i].dst == &pth) c->prover_threads = (unsigned)x;
        if (keys[i].dst == &margin) c->respond_gas_margin_pct = (unsigned)x;
        if (keys[i].dst == &fee) c->max_fee_gwei = x;
        if (keys[i].dst == &dish) c->dishonest_every = (uint32_t)x;
    }
    if (level[0]) {
        int l = ozk_log_parse_level(level);
        if (l < 0) {
            seterr(err, errlen, "%s: \"log_level\" must be debug, info, warn or error", path);
            return OZK_EINVAL;
        }
        c->log_level = l;
    }
    if (c->dishonest_every && !ozk_node_has_test_hooks()) {
        seterr(err, errlen,
               "%s: \"dishonest_every\" exists only in test builds (OZK_TEST_HOOKS); this is a "
               "release binary",
               path);
        return OZK_EINVAL;
    }
    return 0;
}
