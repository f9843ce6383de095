/*
 * tests/test_settler.c: the node's settling half (node/settler.h) on a real anvil, with the real
 * contracts, the generated verifier and the real prover.
 *
 * Group setup: the digits MLP on a dev SRS, its vk and Solidity verifier, both contracts compiled
 * (ozk_solc_compile) and deployed with short windows, the verifier's gas measured by a
 * transaction. Every test registers its own model (so a slashed one does not stop the others),
 * opens its own store, puts records into it the way the serving half does, and runs settlers:
 *   honest           25 records, batches of 10: batches 0, 1, 2 on chain with the store's roots
 *                    and counts, FINAL in the store; a challenge is proven and answered before
 *                    its deadline, the bond credited to the payee. Prints Challenged -> mined.
 *   dishonest        a record stored with a wrong y: UNPROVABLE, alert() called, no respond
 *                    sent; after the deadline resolveTimeout slashes and the store says TIMED_OUT.
 *   restart          a batch stored but never sent, and a respond broadcast but not mined
 *                    (automine off) when the settler stops: a new settler on the same store sends
 *                    the batch under its seq, follows the stored respond, and the challenge is
 *                    answered; nothing lost, no seq twice.
 *   reconciliation   the chain cursor is moved past the Challenged log and the reconciliation
 *                    mark past its id: the log is never seen, the challenge is still found (the
 *                    contract counts more open challenges than the store) and answered.
 *   reorg            a commit included, then the chain reverted under it (evm_revert) and a
 *                    different block mined: the batch goes back to SENT and is included again.
 *   stuck            nothing mined (automine off): the commit is replaced with both fees raised
 *                    by 10% or more; once mined, one wins (FINAL) and the others are REPLACED.
 *   stale            a store older than the chain (the contract's nextSeq ahead of it): alert,
 *                    and nothing is built or sent.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
#include "ozk/store.h"
#include "ozk/watcher.h"
#include "../node/settler.h"
#include "../verifier/solidity_internal.h"
#include "chain_testutil.h"
#include "testutil.h"

#define SRS_LOG  15
#define CHAIN_ID 31337
#define ETHER    1000000000000000000ULL
#define GWEI     1000000000ULL

/* anvil's dev accounts: 0 owner, 1 challenger, 2 payee, 3 burn sink, 4 committer, 5 responder */
static const char KEY_OWNER[] = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
static const char KEY_CHALLENGER[] =
    "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
static const char KEY_COMMITTER[] =
    "47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a";
static const char KEY_RESPONDER[] =
    "8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba";
static const char PAYEE[] = "3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
static const char BURN_SINK[] = "90f79bf6eb2c4f870365e785982e1f101e93b906";

#define MIN_STAKE     (1 * ETHER)
#define MIN_BOND      (GWEI * 1000000)
#define MAX_BOND      (1 * ETHER)
#define CHALLENGE_WIN 3600
#define RESPONSE_WIN  600
#define SHARE_BPS     5000
#define GAS_PRICE     GWEI
#define PROVING_COST  (GWEI * 1000000)
#define CONFIRMATIONS 2

enum { CH_NONE, CH_OPEN, CH_ANSWERED, CH_TIMEDOUT };

/* ---- the group's fixture --------------------------------------------------------------------- */

typedef struct {
    ozk_rpc *rpc;
    ozk_sender *s;
    uint8_t addr[20];
} actor;

static struct {
    ozk_srs srs;
    ozk_model *m;
    ozk_vk *vk;
    size_t xlen, ylen;
    struct anvil a;
    int anvil_up;
    actor owner, challenger;
    ozk_rpc *rpc; /* the test's own reads and anvil controls */
    uint8_t verifier[20], vhash[32], settle[20], payee[20];
    uint64_t protocol, verify_gas, respond_gas, bond;
    ozk_key committer_key, responder_key;
    uint8_t committer[20], responder[20];
} g;

/* ---- ABI and RPC helpers --------------------------------------------------------------------- */

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* a JSON-RPC call that must succeed; the result (decref it) */
static json_t *rpc(const char *method, json_t *params)
{
    json_t *res = NULL;
    ozk_rpc_error e;
    int rc = ozk_rpc_call(g.rpc, &res, method, params, OZK_RPC_ANY, &e);
    json_decref(params);
    if (rc) fail_msg("%s: %s", method, e.message);
    return res;
}

static void rpc0(const char *method, json_t *params)
{
    json_decref(rpc(method, params));
}

static void mine(void)
{
    rpc0("evm_mine", json_array());
}

/* the latest block's number and timestamp */
static void head(uint64_t *number, uint64_t *ts, uint8_t hash[32])
{
    json_t *b = rpc("eth_getBlockByNumber", json_pack("[s,b]", "latest", 0));
    if (number)
        assert_int_equal(
            ozk_rpc_hex_to_u64(number, json_string_value(json_object_get(b, "number"))), 0);
    if (ts)
        assert_int_equal(ozk_rpc_hex_to_u64(ts, json_string_value(json_object_get(b, "timestamp"))),
                         0);
    if (hash)
        assert_int_equal(
            ozk_rpc_hex_to_bytes(hash, 32, json_string_value(json_object_get(b, "hash"))), 32);
    json_decref(b);
}

/* the hash of block number n (0 when there is none) */
static int block_hash(uint64_t n, uint8_t hash[32])
{
    char q[24];
    snprintf(q, sizeof q, "0x%llx", (unsigned long long)n);
    json_t *b = rpc("eth_getBlockByNumber", json_pack("[s,b]", q, 0));
    int ok = json_is_object(b);
    if (ok)
        assert_int_equal(
            ozk_rpc_hex_to_bytes(hash, 32, json_string_value(json_object_get(b, "hash"))), 32);
    json_decref(b);
    return ok;
}

/* a view of the settlement (or to): exactly want bytes */
static void view(const uint8_t *to, const char *sig, ozk_abi_value *items, size_t n, uint8_t *out,
                 size_t want)
{
    size_t len, rlen = 0;
    uint8_t *data = test_calldata(&len, sig, items, n), *ret = NULL;
    ozk_rpc_error e;
    int rc = ozk_rpc_eth_call(g.rpc, &ret, &rlen, to ? to : g.settle, data, len, &e);
    free(data);
    if (rc) fail_msg("eth_call %s: %s", sig, e.message);
    if (rlen != want) fail_msg("eth_call %s: %zu bytes, expected %zu", sig, rlen, want);
    memcpy(out, ret, want);
    free(ret);
}

static uint64_t view_u64(const uint8_t *to, const char *sig, ozk_abi_value *items, size_t n)
{
    uint8_t w[32];
    view(to, sig, items, n, w, 32);
    return test_word_u64(w);
}

#define M_WORDS   23
#define M_FROZEN  14
#define M_NEXTSEQ 19

static uint64_t model_word(const uint8_t mid[32], int word)
{
    uint8_t w[M_WORDS * 32];
    ozk_abi_value a = tv_b32(mid);
    view(NULL, "model(bytes32)", &a, 1, w, sizeof w);
    return test_word_u64(w + 32 * word);
}

/* challengeInfo(id).status */
static int chain_challenge_status(uint64_t id)
{
    uint8_t w[7 * 32];
    ozk_abi_value a = tv_u64(id);
    view(NULL, "challengeInfo(uint256)", &a, 1, w, sizeof w);
    return (int)test_word_u64(w + 5 * 32);
}

static void chain_batch(const uint8_t mid[32], uint64_t seq, uint8_t root[32], uint64_t *count)
{
    uint8_t w[6 * 32];
    ozk_abi_value a[2] = { tv_b32(mid), tv_u64(seq) };
    view(NULL, "batch(bytes32,uint256)", a, 2, w, sizeof w);
    memcpy(root, w, 32);
    *count = test_word_u64(w + 32);
}

/* ---- actors ---------------------------------------------------------------------------------- */

static void actor_open(actor *ac, const char *hexkey)
{
    ozk_rpc_config rcfg;
    ozk_rpc_config_default(&rcfg);
    rcfg.url = g.a.url;
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
}

static void actor_close(actor *ac)
{
    ozk_sender_close(ac->s);
    ozk_rpc_close(ac->rpc);
}

/* a transaction that must succeed; the receipt's block number */
static uint64_t tx_ok(actor *ac, const uint8_t *to, uint64_t value, const uint8_t *data, size_t len,
                      uint64_t gas_limit, uint8_t hash[32], uint64_t *gas_used)
{
    ozk_tx_status st;
    test_sender_tx_ok(ac->s, to, value, data, len, gas_limit, 20000, &st, hash);
    if (gas_used) *gas_used = st.gas_used;
    return st.block_number;
}

static void deploy(actor *ac, uint8_t addr[20], const uint8_t *code, size_t len)
{
    uint8_t h[32];
    tx_ok(ac, NULL, 0, code, len, 0, h, NULL);
    char hs[67] = "0x";
    ozk_hex_encode(hs + 2, h, 32);
    json_t *rec = rpc("eth_getTransactionReceipt", json_pack("[s]", hs));
    const char *ca = json_string_value(json_object_get(rec, "contractAddress"));
    assert_non_null(ca);
    assert_int_equal(ozk_rpc_hex_to_bytes(addr, 20, ca), 20);
    json_decref(rec);
}

/* ---- records --------------------------------------------------------------------------------- */

typedef struct {
    uint8_t request_id[32], salt[32], leaf[32];
    uint8_t *x, *y;
} record;

static void infer(const uint8_t *x, uint8_t *y)
{
    int8_t *q = malloc(g.xlen);
    int32_t *out = malloc(ozk_vk_output_len(g.vk) * sizeof *out);
    void *work = malloc(ozk_model_work_size(g.m));
    assert_non_null(q);
    assert_non_null(out);
    assert_non_null(work);
    assert_int_equal(ozk_model_decode_input(g.m, q, x, g.xlen), 0);
    ozk_model_infer(g.m, out, q, work);
    ozk_model_encode_output(g.m, y, out);
    free(q);
    free(out);
    free(work);
}

/* a record of model mid as the serving half makes it: real inference (dishonest: the first
 * output changed afterwards, as the test-only dishonest mode does), the leaf, stored pending */
static void put_record(ozk_store *st, record *r, const uint8_t mid[32], int dishonest)
{
    test_rand_bytes(r->request_id, 32);
    test_rand_bytes(r->salt, 32);
    r->x = malloc(g.xlen);
    r->y = malloc(g.ylen);
    assert_non_null(r->x);
    assert_non_null(r->y);
    test_rand_bytes(r->x, g.xlen);
    infer(r->x, r->y);
    if (dishonest) {
        int32_t *out = malloc(ozk_vk_output_len(g.vk) * sizeof *out);
        assert_non_null(out);
        assert_int_equal(ozk_model_decode_output(g.m, out, r->y, g.ylen), 0);
        out[0] += 1;
        ozk_model_encode_output(g.m, r->y, out);
        free(out);
    }
    ozk_merkle_record mr;
    memset(&mr, 0, sizeof mr);
    mr.version = 1;
    mr.chain_id = CHAIN_ID;
    memcpy(mr.settlement, g.settle, 20);
    memcpy(mr.model_id, mid, 32);
    memcpy(mr.request_id, r->request_id, 32);
    ozk_merkle_salted_hash(mr.x_hash, r->salt, r->x, g.xlen);
    ozk_merkle_salted_hash(mr.y_hash, r->salt, r->y, g.ylen);
    ozk_merkle_leaf(r->leaf, &mr);
    ozk_store_record sr;
    memset(&sr, 0, sizeof sr);
    memcpy(sr.request_id, r->request_id, 32);
    memcpy(sr.salt, r->salt, 32);
    sr.x = r->x;
    sr.x_len = g.xlen;
    sr.y = r->y;
    sr.y_len = g.ylen;
    memcpy(sr.x_hash, mr.x_hash, 32);
    memcpy(sr.y_hash, mr.y_hash, 32);
    memcpy(sr.leaf, r->leaf, 32);
    sr.engine_version = 1;
    sr.protocol_version = OZK_PROTOCOL_VERSION;
    sr.created = (uint64_t)time(NULL);
    sr.commit_deadline = sr.created + 3600;
    char err[256];
    if (ozk_store_put_record(st, &sr, NULL, err, sizeof err)) fail_msg("put_record: %s", err);
}

static void free_records(record *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(r[i].x);
        free(r[i].y);
    }
}

/* ---- a model, a store, a settler ------------------------------------------------------------- */

static void register_model(uint8_t mid[32])
{
    uint8_t salt[32];
    test_rand_bytes(salt, 32);
    uint8_t buf[64] = { 0 };
    memcpy(buf + 12, g.owner.addr, 20);
    memcpy(buf + 32, salt, 32);
    ozk_keccak256(mid, buf, 64);
    const char *sig = "registerModel((bytes32,address,address,address,bytes32,bytes32,bytes32,"
                      "bytes32,uint256,bool,uint96,uint40,uint40,uint64,uint64,uint128))";
    ozk_abi_value pi[16] = { tv_b32(salt),
                             tv_addr(g.committer),
                             tv_addr(g.payee),
                             tv_addr(g.verifier),
                             tv_b32(g.vhash),
                             tv_b32(ozk_vk_hash(g.vk)),
                             tv_b32(ozk_vk_cw_hash(g.vk)),
                             tv_b32(ozk_vk_srs_id(g.vk)),
                             tv_u64(g.protocol),
                             tv_bool(1),
                             tv_u64(g.bond),
                             tv_u64(CHALLENGE_WIN),
                             tv_u64(RESPONSE_WIN),
                             tv_u64(g.verify_gas),
                             tv_u64(g.respond_gas),
                             tv_u64(PROVING_COST) };
    ozk_abi_value params = { .kind = OZK_ABI_TUPLE, .items = pi, .n = 16 };
    size_t len;
    uint8_t *data = test_calldata(&len, sig, &params, 1);
    tx_ok(&g.owner, g.settle, MIN_STAKE, data, len, 0, NULL, NULL);
    free(data);
}

static ozk_store *open_store(char *dir, size_t cap, const char *name, const uint8_t mid[32])
{
    test_tmpdir(dir, cap, name);
    ozk_store_identity id;
    memset(&id, 0, sizeof id);
    id.chain_id = CHAIN_ID;
    memcpy(id.settlement, g.settle, 20);
    memcpy(id.model_id, mid, 32);
    ozk_store *st;
    char err[256];
    if (ozk_store_open(&st, dir, &id, NULL, err, sizeof err)) fail_msg("store: %s", err);
    return st;
}

static pthread_mutex_t g_alert_mu = PTHREAD_MUTEX_INITIALIZER;
static int g_alerts;

static void on_log(void *ud, int level, const char *line)
{
    static const char *names[] = { "DEBUG", "INFO", "WARN", "ERROR", "CRIT" };
    if (level < OZK_LOG_INFO) return;
    printf("  [%s] %-5s %s\n", (const char *)ud, names[level], line);
    fflush(stdout);
}

static void on_alert(void *ud, const char *what)
{
    (void)ud;
    (void)what;
    pthread_mutex_lock(&g_alert_mu);
    g_alerts++;
    pthread_mutex_unlock(&g_alert_mu);
}

static int alerts(void)
{
    pthread_mutex_lock(&g_alert_mu);
    int n = g_alerts;
    pthread_mutex_unlock(&g_alert_mu);
    return n;
}

static ozk_settler *start(ozk_store *st, const uint8_t mid[32], uint64_t start_block,
                          uint32_t batch_max, const char *tag)
{
    ozk_settler_config c;
    memset(&c, 0, sizeof c);
    c.store = st;
    c.rpc_url = g.a.url;
    c.committer_key = &g.committer_key;
    c.responder_key = &g.responder_key;
    c.chain_id = CHAIN_ID;
    memcpy(c.settlement, g.settle, 20);
    memcpy(c.model_id, mid, 32);
    c.start_block = start_block;
    c.model = g.m;
    c.vk = g.vk;
    c.srs = &g.srs;
    c.batch_max_records = batch_max;
    c.batch_max_age_ms = 1000;
    c.poll_ms = 100;
    c.confirmations = CONFIRMATIONS;
    c.respond_gas = g.respond_gas + g.respond_gas / 5; /* the deployment's figure + 20% */
    c.max_fee_ceiling_wei = 100 * GWEI;
    c.prover_threads = 2;
    c.log = on_log;
    c.log_ud = (void *)(uintptr_t)tag;
    c.alert = on_alert;
    ozk_settler *s;
    char err[256];
    if (ozk_settler_start(&s, &c, err, sizeof err)) fail_msg("settler: %s", err);
    return s;
}

/* polls cond every 50 ms for up to timeout_ms; mines a block every mine_ms (0: never) so that
 * transactions reach their confirmation depth and logs their watcher depth */
static void wait_for(int (*cond)(void *), void *ctx, uint64_t timeout_ms, uint64_t mine_ms,
                     const char *what)
{
    uint64_t t0 = test_now_ms(), last_mine = t0;
    while (!cond(ctx)) {
        if (test_now_ms() - t0 > timeout_ms) fail_msg("timed out waiting for %s", what);
        sleep_ms(50);
        if (mine_ms && test_now_ms() - last_mine >= mine_ms) {
            mine();
            last_mine = test_now_ms();
        }
    }
}

typedef struct {
    ozk_store *st;
    uint64_t seq, id;
    int state, status;
    ozk_settler *s;
} waitctx;

/* batch seq exists and is at least in state */
static int batch_at_least(void *p)
{
    waitctx *w = p;
    ozk_store_batch b;
    if (ozk_store_get_batch(w->st, &b, w->seq, NULL, 0)) return 0;
    int ok = b.state >= w->state;
    ozk_store_batch_clear(&b);
    return ok;
}

static int challenge_is(void *p)
{
    waitctx *w = p;
    ozk_store_challenge c;
    if (ozk_store_get_challenge(w->st, &c, w->id, NULL, 0)) return 0;
    int ok = c.status == w->status;
    ozk_store_challenge_clear(&c);
    return ok;
}

static int chain_answered(void *p)
{
    waitctx *w = p;
    return chain_challenge_status(w->id) == CH_ANSWERED;
}

/* the challenger challenges leaf index of batch seq (its leaves from the store) with record r's
 * preimages; returns the challenge id and the block it is in */
static uint64_t challenge(ozk_store *st, const uint8_t mid[32], uint64_t seq, size_t index,
                          const record *r, uint64_t *block)
{
    ozk_store_batch b;
    char err[256];
    if (ozk_store_get_batch(st, &b, seq, err, sizeof err)) fail_msg("batch: %s", err);
    assert_memory_equal(b.leaves[index], r->leaf, 32);
    uint8_t proof[OZK_MERKLE_MAX_DEPTH][32];
    int depth;
    assert_int_equal(ozk_merkle_proof(proof, &depth, b.leaves, b.count, index), 0);
    ozk_store_batch_clear(&b);
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
                           tv_b32(r->request_id),
                           tv_b32(r->salt),
                           tv_bytes(r->x, g.xlen),
                           tv_bytes(r->y, g.ylen),
                           arr };
    size_t len;
    uint8_t *data = test_calldata(&len,
                                  "challenge(bytes32,uint256,uint256,bytes32,bytes32,bytes,bytes,"
                                  "bytes32[])",
                                  a, 8);
    uint64_t before = view_u64(NULL, "challengeCount()", NULL, 0);
    uint64_t bn = tx_ok(&g.challenger, g.settle, g.bond, data, len, 2000000, NULL, NULL);
    free(data);
    if (block) *block = bn;
    uint64_t id = view_u64(NULL, "challengeCount()", NULL, 0);
    assert_int_equal(id, before + 1);
    return id;
}

static uint64_t credits_of(const uint8_t who[20])
{
    ozk_abi_value a = tv_addr(who);
    return view_u64(NULL, "credits(address)", &a, 1);
}

static void check_batches_on_chain(ozk_store *st, const uint8_t mid[32], uint64_t n)
{
    assert_int_equal(model_word(mid, M_NEXTSEQ), n);
    ozk_store_info info;
    assert_int_equal(ozk_store_info_get(st, &info, NULL, 0), 0);
    assert_int_equal(info.next_seq, n);
    for (uint64_t seq = 0; seq < n; seq++) {
        ozk_store_batch b;
        assert_int_equal(ozk_store_get_batch(st, &b, seq, NULL, 0), 0);
        uint8_t root[32];
        uint64_t count;
        chain_batch(mid, seq, root, &count);
        assert_memory_equal(root, b.root, 32);
        assert_int_equal(count, b.count);
        ozk_store_batch_clear(&b);
    }
}

/* ---- 1. honest ------------------------------------------------------------------------------- */

#define N_HONEST 25

static void test_honest(void **state)
{
    (void)state;
    uint8_t mid[32];
    register_model(mid);
    char dir[256];
    ozk_store *st = open_store(dir, sizeof dir, "settler-honest", mid);
    record r[N_HONEST];
    for (size_t i = 0; i < N_HONEST; i++) put_record(st, &r[i], mid, 0);
    uint64_t start_block;
    head(&start_block, NULL, NULL);
    ozk_settler *s = start(st, mid, start_block, 10, "honest");
    ozk_settler_kick(s);

    /* batches 0 and 1 at once (10 records each), 2 when its oldest record is a second old */
    waitctx w = { st, 2, 0, OZK_BATCH_INCLUDED, 0, s };
    wait_for(batch_at_least, &w, 30000, 0, "batch 2 included");
    w.state = OZK_BATCH_FINAL;
    for (w.seq = 0; w.seq < 3; w.seq++) wait_for(batch_at_least, &w, 20000, 300, "batches final");
    check_batches_on_chain(st, mid, 3);
    ozk_store_batch b;
    assert_int_equal(ozk_store_get_batch(st, &b, 2, NULL, 0), 0);
    assert_int_equal(b.count, 5);
    assert_int_equal(b.state, OZK_BATCH_FINAL);
    uint8_t h[32];
    assert_true(block_hash(b.block_number, h));
    assert_memory_equal(h, b.block_hash, 32);
    ozk_store_batch_clear(&b);
    printf("honest: 3 batches (10, 10, 5 records) committed and final\n");

    /* a challenge on record 13 (batch 1, index 3): proven and answered before the deadline */
    uint64_t credit0 = credits_of(g.payee), cblock;
    uint64_t id = challenge(st, mid, 1, 3, &r[13], &cblock);
    uint64_t t0 = test_now_ms(), ts0, ts1;
    head(NULL, &ts0, NULL);
    w.id = id;
    wait_for(chain_answered, &w, 60000, 250, "the respond mined");
    uint64_t t1 = test_now_ms();
    head(NULL, &ts1, NULL);
    ozk_settler_status ss;
    ozk_settler_status_get(s, &ss);
    printf("honest: Challenged (block %llu) -> respond mined: %llu ms wall clock (proof %.0f ms; "
           "a block mined every 250 ms, the log seen %u confirmations deep; chain time %llu s)\n",
           (unsigned long long)cblock, (unsigned long long)(t1 - t0), ss.last_proof_ms,
           CONFIRMATIONS, (unsigned long long)(ts1 - ts0));
    w.status = OZK_CH_ANSWERED;
    wait_for(challenge_is, &w, 20000, 300, "ANSWERED in the store");
    assert_true(credits_of(g.payee) == credit0 + g.bond);
    ozk_settler_status_get(s, &ss);
    assert_int_equal(ss.batches_committed, 3);
    assert_int_equal(ss.records_committed, N_HONEST);
    assert_int_equal(ss.challenges_answered, 1);
    assert_int_equal(ss.challenges_unprovable, 0);
    assert_int_equal(ss.stale, 0);
    assert_true(ss.challenges_seen >= 1);
    assert_int_equal(alerts(), 0);
    {
        ozk_store_challenge c;
        assert_int_equal(ozk_store_get_challenge(st, &c, id, NULL, 0), 0);
        assert_int_equal(c.has_respond_tx, 1);
        assert_int_equal(c.proof_len, ozk_vk_proof_size(g.vk));
        ozk_store_tx t;
        assert_int_equal(ozk_store_get_tx(st, &t, c.respond_tx, NULL, 0), 0);
        assert_int_equal(t.purpose, OZK_STX_RESPOND);
        assert_int_equal(t.state, OZK_STX_FINAL);
        assert_memory_equal(t.from, g.responder, 20);
        ozk_store_tx_clear(&t);
        ozk_store_challenge_clear(&c);
    }
    ozk_settler_stop(s);
    assert_int_equal(ozk_store_check(st, NULL, 0), 0);
    ozk_store_close(st);
    test_rmdir(dir);
    free_records(r, N_HONEST);
}

/* ---- 2. dishonest ---------------------------------------------------------------------------- */

static void test_dishonest(void **state)
{
    (void)state;
    uint8_t mid[32];
    register_model(mid);
    char dir[256];
    ozk_store *st = open_store(dir, sizeof dir, "settler-dishonest", mid);
    record r[5];
    for (size_t i = 0; i < 5; i++) put_record(st, &r[i], mid, i == 2);
    uint64_t start_block;
    head(&start_block, NULL, NULL);
    int alerts0 = alerts();
    ozk_settler *s = start(st, mid, start_block, 5, "dishonest");
    waitctx w = { st, 0, 0, OZK_BATCH_INCLUDED, 0, s };
    wait_for(batch_at_least, &w, 20000, 0, "batch 0 included");
    uint64_t id = challenge(st, mid, 0, 2, &r[2], NULL);
    w.id = id;
    w.status = OZK_CH_UNPROVABLE;
    wait_for(challenge_is, &w, 60000, 300, "UNPROVABLE");
    assert_true(alerts() > alerts0);
    /* no respond was sent, none is stored */
    sleep_ms(500);
    ozk_store_challenge c;
    assert_int_equal(ozk_store_get_challenge(st, &c, id, NULL, 0), 0);
    assert_int_equal(c.status, OZK_CH_UNPROVABLE);
    assert_int_equal(c.has_respond_tx, 0);
    ozk_store_challenge_clear(&c);
    ozk_store_tx *txs;
    size_t n;
    assert_int_equal(ozk_store_list_open_txs(st, &txs, &n, g.responder, NULL, 0), 0);
    assert_int_equal(n, 0);
    ozk_settler_status ss;
    ozk_settler_status_get(s, &ss);
    assert_int_equal(ss.responds_sent, 0);
    assert_int_equal(ss.challenges_unprovable, 1);
    printf("dishonest: UNPROVABLE, %d alert(s), no respond sent; last error: %s\n",
           alerts() - alerts0, ss.last_error);
    assert_int_equal(chain_challenge_status(id), CH_OPEN);

    /* past the deadline the challenger slashes; the settler sees TIMED_OUT */
    rpc0("evm_increaseTime", json_pack("[I]", (json_int_t)RESPONSE_WIN + 1));
    mine();
    uint64_t ch_credit0 = credits_of(g.challenger.addr);
    {
        ozk_abi_value a = tv_u64(id);
        size_t len;
        uint8_t *data = test_calldata(&len, "resolveTimeout(uint256)", &a, 1);
        tx_ok(&g.challenger, g.settle, 0, data, len, 500000, NULL, NULL);
        free(data);
    }
    assert_int_equal(chain_challenge_status(id), CH_TIMEDOUT);
    assert_true(credits_of(g.challenger.addr) == ch_credit0 + g.bond + MIN_STAKE / 2);
    assert_int_equal(model_word(mid, M_FROZEN), 1);
    w.status = OZK_CH_TIMED_OUT;
    wait_for(challenge_is, &w, 20000, 0, "TIMED_OUT");
    printf("dishonest: resolveTimeout slashed the stake; the store says TIMED_OUT\n");
    ozk_settler_stop(s);
    assert_int_equal(ozk_store_check(st, NULL, 0), 0);
    ozk_store_close(st);
    test_rmdir(dir);
    free_records(r, 5);
}

/* ---- 3. restart ------------------------------------------------------------------------------ */

static void test_restart(void **state)
{
    (void)state;
    uint8_t mid[32];
    register_model(mid);
    char dir[256];
    ozk_store *st = open_store(dir, sizeof dir, "settler-restart", mid);
    record r[8];
    for (size_t i = 0; i < 8; i++) put_record(st, &r[i], mid, 0);
    /* batch 0 stored, then the node died before sending it */
    {
        uint8_t ids[4][32], leaves[4][32], root[32];
        for (int i = 0; i < 4; i++) {
            memcpy(ids[i], r[i].request_id, 32);
            memcpy(leaves[i], r[i].leaf, 32);
        }
        assert_int_equal(ozk_merkle_root(root, (const uint8_t(*)[32])leaves, 4), 0);
        assert_int_equal(ozk_store_put_batch(st, 0, (const uint8_t(*)[32])ids, 4, root,
                                             (uint64_t)time(NULL), NULL, 0),
                         0);
    }
    uint64_t start_block;
    head(&start_block, NULL, NULL);
    ozk_settler *s = start(st, mid, start_block, 4, "restart-1");
    waitctx w = { st, 1, 0, OZK_BATCH_INCLUDED, 0, s };
    wait_for(batch_at_least, &w, 20000, 0, "batches 0 and 1 included");
    uint64_t id = challenge(st, mid, 0, 1, &r[1], NULL);
    mine(); /* its confirmation */
    /* the respond goes out but is not mined: stop the settler with it pending */
    rpc0("evm_setAutomine", json_pack("[b]", 0));
    w.id = id;
    w.status = OZK_CH_RESPONDED;
    wait_for(challenge_is, &w, 60000, 0, "RESPONDED");
    ozk_settler_stop(s);
    ozk_store_tx *txs;
    size_t n;
    assert_int_equal(ozk_store_list_open_txs(st, &txs, &n, g.responder, NULL, 0), 0);
    assert_int_equal(n, 1);
    assert_int_equal(txs[0].state, OZK_STX_PENDING);
    ozk_store_tx_list_free(txs, n);
    assert_int_equal(chain_challenge_status(id), CH_OPEN);
    printf("restart: stopped with challenge %llu RESPONDED and its respond in the mempool\n",
           (unsigned long long)id);

    /* a new settler on the same store */
    s = start(st, mid, start_block, 4, "restart-2");
    rpc0("evm_setAutomine", json_pack("[b]", 1));
    w.status = OZK_CH_ANSWERED;
    wait_for(challenge_is, &w, 30000, 300, "ANSWERED after the restart");
    check_batches_on_chain(st, mid, 2);
    ozk_settler_status ss;
    ozk_settler_status_get(s, &ss);
    assert_int_equal(ss.responds_sent, 0); /* the stored respond was followed, not sent again */
    assert_int_equal(ss.stale, 0);
    /* every commit of the committer names a distinct seq */
    ozk_settler_stop(s);
    assert_int_equal(ozk_store_check(st, NULL, 0), 0);
    printf("restart: the stored respond answered challenge %llu; seqs 0, 1 once each\n",
           (unsigned long long)id);
    ozk_store_close(st);
    test_rmdir(dir);
    free_records(r, 8);
}

/* ---- 4. reconciliation ----------------------------------------------------------------------- */

/* the settler's cursor blob (node/settler.h): "OZKS", 1, the next id reconciliation examines,
 * the watcher cursor */
static void set_cursor(ozk_store *st, uint64_t watch_from, uint64_t recon_next)
{
    static ozk_store_cursor c;
    static ozk_watcher_cursor wc;
    ozk_watcher_cursor_init(&wc, watch_from);
    memcpy(c.data, "OZKS", 4);
    c.data[4] = 1;
    for (int i = 0; i < 8; i++) c.data[5 + i] = (uint8_t)(recon_next >> (56 - 8 * i));
    long n = ozk_watcher_cursor_encode(c.data + 13, sizeof c.data - 13, &wc);
    assert_true(n > 0);
    c.len = 13 + (size_t)n;
    assert_int_equal(ozk_store_set_cursor(st, &c, NULL, 0), 0);
}

static void test_reconciliation(void **state)
{
    (void)state;
    uint8_t mid[32];
    register_model(mid);
    char dir[256];
    ozk_store *st = open_store(dir, sizeof dir, "settler-recon", mid);
    record r[4];
    for (size_t i = 0; i < 4; i++) put_record(st, &r[i], mid, 0);
    uint64_t start_block;
    head(&start_block, NULL, NULL);
    ozk_settler *s = start(st, mid, start_block, 4, "recon");
    waitctx w = { st, 0, 0, OZK_BATCH_INCLUDED, 0, s };
    wait_for(batch_at_least, &w, 20000, 0, "batch 0 included");
    ozk_settler_stop(s);

    /* the challenge's log lies before the watcher's cursor, its id below the mark */
    uint64_t cblock;
    uint64_t id = challenge(st, mid, 0, 2, &r[2], &cblock);
    mine();
    set_cursor(st, cblock + 1, id + 1);
    s = start(st, mid, start_block, 4, "recon");
    w.id = id;
    w.status = OZK_CH_ANSWERED;
    wait_for(challenge_is, &w, 60000, 300, "ANSWERED via reconciliation");
    ozk_settler_status ss;
    ozk_settler_status_get(s, &ss);
    assert_int_equal(ss.challenges_reconciled, 1);
    assert_int_equal(chain_challenge_status(id), CH_ANSWERED);
    printf("reconciliation: challenge %llu (log in block %llu, never watched) found by "
           "reconciliation and answered\n",
           (unsigned long long)id, (unsigned long long)cblock);
    ozk_settler_stop(s);
    assert_int_equal(ozk_store_check(st, NULL, 0), 0);
    ozk_store_close(st);
    test_rmdir(dir);
    free_records(r, 4);
}

/* ---- 5. reorg -------------------------------------------------------------------------------- */

static int reorg_seen(void *p)
{
    waitctx *w = p;
    ozk_settler_status ss;
    ozk_settler_status_get(w->s, &ss);
    return ss.commit_reorgs >= 1 && batch_at_least(p);
}

static void test_reorg(void **state)
{
    (void)state;
    uint8_t mid[32];
    register_model(mid);
    char dir[256];
    ozk_store *st = open_store(dir, sizeof dir, "settler-reorg", mid);
    record r[3];
    for (size_t i = 0; i < 3; i++) put_record(st, &r[i], mid, 0);
    json_t *snap = rpc("evm_snapshot", json_array());
    char snap_id[32];
    snprintf(snap_id, sizeof snap_id, "%s", json_string_value(snap));
    json_decref(snap);
    uint64_t start_block;
    head(&start_block, NULL, NULL);
    ozk_settler *s = start(st, mid, start_block, 3, "reorg");
    waitctx w = { st, 0, 0, OZK_BATCH_INCLUDED, 0, s };
    wait_for(batch_at_least, &w, 20000, 0, "batch 0 included");
    ozk_store_batch b;
    assert_int_equal(ozk_store_get_batch(st, &b, 0, NULL, 0), 0);
    assert_int_equal(b.state, OZK_BATCH_INCLUDED);
    uint64_t bn0 = b.block_number;
    uint8_t bh0[32];
    memcpy(bh0, b.block_hash, 32);
    ozk_store_batch_clear(&b);

    /* the chain loses the commit's block; a different block takes its height */
    json_t *ok = rpc("evm_revert", json_pack("[s]", snap_id));
    assert_true(json_is_true(ok));
    json_decref(ok);
    rpc0("evm_increaseTime", json_pack("[I]", (json_int_t)7));
    mine();
    wait_for(reorg_seen, &w, 20000, 0, "the reorg seen and the batch included again");
    w.state = OZK_BATCH_FINAL;
    wait_for(batch_at_least, &w, 20000, 300, "batch 0 final");
    assert_int_equal(ozk_store_get_batch(st, &b, 0, NULL, 0), 0);
    assert_true(b.block_number != bn0 || memcmp(b.block_hash, bh0, 32) != 0);
    uint8_t h[32];
    assert_true(block_hash(b.block_number, h));
    assert_memory_equal(h, b.block_hash, 32);
    printf("reorg: batch 0 included in block %llu, reorged away, included again in block %llu\n",
           (unsigned long long)bn0, (unsigned long long)b.block_number);
    ozk_store_batch_clear(&b);
    check_batches_on_chain(st, mid, 1);

    /* a reorg during a challenge: the respond's block is lost, the challenge is Open again on
     * chain, and the settler rebroadcasts the stored respond. The settler is stopped while the
     * challenge is mined and the snapshot taken, so that the respond comes after the snapshot. */
    ozk_settler_stop(s);
    uint64_t cblock;
    w.id = challenge(st, mid, 0, 1, &r[1], &cblock);
    snap = rpc("evm_snapshot", json_array());
    snprintf(snap_id, sizeof snap_id, "%s", json_string_value(snap));
    json_decref(snap);
    s = start(st, mid, start_block, 3, "reorg-respond");
    w.s = s;
    wait_for(chain_answered, &w, 30000, 250, "the challenge answered");
    ok = rpc("evm_revert", json_pack("[s]", snap_id));
    assert_true(json_is_true(ok));
    json_decref(ok);
    rpc0("evm_increaseTime", json_pack("[I]", (json_int_t)3));
    mine();
    assert_int_equal(chain_challenge_status(w.id), CH_OPEN); /* the respond is gone */
    wait_for(chain_answered, &w, 30000, 250, "the challenge answered again after the reorg");
    w.status = OZK_CH_ANSWERED;
    wait_for(challenge_is, &w, 30000, 250, "the store says ANSWERED");
    printf("reorg: challenge %llu answered, its respond reorged away (Open again on chain), "
           "answered again\n",
           (unsigned long long)w.id);
    ozk_settler_stop(s);
    assert_int_equal(ozk_store_check(st, NULL, 0), 0);
    ozk_store_close(st);
    test_rmdir(dir);
    free_records(r, 3);
}

/* ---- 6. a stuck commit is replaced ------------------------------------------------------------
 */

static int replaced(void *p)
{
    waitctx *w = p;
    ozk_settler_status ss;
    ozk_settler_status_get(w->s, &ss);
    return ss.replacements >= 1;
}

static int fee_ge_110pct(const uint8_t hi[32], const uint8_t lo[32])
{
    uint64_t h = test_word_u64(hi), l = test_word_u64(lo);
    return h * 10 >= l * 11;
}

static void test_stuck(void **state)
{
    (void)state;
    uint8_t mid[32];
    register_model(mid);
    char dir[256];
    ozk_store *st = open_store(dir, sizeof dir, "settler-stuck", mid);
    record r[2];
    for (size_t i = 0; i < 2; i++) put_record(st, &r[i], mid, 0);
    uint64_t start_block;
    head(&start_block, NULL, NULL);
    rpc0("evm_setAutomine", json_pack("[b]", 0)); /* nothing is mined: the commit is stuck */
    ozk_settler *s = start(st, mid, start_block, 2, "stuck");
    waitctx w = { st, 0, 0, OZK_BATCH_SENT, 0, s };
    wait_for(batch_at_least, &w, 20000, 0, "batch 0 sent");
    wait_for(replaced, &w, 20000, 0, "a replacement");
    ozk_store_tx *txs;
    size_t n;
    assert_int_equal(ozk_store_list_open_txs(st, &txs, &n, g.committer, NULL, 0), 0);
    assert_true(n >= 2);
    /* one nonce; the newest pays at least 10% more on both fee fields than the first */
    size_t hi = 0;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(txs[i].nonce, txs[0].nonce);
        assert_int_equal(txs[i].purpose, OZK_STX_COMMIT);
        if (memcmp(txs[i].max_fee, txs[hi].max_fee, 32) > 0) hi = i;
    }
    size_t lo = hi == 0 ? 1 : 0;
    for (size_t i = 0; i < n; i++)
        if (memcmp(txs[i].max_fee, txs[lo].max_fee, 32) < 0) lo = i;
    assert_true(fee_ge_110pct(txs[hi].max_fee, txs[lo].max_fee));
    assert_true(fee_ge_110pct(txs[hi].max_priority_fee, txs[lo].max_priority_fee));
    printf("stuck: commit replaced %zu time(s): max fee %llu -> %llu wei, priority %llu -> %llu\n",
           n - 1, (unsigned long long)test_word_u64(txs[lo].max_fee),
           (unsigned long long)test_word_u64(txs[hi].max_fee),
           (unsigned long long)test_word_u64(txs[lo].max_priority_fee),
           (unsigned long long)test_word_u64(txs[hi].max_priority_fee));
    rpc0("evm_setAutomine", json_pack("[b]", 1));
    mine();
    w.state = OZK_BATCH_FINAL;
    wait_for(batch_at_least, &w, 20000, 250, "batch 0 final");
    check_batches_on_chain(st, mid, 1);
    /* one of them won, every other is REPLACED */
    int final = 0, repl = 0;
    for (size_t i = 0; i < n; i++) {
        ozk_store_tx t;
        assert_int_equal(ozk_store_get_tx(st, &t, txs[i].hash, NULL, 0), 0);
        final += t.state == OZK_STX_FINAL;
        repl += t.state == OZK_STX_REPLACED;
        ozk_store_tx_clear(&t);
    }
    assert_int_equal(final, 1);
    assert_int_equal(repl, (int)n - 1);
    ozk_store_tx_list_free(txs, n);
    ozk_settler_stop(s);
    assert_int_equal(ozk_store_check(st, NULL, 0), 0);
    ozk_store_close(st);
    test_rmdir(dir);
    free_records(r, 2);
}

/* ---- 7. a stale store ------------------------------------------------------------------------ */

static int is_stale(void *p)
{
    waitctx *w = p;
    ozk_settler_status ss;
    ozk_settler_status_get(w->s, &ss);
    return ss.stale && ss.ticks >= 2;
}

static void test_stale(void **state)
{
    (void)state;
    uint8_t mid[32];
    register_model(mid);
    char dir[256], dir2[256];
    ozk_store *st = open_store(dir, sizeof dir, "settler-stale", mid);
    record r[4];
    for (size_t i = 0; i < 2; i++) put_record(st, &r[i], mid, 0);
    uint64_t start_block;
    head(&start_block, NULL, NULL);
    ozk_settler *s = start(st, mid, start_block, 2, "stale-1");
    waitctx w = { st, 0, 0, OZK_BATCH_INCLUDED, 0, s };
    wait_for(batch_at_least, &w, 20000, 0, "batch 0 included");
    ozk_settler_stop(s);
    ozk_store_close(st);

    /* an older copy of the store (here: an empty one) with new records: the chain is ahead */
    ozk_store *old = open_store(dir2, sizeof dir2, "settler-stale-old", mid);
    for (size_t i = 2; i < 4; i++) put_record(old, &r[i], mid, 0);
    int alerts0 = alerts();
    s = start(old, mid, start_block, 2, "stale-2");
    w.s = s;
    wait_for(is_stale, &w, 20000, 0, "the stale store detected");
    sleep_ms(1500); /* past batch_max_age_ms: a batch would be due */
    assert_true(alerts() > alerts0);
    ozk_store_info info;
    assert_int_equal(ozk_store_info_get(old, &info, NULL, 0), 0);
    assert_int_equal(info.batches, 0); /* nothing built */
    assert_int_equal(info.pending, 2);
    ozk_store_tx *txs;
    size_t n;
    assert_int_equal(ozk_store_list_open_txs(old, &txs, &n, g.committer, NULL, 0), 0);
    assert_int_equal(n, 0); /* nothing sent */
    assert_int_equal(model_word(mid, M_NEXTSEQ), 1);
    printf("stale: the contract's nextSeq 1 is ahead of the store's 0: alert, no commit\n");
    ozk_settler_stop(s);
    ozk_store_close(old);
    test_rmdir(dir);
    test_rmdir(dir2);
    free_records(r, 4);
}

/* ---- setup ----------------------------------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    char err[256], path[512];
    if (ozk_srs_dev(&g.srs, SRS_LOG, 7)) return -1;
    snprintf(path, sizeof path, "%s/models/digits-mlp.ozkm", OZK_FIXTURES);
    size_t mlen;
    uint8_t *mbuf = test_read_file(path, &mlen);
    if (ozk_model_decode(&g.m, mbuf, mlen, err, sizeof err)) {
        fprintf(stderr, "%s: %s\n", path, err);
        return -1;
    }
    free(mbuf);
    if (ozk_vk_build(&g.vk, g.m, &g.srs, 0, err, sizeof err)) return -1;
    g.xlen = ozk_vk_input_bytes(g.vk);
    g.ylen = ozk_vk_output_bytes(g.vk);
    char *src;
    size_t slen;
    if (ozk__sol_generate(&src, &slen, g.vk)) return -1;
    test_compile_job cv, cs;
    test_compile_start(&cv, OZK_SOLC_VERIFIER, src);
    test_compile_start(&cs, OZK_SOLC_SETTLEMENT, NULL);

    /* a proof to measure the verifier's gas with (while the compiles run) */
    uint8_t *x = malloc(g.xlen), *y = malloc(g.ylen), *proof;
    size_t plen;
    test_rand_bytes(x, g.xlen);
    if (ozk_prove(&proof, &plen, y, g.m, g.vk, &g.srs, x, g.xlen, NULL, err, sizeof err)) return -1;
    test_compile_wait(&cv);
    test_compile_wait(&cs);
    free(src);

    if (anvil_start(&g.a)) return -1;
    g.anvil_up = 1;
    ozk_rpc_config rcfg;
    ozk_rpc_config_default(&rcfg);
    rcfg.url = g.a.url;
    ozk_rpc_error e;
    if (ozk_rpc_open(&g.rpc, &rcfg, &e)) return -1;
    actor_open(&g.owner, KEY_OWNER);
    actor_open(&g.challenger, KEY_CHALLENGER);
    ozk_key_from_hex(&g.committer_key, KEY_COMMITTER, strlen(KEY_COMMITTER), NULL, 0);
    ozk_key_from_hex(&g.responder_key, KEY_RESPONDER, strlen(KEY_RESPONDER), NULL, 0);
    ozk_key_address(g.committer, &g.committer_key);
    ozk_key_address(g.responder, &g.responder_key);
    uint8_t sink[20];
    ozk_hex_decode(g.payee, 20, PAYEE);
    ozk_hex_decode(sink, 20, BURN_SINK);

    deploy(&g.owner, g.verifier, cv.out.creation, cv.out.creation_len);
    {
        uint8_t *c;
        size_t clen;
        if (ozk_rpc_get_code(g.rpc, &c, &clen, g.verifier, &e)) return -1;
        ozk_keccak256(g.vhash, c, clen);
        free(c);
    }
    g.protocol = view_u64(g.verifier, "PROTOCOL_VERSION()", NULL, 0);
    {
        ozk_abi_value a[3] = { tv_bytes(proof, plen), tv_bytes(x, g.xlen), tv_bytes(y, g.ylen) };
        size_t len;
        uint8_t *data = test_calldata(&len, "verify(bytes,bytes,bytes)", a, 3);
        tx_ok(&g.owner, g.verifier, 0, data, len, 10000000, NULL, &g.verify_gas);
        free(data);
    }
    free(x);
    free(y);
    free(proof);
    g.respond_gas = 2 * g.verify_gas;
    g.bond = 2 * g.respond_gas * GAS_PRICE + PROVING_COST;
    {
        ozk_abi_value bi[9] = { tv_u64(MIN_STAKE),     tv_u64(MIN_BOND),     tv_u64(MAX_BOND),
                                tv_u64(CHALLENGE_WIN), tv_u64(RESPONSE_WIN), tv_u64(SHARE_BPS),
                                tv_addr(sink),         tv_bool(1),           tv_u64(GAS_PRICE) };
        ozk_abi_value bounds = { .kind = OZK_ABI_TUPLE, .items = bi, .n = 9 };
        ozk_abi_value args = { .kind = OZK_ABI_TUPLE, .items = &bounds, .n = 1 };
        ozk_abi_type *t;
        if (ozk_abi_type_parse(&t, "((uint256,uint256,uint256,uint64,uint64,uint16,address,bool,"
                                   "uint256))"))
            return -1;
        uint8_t *enc;
        size_t elen;
        if (ozk_abi_encode(&enc, &elen, t, &args)) return -1;
        ozk_abi_type_free(t);
        uint8_t *init = malloc(cs.out.creation_len + elen);
        memcpy(init, cs.out.creation, cs.out.creation_len);
        memcpy(init + cs.out.creation_len, enc, elen);
        deploy(&g.owner, g.settle, init, cs.out.creation_len + elen);
        free(init);
        free(enc);
    }
    ozk_solc_output_clear(&cv.out);
    ozk_solc_output_clear(&cs.out);
    printf("setup: verifier gas %llu, respond gas %llu, bond %llu wei\n",
           (unsigned long long)g.verify_gas, (unsigned long long)g.respond_gas,
           (unsigned long long)g.bond);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (g.owner.s) actor_close(&g.owner);
    if (g.challenger.s) actor_close(&g.challenger);
    ozk_rpc_close(g.rpc);
    if (g.anvil_up) anvil_stop(&g.a);
    ozk_key_wipe(&g.committer_key);
    ozk_key_wipe(&g.responder_key);
    ozk_vk_free(g.vk);
    ozk_model_free(g.m);
    ozk_srs_free(&g.srs);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_honest),    cmocka_unit_test(test_reconciliation),
        cmocka_unit_test(test_restart),   cmocka_unit_test(test_reorg),
        cmocka_unit_test(test_stuck),     cmocka_unit_test(test_stale),
        cmocka_unit_test(test_dishonest),
    };
    return TEST_RUN_WITH("settler", tests, setup, teardown);
}
