/*
 * node/settler_internal.h: what the settler's files share (node/settler.c: lifecycle, threads
 * and chain views; node/flight.c: transactions; node/batcher.c; node/chainwatch.c;
 * node/responder.c). Not a public interface: see node/settler.h.
 *
 * Ownership: everything marked "chain thread" is touched only by the chain thread (after
 * start); everything under mu is shared with the prover thread and with callers of
 * ozk_settler_status_get / ozk_settler_kick.
 */
#ifndef OZK_NODE_SETTLER_INTERNAL_H
#define OZK_NODE_SETTLER_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include "ozk/abi.h"
#include "ozk/rpc.h"
#include "ozk/sender.h"
#include "ozk/watcher.h"
#include "settler.h"

/* commitBatch's gas does not depend on the batch (two new slots, a counter, an event): a fixed
 * limit keeps every commit transaction rebuildable from the store */
#define OZK__COMMIT_GAS 250000
/* a transaction not mined after this many polls is replaced (or, when it cannot be, rebroadcast) */
#define OZK__STUCK_POLLS 8
/* a respond this close to its deadline (chain seconds) is replaced at every poll */
#define OZK__URGENT_S 120
/* the transactions followed at once per key */
#define OZK__TRACK_MAX 64

/* in-memory notes on a stored transaction (chain thread) */
typedef struct {
    uint8_t hash[32];
    unsigned polls; /* polls without a receipt since the last (re)broadcast */
    int used;
} ozk__track;

struct ozk_settler {
    ozk_settler_config cfg; /* committer_key / responder_key point at ckey / rkey */
    ozk_key ckey, rkey;
    uint8_t caddr[20], raddr[20];

    /* chain thread */
    ozk_rpc *rpc;
    ozk_sender *committer, *responder;
    ozk_watcher *watcher;
    ozk_watcher_cursor wcur;
    ozk_watcher_cursor wtmp; /* the cursor a poll moves, kept only once the store has it */
    uint64_t recon_next;     /* the next challenge id reconciliation examines (ids start at 1) */
    int started;             /* the startup reconciliation ran */
    int pin_set;             /* views read the state of block pin_hash, not "latest" */
    uint8_t pin_hash[32];
    int halted;           /* a commit the contract refuses: no more commits (alerted) */
    uint64_t counted_seq; /* batches below this were counted in batches_committed */
    ozk__track track[OZK__TRACK_MAX];
    /* what the persist callback stores with the next transaction */
    int persist_purpose;
    uint64_t persist_ref;
    const uint8_t *persist_from;

    /* the prover thread's own */
    ozk_pk *pk;

    pthread_t chain_th, prover_th;
    int chain_started, prover_started;

    pthread_mutex_t mu;
    pthread_cond_t cv_chain, cv_prover;
    int stopping, kicked, prover_kicked;
    uint64_t head_ts;      /* chain time for the prover's skip test (mu) */
    ozk_settler_status st; /* mu */
};

/* logging (settler.c): one line, level OZK_LOG_*; ERROR and CRIT lines also go to last_error,
 * CRIT ones to alert() */
void ozk__settler_log(ozk_settler *s, int level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* adds delta to the counter at offset field of the status (under mu) */
#define OZK__STAT_ADD(s, field, delta)  \
    do {                                \
        pthread_mutex_lock(&(s)->mu);   \
        (s)->st.field += (delta);       \
        pthread_mutex_unlock(&(s)->mu); \
    } while (0)

/* chain views (settler.c), at the latest block or, while pin_set, at block pin_hash; 0 or a
 * negative OZK_E* (logged by the caller) */
int ozk__settler_view(ozk_settler *s, uint8_t **out, size_t *len, const char *sig,
                      const ozk_abi_value *args, size_t n, ozk_rpc_error *e);
/* the model's nextSeq and openChallenges */
int ozk__settler_model_state(ozk_settler *s, uint64_t *next_seq, uint64_t *open, ozk_rpc_error *e);
/* challengeInfo(id): modelId, key, challenger, deadline, kind (0 none, 1 record, 2 receipt),
 * status (0 none, 1 open, 2 answered, 3 timed out) */
typedef struct {
    uint8_t model_id[32], key[32], challenger[20];
    uint64_t deadline;
    int kind, status;
} ozk__chinfo;
enum { OZK__CS_NONE = 0, OZK__CS_OPEN, OZK__CS_ANSWERED, OZK__CS_TIMED_OUT };
enum { OZK__CK_NONE = 0, OZK__CK_RECORD, OZK__CK_RECEIPT };
int ozk__settler_challenge_info(ozk_settler *s, ozk__chinfo *out, uint64_t id, ozk_rpc_error *e);
/* encodes and stores the chain cursor blob (watcher cursor + recon_next) with chs[0..n) */
int ozk__settler_save_cursor(ozk_settler *s, const ozk_store_challenge *chs, size_t n,
                             size_t *added);
/* the latest block: number and timestamp */
int ozk__settler_head(ozk_settler *s, uint64_t *number, uint64_t *ts, ozk_rpc_error *e);

/* transactions (flight.c) */
/* the persist callback of both senders: stores the signed transaction (PENDING) before it is
 * broadcast, with s->persist_purpose / persist_ref */
int ozk__flight_persist(void *ctx, const uint8_t *raw, size_t raw_len, const uint8_t hash[32]);
/* sends req from sender (committer or responder) with purpose/ref; *hash the transaction */
int ozk__flight_send(ozk_settler *s, ozk_sender *sender, int purpose, uint64_t ref,
                     const ozk_send_request *req, uint8_t hash[32]);
/* one tracking pass over the open transactions of both keys */
void ozk__flight_step(ozk_settler *s);
extern const char *const ozk__tx_purpose_name[3];

/* batcher.c */
void ozk__batcher_startup(ozk_settler *s);
void ozk__batcher_step(ozk_settler *s);

/* chainwatch.c */
int ozk__chainwatch_init(ozk_settler *s, char *err, size_t errlen);
void ozk__chainwatch_step(ozk_settler *s);
void ozk__reconcile_step(ozk_settler *s);

/* responder.c */
void *ozk__prover_main(void *arg);
void ozk__respond_step(ozk_settler *s, uint64_t head_ts);
void ozk__timeout_step(ozk_settler *s, uint64_t head_ts);
/* the calldata of the respond for c (respond or respondReceipt); malloc'd */
int ozk__respond_calldata(ozk_settler *s, uint8_t **data, size_t *len,
                          const ozk_store_challenge *c);

#endif
