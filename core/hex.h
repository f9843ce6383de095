/*
 * core/hex.h: hex helpers shared inside the library (internal).
 */
#ifndef OZK_CORE_HEX_H
#define OZK_CORE_HEX_H

#include <stddef.h>
#include <stdint.h>

/* Writes 2*n lowercase hex digits of in[0..n) and a NUL to out (2*n + 1 bytes). */
void ozk__hex_encode(char *out, const uint8_t *in, size_t n);

/* Parses "0x"-optional, 1 to 64 hex digits (no sign, no spaces) into 32 bytes big-endian,
 * left-padded with zeros. Returns 1 on success, 0 on anything else. */
int ozk__hex_to_be32(uint8_t out[32], const char *s);

#endif
