/*
 * tests/test_rpc.c: the JSON-RPC client (chain/rpc.c) against a real anvil, and against a small
 * fault-injecting HTTP server written here: a thread on a loopback port answering each
 * connection with the next scripted reply (status, body, delay). Every broken reply must give
 * a clear error code and message; retries happen exactly where they help.
 */
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "anvil.h"
#include "ozk/error.h"
#include "ozk/rpc.h"
#include "testutil.h"

/* ---- the fault-injecting server ---- */

struct reply {
    int status;       /* HTTP status */
    const char *body; /* "@0".."@9" become the ids of the request, in order */
    long delay_ms;    /* wait before answering */
    size_t big;       /* when > 0: a body of this many bytes instead */
};

struct server {
    int fd, port;
    pthread_t thread;
    const struct reply *script;
    size_t n;
    atomic_int conns;
    atomic_int stop;
    char url[64];
};

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static void *serve(void *arg)
{
    struct server *s = arg;
    for (size_t i = 0; i < s->n;) {
        struct pollfd p = { s->fd, POLLIN, 0 };
        if (atomic_load(&s->stop)) break;
        if (poll(&p, 1, 20) <= 0) continue;
        int c = accept(s->fd, NULL, NULL);
        if (c < 0) continue;
        atomic_fetch_add(&s->conns, 1);
        const struct reply *r = &s->script[i++];
        char *req = test_http_read_body(c, 1 << 16);
        long ids[10] = { 0 };
        int nid = 0;
        for (const char *q = req; q && nid < 10 && (q = strstr(q, "\"id\":")); q += 5)
            ids[nid++] = strtol(q + 5, NULL, 10);
        free(req);
        if (r->delay_ms) sleep_ms(r->delay_ms);
        size_t blen = r->big ? r->big : strlen(r->body) + 16 * 10;
        char *body = malloc(blen + 1);
        size_t bn = 0;
        if (r->big) {
            memset(body, ' ', r->big);
            bn = r->big;
        } else {
            for (const char *b = r->body; *b; b++) {
                if (b[0] == '@' && b[1] >= '0' && b[1] <= '9') {
                    bn += (size_t)sprintf(body + bn, "%ld", ids[b[1] - '0']);
                    b++;
                } else {
                    body[bn++] = *b;
                }
            }
        }
        test_http_reply(c, r->status, body, bn);
        free(body);
    }
    return NULL;
}

static void server_start(struct server *s, const struct reply *script, size_t n)
{
    memset(s, 0, sizeof *s);
    s->script = script;
    s->n = n;
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s->fd >= 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof sa;
    assert_int_equal(bind(s->fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(s->fd, 8), 0);
    assert_int_equal(getsockname(s->fd, (struct sockaddr *)&sa, &len), 0);
    s->port = ntohs(sa.sin_port);
    snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d", s->port);
    assert_int_equal(pthread_create(&s->thread, NULL, serve, s), 0);
}

static int server_stop(struct server *s)
{
    atomic_store(&s->stop, 1);
    pthread_join(s->thread, NULL);
    close(s->fd);
    return atomic_load(&s->conns);
}

/* a client for url with short timeouts and fast backoff */
static ozk_rpc *client(const char *url, int retries)
{
    ozk_rpc_config cfg;
    ozk_rpc_config_default(&cfg);
    cfg.url = url;
    cfg.connect_timeout_ms = 1000;
    cfg.timeout_ms = 2000;
    cfg.max_retries = retries;
    cfg.backoff_ms = 5;
    cfg.backoff_max_ms = 20;
    cfg.max_body = 4096;
    ozk_rpc *r;
    ozk_rpc_error e;
    assert_int_equal(ozk_rpc_open(&r, &cfg, &e), 0);
    return r;
}

#define SCRIPT(...) ((const struct reply[]){ __VA_ARGS__ })

/* runs eth_chainId against a script; returns rc, fills *e, *attempts and *conns */
static int chain_id_against(const struct reply *script, size_t n, int retries, uint64_t *id,
                            ozk_rpc_error *e, unsigned *attempts, int *conns)
{
    struct server s;
    server_start(&s, script, n);
    ozk_rpc *r = client(s.url, retries);
    int rc = ozk_rpc_chain_id(r, id, e);
    *attempts = ozk_rpc_attempts(r);
    ozk_rpc_close(r);
    *conns = server_stop(&s);
    return rc;
}

#define GOOD "{\"jsonrpc\":\"2.0\",\"id\":@0,\"result\":\"0x7a69\"}"

/* expects eth_chainId against one scripted reply to fail with rc / kind, message holding msg */
static void expect_fail(struct reply rep, int rc, int kind, const char *msg)
{
    uint64_t id = 0;
    ozk_rpc_error e;
    unsigned attempts;
    int conns;
    assert_int_equal(chain_id_against(&rep, 1, 3, &id, &e, &attempts, &conns), rc);
    assert_int_equal(e.kind, kind);
    if (!strstr(e.message, msg)) fail_msg("message '%s' lacks '%s'", e.message, msg);
    assert_int_equal(attempts, 1); /* none of these is retried */
    assert_int_equal(conns, 1);
    assert_null(strchr(e.message, '\n'));
}

static void test_refused(void **state)
{
    (void)state;
    /* a port nobody listens on */
    struct server s;
    server_start(&s, NULL, 0);
    server_stop(&s);
    ozk_rpc *r = client(s.url, 2);
    uint64_t id;
    ozk_rpc_error e;
    assert_int_equal(ozk_rpc_chain_id(r, &id, &e), OZK_EIO);
    assert_int_equal(e.kind, OZK_RPC_ERR_TRANSPORT);
    assert_int_equal(ozk_rpc_attempts(r), 3); /* transport errors are retried */
    assert_non_null(strstr(e.message, "eth_chainId"));
    assert_non_null(strstr(e.message, s.url));
    assert_int_equal(ozk_rpc_chain_id(r, &id, NULL), OZK_EIO); /* err is optional */
    ozk_rpc_close(r);
}

static void test_slow(void **state)
{
    (void)state;
    struct server s;
    server_start(&s, SCRIPT({ 200, GOOD, 700, 0 }), 1);
    ozk_rpc_config cfg;
    ozk_rpc_config_default(&cfg);
    cfg.url = s.url;
    cfg.timeout_ms = 200;
    cfg.max_retries = 0;
    ozk_rpc *r;
    ozk_rpc_error e;
    assert_int_equal(ozk_rpc_open(&r, &cfg, &e), 0);
    uint64_t id;
    assert_int_equal(ozk_rpc_chain_id(r, &id, &e), OZK_EIO);
    assert_int_equal(e.kind, OZK_RPC_ERR_TRANSPORT);
    assert_non_null(strstr(e.message, "timed out"));
    ozk_rpc_close(r);
    server_stop(&s);
}

static void test_bad_replies(void **state)
{
    (void)state;
    expect_fail((struct reply){ 200, "hello, world", 0, 0 }, OZK_EINVAL, OZK_RPC_ERR_PROTOCOL,
                "not JSON");
    expect_fail((struct reply){ 200, "", 0, 0 }, OZK_EINVAL, OZK_RPC_ERR_PROTOCOL, "not JSON");
    expect_fail((struct reply){ 200, "{\"jsonrpc\":\"2.0\",\"id\":@0,\"result\":\"0x7a", 0, 0 },
                OZK_EINVAL, OZK_RPC_ERR_PROTOCOL, "not JSON");
    expect_fail((struct reply){ 200, "{\"jsonrpc\":\"2.0\",\"id\":999,\"result\":\"0x1\"}", 0, 0 },
                OZK_EINVAL, OZK_RPC_ERR_PROTOCOL, "id does not match");
    expect_fail(
        (struct reply){ 200, "{\"jsonrpc\":\"2.0\",\"id\":\"@0\",\"result\":\"0x1\"}", 0, 0 },
        OZK_EINVAL, OZK_RPC_ERR_PROTOCOL, "id does not match");
    expect_fail((struct reply){ 200,
                                "{\"jsonrpc\":\"2.0\",\"id\":@0,\"result\":\"0x1\","
                                "\"error\":{\"code\":1,\"message\":\"x\"}}",
                                0, 0 },
                OZK_EINVAL, OZK_RPC_ERR_PROTOCOL, "exactly one of result and error");
    expect_fail((struct reply){ 200, "{\"jsonrpc\":\"2.0\",\"id\":@0}", 0, 0 }, OZK_EINVAL,
                OZK_RPC_ERR_PROTOCOL, "exactly one of result and error");
    expect_fail((struct reply){ 200, "{\"id\":@0,\"result\":\"0x1\"}", 0, 0 }, OZK_EINVAL,
                OZK_RPC_ERR_PROTOCOL, "jsonrpc");
    expect_fail((struct reply){ 200, "{\"jsonrpc\":\"1.0\",\"id\":@0,\"result\":\"0x1\"}", 0, 0 },
                OZK_EINVAL, OZK_RPC_ERR_PROTOCOL, "jsonrpc");
    expect_fail((struct reply){ 200, "[1,2]", 0, 0 }, OZK_EINVAL, OZK_RPC_ERR_PROTOCOL,
                "not a JSON-RPC object");
    expect_fail((struct reply){ 200, "{\"jsonrpc\":\"2.0\",\"id\":@0,\"result\":{}}", 0, 0 },
                OZK_EINVAL, OZK_RPC_ERR_PROTOCOL, "result is not a string");
    expect_fail((struct reply){ 200, "{\"jsonrpc\":\"2.0\",\"id\":@0,\"error\":\"boom\"}", 0, 0 },
                OZK_EINVAL, OZK_RPC_ERR_PROTOCOL, "malformed JSON-RPC error");
    /* hex quantities: a leading zero, no 0x, empty, too long for 64 bits */
    expect_fail((struct reply){ 200, "{\"jsonrpc\":\"2.0\",\"id\":@0,\"result\":\"0x01\"}", 0, 0 },
                OZK_EINVAL, OZK_RPC_ERR_PROTOCOL, "not a strict hex quantity");
    expect_fail((struct reply){ 200, "{\"jsonrpc\":\"2.0\",\"id\":@0,\"result\":\"7a69\"}", 0, 0 },
                OZK_EINVAL, OZK_RPC_ERR_PROTOCOL, "not a strict hex quantity");
    expect_fail((struct reply){ 200, "{\"jsonrpc\":\"2.0\",\"id\":@0,\"result\":\"0x\"}", 0, 0 },
                OZK_EINVAL, OZK_RPC_ERR_PROTOCOL, "not a strict hex quantity");
    expect_fail(
        (struct reply){ 200, "{\"jsonrpc\":\"2.0\",\"id\":@0,\"result\":\"0x10000000000000000\"}",
                        0, 0 },
        OZK_EINVAL, OZK_RPC_ERR_PROTOCOL, "not a strict hex quantity");
    /* a body over the bound (4096 in these tests) */
    expect_fail((struct reply){ 200, NULL, 0, 100000 }, OZK_ERANGE, OZK_RPC_ERR_TOOBIG,
                "larger than 4096 bytes");
    /* HTTP statuses retrying cannot fix */
    expect_fail((struct reply){ 404, "not here", 0, 0 }, OZK_EIO, OZK_RPC_ERR_HTTP, "HTTP 404");
    /* a JSON-RPC error: surfaced, not retried */
    expect_fail((struct reply){ 200,
                                "{\"jsonrpc\":\"2.0\",\"id\":@0,\"error\":{\"code\":-32000,"
                                "\"message\":\"execution reverted\"}}",
                                0, 0 },
                OZK_EIO, OZK_RPC_ERR_REMOTE, "node error -32000: execution reverted");
}

/* one scripted reply to eth_chainId; returns its error */
static void remote_error(ozk_rpc_error *e, const char *body)
{
    struct reply rep = { 200, body, 0, 0 };
    uint64_t id;
    unsigned attempts;
    int conns;
    int rc = chain_id_against(&rep, 1, 0, &id, e, &attempts, &conns);
    if (rc != OZK_EIO) fail_msg("rc %d: %s", rc, e->message);
    assert_int_equal(e->kind, OZK_RPC_ERR_REMOTE);
    assert_int_equal(e->code, 3);
}

static void test_error_data(void **state)
{
    (void)state;
    static char body[4000];
    ozk_rpc_error e;
#define ERR_WITH(data)                                                                         \
    "{\"jsonrpc\":\"2.0\",\"id\":@0,\"error\":{\"code\":3,\"message\":\"execution reverted\"," \
    "\"data\":" data "}}"
    /* valid: Error("hi") */
    remote_error(&e,
                 ERR_WITH("\"0x08c379a0"
                          "0000000000000000000000000000000000000000000000000000000000000020"
                          "0000000000000000000000000000000000000000000000000000000000000002"
                          "6869000000000000000000000000000000000000000000000000000000000000\""));
    assert_int_equal(e.has_data, 1);
    assert_int_equal(e.data_len, 100);
    assert_memory_equal(e.data, "\x08\xc3\x79\xa0", 4);
    assert_int_equal(e.data[4 + 32 + 31], 2); /* the length word */
    assert_memory_equal(e.data + 68, "hi", 2);
    /* empty data is data, of no bytes */
    remote_error(&e, ERR_WITH("\"0x\""));
    assert_int_equal(e.has_data, 1);
    assert_int_equal(e.data_len, 0);
    /* exactly the cap, then one byte over it */
    for (size_t extra = 0; extra < 2; extra++) {
        size_t n = OZK_RPC_ERROR_DATA_MAX + extra;
        int k = snprintf(body, sizeof body,
                         "{\"jsonrpc\":\"2.0\",\"id\":@0,\"error\":{\"code\":3,\"message\":\"x\","
                         "\"data\":\"0x");
        for (size_t i = 0; i < n; i++) k += snprintf(body + k, sizeof body - (size_t)k, "ab");
        snprintf(body + k, sizeof body - (size_t)k, "\"}}");
        remote_error(&e, body);
        assert_int_equal(e.has_data, !extra);
        assert_int_equal(e.data_len, extra ? 0 : n);
        if (!extra) assert_int_equal(e.data[n - 1], 0xab);
    }
    /* malformed: non-hex, odd length, no 0x, upper-case 0X, not a string (an embedded NUL the
     * JSON parser already refuses) */
    const char *bad[] = { "\"0x08c379zz\"", "\"0x08c\"", "\"08c379a0\"", "\"0X08c379a0\"", "123",
                          "{\"x\":1}",      "null" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(body, sizeof body,
                 "{\"jsonrpc\":\"2.0\",\"id\":@0,\"error\":{\"code\":3,\"message\":\"x\","
                 "\"data\":%s}}",
                 bad[i]);
        remote_error(&e, body);
        assert_int_equal(e.has_data, 0);
        assert_int_equal(e.data_len, 0);
    }
    /* other kinds of error carry none */
    struct reply rep = { 404, "not here", 0, 0 };
    uint64_t id;
    unsigned attempts;
    int conns;
    assert_int_equal(chain_id_against(&rep, 1, 0, &id, &e, &attempts, &conns), OZK_EIO);
    assert_int_equal(e.has_data, 0);
#undef ERR_WITH
}

static void test_retries(void **state)
{
    (void)state;
    uint64_t id;
    ozk_rpc_error e;
    unsigned attempts;
    int conns;
    /* 500 then a good reply */
    const struct reply s500[] = { { 500, "oops", 0, 0 }, { 200, GOOD, 0, 0 } };
    assert_int_equal(chain_id_against(s500, 2, 3, &id, &e, &attempts, &conns), 0);
    assert_int_equal(id, 31337);
    assert_int_equal(attempts, 2);
    assert_int_equal(conns, 2);
    /* 429 twice, then good */
    const struct reply s429[] = { { 429, "slow down", 0, 0 },
                                  { 429, "slow down", 0, 0 },
                                  { 200, GOOD, 0, 0 } };
    assert_int_equal(chain_id_against(s429, 3, 3, &id, &e, &attempts, &conns), 0);
    assert_int_equal(attempts, 3);
    /* a JSON-RPC rate-limit error, then good */
    const struct reply srl[] = {
        { 200, "{\"jsonrpc\":\"2.0\",\"id\":@0,\"error\":{\"code\":-32005,\"message\":\"limit\"}}",
          0, 0 },
        { 200, GOOD, 0, 0 }
    };
    assert_int_equal(chain_id_against(srl, 2, 3, &id, &e, &attempts, &conns), 0);
    assert_int_equal(attempts, 2);
    /* 503 every time: gives up after max_retries, with the HTTP status */
    const struct reply s503[] = { { 503, "", 0, 0 }, { 503, "", 0, 0 }, { 503, "", 0, 0 } };
    assert_int_equal(chain_id_against(s503, 3, 2, &id, &e, &attempts, &conns), OZK_EIO);
    assert_int_equal(e.kind, OZK_RPC_ERR_HTTP);
    assert_int_equal(e.http_status, 503);
    assert_int_equal(attempts, 3);
    /* execution reverted is not retried even with a good reply waiting */
    const struct reply srev[] = {
        { 200,
          "{\"jsonrpc\":\"2.0\",\"id\":@0,\"error\":{\"code\":-32000,\"message\":\"execution "
          "reverted\"}}",
          0, 0 },
        { 200, GOOD, 0, 0 }
    };
    assert_int_equal(chain_id_against(srev, 2, 3, &id, &e, &attempts, &conns), OZK_EIO);
    assert_int_equal(e.kind, OZK_RPC_ERR_REMOTE);
    assert_int_equal(e.code, -32000);
    assert_int_equal(attempts, 1);
    assert_int_equal(conns, 1);
}

/* a two-call batch against one scripted reply */
static int batch_against(const char *body, ozk_rpc_batch_item items[2], ozk_rpc_error *e)
{
    struct server s;
    struct reply rep = { 200, body, 0, 0 };
    server_start(&s, &rep, 1);
    ozk_rpc *r = client(s.url, 2);
    items[0] = (ozk_rpc_batch_item){ .method = "eth_chainId", .type = OZK_RPC_STRING };
    items[1] = (ozk_rpc_batch_item){ .method = "eth_blockNumber", .type = OZK_RPC_STRING };
    int rc = ozk_rpc_batch(r, items, 2, e);
    ozk_rpc_close(r);
    server_stop(&s);
    return rc;
}

static void test_batch_faults(void **state)
{
    (void)state;
    ozk_rpc_batch_item it[2];
    ozk_rpc_error e;
    /* good, in reverse order */
    assert_int_equal(batch_against("[{\"jsonrpc\":\"2.0\",\"id\":@1,\"result\":\"0x5\"},"
                                   "{\"jsonrpc\":\"2.0\",\"id\":@0,\"result\":\"0x7a69\"}]",
                                   it, &e),
                     0);
    assert_int_equal(it[0].rc, 0);
    assert_string_equal(json_string_value(it[0].result), "0x7a69");
    assert_string_equal(json_string_value(it[1].result), "0x5");
    ozk_rpc_batch_clear(it, 2);
    /* duplicate id */
    assert_int_equal(batch_against("[{\"jsonrpc\":\"2.0\",\"id\":@0,\"result\":\"0x5\"},"
                                   "{\"jsonrpc\":\"2.0\",\"id\":@0,\"result\":\"0x7a69\"}]",
                                   it, &e),
                     OZK_EINVAL);
    assert_non_null(strstr(e.message, "two replies"));
    assert_null(it[0].result);
    assert_null(it[1].result);
    /* missing id (one reply short) */
    assert_int_equal(batch_against("[{\"jsonrpc\":\"2.0\",\"id\":@0,\"result\":\"0x5\"}]", it, &e),
                     OZK_EINVAL);
    assert_non_null(strstr(e.message, "1 replies to 2 calls"));
    /* missing id (an unknown one in its place) */
    assert_int_equal(batch_against("[{\"jsonrpc\":\"2.0\",\"id\":@0,\"result\":\"0x5\"},"
                                   "{\"jsonrpc\":\"2.0\",\"id\":77777,\"result\":\"0x7a69\"}]",
                                   it, &e),
                     OZK_EINVAL);
    assert_non_null(strstr(e.message, "id we did not send"));
    assert_null(it[0].result);
    /* not an array; a malformed element */
    assert_int_equal(batch_against("{\"jsonrpc\":\"2.0\",\"id\":@0,\"result\":\"0x5\"}", it, &e),
                     OZK_EINVAL);
    assert_int_equal(batch_against("[{\"jsonrpc\":\"2.0\",\"id\":@0,\"result\":\"0x5\"},"
                                   "{\"id\":@1,\"result\":\"0x7a69\"}]",
                                   it, &e),
                     OZK_EINVAL);
    assert_int_equal(e.kind, OZK_RPC_ERR_PROTOCOL);
    assert_null(it[0].result);
}

static void test_hex(void **state)
{
    (void)state;
    uint64_t v;
    assert_int_equal(ozk_rpc_hex_to_u64(&v, "0x0"), 0);
    assert_int_equal(v, 0);
    assert_int_equal(ozk_rpc_hex_to_u64(&v, "0xffffffffffffffff"), 0);
    assert_true(v == UINT64_MAX);
    assert_int_equal(ozk_rpc_hex_to_u64(&v, "0xAbC"), 0);
    assert_int_equal(v, 0xabc);
    const char *bad[] = { "", "0x", "0x00", "0x01", "1", "0X1", "0x1g", "0x 1", "x1", "-0x1" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(ozk_rpc_hex_to_u64(&v, bad[i]), OZK_EINVAL);
    assert_int_equal(ozk_rpc_hex_to_u64(&v, "0x10000000000000000"), OZK_ERANGE);
    uint8_t w[32], want[32] = { 0 };
    assert_int_equal(ozk_rpc_hex_to_u256(w, "0x21e19e0c9bab2400000"), 0);
    const uint8_t tail[] = { 0x02, 0x1e, 0x19, 0xe0, 0xc9, 0xba, 0xb2, 0x40, 0x00, 0x00 };
    memcpy(want + 22, tail, sizeof tail);
    assert_memory_equal(w, want, 32);
    char max[67] = "0x";
    memset(max + 2, 'f', 64);
    max[66] = '\0';
    assert_int_equal(ozk_rpc_hex_to_u256(w, max), 0);
    memset(want, 0xff, 32);
    assert_memory_equal(w, want, 32);
    char over[68] = "0x1";
    memset(over + 3, '0', 64);
    over[67] = '\0';
    assert_int_equal(ozk_rpc_hex_to_u256(w, over), OZK_ERANGE);
    uint8_t b[4];
    assert_int_equal(ozk_rpc_hex_to_bytes(b, 4, "0x"), 0);
    assert_int_equal(ozk_rpc_hex_to_bytes(b, 4, "0x0001ff"), 3);
    assert_int_equal(b[2], 0xff);
    assert_int_equal(ozk_rpc_hex_to_bytes(b, 4, "0x001"), OZK_EINVAL);
    assert_int_equal(ozk_rpc_hex_to_bytes(b, 4, "00"), OZK_EINVAL);
    assert_int_equal(ozk_rpc_hex_to_bytes(b, 4, "0x0102030405"), OZK_ERANGE);
    /* a URL that is not HTTP(S) */
    ozk_rpc_config cfg;
    ozk_rpc_config_default(&cfg);
    cfg.url = "file:///etc/passwd";
    ozk_rpc *r;
    ozk_rpc_error e;
    assert_int_equal(ozk_rpc_open(&r, &cfg, &e), OZK_EINVAL);
    assert_null(r);
}

/* ---- against anvil ---- */

static struct anvil g_anvil;
static const uint8_t DEV0[20] = { 0xf3, 0x9f, 0xd6, 0xe5, 0x1a, 0xad, 0x88, 0xf6, 0xf4, 0xce,
                                  0x6a, 0xb8, 0x82, 0x72, 0x79, 0xcf, 0xff, 0xb9, 0x22, 0x66 };

static int anvil_setup(void **state)
{
    (void)state;
    return anvil_start(&g_anvil) == 0 ? 0 : -1;
}

static int anvil_teardown(void **state)
{
    (void)state;
    anvil_stop(&g_anvil);
    return 0;
}

static void test_anvil(void **state)
{
    (void)state;
    ozk_rpc *r = client(g_anvil.url, 2);
    ozk_rpc_error e;
    uint64_t v;
    assert_int_equal(ozk_rpc_chain_id(r, &v, &e), 0);
    assert_int_equal(v, 31337);
    assert_int_equal(ozk_rpc_attempts(r), 1);
    assert_int_equal(ozk_rpc_block_number(r, &v, &e), 0);
    assert_int_equal(v, 0);
    uint8_t wei[32], want[32] = { 0 };
    assert_int_equal(ozk_rpc_get_balance(r, wei, DEV0, &e), 0);
    assert_int_equal(ozk_rpc_hex_to_u256(want, "0x21e19e0c9bab2400000"), 0); /* 10000 ETH */
    assert_memory_equal(wei, want, 32);
    assert_int_equal(ozk_rpc_get_nonce(r, &v, DEV0, &e), 0);
    assert_int_equal(v, 0);

    /* a JSON-RPC error: surfaced with the node's code and message, not retried */
    json_t *res;
    json_t *p = json_pack("[s, s]", "0xnot-an-address", "latest");
    assert_int_equal(ozk_rpc_call(r, &res, "eth_getBalance", p, OZK_RPC_STRING, &e), OZK_EIO);
    json_decref(p); /* params are borrowed */
    assert_null(res);
    assert_int_equal(e.kind, OZK_RPC_ERR_REMOTE);
    assert_int_equal(e.code, -32602);
    assert_non_null(strstr(e.message, "eth_getBalance: node error -32602"));
    assert_int_equal(ozk_rpc_attempts(r), 1);
    assert_int_equal(ozk_rpc_call(r, &res, "eth_noSuchMethod", NULL, OZK_RPC_ANY, &e), OZK_EIO);
    assert_int_equal(e.code, -32601);
    assert_int_equal(ozk_rpc_attempts(r), 1);
    /* a result of the wrong type is refused */
    assert_int_equal(ozk_rpc_call(r, &res, "eth_chainId", NULL, OZK_RPC_OBJECT, &e), OZK_EINVAL);
    assert_int_equal(e.kind, OZK_RPC_ERR_PROTOCOL);

    /* a batch of mixed calls */
    json_t *bal = json_pack("[s, s]", "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "latest");
    json_t *blk = json_pack("[s, b]", "latest", 0);
    ozk_rpc_batch_item it[5] = {
        { .method = "eth_chainId", .type = OZK_RPC_STRING },
        { .method = "eth_getBalance", .params = bal, .type = OZK_RPC_STRING },
        { .method = "eth_getBlockByNumber", .params = blk, .type = OZK_RPC_OBJECT },
        { .method = "eth_noSuchMethod", .type = OZK_RPC_ANY },
        { .method = "eth_accounts", .type = OZK_RPC_ARRAY },
    };
    assert_int_equal(ozk_rpc_batch(r, it, 5, &e), 0);
    assert_int_equal(ozk_rpc_attempts(r), 1);
    assert_int_equal(it[0].rc, 0);
    assert_string_equal(json_string_value(it[0].result), "0x7a69");
    assert_string_equal(json_string_value(it[1].result), "0x21e19e0c9bab2400000");
    assert_true(json_is_string(json_object_get(it[2].result, "hash")));
    assert_int_equal(it[3].rc, OZK_EIO);
    assert_int_equal(it[3].err.kind, OZK_RPC_ERR_REMOTE);
    assert_int_equal(it[3].err.code, -32601);
    assert_null(it[3].result);
    assert_int_equal(json_array_size(it[4].result), 10);
    ozk_rpc_batch_clear(it, 5);
    json_decref(bal);
    json_decref(blk);
    ozk_rpc_close(r);
}

int main(void)
{
    const struct CMUnitTest faults[] = {
        cmocka_unit_test(test_hex),        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_slow),       cmocka_unit_test(test_bad_replies),
        cmocka_unit_test(test_retries),    cmocka_unit_test(test_batch_faults),
        cmocka_unit_test(test_error_data),
    };
    const struct CMUnitTest with_anvil[] = {
        cmocka_unit_test(test_anvil),
    };
    int failed = TEST_RUN("rpc faults", faults);
    failed += TEST_RUN_WITH("rpc anvil", with_anvil, anvil_setup, anvil_teardown);
    return failed;
}
