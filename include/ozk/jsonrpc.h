/*
 * ozk/jsonrpc.h: a JSON-RPC 2.0 server on the HTTP server of ozk/http.h, with Jansson.
 *
 * Wiring. A dispatcher holds the method table and the HTTP-level rules; it is not a libuv
 * handle itself. Give ozk_jsonrpc_http_handler and the dispatcher to ozk_http_init():
 *
 *     ozk_jsonrpc *rpc;
 *     ozk_jsonrpc_new(&rpc, &rcfg, methods, n_methods, on_other_path, node);
 *     ozk_http_init(loop, &srv, &hcfg, ozk_jsonrpc_http_handler, rpc);
 *     ozk_http_listen(srv);
 *     ...
 *     ozk_http_close(srv, on_closed, ...);  and in on_closed: ozk_jsonrpc_free(rpc);
 *
 * A POST to the configured path (default "/") is a JSON-RPC call; any other path goes to the
 * fallback handler (the node's GET /health and GET /metrics), which answers it with
 * ozk_http_respond(); without a fallback other paths get 404. On the RPC path:
 *
 *   any method but POST                -> HTTP 405 (Allow: POST)
 *   Content-Type not application/json  -> HTTP 415 (parameters such as charset are allowed;
 *                                         a missing Content-Type is refused too)
 *   body that is not JSON              -> -32700 parse error, id null
 *   not an object or a non-empty array -> -32600 invalid request, id null
 *   array over max_batch members       -> -32600 invalid request, id null (one object)
 *
 * Each call (an object) is checked: "jsonrpc" exactly "2.0", "method" a string, "params"
 * absent or an array or an object, "id" absent (a notification), a string, a number or null; no
 * other members matter. An invalid call gets -32600 with its id when the id is valid, else
 * null. An unknown method gets -32601. Otherwise the method's handler is called.
 *
 * Replies. A single call is answered with HTTP 200 and one response object; a batch with HTTP 200
 * and an array of the responses, in the order of the calls, once every call has been answered.
 * Notifications get no response; a notification alone, or a batch of only notifications, gets
 * HTTP 204 with no body. JSON-RPC errors travel inside HTTP 200, with one exception: a single
 * call refused for want of a token gets HTTP 401 (with "WWW-Authenticate: Bearer"). ids are
 * echoed as Jansson parsed them: strings and integers (up to 64 bits) exactly; fractional ids
 * (which the spec discourages) as the double nearest to them; an integer too big for 64 bits
 * fails the parse.
 *
 * Auth. When a token is configured, methods flagged needs_auth require the header
 * "Authorization: Bearer TOKEN". The check compares Keccak-256 digests in constant time and the
 * token itself is not kept (only its digest) nor ever logged or echoed. A missing or wrong token
 * answers that call with -32001 "unauthorized" and the handler is not called. Methods without
 * the flag, and every method when no token is configured, need nothing.
 *
 * Handlers. A handler is called on the loop thread with a context and the call's params. It
 * answers exactly once, now or later (from a timer, or from the loop thread after the caller's
 * uv_async_t brought a worker's result back), with ozk_jsonrpc_result() or ozk_jsonrpc_error(),
 * which free the context. Notifications are handled the same way; their answer is dropped. The
 * context and params stay valid until the answer, also when the client went away or the server
 * closed (then the answer is dropped, see ozk/http.h). An unanswered context leaks its call.
 *
 * Threading: everything here on the loop thread.
 * Errors: systems regime (ozk/error.h).
 */
#ifndef OZK_JSONRPC_H
#define OZK_JSONRPC_H

#include <stddef.h>

#include <jansson.h>

#include "ozk/http.h"

/* JSON-RPC 2.0 error codes, and the node's own. */
enum {
    OZK_JSONRPC_PARSE_ERROR = -32700,
    OZK_JSONRPC_INVALID_REQUEST = -32600,
    OZK_JSONRPC_METHOD_NOT_FOUND = -32601,
    OZK_JSONRPC_INVALID_PARAMS = -32602,
    OZK_JSONRPC_INTERNAL_ERROR = -32603,
    OZK_JSONRPC_UNAUTHORIZED = -32001,
    OZK_JSONRPC_UNAVAILABLE = -32002 /* the node's own: it cannot take this call now */
};

typedef struct ozk_jsonrpc ozk_jsonrpc;
typedef struct ozk_jsonrpc_ctx ozk_jsonrpc_ctx;

/* params is a borrowed reference, NULL when the call has none, valid until ctx is answered.
 * data is the method's user data. */
typedef void (*ozk_jsonrpc_method_cb)(ozk_jsonrpc_ctx *ctx, json_t *params, void *data);

typedef struct {
    const char *name;         /* copied */
    ozk_jsonrpc_method_cb cb; /* required */
    int needs_auth;           /* 1: write method, needs the token when one is configured */
    void *data;
} ozk_jsonrpc_method;

typedef struct {
    const char *path;  /* where calls are POSTed; NULL: "/" (copied) */
    const char *token; /* bearer token; NULL or "": no auth (hashed at once, not kept) */
    size_t max_batch;  /* members of a batch; 0: 100 */
} ozk_jsonrpc_config;

/* Creates a dispatcher with a copy of methods[0..n) (names unique and non-empty, else
 * OZK_EINVAL) and of cfg (NULL for the defaults). fallback (may be NULL) gets requests to other
 * paths, with fallback_data. OZK_ENOMEM. On failure *out is NULL. */
int ozk_jsonrpc_new(ozk_jsonrpc **out, const ozk_jsonrpc_config *cfg,
                    const ozk_jsonrpc_method *methods, size_t n, ozk_http_handler fallback,
                    void *fallback_data);

/* Frees the dispatcher (NULL is fine). The HTTP server that uses it must be closed first;
 * contexts still outstanding stay valid (they hold no pointer to it) and must still be answered. */
void ozk_jsonrpc_free(ozk_jsonrpc *rpc);

/* The ozk_http_handler to register with data = the dispatcher. */
void ozk_jsonrpc_http_handler(ozk_http_request *req, void *rpc);

/* Answers ctx with result (a reference stolen; NULL means JSON null) and frees ctx. Returns 0,
 * or OZK_ENOMEM (then the call is answered with -32603). */
int ozk_jsonrpc_result(ozk_jsonrpc_ctx *ctx, json_t *result);

/* Answers ctx with an error: code (an OZK_JSONRPC_* or an application code), message (copied;
 * NULL: a default for the code) and data (a reference stolen; NULL: no "data" member). Frees
 * ctx. Returns 0 or OZK_ENOMEM (then the answer is -32603 without data). */
int ozk_jsonrpc_error(ozk_jsonrpc_ctx *ctx, int code, const char *message, json_t *data);

/* The method name of the call (valid until ctx is answered). */
const char *ozk_jsonrpc_ctx_method(const ozk_jsonrpc_ctx *ctx);
/* 1 when the call is a notification (its answer will be dropped). */
int ozk_jsonrpc_ctx_is_notification(const ozk_jsonrpc_ctx *ctx);
/* 1 while the client that sent the call is still connected (long jobs may give up when 0). */
int ozk_jsonrpc_ctx_alive(const ozk_jsonrpc_ctx *ctx);

#endif
