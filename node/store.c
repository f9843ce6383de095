/*
 * node/store.c: see ozk/store.h. The layout of the databases and the encoding of every value
 * are in docs/node-store.md; the encoders and decoders below follow it field by field.
 *
 * Every write runs through run_write: one write transaction under the store's write mutex,
 * committed (fsync'd) or aborted as a whole; a transaction that finds the map full is aborted,
 * the map doubled and the write run again. Every read runs through read_begin/read_end. Both
 * hold the map lock shared; growing the map takes it exclusively, because
 * mdb_env_set_mapsize may only be called while the process has no transaction open.
 */
#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ozk/error.h"
#include "ozk/hex.h"
#include "ozk/merkle.h"
#include "ozk/store.h"

#define DEFAULT_MAP_SIZE ((size_t)64 << 20)
#define DEFAULT_MAX_MAP  ((size_t)64 << 30)
#define ENC_VERSION      1 /* the version byte of every tagged value */

/* value tags (docs/node-store.md) */
#define TAG_RECORD    'R'
#define TAG_PLACED    'P'
#define TAG_BATCH     'B'
#define TAG_TX        'T'
#define TAG_CHALLENGE 'C'
#define TAG_CURSOR    'K'
#define TAG_IDENTITY  'I'
#define TAG_COUNTER   'N'

struct ozk_store {
    MDB_env *env;
    MDB_dbi meta, records, placed, pending, batches, batches_open, batches_final, txs, txs_open,
        chs, chs_open;
    pthread_mutex_t wlock;    /* one writer at a time */
    pthread_rwlock_t maplock; /* shared: inside a transaction; exclusive: resizing */
    size_t map_size, max_map_size;
    int lock_fd;
    dev_t dev; /* the directory, for the one-open-per-process rule */
    ino_t ino;
    ozk_store *next_open;
    char *dir;
};

/* Stores open in this process: LMDB must not open one environment twice in a process. */
static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;
static ozk_store *open_list;

/* ---- messages ----------------------------------------------------------------------------- */

__attribute__((format(printf, 4, 5))) static int fail(char *err, size_t errlen, int code,
                                                      const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return code;
}

static void hex_of(char *out, const uint8_t *in, size_t n)
{
    out[0] = '0';
    out[1] = 'x';
    ozk_hex_encode(out + 2, in, n);
}

static int corrupt(char *err, size_t errlen, const char *what)
{
    return fail(err, errlen, OZK_ECORRUPT,
                "store: %s does not decode: the store is damaged; restore data.mdb from a backup",
                what);
}

/* ---- the write context and LMDB calls ----------------------------------------------------- */

typedef struct {
    ozk_store *s;
    MDB_txn *txn;
    int map_full; /* an LMDB call reported MDB_MAP_FULL: grow and run again */
    char *err;
    size_t errlen;
} wctx;

static int lmdb_error(wctx *w, int mrc, const char *what)
{
    if (mrc == MDB_MAP_FULL) {
        w->map_full = 1;
        return OZK_EFULL;
    }
    if (mrc == ENOSPC)
        return fail(w->err, w->errlen, OZK_EFULL,
                    "store %s: %s: the disk is full: free space; nothing was written", w->s->dir,
                    what);
    if (mrc == ENOMEM) return fail(w->err, w->errlen, OZK_ENOMEM, "store: %s: out of memory", what);
    if (mrc == MDB_PANIC)
        return fail(w->err, w->errlen, OZK_EIO,
                    "store %s: %s: LMDB stopped after an earlier I/O error: close and reopen the "
                    "store",
                    w->s->dir, what);
    if (mrc == MDB_CORRUPTED || mrc == MDB_PAGE_NOTFOUND)
        return fail(w->err, w->errlen, OZK_ECORRUPT,
                    "store %s: %s: %s: restore data.mdb from a backup", w->s->dir, what,
                    mdb_strerror(mrc));
    return fail(w->err, w->errlen, OZK_EIO, "store %s: %s: %s", w->s->dir, what, mdb_strerror(mrc));
}

static MDB_val val(const void *p, size_t n)
{
    MDB_val v;
    v.mv_data = (void *)(uintptr_t)p; /* LMDB's API is not const-correct; it never writes */
    v.mv_size = n;
    return v;
}

/* 1 found (*v set), 0 not found, < 0 error. */
static int db_get(wctx *w, MDB_dbi dbi, const void *key, size_t klen, MDB_val *v)
{
    MDB_val k = val(key, klen);
    int mrc = mdb_get(w->txn, dbi, &k, v);
    if (mrc == MDB_NOTFOUND) return 0;
    if (mrc) return lmdb_error(w, mrc, "read");
    return 1;
}

static int db_put(wctx *w, MDB_dbi dbi, const void *key, size_t klen, const void *data, size_t dlen,
                  unsigned flags)
{
    MDB_val k = val(key, klen), v = val(data, dlen);
    int mrc = mdb_put(w->txn, dbi, &k, &v, flags);
    if (mrc) return lmdb_error(w, mrc, "write");
    return 0;
}

/* 1 deleted, 0 was not there. */
static int db_del(wctx *w, MDB_dbi dbi, const void *key, size_t klen)
{
    MDB_val k = val(key, klen);
    int mrc = mdb_del(w->txn, dbi, &k, NULL);
    if (mrc == MDB_NOTFOUND) return 0;
    if (mrc) return lmdb_error(w, mrc, "delete");
    return 1;
}

static int grow_map(ozk_store *s)
{
    if (s->map_size >= s->max_map_size) return -1;
    size_t want = s->map_size > s->max_map_size / 2 ? s->max_map_size : s->map_size * 2;
    pthread_rwlock_wrlock(&s->maplock);
    int mrc = mdb_env_set_mapsize(s->env, want);
    if (!mrc) {
        MDB_envinfo info;
        mdb_env_info(s->env, &info);
        s->map_size = info.me_mapsize;
    }
    pthread_rwlock_unlock(&s->maplock);
    return mrc ? -1 : 0;
}

typedef int (*write_fn)(wctx *w, void *arg);

static int run_write(ozk_store *s, write_fn fn, void *arg, char *err, size_t errlen)
{
    int rc;
    pthread_mutex_lock(&s->wlock);
    for (;;) {
        wctx w = { s, NULL, 0, err, errlen };
        pthread_rwlock_rdlock(&s->maplock);
        int mrc = mdb_txn_begin(s->env, NULL, 0, &w.txn);
        if (mrc) {
            pthread_rwlock_unlock(&s->maplock);
            rc = lmdb_error(&w, mrc, "begin a write transaction");
        } else {
            rc = fn(&w, arg);
            if (rc == 0) {
                mrc = mdb_txn_commit(w.txn); /* frees the transaction in every case */
                if (mrc) rc = lmdb_error(&w, mrc, "commit");
            } else {
                mdb_txn_abort(w.txn);
            }
            pthread_rwlock_unlock(&s->maplock);
        }
        if (!w.map_full) break;
        size_t was = s->map_size;
        if (grow_map(s) == 0) continue;
        rc = fail(err, errlen, OZK_EFULL,
                  "store %s: the map is full at %zu bytes (max_map_size %zu): raise max_map_size "
                  "or prune; nothing was written",
                  s->dir, was, s->max_map_size);
        break;
    }
    pthread_mutex_unlock(&s->wlock);
    return rc;
}

static int read_begin(ozk_store *s, MDB_txn **txn, char *err, size_t errlen)
{
    pthread_rwlock_rdlock(&s->maplock);
    int mrc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, txn);
    if (mrc) {
        pthread_rwlock_unlock(&s->maplock);
        return fail(err, errlen, OZK_EIO, "store %s: begin a read transaction: %s", s->dir,
                    mdb_strerror(mrc));
    }
    return 0;
}

static void read_end(ozk_store *s, MDB_txn *txn)
{
    mdb_txn_abort(txn);
    pthread_rwlock_unlock(&s->maplock);
}

/* A read transaction in a wctx, so that the read helpers serve both kinds. */
static int read_ctx(ozk_store *s, wctx *w, char *err, size_t errlen)
{
    w->s = s;
    w->map_full = 0;
    w->err = err;
    w->errlen = errlen;
    return read_begin(s, &w->txn, err, errlen);
}

/* ---- encoding ----------------------------------------------------------------------------- */

/* A writer: with p NULL it only counts (the measuring pass), else it writes at p. */
typedef struct {
    uint8_t *p;
    size_t n;
} wbuf;

static void w_bytes(wbuf *b, const void *d, size_t n)
{
    if (b->p && n) memcpy(b->p + b->n, d, n);
    b->n += n;
}

static void w_u8(wbuf *b, unsigned v)
{
    uint8_t c = (uint8_t)v;
    w_bytes(b, &c, 1);
}

static void put_be(uint8_t *o, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--, v >>= 8) o[i] = (uint8_t)v;
}

static uint64_t get_be(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v = v << 8 | p[i];
    return v;
}

static void w_u32(wbuf *b, uint32_t v)
{
    uint8_t o[4];
    put_be(o, v, 4);
    w_bytes(b, o, 4);
}

static void w_u64(wbuf *b, uint64_t v)
{
    uint8_t o[8];
    put_be(o, v, 8);
    w_bytes(b, o, 8);
}

static void w_blob(wbuf *b, const uint8_t *d, size_t n)
{
    w_u32(b, (uint32_t)n);
    w_bytes(b, d, n);
}

/* A reader over one stored value: any read past the end sets bad and yields zeros. */
typedef struct {
    const uint8_t *p;
    size_t n, off;
    int bad;
} rbuf;

static rbuf rbuf_of(const MDB_val *v)
{
    rbuf r = { v->mv_data, v->mv_size, 0, 0 };
    return r;
}

static const uint8_t *r_take(rbuf *r, size_t n)
{
    if (r->bad || n > r->n - r->off) {
        r->bad = 1;
        return NULL;
    }
    const uint8_t *p = r->p + r->off;
    r->off += n;
    return p;
}

static void r_copy(rbuf *r, void *out, size_t n)
{
    const uint8_t *p = r_take(r, n);
    if (p)
        memcpy(out, p, n);
    else
        memset(out, 0, n);
}

static uint64_t r_be(rbuf *r, int n)
{
    const uint8_t *p = r_take(r, (size_t)n);
    return p ? get_be(p, n) : 0;
}

static unsigned r_u8(rbuf *r)
{
    return (unsigned)r_be(r, 1);
}
static uint32_t r_u32(rbuf *r)
{
    return (uint32_t)r_be(r, 4);
}
static uint64_t r_u64(rbuf *r)
{
    return r_be(r, 8);
}

static const uint8_t *r_blob(rbuf *r, size_t *len)
{
    *len = r_u32(r);
    const uint8_t *p = r_take(r, *len);
    if (!p) *len = 0;
    return p;
}

static void r_header(rbuf *r, unsigned tag)
{
    if (r_u8(r) != tag || r_u8(r) != ENC_VERSION) r->bad = 1;
}

/* 1 when the whole value was read and nothing went wrong. */
static int r_done(const rbuf *r)
{
    return !r->bad && r->off == r->n;
}

/* Encodes with enc into a reserved value of dbi[key]: a measuring pass, MDB_RESERVE, a
 * writing pass. */
typedef void (*encode_fn)(wbuf *b, const void *obj);

static int put_encoded(wctx *w, MDB_dbi dbi, const void *key, size_t klen, encode_fn enc,
                       const void *obj, unsigned flags)
{
    wbuf b = { NULL, 0 };
    enc(&b, obj);
    MDB_val k = val(key, klen), v = val(NULL, b.n);
    int mrc = mdb_put(w->txn, dbi, &k, &v, flags | MDB_RESERVE);
    if (mrc == MDB_KEYEXIST) return OZK_EEXIST;
    if (mrc) return lmdb_error(w, mrc, "write");
    size_t n = b.n;
    b.p = v.mv_data;
    b.n = 0;
    enc(&b, obj);
    return b.n == n ? 0 : OZK_EIO;
}

/* -- counters and meta -- */

static void enc_counter(wbuf *b, const void *obj)
{
    w_u8(b, TAG_COUNTER);
    w_u8(b, ENC_VERSION);
    w_u64(b, *(const uint64_t *)obj);
}

static int get_counter(wctx *w, const char *name, uint64_t *out)
{
    MDB_val v;
    int rc = db_get(w, w->s->meta, name, strlen(name), &v);
    if (rc < 0) return rc;
    if (rc == 0) return corrupt(w->err, w->errlen, "a missing meta counter");
    rbuf r = rbuf_of(&v);
    r_header(&r, TAG_COUNTER);
    *out = r_u64(&r);
    if (!r_done(&r)) return corrupt(w->err, w->errlen, "a meta counter");
    return 0;
}

static int set_counter(wctx *w, const char *name, uint64_t v)
{
    return put_encoded(w, w->s->meta, name, strlen(name), enc_counter, &v, 0);
}

static void enc_identity(wbuf *b, const void *obj)
{
    const ozk_store_identity *id = obj;
    w_u8(b, TAG_IDENTITY);
    w_u8(b, ENC_VERSION);
    w_u64(b, id->chain_id);
    w_bytes(b, id->settlement, 20);
    w_bytes(b, id->model_id, 32);
}

static int dec_identity(const MDB_val *v, ozk_store_identity *id)
{
    rbuf r = rbuf_of(v);
    r_header(&r, TAG_IDENTITY);
    id->chain_id = r_u64(&r);
    r_copy(&r, id->settlement, 20);
    r_copy(&r, id->model_id, 32);
    return r_done(&r);
}

/* The cursor's value is version 2 (an opaque blob); version 1 held a block number and hash. */
#define CURSOR_VERSION    2
#define CURSOR_VERSION_V1 1
#define CURSOR_V1_LEN     (2 + 8 + 32)

static void enc_cursor(wbuf *b, const void *obj)
{
    const ozk_store_cursor *c = obj;
    w_u8(b, TAG_CURSOR);
    w_u8(b, CURSOR_VERSION);
    w_blob(b, c->data, c->len);
}

/* 1 decoded, 0 corrupt, -1 a well-formed version 1 value (the retired format). */
static int dec_cursor(const MDB_val *v, ozk_store_cursor *c)
{
    rbuf r = rbuf_of(v);
    if (r_u8(&r) != TAG_CURSOR) return 0;
    unsigned version = r_u8(&r);
    if (version == CURSOR_VERSION_V1) return v->mv_size == CURSOR_V1_LEN ? -1 : 0;
    if (version != CURSOR_VERSION) return 0;
    size_t len;
    const uint8_t *p = r_blob(&r, &len);
    if (!r_done(&r) || !p || len == 0 || len > OZK_STORE_CURSOR_MAX) return 0;
    memcpy(c->data, p, len);
    c->len = len;
    return 1;
}

static int cursor_ok(const ozk_store_cursor *c)
{
    return c && c->len >= 1 && c->len <= OZK_STORE_CURSOR_MAX;
}

/* -- records -- */

static void enc_record(wbuf *b, const void *obj)
{
    const ozk_store_record *r = obj;
    w_u8(b, TAG_RECORD);
    w_u8(b, ENC_VERSION);
    w_bytes(b, r->request_id, 32);
    w_u64(b, r->number);
    w_bytes(b, r->salt, 32);
    w_bytes(b, r->x_hash, 32);
    w_bytes(b, r->y_hash, 32);
    w_bytes(b, r->leaf, 32);
    w_u32(b, r->engine_version);
    w_u32(b, r->protocol_version);
    w_u64(b, r->created);
    w_u64(b, r->commit_deadline);
    w_bytes(b, r->receipt_sig, 65);
    w_blob(b, r->x, r->x_len);
    w_blob(b, r->y, r->y_len);
}

/* Decodes into r with x and y pointing into v (no allocation). */
static int dec_record(const MDB_val *v, ozk_store_record *o)
{
    rbuf r = rbuf_of(v);
    memset(o, 0, sizeof *o);
    r_header(&r, TAG_RECORD);
    r_copy(&r, o->request_id, 32);
    o->number = r_u64(&r);
    r_copy(&r, o->salt, 32);
    r_copy(&r, o->x_hash, 32);
    r_copy(&r, o->y_hash, 32);
    r_copy(&r, o->leaf, 32);
    o->engine_version = r_u32(&r);
    o->protocol_version = r_u32(&r);
    o->created = r_u64(&r);
    o->commit_deadline = r_u64(&r);
    r_copy(&r, o->receipt_sig, 65);
    o->x = r_blob(&r, &o->x_len);
    o->y = r_blob(&r, &o->y_len);
    return r_done(&r);
}

typedef struct {
    uint64_t seq;
    uint32_t index;
} placed;

static void enc_placed(wbuf *b, const void *obj)
{
    const placed *p = obj;
    w_u8(b, TAG_PLACED);
    w_u8(b, ENC_VERSION);
    w_u64(b, p->seq);
    w_u32(b, p->index);
}

static int dec_placed(const MDB_val *v, placed *p)
{
    rbuf r = rbuf_of(v);
    r_header(&r, TAG_PLACED);
    p->seq = r_u64(&r);
    p->index = r_u32(&r);
    return r_done(&r);
}

/* -- batches -- */

static void enc_batch(wbuf *b, const void *obj)
{
    const ozk_store_batch *x = obj;
    w_u8(b, TAG_BATCH);
    w_u8(b, ENC_VERSION);
    w_u64(b, x->seq);
    w_u32(b, x->count);
    w_bytes(b, x->root, 32);
    w_u8(b, (unsigned)x->state);
    w_bytes(b, x->tx_hash, 32);
    w_u64(b, x->block_number);
    w_bytes(b, x->block_hash, 32);
    w_u64(b, x->created);
    w_u8(b, (unsigned)x->pruned);
    if (!x->pruned) {
        w_bytes(b, x->ids, (size_t)x->count * 32);
        w_bytes(b, x->leaves, (size_t)x->count * 32);
    }
}

static int dec_batch(const MDB_val *v, ozk_store_batch *o)
{
    rbuf r = rbuf_of(v);
    memset(o, 0, sizeof *o);
    r_header(&r, TAG_BATCH);
    o->seq = r_u64(&r);
    o->count = r_u32(&r);
    r_copy(&r, o->root, 32);
    o->state = (int)r_u8(&r);
    r_copy(&r, o->tx_hash, 32);
    o->block_number = r_u64(&r);
    r_copy(&r, o->block_hash, 32);
    o->created = r_u64(&r);
    unsigned pruned = r_u8(&r);
    if (o->count == 0 || o->count > OZK_STORE_MAX_BATCH || o->state > OZK_BATCH_FINAL || pruned > 1)
        return 0;
    o->pruned = (int)pruned;
    if (!o->pruned) {
        /* via uintptr_t: C11 has no const array type for the cast to keep */
        o->ids = (const uint8_t(*)[32])(uintptr_t)r_take(&r, (size_t)o->count * 32);
        o->leaves = (const uint8_t(*)[32])(uintptr_t)r_take(&r, (size_t)o->count * 32);
    }
    return r_done(&r);
}

/* -- transactions -- */

static void enc_tx(wbuf *b, const void *obj)
{
    const ozk_store_tx *t = obj;
    w_u8(b, TAG_TX);
    w_u8(b, ENC_VERSION);
    w_bytes(b, t->hash, 32);
    w_bytes(b, t->from, 20);
    w_u64(b, t->nonce);
    w_bytes(b, t->max_fee, 32);
    w_bytes(b, t->max_priority_fee, 32);
    w_u8(b, (unsigned)t->purpose);
    w_u64(b, t->purpose_ref);
    w_u8(b, (unsigned)t->state);
    w_u64(b, t->block_number);
    w_bytes(b, t->block_hash, 32);
    w_u64(b, t->created);
    w_blob(b, t->raw, t->raw_len);
}

static int dec_tx(const MDB_val *v, ozk_store_tx *o)
{
    rbuf r = rbuf_of(v);
    memset(o, 0, sizeof *o);
    r_header(&r, TAG_TX);
    r_copy(&r, o->hash, 32);
    r_copy(&r, o->from, 20);
    o->nonce = r_u64(&r);
    r_copy(&r, o->max_fee, 32);
    r_copy(&r, o->max_priority_fee, 32);
    o->purpose = (int)r_u8(&r);
    o->purpose_ref = r_u64(&r);
    o->state = (int)r_u8(&r);
    o->block_number = r_u64(&r);
    r_copy(&r, o->block_hash, 32);
    o->created = r_u64(&r);
    o->raw = r_blob(&r, &o->raw_len);
    return r_done(&r) && o->purpose <= OZK_STX_OTHER && o->state <= OZK_STX_REPLACED;
}

static int tx_is_open(int state)
{
    return state == OZK_STX_PENDING || state == OZK_STX_MINED || state == OZK_STX_DROPPED;
}

static void tx_open_key(uint8_t k[60], const ozk_store_tx *t)
{
    memcpy(k, t->from, 20);
    put_be(k + 20, t->nonce, 8);
    memcpy(k + 28, t->hash, 32);
}

/* -- challenges -- */

static void enc_challenge(wbuf *b, const void *obj)
{
    const ozk_store_challenge *c = obj;
    w_u8(b, TAG_CHALLENGE);
    w_u8(b, ENC_VERSION);
    w_u64(b, c->id);
    w_bytes(b, c->model_id, 32);
    w_u64(b, c->batch_seq);
    w_u64(b, c->leaf_index);
    w_bytes(b, c->request_id, 32);
    w_u8(b, (unsigned)c->kind);
    w_u64(b, c->deadline);
    w_bytes(b, c->challenger, 20);
    w_u8(b, (unsigned)c->status);
    w_u8(b, c->has_respond_tx ? 1 : 0);
    w_bytes(b, c->respond_tx, 32);
    w_blob(b, c->proof, c->proof_len);
}

static int dec_challenge(const MDB_val *v, ozk_store_challenge *o)
{
    rbuf r = rbuf_of(v);
    memset(o, 0, sizeof *o);
    r_header(&r, TAG_CHALLENGE);
    o->id = r_u64(&r);
    r_copy(&r, o->model_id, 32);
    o->batch_seq = r_u64(&r);
    o->leaf_index = r_u64(&r);
    r_copy(&r, o->request_id, 32);
    o->kind = (int)r_u8(&r);
    o->deadline = r_u64(&r);
    r_copy(&r, o->challenger, 20);
    o->status = (int)r_u8(&r);
    unsigned has = r_u8(&r);
    r_copy(&r, o->respond_tx, 32);
    o->proof = r_blob(&r, &o->proof_len);
    o->has_respond_tx = (int)has;
    if (o->proof_len == 0) o->proof = NULL;
    return r_done(&r) && o->kind <= OZK_CHALLENGE_RECEIPT && o->status <= OZK_CH_UNPROVABLE &&
           has <= 1;
}

static int ch_is_open(int status)
{
    return status != OZK_CH_ANSWERED && status != OZK_CH_TIMED_OUT;
}

static void ch_open_key(uint8_t k[16], const ozk_store_challenge *c)
{
    put_be(k, c->deadline, 8);
    put_be(k + 8, c->id, 8);
}

/* ---- copies out of the map ---------------------------------------------------------------- */

static void *copy_out2(const uint8_t **a, size_t alen, const uint8_t **b, size_t blen)
{
    if (alen + blen == 0) {
        *a = NULL;
        if (b) *b = NULL;
        return NULL;
    }
    uint8_t *m = malloc(alen + blen);
    if (!m) return NULL;
    if (alen) memcpy(m, *a, alen);
    if (blen) memcpy(m + alen, *b, blen);
    *a = alen ? m : NULL;
    if (b) *b = blen ? m + alen : NULL;
    return m;
}

void ozk_store_record_clear(ozk_store_record *r)
{
    if (!r) return;
    free(r->owned_);
    memset(r, 0, sizeof *r);
}

void ozk_store_batch_clear(ozk_store_batch *b)
{
    if (!b) return;
    free(b->owned_);
    memset(b, 0, sizeof *b);
}

void ozk_store_tx_clear(ozk_store_tx *t)
{
    if (!t) return;
    free(t->owned_);
    memset(t, 0, sizeof *t);
}

void ozk_store_tx_list_free(ozk_store_tx *list, size_t n)
{
    if (!list) return;
    for (size_t i = 0; i < n; i++) ozk_store_tx_clear(&list[i]);
    free(list);
}

void ozk_store_challenge_clear(ozk_store_challenge *c)
{
    if (!c) return;
    free(c->owned_);
    memset(c, 0, sizeof *c);
}

void ozk_store_challenge_list_free(ozk_store_challenge *list, size_t n)
{
    if (!list) return;
    for (size_t i = 0; i < n; i++) ozk_store_challenge_clear(&list[i]);
    free(list);
}

static int own_tx(ozk_store_tx *t)
{
    if (t->raw_len == 0) return 0;
    t->owned_ = copy_out2(&t->raw, t->raw_len, NULL, 0);
    return t->owned_ ? 0 : OZK_ENOMEM;
}

static int own_challenge(ozk_store_challenge *c)
{
    if (c->proof_len == 0) return 0;
    c->owned_ = copy_out2(&c->proof, c->proof_len, NULL, 0);
    return c->owned_ ? 0 : OZK_ENOMEM;
}

/* ---- open and close ----------------------------------------------------------------------- */

static int mkdirs(const char *dir)
{
    char *p = strdup(dir);
    if (!p) return -1;
    for (char *q = p + 1;; q++) {
        if (*q != '/' && *q) continue;
        char c = *q;
        *q = 0;
        if (mkdir(p, 0700) != 0 && errno != EEXIST) {
            free(p);
            return -1;
        }
        *q = c;
        if (!c) break;
    }
    free(p);
    return 0;
}

typedef struct {
    const ozk_store_identity *id;
} init_arg;

static int open_dbs(wctx *w)
{
    static const char *const names[] = { "meta",     "records",      "placed",         "pending",
                                         "batches",  "batches_open", "batches_final",  "txs",
                                         "txs_open", "challenges",   "challenges_open" };
    ozk_store *s = w->s;
    MDB_dbi *dbis[] = { &s->meta,     &s->records,      &s->placed,        &s->pending,
                        &s->batches,  &s->batches_open, &s->batches_final, &s->txs,
                        &s->txs_open, &s->chs,          &s->chs_open };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        int mrc = mdb_dbi_open(w->txn, names[i], MDB_CREATE, dbis[i]);
        if (mrc) return lmdb_error(w, mrc, "open a database");
    }
    return 0;
}

static int init_txn(wctx *w, void *arg)
{
    const ozk_store_identity *id = ((init_arg *)arg)->id;
    ozk_store *s = w->s;
    int rc = open_dbs(w);
    if (rc) return rc;
    MDB_val v;
    rc = db_get(w, s->meta, "format", 6, &v);
    if (rc < 0) return rc;
    if (rc == 0) {
        MDB_stat st;
        mdb_stat(w->txn, s->records, &st);
        size_t n = st.ms_entries;
        mdb_stat(w->txn, s->meta, &st);
        if (n || st.ms_entries)
            return corrupt(w->err, w->errlen, "the store's format version (it is missing)");
        uint8_t f[4];
        put_be(f, OZK_STORE_FORMAT, 4);
        if ((rc = db_put(w, s->meta, "format", 6, f, 4, 0))) return rc;
        if ((rc = put_encoded(w, s->meta, "identity", 8, enc_identity, id, 0))) return rc;
        if ((rc = set_counter(w, "next_seq", 0))) return rc;
        return set_counter(w, "next_record", 0);
    }
    if (v.mv_size != 4) return corrupt(w->err, w->errlen, "the store's format version");
    uint64_t format = get_be(v.mv_data, 4);
    if (format > OZK_STORE_FORMAT)
        return fail(w->err, w->errlen, OZK_ENOTSUP,
                    "store %s has format %llu; this ozk reads format %d at most: run a newer ozk",
                    s->dir, (unsigned long long)format, OZK_STORE_FORMAT);
    if (format == 0) return corrupt(w->err, w->errlen, "the store's format version (0)");
    rc = db_get(w, s->meta, "identity", 8, &v);
    if (rc < 0) return rc;
    ozk_store_identity have;
    if (rc == 0 || !dec_identity(&v, &have))
        return corrupt(w->err, w->errlen, "the store's identity");
    if (have.chain_id != id->chain_id || memcmp(have.settlement, id->settlement, 20) ||
        memcmp(have.model_id, id->model_id, 32)) {
        char hs[43], hm[67], ws[43], wm[67];
        hex_of(hs, have.settlement, 20);
        hex_of(hm, have.model_id, 32);
        hex_of(ws, id->settlement, 20);
        hex_of(wm, id->model_id, 32);
        return fail(w->err, w->errlen, OZK_EINVAL,
                    "store %s belongs to chain %llu, settlement %s, model %s, but this node runs "
                    "chain %llu, settlement %s, model %s: point the node at the store made for "
                    "its identity, or at a new directory",
                    s->dir, (unsigned long long)have.chain_id, hs, hm,
                    (unsigned long long)id->chain_id, ws, wm);
    }
    return 0;
}

int ozk_store_open(ozk_store **out, const char *dir, const ozk_store_identity *id,
                   const ozk_store_config *cfg, char *err, size_t errlen)
{
    *out = NULL;
    if (!dir || !*dir || !id) return fail(err, errlen, OZK_EINVAL, "store: no directory given");
    ozk_store *s = calloc(1, sizeof *s);
    if (!s) return fail(err, errlen, OZK_ENOMEM, "store: out of memory");
    int rc = 0, mrc, registered = 0, locks = 0;
    s->lock_fd = -1;
    s->dir = strdup(dir);
    if (!s->dir) {
        rc = fail(err, errlen, OZK_ENOMEM, "store: out of memory");
        goto fail;
    }
    s->map_size = cfg && cfg->map_size ? cfg->map_size : DEFAULT_MAP_SIZE;
    s->max_map_size = cfg && cfg->max_map_size ? cfg->max_map_size : DEFAULT_MAX_MAP;
    if (s->max_map_size < s->map_size) s->max_map_size = s->map_size;
    if (pthread_mutex_init(&s->wlock, NULL) || pthread_rwlock_init(&s->maplock, NULL)) {
        rc = fail(err, errlen, OZK_ENOMEM, "store: cannot make its locks");
        goto fail;
    }
    locks = 1;

    struct stat st;
    if (mkdirs(dir) != 0 || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        rc = fail(err, errlen, OZK_EIO, "store %s: cannot make the directory: %s", dir,
                  strerror(errno));
        goto fail;
    }
    s->dev = st.st_dev;
    s->ino = st.st_ino;
    pthread_mutex_lock(&open_lock);
    for (ozk_store *o = open_list; o; o = o->next_open)
        if (o->dev == s->dev && o->ino == s->ino) {
            pthread_mutex_unlock(&open_lock);
            rc = fail(err, errlen, OZK_EIO,
                      "store %s is already open in this process: close it first", dir);
            goto fail;
        }
    s->next_open = open_list;
    open_list = s;
    registered = 1;
    pthread_mutex_unlock(&open_lock);

    size_t plen = strlen(dir) + sizeof "/ozk.lock";
    char *lockpath = malloc(plen);
    if (!lockpath) {
        rc = fail(err, errlen, OZK_ENOMEM, "store: out of memory");
        goto fail;
    }
    snprintf(lockpath, plen, "%s/ozk.lock", dir);
    s->lock_fd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    free(lockpath);
    if (s->lock_fd < 0) {
        rc = fail(err, errlen, OZK_EIO, "store %s: cannot open ozk.lock: %s", dir, strerror(errno));
        goto fail;
    }
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (fcntl(s->lock_fd, F_SETLK, &fl) != 0) {
        rc = fail(err, errlen, OZK_EIO,
                  "store %s is in use by another process (ozk.lock is held): stop that node first",
                  dir);
        goto fail;
    }

    if ((mrc = mdb_env_create(&s->env)) || (mrc = mdb_env_set_maxdbs(s->env, 16)) ||
        (mrc = mdb_env_set_mapsize(s->env, s->map_size))) {
        rc = fail(err, errlen, OZK_EIO, "store %s: %s", dir, mdb_strerror(mrc));
        goto fail;
    }
    mrc = mdb_env_open(s->env, dir, MDB_NOTLS, 0600);
    if (mrc) {
        if (mrc == MDB_INVALID || mrc == MDB_CORRUPTED)
            rc = fail(err, errlen, OZK_ECORRUPT,
                      "store %s: data.mdb is not an LMDB database or is damaged: restore it "
                      "from a backup",
                      dir);
        else if (mrc == MDB_VERSION_MISMATCH)
            rc = fail(err, errlen, OZK_ENOTSUP, "store %s: made by another LMDB version: %s", dir,
                      mdb_strerror(mrc));
        else
            rc = fail(err, errlen, OZK_EIO, "store %s: cannot open: %s", dir, mdb_strerror(mrc));
        goto fail;
    }
    /* reader slots left by a process that died (kill -9) would keep pages from reuse */
    int dead;
    mdb_reader_check(s->env, &dead);
    MDB_envinfo info;
    mdb_env_info(s->env, &info);
    s->map_size = info.me_mapsize;
    if (s->max_map_size < s->map_size) s->max_map_size = s->map_size;

    init_arg ia = { id };
    OZK_TRY(run_write(s, init_txn, &ia, err, errlen));
    *out = s;
    return 0;
fail:
    if (s->env) mdb_env_close(s->env);
    if (s->lock_fd >= 0) close(s->lock_fd);
    if (registered) {
        pthread_mutex_lock(&open_lock);
        for (ozk_store **pp = &open_list; *pp; pp = &(*pp)->next_open)
            if (*pp == s) {
                *pp = s->next_open;
                break;
            }
        pthread_mutex_unlock(&open_lock);
    }
    if (locks) {
        pthread_mutex_destroy(&s->wlock);
        pthread_rwlock_destroy(&s->maplock);
    }
    free(s->dir);
    free(s);
    return rc;
}

void ozk_store_close(ozk_store *s)
{
    if (!s) return;
    mdb_env_close(s->env);
    close(s->lock_fd);
    pthread_mutex_lock(&open_lock);
    for (ozk_store **pp = &open_list; *pp; pp = &(*pp)->next_open)
        if (*pp == s) {
            *pp = s->next_open;
            break;
        }
    pthread_mutex_unlock(&open_lock);
    pthread_mutex_destroy(&s->wlock);
    pthread_rwlock_destroy(&s->maplock);
    free(s->dir);
    free(s);
}

/* ---- info --------------------------------------------------------------------------------- */

static uint64_t entries(MDB_txn *txn, MDB_dbi dbi)
{
    MDB_stat st;
    return mdb_stat(txn, dbi, &st) ? 0 : st.ms_entries;
}

int ozk_store_info_get(ozk_store *s, ozk_store_info *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    wctx w;
    int rc = read_ctx(s, &w, err, errlen);
    if (rc) return rc;
    MDB_val v;
    rc = db_get(&w, s->meta, "identity", 8, &v);
    if (rc >= 0 && (rc == 0 || !dec_identity(&v, &out->identity)))
        rc = corrupt(err, errlen, "the store's identity");
    if (rc < 0) goto done;
    rc = db_get(&w, s->meta, "format", 6, &v);
    if (rc >= 0 && (rc == 0 || v.mv_size != 4))
        rc = corrupt(err, errlen, "the store's format version");
    if (rc < 0) goto done;
    out->format = (uint32_t)get_be(v.mv_data, 4);
    if ((rc = get_counter(&w, "next_seq", &out->next_seq))) goto done;
    if ((rc = get_counter(&w, "next_record", &out->next_record))) goto done;
    out->has_batches = out->next_seq > 0;
    out->last_seq = out->has_batches ? out->next_seq - 1 : 0;
    out->records = entries(w.txn, s->records);
    out->pending = entries(w.txn, s->pending);
    out->batches = entries(w.txn, s->batches);
    out->open_challenges = entries(w.txn, s->chs_open);
    MDB_envinfo info;
    MDB_stat est;
    mdb_env_info(s->env, &info);
    mdb_env_stat(s->env, &est);
    out->map_size = info.me_mapsize;
    out->map_used = (info.me_last_pgno + 1) * (size_t)est.ms_psize;
    rc = 0;
done:
    read_end(s, w.txn);
    return rc;
}

/* ---- records ------------------------------------------------------------------------------ */

typedef struct {
    ozk_store_record r; /* number filled in */
} put_record_arg;

static int put_record_txn(wctx *w, void *arg)
{
    put_record_arg *a = arg;
    ozk_store *s = w->s;
    MDB_val v;
    int rc = db_get(w, s->records, a->r.request_id, 32, &v);
    if (rc < 0) return rc;
    if (rc == 1) {
        char h[67];
        hex_of(h, a->r.request_id, 32);
        return fail(w->err, w->errlen, OZK_EEXIST,
                    "store: record %s exists already: a request id is used once", h);
    }
    if ((rc = get_counter(w, "next_record", &a->r.number))) return rc;
    if ((rc = put_encoded(w, s->records, a->r.request_id, 32, enc_record, &a->r, 0))) return rc;
    uint8_t k[8];
    put_be(k, a->r.number, 8);
    if ((rc = db_put(w, s->pending, k, 8, a->r.request_id, 32, MDB_NOOVERWRITE)))
        return rc == OZK_EEXIST ? corrupt(w->err, w->errlen, "the pending queue") : rc;
    return set_counter(w, "next_record", a->r.number + 1);
}

int ozk_store_put_record(ozk_store *s, const ozk_store_record *r, uint64_t *number, char *err,
                         size_t errlen)
{
    if (!s || !r || (r->x_len && !r->x) || (r->y_len && !r->y))
        return fail(err, errlen, OZK_EINVAL, "store: put_record: missing argument");
    if (r->x_len > OZK_STORE_MAX_BLOB || r->y_len > OZK_STORE_MAX_BLOB)
        return fail(err, errlen, OZK_EINVAL,
                    "store: a record's x (%zu bytes) or y (%zu bytes) is over the %zu-byte limit",
                    r->x_len, r->y_len, OZK_STORE_MAX_BLOB);
    put_record_arg a;
    a.r = *r;
    a.r.owned_ = NULL;
    int rc = run_write(s, put_record_txn, &a, err, errlen);
    if (rc == 0 && number) *number = a.r.number;
    return rc;
}

/* Reads placement of id into *p; 1 placed, 0 not, < 0 error. */
static int get_placed(wctx *w, const uint8_t id[32], placed *p)
{
    MDB_val v;
    int rc = db_get(w, w->s->placed, id, 32, &v);
    if (rc <= 0) return rc;
    if (!dec_placed(&v, p)) return corrupt(w->err, w->errlen, "a record's batch placement");
    return 1;
}

int ozk_store_get_record(ozk_store *s, ozk_store_record *out, const uint8_t request_id[32],
                         char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    wctx w;
    int rc = read_ctx(s, &w, err, errlen);
    if (rc) return rc;
    MDB_val v;
    ozk_store_record r;
    placed p;
    rc = db_get(&w, s->records, request_id, 32, &v);
    if (rc == 0) {
        char h[67];
        hex_of(h, request_id, 32);
        rc = fail(err, errlen, OZK_ENOENT, "store: no record %s", h);
    }
    if (rc < 0) goto done;
    if (!dec_record(&v, &r) || memcmp(r.request_id, request_id, 32)) {
        rc = corrupt(err, errlen, "a record");
        goto done;
    }
    if ((rc = get_placed(&w, request_id, &p)) < 0) goto done;
    if (rc == 1) {
        r.batched = 1;
        r.batch_seq = p.seq;
        r.batch_index = p.index;
    }
    rc = 0;
    if (r.x_len + r.y_len) {
        r.owned_ = copy_out2(&r.x, r.x_len, &r.y, r.y_len);
        if (!r.owned_) {
            rc = fail(err, errlen, OZK_ENOMEM, "store: out of memory");
            goto done;
        }
    }
    *out = r;
done:
    read_end(s, w.txn);
    return rc;
}

int ozk_store_pending(ozk_store *s, ozk_store_pending_entry *out, size_t cap, size_t *n, char *err,
                      size_t errlen)
{
    *n = 0;
    wctx w;
    int rc = read_ctx(s, &w, err, errlen);
    if (rc) return rc;
    MDB_cursor *c = NULL;
    int mrc = mdb_cursor_open(w.txn, s->pending, &c);
    if (mrc) {
        rc = lmdb_error(&w, mrc, "open a cursor");
        goto done;
    }
    MDB_val k, v;
    for (mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST); mrc == 0 && *n < cap;
         mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
        if (k.mv_size != 8 || v.mv_size != 32) {
            rc = corrupt(err, errlen, "the pending queue");
            goto done;
        }
        uint8_t id[32];
        memcpy(id, v.mv_data, 32);
        MDB_val rv;
        ozk_store_record r;
        rc = db_get(&w, s->records, id, 32, &rv);
        if (rc == 0 || (rc == 1 && (!dec_record(&rv, &r) || memcmp(r.request_id, id, 32) ||
                                    r.number != get_be(k.mv_data, 8))))
            rc = corrupt(err, errlen, "a pending record");
        if (rc < 0) goto done;
        ozk_store_pending_entry *e = &out[(*n)++];
        e->number = r.number;
        memcpy(e->request_id, id, 32);
        memcpy(e->leaf, r.leaf, 32);
        e->created = r.created;
    }
    rc = 0;
    if (mrc && mrc != MDB_NOTFOUND) rc = lmdb_error(&w, mrc, "read the pending queue");
done:
    if (c) mdb_cursor_close(c);
    read_end(s, w.txn);
    if (rc) *n = 0;
    return rc;
}

/* ---- batches ------------------------------------------------------------------------------ */

typedef struct {
    uint64_t seq;
    const uint8_t (*ids)[32];
    size_t count;
    const uint8_t *root;
    uint64_t created;
    uint8_t (*leaves)[32]; /* scratch, count entries */
} put_batch_arg;

static int put_batch_txn(wctx *w, void *arg)
{
    put_batch_arg *a = arg;
    ozk_store *s = w->s;
    uint64_t next;
    int rc = get_counter(w, "next_seq", &next);
    if (rc) return rc;
    if (a->seq != next)
        return fail(w->err, w->errlen, OZK_ERANGE,
                    "store: batch seq %llu is not the next seq %llu: batches are stored in seq "
                    "order",
                    (unsigned long long)a->seq, (unsigned long long)next);
    for (size_t i = 0; i < a->count; i++) {
        char h[67];
        MDB_val v;
        ozk_store_record r;
        rc = db_get(w, s->records, a->ids[i], 32, &v);
        if (rc < 0) return rc;
        hex_of(h, a->ids[i], 32);
        if (rc == 0)
            return fail(w->err, w->errlen, OZK_ENOENT,
                        "store: batch names record %s, "
                        "which the store does not hold",
                        h);
        if (!dec_record(&v, &r) || memcmp(r.request_id, a->ids[i], 32))
            return corrupt(w->err, w->errlen, "a record");
        memcpy(a->leaves[i], r.leaf, 32);
        placed p = { a->seq, (uint32_t)i };
        rc = put_encoded(w, s->placed, a->ids[i], 32, enc_placed, &p, MDB_NOOVERWRITE);
        if (rc == OZK_EEXIST)
            return fail(w->err, w->errlen, OZK_EEXIST,
                        "store: record %s is already in a batch (or named twice)", h);
        if (rc) return rc;
        uint8_t k[8];
        put_be(k, r.number, 8);
        rc = db_del(w, s->pending, k, 8);
        if (rc < 0) return rc;
        if (rc == 0) return corrupt(w->err, w->errlen, "the pending queue (a record is missing)");
    }
    uint8_t root[32];
    if ((rc = ozk_merkle_root(root, (const uint8_t(*)[32])a->leaves, a->count))) return rc;
    if (memcmp(root, a->root, 32))
        return fail(w->err, w->errlen, OZK_EINVAL,
                    "store: batch %llu's root is not the Merkle root of its records' leaves",
                    (unsigned long long)a->seq);
    ozk_store_batch b;
    memset(&b, 0, sizeof b);
    b.seq = a->seq;
    b.count = (uint32_t)a->count;
    memcpy(b.root, root, 32);
    b.state = OZK_BATCH_BUILT;
    b.created = a->created;
    b.ids = a->ids;
    b.leaves = (const uint8_t(*)[32])a->leaves;
    uint8_t k[8];
    put_be(k, a->seq, 8);
    if ((rc = put_encoded(w, s->batches, k, 8, enc_batch, &b, MDB_NOOVERWRITE)))
        return rc == OZK_EEXIST ? corrupt(w->err, w->errlen, "the batch counter") : rc;
    if ((rc = db_put(w, s->batches_open, k, 8, "", 0, 0))) return rc;
    return set_counter(w, "next_seq", a->seq + 1);
}

int ozk_store_put_batch(ozk_store *s, uint64_t seq, const uint8_t (*ids)[32], size_t count,
                        const uint8_t root[32], uint64_t created, char *err, size_t errlen)
{
    if (!s || !ids || !root || count == 0 || count > OZK_STORE_MAX_BATCH)
        return fail(err, errlen, OZK_EINVAL,
                    "store: a batch needs 1 to 2^24 records and a root (got %zu)", count);
    put_batch_arg a = { seq, ids, count, root, created, malloc(count * 32) };
    if (!a.leaves) return fail(err, errlen, OZK_ENOMEM, "store: out of memory");
    int rc = run_write(s, put_batch_txn, &a, err, errlen);
    free(a.leaves);
    return rc;
}

/* The batch seq, copied out of the map into a malloc'd value (owned_). 1 found, 0 not. */
static int load_batch(wctx *w, uint64_t seq, ozk_store_batch *b)
{
    uint8_t k[8];
    put_be(k, seq, 8);
    MDB_val v;
    memset(b, 0, sizeof *b);
    int rc = db_get(w, w->s->batches, k, 8, &v);
    if (rc <= 0) return rc;
    void *copy = malloc(v.mv_size ? v.mv_size : 1);
    if (!copy) return fail(w->err, w->errlen, OZK_ENOMEM, "store: out of memory");
    memcpy(copy, v.mv_data, v.mv_size);
    v.mv_data = copy;
    if (!dec_batch(&v, b) || b->seq != seq) {
        free(copy);
        memset(b, 0, sizeof *b);
        return corrupt(w->err, w->errlen, "a batch");
    }
    b->owned_ = copy;
    return 1;
}

int ozk_store_get_batch(ozk_store *s, ozk_store_batch *out, uint64_t seq, char *err, size_t errlen)
{
    wctx w;
    memset(out, 0, sizeof *out);
    int rc = read_ctx(s, &w, err, errlen);
    if (rc) return rc;
    rc = load_batch(&w, seq, out);
    if (rc == 0)
        rc = fail(err, errlen, OZK_ENOENT, "store: no batch %llu", (unsigned long long)seq);
    read_end(s, w.txn);
    return rc < 0 ? rc : 0;
}

typedef struct {
    uint64_t seq;
    int state;
    const uint8_t *tx_hash;
    uint64_t block_number;
    const uint8_t *block_hash;
} batch_state_arg;

static const char *batch_state_name(int st)
{
    static const char *const n[] = { "BUILT", "SENT", "INCLUDED", "FINAL" };
    return st >= 0 && st <= OZK_BATCH_FINAL ? n[st] : "?";
}

static int batch_state_txn(wctx *w, void *arg)
{
    batch_state_arg *a = arg;
    ozk_store *s = w->s;
    ozk_store_batch b;
    int rc = load_batch(w, a->seq, &b);
    if (rc == 0)
        return fail(w->err, w->errlen, OZK_ENOENT, "store: no batch %llu",
                    (unsigned long long)a->seq);
    if (rc < 0) return rc;
    int from = b.state, to = a->state, ok = 0;
    if (to == OZK_BATCH_SENT && (from == OZK_BATCH_BUILT || from == OZK_BATCH_SENT)) {
        ok = a->tx_hash != NULL;
        if (ok) memcpy(b.tx_hash, a->tx_hash, 32);
    } else if (to == OZK_BATCH_INCLUDED && from == OZK_BATCH_SENT) {
        ok = a->block_hash != NULL;
        if (ok) {
            if (a->tx_hash) memcpy(b.tx_hash, a->tx_hash, 32);
            b.block_number = a->block_number;
            memcpy(b.block_hash, a->block_hash, 32);
        }
    } else if (to == OZK_BATCH_SENT && from == OZK_BATCH_INCLUDED) {
        ok = 1;
        if (a->tx_hash) memcpy(b.tx_hash, a->tx_hash, 32);
        b.block_number = 0;
        memset(b.block_hash, 0, 32);
    } else if (to == OZK_BATCH_FINAL && from == OZK_BATCH_INCLUDED) {
        ok = !a->block_hash ||
             (a->block_number == b.block_number && !memcmp(a->block_hash, b.block_hash, 32));
    }
    if (!ok) {
        ozk_store_batch_clear(&b);
        return fail(w->err, w->errlen, OZK_EINVAL,
                    "store: batch %llu cannot go from %s to %s (or a hash it needs is missing "
                    "or differs)",
                    (unsigned long long)a->seq, batch_state_name(from), batch_state_name(to));
    }
    b.state = to;
    uint8_t k[8];
    put_be(k, a->seq, 8);
    rc = put_encoded(w, s->batches, k, 8, enc_batch, &b, 0);
    if (!rc && to == OZK_BATCH_FINAL) {
        rc = db_del(w, s->batches_open, k, 8);
        if (rc >= 0) rc = db_put(w, s->batches_final, k, 8, "", 0, 0);
    }
    ozk_store_batch_clear(&b);
    return rc < 0 ? rc : 0;
}

int ozk_store_set_batch_state(ozk_store *s, uint64_t seq, int state, const uint8_t tx_hash[32],
                              uint64_t block_number, const uint8_t block_hash[32], char *err,
                              size_t errlen)
{
    if (state < OZK_BATCH_SENT || state > OZK_BATCH_FINAL)
        return fail(err, errlen, OZK_EINVAL, "store: batch state %d is not a state to move to",
                    state);
    batch_state_arg a = { seq, state, tx_hash, block_number, block_hash };
    return run_write(s, batch_state_txn, &a, err, errlen);
}

/* Collects up to cap 8-byte big-endian keys of an index from the first, as u64. */
static int list_u64_keys(ozk_store *s, MDB_dbi dbi, uint64_t *out, size_t cap, size_t *n, char *err,
                         size_t errlen)
{
    *n = 0;
    wctx w;
    int rc = read_ctx(s, &w, err, errlen);
    if (rc) return rc;
    MDB_cursor *c = NULL;
    int mrc = mdb_cursor_open(w.txn, dbi, &c);
    MDB_val k, v;
    if (!mrc)
        for (mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST); mrc == 0 && *n < cap;
             mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
            if (k.mv_size != 8) {
                rc = corrupt(err, errlen, "a batch index");
                goto done;
            }
            out[(*n)++] = get_be(k.mv_data, 8);
        }
    if (mrc && mrc != MDB_NOTFOUND) rc = lmdb_error(&w, mrc, "read an index");
done:
    if (c) mdb_cursor_close(c);
    read_end(s, w.txn);
    if (rc) *n = 0;
    return rc;
}

int ozk_store_list_open_batches(ozk_store *s, uint64_t *seqs, size_t cap, size_t *n, char *err,
                                size_t errlen)
{
    return list_u64_keys(s, s->batches_open, seqs, cap, n, err, errlen);
}

/* ---- transactions ------------------------------------------------------------------------- */

static int put_tx_txn(wctx *w, void *arg)
{
    const ozk_store_tx *t = arg;
    ozk_store *s = w->s;
    int rc = put_encoded(w, s->txs, t->hash, 32, enc_tx, t, MDB_NOOVERWRITE);
    if (rc == OZK_EEXIST) {
        char h[67];
        hex_of(h, t->hash, 32);
        return fail(w->err, w->errlen, OZK_EEXIST, "store: transaction %s is stored already", h);
    }
    if (rc || !tx_is_open(t->state)) return rc;
    uint8_t k[60];
    tx_open_key(k, t);
    return db_put(w, s->txs_open, k, 60, "", 0, 0);
}

int ozk_store_put_tx(ozk_store *s, const ozk_store_tx *t, char *err, size_t errlen)
{
    if (!s || !t || !t->raw || t->raw_len == 0 || t->raw_len > OZK_STORE_MAX_BLOB ||
        t->purpose < 0 || t->purpose > OZK_STX_OTHER || t->state < 0 || t->state > OZK_STX_REPLACED)
        return fail(err, errlen, OZK_EINVAL,
                    "store: put_tx: a transaction needs its raw bytes (at most %zu), a purpose "
                    "and a state in range",
                    OZK_STORE_MAX_BLOB);
    ozk_store_tx c = *t;
    c.owned_ = NULL;
    return run_write(s, put_tx_txn, &c, err, errlen);
}

/* The transaction hash, copied out of the map (owned_). 1 found, 0 not. */
static int load_tx(wctx *w, const uint8_t hash[32], ozk_store_tx *t)
{
    MDB_val v;
    memset(t, 0, sizeof *t);
    int rc = db_get(w, w->s->txs, hash, 32, &v);
    if (rc <= 0) return rc;
    if (!dec_tx(&v, t) || memcmp(t->hash, hash, 32)) {
        memset(t, 0, sizeof *t);
        return corrupt(w->err, w->errlen, "a transaction");
    }
    if (own_tx(t)) {
        memset(t, 0, sizeof *t);
        return fail(w->err, w->errlen, OZK_ENOMEM, "store: out of memory");
    }
    return 1;
}

int ozk_store_get_tx(ozk_store *s, ozk_store_tx *out, const uint8_t hash[32], char *err,
                     size_t errlen)
{
    wctx w;
    memset(out, 0, sizeof *out);
    int rc = read_ctx(s, &w, err, errlen);
    if (rc) return rc;
    rc = load_tx(&w, hash, out);
    if (rc == 0) {
        char h[67];
        hex_of(h, hash, 32);
        rc = fail(err, errlen, OZK_ENOENT, "store: no transaction %s", h);
    }
    read_end(s, w.txn);
    return rc < 0 ? rc : 0;
}

typedef struct {
    const uint8_t *hash;
    int state;
    uint64_t block_number;
    const uint8_t *block_hash;
} tx_state_arg;

static int tx_state_txn(wctx *w, void *arg)
{
    tx_state_arg *a = arg;
    ozk_store *s = w->s;
    ozk_store_tx t;
    int rc = load_tx(w, a->hash, &t);
    if (rc == 0) {
        char h[67];
        hex_of(h, a->hash, 32);
        return fail(w->err, w->errlen, OZK_ENOENT, "store: no transaction %s", h);
    }
    if (rc < 0) return rc;
    int from = t.state, to = a->state, ok;
    switch (to) {
    case OZK_STX_PENDING:
        ok = from == OZK_STX_PENDING || from == OZK_STX_MINED || from == OZK_STX_DROPPED;
        break;
    case OZK_STX_MINED:
        ok = (from == OZK_STX_PENDING || from == OZK_STX_MINED) && a->block_hash;
        break;
    case OZK_STX_FINAL:
        ok = from == OZK_STX_MINED || from == OZK_STX_FINAL;
        break;
    case OZK_STX_DROPPED:
        ok = from == OZK_STX_PENDING || from == OZK_STX_DROPPED;
        break;
    case OZK_STX_REPLACED:
        ok = from != OZK_STX_FINAL;
        break;
    default:
        ok = 0;
    }
    if (!ok) {
        ozk_store_tx_clear(&t);
        return fail(w->err, w->errlen, OZK_EINVAL,
                    "store: a transaction cannot go from state %d to state %d (or the block "
                    "hash is missing)",
                    from, to);
    }
    uint8_t k[60];
    tx_open_key(k, &t);
    t.state = to;
    if (to == OZK_STX_MINED) {
        t.block_number = a->block_number;
        memcpy(t.block_hash, a->block_hash, 32);
    } else if (to != OZK_STX_FINAL) {
        t.block_number = 0;
        memset(t.block_hash, 0, 32);
    }
    rc = put_encoded(w, s->txs, t.hash, 32, enc_tx, &t, 0);
    if (!rc && tx_is_open(from) && !tx_is_open(to)) rc = db_del(w, s->txs_open, k, 60);
    ozk_store_tx_clear(&t);
    return rc < 0 ? rc : 0;
}

int ozk_store_set_tx_state(ozk_store *s, const uint8_t hash[32], int state, uint64_t block_number,
                           const uint8_t block_hash[32], char *err, size_t errlen)
{
    if (!hash) return fail(err, errlen, OZK_EINVAL, "store: set_tx_state: no hash");
    tx_state_arg a = { hash, state, block_number, block_hash };
    return run_write(s, tx_state_txn, &a, err, errlen);
}

int ozk_store_list_open_txs(ozk_store *s, ozk_store_tx **list, size_t *n, const uint8_t from[20],
                            char *err, size_t errlen)
{
    *list = NULL;
    *n = 0;
    wctx w;
    int rc = read_ctx(s, &w, err, errlen);
    if (rc) return rc;
    ozk_store_tx *out = NULL;
    size_t cnt = 0, cap = 0;
    MDB_cursor *c = NULL;
    int mrc = mdb_cursor_open(w.txn, s->txs_open, &c);
    MDB_val k = val(from, 20), v;
    if (!mrc)
        for (mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); mrc == 0;
             mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
            if (k.mv_size != 60) {
                rc = corrupt(err, errlen, "the open transaction index");
                goto done;
            }
            if (memcmp(k.mv_data, from, 20)) break;
            if (cnt == cap) {
                cap = cap ? 2 * cap : 8;
                ozk_store_tx *m = realloc(out, cap * sizeof *m);
                if (!m) {
                    rc = fail(err, errlen, OZK_ENOMEM, "store: out of memory");
                    goto done;
                }
                out = m;
            }
            rc = load_tx(&w, (const uint8_t *)k.mv_data + 28, &out[cnt]);
            if (rc == 0) rc = corrupt(err, errlen, "the open transaction index");
            if (rc < 0) goto done;
            cnt++;
        }
    rc = 0;
    if (mrc && mrc != MDB_NOTFOUND) rc = lmdb_error(&w, mrc, "read the transactions");
done:
    if (c) mdb_cursor_close(c);
    read_end(s, w.txn);
    if (rc) {
        ozk_store_tx_list_free(out, cnt);
        return rc;
    }
    *list = out;
    *n = cnt;
    return 0;
}

/* ---- challenges and the cursor ------------------------------------------------------------ */

static int check_challenge(const ozk_store_challenge *c)
{
    return c->kind >= 0 && c->kind <= OZK_CHALLENGE_RECEIPT && c->status >= 0 &&
           c->status <= OZK_CH_UNPROVABLE && (c->proof || !c->proof_len) &&
           c->proof_len <= OZK_STORE_MAX_BLOB;
}

typedef struct {
    const ozk_store_challenge *chs;
    size_t n;
    const ozk_store_cursor *cursor;
    size_t added;
} add_challenges_arg;

static int add_challenges_txn(wctx *w, void *arg)
{
    add_challenges_arg *a = arg;
    ozk_store *s = w->s;
    a->added = 0;
    for (size_t i = 0; i < a->n; i++) {
        const ozk_store_challenge *c = &a->chs[i];
        uint8_t k[8];
        put_be(k, c->id, 8);
        int rc = put_encoded(w, s->chs, k, 8, enc_challenge, c, MDB_NOOVERWRITE);
        if (rc == OZK_EEXIST) continue; /* known: keep its state */
        if (rc) return rc;
        a->added++;
        if (ch_is_open(c->status)) {
            uint8_t ok[16];
            ch_open_key(ok, c);
            if ((rc = db_put(w, s->chs_open, ok, 16, "", 0, 0))) return rc;
        }
    }
    return put_encoded(w, s->meta, "cursor", 6, enc_cursor, a->cursor, 0);
}

int ozk_store_add_challenges(ozk_store *s, const ozk_store_challenge *chs, size_t n,
                             const ozk_store_cursor *cursor, size_t *added, char *err,
                             size_t errlen)
{
    if (added) *added = 0;
    if (!cursor || (n && !chs))
        return fail(err, errlen, OZK_EINVAL, "store: add_challenges: missing argument");
    if (!cursor_ok(cursor))
        return fail(err, errlen, OZK_EINVAL, "store: the chain cursor must be 1 to %d bytes",
                    OZK_STORE_CURSOR_MAX);
    for (size_t i = 0; i < n; i++)
        if (!check_challenge(&chs[i]))
            return fail(err, errlen, OZK_EINVAL,
                        "store: challenge %llu has a kind, status or proof out of range",
                        (unsigned long long)chs[i].id);
    add_challenges_arg a = { chs, n, cursor, 0 };
    int rc = run_write(s, add_challenges_txn, &a, err, errlen);
    if (rc == 0 && added) *added = a.added;
    return rc;
}

/* The challenge id, copied out (owned_). 1 found, 0 not. */
static int load_challenge(wctx *w, uint64_t id, ozk_store_challenge *c)
{
    uint8_t k[8];
    put_be(k, id, 8);
    MDB_val v;
    memset(c, 0, sizeof *c);
    int rc = db_get(w, w->s->chs, k, 8, &v);
    if (rc <= 0) return rc;
    if (!dec_challenge(&v, c) || c->id != id) {
        memset(c, 0, sizeof *c);
        return corrupt(w->err, w->errlen, "a challenge");
    }
    if (own_challenge(c)) {
        memset(c, 0, sizeof *c);
        return fail(w->err, w->errlen, OZK_ENOMEM, "store: out of memory");
    }
    return 1;
}

int ozk_store_get_challenge(ozk_store *s, ozk_store_challenge *out, uint64_t id, char *err,
                            size_t errlen)
{
    wctx w;
    memset(out, 0, sizeof *out);
    int rc = read_ctx(s, &w, err, errlen);
    if (rc) return rc;
    rc = load_challenge(&w, id, out);
    if (rc == 0)
        rc = fail(err, errlen, OZK_ENOENT, "store: no challenge %llu", (unsigned long long)id);
    read_end(s, w.txn);
    return rc < 0 ? rc : 0;
}

typedef struct {
    uint64_t id;
    int status;
    const uint8_t *respond_tx;
    const uint8_t *proof;
    size_t proof_len;
} update_challenge_arg;

static int update_challenge_txn(wctx *w, void *arg)
{
    update_challenge_arg *a = arg;
    ozk_store *s = w->s;
    ozk_store_challenge c;
    int rc = load_challenge(w, a->id, &c);
    if (rc == 0)
        return fail(w->err, w->errlen, OZK_ENOENT, "store: no challenge %llu",
                    (unsigned long long)a->id);
    if (rc < 0) return rc;
    int from = c.status;
    if ((!ch_is_open(from) && a->status != from) ||
        (a->status == OZK_CH_RESPONDED && !a->respond_tx && !c.has_respond_tx)) {
        ozk_store_challenge_clear(&c);
        return fail(w->err, w->errlen, OZK_EINVAL,
                    "store: challenge %llu cannot go from status %d to %d (resolved challenges "
                    "stay so; RESPONDED needs the respond transaction)",
                    (unsigned long long)a->id, from, a->status);
    }
    c.status = a->status;
    if (a->respond_tx) {
        memcpy(c.respond_tx, a->respond_tx, 32);
        c.has_respond_tx = 1;
    }
    if (a->proof) {
        c.proof = a->proof_len ? a->proof : NULL;
        c.proof_len = a->proof_len;
    }
    uint8_t k[8];
    put_be(k, a->id, 8);
    rc = put_encoded(w, s->chs, k, 8, enc_challenge, &c, 0);
    if (!rc && ch_is_open(from) && !ch_is_open(c.status)) {
        uint8_t ok[16];
        ch_open_key(ok, &c);
        rc = db_del(w, s->chs_open, ok, 16);
    }
    ozk_store_challenge_clear(&c);
    return rc < 0 ? rc : 0;
}

int ozk_store_update_challenge(ozk_store *s, uint64_t id, int status, const uint8_t respond_tx[32],
                               const uint8_t *proof, size_t proof_len, char *err, size_t errlen)
{
    if (status < 0 || status > OZK_CH_UNPROVABLE || proof_len > OZK_STORE_MAX_BLOB ||
        (!proof && proof_len))
        return fail(err, errlen, OZK_EINVAL,
                    "store: update_challenge: status %d or proof length %zu out of range", status,
                    proof_len);
    update_challenge_arg a = { id, status, respond_tx, proof, proof_len };
    return run_write(s, update_challenge_txn, &a, err, errlen);
}

int ozk_store_list_challenges(ozk_store *s, ozk_store_challenge **list, size_t *n, unsigned mask,
                              char *err, size_t errlen)
{
    *list = NULL;
    *n = 0;
    wctx w;
    int rc = read_ctx(s, &w, err, errlen);
    if (rc) return rc;
    ozk_store_challenge *out = NULL;
    size_t cnt = 0, cap = 0;
    MDB_cursor *c = NULL;
    int mrc = mdb_cursor_open(w.txn, s->chs_open, &c);
    MDB_val k, v;
    if (!mrc)
        for (mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST); mrc == 0;
             mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
            if (k.mv_size != 16) {
                rc = corrupt(err, errlen, "the open challenge index");
                goto done;
            }
            if (cnt == cap) {
                cap = cap ? 2 * cap : 8;
                ozk_store_challenge *m = realloc(out, cap * sizeof *m);
                if (!m) {
                    rc = fail(err, errlen, OZK_ENOMEM, "store: out of memory");
                    goto done;
                }
                out = m;
            }
            rc = load_challenge(&w, get_be((const uint8_t *)k.mv_data + 8, 8), &out[cnt]);
            if (rc == 0) rc = corrupt(err, errlen, "the open challenge index");
            if (rc < 0) goto done;
            if (mask & OZK_CH_MASK(out[cnt].status))
                cnt++;
            else
                ozk_store_challenge_clear(&out[cnt]);
        }
    rc = 0;
    if (mrc && mrc != MDB_NOTFOUND) rc = lmdb_error(&w, mrc, "read the challenges");
done:
    if (c) mdb_cursor_close(c);
    read_end(s, w.txn);
    if (rc) {
        ozk_store_challenge_list_free(out, cnt);
        return rc;
    }
    if (cnt == 0) {
        free(out);
        out = NULL;
    }
    *list = out;
    *n = cnt;
    return 0;
}

int ozk_store_get_cursor(ozk_store *s, ozk_store_cursor *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    wctx w;
    int rc = read_ctx(s, &w, err, errlen);
    if (rc) return rc;
    MDB_val v;
    rc = db_get(&w, s->meta, "cursor", 6, &v);
    if (rc == 0) rc = fail(err, errlen, OZK_ENOENT, "store: no chain cursor yet");
    if (rc == 1) {
        int d = dec_cursor(&v, out);
        if (d == 1)
            rc = 0;
        else if (d < 0)
            rc =
                fail(err, errlen, OZK_ENOENT,
                     "store: the chain cursor is in the retired format; the watcher starts afresh");
        else
            rc = corrupt(err, errlen, "the chain cursor");
    }
    if (rc) memset(out, 0, sizeof *out);
    read_end(s, w.txn);
    return rc;
}

static int set_cursor_txn(wctx *w, void *arg)
{
    return put_encoded(w, w->s->meta, "cursor", 6, enc_cursor, arg, 0);
}

int ozk_store_set_cursor(ozk_store *s, const ozk_store_cursor *cursor, char *err, size_t errlen)
{
    if (!cursor_ok(cursor))
        return fail(err, errlen, OZK_EINVAL, "store: the chain cursor must be 1 to %d bytes",
                    OZK_STORE_CURSOR_MAX);
    return run_write(s, set_cursor_txn, (void *)(uintptr_t)cursor, err, errlen);
}

/* ---- retention ---------------------------------------------------------------------------- */

typedef struct {
    uint64_t pruned;
} prune_arg;

static int has_u64(const uint64_t *a, size_t n, uint64_t x)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] == x) return 1;
    return 0;
}

static int prune_txn(wctx *w, void *arg)
{
    prune_arg *a = arg;
    ozk_store *s = w->s;
    uint64_t *blocked = NULL, *final = NULL;
    size_t nb = 0, nf = 0, capb = 0, capf = 0;
    MDB_cursor *c = NULL;
    MDB_val k, v;
    int rc = 0, mrc;
    a->pruned = 0;

    /* the batches with an unresolved challenge */
    if ((mrc = mdb_cursor_open(w->txn, s->chs_open, &c))) {
        rc = lmdb_error(w, mrc, "open a cursor");
        goto fail;
    }
    for (mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST); mrc == 0;
         mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
        if (k.mv_size != 16) {
            rc = corrupt(w->err, w->errlen, "the open challenge index");
            goto fail;
        }
        ozk_store_challenge ch;
        rc = load_challenge(w, get_be((const uint8_t *)k.mv_data + 8, 8), &ch);
        if (rc == 0) rc = corrupt(w->err, w->errlen, "the open challenge index");
        if (rc < 0) goto fail;
        uint64_t seq = ch.batch_seq;
        int known = ch.kind == OZK_CHALLENGE_RECORD;
        if (!known) {
            placed p = { 0, 0 };
            rc = get_placed(w, ch.request_id, &p);
            known = rc == 1;
            seq = p.seq;
        }
        ozk_store_challenge_clear(&ch);
        if (rc < 0) goto fail;
        if (!known) continue;
        if (nb == capb) {
            capb = capb ? 2 * capb : 16;
            uint64_t *m = realloc(blocked, capb * sizeof *m);
            if (!m) goto oom;
            blocked = m;
        }
        blocked[nb++] = seq;
    }
    mdb_cursor_close(c);
    c = NULL;

    /* the final, unpruned batches that no challenge holds */
    if ((mrc = mdb_cursor_open(w->txn, s->batches_final, &c))) {
        rc = lmdb_error(w, mrc, "open a cursor");
        goto fail;
    }
    for (mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST); mrc == 0;
         mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
        if (k.mv_size != 8) {
            rc = corrupt(w->err, w->errlen, "the final batch index");
            goto fail;
        }
        uint64_t seq = get_be(k.mv_data, 8);
        if (has_u64(blocked, nb, seq)) continue;
        if (nf == capf) {
            capf = capf ? 2 * capf : 16;
            uint64_t *m = realloc(final, capf * sizeof *m);
            if (!m) goto oom;
            final = m;
        }
        final[nf++] = seq;
    }
    mdb_cursor_close(c);
    c = NULL;

    for (size_t i = 0; i < nf; i++) {
        ozk_store_batch b;
        rc = load_batch(w, final[i], &b);
        if (rc == 0) rc = corrupt(w->err, w->errlen, "the final batch index");
        if (rc < 0) goto fail;
        rc = 0;
        for (uint32_t j = 0; j < b.count && !b.pruned && rc >= 0; j++) {
            rc = db_del(w, s->records, b.ids[j], 32);
            if (rc == 1) a->pruned++;
            if (rc >= 0) rc = db_del(w, s->placed, b.ids[j], 32);
        }
        b.pruned = 1;
        if (rc >= 0) {
            uint8_t key[8];
            put_be(key, final[i], 8);
            rc = put_encoded(w, s->batches, key, 8, enc_batch, &b, 0);
            if (rc >= 0) rc = db_del(w, s->batches_final, key, 8);
        }
        ozk_store_batch_clear(&b);
        if (rc < 0) goto fail;
    }
    rc = 0;
fail:
    if (c) mdb_cursor_close(c);
    free(blocked);
    free(final);
    return rc;
oom:
    rc = fail(w->err, w->errlen, OZK_ENOMEM, "store: out of memory");
    goto fail;
}

int ozk_store_prune(ozk_store *s, uint64_t *pruned, char *err, size_t errlen)
{
    prune_arg a = { 0 };
    int rc = run_write(s, prune_txn, &a, err, errlen);
    if (pruned) *pruned = rc ? 0 : a.pruned;
    return rc;
}

/* ---- consistency check -------------------------------------------------------------------- */

/* Iterates dbi calling fn(w, key, value, arg) for each entry; stops at the first non-zero. */
typedef int (*each_fn)(wctx *w, const MDB_val *k, const MDB_val *v, void *arg);

static int each(wctx *w, MDB_dbi dbi, each_fn fn, void *arg)
{
    MDB_cursor *c;
    int mrc = mdb_cursor_open(w->txn, dbi, &c), rc = 0;
    if (mrc) return lmdb_error(w, mrc, "open a cursor");
    MDB_val k, v;
    for (mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST); mrc == 0 && rc == 0;
         mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT))
        rc = fn(w, &k, &v, arg);
    if (!rc && mrc && mrc != MDB_NOTFOUND) rc = lmdb_error(w, mrc, "iterate");
    mdb_cursor_close(c);
    return rc;
}

typedef struct {
    uint64_t next_seq, next_record;
} check_arg;

static int bad(wctx *w, const char *what)
{
    return fail(w->err, w->errlen, OZK_ECORRUPT,
                "store %s is inconsistent: %s: restore data.mdb from a backup", w->s->dir, what);
}

static int check_record(wctx *w, const MDB_val *k, const MDB_val *v, void *arg)
{
    check_arg *a = arg;
    ozk_store_record r;
    if (k->mv_size != 32 || !dec_record(v, &r) || memcmp(r.request_id, k->mv_data, 32))
        return corrupt(w->err, w->errlen, "a record");
    if (r.number >= a->next_record) return bad(w, "a record number is above the counter");
    placed p;
    int rc = get_placed(w, r.request_id, &p);
    if (rc < 0) return rc;
    uint8_t nk[8];
    put_be(nk, r.number, 8);
    MDB_val pv;
    int pend = db_get(w, w->s->pending, nk, 8, &pv);
    if (pend < 0) return pend;
    if (pend && (pv.mv_size != 32 || memcmp(pv.mv_data, r.request_id, 32)))
        return bad(w, "a pending entry names another record");
    if (rc == 0) return pend ? 0 : bad(w, "a record is neither pending nor in a batch");
    if (pend) return bad(w, "a batched record is still pending");
    /* the batch in place: this read transaction's snapshot stays valid (no copy per record) */
    ozk_store_batch b;
    uint8_t bk[8];
    put_be(bk, p.seq, 8);
    rc = db_get(w, w->s->batches, bk, 8, &pv);
    if (rc <= 0) return rc < 0 ? rc : bad(w, "a record points to a batch that does not exist");
    if (!dec_batch(&pv, &b)) return corrupt(w->err, w->errlen, "a batch");
    int ok = !b.pruned && p.index < b.count && !memcmp(b.ids[p.index], r.request_id, 32) &&
             !memcmp(b.leaves[p.index], r.leaf, 32);
    return ok ? 0 : bad(w, "a record's batch does not list it at its index");
}

static int check_pending(wctx *w, const MDB_val *k, const MDB_val *v, void *arg)
{
    (void)arg;
    if (k->mv_size != 8 || v->mv_size != 32) return corrupt(w->err, w->errlen, "the pending queue");
    MDB_val rv;
    int rc = db_get(w, w->s->records, v->mv_data, 32, &rv);
    if (rc <= 0) return rc < 0 ? rc : bad(w, "a pending entry names no record");
    ozk_store_record r;
    if (!dec_record(&rv, &r)) return corrupt(w->err, w->errlen, "a record");
    return r.number == get_be(k->mv_data, 8) ? 0 : bad(w, "a pending entry's number differs");
}

static int check_batch(wctx *w, const MDB_val *k, const MDB_val *v, void *arg)
{
    check_arg *a = arg;
    ozk_store_batch b;
    if (k->mv_size != 8 || !dec_batch(v, &b) || b.seq != get_be(k->mv_data, 8))
        return corrupt(w->err, w->errlen, "a batch");
    if (b.seq >= a->next_seq) return bad(w, "a batch seq is not below next_seq");
    MDB_val x;
    int open = db_get(w, w->s->batches_open, k->mv_data, 8, &x);
    int fin = db_get(w, w->s->batches_final, k->mv_data, 8, &x);
    if (open < 0) return open;
    if (fin < 0) return fin;
    if (open != (b.state != OZK_BATCH_FINAL)) return bad(w, "the open batch index is wrong");
    if (fin != (b.state == OZK_BATCH_FINAL && !b.pruned))
        return bad(w, "the final batch index is wrong");
    if (b.pruned) return 0;
    uint8_t root[32];
    if (ozk_merkle_root(root, b.leaves, b.count) || memcmp(root, b.root, 32))
        return bad(w, "a batch's root is not the root of its leaves");
    for (uint32_t i = 0; i < b.count; i++) {
        /* b points into this read transaction's snapshot, which stays valid */
        placed p;
        int rc = get_placed(w, b.ids[i], &p);
        if (rc < 0) return rc;
        if (rc == 0 || p.seq != b.seq || p.index != i)
            return bad(w, "a batch lists a record that is not placed in it");
        if ((rc = db_get(w, w->s->records, b.ids[i], 32, &x)) <= 0)
            return rc < 0 ? rc : bad(w, "an unpruned batch lists a missing record");
    }
    return 0;
}

static int check_index_batch(wctx *w, const MDB_val *k, const MDB_val *v, void *arg)
{
    (void)v;
    (void)arg;
    MDB_val x;
    if (k->mv_size != 8) return corrupt(w->err, w->errlen, "a batch index");
    int rc = db_get(w, w->s->batches, k->mv_data, 8, &x);
    return rc < 0 ? rc : rc ? 0 : bad(w, "a batch index names a missing batch");
}

static int check_tx(wctx *w, const MDB_val *k, const MDB_val *v, void *arg)
{
    (void)arg;
    ozk_store_tx t;
    if (k->mv_size != 32 || !dec_tx(v, &t) || memcmp(t.hash, k->mv_data, 32))
        return corrupt(w->err, w->errlen, "a transaction");
    uint8_t ok[60];
    tx_open_key(ok, &t);
    MDB_val x;
    int rc = db_get(w, w->s->txs_open, ok, 60, &x);
    if (rc < 0) return rc;
    return rc == tx_is_open(t.state) ? 0 : bad(w, "the open transaction index is wrong");
}

static int check_index_tx(wctx *w, const MDB_val *k, const MDB_val *v, void *arg)
{
    (void)v;
    (void)arg;
    MDB_val x;
    if (k->mv_size != 60) return corrupt(w->err, w->errlen, "the open transaction index");
    int rc = db_get(w, w->s->txs, (const uint8_t *)k->mv_data + 28, 32, &x);
    return rc < 0 ? rc : rc ? 0 : bad(w, "the open transaction index names a missing one");
}

static int check_challenge_entry(wctx *w, const MDB_val *k, const MDB_val *v, void *arg)
{
    (void)arg;
    ozk_store_challenge c;
    if (k->mv_size != 8 || !dec_challenge(v, &c) || c.id != get_be(k->mv_data, 8))
        return corrupt(w->err, w->errlen, "a challenge");
    uint8_t ok[16];
    ch_open_key(ok, &c);
    MDB_val x;
    int rc = db_get(w, w->s->chs_open, ok, 16, &x);
    if (rc < 0) return rc;
    return rc == ch_is_open(c.status) ? 0 : bad(w, "the open challenge index is wrong");
}

static int check_index_ch(wctx *w, const MDB_val *k, const MDB_val *v, void *arg)
{
    (void)v;
    (void)arg;
    MDB_val x;
    if (k->mv_size != 16) return corrupt(w->err, w->errlen, "the open challenge index");
    int rc = db_get(w, w->s->chs, (const uint8_t *)k->mv_data + 8, 8, &x);
    return rc < 0 ? rc : rc ? 0 : bad(w, "the open challenge index names a missing one");
}

int ozk_store_check(ozk_store *s, char *err, size_t errlen)
{
    wctx w;
    int rc = read_ctx(s, &w, err, errlen);
    if (rc) return rc;
    check_arg a;
    MDB_val v;
    ozk_store_cursor cur;
    ozk_store_identity id;
    OZK_TRY(get_counter(&w, "next_seq", &a.next_seq));
    OZK_TRY(get_counter(&w, "next_record", &a.next_record));
    rc = db_get(&w, s->meta, "identity", 8, &v);
    if (rc >= 0 && (rc == 0 || !dec_identity(&v, &id)))
        rc = corrupt(err, errlen, "the store's identity");
    if (rc < 0) goto fail;
    rc = db_get(&w, s->meta, "cursor", 6, &v);
    if (rc == 1 && !dec_cursor(&v, &cur)) rc = corrupt(err, errlen, "the chain cursor");
    if (rc < 0) goto fail;
    if (entries(w.txn, s->batches) != a.next_seq) {
        rc = bad(&w, "the batches are not exactly seqs 0 .. next_seq-1");
        goto fail;
    }
    OZK_TRY(each(&w, s->records, check_record, &a));
    OZK_TRY(each(&w, s->pending, check_pending, &a));
    OZK_TRY(each(&w, s->batches, check_batch, &a));
    OZK_TRY(each(&w, s->batches_open, check_index_batch, &a));
    OZK_TRY(each(&w, s->batches_final, check_index_batch, &a));
    OZK_TRY(each(&w, s->txs, check_tx, &a));
    OZK_TRY(each(&w, s->txs_open, check_index_tx, &a));
    OZK_TRY(each(&w, s->chs, check_challenge_entry, &a));
    OZK_TRY(each(&w, s->chs_open, check_index_ch, &a));
    rc = 0;
fail:
    read_end(s, w.txn);
    return rc;
}
