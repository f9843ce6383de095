/* core/transcript.c: the Fiat-Shamir transcript of ozk/transcript.h. */
#include <stdlib.h>
#include <string.h>

#include "ozk/keccak.h"
#include "ozk/transcript.h"

void ozk_transcript_init(ozk_transcript *t, const char *domain)
{
    ozk_keccak256(t->s, domain, strlen(domain));
}

void ozk_transcript_absorb(ozk_transcript *t, const void *msg, size_t len)
{
    ozk_keccak256_ctx ctx;
    ozk_keccak256_init(&ctx);
    ozk_keccak256_update(&ctx, t->s, 32);
    ozk_keccak256_update(&ctx, msg, len);
    ozk_keccak256_final(&ctx, t->s);
}

void ozk_transcript_absorb_frs(ozk_transcript *t, const ozk_fr *x, size_t n)
{
    ozk_keccak256_ctx ctx;
    uint8_t b[32];
    ozk_keccak256_init(&ctx);
    ozk_keccak256_update(&ctx, t->s, 32);
    for (size_t i = 0; i < n; i++) {
        ozk_fr_to_bytes(b, &x[i]);
        ozk_keccak256_update(&ctx, b, 32);
    }
    ozk_keccak256_final(&ctx, t->s);
}

void ozk_transcript_absorb_fr(ozk_transcript *t, const ozk_fr *x)
{
    ozk_transcript_absorb_frs(t, x, 1);
}

void ozk_transcript_absorb_g1s(ozk_transcript *t, const ozk_g1 *p, size_t n)
{
    ozk_keccak256_ctx ctx;
    uint8_t b[OZK_G1_BYTES];
    ozk_keccak256_init(&ctx);
    ozk_keccak256_update(&ctx, t->s, 32);
    for (size_t i = 0; i < n; i++) {
        ozk_g1_to_bytes(b, &p[i]);
        ozk_keccak256_update(&ctx, b, sizeof b);
    }
    ozk_keccak256_final(&ctx, t->s);
}

void ozk_transcript_absorb_g1(ozk_transcript *t, const ozk_g1 *p)
{
    ozk_transcript_absorb_g1s(t, p, 1);
}

void ozk_transcript_absorb_u64(ozk_transcript *t, uint64_t v)
{
    uint8_t w[32] = { 0 };
    for (int i = 0; i < 8; i++) w[31 - i] = (uint8_t)(v >> (8 * i));
    ozk_transcript_absorb(t, w, sizeof w);
}

void ozk_transcript_challenge(ozk_transcript *t, ozk_fr *out)
{
    ozk_keccak256(t->s, t->s, 32);
    ozk_fr_from_bytes_reduce(out, t->s);
}
