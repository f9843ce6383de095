/*
 * node/jsonrpc.c: JSON-RPC 2.0 over the node's HTTP server. See ozk/jsonrpc.h.
 *
 * Source: the JSON-RPC 2.0 specification (request, notification, response, error and batch
 * objects, and the reserved error codes).
 *
 * One HTTP request is one struct call: a slot per member for its response (NULL for a
 * notification) and a count of handlers still to answer. The count starts one higher while the
 * members are being dispatched, so that handlers answering at once cannot finish the call under
 * the dispatch loop's feet.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ozk/error.h"
#include "ozk/jsonrpc.h"
#include "ozk/keccak.h"

#define DEFAULT_MAX_BATCH 100

struct method {
    char *name;
    ozk_jsonrpc_method_cb cb;
    int needs_auth;
    void *data;
};

struct ozk_jsonrpc {
    struct method *methods;
    size_t n;
    char *path;
    int has_token;
    uint8_t token_hash[32];
    size_t max_batch;
    ozk_http_handler fallback;
    void *fallback_data;
};

struct call {
    ozk_http_request *req;
    size_t n, pending;
    int single;       /* the body was one object, not an array */
    int unauthorized; /* a member was refused for want of a token */
    json_t *slots[];
};

struct ozk_jsonrpc_ctx {
    struct call *call;
    size_t index;
    json_t *id;  /* a new reference, NULL for a notification */
    json_t *msg; /* the call object (keeps params and the method name alive) */
    const char *method;
};

static char *dupstr(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

void ozk_jsonrpc_free(ozk_jsonrpc *rpc)
{
    if (!rpc) return;
    for (size_t i = 0; i < rpc->n; i++) free(rpc->methods[i].name);
    free(rpc->methods);
    free(rpc->path);
    free(rpc);
}

int ozk_jsonrpc_new(ozk_jsonrpc **out, const ozk_jsonrpc_config *cfg,
                    const ozk_jsonrpc_method *methods, size_t n, ozk_http_handler fallback,
                    void *fallback_data)
{
    *out = NULL;
    if (n && !methods) return OZK_EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (!methods[i].name || !methods[i].name[0] || !methods[i].cb) return OZK_EINVAL;
        for (size_t j = 0; j < i; j++)
            if (strcmp(methods[i].name, methods[j].name) == 0) return OZK_EINVAL;
    }
    const char *path = cfg && cfg->path ? cfg->path : "/";
    if (path[0] != '/') return OZK_EINVAL;
    ozk_jsonrpc *rpc = calloc(1, sizeof *rpc);
    if (!rpc) return OZK_ENOMEM;
    rpc->methods = calloc(n ? n : 1, sizeof *rpc->methods);
    rpc->path = dupstr(path);
    if (!rpc->methods || !rpc->path) goto nomem;
    for (size_t i = 0; i < n; i++) {
        rpc->methods[i].name = dupstr(methods[i].name);
        if (!rpc->methods[i].name) goto nomem;
        rpc->methods[i].cb = methods[i].cb;
        rpc->methods[i].needs_auth = methods[i].needs_auth;
        rpc->methods[i].data = methods[i].data;
        rpc->n = i + 1;
    }
    if (cfg && cfg->token && cfg->token[0]) {
        rpc->has_token = 1;
        ozk_keccak256(rpc->token_hash, cfg->token, strlen(cfg->token));
    }
    rpc->max_batch = cfg && cfg->max_batch ? cfg->max_batch : DEFAULT_MAX_BATCH;
    rpc->fallback = fallback;
    rpc->fallback_data = fallback_data;
    *out = rpc;
    return 0;
nomem:
    ozk_jsonrpc_free(rpc);
    return OZK_ENOMEM;
}

/* ---- responses ---- */

static const char *default_message(int code)
{
    switch (code) {
    case OZK_JSONRPC_PARSE_ERROR:
        return "Parse error";
    case OZK_JSONRPC_INVALID_REQUEST:
        return "Invalid Request";
    case OZK_JSONRPC_METHOD_NOT_FOUND:
        return "Method not found";
    case OZK_JSONRPC_INVALID_PARAMS:
        return "Invalid params";
    case OZK_JSONRPC_INTERNAL_ERROR:
        return "Internal error";
    case OZK_JSONRPC_UNAUTHORIZED:
        return "unauthorized";
    default:
        return "Server error";
    }
}

/* A response object; id borrowed (NULL: null), result and data stolen. NULL when out of memory. */
static json_t *make_response(json_t *id, json_t *result, int is_error, int code, const char *msg,
                             json_t *data)
{
    json_t *r = json_object();
    json_t *body = NULL;
    if (!r) goto fail;
    if (json_object_set_new(r, "jsonrpc", json_string("2.0")) < 0) goto fail;
    if (is_error) {
        body = json_object();
        if (!body) goto fail;
        if (json_object_set_new(body, "code", json_integer(code)) < 0) goto fail;
        if (json_object_set_new(body, "message", json_string(msg ? msg : default_message(code))) <
            0)
            goto fail;
        if (data && json_object_set_new(body, "data", data) < 0) {
            data = NULL;
            goto fail;
        }
        data = NULL;
        if (json_object_set_new(r, "error", body) < 0) {
            body = NULL;
            goto fail;
        }
        body = NULL;
    } else {
        if (json_object_set_new(r, "result", result ? result : json_null()) < 0) {
            result = NULL;
            goto fail;
        }
        result = NULL;
    }
    if (json_object_set(r, "id", id ? id : json_null()) < 0) goto fail;
    return r;
fail:
    json_decref(r);
    json_decref(body);
    json_decref(result);
    json_decref(data);
    return NULL;
}

static void respond_json(ozk_http_request *req, int status, const char *extra, json_t *v)
{
    char *s = v ? json_dumps(v, JSON_COMPACT) : NULL;
    if (!s) {
        static const char oom[] =
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32603,\"message\":\"Internal error\"},"
            "\"id\":null}";
        ozk_http_respond(req, 500, "application/json", NULL, oom, sizeof oom - 1);
        return;
    }
    ozk_http_respond(req, status, "application/json", extra, s, strlen(s));
    free(s);
}

/* One error object for the whole request (parse errors, bad batches). */
static void respond_error(ozk_http_request *req, int code, const char *msg, json_t *data)
{
    json_t *r = make_response(NULL, NULL, 1, code, msg, data);
    respond_json(req, 200, NULL, r);
    json_decref(r);
}

static void call_finish(struct call *call)
{
    json_t *out = NULL;
    int status = 200;
    const char *extra = NULL;
    if (call->single) {
        out = call->slots[0];
        if (out && call->unauthorized) {
            status = 401;
            extra = "WWW-Authenticate: Bearer\r\n";
        }
        if (out) json_incref(out);
    } else {
        out = json_array();
        for (size_t i = 0; out && i < call->n; i++)
            if (call->slots[i] && json_array_append(out, call->slots[i]) < 0) {
                json_decref(out);
                out = NULL;
            }
        if (out && json_array_size(out) == 0) {
            json_decref(out);
            out = NULL;
            call->single = 1; /* nothing to say: 204 below */
        }
        if (!out && !call->single) {
            respond_json(call->req, 500, NULL, NULL);
            goto done;
        }
    }
    if (!out)
        ozk_http_respond(call->req, 204, NULL, NULL, NULL, 0);
    else
        respond_json(call->req, status, extra, out);
done:
    json_decref(out);
    for (size_t i = 0; i < call->n; i++) json_decref(call->slots[i]);
    free(call);
}

static void call_put(struct call *call, size_t i, json_t *response)
{
    call->slots[i] = response;
    if (--call->pending == 0) call_finish(call);
}

static int ctx_answer(ozk_jsonrpc_ctx *ctx, json_t *result, int is_error, int code, const char *msg,
                      json_t *data)
{
    int rc = 0;
    json_t *r = NULL;
    if (ctx->id) {
        r = make_response(ctx->id, result, is_error, code, msg, data);
        if (!r) {
            rc = OZK_ENOMEM;
            r = make_response(ctx->id, NULL, 1, OZK_JSONRPC_INTERNAL_ERROR, NULL, NULL);
        }
    } else {
        json_decref(result);
        json_decref(data);
    }
    struct call *call = ctx->call;
    size_t i = ctx->index;
    json_decref(ctx->id);
    json_decref(ctx->msg);
    free(ctx);
    call_put(call, i, r);
    return rc;
}

int ozk_jsonrpc_result(ozk_jsonrpc_ctx *ctx, json_t *result)
{
    return ctx_answer(ctx, result, 0, 0, NULL, NULL);
}

int ozk_jsonrpc_error(ozk_jsonrpc_ctx *ctx, int code, const char *message, json_t *data)
{
    return ctx_answer(ctx, NULL, 1, code, message, data);
}

const char *ozk_jsonrpc_ctx_method(const ozk_jsonrpc_ctx *ctx)
{
    return ctx->method;
}

int ozk_jsonrpc_ctx_is_notification(const ozk_jsonrpc_ctx *ctx)
{
    return ctx->id == NULL;
}

int ozk_jsonrpc_ctx_alive(const ozk_jsonrpc_ctx *ctx)
{
    return ozk_http_request_alive(ctx->call->req);
}

/* ---- requests ---- */

static const struct method *find_method(const ozk_jsonrpc *rpc, const char *name)
{
    for (size_t i = 0; i < rpc->n; i++)
        if (strcmp(rpc->methods[i].name, name) == 0) return &rpc->methods[i];
    return NULL;
}

/* 1 when the request carries the configured token. Only digests are compared, in constant
 * time, so neither the token's bytes nor its length leak through timing. */
static int authorized(const ozk_jsonrpc *rpc, ozk_http_request *req)
{
    const char *h = ozk_http_request_header(req, "Authorization");
    if (!h || strncasecmp(h, "Bearer ", 7) != 0) return 0;
    h += 7;
    while (*h == ' ') h++;
    uint8_t d[32];
    ozk_keccak256(d, h, strlen(h));
    unsigned diff = 0;
    for (int i = 0; i < 32; i++) diff |= (unsigned)(d[i] ^ rpc->token_hash[i]);
    return diff == 0;
}

static int valid_id(const json_t *id)
{
    return json_is_string(id) || json_is_number(id) || json_is_null(id);
}

/* Handles member i of call; auth is 1 when the request carries the token. */
static void handle_member(const ozk_jsonrpc *rpc, struct call *call, size_t i, json_t *m, int auth)
{
    json_t *id = json_is_object(m) ? json_object_get(m, "id") : NULL;
    int has_id = id != NULL;
    if (has_id && !valid_id(id)) id = NULL;
    const char *ver = json_string_value(json_object_get(m, "jsonrpc"));
    const char *name = json_string_value(json_object_get(m, "method"));
    json_t *params = json_object_get(m, "params");
    if (!json_is_object(m) || !ver || strcmp(ver, "2.0") != 0 || !name || (has_id && !id) ||
        (params && !json_is_array(params) && !json_is_object(params))) {
        call_put(call, i, make_response(id, NULL, 1, OZK_JSONRPC_INVALID_REQUEST, NULL, NULL));
        return;
    }
    const struct method *meth = find_method(rpc, name);
    if (!meth) {
        call_put(call, i,
                 has_id ? make_response(id, NULL, 1, OZK_JSONRPC_METHOD_NOT_FOUND, NULL, NULL)
                        : NULL);
        return;
    }
    if (meth->needs_auth && rpc->has_token && !auth) {
        call->unauthorized = 1;
        call_put(call, i,
                 has_id ? make_response(id, NULL, 1, OZK_JSONRPC_UNAUTHORIZED, NULL, NULL) : NULL);
        return;
    }
    ozk_jsonrpc_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) {
        call_put(call, i,
                 has_id ? make_response(id, NULL, 1, OZK_JSONRPC_INTERNAL_ERROR, NULL, NULL)
                        : NULL);
        return;
    }
    ctx->call = call;
    ctx->index = i;
    ctx->id = has_id ? json_incref(id) : NULL;
    ctx->msg = json_incref(m);
    ctx->method = name;
    meth->cb(ctx, params, meth->data);
}

static int is_json_type(const char *ct)
{
    if (!ct) return 0;
    size_t n = strcspn(ct, ";");
    while (n > 0 && (ct[n - 1] == ' ' || ct[n - 1] == '\t')) n--;
    return n == 16 && strncasecmp(ct, "application/json", 16) == 0;
}

void ozk_jsonrpc_http_handler(ozk_http_request *req, void *arg)
{
    const ozk_jsonrpc *rpc = arg;
    if (strcmp(ozk_http_request_path(req), rpc->path) != 0) {
        if (rpc->fallback) {
            rpc->fallback(req, rpc->fallback_data);
        } else {
            static const char nf[] = "not found\n";
            ozk_http_respond(req, 404, "text/plain", NULL, nf, sizeof nf - 1);
        }
        return;
    }
    if (strcmp(ozk_http_request_method(req), "POST") != 0) {
        static const char msg[] = "JSON-RPC calls are POSTed\n";
        ozk_http_respond(req, 405, "text/plain", "Allow: POST\r\n", msg, sizeof msg - 1);
        return;
    }
    if (!is_json_type(ozk_http_request_header(req, "Content-Type"))) {
        static const char msg[] = "send Content-Type: application/json\n";
        ozk_http_respond(req, 415, "text/plain", NULL, msg, sizeof msg - 1);
        return;
    }
    size_t len;
    const char *body = ozk_http_request_body(req, &len);
    json_error_t jerr;
    json_t *doc = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (!doc) {
        respond_error(req, OZK_JSONRPC_PARSE_ERROR, NULL, json_string(jerr.text));
        return;
    }
    size_t n = json_is_array(doc) ? json_array_size(doc) : 1;
    if (!json_is_object(doc) && !json_is_array(doc)) n = 0;
    if (n == 0 || n > rpc->max_batch) {
        respond_error(req, OZK_JSONRPC_INVALID_REQUEST,
                      n == 0 ? "Invalid Request: expected an object or a non-empty array"
                             : "Invalid Request: batch too large",
                      n == 0 ? NULL : json_integer((json_int_t)rpc->max_batch));
        json_decref(doc);
        return;
    }
    struct call *call = calloc(1, sizeof *call + n * sizeof(json_t *));
    if (!call) {
        respond_error(req, OZK_JSONRPC_INTERNAL_ERROR, NULL, NULL);
        json_decref(doc);
        return;
    }
    call->req = req;
    call->n = n;
    call->single = !json_is_array(doc);
    call->pending = n + 1;
    int auth = rpc->has_token ? authorized(rpc, req) : 1;
    for (size_t i = 0; i < n; i++)
        handle_member(rpc, call, i, call->single ? doc : json_array_get(doc, i), auth);
    json_decref(doc);
    if (--call->pending == 0) call_finish(call);
}
