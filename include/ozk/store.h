/*
 * ozk/store.h: the node's crash-safe store (design.md section 6, "Store").
 *
 * One LMDB environment in a directory holds everything the node must not forget: the accepted
 * inferences (records), the queue of records not yet in a batch, the batches and their chain
 * state, every signed transaction before it is broadcast, the challenges with the chain cursor,
 * and a meta record naming the identity the store belongs to. The value encoding is described
 * in docs/node-store.md.
 *
 * DURABILITY. Every function that writes runs one LMDB write transaction and commits it with
 * fsync (never MDB_NOSYNC, MDB_NOMETASYNC or MDB_WRITEMAP): when it returns 0 the change is on
 * disk and survives a crash or kill -9 of the process; when it returns an error nothing of it
 * is (a function either makes its whole change or none of it). Callers order their side effects
 * after the write: a receipt goes to a client only after ozk_store_put_record returned 0, a
 * transaction is broadcast only after ozk_store_put_tx returned 0.
 *
 * FILES. The directory (created with mode 0700, parents too, when missing) holds data.mdb (the
 * database), lock.mdb (LMDB's reader table) and ozk.lock (held with a POSIX write lock while a
 * store is open, so that a second node process on the same directory is refused). Back up by
 * copying data.mdb while no node runs, or with `mdb_copy` while one does.
 *
 * MAP SIZE. LMDB maps the database at a fixed size. The store opens with cfg->map_size and,
 * when a write finds the map full (MDB_MAP_FULL), aborts that transaction, doubles the map (up
 * to cfg->max_map_size) and runs the write again; only when the map cannot grow any more does
 * the write fail with OZK_EFULL, changing nothing. A full disk (ENOSPC) also gives OZK_EFULL.
 * Data written before is never affected.
 *
 * THREADS. An ozk_store may be used from any thread, by several threads at once (the libuv loop
 * thread and the prover threads): the environment is opened with MDB_NOTLS and every call runs
 * and ends its own transaction, so no transaction outlives a call. Writes are serialised by a
 * mutex (LMDB allows one write transaction at a time anyway); reads run concurrently with each
 * other and with a write. Growing the map waits until no call is inside a transaction. Every
 * result is copied out of the map: nothing returned points into LMDB memory. After fork(), a
 * child must not use a store its parent opened; it opens its own.
 *
 * ERRORS. Systems regime (ozk/error.h): 0 or a negative OZK_E* code. Every function takes a
 * trailing `char *err, size_t errlen` (err may be NULL): on failure it receives one line, NUL
 * terminated, saying what was wrong and what to do. The codes used here:
 *     OZK_EINVAL    a bad argument, or a state change the store does not allow
 *     OZK_ENOENT    the record, batch, transaction, challenge or cursor does not exist
 *     OZK_EEXIST    a record or transaction with that key exists already, or a record is
 *                   already in a batch
 *     OZK_ERANGE    a batch seq that is not the store's next seq
 *     OZK_EFULL     the map reached max_map_size, or the disk is full
 *     OZK_ECORRUPT  a stored value does not decode (wrong length, tag or field): the store is
 *                   damaged; restore data.mdb from a backup
 *     OZK_ENOTSUP   the store was written by a newer ozk (format version above ours)
 *     OZK_EIO       LMDB or the file system failed otherwise (the message carries its text)
 *     OZK_ENOMEM    an allocation failed
 * Nothing here logs or prints.
 *
 * BACKUP-RESTORE DETECTION. The store only knows what it has. Seqs start at 0 and the store
 * accepts only the batch seq ozk_store_info's next_seq (the contract's rule, seq == nextSeq).
 * At start, and before every commit, the node compares next_seq with the contract's
 * nextSeq(modelId) read at a final block:
 *   - contract nextSeq > store next_seq: the chain has batches this store never built. The
 *     store is stale (restored from an old backup, or another node commits with this key) and
 *     the records of those batches are lost to this node: do NOT commit, raise a critical
 *     alert; an operator has to restore the newest backup.
 *   - contract nextSeq <= store next_seq: normal. The batches nextSeq .. next_seq-1 (those of
 *     ozk_store_list_open_batches) are built or sent but not yet included: send them, in seq
 *     order, before any new one.
 * last_seq (has_batches) is the highest batch seq the store holds, always next_seq - 1 when
 * has_batches is set; a batch the chain includes with seq > last_seq is the stale case too, and
 * so is a batch the chain holds under a seq the store has with another root (compare the roots
 * of the store's open batches below nextSeq before marking them included).
 * What no comparison can see: records acknowledged after a backup was taken and not yet in a
 * batch are silently missing from a restored store (a RECEIPT challenge naming a request id the
 * store lacks is the symptom). Never restore a backup over a store that is still usable.
 */
#ifndef OZK_STORE_H
#define OZK_STORE_H

#include <stddef.h>
#include <stdint.h>

/* The format this ozk writes. A store with a higher format is refused (OZK_ENOTSUP). */
#define OZK_STORE_FORMAT 1

/* Largest x, y, raw transaction or proof the store accepts (bytes). */
#define OZK_STORE_MAX_BLOB ((size_t)64 << 20)
/* Most records in one batch (the Merkle tree's limit, ozk/merkle.h). */
#define OZK_STORE_MAX_BATCH ((uint64_t)1 << 24)

typedef struct ozk_store ozk_store;

/* ---- opening ------------------------------------------------------------------------------ */

/* The identity a store belongs to; a store made for another identity is refused. */
typedef struct {
    uint64_t chain_id;
    uint8_t settlement[20]; /* the Settlement contract's address */
    uint8_t model_id[32];
} ozk_store_identity;

typedef struct {
    size_t map_size;     /* initial map size in bytes; 0: 64 MiB */
    size_t max_map_size; /* the map never grows past this; 0: 64 GiB; raised to map_size */
} ozk_store_config;

/* Opens (creating when missing) the store in directory dir for identity id. cfg may be NULL
 * (defaults). A new store records id and OZK_STORE_FORMAT; an existing one must carry the same
 * identity (else OZK_EINVAL, and the message names both) and a format this ozk reads (else
 * OZK_ENOTSUP). OZK_EIO when the directory cannot be made or opened, or another process holds
 * the store. On success *out is the store (close it with ozk_store_close); on failure *out is
 * NULL. */
int ozk_store_open(ozk_store **out, const char *dir, const ozk_store_identity *id,
                   const ozk_store_config *cfg, char *err, size_t errlen);

/* Closes the store. No call may be running on it. NULL is allowed. */
void ozk_store_close(ozk_store *s);

/* What the store holds now. */
typedef struct {
    uint32_t format;
    ozk_store_identity identity;
    uint64_t next_seq;    /* the seq the next ozk_store_put_batch must carry */
    int has_batches;      /* 1 when at least one batch was stored */
    uint64_t last_seq;    /* the highest batch seq (valid when has_batches) */
    uint64_t next_record; /* the number the next record gets */
    uint64_t records;     /* records held (pruned ones are gone) */
    uint64_t pending;     /* records not yet in a batch */
    uint64_t batches;
    uint64_t open_challenges; /* challenges not ANSWERED nor TIMED_OUT */
    size_t map_size;          /* current map size, bytes */
    size_t map_used;          /* bytes of the map in use (pages up to the last one used) */
} ozk_store_info;

/* Fills *out from one read transaction (a consistent snapshot). OZK_ECORRUPT when the meta
 * values do not decode. O(1). */
int ozk_store_info_get(ozk_store *s, ozk_store_info *out, char *err, size_t errlen);

/* Reads every value and index and checks that they agree: every value decodes; every pending
 * entry names an unbatched record with that number; every record is either pending or placed
 * at (seq, index) of an existing batch whose id list has it there; next_seq is one above the
 * last batch; the open-batch, transaction and challenge indexes match the states. O(size of the
 * store). 0 when consistent, OZK_ECORRUPT with the first problem in err otherwise. */
int ozk_store_check(ozk_store *s, char *err, size_t errlen);

/* ---- records ------------------------------------------------------------------------------ */

/* One accepted inference.
 * For ozk_store_put_record the caller fills every field except number, batched, batch_seq,
 * batch_index and owned_ (ignored); x and y are borrowed for the call (x may be NULL when
 * x_len is 0, likewise y).
 * ozk_store_get_record fills every field; x and y then point into one allocation owned by the
 * struct (owned_): free it with ozk_store_record_clear. */
typedef struct {
    uint8_t request_id[32];
    uint64_t number; /* assigned by the store: 0, 1, 2, ... in put order, never reused */
    uint8_t salt[32];
    const uint8_t *x; /* canonical input bytes */
    size_t x_len;
    const uint8_t *y; /* output bytes */
    size_t y_len;
    uint8_t x_hash[32];
    uint8_t y_hash[32];
    uint8_t leaf[32];
    uint32_t engine_version;
    uint32_t protocol_version;
    uint64_t created;         /* unix time, seconds */
    uint64_t commit_deadline; /* the receipt's commit deadline, unix time */
    uint8_t receipt_sig[65];  /* r || s || v */
    int batched;              /* get only: 1 once in a batch, then batch_seq, batch_index */
    uint64_t batch_seq;
    uint32_t batch_index; /* the leaf index in that batch */
    void *owned_;         /* private: what x and y point into after a get */
} ozk_store_record;

/* Frees what a get put in r and zeroes r. NULL and zeroed structs are allowed. */
void ozk_store_record_clear(ozk_store_record *r);

/* Stores a new record, pending, with the next record number (written to *number when number
 * is not NULL). OZK_EEXIST, changing nothing, when a record with r->request_id is stored (a
 * pruned record is no longer stored). OZK_EINVAL when x_len or y_len exceeds OZK_STORE_MAX_BLOB.
 * The store does not recompute hashes or the leaf: the caller made them with ozk/merkle.h. */
int ozk_store_put_record(ozk_store *s, const ozk_store_record *r, uint64_t *number, char *err,
                         size_t errlen);

/* Reads the record request_id into *out (clear it later). OZK_ENOENT when there is none (never
 * stored, or pruned); *out is zeroed on any failure. */
int ozk_store_get_record(ozk_store *s, ozk_store_record *out, const uint8_t request_id[32],
                         char *err, size_t errlen);

/* A pending record, as the batcher needs it. */
typedef struct {
    uint64_t number;
    uint8_t request_id[32];
    uint8_t leaf[32];
    uint64_t created;
} ozk_store_pending_entry;

/* Writes up to cap pending records, oldest (lowest number) first, to out[0..*n). cap 0 is
 * allowed. On failure *n is 0 (out may have been written). */
int ozk_store_pending(ozk_store *s, ozk_store_pending_entry *out, size_t cap, size_t *n, char *err,
                      size_t errlen);

/* ---- batches ------------------------------------------------------------------------------ */

enum {
    OZK_BATCH_BUILT = 0, /* stored, not sent */
    OZK_BATCH_SENT,      /* a commit transaction was broadcast: tx_hash */
    OZK_BATCH_INCLUDED,  /* the commit is in block_number / block_hash */
    OZK_BATCH_FINAL      /* that block is final */
};

/* A batch. From ozk_store_get_batch: ids and leaves are count entries each, in leaf order, in
 * one allocation owned by the struct (free with ozk_store_batch_clear); both are NULL once the
 * batch was pruned (pruned 1; count, root and the chain state stay). */
typedef struct {
    uint64_t seq;
    uint32_t count;
    uint8_t root[32];
    int state;                   /* OZK_BATCH_* */
    uint8_t tx_hash[32];         /* SENT, INCLUDED, FINAL: the commit transaction */
    uint64_t block_number;       /* INCLUDED, FINAL */
    uint8_t block_hash[32];      /* INCLUDED, FINAL */
    uint64_t created;            /* unix time */
    int pruned;                  /* the records were deleted by ozk_store_prune */
    const uint8_t (*ids)[32];    /* request ids */
    const uint8_t (*leaves)[32]; /* their leaves */
    void *owned_;
} ozk_store_batch;

void ozk_store_batch_clear(ozk_store_batch *b);

/* Stores batch seq (state BUILT, created time created) of the records ids[0..count) in leaf
 * order, and marks each record with (seq, index), taking it off the pending queue; all in one
 * transaction. root must be the Merkle root of the records' leaves (ozk_merkle_root); the store
 * recomputes it. Fails changing nothing with:
 *     OZK_ERANGE  seq is not the store's next_seq
 *     OZK_ENOENT  a record is unknown
 *     OZK_EEXIST  a record is already in a batch (or named twice)
 *     OZK_EINVAL  count is 0 or over OZK_STORE_MAX_BATCH, or root is not the records' root
 * On success next_seq becomes seq + 1. */
int ozk_store_put_batch(ozk_store *s, uint64_t seq, const uint8_t (*ids)[32], size_t count,
                        const uint8_t root[32], uint64_t created, char *err, size_t errlen);

/* Reads batch seq into *out (clear it later). OZK_ENOENT when there is none; *out is zeroed on
 * any failure. */
int ozk_store_get_batch(ozk_store *s, ozk_store_batch *out, uint64_t seq, char *err, size_t errlen);

/* Moves batch seq to state, the allowed moves being:
 *     BUILT -> SENT          tx_hash required
 *     SENT -> SENT           tx_hash required: a replacement was broadcast
 *     SENT -> INCLUDED       block_hash required (block_number too); tx_hash optional: the
 *                            transaction that was mined, when a replacement won
 *     INCLUDED -> SENT       a reorg took the block away; tx_hash optional (kept when NULL),
 *                            block number and hash cleared
 *     INCLUDED -> FINAL      block_number/block_hash optional; when given they must match
 * tx_hash and block_hash may be NULL where not required. OZK_EINVAL, changing nothing, for any
 * other move (FINAL never changes) or a missing argument; OZK_ENOENT for an unknown seq. */
int ozk_store_set_batch_state(ozk_store *s, uint64_t seq, int state, const uint8_t tx_hash[32],
                              uint64_t block_number, const uint8_t block_hash[32], char *err,
                              size_t errlen);

/* Writes up to cap seqs of the batches not yet FINAL, lowest first, to seqs[0..*n); *n is 0
 * on failure. */
int ozk_store_list_open_batches(ozk_store *s, uint64_t *seqs, size_t cap, size_t *n, char *err,
                                size_t errlen);

/* ---- transactions ------------------------------------------------------------------------- */

enum { OZK_STX_COMMIT = 0, OZK_STX_RESPOND, OZK_STX_OTHER };

enum {
    OZK_STX_PENDING = 0, /* broadcast (or about to be), not mined */
    OZK_STX_MINED,       /* in block_number / block_hash, not final */
    OZK_STX_FINAL,       /* mined in a final block: settled */
    OZK_STX_DROPPED,     /* gone from the mempool */
    OZK_STX_REPLACED     /* another transaction with its nonce was mined */
};

/* A signed transaction. Fees are wei per gas as 32-byte big-endian integers (uint256, as in
 * the transaction itself). For ozk_store_put_tx raw is borrowed for the call and owned_ is
 * ignored; from the get and list functions raw points into an allocation owned by the struct
 * (free with ozk_store_tx_clear or ozk_store_tx_list_free). */
typedef struct {
    uint8_t hash[32];
    const uint8_t *raw; /* the exact signed bytes that are broadcast */
    size_t raw_len;
    uint8_t from[20];
    uint64_t nonce;
    uint8_t max_fee[32];          /* maxFeePerGas (the gas price for a legacy transaction) */
    uint8_t max_priority_fee[32]; /* maxPriorityFeePerGas (0 for legacy) */
    int purpose;                  /* OZK_STX_COMMIT, OZK_STX_RESPOND, OZK_STX_OTHER */
    uint64_t purpose_ref;         /* COMMIT: the batch seq; RESPOND: the challenge id */
    int state;                    /* OZK_STX_* */
    uint64_t block_number;        /* MINED, FINAL */
    uint8_t block_hash[32];       /* MINED, FINAL */
    uint64_t created;             /* unix time */
    void *owned_;
} ozk_store_tx;

void ozk_store_tx_clear(ozk_store_tx *t);
/* Clears list[0..n) and frees list. NULL is allowed. */
void ozk_store_tx_list_free(ozk_store_tx *list, size_t n);

/* Stores a signed transaction (state, block fields as given; normally PENDING) BEFORE it is
 * broadcast. OZK_EEXIST, changing nothing, when its hash is stored already; OZK_EINVAL when
 * raw_len is 0 or over OZK_STORE_MAX_BLOB, or purpose or state is out of range. */
int ozk_store_put_tx(ozk_store *s, const ozk_store_tx *t, char *err, size_t errlen);

/* Reads transaction hash into *out (clear it later). OZK_ENOENT when there is none; *out is
 * zeroed on any failure. */
int ozk_store_get_tx(ozk_store *s, ozk_store_tx *out, const uint8_t hash[32], char *err,
                     size_t errlen);

/* Moves transaction hash to state. Allowed: PENDING -> MINED (block_hash required), MINED ->
 * PENDING (reorg; block cleared), MINED -> FINAL, PENDING -> DROPPED, DROPPED -> PENDING
 * (rebroadcast), PENDING or DROPPED or MINED -> REPLACED, and any state to itself (MINED ->
 * MINED moves the block). FINAL and REPLACED never change. OZK_EINVAL otherwise (nothing
 * changed), OZK_ENOENT for an unknown hash. */
int ozk_store_set_tx_state(ozk_store *s, const uint8_t hash[32], int state, uint64_t block_number,
                           const uint8_t block_hash[32], char *err, size_t errlen);

/* The transactions of sender from that are PENDING, MINED or DROPPED (not FINAL nor REPLACED),
 * ordered by nonce, then hash: *list is a new array of *n entries (NULL when none), free it with
 * ozk_store_tx_list_free. On failure *list is NULL and *n 0. */
int ozk_store_list_open_txs(ozk_store *s, ozk_store_tx **list, size_t *n, const uint8_t from[20],
                            char *err, size_t errlen);

/* ---- challenges and the chain cursor ------------------------------------------------------ */

enum { OZK_CHALLENGE_RECORD = 0, OZK_CHALLENGE_RECEIPT };

enum {
    OZK_CH_OPEN = 0,  /* seen, nothing done yet */
    OZK_CH_PROVING,   /* a prover thread works on it */
    OZK_CH_PROVEN,    /* proof stored */
    OZK_CH_RESPONDED, /* respond transaction respond_tx sent */
    OZK_CH_ANSWERED,  /* the respond is final on chain (terminal) */
    OZK_CH_TIMED_OUT, /* the deadline passed unanswered (terminal) */
    OZK_CH_UNPROVABLE /* the record cannot be proven: a critical alert */
};

/* A bit per status, for ozk_store_list_challenges. */
#define OZK_CH_MASK(status) (1u << (status))
/* Every status that is not resolved (not ANSWERED, not TIMED_OUT). */
#define OZK_CH_UNRESOLVED                                                                  \
    (OZK_CH_MASK(OZK_CH_OPEN) | OZK_CH_MASK(OZK_CH_PROVING) | OZK_CH_MASK(OZK_CH_PROVEN) | \
     OZK_CH_MASK(OZK_CH_RESPONDED) | OZK_CH_MASK(OZK_CH_UNPROVABLE))

/* A challenge as the contract reports it, plus what the node did. For the put functions proof
 * is borrowed (may be NULL with proof_len 0); from get and list it points into an allocation
 * owned by the struct (free with ozk_store_challenge_clear / ozk_store_challenge_list_free). */
typedef struct {
    uint64_t id; /* the on-chain challenge id */
    uint8_t model_id[32];
    uint64_t batch_seq;  /* RECORD challenges (stored, not used, for RECEIPT ones) */
    uint64_t leaf_index; /* RECORD challenges */
    uint8_t request_id[32];
    int kind;               /* OZK_CHALLENGE_RECORD or OZK_CHALLENGE_RECEIPT */
    uint64_t deadline;      /* chain time (block timestamp), seconds */
    uint8_t challenger[20]; /* address */
    int status;             /* OZK_CH_* */
    int has_respond_tx;     /* respond_tx is set */
    uint8_t respond_tx[32]; /* RESPONDED and after */
    const uint8_t *proof;   /* proof bytes once made */
    size_t proof_len;
    void *owned_;
} ozk_store_challenge;

void ozk_store_challenge_clear(ozk_store_challenge *c);
void ozk_store_challenge_list_free(ozk_store_challenge *list, size_t n);

/* The chain cursor: an opaque blob of 1 to OZK_STORE_CURSOR_MAX bytes that the store keeps
 * for the node, byte for byte. The node writes its log watcher's encoded cursor in it
 * (ozk_watcher_cursor_encode: the next block and the hashes of the last processed blocks) with
 * whatever else must move together with the challenges it stores (node/settler.h says what).
 * The limit holds an encoded watcher cursor (OZK_WATCHER_CURSOR_MAX, about 8 KiB) with room to
 * spare. */
#define OZK_STORE_CURSOR_MAX 16384

typedef struct {
    size_t len; /* 1 .. OZK_STORE_CURSOR_MAX */
    uint8_t data[OZK_STORE_CURSOR_MAX];
} ozk_store_cursor;

/* Stores the challenges chs[0..n) that the store does not know yet (each as given: status
 * normally OPEN) AND sets the cursor to *cursor, in ONE transaction: after a crash either both
 * are on disk or neither. A challenge already stored is left as it is (its state is kept, not
 * an error), so the same block range may be processed twice. n may be 0 (only the cursor moves).
 * *added (may be NULL) receives how many were new. OZK_EINVAL, changing nothing, when a kind or
 * status is out of range, a proof is over OZK_STORE_MAX_BLOB, or cursor->len is 0 or over
 * OZK_STORE_CURSOR_MAX. */
int ozk_store_add_challenges(ozk_store *s, const ozk_store_challenge *chs, size_t n,
                             const ozk_store_cursor *cursor, size_t *added, char *err,
                             size_t errlen);

/* Reads challenge id into *out (clear it later). OZK_ENOENT when there is none; *out is zeroed
 * on any failure. */
int ozk_store_get_challenge(ozk_store *s, ozk_store_challenge *out, uint64_t id, char *err,
                            size_t errlen);

/* Sets challenge id's status. respond_tx (may be NULL: kept) is stored when given and required
 * for RESPONDED unless one is stored; proof (NULL: kept) replaces the stored proof when given
 * (proof_len 0 with a non-NULL proof clears it). ANSWERED and TIMED_OUT are terminal: moving
 * out of them is OZK_EINVAL (nothing changed). OZK_ENOENT for an unknown id. */
int ozk_store_update_challenge(ozk_store *s, uint64_t id, int status, const uint8_t respond_tx[32],
                               const uint8_t *proof, size_t proof_len, char *err, size_t errlen);

/* The unresolved challenges whose status bit is in mask (OZK_CH_MASK; OZK_CH_UNRESOLVED for
 * all of them), earliest deadline first (then lowest id): *list is a new array of *n entries
 * (NULL when none; free with ozk_store_challenge_list_free; on failure NULL and 0). Resolved
 * challenges (ANSWERED, TIMED_OUT) are never listed. */
int ozk_store_list_challenges(ozk_store *s, ozk_store_challenge **list, size_t *n, unsigned mask,
                              char *err, size_t errlen);

/* The cursor alone. get: the blob as last set (out->len bytes of out->data); OZK_ENOENT when
 * none was ever set, or when the stored one was written by an older ozk in the retired format
 * (a block number and hash): the node then starts its watcher afresh, which is safe because
 * adding a known challenge changes nothing. set: OZK_EINVAL when len is 0 or over
 * OZK_STORE_CURSOR_MAX. */
int ozk_store_get_cursor(ozk_store *s, ozk_store_cursor *out, char *err, size_t errlen);
int ozk_store_set_cursor(ozk_store *s, const ozk_store_cursor *cursor, char *err, size_t errlen);

/* ---- retention ---------------------------------------------------------------------------- */

/* Deletes the records of every batch that is FINAL and has no unresolved challenge (one whose
 * status is not ANSWERED nor TIMED_OUT, naming that batch's seq in a RECORD challenge or one of
 * its request ids in a RECEIPT challenge), and drops that batch's id and leaf lists (the batch
 * itself stays, pruned). Never prunes by age. One transaction. *pruned (may be NULL) receives
 * the number of records deleted. */
int ozk_store_prune(ozk_store *s, uint64_t *pruned, char *err, size_t errlen);

#endif
