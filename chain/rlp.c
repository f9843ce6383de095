/*
 * chain/rlp.c: RLP encoding and strict decoding. Source: Ethereum yellow paper, appendix B.
 */
#include <stdlib.h>
#include <string.h>

#include "ozk/error.h"
#include "ozk/rlp.h"

void ozk_rlp_enc_init(ozk_rlp_enc *e)
{
    memset(e, 0, sizeof *e);
}

void ozk_rlp_enc_free(ozk_rlp_enc *e)
{
    free(e->data);
    memset(e, 0, sizeof *e);
}

static int reserve(ozk_rlp_enc *e, size_t extra)
{
    if (e->err) return e->err;
    if (extra > SIZE_MAX / 2 - e->len) return e->err = OZK_ENOMEM;
    if (e->len + extra <= e->cap) return 0;
    size_t cap = e->cap ? e->cap : 64;
    while (cap < e->len + extra) cap *= 2;
    uint8_t *p = realloc(e->data, cap);
    if (!p) return e->err = OZK_ENOMEM;
    e->data = p;
    e->cap = cap;
    return 0;
}

/* big-endian bytes of v without leading zeros into b[8..]; returns how many */
static size_t be_min(uint8_t b[8], uint64_t v)
{
    size_t n = 0;
    for (uint64_t t = v; t; t >>= 8) n++;
    for (size_t i = 0; i < n; i++) b[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    return n;
}

/* the header of a string (base 0x80) or list (base 0xc0) of payload length n */
static size_t header(uint8_t h[9], uint8_t base, size_t n)
{
    if (n <= 55) {
        h[0] = (uint8_t)(base + n);
        return 1;
    }
    size_t ll = be_min(h + 1, (uint64_t)n);
    h[0] = (uint8_t)(base + 55 + ll);
    return 1 + ll;
}

int ozk_rlp_put_raw(ozk_rlp_enc *e, const uint8_t *raw, size_t n)
{
    int rc = reserve(e, n);
    if (rc < 0) return rc;
    if (n) memcpy(e->data + e->len, raw, n);
    e->len += n;
    return 0;
}

int ozk_rlp_put_bytes(ozk_rlp_enc *e, const uint8_t *s, size_t n)
{
    if (n == 1 && s[0] < 0x80) return ozk_rlp_put_raw(e, s, 1);
    uint8_t h[9];
    size_t hl = header(h, 0x80, n);
    int rc = ozk_rlp_put_raw(e, h, hl);
    if (rc < 0) return rc;
    return ozk_rlp_put_raw(e, s, n);
}

int ozk_rlp_put_u64(ozk_rlp_enc *e, uint64_t v)
{
    uint8_t b[8];
    size_t n = be_min(b, v);
    return ozk_rlp_put_bytes(e, b, n);
}

int ozk_rlp_put_uint_be(ozk_rlp_enc *e, const uint8_t *be, size_t n)
{
    while (n && be[0] == 0) be++, n--;
    return ozk_rlp_put_bytes(e, n ? be : NULL, n);
}

int ozk_rlp_list_begin(ozk_rlp_enc *e)
{
    if (e->err) return e->err;
    if (e->depth >= OZK_RLP_MAX_DEPTH) return e->err = OZK_EINVAL;
    e->marks[e->depth++] = e->len;
    return 0;
}

int ozk_rlp_list_end(ozk_rlp_enc *e)
{
    if (e->err) return e->err;
    if (e->depth == 0) return e->err = OZK_EINVAL;
    size_t start = e->marks[--e->depth];
    size_t n = e->len - start;
    uint8_t h[9];
    size_t hl = header(h, 0xc0, n);
    int rc = reserve(e, hl);
    if (rc < 0) return rc;
    memmove(e->data + start + hl, e->data + start, n);
    memcpy(e->data + start, h, hl);
    e->len += hl;
    return 0;
}

/* ---- decoding ---------------------------------------------------------------------------- */

/* Parses one item's header at in[0..n): the item and its total encoded size in *used. */
static int parse_one(ozk_rlp_item *item, size_t *used, const uint8_t *in, size_t n)
{
    if (n == 0) return OZK_EINVAL;
    uint8_t b = in[0];
    if (b < 0x80) { /* a single byte is its own encoding */
        item->is_list = 0;
        item->payload = in;
        item->len = 1;
        *used = 1;
        return 0;
    }
    int is_list = b >= 0xc0;
    uint8_t off = is_list ? (uint8_t)(b - 0xc0) : (uint8_t)(b - 0x80);
    size_t hl, len;
    if (off <= 55) {
        hl = 1;
        len = off;
        /* a single byte below 0x80 must not be wrapped as 0x81 xx */
        if (!is_list && len == 1 && (n < 2 || in[1] < 0x80)) return OZK_EINVAL;
    } else {
        size_t ll = (size_t)off - 55; /* 1..8 length bytes */
        if (ll > n - 1) return OZK_EINVAL;
        if (in[1] == 0) return OZK_EINVAL; /* length with a leading zero */
        uint64_t l = 0;
        for (size_t i = 0; i < ll; i++) l = (l << 8) | in[1 + i];
        if (l <= 55) return OZK_EINVAL; /* must have used the short form */
        if (l > SIZE_MAX) return OZK_EINVAL;
        hl = 1 + ll;
        len = (size_t)l;
    }
    if (len > n - hl) return OZK_EINVAL; /* beyond the buffer */
    item->is_list = is_list;
    item->payload = in + hl;
    item->len = len;
    *used = hl + len;
    return 0;
}

/* checks every item of a list payload, depth levels deep */
static int check_tree(const ozk_rlp_item *item, size_t depth)
{
    if (!item->is_list) return 0;
    if (depth >= OZK_RLP_MAX_DEPTH) return OZK_EINVAL;
    const uint8_t *p = item->payload;
    size_t left = item->len;
    while (left) {
        ozk_rlp_item sub;
        size_t used;
        int rc = parse_one(&sub, &used, p, left);
        if (rc < 0) return rc;
        rc = check_tree(&sub, depth + 1);
        if (rc < 0) return rc;
        p += used;
        left -= used;
    }
    return 0;
}

int ozk_rlp_decode(ozk_rlp_item *item, const uint8_t *in, size_t n)
{
    size_t used;
    int rc = parse_one(item, &used, in, n);
    if (rc < 0) return rc;
    if (used != n) return OZK_EINVAL; /* trailing bytes */
    return check_tree(item, 0);
}

int ozk_rlp_iter_init(ozk_rlp_iter *it, const ozk_rlp_item *list)
{
    if (!list->is_list) return OZK_EINVAL;
    it->p = list->payload;
    it->left = list->len;
    return 0;
}

int ozk_rlp_iter_next(ozk_rlp_iter *it, ozk_rlp_item *item)
{
    if (it->left == 0) return 0;
    size_t used;
    int rc = parse_one(item, &used, it->p, it->left);
    if (rc < 0) return rc;
    it->p += used;
    it->left -= used;
    return 1;
}

int ozk_rlp_item_uint_be(uint8_t *out, size_t n, const ozk_rlp_item *item)
{
    if (item->is_list) return OZK_EINVAL;
    if (item->len && item->payload[0] == 0) return OZK_EINVAL;
    if (item->len > n) return OZK_ERANGE;
    memset(out, 0, n - item->len);
    if (item->len) memcpy(out + n - item->len, item->payload, item->len);
    return 0;
}

int ozk_rlp_item_u64(uint64_t *v, const ozk_rlp_item *item)
{
    uint8_t b[8];
    int rc = ozk_rlp_item_uint_be(b, 8, item);
    if (rc < 0) return rc;
    uint64_t x = 0;
    for (int i = 0; i < 8; i++) x = (x << 8) | b[i];
    *v = x;
    return 0;
}
