/*
 * ozk/watcher.h: a pure, restartable, reorg-aware Ethereum log watcher.
 *
 * The watcher keeps no state of its own between polls: everything it needs to resume lives in a
 * cursor that the caller owns and persists (node/ keeps it in LMDB). The cursor says which block
 * comes next and holds the hashes of the last K processed blocks (K = keep, at most
 * OZK_WATCHER_MAX_KEEP), which is how a reorg is detected and located.
 *
 * One poll (ozk_watcher_poll):
 *
 *  1. Reorg check. When the cursor holds hashes, the header of the last processed block is
 *     fetched and its hash compared with the stored one. On a mismatch (or when that block no
 *     longer exists: anvil_rollback, a shorter chain) the headers of every kept block are fetched
 *     (one batch) and the fork point is the highest kept block whose hash still matches. The
 *     callback then gets ONE rollback event, "blocks from..to are rolled back", before any log:
 *     the watcher does not remember logs, so it cannot replay them one by one as removed; the
 *     caller discards whatever it derived from logs of those blocks. Scanning resumes at the
 *     fork point + 1.
 *     A reorg deeper than the kept hashes (no kept hash matches) is a deep rollback (event.deep
 *     = 1): the scan restarts after the "finalized" block when the node knows that tag and it
 *     lies below the oldest kept block, otherwise (no such tag, an error asking for it) at the
 *     oldest kept block - keep (floor 0); the rollback event covers everything from there to
 *     the old cursor. A cursor without hashes (fresh from ozk_watcher_cursor_init) is not
 *     checked.
 *  2. Target. The newest block that may be scanned: head - confirmations (follow LATEST), or the
 *     number of the "safe" / "finalized" block (follow SAFE / FINALIZED; confirmations are then
 *     not applied). At most max_blocks_per_poll blocks are scanned per poll.
 *  3. Scan. eth_getLogs over [next, target] in ranges of at most max_range blocks, for the
 *     configured addresses and topic0 list. A range is split in halves, recursively, when the
 *     node refuses it as too large (a JSON-RPC error whose message says "too many", "limit",
 *     "range", "exceed" or "too large", or code -32005 once the RPC client's retries are spent;
 *     a reply body over the RPC client's bound) or returns more than max_logs logs; a single
 *     block that still fails is an error. After each range the headers
 *     of its first block and of its last min(keep, length) blocks are fetched (one batch): they
 *     must chain by parentHash, the first must extend the cursor's last hash, and every log in
 *     a fetched block must carry that block's hash; otherwise the chain moved during the poll
 *     and the poll fails (poll again: the reorg check will see it). Logs in the middle blocks of
 *     a range longer than keep are not checked against headers (confirmations guard those).
 *  4. Delivery: logs in (block number, log index) order, each once, as OZK_WATCH_LOG events.
 *
 * Every reply is validated: hex quantities and data strictly (ozk_rpc_hex_to_u64 /
 * ozk_rpc_hex_to_bytes), a log with a missing or malformed field, more than 4 topics, a block
 * outside the requested range, an address or topic0 the filter did not ask for, "removed": true,
 * or a duplicate (block, index) fails the poll; a header with a number other than the one asked
 * for likewise.
 *
 * Atomicity. A poll works on a copy of the cursor and writes it back only when it returns 0.
 * When it fails (an RPC error, a reply that does not validate, the callback returning non-zero)
 * the cursor is left as it was and the caller must discard everything the callback received
 * during that poll (node/ does the whole poll inside one LMDB write transaction and commits
 * it together with the new cursor). The next poll delivers those events again.
 *
 * Errors: systems regime (ozk/error.h): 0 or a negative OZK_E*, with an ozk_rpc_error (may be
 * NULL) saying why in one line. The callback's non-zero return is passed back as it is.
 */
#ifndef OZK_WATCHER_H
#define OZK_WATCHER_H

#include <stddef.h>
#include <stdint.h>

#include "ozk/rpc.h"

#define OZK_WATCHER_MAX_KEEP      256
#define OZK_WATCHER_MAX_ADDRESSES 64
#define OZK_WATCHER_MAX_TOPICS    64
/* the longest encoded cursor: magic, version, next, count, hashes */
#define OZK_WATCHER_CURSOR_MAX (4 + 1 + 8 + 2 + 32 * OZK_WATCHER_MAX_KEEP)

/* The caller's persistent state. hashes[i] is the hash of block next - count + i, so
 * hashes[count - 1] is that of the last processed block (next - 1). */
typedef struct {
    uint64_t next;  /* the next block to scan */
    unsigned count; /* how many hashes are kept (0..OZK_WATCHER_MAX_KEEP, <= next) */
    uint8_t hashes[OZK_WATCHER_MAX_KEEP][32];
} ozk_watcher_cursor;

/* A fresh cursor that starts scanning at block `from` (no hashes: nothing to check yet). */
void ozk_watcher_cursor_init(ozk_watcher_cursor *c, uint64_t from);

/* Encodes c into out (cap >= ozk_watcher_cursor_size(c)); returns the length or OZK_ERANGE /
 * OZK_EINVAL (a cursor that breaks its own rules). Format: "OZKW", version 1, next (8 bytes big
 * endian), count (2 bytes big endian), count hashes. */
long ozk_watcher_cursor_encode(uint8_t *out, size_t cap, const ozk_watcher_cursor *c);
size_t ozk_watcher_cursor_size(const ozk_watcher_cursor *c);
/* Strict decoding: the exact length, the magic, version 1, count <= OZK_WATCHER_MAX_KEEP and
 * count <= next. Returns 0 or OZK_EINVAL (c is then zeroed). */
int ozk_watcher_cursor_decode(ozk_watcher_cursor *c, const uint8_t *in, size_t len);

enum {
    OZK_WATCH_FOLLOW_LATEST = 0, /* head - confirmations */
    OZK_WATCH_FOLLOW_SAFE,       /* the "safe" block */
    OZK_WATCH_FOLLOW_FINALIZED   /* the "finalized" block */
};

typedef struct {
    const uint8_t *addresses;     /* n_addresses contracts, 20 bytes each, back to back (0: any) */
    size_t n_addresses;           /* <= OZK_WATCHER_MAX_ADDRESSES */
    const uint8_t *topic0;        /* n_topic0 event signatures, 32 bytes each (0: any) */
    size_t n_topic0;              /* <= OZK_WATCHER_MAX_TOPICS */
    int follow;                   /* OZK_WATCH_FOLLOW_*; default LATEST */
    unsigned confirmations;       /* blocks held back from head (LATEST only); default 3 */
    unsigned keep;                /* K, hashes kept in the cursor, 1..MAX_KEEP; default 64 */
    uint64_t max_range;           /* blocks per eth_getLogs; default 1000 */
    size_t max_logs;              /* a reply with more logs is split; default 10000 */
    uint64_t max_blocks_per_poll; /* blocks scanned per poll; default 100000 */
} ozk_watcher_config;

void ozk_watcher_config_default(ozk_watcher_config *cfg);

enum { OZK_WATCH_LOG = 1, OZK_WATCH_ROLLBACK };

/* One log (kind OZK_WATCH_LOG) or one rollback (kind OZK_WATCH_ROLLBACK). Pointers are valid
 * during the callback only. */
typedef struct {
    int kind;
    /* OZK_WATCH_ROLLBACK: blocks from..to (inclusive) are no longer canonical; deep is 1 when
     * the reorg went past the kept hashes (the range then may include blocks that did not
     * change). */
    uint64_t from, to;
    int deep;
    /* OZK_WATCH_LOG */
    uint64_t block;
    uint8_t block_hash[32];
    uint8_t tx_hash[32];
    uint64_t tx_index;
    uint64_t log_index;
    uint8_t address[20];
    unsigned n_topics; /* 0..4 */
    uint8_t topics[4][32];
    const uint8_t *data;
    size_t data_len;
} ozk_watch_event;

/* Return 0 to go on; anything else stops the poll, which returns it. */
typedef int (*ozk_watch_fn)(void *ctx, const ozk_watch_event *ev);

typedef struct ozk_watcher ozk_watcher;

/* Opens a watcher on rpc (borrowed; must outlive the watcher) with a copy of cfg. OZK_EINVAL for
 * a config out of bounds, OZK_ENOMEM. */
int ozk_watcher_open(ozk_watcher **out, ozk_rpc *rpc, const ozk_watcher_config *cfg,
                     ozk_rpc_error *err);
void ozk_watcher_close(ozk_watcher *w);

/* One poll as described above; *cursor is updated only when it returns 0. */
int ozk_watcher_poll(ozk_watcher *w, ozk_watcher_cursor *cursor, ozk_watch_fn fn, void *ctx,
                     ozk_rpc_error *err);

#endif
