/*
 * node/api.c: the node's JSON-RPC API and its HTTP paths (docs/node.md, "API").
 *
 *   ozk_infer       {"input": [floats]} | {"input_q": "0x.."}  -> the output and a signed receipt
 *   ozk_getRecord   {"request_id": "0x.."}                    -> the record and its batch state
 *   ozk_getReceipt  {"request_id": "0x.."}                    -> the receipt, with the Merkle
 *                                                                proof once committed
 *   ozk_getBatch    {"seq": N}                                 -> a batch and its chain state
 *   ozk_status      {}                                         -> the node, the store, the chain
 *   GET /health, GET /metrics (Prometheus text)
 *
 * ozk_infer is a write method (it needs the bearer token when one is configured). Its work (the
 * inference, the receipt's signature and the store's fsync'd write) runs on libuv's thread pool;
 * the answer is sent only after the record is on disk (design.md section 6, store order 1).
 * Input is canonicalised before anything else: the exact number of finite values (or of
 * canonical bytes), quantized with the model's rule; anything else is refused with -32602 and
 * nothing is stored. Every input the node accepts is one the prover can prove (the model's
 * plan covers every int8 input; tests/test_node.c proves accepted inputs).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "log.h"
#include "node_internal.h"
#include "ozk/error.h"
#include "ozk/hex.h"
#include "ozk/merkle.h"
#include "ozk/version.h"
#include "settler.h"

#define RECORD_VERSION 1 /* the leaf's format (docs/contracts.md) */

static json_t *hexj(const uint8_t *b, size_t n)
{
    char *s = malloc(2 * n + 3);
    if (!s) return NULL;
    s[0] = '0', s[1] = 'x';
    ozk_hex_encode(s + 2, b, n);
    json_t *j = json_string(s);
    free(s);
    return j;
}

/* The params object of a by-name call, or the first element of a by-position one. */
static json_t *params_obj(json_t *params)
{
    if (json_is_object(params)) return params;
    if (json_is_array(params) && json_array_size(params) == 1 &&
        json_is_object(json_array_get(params, 0)))
        return json_array_get(params, 0);
    return NULL;
}

static int get_b32(const json_t *o, const char *key, uint8_t out[32])
{
    const char *s = json_string_value(json_object_get(o, key));
    if (!s || strlen(s) != 66 || s[0] != '0' || s[1] != 'x') return -1;
    return ozk_hex_decode(out, 32, s) == 32 ? 0 : -1;
}

static void invalid(ozk_jsonrpc_ctx *ctx, ozk_node *n, const char *msg)
{
    ozk_metric_inc(n->m_refused);
    ozk_jsonrpc_error(ctx, OZK_JSONRPC_INVALID_PARAMS, msg, NULL);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* NULL while the node can commit what it accepts; else why not (the settler found the store
 * older than the chain, or the contract refused a commit: a frozen model). */
static const char *cannot_commit(ozk_node *n)
{
    if (!n->settler) return NULL;
    ozk_settler_status st;
    ozk_settler_status_get(n->settler, &st);
    if (st.stale)
        return "the node's store is older than the chain (restored from a backup?): it accepts "
               "nothing until an operator has looked (see the CRIT log line)";
    if (st.halted)
        return "the settlement refuses this node's commits (a frozen or exited model): it accepts "
               "nothing";
    return NULL;
}

/* ---- ozk_infer ---------------------------------------------------------------------------- */

typedef struct {
    uv_work_t work;
    ozk_node *n;
    ozk_jsonrpc_ctx *ctx;
    double t0;
    uint8_t *x, *y;
    size_t xlen, ylen;
    int32_t *out;
    ozk_store_record rec;
    int rc;
    char err[256];
} infer_job;

static void infer_free(infer_job *j)
{
    free(j->x);
    free(j->y);
    free(j->out);
    free(j);
}

/* On a pool thread: infer, hash, sign, store. */
static void infer_work(uv_work_t *w)
{
    infer_job *j = w->data;
    ozk_node *n = j->n;
    const ozk_model *m = n->model;
    void *work = malloc(ozk_model_work_size(m));
    int8_t *q = malloc(j->xlen ? j->xlen : 1);
    if (!work || !q) {
        j->rc = OZK_ENOMEM;
        snprintf(j->err, sizeof j->err, "out of memory");
        goto done;
    }
    if (ozk_model_decode_input(m, q, j->x, j->xlen)) {
        j->rc = OZK_EINVAL;
        snprintf(j->err, sizeof j->err, "the input is not the model's canonical input");
        goto done;
    }
    ozk_model_infer(m, j->out, q, work);
#ifdef OZK_TEST_HOOKS
    {
        /* test builds only: every Nth answer is wrong (tests of the slashing path) */
        uint64_t k = atomic_fetch_add(&n->inferences, 1) + 1;
        if (n->cfg->dishonest_every && k % n->cfg->dishonest_every == 0) {
            j->out[0] += 1;
            ozk_log(OZK_LOG_WARN, "api", "TEST dishonest mode: inference %llu answered wrongly",
                    (unsigned long long)k);
        }
    }
#else
    atomic_fetch_add(&n->inferences, 1);
#endif
    ozk_model_encode_output(m, j->y, j->out);

    ozk_store_record *r = &j->rec;
    memset(r, 0, sizeof *r);
    if (getrandom(r->salt, 32, 0) != 32 || getrandom(r->request_id, 32, 0) != 32) {
        j->rc = OZK_EIO;
        snprintf(j->err, sizeof j->err, "no randomness from the kernel");
        goto done;
    }
    r->x = j->x, r->x_len = j->xlen;
    r->y = j->y, r->y_len = j->ylen;
    ozk_merkle_salted_hash(r->x_hash, r->salt, j->x, j->xlen);
    ozk_merkle_salted_hash(r->y_hash, r->salt, j->y, j->ylen);
    ozk_merkle_record mr;
    mr.version = RECORD_VERSION;
    mr.chain_id = n->chain_id;
    memcpy(mr.settlement, n->settlement, 20);
    memcpy(mr.model_id, n->model_id, 32);
    memcpy(mr.request_id, r->request_id, 32);
    memcpy(mr.x_hash, r->x_hash, 32);
    memcpy(mr.y_hash, r->y_hash, 32);
    ozk_merkle_leaf(r->leaf, &mr);
    r->engine_version = OZK_PROTOCOL_VERSION;
    r->protocol_version = OZK_PROTOCOL_VERSION;
    r->created = (uint64_t)time(NULL);
    r->commit_deadline = r->created + n->cfg->commit_deadline_s;
    ozk_receipt rc;
    rc.chain_id = n->chain_id;
    memcpy(rc.settlement, n->settlement, 20);
    memcpy(rc.model_id, n->model_id, 32);
    memcpy(rc.request_id, r->request_id, 32);
    memcpy(rc.x_hash, r->x_hash, 32);
    memcpy(rc.y_hash, r->y_hash, 32);
    rc.deadline = r->commit_deadline;
    uint8_t digest[32];
    ozk_receipt_digest(digest, &rc);
    if (ozk_sign_hash(r->receipt_sig, &n->committer, digest)) {
        j->rc = OZK_EIO;
        snprintf(j->err, sizeof j->err, "signing the receipt failed");
        goto done;
    }
    r->receipt_sig[64] += 27;
    /* the receipt goes out only after this returns: the record is on disk */
    j->rc = ozk_store_put_record(n->store, r, &r->number, j->err, sizeof j->err);
done:
    free(work);
    free(q);
}

/* The record's public JSON: what a client keeps and a challenger needs. */
static json_t *record_json(ozk_node *n, const ozk_store_record *r, const int32_t *out)
{
    const ozk_model *m = n->model;
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "request_id", hexj(r->request_id, 32));
    json_object_set_new(o, "record_number", json_integer((json_int_t)r->number));
    json_object_set_new(o, "chain_id", json_integer((json_int_t)n->chain_id));
    json_object_set_new(o, "settlement", hexj(n->settlement, 20));
    json_object_set_new(o, "model_id", hexj(n->model_id, 32));
    json_object_set_new(o, "model_hash", hexj(ozk_vk_model_hash(n->vk), 32));
    json_object_set_new(o, "input_q", hexj(r->x, r->x_len));
    json_object_set_new(o, "output_q", hexj(r->y, r->y_len));
    if (out) {
        json_t *a = json_array();
        for (uint32_t i = 0; a && i < m->n_out; i++)
            json_array_append_new(a, json_real((double)out[i] * m->out_scale));
        json_object_set_new(o, "output", a);
    }
    json_object_set_new(o, "salt", hexj(r->salt, 32));
    json_object_set_new(o, "x_hash", hexj(r->x_hash, 32));
    json_object_set_new(o, "y_hash", hexj(r->y_hash, 32));
    json_object_set_new(o, "leaf", hexj(r->leaf, 32));
    json_object_set_new(o, "record_version", json_integer(RECORD_VERSION));
    json_object_set_new(o, "protocol_version", json_integer(r->protocol_version));
    json_object_set_new(o, "created", json_integer((json_int_t)r->created));
    json_object_set_new(o, "commit_deadline", json_integer((json_int_t)r->commit_deadline));
    json_object_set_new(o, "signer", hexj(n->committer_addr, 20));
    json_object_set_new(o, "signature", hexj(r->receipt_sig, 65));
    return o;
}

static const char *batch_state_name(int s)
{
    switch (s) {
    case OZK_BATCH_BUILT:
        return "built";
    case OZK_BATCH_SENT:
        return "sent";
    case OZK_BATCH_INCLUDED:
        return "included";
    case OZK_BATCH_FINAL:
        return "final";
    default:
        return "unknown";
    }
}

/* The batch part of a record: its seq, index and the chain state; with the Merkle proof when
 * proof is set and the batch's leaves are still held. */
static json_t *batch_json(ozk_node *n, const ozk_store_record *r, int proof)
{
    if (!r->batched) return json_null();
    ozk_store_batch b;
    char err[256];
    if (ozk_store_get_batch(n->store, &b, r->batch_seq, err, sizeof err)) return json_null();
    json_t *o = json_object();
    json_object_set_new(o, "seq", json_integer((json_int_t)b.seq));
    json_object_set_new(o, "index", json_integer(r->batch_index));
    json_object_set_new(o, "count", json_integer(b.count));
    json_object_set_new(o, "root", hexj(b.root, 32));
    json_object_set_new(o, "state", json_string(batch_state_name(b.state)));
    /* "committed" to a client only once the commit is in a block the node has confirmed */
    json_object_set_new(o, "committed",
                        json_boolean(b.state == OZK_BATCH_INCLUDED || b.state == OZK_BATCH_FINAL));
    if (b.state != OZK_BATCH_BUILT) json_object_set_new(o, "tx", hexj(b.tx_hash, 32));
    if (b.state == OZK_BATCH_INCLUDED || b.state == OZK_BATCH_FINAL)
        json_object_set_new(o, "block", json_integer((json_int_t)b.block_number));
    if (proof && b.leaves) {
        uint8_t(*p)[32] = malloc(OZK_MERKLE_MAX_DEPTH * 32);
        int depth = 0;
        if (p && !ozk_merkle_proof(p, &depth, b.leaves, b.count, r->batch_index)) {
            json_t *a = json_array();
            for (int i = 0; i < depth; i++) json_array_append_new(a, hexj(p[i], 32));
            json_object_set_new(o, "merkle_proof", a);
        }
        free(p);
    }
    ozk_store_batch_clear(&b);
    return o;
}

static void infer_done(uv_work_t *w, int status)
{
    infer_job *j = w->data;
    ozk_node *n = j->n;
    if (status || j->rc) {
        ozk_log(OZK_LOG_ERROR, "api", "ozk_infer failed: %s",
                status ? uv_strerror(status) : j->err);
        ozk_jsonrpc_error(j->ctx, OZK_JSONRPC_INTERNAL_ERROR,
                          j->rc == OZK_EFULL ? "the node's store is full: nothing was recorded"
                                             : "the record could not be stored: nothing was "
                                               "recorded",
                          NULL);
    } else {
        json_t *res = record_json(n, &j->rec, j->out);
        json_object_set_new(res, "batch", json_null());
        ozk_jsonrpc_result(j->ctx, res);
        ozk_metric_observe(n->m_latency, now_s() - j->t0);
        if (n->settler) ozk_settler_kick(n->settler);
    }
    infer_free(j);
}

static void m_infer(ozk_jsonrpc_ctx *ctx, json_t *params, void *data)
{
    ozk_node *n = data;
    const ozk_model *m = n->model;
    ozk_metric_inc(n->m_requests);
    const char *why = cannot_commit(n);
    if (why) {
        /* a receipt the node cannot commit is a receipt it will be slashed for */
        ozk_metric_inc(n->m_refused);
        ozk_jsonrpc_error(ctx, OZK_JSONRPC_UNAVAILABLE, why, NULL);
        return;
    }
    json_t *p = params_obj(params);
    if (!p) {
        invalid(ctx, n, "params: an object {\"input\": [numbers]} or {\"input_q\": \"0x..\"}");
        return;
    }
    const char *k;
    json_t *v;
    json_object_foreach(p, k, v)
    {
        if (strcmp(k, "input") && strcmp(k, "input_q")) {
            invalid(ctx, n, "params: unknown member (only \"input\" or \"input_q\")");
            return;
        }
    }
    json_t *fl = json_object_get(p, "input"), *qh = json_object_get(p, "input_q");
    if (!fl == !qh) {
        invalid(ctx, n, "params: give exactly one of \"input\" and \"input_q\"");
        return;
    }
    infer_job *j = calloc(1, sizeof *j);
    size_t nx = ozk_model_input_bytes(m), ny = ozk_model_output_bytes(m);
    if (!j || !(j->x = malloc(nx)) || !(j->y = malloc(ny)) ||
        !(j->out = malloc(m->n_out * sizeof *j->out))) {
        if (j) infer_free(j);
        ozk_jsonrpc_error(ctx, OZK_JSONRPC_INTERNAL_ERROR, "out of memory", NULL);
        return;
    }
    j->xlen = nx, j->ylen = ny;
    if (qh) {
        const char *s = json_string_value(qh);
        if (!s || strlen(s) != 2 + 2 * nx || s[0] != '0' || s[1] != 'x' ||
            ozk_hex_decode(j->x, nx, s) != (long)nx) {
            infer_free(j);
            char msg[128];
            snprintf(msg, sizeof msg, "input_q: must be 0x and %zu hex digits (%zu bytes)", 2 * nx,
                     nx);
            invalid(ctx, n, msg);
            return;
        }
    } else {
        if (!json_is_array(fl) || json_array_size(fl) != m->n_in) {
            infer_free(j);
            char msg[128];
            snprintf(msg, sizeof msg, "input: must be an array of %u numbers", m->n_in);
            invalid(ctx, n, msg);
            return;
        }
        for (uint32_t i = 0; i < m->n_in; i++) {
            json_t *e = json_array_get(fl, i);
            double d = json_is_number(e) ? json_number_value(e) : (double)NAN;
            if (!isfinite(d)) {
                infer_free(j);
                char msg[96];
                snprintf(msg, sizeof msg, "input[%u]: not a finite number", i);
                invalid(ctx, n, msg);
                return;
            }
            j->x[i] = (uint8_t)ozk_quantize_value(d, m->in_scale);
        }
    }
    j->n = n;
    j->ctx = ctx;
    j->t0 = now_s();
    j->work.data = j;
    int rc = uv_queue_work(&n->loop, &j->work, infer_work, infer_done);
    if (rc) {
        infer_free(j);
        ozk_jsonrpc_error(ctx, OZK_JSONRPC_INTERNAL_ERROR, uv_strerror(rc), NULL);
    }
}

/* ---- reads -------------------------------------------------------------------------------- */

static int load_record(ozk_jsonrpc_ctx *ctx, ozk_node *n, json_t *params, ozk_store_record *r)
{
    ozk_metric_inc(n->m_requests);
    json_t *p = params_obj(params);
    uint8_t id[32];
    if (!p || get_b32(p, "request_id", id)) {
        invalid(ctx, n, "params: {\"request_id\": \"0x\" and 64 hex digits}");
        return -1;
    }
    char err[256];
    int rc = ozk_store_get_record(n->store, r, id, err, sizeof err);
    if (rc == OZK_ENOENT) {
        ozk_jsonrpc_error(ctx, OZK_JSONRPC_INVALID_PARAMS,
                          "no such record (never accepted here, or pruned once final)", NULL);
        return -1;
    }
    if (rc) {
        ozk_log(OZK_LOG_ERROR, "api", "reading a record: %s", err);
        ozk_jsonrpc_error(ctx, OZK_JSONRPC_INTERNAL_ERROR, "the store could not be read", NULL);
        return -1;
    }
    return 0;
}

static void m_get_record(ozk_jsonrpc_ctx *ctx, json_t *params, void *data)
{
    ozk_node *n = data;
    ozk_store_record r;
    if (load_record(ctx, n, params, &r)) return;
    json_t *o = record_json(n, &r, NULL);
    json_object_set_new(o, "batch", batch_json(n, &r, 0));
    ozk_store_record_clear(&r);
    ozk_jsonrpc_result(ctx, o);
}

static void m_get_receipt(ozk_jsonrpc_ctx *ctx, json_t *params, void *data)
{
    ozk_node *n = data;
    ozk_store_record r;
    if (load_record(ctx, n, params, &r)) return;
    json_t *o = record_json(n, &r, NULL);
    json_object_set_new(o, "batch", batch_json(n, &r, 1));
    ozk_store_record_clear(&r);
    ozk_jsonrpc_result(ctx, o);
}

static void m_get_batch(ozk_jsonrpc_ctx *ctx, json_t *params, void *data)
{
    ozk_node *n = data;
    ozk_metric_inc(n->m_requests);
    json_t *p = params_obj(params);
    json_t *sj = p ? json_object_get(p, "seq") : NULL;
    if (!json_is_integer(sj) || json_integer_value(sj) < 0) {
        invalid(ctx, n, "params: {\"seq\": a batch number}");
        return;
    }
    ozk_store_batch b;
    char err[256];
    int rc = ozk_store_get_batch(n->store, &b, (uint64_t)json_integer_value(sj), err, sizeof err);
    if (rc) {
        ozk_jsonrpc_error(
            ctx, rc == OZK_ENOENT ? OZK_JSONRPC_INVALID_PARAMS : OZK_JSONRPC_INTERNAL_ERROR,
            rc == OZK_ENOENT ? "no such batch" : "the store could not be read", NULL);
        return;
    }
    json_t *o = json_object();
    json_object_set_new(o, "seq", json_integer((json_int_t)b.seq));
    json_object_set_new(o, "count", json_integer(b.count));
    json_object_set_new(o, "root", hexj(b.root, 32));
    json_object_set_new(o, "state", json_string(batch_state_name(b.state)));
    json_object_set_new(o, "created", json_integer((json_int_t)b.created));
    if (b.state != OZK_BATCH_BUILT) json_object_set_new(o, "tx", hexj(b.tx_hash, 32));
    if (b.state == OZK_BATCH_INCLUDED || b.state == OZK_BATCH_FINAL) {
        json_object_set_new(o, "block", json_integer((json_int_t)b.block_number));
        json_object_set_new(o, "block_hash", hexj(b.block_hash, 32));
    }
    if (b.ids) {
        json_t *a = json_array();
        for (uint32_t i = 0; i < b.count; i++) json_array_append_new(a, hexj(b.ids[i], 32));
        json_object_set_new(o, "request_ids", a);
    }
    ozk_store_batch_clear(&b);
    ozk_jsonrpc_result(ctx, o);
}

static json_t *status_json(ozk_node *n)
{
    json_t *o = json_object();
    json_object_set_new(o, "version", json_string(ozk_version()));
    json_object_set_new(o, "chain_id", json_integer((json_int_t)n->chain_id));
    json_object_set_new(o, "settlement", hexj(n->settlement, 20));
    json_object_set_new(o, "model_id", hexj(n->model_id, 32));
    json_object_set_new(o, "committer", hexj(n->committer_addr, 20));
    json_object_set_new(o, "inferences", json_integer((json_int_t)atomic_load(&n->inferences)));
    ozk_store_info si;
    char err[256];
    if (!ozk_store_info_get(n->store, &si, err, sizeof err)) {
        json_object_set_new(o, "records", json_integer((json_int_t)si.records));
        json_object_set_new(o, "records_pending", json_integer((json_int_t)si.pending));
        json_object_set_new(o, "next_batch_seq", json_integer((json_int_t)si.next_seq));
        json_object_set_new(o, "open_challenges", json_integer((json_int_t)si.open_challenges));
        json_object_set_new(o, "store_bytes_used", json_integer((json_int_t)si.map_used));
    }
    if (n->settler) {
        ozk_settler_status st;
        ozk_settler_status_get(n->settler, &st);
        json_t *c = json_object();
        json_object_set_new(c, "head", json_integer((json_int_t)st.chain_head));
        json_object_set_new(c, "lag_blocks", json_integer((json_int_t)st.lag));
        json_object_set_new(c, "batches_committed", json_integer((json_int_t)st.batches_committed));
        json_object_set_new(c, "records_committed", json_integer((json_int_t)st.records_committed));
        json_object_set_new(c, "challenges_seen", json_integer((json_int_t)st.challenges_seen));
        json_object_set_new(c, "challenges_answered",
                            json_integer((json_int_t)st.challenges_answered));
        json_object_set_new(c, "challenges_unprovable",
                            json_integer((json_int_t)st.challenges_unprovable));
        json_object_set_new(c, "last_error", json_string(st.last_error));
        json_object_set_new(c, "store_stale", json_boolean(st.stale));
        json_object_set_new(c, "commits_halted", json_boolean(st.halted));
        json_object_set_new(o, "chain", c);
    }
    return o;
}

static void m_status(ozk_jsonrpc_ctx *ctx, json_t *params, void *data)
{
    (void)params;
    ozk_node *n = data;
    ozk_metric_inc(n->m_requests);
    ozk_jsonrpc_result(ctx, status_json(n));
}

/* ---- /health and /metrics ----------------------------------------------------------------- */

static void other_path(ozk_http_request *req, void *data)
{
    ozk_node *n = data;
    const char *path = ozk_http_request_path(req), *method = ozk_http_request_method(req);
    if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
        ozk_http_respond(req, 405, "text/plain", "Allow: GET, HEAD\r\n", "GET only\n", 9);
        return;
    }
    if (!strcmp(path, "/health")) {
        const char *why = cannot_commit(n);
        const char *body = n->stopping ? "{\"status\":\"stopping\"}\n"
                           : why       ? "{\"status\":\"cannot commit\"}\n"
                                       : "{\"status\":\"ok\"}\n";
        ozk_http_respond(req, n->stopping || why ? 503 : 200, "application/json", NULL, body,
                         strlen(body));
        return;
    }
    if (!strcmp(path, "/metrics")) {
        size_t len;
        char *text = ozk_metrics_render_alloc(n->metrics, &len);
        if (!text) {
            ozk_http_respond(req, 500, "text/plain", NULL, "out of memory\n", 14);
            return;
        }
        ozk_http_respond(req, 200, "text/plain; version=0.0.4", NULL, text, len);
        free(text);
        return;
    }
    ozk_http_respond(req, 404, "text/plain", NULL, "not found\n", 10);
}

int ozk__api_metrics(ozk_node *n)
{
    static const double lat[] = { 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1 };
    static const double prf[] = { 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60 };
    ozk_metrics *r = n->metrics;
    int rc = 0;
    rc |= ozk_metrics_counter(r, &n->m_requests, "ozk_api_requests_total",
                              "JSON-RPC calls of the ozk_* methods", NULL);
    rc |= ozk_metrics_counter(r, &n->m_refused, "ozk_api_refused_total",
                              "calls refused for invalid params", NULL);
    rc |= ozk_metrics_histogram(r, &n->m_latency, "ozk_infer_seconds",
                                "ozk_infer latency, record durable", NULL, lat, 10);
    rc |= ozk_metrics_gauge(r, &n->m_pending, "ozk_records_pending", "records not yet in a batch",
                            NULL);
    rc |= ozk_metrics_gauge(r, &n->m_batches, "ozk_batches_committed",
                            "batches whose commit is included", NULL);
    rc |= ozk_metrics_gauge(r, &n->m_records_committed, "ozk_records_committed",
                            "records in included batches", NULL);
    rc |= ozk_metrics_gauge(r, &n->m_ch_seen, "ozk_challenges_seen", "challenges seen", NULL);
    rc |= ozk_metrics_gauge(r, &n->m_ch_answered, "ozk_challenges_answered",
                            "challenges answered on chain", NULL);
    rc |= ozk_metrics_gauge(r, &n->m_ch_unprovable, "ozk_challenges_unprovable",
                            "challenged records that cannot be proven (critical)", NULL);
    rc |=
        ozk_metrics_histogram(r, &n->m_proof_s, "ozk_proof_seconds", "proving time", NULL, prf, 10);
    rc |= ozk_metrics_gauge(r, &n->m_head_lag, "ozk_chain_head_lag_blocks",
                            "blocks between the chain head and the last one processed", NULL);
    rc |= ozk_metrics_gauge(r, &n->m_bal_committer, "ozk_balance_eth", "key balances",
                            (const char *[]){ "key", "committer", NULL });
    rc |= ozk_metrics_gauge(r, &n->m_bal_responder, "ozk_balance_eth", "key balances",
                            (const char *[]){ "key", "responder", NULL });
    return rc ? OZK_EINVAL : 0;
}

int ozk__api_start(ozk_node *n, char *err, size_t errlen)
{
    const ozk_node_config *c = n->cfg;
    static char token[512];
    token[0] = 0;
    if (c->api_token_file[0]) {
        FILE *f = fopen(c->api_token_file, "r");
        if (!f || !fgets(token, sizeof token, f)) {
            if (f) fclose(f);
            snprintf(err, errlen, "cannot read the API token from %s", c->api_token_file);
            return OZK_EIO;
        }
        fclose(f);
        token[strcspn(token, "\r\n")] = 0;
        if (strlen(token) < 16) {
            snprintf(err, errlen, "%s: the API token must have at least 16 characters",
                     c->api_token_file);
            return OZK_EINVAL;
        }
    }
    ozk_jsonrpc_method methods[] = {
        { "ozk_infer", m_infer, 1, n },
        { "ozk_getRecord", m_get_record, 1, n },
        { "ozk_getReceipt", m_get_receipt, 1, n },
        { "ozk_getBatch", m_get_batch, 1, n },
        { "ozk_status", m_status, 0, n },
    };
    ozk_jsonrpc_config rcfg;
    memset(&rcfg, 0, sizeof rcfg);
    rcfg.path = "/";
    rcfg.token = token[0] ? token : NULL;
    rcfg.max_batch = c->max_batch;
    int rc =
        ozk_jsonrpc_new(&n->rpc, &rcfg, methods, sizeof methods / sizeof methods[0], other_path, n);
    ozk_wipe(token, sizeof token);
    if (rc) {
        snprintf(err, errlen, "the JSON-RPC dispatcher: %s", ozk_strerror(rc));
        return rc;
    }
    ozk_http_config hcfg;
    ozk_http_config_default(&hcfg);
    hcfg.host = c->listen;
    hcfg.port = c->port;
    hcfg.max_body = c->max_body;
    hcfg.max_connections = c->max_connections;
    rc = ozk_http_init(&n->loop, &n->http, &hcfg, ozk_jsonrpc_http_handler, n->rpc);
    if (!rc) rc = ozk_http_listen(n->http);
    if (rc) {
        snprintf(err, errlen, "cannot listen on %s:%d: %s", c->listen, c->port,
                 n->http ? uv_strerror(ozk_http_uv_error(n->http)) : ozk_strerror(rc));
        return rc;
    }
    ozk_log(OZK_LOG_INFO, "api", "listening on http://%s:%d%s", c->listen, ozk_http_port(n->http),
            token[0] || rcfg.token ? " (write methods need the bearer token)" : "");
    return 0;
}

typedef struct {
    ozk_node *n;
    void (*cb)(void *);
    void *arg;
} stop_ctx;

static void api_closed(void *arg)
{
    stop_ctx *s = arg;
    ozk_jsonrpc_free(s->n->rpc);
    s->n->rpc = NULL;
    s->n->http = NULL;
    if (s->cb) s->cb(s->arg);
    free(s);
}

void ozk__api_stop(ozk_node *n, void (*cb)(void *arg), void *arg)
{
    stop_ctx *s = malloc(sizeof *s);
    if (!n->http || !s) {
        free(s);
        if (cb) cb(arg);
        return;
    }
    s->n = n, s->cb = cb, s->arg = arg;
    ozk_http_close(n->http, api_closed, s);
}
