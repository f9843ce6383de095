/*
 * tests/test_http.c: the node's API transport: the HTTP server (node/http.c), JSON-RPC 2.0 on it
 * (node/jsonrpc.c) and the metrics registry (node/metrics.c).
 *
 * Each test starts a real server on an ephemeral loopback port, on a fresh uv loop run by a
 * background thread, and talks to it with libcurl (well-formed traffic) and raw TCP sockets
 * (malformed, pipelined, trickled and abandoned traffic). Method handlers run on the loop thread
 * and answer at once, from a uv_timer, or from a worker thread through a uv_async_t. Every test
 * ends by closing the server from the loop and checking that uv_loop_close() returns 0, i.e. no
 * handle was leaked; the sanitizer build checks that abandoned requests are freed exactly once.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <uv.h>

#include "ozk/error.h"
#include "ozk/http.h"
#include "ozk/jsonrpc.h"
#include "ozk/metrics.h"
#include "testutil.h"

#define TOKEN "s3cret-token"

/* ---- the server under test ---- */

/* One per test, and leaked when a test fails half-way: its loop thread may still be running. */
struct fixture {
    uv_loop_t loop;
    uv_async_t stop;
    pthread_t thread;
    ozk_http_server *srv;
    ozk_jsonrpc *rpc;
    ozk_metrics *reg;
    ozk_metric *served;
    int port;
    int closed;
};
static struct fixture *F;

static atomic_int g_notes;         /* notifications the "note" method saw */
static atomic_int g_later_started; /* "later" calls that reached their handler */
static atomic_int g_later_done;    /* "later" calls answered */
static atomic_int g_later_alive;   /* ... of which the client was still there */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static void m_echo(ozk_jsonrpc_ctx *ctx, json_t *params, void *data)
{
    (void)data;
    ozk_jsonrpc_result(ctx, params ? json_incref(params) : NULL);
}

static void m_add(ozk_jsonrpc_ctx *ctx, json_t *params, void *data)
{
    (void)data;
    json_t *a = json_array_get(params, 0), *b = json_array_get(params, 1);
    if (!json_is_array(params) || json_array_size(params) != 2 || !json_is_integer(a) ||
        !json_is_integer(b)) {
        ozk_jsonrpc_error(ctx, OZK_JSONRPC_INVALID_PARAMS, "add takes two integers", NULL);
        return;
    }
    ozk_jsonrpc_result(ctx, json_integer(json_integer_value(a) + json_integer_value(b)));
}

static void m_fail(ozk_jsonrpc_ctx *ctx, json_t *params, void *data)
{
    (void)params;
    (void)data;
    ozk_jsonrpc_error(ctx, OZK_JSONRPC_INTERNAL_ERROR, "boom", json_pack("{s:s}", "why", "test"));
}

static void m_write(ozk_jsonrpc_ctx *ctx, json_t *params, void *data)
{
    (void)params;
    (void)data;
    ozk_jsonrpc_result(ctx, json_string("written"));
}

static void m_note(ozk_jsonrpc_ctx *ctx, json_t *params, void *data)
{
    (void)params;
    (void)data;
    atomic_fetch_add(&g_notes, 1);
    ozk_jsonrpc_result(ctx, json_true());
}

/* "hold" parks its call; "release" answers the parked call with its own params, then itself: a
 * handler answering another connection's request. */
static ozk_jsonrpc_ctx *g_held;
static atomic_int g_holding;

static void m_hold(ozk_jsonrpc_ctx *ctx, json_t *params, void *data)
{
    (void)params;
    (void)data;
    g_held = ctx;
    atomic_store(&g_holding, 1);
}

static void m_release(ozk_jsonrpc_ctx *ctx, json_t *params, void *data)
{
    (void)data;
    if (!g_held) {
        ozk_jsonrpc_error(ctx, OZK_JSONRPC_INTERNAL_ERROR, "nothing held", NULL);
        return;
    }
    ozk_jsonrpc_result(g_held, json_incref(params));
    g_held = NULL;
    ozk_jsonrpc_result(ctx, json_string("released"));
}

/* "later" [ms, value]: answers value after ms, from a uv_timer */
struct later {
    uv_timer_t timer;
    ozk_jsonrpc_ctx *ctx;
    json_t *value;
};

static void later_closed(uv_handle_t *h)
{
    free(h->data);
}

static void later_fire(uv_timer_t *t)
{
    struct later *l = t->data;
    atomic_fetch_add(&g_later_alive, ozk_jsonrpc_ctx_alive(l->ctx));
    atomic_fetch_add(&g_later_done, 1); /* before the answer, which the client may see at once */
    ozk_jsonrpc_result(l->ctx, l->value);
    uv_close((uv_handle_t *)t, later_closed);
}

static void m_later(ozk_jsonrpc_ctx *ctx, json_t *params, void *data)
{
    uv_loop_t *loop = data;
    json_int_t ms = json_integer_value(json_array_get(params, 0));
    struct later *l = malloc(sizeof *l);
    assert_non_null(l);
    l->ctx = ctx;
    l->value = json_incref(json_array_get(params, 1));
    uv_timer_init(loop, &l->timer);
    l->timer.data = l;
    uv_timer_start(&l->timer, later_fire, (uint64_t)ms, 0);
    atomic_fetch_add(&g_later_started, 1);
}

/* "worker" [x]: a thread computes 2x and hands it back with uv_async_send */
struct job {
    uv_async_t async;
    pthread_t thread;
    ozk_jsonrpc_ctx *ctx;
    json_int_t in, out;
};

static void job_closed(uv_handle_t *h)
{
    free(h->data);
}

static void job_done(uv_async_t *a)
{
    struct job *j = a->data;
    pthread_join(j->thread, NULL);
    ozk_jsonrpc_result(j->ctx, json_integer(j->out));
    uv_close((uv_handle_t *)a, job_closed);
}

static void *job_run(void *arg)
{
    struct job *j = arg;
    sleep_ms(20);
    j->out = 2 * j->in;
    uv_async_send(&j->async);
    return NULL;
}

static void m_worker(ozk_jsonrpc_ctx *ctx, json_t *params, void *data)
{
    struct job *j = calloc(1, sizeof *j);
    assert_non_null(j);
    j->ctx = ctx;
    j->in = json_integer_value(json_array_get(params, 0));
    uv_async_init(data, &j->async, job_done);
    j->async.data = j;
    assert_int_equal(pthread_create(&j->thread, NULL, job_run, j), 0);
}

/* The node's other paths: /health, /metrics, and two that probe the request API. */
static void fallback(ozk_http_request *req, void *data)
{
    struct fixture *fx = data;
    ozk_metric_inc(fx->served);
    const char *path = ozk_http_request_path(req);
    if (strcmp(path, "/health") == 0) {
        ozk_http_respond(req, 200, "text/plain", NULL, "ok\n", 3);
    } else if (strcmp(path, "/metrics") == 0) {
        size_t len;
        char *text = ozk_metrics_render_alloc(fx->reg, &len);
        assert_non_null(text);
        ozk_http_respond(req, 200, "text/plain; version=0.0.4", NULL, text, len);
        free(text);
    } else if (strcmp(path, "/probe") == 0) {
        char out[512];
        size_t blen;
        const char *body = ozk_http_request_body(req, &blen);
        const char *h = ozk_http_request_header(req, "x-TEST-header");
        int n = snprintf(out, sizeof out, "%s %s q=%s h=%s b=%zu:%s", ozk_http_request_method(req),
                         path, ozk_http_request_query(req), h ? h : "(none)", blen, body);
        if (n >= (int)sizeof out) n = (int)sizeof out - 1;
        ozk_http_respond(req, 200, "text/plain", "X-Probe: yes\r\n", out, (size_t)n);
    } else if (strcmp(path, "/bad") == 0) {
        int rc = ozk_http_respond(req, 200, "text/plain", "X-Evil: a\r\nb\r\n", "x", 1);
        assert_int_equal(rc, OZK_EINVAL);
    } else {
        ozk_http_respond(req, 404, "text/plain", NULL, "not found\n", 10);
    }
}

static void on_closed(void *arg)
{
    struct fixture *fx = arg;
    if (fx) fx->closed = 1;
}

static void on_stop(uv_async_t *a)
{
    struct fixture *fx = a->data;
    ozk_http_close(fx->srv, on_closed, fx);
    uv_close((uv_handle_t *)a, NULL);
}

static void *loop_thread(void *arg)
{
    struct fixture *fx = arg;
    uv_run(&fx->loop, UV_RUN_DEFAULT);
    return NULL;
}

/* Starts a server with cfg (NULL: defaults), the given token (NULL: none) and max_batch. */
static void start_opts(const ozk_http_config *cfg, const char *token, size_t max_batch)
{
    F = calloc(1, sizeof *F);
    assert_non_null(F);
    atomic_store(&g_notes, 0);
    atomic_store(&g_later_started, 0);
    atomic_store(&g_later_done, 0);
    atomic_store(&g_later_alive, 0);
    assert_int_equal(uv_loop_init(&F->loop), 0);
    assert_int_equal(uv_async_init(&F->loop, &F->stop, on_stop), 0);
    F->stop.data = F;
    assert_int_equal(ozk_metrics_new(&F->reg), 0);
    assert_int_equal(ozk_metrics_counter(F->reg, &F->served, "test_fallback_requests_total",
                                         "Requests to paths other than the RPC path.", NULL),
                     0);
    const ozk_jsonrpc_method methods[] = {
        { "echo", m_echo, 0, NULL },         { "add", m_add, 0, NULL },
        { "fail", m_fail, 0, NULL },         { "write", m_write, 1, NULL },
        { "note", m_note, 0, NULL },         { "later", m_later, 0, &F->loop },
        { "worker", m_worker, 0, &F->loop }, { "hold", m_hold, 0, NULL },
        { "release", m_release, 0, NULL },
    };
    ozk_jsonrpc_config rcfg = { .path = "/", .token = token, .max_batch = max_batch };
    assert_int_equal(
        ozk_jsonrpc_new(&F->rpc, &rcfg, methods, sizeof methods / sizeof methods[0], fallback, F),
        0);
    assert_int_equal(ozk_http_init(&F->loop, &F->srv, cfg, ozk_jsonrpc_http_handler, F->rpc), 0);
    assert_int_equal(ozk_http_listen(F->srv), 0);
    F->port = ozk_http_port(F->srv);
    assert_true(F->port > 0);
    assert_int_equal(pthread_create(&F->thread, NULL, loop_thread, F), 0);
}

static void start(void)
{
    start_opts(NULL, NULL, 0);
}

static void start_cfg(void (*tweak)(ozk_http_config *))
{
    ozk_http_config cfg;
    ozk_http_config_default(&cfg);
    tweak(&cfg);
    start_opts(&cfg, NULL, 0);
}

/* Closes the server from its loop, joins the loop thread, and checks that nothing leaked. */
static void stop(void)
{
    uv_async_send(&F->stop);
    pthread_join(F->thread, NULL);
    assert_int_equal(F->closed, 1);
    assert_int_equal(uv_loop_close(&F->loop), 0);
    ozk_jsonrpc_free(F->rpc);
    ozk_metrics_free(F->reg);
    free(F);
    F = NULL;
}

/* ---- clients ---- */

struct resp {
    long status;
    char *body;
    size_t len;
    char ctype[128];
};

static size_t on_data(char *p, size_t sz, size_t n, void *arg)
{
    struct resp *r = arg;
    char *q = realloc(r->body, r->len + sz * n + 1);
    assert_non_null(q);
    r->body = q;
    memcpy(r->body + r->len, p, sz * n);
    r->len += sz * n;
    r->body[r->len] = 0;
    return sz * n;
}

/* One request on handle h (reused for keep-alive); body NULL for GET. */
static void curl_req(CURL *h, struct resp *r, const char *path, const char *body, const char *ctype,
                     const char *auth)
{
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", F->port, path);
    memset(r, 0, sizeof *r);
    struct curl_slist *hdrs = NULL;
    char line[256];
    if (ctype) {
        snprintf(line, sizeof line, "Content-Type: %s", ctype);
        hdrs = curl_slist_append(hdrs, line);
    }
    if (auth) {
        snprintf(line, sizeof line, "Authorization: %s", auth);
        hdrs = curl_slist_append(hdrs, line);
    }
    hdrs = curl_slist_append(hdrs, "Expect:");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 5000L);
    if (body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    } else {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    }
    CURLcode cc = curl_easy_perform(h);
    curl_slist_free_all(hdrs);
    assert_int_equal(cc, CURLE_OK);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
    char *ct = NULL;
    curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ct);
    snprintf(r->ctype, sizeof r->ctype, "%s", ct ? ct : "");
    if (!r->body) r->body = calloc(1, 1);
}

static void get(struct resp *r, const char *path)
{
    CURL *h = curl_easy_init();
    curl_req(h, r, path, NULL, NULL, NULL);
    curl_easy_cleanup(h);
}

/* POSTs a JSON-RPC body to "/"; returns the parsed reply (NULL for an empty body). */
static json_t *rpc_auth(const char *body, const char *auth, long *status)
{
    CURL *h = curl_easy_init();
    struct resp r;
    curl_req(h, &r, "/", body, "application/json", auth);
    curl_easy_cleanup(h);
    *status = r.status;
    json_t *v = NULL;
    if (r.len) {
        json_error_t e;
        v = json_loads(r.body, 0, &e);
        if (!v) fail_msg("reply is not JSON: %s", r.body);
    }
    free(r.body);
    return v;
}

static json_t *rpc(const char *body, long *status)
{
    return rpc_auth(body, NULL, status);
}

/* Checks that v is an error response with code and id (id_json: the id as compact JSON). */
static void expect_error(json_t *v, int code, const char *id_json)
{
    char *s = json_dumps(v, JSON_COMPACT);
    assert_non_null(s);
    json_t *err = json_object_get(v, "error");
    if (!json_is_object(err) || json_integer_value(json_object_get(err, "code")) != code ||
        !json_is_string(json_object_get(err, "message")) || json_object_get(v, "result") ||
        strcmp(json_string_value(json_object_get(v, "jsonrpc")), "2.0") != 0)
        fail_msg("expected error %d, got %s", code, s);
    char *id = json_dumps(json_object_get(v, "id"), JSON_COMPACT | JSON_ENCODE_ANY);
    if (!id || strcmp(id, id_json) != 0) fail_msg("expected id %s in %s", id_json, s);
    free(id);
    free(s);
}

static void expect_result(json_t *v, const char *result_json, const char *id_json)
{
    char *s = json_dumps(v, JSON_COMPACT);
    char *res = json_dumps(json_object_get(v, "result"), JSON_COMPACT | JSON_ENCODE_ANY);
    char *id = json_dumps(json_object_get(v, "id"), JSON_COMPACT | JSON_ENCODE_ANY);
    if (!res || !id || strcmp(res, result_json) != 0 || strcmp(id, id_json) != 0 ||
        json_object_get(v, "error"))
        fail_msg("expected result %s id %s, got %s", result_json, id_json, s);
    free(s);
    free(res);
    free(id);
}

/* Raw sockets. */
static int tcp_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in sa = { .sin_family = AF_INET,
                              .sin_port = htons((uint16_t)port),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    return fd;
}

static void send_str(int fd, const char *s)
{
    size_t n = strlen(s);
    while (n) {
        ssize_t k = send(fd, s, n, MSG_NOSIGNAL);
        assert_true(k > 0);
        s += k;
        n -= (size_t)k;
    }
}

/* Reads until the peer closes, an error, or ms pass without data. Returns the bytes read
 * (NUL-terminated, free() them); *closed says whether the peer closed (EOF or reset). */
static char *read_all(int fd, long ms, int *closed)
{
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    assert_non_null(b);
    *closed = 0;
    for (;;) {
        struct pollfd p = { fd, POLLIN, 0 };
        if (poll(&p, 1, (int)ms) <= 0) break;
        if (n + 1 >= cap) {
            cap *= 2;
            b = realloc(b, cap);
            assert_non_null(b);
        }
        ssize_t k = recv(fd, b + n, cap - n - 1, 0);
        if (k <= 0) {
            *closed = 1;
            break;
        }
        n += (size_t)k;
    }
    b[n] = 0;
    return b;
}

/* Reads until count complete responses (framed by Content-Length) have arrived. */
static char *read_responses(int fd, int count)
{
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    assert_non_null(b);
    b[0] = 0;
    double t0 = now_ms();
    for (;;) {
        int seen = 0;
        const char *p = b;
        for (;;) {
            const char *end = strstr(p, "\r\n\r\n");
            if (!end) break;
            const char *cl = strstr(p, "Content-Length: ");
            size_t len = cl && cl < end ? strtoul(cl + 16, NULL, 10) : 0;
            if ((size_t)(end + 4 - b) + len > n) break;
            p = end + 4 + len;
            seen++;
        }
        if (seen >= count) break;
        if (now_ms() - t0 > 5000) fail_msg("timed out; have: %s", b);
        struct pollfd pf = { fd, POLLIN, 0 };
        if (poll(&pf, 1, 100) <= 0) continue;
        ssize_t k = recv(fd, b + n, cap - n - 1, 0);
        if (k <= 0) fail_msg("connection closed early; have: %s", b);
        n += (size_t)k;
        b[n] = 0;
    }
    return b;
}

static char *post_raw(const char *body)
{
    char *s = malloc(strlen(body) + 256);
    assert_non_null(s);
    sprintf(s,
            "POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            "Content-Length: %zu\r\n\r\n%s",
            strlen(body), body);
    return s;
}

/* ---- JSON-RPC ---- */

static void test_call(void **state)
{
    (void)state;
    start();
    long st;
    json_t *v = rpc("{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":[2,40],\"id\":1}", &st);
    assert_int_equal(st, 200);
    expect_result(v, "42", "1");
    json_decref(v);
    /* ids are echoed exactly: strings, integers, fractions, null */
    const char *ids[] = { "\"abc\"", "-7", "9007199254740993", "1.5", "null" };
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        char body[256];
        snprintf(body, sizeof body,
                 "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":{\"a\":[1]},\"id\":%s}",
                 ids[i]);
        v = rpc(body, &st);
        assert_int_equal(st, 200);
        expect_result(v, "{\"a\":[1]}", ids[i]);
        json_decref(v);
    }
    /* no params at all */
    v = rpc("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":2}", &st);
    expect_result(v, "null", "2");
    json_decref(v);
    /* the charset parameter is fine */
    CURL *h = curl_easy_init();
    struct resp r;
    curl_req(h, &r, "/", "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[1],\"id\":3}",
             "application/json; charset=utf-8", NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.ctype, "application/json");
    assert_string_equal(r.body, "{\"jsonrpc\":\"2.0\",\"result\":[1],\"id\":3}");
    free(r.body);
    curl_easy_cleanup(h);
    stop();
}

static void test_async(void **state)
{
    (void)state;
    start();
    long st;
    double t0 = now_ms();
    json_t *v = rpc(
        "{\"jsonrpc\":\"2.0\",\"method\":\"later\",\"params\":[150,\"late\"],\"id\":\"a\"}", &st);
    double dt = now_ms() - t0;
    assert_int_equal(st, 200);
    expect_result(v, "\"late\"", "\"a\"");
    json_decref(v);
    assert_true(dt >= 140);
    assert_int_equal(atomic_load(&g_later_alive), 1);
    /* an answer computed on another thread, handed back with uv_async_send */
    v = rpc("{\"jsonrpc\":\"2.0\",\"method\":\"worker\",\"params\":[21],\"id\":5}", &st);
    expect_result(v, "42", "5");
    json_decref(v);
    stop();
}

static void test_batch(void **state)
{
    (void)state;
    start();
    long st;
    json_t *v = rpc("["
                    "{\"jsonrpc\":\"2.0\",\"method\":\"later\",\"params\":[80,\"slow\"],\"id\":1},"
                    "{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":[1,2],\"id\":2},"
                    "{\"jsonrpc\":\"2.0\",\"method\":\"note\",\"params\":[]},"
                    "{\"jsonrpc\":\"2.0\",\"method\":\"nope\",\"id\":3},"
                    "{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":[\"x\"],\"id\":4},"
                    "1,"
                    "{\"jsonrpc\":\"2.0\",\"method\":\"worker\",\"params\":[4],\"id\":5},"
                    "{\"jsonrpc\":\"2.0\",\"method\":\"fail\",\"id\":6}"
                    "]",
                    &st);
    assert_int_equal(st, 200);
    assert_true(json_is_array(v));
    assert_int_equal(json_array_size(v), 7); /* the notification has no response */
    expect_result(json_array_get(v, 0), "\"slow\"", "1");
    expect_result(json_array_get(v, 1), "3", "2");
    expect_error(json_array_get(v, 2), OZK_JSONRPC_METHOD_NOT_FOUND, "3");
    expect_error(json_array_get(v, 3), OZK_JSONRPC_INVALID_PARAMS, "4");
    expect_error(json_array_get(v, 4), OZK_JSONRPC_INVALID_REQUEST, "null");
    expect_result(json_array_get(v, 5), "8", "5");
    expect_error(json_array_get(v, 6), OZK_JSONRPC_INTERNAL_ERROR, "6");
    json_decref(v);
    assert_int_equal(atomic_load(&g_notes), 1);
    stop();
}

static void test_notifications(void **state)
{
    (void)state;
    start();
    CURL *h = curl_easy_init();
    struct resp r;
    curl_req(h, &r, "/", "{\"jsonrpc\":\"2.0\",\"method\":\"note\"}", "application/json", NULL);
    assert_int_equal(r.status, 204);
    assert_int_equal(r.len, 0);
    free(r.body);
    /* a batch of notifications only, one of them for an unknown method: 204, nothing */
    curl_req(h, &r, "/",
             "[{\"jsonrpc\":\"2.0\",\"method\":\"note\",\"params\":[1]},"
             "{\"jsonrpc\":\"2.0\",\"method\":\"nope\"},"
             "{\"jsonrpc\":\"2.0\",\"method\":\"later\",\"params\":[30,1]}]",
             "application/json", NULL);
    assert_int_equal(r.status, 204);
    assert_int_equal(r.len, 0);
    free(r.body);
    curl_easy_cleanup(h);
    assert_int_equal(atomic_load(&g_notes), 2);
    assert_int_equal(atomic_load(&g_later_done), 1);
    stop();
}

static void test_errors(void **state)
{
    (void)state;
    start_opts(NULL, NULL, 4);
    long st;
    static const struct {
        const char *body;
        int code;
        const char *id;
    } cases[] = {
        { "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":1", OZK_JSONRPC_PARSE_ERROR, "null" },
        { "", OZK_JSONRPC_PARSE_ERROR, "null" },
        { "{\"jsonrpc\":\"2.0\",\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":1}",
          OZK_JSONRPC_PARSE_ERROR, "null" },
        { "[]", OZK_JSONRPC_INVALID_REQUEST, "null" },
        { "42", OZK_JSONRPC_INVALID_REQUEST, "null" },
        { "\"x\"", OZK_JSONRPC_INVALID_REQUEST, "null" },
        { "{\"jsonrpc\":\"1.0\",\"method\":\"echo\",\"id\":1}", OZK_JSONRPC_INVALID_REQUEST, "1" },
        { "{\"method\":\"echo\",\"id\":\"k\"}", OZK_JSONRPC_INVALID_REQUEST, "\"k\"" },
        { "{\"jsonrpc\":\"2.0\",\"method\":7,\"id\":1}", OZK_JSONRPC_INVALID_REQUEST, "1" },
        { "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":3,\"id\":1}",
          OZK_JSONRPC_INVALID_REQUEST, "1" },
        { "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":[1]}", OZK_JSONRPC_INVALID_REQUEST,
          "null" },
        { "[1,2,3,4,5]", OZK_JSONRPC_INVALID_REQUEST, "null" }, /* over max_batch 4 */
        { "{\"jsonrpc\":\"2.0\",\"method\":\"nope\",\"id\":1}", OZK_JSONRPC_METHOD_NOT_FOUND, "1" },
        { "{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":[1],\"id\":1}",
          OZK_JSONRPC_INVALID_PARAMS, "1" },
        { "{\"jsonrpc\":\"2.0\",\"method\":\"fail\",\"id\":1}", OZK_JSONRPC_INTERNAL_ERROR, "1" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *v = rpc(cases[i].body, &st);
        if (st != 200 || !json_is_object(v)) fail_msg("case %zu: HTTP %ld", i, st);
        expect_error(v, cases[i].code, cases[i].id);
        if (cases[i].code == OZK_JSONRPC_INTERNAL_ERROR) {
            json_t *err = json_object_get(v, "error");
            assert_string_equal(json_string_value(json_object_get(err, "message")), "boom");
            assert_string_equal(
                json_string_value(json_object_get(json_object_get(err, "data"), "why")), "test");
        }
        json_decref(v);
    }
    /* a batch of exactly max_batch is fine; invalid members each get an error */
    json_t *v = rpc("[1,{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":1},2,3]", &st);
    assert_int_equal(json_array_size(v), 4);
    expect_error(json_array_get(v, 0), OZK_JSONRPC_INVALID_REQUEST, "null");
    expect_result(json_array_get(v, 1), "null", "1");
    json_decref(v);
    /* HTTP-level refusals on the RPC path */
    CURL *h = curl_easy_init();
    struct resp r;
    curl_req(h, &r, "/", "{}", "text/plain", NULL);
    assert_int_equal(r.status, 415);
    free(r.body);
    curl_req(h, &r, "/", "{}", NULL, NULL); /* curl's form type */
    assert_int_equal(r.status, 415);
    free(r.body);
    curl_req(h, &r, "/", NULL, NULL, NULL);
    assert_int_equal(r.status, 405);
    free(r.body);
    curl_easy_cleanup(h);
    stop();
}

static void test_auth(void **state)
{
    (void)state;
    start_opts(NULL, TOKEN, 0);
    const char *call = "{\"jsonrpc\":\"2.0\",\"method\":\"write\",\"params\":[],\"id\":9}";
    const char *bad[] = { NULL,           "Bearer wrong", "Bearer " TOKEN "x", "Bearer s3cret",
                          "Basic " TOKEN, "Bearer" };
    long st;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CURL *h = curl_easy_init();
        struct resp r;
        curl_req(h, &r, "/", call, "application/json", bad[i]);
        curl_easy_cleanup(h);
        if (r.status != 401) fail_msg("auth '%s': HTTP %ld", bad[i] ? bad[i] : "(none)", r.status);
        assert_null(strstr(r.body, TOKEN));
        assert_null(strstr(r.body, "s3cret"));
        json_t *v = json_loads(r.body, 0, NULL);
        expect_error(v, OZK_JSONRPC_UNAUTHORIZED, "9");
        assert_string_equal(
            json_string_value(json_object_get(json_object_get(v, "error"), "message")),
            "unauthorized");
        json_decref(v);
        free(r.body);
    }
    json_t *v = rpc_auth(call, "Bearer " TOKEN, &st);
    assert_int_equal(st, 200);
    expect_result(v, "\"written\"", "9");
    json_decref(v);
    v = rpc_auth(call, "bearer   " TOKEN, &st); /* the scheme is case-insensitive */
    assert_int_equal(st, 200);
    json_decref(v);
    /* read methods need no token */
    v = rpc("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[1],\"id\":1}", &st);
    assert_int_equal(st, 200);
    expect_result(v, "[1]", "1");
    json_decref(v);
    /* in a batch only the write member is refused, and the HTTP status stays 200 */
    v = rpc("[{\"jsonrpc\":\"2.0\",\"method\":\"write\",\"id\":1},"
            "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[2],\"id\":2}]",
            &st);
    assert_int_equal(st, 200);
    expect_error(json_array_get(v, 0), OZK_JSONRPC_UNAUTHORIZED, "1");
    expect_result(json_array_get(v, 1), "[2]", "2");
    json_decref(v);
    stop();
}

/* ---- HTTP ---- */

static void test_fallback(void **state)
{
    (void)state;
    start();
    struct resp r;
    get(&r, "/health");
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "ok\n");
    assert_string_equal(r.ctype, "text/plain");
    free(r.body);
    get(&r, "/nowhere");
    assert_int_equal(r.status, 404);
    free(r.body);
    get(&r, "/metrics");
    assert_int_equal(r.status, 200);
    assert_string_equal(r.ctype, "text/plain; version=0.0.4");
    assert_non_null(strstr(r.body, "# TYPE test_fallback_requests_total counter\n"
                                   "test_fallback_requests_total 3\n"));
    free(r.body);
    /* the request API: method, path, query, case-insensitive headers, body */
    CURL *h = curl_easy_init();
    struct curl_slist *hd = curl_slist_append(NULL, "X-Test-Header:   spaced value  ");
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/probe?a=1&b=%%20", F->port);
    memset(&r, 0, sizeof r);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, "hello");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &r);
    assert_int_equal(curl_easy_perform(h), CURLE_OK);
    assert_string_equal(r.body, "POST /probe q=a=1&b=%20 h=spaced value b=5:hello");
    free(r.body);
    curl_slist_free_all(hd);
    curl_easy_cleanup(h);
    /* a handler passing bad header lines: the client gets a 500, nothing is injected */
    get(&r, "/bad");
    assert_int_equal(r.status, 500);
    free(r.body);
    /* HEAD: headers with the length, no body */
    int fd = tcp_connect(F->port);
    send_str(fd, "HEAD /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    int closed;
    char *b = read_all(fd, 3000, &closed);
    assert_true(closed);
    assert_non_null(strstr(b, "Content-Length: 3\r\n"));
    assert_true(strlen(b) > 4 && strcmp(b + strlen(b) - 4, "\r\n\r\n") == 0);
    free(b);
    close(fd);
    stop();
}

static void test_keepalive(void **state)
{
    (void)state;
    start();
    CURL *h = curl_easy_init();
    for (int i = 0; i < 4; i++) {
        struct resp r;
        char body[128];
        snprintf(body, sizeof body,
                 "{\"jsonrpc\":\"2.0\",\"method\":\"add\",\"params\":[%d,1],"
                 "\"id\":%d}",
                 i, i);
        curl_req(h, &r, "/", body, "application/json", NULL);
        assert_int_equal(r.status, 200);
        long conns = -1;
        curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &conns);
        assert_int_equal(conns, i == 0 ? 1 : 0); /* one connection, reused */
        free(r.body);
        struct resp g;
        curl_req(h, &g, "/health", NULL, NULL, NULL);
        curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &conns);
        assert_int_equal(conns, 0);
        free(g.body);
    }
    curl_easy_cleanup(h);
    stop();
}

static void test_pipeline(void **state)
{
    (void)state;
    start();
    int fd = tcp_connect(F->port);
    char *a = post_raw("{\"jsonrpc\":\"2.0\",\"method\":\"later\",\"params\":[100,\"first\"],"
                       "\"id\":1}");
    char *b = post_raw("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[\"second\"],"
                       "\"id\":2}");
    char *all = malloc(strlen(a) + strlen(b) + 128);
    sprintf(all, "%sGET /health HTTP/1.1\r\nHost: t\r\n\r\n%s", a, b);
    send_str(fd, all);
    char *out = read_responses(fd, 3);
    char *p1 = strstr(out, "\"first\""), *p2 = strstr(out, "ok\n"), *p3 = strstr(out, "second");
    if (!p1 || !p2 || !p3 || !(p1 < p2 && p2 < p3)) fail_msg("out of order: %s", out);
    /* the connection stays open for more */
    free(out);
    send_str(fd, b);
    out = read_responses(fd, 1);
    assert_non_null(strstr(out, "second"));
    assert_non_null(strstr(out, "Connection: keep-alive"));
    free(out);
    free(a);
    free(b);
    free(all);
    close(fd);
    stop();
}

static void test_cross_answer(void **state)
{
    (void)state;
    start();
    atomic_store(&g_holding, 0);
    int fd = tcp_connect(F->port);
    char *a = post_raw("{\"jsonrpc\":\"2.0\",\"method\":\"hold\",\"id\":1}");
    char *b = post_raw("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[\"next\"],\"id\":2}");
    char *all = malloc(strlen(a) + strlen(b) + 1);
    sprintf(all, "%s%s", a, b);
    send_str(fd, all);
    while (!atomic_load(&g_holding)) sleep_ms(5);
    long st;
    json_t *v = rpc("{\"jsonrpc\":\"2.0\",\"method\":\"release\",\"params\":[7],\"id\":3}", &st);
    expect_result(v, "\"released\"", "3");
    json_decref(v);
    char *out = read_responses(fd, 2);
    char *p1 = strstr(out, "\"result\":[7],\"id\":1"), *p2 = strstr(out, "\"next\"");
    if (!p1 || !p2 || p1 > p2) fail_msg("got: %s", out);
    free(out);
    free(a);
    free(b);
    free(all);
    close(fd);
    stop();
}

static void test_close_semantics(void **state)
{
    (void)state;
    start();
    const char *reqs[] = {
        "GET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
        "GET /health HTTP/1.0\r\n\r\n",
        "GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
        int fd = tcp_connect(F->port);
        send_str(fd, reqs[i]);
        int closed;
        char *out = read_all(fd, 3000, &closed);
        if (!closed || !strstr(out, "200 OK") || !strstr(out, "Connection: close") ||
            !strstr(out, "Content-Length: 3\r\n") || !strstr(out, "\r\nDate: "))
            fail_msg("request %zu: closed %d, got: %s", i, closed, out);
        free(out);
        close(fd);
    }
    stop();
}

static void cfg_small(ozk_http_config *c)
{
    c->max_body = 1024;
    c->max_header = 1024;
}

/* Sends raw bytes on a new connection; expects status and a closed connection. */
static void expect_refusal(const char *req, int status)
{
    int fd = tcp_connect(F->port);
    send_str(fd, req);
    int closed;
    char *out = read_all(fd, 3000, &closed);
    char line[32];
    snprintf(line, sizeof line, "HTTP/1.1 %d ", status);
    if (strncmp(out, line, strlen(line)) != 0 || !closed || !strstr(out, "Content-Length: "))
        fail_msg("expected %d and close, got (closed %d): %.200s", status, closed, out);
    free(out);
    close(fd);
}

static void test_refusals(void **state)
{
    (void)state;
    start_cfg(cfg_small);
    expect_refusal("GARBAGE\r\n\r\n", 400);
    expect_refusal("GET / HTTP/9.x\r\n\r\n", 400);
    expect_refusal("GET / HTTP/1.1\r\nBad Header\r\n\r\n", 400);
    expect_refusal("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400);
    /* a Content-Length over max_body: refused before the body is sent */
    expect_refusal("POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                   "Content-Length: 1025\r\n\r\n",
                   413);
    /* a chunked body growing over max_body */
    char big[4096];
    size_t n = (size_t)sprintf(big, "POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/json"
                                    "\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 5; i++) {
        n += (size_t)sprintf(big + n, "100\r\n");
        memset(big + n, 'a', 256);
        n += 256;
        n += (size_t)sprintf(big + n, "\r\n");
    }
    sprintf(big + n, "0\r\n\r\n");
    expect_refusal(big, 413);
    /* headers over max_header, and a target over it */
    n = (size_t)sprintf(big, "GET /health HTTP/1.1\r\nX-Big: ");
    memset(big + n, 'h', 1100);
    sprintf(big + n + 1100, "\r\n\r\n");
    expect_refusal(big, 431);
    n = (size_t)sprintf(big, "GET /");
    memset(big + n, 'u', 1100);
    sprintf(big + n + 1100, " HTTP/1.1\r\n\r\n");
    expect_refusal(big, 414);
    expect_refusal("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n", 501);
    expect_refusal("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                   "0\r\n\r\n",
                   501);
    expect_refusal("POST / HTTP/1.1\r\nHost: t\r\nExpect: magic\r\nContent-Length: 2\r\n\r\n{}",
                   417);
    expect_refusal("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n", 501);

    /* a chunked body within the limit is decoded */
    int fd = tcp_connect(F->port);
    send_str(fd, "POST /probe HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n");
    char *out = read_responses(fd, 1);
    assert_non_null(strstr(out, "b=7:abcdefg"));
    free(out);
    /* empty header values do not confuse the lookup */
    send_str(fd,
             "GET /probe HTTP/1.1\r\nHost: t\r\nX-Empty:\r\nX-Test-Header: v\r\nX-Last:\r\n\r\n");
    out = read_responses(fd, 1);
    assert_non_null(strstr(out, "h=v b=0:"));
    free(out);
    /* Expect: 100-continue gets its interim response, then the real one */
    send_str(fd, "POST /probe HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
                 "Content-Length: 5\r\n\r\n");
    out = read_responses(fd, 1);
    assert_string_equal(out, "HTTP/1.1 100 Continue\r\n\r\n");
    free(out);
    send_str(fd, "12345");
    out = read_responses(fd, 1);
    assert_non_null(strstr(out, "b=5:12345"));
    free(out);
    /* a body of exactly max_body is accepted */
    char *body = malloc(1025);
    memset(body, 'x', 1024);
    body[1024] = 0;
    char head[128];
    sprintf(head, "POST /probe HTTP/1.1\r\nHost: t\r\nContent-Length: 1024\r\n\r\n");
    send_str(fd, head);
    send_str(fd, body);
    out = read_responses(fd, 1);
    assert_non_null(strstr(out, "b=1024:xxx"));
    free(out);
    free(body);
    close(fd);
    stop();
}

static void cfg_max_requests(ozk_http_config *c)
{
    c->max_requests = 2;
}

static void test_max_requests(void **state)
{
    (void)state;
    start_cfg(cfg_max_requests);
    int fd = tcp_connect(F->port);
    send_str(fd, "GET /health HTTP/1.1\r\nHost: t\r\n\r\nGET /health HTTP/1.1\r\nHost: t\r\n\r\n"
                 "GET /health HTTP/1.1\r\nHost: t\r\n\r\n");
    int closed;
    char *out = read_all(fd, 3000, &closed);
    assert_true(closed);
    char *second = strstr(out + 1, "HTTP/1.1 200");
    assert_non_null(second);
    assert_non_null(strstr(out, "Connection: keep-alive"));
    assert_non_null(strstr(second, "Connection: close"));
    assert_null(strstr(second + 1, "HTTP/1.1")); /* the third is not served */
    free(out);
    close(fd);
    stop();
}

static void cfg_flood(ozk_http_config *c)
{
    c->max_connections = 4;
}

static void test_flood(void **state)
{
    (void)state;
    start_cfg(cfg_flood);
    int fds[4];
    for (int i = 0; i < 4; i++) {
        fds[i] = tcp_connect(F->port);
        send_str(fds[i], "GET /health HTTP/1.1\r\nHost: t\r\n\r\n");
        free(read_responses(fds[i], 1)); /* served, and still open */
    }
    for (int i = 0; i < 3; i++) {
        int fd = tcp_connect(F->port);
        int closed;
        char *out = read_all(fd, 3000, &closed);
        if (!closed || strncmp(out, "HTTP/1.1 503 ", 13) != 0 || !strstr(out, "Retry-After"))
            fail_msg("connection over the cap: closed %d, got %s", closed, out);
        free(out);
        close(fd);
    }
    /* when one leaves, a new one is served */
    close(fds[0]);
    int served = 0;
    for (int tries = 0; tries < 100 && !served; tries++) {
        int fd = tcp_connect(F->port);
        send_str(fd, "GET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        int closed;
        char *out = read_all(fd, 3000, &closed);
        served = strncmp(out, "HTTP/1.1 200 ", 13) == 0;
        free(out);
        close(fd);
        if (!served) sleep_ms(10);
    }
    assert_true(served);
    for (int i = 1; i < 4; i++) close(fds[i]);
    stop();
}

static void cfg_short_timeout(ozk_http_config *c)
{
    c->timeout_ms = 300;
}

static void test_slowloris(void **state)
{
    (void)state;
    start_cfg(cfg_short_timeout);
    int fd = tcp_connect(F->port);
    double t0 = now_ms();
    send_str(fd, "GET /health HTTP/1.1\r\n");
    int dropped = 0;
    char got[256] = "";
    size_t n = 0;
    while (!dropped && now_ms() - t0 < 3000) {
        sleep_ms(40);
        if (send(fd, "X: y\r\n", 6, MSG_NOSIGNAL) < 0) dropped = 1;
        struct pollfd p = { fd, POLLIN, 0 };
        while (!dropped && poll(&p, 1, 0) > 0) {
            ssize_t k = recv(fd, got + n, sizeof got - 1 - n, 0);
            if (k <= 0)
                dropped = 1;
            else
                n += (size_t)k;
            got[n] = 0;
        }
    }
    double dt = now_ms() - t0;
    close(fd);
    assert_true(dropped);
    assert_true(dt >= 250 && dt < 2500);
    assert_non_null(strstr(got, "HTTP/1.1 408 "));

    /* an idle connection is closed silently */
    fd = tcp_connect(F->port);
    t0 = now_ms();
    int closed;
    char *out = read_all(fd, 3000, &closed);
    dt = now_ms() - t0;
    assert_true(closed);
    assert_string_equal(out, "");
    assert_true(dt >= 250 && dt < 2500);
    free(out);
    close(fd);

    /* keep-alive connections time out between requests too, and the timer restarts per
     * request: three requests 200 ms apart all get served */
    fd = tcp_connect(F->port);
    for (int i = 0; i < 3; i++) {
        send_str(fd, "GET /health HTTP/1.1\r\nHost: t\r\n\r\n");
        free(read_responses(fd, 1));
        sleep_ms(200);
    }
    /* and a handler slower than the timeout is not cut off */
    char *req = post_raw("{\"jsonrpc\":\"2.0\",\"method\":\"later\",\"params\":[500,1],\"id\":1}");
    send_str(fd, req);
    free(req);
    out = read_responses(fd, 1);
    assert_non_null(strstr(out, "\"result\":1"));
    free(out);
    close(fd);
    stop();
}

static void test_client_gone(void **state)
{
    (void)state;
    start();
    /* the client leaves while its answer is pending; the answer is dropped, nothing leaks */
    int fd = tcp_connect(F->port);
    char *req =
        post_raw("{\"jsonrpc\":\"2.0\",\"method\":\"later\",\"params\":[200,\"gone\"],\"id\":1}");
    send_str(fd, req);
    while (atomic_load(&g_later_started) < 1) sleep_ms(5);
    close(fd);
    while (atomic_load(&g_later_done) < 1) sleep_ms(5);
    assert_int_equal(atomic_load(&g_later_alive), 0);
    /* the same in a batch, and a connection reset mid-request */
    fd = tcp_connect(F->port);
    char *batch =
        post_raw("[{\"jsonrpc\":\"2.0\",\"method\":\"later\",\"params\":[150,1],\"id\":1},"
                 "{\"jsonrpc\":\"2.0\",\"method\":\"worker\",\"params\":[1],\"id\":2}]");
    send_str(fd, batch);
    while (atomic_load(&g_later_started) < 2) sleep_ms(5);
    struct linger lg = { 1, 0 };
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(fd); /* RST */
    fd = tcp_connect(F->port);
    send_str(fd, "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n{\"jsonrpc\"");
    close(fd);
    while (atomic_load(&g_later_done) < 2) sleep_ms(5);
    free(req);
    free(batch);
    /* the server still works */
    long st;
    json_t *v = rpc("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"id\":1}", &st);
    assert_int_equal(st, 200);
    json_decref(v);
    stop();
}

static void test_close_pending(void **state)
{
    (void)state;
    start();
    /* the server closes while an answer is pending: the loop still closes cleanly, the late
     * answer is dropped */
    int fd = tcp_connect(F->port);
    char *req = post_raw("{\"jsonrpc\":\"2.0\",\"method\":\"later\",\"params\":[100,1],\"id\":1}");
    send_str(fd, req);
    free(req);
    while (atomic_load(&g_later_started) < 1) sleep_ms(5);
    int idle = tcp_connect(F->port);
    stop();
    assert_int_equal(atomic_load(&g_later_done), 1);
    assert_int_equal(atomic_load(&g_later_alive), 0);
    int closed;
    char *out = read_all(fd, 1000, &closed);
    assert_true(closed);
    assert_string_equal(out, "");
    free(out);
    close(fd);
    close(idle);
}

static void test_listen_errors(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    ozk_http_server *a, *b;
    ozk_http_config cfg;
    ozk_http_config_default(&cfg);
    cfg.host = "not-an-ip";
    assert_int_equal(ozk_http_init(&loop, &a, &cfg, fallback, NULL), OZK_EINVAL);
    assert_null(a);
    cfg.host = NULL;
    cfg.port = 70000;
    assert_int_equal(ozk_http_init(&loop, &a, &cfg, fallback, NULL), OZK_EINVAL);
    cfg.port = 0;
    assert_int_equal(ozk_http_init(&loop, &a, &cfg, fallback, NULL), 0);
    assert_int_equal(ozk_http_port(a), 0);
    assert_int_equal(ozk_http_listen(a), 0);
    assert_int_equal(ozk_http_listen(a), OZK_EINVAL);
    cfg.port = ozk_http_port(a);
    assert_int_equal(ozk_http_init(&loop, &b, &cfg, fallback, NULL), 0);
    assert_int_equal(ozk_http_listen(b), OZK_EIO); /* in use */
    assert_int_equal(ozk_http_uv_error(b), UV_EADDRINUSE);
    ozk_http_close(a, NULL, NULL);
    ozk_http_close(b, NULL, NULL);
    /* IPv6, where the machine has it */
    ozk_http_server *c;
    cfg.host = "::1";
    cfg.port = 0;
    assert_int_equal(ozk_http_init(&loop, &c, &cfg, fallback, NULL), 0);
    if (ozk_http_listen(c) == 0) assert_true(ozk_http_port(c) > 0);
    ozk_http_close(c, NULL, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);

    /* the dispatcher refuses bad tables */
    ozk_jsonrpc *rpc;
    const ozk_jsonrpc_method dup[] = { { "a", m_echo, 0, NULL }, { "a", m_echo, 0, NULL } };
    assert_int_equal(ozk_jsonrpc_new(&rpc, NULL, dup, 2, NULL, NULL), OZK_EINVAL);
    const ozk_jsonrpc_method nocb[] = { { "a", NULL, 0, NULL } };
    assert_int_equal(ozk_jsonrpc_new(&rpc, NULL, nocb, 1, NULL, NULL), OZK_EINVAL);
    ozk_jsonrpc_config rcfg = { .path = "rpc" };
    assert_int_equal(ozk_jsonrpc_new(&rpc, &rcfg, dup, 1, NULL, NULL), OZK_EINVAL);
    assert_int_equal(ozk_jsonrpc_new(&rpc, NULL, NULL, 0, NULL, NULL), 0);
    ozk_jsonrpc_free(rpc);
}

/* ---- metrics ---- */

static void test_metrics_format(void **state)
{
    (void)state;
    ozk_metrics *reg;
    ozk_metric *infer, *status, *depth, *lat, *other;
    assert_int_equal(ozk_metrics_new(&reg), 0);
    const char *const l_infer[] = { "method", "infer", NULL };
    const char *const l_status[] = { "method", "st\"at\\us\n", NULL };
    assert_int_equal(
        ozk_metrics_counter(reg, &infer, "ozk_requests_total", "Requests served.", l_infer), 0);
    assert_int_equal(
        ozk_metrics_gauge(reg, &depth, "ozk_queue_depth", "Jobs\nwaiting \\ now", NULL), 0);
    assert_int_equal(
        ozk_metrics_counter(reg, &status, "ozk_requests_total", "Requests served.", l_status), 0);
    const double bounds[] = { 0.005, 0.1, 1 };
    const char *const l_path[] = { "path", "/", "code", "200", NULL };
    assert_int_equal(
        ozk_metrics_histogram(reg, &lat, "ozk_latency_seconds", "Latency.", l_path, bounds, 3), 0);
    ozk_metric_inc(infer);
    ozk_metric_add(infer, 2);
    ozk_metric_add(infer, -5); /* ignored: counters only go up */
    ozk_metric_add(status, 0.5);
    ozk_metric_set(status, 100); /* ignored: not a gauge */
    ozk_metric_set(depth, 3);
    ozk_metric_add(depth, -4.5);
    ozk_metric_observe(lat, 0.00390625);
    ozk_metric_observe(lat, 0.0625);
    ozk_metric_observe(lat, 0.0625);
    ozk_metric_observe(lat, 2.5);
    ozk_metric_observe(infer, 1); /* ignored: not a histogram */
    assert_true(ozk_metric_value(infer) == 3.0);
    assert_true(ozk_metric_value(lat) == 4.0);
    static const char expected[] =
        "# HELP ozk_requests_total Requests served.\n"
        "# TYPE ozk_requests_total counter\n"
        "ozk_requests_total{method=\"infer\"} 3\n"
        "ozk_requests_total{method=\"st\\\"at\\\\us\\n\"} 0.5\n"
        "# HELP ozk_queue_depth Jobs\\nwaiting \\\\ now\n"
        "# TYPE ozk_queue_depth gauge\n"
        "ozk_queue_depth -1.5\n"
        "# HELP ozk_latency_seconds Latency.\n"
        "# TYPE ozk_latency_seconds histogram\n"
        "ozk_latency_seconds_bucket{path=\"/\",code=\"200\",le=\"0.005\"} 1\n"
        "ozk_latency_seconds_bucket{path=\"/\",code=\"200\",le=\"0.1\"} 3\n"
        "ozk_latency_seconds_bucket{path=\"/\",code=\"200\",le=\"1\"} 3\n"
        "ozk_latency_seconds_bucket{path=\"/\",code=\"200\",le=\"+Inf\"} 4\n"
        "ozk_latency_seconds_sum{path=\"/\",code=\"200\"} 2.62890625\n"
        "ozk_latency_seconds_count{path=\"/\",code=\"200\"} 4\n";
    size_t len;
    char *text = ozk_metrics_render_alloc(reg, &len);
    assert_non_null(text);
    assert_string_equal(text, expected);
    assert_int_equal(len, strlen(expected));
    free(text);
    /* into a caller's buffer: exact fit, and one byte short */
    char buf[sizeof expected];
    assert_int_equal(ozk_metrics_render(reg, buf, sizeof buf, &len), 0);
    assert_string_equal(buf, expected);
    assert_int_equal(ozk_metrics_render(reg, buf, sizeof buf - 1, &len), OZK_ERANGE);
    assert_int_equal(len, sizeof expected - 1);
    assert_int_equal(ozk_metrics_render(reg, NULL, 0, &len), OZK_ERANGE);

    /* number formats and an unlabelled histogram */
    ozk_metric *g;
    assert_int_equal(ozk_metrics_gauge(reg, &g, "g", NULL, NULL), 0);
    const double b2[] = { 0.25 };
    assert_int_equal(ozk_metrics_histogram(reg, &other, "h", "", NULL, b2, 1), 0);
    ozk_metric_observe(other, 0.25);
    const struct {
        double v;
        const char *s;
    } nums[] = { { 0, "0" },
                 { 1e21, "1e+21" },
                 { 0.1, "0.1" },
                 { 1.0 / 3, "0.3333333333333333" },
                 { -2, "-2" },
                 { (double)INFINITY, "+Inf" },
                 { -(double)INFINITY, "-Inf" },
                 { (double)NAN, "NaN" },
                 { 123456789, "123456789" } };
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        ozk_metric_set(g, nums[i].v);
        text = ozk_metrics_render_alloc(reg, NULL);
        char want[128];
        snprintf(want, sizeof want,
                 "\n# HELP g \n# TYPE g gauge\ng %s\n# HELP h \n# TYPE h "
                 "histogram\nh_bucket{le=\"0.25\"} 1\nh_bucket{le=\"+Inf\"} 1\n"
                 "h_sum 0.25\nh_count 1\n",
                 nums[i].s);
        if (!strstr(text, want)) fail_msg("%g: want %s in %s", nums[i].v, want, text);
        free(text);
    }

    /* refusals */
    ozk_metric *x;
    assert_int_equal(
        ozk_metrics_counter(reg, &x, "ozk_requests_total", "Requests served.", l_infer),
        OZK_EINVAL); /* duplicate label set */
    assert_null(x);
    assert_int_equal(ozk_metrics_gauge(reg, &x, "ozk_requests_total", "Requests served.", NULL),
                     OZK_EINVAL); /* another type */
    assert_int_equal(ozk_metrics_counter(reg, &x, "ozk_requests_total", "Other help.", NULL),
                     OZK_EINVAL);
    assert_int_equal(ozk_metrics_counter(reg, &x, "9bad", "", NULL), OZK_EINVAL);
    assert_int_equal(ozk_metrics_counter(reg, &x, "bad-name", "", NULL), OZK_EINVAL);
    const char *const l_bad[] = { "1x", "v", NULL };
    assert_int_equal(ozk_metrics_counter(reg, &x, "c", "", l_bad), OZK_EINVAL);
    const char *const l_res[] = { "__x", "v", NULL };
    assert_int_equal(ozk_metrics_counter(reg, &x, "c", "", l_res), OZK_EINVAL);
    const char *const l_twice[] = { "a", "1", "a", "2", NULL };
    assert_int_equal(ozk_metrics_counter(reg, &x, "c", "", l_twice), OZK_EINVAL);
    const char *const l_le[] = { "le", "1", NULL };
    assert_int_equal(ozk_metrics_histogram(reg, &x, "hh", "", l_le, bounds, 3), OZK_EINVAL);
    const double unsorted[] = { 1, 0.5 }, inf[] = { 1, (double)INFINITY };
    assert_int_equal(ozk_metrics_histogram(reg, &x, "hh", "", NULL, unsorted, 2), OZK_EINVAL);
    assert_int_equal(ozk_metrics_histogram(reg, &x, "hh", "", NULL, inf, 2), OZK_EINVAL);
    assert_int_equal(ozk_metrics_histogram(reg, &x, "hh", "", NULL, bounds, 0), OZK_EINVAL);
    assert_int_equal(ozk_metrics_histogram(reg, &x, "ozk_latency_seconds", "Latency.", NULL, b2, 1),
                     OZK_EINVAL); /* other bounds */
    ozk_metrics_free(reg);
}

#define N_THREADS 4
#define N_UPDATES 100000

struct hammer {
    ozk_metric *c, *g, *h;
};

static void *hammer_run(void *arg)
{
    struct hammer *hm = arg;
    for (int i = 0; i < N_UPDATES; i++) {
        ozk_metric_inc(hm->c);
        ozk_metric_add(hm->g, 0.5);
        ozk_metric_observe(hm->h, (double)(i % 3));
    }
    return NULL;
}

static void test_metrics_threads(void **state)
{
    (void)state;
    ozk_metrics *reg;
    assert_int_equal(ozk_metrics_new(&reg), 0);
    struct hammer hm;
    const double bounds[] = { 0.5, 1.5 };
    assert_int_equal(ozk_metrics_counter(reg, &hm.c, "c_total", "c", NULL), 0);
    assert_int_equal(ozk_metrics_gauge(reg, &hm.g, "g", "g", NULL), 0);
    assert_int_equal(ozk_metrics_histogram(reg, &hm.h, "h", "h", NULL, bounds, 2), 0);
    pthread_t t[N_THREADS];
    for (int i = 0; i < N_THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, hammer_run, &hm), 0);
    /* rendering while they run is fine too */
    for (int i = 0; i < 20; i++) free(ozk_metrics_render_alloc(reg, NULL));
    for (int i = 0; i < N_THREADS; i++) pthread_join(t[i], NULL);
    assert_true(ozk_metric_value(hm.c) == N_THREADS * N_UPDATES);
    assert_true(ozk_metric_value(hm.g) == N_THREADS * N_UPDATES * 0.5);
    assert_true(ozk_metric_value(hm.h) == N_THREADS * N_UPDATES);
    char *text = ozk_metrics_render_alloc(reg, NULL);
    /* i % 3 over 100000: 33334 zeros, 33333 ones, 33333 twos per thread */
    char want[256];
    snprintf(want, sizeof want,
             "h_bucket{le=\"0.5\"} %d\nh_bucket{le=\"1.5\"} %d\nh_bucket{le=\"+Inf\"} %d\n"
             "h_sum %d\nh_count %d\n",
             N_THREADS * 33334, N_THREADS * 66667, N_THREADS * N_UPDATES, N_THREADS * 99999,
             N_THREADS * N_UPDATES);
    if (!strstr(text, want)) fail_msg("want %s in %s", want, text);
    free(text);
    ozk_metrics_free(reg);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_call),
        cmocka_unit_test(test_async),
        cmocka_unit_test(test_batch),
        cmocka_unit_test(test_notifications),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_auth),
        cmocka_unit_test(test_fallback),
        cmocka_unit_test(test_keepalive),
        cmocka_unit_test(test_pipeline),
        cmocka_unit_test(test_cross_answer),
        cmocka_unit_test(test_close_semantics),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_max_requests),
        cmocka_unit_test(test_flood),
        cmocka_unit_test(test_slowloris),
        cmocka_unit_test(test_client_gone),
        cmocka_unit_test(test_close_pending),
        cmocka_unit_test(test_listen_errors),
        cmocka_unit_test(test_metrics_format),
        cmocka_unit_test(test_metrics_threads),
    };
    int failed = TEST_RUN("http", tests);
    curl_global_cleanup();
    return failed;
}
