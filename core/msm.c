/*
 * core/msm.c: ozk_g1_msm, multi-scalar multiplication in G1 (see ozk/msm.h).
 *
 * Pippenger's bucket method (Bernstein, Doumen, Lange, Oosterwijk, "Faster batch forgery
 * identification", INDOCRYPT 2012, section 4), in four steps.
 *
 * 1. Scalars. Each scalar s is written as a sign and a magnitude min(s, r - s) <= (r - 1) / 2,
 *    so a witness value -v, stored as r - v, costs what v costs. Zero scalars and points at
 *    infinity are dropped. b = the largest magnitude's bit length fixes the number of windows.
 *
 * 2. Digits. Window w of a magnitude k is the signed (Booth) digit
 *        d_w = k[wc - 1] + sum_{i<c} k[wc + i] 2^i - 2^c k[wc + c - 1]    (k[-1] = 0)
 *    (Booth, "A signed binary multiplication technique", 1951, radix 2^c). The sum over w of
 *    d_w 2^(wc) telescopes back to k, each d_w lies in [-2^(c-1), 2^(c-1)], and d_w needs only
 *    the c + 1 bits at wc - 1 .. wc + c - 1, so no carry runs from window to window.
 *    W = ceil((b + 1) / c) windows leave the top digit's k[wc + c - 1] zero.
 *
 * 3. Buckets, in affine coordinates. Window w puts [sign d] P into bucket |d| (1 .. 2^(c-1)).
 *    An affine sum costs one inversion; Montgomery's trick ("Speeding the Pollard and elliptic
 *    curve methods of factorization", Math. Comp. 1987, section 10.3.1) shares one inversion
 *    among every independent sum of a round. The points of a chunk are sorted by bucket
 *    (counting sort); each bucket's group (its current value, then its new points) is summed
 *    pairwise: a round adds the pairs of every group at once, and a group that still has more
 *    than one point defers the rest to the next round. So no round adds to the same bucket twice,
 *    and a group of n points (the 0/1 scalars of a selector all land in bucket 1) takes log2 n
 *    rounds, not n. The cost of an affine sum, inversion shared: 6M (3M of the trick, 1M for
 *    lambda, 1S for x3, 1M for y3).
 *
 *    A task of fewer than AFFINE_MIN points (small n) keeps Jacobian buckets instead, one mixed
 *    addition a point (11M): its rounds would be too small to share an inversion (about 350M).
 *
 * 4. Window sums. sum_j j B_j = the sum of the running sums B_top + ... + B_j (Jacobian; 2 adds
 *    a bucket), then Horner over the windows: sum_w 2^(wc) S_w (c doublings a window).
 *
 * Threads: the work is cut into tasks, one per (window, part of the points), each with its own
 * buckets; tasks are taken from an atomic counter and write their sum to their own slot, which
 * step 4 adds in a fixed order, so the result does not depend on the schedule.
 *
 * GLV (bn254.md 5.3) is not used: it halves the windows but doubles the points, so step 3 does
 * the same number of additions and only step 4 shrinks. Measured with this code, 2n points with
 * 126-bit scalars (what GLV would run) take 11% less time than n full scalars at n = 2^12 and 4%
 * less at 2^16, before the scalar splitting and the n extra points GLV itself would cost.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ozk/error.h"
#include "ozk/msm.h"

#define SIGN_BIT 0x80000000u

enum {
    C_MIN = 2,
    C_MAX = 18,           /* 2^17 buckets, 8 MiB a thread */
    PREP_BLOCK = 1 << 14, /* scalars converted per step of step 1 */
    CHUNK_MIN = 1 << 14,  /* points sorted into buckets at a time */
    AFFINE_MIN = 256,     /* fewer points a task: Jacobian buckets */
    MAX_THREADS = 1024,   /* a bound on the threads argument */
    PIECE_LOG = 30        /* larger MSMs are cut into pieces (indices have 31 bits) */
};

/* Costs that pick the window (choose_window), relative to one affine bucket addition of step 3
 * (6M, plus the sorting and copying: about 200 ns on the x86-64 of docs/benchmarks.md):
 * one bucket of step 4 in affine mode (a mixed and a Jacobian addition, 27M); in Jacobian mode
 * a mixed addition (11M) and one bucket (two Jacobian additions, 32M). Below AFFINE_MIN points
 * a task, the rounds of step 3 are too small to share an inversion (about 350M) well, and
 * Jacobian buckets are faster (measured crossover: about 256 points). */
#define BUCKET_COST     3.5
#define JAC_ADD_COST    1.6
#define JAC_BUCKET_COST 4.6

/* (0, 0), the point at infinity; inlined, as step 3 asks it of every pair */
static inline int g1_is_inf(const ozk_g1 *a)
{
    return (a->x.l[0] | a->x.l[1] | a->x.l[2] | a->x.l[3] | a->y.l[0] | a->y.l[1] | a->y.l[2] |
            a->y.l[3]) == 0;
}

/* What every thread reads; written before the threads start, except the counters. */
struct msm_ctx {
    const ozk_g1 *points;
    const ozk_fr *scalars;
    size_t n;
    /* step 1: idx[k] = the point index of active entry k, SIGN_BIT set when its scalar is
     * negative; mag[k words ..] its magnitude, `words` little-endian limbs (4 until packed) */
    uint32_t *idx;
    uint64_t *mag;
    size_t nblocks;
    size_t *block_count;
    unsigned *block_bits;
    uint64_t half[4]; /* (r - 1) / 2 */
    /* steps 2-4 */
    size_t na;
    unsigned bits, words; /* the largest magnitude's bit length; its limbs */
    unsigned c, nwin, nparts;
    int jacobian; /* buckets in Jacobian coordinates (too few points for batching to pay) */
    size_t chunk;
    ozk_g1_jac *sums; /* per task */
    atomic_size_t next;
};

/* One thread's scratch, allocated before the threads start. */
struct scratch {
    ozk_g1 *bucket;      /* [H + 1]: bucket j's value, when full[j] (affine mode) */
    ozk_g1_jac *jbucket; /* [H + 1]: the same in Jacobian mode */
    uint8_t *full;       /* [H + 1] */
    uint32_t *cnt;       /* [H + 1]: points of the chunk in each bucket, then write positions */
    uint32_t *entry;     /* [chunk]: bucket | SIGN_BIT of each point of the chunk, 0 if none */
    uint32_t *bk;        /* [chunk]: the buckets of the chunk's groups */
    uint32_t *gstart;    /* [chunk]: each group's first point in s */
    uint32_t *gsize;     /* [chunk] */
    ozk_g1 *s;           /* [2 chunk]: the groups' points */
    ozk_fp *den;         /* [chunk]: a round's denominators, then their inverses */
    ozk_fp *pre;         /* [chunk]: prefix products of den (Montgomery's trick) */
    uint8_t *kind;       /* [chunk]: each pair's case */
    uint32_t maxb;       /* the highest bucket this task has touched */
};

static void scratch_free(struct scratch *sc)
{
    free(sc->bucket);
    free(sc->jbucket);
    free(sc->full);
    free(sc->cnt);
    free(sc->entry);
    free(sc->bk);
    free(sc->gstart);
    free(sc->gsize);
    free(sc->s);
    free(sc->den);
    free(sc->pre);
    free(sc->kind);
    memset(sc, 0, sizeof *sc);
}

static int scratch_alloc(struct scratch *sc, unsigned c, size_t chunk, int jacobian)
{
    size_t h = (size_t)1 << (c - 1);
    memset(sc, 0, sizeof *sc);
    if (jacobian) {
        sc->jbucket = malloc((h + 1) * sizeof *sc->jbucket);
        sc->full = malloc(h + 1);
        if (!sc->jbucket || !sc->full) {
            scratch_free(sc);
            return OZK_ENOMEM;
        }
        return 0;
    }
    sc->bucket = malloc((h + 1) * sizeof *sc->bucket);
    sc->full = malloc(h + 1);
    sc->cnt = calloc(h + 1, sizeof *sc->cnt);
    sc->entry = malloc(chunk * sizeof *sc->entry);
    sc->bk = malloc(chunk * sizeof *sc->bk);
    sc->gstart = malloc(chunk * sizeof *sc->gstart);
    sc->gsize = malloc(chunk * sizeof *sc->gsize);
    sc->s = malloc(2 * chunk * sizeof *sc->s);
    sc->den = malloc(chunk * sizeof *sc->den);
    sc->pre = malloc(chunk * sizeof *sc->pre);
    sc->kind = malloc(chunk);
    if (!sc->bucket || !sc->full || !sc->cnt || !sc->entry || !sc->bk || !sc->gstart ||
        !sc->gsize || !sc->s || !sc->den || !sc->pre || !sc->kind) {
        scratch_free(sc);
        return OZK_ENOMEM;
    }
    return 0;
}

/* ---- step 1: signs and magnitudes ---- */

static unsigned bit_length(const uint64_t k[4])
{
    for (int i = 3; i >= 0; i--)
        if (k[i]) return 64 * (unsigned)i + 64 - (unsigned)__builtin_clzll(k[i]);
    return 0;
}

/* 1 if a > b (4 limbs) */
static int gt4(const uint64_t a[4], const uint64_t b[4])
{
    for (int i = 3; i >= 0; i--)
        if (a[i] != b[i]) return a[i] > b[i];
    return 0;
}

/* Block j of the scalars: its active entries, packed at the front of the block's own range of
 * idx and mag (4 limbs each); block_count and block_bits say how many and how long. */
static void prep_block(struct msm_ctx *ctx, size_t j)
{
    size_t lo = j * PREP_BLOCK, hi = lo + PREP_BLOCK < ctx->n ? lo + PREP_BLOCK : ctx->n, k = lo;
    unsigned bits = 0;
    for (size_t i = lo; i < hi; i++) {
        if (ozk_fr_is_zero(&ctx->scalars[i]) || g1_is_inf(&ctx->points[i])) continue;
        uint64_t *m = ctx->mag + 4 * k;
        uint32_t neg = 0;
        ozk_fr_to_limbs(m, &ctx->scalars[i]);
        if (gt4(m, ctx->half)) { /* s > (r - 1) / 2: use -(r - s) */
            uint64_t borrow = 0;
            for (int q = 0; q < 4; q++) {
                __extension__ unsigned __int128 d =
                    (unsigned __int128)ozk_fr_modulus[q] - m[q] - borrow;
                m[q] = (uint64_t)d;
                borrow = (uint64_t)(d >> 64) & 1;
            }
            neg = SIGN_BIT;
        }
        unsigned bl = bit_length(m);
        if (bl > bits) bits = bl;
        ctx->idx[k++] = (uint32_t)i | neg;
    }
    ctx->block_count[j] = k - lo;
    ctx->block_bits[j] = bits;
}

static void prep_worker(struct msm_ctx *ctx, struct scratch *sc)
{
    (void)sc;
    for (;;) {
        size_t j = atomic_fetch_add(&ctx->next, 1);
        if (j >= ctx->nblocks) return;
        prep_block(ctx, j);
    }
}

/* Moves every block's entries to the front, packed to `words` limbs each (a forward copy:
 * destinations never pass their sources). */
static void prep_pack(struct msm_ctx *ctx)
{
    unsigned bits = 0;
    for (size_t j = 0; j < ctx->nblocks; j++)
        if (ctx->block_bits[j] > bits) bits = ctx->block_bits[j];
    ctx->words = (bits + 63) / 64;
    size_t na = 0;
    for (size_t j = 0; j < ctx->nblocks; j++) {
        size_t lo = j * PREP_BLOCK;
        for (size_t k = lo; k < lo + ctx->block_count[j]; k++, na++) {
            ctx->idx[na] = ctx->idx[k];
            for (unsigned q = 0; q < ctx->words; q++)
                ctx->mag[na * ctx->words + q] = ctx->mag[4 * k + q];
        }
    }
    ctx->na = na;
    ctx->bits = bits;
}

/* ---- step 2: digits ---- */

/* The Booth digit of window w (see the top of the file) of a magnitude of `words` limbs. */
static inline int32_t booth_digit(const uint64_t *k, unsigned words, unsigned w, unsigned c)
{
    uint64_t v; /* the c + 1 bits k[wc - 1 .. wc + c - 1] */
    if (w == 0) {
        v = k[0] << 1;
    } else {
        size_t pos = (size_t)w * c - 1, limb = pos / 64, off = pos % 64;
        if (limb >= words) return 0;
        v = k[limb] >> off;
        if (off + c + 1 > 64 && limb + 1 < words) v |= k[limb + 1] << (64 - off);
    }
    v &= ((uint64_t)1 << (c + 1)) - 1;
    /* (v + 1) / 2 = k[wc - 1] + the c bits of the window; minus 2^c when the top bit is set */
    return (int32_t)((v + 1) >> 1) - (int32_t)((v >> c) << c);
}

/* ---- step 3: bucket accumulation ---- */

enum { PAIR_ADD, PAIR_DBL, PAIR_ZERO, PAIR_TAKE_A, PAIR_TAKE_B };

static int fp_eq(const ozk_fp *a, const ozk_fp *b)
{
    return a->l[0] == b->l[0] && a->l[1] == b->l[1] && a->l[2] == b->l[2] && a->l[3] == b->l[3];
}

/*
 * Adds, pairwise, the points of each of the ng groups (bk, gstart, gsize) of sc->s, in rounds,
 * until each group is one point, which becomes its bucket's value. In a round, pair j of a
 * group is a = s[start + 2j], b = s[start + 2j + 1], with slope lambda:
 *   a != +-b:  lambda = (yb - ya) / (xb - xa)
 *   a == b:    lambda = 3 xa^2 / (2 ya)          (y = 0 has no point of order 2 here)
 *   x3 = lambda^2 - xa - xb,  y3 = lambda (xa - x3) - ya
 * (affine addition and doubling on y^2 = x^3 + b; e.g. Cohen and Frey, Handbook of Elliptic
 * and Hyperelliptic Curve Cryptography, 13.2.1). a == -b gives infinity, written (0, 0), which
 * the next round passes over. Sums go to s[start + j]: each pair's inputs are read before its
 * output is written and every later pair reads from further right, so one array suffices.
 */
static void sum_groups(struct scratch *sc, uint32_t ng)
{
    for (;;) {
        /* finished groups hand their point to their bucket */
        uint32_t live = 0;
        for (uint32_t g = 0; g < ng; g++) {
            if (sc->gsize[g] > 1) {
                sc->bk[live] = sc->bk[g];
                sc->gstart[live] = sc->gstart[g];
                sc->gsize[live] = sc->gsize[g];
                live++;
                continue;
            }
            const ozk_g1 *v = &sc->s[sc->gstart[g]];
            uint32_t b = sc->bk[g];
            sc->full[b] = !g1_is_inf(v);
            if (sc->full[b]) sc->bucket[b] = *v;
        }
        ng = live;
        if (ng == 0) return;

        /* denominators of the round, and their prefix products */
        ozk_fp acc;
        ozk_fp_set_one(&acc);
        size_t np = 0, ninv = 0;
        for (uint32_t g = 0; g < ng; g++) {
            const ozk_g1 *s = sc->s + sc->gstart[g];
            for (uint32_t j = 0; j < sc->gsize[g] / 2; j++, np++) {
                const ozk_g1 *a = &s[2 * j], *b = &s[2 * j + 1];
                uint8_t kind;
                if (g1_is_inf(a)) {
                    kind = PAIR_TAKE_B;
                } else if (g1_is_inf(b)) {
                    kind = PAIR_TAKE_A;
                } else if (!fp_eq(&a->x, &b->x)) {
                    kind = PAIR_ADD;
                    ozk_fp_sub(&sc->den[np], &b->x, &a->x); /* xb - xa */
                } else if (fp_eq(&a->y, &b->y)) {
                    kind = PAIR_DBL;
                    ozk_fp_dbl(&sc->den[np], &a->y); /* 2 ya */
                } else {
                    kind = PAIR_ZERO;
                }
                sc->kind[np] = kind;
                if (kind == PAIR_ADD || kind == PAIR_DBL) {
                    sc->pre[np] = acc;
                    ozk_fp_mul(&acc, &acc, &sc->den[np]);
                    ninv++;
                }
            }
        }

        /* one inversion for the round; then den[p] = 1 / den[p], last to first */
        if (ninv) {
            ozk_fp_inv(&acc, &acc);
            for (size_t p = np; p-- > 0;) {
                if (sc->kind[p] != PAIR_ADD && sc->kind[p] != PAIR_DBL) continue;
                ozk_fp t;
                ozk_fp_mul(&t, &acc, &sc->pre[p]);
                ozk_fp_mul(&acc, &acc, &sc->den[p]);
                sc->den[p] = t;
            }
        }

        /* the sums, over the front half of each group */
        size_t p = 0;
        for (uint32_t g = 0; g < ng; g++) {
            ozk_g1 *s = sc->s + sc->gstart[g];
            uint32_t k = sc->gsize[g];
            for (uint32_t j = 0; j < k / 2; j++, p++) {
                const ozk_g1 *a = &s[2 * j], *b = &s[2 * j + 1];
                ozk_fp lambda, t, x3, y3;
                switch (sc->kind[p]) {
                case PAIR_TAKE_A:
                    s[j] = *a;
                    continue;
                case PAIR_TAKE_B:
                    s[j] = *b;
                    continue;
                case PAIR_ZERO:
                    ozk_g1_set_infinity(&s[j]);
                    continue;
                case PAIR_ADD:
                    ozk_fp_sub(&t, &b->y, &a->y);         /* yb - ya */
                    ozk_fp_mul(&lambda, &t, &sc->den[p]); /* lambda */
                    ozk_fp_sqr(&x3, &lambda);             /* x3 = lambda^2 - xa - xb */
                    ozk_fp_sub(&x3, &x3, &a->x);
                    ozk_fp_sub(&x3, &x3, &b->x);
                    break;
                default:                   /* PAIR_DBL */
                    ozk_fp_sqr(&t, &a->x); /* 3 xa^2 */
                    ozk_fp_dbl(&lambda, &t);
                    ozk_fp_add(&t, &lambda, &t);
                    ozk_fp_mul(&lambda, &t, &sc->den[p]); /* lambda */
                    ozk_fp_sqr(&x3, &lambda);             /* x3 = lambda^2 - 2 xa */
                    ozk_fp_sub(&x3, &x3, &a->x);
                    ozk_fp_sub(&x3, &x3, &a->x);
                    break;
                }
                ozk_fp_sub(&t, &a->x, &x3); /* y3 = lambda (xa - x3) - ya */
                ozk_fp_mul(&y3, &lambda, &t);
                ozk_fp_sub(&y3, &y3, &a->y);
                s[j].x = x3;
                s[j].y = y3;
            }
            if (k & 1) s[k / 2] = s[k - 1];
            sc->gsize[g] = (k + 1) / 2;
        }
    }
}

/* Adds [digit of window w] P for the active entries lo .. hi - 1 into the task's buckets. */
static void accumulate_chunk(const struct msm_ctx *ctx, struct scratch *sc, unsigned w, size_t lo,
                             size_t hi)
{
    const unsigned c = ctx->c, words = ctx->words;
    const size_t m = hi - lo;
    uint32_t ng = 0;
    /* digits, and how many points each bucket gets */
    for (size_t k = 0; k < m; k++) {
        int32_t d = booth_digit(ctx->mag + (lo + k) * words, words, w, c);
        if (d == 0) {
            sc->entry[k] = 0;
            continue;
        }
        uint32_t b = (uint32_t)(d < 0 ? -d : d);
        uint32_t neg = (ctx->idx[lo + k] & SIGN_BIT) ^ (d < 0 ? SIGN_BIT : 0);
        sc->entry[k] = b | neg;
        if (sc->cnt[b]++ == 0) sc->bk[ng++] = b;
    }
    /* groups: the bucket's value (if any), then its new points; cnt becomes a write position */
    uint32_t pos = 0;
    for (uint32_t g = 0; g < ng; g++) {
        uint32_t b = sc->bk[g], size = sc->cnt[b] + sc->full[b];
        sc->gstart[g] = pos;
        sc->gsize[g] = size;
        if (sc->full[b]) sc->s[pos] = sc->bucket[b];
        sc->cnt[b] = pos + sc->full[b];
        pos += size;
        if (b > sc->maxb) sc->maxb = b;
    }
    for (size_t k = 0; k < m; k++) {
        uint32_t e = sc->entry[k];
        if (!e) continue;
        const ozk_g1 *pt = &ctx->points[ctx->idx[lo + k] & ~SIGN_BIT];
        ozk_g1 *dst = &sc->s[sc->cnt[e & ~SIGN_BIT]++];
        dst->x = pt->x;
        if (e & SIGN_BIT)
            ozk_fp_neg(&dst->y, &pt->y);
        else
            dst->y = pt->y;
    }
    for (uint32_t g = 0; g < ng; g++) sc->cnt[sc->bk[g]] = 0;
    sum_groups(sc, ng);
}

/* Jacobian mode (tasks of fewer than AFFINE_MIN points): adds [digit of window w] P for the
 * active entries lo .. hi - 1 into the buckets, one mixed addition each. */
static void accumulate_jacobian(const struct msm_ctx *ctx, struct scratch *sc, unsigned w,
                                size_t lo, size_t hi)
{
    for (size_t k = lo; k < hi; k++) {
        int32_t d = booth_digit(ctx->mag + k * ctx->words, ctx->words, w, ctx->c);
        if (d == 0) continue;
        uint32_t b = (uint32_t)(d < 0 ? -d : d);
        ozk_g1 pt = ctx->points[ctx->idx[k] & ~SIGN_BIT];
        if (((ctx->idx[k] & SIGN_BIT) != 0) != (d < 0)) ozk_fp_neg(&pt.y, &pt.y);
        if (sc->full[b]) {
            ozk_g1_jac_add_affine(&sc->jbucket[b], &sc->jbucket[b], &pt);
        } else {
            ozk_g1_jac_from_affine(&sc->jbucket[b], &pt);
            sc->full[b] = 1;
        }
        if (b > sc->maxb) sc->maxb = b;
    }
}

/* ---- step 4: window sums ---- */

/* sum_j j B_j over the task's buckets, as sum_j (B_top + ... + B_j). */
static void bucket_sum(ozk_g1_jac *out, const struct scratch *sc)
{
    ozk_g1_jac run, total;
    ozk_g1_jac_set_infinity(&run);
    ozk_g1_jac_set_infinity(&total);
    for (uint32_t b = sc->maxb; b >= 1; b--) {
        if (sc->full[b] && sc->jbucket)
            ozk_g1_jac_add(&run, &run, &sc->jbucket[b]);
        else if (sc->full[b])
            ozk_g1_jac_add_affine(&run, &run, &sc->bucket[b]);
        if (!ozk_g1_jac_is_infinity(&run)) ozk_g1_jac_add(&total, &total, &run);
    }
    *out = total;
}

static void run_task(const struct msm_ctx *ctx, struct scratch *sc, size_t t)
{
    unsigned w = (unsigned)(t / ctx->nparts), part = (unsigned)(t % ctx->nparts);
    size_t lo = ctx->na * part / ctx->nparts, hi = ctx->na * (part + 1) / ctx->nparts;
    memset(sc->full, 0, ((size_t)1 << (ctx->c - 1)) + 1);
    sc->maxb = 0;
    if (ctx->jacobian)
        accumulate_jacobian(ctx, sc, w, lo, hi);
    else
        for (size_t k = lo; k < hi; k += ctx->chunk)
            accumulate_chunk(ctx, sc, w, k, hi - k < ctx->chunk ? hi : k + ctx->chunk);
    bucket_sum(&ctx->sums[t], sc);
}

static void task_worker(struct msm_ctx *ctx, struct scratch *sc)
{
    size_t ntasks = (size_t)ctx->nwin * ctx->nparts;
    for (;;) {
        size_t t = atomic_fetch_add(&ctx->next, 1);
        if (t >= ntasks) return;
        run_task(ctx, sc, t);
    }
}

/* ---- threads ---- */

typedef void (*worker_fn)(struct msm_ctx *ctx, struct scratch *sc);

/* One thread: its scratch, and what pthread_create needs. */
struct worker {
    struct msm_ctx *ctx;
    worker_fn fn;
    struct scratch sc;
    pthread_t th;
    int started;
};

static void *worker_main(void *arg)
{
    struct worker *wk = arg;
    wk->fn(wk->ctx, &wk->sc);
    return NULL;
}

/* Runs fn on nthreads threads, the caller's among them (as wk[0]), and waits for all. The work
 * is handed out by ctx->next, so a thread that fails to start only leaves its share to the
 * others. */
static void run_threads(struct msm_ctx *ctx, struct worker *wk, unsigned nthreads, worker_fn fn)
{
    atomic_store(&ctx->next, 0);
    for (unsigned t = 0; t < nthreads; t++) {
        wk[t].ctx = ctx;
        wk[t].fn = fn;
    }
    for (unsigned t = 1; t < nthreads; t++)
        wk[t].started = pthread_create(&wk[t].th, NULL, worker_main, &wk[t]) == 0;
    fn(ctx, &wk[0].sc);
    for (unsigned t = 1; t < nthreads; t++)
        if (wk[t].started) pthread_join(wk[t].th, NULL);
}

/* ---- the window ---- */

/* Picks c, the number of parts the points are cut into, and the bucket coordinates,
 * minimising the time of the busiest thread: ceil(W P / T) tasks, each na / P bucket additions
 * and 2^(c-1) buckets to sum. Costs are in affine bucket additions (measured on x86-64). */
static void choose_window(struct msm_ctx *ctx, unsigned nthreads)
{
    double best = -1;
    for (unsigned c = C_MIN; c <= C_MAX; c++) {
        unsigned nwin = (ctx->bits + c) / c; /* ceil((bits + 1) / c) */
        for (unsigned parts = 1; parts <= nthreads && parts <= ctx->na; parts++) {
            size_t tasks = (size_t)nwin * parts, rounds = (tasks + nthreads - 1) / nthreads;
            int jacobian = ctx->na / parts < AFFINE_MIN;
            double add = jacobian ? JAC_ADD_COST : 1,
                   bucket = jacobian ? JAC_BUCKET_COST : BUCKET_COST;
            double cost = (double)rounds *
                          (add * (double)ctx->na / parts + bucket * (double)((size_t)1 << (c - 1)));
            if (best < 0 || cost < best) {
                best = cost;
                ctx->c = c;
                ctx->nwin = nwin;
                ctx->nparts = parts;
                ctx->jacobian = jacobian;
            }
        }
    }
    size_t per_part = (ctx->na + ctx->nparts - 1) / ctx->nparts;
    size_t chunk = (size_t)1 << (ctx->c - 1);
    if (chunk < CHUNK_MIN) chunk = CHUNK_MIN;
    ctx->chunk = chunk < per_part ? chunk : per_part;
}

/* ---- the MSM ---- */

static unsigned thread_count(unsigned threads)
{
    if (threads == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        threads = cores > 0 ? (unsigned)cores : 1;
    }
    return threads < MAX_THREADS ? threads : MAX_THREADS;
}

/* The MSM of at most 2^PIECE_LOG terms (their indices fit in 31 bits). */
static int msm_piece(ozk_g1_jac *out, const ozk_g1 *points, const ozk_fr *scalars, size_t n,
                     unsigned threads)
{
    int rc = 0;
    struct msm_ctx ctx;
    struct worker *wk = NULL;
    unsigned nsc = 0, nthreads = thread_count(threads);
    memset(&ctx, 0, sizeof ctx);
    ozk_g1_jac_set_infinity(out);
    if (n == 0) return 0;

    ctx.points = points;
    ctx.scalars = scalars;
    ctx.n = n;
    ctx.nblocks = (n + PREP_BLOCK - 1) / PREP_BLOCK;
    ctx.idx = malloc(n * sizeof *ctx.idx);
    ctx.mag = malloc(4 * n * sizeof *ctx.mag);
    ctx.block_count = malloc(ctx.nblocks * sizeof *ctx.block_count);
    ctx.block_bits = malloc(ctx.nblocks * sizeof *ctx.block_bits);
    wk = calloc(nthreads, sizeof *wk);
    if (!ctx.idx || !ctx.mag || !ctx.block_count || !ctx.block_bits || !wk) {
        rc = OZK_ENOMEM;
        goto fail;
    }
    /* (r - 1) / 2: r is odd, so this is r >> 1 */
    for (int q = 0; q < 4; q++)
        ctx.half[q] = ozk_fr_modulus[q] >> 1 | (q < 3 ? ozk_fr_modulus[q + 1] << 63 : 0);

    run_threads(&ctx, wk, nthreads < ctx.nblocks ? nthreads : (unsigned)ctx.nblocks, prep_worker);
    prep_pack(&ctx);
    if (ctx.na == 0) goto fail; /* every term is zero: out = infinity */
    if (ctx.na == 1) {          /* one term: a scalar multiplication by the magnitude */
        uint64_t k[4] = { 0, 0, 0, 0 };
        memcpy(k, ctx.mag, ctx.words * sizeof k[0]);
        ozk_g1_mul_var(out, &points[ctx.idx[0] & ~SIGN_BIT], k);
        if (ctx.idx[0] & SIGN_BIT) ozk_g1_jac_neg(out, out);
        goto fail;
    }

    choose_window(&ctx, nthreads);
    size_t ntasks = (size_t)ctx.nwin * ctx.nparts;
    if (nthreads > ntasks) nthreads = (unsigned)ntasks;
    ctx.sums = malloc(ntasks * sizeof *ctx.sums);
    if (!ctx.sums) {
        rc = OZK_ENOMEM;
        goto fail;
    }
    for (; nsc < nthreads; nsc++) {
        rc = scratch_alloc(&wk[nsc].sc, ctx.c, ctx.chunk, ctx.jacobian);
        if (rc < 0) goto fail;
    }
    run_threads(&ctx, wk, nthreads, task_worker);

    /* Horner over the windows, the parts of a window in order */
    ozk_g1_jac acc;
    ozk_g1_jac_set_infinity(&acc);
    for (unsigned w = ctx.nwin; w-- > 0;) {
        if (!ozk_g1_jac_is_infinity(&acc))
            for (unsigned i = 0; i < ctx.c; i++) ozk_g1_jac_dbl(&acc, &acc);
        for (unsigned p = 0; p < ctx.nparts; p++)
            ozk_g1_jac_add(&acc, &acc, &ctx.sums[(size_t)w * ctx.nparts + p]);
    }
    *out = acc;

fail:
    if (rc < 0) ozk_g1_jac_set_infinity(out);
    for (unsigned t = 0; t < nsc; t++) scratch_free(&wk[t].sc);
    free(wk);
    free(ctx.sums);
    free(ctx.idx);
    free(ctx.mag);
    free(ctx.block_count);
    free(ctx.block_bits);
    return rc;
}

int ozk_g1_msm(ozk_g1_jac *out, const ozk_g1 *points, const ozk_fr *scalars, size_t n,
               unsigned threads)
{
    const size_t piece = (size_t)1 << PIECE_LOG;
    if (n <= piece) return msm_piece(out, points, scalars, n, threads);
    ozk_g1_jac acc, part;
    ozk_g1_jac_set_infinity(&acc);
    for (size_t lo = 0; lo < n; lo += piece) {
        int rc =
            msm_piece(&part, points + lo, scalars + lo, n - lo < piece ? n - lo : piece, threads);
        if (rc < 0) {
            ozk_g1_jac_set_infinity(out);
            return rc;
        }
        ozk_g1_jac_add(&acc, &acc, &part);
    }
    *out = acc;
    return 0;
}
