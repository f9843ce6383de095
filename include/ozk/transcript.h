/*
 * ozk/transcript.h: the Fiat-Shamir transcript, identical in C and in the EVM.
 *
 * State: 32 bytes s.
 *   init(domain):  s = keccak256(domain)                     (the domain's bytes, no NUL)
 *   absorb(m):     s = keccak256(s || m)                     (m: the bytes of one message)
 *   challenge():   s = keccak256(s);  c = uint256(s) mod r   (s read as a big-endian integer)
 * Field elements are absorbed as 32 bytes big-endian, G1 points as their 64-byte EVM encoding,
 * integers as 32-byte big-endian words (as Solidity's abi.encode would). Every protocol says in
 * docs/protocol.md exactly which messages it absorbs, in which order and grouping, so that the
 * C verifier and the generated Solidity verifier compute the same challenges (pitfalls 1 and 14
 * of the design: absorb the whole statement first, then every prover message before the
 * challenge that depends on it).
 *
 * c = s mod r is not uniform over Fr (2^256 / r is about 5.3, so some values have 6
 * preimages and others 5); each challenge's min-entropy stays above 253 bits and any
 * Schwartz-Zippel bound grows by at most a factor 6/5.29 < 1.14. docs/protocol.md counts it.
 */
#ifndef OZK_TRANSCRIPT_H
#define OZK_TRANSCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include "ozk/curve.h"
#include "ozk/field.h"

typedef struct {
    uint8_t s[32];
} ozk_transcript;

void ozk_transcript_init(ozk_transcript *t, const char *domain);
void ozk_transcript_absorb(ozk_transcript *t, const void *msg, size_t len);
void ozk_transcript_absorb_fr(ozk_transcript *t, const ozk_fr *x);
void ozk_transcript_absorb_frs(ozk_transcript *t, const ozk_fr *x, size_t n); /* one message */
void ozk_transcript_absorb_g1(ozk_transcript *t, const ozk_g1 *p);
void ozk_transcript_absorb_g1s(ozk_transcript *t, const ozk_g1 *p, size_t n); /* one message */
void ozk_transcript_absorb_u64(ozk_transcript *t, uint64_t v);
void ozk_transcript_challenge(ozk_transcript *t, ozk_fr *out);

#endif
