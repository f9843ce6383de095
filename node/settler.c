/*
 * node/settler.c: the settler's lifecycle, its two threads, logging and the contract views the
 * other parts read (node/settler.h is the manual).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "ozk/error.h"
#include "ozk/hex.h"
#include "settler_internal.h"

/* ---- logging --------------------------------------------------------------------------------- */

void ozk__settler_log(ozk_settler *s, int level, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (level >= OZK_LOG_ERROR) {
        pthread_mutex_lock(&s->mu);
        size_t n = strlen(line);
        if (n >= sizeof s->st.last_error) n = sizeof s->st.last_error - 1;
        memcpy(s->st.last_error, line, n);
        s->st.last_error[n] = 0;
        pthread_mutex_unlock(&s->mu);
    }
    if (s->cfg.log) s->cfg.log(s->cfg.log_ud, level, line);
    if (level >= OZK_LOG_CRIT && s->cfg.alert) s->cfg.alert(s->cfg.alert_ud, line);
}

/* ---- contract views -------------------------------------------------------------------------- */

int ozk__settler_view(ozk_settler *s, uint8_t **out, size_t *len, const char *sig,
                      const ozk_abi_value *args, size_t n, ozk_rpc_error *e)
{
    uint8_t *data;
    size_t dlen;
    int rc;
    if (n == 0) {
        if (!(data = malloc(4))) return OZK_ENOMEM;
        ozk_abi_selector(data, sig);
        dlen = 4;
    } else {
        ozk_abi_value tuple;
        memset(&tuple, 0, sizeof tuple);
        tuple.kind = OZK_ABI_TUPLE;
        tuple.items = (ozk_abi_value *)(uintptr_t)args;
        tuple.n = n;
        if ((rc = ozk_abi_calldata(&data, &dlen, sig, &tuple))) return rc;
    }
    if (!s->pin_set) {
        rc = ozk_rpc_eth_call(s->rpc, out, len, s->cfg.settlement, data, dlen, e);
        free(data);
        return rc;
    }
    /* at the pinned block (EIP-1898: {"blockHash": ...}) */
    char to[43] = "0x", bh[67] = "0x", *hex = malloc(2 * dlen + 3);
    if (!hex) {
        free(data);
        return OZK_ENOMEM;
    }
    hex[0] = '0';
    hex[1] = 'x';
    ozk_hex_encode(hex + 2, data, dlen);
    free(data);
    ozk_hex_encode(to + 2, s->cfg.settlement, 20);
    ozk_hex_encode(bh + 2, s->pin_hash, 32);
    json_t *res = NULL,
           *params = json_pack("[{s:s,s:s},{s:s}]", "to", to, "data", hex, "blockHash", bh);
    free(hex);
    if (!params) return OZK_ENOMEM;
    rc = ozk_rpc_call(s->rpc, &res, "eth_call", params, OZK_RPC_STRING, e);
    json_decref(params);
    if (rc) return rc;
    const char *r = json_string_value(res);
    size_t cap = strlen(r) / 2;
    *out = NULL;
    *len = 0;
    if (cap > 1) {
        if (!(*out = malloc(cap))) {
            json_decref(res);
            return OZK_ENOMEM;
        }
        long got = ozk_rpc_hex_to_bytes(*out, cap, r);
        if (got < 0) {
            free(*out);
            *out = NULL;
            rc = OZK_EINVAL;
        } else {
            *len = (size_t)got;
        }
    }
    json_decref(res);
    return rc;
}

static uint64_t word_u64(const uint8_t *w)
{
    uint64_t x = 0;
    for (int i = 24; i < 32; i++) x = x << 8 | w[i];
    return x;
}

static int word_fits(const uint8_t *w)
{
    for (int i = 0; i < 24; i++)
        if (w[i]) return 0;
    return 1;
}

static void b32_value(ozk_abi_value *v, const uint8_t b[32])
{
    memset(v, 0, sizeof *v);
    v->kind = OZK_ABI_FIXED_BYTES;
    memcpy(v->word, b, 32);
}

/* model(bytes32) returns the 23 words of struct Model: nextSeq is word 19, openChallenges 22 */
#define MODEL_WORDS     23
#define MODEL_W_NEXTSEQ 19
#define MODEL_W_OPEN    22

int ozk__settler_model_state(ozk_settler *s, uint64_t *next_seq, uint64_t *open, ozk_rpc_error *e)
{
    ozk_abi_value a;
    b32_value(&a, s->cfg.model_id);
    uint8_t *out = NULL;
    size_t len = 0;
    int rc = ozk__settler_view(s, &out, &len, "model(bytes32)", &a, 1, e);
    if (rc) return rc;
    if (len != MODEL_WORDS * 32 || !word_fits(out + 32 * MODEL_W_NEXTSEQ) ||
        !word_fits(out + 32 * MODEL_W_OPEN)) {
        free(out);
        if (e) snprintf(e->message, sizeof e->message, "model(): %zu bytes, not a Model", len);
        return OZK_EINVAL;
    }
    *next_seq = word_u64(out + 32 * MODEL_W_NEXTSEQ);
    if (open) *open = word_u64(out + 32 * MODEL_W_OPEN);
    free(out);
    return 0;
}

int ozk__settler_challenge_info(ozk_settler *s, ozk__chinfo *ci, uint64_t id, ozk_rpc_error *e)
{
    ozk_abi_value a;
    memset(&a, 0, sizeof a);
    ozk_abi_value_u64(&a, id);
    uint8_t *out = NULL;
    size_t len = 0;
    int rc = ozk__settler_view(s, &out, &len, "challengeInfo(uint256)", &a, 1, e);
    if (rc) return rc;
    if (len != 7 * 32 || !word_fits(out + 3 * 32) || !word_fits(out + 4 * 32) ||
        !word_fits(out + 5 * 32)) {
        free(out);
        if (e) snprintf(e->message, sizeof e->message, "challengeInfo(): malformed reply");
        return OZK_EINVAL;
    }
    memset(ci, 0, sizeof *ci);
    memcpy(ci->model_id, out, 32);
    memcpy(ci->key, out + 32, 32);
    memcpy(ci->challenger, out + 64 + 12, 20);
    ci->deadline = word_u64(out + 96);
    ci->kind = (int)word_u64(out + 128);
    ci->status = (int)word_u64(out + 160);
    free(out);
    return 0;
}

int ozk__settler_head(ozk_settler *s, uint64_t *number, uint64_t *ts, ozk_rpc_error *e)
{
    json_t *res = NULL, *params = json_pack("[s,b]", "latest", 0);
    if (!params) return OZK_ENOMEM;
    int rc = ozk_rpc_call(s->rpc, &res, "eth_getBlockByNumber", params, OZK_RPC_OBJECT, e);
    json_decref(params);
    if (rc) return rc;
    const char *n = json_string_value(json_object_get(res, "number"));
    const char *t = json_string_value(json_object_get(res, "timestamp"));
    if (!n || !t || ozk_rpc_hex_to_u64(number, n) || ozk_rpc_hex_to_u64(ts, t)) {
        if (e) snprintf(e->message, sizeof e->message, "eth_getBlockByNumber: malformed block");
        rc = OZK_EINVAL;
    }
    json_decref(res);
    return rc;
}

/* ---- the chain cursor blob --------------------------------------------------------------------
 */

static const uint8_t CURSOR_MAGIC[4] = { 'O', 'Z', 'K', 'S' };
#define CURSOR_HEAD (4 + 1 + 8)

_Static_assert(CURSOR_HEAD + OZK_WATCHER_CURSOR_MAX <= OZK_STORE_CURSOR_MAX,
               "the store's cursor holds the settler's");

int ozk__settler_save_cursor(ozk_settler *s, const ozk_store_challenge *chs, size_t n,
                             size_t *added)
{
    static __thread ozk_store_cursor c; /* 16 KiB: off the stack */
    memcpy(c.data, CURSOR_MAGIC, 4);
    c.data[4] = 1;
    for (int i = 0; i < 8; i++) c.data[5 + i] = (uint8_t)(s->recon_next >> (56 - 8 * i));
    long wl =
        ozk_watcher_cursor_encode(c.data + CURSOR_HEAD, sizeof c.data - CURSOR_HEAD, &s->wcur);
    if (wl < 0) return (int)wl;
    c.len = CURSOR_HEAD + (size_t)wl;
    char err[256];
    int rc = ozk_store_add_challenges(s->cfg.store, chs, n, &c, added, err, sizeof err);
    if (rc) ozk__settler_log(s, OZK_LOG_ERROR, "store: %s", err);
    return rc;
}

/* reads the blob back; ENOENT (or a blob of another format) starts afresh */
static int load_cursor(ozk_settler *s, char *err, size_t errlen)
{
    static __thread ozk_store_cursor c;
    int rc = ozk_store_get_cursor(s->cfg.store, &c, err, errlen);
    if (rc == OZK_ENOENT) {
        ozk_watcher_cursor_init(&s->wcur, s->cfg.start_block);
        s->recon_next = 1;
        return 0;
    }
    if (rc) return rc;
    if (c.len < CURSOR_HEAD || memcmp(c.data, CURSOR_MAGIC, 4) || c.data[4] != 1 ||
        ozk_watcher_cursor_decode(&s->wcur, c.data + CURSOR_HEAD, c.len - CURSOR_HEAD)) {
        snprintf(err, errlen,
                 "store: the chain cursor is not a settler cursor; restore the store or remove it");
        return OZK_ECORRUPT;
    }
    s->recon_next = 0;
    for (int i = 0; i < 8; i++) s->recon_next = s->recon_next << 8 | c.data[5 + i];
    if (s->recon_next == 0) s->recon_next = 1;
    return 0;
}

/* ---- the chain thread ------------------------------------------------------------------------ */

static void balances(ozk_settler *s)
{
    uint8_t cb[32], rb[32];
    ozk_rpc_error e;
    if (ozk_rpc_get_balance(s->rpc, cb, s->caddr, &e) ||
        ozk_rpc_get_balance(s->rpc, rb, s->raddr, &e))
        return;
    pthread_mutex_lock(&s->mu);
    memcpy(s->st.committer_balance, cb, 32);
    memcpy(s->st.responder_balance, rb, 32);
    pthread_mutex_unlock(&s->mu);
}

static void tick(ozk_settler *s)
{
    uint64_t head = 0, ts = 0;
    ozk_rpc_error e;
    if (ozk__settler_head(s, &head, &ts, &e)) {
        ozk__settler_log(s, OZK_LOG_ERROR, "chain: cannot read the latest block: %s", e.message);
        return;
    }
    pthread_mutex_lock(&s->mu);
    s->head_ts = ts;
    s->st.chain_head = head;
    s->st.chain_time = ts;
    pthread_mutex_unlock(&s->mu);
    if (!s->started) ozk__batcher_startup(s);
    ozk__flight_step(s);
    ozk__batcher_step(s);
    ozk__chainwatch_step(s);
    ozk__reconcile_step(s);
    ozk__timeout_step(s, ts);
    ozk__respond_step(s, ts);
    pthread_mutex_lock(&s->mu);
    uint64_t n = ++s->st.ticks;
    s->st.watched_block = s->wcur.next ? s->wcur.next - 1 : 0;
    s->st.lag = head > s->st.watched_block ? head - s->st.watched_block : 0;
    pthread_mutex_unlock(&s->mu);
    if (n % 16 == 1) balances(s);
}

static void deadline_in(struct timespec *ts, uint32_t ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

static void *chain_main(void *arg)
{
    ozk_settler *s = arg;
    for (;;) {
        pthread_mutex_lock(&s->mu);
        int stop = s->stopping;
        s->kicked = 0;
        pthread_mutex_unlock(&s->mu);
        if (stop) break;
        tick(s);
        struct timespec until;
        deadline_in(&until, s->cfg.poll_ms);
        pthread_mutex_lock(&s->mu);
        while (!s->stopping && !s->kicked)
            if (pthread_cond_timedwait(&s->cv_chain, &s->mu, &until) == ETIMEDOUT) break;
        pthread_mutex_unlock(&s->mu);
    }
    return NULL;
}

/* ---- start, kick, status, stop ------------------------------------------------------------- */

void ozk_settler_kick(ozk_settler *s)
{
    if (!s) return;
    pthread_mutex_lock(&s->mu);
    s->kicked = 1;
    pthread_cond_signal(&s->cv_chain);
    pthread_mutex_unlock(&s->mu);
}

void ozk_settler_status_get(ozk_settler *s, ozk_settler_status *st)
{
    pthread_mutex_lock(&s->mu);
    *st = s->st;
    st->halted = s->halted;
    pthread_mutex_unlock(&s->mu);
}

static void destroy(ozk_settler *s)
{
    ozk_watcher_close(s->watcher);
    ozk_sender_close(s->committer);
    ozk_sender_close(s->responder);
    ozk_rpc_close(s->rpc);
    ozk_pk_free(s->pk);
    ozk_key_wipe(&s->ckey);
    ozk_key_wipe(&s->rkey);
    pthread_cond_destroy(&s->cv_chain);
    pthread_cond_destroy(&s->cv_prover);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

void ozk_settler_stop(ozk_settler *s)
{
    if (!s) return;
    pthread_mutex_lock(&s->mu);
    s->stopping = 1;
    pthread_cond_broadcast(&s->cv_chain);
    pthread_cond_broadcast(&s->cv_prover);
    pthread_mutex_unlock(&s->mu);
    if (s->chain_started) pthread_join(s->chain_th, NULL);
    if (s->prover_started) pthread_join(s->prover_th, NULL);
    ozk__settler_log(s, OZK_LOG_INFO, "settler: stopped");
    destroy(s);
}

#define FAIL(code, ...)                     \
    do {                                    \
        snprintf(err, errlen, __VA_ARGS__); \
        rc = (code);                        \
        goto fail;                          \
    } while (0)

/* challenges a crash left PROVING go back to OPEN: the prover starts them again */
static int reset_proving(ozk_settler *s, char *err, size_t errlen)
{
    ozk_store_challenge *list = NULL;
    size_t n = 0;
    int rc = ozk_store_list_challenges(s->cfg.store, &list, &n, OZK_CH_MASK(OZK_CH_PROVING), err,
                                       errlen);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = ozk_store_update_challenge(s->cfg.store, list[i].id, OZK_CH_OPEN, NULL, NULL, 0, err,
                                        errlen);
    ozk_store_challenge_list_free(list, n);
    return rc;
}

int ozk_settler_start(ozk_settler **out, const ozk_settler_config *cfg, char *err, size_t errlen)
{
    *out = NULL;
    int rc = 0;
    if (!cfg || !cfg->store || !cfg->rpc_url || !cfg->committer_key || !cfg->responder_key ||
        !cfg->model || !cfg->vk || !cfg->srs) {
        snprintf(err, errlen, "settler: store, rpc_url, both keys, model, vk and srs are required");
        return OZK_EINVAL;
    }
    if (!cfg->respond_gas) {
        snprintf(err, errlen,
                 "settler: respond_gas is required (the deployment's measured respond gas with a "
                 "margin)");
        return OZK_EINVAL;
    }
    if (!ozk_vk_matches_model(cfg->vk, cfg->model)) {
        snprintf(err, errlen, "settler: the vk was not built from this model");
        return OZK_EINVAL;
    }
    ozk_settler *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "settler: out of memory");
        return OZK_ENOMEM;
    }
    pthread_mutex_init(&s->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->cv_chain, &ca);
    pthread_cond_init(&s->cv_prover, &ca);
    pthread_condattr_destroy(&ca);
    s->cfg = *cfg;
    s->ckey = *cfg->committer_key;
    s->rkey = *cfg->responder_key;
    s->cfg.committer_key = &s->ckey;
    s->cfg.responder_key = &s->rkey;
    if (!s->cfg.batch_max_records) s->cfg.batch_max_records = 1000;
    if (!s->cfg.batch_max_age_ms) s->cfg.batch_max_age_ms = 10000;
    if (!s->cfg.poll_ms) s->cfg.poll_ms = 1000;
    if (!s->cfg.confirmations) s->cfg.confirmations = 1;
    if (!s->cfg.max_fee_ceiling_wei) s->cfg.max_fee_ceiling_wei = 500000000000ULL;
    if (s->cfg.batch_max_records > OZK_STORE_MAX_BATCH) s->cfg.batch_max_records = 1u << 24;
    if (ozk_key_address(s->caddr, &s->ckey) || ozk_key_address(s->raddr, &s->rkey))
        FAIL(OZK_EINVAL, "settler: a key is not a valid secp256k1 key");
    if (!memcmp(s->caddr, s->raddr, 20))
        FAIL(OZK_EINVAL, "settler: the committer and responder keys must differ (a stuck commit "
                         "must never block a respond)");
    memcpy(s->st.committer, s->caddr, 20);
    memcpy(s->st.responder, s->raddr, 20);

    ozk_rpc_config rcfg;
    ozk_rpc_config_default(&rcfg);
    rcfg.url = s->cfg.rpc_url;
    ozk_rpc_error e;
    if ((rc = ozk_rpc_open(&s->rpc, &rcfg, &e))) FAIL(rc, "settler: rpc: %s", e.message);
    uint64_t chain_id;
    if ((rc = ozk_rpc_chain_id(s->rpc, &chain_id, &e)))
        FAIL(rc, "settler: eth_chainId at %s: %s", s->cfg.rpc_url, e.message);
    if (chain_id != s->cfg.chain_id)
        FAIL(OZK_EINVAL, "settler: %s is chain %llu, the deployment is on chain %llu",
             s->cfg.rpc_url, (unsigned long long)chain_id, (unsigned long long)s->cfg.chain_id);
    ozk_sender_config scfg;
    ozk_sender_config_default(&scfg);
    scfg.max_fee_ceiling = s->cfg.max_fee_ceiling_wei;
    if ((rc = ozk_sender_open(&s->committer, s->rpc, &s->ckey, &scfg, &e)) ||
        (rc = ozk_sender_open(&s->responder, s->rpc, &s->rkey, &scfg, &e)))
        FAIL(rc, "settler: sender: %s", e.message);
    ozk_sender_set_persist(s->committer, ozk__flight_persist, s);
    ozk_sender_set_persist(s->responder, ozk__flight_persist, s);

    ozk_store_info info;
    if ((rc = ozk_store_info_get(s->cfg.store, &info, err, errlen))) goto fail;
    if (info.identity.chain_id != s->cfg.chain_id ||
        memcmp(info.identity.settlement, s->cfg.settlement, 20) ||
        memcmp(info.identity.model_id, s->cfg.model_id, 32))
        FAIL(OZK_EINVAL, "settler: the store belongs to another chain, settlement or model");
    s->counted_seq = UINT64_MAX; /* set by the startup reconciliation */
    if ((rc = load_cursor(s, err, errlen))) goto fail;
    if ((rc = reset_proving(s, err, errlen))) goto fail;
    if ((rc = ozk__chainwatch_init(s, err, errlen))) goto fail;
    {
        char perr[256];
        if ((rc = ozk_pk_build(&s->pk, s->cfg.model, s->cfg.vk, s->cfg.srs, s->cfg.prover_threads,
                               perr, sizeof perr)))
            FAIL(rc, "settler: proving key: %s", perr);
    }
    if (pthread_create(&s->prover_th, NULL, ozk__prover_main, s))
        FAIL(OZK_ENOMEM, "settler: cannot start the prover thread");
    s->prover_started = 1;
    if (pthread_create(&s->chain_th, NULL, chain_main, s))
        FAIL(OZK_ENOMEM, "settler: cannot start the chain thread");
    s->chain_started = 1;
    {
        char ca_[43], ra_[43];
        ozk_address_to_text(ca_, s->caddr);
        ozk_address_to_text(ra_, s->raddr);
        ozk__settler_log(s, OZK_LOG_INFO,
                         "settler: started (committer %s, responder %s, watcher from block %llu, "
                         "reconciliation from challenge %llu)",
                         ca_, ra_, (unsigned long long)s->wcur.next,
                         (unsigned long long)s->recon_next);
    }
    *out = s;
    return 0;
fail:
    if (s->chain_started || s->prover_started) {
        ozk_settler_stop(s);
        return rc;
    }
    destroy(s);
    return rc;
}
