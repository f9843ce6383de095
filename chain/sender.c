/* chain/sender.c: see ozk/sender.h. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ozk/error.h"
#include "ozk/hex.h"
#include "ozk/keccak.h"
#include "ozk/sender.h"

struct ozk_sender {
    ozk_rpc *rpc;
    ozk_key key;
    uint8_t addr[20];
    uint64_t chain_id;
    ozk_sender_config cfg;
    ozk_sender_persist_fn persist;
    void *persist_ctx;
    pthread_mutex_t lock;
    int nonce_known;
    uint64_t nonce;
};

static void fail_msg(ozk_rpc_error *err, int kind, const char *fmt, ...)
{
    if (!err) return;
    memset(err, 0, sizeof *err);
    err->kind = kind;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
}

void ozk_sender_config_default(ozk_sender_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->gas_margin_pct = 20;
    cfg->reward_percentile = 50;
    cfg->min_priority_fee = 1000000000ull;
    cfg->max_fee_ceiling = 500000000000ull;
    cfg->bump_pct = 10;
    cfg->max_attempts = 4;
    cfg->poll_ms = 250;
}

int ozk_sender_open(ozk_sender **out, ozk_rpc *rpc, const ozk_key *key,
                    const ozk_sender_config *cfg, ozk_rpc_error *err)
{
    *out = NULL;
    if (!rpc || !key) return OZK_EINVAL;
    ozk_sender *s = calloc(1, sizeof *s);
    if (!s) return OZK_ENOMEM;
    s->rpc = rpc;
    s->key = *key;
    if (cfg)
        s->cfg = *cfg;
    else
        ozk_sender_config_default(&s->cfg);
    if (s->cfg.reward_percentile > 100) s->cfg.reward_percentile = 100;
    if (s->cfg.max_attempts == 0) s->cfg.max_attempts = 1;
    if (s->cfg.poll_ms <= 0) s->cfg.poll_ms = 250;
    int rc = ozk_key_address(s->addr, &s->key);
    if (rc) {
        fail_msg(err, OZK_RPC_ERR_NONE, "sender: the key is not a valid secp256k1 key");
        goto fail;
    }
    OZK_TRY(ozk_rpc_chain_id(rpc, &s->chain_id, err));
    if (pthread_mutex_init(&s->lock, NULL)) {
        rc = OZK_ENOMEM;
        goto fail;
    }
    *out = s;
    return 0;
fail:
    ozk_key_wipe(&s->key);
    free(s);
    return rc;
}

void ozk_sender_close(ozk_sender *s)
{
    if (!s) return;
    pthread_mutex_destroy(&s->lock);
    ozk_key_wipe(&s->key);
    free(s);
}

void ozk_sender_address(const ozk_sender *s, uint8_t addr[20])
{
    memcpy(addr, s->addr, 20);
}
uint64_t ozk_sender_chain_id(const ozk_sender *s)
{
    return s->chain_id;
}

void ozk_sender_set_persist(ozk_sender *s, ozk_sender_persist_fn fn, void *ctx)
{
    pthread_mutex_lock(&s->lock);
    s->persist = fn;
    s->persist_ctx = ctx;
    pthread_mutex_unlock(&s->lock);
}

void ozk_sender_resync(ozk_sender *s)
{
    pthread_mutex_lock(&s->lock);
    s->nonce_known = 0;
    pthread_mutex_unlock(&s->lock);
}

void ozk_sender_set_nonce(ozk_sender *s, uint64_t nonce)
{
    pthread_mutex_lock(&s->lock);
    s->nonce = nonce;
    s->nonce_known = 1;
    pthread_mutex_unlock(&s->lock);
}

void ozk_sent_tx_clear(ozk_sent_tx *t)
{
    if (!t) return;
    free(t->data);
    memset(t, 0, sizeof *t);
}

/* ---- hex helpers ---- */

static void quantity(char out[19], uint64_t v)
{
    snprintf(out, 19, "0x%llx", (unsigned long long)v);
}

static void quantity256(char out[67], const uint8_t v[32])
{
    size_t i = 0;
    while (i < 31 && v[i] == 0) i++;
    char hex[65];
    ozk_hex_encode(hex, v + i, 32 - i);
    const char *h = hex;
    if (h[0] == '0' && h[1]) h++;
    snprintf(out, 67, "0x%s", h);
}

static char *data_hex(const uint8_t *p, size_t n)
{
    char *h = malloc(2 * n + 3);
    if (!h) return NULL;
    h[0] = '0', h[1] = 'x';
    ozk_hex_encode(h + 2, p, n);
    return h;
}

static void addr_hex(char out[43], const uint8_t a[20])
{
    out[0] = '0', out[1] = 'x';
    ozk_hex_encode(out + 2, a, 20);
}

static int get_u64(json_t *obj, const char *key, uint64_t *out)
{
    const char *v = json_string_value(json_object_get(obj, key));
    return v && ozk_rpc_hex_to_u64(out, v) == 0 ? 0 : OZK_EINVAL;
}

static int get_hash(json_t *obj, const char *key, uint8_t out[32])
{
    const char *v = json_string_value(json_object_get(obj, key));
    return v && ozk_rpc_hex_to_bytes(out, 32, v) == 32 ? 0 : OZK_EINVAL;
}

/* ozk_rpc_call that takes ownership of params (NULL when json_pack failed: OZK_ENOMEM) */
static int call_owned(ozk_sender *s, json_t **res, const char *method, json_t *params, int type,
                      ozk_rpc_error *err)
{
    *res = NULL;
    if (!params) return OZK_ENOMEM;
    int rc = ozk_rpc_call(s->rpc, res, method, params, type, err);
    json_decref(params);
    return rc;
}

static int bad_reply(ozk_rpc_error *err, const char *what)
{
    fail_msg(err, OZK_RPC_ERR_PROTOCOL, "%s: malformed result", what);
    return OZK_EINVAL;
}

static int call_u64(ozk_sender *s, const char *method, json_t *params, uint64_t *out,
                    ozk_rpc_error *err)
{
    json_t *res;
    int rc = ozk_rpc_call(s->rpc, &res, method, params, OZK_RPC_STRING, err);
    json_decref(params);
    if (rc) return rc;
    rc = ozk_rpc_hex_to_u64(out, json_string_value(res));
    json_decref(res);
    return rc ? bad_reply(err, method) : 0;
}

static int remote_says(const ozk_rpc_error *err, const char *what)
{
    return err && err->kind == OZK_RPC_ERR_REMOTE && strstr(err->message, what) != NULL;
}

/* ---- fees ---- */

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a + b < a ? UINT64_MAX : a + b;
}

static uint64_t bump(uint64_t v, unsigned pct)
{
    /* ceil(v * (100 + pct) / 100), at least v + 1, without overflow */
    uint64_t inc = v / 100 * pct + ((v % 100) * pct + 99) / 100;
    if (inc == 0) inc = 1;
    return sat_add(v, inc);
}

static void clamp_fees(const ozk_sender *s, ozk_fees *f)
{
    uint64_t c = s->cfg.max_fee_ceiling;
    if (!c) return;
    if (f->max_fee > c) f->max_fee = c;
    if (f->max_priority_fee > f->max_fee) f->max_priority_fee = f->max_fee;
}

static int fees_locked(ozk_sender *s, ozk_fees *out, ozk_rpc_error *err)
{
    json_t *res = NULL;
    json_t *p = json_pack("[s, s, [i]]", "0x1", "pending", (json_int_t)s->cfg.reward_percentile);
    if (!p) return OZK_ENOMEM;
    int rc = ozk_rpc_call(s->rpc, &res, "eth_feeHistory", p, OZK_RPC_OBJECT, err);
    json_decref(p);
    json_t *bases = rc ? NULL : json_object_get(res, "baseFeePerGas");
    size_t nb = json_is_array(bases) ? json_array_size(bases) : 0;
    uint64_t base = 0;
    int have_base =
        nb > 0 &&
        ozk_rpc_hex_to_u64(&base, json_string_value(json_array_get(bases, nb - 1))) == 0 &&
        base > 0;
    if (have_base) {
        uint64_t prio = 0;
        json_t *rw = json_array_get(json_array_get(json_object_get(res, "reward"), 0), 0);
        if (json_is_string(rw) && ozk_rpc_hex_to_u64(&prio, json_string_value(rw)) != 0) prio = 0;
        if (prio < s->cfg.min_priority_fee) prio = s->cfg.min_priority_fee;
        out->type = OZK_TX_EIP1559;
        out->max_priority_fee = prio;
        out->max_fee = sat_add(sat_add(base, base), prio);
        json_decref(res);
        clamp_fees(s, out);
        return 0;
    }
    json_decref(res);
    /* no base fee (or no eth_feeHistory): legacy at eth_gasPrice */
    uint64_t gp;
    rc = call_u64(s, "eth_gasPrice", NULL, &gp, err);
    if (rc) return rc;
    out->type = OZK_TX_LEGACY;
    out->max_priority_fee = gp;
    out->max_fee = gp;
    clamp_fees(s, out);
    return 0;
}

int ozk_sender_fees(ozk_sender *s, ozk_fees *out, ozk_rpc_error *err)
{
    pthread_mutex_lock(&s->lock);
    int rc = fees_locked(s, out, err);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static void apply_fees(ozk_tx *tx, const ozk_fees *f)
{
    tx->type = f->type;
    tx->max_priority_fee = f->type == OZK_TX_EIP1559 ? f->max_priority_fee : 0;
    tx->max_fee = f->type == OZK_TX_EIP1559 ? f->max_fee : 0;
    tx->gas_price = f->type == OZK_TX_LEGACY ? f->max_fee : 0;
}

/* ---- sending ---- */

static json_t *call_object(const ozk_sender *s, const ozk_tx *tx, int with_gas)
{
    char from[43], to[43], value[67], gas[19];
    addr_hex(from, s->addr);
    quantity256(value, tx->value);
    char *data = data_hex(tx->data, tx->data_len);
    if (!data) return NULL;
    json_t *o = json_pack("{s:s, s:s, s:s}", "from", from, "value", value, "input", data);
    free(data);
    if (o && tx->has_to) {
        addr_hex(to, tx->to);
        json_object_set_new(o, "to", json_string(to));
    }
    if (o && with_gas) {
        quantity(gas, tx->gas_limit);
        json_object_set_new(o, "gas", json_string(gas));
    }
    return o;
}

static int estimate_gas(ozk_sender *s, ozk_tx *tx, ozk_rpc_error *err)
{
    json_t *o = call_object(s, tx, 0);
    if (!o) return OZK_ENOMEM;
    uint64_t g;
    int rc = call_u64(s, "eth_estimateGas", json_pack("[o]", o), &g, err);
    if (rc) return rc;
    uint64_t margin = g / 100 * s->cfg.gas_margin_pct + (g % 100) * s->cfg.gas_margin_pct / 100;
    tx->gas_limit = sat_add(g, margin);
    return 0;
}

/* Signs tx, hands it to the persist callback, broadcasts it. "already known" counts as sent. */
static int sign_and_broadcast(ozk_sender *s, ozk_tx *tx, uint8_t hash[32], ozk_rpc_error *err)
{
    uint8_t *raw = NULL;
    size_t raw_len = 0;
    int rc = ozk_tx_sign(&raw, &raw_len, hash, tx, &s->key);
    if (rc) {
        fail_msg(err, OZK_RPC_ERR_NONE, "sender: cannot sign the transaction (%s)",
                 ozk_strerror(rc));
        return rc;
    }
    if (s->persist && (rc = s->persist(s->persist_ctx, raw, raw_len, hash)) != 0) {
        fail_msg(err, OZK_RPC_ERR_NONE, "sender: persisting the signed transaction failed (%s)",
                 ozk_strerror(rc));
        free(raw);
        return rc < 0 ? rc : OZK_EIO;
    }
    char *hex = data_hex(raw, raw_len);
    free(raw);
    if (!hex) return OZK_ENOMEM;
    json_t *p = json_pack("[s]", hex);
    free(hex);
    if (!p) return OZK_ENOMEM;
    json_t *res = NULL;
    rc = ozk_rpc_call(s->rpc, &res, "eth_sendRawTransaction", p, OZK_RPC_STRING, err);
    json_decref(p);
    if (rc && remote_says(err, "already known")) return 0;
    if (rc) return rc;
    uint8_t got[32];
    long n = ozk_rpc_hex_to_bytes(got, 32, json_string_value(res));
    json_decref(res);
    if (n != 32 || memcmp(got, hash, 32) != 0)
        return bad_reply(err, "eth_sendRawTransaction (hash differs from the signed one)");
    return 0;
}

static int sync_nonce(ozk_sender *s, ozk_rpc_error *err)
{
    int rc = ozk_rpc_get_nonce(s->rpc, &s->nonce, s->addr, err);
    s->nonce_known = rc == 0;
    return rc;
}

static int keep(ozk_sent_tx *out, const ozk_tx *tx, const uint8_t hash[32])
{
    memset(out, 0, sizeof *out);
    out->tx = *tx;
    out->tx.data = NULL;
    if (tx->data_len) {
        uint8_t *d = malloc(tx->data_len);
        if (!d) return OZK_ENOMEM;
        memcpy(d, tx->data, tx->data_len);
        out->data = d;
        out->tx.data = d;
    }
    memcpy(out->hash, hash, 32);
    return 0;
}

int ozk_sender_send(ozk_sender *s, ozk_sent_tx *out, const ozk_send_request *req,
                    ozk_rpc_error *err)
{
    memset(out, 0, sizeof *out);
    if (!req || (req->data_len && !req->data)) return OZK_EINVAL;
    ozk_tx tx = { 0 };
    tx.chain_id = s->chain_id;
    tx.has_to = req->has_to;
    memcpy(tx.to, req->to, 20);
    memcpy(tx.value, req->value, 32);
    tx.data = req->data;
    tx.data_len = req->data_len;
    tx.gas_limit = req->gas_limit;
    uint8_t hash[32];
    ozk_fees f;
    pthread_mutex_lock(&s->lock);
    int rc;
    if (!tx.gas_limit) OZK_TRY(estimate_gas(s, &tx, err));
    OZK_TRY(fees_locked(s, &f, err));
    if (!s->nonce_known) OZK_TRY(sync_nonce(s, err));
    for (unsigned attempt = 0;; attempt++) {
        tx.nonce = s->nonce;
        apply_fees(&tx, &f);
        rc = sign_and_broadcast(s, &tx, hash, err);
        if (rc == 0) break;
        if (attempt + 1 >= s->cfg.max_attempts) goto fail;
        if (remote_says(err, "nonce too low")) {
            OZK_TRY(sync_nonce(s, err));
        } else if (remote_says(err, "underpriced")) {
            uint64_t before = s->nonce;
            OZK_TRY(sync_nonce(s, err));
            if (s->nonce == before) {
                f.max_priority_fee = bump(f.max_priority_fee, 10);
                f.max_fee = bump(f.max_fee, 10);
                clamp_fees(s, &f);
            }
        } else {
            goto fail;
        }
    }
    s->nonce++;
    rc = keep(out, &tx, hash);
    pthread_mutex_unlock(&s->lock);
    return rc;
fail:
    s->nonce_known = 0;
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* fees raised from old by pct% (and 1 wei), to at least the market, within the ceiling */
static int raise_fees(const ozk_sender *s, ozk_fees *f, const ozk_fees *old, const ozk_fees *market,
                      unsigned pct, ozk_rpc_error *err)
{
    f->type = old->type;
    f->max_priority_fee = bump(old->max_priority_fee, pct);
    f->max_fee = bump(old->max_fee, pct);
    if (market && market->type == old->type) {
        if (market->max_priority_fee > f->max_priority_fee)
            f->max_priority_fee = market->max_priority_fee;
        if (market->max_fee > f->max_fee) f->max_fee = market->max_fee;
    }
    if (f->max_priority_fee > f->max_fee) f->max_fee = f->max_priority_fee;
    clamp_fees(s, f);
    if (f->max_fee <= old->max_fee ||
        (f->type == OZK_TX_EIP1559 && f->max_priority_fee <= old->max_priority_fee)) {
        fail_msg(err, OZK_RPC_ERR_NONE,
                 "sender: cannot raise the fees: the ceiling (%llu wei per gas) is reached",
                 (unsigned long long)s->cfg.max_fee_ceiling);
        return OZK_ERANGE;
    }
    return 0;
}

int ozk_sender_replace(ozk_sender *s, ozk_sent_tx *t, ozk_rpc_error *err)
{
    ozk_tx tx = t->tx;
    ozk_fees old = { tx.type, tx.type == OZK_TX_EIP1559 ? tx.max_priority_fee : tx.gas_price,
                     tx.type == OZK_TX_EIP1559 ? tx.max_fee : tx.gas_price };
    ozk_fees market, f;
    uint8_t hash[32];
    pthread_mutex_lock(&s->lock);
    int rc;
    OZK_TRY(fees_locked(s, &market, err));
    OZK_TRY(raise_fees(s, &f, &old, &market, s->cfg.bump_pct, err));
    for (unsigned attempt = 0;; attempt++) {
        apply_fees(&tx, &f);
        rc = sign_and_broadcast(s, &tx, hash, err);
        if (rc == 0) break;
        if (attempt + 1 >= s->cfg.max_attempts || !remote_says(err, "underpriced")) goto fail;
        ozk_fees refused = f;
        OZK_TRY(
            raise_fees(s, &f, &refused, NULL, s->cfg.bump_pct > 10 ? s->cfg.bump_pct : 10, err));
    }
    t->tx = tx;
    memcpy(t->hash, hash, 32);
    pthread_mutex_unlock(&s->lock);
    return 0;
fail:
    if (remote_says(err, "nonce too low")) s->nonce_known = 0;
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* ---- receipts ---- */

int ozk_revert_decode(char *out, size_t cap, const uint8_t *data, size_t n)
{
    static const uint8_t error_sel[4] = { 0x08, 0xc3, 0x79, 0xa0 };
    static const uint8_t panic_sel[4] = { 0x4e, 0x48, 0x7b, 0x71 };
    if (cap) out[0] = '\0';
    if (!data || n < 4 || cap == 0) return 0;
    int ok = 0;
    const char *tname = memcmp(data, error_sel, 4) == 0   ? "(string)"
                        : memcmp(data, panic_sel, 4) == 0 ? "(uint256)"
                                                          : NULL;
    if (!tname) return 0;
    ozk_abi_type *t = NULL;
    ozk_abi_value v = { 0 };
    if (ozk_abi_type_parse(&t, tname) != 0) return 0;
    if (ozk_abi_decode(&v, t, data + 4, n - 4) == 0 && v.n == 1) {
        const ozk_abi_value *m = &v.items[0];
        if (tname[1] == 's') {
            size_t k = m->len < cap - 1 ? m->len : cap - 1;
            for (size_t i = 0; i < k; i++) {
                unsigned char c = m->bytes[i];
                out[i] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
            }
            out[k] = '\0';
        } else {
            char q[67];
            quantity256(q, m->word);
            snprintf(out, cap, "panic %s", q);
        }
        ok = 1;
    }
    ozk_abi_value_free(&v);
    ozk_abi_type_free(t);
    return ok;
}

/* The reason from an eth_call error: revert data when the message carries it as hex, else the
 * text after "execution reverted: " (geth, anvil). */
static int reason_from_message(char *out, size_t cap, const char *msg)
{
    const char *h = strstr(msg, "0x08c379a0");
    if (!h) h = strstr(msg, "0x4e487b71");
    if (h) {
        size_t k = 2;
        while (h[k] && strchr("0123456789abcdefABCDEF", h[k])) k++;
        char *hex = strndup(h, k);
        uint8_t buf[256];
        long n = hex ? ozk_rpc_hex_to_bytes(buf, sizeof buf, hex) : -1;
        free(hex);
        if (n > 0 && ozk_revert_decode(out, cap, buf, (size_t)n)) return 1;
    }
    const char *r = strstr(msg, "execution reverted: ");
    if (!r) return 0;
    r += strlen("execution reverted: ");
    if (strncmp(r, "revert: ", 8) == 0) r += 8;
    snprintf(out, cap, "%s", r);
    return out[0] != '\0';
}

/* Replays a reverted transaction with eth_call at its block to recover the reason: from the
 * error's revert data when the node sends it, else from its message. */
static void revert_reason(ozk_sender *s, ozk_tx_status *st, const uint8_t hash[32])
{
    char h[67] = "0x", blk[19];
    ozk_hex_encode(h + 2, hash, 32);
    json_t *tx = NULL, *res = NULL;
    ozk_rpc_error e;
    if (call_owned(s, &tx, "eth_getTransactionByHash", json_pack("[s]", h), OZK_RPC_OBJECT, &e) !=
        0)
        return;
    json_t *call = json_object();
    const char *keys[] = { "from", "to", "value", "input", "gas" };
    for (size_t i = 0; i < 5; i++) {
        json_t *v = json_object_get(tx, keys[i]);
        if (json_is_string(v)) json_object_set(call, keys[i], v);
    }
    quantity(blk, st->block_number);
    json_t *p = json_pack("[o, s]", call, blk);
    int rc = p ? ozk_rpc_call(s->rpc, &res, "eth_call", p, OZK_RPC_STRING, &e) : OZK_ENOMEM;
    json_decref(p);
    json_decref(tx);
    if (rc == 0) {
        /* the replay did not revert: a returned payload may still be revert data */
        uint8_t buf[256];
        long n = ozk_rpc_hex_to_bytes(buf, sizeof buf, json_string_value(res));
        if (n > 0)
            st->has_reason = ozk_revert_decode(st->reason, sizeof st->reason, buf, (size_t)n);
        json_decref(res);
    } else if (e.kind == OZK_RPC_ERR_REMOTE) {
        /* the error's ABI payload first (its "data"), then the message text */
        if (e.has_data)
            st->has_reason = ozk_revert_decode(st->reason, sizeof st->reason, e.data, e.data_len);
        if (!st->has_reason)
            st->has_reason = reason_from_message(st->reason, sizeof st->reason, e.message);
    }
}

int ozk_sender_poll(ozk_sender *s, ozk_tx_status *st, const uint8_t hash[32],
                    unsigned confirmations, ozk_rpc_error *err)
{
    char h[67] = "0x", blk[19];
    ozk_hex_encode(h + 2, hash, 32);
    json_t *res = NULL;
    int rc = 0;
    pthread_mutex_lock(&s->lock);
    if (!st->found) {
        OZK_TRY(call_owned(s, &res, "eth_getTransactionReceipt", json_pack("[s]", h),
                           OZK_RPC_OBJECT_OR_NULL, err));
        if (json_is_null(res)) {
            st->state = OZK_TXS_PENDING;
            goto done;
        }
        uint64_t status;
        if (get_u64(res, "blockNumber", &st->block_number) || get_u64(res, "status", &status) ||
            get_u64(res, "gasUsed", &st->gas_used) || get_hash(res, "blockHash", st->block_hash) ||
            status > 1) {
            rc = bad_reply(err, "eth_getTransactionReceipt");
            goto fail;
        }
        st->status = (int)status;
        st->found = 1;
        json_decref(res);
        res = NULL;
    }
    uint64_t head;
    OZK_TRY(call_u64(s, "eth_blockNumber", json_array(), &head, err));
    quantity(blk, st->block_number);
    OZK_TRY(call_owned(s, &res, "eth_getBlockByNumber", json_pack("[s, b]", blk, 0),
                       OZK_RPC_OBJECT_OR_NULL, err));
    uint8_t bh[32];
    if (json_is_null(res) || get_hash(res, "hash", bh) || memcmp(bh, st->block_hash, 32) != 0) {
        st->state = OZK_TXS_REORGED;
        s->nonce_known = 0;
        goto done;
    }
    st->confirmations = head >= st->block_number ? head - st->block_number + 1 : 0;
    if (st->confirmations < confirmations) {
        st->state = OZK_TXS_PENDING;
        goto done;
    }
    st->state = st->status ? OZK_TXS_CONFIRMED : OZK_TXS_REVERTED;
    if (!st->status && !st->has_reason) revert_reason(s, st, hash);
done:
    rc = 0;
fail:
    json_decref(res);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int ozk_sender_wait(ozk_sender *s, ozk_tx_status *st, const uint8_t hash[32],
                    unsigned confirmations, long timeout_ms, ozk_rpc_error *err)
{
    long end = now_ms() + timeout_ms;
    for (;;) {
        int rc = ozk_sender_poll(s, st, hash, confirmations, err);
        if (rc || st->state != OZK_TXS_PENDING || now_ms() >= end) return rc;
        long ms = s->cfg.poll_ms;
        struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
        nanosleep(&ts, NULL);
    }
}
