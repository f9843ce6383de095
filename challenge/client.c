/*
 * challenge/client.c: the challenger's client (ozk/challenge.h, docs/challenger.md): a receipt
 * parsed strictly and checked, the settlement's views, the calldata of the dispute's calls.
 * Prints nothing: cli/cmd_challenge.c does.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ozk/abi.h"
#include "ozk/challenge.h"
#include "ozk/error.h"
#include "ozk/hex.h"
#include "ozk/merkle.h"
#include "ozk/model.h"
#include "ozk/sender.h"

#define RECORD_VERSION 1
/* the largest input_q / output_q a receipt may carry (a model's calldata is at most 120 KiB) */
#define PREIMAGE_MAX (1u << 20)

static void errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void errf(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* ---- parsing --------------------------------------------------------------------------------- */

/* "0x" and exactly 2n hex digits */
static int get_hex(const json_t *o, const char *prefix, const char *key, uint8_t *out, size_t n,
                   char *err, size_t errlen)
{
    const char *s = json_string_value(json_object_get(o, key));
    if (!s) {
        errf(err, errlen, "field %s%s: missing or not a string", prefix, key);
        return OZK_EINVAL;
    }
    if (strlen(s) != 2 + 2 * n || s[0] != '0' || s[1] != 'x' ||
        ozk_hex_decode(out, n, s + 2) != (long)n) {
        errf(err, errlen, "field %s%s: must be \"0x\" and %zu hex digits", prefix, key, 2 * n);
        return OZK_EINVAL;
    }
    return 0;
}

/* "0x" and an even number (at least 2) of hex digits into a new buffer */
static int get_bytes(const json_t *o, const char *key, uint8_t **out, size_t *len, char *err,
                     size_t errlen)
{
    const char *s = json_string_value(json_object_get(o, key));
    size_t n = s ? strlen(s) : 0;
    if (!s || n < 4 || n % 2 || s[0] != '0' || s[1] != 'x' || (n - 2) / 2 > PREIMAGE_MAX) {
        errf(err, errlen,
             "field %s: must be \"0x\" and an even number of hex digits (1 to %u bytes)", key,
             PREIMAGE_MAX);
        return OZK_EINVAL;
    }
    *len = (n - 2) / 2;
    if (!(*out = malloc(*len))) return OZK_ENOMEM;
    if (ozk_hex_decode(*out, *len, s + 2) != (long)*len) {
        errf(err, errlen, "field %s: not hex", key);
        return OZK_EINVAL;
    }
    return 0;
}

static int get_u64(const json_t *o, const char *prefix, const char *key, uint64_t *out, char *err,
                   size_t errlen)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_integer(v) || json_integer_value(v) < 0) {
        errf(err, errlen, "field %s%s: missing or not a whole number >= 0", prefix, key);
        return OZK_EINVAL;
    }
    *out = (uint64_t)json_integer_value(v);
    return 0;
}

/* every member of o is one of names[] */
static int only_known(json_t *o, const char *prefix, const char *const *names, size_t n, char *err,
                      size_t errlen)
{
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v)
    {
        (void)v;
        size_t i = 0;
        while (i < n && strcmp(k, names[i])) i++;
        if (i == n) {
            errf(err, errlen, "field %s%s: unknown (is this an ozk receipt of this version?)",
                 prefix, k);
            return OZK_EINVAL;
        }
    }
    return 0;
}

static int parse_batch(ozk_chal_batch_ref *b, json_t *o, char *err, size_t errlen)
{
    static const char *const names[] = { "seq",       "index", "count", "root",        "state",
                                         "committed", "tx",    "block", "merkle_proof" };
    const char *p = "batch.";
    int rc;
    if ((rc = only_known(o, p, names, sizeof names / sizeof *names, err, errlen)) ||
        (rc = get_u64(o, p, "seq", &b->seq, err, errlen)) ||
        (rc = get_u64(o, p, "index", &b->index, err, errlen)) ||
        (rc = get_u64(o, p, "count", &b->count, err, errlen)) ||
        (rc = get_hex(o, p, "root", b->root, 32, err, errlen)))
        return rc;
    if (b->count == 0 || b->count > OZK_MERKLE_MAX_COUNT || b->index >= b->count) {
        errf(err, errlen, "field batch.index/batch.count: index %llu of %llu records is impossible",
             (unsigned long long)b->index, (unsigned long long)b->count);
        return OZK_EINVAL;
    }
    const char *st = json_string_value(json_object_get(o, "state"));
    if (!st || (strcmp(st, "built") && strcmp(st, "sent") && strcmp(st, "included") &&
                strcmp(st, "final"))) {
        errf(err, errlen,
             "field batch.state: must be \"built\", \"sent\", \"included\" or "
             "\"final\"");
        return OZK_EINVAL;
    }
    snprintf(b->state, sizeof b->state, "%s", st);
    const json_t *c = json_object_get(o, "committed");
    if (!json_is_boolean(c)) {
        errf(err, errlen, "field batch.committed: missing or not true/false");
        return OZK_EINVAL;
    }
    b->committed = json_is_true(c);
    if (json_object_get(o, "tx")) {
        if ((rc = get_hex(o, p, "tx", b->tx, 32, err, errlen))) return rc;
        b->has_tx = 1;
    }
    if (json_object_get(o, "block")) {
        if ((rc = get_u64(o, p, "block", &b->block, err, errlen))) return rc;
        b->has_block = 1;
    }
    const json_t *mp = json_object_get(o, "merkle_proof");
    if (mp) {
        if (!json_is_array(mp) || json_array_size(mp) > OZK_MERKLE_MAX_DEPTH) {
            errf(err, errlen, "field batch.merkle_proof: must be an array of at most %d hashes",
                 OZK_MERKLE_MAX_DEPTH);
            return OZK_EINVAL;
        }
        b->depth = json_array_size(mp);
        for (size_t i = 0; i < b->depth; i++) {
            const char *s = json_string_value(json_array_get(mp, i));
            if (!s || strlen(s) != 66 || s[0] != '0' || s[1] != 'x' ||
                ozk_hex_decode(b->proof[i], 32, s + 2) != 32) {
                errf(err, errlen, "field batch.merkle_proof[%zu]: must be \"0x\" and 64 hex digits",
                     i);
                return OZK_EINVAL;
            }
        }
        b->has_proof = 1;
    }
    return 0;
}

static int parse_receipt(ozk_chal_receipt *r, json_t *o, char *err, size_t errlen)
{
    static const char *const names[] = {
        "request_id",      "record_number",    "chain_id", "settlement",     "model_id",
        "model_hash",      "input_q",          "output_q", "output",         "salt",
        "x_hash",          "y_hash",           "leaf",     "record_version", "created",
        "commit_deadline", "protocol_version", "signer",   "signature",      "batch"
    };
    const char *p = "";
    int rc;
    if ((rc = only_known(o, p, names, sizeof names / sizeof *names, err, errlen)) ||
        (rc = get_hex(o, p, "request_id", r->request_id, 32, err, errlen)) ||
        (rc = get_u64(o, p, "record_number", &r->record_number, err, errlen)) ||
        (rc = get_u64(o, p, "chain_id", &r->chain_id, err, errlen)) ||
        (rc = get_hex(o, p, "settlement", r->settlement, 20, err, errlen)) ||
        (rc = get_hex(o, p, "model_id", r->model_id, 32, err, errlen)) ||
        (rc = get_hex(o, p, "model_hash", r->model_hash, 32, err, errlen)) ||
        (rc = get_bytes(o, "input_q", &r->x, &r->x_len, err, errlen)) ||
        (rc = get_bytes(o, "output_q", &r->y, &r->y_len, err, errlen)) ||
        (rc = get_hex(o, p, "salt", r->salt, 32, err, errlen)) ||
        (rc = get_hex(o, p, "x_hash", r->x_hash, 32, err, errlen)) ||
        (rc = get_hex(o, p, "y_hash", r->y_hash, 32, err, errlen)) ||
        (rc = get_hex(o, p, "leaf", r->leaf, 32, err, errlen)) ||
        (rc = get_u64(o, p, "record_version", &r->record_version, err, errlen)) ||
        (rc = get_u64(o, p, "protocol_version", &r->protocol_version, err, errlen)) ||
        (rc = get_u64(o, p, "created", &r->created, err, errlen)) ||
        (rc = get_u64(o, p, "commit_deadline", &r->commit_deadline, err, errlen)) ||
        (rc = get_hex(o, p, "signer", r->signer, 20, err, errlen)) ||
        (rc = get_hex(o, p, "signature", r->signature, 65, err, errlen)))
        return rc;
    if (r->chain_id == 0) {
        errf(err, errlen, "field chain_id: 0 is not a chain");
        return OZK_EINVAL;
    }
    if (r->record_version != RECORD_VERSION) {
        errf(err, errlen, "field record_version: %llu; this ozk knows version %d only",
             (unsigned long long)r->record_version, RECORD_VERSION);
        return OZK_EINVAL;
    }
    if (r->commit_deadline > UINT64_MAX / 2 || r->commit_deadline < r->created) {
        errf(err, errlen, "field commit_deadline: before \"created\" or out of range");
        return OZK_EINVAL;
    }
    const json_t *out = json_object_get(o, "output");
    if (out) {
        size_t i;
        const json_t *v;
        if (!json_is_array(out)) {
            errf(err, errlen, "field output: not an array of numbers");
            return OZK_EINVAL;
        }
        json_array_foreach(out, i, v)
        {
            if (!json_is_number(v)) {
                errf(err, errlen, "field output[%zu]: not a number", i);
                return OZK_EINVAL;
            }
        }
    }
    json_t *b = json_object_get(o, "batch");
    if (!b) {
        errf(err, errlen, "field batch: missing (null when the record is not in a batch yet)");
        return OZK_EINVAL;
    }
    if (json_is_object(b)) {
        r->has_batch = 1;
        return parse_batch(&r->batch, b, err, errlen);
    }
    if (!json_is_null(b)) {
        errf(err, errlen, "field batch: must be an object or null");
        return OZK_EINVAL;
    }
    return 0;
}

int ozk_chal_receipt_parse(ozk_chal_receipt *r, const char *text, size_t len, char *err,
                           size_t errlen)
{
    memset(r, 0, sizeof *r);
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        errf(err, errlen, "not JSON: %s (line %d)", je.text, je.line);
        return OZK_EINVAL;
    }
    json_t *o = root;
    /* a whole JSON-RPC reply: its result */
    if (json_is_object(root) && json_object_get(root, "jsonrpc")) {
        o = json_object_get(root, "result");
        if (!json_is_object(o)) {
            errf(err, errlen, "a JSON-RPC reply without a receipt in \"result\"%s",
                 json_object_get(root, "error") ? " (the node answered an error)" : "");
            json_decref(root);
            return OZK_EINVAL;
        }
    }
    int rc = OZK_EINVAL;
    if (!json_is_object(o))
        errf(err, errlen,
             "not a receipt: the file must hold one JSON object (ozk_getReceipt's "
             "result)");
    else
        rc = parse_receipt(r, o, err, errlen);
    json_decref(root);
    if (rc) ozk_chal_receipt_clear(r);
    return rc;
}

void ozk_chal_receipt_clear(ozk_chal_receipt *r)
{
    if (!r) return;
    free(r->x);
    free(r->y);
    memset(r, 0, sizeof *r);
}

/* ---- local checks ---------------------------------------------------------------------------- */

void ozk_chal_receipt_struct(ozk_receipt *out, const ozk_chal_receipt *r)
{
    memset(out, 0, sizeof *out);
    out->chain_id = r->chain_id;
    memcpy(out->settlement, r->settlement, 20);
    memcpy(out->model_id, r->model_id, 32);
    memcpy(out->request_id, r->request_id, 32);
    memcpy(out->x_hash, r->x_hash, 32);
    memcpy(out->y_hash, r->y_hash, 32);
    out->deadline = r->commit_deadline;
}

/* secp256k1's n / 2, big-endian: OpenZeppelin's ECDSA refuses a larger s (malleability) */
static const uint8_t HALF_N[32] = { 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                    0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d,
                                    0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0 };

void ozk_chal_receipt_verify(ozk_chal_local *out, const ozk_chal_receipt *r)
{
    memset(out, 0, sizeof *out);
    ozk_merkle_salted_hash(out->x_hash, r->salt, r->x, r->x_len);
    ozk_merkle_salted_hash(out->y_hash, r->salt, r->y, r->y_len);
    out->x_hash_ok = !memcmp(out->x_hash, r->x_hash, 32);
    out->y_hash_ok = !memcmp(out->y_hash, r->y_hash, 32);
    ozk_merkle_record mr;
    mr.version = RECORD_VERSION;
    mr.chain_id = r->chain_id;
    memcpy(mr.settlement, r->settlement, 20);
    memcpy(mr.model_id, r->model_id, 32);
    memcpy(mr.request_id, r->request_id, 32);
    memcpy(mr.x_hash, out->x_hash, 32);
    memcpy(mr.y_hash, out->y_hash, 32);
    ozk_merkle_leaf(out->leaf, &mr);
    out->leaf_ok = !memcmp(out->leaf, r->leaf, 32);
    /* the digest binds the receipt's hashes: what the settlement's challengeReceipt checks */
    ozk_receipt rc;
    ozk_chal_receipt_struct(&rc, r);
    ozk_receipt_digest(out->digest, &rc);
    uint8_t v = r->signature[64];
    if ((v == 27 || v == 28) && memcmp(r->signature + 32, HALF_N, 32) <= 0 &&
        ozk_ecrecover(out->recovered, out->digest, r->signature) == 1) {
        out->sig_ok = 1;
        out->signer_ok = !memcmp(out->recovered, r->signer, 20);
    } else {
        memset(out->recovered, 0, 20);
    }
    out->proof_ok = -1;
    if (r->has_batch && r->batch.has_proof)
        out->proof_ok = ozk_merkle_verify(r->batch.root, out->leaf, r->batch.index, r->batch.count,
                                          (const uint8_t(*)[32])r->batch.proof, r->batch.depth);
}

int ozk_chal_recompute(const ozk_model *m, const ozk_chal_receipt *r, uint8_t *y, size_t cap,
                       size_t *y_len, char *err, size_t errlen)
{
    size_t nx = ozk_model_input_bytes(m), ny = ozk_model_output_bytes(m);
    *y_len = ny;
    if (r->x_len != nx) {
        errf(err, errlen, "input_q holds %zu bytes; this model takes %zu: another model?", r->x_len,
             nx);
        return OZK_EINVAL;
    }
    if (ny > cap) {
        errf(err, errlen, "the model's output (%zu bytes) is over %zu bytes", ny, cap);
        return OZK_EINVAL;
    }
    int8_t *q = malloc(m->n_in);
    int32_t *out = malloc(sizeof *out * m->n_out);
    void *work = malloc(ozk_model_work_size(m));
    int rc = OZK_ENOMEM;
    if (!q || !out || !work) goto done;
    if (ozk_model_decode_input(m, q, r->x, r->x_len)) {
        errf(err, errlen, "input_q is not this model's canonical input");
        rc = OZK_EINVAL;
        goto done;
    }
    ozk_model_infer(m, out, q, work);
    ozk_model_encode_output(m, y, out);
    rc = r->y_len == ny && !memcmp(y, r->y, ny);
done:
    free(q);
    free(out);
    free(work);
    return rc;
}

/* ---- names ----------------------------------------------------------------------------------- */

const char *ozk_chal_record_status_name(int s)
{
    static const char *const n[] = {
        "None", "Committed", "Challenged", "Proven", "Slashed", "Final"
    };
    return s >= 0 && s < 6 ? n[s] : "?";
}

const char *ozk_chal_status_name(int s)
{
    static const char *const n[] = { "None", "Open", "Answered", "TimedOut" };
    return s >= 0 && s < 4 ? n[s] : "?";
}

const char *ozk_chal_kind_name(int k)
{
    static const char *const n[] = { "None", "Record", "Receipt" };
    return k >= 0 && k < 3 ? n[k] : "?";
}

/* ---- chain reads ----------------------------------------------------------------------------- */

static int proto_err(ozk_rpc_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int proto_err(ozk_rpc_error *e, const char *fmt, ...)
{
    if (e) {
        memset(e, 0, sizeof *e);
        e->kind = OZK_RPC_ERR_PROTOCOL;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->message, sizeof e->message, fmt, ap);
        va_end(ap);
    }
    return OZK_EINVAL;
}

int ozk_chal_chain_time(ozk_rpc *rpc, uint64_t *now, ozk_rpc_error *e)
{
    json_t *params = json_pack("[sb]", "latest", 0), *blk = NULL;
    if (!params) return OZK_ENOMEM;
    int rc = ozk_rpc_call(rpc, &blk, "eth_getBlockByNumber", params, OZK_RPC_OBJECT, e);
    json_decref(params);
    if (rc) return rc;
    const char *ts = json_string_value(json_object_get(blk, "timestamp"));
    rc = ts ? ozk_rpc_hex_to_u64(now, ts) : OZK_EINVAL;
    json_decref(blk);
    if (rc) return proto_err(e, "eth_getBlockByNumber: the latest block has no valid timestamp");
    return 0;
}

/* eth_call of sig with nargs 32-byte words; the answer must be exactly words words */
static int view(ozk_rpc *rpc, uint8_t *out, size_t words, const uint8_t to[20], const char *sig,
                const uint8_t *args, size_t nargs, ozk_rpc_error *e)
{
    uint8_t data[4 + 3 * 32];
    if (nargs > 3) return OZK_EINVAL;
    ozk_abi_selector(data, sig);
    if (nargs) memcpy(data + 4, args, 32 * nargs);
    uint8_t *ret = NULL;
    size_t len = 0;
    int rc = ozk_rpc_eth_call(rpc, &ret, &len, to, data, 4 + 32 * nargs, e);
    if (rc) return rc;
    if (len != 32 * words) {
        free(ret);
        return proto_err(e,
                         "%s returned %zu bytes, not %zu: is this an ozk Settlement contract of "
                         "this version?",
                         sig, len, 32 * words);
    }
    memcpy(out, ret, len);
    free(ret);
    return 0;
}

static uint64_t w_u64(const uint8_t *w)
{
    for (int i = 0; i < 24; i++)
        if (w[i]) return UINT64_MAX;
    uint64_t x = 0;
    for (int i = 24; i < 32; i++) x = x << 8 | w[i];
    return x;
}

static void u64_w(uint8_t w[32], uint64_t x)
{
    memset(w, 0, 32);
    for (int i = 0; i < 8; i++) w[31 - i] = (uint8_t)(x >> (8 * i));
}

static void addr_w(uint8_t w[32], const uint8_t a[20])
{
    memset(w, 0, 12);
    memcpy(w + 12, a, 20);
}

int ozk_chal_read_model(ozk_rpc *rpc, ozk_chal_model *m, const uint8_t settlement[20],
                        const uint8_t model_id[32], ozk_rpc_error *e)
{
    uint8_t w[23][32], arg[1][32];
    memcpy(arg[0], model_id, 32);
    int rc = view(rpc, &w[0][0], 23, settlement, "model(bytes32)", &arg[0][0], 1, e);
    if (rc) return rc;
    memset(m, 0, sizeof *m);
    memcpy(m->owner, w[0] + 12, 20);
    memcpy(m->committer, w[1] + 12, 20);
    memcpy(m->payee, w[2] + 12, 20);
    memcpy(m->verifier, w[3] + 12, 20);
    memcpy(m->verifier_code_hash, w[4], 32);
    memcpy(m->vk_hash, w[5], 32);
    memcpy(m->cw_hash, w[6], 32);
    memcpy(m->srs_id, w[7], 32);
    m->protocol_version = w_u64(w[8]);
    memcpy(m->stake, w[9], 32);
    memcpy(m->bond, w[10], 32);
    m->challenge_window = w_u64(w[11]);
    m->response_window = w_u64(w[12]);
    m->insecure = w[13][31] != 0;
    m->frozen = w[14][31] != 0;
    m->exiting = w[15][31] != 0;
    m->verify_gas = w_u64(w[16]);
    m->respond_gas = w_u64(w[17]);
    memcpy(m->proving_cost, w[18], 32);
    m->next_seq = w_u64(w[19]);
    m->last_commit_ts = w_u64(w[20]);
    m->exit_ts = w_u64(w[21]);
    m->open_challenges = w_u64(w[22]);
    return 0;
}

int ozk_chal_read_batch(ozk_rpc *rpc, ozk_chal_batch *b, const uint8_t settlement[20],
                        const uint8_t model_id[32], uint64_t seq, ozk_rpc_error *e)
{
    uint8_t w[6][32], args[2][32];
    memcpy(args[0], model_id, 32);
    u64_w(args[1], seq);
    int rc = view(rpc, &w[0][0], 6, settlement, "batch(bytes32,uint256)", &args[0][0], 2, e);
    if (rc) return rc;
    memcpy(b->root, w[0], 32);
    b->count = w_u64(w[1]);
    b->commit_ts = w_u64(w[2]);
    b->challenge_window = w_u64(w[3]);
    b->response_window = w_u64(w[4]);
    memcpy(b->bond, w[5], 32);
    return 0;
}

int ozk_chal_read_record_status(ozk_rpc *rpc, int *status, const uint8_t settlement[20],
                                const uint8_t model_id[32], uint64_t seq, uint64_t index,
                                ozk_rpc_error *e)
{
    uint8_t w[32], args[3][32];
    memcpy(args[0], model_id, 32);
    u64_w(args[1], seq);
    u64_w(args[2], index);
    int rc =
        view(rpc, w, 1, settlement, "recordStatus(bytes32,uint256,uint256)", &args[0][0], 3, e);
    if (rc) return rc;
    uint64_t s = w_u64(w);
    if (s > OZK_REC_FINAL) return proto_err(e, "recordStatus returned %llu", (unsigned long long)s);
    *status = (int)s;
    return 0;
}

int ozk_chal_read_challenge(ozk_rpc *rpc, ozk_chal_info *c, const uint8_t settlement[20],
                            uint64_t id, ozk_rpc_error *e)
{
    uint8_t w[7][32], arg[1][32];
    u64_w(arg[0], id);
    int rc = view(rpc, &w[0][0], 7, settlement, "challengeInfo(uint256)", &arg[0][0], 1, e);
    if (rc) return rc;
    memset(c, 0, sizeof *c);
    memcpy(c->model_id, w[0], 32);
    memcpy(c->key, w[1], 32);
    memcpy(c->challenger, w[2] + 12, 20);
    c->deadline = w_u64(w[3]);
    uint64_t kind = w_u64(w[4]), status = w_u64(w[5]);
    if (kind > OZK_KIND_RECEIPT || status > OZK_CH_TIMED_OUT)
        return proto_err(e, "challengeInfo returned kind %llu, status %llu",
                         (unsigned long long)kind, (unsigned long long)status);
    c->kind = (int)kind;
    c->status = (int)status;
    memcpy(c->bond, w[6], 32);
    return 0;
}

int ozk_chal_read_credits(ozk_rpc *rpc, uint8_t wei[32], const uint8_t settlement[20],
                          const uint8_t account[20], ozk_rpc_error *e)
{
    uint8_t arg[1][32];
    addr_w(arg[0], account);
    return view(rpc, wei, 1, settlement, "credits(address)", &arg[0][0], 1, e);
}

int ozk_chal_read_count(ozk_rpc *rpc, uint64_t *n, const uint8_t settlement[20], ozk_rpc_error *e)
{
    uint8_t w[32];
    int rc = view(rpc, w, 1, settlement, "challengeCount()", NULL, 0, e);
    if (!rc) *n = w_u64(w);
    return rc;
}

int ozk_chal_read_committer(ozk_rpc *rpc, int *was, uint64_t *revoked_at,
                            const uint8_t settlement[20], const uint8_t model_id[32],
                            const uint8_t addr[20], ozk_rpc_error *e)
{
    uint8_t w[32], args[2][32];
    memcpy(args[0], model_id, 32);
    addr_w(args[1], addr);
    int rc = view(rpc, w, 1, settlement, "wasCommitter(bytes32,address)", &args[0][0], 2, e);
    if (rc) return rc;
    *was = w[31] != 0;
    rc = view(rpc, w, 1, settlement, "revokedAt(bytes32,address)", &args[0][0], 2, e);
    if (!rc) *revoked_at = w_u64(w);
    return rc;
}

int ozk_chal_read_digest(ozk_rpc *rpc, uint8_t digest[32], const uint8_t settlement[20],
                         const ozk_receipt *r, ozk_rpc_error *e)
{
    uint8_t data[4 + 7 * 32];
    ozk_abi_selector(data,
                     "receiptDigest((uint256,address,bytes32,bytes32,bytes32,bytes32,uint64))");
    u64_w(data + 4, r->chain_id);
    addr_w(data + 36, r->settlement);
    memcpy(data + 68, r->model_id, 32);
    memcpy(data + 100, r->request_id, 32);
    memcpy(data + 132, r->x_hash, 32);
    memcpy(data + 164, r->y_hash, 32);
    u64_w(data + 196, r->deadline);
    uint8_t *ret = NULL;
    size_t len = 0;
    int rc = ozk_rpc_eth_call(rpc, &ret, &len, settlement, data, sizeof data, e);
    if (rc) return rc;
    if (len != 32) {
        free(ret);
        return proto_err(e, "receiptDigest returned %zu bytes, not 32", len);
    }
    memcpy(digest, ret, 32);
    free(ret);
    return 0;
}

static json_t *hex_json(const uint8_t *b, size_t n)
{
    char *s = malloc(2 * n + 3);
    if (!s) return NULL;
    s[0] = '0', s[1] = 'x';
    ozk_hex_encode(s + 2, b, n);
    json_t *j = json_string(s);
    free(s);
    return j;
}

/* a 256-bit number as a JSON-RPC quantity ("0x0", "0x1f", no leading zero) */
static json_t *qty_json(const uint8_t w[32])
{
    char s[67] = "0x", h[65];
    ozk_hex_encode(h, w, 32);
    const char *p = h;
    while (*p == '0' && p[1]) p++;
    strcat(s, p);
    return json_string(s);
}

int ozk_chal_estimate_gas(ozk_rpc *rpc, uint64_t *gas, const uint8_t from[20], const uint8_t to[20],
                          const uint8_t value[32], const uint8_t *data, size_t len,
                          ozk_rpc_error *e)
{
    json_t *call = json_object(), *params = json_array(), *res = NULL;
    int rc = OZK_ENOMEM;
    if (!call || !params) goto done;
    json_object_set_new(call, "from", hex_json(from, 20));
    json_object_set_new(call, "to", hex_json(to, 20));
    json_object_set_new(call, "value", qty_json(value));
    json_object_set_new(call, "data", hex_json(data, len));
    json_array_append(params, call);
    rc = ozk_rpc_call(rpc, &res, "eth_estimateGas", params, OZK_RPC_STRING, e);
    if (rc) goto done;
    if (ozk_rpc_hex_to_u64(gas, json_string_value(res)))
        rc = proto_err(e, "eth_estimateGas returned a malformed quantity");
done:
    json_decref(res);
    json_decref(call);
    json_decref(params);
    return rc;
}

int ozk_chal_event_id(ozk_rpc *rpc, uint64_t *id, const uint8_t tx_hash[32],
                      const uint8_t settlement[20], ozk_rpc_error *e)
{
    json_t *params = json_array(), *rcpt = NULL;
    if (!params) return OZK_ENOMEM;
    json_array_append_new(params, hex_json(tx_hash, 32));
    int rc = ozk_rpc_call(rpc, &rcpt, "eth_getTransactionReceipt", params, OZK_RPC_OBJECT, e);
    json_decref(params);
    if (rc) return rc;
    uint8_t t_rec[32], t_rcpt[32];
    ozk_abi_event_topic(t_rec,
                        "Challenged(bytes32,uint256,uint256,uint256,bytes32,address,uint256)");
    ozk_abi_event_topic(t_rcpt, "ReceiptChallenged(bytes32,uint256,bytes32,address,uint256)");
    rc = OZK_ENOENT;
    size_t i;
    json_t *log;
    json_array_foreach(json_object_get(rcpt, "logs"), i, log)
    {
        uint8_t addr[20], t0[32], t2[32];
        const char *a = json_string_value(json_object_get(log, "address"));
        json_t *topics = json_object_get(log, "topics");
        const char *s0 = json_string_value(json_array_get(topics, 0));
        const char *s2 = json_string_value(json_array_get(topics, 2));
        if (!a || !s0 || !s2 || ozk_rpc_hex_to_bytes(addr, 20, a) != 20 ||
            memcmp(addr, settlement, 20) || ozk_rpc_hex_to_bytes(t0, 32, s0) != 32 ||
            ozk_rpc_hex_to_bytes(t2, 32, s2) != 32)
            continue;
        if (memcmp(t0, t_rec, 32) && memcmp(t0, t_rcpt, 32)) continue;
        *id = w_u64(t2);
        rc = 0;
        break;
    }
    json_decref(rcpt);
    if (rc) proto_err(e, "the transaction has no Challenged or ReceiptChallenged log");
    return rc;
}

/* The custom errors of Settlement.sol, with what they mean to a challenger. */
static const struct {
    const char *sig, *hint;
} ERRORS[] = {
    { "UnknownModel()", "no such model in this settlement" },
    { "UnknownBatch()", "the chain has no batch with this seq for the model" },
    { "WindowClosed()", "the challenge window has closed" },
    { "WrongBond()", "the value sent is not the bond this batch or model requires" },
    { "BadMerkleProof()", "the record is not in the committed batch (leaf, index or proof)" },
    { "RecordSettled()", "the record is already Proven or Slashed: nothing left to dispute" },
    { "NotOpen()", "the challenge is not open (answered, timed out, or no such challenge)" },
    { "PastDeadline()", "the response deadline has passed" },
    { "BeforeDeadline()", "the response deadline has not passed yet" },
    { "Answered()", "a valid proof answered this record before the deadline" },
    { "TooEarly()", "too early: the receipt's commit deadline has not passed" },
    { "NothingToWithdraw()", "nothing to withdraw: this account has no credits" },
    { "TransferFailed()", "the payment to the --to address failed (a contract that refuses "
                          "ether?)" },
    { "BadReceipt()", "the receipt names another chain or settlement" },
    { "BadSignature()", "the signer is not, or no longer binds as, the model's committer" },
    { "BadPreimage()", "salt, input_q or output_q do not hash to the receipt's x_hash/y_hash" },
    { "WrongKind()", "wrong kind of challenge for this call" },
    { "ModelFrozen()", "the model is frozen (slashed)" },
    { "ModelExiting()", "the model is exiting" },
    { "GasFloor()", "not enough gas" },
    { "ProofRejected()", "the verifier rejected the proof" },
    { "VerifierCodeHash()", "the verifier's code changed" },
};

void ozk_chal_revert_text(char *out, size_t cap, const ozk_rpc_error *e)
{
    if (e->kind == OZK_RPC_ERR_REMOTE && e->has_data) {
        if (ozk_revert_decode(out, cap, e->data, e->data_len)) return;
        for (size_t i = 0; e->data_len >= 4 && i < sizeof ERRORS / sizeof *ERRORS; i++) {
            uint8_t sel[4];
            ozk_abi_selector(sel, ERRORS[i].sig);
            if (memcmp(sel, e->data, 4)) continue;
            snprintf(out, cap, "reverted %s: %s", ERRORS[i].sig, ERRORS[i].hint);
            return;
        }
    }
    snprintf(out, cap, "%s", e->message);
}

/* ---- calldata -------------------------------------------------------------------------------- */

static ozk_abi_value v_b32(const uint8_t b[32])
{
    ozk_abi_value v;
    memset(&v, 0, sizeof v);
    v.kind = OZK_ABI_FIXED_BYTES;
    memcpy(v.word, b, 32);
    return v;
}

static ozk_abi_value v_u64(uint64_t x)
{
    ozk_abi_value v;
    memset(&v, 0, sizeof v);
    ozk_abi_value_u64(&v, x);
    return v;
}

static ozk_abi_value v_bytes(const uint8_t *b, size_t len)
{
    ozk_abi_value v;
    memset(&v, 0, sizeof v);
    v.kind = OZK_ABI_BYTES;
    v.bytes = (uint8_t *)(uintptr_t)b; /* borrowed: encoding only reads it */
    v.len = len;
    return v;
}

int ozk_chal_calldata_challenge(uint8_t **out, size_t *len, const ozk_chal_receipt *r)
{
    if (!r->has_batch || !r->batch.has_proof) return OZK_EINVAL;
    ozk_abi_value sib[OZK_MERKLE_MAX_DEPTH];
    for (size_t k = 0; k < r->batch.depth; k++) sib[k] = v_b32(r->batch.proof[k]);
    ozk_abi_value arr;
    memset(&arr, 0, sizeof arr);
    arr.kind = OZK_ABI_ARRAY;
    arr.items = sib;
    arr.n = r->batch.depth;
    ozk_abi_value a[8] = { v_b32(r->model_id),      v_u64(r->batch.seq),
                           v_u64(r->batch.index),   v_b32(r->request_id),
                           v_b32(r->salt),          v_bytes(r->x, r->x_len),
                           v_bytes(r->y, r->y_len), arr };
    ozk_abi_value args;
    memset(&args, 0, sizeof args);
    args.kind = OZK_ABI_TUPLE;
    args.items = a;
    args.n = 8;
    return ozk_abi_calldata(out, len,
                            "challenge(bytes32,uint256,uint256,bytes32,bytes32,bytes,bytes,"
                            "bytes32[])",
                            &args);
}

int ozk_chal_calldata_receipt(uint8_t **out, size_t *len, const ozk_chal_receipt *r)
{
    ozk_abi_value f[7] = { v_u64(r->chain_id),       v_u64(0),         v_b32(r->model_id),
                           v_b32(r->request_id),     v_b32(r->x_hash), v_b32(r->y_hash),
                           v_u64(r->commit_deadline) };
    ozk_abi_value_address(&f[1], r->settlement);
    ozk_abi_value rec;
    memset(&rec, 0, sizeof rec);
    rec.kind = OZK_ABI_TUPLE;
    rec.items = f;
    rec.n = 7;
    ozk_abi_value a[5] = { rec, v_bytes(r->signature, 65), v_b32(r->salt), v_bytes(r->x, r->x_len),
                           v_bytes(r->y, r->y_len) };
    ozk_abi_value args;
    memset(&args, 0, sizeof args);
    args.kind = OZK_ABI_TUPLE;
    args.items = a;
    args.n = 5;
    return ozk_abi_calldata(out, len,
                            "challengeReceipt((uint256,address,bytes32,bytes32,bytes32,bytes32,"
                            "uint64),bytes,bytes32,bytes,bytes)",
                            &args);
}

void ozk_chal_calldata_resolve(uint8_t out[36], uint64_t id)
{
    ozk_abi_selector(out, "resolveTimeout(uint256)");
    u64_w(out + 4, id);
}

void ozk_chal_calldata_withdraw(uint8_t out[36], const uint8_t to[20])
{
    ozk_abi_selector(out, "withdrawCredits(address)");
    addr_w(out + 4, to);
}

void ozk_chal_wei_text(char out[128], const uint8_t wei[32])
{
    /* decimal by repeated division of the 256-bit number by 10 */
    uint8_t n[32];
    memcpy(n, wei, 32);
    char dec[80];
    size_t k = 0;
    int zero;
    do {
        unsigned rem = 0;
        zero = 1;
        for (int i = 0; i < 32; i++) {
            unsigned cur = rem << 8 | n[i];
            n[i] = (uint8_t)(cur / 10);
            rem = cur % 10;
            if (n[i]) zero = 0;
        }
        dec[k++] = (char)('0' + rem);
    } while (!zero && k < 79);
    /* dec holds the digits in reverse */
    char d[80];
    for (size_t i = 0; i < k; i++) d[i] = dec[k - 1 - i];
    d[k] = '\0';
    char whole[80], frac[19];
    if (k > 18) {
        memcpy(whole, d, k - 18);
        whole[k - 18] = '\0';
        memcpy(frac, d + k - 18, 19);
    } else {
        strcpy(whole, "0");
        memset(frac, '0', 18 - k);
        memcpy(frac + 18 - k, d, k + 1);
    }
    size_t f = 18;
    while (f > 0 && frac[f - 1] == '0') frac[--f] = '\0';
    snprintf(out, 128, "%s wei (%s%s%s ETH)", d, whole, f ? "." : "", frac);
}
