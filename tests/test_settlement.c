/*
 * tests/test_settlement.c: the settlement contract end to end, on a real anvil, with the real
 * contracts and the real prover (docs/contracts.md, "The settlement contract").
 *
 * The digits MLP on a dev SRS: the vk is built, the verifier generated (ozk__sol_generate, what
 * `ozk gen-verifier --insecure-dev-srs` writes), compiled with the pinned solc-js (via-IR, like
 * tests/test_genverifier.c) and deployed; contracts/src/Settlement.sol is compiled with the
 * settings of contracts/foundry.toml (imports from contracts/src and contracts/node_modules) and
 * deployed with short windows and insecure verifiers allowed (chain id 31337). Both compiles run
 * in the background while the records are computed and proven.
 *
 * Then: registerModel (its constants checked against the verifier) and addStake; an honest batch
 * committed, one record challenged with its preimages, Merkle proof and bond, answered by the
 * operator with an ozk_prove proof in a real respond transaction (Answered, the bond credited to
 * the payee, the record Proven); a batch with a dishonest record (one output changed) committed
 * and challenged, respond with the proof of the honest y reverting ProofRejected, time moved past
 * the deadline, resolveTimeout crediting the challenger its bond plus half the stake, the model
 * frozen (commitBatch reverts ModelFrozen). The accounting invariant and the contract's balance
 * are checked at the end. The gas of commitBatch, challenge, respond and resolveTimeout is read
 * from their receipts and printed.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "anvil.h"
#include "ozk/abi.h"
#include "ozk/error.h"
#include "ozk/hex.h"
#include "ozk/keccak.h"
#include "ozk/merkle.h"
#include "ozk/model.h"
#include "ozk/proof.h"
#include "ozk/sender.h"
#include "ozk/solc.h"
#include "ozk/srs.h"
#include "../verifier/solidity_internal.h"
#include "chain_testutil.h"
#include "testutil.h"

#define SRS_LOG  15
#define CHAIN_ID 31337
#define ETHER    1000000000000000000ULL
#define GWEI     1000000000ULL

/* anvil's dev accounts 0 (owner, committer, operator) and 1 (challenger) */
static const char KEY_OPERATOR[] =
    "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
static const char KEY_CHALLENGER[] =
    "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
static const char PAYEE[] = "3c44cdddb6a900fa2b585dd299e03d12fa4293bc";     /* account 2 */
static const char BURN_SINK[] = "90f79bf6eb2c4f870365e785982e1f101e93b906"; /* account 3 */

/* the settlement's terms for this test */
#define MIN_STAKE       (1 * ETHER)
#define MIN_BOND        (GWEI * 1000000) /* 0.001 ether */
#define MAX_BOND        (1 * ETHER)
#define CHALLENGE_WIN   3600
#define RESPONSE_WIN    600
#define SHARE_BPS       5000
#define GAS_PRICE       GWEI
#define PROVING_COST    (GWEI * 1000000)
#define N_HONEST        4 /* records of batch 0; record 1 is challenged */
#define N_MIXED         3 /* records of batch 1; record 2 is dishonest */
#define HONEST_INDEX    1
#define DISHONEST_INDEX 2

enum { CH_NONE, CH_OPEN, CH_ANSWERED, CH_TIMEDOUT };
enum { RS_NONE, RS_COMMITTED, RS_CHALLENGED, RS_PROVEN, RS_SLASHED, RS_FINAL };
enum { BS_NONE, BS_CHALLENGEABLE, BS_CLOSED };

static ozk_srs g_srs;
static struct anvil *g_anvil; /* the running anvil, for teardown */

/* ---- ABI values ------------------------------------------------------------------------------ */

/* a - b for two 256-bit big-endian words with a >= b and a small difference (balances: anvil's
 * accounts hold 10^22 wei, more than 64 bits) */
static uint64_t word_diff(const uint8_t *a, const uint8_t *b)
{
    uint8_t d[32];
    int borrow = 0;
    for (int i = 31; i >= 0; i--) {
        int x = a[i] - b[i] - borrow;
        borrow = x < 0;
        d[i] = (uint8_t)(x + (borrow ? 256 : 0));
    }
    assert_int_equal(borrow, 0);
    return test_word_u64(d);
}

static void u64_be32(uint8_t out[32], uint64_t x)
{
    memset(out, 0, 32);
    for (int i = 0; i < 8; i++) out[31 - i] = (uint8_t)(x >> (8 * i));
}

/* ---- compiling ------------------------------------------------------------------------------- */

/* ---- the chain ------------------------------------------------------------------------------- */

typedef struct {
    ozk_rpc *rpc;
    ozk_sender *s;
    uint8_t addr[20];
} actor;

typedef struct {
    struct anvil a;
    actor op, ch; /* the operator (owner, committer), the challenger */
} chain;

static void actor_open(actor *ac, struct anvil *a, const char *hexkey)
{
    ozk_rpc_config rcfg;
    ozk_rpc_config_default(&rcfg);
    rcfg.url = a->url;
    ozk_rpc_error e;
    assert_int_equal(ozk_rpc_open(&ac->rpc, &rcfg, &e), 0);
    ozk_key key;
    assert_int_equal(ozk_key_from_hex(&key, hexkey, strlen(hexkey), NULL, 0), 0);
    ozk_sender_config scfg;
    ozk_sender_config_default(&scfg);
    scfg.poll_ms = 20;
    assert_int_equal(ozk_sender_open(&ac->s, ac->rpc, &key, &scfg, &e), 0);
    ozk_key_wipe(&key);
    ozk_sender_address(ac->s, ac->addr);
    assert_int_equal(ozk_sender_chain_id(ac->s), CHAIN_ID);
}

static void actor_close(actor *ac)
{
    ozk_sender_close(ac->s);
    ozk_rpc_close(ac->rpc);
}

/* a transaction from ac (to NULL: a create), confirmed; returns its receipt's gas */
static uint64_t tx_ok(actor *ac, const uint8_t *to, uint64_t value, const uint8_t *data, size_t len,
                      uint64_t gas_limit, uint8_t hash[32])
{
    ozk_tx_status st;
    test_sender_tx_ok(ac->s, to, value, data, len, gas_limit, 10000, &st, hash);
    return st.gas_used;
}

/* a call that must revert with the custom error errsig ("ProofRejected()"): the sender's gas
 * estimate fails with the node's revert data, and nothing is broadcast */
static void tx_reverts(actor *ac, const uint8_t to[20], uint64_t value, const uint8_t *data,
                       size_t len, const char *errsig)
{
    ozk_send_request req;
    memset(&req, 0, sizeof req);
    req.has_to = 1;
    memcpy(req.to, to, 20);
    u64_be32(req.value, value);
    req.data = data;
    req.data_len = len;
    ozk_sent_tx t;
    ozk_rpc_error e;
    int rc = ozk_sender_send(ac->s, &t, &req, &e);
    if (rc == 0) {
        ozk_sent_tx_clear(&t);
        fail_msg("expected a revert %s, the transaction was sent", errsig);
    }
    assert_int_equal(rc, OZK_EIO);
    assert_int_equal(e.kind, OZK_RPC_ERR_REMOTE);
    uint8_t sel[4];
    ozk_abi_selector(sel, errsig);
    if (!e.has_data || e.data_len < 4 || memcmp(e.data, sel, 4))
        fail_msg("expected %s, got: %s", errsig, e.message);
}

static void rpc0(actor *ac, const char *method, json_t *params)
{
    json_t *res = NULL;
    ozk_rpc_error e;
    int rc = ozk_rpc_call(ac->rpc, &res, method, params, OZK_RPC_ANY, &e);
    if (rc) fail_msg("%s: %s", method, e.message);
    json_decref(res);
    json_decref(params);
}

static void deploy(actor *ac, uint8_t addr[20], const uint8_t *code, size_t len, uint64_t *gas)
{
    uint8_t h[32];
    uint64_t g = tx_ok(ac, NULL, 0, code, len, 0, h);
    if (gas) *gas = g;
    char hs[67] = "0x";
    ozk_hex_encode(hs + 2, h, 32);
    json_t *rec = NULL, *params = json_pack("[s]", hs);
    ozk_rpc_error e;
    assert_int_equal(
        ozk_rpc_call(ac->rpc, &rec, "eth_getTransactionReceipt", params, OZK_RPC_OBJECT, &e), 0);
    json_decref(params);
    const char *ca = json_string_value(json_object_get(rec, "contractAddress"));
    assert_non_null(ca);
    assert_int_equal(ozk_rpc_hex_to_bytes(addr, 20, ca), 20);
    json_decref(rec);
}

/* keccak256 of the code at addr (its EXTCODEHASH) */
static void code_hash(actor *ac, uint8_t out[32], const uint8_t addr[20])
{
    char as[43] = "0x";
    ozk_hex_encode(as + 2, addr, 20);
    json_t *res = NULL, *params = json_pack("[s,s]", as, "latest");
    ozk_rpc_error e;
    assert_int_equal(ozk_rpc_call(ac->rpc, &res, "eth_getCode", params, OZK_RPC_STRING, &e), 0);
    json_decref(params);
    const char *hex = json_string_value(res);
    size_t cap = strlen(hex) / 2;
    uint8_t *code = malloc(cap + 1);
    assert_non_null(code);
    long n = ozk_rpc_hex_to_bytes(code, cap, hex);
    assert_true(n > 0);
    ozk_keccak256(out, code, (size_t)n);
    free(code);
    json_decref(res);
}

/* a view through eth_call; the returned bytes in out (exactly want bytes) */
static void view(chain *c, const uint8_t to[20], const char *sig, ozk_abi_value *items, size_t n,
                 uint8_t *out, size_t want)
{
    size_t len, outlen = 0;
    uint8_t *data = test_calldata(&len, sig, items, n);
    char as[43] = "0x";
    ozk_hex_encode(as + 2, to, 20);
    int rc = anvil_eth_call(&c->a, as, data, len, out, want, &outlen);
    free(data);
    if (rc != 1) fail_msg("eth_call %s: %d", sig, rc);
    assert_int_equal(outlen, want);
}

static uint64_t view_u64(chain *c, const uint8_t to[20], const char *sig, ozk_abi_value *items,
                         size_t n)
{
    uint8_t w[32];
    view(c, to, sig, items, n, w, 32);
    return test_word_u64(w);
}

static uint64_t credits_of(chain *c, const uint8_t *settle, const uint8_t who[20])
{
    ozk_abi_value a = tv_addr(who);
    return view_u64(c, settle, "credits(address)", &a, 1);
}

static uint64_t record_status(chain *c, const uint8_t *settle, const uint8_t mid[32], uint64_t seq,
                              uint64_t index)
{
    ozk_abi_value a[3] = { tv_b32(mid), tv_u64(seq), tv_u64(index) };
    return view_u64(c, settle, "recordStatus(bytes32,uint256,uint256)", a, 3);
}

/* challengeInfo: modelId, key, challenger, deadline, kind, status, bond */
static void challenge_info(chain *c, const uint8_t *settle, uint64_t id, uint8_t w[7 * 32])
{
    ozk_abi_value a = tv_u64(id);
    view(c, settle, "challengeInfo(uint256)", &a, 1, w, 7 * 32);
}

/* model(bytes32): the 23 words of struct Model */
enum {
    M_OWNER,
    M_COMMITTER,
    M_PAYEE,
    M_VERIFIER,
    M_CODEHASH,
    M_VKHASH,
    M_CWHASH,
    M_SRSID,
    M_PROTOCOL,
    M_STAKE,
    M_BOND,
    M_CWIN,
    M_RWIN,
    M_INSECURE,
    M_FROZEN,
    M_EXITING,
    M_VERIFYGAS,
    M_RESPONDGAS,
    M_PROVINGCOST,
    M_NEXTSEQ,
    M_LASTCOMMIT,
    M_EXITTS,
    M_OPEN,
    M_WORDS
};

static void model_info(chain *c, const uint8_t *settle, const uint8_t mid[32],
                       uint8_t w[M_WORDS * 32])
{
    ozk_abi_value a = tv_b32(mid);
    view(c, settle, "model(bytes32)", &a, 1, w, M_WORDS * 32);
}

/* ---- records --------------------------------------------------------------------------------- */

typedef struct {
    uint8_t request_id[32], salt[32];
    uint8_t *x, *y;
    uint8_t leaf[32];
} record;

/* y = f(x), computed by running the model (the operator's inference) */
static void infer(const ozk_model *m, const ozk_vk *vk, const uint8_t *x, uint8_t *y)
{
    size_t xlen = ozk_vk_input_bytes(vk);
    uint32_t nout = ozk_vk_output_len(vk);
    int8_t *q = malloc(xlen);
    int32_t *out = malloc(nout * sizeof *out);
    void *work = malloc(ozk_model_work_size(m));
    assert_non_null(q);
    assert_non_null(out);
    assert_non_null(work);
    assert_int_equal(ozk_model_decode_input(m, q, x, xlen), 0);
    ozk_model_infer(m, out, q, work);
    ozk_model_encode_output(m, y, out);
    free(q);
    free(out);
    free(work);
}

static void make_records(record *r, size_t n, const ozk_model *m, const ozk_vk *vk)
{
    size_t xlen = ozk_vk_input_bytes(vk), ylen = ozk_vk_output_bytes(vk);
    for (size_t i = 0; i < n; i++) {
        test_rand_bytes(r[i].request_id, 32);
        test_rand_bytes(r[i].salt, 32);
        r[i].x = malloc(xlen);
        r[i].y = malloc(ylen);
        assert_non_null(r[i].x);
        assert_non_null(r[i].y);
        test_rand_bytes(r[i].x, xlen);
        infer(m, vk, r[i].x, r[i].y);
    }
}

static void free_records(record *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(r[i].x);
        free(r[i].y);
    }
}

/* the leaves (for this settlement and model) and the root */
static void seal_batch(record *r, size_t n, const ozk_vk *vk, const uint8_t settle[20],
                       const uint8_t mid[32], uint8_t root[32])
{
    size_t xlen = ozk_vk_input_bytes(vk), ylen = ozk_vk_output_bytes(vk);
    uint8_t(*leaves)[32] = malloc(n * 32);
    assert_non_null(leaves);
    for (size_t i = 0; i < n; i++) {
        ozk_merkle_record mr;
        memset(&mr, 0, sizeof mr);
        mr.version = 1;
        mr.chain_id = CHAIN_ID;
        memcpy(mr.settlement, settle, 20);
        memcpy(mr.model_id, mid, 32);
        memcpy(mr.request_id, r[i].request_id, 32);
        ozk_merkle_salted_hash(mr.x_hash, r[i].salt, r[i].x, xlen);
        ozk_merkle_salted_hash(mr.y_hash, r[i].salt, r[i].y, ylen);
        ozk_merkle_leaf(r[i].leaf, &mr);
        memcpy(leaves[i], r[i].leaf, 32);
    }
    assert_int_equal(ozk_merkle_root(root, (const uint8_t(*)[32])leaves, n), 0);
    free(leaves);
}

static uint64_t commit_batch(chain *c, const uint8_t *settle, const uint8_t mid[32], uint64_t seq,
                             const uint8_t root[32], uint64_t count)
{
    ozk_abi_value a[4] = { tv_b32(mid), tv_u64(seq), tv_b32(root), tv_u64(count) };
    size_t len;
    uint8_t *data = test_calldata(&len, "commitBatch(bytes32,uint256,bytes32,uint256)", a, 4);
    uint64_t gas = tx_ok(&c->op, settle, 0, data, len, 0, NULL);
    free(data);
    return gas;
}

/* the challenge calldata for record index of the batch r[0..n) */
static uint8_t *challenge_data(size_t *len, const record *r, size_t n, size_t index,
                               const uint8_t *y, const ozk_vk *vk, const uint8_t mid[32],
                               uint64_t seq)
{
    uint8_t leaves[8][32], proof[OZK_MERKLE_MAX_DEPTH][32];
    assert_true(n <= 8);
    for (size_t i = 0; i < n; i++) memcpy(leaves[i], r[i].leaf, 32);
    int depth;
    assert_int_equal(ozk_merkle_proof(proof, &depth, (const uint8_t(*)[32])leaves, n, index), 0);
    ozk_abi_value sib[OZK_MERKLE_MAX_DEPTH];
    for (int k = 0; k < depth; k++) sib[k] = tv_b32(proof[k]);
    ozk_abi_value arr;
    memset(&arr, 0, sizeof arr);
    arr.kind = OZK_ABI_ARRAY;
    arr.items = sib;
    arr.n = (size_t)depth;
    ozk_abi_value a[8] = { tv_b32(mid),
                           tv_u64(seq),
                           tv_u64(index),
                           tv_b32(r[index].request_id),
                           tv_b32(r[index].salt),
                           tv_bytes(r[index].x, ozk_vk_input_bytes(vk)),
                           tv_bytes(y, ozk_vk_output_bytes(vk)),
                           arr };
    return test_calldata(
        len, "challenge(bytes32,uint256,uint256,bytes32,bytes32,bytes,bytes,bytes32[])", a, 8);
}

static uint8_t *respond_data(size_t *len, uint64_t id, const uint8_t *proof, size_t plen)
{
    ozk_abi_value a[2] = { tv_u64(id), tv_bytes(proof, plen) };
    return test_calldata(len, "respond(uint256,bytes)", a, 2);
}

/* keccak256(abi.encode(modelId, seq, index)) */
static void record_key(uint8_t out[32], const uint8_t mid[32], uint64_t seq, uint64_t index)
{
    uint8_t buf[96];
    memcpy(buf, mid, 32);
    u64_be32(buf + 32, seq);
    u64_be32(buf + 64, index);
    ozk_keccak256(out, buf, sizeof buf);
}

/* totalStakes + totalBonds + totalCredits + totalBurned == totalDeposits - totalWithdrawn, and
 * the balance is that minus burnFlushed */
static void check_accounting(chain *c, const uint8_t *settle)
{
    uint64_t st = view_u64(c, settle, "totalStakes()", NULL, 0);
    uint64_t bo = view_u64(c, settle, "totalBonds()", NULL, 0);
    uint64_t cr = view_u64(c, settle, "totalCredits()", NULL, 0);
    uint64_t bu = view_u64(c, settle, "totalBurned()", NULL, 0);
    uint64_t de = view_u64(c, settle, "totalDeposits()", NULL, 0);
    uint64_t wi = view_u64(c, settle, "totalWithdrawn()", NULL, 0);
    uint64_t fl = view_u64(c, settle, "burnFlushed()", NULL, 0);
    assert_true(st + bo + cr + bu == de - wi);
    uint8_t bal[32];
    ozk_rpc_error e;
    assert_int_equal(ozk_rpc_get_balance(c->op.rpc, bal, settle, &e), 0);
    assert_true(test_word_u64(bal) == de - wi - fl);
}

/* ---- the test -------------------------------------------------------------------------------- */

static void test_settlement(void **state)
{
    (void)state;
    char err[256];

    /* the model, its vk and verifier source; both compiles start in the background */
    char path[512];
    snprintf(path, sizeof path, "%s/models/digits-mlp.ozkm", OZK_FIXTURES);
    size_t mlen;
    uint8_t *mbuf = test_read_file(path, &mlen);
    ozk_model *m;
    if (ozk_model_decode(&m, mbuf, mlen, err, sizeof err)) fail_msg("%s: %s", path, err);
    free(mbuf);
    ozk_vk *vk;
    if (ozk_vk_build(&vk, m, &g_srs, 0, err, sizeof err)) fail_msg("vk: %s", err);
    assert_int_equal(ozk_vk_insecure(vk), 1);
    size_t xlen = ozk_vk_input_bytes(vk), ylen = ozk_vk_output_bytes(vk);
    char *src;
    size_t slen;
    assert_int_equal(ozk__sol_generate(&src, &slen, vk), 0);
    test_compile_job cj_v, cj_s;
    test_compile_start(&cj_v, OZK_SOLC_VERIFIER, src);
    test_compile_start(&cj_s, OZK_SOLC_SETTLEMENT, NULL);

    /* the records: batch 0 all honest, batch 1 with record 2 dishonest (one output changed) */
    record b0[N_HONEST], b1[N_MIXED];
    make_records(b0, N_HONEST, m, vk);
    make_records(b1, N_MIXED, m, vk);
    uint8_t *honest_y = malloc(ylen);
    assert_non_null(honest_y);
    memcpy(honest_y, b1[DISHONEST_INDEX].y, ylen);
    {
        int32_t *out = malloc(ozk_vk_output_len(vk) * sizeof *out);
        assert_non_null(out);
        assert_int_equal(ozk_model_decode_output(m, out, b1[DISHONEST_INDEX].y, ylen), 0);
        out[0] += 1;
        ozk_model_encode_output(m, b1[DISHONEST_INDEX].y, out);
        free(out);
    }
    assert_memory_not_equal(honest_y, b1[DISHONEST_INDEX].y, ylen);

    /* the operator's proofs: of the honest record it will be challenged on, and of the dishonest
     * record's x (which can only give the honest y) */
    uint8_t *proof, *proof_h, *y1 = malloc(ylen);
    size_t plen, plen_h;
    assert_non_null(y1);
    if (ozk_prove(&proof, &plen, y1, m, vk, &g_srs, b0[HONEST_INDEX].x, xlen, NULL, err,
                  sizeof err))
        fail_msg("prove: %s", err);
    assert_memory_equal(y1, b0[HONEST_INDEX].y, ylen); /* inference and prover agree */
    assert_int_equal(
        ozk_verify(vk, b0[HONEST_INDEX].x, xlen, y1, ylen, proof, plen, err, sizeof err), 1);
    if (ozk_prove(&proof_h, &plen_h, y1, m, vk, &g_srs, b1[DISHONEST_INDEX].x, xlen, NULL, err,
                  sizeof err))
        fail_msg("prove: %s", err);
    assert_memory_equal(y1, honest_y, ylen);
    assert_int_not_equal(ozk_verify(vk, b1[DISHONEST_INDEX].x, xlen, b1[DISHONEST_INDEX].y, ylen,
                                    proof_h, plen_h, err, sizeof err),
                         1);

    /* the compiled contracts */
    test_compile_wait(&cj_v);
    test_compile_wait(&cj_s);
    free(src);
    uint8_t *vcode = cj_v.out.creation, *scode = cj_s.out.creation;
    size_t vcode_len = cj_v.out.creation_len, scode_len = cj_s.out.creation_len;
    size_t vrt_len = cj_v.out.runtime_len, srt_len = cj_s.out.runtime_len;
    printf("verifier %zu bytes deployed, Settlement %zu bytes deployed, proof %zu bytes\n", vrt_len,
           srt_len, plen);
    assert_true(vrt_len < 24576);
    assert_true(srt_len < 24576);

    static chain c; /* static: teardown stops anvil when an assertion leaves the test */
    memset(&c, 0, sizeof c);
    g_anvil = &c.a;
    assert_int_equal(anvil_start(&c.a), 0);
    actor_open(&c.op, &c.a, KEY_OPERATOR);
    actor_open(&c.ch, &c.a, KEY_CHALLENGER);
    uint8_t payee[20], sink[20];
    assert_int_equal(ozk_hex_decode(payee, 20, PAYEE), 20);
    assert_int_equal(ozk_hex_decode(sink, 20, BURN_SINK), 20);

    /* ---- 1. the verifier and the settlement ---- */
    uint8_t verifier[20], vhash[32], w[M_WORDS * 32];
    deploy(&c.op, verifier, vcode, vcode_len, NULL);
    code_hash(&c.op, vhash, verifier);
    view(&c, verifier, "VK_HASH()", NULL, 0, w, 32);
    assert_memory_equal(w, ozk_vk_hash(vk), 32);
    view(&c, verifier, "CW_HASH()", NULL, 0, w, 32);
    assert_memory_equal(w, ozk_vk_cw_hash(vk), 32);
    view(&c, verifier, "SRS_ID()", NULL, 0, w, 32);
    assert_memory_equal(w, ozk_vk_srs_id(vk), 32);
    assert_int_equal(view_u64(&c, verifier, "INSECURE()", NULL, 0), 1);
    uint64_t protocol = view_u64(&c, verifier, "PROTOCOL_VERSION()", NULL, 0);

    /* the verifier's gas, measured by a transaction (not an estimate: design.md pitfall 11) */
    uint64_t verify_gas;
    {
        ozk_abi_value a[3] = { tv_bytes(proof, plen), tv_bytes(b0[HONEST_INDEX].x, xlen),
                               tv_bytes(b0[HONEST_INDEX].y, ylen) };
        size_t len;
        uint8_t *data = test_calldata(&len, "verify(bytes,bytes,bytes)", a, 3);
        verify_gas = tx_ok(&c.op, verifier, 0, data, len, 10000000, NULL);
        free(data);
    }
    uint64_t respond_gas = 2 * verify_gas; /* the respond transaction's limit and its term */
    uint64_t bond = 2 * respond_gas * GAS_PRICE + PROVING_COST;
    assert_true(bond >= MIN_BOND && bond <= MAX_BOND);

    uint8_t settle[20];
    {
        ozk_abi_value bi[9] = { tv_u64(MIN_STAKE),     tv_u64(MIN_BOND),     tv_u64(MAX_BOND),
                                tv_u64(CHALLENGE_WIN), tv_u64(RESPONSE_WIN), tv_u64(SHARE_BPS),
                                tv_addr(sink),         tv_bool(1),           tv_u64(GAS_PRICE) };
        ozk_abi_value bounds = { .kind = OZK_ABI_TUPLE, .items = bi, .n = 9 };
        ozk_abi_value args = { .kind = OZK_ABI_TUPLE, .items = &bounds, .n = 1 };
        ozk_abi_type *t;
        assert_int_equal(
            ozk_abi_type_parse(&t, "((uint256,uint256,uint256,uint64,uint64,uint16,address,bool,"
                                   "uint256))"),
            0);
        uint8_t *enc;
        size_t elen;
        assert_int_equal(ozk_abi_encode(&enc, &elen, t, &args), 0);
        ozk_abi_type_free(t);
        assert_int_equal(elen, 9 * 32);
        uint8_t *init = malloc(scode_len + elen);
        assert_non_null(init);
        memcpy(init, scode, scode_len);
        memcpy(init + scode_len, enc, elen);
        uint64_t g;
        deploy(&c.op, settle, init, scode_len + elen, &g);
        printf("Settlement deployment gas %llu\n", (unsigned long long)g);
        free(init);
        free(enc);
    }
    assert_int_equal(view_u64(&c, settle, "ALLOW_INSECURE()", NULL, 0), 1);
    assert_int_equal(view_u64(&c, settle, "CHALLENGER_SHARE_BPS()", NULL, 0), SHARE_BPS);
    {
        ozk_abi_value a[2] = { tv_u64(respond_gas), tv_u64(PROVING_COST) };
        assert_true(view_u64(&c, settle, "bondFloor(uint256,uint256)", a, 2) == bond);
    }

    /* ---- 2. registerModel (the minimum stake), addStake ---- */
    uint8_t salt[32], mid[32];
    test_rand_bytes(salt, 32);
    {
        uint8_t buf[64] = { 0 };
        memcpy(buf + 12, c.op.addr, 20);
        memcpy(buf + 32, salt, 32);
        ozk_keccak256(mid, buf, 64);
        ozk_abi_value a[2] = { tv_addr(c.op.addr), tv_b32(salt) };
        view(&c, settle, "modelIdOf(address,bytes32)", a, 2, w, 32);
        assert_memory_equal(w, mid, 32);
    }
    const char *reg_sig = "registerModel((bytes32,address,address,address,bytes32,bytes32,bytes32,"
                          "bytes32,uint256,bool,uint96,uint40,uint40,uint64,uint64,uint128))";
    ozk_abi_value pi[16] = { tv_b32(salt),
                             tv_addr(c.op.addr),
                             tv_addr(payee),
                             tv_addr(verifier),
                             tv_b32(vhash),
                             tv_b32(ozk_vk_hash(vk)),
                             tv_b32(ozk_vk_cw_hash(vk)),
                             tv_b32(ozk_vk_srs_id(vk)),
                             tv_u64(protocol),
                             tv_bool(1),
                             tv_u64(bond),
                             tv_u64(CHALLENGE_WIN),
                             tv_u64(RESPONSE_WIN),
                             tv_u64(verify_gas),
                             tv_u64(respond_gas),
                             tv_u64(PROVING_COST) };
    ozk_abi_value params = { .kind = OZK_ABI_TUPLE, .items = pi, .n = 16 };
    size_t len;
    uint8_t *data;
    {
        /* a wrong verifier code hash is refused */
        uint8_t bad[32];
        memcpy(bad, vhash, 32);
        bad[0] ^= 1;
        pi[4] = tv_b32(bad);
        data = test_calldata(&len, reg_sig, &params, 1);
        tx_reverts(&c.op, settle, MIN_STAKE, data, len, "VerifierCodeHash()");
        free(data);
        pi[4] = tv_b32(vhash);
        /* and a stake under the minimum */
        data = test_calldata(&len, reg_sig, &params, 1);
        tx_reverts(&c.op, settle, MIN_STAKE - 1, data, len, "InsufficientStake()");
    }
    uint64_t g = tx_ok(&c.op, settle, MIN_STAKE, data, len, 0, NULL);
    free(data);
    printf("registerModel gas %llu\n", (unsigned long long)g);
    {
        ozk_abi_value a = tv_b32(mid);
        data = test_calldata(&len, "addStake(bytes32)", &a, 1);
        tx_ok(&c.op, settle, MIN_STAKE, data, len, 0, NULL);
        free(data);
    }
    const uint64_t stake = 2 * MIN_STAKE;
    model_info(&c, settle, mid, w);
    assert_memory_equal(w + 32 * M_OWNER + 12, c.op.addr, 20);
    assert_memory_equal(w + 32 * M_COMMITTER + 12, c.op.addr, 20);
    assert_memory_equal(w + 32 * M_PAYEE + 12, payee, 20);
    assert_memory_equal(w + 32 * M_VERIFIER + 12, verifier, 20);
    assert_memory_equal(w + 32 * M_CODEHASH, vhash, 32);
    assert_memory_equal(w + 32 * M_VKHASH, ozk_vk_hash(vk), 32);
    assert_true(test_word_u64(w + 32 * M_STAKE) == stake);
    assert_true(test_word_u64(w + 32 * M_BOND) == bond);
    assert_int_equal(test_word_u64(w + 32 * M_INSECURE), 1);
    assert_int_equal(test_word_u64(w + 32 * M_FROZEN), 0);
    assert_int_equal(test_word_u64(w + 32 * M_NEXTSEQ), 0);
    {
        /* ozk verify-deployment: the registered verifier is the one the vk generates, and the
         * model is registered with it; another model id is not there */
        char vdir[512], vk_path[600], va[43], sa[43], ma[67];
        test_tmpdir(vdir, sizeof vdir, "settlement-vk");
        uint8_t *enc;
        size_t enc_len;
        assert_int_equal(ozk_vk_encode(&enc, &enc_len, vk), 0);
        snprintf(vk_path, sizeof vk_path, "%s/digits.vk", vdir);
        test_write_file(vk_path, enc, enc_len);
        free(enc);
        va[0] = sa[0] = ma[0] = '0';
        va[1] = sa[1] = ma[1] = 'x';
        ozk_hex_encode(va + 2, verifier, 20);
        ozk_hex_encode(sa + 2, settle, 20);
        ozk_hex_encode(ma + 2, mid, 32);
        test_bin_expect(OZK_BIN, 0, "registered with this verifier",
                        "verify-deployment --vk '%s' --rpc %s --address %s --settlement %s "
                        "--model-id %s --insecure-dev-srs",
                        vk_path, c.a.url, va, sa, ma);
        ma[2] = ma[2] == '0' ? '1' : '0';
        test_bin_expect(OZK_BIN, 1, "no model with that id",
                        "verify-deployment --vk '%s' --rpc %s --address %s --settlement %s "
                        "--model-id %s --insecure-dev-srs",
                        vk_path, c.a.url, va, sa, ma);
        test_bin_expect(OZK_BIN, 2, "go together",
                        "verify-deployment --vk '%s' --rpc %s --address %s --settlement %s "
                        "--insecure-dev-srs",
                        vk_path, c.a.url, va, sa);
        test_rmdir(vdir);
    }

    /* ---- 3. batch 0: honest records ---- */
    uint8_t root0[32], root1[32];
    seal_batch(b0, N_HONEST, vk, settle, mid, root0);
    uint64_t commit_gas = commit_batch(&c, settle, mid, 0, root0, N_HONEST);
    printf("commitBatch gas %llu\n", (unsigned long long)commit_gas);
    {
        ozk_abi_value a[2] = { tv_b32(mid), tv_u64(0) };
        uint8_t bw[6 * 32];
        view(&c, settle, "batch(bytes32,uint256)", a, 2, bw, sizeof bw);
        assert_memory_equal(bw, root0, 32);
        assert_int_equal(test_word_u64(bw + 32), N_HONEST);
        assert_int_equal(test_word_u64(bw + 3 * 32), CHALLENGE_WIN);
        assert_int_equal(test_word_u64(bw + 4 * 32), RESPONSE_WIN);
        assert_true(test_word_u64(bw + 5 * 32) == bond);
        assert_int_equal(view_u64(&c, settle, "batchStatus(bytes32,uint256)", a, 2),
                         BS_CHALLENGEABLE);
    }
    for (uint64_t i = 0; i < N_HONEST; i++)
        assert_int_equal(record_status(&c, settle, mid, 0, i), RS_COMMITTED);
    assert_int_equal(record_status(&c, settle, mid, 0, N_HONEST), RS_NONE);
    /* a batch from someone other than the committer, or out of sequence, is refused */
    {
        ozk_abi_value a[4] = { tv_b32(mid), tv_u64(1), tv_b32(root0), tv_u64(1) };
        data = test_calldata(&len, "commitBatch(bytes32,uint256,bytes32,uint256)", a, 4);
        tx_reverts(&c.ch, settle, 0, data, len, "NotCommitter()");
        free(data);
        a[1] = tv_u64(5);
        data = test_calldata(&len, "commitBatch(bytes32,uint256,bytes32,uint256)", a, 4);
        tx_reverts(&c.op, settle, 0, data, len, "BadSeq()");
        free(data);
    }

    /* ---- 4. an honest record challenged and answered ---- */
    uint64_t payee_before = credits_of(&c, settle, payee);
    data = challenge_data(&len, b0, N_HONEST, HONEST_INDEX, b0[HONEST_INDEX].y, vk, mid, 0);
    tx_reverts(&c.ch, settle, bond - 1, data, len, "WrongBond()");
    {
        /* a wrong preimage (a changed y) does not match the leaf */
        uint8_t *ybad = malloc(ylen);
        assert_non_null(ybad);
        memcpy(ybad, b0[HONEST_INDEX].y, ylen);
        ybad[0] ^= 1;
        size_t blen;
        uint8_t *bdata = challenge_data(&blen, b0, N_HONEST, HONEST_INDEX, ybad, vk, mid, 0);
        tx_reverts(&c.ch, settle, bond, bdata, blen, "BadMerkleProof()");
        free(bdata);
        free(ybad);
    }
    uint64_t challenge_gas = tx_ok(&c.ch, settle, bond, data, len, 0, NULL);
    free(data);
    printf("challenge gas %llu (x %zu bytes, y %zu bytes, Merkle depth %d)\n",
           (unsigned long long)challenge_gas, xlen, ylen, ozk_merkle_depth(N_HONEST));
    const uint64_t id1 = 1;
    assert_int_equal(view_u64(&c, settle, "challengeCount()", NULL, 0), id1);
    uint8_t cw[7 * 32], key[32];
    challenge_info(&c, settle, id1, cw);
    record_key(key, mid, 0, HONEST_INDEX);
    assert_memory_equal(cw, mid, 32);
    assert_memory_equal(cw + 32, key, 32);
    assert_memory_equal(cw + 2 * 32 + 12, c.ch.addr, 20);
    assert_int_equal(test_word_u64(cw + 4 * 32), 1); /* Kind.Record */
    assert_int_equal(test_word_u64(cw + 5 * 32), CH_OPEN);
    assert_true(test_word_u64(cw + 6 * 32) == bond);
    assert_int_equal(record_status(&c, settle, mid, 0, HONEST_INDEX), RS_CHALLENGED);
    {
        ozk_abi_value a = tv_b32(mid);
        assert_int_equal(view_u64(&c, settle, "openChallenges(bytes32)", &a, 1), 1);
    }
    /* resolveTimeout before the deadline is refused */
    {
        ozk_abi_value a = tv_u64(id1);
        data = test_calldata(&len, "resolveTimeout(uint256)", &a, 1);
        tx_reverts(&c.ch, settle, 0, data, len, "BeforeDeadline()");
        free(data);
    }
    /* a proof with a changed byte is rejected */
    {
        uint8_t *bad = malloc(plen);
        assert_non_null(bad);
        memcpy(bad, proof, plen);
        bad[plen / 2] ^= 1;
        data = respond_data(&len, id1, bad, plen);
        tx_reverts(&c.op, settle, 0, data, len, "ProofRejected()");
        free(data);
        free(bad);
    }
    /* the operator's respond, a real transaction with the respond gas term as its limit */
    data = respond_data(&len, id1, proof, plen);
    uint64_t respond_gas_used = tx_ok(&c.op, settle, 0, data, len, respond_gas, NULL);
    free(data);
    printf("respond gas %llu (the verifier alone: %llu in its own transaction; proof %zu "
           "bytes)\n",
           (unsigned long long)respond_gas_used, (unsigned long long)verify_gas, plen);
    assert_true(respond_gas_used <= respond_gas);
    {
        /* gen-verifier's worst-case respond bounds the real one */
        ozk__sol_cost cost;
        ozk__sol_costs(&cost, vk);
        printf("respond estimate %llu\n", (unsigned long long)cost.respond_tx);
        assert_true(respond_gas_used <= cost.respond_tx);
    }
    challenge_info(&c, settle, id1, cw);
    assert_int_equal(test_word_u64(cw + 5 * 32), CH_ANSWERED);
    assert_true(credits_of(&c, settle, payee) == payee_before + bond);
    assert_int_equal(credits_of(&c, settle, c.ch.addr), 0);
    assert_int_equal(record_status(&c, settle, mid, 0, HONEST_INDEX), RS_PROVEN);
    {
        ozk_abi_value a = tv_b32(key);
        uint8_t dw[3 * 32];
        view(&c, settle, "dispute(bytes32)", &a, 1, dw, sizeof dw);
        assert_true(test_word_u64(dw) > 0);          /* provenAt */
        assert_int_equal(test_word_u64(dw + 32), 0); /* slashed */
        assert_int_equal(test_word_u64(dw + 64), 0); /* open */
        ozk_abi_value b = tv_b32(mid);
        assert_int_equal(view_u64(&c, settle, "openChallenges(bytes32)", &b, 1), 0);
    }
    /* answered once: a second respond is refused, and a new challenge on the proven record too */
    data = respond_data(&len, id1, proof, plen);
    tx_reverts(&c.op, settle, 0, data, len, "NotOpen()");
    free(data);
    data = challenge_data(&len, b0, N_HONEST, HONEST_INDEX, b0[HONEST_INDEX].y, vk, mid, 0);
    tx_reverts(&c.ch, settle, bond, data, len, "RecordSettled()");
    free(data);
    model_info(&c, settle, mid, w);
    assert_true(test_word_u64(w + 32 * M_STAKE) == stake);
    check_accounting(&c, settle);

    /* ---- 5. a dishonest record: challenged, unanswerable, slashed ---- */
    seal_batch(b1, N_MIXED, vk, settle, mid, root1);
    g = commit_batch(&c, settle, mid, 1, root1, N_MIXED);
    printf("commitBatch gas %llu (second batch)\n", (unsigned long long)g);
    /* the cost of a commit does not depend on its count: batches of 1, 100 and 1,000 records
     * (roots nobody will open) for the gas table of docs/benchmarks.md */
    {
        static const uint64_t counts[3] = { 1, 100, 1000 };
        for (int k = 0; k < 3; k++) {
            uint8_t r[32];
            test_rand_bytes(r, 32);
            uint64_t cg = commit_batch(&c, settle, mid, 2 + (uint64_t)k, r, counts[k]);
            printf("commitBatch gas %llu for %llu records: %.1f a record\n", (unsigned long long)cg,
                   (unsigned long long)counts[k], (double)cg / (double)counts[k]);
            assert_true(cg < 100 * 1000); /* the target: under 100 a record at 1,000 */
        }
    }
    data = challenge_data(&len, b1, N_MIXED, DISHONEST_INDEX, b1[DISHONEST_INDEX].y, vk, mid, 1);
    g = tx_ok(&c.ch, settle, bond, data, len, 0, NULL);
    free(data);
    printf("challenge gas %llu (second challenge)\n", (unsigned long long)g);
    const uint64_t id2 = 2;
    challenge_info(&c, settle, id2, cw);
    record_key(key, mid, 1, DISHONEST_INDEX);
    assert_memory_equal(cw + 32, key, 32);
    assert_int_equal(test_word_u64(cw + 5 * 32), CH_OPEN);
    uint64_t deadline = test_word_u64(cw + 3 * 32);
    assert_int_equal(record_status(&c, settle, mid, 1, DISHONEST_INDEX), RS_CHALLENGED);
    /* the proof of the honest y does not answer a challenge on the committed (wrong) y */
    data = respond_data(&len, id2, proof_h, plen_h);
    tx_reverts(&c.op, settle, 0, data, len, "ProofRejected()");
    {
        /* and mined with a fixed gas limit, it reverts on chain */
        ozk_send_request req;
        memset(&req, 0, sizeof req);
        req.has_to = 1;
        memcpy(req.to, settle, 20);
        req.data = data;
        req.data_len = len;
        req.gas_limit = respond_gas;
        ozk_sent_tx t;
        ozk_rpc_error e;
        assert_int_equal(ozk_sender_send(c.op.s, &t, &req, &e), 0);
        ozk_tx_status st;
        memset(&st, 0, sizeof st);
        assert_int_equal(ozk_sender_wait(c.op.s, &st, t.hash, 1, 10000, &e), 0);
        assert_int_equal(st.state, OZK_TXS_REVERTED);
        ozk_sent_tx_clear(&t);
    }
    free(data);
    /* nor does the honest record's proof of batch 0 */
    data = respond_data(&len, id2, proof, plen);
    tx_reverts(&c.op, settle, 0, data, len, "ProofRejected()");
    free(data);
    challenge_info(&c, settle, id2, cw);
    assert_int_equal(test_word_u64(cw + 5 * 32), CH_OPEN);

    /* past the deadline */
    rpc0(&c.op, "evm_increaseTime", json_pack("[I]", (json_int_t)RESPONSE_WIN + 1));
    rpc0(&c.op, "evm_mine", json_array());
    {
        uint64_t now;
        json_t *blk = NULL, *p = json_pack("[s,b]", "latest", 0);
        ozk_rpc_error e;
        assert_int_equal(
            ozk_rpc_call(c.op.rpc, &blk, "eth_getBlockByNumber", p, OZK_RPC_OBJECT, &e), 0);
        json_decref(p);
        assert_int_equal(
            ozk_rpc_hex_to_u64(&now, json_string_value(json_object_get(blk, "timestamp"))), 0);
        json_decref(blk);
        assert_true(now > deadline);
    }
    data = respond_data(&len, id2, proof_h, plen_h);
    tx_reverts(&c.op, settle, 0, data, len, "PastDeadline()");
    free(data);
    uint64_t ch_before = credits_of(&c, settle, c.ch.addr);
    {
        ozk_abi_value a = tv_u64(id2);
        data = test_calldata(&len, "resolveTimeout(uint256)", &a, 1);
        g = tx_ok(&c.ch, settle, 0, data, len, 0, NULL);
        printf("resolveTimeout gas %llu\n", (unsigned long long)g);
        tx_reverts(&c.ch, settle, 0, data, len, "NotOpen()"); /* only once */
        free(data);
    }
    uint64_t reward = stake / 10000 * SHARE_BPS; /* stake * SHARE_BPS would overflow 64 bits */
    uint64_t ch_after = credits_of(&c, settle, c.ch.addr);
    assert_true(ch_after - ch_before == bond + reward);
    assert_true(ch_after - ch_before <= bond + stake / 2);
    challenge_info(&c, settle, id2, cw);
    assert_int_equal(test_word_u64(cw + 5 * 32), CH_TIMEDOUT);
    assert_int_equal(record_status(&c, settle, mid, 1, DISHONEST_INDEX), RS_SLASHED);
    assert_int_equal(record_status(&c, settle, mid, 1, 0), RS_COMMITTED);
    assert_int_equal(record_status(&c, settle, mid, 0, HONEST_INDEX), RS_PROVEN);
    model_info(&c, settle, mid, w);
    assert_int_equal(test_word_u64(w + 32 * M_STAKE), 0);
    assert_int_equal(test_word_u64(w + 32 * M_FROZEN), 1);
    assert_int_equal(test_word_u64(w + 32 * M_OPEN), 0);
    assert_true(view_u64(&c, settle, "totalBurned()", NULL, 0) == stake - reward);
    assert_true(credits_of(&c, settle, payee) == payee_before + bond); /* unchanged */
    /* frozen: no more batches, no more stake */
    {
        uint8_t root2[32];
        test_rand_bytes(root2, 32);
        ozk_abi_value a[4] = { tv_b32(mid), tv_u64(5), tv_b32(root2), tv_u64(1) };
        data = test_calldata(&len, "commitBatch(bytes32,uint256,bytes32,uint256)", a, 4);
        tx_reverts(&c.op, settle, 0, data, len, "ModelFrozen()");
        free(data);
        ozk_abi_value b = tv_b32(mid);
        data = test_calldata(&len, "addStake(bytes32)", &b, 1);
        tx_reverts(&c.op, settle, MIN_STAKE, data, len, "ModelFrozen()");
        free(data);
    }
    check_accounting(&c, settle);

    /* the challenger takes its credit out */
    {
        uint8_t b0w[32], b1w[32];
        ozk_rpc_error e;
        assert_int_equal(ozk_rpc_get_balance(c.op.rpc, b0w, c.ch.addr, &e), 0);
        ozk_abi_value a = tv_addr(c.ch.addr);
        data = test_calldata(&len, "withdrawCredits(address)", &a, 1);
        uint64_t wg = tx_ok(&c.ch, settle, 0, data, len, 200000, NULL);
        free(data);
        assert_int_equal(ozk_rpc_get_balance(c.op.rpc, b1w, c.ch.addr, &e), 0);
        assert_int_equal(credits_of(&c, settle, c.ch.addr), 0);
        /* gained the credit less the fee: at most the credit, more than credit - gas x 100 gwei */
        uint64_t gained = word_diff(b1w, b0w);
        assert_true(gained > 0);
        assert_true(gained <= ch_after);
        assert_true(gained + wg * 100 * GWEI > ch_after);
    }
    check_accounting(&c, settle);

    actor_close(&c.ch);
    actor_close(&c.op);
    anvil_stop(&c.a);
    g_anvil = NULL;
    ozk_solc_output_clear(&cj_v.out);
    ozk_solc_output_clear(&cj_s.out);
    free(proof);
    free(proof_h);
    free(y1);
    free(honest_y);
    free_records(b0, N_HONEST);
    free_records(b1, N_MIXED);
    ozk_vk_free(vk);
    ozk_model_free(m);
}

static int setup(void **state)
{
    (void)state;
    return ozk_srs_dev(&g_srs, SRS_LOG, 7) ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    if (g_anvil) anvil_stop(g_anvil);
    g_anvil = NULL;
    ozk_srs_free(&g_srs);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(test_settlement) };
    return TEST_RUN_WITH("settlement", tests, setup, teardown);
}
