/*
 * core/keccak.c: Keccak-f[1600] and the Keccak-256 sponge (Ethereum's padding).
 *
 * Source: FIPS 202 section 3.2 (the step maps theta, rho, pi, chi, iota) and section 3.2.5
 * (round constants); the Keccak reference 3.0 for the original 0x01 padding. Lanes are
 * little-endian 64-bit words, lane (x, y) at s[x + 5y].
 */
#include <string.h>

#include "compiler.h"
#include "ozk/keccak.h"

/* RC[i] of iota, FIPS 202 Algorithm 5 evaluated for rounds 0..23. */
static const uint64_t RC[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/* rho offsets and the pi walk, combined: starting from lane 1, lane PI[i] receives the lane
 * before it rotated by RHO[i] (FIPS 202 sections 3.2.2 and 3.2.3: (x, y) -> (y, 2x + 3y)). */
static const unsigned RHO[24] = { 1,  3,  6,  10, 15, 21, 28, 36, 45, 55, 2,  14,
                                  27, 41, 56, 8,  25, 43, 62, 18, 39, 61, 20, 44 };
static const unsigned PI[24] = { 10, 7,  11, 17, 18, 3, 5,  16, 8,  21, 24, 4,
                                 15, 23, 19, 13, 12, 2, 20, 14, 22, 9,  6,  1 };

static inline uint64_t rotl(uint64_t v, unsigned n)
{
    return (v << n) | (v >> ((64 - n) & 63));
}

void ozk_keccak_f1600(uint64_t s[25])
{
    uint64_t c[5], d, t, u;
    for (int round = 0; round < 24; round++) {
        /* theta: each lane ^= parity of the column to its left ^ rot(parity to its right, 1) */
        OZK__UNROLL(5)
        for (int x = 0; x < 5; x++) c[x] = s[x] ^ s[x + 5] ^ s[x + 10] ^ s[x + 15] ^ s[x + 20];
        OZK__UNROLL(5)
        for (int x = 0; x < 5; x++) {
            d = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1);
            OZK__UNROLL(25)
            for (int y = 0; y < 25; y += 5) s[y + x] ^= d;
        }
        /* rho and pi: move each lane to its new place, rotated by its offset */
        t = s[1];
        OZK__UNROLL(24)
        for (int i = 0; i < 24; i++) {
            u = s[PI[i]];
            s[PI[i]] = rotl(t, RHO[i]);
            t = u;
        }
        /* chi: a ^= ~b & c along each row */
        OZK__UNROLL(25)
        for (int y = 0; y < 25; y += 5) {
            OZK__UNROLL(5)
            for (int x = 0; x < 5; x++) c[x] = s[y + x];
            OZK__UNROLL(5)
            for (int x = 0; x < 5; x++) s[y + x] = c[x] ^ (~c[(x + 1) % 5] & c[(x + 2) % 5]);
        }
        /* iota */
        s[0] ^= RC[round];
    }
}

static inline uint64_t load64_le(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}

void ozk_keccak256_init(ozk_keccak256_ctx *ctx)
{
    memset(ctx, 0, sizeof *ctx);
}

/* XORs byte b into position pos of the rate. */
static inline void xor_byte(ozk_keccak256_ctx *ctx, size_t pos, uint8_t b)
{
    ctx->s[pos / 8] ^= (uint64_t)b << (8 * (pos % 8));
}

void ozk_keccak256_update(ozk_keccak256_ctx *ctx, const void *data, size_t len)
{
    const uint8_t *p = data;
    /* finish a partial block byte by byte */
    while (len > 0 && ctx->pos != 0) {
        xor_byte(ctx, ctx->pos++, *p++);
        len--;
        if (ctx->pos == OZK_KECCAK256_RATE) {
            ozk_keccak_f1600(ctx->s);
            ctx->pos = 0;
        }
    }
    /* whole blocks, a lane at a time */
    while (len >= OZK_KECCAK256_RATE) {
        for (int i = 0; i < OZK_KECCAK256_RATE / 8; i++) ctx->s[i] ^= load64_le(p + 8 * i);
        ozk_keccak_f1600(ctx->s);
        p += OZK_KECCAK256_RATE;
        len -= OZK_KECCAK256_RATE;
    }
    /* the tail; it cannot fill a block */
    while (len > 0) {
        xor_byte(ctx, ctx->pos++, *p++);
        len--;
    }
}

void ozk_keccak256_final(ozk_keccak256_ctx *ctx, uint8_t out[32])
{
    /* pad10*1 with the Keccak domain bit: 0x01 after the message, 0x80 in the last byte of the
     * block (both land in one byte, 0x81, when a single byte of room is left) */
    xor_byte(ctx, ctx->pos, 0x01);
    xor_byte(ctx, OZK_KECCAK256_RATE - 1, 0x80);
    ozk_keccak_f1600(ctx->s);
    OZK__UNROLL(32)
    for (int i = 0; i < 32; i++) out[i] = (uint8_t)(ctx->s[i / 8] >> (8 * (i % 8)));
    memset(ctx, 0, sizeof *ctx);
}

void ozk_keccak256(uint8_t out[32], const void *data, size_t len)
{
    ozk_keccak256_ctx ctx;
    ozk_keccak256_init(&ctx);
    ozk_keccak256_update(&ctx, data, len);
    ozk_keccak256_final(&ctx, out);
}
