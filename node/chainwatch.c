/*
 * node/chainwatch.c: finding challenges (design.md section 6, "Watcher").
 *
 * Two ways, every tick:
 *   logs            ozk_watcher_poll over the settlement for Challenged and ReceiptChallenged,
 *                   head - (confirmations - 1) deep; the events of this model (topic 1) become
 *                   OPEN challenges, stored TOGETHER with the new cursor in one store
 *                   transaction (ozk__settler_save_cursor). A rollback discards nothing: a
 *                   challenge already stored keeps its state, and reconciliation rescans.
 *   reconciliation  challengeCount() and challengeInfo(id) for every id above the last one
 *                   examined (the mark travels in the same cursor blob): an Open challenge of
 *                   this model the store lacks is added. When the contract counts more open
 *                   challenges for the model (openChallenges) than the store holds unresolved,
 *                   or after a rollback, the scan starts again from id 1. So one missed log
 *                   cannot cost the stake.
 * challengeInfo gives a record challenge's dispute key, keccak256(abi.encode(modelId, seq,
 * index)), not the seq and index: they are found by hashing the store's batches; a receipt
 * challenge's request id comes from its ReceiptChallenged log, fetched by its id. A challenge
 * whose record cannot be found is stored all the same: the responder then marks it UNPROVABLE
 * and alerts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ozk/error.h"
#include "ozk/hex.h"
#include "ozk/keccak.h"
#include "settler_internal.h"

#define SIG_CHALLENGED "Challenged(bytes32,uint256,uint256,uint256,bytes32,address,uint256)"
#define SIG_RECEIPT    "ReceiptChallenged(bytes32,uint256,bytes32,address,uint256)"
#define RECON_PER_TICK 256

static uint64_t word_u64(const uint8_t *w, int *ok)
{
    uint64_t x = 0;
    for (int i = 0; i < 24; i++)
        if (w[i]) *ok = 0;
    for (int i = 24; i < 32; i++) x = x << 8 | w[i];
    return x;
}

int ozk__chainwatch_init(ozk_settler *s, char *err, size_t errlen)
{
    static uint8_t topics[64];
    ozk_abi_event_topic(topics, SIG_CHALLENGED);
    ozk_abi_event_topic(topics + 32, SIG_RECEIPT);
    ozk_watcher_config wc;
    ozk_watcher_config_default(&wc);
    wc.addresses = s->cfg.settlement;
    wc.n_addresses = 1;
    wc.topic0 = topics;
    wc.n_topic0 = 2;
    wc.follow = OZK_WATCH_FOLLOW_LATEST;
    wc.confirmations = s->cfg.confirmations - 1; /* the block itself is the first confirmation */
    ozk_rpc_error e;
    int rc = ozk_watcher_open(&s->watcher, s->rpc, &wc, &e);
    if (rc) snprintf(err, errlen, "settler: watcher: %s", e.message);
    return rc;
}

/* ---- logs ------------------------------------------------------------------------------------ */

typedef struct {
    ozk_settler *s;
    ozk_store_challenge *chs;
    size_t n, cap;
    int rolled_back;
} collect;

static int push(collect *c, const ozk_store_challenge *ch)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->chs[i].id == ch->id) return 0;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        ozk_store_challenge *p = realloc(c->chs, cap * sizeof *p);
        if (!p) return OZK_ENOMEM;
        c->chs = p;
        c->cap = cap;
    }
    c->chs[c->n++] = *ch;
    return 0;
}

static int on_event(void *ctx, const ozk_watch_event *ev)
{
    collect *c = ctx;
    ozk_settler *s = c->s;
    if (ev->kind == OZK_WATCH_ROLLBACK) {
        ozk__settler_log(s, OZK_LOG_WARN,
                         "watcher: blocks %llu..%llu rolled back%s: challenges already stored are "
                         "kept; reconciliation rescans",
                         (unsigned long long)ev->from, (unsigned long long)ev->to,
                         ev->deep ? " (deeper than the kept hashes)" : "");
        c->rolled_back = 1;
        return 0;
    }
    if (ev->n_topics != 3 || memcmp(ev->topics[1], s->cfg.model_id, 32)) return 0;
    uint8_t t_ch[32], t_rc[32];
    ozk_abi_event_topic(t_ch, SIG_CHALLENGED);
    ozk_abi_event_topic(t_rc, SIG_RECEIPT);
    ozk_store_challenge ch;
    memset(&ch, 0, sizeof ch);
    int ok = 1;
    ch.id = word_u64(ev->topics[2], &ok);
    memcpy(ch.model_id, s->cfg.model_id, 32);
    ch.status = OZK_CH_OPEN;
    const uint8_t *d = ev->data;
    if (!memcmp(ev->topics[0], t_ch, 32) && ev->data_len == 5 * 32) {
        ch.kind = OZK_CHALLENGE_RECORD;
        ch.batch_seq = word_u64(d, &ok);
        ch.leaf_index = word_u64(d + 32, &ok);
        memcpy(ch.request_id, d + 64, 32);
        memcpy(ch.challenger, d + 96 + 12, 20);
        ch.deadline = word_u64(d + 128, &ok);
    } else if (!memcmp(ev->topics[0], t_rc, 32) && ev->data_len == 3 * 32) {
        ch.kind = OZK_CHALLENGE_RECEIPT;
        memcpy(ch.request_id, d, 32);
        memcpy(ch.challenger, d + 32 + 12, 20);
        ch.deadline = word_u64(d + 64, &ok);
    } else {
        ok = 0;
    }
    if (!ok) {
        ozk__settler_log(s, OZK_LOG_WARN, "watcher: a malformed challenge log in block %llu",
                         (unsigned long long)ev->block);
        return 0;
    }
    return push(c, &ch);
}

/* logs each challenge the store does not have yet, then stores them with the cursor */
static int store_new(ozk_settler *s, const ozk_store_challenge *chs, size_t n, const char *how)
{
    char err[256];
    for (size_t i = 0; i < n; i++) {
        ozk_store_challenge old;
        if (ozk_store_get_challenge(s->cfg.store, &old, chs[i].id, err, sizeof err) == 0) {
            ozk_store_challenge_clear(&old);
            continue;
        }
        if (chs[i].kind == OZK_CHALLENGE_RECORD)
            ozk__settler_log(s, OZK_LOG_INFO,
                             "watcher: challenge %llu on record %llu/%llu (deadline %llu) found "
                             "by %s",
                             (unsigned long long)chs[i].id, (unsigned long long)chs[i].batch_seq,
                             (unsigned long long)chs[i].leaf_index,
                             (unsigned long long)chs[i].deadline, how);
        else
            ozk__settler_log(
                s, OZK_LOG_INFO, "watcher: receipt challenge %llu (deadline %llu) found by %s",
                (unsigned long long)chs[i].id, (unsigned long long)chs[i].deadline, how);
    }
    size_t added = 0;
    int rc = ozk__settler_save_cursor(s, chs, n, &added);
    if (rc == 0 && added) {
        OZK__STAT_ADD(s, challenges_seen, added);
        pthread_mutex_lock(&s->mu);
        s->prover_kicked = 1;
        pthread_cond_signal(&s->cv_prover);
        pthread_mutex_unlock(&s->mu);
    }
    return rc;
}

void ozk__chainwatch_step(ozk_settler *s)
{
    collect c = { s, NULL, 0, 0, 0 };
    ozk_rpc_error e;
    s->wtmp = s->wcur;
    int rc = ozk_watcher_poll(s->watcher, &s->wtmp, on_event, &c, &e);
    if (rc) {
        ozk__settler_log(s, OZK_LOG_WARN, "watcher: poll: %s", e.message);
        free(c.chs);
        return;
    }
    if (c.n == 0 && !c.rolled_back && s->wtmp.next == s->wcur.next &&
        s->wtmp.count == s->wcur.count) {
        free(c.chs);
        return; /* nothing moved */
    }
    ozk_watcher_cursor *old = malloc(sizeof *old);
    if (!old) {
        free(c.chs);
        return;
    }
    *old = s->wcur;
    uint64_t old_recon = s->recon_next;
    s->wcur = s->wtmp;
    if (c.rolled_back) s->recon_next = 1;
    if (store_new(s, c.chs, c.n, "its log")) { /* neither moves: the next poll sees them again */
        s->wcur = *old;
        s->recon_next = old_recon;
    }
    free(old);
    free(c.chs);
}

/* ---- reconciliation ------------------------------------------------------------------------- */

/* seq and index of the record whose dispute key is key, from the store's batches (newest first) */
static int find_record_key(ozk_settler *s, const uint8_t key[32], ozk_store_challenge *ch)
{
    char err[256];
    ozk_store_info info;
    if (ozk_store_info_get(s->cfg.store, &info, err, sizeof err) || !info.has_batches) return 0;
    uint8_t buf[96];
    memcpy(buf, s->cfg.model_id, 32);
    for (uint64_t seq = info.last_seq + 1; seq-- > 0;) {
        ozk_store_batch b;
        if (ozk_store_get_batch(s->cfg.store, &b, seq, err, sizeof err)) continue;
        memset(buf + 32, 0, 64);
        for (int i = 0; i < 8; i++) buf[63 - i] = (uint8_t)(seq >> (8 * i));
        for (uint32_t idx = 0; idx < b.count; idx++) {
            for (int i = 0; i < 4; i++) buf[95 - i] = (uint8_t)(idx >> (8 * i));
            uint8_t h[32];
            ozk_keccak256(h, buf, 96);
            if (memcmp(h, key, 32)) continue;
            ch->batch_seq = seq;
            ch->leaf_index = idx;
            if (b.ids) memcpy(ch->request_id, b.ids[idx], 32);
            ozk_store_batch_clear(&b);
            return 1;
        }
        ozk_store_batch_clear(&b);
    }
    return 0;
}

/* a receipt challenge's request id from its ReceiptChallenged log, fetched by id */
static int find_receipt_log(ozk_settler *s, uint64_t id, ozk_store_challenge *ch)
{
    char addr[43] = "0x", t0[67] = "0x", t1[67] = "0x", t2[67] = "0x", from[24];
    uint8_t topic[32], idw[32] = { 0 };
    ozk_hex_encode(addr + 2, s->cfg.settlement, 20);
    ozk_abi_event_topic(topic, SIG_RECEIPT);
    ozk_hex_encode(t0 + 2, topic, 32);
    ozk_hex_encode(t1 + 2, s->cfg.model_id, 32);
    for (int i = 0; i < 8; i++) idw[31 - i] = (uint8_t)(id >> (8 * i));
    ozk_hex_encode(t2 + 2, idw, 32);
    snprintf(from, sizeof from, "0x%llx", (unsigned long long)s->cfg.start_block);
    json_t *res = NULL,
           *params = json_pack("[{s:s,s:s,s:s,s:[s,s,s]}]", "address", addr, "fromBlock", from,
                               "toBlock", "latest", "topics", t0, t1, t2);
    if (!params) return 0;
    ozk_rpc_error e;
    int found = 0;
    if (ozk_rpc_call(s->rpc, &res, "eth_getLogs", params, OZK_RPC_ARRAY, &e) == 0 &&
        json_array_size(res) >= 1) {
        const char *data = json_string_value(json_object_get(json_array_get(res, 0), "data"));
        uint8_t d[96];
        if (data && ozk_rpc_hex_to_bytes(d, sizeof d, data) == 96) {
            memcpy(ch->request_id, d, 32);
            found = 1;
        }
    }
    json_decref(res);
    json_decref(params);
    return found;
}

static void reconcile(ozk_settler *s);

void ozk__reconcile_step(ozk_settler *s)
{
    /* at the block the watcher processed last, so that the two agree on what is deep enough */
    if (s->wcur.count == 0) return; /* the watcher has not processed a block yet */
    memcpy(s->pin_hash, s->wcur.hashes[s->wcur.count - 1], 32);
    s->pin_set = 1;
    reconcile(s);
    s->pin_set = 0;
}

static void reconcile(ozk_settler *s)
{
    ozk_rpc_error e;
    uint64_t next_seq, chain_open, count;
    char err[256];
    if (ozk__settler_model_state(s, &next_seq, &chain_open, &e)) {
        ozk__settler_log(s, OZK_LOG_WARN, "reconcile: model(): %s", e.message);
        return;
    }
    uint8_t *out = NULL;
    size_t len = 0;
    if (ozk__settler_view(s, &out, &len, "challengeCount()", NULL, 0, &e) || len != 32) {
        free(out);
        ozk__settler_log(s, OZK_LOG_WARN, "reconcile: challengeCount(): %s", e.message);
        return;
    }
    int ok = 1;
    count = word_u64(out, &ok);
    free(out);
    if (!ok) return;
    collect c = { s, NULL, 0, 0, 0 };
    uint64_t id, old_recon = s->recon_next;
    for (id = s->recon_next; id <= count && id < old_recon + RECON_PER_TICK; id++) {
        ozk__chinfo ci;
        if (ozk__settler_challenge_info(s, &ci, id, &e)) break;
        if (memcmp(ci.model_id, s->cfg.model_id, 32) || ci.status != OZK__CS_OPEN) continue;
        ozk_store_challenge ch;
        if (ozk_store_get_challenge(s->cfg.store, &ch, id, err, sizeof err) == 0) {
            ozk_store_challenge_clear(&ch);
            continue;
        }
        memset(&ch, 0, sizeof ch);
        ch.id = id;
        memcpy(ch.model_id, s->cfg.model_id, 32);
        memcpy(ch.challenger, ci.challenger, 20);
        ch.deadline = ci.deadline;
        ch.status = OZK_CH_OPEN;
        int found;
        if (ci.kind == OZK__CK_RECEIPT) {
            ch.kind = OZK_CHALLENGE_RECEIPT;
            found = find_receipt_log(s, id, &ch);
        } else {
            ch.kind = OZK_CHALLENGE_RECORD;
            found = find_record_key(s, ci.key, &ch);
            if (!found) ch.batch_seq = ch.leaf_index = UINT64_MAX;
        }
        if (!found)
            ozk__settler_log(s, OZK_LOG_ERROR,
                             "reconcile: challenge %llu names a record this store does not hold",
                             (unsigned long long)id);
        if (push(&c, &ch)) break;
    }
    s->recon_next = id;
    if (c.n || id != old_recon) {
        if (store_new(s, c.chs, c.n, "reconciliation")) {
            s->recon_next = old_recon;
            free(c.chs);
            return;
        }
        if (c.n) OZK__STAT_ADD(s, challenges_reconciled, c.n);
    }
    free(c.chs);
    /* the scan is complete and the contract still counts more open challenges on the model than
     * the store holds unresolved: one was missed below the mark; scan everything again */
    ozk_store_info info;
    if (s->recon_next > count && ozk_store_info_get(s->cfg.store, &info, err, sizeof err) == 0 &&
        chain_open > info.open_challenges) {
        ozk__settler_log(s, OZK_LOG_WARN,
                         "reconcile: the contract has %llu open challenges on the model, the store "
                         "%llu: rescanning every challenge",
                         (unsigned long long)chain_open, (unsigned long long)info.open_challenges);
        s->recon_next = 1;
    }
}
