/*
 * node/settler.h: the node's settling half (internal; design.md section 6, "Batcher",
 * "Watcher", "Responder", "Keys", "Store").
 *
 * The serving half (the API) puts accepted inferences into the store and calls
 * ozk_settler_kick. The settler does everything after that, from the store alone:
 *
 *   batcher    closes a batch every batch_max_records records or when the oldest pending record
 *              is batch_max_age_ms old, stores it (ozk_store_put_batch) BEFORE any transaction,
 *              then sends commitBatch(modelId, seq, root, count) from the committer key
 *              (node/batcher.c). One commit at a time is ahead of inclusion.
 *   txs        every transaction of both keys is stored (ozk_store_put_tx) before it is
 *              broadcast and followed from the store: inclusion (batch INCLUDED, block number and
 *              hash), finality after `confirmations` blocks (FINAL), a reorg (back to SENT and
 *              rebroadcast), a transaction stuck for a few polls (replaced, both fees +10% or
 *              more, up to max_fee_ceiling_wei) (node/flight.c).
 *   watcher    follows Challenged and ReceiptChallenged logs of this model (ozk/watcher.h) and
 *              stores each new challenge TOGETHER with the chain cursor in one store
 *              transaction; every tick it also reconciles with the contract (challengeCount,
 *              challengeInfo, openChallenges), so a log that was never seen still finds its
 *              challenge (node/chainwatch.c).
 *   responder  a prover thread proves OPEN challenges earliest deadline first and stores the
 *              proof (PROVEN) before anything is sent; the chain thread verifies that proof with
 *              the C verifier and eth_calls respond/respondReceipt, then sends it from the
 *              responder key with gas = respond_gas, and follows it to ANSWERED. A record the
 *              node cannot prove (unknown, or its stored y is not what the model computes) is
 *              UNPROVABLE and alert() is called at once (node/responder.c).
 *
 * THREADS. ozk_settler_start starts two threads: the chain thread (all JSON-RPC, blocking; one
 * tick every poll_ms, or at once after a kick: transactions, batcher, watcher, reconciliation,
 * timeouts, responds) and the prover thread (a dedicated pthread; ozk_prove with a proving key
 * built once at start, prover_threads MSM threads). They share nothing but the store and a
 * mutex-protected status. ozk_settler_kick and ozk_settler_status may be called from any
 * thread.
 *
 * RESTART. Everything is read back from the store: a BUILT batch is sent (or, when its commit
 * transaction was stored before a crash, that transaction is rebroadcast); a SENT one is polled,
 * rebroadcast or replaced; a challenge left PROVING is proven again; a PROVEN one is sent; a
 * RESPONDED one is followed. At start (and before every commit) the store's next_seq is
 * compared with the contract's model(id).nextSeq: when the chain is ahead the store is stale
 * (restored from an old backup): alert, and no commit is ever sent by this settler (challenges
 * it can answer are still answered).
 *
 * CHAIN CURSOR. The store's cursor blob (ozk_store_cursor) holds: "OZKS", version 1, the next
 * challenge id reconciliation examines (u64 big-endian), then the watcher's encoded cursor
 * (ozk_watcher_cursor_encode). Both move only together with the challenges they found.
 *
 * CHAIN TIME. Deadlines are compared with the latest block's timestamp, never the local clock.
 *
 * SECRETS. The keys are copied at start and wiped at stop; no log line or error carries one.
 *
 * ERRORS. Systems regime (ozk/error.h): ozk_settler_start returns 0 or a negative OZK_E* with
 * one line in err. After start, errors are logged (and the last one kept in the status); the
 * settler retries on the next tick.
 */
#ifndef OZK_NODE_SETTLER_H
#define OZK_NODE_SETTLER_H

#include <stddef.h>
#include <stdint.h>

#include "log.h" /* OZK_LOG_* levels */
#include "ozk/model.h"
#include "ozk/proof.h"
#include "ozk/srs.h"
#include "ozk/store.h"
#include "ozk/tx.h"

typedef struct ozk_settler ozk_settler;

typedef struct {
    ozk_store *store; /* borrowed; shared with the API thread (the store is thread-safe) */
    const char *rpc_url;
    /* copied (and wiped at stop); two different keys: a stuck commit never blocks a respond */
    const ozk_key *committer_key, *responder_key;
    uint64_t chain_id;          /* must equal eth_chainId (else start fails) */
    uint8_t settlement[20];     /* the Settlement contract */
    uint8_t model_id[32];       /* the model this node serves */
    uint64_t start_block;       /* the first block the watcher scans (the deployment's block) */
    const ozk_model *model;     /* borrowed; must outlive the settler */
    const ozk_vk *vk;           /* borrowed; built from model */
    const ozk_srs *srs;         /* borrowed; the SRS vk names */
    uint32_t batch_max_records; /* close a batch at this many pending records; 0: 1000 */
    uint32_t batch_max_age_ms;  /* or when the oldest pending record is this old; 0: 10000 */
    uint32_t poll_ms;           /* the chain thread's tick; 0: 1000 */
    unsigned confirmations;     /* blocks (the mined one included) before FINAL; 0: 1 */
    /* the gas limit of a respond transaction: the deployment's measured worst case with a
     * margin, never a bare estimate (design.md pitfall 11); required */
    uint64_t respond_gas;
    uint64_t max_fee_ceiling_wei; /* fee escalation cap (wei per gas); 0: 500 gwei */
    unsigned prover_threads;      /* MSM threads of ozk_prove; 0: one per core */
    /* One line per event (no newline), level OZK_LOG_DEBUG .. OZK_LOG_CRIT; never a secret. Called
     * from the settler's threads; may be NULL. */
    void (*log)(void *ud, int level, const char *line);
    void *log_ud;
    /* A critical event an operator must act on now: a record that cannot be proven, a stale
     * store, a commit the contract refuses. Called from the settler's threads, after the
     * OZK_LOG_CRIT line; may be NULL. */
    void (*alert)(void *ud, const char *what);
    void *alert_ud;
} ozk_settler_config;

/* Counters for /metrics and ozk_status: a consistent copy. */
typedef struct {
    uint64_t ticks;             /* chain-thread ticks completed */
    uint64_t batches_committed; /* batches seen included (each seq once) by this settler */
    uint64_t records_committed; /* their records */
    uint64_t batches_final;     /* batches this settler moved to FINAL */
    uint64_t commit_reorgs;     /* included transactions a reorg took away (commits, responds) */
    uint64_t replacements;      /* stuck transactions replaced with higher fees */
    uint64_t challenges_seen;   /* new challenges stored (logs and reconciliation) */
    uint64_t challenges_reconciled; /* of which found by reconciliation, not by a log */
    uint64_t challenges_answered;   /* ANSWERED */
    uint64_t challenges_unprovable; /* UNPROVABLE (each raised an alert) */
    uint64_t challenges_timed_out;  /* TIMED_OUT */
    uint64_t responds_sent;         /* respond transactions broadcast (replacements excluded) */
    uint64_t proofs;                /* proofs made */
    double last_proof_ms;           /* wall time of the last proof */
    uint64_t chain_head;            /* latest block number at the last tick */
    uint64_t chain_time;            /* its timestamp */
    uint64_t watched_block;         /* the last block the watcher processed */
    uint64_t lag;                   /* chain_head - watched_block */
    uint64_t chain_next_seq;        /* the contract's nextSeq for the model at the last check */
    int stale;                      /* 1: the store is behind the chain; commits are refused */
    int halted; /* 1: the contract refused a commit (e.g. the model is frozen); no more commits */
    uint8_t committer_balance[32]; /* wei, big-endian, at the last read */
    uint8_t responder_balance[32];
    uint8_t committer[20], responder[20]; /* the two addresses */
    char last_error[256];                 /* the last error line ("" when none) */
} ozk_settler_status;

/* Copies cfg (keys included), opens the JSON-RPC client and both senders, checks the chain id,
 * builds the proving key (ozk_pk_build; seconds for a big model), reads the store's cursor,
 * resets challenges left PROVING to OPEN, and starts the chain and prover threads. The first
 * tick runs the startup reconciliation (nextSeq against the store). On success *out is the
 * settler (stop it with ozk_settler_stop); on failure *out is NULL, nothing runs and err says
 * why: OZK_EINVAL (a missing or inconsistent argument, another chain id), OZK_EIO (the RPC
 * endpoint, the store), OZK_ENOMEM. */
int ozk_settler_start(ozk_settler **out, const ozk_settler_config *cfg, char *err, size_t errlen);

/* New records are pending: wake the chain thread now. Cheap; any thread; NULL is a no-op. */
void ozk_settler_kick(ozk_settler *s);

/* Fills *st with the current counters. Any thread. */
void ozk_settler_status_get(ozk_settler *s, ozk_settler_status *st);

/* Graceful stop: each thread finishes its current step (a proof in progress is finished and
 * stored), both are joined, the RPC client and senders closed, the keys wiped, s freed. The
 * store is the caller's and stays open. NULL is a no-op. */
void ozk_settler_stop(ozk_settler *s);

#endif
