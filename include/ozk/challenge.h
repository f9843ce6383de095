/*
 * ozk/challenge.h: the challenger's client (docs/challenger.md).
 *
 * A challenger holds a receipt (docs/node.md, "The receipt": the result of ozk_getReceipt) and
 * wants to know whether it binds the operator, whether its output is what the model computes, and
 * to dispute it on the Settlement contract (docs/contracts.md). This module does the work and
 * prints nothing; cli/cmd_challenge.c is the command line around it.
 *
 *   - ozk_chal_receipt_parse: the receipt's JSON, strictly (every field of its type, no unknown
 *     field; errors name the field);
 *   - ozk_chal_receipt_verify: what can be checked without a chain: the salted hashes, the leaf,
 *     the EIP-712 digest and the signer it recovers, the Merkle proof against the receipt's root;
 *   - ozk_chal_read_*: the settlement's views (model, batch, recordStatus, challengeInfo, ...)
 *     and the chain's time (the latest block's timestamp);
 *   - ozk_chal_calldata_*: the calldata of challenge, challengeReceipt, resolveTimeout and
 *     withdrawCredits;
 *   - ozk_chal_recompute: the model's output on the receipt's input, bit for bit.
 *
 * Errors: systems regime (ozk/error.h). Parsing and local work fill err[0..errlen) with one line.
 * Chain reads return what ozk/rpc.h returns and fill an ozk_rpc_error (kind
 * OZK_RPC_ERR_TRANSPORT when the endpoint could not be reached; OZK_RPC_ERR_PROTOCOL with a
 * message of ours when the settlement answered something that is not an ozk Settlement's answer).
 */
#ifndef OZK_CHALLENGE_H
#define OZK_CHALLENGE_H

#include <stddef.h>
#include <stdint.h>

#include "ozk/merkle.h"
#include "ozk/rpc.h"
#include "ozk/tx.h"

struct ozk_model;

/* ---- the receipt ----------------------------------------------------------------------------- */

/* The receipt's "batch" member (null until the record is in a batch). */
typedef struct {
    uint64_t seq, index, count;
    uint8_t root[32];
    char state[16]; /* "built", "sent", "included" or "final" */
    int committed;  /* the node saw the commit with its confirmations */
    int has_tx, has_block;
    uint8_t tx[32];
    uint64_t block;
    int has_proof; /* merkle_proof is present (ozk_getReceipt; ozk_getRecord has none) */
    size_t depth;  /* the proof's length */
    uint8_t proof[OZK_MERKLE_MAX_DEPTH][32];
} ozk_chal_batch_ref;

/* A parsed receipt. x and y are owned (ozk_chal_receipt_clear frees them). */
typedef struct {
    uint8_t request_id[32];
    uint64_t record_number;
    uint64_t chain_id;
    uint8_t settlement[20];
    uint8_t model_id[32], model_hash[32];
    uint8_t *x, *y; /* input_q and output_q */
    size_t x_len, y_len;
    uint8_t salt[32], x_hash[32], y_hash[32], leaf[32];
    uint64_t record_version, protocol_version;
    uint64_t created, commit_deadline;
    uint8_t signer[20];
    uint8_t signature[65]; /* r, s, v (27 or 28) */
    int has_batch;
    ozk_chal_batch_ref batch;
} ozk_chal_receipt;

/* Parses the receipt text[0..len). Accepted: the receipt object itself, or a whole JSON-RPC
 * reply {"jsonrpc", "id", "result": receipt}. Every field of docs/node.md must be there with its
 * type ("output" may be absent; "merkle_proof" is absent before the record is in a batch and in
 * ozk_getRecord's answer); an unknown field, a hex string of the wrong length or a number out of
 * range is OZK_EINVAL with the field's name in err. On failure *r is left empty. */
int ozk_chal_receipt_parse(ozk_chal_receipt *r, const char *text, size_t len, char *err,
                           size_t errlen);
void ozk_chal_receipt_clear(ozk_chal_receipt *r);

/* The EIP-712 struct the committer signed (ozk/tx.h). */
void ozk_chal_receipt_struct(ozk_receipt *out, const ozk_chal_receipt *r);

/* What the receipt says about itself, recomputed. Each *_ok is 1 when the receipt's field equals
 * the recomputed value. proof_ok is -1 when there is no batch or no Merkle proof. */
typedef struct {
    uint8_t x_hash[32], y_hash[32], leaf[32], digest[32];
    uint8_t recovered[20]; /* the signature's signer (zero when sig_ok is 0) */
    int x_hash_ok, y_hash_ok, leaf_ok;
    int sig_ok;    /* the signature recovers to some address with a low s */
    int signer_ok; /* ... and that is the receipt's "signer" */
    int proof_ok;  /* the Merkle proof of the leaf at batch.index against batch.root */
} ozk_chal_local;

/* Recomputes xHash, yHash and the leaf from salt, input_q and output_q (the leaf from those, not
 * from the receipt's x_hash/y_hash), the digest, the signer and the Merkle proof. */
void ozk_chal_receipt_verify(ozk_chal_local *out, const ozk_chal_receipt *r);

/* The model's output for the receipt's input, bit for bit (ozk_model_infer), into y[0..cap):
 * returns 1 when it equals the receipt's output_q, 0 when it does not (a challenge would win),
 * and OZK_EINVAL when the input is not this model's canonical input, or OZK_ENOMEM; *y_len is
 * the output's length. */
int ozk_chal_recompute(const struct ozk_model *m, const ozk_chal_receipt *r, uint8_t *y, size_t cap,
                       size_t *y_len, char *err, size_t errlen);

/* ---- the chain ------------------------------------------------------------------------------- */

/* Settlement.RecordStatus and ChallengeStatus, Kind (docs/contracts.md) */
enum {
    OZK_REC_NONE = 0,
    OZK_REC_COMMITTED,
    OZK_REC_CHALLENGED,
    OZK_REC_PROVEN,
    OZK_REC_SLASHED,
    OZK_REC_FINAL
};
enum { OZK_CH_NONE = 0, OZK_CH_OPEN, OZK_CH_ANSWERED, OZK_CH_TIMED_OUT };
enum { OZK_KIND_NONE = 0, OZK_KIND_RECORD, OZK_KIND_RECEIPT };

/* "None", "Committed", ... and "None", "Open", "Answered", "TimedOut"; "None", "Record",
 * "Receipt". Out-of-range values give "?". */
const char *ozk_chal_record_status_name(int s);
const char *ozk_chal_status_name(int s);
const char *ozk_chal_kind_name(int k);

/* Settlement.model(id). Amounts are 256-bit big-endian. */
typedef struct {
    uint8_t owner[20], committer[20], payee[20], verifier[20];
    uint8_t verifier_code_hash[32], vk_hash[32], cw_hash[32], srs_id[32];
    uint64_t protocol_version;
    uint8_t stake[32], bond[32], proving_cost[32];
    uint64_t challenge_window, response_window;
    int insecure, frozen, exiting;
    uint64_t verify_gas, respond_gas;
    uint64_t next_seq, last_commit_ts, exit_ts, open_challenges;
} ozk_chal_model;

/* Settlement.batch(id, seq): count 0 when there is no such batch. */
typedef struct {
    uint8_t root[32];
    uint64_t count, commit_ts, challenge_window, response_window;
    uint8_t bond[32];
} ozk_chal_batch;

/* Settlement.challengeInfo(id): kind OZK_KIND_NONE when there is no such challenge. */
typedef struct {
    uint8_t model_id[32], key[32];
    uint8_t challenger[20];
    uint64_t deadline;
    int kind, status;
    uint8_t bond[32];
} ozk_chal_info;

/* The latest block's timestamp: the chain's time, which every window is measured in. */
int ozk_chal_chain_time(ozk_rpc *rpc, uint64_t *now, ozk_rpc_error *e);

/* The views. A model that is not registered has a zero owner (the caller decides). */
int ozk_chal_read_model(ozk_rpc *rpc, ozk_chal_model *m, const uint8_t settlement[20],
                        const uint8_t model_id[32], ozk_rpc_error *e);
int ozk_chal_read_batch(ozk_rpc *rpc, ozk_chal_batch *b, const uint8_t settlement[20],
                        const uint8_t model_id[32], uint64_t seq, ozk_rpc_error *e);
int ozk_chal_read_record_status(ozk_rpc *rpc, int *status, const uint8_t settlement[20],
                                const uint8_t model_id[32], uint64_t seq, uint64_t index,
                                ozk_rpc_error *e);
int ozk_chal_read_challenge(ozk_rpc *rpc, ozk_chal_info *c, const uint8_t settlement[20],
                            uint64_t id, ozk_rpc_error *e);
/* credits(account), 256-bit */
int ozk_chal_read_credits(ozk_rpc *rpc, uint8_t wei[32], const uint8_t settlement[20],
                          const uint8_t account[20], ozk_rpc_error *e);
/* challengeCount() */
int ozk_chal_read_count(ozk_rpc *rpc, uint64_t *n, const uint8_t settlement[20], ozk_rpc_error *e);
/* wasCommitter(id, a) and revokedAt(id, a) (0: never rotated away) */
int ozk_chal_read_committer(ozk_rpc *rpc, int *was, uint64_t *revoked_at,
                            const uint8_t settlement[20], const uint8_t model_id[32],
                            const uint8_t addr[20], ozk_rpc_error *e);
/* receiptDigest(r) as the settlement computes it */
int ozk_chal_read_digest(ozk_rpc *rpc, uint8_t digest[32], const uint8_t settlement[20],
                         const ozk_receipt *r, ozk_rpc_error *e);

/* eth_estimateGas of a call from `from` with value; a revert is a remote error (see
 * ozk_chal_revert_text). */
int ozk_chal_estimate_gas(ozk_rpc *rpc, uint64_t *gas, const uint8_t from[20], const uint8_t to[20],
                          const uint8_t value[32], const uint8_t *data, size_t len,
                          ozk_rpc_error *e);

/* The challenge id a mined transaction opened: topic 2 of its Challenged or ReceiptChallenged
 * log from the settlement. OZK_ENOENT when the transaction has no such log. */
int ozk_chal_event_id(ozk_rpc *rpc, uint64_t *id, const uint8_t tx_hash[32],
                      const uint8_t settlement[20], ozk_rpc_error *e);

/* Why a call reverted, for a challenger: a Settlement error by name with what it means
 * ("WindowClosed(): the challenge window has closed"), Error(string), Panic, or the node's
 * message. */
void ozk_chal_revert_text(char *out, size_t cap, const ozk_rpc_error *e);

/* ---- calldata -------------------------------------------------------------------------------- */

/* challenge(modelId, seq, index, requestId, salt, x, y, merkleProof) from a receipt with a batch
 * and a Merkle proof (OZK_EINVAL otherwise). *out is malloc'd (free() it). */
int ozk_chal_calldata_challenge(uint8_t **out, size_t *len, const ozk_chal_receipt *r);
/* challengeReceipt(receipt, signature, salt, x, y). */
int ozk_chal_calldata_receipt(uint8_t **out, size_t *len, const ozk_chal_receipt *r);
/* resolveTimeout(id) and withdrawCredits(to): 36 bytes. */
void ozk_chal_calldata_resolve(uint8_t out[36], uint64_t id);
void ozk_chal_calldata_withdraw(uint8_t out[36], const uint8_t to[20]);

/* "N wei (X ETH)" of a 256-bit big-endian amount. */
void ozk_chal_wei_text(char out[128], const uint8_t wei[32]);

#endif
