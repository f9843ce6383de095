/*
 * cli/cmd_setup.c: `ozk setup`, the SRS of the polynomial commitment (docs/setup.md).
 *
 *   ozk setup --ptau FILE.ptau --max-vars N -o srs.bin    import a powers-of-tau ceremony
 *   ozk setup --dev --max-vars N [--seed S] -o srs.bin    an INSECURE SRS, for development
 *
 * The ptau format, as snarkjs writes it (powersoftau_new.js, powersoftau_utils.js,
 * powersoftau_preparephase2.js, and @iden3/binfileutils; checked against files snarkjs 0.7.6
 * made). All integers little-endian.
 *   "ptau", u32 version (1), u32 number of sections; then each section: u32 type, u64 size,
 *   size bytes. Types, for a file of power P (2^P powers):
 *     1   header: u32 n8 (32), q (n8 bytes), u32 P, u32 ceremony power   4 + n8 + 8 bytes
 *     2   tauG1       [tau^i]_1,          i < 2^(P+1) - 1                 G1 points
 *     3   tauG2       [tau^i]_2,          i < 2^P                         G2 points
 *     4   alphaTauG1  [alpha tau^i]_1,    i < 2^P
 *     5   betaTauG1   [beta tau^i]_1,     i < 2^P
 *     6   betaG2      [beta]_2                                            1 G2 point
 *     7   contributions: u32 count, then one record per contribution (variable size)
 *   and, once `snarkjs powersoftau prepare phase2` has run, the Lagrange forms:
 *     12  tauG1 for every domain 2^0 .. 2^(P+1):     2^(P+2) - 1 G1 points
 *     13  tauG2 for 2^0 .. 2^P                        2^(P+1) - 1 G2 points
 *     14  alphaTauG1, 15 betaTauG1 for 2^0 .. 2^P     2^(P+1) - 1 G1 points each
 *   A point is affine (x, y); a coordinate is n8 bytes little-endian in Montgomery form
 *   (a 2^256 mod p); an Fp2 coordinate is c0 then c1; the point at infinity is all zeros.
 *
 * The file is read twice, never whole: once to walk the section table (seeking over the data),
 * once sequentially in chunks to hash every byte and pick out the 2^N G1 powers and [1]_2,
 * [tau]_2 on the way. Only those end up in memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "cli.h"
#include "ozk/curve.h"
#include "ozk/error.h"
#include "ozk/hex.h"
#include "ozk/keccak.h"
#include "ozk/srs.h"

#define PTAU_N8     32
#define PTAU_G1     (2 * PTAU_N8)
#define PTAU_G2     (4 * PTAU_N8)
#define PTAU_NSEC   16 /* section types 1..15 */
#define PTAU_MAXPOW 28 /* 2^28: BN254's Fr has 2-adicity 28, snarkjs' limit for bn128 */
#define READ_CHUNK  (1 << 20)

static void setup_usage(FILE *out)
{
    fprintf(out,
            "usage: ozk setup --ptau FILE.ptau --max-vars N -o SRS\n"
            "       ozk setup --dev --max-vars N [--seed S] -o SRS\n"
            "\n"
            "Makes the structured reference string (SRS) of ozk's polynomial commitment: the\n"
            "2^N G1 powers [tau^i]_1 and [1]_2, [tau]_2, for polynomials of up to N variables.\n"
            "\n"
            "  --ptau FILE     import a snarkjs/Hermez powers-of-tau ceremony file (bn128,\n"
            "                  prepared for phase 2 or not) of at least 2^N powers, e.g.\n"
            "                  powersOfTau28_hez_final_16.ptau for N <= 16. Every point used is\n"
            "                  checked; prints the file's BLAKE2b-512 (compare it with the hash\n"
            "                  the ceremony publishes) and keccak256 (recorded in the SRS).\n"
            "  --dev           make an INSECURE SRS from a tau anyone can recompute from the\n"
            "                  seed: for tests and local development only\n"
            "  --seed S        the seed of --dev (decimal or 0x-hex, default 0)\n"
            "  --max-vars N    number of variables, 1 to %d: the SRS holds 2^N G1 powers\n"
            "  -o, --output SRS  the SRS file to write (replaced atomically)\n"
            "\n"
            "docs/setup.md explains where to get a ceremony file and what is checked.\n",
            OZK_SRS_MAX_LOG_SIZE);
}

/* ---- BLAKE2b-512 (RFC 7693), the hash ceremonies publish for their ptau files ------------- */

typedef struct {
    uint64_t h[8], t[2];
    uint8_t b[128];
    size_t c;
} blake2b_ctx;

static const uint64_t B2B_IV[8] = { 0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL,
                                    0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
                                    0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL,
                                    0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL };

static const uint8_t B2B_SIGMA[12][16] = {
    { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 },
    { 14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3 },
    { 11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4 },
    { 7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8 },
    { 9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13 },
    { 2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9 },
    { 12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11 },
    { 13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10 },
    { 6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5 },
    { 10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0 },
    { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 },
    { 14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3 },
};

static uint64_t rotr64(uint64_t x, unsigned n)
{
    return x >> n | x << (64 - n);
}

static uint64_t load_le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

static uint32_t load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* RFC 7693 section 3.1, the mixing function G */
#define B2B_G(a, b, c, d, x, y)         \
    do {                                \
        v[a] = v[a] + v[b] + (x);       \
        v[d] = rotr64(v[d] ^ v[a], 32); \
        v[c] = v[c] + v[d];             \
        v[b] = rotr64(v[b] ^ v[c], 24); \
        v[a] = v[a] + v[b] + (y);       \
        v[d] = rotr64(v[d] ^ v[a], 16); \
        v[c] = v[c] + v[d];             \
        v[b] = rotr64(v[b] ^ v[c], 63); \
    } while (0)

/* RFC 7693 section 3.2, the compression function F */
static void blake2b_compress(blake2b_ctx *ctx, int last)
{
    uint64_t v[16], m[16];
    for (int i = 0; i < 8; i++) v[i] = ctx->h[i], v[i + 8] = B2B_IV[i];
    v[12] ^= ctx->t[0]; /* the byte counter, low and high words */
    v[13] ^= ctx->t[1];
    if (last) v[14] = ~v[14];
    for (int i = 0; i < 16; i++) m[i] = load_le64(ctx->b + 8 * i);
    for (int r = 0; r < 12; r++) {
        const uint8_t *s = B2B_SIGMA[r];
        B2B_G(0, 4, 8, 12, m[s[0]], m[s[1]]);
        B2B_G(1, 5, 9, 13, m[s[2]], m[s[3]]);
        B2B_G(2, 6, 10, 14, m[s[4]], m[s[5]]);
        B2B_G(3, 7, 11, 15, m[s[6]], m[s[7]]);
        B2B_G(0, 5, 10, 15, m[s[8]], m[s[9]]);
        B2B_G(1, 6, 11, 12, m[s[10]], m[s[11]]);
        B2B_G(2, 7, 8, 13, m[s[12]], m[s[13]]);
        B2B_G(3, 4, 9, 14, m[s[14]], m[s[15]]);
    }
    for (int i = 0; i < 8; i++) ctx->h[i] ^= v[i] ^ v[i + 8];
}

static void blake2b_init(blake2b_ctx *ctx)
{
    memset(ctx, 0, sizeof *ctx);
    memcpy(ctx->h, B2B_IV, sizeof ctx->h);
    ctx->h[0] ^= 0x01010000ULL ^ 64; /* parameter block: fanout 1, depth 1, no key, 64 bytes */
}

static void blake2b_update(blake2b_ctx *ctx, const uint8_t *in, size_t len)
{
    while (len > 0) {
        if (ctx->c == 128) { /* a full block that is not the last: compress it */
            ctx->t[0] += 128;
            if (ctx->t[0] < 128) ctx->t[1]++;
            blake2b_compress(ctx, 0);
            ctx->c = 0;
        }
        size_t take = 128 - ctx->c < len ? 128 - ctx->c : len;
        memcpy(ctx->b + ctx->c, in, take);
        ctx->c += take, in += take, len -= take;
    }
}

static void blake2b_final(blake2b_ctx *ctx, uint8_t out[64])
{
    ctx->t[0] += ctx->c;
    if (ctx->t[0] < ctx->c) ctx->t[1]++;
    memset(ctx->b + ctx->c, 0, 128 - ctx->c);
    blake2b_compress(ctx, 1);
    for (int i = 0; i < 64; i++) out[i] = (uint8_t)(ctx->h[i / 8] >> (8 * (i % 8)));
}

/* ---- small helpers -------------------------------------------------------------------------- */

/* A decimal (or 0x-hex when hex_ok) unsigned integer, nothing else. */
static int parse_u64(uint64_t *out, const char *s, int hex_ok)
{
    int base = 10;
    if (hex_ok && (s[0] == '0') && (s[1] == 'x' || s[1] == 'X')) base = 16, s += 2;
    if (!*s) return 0;
    for (const char *p = s; *p; p++)
        if (!(base == 16
                  ? (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F')
                  : (*p >= '0' && *p <= '9')))
            return 0;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, base);
    if (errno || *end) return 0;
    *out = v;
    return 1;
}

static void print_hex(FILE *f, const char *prefix, const uint8_t *h, size_t n)
{
    char hex[2 * 64 + 1];
    ozk_hex_encode(hex, h, n);
    fprintf(f, "%s%s", prefix, hex);
}

/* Progress on long work: a percentage that rewrites itself when stderr is a terminal; nothing
 * otherwise (logs and tests get the phase lines only). */
typedef struct {
    int tty, last;
    const char *what;
} progress;

static void progress_start(progress *p, const char *what)
{
    p->tty = isatty(STDERR_FILENO);
    p->last = -1;
    p->what = what;
}

static void progress_update(progress *p, uint64_t done, uint64_t total)
{
    if (!p->tty || total == 0) return;
    int pct = (int)(done * 100 / total);
    if (pct == p->last) return;
    p->last = pct;
    fprintf(stderr, "\rozk setup: %s: %3d%%", p->what, pct);
    if (pct == 100) fputc('\n', stderr);
    fflush(stderr);
}

/* ---- writing the SRS file: a temporary file next to it, fsync, rename ------------------------ */

typedef struct {
    char *path, *tmp;
    int fd;
} outfile;

/* Creates the temporary file first, so that an unwritable -o fails before any long work. */
static int out_open(outfile *o, const char *path)
{
    o->path = NULL;
    o->fd = -1;
    size_t len = strlen(path) + 64;
    o->tmp = malloc(len);
    if (!o->tmp) {
        fprintf(stderr, "ozk setup: out of memory\n");
        return CLI_FAIL;
    }
    snprintf(o->tmp, len, "%s.tmp.%ld", path, (long)getpid());
    o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
    if (o->fd < 0) {
        int e = errno;
        fprintf(stderr, "ozk setup: cannot create the output '%s' (temporary '%s'): %s%s\n", path,
                o->tmp, strerror(e),
                e == ENOENT ? "; create its directory first, or pass another -o" : "");
        free(o->tmp);
        o->tmp = NULL;
        return CLI_FAIL;
    }
    o->path = malloc(strlen(path) + 1);
    if (!o->path) {
        close(o->fd);
        unlink(o->tmp);
        free(o->tmp);
        fprintf(stderr, "ozk setup: out of memory\n");
        return CLI_FAIL;
    }
    strcpy(o->path, path);
    return CLI_OK;
}

static void out_abort(outfile *o)
{
    if (o->fd >= 0) close(o->fd);
    if (o->tmp) unlink(o->tmp);
    free(o->tmp);
    free(o->path);
    o->fd = -1, o->tmp = o->path = NULL;
}

static int out_commit(outfile *o, const uint8_t *data, size_t len)
{
    const char *step = "write";
    for (size_t done = 0; done < len;) {
        ssize_t w = write(o->fd, data + done, len - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) goto fail;
        done += (size_t)w;
    }
    step = "fsync";
    if (fsync(o->fd) != 0) goto fail;
    step = "close";
    int fd = o->fd;
    o->fd = -1;
    if (close(fd) != 0) goto fail;
    step = "rename";
    if (rename(o->tmp, o->path) != 0) goto fail;
    /* make the rename itself durable: fsync the directory (best effort) */
    char *dir = malloc(strlen(o->path) + 2);
    if (dir) {
        strcpy(dir, o->path);
        char *slash = strrchr(dir, '/');
        if (!slash)
            strcpy(dir, ".");
        else if (slash == dir)
            dir[1] = '\0';
        else
            *slash = '\0';
        int dfd = open(dir, O_RDONLY);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
        free(dir);
    }
    free(o->tmp);
    free(o->path);
    o->tmp = o->path = NULL;
    return CLI_OK;
fail:
    fprintf(stderr, "ozk setup: cannot write '%s' (%s failed: %s); nothing was written\n", o->path,
            step, strerror(errno));
    out_abort(o);
    return CLI_FAIL;
}

static int write_srs(outfile *o, ozk_srs *srs)
{
    size_t len = ozk_srs_encoded_size(srs);
    uint8_t *buf = malloc(len);
    if (!buf) {
        fprintf(stderr, "ozk setup: out of memory encoding %zu bytes of SRS\n", len);
        out_abort(o);
        return CLI_FAIL;
    }
    ozk_srs_encode(buf, srs);
    ozk_srs_free(srs); /* the points now live in buf: do not hold both while writing */
    int rc = out_commit(o, buf, len);
    free(buf);
    return rc;
}

static void print_srs_summary(const ozk_srs *srs, const char *path)
{
    printf("srs: %s: 2^%u G1 powers, %zu bytes%s\n", path, (unsigned)srs->log_size,
           ozk_srs_encoded_size(srs), srs->insecure ? ", INSECURE (dev)" : "");
    print_hex(stdout, "srs id: 0x", srs->id, 32);
    printf("%s\n", srs->insecure ? " (INSECURE dev SRS)" : "");
}

/* ---- --dev ---------------------------------------------------------------------------------- */

static int setup_dev(uint32_t nvars, uint64_t seed, const char *out_path)
{
    outfile o;
    if (out_open(&o, out_path) != CLI_OK) return CLI_FAIL;
    fprintf(stderr,
            "ozk setup: WARNING: this SRS is INSECURE: tau comes from the public seed %" PRIu64
            ", so anyone can forge proofs against it. Use it for tests and local development "
            "only; import a ceremony with --ptau for anything else.\n",
            seed);
    ozk_srs srs;
    int rc = ozk_srs_dev(&srs, nvars, seed);
    if (rc < 0) {
        fprintf(stderr, "ozk setup: cannot make the dev SRS of 2^%u powers: %s\n", (unsigned)nvars,
                ozk_strerror(rc));
        out_abort(&o);
        return CLI_FAIL;
    }
    ozk_srs meta = srs; /* the summary after the points are freed */
    meta.g1 = NULL;
    rc = write_srs(&o, &srs);
    if (rc != CLI_OK) return rc;
    print_srs_summary(&meta, out_path);
    return CLI_OK;
}

/* ---- --ptau --------------------------------------------------------------------------------- */

static const char *const SECTION_NAME[PTAU_NSEC] = {
    [1] = "header",
    [2] = "tauG1",
    [3] = "tauG2",
    [4] = "alphaTauG1",
    [5] = "betaTauG1",
    [6] = "betaG2",
    [7] = "contributions",
    [12] = "Lagrange tauG1",
    [13] = "Lagrange tauG2",
    [14] = "Lagrange alphaTauG1",
    [15] = "Lagrange betaTauG1",
};

typedef struct {
    const char *name;
    FILE *f;
    uint64_t size;
    struct {
        uint64_t off, size; /* the section's data, after its 12-byte header */
        int count;
    } sec[PTAU_NSEC];
    uint32_t nsections, power, ceremony_power, contributions;
} ptau;

static int read_at(ptau *pt, uint64_t off, void *buf, size_t len)
{
    if (fseeko(pt->f, (off_t)off, SEEK_SET) != 0 || fread(buf, 1, len, pt->f) != len) {
        fprintf(stderr, "ozk setup: cannot read '%s' at byte %" PRIu64 ": %s\n", pt->name, off,
                ferror(pt->f) ? strerror(errno) : "unexpected end of file");
        return CLI_FAIL;
    }
    return CLI_OK;
}

/* The expected size of each known section, for a file of power P (0 for variable). */
static uint64_t section_size(unsigned type, uint32_t p)
{
    uint64_t n = (uint64_t)1 << p;
    switch (type) {
    case 1:
        return 4 + PTAU_N8 + 8;
    case 2:
        return (2 * n - 1) * PTAU_G1;
    case 3:
        return n * PTAU_G2;
    case 4:
    case 5:
        return n * PTAU_G1;
    case 6:
        return PTAU_G2;
    case 12:
        return (4 * n - 1) * PTAU_G1;
    case 13:
        return (2 * n - 1) * PTAU_G2;
    case 14:
    case 15:
        return (2 * n - 1) * PTAU_G1;
    default:
        return 0;
    }
}

/* BN254's p, little-endian, as the ptau header stores it */
static const uint8_t BN254_P_LE[32] = {
    0x47, 0xfd, 0x7c, 0xd8, 0x16, 0x8c, 0x20, 0x3c, 0x8d, 0xca, 0x71, 0x68, 0x91, 0x6a, 0x81, 0x97,
    0x5d, 0x58, 0x81, 0x81, 0xb6, 0x45, 0x50, 0xb8, 0x29, 0xa0, 0x31, 0xe1, 0x72, 0x4e, 0x64, 0x30,
};

static void hermez_name(char *out, size_t len, uint32_t nvars)
{
    if (nvars >= 28)
        snprintf(out, len, "powersOfTau28_hez_final.ptau");
    else
        snprintf(out, len, "powersOfTau28_hez_final_%02u.ptau", (unsigned)(nvars < 8 ? 8 : nvars));
}

/* Walks the section table and checks the header and every section's size. */
static int ptau_layout(ptau *pt, uint32_t nvars)
{
    uint8_t b[64];
    const char *nm = pt->name;
    if (pt->size < 12) {
        fprintf(stderr,
                "ozk setup: '%s' is %" PRIu64 " bytes, too short for a ptau file (12-byte header "
                "\"ptau\", version, section count); is it the file you meant?\n",
                nm, pt->size);
        return CLI_FAIL;
    }
    if (read_at(pt, 0, b, 12) != CLI_OK) return CLI_FAIL;
    if (memcmp(b, "ptau", 4) != 0) {
        fprintf(stderr,
                "ozk setup: '%s' is not a ptau file: it does not start with \"ptau\" (expected a "
                "snarkjs/Hermez powers-of-tau file)\n",
                nm);
        return CLI_FAIL;
    }
    uint32_t version = load_le32(b + 4);
    if (version != 1) {
        fprintf(stderr,
                "ozk setup: '%s' is ptau format version %u; ozk reads version 1 (what snarkjs "
                "writes)\n",
                nm, (unsigned)version);
        return CLI_FAIL;
    }
    pt->nsections = load_le32(b + 8);

    uint64_t pos = 12;
    for (uint32_t i = 0; i < pt->nsections; i++) {
        if (pt->size - pos < 12) {
            fprintf(stderr,
                    "ozk setup: '%s' is truncated: its table lists %u sections but the file ends "
                    "after %u (at byte %" PRIu64 "); download it again\n",
                    nm, (unsigned)pt->nsections, (unsigned)i, pos);
            return CLI_FAIL;
        }
        if (read_at(pt, pos, b, 12) != CLI_OK) return CLI_FAIL;
        uint32_t type = load_le32(b);
        uint64_t size = load_le64(b + 4);
        if (type >= PTAU_NSEC || !SECTION_NAME[type]) {
            fprintf(stderr,
                    "ozk setup: '%s': unknown section type %u at byte %" PRIu64 " (a ptau file "
                    "has types 1-7 and, once prepared, 12-15): the file is corrupt\n",
                    nm, (unsigned)type, pos);
            return CLI_FAIL;
        }
        if (size > pt->size - pos - 12) {
            fprintf(stderr,
                    "ozk setup: '%s' is truncated: section %u (%s) at byte %" PRIu64
                    " declares %" PRIu64 " bytes but only %" PRIu64
                    " remain; download the file again\n",
                    nm, (unsigned)type, SECTION_NAME[type], pos, size, pt->size - pos - 12);
            return CLI_FAIL;
        }
        if (pt->sec[type].count++) {
            fprintf(stderr, "ozk setup: '%s' has two sections %u (%s): the file is corrupt\n", nm,
                    (unsigned)type, SECTION_NAME[type]);
            return CLI_FAIL;
        }
        pt->sec[type].off = pos + 12;
        pt->sec[type].size = size;
        pos += 12 + size;
    }
    if (pos != pt->size) {
        fprintf(stderr,
                "ozk setup: '%s' has %" PRIu64 " bytes after its last section (byte %" PRIu64
                "): the file is corrupt\n",
                nm, pt->size - pos, pos);
        return CLI_FAIL;
    }
    for (unsigned t = 1; t <= 7; t++) {
        if (!pt->sec[t].count) {
            fprintf(stderr,
                    "ozk setup: '%s' has no section %u (%s): not a complete ptau file; download "
                    "it again\n",
                    nm, t, SECTION_NAME[t]);
            return CLI_FAIL;
        }
    }

    /* section 1: n8, q, power, ceremony power */
    if (pt->sec[1].size < 4 || read_at(pt, pt->sec[1].off, b, 4) != CLI_OK) {
        fprintf(stderr, "ozk setup: '%s': the header section (1) is %" PRIu64 " bytes, too short\n",
                nm, pt->sec[1].size);
        return CLI_FAIL;
    }
    uint32_t n8 = load_le32(b);
    if (n8 != PTAU_N8) {
        fprintf(stderr,
                "ozk setup: '%s' is for a curve with %u-byte field elements (48 is BLS12-381), "
                "not BN254 (bn128, 32 bytes): ozk needs a bn128 ceremony file\n",
                nm, (unsigned)n8);
        return CLI_FAIL;
    }
    if (pt->sec[1].size != section_size(1, 0)) {
        fprintf(stderr,
                "ozk setup: '%s': the header section (1) is %" PRIu64 " bytes; expected %" PRIu64
                " (n8, q, power, ceremony power): the file is corrupt\n",
                nm, pt->sec[1].size, section_size(1, 0));
        return CLI_FAIL;
    }
    if (read_at(pt, pt->sec[1].off + 4, b, PTAU_N8 + 8) != CLI_OK) return CLI_FAIL;
    if (memcmp(b, BN254_P_LE, 32) != 0) {
        fprintf(stderr,
                "ozk setup: '%s' is for another curve: its prime q is not BN254's p "
                "(0x30644e72...d87cfd47); ozk needs a bn128 ceremony file\n",
                nm);
        return CLI_FAIL;
    }
    pt->power = load_le32(b + 32);
    pt->ceremony_power = load_le32(b + 36);
    /* the ceremony power (that of the file this one was truncated from) is only reported */
    if (pt->power > PTAU_MAXPOW) {
        fprintf(stderr,
                "ozk setup: '%s': the header says power %u, above bn128's maximum %d: the file is "
                "corrupt\n",
                nm, (unsigned)pt->power, PTAU_MAXPOW);
        return CLI_FAIL;
    }
    for (unsigned t = 2; t < PTAU_NSEC; t++) {
        uint64_t want = section_size(t, pt->power);
        if (!pt->sec[t].count || !want || pt->sec[t].size == want) continue;
        fprintf(stderr,
                "ozk setup: '%s': section %u (%s) is %" PRIu64 " bytes; a file of 2^%u powers "
                "has %" PRIu64 ": the file is corrupt or truncated\n",
                nm, t, SECTION_NAME[t], pt->sec[t].size, (unsigned)pt->power, want);
        return CLI_FAIL;
    }
    if (pt->sec[7].size < 4 || read_at(pt, pt->sec[7].off, b, 4) != CLI_OK) {
        fprintf(stderr,
                "ozk setup: '%s': the contributions section (7) is %" PRIu64
                " bytes, too short for its count: the file is corrupt\n",
                nm, pt->sec[7].size);
        return CLI_FAIL;
    }
    pt->contributions = load_le32(b);

    if (pt->power < nvars) {
        char hz[64];
        hermez_name(hz, sizeof hz, nvars);
        fprintf(stderr,
                "ozk setup: '%s' has 2^%u powers; --max-vars %u needs a ceremony file of at least "
                "2^%u powers, e.g. the Hermez %s (docs/setup.md)\n",
                nm, (unsigned)pt->power, (unsigned)nvars, (unsigned)nvars, hz);
        return CLI_FAIL;
    }
    return CLI_OK;
}

/* Pulls fixed-size elements of one byte range out of the sequential stream. */
typedef struct {
    uint64_t start, end; /* the range in the file */
    size_t esize, have;
    size_t index;
    uint8_t part[PTAU_G2];
} extractor;

typedef int (*element_fn)(void *ctx, size_t index, const uint8_t *raw);

static int extract(extractor *x, uint64_t off, const uint8_t *buf, size_t len, element_fn fn,
                   void *ctx)
{
    uint64_t lo = off > x->start ? off : x->start, hi = off + len < x->end ? off + len : x->end;
    while (lo < hi) {
        size_t take = x->esize - x->have;
        if (take > hi - lo) take = (size_t)(hi - lo);
        memcpy(x->part + x->have, buf + (lo - off), take);
        x->have += take, lo += take;
        if (x->have == x->esize) {
            if (fn(ctx, x->index, x->part) != CLI_OK) return CLI_FAIL;
            x->index++, x->have = 0;
        }
    }
    return CLI_OK;
}

typedef struct {
    ptau *pt;
    ozk_srs *srs;
    ozk_fp rinv; /* 2^-256 mod p: from the file's Montgomery form to a value */
} import_ctx;

/* A coordinate: 32 bytes little-endian holding a 2^256 mod p. 1 and out = a, or 0 if >= p. */
static int fp_from_ptau(ozk_fp *out, const uint8_t in[PTAU_N8], const ozk_fp *rinv)
{
    uint64_t v[4];
    for (int i = 0; i < 4; i++) v[i] = load_le64(in + 8 * i);
    if (!ozk_fp_from_limbs(out, v)) return 0;
    ozk_fp_mul(out, out, rinv);
    return 1;
}

static int g1_element(void *vctx, size_t i, const uint8_t *raw)
{
    import_ctx *c = vctx;
    ozk_g1 *p = &c->srs->g1[i];
    uint64_t off = c->pt->sec[2].off + (uint64_t)i * PTAU_G1;
    const char *why = NULL;
    if (!fp_from_ptau(&p->x, raw, &c->rinv) || !fp_from_ptau(&p->y, raw + PTAU_N8, &c->rinv))
        why = "has a coordinate that is not below p";
    else if (!ozk_g1_is_on_curve(p))
        why = "is not on BN254's G1 (y^2 = x^3 + 3)";
    else if (ozk_g1_is_infinity(p))
        why = "is the point at infinity (tau = 0)";
    if (!why) return CLI_OK;
    fprintf(stderr,
            "ozk setup: '%s': section 2 (tauG1): point [tau^%zu]_1 at byte %" PRIu64
            " %s: the file is corrupt; download it again and compare its hash\n",
            c->pt->name, i, off, why);
    return CLI_FAIL;
}

static int g2_element(void *vctx, size_t i, const uint8_t *raw)
{
    import_ctx *c = vctx;
    ozk_g2 *p = &c->srs->g2[i];
    uint64_t off = c->pt->sec[3].off + (uint64_t)i * PTAU_G2;
    const char *why = NULL;
    if (!fp_from_ptau(&p->x.c0, raw, &c->rinv) || !fp_from_ptau(&p->x.c1, raw + 32, &c->rinv) ||
        !fp_from_ptau(&p->y.c0, raw + 64, &c->rinv) || !fp_from_ptau(&p->y.c1, raw + 96, &c->rinv))
        why = "has a coordinate that is not below p";
    else if (!ozk_g2_is_on_curve(p))
        why = "is not on BN254's twist (y^2 = x^3 + 3/(9 + u))";
    else if (ozk_g2_is_infinity(p))
        why = "is the point at infinity (tau = 0)";
    else if (!ozk_g2_is_in_subgroup(p))
        why = "is not in the subgroup G2 of order r";
    if (!why) return CLI_OK;
    fprintf(stderr,
            "ozk setup: '%s': section 3 (tauG2): point [tau^%zu]_2 at byte %" PRIu64
            " %s: the file is corrupt; download it again and compare its hash\n",
            c->pt->name, i, off, why);
    return CLI_FAIL;
}

/* One sequential pass: hashes every byte and converts the points we keep. */
static int ptau_stream(ptau *pt, ozk_srs *srs, uint8_t keccak[32], uint8_t blake[64])
{
    import_ctx c = { .pt = pt, .srs = srs };
    ozk_fp two;
    ozk_fp_from_u64(&two, 2);
    ozk_fp_pow_u64(&c.rinv, &two, 256); /* 2^256 mod p */
    ozk_fp_inv(&c.rinv, &c.rinv);
    extractor x1 = { .start = pt->sec[2].off, .esize = PTAU_G1 };
    extractor x2 = { .start = pt->sec[3].off, .esize = PTAU_G2 };
    x1.end = x1.start + (uint64_t)srs->n * PTAU_G1;
    x2.end = x2.start + 2 * PTAU_G2;

    uint8_t *buf = malloc(READ_CHUNK);
    if (!buf) {
        fprintf(stderr, "ozk setup: out of memory\n");
        return CLI_FAIL;
    }
    ozk_keccak256_ctx kc;
    blake2b_ctx bc;
    ozk_keccak256_init(&kc);
    blake2b_init(&bc);
    progress pr;
    progress_start(&pr, "reading and hashing");
    int rc = CLI_FAIL;
    if (fseeko(pt->f, 0, SEEK_SET) != 0) goto io;
    for (uint64_t off = 0; off < pt->size;) {
        size_t want = pt->size - off < READ_CHUNK ? (size_t)(pt->size - off) : READ_CHUNK;
        size_t got = fread(buf, 1, want, pt->f);
        if (got != want) goto io;
        ozk_keccak256_update(&kc, buf, got);
        blake2b_update(&bc, buf, got);
        if (extract(&x1, off, buf, got, g1_element, &c) != CLI_OK ||
            extract(&x2, off, buf, got, g2_element, &c) != CLI_OK)
            goto out;
        off += got;
        progress_update(&pr, off, pt->size);
    }
    /* the file must not have grown since its size was taken */
    if (fgetc(pt->f) != EOF) {
        fprintf(stderr, "ozk setup: '%s' changed while it was being read; try again\n", pt->name);
        goto out;
    }
    ozk_keccak256_final(&kc, keccak);
    blake2b_final(&bc, blake);
    rc = CLI_OK;
    goto out;
io:
    fprintf(stderr, "ozk setup: cannot read '%s': %s\n", pt->name,
            ferror(pt->f) ? strerror(errno) : "the file shrank while it was being read");
out:
    free(buf);
    return rc;
}

static int setup_ptau(const char *path, uint32_t nvars, const char *out_path)
{
    ptau pt;
    memset(&pt, 0, sizeof pt);
    pt.name = path;
    ozk_srs srs;
    memset(&srs, 0, sizeof srs);
    outfile o = { NULL, NULL, -1 };
    int rc = CLI_FAIL;

    pt.f = fopen(path, "rb");
    if (!pt.f) {
        fprintf(stderr,
                "ozk setup: cannot open '%s': %s (docs/setup.md says where to get a ceremony "
                "file)\n",
                path, strerror(errno));
        return CLI_FAIL;
    }
    struct stat st, ost;
    if (fstat(fileno(pt.f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "ozk setup: '%s' is not a regular file\n", path);
        goto done;
    }
    if (stat(out_path, &ost) == 0 && ost.st_dev == st.st_dev && ost.st_ino == st.st_ino) {
        fprintf(stderr, "ozk setup: -o '%s' is the ceremony file itself; write the SRS elsewhere\n",
                out_path);
        goto done;
    }
    pt.size = (uint64_t)st.st_size;
    if (ptau_layout(&pt, nvars) != CLI_OK) goto done;
    if (out_open(&o, out_path) != CLI_OK) goto done;

    fprintf(stderr,
            "ozk setup: '%s': BN254, 2^%u powers (ceremony 2^%u), %u contribution%s, %s; "
            "importing 2^%u G1 powers\n",
            path, (unsigned)pt.power, (unsigned)pt.ceremony_power, (unsigned)pt.contributions,
            pt.contributions == 1 ? "" : "s",
            pt.sec[12].count ? "prepared for phase 2" : "not prepared for phase 2",
            (unsigned)nvars);
    srs.log_size = nvars;
    srs.n = (size_t)1 << nvars;
    srs.g1 = malloc(srs.n * sizeof *srs.g1);
    if (!srs.g1) {
        fprintf(stderr, "ozk setup: out of memory for 2^%u G1 powers\n", (unsigned)nvars);
        goto done;
    }
    uint8_t blake[64];
    if (ptau_stream(&pt, &srs, srs.source_hash, blake) != CLI_OK) goto done;
    print_hex(stdout, "ptau blake2b-512: ", blake, 64);
    printf("  (compare with the hash the ceremony publishes)\n");
    print_hex(stdout, "ptau keccak256: 0x", srs.source_hash, 32);
    printf("  (recorded in the SRS as its source)\n");
    fflush(stdout);

    ozk_g1 g1gen;
    ozk_g2 g2gen;
    ozk_g1_generator(&g1gen);
    ozk_g2_generator(&g2gen);
    if (!ozk_g1_eq(&srs.g1[0], &g1gen) || !ozk_g2_eq(&srs.g2[0], &g2gen)) {
        fprintf(stderr,
                "ozk setup: '%s': [tau^0]_1 or [tau^0]_2 is not the BN254 generator: not a bn128 "
                "ceremony file, or corrupt\n",
                path);
        goto done;
    }
    if (ozk_g1_eq(&srs.g1[1], &g1gen) || ozk_g2_eq(&srs.g2[1], &g2gen)) {
        fprintf(stderr,
                "ozk setup: '%s' has no contribution: [tau]_1 is the generator (tau = 1), as "
                "`snarkjs powersoftau new` writes it. Import the ceremony's final file (after "
                "its contributions and beacon), not its initial one\n",
                path);
        goto done;
    }
    fprintf(stderr,
            "ozk setup: checking the 2^%u powers against [tau]_2 (one randomised pairing "
            "test)\n",
            (unsigned)nvars);
    srs.insecure = 0;
    int ok = ozk_srs_check_powers(&srs);
    if (ok < 0) {
        fprintf(stderr, "ozk setup: checking the powers: %s\n", ozk_strerror(ok));
        goto done;
    }
    if (!ok) {
        fprintf(stderr,
                "ozk setup: '%s': the G1 powers are not consistent with [tau]_2 (the pairing "
                "check failed): the file is corrupt or not the output of a valid ceremony; "
                "download it again and compare its hash\n",
                path);
        goto done;
    }
    ozk_srs_compute_id(srs.id, &srs);
    ozk_srs meta = srs;
    meta.g1 = NULL;
    rc = write_srs(&o, &srs);
    if (rc == CLI_OK) print_srs_summary(&meta, out_path);
done:
    if (o.tmp) out_abort(&o);
    ozk_srs_free(&srs);
    fclose(pt.f);
    return rc;
}

/* ---- the command ---------------------------------------------------------------------------- */

int cmd_setup(int argc, char **argv)
{
    const char *ptau_path = NULL, *out_path = NULL;
    int dev = 0, have_vars = 0, have_seed = 0;
    uint64_t nvars = 0, seed = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            setup_usage(stdout);
            return CLI_OK;
        }
        if (!strcmp(a, "--dev")) {
            dev = 1;
            continue;
        }
        int takes = !strcmp(a, "--ptau") || !strcmp(a, "--max-vars") || !strcmp(a, "--seed") ||
                    !strcmp(a, "-o") || !strcmp(a, "--output");
        if (!takes) {
            fprintf(stderr, "ozk setup: unknown option '%s'\n", a);
            setup_usage(stderr);
            return CLI_USAGE;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "ozk setup: %s needs a value\n", a);
            setup_usage(stderr);
            return CLI_USAGE;
        }
        const char *v = argv[++i];
        if (!strcmp(a, "--ptau")) {
            ptau_path = v;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            out_path = v;
        } else if (!strcmp(a, "--max-vars")) {
            if (!parse_u64(&nvars, v, 0) || nvars < 1 || nvars > OZK_SRS_MAX_LOG_SIZE) {
                fprintf(stderr, "ozk setup: --max-vars expects a number from 1 to %d, got '%s'\n",
                        OZK_SRS_MAX_LOG_SIZE, v);
                return CLI_USAGE;
            }
            have_vars = 1;
        } else {
            if (!parse_u64(&seed, v, 1)) {
                fprintf(stderr,
                        "ozk setup: --seed expects a 64-bit number (decimal or 0x-hex), got "
                        "'%s'\n",
                        v);
                return CLI_USAGE;
            }
            have_seed = 1;
        }
    }
    const char *problem = NULL;
    if (dev == !!ptau_path)
        problem = "give exactly one of --ptau FILE and --dev";
    else if (!have_vars)
        problem = "--max-vars N is required";
    else if (!out_path)
        problem = "-o SRS (the file to write) is required";
    else if (have_seed && !dev)
        problem = "--seed only applies to --dev";
    if (problem) {
        fprintf(stderr, "ozk setup: %s\n", problem);
        setup_usage(stderr);
        return CLI_USAGE;
    }
    if (dev) return setup_dev((uint32_t)nvars, seed, out_path);
    return setup_ptau(ptau_path, (uint32_t)nvars, out_path);
}
