/* core/hex.c: hex encoding and decoding of byte strings. */
#include <string.h>

#include "hex.h"
#include "ozk/hex.h"

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void ozk__hex_encode(char *out, const uint8_t *in, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

int ozk__hex_to_be32(uint8_t out[32], const char *s)
{
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s += 2;
    size_t n = strlen(s);
    if (n == 0 || n > 64) return 0;
    memset(out, 0, 32);
    /* digit k from the right lands in byte 31 - k/2, low nibble when k is even */
    for (size_t k = 0; k < n; k++) {
        int d = hex_digit(s[n - 1 - k]);
        if (d < 0) return 0;
        out[31 - k / 2] |= (uint8_t)(k % 2 ? d << 4 : d);
    }
    return 1;
}

void ozk_hex_encode(char *out, const uint8_t *in, size_t n)
{
    ozk__hex_encode(out, in, n);
}

long ozk_hex_decode(uint8_t *out, size_t cap, const char *s)
{
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s += 2;
    size_t n = strlen(s);
    if (n % 2 != 0 || n / 2 > cap) return -1;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);
        if (hi < 0 || lo < 0) return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return (long)(n / 2);
}
