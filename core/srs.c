/*
 * core/srs.c: the structured reference string of ozk/srs.h: its id, the insecure dev SRS, the
 * randomised consistency check of the powers, and the file format.
 *
 * Pure: memory in, memory out. Reading a ceremony file and writing the SRS file is
 * cli/cmd_setup.c's job.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ozk/error.h"
#include "ozk/hex.h"
#include "ozk/keccak.h"
#include "ozk/msm.h"
#include "ozk/pairing.h"
#include "ozk/srs.h"

static const uint8_t MAGIC[8] = { 'O', 'Z', 'K', 'S', 'R', 'S', 0, 1 };

#define CHECKSUM_BYTES 32
/* header + checksum: the size of a file with no G1 powers, the smallest a decoder can read */
#define MIN_FILE_BYTES (OZK_SRS_HEADER_BYTES + CHECKSUM_BYTES)

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void ozk_srs_compute_id(uint8_t id[32], const ozk_srs *srs)
{
    static const char DOMAIN[] = "ozk-srs-v1";
    uint8_t buf[sizeof DOMAIN - 1 + 1 + 4 + 2 * OZK_G2_BYTES], *p = buf;
    memcpy(p, DOMAIN, sizeof DOMAIN - 1);
    p += sizeof DOMAIN - 1;
    *p++ = srs->insecure ? 1 : 0;
    put_be32(p, srs->log_size);
    p += 4;
    ozk_g2_to_bytes(p, &srs->g2[0]);
    ozk_g2_to_bytes(p + OZK_G2_BYTES, &srs->g2[1]);
    ozk_keccak256(id, buf, sizeof buf);
}

void ozk_srs_free(ozk_srs *srs)
{
    free(srs->g1);
    srs->g1 = NULL;
    srs->n = 0;
}

/* ---- the dev SRS: [tau^i] G for all i < n with a fixed-base table ----------------------------
 *
 * Fixed-base windowed exponentiation (Brickell, Gordon, McCurley and Wilson, "Fast
 * exponentiation with precomputation", EUROCRYPT 1992; the fixed-window method of Guide to
 * Elliptic Curve Cryptography, section 3.3.1): split a scalar into w-bit digits d_j, precompute
 * T_j[d] = [d 2^(w j)] G for every nonzero digit, then [k] G = sum_j T_j[d_j]: at most
 * ceil(254 / w) additions per scalar and no doubling. The table costs ceil(254 / w) 2^w
 * additions once, so w grows with the number of scalars (16 at 2^20).
 *
 * Every addition is affine, DEV_CHUNK at a time with one shared inversion (Montgomery's trick):
 * about 5M + 1S a point instead of 7M + 4S for a mixed Jacobian addition, and the results are
 * affine already. The scalars are split over one thread per online core. */

#define FB_SCALAR_BITS  254 /* scalars are below r < 2^254 */
#define FB_MAX_W        16  /* a table of 16 x 2^16 points, 64 MiB */
#define DEV_CHUNK       1024
#define DEV_MIN_SHARE   4096 /* fewer scalars than this a thread are not worth a thread */
#define DEV_MAX_THREADS 64

typedef struct {
    unsigned w, nwin;
    size_t row;  /* 2^w - 1 entries per window */
    ozk_g1 *tab; /* tab[j row + d - 1] = [d 2^(w j)] G */
} fixed_base;

/* Scratch of one batch of affine additions. */
typedef struct {
    ozk_fp *den, *inv;
    ozk_g1 **out;
    const ozk_g1 **a, **b;
} batch;

static int batch_init(batch *bt, size_t m)
{
    bt->den = malloc(m * sizeof *bt->den);
    bt->inv = malloc(m * sizeof *bt->inv);
    bt->out = malloc(m * sizeof *bt->out);
    bt->a = malloc(m * sizeof *bt->a);
    bt->b = malloc(m * sizeof *bt->b);
    return bt->den && bt->inv && bt->out && bt->a && bt->b ? 0 : OZK_ENOMEM;
}

static void batch_free(batch *bt)
{
    free(bt->den);
    free(bt->inv);
    free(bt->out);
    free((void *)bt->a);
    free((void *)bt->b);
}

/* *out[i] = *a[i] + *b[i] for i < m, affine. out[i] may be a[i], but no out[i] may be another
 * pair's input. Affine addition (Guide to ECC, section 3.1.2): lambda = (y2 - y1) / (x2 - x1),
 * x3 = lambda^2 - x1 - x2, y3 = lambda (x1 - x3) - y1, with the m inversions batched. A point at
 * infinity is the identity; pairs with equal x (a doubling, opposite points) take the general
 * Jacobian path with its own inversion, which the fixed-base method meets once per table level
 * (and, for scalars below r, never while accumulating). */
static void batch_add(batch *bt, size_t m)
{
    for (size_t i = 0; i < m; i++) {
        const ozk_g1 *a = bt->a[i], *b = bt->b[i];
        ozk_fp_sub(&bt->den[i], &b->x, &a->x); /* x2 - x1 */
        if (ozk_g1_is_infinity(a) || ozk_g1_is_infinity(b)) {
            *bt->out[i] = ozk_g1_is_infinity(a) ? *b : *a;
            ozk_fp_set_zero(&bt->den[i]);
        } else if (ozk_fp_is_zero(&bt->den[i])) {
            ozk_g1_jac j;
            ozk_g1_jac_from_affine(&j, a);
            ozk_g1_jac_add_affine(&j, &j, b);
            ozk_g1_jac_to_affine(bt->out[i], &j);
            ozk_fp_set_zero(&bt->den[i]); /* done: skipped below */
        }
    }
    ozk_fp_batch_inv(bt->inv, bt->den, m); /* zeros map to zero */
    for (size_t i = 0; i < m; i++) {
        if (ozk_fp_is_zero(&bt->den[i])) continue;
        const ozk_g1 *a = bt->a[i], *b = bt->b[i];
        ozk_fp l, t, x3;
        ozk_fp_sub(&l, &b->y, &a->y);
        ozk_fp_mul(&l, &l, &bt->inv[i]); /* lambda = (y2 - y1) / (x2 - x1) */
        ozk_fp_sqr(&x3, &l);
        ozk_fp_sub(&x3, &x3, &a->x);
        ozk_fp_sub(&x3, &x3, &b->x); /* x3 = lambda^2 - x1 - x2 */
        ozk_fp_sub(&t, &a->x, &x3);
        ozk_fp_mul(&t, &t, &l);
        ozk_fp_sub(&bt->out[i]->y, &t, &a->y); /* y3 = lambda (x1 - x3) - y1 */
        bt->out[i]->x = x3;
    }
}

static unsigned fb_windows(unsigned w)
{
    return (FB_SCALAR_BITS + w - 1) / w;
}

/* The window minimising table + evaluation additions for n scalars. */
static unsigned fb_choose_w(size_t n)
{
    unsigned best = 1;
    double best_cost = 0;
    for (unsigned w = 1; w <= FB_MAX_W; w++) {
        double cost = (double)fb_windows(w) * ((double)((size_t)1 << w) + (double)n);
        if (w == 1 || cost < best_cost) best = w, best_cost = cost;
    }
    return best;
}

/* Each window's row by doubling its length: [1..s] B + [s] B = [s+1..2s] B, one batch a step. */
static int fb_init(fixed_base *fb, size_t n)
{
    batch bt;
    fb->w = fb_choose_w(n);
    fb->nwin = fb_windows(fb->w);
    fb->row = ((size_t)1 << fb->w) - 1;
    fb->tab = malloc(fb->nwin * fb->row * sizeof *fb->tab);
    int rc = batch_init(&bt, fb->row / 2 + 1);
    if (!fb->tab || rc < 0) {
        batch_free(&bt);
        free(fb->tab);
        fb->tab = NULL;
        return OZK_ENOMEM;
    }
    ozk_g1 base; /* B = [2^(w j)] G */
    ozk_g1_generator(&base);
    for (unsigned j = 0; j < fb->nwin; j++) {
        ozk_g1 *t = fb->tab + j * fb->row; /* t[d - 1] = [d] B */
        t[0] = base;
        for (size_t s = 1; s < fb->row; s *= 2) {
            size_t m = fb->row - s < s ? fb->row - s : s;
            for (size_t i = 0; i < m; i++) {
                bt.out[i] = &t[s + i];
                bt.a[i] = &t[i];
                bt.b[i] = &t[s - 1];
            }
            batch_add(&bt, m);
        }
        bt.out[0] = &base; /* the next B = [2^w - 1] B + B */
        bt.a[0] = &t[fb->row - 1];
        bt.b[0] = &t[0];
        batch_add(&bt, 1);
    }
    batch_free(&bt);
    return 0;
}

/* bits [pos, pos + w) of the 256-bit k (little-endian limbs), w <= 16 */
static unsigned fb_digit(const uint64_t k[4], unsigned pos, unsigned w)
{
    unsigned limb = pos / 64, off = pos % 64;
    uint64_t v = k[limb] >> off;
    if (off + w > 64 && limb + 1 < 4) v |= k[limb + 1] << (64 - off);
    return (unsigned)(v & (((uint64_t)1 << w) - 1));
}

typedef struct {
    const fixed_base *fb;
    ozk_g1 *out; /* the powers [tau^i]_1 for begin <= i < end */
    ozk_fr tau;
    size_t begin, end;
    int rc;
} dev_job;

static void *dev_worker(void *arg)
{
    dev_job *job = arg;
    const fixed_base *fb = job->fb;
    batch bt;
    uint64_t(*k)[4] = malloc(DEV_CHUNK * sizeof *k);
    job->rc = batch_init(&bt, DEV_CHUNK);
    if (!k) job->rc = OZK_ENOMEM;
    if (job->rc == 0) {
        ozk_fr pw; /* tau^i */
        ozk_fr_pow_u64(&pw, &job->tau, job->begin);
        for (size_t i = job->begin; i < job->end; i += DEV_CHUNK) {
            size_t m = job->end - i < DEV_CHUNK ? job->end - i : DEV_CHUNK;
            ozk_g1 *acc = job->out + i;
            for (size_t t = 0; t < m; t++) {
                ozk_fr_to_limbs(k[t], &pw);
                ozk_fr_mul(&pw, &pw, &job->tau);
                ozk_g1_set_infinity(&acc[t]);
            }
            /* acc_t += T_j[d_tj], window by window, the chunk's additions in one batch */
            for (unsigned j = 0; j < fb->nwin; j++) {
                size_t cnt = 0;
                for (size_t t = 0; t < m; t++) {
                    unsigned d = fb_digit(k[t], j * fb->w, fb->w);
                    if (!d) continue;
                    bt.out[cnt] = &acc[t];
                    bt.a[cnt] = &acc[t];
                    bt.b[cnt] = &fb->tab[j * fb->row + d - 1];
                    cnt++;
                }
                batch_add(&bt, cnt);
            }
        }
    }
    batch_free(&bt);
    free(k);
    return NULL;
}

static unsigned online_cores(void)
{
    long c = sysconf(_SC_NPROCESSORS_ONLN);
    return c < 1 ? 1 : c > DEV_MAX_THREADS ? DEV_MAX_THREADS : (unsigned)c;
}

int ozk_srs_dev(ozk_srs *out, uint32_t log_size, uint64_t seed)
{
    static const char DOMAIN[] = "ozk-dev-srs";
    int rc = 0;
    fixed_base fb = { 0 };
    memset(out, 0, sizeof *out);
    if (log_size > OZK_SRS_MAX_LOG_SIZE) return OZK_EINVAL;
    size_t n = (size_t)1 << log_size;
    if (n > SIZE_MAX / sizeof *out->g1) return OZK_ENOMEM;

    /* tau = keccak256("ozk-dev-srs" || seed, 8 bytes big-endian) mod r */
    uint8_t buf[sizeof DOMAIN - 1 + 8], h[32];
    memcpy(buf, DOMAIN, sizeof DOMAIN - 1);
    for (int i = 0; i < 8; i++) buf[sizeof DOMAIN - 1 + i] = (uint8_t)(seed >> (56 - 8 * i));
    ozk_keccak256(h, buf, sizeof buf);
    ozk_fr tau;
    ozk_fr_from_bytes_reduce(&tau, h);

    out->g1 = malloc(n * sizeof *out->g1);
    if (!out->g1) {
        rc = OZK_ENOMEM;
        goto fail;
    }
    OZK_TRY(fb_init(&fb, n));

    /* [tau^i]_1 for i < n, in equal shares over the threads (the caller's is share 0) */
    unsigned nth = online_cores();
    if (nth > n / DEV_MIN_SHARE) nth = n / DEV_MIN_SHARE ? (unsigned)(n / DEV_MIN_SHARE) : 1;
    dev_job jobs[DEV_MAX_THREADS];
    pthread_t th[DEV_MAX_THREADS];
    int started[DEV_MAX_THREADS] = { 0 };
    for (unsigned t = 0; t < nth; t++)
        jobs[t] = (dev_job){ &fb, out->g1, tau, n * t / nth, n * (t + 1) / nth, 0 };
    for (unsigned t = 1; t < nth; t++)
        started[t] = pthread_create(&th[t], NULL, dev_worker, &jobs[t]) == 0;
    dev_worker(&jobs[0]);
    for (unsigned t = 1; t < nth; t++) {
        if (started[t])
            pthread_join(th[t], NULL);
        else
            dev_worker(&jobs[t]); /* no thread: do its share here */
    }
    for (unsigned t = 0; t < nth; t++) OZK_TRY(jobs[t].rc);

    /* [1]_2, [tau]_2 */
    ozk_g2_jac t2;
    uint64_t k[4];
    ozk_g2_generator(&out->g2[0]);
    ozk_fr_to_limbs(k, &tau);
    ozk_g2_mul_var(&t2, &out->g2[0], k);
    ozk_g2_jac_to_affine(&out->g2[1], &t2);

    out->log_size = log_size;
    out->n = n;
    out->insecure = 1;
    memset(out->source_hash, 0, sizeof out->source_hash);
    ozk_srs_compute_id(out->id, out);
fail:
    free(fb.tab);
    if (rc < 0) ozk_srs_free(out);
    return rc;
}

/* ---- the consistency check ------------------------------------------------------------------ */

/* rho = keccak256("ozk-srs-check-v1" || log_size || [1]_2 || [tau]_2 || every [tau^i]_1) mod r:
 * a Fiat-Shamir challenge, so whoever made the points cannot choose them to cancel in the random
 * combination. */
static void check_rho(ozk_fr *rho, const ozk_srs *srs)
{
    static const char DOMAIN[] = "ozk-srs-check-v1";
    ozk_keccak256_ctx ctx;
    uint8_t buf[64 * OZK_G1_BYTES], h[32];
    ozk_keccak256_init(&ctx);
    ozk_keccak256_update(&ctx, DOMAIN, sizeof DOMAIN - 1);
    put_be32(buf, srs->log_size);
    ozk_keccak256_update(&ctx, buf, 4);
    ozk_g2_to_bytes(buf, &srs->g2[0]);
    ozk_g2_to_bytes(buf + OZK_G2_BYTES, &srs->g2[1]);
    ozk_keccak256_update(&ctx, buf, 2 * OZK_G2_BYTES);
    for (size_t i = 0; i < srs->n; i += 64) {
        size_t m = srs->n - i < 64 ? srs->n - i : 64;
        for (size_t t = 0; t < m; t++) ozk_g1_to_bytes(buf + t * OZK_G1_BYTES, &srs->g1[i + t]);
        ozk_keccak256_update(&ctx, buf, m * OZK_G1_BYTES);
    }
    ozk_keccak256_final(&ctx, h);
    ozk_fr_from_bytes_reduce(rho, h);
}

int ozk_srs_check_powers(const ozk_srs *srs)
{
    /* Source: the "same ratio" check of powers-of-tau ceremonies (Bowe, Gabizon and Miers,
     * eprint 2017/1050, section 3), batched with random powers of rho as snarkjs' verifier
     * batches its sections. */
    if (!srs->g1 || srs->log_size > OZK_SRS_MAX_LOG_SIZE || srs->n != (size_t)1 << srs->log_size)
        return 0;
    ozk_g1 g1gen;
    ozk_g2 g2gen;
    ozk_g1_generator(&g1gen);
    ozk_g2_generator(&g2gen);
    /* fixed points: [1]_1 = G1, [1]_2 = G2; tau != 0 ([tau]_2 != O) and tau != 1 */
    if (!ozk_g1_eq(&srs->g1[0], &g1gen) || !ozk_g2_eq(&srs->g2[0], &g2gen)) return 0;
    const ozk_g2 *tau2 = &srs->g2[1];
    if (!ozk_g2_is_on_curve(tau2) || ozk_g2_is_infinity(tau2) || !ozk_g2_is_in_subgroup(tau2) ||
        ozk_g2_eq(tau2, &g2gen))
        return 0;
    if (srs->n == 1) return 1; /* no G1 power beyond [1]_1 to check */
    if (ozk_g1_is_infinity(&srs->g1[1]) || ozk_g1_eq(&srs->g1[1], &g1gen)) return 0;
    /* the pairing needs valid group elements (G1 has cofactor 1: on the curve is enough) */
    for (size_t i = 0; i < srs->n; i++)
        if (!ozk_g1_is_on_curve(&srs->g1[i])) return 0;

    size_t m = srs->n - 1;
    ozk_fr *s = malloc(m * sizeof *s);
    if (!s) return OZK_ENOMEM;
    ozk_fr rho;
    check_rho(&rho, srs);
    ozk_fr_set_one(&s[0]); /* s_k = rho^k */
    for (size_t k = 1; k < m; k++) ozk_fr_mul(&s[k], &s[k - 1], &rho);

    ozk_g1_jac aj, bj;
    int rc = ozk_g1_msm(&aj, srs->g1, s, m, 0);              /* A = sum_k rho^k [tau^k]_1 */
    if (rc == 0) rc = ozk_g1_msm(&bj, srs->g1 + 1, s, m, 0); /* B = sum_k rho^k [tau^(k+1)]_1 */
    free(s);
    if (rc < 0) return rc;

    /* e(A, [tau]_2) = e(B, [1]_2)  <=>  e(A, [tau]_2) e(-B, [1]_2) = 1 */
    ozk_g1 p[2];
    ozk_g2 q[2] = { *tau2, g2gen };
    ozk_g1_jac_to_affine(&p[0], &aj);
    ozk_g1_jac_neg(&bj, &bj);
    ozk_g1_jac_to_affine(&p[1], &bj);
    return ozk_pairing_check(p, q, 2);
}

/* ---- the file format ------------------------------------------------------------------------ */

size_t ozk_srs_encoded_size(const ozk_srs *srs)
{
    return OZK_SRS_HEADER_BYTES + srs->n * OZK_G1_BYTES + CHECKSUM_BYTES;
}

void ozk_srs_encode(uint8_t *out, const ozk_srs *srs)
{
    memcpy(out, MAGIC, 8);
    put_be32(out + 8, srs->insecure ? 1 : 0);
    put_be32(out + 12, srs->log_size);
    memcpy(out + 16, srs->source_hash, 32);
    ozk_srs_compute_id(out + 48, srs); /* from the points, so a stale srs->id cannot leak in */
    memset(out + 80, 0, 48);
    ozk_g2_to_bytes(out + 128, &srs->g2[0]);
    ozk_g2_to_bytes(out + 128 + OZK_G2_BYTES, &srs->g2[1]);
    uint8_t *p = out + OZK_SRS_HEADER_BYTES;
    for (size_t i = 0; i < srs->n; i++, p += OZK_G1_BYTES) ozk_g1_to_bytes(p, &srs->g1[i]);
    ozk_keccak256(p, out, (size_t)(p - out));
}

/* "0x" + 64 hex digits */
static void hex32(char out[67], const uint8_t h[32])
{
    out[0] = '0', out[1] = 'x';
    ozk_hex_encode(out + 2, h, 32);
}

#define DECODE_FAIL(...)                                       \
    do {                                                       \
        if (err && errlen) snprintf(err, errlen, __VA_ARGS__); \
        rc = OZK_EINVAL;                                       \
        goto fail;                                             \
    } while (0)

int ozk_srs_decode(ozk_srs *out, const uint8_t *in, size_t len, char *err, size_t errlen)
{
    int rc = 0;
    memset(out, 0, sizeof *out);
    if (err && errlen) err[0] = '\0';

    if (len < 8 || memcmp(in, MAGIC, 7) != 0)
        DECODE_FAIL("not an ozk SRS file: it does not start with \"OZKSRS\" (make one with "
                    "`ozk setup`)");
    if (in[7] != MAGIC[7])
        DECODE_FAIL("SRS format version %u is not supported: this ozk reads version %u; make "
                    "the file again with this ozk's `ozk setup`",
                    in[7], MAGIC[7]);
    if (len < MIN_FILE_BYTES)
        DECODE_FAIL("SRS file truncated: %zu bytes, shorter than its %d-byte header and "
                    "checksum; make it again with `ozk setup`",
                    len, MIN_FILE_BYTES);
    uint32_t flags = get_be32(in + 8), log_size = get_be32(in + 12);
    if (flags & ~(uint32_t)1)
        DECODE_FAIL("SRS header flags 0x%08x set unknown bits (only bit 0, insecure, is "
                    "defined): the file is corrupt or from a newer ozk",
                    (unsigned)flags);
    if (log_size > OZK_SRS_MAX_LOG_SIZE)
        DECODE_FAIL("SRS log_size %u exceeds the maximum %d: the file is corrupt",
                    (unsigned)log_size, OZK_SRS_MAX_LOG_SIZE);
    size_t n = (size_t)1 << log_size;
    if (n > (SIZE_MAX - MIN_FILE_BYTES) / OZK_G1_BYTES)
        DECODE_FAIL("SRS of 2^%u powers is too large for this machine's address space",
                    (unsigned)log_size);
    size_t want = OZK_SRS_HEADER_BYTES + n * OZK_G1_BYTES + CHECKSUM_BYTES;
    if (len < want)
        DECODE_FAIL("SRS file truncated: %zu bytes, but 2^%u powers need %zu; make it again "
                    "with `ozk setup`",
                    len, (unsigned)log_size, want);
    if (len > want)
        DECODE_FAIL("SRS file has %zu bytes after its checksum (2^%u powers need exactly %zu "
                    "bytes): the file is corrupt",
                    len - want, (unsigned)log_size, want);
    for (size_t i = 80; i < 128; i++)
        if (in[i] != 0)
            DECODE_FAIL("SRS header byte %zu (reserved, offsets 80-127) is not zero: the file "
                        "is corrupt or from a newer ozk",
                        i);
    uint8_t h[32];
    ozk_keccak256(h, in, want - CHECKSUM_BYTES);
    if (memcmp(h, in + want - CHECKSUM_BYTES, 32) != 0)
        DECODE_FAIL("SRS checksum mismatch: the file is corrupt; copy it again or make it again "
                    "with `ozk setup`");

    out->log_size = log_size;
    out->insecure = (int)(flags & 1);
    memcpy(out->source_hash, in + 16, 32);
    memcpy(out->id, in + 48, 32);
    static const char *const G2NAME[2] = { "[1]_2", "[tau]_2" };
    for (int i = 0; i < 2; i++)
        if (!ozk_g2_from_bytes(&out->g2[i], in + 128 + i * OZK_G2_BYTES))
            DECODE_FAIL("SRS %s (offset %d) is not an element of G2: the file is corrupt",
                        G2NAME[i], 128 + i * OZK_G2_BYTES);
    /* a degenerate key binds nothing: [1]_2 must be the generator, [tau]_2 neither infinity
     * (tau = 0) nor the generator (tau = 1) */
    ozk_g2 g2gen;
    ozk_g2_generator(&g2gen);
    if (!ozk_g2_eq(&out->g2[0], &g2gen))
        DECODE_FAIL("SRS [1]_2 (offset 128) is not the G2 generator: the file is corrupt");
    if (ozk_g2_is_infinity(&out->g2[1]) || ozk_g2_eq(&out->g2[1], &g2gen))
        DECODE_FAIL("SRS [tau]_2 (offset 256) is degenerate (tau = 0 or tau = 1): such an SRS "
                    "binds nothing; make it again with ozk setup");
    ozk_srs_compute_id(h, out);
    if (memcmp(h, out->id, 32) != 0) {
        char a[67], b[67];
        hex32(a, out->id);
        hex32(b, h);
        DECODE_FAIL("SRS id mismatch: the header says %s but the G2 elements, size and flags "
                    "give %s; the file was altered",
                    a, b);
    }
    if (out->insecure) {
        static const uint8_t ZERO[32];
        if (memcmp(out->source_hash, ZERO, 32) != 0)
            DECODE_FAIL("SRS is marked insecure (dev) but names a source ptau file: the file is "
                        "corrupt");
    }

    out->g1 = malloc(n * sizeof *out->g1);
    if (!out->g1) {
        rc = OZK_ENOMEM;
        goto fail;
    }
    const uint8_t *p = in + OZK_SRS_HEADER_BYTES;
    for (size_t i = 0; i < n; i++, p += OZK_G1_BYTES)
        if (!ozk_g1_from_bytes(&out->g1[i], p))
            DECODE_FAIL("SRS G1 power [tau^%zu]_1 (offset %zu) is not a point of G1: the file is "
                        "corrupt",
                        i, (size_t)(p - in));
    ozk_g1 g1gen;
    ozk_g1_generator(&g1gen);
    if (!ozk_g1_eq(&out->g1[0], &g1gen))
        DECODE_FAIL("SRS [tau^0]_1 (offset %d) is not the G1 generator: the file is corrupt",
                    OZK_SRS_HEADER_BYTES);
    out->n = n;
    return 0;
fail:
    ozk_srs_free(out);
    memset(out, 0, sizeof *out);
    return rc;
}
