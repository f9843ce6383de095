/*
 * chain/keys.c: secp256k1 keys (libsecp256k1), addresses, recoverable signatures, EIP-191.
 *
 * Key text is decoded without branches on its digits, and every buffer that held key material
 * is wiped before return.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include "ozk/error.h"
#include "ozk/hex.h"
#include "ozk/keccak.h"
#include "ozk/tx.h"

#define KEY_FILE_MAX 256 /* a key file is 64..69 bytes; anything much longer is not one */

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

void ozk_wipe(void *p, size_t n)
{
    volatile uint8_t *v = p;
    while (n--) *v++ = 0;
}

void ozk_key_wipe(ozk_key *key)
{
    ozk_wipe(key->sk, sizeof key->sk);
}

/* A context for signing: randomized (blinding against side channels) when the kernel gives
 * us randomness; correct either way. */
static secp256k1_context *ctx_new(void)
{
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    if (!ctx) return NULL;
    uint8_t seed[32];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        if (read(fd, seed, sizeof seed) == (ssize_t)sizeof seed) {
            /* a failed randomization leaves the context unblinded but correct */
            int blinded = secp256k1_context_randomize(ctx, seed);
            (void)blinded;
        }
        close(fd);
    }
    ozk_wipe(seed, sizeof seed);
    return ctx;
}

/* value of one hex digit and a 0/1 flag of validity, without branching on c */
static uint8_t hexval_ct(unsigned c, unsigned *bad)
{
    int d = (int)c - '0';          /* 0..9 for '0'..'9' */
    int l = (int)(c | 0x20) - 'a'; /* 0..5 for 'a'..'f' and 'A'..'F' */
    /* 1 iff 0 <= x < bound: the sign bits of x - bound (set) and of x (clear) */
    unsigned is_d = ((unsigned)(d - 10) >> 31) & ((unsigned)~d >> 31);
    unsigned is_l = ((unsigned)(l - 6) >> 31) & ((unsigned)~l >> 31);
    *bad |= 1u ^ (is_d | is_l);
    return (uint8_t)(((unsigned)d & (0u - is_d)) | ((unsigned)(l + 10) & (0u - is_l)));
}

int ozk_key_from_hex(ozk_key *key, const char *s, size_t n, char *err, size_t errlen)
{
    /* the shape (prefix, newline, length) is public; only the digits are secret */
    if (n >= 2 && s[n - 2] == '\r' && s[n - 1] == '\n')
        n -= 2;
    else if (n >= 1 && s[n - 1] == '\n')
        n -= 1;
    if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s += 2, n -= 2;
    if (n != 64) {
        seterr(err, errlen,
               "a private key is 64 hex digits (optionally 0x-prefixed), found %zu characters", n);
        return OZK_EINVAL;
    }
    unsigned bad = 0;
    for (size_t i = 0; i < 32; i++) {
        uint8_t hi = hexval_ct((unsigned char)s[2 * i], &bad);
        uint8_t lo = hexval_ct((unsigned char)s[2 * i + 1], &bad);
        key->sk[i] = (uint8_t)(hi << 4 | lo);
    }
    int valid = secp256k1_ec_seckey_verify(secp256k1_context_static, key->sk);
    if (bad || !valid) {
        ozk_key_wipe(key);
        seterr(err, errlen,
               bad ? "a private key is 64 hex digits: found a character that is not a hex digit"
                   : "the private key is not a valid secp256k1 key (zero or not below the "
                     "group order)");
        return OZK_EINVAL;
    }
    return 0;
}

int ozk_key_load_file(ozk_key *key, const char *path, char *err, size_t errlen)
{
    int rc;
    char buf[KEY_FILE_MAX];
    size_t len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        int e = errno;
        seterr(err, errlen, "%s: cannot open the key file: %s", path, strerror(e));
        return e == ENOENT ? OZK_ENOENT : OZK_EIO;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        seterr(err, errlen, "%s: cannot stat the key file: %s", path, strerror(errno));
        rc = OZK_EIO;
        goto fail;
    }
    if (!S_ISREG(st.st_mode)) {
        seterr(err, errlen, "%s: the key file is not a regular file", path);
        rc = OZK_EINVAL;
        goto fail;
    }
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        seterr(err, errlen,
               "%s: the key file is accessible by group or others (mode %03o); make it "
               "readable only by its owner: chmod 600 %s",
               path, (unsigned)(st.st_mode & 0777), path);
        rc = OZK_EINVAL;
        goto fail;
    }
    for (;;) {
        ssize_t r = read(fd, buf + len, sizeof buf - len);
        if (r < 0) {
            if (errno == EINTR) continue;
            seterr(err, errlen, "%s: cannot read the key file: %s", path, strerror(errno));
            rc = OZK_EIO;
            goto fail;
        }
        if (r == 0) break;
        len += (size_t)r;
        if (len == sizeof buf) {
            seterr(err, errlen, "%s: not a key file (longer than %d bytes)", path, KEY_FILE_MAX);
            rc = OZK_EINVAL;
            goto fail;
        }
    }
    char why[160];
    rc = ozk_key_from_hex(key, buf, len, why, sizeof why);
    if (rc < 0) seterr(err, errlen, "%s: %s", path, why);
fail:
    ozk_wipe(buf, sizeof buf);
    close(fd);
    return rc;
}

/* address of a public key: keccak256(x || y)[12..32) */
static void pubkey_address(uint8_t addr[20], const secp256k1_context *ctx,
                           const secp256k1_pubkey *pk)
{
    uint8_t ser[65], h[32];
    size_t sl = sizeof ser;
    secp256k1_ec_pubkey_serialize(ctx, ser, &sl, pk, SECP256K1_EC_UNCOMPRESSED);
    ozk_keccak256(h, ser + 1, 64);
    memcpy(addr, h + 12, 20);
}

int ozk_key_address(uint8_t addr[20], const ozk_key *key)
{
    secp256k1_context *ctx = ctx_new();
    if (!ctx) return OZK_ENOMEM;
    secp256k1_pubkey pk;
    int ok = secp256k1_ec_pubkey_create(ctx, &pk, key->sk);
    if (ok) pubkey_address(addr, ctx, &pk);
    secp256k1_context_destroy(ctx);
    return ok ? 0 : OZK_EINVAL;
}

void ozk_address_to_text(char out[43], const uint8_t addr[20])
{
    /* EIP-55: a letter is upper case when the matching nibble of keccak256(lower hex) >= 8 */
    char lower[41];
    uint8_t h[32];
    ozk_hex_encode(lower, addr, 20);
    ozk_keccak256(h, lower, 40);
    out[0] = '0';
    out[1] = 'x';
    for (int i = 0; i < 40; i++) {
        uint8_t nib = (uint8_t)((i % 2) ? (h[i / 2] & 0x0f) : (h[i / 2] >> 4));
        char c = lower[i];
        out[2 + i] = (c >= 'a' && nib >= 8) ? (char)(c - 'a' + 'A') : c;
    }
    out[42] = '\0';
}

int ozk_sign_hash(uint8_t sig[65], const ozk_key *key, const uint8_t hash[32])
{
    secp256k1_context *ctx = ctx_new();
    if (!ctx) return OZK_ENOMEM;
    secp256k1_ecdsa_recoverable_signature rs;
    int recid = 0;
    /* RFC 6979 nonces (noncefp NULL); libsecp256k1 always produces low s */
    int ok = secp256k1_ecdsa_sign_recoverable(ctx, &rs, hash, key->sk, NULL, NULL);
    if (ok) secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, sig, &recid, &rs);
    sig[64] = (uint8_t)recid;
    ozk_wipe(&rs, sizeof rs);
    secp256k1_context_destroy(ctx);
    return ok ? 0 : OZK_EINVAL;
}

int ozk_ecrecover(uint8_t addr[20], const uint8_t hash[32], const uint8_t sig[65])
{
    int v = sig[64];
    if (v >= 27) v -= 27;
    if (v != 0 && v != 1) return 0;
    const secp256k1_context *ctx = secp256k1_context_static;
    secp256k1_ecdsa_recoverable_signature rs;
    secp256k1_pubkey pk;
    if (!secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &rs, sig, v)) return 0;
    if (!secp256k1_ecdsa_recover(ctx, &pk, &rs, hash)) return 0;
    pubkey_address(addr, ctx, &pk);
    return 1;
}

void ozk_eip191_hash(uint8_t out[32], const void *msg, size_t len)
{
    char prefix[64];
    int pl = snprintf(prefix, sizeof prefix,
                      "\x19"
                      "Ethereum Signed Message:\n%zu",
                      len);
    ozk_keccak256_ctx k;
    ozk_keccak256_init(&k);
    ozk_keccak256_update(&k, prefix, (size_t)pl);
    ozk_keccak256_update(&k, msg, len);
    ozk_keccak256_final(&k, out);
}
