/*
 * chain/rpc.c: JSON-RPC 2.0 over HTTP(S). See ozk/rpc.h.
 *
 * Sources: JSON-RPC 2.0 specification (request, response and batch objects); Ethereum
 * execution-apis (hex encoding of quantities and data); EIP-1474 (-32005 limit exceeded).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "ozk/error.h"
#include "ozk/hex.h"
#include "ozk/rpc.h"

#define RPC_MAX_BATCH 1024

struct ozk_rpc {
    CURL *curl;
    struct curl_slist *headers;
    char *url;
    ozk_rpc_config cfg;
    uint64_t next_id;
    unsigned attempts;
    uint64_t rng;
    char curl_err[CURL_ERROR_SIZE];
};

/* the reply body, bounded */
struct body {
    char *p;
    size_t n, max;
    int toobig;
};

static void set_err(ozk_rpc_error *err, int kind, const char *fmt, ...)
{
    if (!err) return;
    err->kind = kind;
    err->has_data = 0;
    err->data_len = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    /* one line: a node's message may hold anything */
    for (char *c = err->message; *c; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c == 0x7f) *c = ' ';
}

static void clear_err(ozk_rpc_error *err)
{
    if (!err) return;
    memset(err, 0, sizeof *err);
}

static int kind_rc(int kind)
{
    switch (kind) {
    case OZK_RPC_ERR_TOOBIG:
        return OZK_ERANGE;
    case OZK_RPC_ERR_PROTOCOL:
        return OZK_EINVAL;
    default:
        return OZK_EIO;
    }
}

void ozk_rpc_config_default(ozk_rpc_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->connect_timeout_ms = 5000;
    cfg->timeout_ms = 30000;
    cfg->max_retries = 4;
    cfg->backoff_ms = 250;
    cfg->backoff_max_ms = 8000;
    cfg->max_body = (size_t)32 << 20;
}

static char *dupstr(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

int ozk_rpc_open(ozk_rpc **out, const ozk_rpc_config *cfg, ozk_rpc_error *err)
{
    clear_err(err);
    *out = NULL;
    if (!cfg || !cfg->url ||
        (strncasecmp(cfg->url, "http://", 7) && strncasecmp(cfg->url, "https://", 8))) {
        set_err(err, OZK_RPC_ERR_TRANSPORT, "RPC URL must start with http:// or https://");
        return OZK_EINVAL;
    }
    if (cfg->bearer && strpbrk(cfg->bearer, "\r\n")) {
        set_err(err, OZK_RPC_ERR_TRANSPORT, "bearer token holds a line break");
        return OZK_EINVAL;
    }
    ozk_rpc *r = calloc(1, sizeof *r);
    if (!r) goto nomem;
    r->cfg = *cfg;
    r->cfg.bearer = NULL;
    if (r->cfg.connect_timeout_ms <= 0) r->cfg.connect_timeout_ms = 5000;
    if (r->cfg.timeout_ms <= 0) r->cfg.timeout_ms = 30000;
    if (r->cfg.max_retries < 0) r->cfg.max_retries = 0;
    if (r->cfg.backoff_ms <= 0) r->cfg.backoff_ms = 250;
    if (r->cfg.backoff_max_ms <= 0) r->cfg.backoff_max_ms = 8000;
    if (r->cfg.max_body == 0) r->cfg.max_body = (size_t)32 << 20;
    r->url = dupstr(cfg->url);
    r->cfg.url = r->url;
    r->next_id = 1;
    r->rng = ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid() ^ (uint64_t)(uintptr_t)r;
    if (!r->url) goto nomem;
    r->headers = curl_slist_append(NULL, "Content-Type: application/json");
    if (!r->headers) goto nomem;
    if (cfg->bearer) {
        size_t n = strlen(cfg->bearer) + 32;
        char *h = malloc(n);
        if (!h) goto nomem;
        snprintf(h, n, "Authorization: Bearer %s", cfg->bearer);
        struct curl_slist *l = curl_slist_append(r->headers, h);
        memset(h, 0, n); /* a credential: do not leave it on the heap */
        free(h);
        if (!l) goto nomem;
        r->headers = l;
    }
    r->curl = curl_easy_init();
    if (!r->curl) goto nomem;
    CURL *c = r->curl;
    curl_easy_setopt(c, CURLOPT_URL, r->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, r->headers);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, r->cfg.connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, r->cfg.timeout_ms);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, r->curl_err);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    *out = r;
    return 0;
nomem:
    ozk_rpc_close(r);
    set_err(err, OZK_RPC_ERR_TRANSPORT, "out of memory starting the RPC client");
    return OZK_ENOMEM;
}

void ozk_rpc_close(ozk_rpc *r)
{
    if (!r) return;
    if (r->curl) curl_easy_cleanup(r->curl);
    curl_slist_free_all(r->headers); /* may hold the bearer token */
    free(r->url);
    free(r);
}

unsigned ozk_rpc_attempts(const ozk_rpc *r)
{
    return r->attempts;
}

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *user)
{
    struct body *b = user;
    size_t k = size * nmemb;
    if (k > b->max - b->n) {
        b->toobig = 1;
        return 0; /* aborts the transfer */
    }
    char *q = realloc(b->p, b->n + k + 1);
    if (!q) return 0;
    memcpy(q + b->n, ptr, k);
    b->p = q;
    b->n += k;
    b->p[b->n] = '\0';
    return k;
}

static uint64_t rng_next(ozk_rpc *r)
{
    /* xorshift64*: jitter only, nothing secret */
    r->rng ^= r->rng >> 12;
    r->rng ^= r->rng << 25;
    r->rng ^= r->rng >> 27;
    return r->rng * 0x2545F4914F6CDD1DULL;
}

static void backoff(ozk_rpc *r, unsigned retry)
{
    long d = r->cfg.backoff_ms;
    for (unsigned i = 0; i < retry && d < r->cfg.backoff_max_ms; i++) d *= 2;
    if (d > r->cfg.backoff_max_ms) d = r->cfg.backoff_max_ms;
    long half = d / 2;
    long ms = half + (long)(rng_next(r) % (uint64_t)(d - half + 1));
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* One HTTP exchange. Returns the parsed reply or NULL with err set; *retry says whether
 * another attempt could help. */
static json_t *exchange(ozk_rpc *r, const char *body, const char *what, int *retry,
                        ozk_rpc_error *err)
{
    struct body b = { NULL, 0, r->cfg.max_body, 0 };
    *retry = 0;
    r->curl_err[0] = '\0';
    curl_easy_setopt(r->curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(r->curl, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(r->curl, CURLOPT_WRITEDATA, &b);
    CURLcode cc = curl_easy_perform(r->curl);
    long status = 0;
    curl_easy_getinfo(r->curl, CURLINFO_RESPONSE_CODE, &status);
    if (err) err->http_status = status;
    json_t *reply = NULL;
    if (b.toobig) {
        set_err(err, OZK_RPC_ERR_TOOBIG, "%s: reply from %s is larger than %zu bytes", what, r->url,
                r->cfg.max_body);
    } else if (cc != CURLE_OK) {
        *retry = 1;
        set_err(err, OZK_RPC_ERR_TRANSPORT, "%s: %s: %s", what, r->url,
                r->curl_err[0] ? r->curl_err : curl_easy_strerror(cc));
    } else if (status != 200) {
        *retry = status == 429 || status >= 500;
        set_err(err, OZK_RPC_ERR_HTTP, "%s: %s answered HTTP %ld", what, r->url, status);
    } else {
        json_error_t je;
        reply = b.p ? json_loadb(b.p, b.n, JSON_REJECT_DUPLICATES, &je) : NULL;
        if (!reply)
            set_err(err, OZK_RPC_ERR_PROTOCOL, "%s: reply from %s is not JSON (%s)", what, r->url,
                    b.p ? je.text : "empty body");
    }
    free(b.p);
    return reply;
}

static const char *type_name(int type)
{
    switch (type) {
    case OZK_RPC_STRING:
        return "a string";
    case OZK_RPC_OBJECT:
        return "an object";
    case OZK_RPC_ARRAY:
        return "an array";
    case OZK_RPC_OBJECT_OR_NULL:
        return "an object or null";
    default:
        return "a JSON value";
    }
}

static int type_ok(const json_t *v, int type)
{
    switch (type) {
    case OZK_RPC_STRING:
        return json_is_string(v);
    case OZK_RPC_OBJECT:
        return json_is_object(v);
    case OZK_RPC_ARRAY:
        return json_is_array(v);
    case OZK_RPC_OBJECT_OR_NULL:
        return json_is_object(v) || json_is_null(v);
    default:
        return 1;
    }
}

static int is_rate_limit(long code, const char *msg)
{
    if (code == -32005 || code == 429) return 1;
    char low[128];
    size_t i = 0;
    for (; msg[i] && i + 1 < sizeof low; i++) low[i] = (char)tolower((unsigned char)msg[i]);
    low[i] = '\0';
    return strstr(low, "rate limit") || strstr(low, "too many requests");
}

/* Checks one reply object against the id we sent. Returns 0 with *result (borrowed) set, or a
 * negative code: OZK_EINVAL (protocol) or OZK_EIO (remote error; *rate_limited set). */
static int check_reply(json_t *reply, uint64_t id, const char *method, int type, json_t **result,
                       int *rate_limited, ozk_rpc_error *err)
{
    *result = NULL;
    if (!json_is_object(reply)) {
        set_err(err, OZK_RPC_ERR_PROTOCOL, "%s: reply is not a JSON-RPC object", method);
        return OZK_EINVAL;
    }
    json_t *v = json_object_get(reply, "jsonrpc");
    if (!json_is_string(v) || strcmp(json_string_value(v), "2.0")) {
        set_err(err, OZK_RPC_ERR_PROTOCOL, "%s: reply lacks \"jsonrpc\": \"2.0\"", method);
        return OZK_EINVAL;
    }
    v = json_object_get(reply, "id");
    if (!json_is_integer(v) || json_integer_value(v) < 0 || (uint64_t)json_integer_value(v) != id) {
        set_err(err, OZK_RPC_ERR_PROTOCOL, "%s: reply id does not match the request's (%llu)",
                method, (unsigned long long)id);
        return OZK_EINVAL;
    }
    json_t *res = json_object_get(reply, "result"), *e = json_object_get(reply, "error");
    if ((res != NULL) == (e != NULL)) {
        set_err(err, OZK_RPC_ERR_PROTOCOL, "%s: reply must hold exactly one of result and error",
                method);
        return OZK_EINVAL;
    }
    if (e) {
        json_t *code = json_object_get(e, "code"), *msg = json_object_get(e, "message");
        if (!json_is_object(e) || !json_is_integer(code) || !json_is_string(msg)) {
            set_err(err, OZK_RPC_ERR_PROTOCOL, "%s: malformed JSON-RPC error object", method);
            return OZK_EINVAL;
        }
        long c = (long)json_integer_value(code);
        const char *m = json_string_value(msg);
        if (err) err->code = c;
        *rate_limited = is_rate_limit(c, m);
        set_err(err, OZK_RPC_ERR_REMOTE, "%s: node error %ld: %.160s", method, c, m);
        json_t *d = json_object_get(e, "data");
        if (err && json_is_string(d) && strlen(json_string_value(d)) == json_string_length(d)) {
            long n = ozk_rpc_hex_to_bytes(err->data, sizeof err->data, json_string_value(d));
            if (n >= 0) {
                err->has_data = 1;
                err->data_len = (size_t)n;
            }
        }
        return OZK_EIO;
    }
    if (!type_ok(res, type)) {
        set_err(err, OZK_RPC_ERR_PROTOCOL, "%s: result is not %s", method, type_name(type));
        return OZK_EINVAL;
    }
    *result = res;
    return 0;
}

static json_t *request(const char *method, json_t *params, uint64_t id)
{
    json_t *p = params ? json_incref(params) : json_array();
    if (!p || !json_is_array(p)) {
        json_decref(p);
        return NULL;
    }
    return json_pack("{s:s, s:I, s:s, s:o}", "jsonrpc", "2.0", "id", (json_int_t)id, "method",
                     method, "params", p);
}

int ozk_rpc_call(ozk_rpc *r, json_t **result, const char *method, json_t *params, int type,
                 ozk_rpc_error *err)
{
    ozk_rpc_error local;
    if (!err) err = &local; /* the kind decides the return code */
    clear_err(err);
    *result = NULL;
    r->attempts = 0;
    uint64_t id = r->next_id++;
    json_t *req = request(method, params, id);
    char *body = req ? json_dumps(req, JSON_COMPACT) : NULL;
    json_decref(req);
    if (!body) {
        set_err(err, OZK_RPC_ERR_PROTOCOL, "%s: cannot build the request (params not an array?)",
                method);
        return OZK_EINVAL;
    }
    int rc = OZK_EIO;
    for (unsigned attempt = 0;; attempt++) {
        if (attempt) backoff(r, attempt - 1);
        r->attempts++;
        int retry, rate_limited = 0;
        clear_err(err);
        json_t *reply = exchange(r, body, method, &retry, err);
        if (reply) {
            json_t *res;
            rc = check_reply(reply, id, method, type, &res, &rate_limited, err);
            if (rc == 0) *result = json_incref(res);
            json_decref(reply);
            retry = rate_limited;
        } else {
            rc = kind_rc(err->kind);
        }
        if (rc == 0 || !retry || attempt >= (unsigned)r->cfg.max_retries) break;
    }
    free(body);
    return rc;
}

void ozk_rpc_batch_clear(ozk_rpc_batch_item *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        json_decref(items[i].result);
        items[i].result = NULL;
    }
}

/* Matches a batch reply to items (ids first_id + i). Returns 0, or OZK_EINVAL (no item keeps a
 * result); *rate_limited when any item was. */
static int match_batch(json_t *reply, ozk_rpc_batch_item *items, size_t n, uint64_t first_id,
                       int *rate_limited, ozk_rpc_error *err)
{
    if (!json_is_array(reply)) {
        set_err(err, OZK_RPC_ERR_PROTOCOL, "batch: reply is not a JSON array");
        return OZK_EINVAL;
    }
    if (json_array_size(reply) != n) {
        set_err(err, OZK_RPC_ERR_PROTOCOL, "batch: %zu replies to %zu calls",
                json_array_size(reply), n);
        return OZK_EINVAL;
    }
    for (size_t i = 0; i < n; i++) items[i].rc = 1; /* 1: no reply yet */
    for (size_t k = 0; k < n; k++) {
        json_t *o = json_array_get(reply, k), *id = json_object_get(o, "id");
        json_int_t v = json_is_integer(id) ? json_integer_value(id) : -1;
        if (v < 0 || (uint64_t)v < first_id || (uint64_t)v - first_id >= n) {
            set_err(err, OZK_RPC_ERR_PROTOCOL, "batch: a reply has an id we did not send");
            goto bad;
        }
        size_t i = (size_t)((uint64_t)v - first_id);
        if (items[i].rc != 1) {
            set_err(err, OZK_RPC_ERR_PROTOCOL, "batch: two replies for id %lld (%s)", (long long)v,
                    items[i].method);
            goto bad;
        }
        json_t *res;
        int rl = 0;
        items[i].rc =
            check_reply(o, (uint64_t)v, items[i].method, items[i].type, &res, &rl, &items[i].err);
        if (items[i].rc == OZK_EINVAL) {
            set_err(err, OZK_RPC_ERR_PROTOCOL, "batch: %s", items[i].err.message);
            goto bad;
        }
        if (rl) *rate_limited = 1;
        if (items[i].rc == 0) items[i].result = json_incref(res);
    }
    return 0; /* n distinct in-range ids among n replies: every item has one */
bad:
    ozk_rpc_batch_clear(items, n);
    for (size_t i = 0; i < n; i++) items[i].rc = OZK_EINVAL;
    return OZK_EINVAL;
}

int ozk_rpc_batch(ozk_rpc *r, ozk_rpc_batch_item *items, size_t n, ozk_rpc_error *err)
{
    ozk_rpc_error local;
    if (!err) err = &local; /* the kind decides the return code */
    clear_err(err);
    r->attempts = 0;
    for (size_t i = 0; i < n; i++) {
        items[i].rc = OZK_EINVAL;
        items[i].result = NULL;
        clear_err(&items[i].err);
    }
    if (n == 0 || n > RPC_MAX_BATCH) {
        set_err(err, OZK_RPC_ERR_PROTOCOL, "batch: %zu calls (1 to %d allowed)", n, RPC_MAX_BATCH);
        return OZK_EINVAL;
    }
    uint64_t first_id = r->next_id;
    r->next_id += n;
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++) {
        json_t *q = request(items[i].method, items[i].params, first_id + i);
        if (!q || json_array_append_new(arr, q)) {
            json_decref(arr);
            arr = NULL;
        }
    }
    char *body = arr ? json_dumps(arr, JSON_COMPACT) : NULL;
    json_decref(arr);
    if (!body) {
        set_err(err, OZK_RPC_ERR_PROTOCOL, "batch: cannot build the request (params arrays?)");
        return OZK_EINVAL;
    }
    int rc = OZK_EIO;
    for (unsigned attempt = 0;; attempt++) {
        if (attempt) backoff(r, attempt - 1);
        r->attempts++;
        int retry, rate_limited = 0;
        clear_err(err);
        ozk_rpc_batch_clear(items, n);
        json_t *reply = exchange(r, body, "batch", &retry, err);
        if (reply) {
            rc = match_batch(reply, items, n, first_id, &rate_limited, err);
            json_decref(reply);
            retry = rate_limited;
            if (rc == 0 && rate_limited && attempt < (unsigned)r->cfg.max_retries) continue;
        } else {
            rc = kind_rc(err->kind);
        }
        if (rc == 0 || !retry || attempt >= (unsigned)r->cfg.max_retries) break;
    }
    free(body);
    return rc;
}

/* ---- hex ---- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* checks a quantity's form; returns its digit count or a negative code */
static long quantity_digits(const char *s, size_t max_digits)
{
    if (!s || s[0] != '0' || s[1] != 'x') return OZK_EINVAL;
    const char *d = s + 2;
    size_t n = strlen(d);
    for (size_t i = 0; i < n; i++)
        if (hexval(d[i]) < 0) return OZK_EINVAL;
    if (n == 0 || (n > 1 && d[0] == '0')) return OZK_EINVAL;
    if (n > max_digits) return OZK_ERANGE;
    return (long)n;
}

int ozk_rpc_hex_to_u64(uint64_t *out, const char *s)
{
    long n = quantity_digits(s, 16);
    if (n < 0) return (int)n;
    uint64_t v = 0;
    for (long i = 0; i < n; i++) v = v << 4 | (uint64_t)hexval(s[2 + i]);
    *out = v;
    return 0;
}

int ozk_rpc_hex_to_u256(uint8_t out[32], const char *s)
{
    long n = quantity_digits(s, 64);
    if (n < 0) return (int)n;
    memset(out, 0, 32);
    for (long i = 0; i < n; i++) {
        long pos = n - 1 - i; /* nibble index from the least significant */
        int v = hexval(s[2 + i]);
        out[31 - pos / 2] |= (uint8_t)(pos % 2 ? v << 4 : v);
    }
    return 0;
}

long ozk_rpc_hex_to_bytes(uint8_t *out, size_t cap, const char *s)
{
    if (!s || s[0] != '0' || s[1] != 'x') return OZK_EINVAL;
    size_t n = strlen(s + 2);
    if (n % 2) return OZK_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (hexval(s[2 + i]) < 0) return OZK_EINVAL;
    if (n / 2 > cap) return OZK_ERANGE;
    for (size_t i = 0; i < n / 2; i++)
        out[i] = (uint8_t)(hexval(s[2 + 2 * i]) << 4 | hexval(s[3 + 2 * i]));
    return (long)(n / 2);
}

/* ---- convenience calls ---- */

static int call_quantity(ozk_rpc *r, const char *method, json_t *params, uint64_t *u64,
                         uint8_t *u256, ozk_rpc_error *err)
{
    json_t *res;
    int rc = ozk_rpc_call(r, &res, method, params, OZK_RPC_STRING, err);
    json_decref(params);
    if (rc) return rc;
    const char *s = json_string_value(res);
    rc = u64 ? ozk_rpc_hex_to_u64(u64, s) : ozk_rpc_hex_to_u256(u256, s);
    if (rc)
        set_err(err, OZK_RPC_ERR_PROTOCOL, "%s: result is not a strict hex quantity: %.40s", method,
                s);
    json_decref(res);
    return rc ? OZK_EINVAL : 0;
}

int ozk_rpc_chain_id(ozk_rpc *r, uint64_t *out, ozk_rpc_error *err)
{
    return call_quantity(r, "eth_chainId", NULL, out, NULL, err);
}

int ozk_rpc_block_number(ozk_rpc *r, uint64_t *out, ozk_rpc_error *err)
{
    return call_quantity(r, "eth_blockNumber", NULL, out, NULL, err);
}

static json_t *addr_params(const uint8_t addr[20], const char *tag)
{
    char hex[43] = "0x";
    ozk_hex_encode(hex + 2, addr, 20);
    return json_pack("[s, s]", hex, tag);
}

int ozk_rpc_get_balance(ozk_rpc *r, uint8_t wei[32], const uint8_t addr[20], ozk_rpc_error *err)
{
    json_t *p = addr_params(addr, "latest");
    if (!p) return OZK_ENOMEM;
    return call_quantity(r, "eth_getBalance", p, NULL, wei, err);
}

int ozk_rpc_get_nonce(ozk_rpc *r, uint64_t *out, const uint8_t addr[20], ozk_rpc_error *err)
{
    json_t *p = addr_params(addr, "pending");
    if (!p) return OZK_ENOMEM;
    return call_quantity(r, "eth_getTransactionCount", p, out, NULL, err);
}

/* A data result ("0x" and hex) into a new buffer. */
static int call_data(ozk_rpc *r, const char *method, json_t *params, uint8_t **out, size_t *len,
                     ozk_rpc_error *err)
{
    *out = NULL;
    *len = 0;
    if (!params) return OZK_ENOMEM;
    json_t *res;
    int rc = ozk_rpc_call(r, &res, method, params, OZK_RPC_STRING, err);
    json_decref(params);
    if (rc) return rc;
    const char *s = json_string_value(res);
    size_t n = strlen(s);
    uint8_t *buf = n > 2 ? malloc(n / 2) : NULL;
    long got = n > 2 && !buf ? OZK_ENOMEM : ozk_rpc_hex_to_bytes(buf, n / 2, s);
    if (got >= 0 && (size_t)got > OZK_RPC_DATA_MAX) got = OZK_ERANGE;
    json_decref(res);
    if (got < 0) {
        free(buf);
        if (got != OZK_ENOMEM)
            set_err(err, OZK_RPC_ERR_PROTOCOL, "%s: result is not hex data of at most %u bytes",
                    method, OZK_RPC_DATA_MAX);
        return (int)got;
    }
    if (got == 0) {
        free(buf);
        buf = NULL;
    }
    *out = buf;
    *len = (size_t)got;
    return 0;
}

int ozk_rpc_get_code(ozk_rpc *r, uint8_t **code, size_t *len, const uint8_t addr[20],
                     ozk_rpc_error *err)
{
    return call_data(r, "eth_getCode", addr_params(addr, "latest"), code, len, err);
}

int ozk_rpc_eth_call(ozk_rpc *r, uint8_t **out, size_t *len, const uint8_t to[20],
                     const uint8_t *data, size_t data_len, ozk_rpc_error *err)
{
    char to_hex[43] = "0x";
    ozk_hex_encode(to_hex + 2, to, 20);
    char *d = malloc(2 * data_len + 3);
    if (!d) {
        *out = NULL;
        *len = 0;
        return OZK_ENOMEM;
    }
    d[0] = '0', d[1] = 'x';
    ozk_hex_encode(d + 2, data, data_len);
    json_t *p = json_pack("[{s:s, s:s}, s]", "to", to_hex, "data", d, "latest");
    free(d);
    return call_data(r, "eth_call", p, out, len, err);
}
