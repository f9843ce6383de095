/*
 * chain/watcher.c: the restartable, reorg-aware log watcher (ozk/watcher.h).
 */
#include "ozk/watcher.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ozk/error.h"
#include "ozk/hex.h"

struct ozk_watcher {
    ozk_rpc *rpc;
    ozk_watcher_config cfg;
    uint8_t addresses[OZK_WATCHER_MAX_ADDRESSES][20];
    uint8_t topic0[OZK_WATCHER_MAX_TOPICS][32];
};

/* a block header: what the watcher checks */
typedef struct {
    uint64_t number;
    uint8_t hash[32];
    uint8_t parent[32];
    int present; /* 0: the node has no such block */
} ozk__wheader;

typedef struct {
    ozk_watch_event ev;
    uint8_t *data; /* owned */
} ozk__wlog;

typedef struct {
    ozk__wlog *v;
    size_t n, cap;
} ozk__wlogs;

static int werr(ozk_rpc_error *err, int rc, int kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int werr(ozk_rpc_error *err, int rc, int kind, const char *fmt, ...)
{
    if (!err) return rc;
    err->kind = kind;
    err->http_status = 0;
    err->code = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    for (char *c = err->message; *c; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c == 0x7f) *c = ' ';
    return rc;
}

/* a reply that does not validate */
#define proto(err, ...) werr(err, OZK_EINVAL, OZK_RPC_ERR_PROTOCOL, "watcher: " __VA_ARGS__)

/* ---- cursor ---- */

void ozk_watcher_cursor_init(ozk_watcher_cursor *c, uint64_t from)
{
    memset(c, 0, sizeof *c);
    c->next = from;
}

size_t ozk_watcher_cursor_size(const ozk_watcher_cursor *c)
{
    unsigned n = c->count > OZK_WATCHER_MAX_KEEP ? OZK_WATCHER_MAX_KEEP : c->count;
    return 4 + 1 + 8 + 2 + 32 * (size_t)n;
}

long ozk_watcher_cursor_encode(uint8_t *out, size_t cap, const ozk_watcher_cursor *c)
{
    if (c->count > OZK_WATCHER_MAX_KEEP || c->count > c->next) return OZK_EINVAL;
    size_t len = ozk_watcher_cursor_size(c);
    if (cap < len) return OZK_ERANGE;
    memcpy(out, "OZKW", 4);
    out[4] = 1;
    for (int i = 0; i < 8; i++) out[5 + i] = (uint8_t)(c->next >> (56 - 8 * i));
    out[13] = (uint8_t)(c->count >> 8);
    out[14] = (uint8_t)c->count;
    memcpy(out + 15, c->hashes, 32 * (size_t)c->count);
    return (long)len;
}

int ozk_watcher_cursor_decode(ozk_watcher_cursor *c, const uint8_t *in, size_t len)
{
    memset(c, 0, sizeof *c);
    if (len < 15 || memcmp(in, "OZKW", 4) != 0 || in[4] != 1) return OZK_EINVAL;
    uint64_t next = 0;
    for (int i = 0; i < 8; i++) next = next << 8 | in[5 + i];
    unsigned count = (unsigned)in[13] << 8 | in[14];
    if (count > OZK_WATCHER_MAX_KEEP || count > next || len != 15 + 32 * (size_t)count)
        return OZK_EINVAL;
    c->next = next;
    c->count = count;
    memcpy(c->hashes, in + 15, 32 * (size_t)count);
    return 0;
}

/* drops the oldest hashes so that at most keep remain */
static void cursor_trim(ozk_watcher_cursor *c, unsigned keep)
{
    if (c->count <= keep) return;
    unsigned drop = c->count - keep;
    memmove(c->hashes, c->hashes + drop, 32 * (size_t)keep);
    c->count = keep;
}

/* ---- config ---- */

void ozk_watcher_config_default(ozk_watcher_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->follow = OZK_WATCH_FOLLOW_LATEST;
    cfg->confirmations = 3;
    cfg->keep = 64;
    cfg->max_range = 1000;
    cfg->max_logs = 10000;
    cfg->max_blocks_per_poll = 100000;
}

int ozk_watcher_open(ozk_watcher **out, ozk_rpc *rpc, const ozk_watcher_config *cfg,
                     ozk_rpc_error *err)
{
    *out = NULL;
    if (!rpc || !cfg || cfg->keep < 1 || cfg->keep > OZK_WATCHER_MAX_KEEP || cfg->max_range < 1 ||
        cfg->max_logs < 1 || cfg->max_blocks_per_poll < 1 ||
        cfg->n_addresses > OZK_WATCHER_MAX_ADDRESSES || cfg->n_topic0 > OZK_WATCHER_MAX_TOPICS ||
        (cfg->n_addresses && !cfg->addresses) || (cfg->n_topic0 && !cfg->topic0) ||
        cfg->follow < OZK_WATCH_FOLLOW_LATEST || cfg->follow > OZK_WATCH_FOLLOW_FINALIZED)
        return werr(err, OZK_EINVAL, OZK_RPC_ERR_NONE, "watcher: invalid configuration");
    ozk_watcher *w = calloc(1, sizeof *w);
    if (!w) return werr(err, OZK_ENOMEM, OZK_RPC_ERR_NONE, "watcher: out of memory");
    w->rpc = rpc;
    w->cfg = *cfg;
    if (cfg->n_addresses) memcpy(w->addresses, cfg->addresses, 20 * cfg->n_addresses);
    if (cfg->n_topic0) memcpy(w->topic0, cfg->topic0, 32 * cfg->n_topic0);
    w->cfg.addresses = NULL;
    w->cfg.topic0 = NULL;
    *out = w;
    return 0;
}

void ozk_watcher_close(ozk_watcher *w)
{
    free(w);
}

/* ---- reply fields ---- */

static int get_u64(uint64_t *out, json_t *obj, const char *key, ozk_rpc_error *err)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_string(v) || ozk_rpc_hex_to_u64(out, json_string_value(v)) != 0)
        return werr(err, OZK_EINVAL, OZK_RPC_ERR_PROTOCOL, "watcher: bad or missing \"%s\"", key);
    return 0;
}

static int get_fixed(uint8_t *out, size_t n, json_t *obj, const char *key, ozk_rpc_error *err)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_string(v) || ozk_rpc_hex_to_bytes(out, n, json_string_value(v)) != (long)n)
        return werr(err, OZK_EINVAL, OZK_RPC_ERR_PROTOCOL, "watcher: bad or missing \"%s\"", key);
    return 0;
}

static void qty(char out[19], uint64_t v)
{
    snprintf(out, 19, "0x%llx", (unsigned long long)v);
}

static int parse_header(ozk__wheader *h, json_t *res, uint64_t want, int check_number,
                        ozk_rpc_error *err)
{
    int rc;
    memset(h, 0, sizeof *h);
    if (json_is_null(res)) return 0;
    if (!json_is_object(res)) return proto(err, "block %" PRIu64 " is not an object", want);
    OZK_TRY(get_u64(&h->number, res, "number", err));
    OZK_TRY(get_fixed(h->hash, 32, res, "hash", err));
    OZK_TRY(get_fixed(h->parent, 32, res, "parentHash", err));
    if (check_number && h->number != want)
        return proto(err, "asked for block %" PRIu64 ", got block %" PRIu64, want, h->number);
    h->present = 1;
    return 0;
fail:
    return rc;
}

/* eth_getBlockByNumber for each of nums[0..n) in one batch; a missing block is !present */
static int get_headers(ozk_watcher *w, ozk__wheader *out, const uint64_t *nums, size_t n,
                       ozk_rpc_error *err)
{
    int rc = 0;
    ozk_rpc_batch_item *items = calloc(n, sizeof *items);
    if (!items) return werr(err, OZK_ENOMEM, OZK_RPC_ERR_NONE, "watcher: out of memory");
    for (size_t i = 0; i < n; i++) {
        char q[19];
        qty(q, nums[i]);
        items[i].method = "eth_getBlockByNumber";
        items[i].params = json_pack("[s, b]", q, 0);
        items[i].type = OZK_RPC_OBJECT_OR_NULL;
        if (!items[i].params) {
            rc = werr(err, OZK_ENOMEM, OZK_RPC_ERR_NONE, "watcher: out of memory");
            goto fail;
        }
    }
    OZK_TRY(ozk_rpc_batch(w->rpc, items, n, err));
    for (size_t i = 0; i < n; i++) {
        if (items[i].rc < 0) {
            if (err) *err = items[i].err;
            rc = items[i].rc;
            goto fail;
        }
        OZK_TRY(parse_header(&out[i], items[i].result, nums[i], 1, err));
    }
fail:
    ozk_rpc_batch_clear(items, n);
    for (size_t i = 0; i < n; i++) json_decref(items[i].params);
    free(items);
    return rc;
}

/* the block a tag ("safe", "finalized") names; *present 0 when the node has none */
static int get_tag(ozk_watcher *w, ozk__wheader *h, const char *tag, ozk_rpc_error *err)
{
    json_t *params = json_pack("[s, b]", tag, 0), *res = NULL;
    if (!params) return werr(err, OZK_ENOMEM, OZK_RPC_ERR_NONE, "watcher: out of memory");
    int rc =
        ozk_rpc_call(w->rpc, &res, "eth_getBlockByNumber", params, OZK_RPC_OBJECT_OR_NULL, err);
    json_decref(params);
    if (rc == 0) rc = parse_header(h, res, 0, 0, err);
    json_decref(res);
    return rc;
}

/* ---- logs ---- */

static void logs_free(ozk__wlogs *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->v[i].data);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static int cmp_log(const void *a, const void *b)
{
    const ozk_watch_event *x = &((const ozk__wlog *)a)->ev, *y = &((const ozk__wlog *)b)->ev;
    if (x->block != y->block) return x->block < y->block ? -1 : 1;
    if (x->log_index != y->log_index) return x->log_index < y->log_index ? -1 : 1;
    return 0;
}

static int parse_log(ozk_watcher *w, ozk__wlog *out, json_t *o, uint64_t from, uint64_t to,
                     ozk_rpc_error *err)
{
    int rc;
    ozk_watch_event *e = &out->ev;
    memset(out, 0, sizeof *out);
    e->kind = OZK_WATCH_LOG;
    if (!json_is_object(o)) return proto(err, "a log is not an object");
    OZK_TRY(get_u64(&e->block, o, "blockNumber", err));
    if (e->block < from || e->block > to)
        return proto(err, "log of block %" PRIu64 " outside the requested range (to %" PRIu64 ")",
                     e->block, to);
    OZK_TRY(get_fixed(e->block_hash, 32, o, "blockHash", err));
    OZK_TRY(get_fixed(e->tx_hash, 32, o, "transactionHash", err));
    OZK_TRY(get_u64(&e->tx_index, o, "transactionIndex", err));
    OZK_TRY(get_u64(&e->log_index, o, "logIndex", err));
    OZK_TRY(get_fixed(e->address, 20, o, "address", err));
    json_t *removed = json_object_get(o, "removed");
    if (removed && !json_is_false(removed))
        return proto(err, "log %" PRIu64 " of block %" PRIu64 " is marked removed", e->log_index,
                     e->block);
    json_t *topics = json_object_get(o, "topics");
    if (!json_is_array(topics) || json_array_size(topics) > 4)
        return proto(err, "bad topics in log %" PRIu64 " of block %" PRIu64, e->log_index,
                     e->block);
    e->n_topics = (unsigned)json_array_size(topics);
    for (unsigned i = 0; i < e->n_topics; i++) {
        json_t *t = json_array_get(topics, i);
        if (!json_is_string(t) ||
            ozk_rpc_hex_to_bytes(e->topics[i], 32, json_string_value(t)) != 32)
            return proto(err, "malformed topic in log %" PRIu64 " of block %" PRIu64, e->log_index,
                         e->block);
    }
    json_t *data = json_object_get(o, "data");
    if (!json_is_string(data))
        return proto(err, "missing data in log %" PRIu64 " of block %" PRIu64, e->log_index,
                     e->block);
    const char *ds = json_string_value(data);
    size_t cap = strlen(ds) / 2 + 1;
    out->data = malloc(cap);
    if (!out->data) return werr(err, OZK_ENOMEM, OZK_RPC_ERR_NONE, "watcher: out of memory");
    long dn = ozk_rpc_hex_to_bytes(out->data, cap, ds);
    if (dn < 0) {
        free(out->data);
        out->data = NULL;
        return proto(err, "malformed data in log %" PRIu64 " of block %" PRIu64, e->log_index,
                     e->block);
    }
    e->data_len = (size_t)dn;
    /* the filter: a node must not hand us logs we did not ask for */
    int ok = w->cfg.n_addresses == 0;
    for (size_t i = 0; !ok && i < w->cfg.n_addresses; i++)
        ok = memcmp(w->addresses[i], e->address, 20) == 0;
    if (ok && w->cfg.n_topic0) {
        ok = 0;
        for (size_t i = 0; !ok && e->n_topics && i < w->cfg.n_topic0; i++)
            ok = memcmp(w->topic0[i], e->topics[0], 32) == 0;
    }
    if (!ok) {
        free(out->data);
        out->data = NULL;
        return proto(err, "log %" PRIu64 " of block %" PRIu64 " does not match the filter",
                     e->log_index, e->block);
    }
    return 0;
fail:
    return rc;
}

static json_t *filter_params(ozk_watcher *w, uint64_t from, uint64_t to)
{
    char a[19], b[19];
    qty(a, from);
    qty(b, to);
    json_t *f = json_pack("{s:s, s:s}", "fromBlock", a, "toBlock", b);
    if (!f) return NULL;
    if (w->cfg.n_addresses) {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < w->cfg.n_addresses; i++) {
            char t[43] = "0x";
            ozk_hex_encode(t + 2, w->addresses[i], 20);
            json_array_append_new(arr, json_string(t));
        }
        json_object_set_new(f, "address", arr);
    }
    if (w->cfg.n_topic0) {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < w->cfg.n_topic0; i++) {
            char t[67] = "0x";
            ozk_hex_encode(t + 2, w->topic0[i], 32);
            json_array_append_new(arr, json_string(t));
        }
        json_object_set_new(f, "topics", json_pack("[o]", arr));
    }
    return json_pack("[o]", f);
}

static int too_large(int rc, const ozk_rpc_error *e)
{
    if (rc == OZK_ERANGE) return 1; /* reply body over the RPC bound */
    if (e->kind != OZK_RPC_ERR_REMOTE) return 0;
    char m[sizeof e->message];
    size_t i = 0;
    for (; e->message[i] && i + 1 < sizeof m; i++)
        m[i] = (char)tolower((unsigned char)e->message[i]);
    m[i] = 0;
    return e->code == -32005 || strstr(m, "too many") || strstr(m, "limit") || strstr(m, "range") ||
           strstr(m, "exceed") || strstr(m, "too large");
}

/* eth_getLogs over [from, to], split in halves while the node finds it too large; appends to l */
static int get_logs(ozk_watcher *w, ozk__wlogs *l, uint64_t from, uint64_t to, ozk_rpc_error *err)
{
    json_t *params = filter_params(w, from, to), *res = NULL;
    if (!params) return werr(err, OZK_ENOMEM, OZK_RPC_ERR_NONE, "watcher: out of memory");
    ozk_rpc_error e = { 0 };
    int rc = ozk_rpc_call(w->rpc, &res, "eth_getLogs", params, OZK_RPC_ARRAY, &e);
    json_decref(params);
    int split = rc < 0 ? too_large(rc, &e) : json_array_size(res) > w->cfg.max_logs;
    if (split && from < to) {
        json_decref(res);
        uint64_t mid = from + (to - from) / 2;
        rc = get_logs(w, l, from, mid, err);
        return rc < 0 ? rc : get_logs(w, l, mid + 1, to, err);
    }
    if (rc < 0) {
        if (err) *err = e;
        return rc;
    }
    if (split) {
        json_decref(res);
        return proto(err, "block %" PRIu64 " alone has more than %" PRIu64 " logs", from,
                     (uint64_t)w->cfg.max_logs);
    }
    size_t n = json_array_size(res);
    if (l->n + n > l->cap) {
        size_t cap = l->n + n + 16;
        ozk__wlog *v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            json_decref(res);
            return werr(err, OZK_ENOMEM, OZK_RPC_ERR_NONE, "watcher: out of memory");
        }
        l->v = v;
        l->cap = cap;
    }
    for (size_t i = 0; i < n; i++) {
        rc = parse_log(w, &l->v[l->n], json_array_get(res, i), from, to, err);
        if (rc < 0) break;
        l->n++;
    }
    json_decref(res);
    return rc;
}

/* ---- poll ---- */

static int reorg_check(ozk_watcher *w, ozk_watcher_cursor *c, ozk_watch_fn fn, void *ctx,
                       ozk_rpc_error *err)
{
    int rc = 0;
    if (c->count == 0) return 0;
    uint64_t last = c->next - 1;
    ozk__wheader h;
    OZK_TRY(get_headers(w, &h, &last, 1, err));
    if (h.present && memcmp(h.hash, c->hashes[c->count - 1], 32) == 0) return 0;

    /* walk back through every kept block in one batch */
    uint64_t nums[OZK_WATCHER_MAX_KEEP];
    ozk__wheader hs[OZK_WATCHER_MAX_KEEP];
    uint64_t first = c->next - c->count;
    for (unsigned i = 0; i < c->count; i++) nums[i] = first + i;
    OZK_TRY(get_headers(w, hs, nums, c->count, err));
    int fork = -1;
    for (int i = (int)c->count - 1; i >= 0; i--)
        if (hs[i].present && memcmp(hs[i].hash, c->hashes[i], 32) == 0) {
            fork = i;
            break;
        }
    ozk_watch_event ev = { 0 };
    ev.kind = OZK_WATCH_ROLLBACK;
    ev.to = last;
    if (fork >= 0) {
        ev.from = first + (unsigned)fork + 1;
        c->next = ev.from;
        c->count = (unsigned)fork + 1;
    } else {
        /* deeper than the hashes we keep */
        ev.deep = 1;
        ozk__wheader fin;
        uint64_t restart = first > w->cfg.keep ? first - w->cfg.keep : 0;
        int have_fin = 0;
        ozk_rpc_error e2;
        if (get_tag(w, &fin, "finalized", &e2) == 0 && fin.present && fin.number < first) {
            restart = fin.number + 1;
            have_fin = 1;
        }
        ev.from = restart;
        c->next = restart;
        c->count = 0;
        if (have_fin) {
            memcpy(c->hashes[0], fin.hash, 32);
            c->count = 1;
        }
    }
    rc = fn(ctx, &ev);
fail:
    return rc;
}

int ozk_watcher_poll(ozk_watcher *w, ozk_watcher_cursor *cursor, ozk_watch_fn fn, void *ctx,
                     ozk_rpc_error *err)
{
    int rc = 0;
    ozk__wlogs logs = { 0 };
    ozk__wheader *hs = NULL;
    uint64_t *nums = NULL;
    if (err) memset(err, 0, sizeof *err);
    if (cursor->count > OZK_WATCHER_MAX_KEEP || cursor->count > cursor->next)
        return werr(err, OZK_EINVAL, OZK_RPC_ERR_NONE, "watcher: invalid cursor");
    ozk_watcher_cursor *c = malloc(sizeof *c);
    hs = calloc(OZK_WATCHER_MAX_KEEP + 1, sizeof *hs);
    nums = calloc(OZK_WATCHER_MAX_KEEP + 1, sizeof *nums);
    if (!c || !hs || !nums) {
        rc = werr(err, OZK_ENOMEM, OZK_RPC_ERR_NONE, "watcher: out of memory");
        goto fail;
    }
    *c = *cursor;
    cursor_trim(c, w->cfg.keep);
    OZK_TRY(reorg_check(w, c, fn, ctx, err));

    /* the target block */
    uint64_t target;
    if (w->cfg.follow == OZK_WATCH_FOLLOW_LATEST) {
        uint64_t head;
        OZK_TRY(ozk_rpc_block_number(w->rpc, &head, err));
        if (head < w->cfg.confirmations) goto done;
        target = head - w->cfg.confirmations;
    } else {
        const char *tag = w->cfg.follow == OZK_WATCH_FOLLOW_SAFE ? "safe" : "finalized";
        ozk__wheader t;
        OZK_TRY(get_tag(w, &t, tag, err));
        if (!t.present) {
            rc = werr(err, OZK_EIO, OZK_RPC_ERR_PROTOCOL, "watcher: the node has no \"%s\" block",
                      tag);
            goto fail;
        }
        target = t.number;
    }
    if (target < c->next) goto done;
    if (target - c->next >= w->cfg.max_blocks_per_poll)
        target = c->next + w->cfg.max_blocks_per_poll - 1;

    while (c->next <= target) {
        uint64_t a = c->next, b = target;
        if (b - a >= w->cfg.max_range) b = a + w->cfg.max_range - 1;
        logs.n = 0;
        OZK_TRY(get_logs(w, &logs, a, b, err));
        /* headers: the first block, then the last min(keep, length) blocks */
        uint64_t len = b - a + 1, tail = len < w->cfg.keep ? len : w->cfg.keep;
        size_t n = 0;
        if (tail < len) nums[n++] = a;
        for (uint64_t i = 0; i < tail; i++) nums[n++] = b - tail + 1 + i;
        OZK_TRY(get_headers(w, hs, nums, n, err));
        size_t t0 = n - (size_t)tail; /* index of the first tail header */
        for (size_t i = 0; i < n; i++)
            if (!hs[i].present) {
                rc = proto(err, "block %" PRIu64 " vanished during the poll", nums[i]);
                goto fail;
            }
        if (c->count && memcmp(hs[0].parent, c->hashes[c->count - 1], 32) != 0) {
            rc = proto(err,
                       "block %" PRIu64 " does not extend block %" PRIu64
                       ": the chain moved; poll again",
                       a, a - 1);
            goto fail;
        }
        for (size_t i = t0 + 1; i < n; i++)
            if (memcmp(hs[i].parent, hs[i - 1].hash, 32) != 0) {
                rc = proto(err,
                           "block %" PRIu64 " does not extend block %" PRIu64 ": the chain moved",
                           nums[i], nums[i - 1]);
                goto fail;
            }
        if (logs.n) qsort(logs.v, logs.n, sizeof *logs.v, cmp_log); /* qsort(NULL, 0) is UB */
        for (size_t i = 0; i < logs.n; i++) {
            const ozk_watch_event *e = &logs.v[i].ev;
            if (i && cmp_log(&logs.v[i - 1], &logs.v[i]) == 0) {
                rc = proto(err, "log %" PRIu64 " of block %" PRIu64 " appears twice", e->log_index,
                           e->block);
                goto fail;
            }
            for (size_t j = 0; j < n; j++)
                if (nums[j] == e->block && memcmp(hs[j].hash, e->block_hash, 32) != 0) {
                    rc = proto(err, "a log of block %" PRIu64 " carries another block's hash",
                               e->block);
                    goto fail;
                }
        }
        for (size_t i = 0; i < logs.n; i++) {
            logs.v[i].ev.data = logs.v[i].data;
            OZK_TRY(fn(ctx, &logs.v[i].ev));
        }
        for (size_t i = 0; i < logs.n; i++) free(logs.v[i].data);
        logs.n = 0;
        /* advance: the tail hashes follow the kept ones (or replace them) */
        if (tail == len) {
            for (size_t i = t0; i < n; i++) {
                if (c->count == OZK_WATCHER_MAX_KEEP) cursor_trim(c, OZK_WATCHER_MAX_KEEP - 1);
                memcpy(c->hashes[c->count++], hs[i].hash, 32);
            }
        } else {
            c->count = 0;
            for (size_t i = t0; i < n; i++) memcpy(c->hashes[c->count++], hs[i].hash, 32);
        }
        cursor_trim(c, w->cfg.keep);
        c->next = b + 1;
    }
done:
    *cursor = *c;
    rc = 0;
fail:
    logs_free(&logs);
    free(c);
    free(hs);
    free(nums);
    return rc;
}
