/*
 * ozk/hex.h: hex strings of byte strings.
 */
#ifndef OZK_HEX_H
#define OZK_HEX_H

#include <stddef.h>
#include <stdint.h>

/* Writes 2*n lowercase hex digits of in[0..n) and a NUL: out holds 2*n + 1 bytes. No prefix. */
void ozk_hex_encode(char *out, const uint8_t *in, size_t n);

/* Decodes an even number of hex digits (either case, optional "0x") into out, which holds cap
 * bytes. Returns the number of bytes written, or -1 if s is not well formed or longer than cap
 * bytes; out may be partly written then. */
long ozk_hex_decode(uint8_t *out, size_t cap, const char *s);

#endif
