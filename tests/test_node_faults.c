/*
 * tests/test_node_faults.c: `ozk node` when things go wrong (issue 8, the failure modes), against
 * a real anvil, the real contracts and the real node binary. Each test has its own anvil,
 * Settlement and model.
 *
 *  dishonest  the node's test-only dishonest mode answers every 3rd request wrongly; those records
 *             are committed; a challenger disputes a wrong one: the node cannot prove it, logs a
 *             CRIT alert and sends no respond; after the response window resolveTimeout credits
 *             the challenger bond + reward and freezes the model; the node's next commit reverts,
 *             the node logs it, stays up and keeps serving.
 *  omission   a receipt challenge on a record committed in time is answered through
 *             respondReceipt; then (another model, another store) a node that accepts a request
 *             and dies before committing it is slashed by a receipt challenge after the deadline.
 *  crash      kill -9 at random moments (seeded) while receipts are being returned, while batches
 *             are written and committed, while a respond is proven or pending; restarted on the
 *             same store each time: every receipt a client got is still served with the same
 *             output and ends up committed (Merkle proof against the chain's root), no record or
 *             seq is committed twice, and every challenge opened is answered.
 *  outage     a TCP proxy between the node and anvil refuses, then black-holes, connections: the
 *             API keeps serving ozk_infer, batches wait; once the proxy is back, everything is
 *             committed and nothing is lost.
 *  stuck      the committer's commit is stuck in anvil's pool (a nonce gap, made with
 *             anvil_setNonce): a challenge on an already committed record is still answered from
 *             the responder key; once the gap is filled the stuck batch is committed.
 *
 * OZK_CRASH_ROUNDS raises the number of kill points of the crash test (default 10).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "model_testutil.h"
#include "node_testutil.h"
#include "ozk/hex.h"
#include "ozk/merkle.h"
#include "ozk/model.h"
#include "ozk/tx.h"
#include "testutil.h"

static node_env g_env;

typedef struct {
    uint8_t id[32], salt[32], x[64], y[40], sig[65];
    uint64_t deadline;
} rec;

/* ---- helpers --------------------------------------------------------------------------------- */

/* what the model answers for the canonical input x */
static void model_y(const ozk_model *m, uint8_t y[40], const uint8_t x[64])
{
    int8_t q[64];
    int32_t out[10];
    void *work = malloc(ozk_model_work_size(m));
    assert_int_equal(ozk_model_decode_input(m, q, x, 64), 0);
    ozk_model_infer(m, out, q, work);
    free(work);
    ozk_model_encode_output(m, y, out);
}

static void fill_rec(const json_t *res, rec *r)
{
    node_hex_field(res, "request_id", r->id, 32);
    node_hex_field(res, "salt", r->salt, 32);
    node_hex_field(res, "input_q", r->x, 64);
    node_hex_field(res, "output_q", r->y, 40);
    node_hex_field(res, "signature", r->sig, 65);
    r->deadline = (uint64_t)json_integer_value(json_object_get(res, "commit_deadline"));
}

/* one ozk_infer of a random canonical input: 0 and *r, or -1 when the node did not answer */
static int try_infer(node_env *e, rec *r)
{
    uint8_t x[64];
    char hex[131] = "0x";
    for (int k = 0; k < 64; k++) x[k] = (uint8_t)test_rand_below(256);
    ozk_hex_encode(hex + 2, x, 64);
    json_t *o = node_try_call(e, "ozk_infer", json_pack("{s:s}", "input_q", hex), NODE_TOKEN);
    if (!o) return -1;
    json_t *res = json_object_get(o, "result");
    if (!res) {
        char *t = json_dumps(o, 0);
        fail_msg("ozk_infer: %s", t);
    }
    fill_rec(res, r);
    assert_memory_equal(r->x, x, 64);
    json_decref(o);
    return 0;
}

static void infer(node_env *e, rec *r)
{
    if (try_infer(e, r)) fail_msg("ozk_infer: the node did not answer");
}

static json_t *receipt_of(node_env *e, const uint8_t id[32])
{
    return node_receipt(e, id);
}

static int is_committed(node_env *e, const uint8_t id[32])
{
    json_t *res = receipt_of(e, id);
    json_t *b = json_object_get(res, "batch");
    int c = json_is_object(b) && json_is_true(json_object_get(b, "committed"));
    json_decref(res);
    return c;
}

static uint64_t wei_u64(const uint8_t w[32])
{
    return test_word_u64(w);
}

static uint64_t bond_of(node_env *e)
{
    return wei_u64(e->dep.bond_wei);
}

/* word k of model(id) (23 words; 9 stake, 14 frozen, 19 nextSeq) */
static uint64_t model_word(node_env *e, int k)
{
    uint8_t w[23 * 32];
    ozk_abi_value a = tv_b32(e->dep.model_id);
    test_view(&e->owner, e->dep.settlement, "model(bytes32)", &a, 1, w, sizeof w);
    return test_word_u64(w + 32 * k);
}

/* prints the last bytes of the node's log (on a failure) */
static void dump_log_tail(node_env *e, size_t bytes)
{
    size_t len;
    char *t = (char *)test_read_file(e->log, &len);
    printf("---- the node's log (last %zu bytes) ----\n%s\n", bytes,
           t + (len > bytes ? len - bytes : 0));
    free(t);
}

/* waits (mining blocks) until every receipt says committed; checks each Merkle proof against
 * the chain's root and count of its batch, and that the node still serves the same output */
static void wait_committed(node_env *e, const rec *rs, size_t n, uint64_t limit_ms)
{
    uint64_t t0 = test_now_ms();
    for (size_t i = 0; i < n; i++) {
        for (;;) {
            json_t *res = receipt_of(e, rs[i].id);
            uint8_t y[40];
            node_hex_field(res, "output_q", y, 40);
            assert_memory_equal(y, rs[i].y, 40);
            json_t *b = json_object_get(res, "batch");
            if (json_is_object(b) && json_is_true(json_object_get(b, "committed"))) {
                uint64_t seq = (uint64_t)json_integer_value(json_object_get(b, "seq"));
                uint64_t idx = (uint64_t)json_integer_value(json_object_get(b, "index"));
                uint64_t count = (uint64_t)json_integer_value(json_object_get(b, "count"));
                uint8_t root[32], leaf[32], w[6 * 32], proof[24][32];
                node_hex_field(b, "root", root, 32);
                node_hex_field(res, "leaf", leaf, 32);
                json_t *mp = json_object_get(b, "merkle_proof");
                size_t d = json_array_size(mp);
                assert_true(d <= 24);
                for (size_t k = 0; k < d; k++) {
                    const char *s = json_string_value(json_array_get(mp, k));
                    assert_int_equal(ozk_hex_decode(proof[k], 32, s), 32);
                }
                ozk_abi_value a[2] = { tv_b32(e->dep.model_id), tv_u64(seq) };
                test_view(&e->owner, e->dep.settlement, "batch(bytes32,uint256)", a, 2, w,
                          sizeof w);
                assert_memory_equal(w, root, 32);
                assert_int_equal(test_word_u64(w + 32), count);
                assert_int_equal(
                    ozk_merkle_verify(root, leaf, idx, count, (const uint8_t(*)[32])proof, d), 1);
                json_decref(res);
                break;
            }
            json_decref(res);
            if (test_now_ms() - t0 > limit_ms) {
                dump_log_tail(e, 6000);
                fail_msg("record %zu of %zu not committed within %llu ms", i, n,
                         (unsigned long long)limit_ms);
            }
            test_mine(&e->owner);
            test_sleep_ms(100);
        }
    }
}

static uint64_t challenge(node_env *e, const rec *r)
{
    return node_challenge(e, r->id, r->salt, r->x, r->y);
}

/* the client disputes its receipt (challengeReceipt with the bond); returns the challenge id */
static uint64_t challenge_receipt(node_env *e, const rec *r)
{
    uint8_t xh[32], yh[32];
    ozk_merkle_salted_hash(xh, r->salt, r->x, 64);
    ozk_merkle_salted_hash(yh, r->salt, r->y, 40);
    ozk_abi_value f[7] = { tv_u64(e->dep.chain_id),
                           tv_addr(e->dep.settlement),
                           tv_b32(e->dep.model_id),
                           tv_b32(r->id),
                           tv_b32(xh),
                           tv_b32(yh),
                           tv_u64(r->deadline) };
    ozk_abi_value a[5] = { { .kind = OZK_ABI_TUPLE, .items = f, .n = 7 },
                           tv_bytes(r->sig, 65),
                           tv_b32(r->salt),
                           tv_bytes(r->x, 64),
                           tv_bytes(r->y, 40) };
    size_t len;
    uint8_t *data = test_calldata(
        &len,
        "challengeReceipt((uint256,address,bytes32,bytes32,bytes32,bytes32,uint64),bytes,bytes32,"
        "bytes,bytes)",
        a, 5);
    test_tx_ok(&e->challenger, e->dep.settlement, bond_of(e), data, len, 2000000);
    free(data);
    uint8_t w[32];
    test_view(&e->owner, e->dep.settlement, "challengeCount()", NULL, 0, w, 32);
    return test_word_u64(w);
}

static int challenge_status(node_env *e, uint64_t id)
{
    return node_challenge_status(e, id);
}

static void wait_answered(node_env *e, uint64_t id, uint64_t limit_ms)
{
    uint64_t t0 = test_now_ms();
    while (challenge_status(e, id) != 2) {
        if (test_now_ms() - t0 > limit_ms)
            fail_msg("challenge %llu not answered within %llu ms (status %d)",
                     (unsigned long long)id, (unsigned long long)limit_ms, challenge_status(e, id));
        test_mine(&e->owner);
        test_sleep_ms(100);
    }
}

static uint64_t credits_of(node_env *e, const uint8_t who[20])
{
    return node_credits(e, who);
}

static uint64_t share_bps(node_env *e)
{
    uint8_t w[32];
    test_view(&e->owner, e->dep.settlement, "CHALLENGER_SHARE_BPS()", NULL, 0, w, 32);
    return test_word_u64(w);
}

/* the challenger's share of a slashed stake */
static uint64_t reward_of(node_env *e, uint64_t stake)
{
    uint64_t bps = share_bps(e); /* floor(stake * bps / 10000) without overflow */
    return stake / 10000 * bps + stake % 10000 * bps / 10000;
}

static void resolve_timeout(node_env *e, uint64_t id)
{
    ozk_abi_value a = tv_u64(id);
    size_t len;
    uint8_t *data = test_calldata(&len, "resolveTimeout(uint256)", &a, 1);
    test_tx_ok(&e->challenger, e->dep.settlement, 0, data, len, 500000);
    free(data);
}

/* waits (mining blocks) until the node's log contains needle */
static void wait_log(node_env *e, const char *needle, uint64_t limit_ms)
{
    uint64_t t0 = test_now_ms();
    while (!node_log_contains(e, needle)) {
        if (test_now_ms() - t0 > limit_ms)
            fail_msg("the node did not log \"%s\" within %llu ms", needle,
                     (unsigned long long)limit_ms);
        test_mine(&e->owner);
        test_sleep_ms(100);
    }
}

/* how many times the node's log contains needle */
static size_t log_count(node_env *e, const char *needle)
{
    size_t len, c = 0;
    char *t = (char *)test_read_file(e->log, &len);
    for (const char *p = strstr(t, needle); p; p = strstr(p + 1, needle)) c++;
    free(t);
    return c;
}

static int node_alive(node_env *e)
{
    int st;
    return e->pid > 0 && waitpid(e->pid, &st, WNOHANG) == 0;
}

static json_t *status_of(node_env *e)
{
    return node_result(e, "ozk_status", NULL);
}

static uint64_t status_u64(const json_t *o, const char *key)
{
    return (uint64_t)json_integer_value(json_object_get(o, key));
}

/* every batch below the chain's nextSeq: the node's root is the chain's, no request id twice,
 * and the node counts exactly the chain's batches; returns nextSeq */
/* The committed batches hold the node's records once each: expect_records of them, plus at most
 * unanswered more (a request the node stored but whose answer a kill -9 cut off: stored, never
 * acknowledged, committed like any other record). */
static uint64_t check_batches(node_env *e, size_t expect_records, size_t unanswered)
{
    uint64_t next = model_word(e, 19);
    json_t *st = status_of(e);
    assert_int_equal(status_u64(st, "next_batch_seq"), next);
    assert_int_equal(status_u64(st, "records_pending"), 0);
    json_decref(st);
    size_t cap = expect_records + unanswered + 16, n = 0;
    uint8_t(*ids)[32] = malloc(cap * 32);
    for (uint64_t seq = 0; seq < next; seq++) {
        json_t *b = node_result(e, "ozk_getBatch", json_pack("{s:I}", "seq", (json_int_t)seq));
        uint8_t root[32], w[6 * 32];
        node_hex_field(b, "root", root, 32);
        ozk_abi_value a[2] = { tv_b32(e->dep.model_id), tv_u64(seq) };
        test_view(&e->owner, e->dep.settlement, "batch(bytes32,uint256)", a, 2, w, sizeof w);
        assert_memory_equal(w, root, 32);
        json_t *ri = json_object_get(b, "request_ids");
        assert_int_equal(json_array_size(ri), test_word_u64(w + 32));
        for (size_t k = 0; k < json_array_size(ri); k++) {
            uint8_t id[32];
            assert_int_equal(ozk_hex_decode(id, 32, json_string_value(json_array_get(ri, k))), 32);
            for (size_t j = 0; j < n; j++)
                if (!memcmp(ids[j], id, 32)) fail_msg("a request id is in two batches");
            assert_true(n < cap);
            memcpy(ids[n++], id, 32);
        }
        json_decref(b);
    }
    free(ids);
    if (n < expect_records || n > expect_records + unanswered)
        fail_msg("%zu records in the committed batches, %zu acknowledged (and at most %zu stored "
                 "but cut off by a kill)",
                 n, expect_records, unanswered);
    return next;
}

/* ---- 1. dishonest ---------------------------------------------------------------------------- */

static void test_dishonest(void **state)
{
    (void)state;
    node_env *e = &g_env;
    node_env_init(e, "faults-dishonest");
    node_env_deploy(e, "--challenge-window 600 --response-window 60");
    node_env_config(e, ", \"dishonest_every\": 3, \"batch_max_records\": 6");
    node_env_start(e);
    assert_true(node_log_contains(e, "DISHONEST MODE"));
    ozk_model *m = test_model_fixture(OZK_FIXTURES, "digits-mlp.ozkm");

    rec rs[6];
    int wrong = -1, nwrong = 0;
    for (int i = 0; i < 6; i++) {
        infer(e, &rs[i]);
        uint8_t y[40];
        model_y(m, y, rs[i].x);
        if (memcmp(y, rs[i].y, 40)) {
            nwrong++;
            if (wrong < 0) wrong = i;
        }
    }
    assert_int_equal(nwrong, 2); /* requests 3 and 6 */
    wait_committed(e, rs, 6, 60000);
    printf("6 records committed, %d of them answered wrongly\n", nwrong);
    assert_false(node_log_contains(e, "CRIT"));

    uint64_t id = challenge(e, &rs[wrong]);
    wait_log(e, "CRIT", 30000);
    assert_true(node_log_contains(e, "cannot be proven"));
    printf("challenge %llu on a wrong record: the node logged a CRIT alert\n",
           (unsigned long long)id);
    /* a few more ticks: no respond goes out, the challenge stays open */
    for (int i = 0; i < 10; i++) {
        test_mine(&e->owner);
        test_sleep_ms(100);
    }
    char sent[96];
    snprintf(sent, sizeof sent, "respond to challenge %llu sent", (unsigned long long)id);
    assert_false(node_log_contains(e, sent));
    assert_int_equal(challenge_status(e, id), 1);
    json_t *st = status_of(e);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(st, "chain"), "challenges_unprovable")),
        1);
    json_decref(st);

    /* after the response window the challenger takes bond + reward; the model is frozen */
    uint64_t before = credits_of(e, e->challenger.addr), stake = model_word(e, 9);
    assert_int_equal(model_word(e, 14), 0);
    test_warp(&e->owner, 61);
    resolve_timeout(e, id);
    assert_int_equal(challenge_status(e, id), 3);
    uint64_t gained = credits_of(e, e->challenger.addr) - before;
    assert_int_equal(gained, bond_of(e) + reward_of(e, stake));
    assert_int_equal(model_word(e, 14), 1);
    assert_int_equal(model_word(e, 9), 0);
    /* the batches committed before the freeze (their count depends on timing) */
    uint64_t seq_frozen = model_word(e, 19);
    printf("resolveTimeout: challenger credited %llu wei (bond %llu + reward), model frozen\n",
           (unsigned long long)gained, (unsigned long long)bond_of(e));

    /* the node's next commit fails; it says so, stays up and keeps serving */
    rec more[3];
    for (int i = 0; i < 3; i++) infer(e, &more[i]);
    wait_log(e, "commits stop", 30000);
    wait_log(e, "timed out on chain", 30000);
    assert_true(node_alive(e));
    for (int i = 0; i < 3; i++) assert_false(is_committed(e, more[i].id));
    /* it signs no receipt it cannot commit any more (-32002), and still serves the rest */
    json_t *o = node_call(e, "ozk_infer", json_pack("{s:s}", "input_q", "0x00"), NODE_TOKEN);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "error"), "code")),
                     -32002);
    json_decref(o);
    st = status_of(e);
    assert_int_equal(status_u64(st, "records"), 9);
    json_decref(st);
    json_decref(receipt_of(e, rs[wrong].id));
    assert_int_equal(model_word(e, 19), seq_frozen); /* no batch since the freeze */
    printf("after the freeze: the commit reverted (CRIT logged); the node stays up, refuses new "
           "requests (-32002) and serves the rest\n");

    assert_int_equal(node_env_stop(e, SIGTERM), 0);
    ozk_model_free(m);
    node_env_free(e);
}

/* ---- 2. omission, and a receipt challenge answered ------------------------------------------- */

static void test_omission(void **state)
{
    (void)state;
    node_env *e = &g_env;
    node_env_init(e, "faults-omission");

    /* a record committed in time: its receipt challenge is answered with respondReceipt */
    node_env_deploy(e, "--challenge-window 600 --response-window 120");
    node_env_config(e, ", \"commit_deadline_s\": 30, \"batch_max_records\": 2");
    node_env_start(e);
    rec ok[2];
    for (int i = 0; i < 2; i++) infer(e, &ok[i]);
    wait_committed(e, ok, 2, 60000);
    test_warp(&e->owner, 40); /* past the receipt's deadline: a receipt challenge may open */
    uint64_t payee0 = credits_of(e, e->dep.payee);
    uint64_t id = challenge_receipt(e, &ok[1]);
    uint64_t t0 = test_now_ms();
    wait_answered(e, id, 60000);
    assert_int_equal(credits_of(e, e->dep.payee), payee0 + bond_of(e));
    printf("receipt challenge %llu on a committed record answered by respondReceipt in %llu ms\n",
           (unsigned long long)id, (unsigned long long)(test_now_ms() - t0));
    assert_int_equal(node_env_stop(e, SIGTERM), 0);

    /* another model, another store: a node that never commits what it accepted */
    node_env_deploy(e, "--challenge-window 600 --response-window 60");
    char extra[1024];
    snprintf(extra, sizeof extra,
             ", \"store\": \"%.512s/store-omission\", \"commit_deadline_s\": 30, "
             "\"batch_max_records\": 1000, \"batch_max_age_ms\": 3600000",
             e->dir);
    node_env_config(e, extra);
    node_env_start(e);
    rec r;
    infer(e, &r);
    assert_int_equal(node_env_stop(e, SIGKILL), -SIGKILL);
    assert_int_equal(model_word(e, 19), 0); /* nothing committed */
    test_warp(&e->owner, 31);
    uint64_t before = credits_of(e, e->challenger.addr), stake = model_word(e, 9);
    id = challenge_receipt(e, &r);
    assert_int_equal(challenge_status(e, id), 1);
    test_warp(&e->owner, 61);
    resolve_timeout(e, id);
    assert_int_equal(challenge_status(e, id), 3);
    /* the challenger paid the bond and got it back with the reward */
    uint64_t gained = credits_of(e, e->challenger.addr) - before;
    assert_int_equal(gained, bond_of(e) + reward_of(e, stake));
    assert_int_equal(model_word(e, 14), 1);
    printf("omission: the uncommitted receipt was challenged after its deadline and slashed "
           "(challenger credited %llu wei, model frozen)\n",
           (unsigned long long)gained);
    node_env_free(e);
}

/* ---- 3. crash safety ------------------------------------------------------------------------- */

typedef struct {
    pid_t pid;
    long delay_ms;
} killer;

static void *killer_main(void *arg)
{
    killer *k = arg;
    test_sleep_ms(k->delay_ms);
    kill(k->pid, SIGKILL);
    return NULL;
}

#define CRASH_MAX_RECS 2048

static void test_crash(void **state)
{
    (void)state;
    node_env *e = &g_env;
    int rounds = 10;
    const char *env = getenv("OZK_CRASH_ROUNDS");
    if (env && atoi(env) > 0) rounds = atoi(env);
    printf("crash: %d kill points, seed %llu (rerun with OZK_TEST_SEED=%llu)\n", rounds,
           (unsigned long long)test_seed(), (unsigned long long)test_seed());
    node_env_init(e, "faults-crash");
    node_env_deploy(e, "--challenge-window 1200 --response-window 1200");
    node_env_config(e, ", \"batch_max_records\": 4, \"batch_max_age_ms\": 300");
    node_env_start(e);

    static rec rs[CRASH_MAX_RECS];
    static int challenged[CRASH_MAX_RECS];
    uint64_t ids[256];
    size_t n = 0, nch = 0;
    memset(challenged, 0, sizeof challenged);
    static const char *phase_name[] = { "receipts", "batch/commit", "respond" };
    for (int round = 0; round < rounds; round++) {
        int phase = round % 3;
        int pick = -1;
        if (phase == 2) { /* a committed record nobody challenged yet */
            size_t start = n ? (size_t)test_rand_below(n) : 0;
            for (size_t k = 0; k < n && pick < 0; k++) {
                size_t i = (start + k) % n;
                if (!challenged[i] && is_committed(e, rs[i].id)) pick = (int)i;
            }
            if (pick < 0) phase = 0;
        }
        killer k = { e->pid, 0 };
        pthread_t th;
        if (phase == 0) { /* kill while requests are answered and batched */
            k.delay_ms = (long)test_rand_below(800);
            assert_int_equal(pthread_create(&th, NULL, killer_main, &k), 0);
            /* a paced load that runs until the kill (the last request may get no answer) */
            while (n < CRASH_MAX_RECS && try_infer(e, &rs[n]) == 0) {
                n++;
                test_sleep_ms(15);
            }
        } else if (phase == 1) { /* a full batch, then kill while it is stored and committed */
            for (int i = 0; i < 4; i++) infer(e, &rs[n++]);
            k.delay_ms = (long)test_rand_below(250);
            assert_int_equal(pthread_create(&th, NULL, killer_main, &k), 0);
        } else { /* a challenge, then kill while it is proven or its respond is pending */
            assert_true(nch < sizeof ids / sizeof ids[0]);
            ids[nch++] = challenge(e, &rs[pick]);
            challenged[pick] = 1;
            k.delay_ms = (long)test_rand_below(600); /* a proof takes about 200 ms */
            assert_int_equal(pthread_create(&th, NULL, killer_main, &k), 0);
        }
        pthread_join(th, NULL);
        assert_int_equal(node_env_stop(e, SIGKILL), -SIGKILL);
        printf("round %d: %s, killed after %ld ms, %zu receipts so far\n", round, phase_name[phase],
               k.delay_ms, n);
        node_env_start(e);
        test_mine(&e->owner);
    }

    /* every receipt still served with the same output and committed; each challenge answered */
    wait_committed(e, rs, n, 90000);
    for (size_t i = 0; i < nch; i++) {
        wait_answered(e, ids[i], 60000);
    }
    uint64_t seqs = check_batches(e, n, (size_t)rounds);
    /* what the restarts found (from the node's log, appended across runs) */
    printf("crash: restarts found %zu stored commits to follow, rebroadcast %zu commits and %zu "
           "responds; %zu proofs made for %zu challenges\n",
           log_count(e, "following its stored commit"), log_count(e, "rebroadcast of commit"),
           log_count(e, "rebroadcast of respond"), log_count(e, "proven in"), nch);
    printf("crash: all %zu receipts committed in %llu batches (nextSeq on chain = the node's), "
           "%zu challenges answered\n",
           n, (unsigned long long)seqs, nch);
    assert_int_equal(node_env_stop(e, SIGTERM), 0);
    node_env_free(e);
}

/* ---- 4. RPC outage --------------------------------------------------------------------------- */

enum { PX_PASS, PX_REFUSE, PX_DROP };
#define PX_MAX 32

typedef struct {
    int lfd, port, target;
    atomic_int mode, stop;
    pthread_t th;
    int a[PX_MAX], b[PX_MAX]; /* client and upstream, -1 unused; b -1 with a set: held */
} proxy;

static void px_close(proxy *p, int i)
{
    if (p->a[i] >= 0) close(p->a[i]);
    if (p->b[i] >= 0) close(p->b[i]);
    p->a[i] = p->b[i] = -1;
}

static int px_forward(int from, int to)
{
    char buf[65536];
    ssize_t r = read(from, buf, sizeof buf);
    if (r <= 0) return -1;
    for (ssize_t off = 0; off < r;) {
        ssize_t w = write(to, buf + off, (size_t)(r - off));
        if (w <= 0) return -1;
        off += w;
    }
    return 0;
}

static void *px_main(void *arg)
{
    proxy *p = arg;
    int last = PX_PASS;
    while (!atomic_load(&p->stop)) {
        int mode = atomic_load(&p->mode);
        if (mode != last) /* every connection of the old mode is cut */
            for (int i = 0; i < PX_MAX; i++) px_close(p, i);
        last = mode;
        struct pollfd pf[1 + 2 * PX_MAX];
        int map[1 + 2 * PX_MAX], np = 0;
        pf[np].fd = p->lfd, pf[np].events = POLLIN, map[np++] = -1;
        for (int i = 0; i < PX_MAX; i++) {
            if (p->a[i] < 0 || p->b[i] < 0) continue; /* held connections are never read */
            pf[np].fd = p->a[i], pf[np].events = POLLIN, map[np++] = i;
            pf[np].fd = p->b[i], pf[np].events = POLLIN, map[np++] = i + PX_MAX;
        }
        if (poll(pf, (nfds_t)np, 50) <= 0) continue;
        if (pf[0].revents & POLLIN) {
            int c = accept(p->lfd, NULL, NULL);
            int slot = -1;
            for (int i = 0; i < PX_MAX && slot < 0; i++)
                if (p->a[i] < 0) slot = i;
            if (c >= 0 && (mode == PX_REFUSE || slot < 0)) {
                close(c);
            } else if (c >= 0 && mode == PX_DROP) {
                p->a[slot] = c; /* accepted, then nothing: a black hole */
            } else if (c >= 0) {
                int u = socket(AF_INET, SOCK_STREAM, 0);
                struct sockaddr_in sa = { .sin_family = AF_INET,
                                          .sin_port = htons((uint16_t)p->target) };
                sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
                if (u < 0 || connect(u, (struct sockaddr *)&sa, sizeof sa)) {
                    if (u >= 0) close(u);
                    close(c);
                } else {
                    p->a[slot] = c;
                    p->b[slot] = u;
                }
            }
        }
        for (int k = 1; k < np; k++) {
            if (!(pf[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            int i = map[k] % PX_MAX, up = map[k] >= PX_MAX;
            if (p->a[i] < 0 || p->b[i] < 0) continue; /* closed earlier in this round */
            if (px_forward(up ? p->b[i] : p->a[i], up ? p->a[i] : p->b[i])) px_close(p, i);
        }
    }
    for (int i = 0; i < PX_MAX; i++) px_close(p, i);
    return NULL;
}

static void proxy_start(proxy *p, int target)
{
    memset(p, 0, sizeof *p);
    for (int i = 0; i < PX_MAX; i++) p->a[i] = p->b[i] = -1;
    p->target = target;
    p->lfd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(p->lfd >= 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = 0 };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(p->lfd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(p->lfd, 64), 0);
    socklen_t sl = sizeof sa;
    assert_int_equal(getsockname(p->lfd, (struct sockaddr *)&sa, &sl), 0);
    p->port = ntohs(sa.sin_port);
    atomic_store(&p->mode, PX_PASS);
    assert_int_equal(pthread_create(&p->th, NULL, px_main, p), 0);
}

static void proxy_stop(proxy *p)
{
    atomic_store(&p->stop, 1);
    pthread_join(p->th, NULL);
    close(p->lfd);
}

static void test_outage(void **state)
{
    (void)state;
    node_env *e = &g_env;
    node_env_init(e, "faults-outage");
    node_env_deploy(e, "--challenge-window 600 --response-window 600");
    proxy px;
    proxy_start(&px, e->a.port);
    char extra[256];
    snprintf(extra, sizeof extra, ", \"rpc\": \"http://127.0.0.1:%d\", \"batch_max_records\": 4",
             px.port);
    node_env_config(e, extra);
    node_env_start(e);

    rec rs[20];
    size_t n = 0;
    for (int i = 0; i < 4; i++) infer(e, &rs[n++]);
    wait_committed(e, rs, n, 60000);
    uint64_t seq0 = model_word(e, 19);

    /* the RPC refuses connections: requests are still answered and stored, nothing commits */
    atomic_store(&px.mode, PX_REFUSE);
    test_sleep_ms(300);
    uint64_t t0 = test_now_ms();
    for (int i = 0; i < 8; i++) infer(e, &rs[n++]);
    printf("outage (refused): 8 ozk_infer answered in %llu ms\n",
           (unsigned long long)(test_now_ms() - t0));
    /* the node reports the outage once its RPC client has given up retrying (about 4 s) */
    for (;;) {
        json_t *st = status_of(e);
        const char *le =
            json_string_value(json_object_get(json_object_get(st, "chain"), "last_error"));
        if (le && le[0]) {
            printf("outage (refused): the node reports: %s\n", le);
            json_decref(st);
            break;
        }
        json_decref(st);
        if (test_now_ms() - t0 > 15000) fail_msg("ozk_status shows no error 15 s into the outage");
        test_sleep_ms(200);
    }
    for (size_t i = 4; i < n; i++) assert_false(is_committed(e, rs[i].id));
    assert_int_equal(model_word(e, 19), seq0);

    /* the RPC accepts and never answers: the same */
    atomic_store(&px.mode, PX_DROP);
    t0 = test_now_ms();
    for (int i = 0; i < 6; i++) infer(e, &rs[n++]);
    printf("outage (black hole): 6 ozk_infer answered in %llu ms\n",
           (unsigned long long)(test_now_ms() - t0));
    test_sleep_ms(1500);
    assert_true(node_alive(e));
    assert_int_equal(model_word(e, 19), seq0);

    /* back: everything is committed, once */
    atomic_store(&px.mode, PX_PASS);
    t0 = test_now_ms();
    wait_committed(e, rs, n, 90000);
    uint64_t seqs = check_batches(e, n, 0);
    printf("outage over: all %zu records committed in %llu ms (%llu batches, none twice)\n", n,
           (unsigned long long)(test_now_ms() - t0), (unsigned long long)seqs);
    assert_int_equal(node_env_stop(e, SIGTERM), 0);
    proxy_stop(&px);
    node_env_free(e);
}

/* ---- 5. a stuck commit does not delay a respond ---------------------------------------------- */

static uint64_t nonce_of(node_env *e, const uint8_t addr[20], const char *tag)
{
    char a[43] = "0x";
    ozk_hex_encode(a + 2, addr, 20);
    json_t *r = test_rpc(&e->owner, "eth_getTransactionCount", json_pack("[s,s]", a, tag));
    uint64_t v = strtoull(json_string_value(r), NULL, 16);
    json_decref(r);
    return v;
}

static void set_nonce(node_env *e, const uint8_t addr[20], uint64_t nonce)
{
    char a[43] = "0x", h[24];
    ozk_hex_encode(a + 2, addr, 20);
    snprintf(h, sizeof h, "0x%llx", (unsigned long long)nonce);
    json_decref(test_rpc(&e->owner, "anvil_setNonce", json_pack("[s,s]", a, h)));
}

static void test_stuck(void **state)
{
    (void)state;
    node_env *e = &g_env;
    node_env_init(e, "faults-stuck");
    node_env_deploy(e, "--challenge-window 600 --response-window 600");
    node_env_config(e, ", \"batch_max_records\": 2");
    node_env_start(e);
    rec rs[4];
    for (int i = 0; i < 2; i++) infer(e, &rs[i]);
    wait_committed(e, rs, 2, 60000);

    /* the committer's account nonce is set one below the nonce the node sends next: its next
     * commit waits in anvil's pool behind a gap, as behind a low-fee transaction */
    uint64_t nonce = nonce_of(e, e->dep.committer, "latest");
    set_nonce(e, e->dep.committer, nonce - 1);
    for (int i = 2; i < 4; i++) infer(e, &rs[i]);
    uint64_t t0 = test_now_ms();
    for (;;) { /* the commit of batch 1 is sent */
        json_t *o = node_call(e, "ozk_getBatch", json_pack("{s:i}", "seq", 1), NODE_TOKEN);
        json_t *b = json_object_get(o, "result");
        const char *s = json_string_value(json_object_get(b, "state"));
        int sent = s && !strcmp(s, "sent");
        json_decref(o);
        if (sent) break;
        if (test_now_ms() - t0 > 30000) fail_msg("batch 1 was not sent within 30 s");
        test_sleep_ms(100);
    }
    for (int i = 0; i < 5; i++) {
        test_mine(&e->owner);
        test_sleep_ms(100);
    }
    assert_false(is_committed(e, rs[2].id));
    assert_int_equal(model_word(e, 19), 1);
    printf("batch 1's commit is stuck in the pool (nonce gap at %llu)\n",
           (unsigned long long)(nonce - 1));

    /* a challenge on a committed record is answered meanwhile */
    t0 = test_now_ms();
    uint64_t id = challenge(e, &rs[0]);
    wait_answered(e, id, 60000);
    assert_false(is_committed(e, rs[2].id));
    assert_int_equal(model_word(e, 19), 1);
    printf("challenge %llu answered in %llu ms while the commit stayed stuck\n",
           (unsigned long long)id, (unsigned long long)(test_now_ms() - t0));

    /* the gap filled (a transfer at the missing nonce): the stuck commit goes through */
    ozk_sender_set_nonce(e->owner.s, nonce - 1);
    test_tx_ok(&e->owner, e->owner.addr, 0, NULL, 0, 21000);
    t0 = test_now_ms();
    wait_committed(e, rs, 4, 60000);
    check_batches(e, 4, 0);
    printf("gap filled: batch 1 committed %llu ms later\n",
           (unsigned long long)(test_now_ms() - t0));
    assert_int_equal(node_env_stop(e, SIGTERM), 0);
    node_env_free(e);
}

static int teardown(void **state)
{
    (void)state;
    node_env_free(&g_env);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_dishonest, teardown),
        cmocka_unit_test_teardown(test_omission, teardown),
        cmocka_unit_test_teardown(test_crash, teardown),
        cmocka_unit_test_teardown(test_outage, teardown),
        cmocka_unit_test_teardown(test_stuck, teardown),
    };
    /* OZK_FAULTS_ONLY=test_crash runs one test (cmocka's filter) */
    if (getenv("OZK_FAULTS_ONLY")) cmocka_set_test_filter(getenv("OZK_FAULTS_ONLY"));
    return TEST_RUN("node_faults", tests);
}
