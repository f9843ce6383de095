/*
 * ozk/keccak.h: Keccak-256 as Ethereum uses it.
 *
 * This is the original Keccak submission's padding (a 0x01 domain byte, then 0x80 at the end
 * of the block), which the EVM's KECCAK256 opcode and Solidity's keccak256() use; it is NOT
 * FIPS 202 SHA3-256 (padding 0x06), whose digests differ. Rate 1088 bits (136 bytes), capacity
 * 512, output 32 bytes. Source: the Keccak reference (keccak.team, "The Keccak reference",
 * version 3.0) and FIPS 202 section 3 for the permutation Keccak-f[1600].
 *
 * Not constant time with respect to the length of the input; constant time in its contents.
 * Nothing here allocates or fails.
 */
#ifndef OZK_KECCAK_H
#define OZK_KECCAK_H

#include <stddef.h>
#include <stdint.h>

#define OZK_KECCAK256_RATE 136

/* Incremental state. Embed it anywhere; no clean-up needed. */
typedef struct {
    uint64_t s[25]; /* the 1600-bit state, lane (x, y) at s[x + 5y] */
    size_t pos;     /* bytes absorbed into the current block, < OZK_KECCAK256_RATE */
} ozk_keccak256_ctx;

void ozk_keccak256_init(ozk_keccak256_ctx *ctx);

/* Absorbs len bytes. data may be NULL when len is 0. */
void ozk_keccak256_update(ozk_keccak256_ctx *ctx, const void *data, size_t len);

/* Pads, squeezes 32 bytes into out and leaves ctx spent: init it again to reuse it. */
void ozk_keccak256_final(ozk_keccak256_ctx *ctx, uint8_t out[32]);

/* One-shot: out = keccak256(data[0..len)). */
void ozk_keccak256(uint8_t out[32], const void *data, size_t len);

/* The permutation Keccak-f[1600], 24 rounds, on a state of 25 lanes. */
void ozk_keccak_f1600(uint64_t s[25]);

#endif
