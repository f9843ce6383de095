/*
 * node/flight.c: the settler's transactions, from the store (design.md section 6, "Store"
 * point 3 and 4, "Batcher": replacement, "Responder": escalation and reorgs).
 *
 * Every transaction either key signs is stored (PENDING) by the senders' persist callback before
 * it is broadcast. Tracking is stateless: each tick polls every open stored transaction of both
 * keys afresh (receipt, then the block at its height), so a restart resumes exactly where the
 * store stands:
 *   receipt, not yet `confirmations` deep   MINED (and the batch INCLUDED)
 *   receipt at the depth                   FINAL (batch FINAL, challenge ANSWERED); every other
 *                                          stored transaction with its nonce becomes REPLACED
 *   no receipt, the store says MINED       a reorg took it: PENDING (batch SENT), rebroadcast
 *   no receipt for OZK__STUCK_POLLS polls  replaced with both fees raised (ozk_sender_replace),
 *                                          a respond near its deadline at every other poll
 * A stored transaction is rebroadcast on its first poll after start: it may have been stored
 * but never broadcast before a crash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "ozk/error.h"
#include "ozk/hex.h"
#include "ozk/rlp.h"
#include "settler_internal.h"

const char *const ozk__tx_purpose_name[3] = { "commit", "respond", "other" };

/* ---- decoding a signed transaction ---------------------------------------------------------- */

static void u64_be32(uint8_t out[32], uint64_t x)
{
    memset(out, 0, 32);
    for (int i = 0; i < 8; i++) out[31 - i] = (uint8_t)(x >> (8 * i));
}

static int item_u64(ozk_rlp_iter *it, uint64_t *v)
{
    ozk_rlp_item item;
    if (ozk_rlp_iter_next(it, &item) != 1) return OZK_EINVAL;
    return ozk_rlp_item_u64(v, &item);
}

/* The fields of a signed EIP-1559 or EIP-155 transaction; tx->data points into raw. Enough to
 * store its fees and to replace it (ozk_sender_replace re-signs it). */
static int tx_decode(ozk_tx *tx, const uint8_t *raw, size_t len, uint64_t chain_id)
{
    memset(tx, 0, sizeof *tx);
    ozk_rlp_item list, item;
    ozk_rlp_iter it;
    int type2 = len > 0 && raw[0] == 0x02;
    if (ozk_rlp_decode(&list, raw + type2, len - (size_t)type2) || !list.is_list ||
        ozk_rlp_iter_init(&it, &list))
        return OZK_EINVAL;
    tx->type = type2 ? OZK_TX_EIP1559 : OZK_TX_LEGACY;
    tx->chain_id = chain_id;
    if (type2) {
        uint64_t cid;
        if (item_u64(&it, &cid) || cid != chain_id || item_u64(&it, &tx->nonce) ||
            item_u64(&it, &tx->max_priority_fee) || item_u64(&it, &tx->max_fee))
            return OZK_EINVAL;
    } else if (item_u64(&it, &tx->nonce) || item_u64(&it, &tx->gas_price)) {
        return OZK_EINVAL;
    }
    if (item_u64(&it, &tx->gas_limit)) return OZK_EINVAL;
    if (ozk_rlp_iter_next(&it, &item) != 1 || item.is_list || (item.len != 0 && item.len != 20))
        return OZK_EINVAL;
    tx->has_to = item.len == 20;
    if (tx->has_to) memcpy(tx->to, item.payload, 20);
    if (ozk_rlp_iter_next(&it, &item) != 1 || ozk_rlp_item_uint_be(tx->value, 32, &item))
        return OZK_EINVAL;
    if (ozk_rlp_iter_next(&it, &item) != 1 || item.is_list) return OZK_EINVAL;
    tx->data = item.payload;
    tx->data_len = item.len;
    return 0;
}

/* ---- persisting and sending ----------------------------------------------------------------- */

int ozk__flight_persist(void *ctx, const uint8_t *raw, size_t raw_len, const uint8_t hash[32])
{
    ozk_settler *s = ctx;
    ozk_tx tx;
    if (tx_decode(&tx, raw, raw_len, s->cfg.chain_id)) {
        ozk__settler_log(s, OZK_LOG_ERROR, "tx: the sender produced a transaction we cannot read");
        return OZK_EINVAL;
    }
    ozk_store_tx t;
    memset(&t, 0, sizeof t);
    memcpy(t.hash, hash, 32);
    t.raw = raw;
    t.raw_len = raw_len;
    memcpy(t.from, s->persist_from, 20);
    t.nonce = tx.nonce;
    if (tx.type == OZK_TX_EIP1559) {
        u64_be32(t.max_fee, tx.max_fee);
        u64_be32(t.max_priority_fee, tx.max_priority_fee);
    } else {
        u64_be32(t.max_fee, tx.gas_price);
    }
    t.purpose = s->persist_purpose;
    t.purpose_ref = s->persist_ref;
    t.state = OZK_STX_PENDING;
    t.created = (uint64_t)time(NULL);
    char err[256];
    int rc = ozk_store_put_tx(s->cfg.store, &t, err, sizeof err);
    if (rc == OZK_EEXIST) return 0; /* the same bytes again: stored already */
    if (rc) ozk__settler_log(s, OZK_LOG_ERROR, "tx: not stored, not sent: %s", err);
    return rc;
}

int ozk__flight_send(ozk_settler *s, ozk_sender *sender, int purpose, uint64_t ref,
                     const ozk_send_request *req, uint8_t hash[32])
{
    s->persist_purpose = purpose;
    s->persist_ref = ref;
    s->persist_from = sender == s->committer ? s->caddr : s->raddr;
    ozk_sent_tx sent;
    ozk_rpc_error e;
    int rc = ozk_sender_send(sender, &sent, req, &e);
    if (rc) {
        ozk__settler_log(s, OZK_LOG_ERROR, "tx: %s %llu not sent: %s",
                         ozk__tx_purpose_name[purpose], (unsigned long long)ref, e.message);
        return rc;
    }
    memcpy(hash, sent.hash, 32);
    ozk_sent_tx_clear(&sent);
    return 0;
}

static void rebroadcast(ozk_settler *s, const ozk_store_tx *t)
{
    char *hex = malloc(2 * t->raw_len + 3);
    if (!hex) return;
    hex[0] = '0';
    hex[1] = 'x';
    ozk_hex_encode(hex + 2, t->raw, t->raw_len);
    json_t *res = NULL, *params = json_pack("[s]", hex);
    free(hex);
    if (!params) return;
    ozk_rpc_error e;
    if (ozk_rpc_call(s->rpc, &res, "eth_sendRawTransaction", params, OZK_RPC_ANY, &e))
        ozk__settler_log(s, OZK_LOG_DEBUG, "tx: rebroadcast of %s %llu: %s",
                         ozk__tx_purpose_name[t->purpose], (unsigned long long)t->purpose_ref,
                         e.message);
    json_decref(res);
    json_decref(params);
}

/* ---- tracking -------------------------------------------------------------------------------- */

static ozk__track *track_of(ozk_settler *s, const uint8_t hash[32])
{
    ozk__track *free_slot = NULL;
    for (int i = 0; i < OZK__TRACK_MAX; i++) {
        if (s->track[i].used && !memcmp(s->track[i].hash, hash, 32)) return &s->track[i];
        if (!s->track[i].used && !free_slot) free_slot = &s->track[i];
    }
    if (!free_slot) { /* full: recycle the first slot (its transaction is only rebroadcast again) */
        free_slot = &s->track[0];
    }
    memset(free_slot, 0, sizeof *free_slot);
    memcpy(free_slot->hash, hash, 32);
    free_slot->used = 1;
    return free_slot;
}

static void untrack(ozk_settler *s, const uint8_t hash[32])
{
    for (int i = 0; i < OZK__TRACK_MAX; i++)
        if (s->track[i].used && !memcmp(s->track[i].hash, hash, 32)) s->track[i].used = 0;
}

static void hash_text(char out[19], const uint8_t h[32])
{
    out[0] = '0';
    out[1] = 'x';
    ozk_hex_encode(out + 2, h, 8);
}

static void set_tx(ozk_settler *s, const uint8_t hash[32], int state, uint64_t bn,
                   const uint8_t bh[32])
{
    char err[256];
    if (ozk_store_set_tx_state(s->cfg.store, hash, state, bn, bh, err, sizeof err))
        ozk__settler_log(s, OZK_LOG_ERROR, "store: %s", err);
}

static void batch_included(ozk_settler *s, const ozk_store_tx *t, const ozk_tx_status *st)
{
    char err[256];
    ozk_store_batch b;
    if (ozk_store_get_batch(s->cfg.store, &b, t->purpose_ref, err, sizeof err)) {
        ozk__settler_log(s, OZK_LOG_ERROR, "store: %s", err);
        return;
    }
    int rc = 0;
    /* Called on every poll that finds the commit mined, so that a crash between two of these
     * store writes cannot leave the batch behind its transaction. A crash between storing the
     * commit and marking the batch SENT leaves it BUILT (and once this transaction is final the
     * batcher no longer finds it among the open ones). */
    if (b.state == OZK_BATCH_BUILT) {
        rc = ozk_store_set_batch_state(s->cfg.store, b.seq, OZK_BATCH_SENT, t->hash, 0, NULL, err,
                                       sizeof err);
        if (rc == 0) b.state = OZK_BATCH_SENT;
    }
    if (b.state == OZK_BATCH_INCLUDED && b.block_number == st->block_number &&
        !memcmp(b.block_hash, st->block_hash, 32)) {
        ozk_store_batch_clear(&b); /* recorded already */
        return;
    }
    if (rc == 0 && b.state == OZK_BATCH_INCLUDED)
        rc = ozk_store_set_batch_state(s->cfg.store, b.seq, OZK_BATCH_SENT, NULL, 0, NULL, err,
                                       sizeof err);
    if (rc == 0 && (b.state == OZK_BATCH_SENT || b.state == OZK_BATCH_INCLUDED))
        rc = ozk_store_set_batch_state(s->cfg.store, b.seq, OZK_BATCH_INCLUDED, t->hash,
                                       st->block_number, st->block_hash, err, sizeof err);
    if (rc) {
        ozk__settler_log(s, OZK_LOG_ERROR, "store: %s", err);
    } else if (b.state == OZK_BATCH_SENT) {
        ozk__settler_log(s, OZK_LOG_INFO, "batcher: batch %llu (%u records) included in block %llu",
                         (unsigned long long)b.seq, b.count, (unsigned long long)st->block_number);
        pthread_mutex_lock(&s->mu);
        if (s->counted_seq == UINT64_MAX || b.seq >= s->counted_seq) {
            s->counted_seq = b.seq + 1;
            s->st.batches_committed++;
            s->st.records_committed += b.count;
        }
        pthread_mutex_unlock(&s->mu);
    }
    ozk_store_batch_clear(&b);
}

static void batch_unincluded(ozk_settler *s, uint64_t seq)
{
    char err[256];
    ozk_store_batch b;
    if (ozk_store_get_batch(s->cfg.store, &b, seq, err, sizeof err)) return;
    if (b.state == OZK_BATCH_INCLUDED) {
        if (ozk_store_set_batch_state(s->cfg.store, seq, OZK_BATCH_SENT, NULL, 0, NULL, err,
                                      sizeof err))
            ozk__settler_log(s, OZK_LOG_ERROR, "store: %s", err);
        else
            ozk__settler_log(s, OZK_LOG_WARN,
                             "batcher: a reorg took batch %llu's commit away: back to SENT, "
                             "rebroadcast",
                             (unsigned long long)seq);
    }
    ozk_store_batch_clear(&b);
}

static void tx_final(ozk_settler *s, const ozk_store_tx *t, const ozk_tx_status *st,
                     const ozk_store_tx *all, size_t n)
{
    set_tx(s, t->hash, OZK_STX_FINAL, 0, NULL);
    untrack(s, t->hash);
    for (size_t j = 0; j < n; j++) /* every other transaction with its nonce lost */
        if (all[j].nonce == t->nonce && memcmp(all[j].hash, t->hash, 32)) {
            set_tx(s, all[j].hash, OZK_STX_REPLACED, 0, NULL);
            untrack(s, all[j].hash);
        }
    char err[256];
    if (t->purpose == OZK_STX_COMMIT) {
        if (st->status != 1) {
            ozk__settler_log(s, OZK_LOG_CRIT,
                             "batcher: the commit of batch %llu reverted (%s): commits stop; "
                             "check the model's state (frozen, exiting, committer rotated)",
                             (unsigned long long)t->purpose_ref,
                             st->has_reason ? st->reason : "no reason");
            s->halted = 1;
            return;
        }
        ozk_store_batch b;
        if (ozk_store_get_batch(s->cfg.store, &b, t->purpose_ref, err, sizeof err)) return;
        if (b.state == OZK_BATCH_INCLUDED) {
            if (ozk_store_set_batch_state(s->cfg.store, b.seq, OZK_BATCH_FINAL, NULL, 0, NULL, err,
                                          sizeof err))
                ozk__settler_log(s, OZK_LOG_ERROR, "store: %s", err);
            else {
                ozk__settler_log(s, OZK_LOG_INFO, "batcher: batch %llu final (block %llu)",
                                 (unsigned long long)b.seq, (unsigned long long)b.block_number);
                OZK__STAT_ADD(s, batches_final, 1);
            }
        }
        ozk_store_batch_clear(&b);
        return;
    }
    if (t->purpose != OZK_STX_RESPOND) return;
    ozk__chinfo ci;
    ozk_rpc_error e;
    if (st->status == 1 && ozk__settler_challenge_info(s, &ci, t->purpose_ref, &e) == 0 &&
        ci.status == OZK__CS_ANSWERED) {
        if (ozk_store_update_challenge(s->cfg.store, t->purpose_ref, OZK_CH_ANSWERED, t->hash, NULL,
                                       0, err, sizeof err))
            ozk__settler_log(s, OZK_LOG_ERROR, "store: %s", err);
        else {
            ozk__settler_log(
                s, OZK_LOG_INFO, "responder: challenge %llu answered (respond final in block %llu)",
                (unsigned long long)t->purpose_ref, (unsigned long long)st->block_number);
            OZK__STAT_ADD(s, challenges_answered, 1);
        }
        return;
    }
    /* reverted (or not answered): back to PROVEN; the respond step asks the contract again */
    ozk__settler_log(s, OZK_LOG_WARN, "responder: the respond to challenge %llu reverted (%s)",
                     (unsigned long long)t->purpose_ref, st->has_reason ? st->reason : "no reason");
    ozk_store_challenge c;
    if (ozk_store_get_challenge(s->cfg.store, &c, t->purpose_ref, err, sizeof err) == 0) {
        if (c.status == OZK_CH_RESPONDED)
            ozk_store_update_challenge(s->cfg.store, c.id, OZK_CH_PROVEN, NULL, NULL, 0, err,
                                       sizeof err);
        ozk_store_challenge_clear(&c);
    }
}

/* replaces t (stuck) with both fees raised; 1 when a replacement went out */
static int replace(ozk_settler *s, ozk_sender *sender, const ozk_store_tx *t)
{
    ozk_sent_tx sent;
    memset(&sent, 0, sizeof sent);
    if (tx_decode(&sent.tx, t->raw, t->raw_len, s->cfg.chain_id)) return 0;
    if (sent.tx.data_len) {
        if (!(sent.data = malloc(sent.tx.data_len))) return 0;
        memcpy(sent.data, sent.tx.data, sent.tx.data_len);
    }
    sent.tx.data = sent.data;
    memcpy(sent.hash, t->hash, 32);
    s->persist_purpose = t->purpose;
    s->persist_ref = t->purpose_ref;
    s->persist_from = t->from;
    ozk_rpc_error e;
    int rc = ozk_sender_replace(sender, &sent, &e);
    if (rc) {
        ozk__settler_log(s, rc == OZK_ERANGE ? OZK_LOG_ERROR : OZK_LOG_WARN,
                         "tx: cannot replace %s %llu (nonce %llu): %s",
                         ozk__tx_purpose_name[t->purpose], (unsigned long long)t->purpose_ref,
                         (unsigned long long)t->nonce, e.message);
        ozk_sent_tx_clear(&sent);
        return 0;
    }
    char err[256], h0[19], h1[19];
    hash_text(h0, t->hash);
    hash_text(h1, sent.hash);
    ozk__settler_log(
        s, OZK_LOG_INFO, "tx: %s %llu stuck: %s replaced by %s (max fee %llu, priority %llu wei)",
        ozk__tx_purpose_name[t->purpose], (unsigned long long)t->purpose_ref, h0, h1,
        (unsigned long long)sent.tx.max_fee, (unsigned long long)sent.tx.max_priority_fee);
    OZK__STAT_ADD(s, replacements, 1);
    if (t->purpose == OZK_STX_COMMIT) {
        ozk_store_batch b;
        if (ozk_store_get_batch(s->cfg.store, &b, t->purpose_ref, err, sizeof err) == 0) {
            if (b.state == OZK_BATCH_SENT)
                ozk_store_set_batch_state(s->cfg.store, b.seq, OZK_BATCH_SENT, sent.hash, 0, NULL,
                                          err, sizeof err);
            ozk_store_batch_clear(&b);
        }
    } else if (t->purpose == OZK_STX_RESPOND) {
        ozk_store_update_challenge(s->cfg.store, t->purpose_ref, OZK_CH_RESPONDED, sent.hash, NULL,
                                   0, err, sizeof err);
    }
    ozk_sent_tx_clear(&sent);
    return 1;
}

/* a respond whose deadline is near (chain time) escalates at every other poll */
static int urgent(ozk_settler *s, const ozk_store_tx *t)
{
    if (t->purpose != OZK_STX_RESPOND) return 0;
    ozk_store_challenge c;
    char err[256];
    if (ozk_store_get_challenge(s->cfg.store, &c, t->purpose_ref, err, sizeof err)) return 0;
    pthread_mutex_lock(&s->mu);
    uint64_t now = s->head_ts;
    pthread_mutex_unlock(&s->mu);
    int u = c.deadline < now + OZK__URGENT_S;
    ozk_store_challenge_clear(&c);
    return u;
}

static void poll_one(ozk_settler *s, ozk_sender *sender, const ozk_store_tx *all, size_t n,
                     size_t i)
{
    const ozk_store_tx *t = &all[i];
    ozk_tx_status st;
    memset(&st, 0, sizeof st);
    ozk_rpc_error e;
    if (ozk_sender_poll(sender, &st, t->hash, s->cfg.confirmations, &e)) {
        ozk__settler_log(s, OZK_LOG_WARN, "tx: poll of %s %llu: %s",
                         ozk__tx_purpose_name[t->purpose], (unsigned long long)t->purpose_ref,
                         e.message);
        return;
    }
    ozk__track *tr = track_of(s, t->hash);
    if (st.found && st.state != OZK_TXS_REORGED) {
        tr->polls = 0;
        int moved = t->state == OZK_STX_MINED && (t->block_number != st.block_number ||
                                                  memcmp(t->block_hash, st.block_hash, 32));
        if (t->state == OZK_STX_PENDING || moved) {
            if (moved) {
                OZK__STAT_ADD(s, commit_reorgs, 1);
                ozk__settler_log(s, OZK_LOG_WARN, "tx: %s %llu moved to block %llu by a reorg",
                                 ozk__tx_purpose_name[t->purpose],
                                 (unsigned long long)t->purpose_ref,
                                 (unsigned long long)st.block_number);
            }
            set_tx(s, t->hash, OZK_STX_MINED, st.block_number, st.block_hash);
        }
        if (t->purpose == OZK_STX_COMMIT && st.status == 1) batch_included(s, t, &st);
        if (st.state == OZK_TXS_CONFIRMED || st.state == OZK_TXS_REVERTED)
            tx_final(s, t, &st, all, n);
        return;
    }
    if (t->state == OZK_STX_MINED) { /* its block is gone */
        OZK__STAT_ADD(s, commit_reorgs, 1);
        ozk__settler_log(s, OZK_LOG_WARN, "tx: a reorg took %s %llu out of block %llu: rebroadcast",
                         ozk__tx_purpose_name[t->purpose], (unsigned long long)t->purpose_ref,
                         (unsigned long long)t->block_number);
        set_tx(s, t->hash, OZK_STX_PENDING, 0, NULL);
        if (t->purpose == OZK_STX_COMMIT) batch_unincluded(s, t->purpose_ref);
        rebroadcast(s, t);
        tr->polls = 1;
        return;
    }
    if (t->state == OZK_STX_DROPPED) set_tx(s, t->hash, OZK_STX_PENDING, 0, NULL);
    tr->polls++;
    if (tr->polls == 1) { /* first sight since start: it may never have left this machine */
        rebroadcast(s, t);
        return;
    }
    int u = urgent(s, t);
    if (tr->polls < OZK__STUCK_POLLS && !(u && tr->polls % 2 == 0)) return;
    /* only the newest transaction of a nonce is replaced, and not while a sibling is mined */
    for (size_t j = 0; j < n; j++)
        if (j != i && all[j].nonce == t->nonce &&
            (all[j].state == OZK_STX_MINED || all[j].created > t->created ||
             (all[j].created == t->created && memcmp(all[j].max_fee, t->max_fee, 32) > 0)))
            return;
    if (!replace(s, sender, t)) rebroadcast(s, t);
    tr->polls = 1;
}

static void track_key(ozk_settler *s, ozk_sender *sender, const uint8_t addr[20])
{
    ozk_store_tx *list = NULL;
    size_t n = 0;
    char err[256];
    if (ozk_store_list_open_txs(s->cfg.store, &list, &n, addr, err, sizeof err)) {
        ozk__settler_log(s, OZK_LOG_ERROR, "store: %s", err);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        /* a sibling made final in this pass already closed this one */
        ozk_store_tx cur;
        if (ozk_store_get_tx(s->cfg.store, &cur, list[i].hash, err, sizeof err)) continue;
        int open = cur.state != OZK_STX_FINAL && cur.state != OZK_STX_REPLACED;
        ozk_store_tx_clear(&cur);
        if (open) poll_one(s, sender, list, n, i);
    }
    ozk_store_tx_list_free(list, n);
}

void ozk__flight_step(ozk_settler *s)
{
    track_key(s, s->committer, s->caddr);
    track_key(s, s->responder, s->raddr);
}
