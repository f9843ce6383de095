/*
 * ozk/sender.h: sending Ethereum transactions and following them to confirmation.
 *
 * One ozk_sender sends from one key through one ozk_rpc handle (borrowed; the sender's mutex
 * serialises every use of it made here, so do not use that handle elsewhere at the same time).
 *
 * Nonces. The next nonce is eth_getTransactionCount(addr, "pending") on first use and after any
 * error, then tracked locally under the mutex. A node reply "nonce too low" resyncs and sends
 * again; "replacement transaction underpriced" on a fresh send means our nonce collides with a
 * pending transaction: the sender resyncs and, when the chain still says that nonce, raises both
 * fees and sends again.
 *
 * Gas. A caller-given gas_limit takes precedence; otherwise eth_estimateGas plus gas_margin_pct
 * (default 20%). Never trust eth_estimateGas for a call that can fail by returning false rather
 * than reverting (design.md section 9, pitfall 11: the estimate is then the gas at which the
 * verifier quietly runs out and fails); for verifier calls pass a measured figure with a margin.
 *
 * Fees. EIP-1559 when the chain has a base fee: eth_feeHistory(1, "pending", [percentile]) gives
 * the pending block's base fee and a priority fee (the reward at that percentile, at least
 * min_priority_fee); max_fee = 2 * base fee + priority fee. Chains without a base fee get a
 * legacy EIP-155 transaction at eth_gasPrice. Every fee is clamped to max_fee_ceiling.
 *
 * Persistence. The persist callback, when set, receives the exact signed bytes and hash of
 * every transaction and replacement BEFORE it is broadcast (design.md section 6, point 3); a
 * non-zero return from it stops the send with that code (nothing is broadcast).
 *
 * Errors: systems regime (ozk/error.h), 0 or a negative OZK_E*, with an ozk_rpc_error (may be
 * NULL) saying why in one line. Keys never appear in a message.
 */
#ifndef OZK_SENDER_H
#define OZK_SENDER_H

#include <stddef.h>
#include <stdint.h>

#include "ozk/rpc.h"
#include "ozk/tx.h"

typedef struct {
    unsigned gas_margin_pct;    /* added to eth_estimateGas; default 20 */
    unsigned reward_percentile; /* eth_feeHistory reward percentile, 0..100; default 50 */
    uint64_t min_priority_fee;  /* wei per gas; default 1 gwei */
    uint64_t max_fee_ceiling;   /* wei per gas, caps max_fee / gas_price; default 500 gwei */
    unsigned bump_pct;          /* replacement fee bump; default 10 (what geth requires) */
    unsigned max_attempts;      /* sends of one transaction on underpriced/nonce errors; 4 */
    long poll_ms;               /* receipt polling interval; default 250 */
} ozk_sender_config;

void ozk_sender_config_default(ozk_sender_config *cfg);

/* Called with every signed transaction before broadcast; return 0 to go on. */
typedef int (*ozk_sender_persist_fn)(void *ctx, const uint8_t *raw, size_t raw_len,
                                     const uint8_t hash[32]);

typedef struct ozk_sender ozk_sender;

/* Opens a sender: copies key (wiped on close) and cfg (NULL: defaults), reads eth_chainId. */
int ozk_sender_open(ozk_sender **out, ozk_rpc *rpc, const ozk_key *key,
                    const ozk_sender_config *cfg, ozk_rpc_error *err);
void ozk_sender_close(ozk_sender *s);

void ozk_sender_address(const ozk_sender *s, uint8_t addr[20]);
uint64_t ozk_sender_chain_id(const ozk_sender *s);
void ozk_sender_set_persist(ozk_sender *s, ozk_sender_persist_fn fn, void *ctx);

/* Forgets the local nonce (the next send reads it from the chain) or forces it (operator
 * recovery and tests; a wrong value is corrected by the "nonce too low" path). */
void ozk_sender_resync(ozk_sender *s);
void ozk_sender_set_nonce(ozk_sender *s, uint64_t nonce);

typedef struct {
    int type;                  /* OZK_TX_EIP1559 or OZK_TX_LEGACY */
    uint64_t max_priority_fee; /* type 2 */
    uint64_t max_fee;          /* type 2; legacy: the gas price */
} ozk_fees;

/* The fees a new transaction would pay now (see Fees above). */
int ozk_sender_fees(ozk_sender *s, ozk_fees *out, ozk_rpc_error *err);

/* What to send. data is borrowed for the call. gas_limit 0: estimate with the margin. */
typedef struct {
    int has_to; /* 0 creates a contract */
    uint8_t to[20];
    uint8_t value[32]; /* wei, big-endian */
    const uint8_t *data;
    size_t data_len;
    uint64_t gas_limit;
} ozk_send_request;

/* A transaction the sender broadcast: enough to replace it. Owns a copy of the data; clear it
 * with ozk_sent_tx_clear. */
typedef struct {
    ozk_tx tx;     /* tx.data points at data below */
    uint8_t *data; /* this record's own copy of the calldata (NULL when empty) */
    uint8_t hash[32];
} ozk_sent_tx;

void ozk_sent_tx_clear(ozk_sent_tx *t);

/* Builds, signs, persists (callback) and broadcasts a transaction with the next nonce. On
 * success *out describes it (clear it later). An estimateGas revert fails with
 * OZK_RPC_ERR_REMOTE and the node's message (which carries the revert reason). */
int ozk_sender_send(ozk_sender *s, ozk_sent_tx *out, const ozk_send_request *req,
                    ozk_rpc_error *err);

/* Replaces a stuck transaction: same nonce, both fee fields raised by at least bump_pct% and at
 * least 1 wei (and to at least the current market fees), up to the ceiling. A node answer
 * "replacement transaction underpriced" raises the fees again by at least 10% and retries.
 * On success *t becomes the replacement. OZK_ERANGE when the ceiling leaves no room; a remote
 * "nonce too low" when a transaction with this nonce was mined meanwhile (poll the original). The
 * caller decides when a transaction is stuck. */
int ozk_sender_replace(ozk_sender *s, ozk_sent_tx *t, ozk_rpc_error *err);

enum {
    OZK_TXS_PENDING = 0, /* no receipt yet, or fewer confirmations than asked */
    OZK_TXS_CONFIRMED,   /* status 1 with the confirmations asked for */
    OZK_TXS_REVERTED,    /* status 0 with the confirmations asked for */
    OZK_TXS_REORGED      /* the receipt's block is no longer at its height */
};

typedef struct {
    int state;             /* OZK_TXS_* */
    int found;             /* a receipt was seen (the fields below are set) */
    int status;            /* the receipt's status: 1 success, 0 reverted */
    uint64_t block_number; /* the receipt's block */
    uint8_t block_hash[32];
    uint64_t gas_used;
    uint64_t confirmations; /* head - block_number + 1 at the last poll */
    int has_reason;         /* reverted and a reason could be decoded */
    char reason[256];       /* "nope", or "panic 0x11" */
} ozk_tx_status;

/* One poll of the transaction hash: fetches its receipt (if st->found is 0), then checks that
 * st->block_hash is still the block at st->block_number (OZK_TXS_REORGED, and the local nonce is
 * forgotten, when not) and counts confirmations (head - block + 1 >= confirmations). A status-0
 * receipt is replayed with eth_call at its block to recover the revert reason: revert data in
 * hex inside the node's message is ABI-decoded (ozk_revert_decode), else the text after
 * "execution reverted: " (geth, anvil) is taken. ozk_rpc_error does not carry a JSON-RPC error's
 * "data" member yet, so a node that puts the payload only there and says nothing in its message
 * gives no reason (has_reason 0). Zero st before the first poll. */
int ozk_sender_poll(ozk_sender *s, ozk_tx_status *st, const uint8_t hash[32],
                    unsigned confirmations, ozk_rpc_error *err);

/* Polls every poll_ms until the state is not PENDING or timeout_ms passes (then returns 0 with
 * state PENDING). */
int ozk_sender_wait(ozk_sender *s, ozk_tx_status *st, const uint8_t hash[32],
                    unsigned confirmations, long timeout_ms, ozk_rpc_error *err);

/* Decodes revert data: Error(string) (selector 0x08c379a0) into its text, Panic(uint256)
 * (0x4e487b71) into "panic 0x<code>". Returns 1 when decoded, 0 otherwise (out then ""). */
int ozk_revert_decode(char *out, size_t cap, const uint8_t *data, size_t n);

#endif
