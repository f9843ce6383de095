/*
 * tests/test_store.c: the node's LMDB store (ozk/store.h): round trips of every kind of value,
 * the rules (unique request ids, batches in seq order, state moves, idempotent challenges with
 * the cursor in one transaction), retention, identity and format checks, corrupt values written
 * with raw LMDB, a map that fills up, several threads at once, and a kill -9 test: a child
 * process stores records and batches while the parent kills it at seeded random moments and
 * checks that everything the child reported as stored is there, intact and consistent.
 */
#include <errno.h>
#include <lmdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ozk/error.h"
#include "ozk/keccak.h"
#include "ozk/merkle.h"
#include "ozk/store.h"
#include "testutil.h"

static char g_err[512];
#define ERR g_err, sizeof g_err

/* asserts that expr returns 0, showing the store's message when not */
#define OK(expr)                                                   \
    do {                                                           \
        g_err[0] = 0;                                              \
        int ok_rc_ = (expr);                                       \
        if (ok_rc_) fail_msg("%s = %d: %s", #expr, ok_rc_, g_err); \
    } while (0)

static const ozk_store_identity ID = {
    31337,
    { 0x5e, 0x77, 0x1e, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
      0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10 },
    { 0xab, 0xcd }
};

/* ---- deterministic records ---------------------------------------------------------------- */

static void h64(uint8_t out[32], const char *tag, uint64_t k)
{
    uint8_t m[40] = { 0 };
    size_t n = strlen(tag);
    memcpy(m, tag, n);
    for (int i = 0; i < 8; i++) m[n + (size_t)i] = (uint8_t)(k >> (8 * i));
    ozk_keccak256(out, m, n + 8);
}

/* The record k: everything derived from k, so that a checker can rebuild it. y_len 0: a length
 * from k. x and y are malloc'd into *x and *y (free them). */
static void gen_record(ozk_store_record *r, uint8_t **x, uint8_t **y, uint64_t k, size_t y_len)
{
    memset(r, 0, sizeof *r);
    size_t xl = k % 5 == 4 ? 0 : 1 + (size_t)(k * 37 % 200);
    size_t yl = y_len ? y_len : 16 + (size_t)(k * 101 % 3000);
    *x = malloc(xl + 1);
    *y = malloc(yl);
    assert_non_null(*x);
    assert_non_null(*y);
    for (size_t i = 0; i < xl; i++) (*x)[i] = (uint8_t)(k * 131 + i * 7);
    for (size_t i = 0; i < yl; i++) (*y)[i] = (uint8_t)((k * 17) ^ i ^ (i >> 8));
    h64(r->request_id, "rid", k);
    h64(r->salt, "salt", k);
    r->x = *x;
    r->x_len = xl;
    r->y = *y;
    r->y_len = yl;
    ozk_merkle_salted_hash(r->x_hash, r->salt, r->x, xl);
    ozk_merkle_salted_hash(r->y_hash, r->salt, r->y, yl);
    ozk_merkle_record mr;
    mr.version = 1;
    mr.chain_id = ID.chain_id;
    memcpy(mr.settlement, ID.settlement, 20);
    memcpy(mr.model_id, ID.model_id, 32);
    memcpy(mr.request_id, r->request_id, 32);
    memcpy(mr.x_hash, r->x_hash, 32);
    memcpy(mr.y_hash, r->y_hash, 32);
    ozk_merkle_leaf(r->leaf, &mr);
    r->engine_version = 3;
    r->protocol_version = 1;
    r->created = 1700000000 + k;
    r->commit_deadline = 1700000600 + k;
    for (int i = 0; i < 65; i++) r->receipt_sig[i] = (uint8_t)(k + (uint64_t)i);
}

/* 1 when got is record k (every field but the batch ones), 0 otherwise. */
static int same_record(const ozk_store_record *got, uint64_t k, size_t y_len)
{
    ozk_store_record want;
    uint8_t *x, *y;
    gen_record(&want, &x, &y, k, y_len);
    int ok = !memcmp(got->request_id, want.request_id, 32) && !memcmp(got->salt, want.salt, 32) &&
             got->x_len == want.x_len && got->y_len == want.y_len &&
             (!want.x_len || !memcmp(got->x, want.x, want.x_len)) &&
             (!want.y_len || !memcmp(got->y, want.y, want.y_len)) &&
             !memcmp(got->x_hash, want.x_hash, 32) && !memcmp(got->y_hash, want.y_hash, 32) &&
             !memcmp(got->leaf, want.leaf, 32) && got->engine_version == want.engine_version &&
             got->protocol_version == want.protocol_version && got->created == want.created &&
             got->commit_deadline == want.commit_deadline &&
             !memcmp(got->receipt_sig, want.receipt_sig, 65);
    free(x);
    free(y);
    return ok;
}

static uint64_t put_gen(ozk_store *s, uint64_t k, size_t y_len)
{
    ozk_store_record r;
    uint8_t *x, *y;
    uint64_t number = ~(uint64_t)0;
    gen_record(&r, &x, &y, k, y_len);
    OK(ozk_store_put_record(s, &r, &number, ERR));
    free(x);
    free(y);
    return number;
}

static void rid(uint8_t out[32], uint64_t k)
{
    h64(out, "rid", k);
}

/* Batches records kfirst .. kfirst+count-1 (stored with y_len, put_gen) as seq; returns
 * put_batch's code. */
static int batch_ofy(ozk_store *s, uint64_t seq, uint64_t kfirst, size_t count, size_t y_len)
{
    uint8_t(*ids)[32] = malloc(count * 32);
    uint8_t(*leaves)[32] = malloc(count * 32);
    assert_non_null(ids);
    assert_non_null(leaves);
    for (size_t i = 0; i < count; i++) {
        ozk_store_record r;
        uint8_t *x, *y;
        gen_record(&r, &x, &y, kfirst + i, y_len);
        memcpy(ids[i], r.request_id, 32);
        memcpy(leaves[i], r.leaf, 32);
        free(x);
        free(y);
    }
    uint8_t root[32];
    assert_int_equal(ozk_merkle_root(root, (const uint8_t(*)[32])leaves, count), 0);
    int rc =
        ozk_store_put_batch(s, seq, (const uint8_t(*)[32])ids, count, root, 1800000000 + seq, ERR);
    free(ids);
    free(leaves);
    return rc;
}

static int batch_of(ozk_store *s, uint64_t seq, uint64_t kfirst, size_t count)
{
    return batch_ofy(s, seq, kfirst, count, 0);
}

static ozk_store *open_store(const char *dir)
{
    ozk_store *s = NULL;
    OK(ozk_store_open(&s, dir, &ID, NULL, ERR));
    return s;
}

static void assert_consistent(ozk_store *s)
{
    OK(ozk_store_check(s, ERR));
}

/* A chain cursor blob of 8 + tail bytes: n big-endian, then tail bytes of value n (the store
 * keeps it byte for byte; its contents are the node's business). */
static void mkcur(ozk_store_cursor *c, uint64_t n, size_t tail)
{
    memset(c, 0, sizeof *c);
    for (int i = 0; i < 8; i++) c->data[i] = (uint8_t)(n >> (56 - 8 * i));
    memset(c->data + 8, (int)(n & 0xff), tail);
    c->len = 8 + tail;
}

static uint64_t cur_num(const ozk_store_cursor *c)
{
    uint64_t n = 0;
    for (int i = 0; i < 8; i++) n = n << 8 | c->data[i];
    return n;
}

static void cur_equal(const ozk_store_cursor *a, const ozk_store_cursor *b)
{
    assert_int_equal(a->len, b->len);
    assert_memory_equal(a->data, b->data, a->len);
}

static void fill32(uint8_t out[32], uint8_t b)
{
    memset(out, b, 32);
}

/* ---- raw LMDB, for the corruption and format tests ---------------------------------------- */

typedef struct {
    MDB_env *env;
    MDB_txn *txn;
} rawdb;

static void raw_open(rawdb *r, const char *dir)
{
    assert_int_equal(mdb_env_create(&r->env), 0);
    assert_int_equal(mdb_env_set_maxdbs(r->env, 16), 0);
    assert_int_equal(mdb_env_set_mapsize(r->env, (size_t)64 << 20), 0);
    assert_int_equal(mdb_env_open(r->env, dir, 0, 0600), 0);
    assert_int_equal(mdb_txn_begin(r->env, NULL, 0, &r->txn), 0);
}

static MDB_dbi raw_db(rawdb *r, const char *name)
{
    MDB_dbi dbi;
    assert_int_equal(mdb_dbi_open(r->txn, name, 0, &dbi), 0);
    return dbi;
}

static void raw_put(rawdb *r, const char *db, const void *key, size_t klen, const void *v,
                    size_t vlen)
{
    MDB_val k = { klen, (void *)(uintptr_t)key }, d = { vlen, (void *)(uintptr_t)v };
    assert_int_equal(mdb_put(r->txn, raw_db(r, db), &k, &d, 0), 0);
}

/* A malloc'd copy of db[key] (*len its length). */
static uint8_t *raw_get(rawdb *r, const char *db, const void *key, size_t klen, size_t *len)
{
    MDB_val k = { klen, (void *)(uintptr_t)key }, d;
    assert_int_equal(mdb_get(r->txn, raw_db(r, db), &k, &d), 0);
    uint8_t *copy = malloc(d.mv_size + 1);
    assert_non_null(copy);
    memcpy(copy, d.mv_data, d.mv_size);
    *len = d.mv_size;
    return copy;
}

static void raw_close(rawdb *r)
{
    assert_int_equal(mdb_txn_commit(r->txn), 0);
    mdb_env_close(r->env);
}

static void be64(uint8_t k[8], uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8) k[i] = (uint8_t)v;
}

/* ---- records and the pending queue -------------------------------------------------------- */

static void test_records(void **state)
{
    (void)state;
    char dir[256];
    test_tmpdir(dir, sizeof dir, "store-rec");
    char sub[300];
    snprintf(sub, sizeof sub, "%s/a/b/store", dir); /* missing parents are made */
    ozk_store *s = open_store(sub);

    assert_int_equal(put_gen(s, 0, 0), 0);
    assert_int_equal(put_gen(s, 1, 300 << 10), 1); /* a 300 KiB y */
    assert_int_equal(put_gen(s, 4, 0), 2);         /* k = 4: an empty x */

    /* a second put of the same id fails and changes nothing */
    ozk_store_record r;
    uint8_t *x, *y;
    gen_record(&r, &x, &y, 1, 5);
    assert_int_equal(ozk_store_put_record(s, &r, NULL, ERR), OZK_EEXIST);
    assert_non_null(strstr(g_err, "exists already"));
    assert_string_equal(ozk_strerror(OZK_EEXIST), "already exists");
    assert_string_equal(ozk_strerror(OZK_EFULL), "store or disk full");
    assert_string_equal(ozk_strerror(OZK_ECORRUPT), "stored data is corrupt");
    free(x);
    free(y);
    ozk_store_info info;
    OK(ozk_store_info_get(s, &info, ERR));
    assert_int_equal(info.records, 3);
    assert_int_equal(info.pending, 3);
    assert_int_equal(info.next_record, 3);
    assert_int_equal(info.format, OZK_STORE_FORMAT);
    assert_memory_equal(&info.identity, &ID, sizeof ID);
    assert_int_equal(put_gen(s, 2, 0), 3);

    for (int pass = 0; pass < 2; pass++) {
        const uint64_t ks[] = { 0, 1, 4, 2 };
        for (int i = 0; i < 4; i++) {
            ozk_store_record g;
            uint8_t id[32];
            rid(id, ks[i]);
            OK(ozk_store_get_record(s, &g, id, ERR));
            assert_true(same_record(&g, ks[i], ks[i] == 1 ? 300 << 10 : 0));
            assert_int_equal(g.number, (uint64_t)i);
            assert_int_equal(g.batched, 0);
            ozk_store_record_clear(&g);
        }
        ozk_store_close(s);
        s = open_store(sub);
    }
    uint8_t id[32];
    rid(id, 99);
    ozk_store_record g;
    assert_int_equal(ozk_store_get_record(s, &g, id, ERR), OZK_ENOENT);
    assert_null(g.owned_);

    /* a second open in this process is refused */
    ozk_store *t = NULL;
    assert_int_equal(ozk_store_open(&t, sub, &ID, NULL, ERR), OZK_EIO);
    assert_null(t);
    assert_consistent(s);
    ozk_store_close(s);
    test_rmdir(dir);
}

static void test_pending(void **state)
{
    (void)state;
    char dir[256];
    test_tmpdir(dir, sizeof dir, "store-pend");
    ozk_store *s = open_store(dir);
    for (uint64_t k = 0; k < 25; k++) assert_int_equal(put_gen(s, k, 64), k);
    ozk_store_pending_entry e[40];
    size_t n = 99;
    OK(ozk_store_pending(s, e, 0, &n, ERR));
    assert_int_equal(n, 0);
    OK(ozk_store_pending(s, e, 10, &n, ERR));
    assert_int_equal(n, 10);
    for (size_t i = 0; i < n; i++) {
        ozk_store_record r;
        uint8_t *x, *y;
        gen_record(&r, &x, &y, i, 64);
        assert_int_equal(e[i].number, i);
        assert_memory_equal(e[i].request_id, r.request_id, 32);
        assert_memory_equal(e[i].leaf, r.leaf, 32);
        assert_int_equal(e[i].created, r.created);
        free(x);
        free(y);
    }
    OK(ozk_store_pending(s, e, 40, &n, ERR));
    assert_int_equal(n, 25);
    /* batching the middle ones leaves the rest in order */
    assert_int_equal(batch_ofy(s, 0, 5, 10, 64), 0);
    OK(ozk_store_pending(s, e, 40, &n, ERR));
    assert_int_equal(n, 15);
    for (size_t i = 0; i < n; i++) assert_int_equal(e[i].number, i < 5 ? i : i + 10);
    assert_consistent(s);
    ozk_store_close(s);
    test_rmdir(dir);
}

/* ---- batches ------------------------------------------------------------------------------ */

static void assert_unchanged(ozk_store *s, uint64_t next_seq, uint64_t pending)
{
    ozk_store_info info;
    OK(ozk_store_info_get(s, &info, ERR));
    assert_int_equal(info.next_seq, next_seq);
    assert_int_equal(info.pending, pending);
    assert_int_equal(info.batches, next_seq);
    assert_consistent(s);
}

static void test_batches(void **state)
{
    (void)state;
    char dir[256];
    test_tmpdir(dir, sizeof dir, "store-batch");
    ozk_store *s = open_store(dir);
    for (uint64_t k = 0; k < 10; k++) put_gen(s, k, 0);
    ozk_store_info info;
    OK(ozk_store_info_get(s, &info, ERR));
    assert_int_equal(info.has_batches, 0);

    /* the wrong seq, an unknown record, a record named twice, a wrong root: nothing changes */
    assert_int_equal(batch_of(s, 1, 0, 4), OZK_ERANGE);
    assert_unchanged(s, 0, 10);
    assert_int_equal(batch_of(s, 0, 8, 4), OZK_ENOENT); /* records 10 and 11 do not exist */
    assert_unchanged(s, 0, 10);
    uint8_t ids[3][32], leaves[3][32], root[32];
    ozk_store_record r;
    uint8_t *x, *y;
    for (int i = 0; i < 3; i++) {
        gen_record(&r, &x, &y, i == 2 ? 0 : (uint64_t)i, 0);
        memcpy(ids[i], r.request_id, 32);
        memcpy(leaves[i], r.leaf, 32);
        free(x);
        free(y);
    }
    OK(ozk_merkle_root(root, (const uint8_t(*)[32])leaves, 3));
    assert_int_equal(ozk_store_put_batch(s, 0, (const uint8_t(*)[32])ids, 3, root, 0, ERR),
                     OZK_EEXIST);
    assert_unchanged(s, 0, 10);
    root[0] ^= 1;
    assert_int_equal(ozk_store_put_batch(s, 0, (const uint8_t(*)[32])ids, 2, root, 0, ERR),
                     OZK_EINVAL);
    assert_int_equal(ozk_store_put_batch(s, 0, (const uint8_t(*)[32])ids, 0, root, 0, ERR),
                     OZK_EINVAL);
    assert_unchanged(s, 0, 10);

    /* a good one */
    assert_int_equal(batch_of(s, 0, 0, 4), 0);
    assert_unchanged(s, 1, 6);
    ozk_store_batch b;
    OK(ozk_store_get_batch(s, &b, 0, ERR));
    assert_int_equal(b.seq, 0);
    assert_int_equal(b.count, 4);
    assert_int_equal(b.state, OZK_BATCH_BUILT);
    assert_int_equal(b.created, 1800000000);
    assert_int_equal(b.pruned, 0);
    uint8_t lv[4][32];
    for (uint32_t i = 0; i < 4; i++) {
        ozk_store_record g;
        uint8_t id[32];
        rid(id, i);
        assert_memory_equal(b.ids[i], id, 32);
        OK(ozk_store_get_record(s, &g, id, ERR));
        assert_int_equal(g.batched, 1);
        assert_int_equal(g.batch_seq, 0);
        assert_int_equal(g.batch_index, i);
        assert_memory_equal(b.leaves[i], g.leaf, 32);
        memcpy(lv[i], g.leaf, 32);
        ozk_store_record_clear(&g);
    }
    OK(ozk_merkle_root(root, (const uint8_t(*)[32])lv, 4));
    assert_memory_equal(b.root, root, 32);
    ozk_store_batch_clear(&b);
    assert_int_equal(ozk_store_get_batch(s, &b, 1, ERR), OZK_ENOENT);

    /* a batch with an already batched record */
    assert_int_equal(batch_of(s, 1, 3, 3), OZK_EEXIST);
    assert_unchanged(s, 1, 6);
    assert_int_equal(batch_of(s, 1, 4, 6), 0);
    OK(ozk_store_info_get(s, &info, ERR));
    assert_int_equal(info.next_seq, 2);
    assert_int_equal(info.has_batches, 1);
    assert_int_equal(info.last_seq, 1);
    assert_int_equal(info.pending, 0);

    /* the state machine, with a reorg */
    uint8_t tx1[32], tx2[32], tx3[32], h1[32], h2[32];
    fill32(tx1, 0x11);
    fill32(tx2, 0x22);
    fill32(tx3, 0x33);
    fill32(h1, 0xa1);
    fill32(h2, 0xa2);
    assert_int_equal(ozk_store_set_batch_state(s, 0, OZK_BATCH_INCLUDED, NULL, 5, h1, ERR),
                     OZK_EINVAL);
    assert_int_equal(ozk_store_set_batch_state(s, 0, OZK_BATCH_SENT, NULL, 0, NULL, ERR),
                     OZK_EINVAL);
    assert_int_equal(ozk_store_set_batch_state(s, 0, OZK_BATCH_BUILT, tx1, 0, NULL, ERR),
                     OZK_EINVAL);
    assert_int_equal(ozk_store_set_batch_state(s, 7, OZK_BATCH_SENT, tx1, 0, NULL, ERR),
                     OZK_ENOENT);
    OK(ozk_store_set_batch_state(s, 0, OZK_BATCH_SENT, tx1, 0, NULL, ERR));
    OK(ozk_store_set_batch_state(s, 0, OZK_BATCH_SENT, tx2, 0, NULL, ERR)); /* replacement */
    OK(ozk_store_get_batch(s, &b, 0, ERR));
    assert_int_equal(b.state, OZK_BATCH_SENT);
    assert_memory_equal(b.tx_hash, tx2, 32);
    ozk_store_batch_clear(&b);
    assert_int_equal(ozk_store_set_batch_state(s, 0, OZK_BATCH_FINAL, NULL, 0, NULL, ERR),
                     OZK_EINVAL);
    OK(ozk_store_set_batch_state(s, 0, OZK_BATCH_INCLUDED, NULL, 100, h1, ERR));
    OK(ozk_store_get_batch(s, &b, 0, ERR));
    assert_int_equal(b.state, OZK_BATCH_INCLUDED);
    assert_int_equal(b.block_number, 100);
    assert_memory_equal(b.block_hash, h1, 32);
    assert_memory_equal(b.tx_hash, tx2, 32);
    ozk_store_batch_clear(&b);
    OK(ozk_store_set_batch_state(s, 0, OZK_BATCH_SENT, NULL, 0, NULL, ERR)); /* reorg */
    OK(ozk_store_get_batch(s, &b, 0, ERR));
    assert_int_equal(b.state, OZK_BATCH_SENT);
    assert_int_equal(b.block_number, 0);
    assert_memory_equal(b.tx_hash, tx2, 32);
    ozk_store_batch_clear(&b);
    OK(ozk_store_set_batch_state(s, 0, OZK_BATCH_INCLUDED, tx3, 101, h2, ERR));
    assert_int_equal(ozk_store_set_batch_state(s, 0, OZK_BATCH_FINAL, NULL, 101, h1, ERR),
                     OZK_EINVAL);
    uint64_t seqs[4];
    size_t n;
    OK(ozk_store_list_open_batches(s, seqs, 4, &n, ERR));
    assert_int_equal(n, 2);
    assert_int_equal(seqs[0], 0);
    assert_int_equal(seqs[1], 1);
    OK(ozk_store_set_batch_state(s, 0, OZK_BATCH_FINAL, NULL, 101, h2, ERR));
    assert_int_equal(ozk_store_set_batch_state(s, 0, OZK_BATCH_SENT, tx1, 0, NULL, ERR),
                     OZK_EINVAL);
    OK(ozk_store_list_open_batches(s, seqs, 4, &n, ERR));
    assert_int_equal(n, 1);
    assert_int_equal(seqs[0], 1);
    ozk_store_close(s);
    s = open_store(dir);
    OK(ozk_store_get_batch(s, &b, 0, ERR));
    assert_int_equal(b.state, OZK_BATCH_FINAL);
    assert_int_equal(b.block_number, 101);
    assert_memory_equal(b.block_hash, h2, 32);
    assert_memory_equal(b.tx_hash, tx3, 32);
    ozk_store_batch_clear(&b);
    assert_consistent(s);
    ozk_store_close(s);
    test_rmdir(dir);
}

/* ---- transactions ------------------------------------------------------------------------- */

static void make_tx(ozk_store_tx *t, uint8_t *raw, size_t raw_len, uint8_t hb, uint8_t fromb,
                    uint64_t nonce)
{
    memset(t, 0, sizeof *t);
    fill32(t->hash, hb);
    for (size_t i = 0; i < raw_len; i++) raw[i] = (uint8_t)(hb + i);
    t->raw = raw;
    t->raw_len = raw_len;
    memset(t->from, fromb, 20);
    t->nonce = nonce;
    t->max_fee[31] = hb;
    t->max_fee[0] = 1;
    t->max_priority_fee[30] = 7;
    t->purpose = OZK_STX_COMMIT;
    t->purpose_ref = nonce * 10;
    t->state = OZK_STX_PENDING;
    t->created = 1700000000 + hb;
}

static void test_txs(void **state)
{
    (void)state;
    char dir[256];
    test_tmpdir(dir, sizeof dir, "store-tx");
    ozk_store *s = open_store(dir);
    uint8_t raw[4][300];
    ozk_store_tx t[4];
    make_tx(&t[0], raw[0], 300, 0xa0, 0x0a, 5);
    make_tx(&t[1], raw[1], 120, 0xb0, 0x0a, 3);
    make_tx(&t[2], raw[2], 10, 0xc0, 0x0b, 1);
    make_tx(&t[3], raw[3], 200, 0x90, 0x0a, 5); /* a replacement of t[0] */
    t[2].purpose = OZK_STX_RESPOND;
    for (int i = 0; i < 4; i++) OK(ozk_store_put_tx(s, &t[i], ERR));
    assert_int_equal(ozk_store_put_tx(s, &t[0], ERR), OZK_EEXIST);
    ozk_store_tx bad = t[1];
    bad.purpose = 9;
    assert_int_equal(ozk_store_put_tx(s, &bad, ERR), OZK_EINVAL);

    ozk_store_tx g;
    OK(ozk_store_get_tx(s, &g, t[0].hash, ERR));
    assert_int_equal(g.raw_len, 300);
    assert_memory_equal(g.raw, raw[0], 300);
    assert_memory_equal(g.from, t[0].from, 20);
    assert_int_equal(g.nonce, 5);
    assert_memory_equal(g.max_fee, t[0].max_fee, 32);
    assert_memory_equal(g.max_priority_fee, t[0].max_priority_fee, 32);
    assert_int_equal(g.purpose, OZK_STX_COMMIT);
    assert_int_equal(g.purpose_ref, 50);
    assert_int_equal(g.state, OZK_STX_PENDING);
    assert_int_equal(g.created, t[0].created);
    ozk_store_tx_clear(&g);
    uint8_t none[32];
    fill32(none, 0x77);
    assert_int_equal(ozk_store_get_tx(s, &g, none, ERR), OZK_ENOENT);

    ozk_store_tx *list;
    size_t n;
    uint8_t from_a[20];
    memset(from_a, 0x0a, 20);
    OK(ozk_store_list_open_txs(s, &list, &n, from_a, ERR));
    assert_int_equal(n, 3); /* nonce 3, then nonce 5 by hash: 0x90.., 0xa0.. */
    assert_memory_equal(list[0].hash, t[1].hash, 32);
    assert_memory_equal(list[1].hash, t[3].hash, 32);
    assert_memory_equal(list[2].hash, t[0].hash, 32);
    assert_memory_equal(list[1].raw, raw[3], 200);
    ozk_store_tx_list_free(list, n);

    uint8_t bh[32];
    fill32(bh, 0xbb);
    assert_int_equal(ozk_store_set_tx_state(s, t[0].hash, OZK_STX_MINED, 9, NULL, ERR), OZK_EINVAL);
    assert_int_equal(ozk_store_set_tx_state(s, t[0].hash, OZK_STX_FINAL, 0, NULL, ERR), OZK_EINVAL);
    assert_int_equal(ozk_store_set_tx_state(s, none, OZK_STX_MINED, 9, bh, ERR), OZK_ENOENT);
    OK(ozk_store_set_tx_state(s, t[0].hash, OZK_STX_MINED, 9, bh, ERR));
    OK(ozk_store_get_tx(s, &g, t[0].hash, ERR));
    assert_int_equal(g.state, OZK_STX_MINED);
    assert_int_equal(g.block_number, 9);
    assert_memory_equal(g.block_hash, bh, 32);
    ozk_store_tx_clear(&g);
    OK(ozk_store_set_tx_state(s, t[0].hash, OZK_STX_PENDING, 0, NULL, ERR)); /* reorg */
    OK(ozk_store_set_tx_state(s, t[0].hash, OZK_STX_REPLACED, 0, NULL, ERR));
    OK(ozk_store_set_tx_state(s, t[3].hash, OZK_STX_MINED, 10, bh, ERR));
    OK(ozk_store_set_tx_state(s, t[3].hash, OZK_STX_FINAL, 0, NULL, ERR));
    assert_int_equal(ozk_store_set_tx_state(s, t[3].hash, OZK_STX_PENDING, 0, NULL, ERR),
                     OZK_EINVAL);
    assert_int_equal(ozk_store_set_tx_state(s, t[0].hash, OZK_STX_PENDING, 0, NULL, ERR),
                     OZK_EINVAL);
    OK(ozk_store_set_tx_state(s, t[1].hash, OZK_STX_DROPPED, 0, NULL, ERR));
    ozk_store_close(s);
    s = open_store(dir);
    OK(ozk_store_list_open_txs(s, &list, &n, from_a, ERR));
    assert_int_equal(n, 1);
    assert_memory_equal(list[0].hash, t[1].hash, 32);
    assert_int_equal(list[0].state, OZK_STX_DROPPED);
    ozk_store_tx_list_free(list, n);
    OK(ozk_store_get_tx(s, &g, t[3].hash, ERR));
    assert_int_equal(g.state, OZK_STX_FINAL);
    assert_int_equal(g.block_number, 10);
    ozk_store_tx_clear(&g);
    uint8_t from_c[20];
    memset(from_c, 0x0c, 20);
    OK(ozk_store_list_open_txs(s, &list, &n, from_c, ERR));
    assert_int_equal(n, 0);
    assert_null(list);
    assert_consistent(s);
    ozk_store_close(s);
    test_rmdir(dir);
}

/* ---- challenges and the cursor ------------------------------------------------------------ */

static void make_ch(ozk_store_challenge *c, uint64_t id, uint64_t deadline, uint64_t seq, int kind)
{
    memset(c, 0, sizeof *c);
    c->id = id;
    memcpy(c->model_id, ID.model_id, 32);
    c->batch_seq = seq;
    c->leaf_index = id % 3;
    rid(c->request_id, seq * 3 + id % 3);
    c->kind = kind;
    c->deadline = deadline;
    memset(c->challenger, (int)id, 20);
    c->status = OZK_CH_OPEN;
}

static void test_challenges(void **state)
{
    (void)state;
    char dir[256];
    test_tmpdir(dir, sizeof dir, "store-ch");
    ozk_store *s = open_store(dir);
    static ozk_store_cursor cur, got, later;
    assert_int_equal(ozk_store_get_cursor(s, &got, ERR), OZK_ENOENT);

    ozk_store_challenge ch[4];
    make_ch(&ch[0], 7, 300, 0, OZK_CHALLENGE_RECORD);
    make_ch(&ch[1], 8, 100, 1, OZK_CHALLENGE_RECEIPT);
    make_ch(&ch[2], 9, 200, 2, OZK_CHALLENGE_RECORD);
    make_ch(&ch[3], 3, 50, 0, OZK_CHALLENGE_RECORD);
    mkcur(&cur, 10, 32);
    size_t added = 99;
    OK(ozk_store_add_challenges(s, ch, 3, &cur, &added, ERR));
    assert_int_equal(added, 3);
    OK(ozk_store_get_cursor(s, &got, ERR));
    cur_equal(&got, &cur);

    ozk_store_challenge *list;
    size_t n;
    OK(ozk_store_list_challenges(s, &list, &n, OZK_CH_UNRESOLVED, ERR));
    assert_int_equal(n, 3);
    assert_int_equal(list[0].id, 8);
    assert_int_equal(list[1].id, 9);
    assert_int_equal(list[2].id, 7);
    assert_int_equal(list[0].kind, OZK_CHALLENGE_RECEIPT);
    assert_memory_equal(list[0].challenger, ch[1].challenger, 20);
    assert_memory_equal(list[0].request_id, ch[1].request_id, 32);
    assert_memory_equal(list[0].model_id, ID.model_id, 32);
    assert_int_equal(list[0].batch_seq, 1);
    assert_int_equal(list[0].leaf_index, 8 % 3);
    ozk_store_challenge_list_free(list, n);

    /* seen again (with another status in hand), plus a new one: the known keep their state */
    OK(ozk_store_update_challenge(s, 7, OZK_CH_PROVING, NULL, NULL, 0, ERR));
    ch[0].status = OZK_CH_TIMED_OUT;
    mkcur(&cur, 11, 32);
    OK(ozk_store_add_challenges(s, ch, 4, &cur, &added, ERR));
    assert_int_equal(added, 1);
    ozk_store_challenge g;
    OK(ozk_store_get_challenge(s, &g, 7, ERR));
    assert_int_equal(g.status, OZK_CH_PROVING);
    ozk_store_challenge_clear(&g);
    OK(ozk_store_get_cursor(s, &got, ERR));
    assert_int_equal(cur_num(&got), 11);

    /* atomic: one bad challenge stores nothing, the cursor stays */
    ozk_store_challenge two[2];
    make_ch(&two[0], 20, 10, 0, OZK_CHALLENGE_RECORD);
    make_ch(&two[1], 21, 10, 0, 9);
    mkcur(&later, 12, 100);
    assert_int_equal(ozk_store_add_challenges(s, two, 2, &later, &added, ERR), OZK_EINVAL);
    assert_int_equal(ozk_store_get_challenge(s, &g, 20, ERR), OZK_ENOENT);
    OK(ozk_store_get_cursor(s, &got, ERR));
    assert_int_equal(cur_num(&got), 11);
    /* the cursor alone, and no challenges with it; the blob's length is kept exactly */
    OK(ozk_store_add_challenges(s, NULL, 0, &later, &added, ERR));
    assert_int_equal(added, 0);
    OK(ozk_store_get_cursor(s, &got, ERR));
    cur_equal(&got, &later);
    assert_int_equal(got.len, 108);
    mkcur(&cur, 13, 0);
    OK(ozk_store_set_cursor(s, &cur, ERR));
    OK(ozk_store_get_cursor(s, &got, ERR));
    cur_equal(&got, &cur);
    /* the largest blob, then blobs out of bounds: refused, the cursor stays */
    mkcur(&cur, 14, OZK_STORE_CURSOR_MAX - 8);
    OK(ozk_store_set_cursor(s, &cur, ERR));
    OK(ozk_store_get_cursor(s, &got, ERR));
    cur_equal(&got, &cur);
    later.len = 0;
    assert_int_equal(ozk_store_set_cursor(s, &later, ERR), OZK_EINVAL);
    assert_int_equal(ozk_store_add_challenges(s, NULL, 0, &later, NULL, ERR), OZK_EINVAL);
    later.len = OZK_STORE_CURSOR_MAX + 1;
    assert_int_equal(ozk_store_set_cursor(s, &later, ERR), OZK_EINVAL);
    OK(ozk_store_get_cursor(s, &got, ERR));
    assert_int_equal(cur_num(&got), 14);
    mkcur(&cur, 13, 0);
    OK(ozk_store_set_cursor(s, &cur, ERR));

    OK(ozk_store_list_challenges(s, &list, &n, OZK_CH_UNRESOLVED, ERR));
    assert_int_equal(n, 4);
    const uint64_t order[] = { 3, 8, 9, 7 };
    for (size_t i = 0; i < 4; i++) assert_int_equal(list[i].id, order[i]);
    ozk_store_challenge_list_free(list, n);
    OK(ozk_store_list_challenges(s, &list, &n, OZK_CH_MASK(OZK_CH_PROVING), ERR));
    assert_int_equal(n, 1);
    assert_int_equal(list[0].id, 7);
    ozk_store_challenge_list_free(list, n);

    /* proving, a proof, a respond, the answer */
    uint8_t proof[1000], tx[32];
    for (int i = 0; i < 1000; i++) proof[i] = (uint8_t)(i * 3);
    fill32(tx, 0xee);
    OK(ozk_store_update_challenge(s, 7, OZK_CH_PROVEN, NULL, proof, sizeof proof, ERR));
    assert_int_equal(ozk_store_update_challenge(s, 7, OZK_CH_RESPONDED, NULL, NULL, 0, ERR),
                     OZK_EINVAL);
    assert_int_equal(ozk_store_update_challenge(s, 70, OZK_CH_PROVING, NULL, NULL, 0, ERR),
                     OZK_ENOENT);
    OK(ozk_store_update_challenge(s, 7, OZK_CH_RESPONDED, tx, NULL, 0, ERR));
    OK(ozk_store_get_challenge(s, &g, 7, ERR));
    assert_int_equal(g.status, OZK_CH_RESPONDED);
    assert_int_equal(g.has_respond_tx, 1);
    assert_memory_equal(g.respond_tx, tx, 32);
    assert_int_equal(g.proof_len, sizeof proof);
    assert_memory_equal(g.proof, proof, sizeof proof);
    ozk_store_challenge_clear(&g);
    OK(ozk_store_update_challenge(s, 7, OZK_CH_ANSWERED, NULL, NULL, 0, ERR));
    assert_int_equal(ozk_store_update_challenge(s, 7, OZK_CH_OPEN, NULL, NULL, 0, ERR), OZK_EINVAL);
    OK(ozk_store_update_challenge(s, 3, OZK_CH_UNPROVABLE, NULL, NULL, 0, ERR));
    OK(ozk_store_update_challenge(s, 8, OZK_CH_TIMED_OUT, NULL, NULL, 0, ERR));
    ozk_store_close(s);
    s = open_store(dir);
    OK(ozk_store_list_challenges(s, &list, &n, OZK_CH_UNRESOLVED, ERR));
    assert_int_equal(n, 2);
    assert_int_equal(list[0].id, 3);
    assert_int_equal(list[0].status, OZK_CH_UNPROVABLE);
    assert_int_equal(list[1].id, 9);
    ozk_store_challenge_list_free(list, n);
    OK(ozk_store_get_challenge(s, &g, 7, ERR));
    assert_int_equal(g.status, OZK_CH_ANSWERED);
    assert_int_equal(g.proof_len, sizeof proof);
    ozk_store_challenge_clear(&g);
    ozk_store_info info;
    OK(ozk_store_info_get(s, &info, ERR));
    assert_int_equal(info.open_challenges, 2);
    assert_consistent(s);
    ozk_store_close(s);

    /* a cursor in the retired format (version 1: block number and hash) reads as none */
    uint8_t v1[2 + 8 + 32] = { 'K', 1 };
    v1[9] = 42;
    rawdb r;
    raw_open(&r, dir);
    raw_put(&r, "meta", "cursor", 6, v1, sizeof v1);
    raw_close(&r);
    s = open_store(dir);
    assert_int_equal(ozk_store_get_cursor(s, &got, ERR), OZK_ENOENT);
    assert_non_null(strstr(g_err, "retired"));
    assert_consistent(s);
    OK(ozk_store_set_cursor(s, &cur, ERR));
    OK(ozk_store_get_cursor(s, &got, ERR));
    cur_equal(&got, &cur);
    ozk_store_close(s);
    test_rmdir(dir);
}

/* ---- retention ---------------------------------------------------------------------------- */

static void finalize(ozk_store *s, uint64_t seq)
{
    uint8_t tx[32], h[32];
    fill32(tx, (uint8_t)(0x40 + seq));
    fill32(h, (uint8_t)(0x80 + seq));
    OK(ozk_store_set_batch_state(s, seq, OZK_BATCH_SENT, tx, 0, NULL, ERR));
    OK(ozk_store_set_batch_state(s, seq, OZK_BATCH_INCLUDED, NULL, 1000 + seq, h, ERR));
    OK(ozk_store_set_batch_state(s, seq, OZK_BATCH_FINAL, NULL, 0, NULL, ERR));
}

static int has_record(ozk_store *s, uint64_t k)
{
    uint8_t id[32];
    ozk_store_record g;
    rid(id, k);
    int rc = ozk_store_get_record(s, &g, id, ERR);
    ozk_store_record_clear(&g);
    assert_true(rc == 0 || rc == OZK_ENOENT);
    return rc == 0;
}

static void test_prune(void **state)
{
    (void)state;
    char dir[256];
    test_tmpdir(dir, sizeof dir, "store-prune");
    ozk_store *s = open_store(dir);
    for (uint64_t k = 0; k < 13; k++) put_gen(s, k, 0);
    for (uint64_t seq = 0; seq < 4; seq++) assert_int_equal(batch_of(s, seq, seq * 3, 3), 0);
    /* b0 final, no challenge; b1 final with an open RECORD challenge; b2 only included;
     * b3 final with an open RECEIPT challenge on its record 10; record 12 pending */
    finalize(s, 0);
    finalize(s, 1);
    finalize(s, 3);
    uint8_t tx[32], h[32];
    fill32(tx, 0x42);
    fill32(h, 0x82);
    OK(ozk_store_set_batch_state(s, 2, OZK_BATCH_SENT, tx, 0, NULL, ERR));
    OK(ozk_store_set_batch_state(s, 2, OZK_BATCH_INCLUDED, NULL, 1002, h, ERR));
    ozk_store_challenge ch[2];
    make_ch(&ch[0], 1, 500, 1, OZK_CHALLENGE_RECORD);
    make_ch(&ch[1], 2, 600, 99, OZK_CHALLENGE_RECEIPT);
    rid(ch[1].request_id, 10);
    static ozk_store_cursor cur;
    mkcur(&cur, 5, 0);
    OK(ozk_store_add_challenges(s, ch, 2, &cur, NULL, ERR));

    uint64_t pruned = 99;
    OK(ozk_store_prune(s, &pruned, ERR));
    assert_int_equal(pruned, 3);
    for (uint64_t k = 0; k < 13; k++) assert_int_equal(has_record(s, k), k >= 3);
    ozk_store_batch b;
    OK(ozk_store_get_batch(s, &b, 0, ERR));
    assert_int_equal(b.pruned, 1);
    assert_null(b.ids);
    assert_null(b.leaves);
    assert_int_equal(b.count, 3);
    assert_int_equal(b.state, OZK_BATCH_FINAL);
    ozk_store_batch_clear(&b);
    assert_consistent(s);

    /* a resolved challenge frees its batch; an unprovable one does not */
    OK(ozk_store_update_challenge(s, 1, OZK_CH_ANSWERED, NULL, NULL, 0, ERR));
    OK(ozk_store_update_challenge(s, 2, OZK_CH_UNPROVABLE, NULL, NULL, 0, ERR));
    OK(ozk_store_prune(s, &pruned, ERR));
    assert_int_equal(pruned, 3);
    for (uint64_t k = 0; k < 13; k++) assert_int_equal(has_record(s, k), k >= 6);
    OK(ozk_store_update_challenge(s, 2, OZK_CH_TIMED_OUT, NULL, NULL, 0, ERR));
    OK(ozk_store_prune(s, &pruned, ERR));
    assert_int_equal(pruned, 3);
    OK(ozk_store_prune(s, &pruned, ERR));
    assert_int_equal(pruned, 0);
    for (uint64_t k = 0; k < 13; k++)
        assert_int_equal(has_record(s, k), k >= 6 && (k < 9 || k > 11));
    OK(ozk_store_set_batch_state(s, 2, OZK_BATCH_FINAL, NULL, 0, NULL, ERR));
    OK(ozk_store_prune(s, &pruned, ERR));
    assert_int_equal(pruned, 3);
    for (uint64_t k = 0; k < 13; k++) assert_int_equal(has_record(s, k), k == 12);
    ozk_store_info info;
    OK(ozk_store_info_get(s, &info, ERR));
    assert_int_equal(info.records, 1);
    assert_int_equal(info.pending, 1);
    assert_int_equal(info.next_seq, 4);
    assert_consistent(s);
    ozk_store_close(s);
    test_rmdir(dir);
}

/* ---- identity and format ------------------------------------------------------------------ */

static void test_identity_format(void **state)
{
    (void)state;
    char dir[256];
    test_tmpdir(dir, sizeof dir, "store-id");
    ozk_store *s = open_store(dir);
    put_gen(s, 0, 0);
    ozk_store_close(s);

    ozk_store_identity other[3] = { ID, ID, ID };
    other[0].chain_id = 1;
    other[1].settlement[19] ^= 1;
    other[2].model_id[31] ^= 1;
    for (int i = 0; i < 3; i++) {
        s = (ozk_store *)(void *)dir; /* any non-NULL value: a failed open must clear it */
        assert_int_equal(ozk_store_open(&s, dir, &other[i], NULL, ERR), OZK_EINVAL);
        assert_null(s);
        assert_non_null(strstr(g_err, "belongs to chain 31337"));
    }
    s = open_store(dir); /* the right one still opens, nothing was changed */
    assert_true(has_record(s, 0));
    ozk_store_close(s);

    /* a store from a newer format */
    rawdb r;
    raw_open(&r, dir);
    uint8_t f[4] = { 0, 0, 0, OZK_STORE_FORMAT + 1 };
    raw_put(&r, "meta", "format", 6, f, 4);
    raw_close(&r);
    assert_int_equal(ozk_store_open(&s, dir, &ID, NULL, ERR), OZK_ENOTSUP);
    assert_non_null(strstr(g_err, "newer ozk"));
    /* a damaged format value */
    raw_open(&r, dir);
    raw_put(&r, "meta", "format", 6, f, 3);
    raw_close(&r);
    assert_int_equal(ozk_store_open(&s, dir, &ID, NULL, ERR), OZK_ECORRUPT);
    /* a damaged identity */
    raw_open(&r, dir);
    f[3] = OZK_STORE_FORMAT;
    raw_put(&r, "meta", "format", 6, f, 4);
    raw_put(&r, "meta", "identity", 8, "I\1abc", 5);
    raw_close(&r);
    assert_int_equal(ozk_store_open(&s, dir, &ID, NULL, ERR), OZK_ECORRUPT);
    assert_non_null(strstr(g_err, "backup"));
    test_rmdir(dir);

    /* not an LMDB file at all */
    test_tmpdir(dir, sizeof dir, "store-junk");
    char path[300];
    snprintf(path, sizeof path, "%s/data.mdb", dir);
    uint8_t junk[8192];
    test_rand_bytes(junk, sizeof junk);
    test_write_file(path, junk, sizeof junk);
    int rc = ozk_store_open(&s, dir, &ID, NULL, ERR);
    assert_true(rc == OZK_ECORRUPT || rc == OZK_EIO);
    assert_null(s);
    test_rmdir(dir);
}

/* ---- corrupt values ----------------------------------------------------------------------- */

#define NCORRUPT 64

/* Variant i of a damaged copy of value v[0..n): into out (cap n + 16), returns the length. */
static size_t damage(uint8_t *out, const uint8_t *v, size_t n, int i, size_t xlen_off)
{
    memcpy(out, v, n);
    if (i < 40) return n * (size_t)i / 40; /* truncated: 0 .. 39/40 of it */
    if (i < 50) {                          /* random garbage of a random length */
        size_t len = (size_t)test_rand_below(n + 16);
        test_rand_bytes(out, len);
        return len;
    }
    switch (i) {
    case 50:
        out[0] = 'Q'; /* tag */
        return n;
    case 51:
        out[1] = 2; /* encoding version */
        return n;
    case 52:
        memset(out + xlen_off, 0xff, 4); /* x_len far past the end */
        return n;
    case 53:
        out[xlen_off + 3] ^= 1; /* x_len one off */
        return n;
    case 54:
        out[n] = 0; /* one byte too many */
        return n + 1;
    case 55:
        return n - 1;
    default:
        out[xlen_off] = 0x80; /* a length that wraps 32 bits on some sums */
        return n;
    }
}

static void test_corrupt(void **state)
{
    (void)state;
    char dir[256];
    test_tmpdir(dir, sizeof dir, "store-corrupt");
    ozk_store *s = open_store(dir);
    for (uint64_t k = 0; k < NCORRUPT + 3; k++) put_gen(s, k, 100);
    assert_int_equal(batch_ofy(s, 0, NCORRUPT, 3, 100), 0);
    uint8_t raw_tx[50] = { 1 };
    ozk_store_tx t;
    make_tx(&t, raw_tx, sizeof raw_tx, 0x51, 0x01, 1);
    OK(ozk_store_put_tx(s, &t, ERR));
    ozk_store_challenge ch;
    make_ch(&ch, 77, 1000, 0, OZK_CHALLENGE_RECORD);
    static ozk_store_cursor cur;
    mkcur(&cur, 3, 32);
    OK(ozk_store_add_challenges(s, &ch, 1, &cur, NULL, ERR));
    ozk_store_close(s);

    /* record k gets damage variant k; x_len sits after the fixed fields */
    const size_t xlen_off = 2 + 32 + 8 + 4 * 32 + 4 + 4 + 8 + 8 + 65;
    rawdb r;
    raw_open(&r, dir);
    for (int i = 0; i < NCORRUPT; i++) {
        uint8_t id[32];
        size_t n;
        rid(id, (uint64_t)i);
        uint8_t *v = raw_get(&r, "records", id, 32, &n);
        uint8_t *d = malloc(n + 16);
        assert_non_null(d);
        size_t len = damage(d, v, n, i, xlen_off);
        raw_put(&r, "records", id, 32, d, len);
        free(v);
        free(d);
    }
    /* the batch, the transaction, the challenge and the cursor, truncated by one byte */
    uint8_t k8[8], k77[8];
    be64(k8, 0);
    be64(k77, 77);
    struct {
        const char *db;
        const void *key;
        size_t klen;
    } cut[] = { { "batches", k8, 8 },
                { "txs", t.hash, 32 },
                { "challenges", k77, 8 },
                { "meta", "cursor", 6 } };
    for (size_t i = 0; i < sizeof cut / sizeof cut[0]; i++) {
        size_t n;
        uint8_t *v = raw_get(&r, cut[i].db, cut[i].key, cut[i].klen, &n);
        raw_put(&r, cut[i].db, cut[i].key, cut[i].klen, v, n - 1);
        free(v);
    }
    raw_close(&r);

    s = open_store(dir);
    for (int i = 0; i < NCORRUPT; i++) {
        uint8_t id[32];
        ozk_store_record g;
        rid(id, (uint64_t)i);
        int rc = ozk_store_get_record(s, &g, id, ERR);
        if (rc != OZK_ECORRUPT) fail_msg("damage variant %d: get_record gave %d", i, rc);
        assert_null(g.owned_);
    }
    assert_non_null(strstr(g_err, "restore"));
    ozk_store_pending_entry e[4];
    size_t n;
    assert_int_equal(ozk_store_pending(s, e, 4, &n, ERR), OZK_ECORRUPT);
    ozk_store_batch b;
    assert_int_equal(ozk_store_get_batch(s, &b, 0, ERR), OZK_ECORRUPT);
    ozk_store_tx gt;
    assert_int_equal(ozk_store_get_tx(s, &gt, t.hash, ERR), OZK_ECORRUPT);
    ozk_store_challenge gc;
    assert_int_equal(ozk_store_get_challenge(s, &gc, 77, ERR), OZK_ECORRUPT);
    ozk_store_challenge *list;
    assert_int_equal(ozk_store_list_challenges(s, &list, &n, OZK_CH_UNRESOLVED, ERR), OZK_ECORRUPT);
    static ozk_store_cursor gcur;
    assert_int_equal(ozk_store_get_cursor(s, &gcur, ERR), OZK_ECORRUPT);
    assert_int_equal(ozk_store_set_batch_state(s, 0, OZK_BATCH_SENT, t.hash, 0, NULL, ERR),
                     OZK_ECORRUPT);
    assert_int_equal(ozk_store_check(s, ERR), OZK_ECORRUPT);
    /* a record that is still whole reads fine */
    uint8_t id[32];
    ozk_store_record g;
    rid(id, NCORRUPT + 1);
    OK(ozk_store_get_record(s, &g, id, ERR));
    assert_true(same_record(&g, NCORRUPT + 1, 100));
    ozk_store_record_clear(&g);
    ozk_store_close(s);
    test_rmdir(dir);
}

/* ozk_store_check finds links that do not hold, even where every value decodes */
static void test_inconsistent(void **state)
{
    (void)state;
    char dir[256];
    test_tmpdir(dir, sizeof dir, "store-links");
    ozk_store *s = open_store(dir);
    for (uint64_t k = 0; k < 6; k++) put_gen(s, k, 0);
    assert_int_equal(batch_of(s, 0, 0, 3), 0);
    assert_consistent(s);
    ozk_store_close(s);

    uint8_t key[8];
    rawdb r;
    for (int c = 0; c < 3; c++) {
        char sub[300];
        snprintf(sub, sizeof sub, "%s/copy%d", dir, c);
        s = open_store(sub); /* a fresh copy of the same content */
        for (uint64_t k = 0; k < 6; k++) put_gen(s, k, 0);
        assert_int_equal(batch_of(s, 0, 0, 3), 0);
        ozk_store_close(s);
        raw_open(&r, sub);
        MDB_val k;
        if (c == 0) { /* a pending record loses its queue entry */
            be64(key, 4);
            k.mv_size = 8;
            k.mv_data = key;
            assert_int_equal(mdb_del(r.txn, raw_db(&r, "pending"), &k, NULL), 0);
        } else if (c == 1) { /* a batched record loses its placement */
            uint8_t id[32];
            rid(id, 1);
            k.mv_size = 32;
            k.mv_data = id;
            assert_int_equal(mdb_del(r.txn, raw_db(&r, "placed"), &k, NULL), 0);
        } else { /* next_seq runs ahead of the batches */
            uint8_t n[10] = { 'N', 1, 0, 0, 0, 0, 0, 0, 0, 5 };
            raw_put(&r, "meta", "next_seq", 8, n, sizeof n);
        }
        raw_close(&r);
        s = open_store(sub);
        assert_int_equal(ozk_store_check(s, ERR), OZK_ECORRUPT);
        assert_non_null(strstr(g_err, "inconsistent"));
        ozk_store_close(s);
    }
    test_rmdir(dir);
}

/* ---- a full map --------------------------------------------------------------------------- */

static void test_map_full(void **state)
{
    (void)state;
    char dir[256];
    test_tmpdir(dir, sizeof dir, "store-full");
    ozk_store_config cfg = { 128 << 10, 1 << 20 }; /* 128 KiB, growing to 1 MiB */
    ozk_store *s = NULL;
    OK(ozk_store_open(&s, dir, &ID, &cfg, ERR));
    uint64_t k = 0;
    int rc;
    for (;;) {
        ozk_store_record r;
        uint8_t *x, *y;
        gen_record(&r, &x, &y, k, 60 << 10);
        rc = ozk_store_put_record(s, &r, NULL, ERR);
        free(x);
        free(y);
        if (rc) break;
        k++;
        assert_true(k < 100);
    }
    assert_int_equal(rc, OZK_EFULL);
    assert_non_null(strstr(g_err, "max_map_size"));
    assert_true(k >= 8); /* the map grew well past its first 128 KiB */
    ozk_store_info info;
    OK(ozk_store_info_get(s, &info, ERR));
    assert_int_equal(info.map_size, 1 << 20);
    assert_int_equal(info.records, k);

    /* challenges too large for the map: neither they nor the cursor are stored */
    static ozk_store_cursor c1, c2, got;
    mkcur(&c1, 1, 32);
    mkcur(&c2, 2, 32);
    OK(ozk_store_set_cursor(s, &c1, ERR));
    ozk_store_challenge ch[2];
    make_ch(&ch[0], 1, 10, 0, OZK_CHALLENGE_RECORD);
    make_ch(&ch[1], 2, 20, 0, OZK_CHALLENGE_RECORD);
    uint8_t *big = calloc(1, 512 << 10);
    assert_non_null(big);
    ch[1].proof = big;
    ch[1].proof_len = 512 << 10;
    assert_int_equal(ozk_store_add_challenges(s, ch, 2, &c2, NULL, ERR), OZK_EFULL);
    free(big);
    OK(ozk_store_get_cursor(s, &got, ERR));
    assert_int_equal(cur_num(&got), 1);
    ozk_store_challenge g;
    assert_int_equal(ozk_store_get_challenge(s, &g, 1, ERR), OZK_ENOENT);
    assert_consistent(s);
    ozk_store_close(s);

    /* everything acknowledged is intact after a reopen */
    OK(ozk_store_open(&s, dir, &ID, &cfg, ERR));
    for (uint64_t i = 0; i < k; i++) {
        uint8_t id[32];
        ozk_store_record rec;
        rid(id, i);
        OK(ozk_store_get_record(s, &rec, id, ERR));
        assert_true(same_record(&rec, i, 60 << 10));
        assert_int_equal(rec.number, i);
        ozk_store_record_clear(&rec);
    }
    assert_consistent(s);
    ozk_store_close(s);
    test_rmdir(dir);

    /* no room to grow: full at once, with the same message */
    test_tmpdir(dir, sizeof dir, "store-full2");
    ozk_store_config fixed = { 128 << 10, 128 << 10 };
    OK(ozk_store_open(&s, dir, &ID, &fixed, ERR));
    ozk_store_record r;
    uint8_t *x, *y;
    gen_record(&r, &x, &y, 0, 200 << 10);
    assert_int_equal(ozk_store_put_record(s, &r, NULL, ERR), OZK_EFULL);
    free(x);
    free(y);
    OK(ozk_store_info_get(s, &info, ERR));
    assert_int_equal(info.records, 0);
    assert_int_equal(info.next_record, 0);
    ozk_store_close(s);
    test_rmdir(dir);
}

/* ---- threads ------------------------------------------------------------------------------ */

#define NTHREADS   4
#define PER_THREAD 40

typedef struct {
    ozk_store *s;
    int t;
    int failures;
} thread_arg;

static void *writer(void *p)
{
    thread_arg *a = p;
    char err[256];
    for (int i = 0; i < PER_THREAD; i++) {
        uint64_t k = (uint64_t)a->t * 1000 + (uint64_t)i;
        ozk_store_record r, g;
        uint8_t *x, *y;
        gen_record(&r, &x, &y, k, 8 << 10);
        if (ozk_store_put_record(a->s, &r, NULL, err, sizeof err)) a->failures++;
        /* a read right after, and one of another thread's records */
        if (ozk_store_get_record(a->s, &g, r.request_id, err, sizeof err) ||
            !same_record(&g, k, 8 << 10))
            a->failures++;
        ozk_store_record_clear(&g);
        ozk_store_pending_entry e[8];
        size_t n;
        if (ozk_store_pending(a->s, e, 8, &n, err, sizeof err)) a->failures++;
        free(x);
        free(y);
    }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    char dir[256];
    test_tmpdir(dir, sizeof dir, "store-threads");
    ozk_store_config cfg = { 64 << 10, 64 << 20 }; /* grows many times while in use */
    ozk_store *s = NULL;
    OK(ozk_store_open(&s, dir, &ID, &cfg, ERR));
    pthread_t th[NTHREADS];
    thread_arg a[NTHREADS];
    for (int t = 0; t < NTHREADS; t++) {
        a[t].s = s;
        a[t].t = t;
        a[t].failures = 0;
        assert_int_equal(pthread_create(&th[t], NULL, writer, &a[t]), 0);
    }
    for (int t = 0; t < NTHREADS; t++) {
        pthread_join(th[t], NULL);
        assert_int_equal(a[t].failures, 0);
    }
    ozk_store_info info;
    OK(ozk_store_info_get(s, &info, ERR));
    assert_int_equal(info.records, NTHREADS * PER_THREAD);
    assert_int_equal(info.next_record, NTHREADS * PER_THREAD);
    assert_true(info.map_size > (size_t)(64 << 10));
    assert_consistent(s);
    ozk_store_close(s);
    test_rmdir(dir);
}

/* ---- kill -9 ------------------------------------------------------------------------------ */

#define CRASH_KILLS   36
#define CRASH_BATCH   10
#define CRASH_MAX_REC (1 << 20)

/* One acknowledgement on the pipe: 'R' and the record's k, or 'B' and the batch seq. */
typedef struct {
    uint64_t tag, value;
} ack;

static void child_ack(int fd, uint64_t tag, uint64_t value)
{
    ack m = { tag, value };
    if (write(fd, &m, sizeof m) != (ssize_t)sizeof m) _exit(3);
}

/* The child: stores records k = next_record, next_record + 1, ... (so that k is the record's
 * number) and a batch of the oldest CRASH_BATCH pending ones whenever there are that many,
 * acknowledging each on fd once the call returned. Never returns; killed by the parent. */
static void crash_child(const char *dir, int fd)
{
    char err[256];
    ozk_store *s;
    ozk_store_config cfg = { 256 << 10, 1 << 30 }; /* the map grows while it is killed */
    if (ozk_store_open(&s, dir, &ID, &cfg, err, sizeof err)) _exit(2);
    ozk_store_info info;
    if (ozk_store_info_get(s, &info, err, sizeof err)) _exit(2);
    for (uint64_t k = info.next_record;; k++) {
        ozk_store_record r;
        uint8_t *x, *y;
        uint64_t number;
        gen_record(&r, &x, &y, k, 0);
        if (ozk_store_put_record(s, &r, &number, err, sizeof err) || number != k) _exit(2);
        free(x);
        free(y);
        child_ack(fd, 'R', k);
        ozk_store_pending_entry e[CRASH_BATCH];
        size_t n;
        if (ozk_store_pending(s, e, CRASH_BATCH, &n, err, sizeof err)) _exit(2);
        if (n < CRASH_BATCH) continue;
        uint8_t ids[CRASH_BATCH][32], leaves[CRASH_BATCH][32], root[32];
        for (size_t i = 0; i < n; i++) {
            memcpy(ids[i], e[i].request_id, 32);
            memcpy(leaves[i], e[i].leaf, 32);
        }
        if (ozk_merkle_root(root, (const uint8_t(*)[32])leaves, n) ||
            ozk_store_info_get(s, &info, err, sizeof err) ||
            ozk_store_put_batch(s, info.next_seq, (const uint8_t(*)[32])ids, n, root, k, err,
                                sizeof err))
            _exit(2);
        child_ack(fd, 'B', info.next_seq);
    }
}

static void test_crash(void **state)
{
    (void)state;
    char dir[256];
    test_tmpdir(dir, sizeof dir, "store-crash");
    print_message("crash test: seed %llu (OZK_TEST_SEED), %d kills\n",
                  (unsigned long long)test_seed(), CRASH_KILLS);
    uint8_t *acked = calloc(CRASH_MAX_REC, 1); /* acked[k]: record k was acknowledged */
    assert_non_null(acked);
    uint64_t batches_acked = 0, records_acked = 0, max_seq_acked = 0;
    int any_batch = 0;
    for (int round = 0; round < CRASH_KILLS; round++) {
        int p[2];
        assert_int_equal(pipe(p), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(p[0]);
            crash_child(dir, p[1]);
            _exit(4);
        }
        close(p[1]);
        /* a random moment: from during the open to a few dozen records in */
        struct timespec ts = { 0, (long)test_rand_below(30000000) };
        nanosleep(&ts, NULL);
        assert_int_equal(kill(pid, SIGKILL), 0);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (!WIFSIGNALED(status))
            fail_msg("round %d: the child exited with %d before the kill", round,
                     WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        ack m;
        ssize_t got;
        while ((got = read(p[0], &m, sizeof m)) == (ssize_t)sizeof m) {
            if (m.tag == 'R') {
                assert_true(m.value < CRASH_MAX_REC);
                if (!acked[m.value]) records_acked++;
                acked[m.value] = 1;
            } else {
                assert_int_equal(m.tag, 'B');
                batches_acked++;
                if (!any_batch || m.value > max_seq_acked) max_seq_acked = m.value;
                any_batch = 1;
            }
        }
        assert_int_equal(got, 0);
        close(p[0]);

        /* every acknowledged record and batch is there, whole, and the store agrees with
         * itself */
        ozk_store *s = open_store(dir);
        ozk_store_info info;
        OK(ozk_store_info_get(s, &info, ERR));
        if (any_batch) assert_true(info.next_seq > max_seq_acked);
        for (uint64_t k = 0; k < CRASH_MAX_REC; k++) {
            if (!acked[k]) continue;
            uint8_t id[32];
            ozk_store_record g;
            rid(id, k);
            int rc = ozk_store_get_record(s, &g, id, ERR);
            if (rc)
                fail_msg("round %d: acknowledged record %llu lost: %s", round,
                         (unsigned long long)k, g_err);
            assert_true(same_record(&g, k, 0));
            assert_int_equal(g.number, k);
            if (g.batched) {
                ozk_store_batch b;
                OK(ozk_store_get_batch(s, &b, g.batch_seq, ERR));
                assert_true(g.batch_index < b.count);
                assert_memory_equal(b.ids[g.batch_index], id, 32);
                assert_memory_equal(b.leaves[g.batch_index], g.leaf, 32);
                ozk_store_batch_clear(&b);
            }
            ozk_store_record_clear(&g);
        }
        for (uint64_t seq = 0; any_batch && seq <= max_seq_acked; seq++) {
            ozk_store_batch b;
            OK(ozk_store_get_batch(s, &b, seq, ERR));
            assert_int_equal(b.count, CRASH_BATCH);
            ozk_store_batch_clear(&b);
        }
        assert_consistent(s);
        ozk_store_close(s);
    }
    print_message("crash test: %llu records and %llu batches acknowledged over %d kills\n",
                  (unsigned long long)records_acked, (unsigned long long)batches_acked,
                  CRASH_KILLS);
    assert_true(records_acked > 0);
    free(acked);
    test_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records),         cmocka_unit_test(test_pending),
        cmocka_unit_test(test_batches),         cmocka_unit_test(test_txs),
        cmocka_unit_test(test_challenges),      cmocka_unit_test(test_prune),
        cmocka_unit_test(test_identity_format), cmocka_unit_test(test_corrupt),
        cmocka_unit_test(test_inconsistent),    cmocka_unit_test(test_map_full),
        cmocka_unit_test(test_threads),         cmocka_unit_test(test_crash),
    };
    return TEST_RUN("store", tests);
}
