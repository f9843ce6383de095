/*
 * ozk/rlp.h: Recursive Length Prefix, Ethereum's serialisation (yellow paper, appendix B).
 *
 * An item is a byte string or a list of items. Encoding (0x.. = the first byte):
 *   one byte < 0x80                  the byte itself
 *   string of 0..55 bytes            0x80 + len, bytes
 *   string of > 55 bytes             0xb7 + len(len), len big-endian, bytes
 *   list with payload 0..55 bytes    0xc0 + len, payload
 *   list with payload > 55 bytes     0xf7 + len(len), len big-endian, payload
 * Integers are strings holding their big-endian bytes without leading zeros (0 is "").
 *
 * Errors: systems regime (ozk/error.h). Decoding is strict: a non-canonical encoding (a single
 * byte < 0x80 wrapped as 0x81 xx, a long form for a length <= 55, a length with leading zeros),
 * a length beyond the buffer, trailing bytes, or nesting deeper than OZK_RLP_MAX_DEPTH all give
 * OZK_EINVAL. Hostile input never reads out of bounds.
 */
#ifndef OZK_RLP_H
#define OZK_RLP_H

#include <stddef.h>
#include <stdint.h>

/* Lists nested deeper than this are refused, by the encoder and by the decoder. */
#define OZK_RLP_MAX_DEPTH 32

/* ---- encoding ---------------------------------------------------------------------------- */

/* A growing output buffer. Zero it with ozk_rlp_enc_init, release it with ozk_rlp_enc_free.
 * The first failure sticks in err: later calls do nothing and return it, so a sequence of puts
 * can be checked once at the end. data/len hold the encoding once every list is closed. */
typedef struct {
    uint8_t *data; /* owned; ozk_rlp_enc_free releases it (or take it and set data to NULL) */
    size_t len, cap;
    int err;                             /* 0 or the first OZK_E* code */
    size_t depth;                        /* lists open */
    size_t marks[OZK_RLP_MAX_DEPTH + 1]; /* where each open list's payload starts */
} ozk_rlp_enc;

void ozk_rlp_enc_init(ozk_rlp_enc *e);
void ozk_rlp_enc_free(ozk_rlp_enc *e);

/* Appends the string s[0..n) (s may be NULL when n is 0). */
int ozk_rlp_put_bytes(ozk_rlp_enc *e, const uint8_t *s, size_t n);

/* Appends an integer: v's big-endian bytes without leading zeros. */
int ozk_rlp_put_u64(ozk_rlp_enc *e, uint64_t v);

/* Appends the big-endian integer be[0..n) with its leading zero bytes stripped (for 256-bit
 * values such as a transaction's value or a signature's r and s). */
int ozk_rlp_put_uint_be(ozk_rlp_enc *e, const uint8_t *be, size_t n);

/* Appends bytes that already are one or more RLP items, unchecked. */
int ozk_rlp_put_raw(ozk_rlp_enc *e, const uint8_t *raw, size_t n);

/* Opens a list; the items put until the matching ozk_rlp_list_end form its payload.
 * OZK_EINVAL beyond OZK_RLP_MAX_DEPTH, or for an end without a begin. */
int ozk_rlp_list_begin(ozk_rlp_enc *e);
int ozk_rlp_list_end(ozk_rlp_enc *e);

/* ---- decoding ---------------------------------------------------------------------------- */

/* One decoded item. payload points into the caller's buffer (no copies; it lives as long as
 * that buffer): a string's bytes, or a list's concatenated item encodings. */
typedef struct {
    int is_list;
    const uint8_t *payload;
    size_t len;
} ozk_rlp_item;

/* Decodes in[0..n) as exactly one item and checks the whole tree under it (every nested item
 * canonical and in bounds, depth <= OZK_RLP_MAX_DEPTH, no trailing bytes). */
int ozk_rlp_decode(ozk_rlp_item *item, const uint8_t *in, size_t n);

/* Walks the items of a list. Init with a list item (OZK_EINVAL for a string); next returns 1
 * with the next item, 0 at the end, or a negative code on malformed input (not possible after
 * ozk_rlp_decode accepted the tree). */
typedef struct {
    const uint8_t *p;
    size_t left;
} ozk_rlp_iter;

int ozk_rlp_iter_init(ozk_rlp_iter *it, const ozk_rlp_item *list);
int ozk_rlp_iter_next(ozk_rlp_iter *it, ozk_rlp_item *item);

/* Reads a string item as an integer of at most 64 bits: OZK_EINVAL for a list or a leading
 * zero byte (non-canonical), OZK_ERANGE when longer than 8 bytes. */
int ozk_rlp_item_u64(uint64_t *v, const ozk_rlp_item *item);

/* Reads a string item as an integer into out[0..n), big-endian, zero-padded on the left:
 * OZK_EINVAL for a list or a leading zero byte, OZK_ERANGE when it does not fit in n bytes. */
int ozk_rlp_item_uint_be(uint8_t *out, size_t n, const ozk_rlp_item *item);

#endif
