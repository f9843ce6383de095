/*
 * ozk/rpc.h: a JSON-RPC 2.0 client for Ethereum nodes, over HTTP(S) with libcurl and Jansson.
 *
 * One handle (ozk_rpc) talks to one endpoint and reuses its connection across calls. It is not
 * thread-safe: use one handle per thread. Every call:
 *
 *  - sends one HTTP POST (a single request object, or an array for a batch) with a connect
 *    timeout and a total timeout, and an optional "Authorization: Bearer" header;
 *  - bounds the reply body (max_body bytes): a longer reply aborts the transfer;
 *  - retries, with exponential backoff and jitter, what retrying can fix: transport errors
 *    (connection refused, reset, timeout), HTTP 429 and 5xx, and JSON-RPC rate-limit errors
 *    (code -32005 or 429, or a message saying "rate limit" / "too many requests"). Nothing else
 *    is retried: a malformed reply, an oversize body, any other HTTP status and any other
 *    JSON-RPC error (execution reverted, invalid params, ...) fail at once;
 *  - validates the reply before anything uses it: an object (or, for a batch, an array of
 *    objects), "jsonrpc" exactly "2.0", the id we sent, exactly one of "result" and "error", an
 *    error with an integer "code" and a string "message", and a result of the JSON type the
 *    caller asked for. A hostile endpoint can make a call fail, never crash or mislead it.
 *
 * Errors: systems regime (ozk/error.h). Functions return 0 or a negative OZK_E*, and fill an
 * ozk_rpc_error (when not NULL) saying what kind of failure it was and why, in one line:
 *
 *   kind                 return       what
 *   OZK_RPC_ERR_TRANSPORT OZK_EIO     could not connect, connection lost, timed out
 *   OZK_RPC_ERR_HTTP     OZK_EIO      an HTTP status other than 200 (http_status says which)
 *   OZK_RPC_ERR_TOOBIG   OZK_ERANGE   the reply body is longer than max_body
 *   OZK_RPC_ERR_PROTOCOL OZK_EINVAL   the reply is not a valid JSON-RPC 2.0 reply to our call
 *   OZK_RPC_ERR_REMOTE   OZK_EIO      the node answered with a JSON-RPC error (code, message)
 *
 * After retries the error is the last attempt's. Messages name the method and, for remote
 * errors, carry the node's message (truncated, control characters replaced).
 *
 * Error data: a remote error's optional "data" member, when it is a strict hex string ("0x"
 * and an even number of hex digits, at most OZK_RPC_ERROR_DATA_MAX bytes), is decoded into
 * data[0..data_len) and has_data is set. That is where nodes put the revert data of a failed
 * eth_call / eth_estimateGas (Error(string), Panic(uint256) or a custom error; see
 * ozk_revert_decode in ozk/sender.h). Any other "data" (absent, not a string, malformed hex,
 * longer than the cap) is ignored: has_data 0, data_len 0, and the call fails as it would
 * without it. has_data is 0 for every other kind of error.
 */
#ifndef OZK_RPC_H
#define OZK_RPC_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

enum {
    OZK_RPC_ERR_NONE = 0,
    OZK_RPC_ERR_TRANSPORT,
    OZK_RPC_ERR_HTTP,
    OZK_RPC_ERR_TOOBIG,
    OZK_RPC_ERR_PROTOCOL,
    OZK_RPC_ERR_REMOTE
};

/* The most bytes of a remote error's "data" kept (see above). */
#define OZK_RPC_ERROR_DATA_MAX 1024

typedef struct {
    int kind;                             /* OZK_RPC_ERR_* */
    long http_status;                     /* the last HTTP status seen (0 when none) */
    long code;                            /* the JSON-RPC error code when kind is ..._REMOTE */
    char message[256];                    /* one line, NUL-terminated */
    int has_data;                         /* 1 when data[0..data_len) holds the error's data */
    size_t data_len;                      /* 0 unless has_data */
    uint8_t data[OZK_RPC_ERROR_DATA_MAX]; /* the decoded hex "data" of a remote error */
} ozk_rpc_error;

/* What a call expects its result to be; anything else is a protocol error. */
enum {
    OZK_RPC_ANY = 0,       /* any JSON value, null included */
    OZK_RPC_STRING,        /* a string (hex quantities and data) */
    OZK_RPC_OBJECT,        /* an object */
    OZK_RPC_ARRAY,         /* an array */
    OZK_RPC_OBJECT_OR_NULL /* an object or null (a receipt not mined yet, a missing block) */
};

typedef struct {
    const char *url;         /* http:// or https:// (other schemes are refused); required */
    const char *bearer;      /* when not NULL, sent as "Authorization: Bearer <bearer>" */
    long connect_timeout_ms; /* 0: 5000 */
    long timeout_ms;         /* whole transfer, per attempt; 0: 30000 */
    int max_retries;         /* further attempts after the first; < 0: 0; default config: 4 */
    long backoff_ms;         /* first backoff; doubles per retry, jittered to [d/2, d]; 0: 250 */
    long backoff_max_ms;     /* cap on one backoff; 0: 8000 */
    size_t max_body;         /* bound on a reply body in bytes; 0: 32 MiB */
} ozk_rpc_config;

typedef struct ozk_rpc ozk_rpc;

/* Fills cfg with the defaults above (url NULL, bearer NULL, 4 retries). */
void ozk_rpc_config_default(ozk_rpc_config *cfg);

/* Opens a handle; copies the strings of cfg. OZK_EINVAL for a missing or non-HTTP(S) URL,
 * OZK_ENOMEM when libcurl cannot start. Nothing is sent until the first call. */
int ozk_rpc_open(ozk_rpc **out, const ozk_rpc_config *cfg, ozk_rpc_error *err);

/* Closes the connection and frees the handle (NULL is fine). */
void ozk_rpc_close(ozk_rpc *rpc);

/* How many HTTP attempts the last call or batch made (1 when it succeeded at once). */
unsigned ozk_rpc_attempts(const ozk_rpc *rpc);

/* Calls method with params (a JSON array, borrowed; NULL for []) and checks the result's type
 * (OZK_RPC_*). On success *result is a new reference (json_decref it); on failure NULL. */
int ozk_rpc_call(ozk_rpc *rpc, json_t **result, const char *method, json_t *params, int type,
                 ozk_rpc_error *err);

/* One call of a batch: the caller fills method, params (borrowed, NULL for []) and type; the
 * batch fills rc (0 or a negative OZK_E*), result (a new reference on success, else NULL) and
 * err. */
typedef struct {
    const char *method;
    json_t *params;
    int type;
    int rc;
    json_t *result;
    ozk_rpc_error err;
} ozk_rpc_batch_item;

/* Sends items[0..n) as one batch (1 <= n <= 1024). Replies are matched by id in any order; a
 * missing, duplicate, unknown or malformed reply fails the whole batch (OZK_EINVAL, and no item
 * keeps a result). Returns 0 when the batch reply is well formed; then each item says whether
 * its own call succeeded (a JSON-RPC error in one item is that item's OZK_RPC_ERR_REMOTE). The
 * batch is retried as a whole on transport errors, 429/5xx and when any item is rate limited.
 * Call ozk_rpc_batch_clear() afterwards to drop the results. */
int ozk_rpc_batch(ozk_rpc *rpc, ozk_rpc_batch_item *items, size_t n, ozk_rpc_error *err);
void ozk_rpc_batch_clear(ozk_rpc_batch_item *items, size_t n);

/* Strict hex, as the Ethereum JSON-RPC spec writes numbers and bytes.
 * A quantity is "0x" and 1 to 2*size hex digits (either case) with no leading zero ("0x0" is
 * zero; "0x", "0x01", "1" and "0X1" are refused). Returns 0 or OZK_EINVAL (malformed) /
 * OZK_ERANGE (too many digits for the width). */
int ozk_rpc_hex_to_u64(uint64_t *out, const char *s);
/* A quantity of up to 256 bits into 32 big-endian bytes. */
int ozk_rpc_hex_to_u256(uint8_t out[32], const char *s);
/* Data: "0x" and an even number of hex digits (leading zeros kept), at most cap bytes. Returns
 * the number of bytes, OZK_EINVAL if malformed or OZK_ERANGE if longer than cap. */
long ozk_rpc_hex_to_bytes(uint8_t *out, size_t cap, const char *s);

/* eth_chainId and eth_blockNumber. */
int ozk_rpc_chain_id(ozk_rpc *rpc, uint64_t *out, ozk_rpc_error *err);
int ozk_rpc_block_number(ozk_rpc *rpc, uint64_t *out, ozk_rpc_error *err);
/* eth_getBalance(addr, "latest"): the balance in wei, 32 big-endian bytes. */
int ozk_rpc_get_balance(ozk_rpc *rpc, uint8_t wei[32], const uint8_t addr[20], ozk_rpc_error *err);
/* eth_getTransactionCount(addr, "pending"): the next nonce, counting pending transactions. */
int ozk_rpc_get_nonce(ozk_rpc *rpc, uint64_t *out, const uint8_t addr[20], ozk_rpc_error *err);

/* The largest code or call result these read (the EVM caps deployed code at 24,576 bytes;
 * returned data has no cap, so this is a sanity bound against a hostile endpoint). */
#define OZK_RPC_DATA_MAX (4u << 20)

/* eth_getCode(addr, "latest"): the deployed code in a new buffer (*code, free() it; NULL and
 * *len 0 for an account without code). */
int ozk_rpc_get_code(ozk_rpc *rpc, uint8_t **code, size_t *len, const uint8_t addr[20],
                     ozk_rpc_error *err);

/* eth_call({to, data}, "latest"): the returned bytes in a new buffer (*out, free() it; NULL and
 * *len 0 when empty). A revert is a remote error (its data, if any, in err->data). */
int ozk_rpc_eth_call(ozk_rpc *rpc, uint8_t **out, size_t *len, const uint8_t to[20],
                     const uint8_t *data, size_t data_len, ozk_rpc_error *err);

#endif
