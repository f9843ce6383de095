/*
 * tests/test_watcher.c: the log watcher (chain/watcher.c) against a real anvil that automines.
 * Logs come from a hand-assembled runtime installed with anvil_setCode (LOG1 with a fixed topic
 * and the calldata as data), called with eth_sendTransaction from anvil's first dev account:
 * every log delivered once and in order across polls and a restart from an encoded cursor,
 * confirmations, small ranges and splitting on max_logs, a shallow reorg (anvil_reorg) and a
 * rollback (anvil_rollback) reported before the new logs, a reorg deeper than the kept hashes,
 * and strict cursor decoding.
 */
#include <arpa/inet.h>
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
#include "ozk/hex.h"
#include "ozk/watcher.h"
#include "testutil.h"

static const char FROM[] = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
static const uint8_t TOPIC[32] = { 0x0e, 0x7e, 1,  2,  3,  4,  5,  6,  7,  8,  9,
                                   10,   11,   12, 13, 14, 15, 16, 17, 18, 19, 20,
                                   21,   22,   23, 24, 25, 26, 27, 28, 29, 30 };

static struct anvil g_anvil;
static ozk_rpc *g_rpc;

static json_t *call(const char *method, json_t *params)
{
    json_t *res = NULL;
    ozk_rpc_error e;
    int rc = ozk_rpc_call(g_rpc, &res, method, params, OZK_RPC_ANY, &e);
    if (rc) fprintf(stderr, "%s: %s\n", method, e.message);
    assert_int_equal(rc, 0);
    json_decref(params);
    return res;
}

static void call0(const char *method, json_t *params)
{
    json_decref(call(method, params));
}

static uint64_t head(void)
{
    uint64_t h;
    ozk_rpc_error e;
    assert_int_equal(ozk_rpc_block_number(g_rpc, &h, &e), 0);
    return h;
}

/* installs the emitter at 0x00..00<id> and returns its address in text and bytes */
static void install(char text[43], uint8_t addr[20], uint8_t id)
{
    /* CALLDATASIZE PUSH1 0 PUSH1 0 CALLDATACOPY PUSH32 topic CALLDATASIZE PUSH1 0 LOG1 STOP */
    uint8_t code[7 + 33 + 5] = { 0x36, 0x60, 0x00, 0x60, 0x00, 0x37, 0x7f };
    memcpy(code + 7, TOPIC, 32);
    memcpy(code + 39, (const uint8_t[]){ 0x36, 0x60, 0x00, 0xa1, 0x00 }, 5);
    char hex[2 * sizeof code + 3] = "0x";
    ozk_hex_encode(hex + 2, code, sizeof code);
    memset(addr, 0, 20);
    addr[0] = 0xee;
    addr[19] = id;
    text[0] = '0', text[1] = 'x';
    ozk_hex_encode(text + 2, addr, 20);
    call0("anvil_setCode", json_pack("[s, s]", text, hex));
}

static json_t *tx_obj(const char *to, uint8_t tag)
{
    char data[5];
    snprintf(data, sizeof data, "0x%02x", tag);
    return json_pack("{s:s, s:s, s:s, s:s}", "from", FROM, "to", to, "data", data, "gas",
                     "0x30000");
}

/* one transaction, one log with data [tag]; with automine on, waits until it is mined (anvil
 * may answer before its block is in) */
static void emit(const char *to, uint8_t tag)
{
    json_t *hash = call("eth_sendTransaction", json_pack("[o]", tx_obj(to, tag)));
    json_t *automine = call("anvil_getAutomine", json_array());
    for (int i = 0; json_is_true(automine) && i < 500; i++) {
        json_t *r = call("eth_getTransactionReceipt", json_pack("[O]", hash));
        int mined = json_is_object(r);
        json_decref(r);
        if (mined) break;
        assert_true(i < 499);
        struct timespec ts = { 0, 2000000 };
        nanosleep(&ts, NULL);
    }
    json_decref(automine);
    json_decref(hash);
}

/* what the callback saw */
struct seen {
    int n;
    int kind[256];
    uint8_t tag[256];
    uint64_t block[256], index[256], from[256], to[256];
    int deep[256];
};

static int collect(void *ctx, const ozk_watch_event *ev)
{
    struct seen *s = ctx;
    assert_true(s->n < 256);
    s->kind[s->n] = ev->kind;
    if (ev->kind == OZK_WATCH_LOG) {
        assert_int_equal(ev->data_len, 1);
        assert_int_equal(ev->n_topics, 1);
        assert_memory_equal(ev->topics[0], TOPIC, 32);
        s->tag[s->n] = ev->data[0];
        s->block[s->n] = ev->block;
        s->index[s->n] = ev->log_index;
    } else {
        s->from[s->n] = ev->from;
        s->to[s->n] = ev->to;
        s->deep[s->n] = ev->deep;
    }
    s->n++;
    return 0;
}

static ozk_watcher *open_w(const uint8_t addr[20], unsigned conf, unsigned keep, uint64_t range)
{
    ozk_watcher_config cfg;
    ozk_watcher_config_default(&cfg);
    cfg.addresses = addr;
    cfg.n_addresses = 1;
    cfg.topic0 = TOPIC;
    cfg.n_topic0 = 1;
    cfg.confirmations = conf;
    cfg.keep = keep;
    cfg.max_range = range;
    ozk_watcher *w;
    ozk_rpc_error e;
    assert_int_equal(ozk_watcher_open(&w, g_rpc, &cfg, &e), 0);
    return w;
}

static void poll_ok(ozk_watcher *w, ozk_watcher_cursor *c, struct seen *s)
{
    ozk_rpc_error e;
    int rc = ozk_watcher_poll(w, c, collect, s, &e);
    if (rc) fprintf(stderr, "poll: %s\n", e.message);
    assert_int_equal(rc, 0);
}

static int setup(void **state)
{
    (void)state;
    if (anvil_start(&g_anvil) != 0) return -1;
    ozk_rpc_config cfg;
    ozk_rpc_config_default(&cfg);
    cfg.url = g_anvil.url;
    ozk_rpc_error e;
    return ozk_rpc_open(&g_rpc, &cfg, &e) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ozk_rpc_close(g_rpc);
    anvil_stop(&g_anvil);
    return 0;
}

/* ---- a fake chain on loopback: blocks 0..FAKE_HEAD, one log in each block from 1, and faults ----
 */

#define FAKE_HEAD 20

struct fake {
    int fd;
    pthread_t thread;
    atomic_int stop;
    atomic_int get_logs; /* eth_getLogs calls seen */
    int range_limit;     /* refuse eth_getLogs over more blocks than this (0: no limit) */
    int fault;           /* 0 none, 1 log past the range, 2 short topic, 3 no tx hash, 4 hash */
    uint64_t fork_at;    /* blocks from here on have other hashes (0: none) */
    int salt;            /* ... made with this salt (one per fork) */
    char addr[43];
    char url[64];
};

static void fake_hash(char out[67], uint64_t n, int parent_salt)
{
    uint8_t h[32] = { 0xbb };
    h[1] = (uint8_t)parent_salt;
    for (int i = 0; i < 8; i++) h[31 - i] = (uint8_t)(n >> (8 * i));
    out[0] = '0', out[1] = 'x';
    ozk_hex_encode(out + 2, h, 32);
}

static json_t *fake_answer(struct fake *f, json_t *req)
{
    const char *m = json_string_value(json_object_get(req, "method"));
    json_t *params = json_object_get(req, "params"), *res = NULL;
    char q[32], h[67], ph[67];
    if (m && strcmp(m, "eth_blockNumber") == 0) {
        snprintf(q, sizeof q, "0x%x", FAKE_HEAD);
        res = json_string(q);
    } else if (m && strcmp(m, "eth_getBlockByNumber") == 0) {
        uint64_t n = 0;
        if (ozk_rpc_hex_to_u64(&n, json_string_value(json_array_get(params, 0))) != 0 ||
            n > FAKE_HEAD) {
            res = json_null();
        } else {
            fake_hash(h, n, f->fork_at && n >= f->fork_at ? f->salt : 0);
            fake_hash(ph, n - 1, f->fork_at && n - 1 >= f->fork_at ? f->salt : 0);
            snprintf(q, sizeof q, "0x%llx", (unsigned long long)n);
            res = json_pack("{s:s, s:s, s:s}", "number", q, "hash", h, "parentHash", ph);
        }
    } else if (m && strcmp(m, "eth_getLogs") == 0) {
        atomic_fetch_add(&f->get_logs, 1);
        json_t *flt = json_array_get(params, 0);
        uint64_t a = 0, b = 0;
        ozk_rpc_hex_to_u64(&a, json_string_value(json_object_get(flt, "fromBlock")));
        ozk_rpc_hex_to_u64(&b, json_string_value(json_object_get(flt, "toBlock")));
        if (f->range_limit && b - a + 1 > (uint64_t)f->range_limit)
            return json_pack("{s:s, s:O, s:{s:i, s:s}}", "jsonrpc", "2.0", "id",
                             json_object_get(req, "id"), "error", "code", -32000, "message",
                             "query exceeds max block range");
        res = json_array();
        char topic[67] = "0x", data[5];
        ozk_hex_encode(topic + 2, TOPIC, 32);
        for (uint64_t n = a ? a : 1; n <= b && n <= FAKE_HEAD; n++) {
            uint64_t bn = f->fault == 1 && n == b ? b + 1 : n;
            fake_hash(h, bn, f->fault == 4 ? 1 : f->fork_at && bn >= f->fork_at ? f->salt : 0);
            snprintf(q, sizeof q, "0x%llx", (unsigned long long)bn);
            snprintf(data, sizeof data, "0x%02x", (unsigned)(n & 0xff));
            json_t *log = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s], s:s, s:b}", "blockNumber", q,
                                    "blockHash", h, "transactionIndex", "0x0", "logIndex", "0x0",
                                    "address", f->addr, "topics", f->fault == 2 ? "0x12" : topic,
                                    "data", data, "removed", 0);
            if (f->fault != 3) json_object_set_new(log, "transactionHash", json_string(h));
            json_array_append_new(res, log);
        }
    } else {
        res = json_null();
    }
    return json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id", json_object_get(req, "id"),
                     "result", res);
}

static void *fake_serve(void *arg)
{
    struct fake *f = arg;
    while (!atomic_load(&f->stop)) {
        struct pollfd p = { f->fd, POLLIN, 0 };
        if (poll(&p, 1, 20) <= 0) continue;
        int c = accept(f->fd, NULL, NULL);
        if (c < 0) continue;
        /* one request per connection */
        char *body_in = test_http_read_body(c, (1 << 20) - 1);
        json_t *req = body_in ? json_loads(body_in, 0, NULL) : NULL;
        free(body_in);
        json_t *rep;
        if (json_is_array(req)) {
            rep = json_array();
            for (size_t i = 0; i < json_array_size(req); i++)
                json_array_append_new(rep, fake_answer(f, json_array_get(req, i)));
        } else {
            rep = req ? fake_answer(f, req) : json_object();
        }
        char *body = json_dumps(rep, JSON_COMPACT);
        json_decref(rep);
        json_decref(req);
        test_http_reply(c, 200, body, strlen(body));
        free(body);
    }
    return NULL;
}

static ozk_rpc *fake_start(struct fake *f, const uint8_t addr[20])
{
    f->fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(f->fd >= 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof sa;
    assert_int_equal(bind(f->fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(f->fd, 8), 0);
    assert_int_equal(getsockname(f->fd, (struct sockaddr *)&sa, &len), 0);
    snprintf(f->url, sizeof f->url, "http://127.0.0.1:%d", ntohs(sa.sin_port));
    f->addr[0] = '0', f->addr[1] = 'x';
    ozk_hex_encode(f->addr + 2, addr, 20);
    assert_int_equal(pthread_create(&f->thread, NULL, fake_serve, f), 0);
    ozk_rpc_config cfg;
    ozk_rpc_config_default(&cfg);
    cfg.url = f->url;
    cfg.max_retries = 0;
    ozk_rpc *rpc;
    ozk_rpc_error e;
    assert_int_equal(ozk_rpc_open(&rpc, &cfg, &e), 0);
    return rpc;
}

static void fake_stop(struct fake *f, ozk_rpc *rpc)
{
    ozk_rpc_close(rpc);
    atomic_store(&f->stop, 1);
    pthread_join(f->thread, NULL);
    close(f->fd);
}

static void test_fake_split_and_faults(void **state)
{
    (void)state;
    uint8_t addr[20] = { 0xfa, 0x4e };
    static struct fake f; /* the thread reads it */
    memset(&f, 0, sizeof f);
    f.range_limit = 3;
    ozk_rpc *rpc = fake_start(&f, addr);
    ozk_watcher_config cfg;
    ozk_watcher_config_default(&cfg);
    cfg.addresses = addr;
    cfg.n_addresses = 1;
    cfg.topic0 = TOPIC;
    cfg.n_topic0 = 1;
    cfg.confirmations = 0;
    cfg.keep = 4;
    ozk_watcher *w;
    ozk_rpc_error e;
    assert_int_equal(ozk_watcher_open(&w, rpc, &cfg, &e), 0);
    ozk_watcher_cursor c;
    ozk_watcher_cursor_init(&c, 1);
    struct seen s = { 0 };
    int rc = ozk_watcher_poll(w, &c, collect, &s, &e);
    if (rc) fprintf(stderr, "poll: %s\n", e.message);
    assert_int_equal(rc, 0);
    assert_int_equal(s.n, FAKE_HEAD);
    for (int i = 0; i < FAKE_HEAD; i++) assert_int_equal(s.tag[i], i + 1);
    assert_true(atomic_load(&f.get_logs) > FAKE_HEAD / 3); /* the range was split */
    assert_int_equal(c.next, FAKE_HEAD + 1);
    /* a shallow reorg from block 19, then one from block 10: deeper than the 4 kept hashes, and
     * this node has no "finalized" block, so the rescan starts keep blocks below the oldest */
    f.fork_at = 19;
    f.salt = 2;
    memset(&s, 0, sizeof s);
    assert_int_equal(ozk_watcher_poll(w, &c, collect, &s, &e), 0);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.kind[0], OZK_WATCH_ROLLBACK);
    assert_int_equal(s.from[0], 19);
    assert_int_equal(s.to[0], 20);
    assert_int_equal(s.deep[0], 0);
    assert_int_equal(s.block[1], 19);
    assert_int_equal(s.block[2], 20);
    f.fork_at = 10;
    f.salt = 3;
    memset(&s, 0, sizeof s);
    assert_int_equal(ozk_watcher_poll(w, &c, collect, &s, &e), 0);
    assert_int_equal(s.n, 9);
    assert_int_equal(s.kind[0], OZK_WATCH_ROLLBACK);
    assert_int_equal(s.deep[0], 1);
    assert_int_equal(s.from[0], 13);
    assert_int_equal(s.to[0], 20);
    for (int i = 1; i < 9; i++) assert_int_equal(s.block[i], 12 + (uint64_t)i);
    assert_int_equal(c.next, FAKE_HEAD + 1);
    f.fork_at = 0;
    /* each malformed reply: a clean error naming it, the cursor untouched */
    static const char *const why[] = { "outside the requested range", "malformed topic",
                                       "transactionHash", "another block's hash" };
    for (int fault = 1; fault <= 4; fault++) {
        f.fault = fault;
        f.range_limit = 0;
        ozk_watcher_cursor d;
        ozk_watcher_cursor_init(&d, 5);
        ozk_watcher_cursor before = d;
        memset(&s, 0, sizeof s);
        assert_int_equal(ozk_watcher_poll(w, &d, collect, &s, &e), OZK_EINVAL);
        if (!strstr(e.message, why[fault - 1])) fprintf(stderr, "fault %d: %s\n", fault, e.message);
        assert_non_null(strstr(e.message, why[fault - 1]));
        assert_memory_equal(&before, &d, sizeof d);
    }
    ozk_watcher_close(w);
    fake_stop(&f, rpc);
}

static void test_cursor_codec(void **state)
{
    (void)state;
    ozk_watcher_cursor c, d;
    ozk_watcher_cursor_init(&c, 1000);
    c.count = 3;
    for (unsigned i = 0; i < 3; i++) memset(c.hashes[i], (int)i + 1, 32);
    uint8_t buf[OZK_WATCHER_CURSOR_MAX + 1];
    long n = ozk_watcher_cursor_encode(buf, sizeof buf, &c);
    assert_int_equal(n, 15 + 96);
    assert_int_equal(ozk_watcher_cursor_decode(&d, buf, (size_t)n), 0);
    assert_int_equal(d.next, 1000);
    assert_int_equal(d.count, 3);
    assert_memory_equal(d.hashes, c.hashes, 96);
    assert_int_equal(ozk_watcher_cursor_encode(buf, 20, &c), OZK_ERANGE);
    /* truncated, one byte too many, every prefix */
    for (long k = 0; k < n; k++)
        assert_int_equal(ozk_watcher_cursor_decode(&d, buf, (size_t)k), OZK_EINVAL);
    assert_int_equal(ozk_watcher_cursor_decode(&d, buf, (size_t)n + 1), OZK_EINVAL);
    uint8_t bad[15 + 96];
    memcpy(bad, buf, sizeof bad);
    bad[0] ^= 1; /* magic */
    assert_int_equal(ozk_watcher_cursor_decode(&d, bad, sizeof bad), OZK_EINVAL);
    memcpy(bad, buf, sizeof bad);
    bad[4] = 2; /* version */
    assert_int_equal(ozk_watcher_cursor_decode(&d, bad, sizeof bad), OZK_EINVAL);
    memcpy(bad, buf, sizeof bad);
    bad[14] = 4; /* count disagrees with the length */
    assert_int_equal(ozk_watcher_cursor_decode(&d, bad, sizeof bad), OZK_EINVAL);
    memcpy(bad, buf, sizeof bad);
    memset(bad + 5, 0, 8);
    bad[12] = 2; /* next 2 < count 3 */
    assert_int_equal(ozk_watcher_cursor_decode(&d, bad, sizeof bad), OZK_EINVAL);
    assert_int_equal(d.next, 0);
    assert_int_equal(d.count, 0);
    /* count over the maximum */
    uint8_t big[15] = { 'O', 'Z', 'K', 'W', 1, 0, 0, 0, 0, 0, 1, 0, 0, 0x01, 0x01 };
    assert_int_equal(ozk_watcher_cursor_decode(&d, big, sizeof big), OZK_EINVAL);
    /* random bytes never crash */
    for (size_t i = 0; i < test_cases(2000); i++) {
        size_t len = (size_t)test_rand_below(200);
        test_rand_bytes(bad, len < sizeof bad ? len : sizeof bad);
        if (test_rand_below(2)) memcpy(bad, "OZKW\1", 5);
        (void)ozk_watcher_cursor_decode(&d, bad, len < sizeof bad ? len : sizeof bad);
    }
}

static void test_order_confirmations_restart(void **state)
{
    (void)state;
    char to[43];
    uint8_t addr[20];
    install(to, addr, 1);
    ozk_watcher_cursor c;
    ozk_watcher_cursor_init(&c, head() + 1);
    for (uint8_t t = 1; t <= 4; t++) emit(to, t);
    /* two logs in one block: log index order within a block */
    call0("evm_setAutomine", json_pack("[b]", 0));
    emit(to, 5);
    emit(to, 6);
    call0("evm_mine", json_array());
    call0("evm_setAutomine", json_pack("[b]", 1));
    ozk_watcher *w = open_w(addr, 0, 8, 1000);
    struct seen s = { 0 };
    poll_ok(w, &c, &s);
    assert_int_equal(s.n, 6);
    for (int i = 0; i < 6; i++) {
        assert_int_equal(s.kind[i], OZK_WATCH_LOG);
        assert_int_equal(s.tag[i], i + 1);
    }
    assert_int_equal(s.block[4], s.block[5]);
    assert_true(s.index[4] < s.index[5]);
    assert_int_equal(c.next, head() + 1);
    assert_int_equal(c.count, 5);
    /* nothing new: nothing delivered */
    poll_ok(w, &c, &s);
    assert_int_equal(s.n, 6);
    ozk_watcher_close(w);

    /* three more, two confirmations: only the first is delivered */
    for (uint8_t t = 7; t <= 9; t++) emit(to, t);
    w = open_w(addr, 2, 8, 1000);
    poll_ok(w, &c, &s);
    assert_int_equal(s.n, 7);
    assert_int_equal(s.tag[6], 7);
    assert_int_equal(c.next, head() - 1);
    ozk_watcher_close(w);

    /* restart from the encoded cursor with a new watcher */
    uint8_t buf[OZK_WATCHER_CURSOR_MAX];
    long n = ozk_watcher_cursor_encode(buf, sizeof buf, &c);
    assert_true(n > 0);
    ozk_watcher_cursor d;
    assert_int_equal(ozk_watcher_cursor_decode(&d, buf, (size_t)n), 0);
    w = open_w(addr, 0, 8, 1000);
    poll_ok(w, &d, &s);
    assert_int_equal(s.n, 9);
    for (int i = 0; i < 9; i++) assert_int_equal(s.tag[i], i + 1);
    for (int i = 1; i < 9; i++)
        assert_true(s.block[i - 1] < s.block[i] ||
                    (s.block[i - 1] == s.block[i] && s.index[i - 1] < s.index[i]));
    ozk_watcher_close(w);
}

static void test_small_range_and_split(void **state)
{
    (void)state;
    char to[43];
    uint8_t addr[20];
    install(to, addr, 2);
    uint64_t start = head() + 1;
    for (uint8_t t = 1; t <= 7; t++) emit(to, t);
    for (uint64_t range = 1; range <= 3; range++) {
        ozk_watcher_cursor c;
        ozk_watcher_cursor_init(&c, start);
        ozk_watcher *w = open_w(addr, 0, 4, range);
        struct seen s = { 0 };
        poll_ok(w, &c, &s);
        assert_int_equal(s.n, 7);
        for (int i = 0; i < 7; i++) assert_int_equal(s.tag[i], i + 1);
        assert_int_equal(c.count, 4);
        ozk_watcher_close(w);
    }
    /* max_logs 1: ranges split down to single blocks, everything arrives */
    ozk_watcher_config cfg;
    ozk_watcher_config_default(&cfg);
    cfg.addresses = addr;
    cfg.n_addresses = 1;
    cfg.confirmations = 0;
    cfg.max_logs = 1;
    ozk_watcher *w;
    ozk_rpc_error e;
    assert_int_equal(ozk_watcher_open(&w, g_rpc, &cfg, &e), 0);
    ozk_watcher_cursor c;
    ozk_watcher_cursor_init(&c, start);
    struct seen s = { 0 };
    poll_ok(w, &c, &s);
    assert_int_equal(s.n, 7);
    for (int i = 0; i < 7; i++) assert_int_equal(s.tag[i], i + 1);
    /* a block with two logs cannot be split: a clean error, the cursor unchanged */
    call0("evm_setAutomine", json_pack("[b]", 0));
    emit(to, 8);
    emit(to, 9);
    call0("evm_mine", json_array());
    call0("evm_setAutomine", json_pack("[b]", 1));
    ozk_watcher_cursor before = c;
    assert_int_equal(ozk_watcher_poll(w, &c, collect, &s, &e), OZK_EINVAL);
    assert_non_null(strstr(e.message, "more than"));
    assert_memory_equal(&before, &c, sizeof c);
    ozk_watcher_close(w);
    /* an invalid configuration */
    cfg.keep = 0;
    assert_int_equal(ozk_watcher_open(&w, g_rpc, &cfg, &e), OZK_EINVAL);
}

static void test_reorg_shallow(void **state)
{
    (void)state;
    char to[43];
    uint8_t addr[20];
    install(to, addr, 3);
    ozk_watcher_cursor c;
    uint64_t start = head() + 1;
    ozk_watcher_cursor_init(&c, start);
    for (uint8_t t = 1; t <= 4; t++) emit(to, t); /* blocks start..start+3 */
    ozk_watcher *w = open_w(addr, 0, 16, 1000);
    struct seen s = { 0 };
    poll_ok(w, &c, &s);
    assert_int_equal(s.n, 4);
    /* replace the last two blocks; the first new one holds tag 0x10 */
    call0("anvil_reorg", json_pack("[i, [[o, i]]]", 2, tx_obj(to, 0x10), 0));
    assert_int_equal(head(), start + 3);
    memset(&s, 0, sizeof s);
    poll_ok(w, &c, &s);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.kind[0], OZK_WATCH_ROLLBACK);
    assert_int_equal(s.from[0], start + 2);
    assert_int_equal(s.to[0], start + 3);
    assert_int_equal(s.deep[0], 0);
    assert_int_equal(s.kind[1], OZK_WATCH_LOG);
    assert_int_equal(s.tag[1], 0x10);
    assert_int_equal(s.block[1], start + 2);
    assert_int_equal(c.next, start + 4);

    /* anvil_rollback: the chain gets shorter; the rollback is reported, then new logs */
    call0("anvil_rollback", json_pack("[i]", 1));
    emit(to, 0x11);
    emit(to, 0x12);
    memset(&s, 0, sizeof s);
    poll_ok(w, &c, &s);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.kind[0], OZK_WATCH_ROLLBACK);
    assert_int_equal(s.from[0], start + 3);
    assert_int_equal(s.to[0], start + 3);
    assert_int_equal(s.tag[1], 0x11);
    assert_int_equal(s.block[1], start + 3);
    assert_int_equal(s.tag[2], 0x12);
    ozk_watcher_close(w);
}

static void test_reorg_deep(void **state)
{
    (void)state;
    char to[43];
    uint8_t addr[20];
    install(to, addr, 4);
    ozk_watcher_cursor c;
    uint64_t start = head() + 1;
    ozk_watcher_cursor_init(&c, start);
    for (uint8_t t = 1; t <= 5; t++) emit(to, t);
    ozk_watcher *w = open_w(addr, 0, 2, 1000);
    struct seen s = { 0 };
    poll_ok(w, &c, &s);
    assert_int_equal(s.n, 5);
    assert_int_equal(c.count, 2);
    /* four blocks replaced: past the two kept hashes */
    call0("anvil_reorg",
          json_pack("[i, [[o, i], [o, i]]]", 4, tx_obj(to, 0x20), 0, tx_obj(to, 0x21), 2));
    memset(&s, 0, sizeof s);
    poll_ok(w, &c, &s);
    assert_true(s.n >= 1);
    assert_int_equal(s.kind[0], OZK_WATCH_ROLLBACK);
    assert_int_equal(s.deep[0], 1);
    assert_true(s.from[0] <= start + 1);
    assert_int_equal(s.to[0], start + 4);
    /* the rescan delivers what the rolled-back range holds now: tags 1 (kept), 0x20, 0x21 */
    int n20 = 0, n21 = 0;
    for (int i = 1; i < s.n; i++) {
        assert_int_equal(s.kind[i], OZK_WATCH_LOG);
        assert_true(s.block[i] >= s.from[0]);
        n20 += s.tag[i] == 0x20;
        n21 += s.tag[i] == 0x21;
        assert_true(s.tag[i] != 2 && s.tag[i] != 5);
    }
    assert_int_equal(n20, 1);
    assert_int_equal(n21, 1);
    assert_int_equal(c.next, start + 5);
    ozk_watcher_close(w);
}

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_cursor_codec),
        cmocka_unit_test(test_fake_split_and_faults),
    };
    const struct CMUnitTest with_anvil[] = {
        cmocka_unit_test(test_order_confirmations_restart),
        cmocka_unit_test(test_small_range_and_split),
        cmocka_unit_test(test_reorg_shallow),
        cmocka_unit_test(test_reorg_deep),
    };
    int failed = TEST_RUN("watcher", pure);
    failed += TEST_RUN_WITH("watcher on anvil", with_anvil, setup, teardown);
    return failed;
}
