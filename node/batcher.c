/*
 * node/batcher.c: closing batches and committing them (design.md section 6, "Batcher").
 *
 * A batch is closed when batch_max_records records are pending or the oldest pending record is
 * batch_max_age_ms old: up to batch_max_records records, oldest first, their Merkle root
 * (ozk/merkle.h), stored with ozk_store_put_batch (BUILT) before any transaction exists. Then
 * commitBatch(modelId, seq, root, count) goes out from the committer key (the transaction is
 * stored before broadcast, node/flight.c) and the batch is SENT. node/flight.c follows it to
 * INCLUDED and FINAL. One commit at a time is ahead of inclusion: a batch is sent only when
 * every lower one is included, so seqs reach the chain in order (the contract's rule).
 *
 * Before each commit the contract's nextSeq is read: a chain ahead of the store, or a batch on
 * chain under a seq the store has with another root, means the store is stale (restored from
 * an old backup): a critical alert, and this settler commits nothing more.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ozk/error.h"
#include "ozk/hex.h"
#include "ozk/merkle.h"
#include "settler_internal.h"

static void set_stale(ozk_settler *s, const char *why)
{
    if (!s->st.stale)
        ozk__settler_log(s, OZK_LOG_CRIT,
                         "batcher: the store is stale (%s): it was restored from an old backup or "
                         "another node commits with this key; no commit will be sent; restore the "
                         "newest backup of the store",
                         why);
    pthread_mutex_lock(&s->mu);
    s->st.stale = 1;
    pthread_mutex_unlock(&s->mu);
}

static void b32_value(ozk_abi_value *v, const uint8_t b[32])
{
    memset(v, 0, sizeof *v);
    v->kind = OZK_ABI_FIXED_BYTES;
    memcpy(v->word, b, 32);
}

/* the root the chain holds for seq (batch(modelId, seq).root) */
static int chain_root(ozk_settler *s, uint8_t root[32], uint64_t seq)
{
    ozk_abi_value a[2];
    b32_value(&a[0], s->cfg.model_id);
    memset(&a[1], 0, sizeof a[1]);
    ozk_abi_value_u64(&a[1], seq);
    uint8_t *out = NULL;
    size_t len = 0;
    ozk_rpc_error e;
    int rc = ozk__settler_view(s, &out, &len, "batch(bytes32,uint256)", a, 2, &e);
    if (rc == 0 && len >= 32) memcpy(root, out, 32);
    if (rc == 0 && len < 32) rc = OZK_EINVAL;
    free(out);
    return rc;
}

/* the contract's nextSeq against the store; 0 when commits may go on */
static int check_chain(ozk_settler *s, uint64_t *chain_next)
{
    ozk_rpc_error e;
    char err[256];
    ozk_store_info info;
    if (ozk__settler_model_state(s, chain_next, NULL, &e)) {
        ozk__settler_log(s, OZK_LOG_ERROR, "batcher: cannot read the model's nextSeq: %s",
                         e.message);
        return OZK_EIO;
    }
    pthread_mutex_lock(&s->mu);
    s->st.chain_next_seq = *chain_next;
    pthread_mutex_unlock(&s->mu);
    if (ozk_store_info_get(s->cfg.store, &info, err, sizeof err)) {
        ozk__settler_log(s, OZK_LOG_ERROR, "store: %s", err);
        return OZK_EIO;
    }
    if (*chain_next > info.next_seq) {
        char why[128];
        snprintf(why, sizeof why, "the contract's nextSeq is %llu, the store's %llu",
                 (unsigned long long)*chain_next, (unsigned long long)info.next_seq);
        set_stale(s, why);
        return OZK_EINVAL;
    }
    return 0;
}

void ozk__batcher_startup(ozk_settler *s)
{
    uint64_t chain_next;
    if (check_chain(s, &chain_next) == OZK_EIO) return; /* again next tick */
    s->started = 1;
    pthread_mutex_lock(&s->mu);
    s->counted_seq = chain_next; /* batches below were committed before this run */
    pthread_mutex_unlock(&s->mu);
    /* the store's open batches below nextSeq must be the chain's */
    uint64_t seqs[256];
    size_t n = 0;
    char err[256];
    if (ozk_store_list_open_batches(s->cfg.store, seqs, 256, &n, err, sizeof err)) return;
    for (size_t i = 0; i < n && seqs[i] < chain_next; i++) {
        ozk_store_batch b;
        uint8_t root[32];
        if (ozk_store_get_batch(s->cfg.store, &b, seqs[i], err, sizeof err)) continue;
        if (chain_root(s, root, b.seq) == 0 && memcmp(root, b.root, 32)) {
            char why[96];
            snprintf(why, sizeof why, "batch %llu has another root on chain",
                     (unsigned long long)b.seq);
            set_stale(s, why);
        }
        ozk_store_batch_clear(&b);
    }
    ozk__settler_log(s, OZK_LOG_INFO,
                     "batcher: contract nextSeq %llu, %zu open batches in the store",
                     (unsigned long long)chain_next, n);
}

static void bytes_value(ozk_abi_value *v, uint64_t x)
{
    memset(v, 0, sizeof *v);
    ozk_abi_value_u64(v, x);
}

/* a commit transaction for seq stored before a crash left the batch BUILT */
static int stored_commit(ozk_settler *s, uint64_t seq, uint8_t hash[32])
{
    ozk_store_tx *list = NULL;
    size_t n = 0;
    char err[256];
    int found = 0;
    if (ozk_store_list_open_txs(s->cfg.store, &list, &n, s->caddr, err, sizeof err)) return 0;
    for (size_t i = 0; i < n; i++)
        if (list[i].purpose == OZK_STX_COMMIT && list[i].purpose_ref == seq) {
            memcpy(hash, list[i].hash, 32);
            found = 1;
        }
    ozk_store_tx_list_free(list, n);
    return found;
}

static void send_commit(ozk_settler *s, const ozk_store_batch *b)
{
    char err[256], hx[67];
    uint8_t hash[32];
    if (stored_commit(s, b->seq, hash)) {
        /* stored, maybe broadcast, then the crash: follow that one (node/flight.c rebroadcasts) */
        if (ozk_store_set_batch_state(s->cfg.store, b->seq, OZK_BATCH_SENT, hash, 0, NULL, err,
                                      sizeof err))
            ozk__settler_log(s, OZK_LOG_ERROR, "store: %s", err);
        else
            ozk__settler_log(s, OZK_LOG_INFO, "batcher: batch %llu: following its stored commit",
                             (unsigned long long)b->seq);
        return;
    }
    uint64_t chain_next;
    if (check_chain(s, &chain_next)) return;
    if (chain_next < b->seq) return; /* a lower batch is not on chain yet */
    if (chain_next > b->seq) {
        uint8_t root[32];
        if (chain_root(s, root, b->seq) == 0 && memcmp(root, b->root, 32)) {
            set_stale(s, "a batch of this store has another root on chain");
            return;
        }
        ozk__settler_log(s, OZK_LOG_ERROR,
                         "batcher: batch %llu is on chain but its commit is not in the store",
                         (unsigned long long)b->seq);
        return;
    }
    ozk_abi_value a[4];
    b32_value(&a[0], s->cfg.model_id);
    bytes_value(&a[1], b->seq);
    b32_value(&a[2], b->root);
    bytes_value(&a[3], b->count);
    ozk_abi_value args;
    memset(&args, 0, sizeof args);
    args.kind = OZK_ABI_TUPLE;
    args.items = a;
    args.n = 4;
    uint8_t *data;
    size_t len;
    if (ozk_abi_calldata(&data, &len, "commitBatch(bytes32,uint256,bytes32,uint256)", &args))
        return;
    ozk_send_request req;
    memset(&req, 0, sizeof req);
    req.has_to = 1;
    memcpy(req.to, s->cfg.settlement, 20);
    req.data = data;
    req.data_len = len;
    req.gas_limit = OZK__COMMIT_GAS;
    int rc = ozk__flight_send(s, s->committer, OZK_STX_COMMIT, b->seq, &req, hash);
    free(data);
    if (rc) return;
    if (ozk_store_set_batch_state(s->cfg.store, b->seq, OZK_BATCH_SENT, hash, 0, NULL, err,
                                  sizeof err)) {
        ozk__settler_log(s, OZK_LOG_ERROR, "store: %s", err);
        return;
    }
    hx[0] = '0';
    hx[1] = 'x';
    ozk_hex_encode(hx + 2, hash, 32);
    ozk__settler_log(s, OZK_LOG_INFO, "batcher: batch %llu (%u records) commit sent: %s",
                     (unsigned long long)b->seq, b->count, hx);
}

/* closes a batch when one is due; 1 when one was stored */
static int build_if_due(ozk_settler *s)
{
    char err[256];
    ozk_store_info info;
    if (ozk_store_info_get(s->cfg.store, &info, err, sizeof err) || info.pending == 0) return 0;
    size_t cap = s->cfg.batch_max_records, n = 0;
    ozk_store_pending_entry *pe = malloc(cap * sizeof *pe);
    uint8_t(*ids)[32] = malloc(cap * 32), (*leaves)[32] = malloc(cap * 32);
    int built = 0;
    if (!pe || !ids || !leaves) goto out;
    if (ozk_store_pending(s->cfg.store, pe, cap, &n, err, sizeof err)) {
        ozk__settler_log(s, OZK_LOG_ERROR, "store: %s", err);
        goto out;
    }
    uint64_t now = (uint64_t)time(NULL);
    int due = n >= cap || (n > 0 && (now > pe[0].created ? now - pe[0].created : 0) * 1000 >=
                                        s->cfg.batch_max_age_ms);
    if (!due) goto out;
    for (size_t i = 0; i < n; i++) {
        memcpy(ids[i], pe[i].request_id, 32);
        memcpy(leaves[i], pe[i].leaf, 32);
    }
    uint8_t root[32];
    if (ozk_merkle_root(root, (const uint8_t(*)[32])leaves, n)) goto out;
    if (ozk_store_put_batch(s->cfg.store, info.next_seq, (const uint8_t(*)[32])ids, n, root, now,
                            err, sizeof err)) {
        ozk__settler_log(s, OZK_LOG_ERROR, "batcher: batch %llu not stored: %s",
                         (unsigned long long)info.next_seq, err);
        goto out;
    }
    ozk__settler_log(s, OZK_LOG_INFO, "batcher: batch %llu built (%zu records)",
                     (unsigned long long)info.next_seq, n);
    built = 1;
out:
    free(pe);
    free(ids);
    free(leaves);
    return built;
}

void ozk__batcher_step(ozk_settler *s)
{
    if (!s->started || s->halted || s->st.stale) return;
    for (int round = 0; round < 2; round++) {
        uint64_t seqs[256];
        size_t n = 0;
        char err[256];
        if (ozk_store_list_open_batches(s->cfg.store, seqs, 256, &n, err, sizeof err)) {
            ozk__settler_log(s, OZK_LOG_ERROR, "store: %s", err);
            return;
        }
        for (size_t i = 0; i < n; i++) {
            ozk_store_batch b;
            if (ozk_store_get_batch(s->cfg.store, &b, seqs[i], err, sizeof err)) {
                ozk__settler_log(s, OZK_LOG_ERROR, "store: %s", err);
                return;
            }
            int state = b.state;
            if (state == OZK_BATCH_BUILT) send_commit(s, &b);
            ozk_store_batch_clear(&b);
            if (state == OZK_BATCH_BUILT || state == OZK_BATCH_SENT) return; /* one in flight */
        }
        /* every open batch is included: close the next one when due, and send it at once */
        if (!build_if_due(s)) return;
    }
}
