/*
 * ozk/abi.h: the Solidity contract ABI (docs.soliditylang.org, "Contract ABI Specification"):
 * types, encoding, strict decoding, function selectors, event topics and logs.
 *
 * Types are parsed from their canonical text: uint<N> and int<N> (N = 8..256, a multiple of 8;
 * "uint"/"int" mean 256), address, bool, bytes<N> (N = 1..32), bytes, string, T[] (dynamic
 * arrays) and tuples "(T1,T2,...)" (nested, at least one member). Fixed-size arrays T[k] are not
 * supported yet (OZK_ENOTSUP). Nesting is bounded by OZK_ABI_MAX_DEPTH.
 *
 * Values are trees of ozk_abi_value. Static scalars hold their 32-byte ABI word in `word`:
 * uint/int as a 256-bit two's-complement big-endian number, address right-aligned, bool 0/1,
 * bytes<N> left-aligned. bytes/string hold `bytes[0..len)`; arrays and tuples hold `items[0..n)`.
 *
 * Ownership: a tree built by the caller for encoding belongs to the caller (nothing here frees
 * it). A tree returned by a decoder is owned by the caller and released with
 * ozk_abi_value_free(), which frees every bytes and items buffer under it.
 *
 * Errors: systems regime (ozk/error.h). Encoding returns OZK_EINVAL when the value's shape
 * differs from the type and OZK_ERANGE when a uint<N>/int<N> value does not fit N bits (or a
 * bool is not 0/1, an address or bytes<N> has bits outside its width). Decoding treats its input
 * as hostile: every offset and length is checked against the buffer, padding must be canonical
 * (zero high bytes for uint<N> and address, sign extension for int<N>, 0/1 for bool, zero low
 * bytes for bytes<N>, zero padding after bytes/string), offsets must point inside the enclosing
 * tuple, and the decoded tree's size is bounded by the input's, so aliased offsets cannot blow
 * memory up. Anything else is OZK_EINVAL, never a read out of bounds.
 */
#ifndef OZK_ABI_H
#define OZK_ABI_H

#include <stddef.h>
#include <stdint.h>

#define OZK_ABI_MAX_DEPTH 16

typedef enum {
    OZK_ABI_UINT,
    OZK_ABI_INT,
    OZK_ABI_ADDRESS,
    OZK_ABI_BOOL,
    OZK_ABI_FIXED_BYTES, /* bytes<N> */
    OZK_ABI_BYTES,
    OZK_ABI_STRING,
    OZK_ABI_ARRAY, /* T[] */
    OZK_ABI_TUPLE
} ozk_abi_kind;

typedef struct ozk_abi_type {
    ozk_abi_kind kind;
    unsigned size;                 /* bits of uint/int, bytes of bytes<N>; else 0 */
    struct ozk_abi_type *elem;     /* array: the element type */
    struct ozk_abi_type **members; /* tuple: its member types */
    size_t n;                      /* tuple: member count */
} ozk_abi_type;

typedef struct ozk_abi_value {
    ozk_abi_kind kind;
    uint8_t word[32];            /* static scalars */
    uint8_t *bytes;              /* bytes, string */
    size_t len;                  /* bytes, string */
    struct ozk_abi_value *items; /* array elements, tuple members */
    size_t n;                    /* their count */
} ozk_abi_value;

/* Parses a type (e.g. "(uint256,address[],(bytes,bool))"); spaces are not allowed. On success
 * *out owns a new type for ozk_abi_type_free. OZK_EINVAL for malformed text, OZK_ENOTSUP for a
 * fixed-size array, OZK_ENOMEM. */
int ozk_abi_type_parse(ozk_abi_type **out, const char *text);
void ozk_abi_type_free(ozk_abi_type *t);

/* 1 when values of t have a dynamic encoding (bytes, string, T[], or a tuple holding one). */
int ozk_abi_type_is_dynamic(const ozk_abi_type *t);

/* Releases what a decoder allocated under v (not v itself) and zeroes it. NULL is fine. */
void ozk_abi_value_free(ozk_abi_value *v);

/* Scalar helpers for building values: a uint from a uint64, an int from an int64 (sign
 * extended), an address from 20 bytes, a bool. bytes/string/arrays/tuples are filled in by
 * hand (kind, bytes/len or items/n). */
void ozk_abi_value_u64(ozk_abi_value *v, uint64_t x);
void ozk_abi_value_i64(ozk_abi_value *v, int64_t x);
void ozk_abi_value_address(ozk_abi_value *v, const uint8_t addr[20]);
void ozk_abi_value_bool(ozk_abi_value *v, int b);

/* Encodes v as a value of type t. When t is a tuple this is abi.encode(members...), i.e. the
 * arguments of a call. On success *out is a new malloc'd buffer (free() it) of *len bytes. */
int ozk_abi_encode(uint8_t **out, size_t *len, const ozk_abi_type *t, const ozk_abi_value *v);

/* Decodes in[0..n) as exactly one value of type t (trailing bytes are refused). On success *v
 * owns a new tree (ozk_abi_value_free); on failure *v is left empty. */
int ozk_abi_decode(ozk_abi_value *v, const ozk_abi_type *t, const uint8_t *in, size_t n);

/* The first 4 bytes of keccak256 of a canonical signature such as "transfer(address,uint256)".
 * The text is hashed as given: the caller writes it canonically (no spaces, no names). */
void ozk_abi_selector(uint8_t out[4], const char *signature);

/* An event's topic 0: keccak256 of its canonical signature, e.g.
 * "Transfer(address,address,uint256)". */
void ozk_abi_event_topic(uint8_t out[32], const char *signature);

/* Calldata for a call: the selector of signature ("name(T1,T2,...)"), then the encoding of
 * args, a tuple value of the parameter types. *out is malloc'd (free() it). OZK_EINVAL for a
 * malformed signature or a value that does not match it. */
int ozk_abi_calldata(uint8_t **out, size_t *len, const char *signature, const ozk_abi_value *args);

/* Decodes a log of the event `signature` ("name(T1,T2,...)"). The parameters marked in
 * indexed[0..n) (n = the parameter count; indexed may be NULL when n is 0) sit in topics 1..,
 * the others in data, encoded as one tuple. topics holds ntopics 32-byte topics back to back;
 * the first must be the event topic, and ntopics must be 1 + the indexed count. On success *v
 * is a tuple of all parameters in declaration order (ozk_abi_value_free). An indexed parameter
 * that is not a value type (bytes, string, arrays, tuples) is stored in the log only as its
 * hash: it comes back as bytes32 (kind OZK_ABI_FIXED_BYTES) holding that topic. OZK_EINVAL on
 * any mismatch or malformed data. Anonymous events are not supported. */
int ozk_abi_decode_log(ozk_abi_value *v, const char *signature, const int *indexed, size_t n,
                       const uint8_t *topics, size_t ntopics, const uint8_t *data, size_t len);

#endif
