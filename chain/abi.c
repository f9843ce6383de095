/*
 * chain/abi.c: Solidity ABI types, encoding and strict decoding. Source: the Solidity
 * documentation, "Contract ABI Specification" (formal specification of the encoding).
 */
#include <stdlib.h>
#include <string.h>

#include "ozk/abi.h"
#include "ozk/error.h"
#include "ozk/keccak.h"

/* ---- types ------------------------------------------------------------------------------- */

void ozk_abi_type_free(ozk_abi_type *t)
{
    if (!t) return;
    ozk_abi_type_free(t->elem);
    for (size_t i = 0; i < t->n; i++) ozk_abi_type_free(t->members[i]);
    free(t->members);
    free(t);
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* a decimal number without leading zeros, at most 3 digits; -1 when absent or malformed */
static int parse_num(const char **p)
{
    const char *s = *p;
    int v = 0, k = 0;
    if (!is_digit(*s) || (*s == '0' && is_digit(s[1]))) return -1;
    while (is_digit(*s) && k < 4) v = v * 10 + (*s++ - '0'), k++;
    if (k > 3) return -1;
    *p = s;
    return v;
}

static int parse_type(ozk_abi_type **out, const char **p, int depth);

static int parse_tuple(ozk_abi_type *t, const char **p, int depth)
{
    (*p)++; /* '(' */
    size_t cap = 0;
    for (;;) {
        if (t->n == cap) {
            cap = cap ? 2 * cap : 4;
            ozk_abi_type **m = realloc(t->members, cap * sizeof *m);
            if (!m) return OZK_ENOMEM;
            t->members = m;
        }
        int rc = parse_type(&t->members[t->n], p, depth + 1);
        if (rc < 0) return rc;
        t->n++;
        if (**p == ',') {
            (*p)++;
            continue;
        }
        if (**p != ')') return OZK_EINVAL;
        (*p)++;
        return 0;
    }
}

static int parse_base(ozk_abi_type *t, const char **p)
{
    const char *s = *p;
    static const struct {
        const char *name;
        ozk_abi_kind kind;
        int sized; /* followed by an optional (uint/int) or required-or-none (bytes) size */
    } bases[] = {
        { "uint", OZK_ABI_UINT, 1 },       { "int", OZK_ABI_INT, 1 },
        { "address", OZK_ABI_ADDRESS, 0 }, { "bool", OZK_ABI_BOOL, 0 },
        { "bytes", OZK_ABI_BYTES, 1 },     { "string", OZK_ABI_STRING, 0 },
    };
    for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++) {
        size_t l = strlen(bases[i].name);
        if (strncmp(s, bases[i].name, l) != 0) continue;
        s += l;
        t->kind = bases[i].kind;
        if (bases[i].sized && is_digit(*s)) {
            int v = parse_num(&s);
            if (t->kind == OZK_ABI_BYTES) {
                if (v < 1 || v > 32) return OZK_EINVAL;
                t->kind = OZK_ABI_FIXED_BYTES;
            } else if (v < 8 || v > 256 || v % 8) {
                return OZK_EINVAL;
            }
            t->size = (unsigned)v;
        } else if (t->kind == OZK_ABI_UINT || t->kind == OZK_ABI_INT) {
            t->size = 256;
        }
        if ((*s >= 'a' && *s <= 'z') || is_digit(*s)) return OZK_EINVAL;
        *p = s;
        return 0;
    }
    return OZK_EINVAL;
}

static int parse_type(ozk_abi_type **out, const char **p, int depth)
{
    int rc;
    *out = NULL;
    if (depth > OZK_ABI_MAX_DEPTH) return OZK_EINVAL;
    ozk_abi_type *t = calloc(1, sizeof *t);
    if (!t) return OZK_ENOMEM;
    if (**p == '(') {
        t->kind = OZK_ABI_TUPLE;
        OZK_TRY(parse_tuple(t, p, depth));
    } else {
        OZK_TRY(parse_base(t, p));
    }
    while (**p == '[') {
        if ((*p)[1] != ']') {
            rc = is_digit((*p)[1]) ? OZK_ENOTSUP : OZK_EINVAL;
            goto fail;
        }
        *p += 2;
        if (++depth > OZK_ABI_MAX_DEPTH) {
            rc = OZK_EINVAL;
            goto fail;
        }
        ozk_abi_type *a = calloc(1, sizeof *a);
        if (!a) {
            rc = OZK_ENOMEM;
            goto fail;
        }
        a->kind = OZK_ABI_ARRAY;
        a->elem = t;
        t = a;
    }
    *out = t;
    return 0;
fail:
    ozk_abi_type_free(t);
    return rc;
}

int ozk_abi_type_parse(ozk_abi_type **out, const char *text)
{
    const char *p = text;
    int rc = parse_type(out, &p, 0);
    if (rc < 0) return rc;
    if (*p != '\0') {
        ozk_abi_type_free(*out);
        *out = NULL;
        return OZK_EINVAL;
    }
    return 0;
}

int ozk_abi_type_is_dynamic(const ozk_abi_type *t)
{
    switch (t->kind) {
    case OZK_ABI_BYTES:
    case OZK_ABI_STRING:
    case OZK_ABI_ARRAY:
        return 1;
    case OZK_ABI_TUPLE:
        for (size_t i = 0; i < t->n; i++)
            if (ozk_abi_type_is_dynamic(t->members[i])) return 1;
        return 0;
    default:
        return 0;
    }
}

/* bytes a value of t takes in its enclosing head: 32 for dynamic types (an offset) */
static size_t head_size(const ozk_abi_type *t)
{
    if (t->kind != OZK_ABI_TUPLE || ozk_abi_type_is_dynamic(t)) return 32;
    size_t s = 0;
    for (size_t i = 0; i < t->n; i++) s += head_size(t->members[i]);
    return s;
}

/* ---- values ------------------------------------------------------------------------------ */

void ozk_abi_value_free(ozk_abi_value *v)
{
    if (!v) return;
    free(v->bytes);
    for (size_t i = 0; i < v->n; i++) ozk_abi_value_free(&v->items[i]);
    free(v->items);
    memset(v, 0, sizeof *v);
}

void ozk_abi_value_u64(ozk_abi_value *v, uint64_t x)
{
    memset(v, 0, sizeof *v);
    v->kind = OZK_ABI_UINT;
    for (int i = 0; i < 8; i++) v->word[31 - i] = (uint8_t)(x >> (8 * i));
}

void ozk_abi_value_i64(ozk_abi_value *v, int64_t x)
{
    memset(v, 0, sizeof *v);
    v->kind = OZK_ABI_INT;
    uint64_t u = (uint64_t)x;
    memset(v->word, x < 0 ? 0xff : 0, 24);
    for (int i = 0; i < 8; i++) v->word[31 - i] = (uint8_t)(u >> (8 * i));
}

void ozk_abi_value_address(ozk_abi_value *v, const uint8_t addr[20])
{
    memset(v, 0, sizeof *v);
    v->kind = OZK_ABI_ADDRESS;
    memcpy(v->word + 12, addr, 20);
}

void ozk_abi_value_bool(ozk_abi_value *v, int b)
{
    memset(v, 0, sizeof *v);
    v->kind = OZK_ABI_BOOL;
    v->word[31] = b ? 1 : 0;
}

/* 1 when w is a canonical word for the static scalar type t */
static int word_ok(const ozk_abi_type *t, const uint8_t w[32])
{
    size_t i;
    switch (t->kind) {
    case OZK_ABI_UINT:
        for (i = 0; i < 32 - t->size / 8; i++)
            if (w[i]) return 0;
        return 1;
    case OZK_ABI_INT: {
        /* the bytes above N bits repeat the sign bit of the N-bit value */
        size_t top = 32 - t->size / 8;
        uint8_t ext = (w[top] & 0x80) ? 0xff : 0x00;
        for (i = 0; i < top; i++)
            if (w[i] != ext) return 0;
        return 1;
    }
    case OZK_ABI_ADDRESS:
        for (i = 0; i < 12; i++)
            if (w[i]) return 0;
        return 1;
    case OZK_ABI_BOOL:
        for (i = 0; i < 31; i++)
            if (w[i]) return 0;
        return w[31] <= 1;
    case OZK_ABI_FIXED_BYTES:
        for (i = t->size; i < 32; i++)
            if (w[i]) return 0;
        return 1;
    default:
        return 0;
    }
}

static int is_scalar(ozk_abi_kind k)
{
    return k == OZK_ABI_UINT || k == OZK_ABI_INT || k == OZK_ABI_ADDRESS || k == OZK_ABI_BOOL ||
           k == OZK_ABI_FIXED_BYTES;
}

/* ---- encoding ---------------------------------------------------------------------------- */

typedef struct {
    uint8_t *p;
    size_t len, cap;
} buf;

static int buf_grow(buf *b, size_t extra)
{
    if (extra > SIZE_MAX / 4 - b->len) return OZK_ENOMEM;
    if (b->len + extra <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra) cap *= 2;
    uint8_t *p = realloc(b->p, cap);
    if (!p) return OZK_ENOMEM;
    b->p = p;
    b->cap = cap;
    return 0;
}

/* appends n zero bytes; returns the offset where they start via *at */
static int buf_zeros(buf *b, size_t n, size_t *at)
{
    int rc = buf_grow(b, n);
    if (rc < 0) return rc;
    memset(b->p + b->len, 0, n);
    *at = b->len;
    b->len += n;
    return 0;
}

static void put_size(uint8_t w[32], size_t x)
{
    memset(w, 0, 32);
    for (int i = 0; i < 8; i++) w[31 - i] = (uint8_t)((uint64_t)x >> (8 * i));
}

static int enc(buf *b, const ozk_abi_type *t, const ozk_abi_value *v);

/* the tuple encoding of items[0..n) whose types are members[i] or, when members is NULL, elem */
static int enc_seq(buf *b, ozk_abi_type *const *members, const ozk_abi_type *elem,
                   const ozk_abi_value *items, size_t n)
{
    int rc;
    size_t hs = 0;
    for (size_t i = 0; i < n; i++) hs += head_size(members ? members[i] : elem);
    size_t start;
    OZK_TRY(buf_zeros(b, hs, &start));
    size_t h = start;
    for (size_t i = 0; i < n; i++) {
        const ozk_abi_type *t = members ? members[i] : elem;
        if (ozk_abi_type_is_dynamic(t)) {
            uint8_t w[32];
            put_size(w, b->len - start); /* the tail's offset from the tuple's start */
            memcpy(b->p + h, w, 32);
            OZK_TRY(enc(b, t, &items[i]));
            h += 32;
        } else {
            /* static: encode at the end, then move into the head slot */
            size_t at = b->len, sz = head_size(t);
            OZK_TRY(enc(b, t, &items[i]));
            memcpy(b->p + h, b->p + at, sz);
            b->len = at;
            h += sz;
        }
    }
    return 0;
fail:
    return rc;
}

static int enc(buf *b, const ozk_abi_type *t, const ozk_abi_value *v)
{
    int rc;
    size_t at;
    if (v->kind != t->kind) return OZK_EINVAL;
    if (is_scalar(t->kind)) {
        if (!word_ok(t, v->word)) return OZK_ERANGE;
        OZK_TRY(buf_zeros(b, 32, &at));
        memcpy(b->p + at, v->word, 32);
        return 0;
    }
    switch (t->kind) {
    case OZK_ABI_BYTES:
    case OZK_ABI_STRING: {
        if (v->len && !v->bytes) return OZK_EINVAL;
        if (v->len > SIZE_MAX - 64) return OZK_ENOMEM;
        size_t padded = (v->len + 31) / 32 * 32;
        OZK_TRY(buf_zeros(b, 32 + padded, &at));
        put_size(b->p + at, v->len);
        if (v->len) memcpy(b->p + at + 32, v->bytes, v->len);
        return 0;
    }
    case OZK_ABI_ARRAY:
        if (v->n && !v->items) return OZK_EINVAL;
        OZK_TRY(buf_zeros(b, 32, &at));
        put_size(b->p + at, v->n);
        return enc_seq(b, NULL, t->elem, v->items, v->n);
    case OZK_ABI_TUPLE:
        if (v->n != t->n || !v->items) return OZK_EINVAL;
        return enc_seq(b, t->members, NULL, v->items, v->n);
    default:
        return OZK_EINVAL;
    }
fail:
    return rc;
}

int ozk_abi_encode(uint8_t **out, size_t *len, const ozk_abi_type *t, const ozk_abi_value *v)
{
    buf b = { 0 };
    int rc = enc(&b, t, v);
    if (rc < 0) {
        free(b.p);
        return rc;
    }
    if (!b.p) b.p = malloc(1); /* never return NULL on success */
    if (!b.p) return OZK_ENOMEM;
    *out = b.p;
    *len = b.len;
    return 0;
}

/* ---- decoding ---------------------------------------------------------------------------- */

typedef struct {
    const uint8_t *in;
    size_t n;
    size_t hi;     /* the furthest byte read: the value must end exactly at n */
    size_t budget; /* bytes of decoded output left; bounds aliased offsets */
} dctx;

static int need(dctx *d, size_t pos, size_t len)
{
    if (pos > d->n || len > d->n - pos) return OZK_EINVAL;
    if (pos + len > d->hi) d->hi = pos + len;
    return 0;
}

static int spend(dctx *d, size_t cost)
{
    if (cost > d->budget) return OZK_EINVAL;
    d->budget -= cost;
    return 0;
}

/* a length or offset word: at most 64 bits and at most the input size */
static int read_size(dctx *d, size_t pos, size_t *out)
{
    int rc = need(d, pos, 32);
    if (rc < 0) return rc;
    const uint8_t *w = d->in + pos;
    for (int i = 0; i < 24; i++)
        if (w[i]) return OZK_EINVAL;
    uint64_t x = 0;
    for (int i = 24; i < 32; i++) x = (x << 8) | w[i];
    if (x > d->n) return OZK_EINVAL;
    *out = (size_t)x;
    return 0;
}

static int dec(dctx *d, ozk_abi_value *v, const ozk_abi_type *t, size_t pos);

static int dec_seq(dctx *d, ozk_abi_value *v, ozk_abi_type *const *members,
                   const ozk_abi_type *elem, size_t n, size_t start)
{
    int rc;
    if (start > d->n) return OZK_EINVAL;
    if (n) {
        v->items = calloc(n, sizeof *v->items);
        if (!v->items) return OZK_ENOMEM;
    }
    v->n = n;
    size_t h = start;
    for (size_t i = 0; i < n; i++) {
        const ozk_abi_type *t = members ? members[i] : elem;
        if (ozk_abi_type_is_dynamic(t)) {
            size_t off;
            OZK_TRY(read_size(d, h, &off));
            if (off > d->n - start) return OZK_EINVAL; /* outside the enclosing tuple */
            OZK_TRY(dec(d, &v->items[i], t, start + off));
            h += 32;
        } else {
            OZK_TRY(dec(d, &v->items[i], t, h));
            h += head_size(t);
        }
    }
    return 0;
fail:
    return rc;
}

static int dec(dctx *d, ozk_abi_value *v, const ozk_abi_type *t, size_t pos)
{
    int rc;
    size_t len;
    v->kind = t->kind;
    if (is_scalar(t->kind)) {
        OZK_TRY(need(d, pos, 32));
        OZK_TRY(spend(d, 32));
        memcpy(v->word, d->in + pos, 32);
        return word_ok(t, v->word) ? 0 : OZK_EINVAL;
    }
    switch (t->kind) {
    case OZK_ABI_BYTES:
    case OZK_ABI_STRING: {
        OZK_TRY(read_size(d, pos, &len));
        size_t padded = (len + 31) / 32 * 32;
        OZK_TRY(need(d, pos + 32, padded));
        OZK_TRY(spend(d, 32 + len));
        const uint8_t *s = d->in + pos + 32;
        for (size_t i = len; i < padded; i++)
            if (s[i]) return OZK_EINVAL; /* non-zero padding */
        v->bytes = malloc(len ? len : 1);
        if (!v->bytes) return OZK_ENOMEM;
        if (len) memcpy(v->bytes, s, len);
        v->len = len;
        return 0;
    }
    case OZK_ABI_ARRAY:
        OZK_TRY(read_size(d, pos, &len));
        OZK_TRY(spend(d, 32));
        /* every element takes at least its head in the buffer: refuse counts that cannot fit
         * before allocating for them */
        if (len > (d->n - pos - 32) / head_size(t->elem)) return OZK_EINVAL;
        return dec_seq(d, v, NULL, t->elem, len, pos + 32);
    case OZK_ABI_TUPLE:
        return dec_seq(d, v, t->members, NULL, t->n, pos);
    default:
        return OZK_EINVAL;
    }
fail:
    return rc;
}

int ozk_abi_decode(ozk_abi_value *v, const ozk_abi_type *t, const uint8_t *in, size_t n)
{
    memset(v, 0, sizeof *v);
    if (!in && n) return OZK_EINVAL;
    /* a canonical encoding never decodes to more than its own size plus the words it
     * describes; twice the input is a generous bound that aliasing cannot exceed much */
    dctx d = { in, n, 0, 2 * n + 64 };
    int rc = dec(&d, v, t, 0);
    if (rc == 0 && d.hi != n) rc = OZK_EINVAL; /* trailing bytes */
    if (rc < 0) ozk_abi_value_free(v);
    return rc;
}

/* ---- selectors, calldata, logs ----------------------------------------------------------- */

void ozk_abi_selector(uint8_t out[4], const char *signature)
{
    uint8_t h[32];
    ozk_keccak256(h, signature, strlen(signature));
    memcpy(out, h, 4);
}

void ozk_abi_event_topic(uint8_t out[32], const char *signature)
{
    ozk_keccak256(out, signature, strlen(signature));
}

/* Parses "name(T1,...)" into its parameter tuple; an empty list gives a tuple of no members. */
static int parse_signature(ozk_abi_type **params, const char *sig)
{
    const char *p = strchr(sig, '(');
    if (!p || p == sig) return OZK_EINVAL;
    for (const char *q = sig; q < p; q++) {
        char c = *q;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' ||
              c == '$'))
            return OZK_EINVAL;
    }
    if (strcmp(p, "()") == 0) {
        *params = calloc(1, sizeof **params);
        if (!*params) return OZK_ENOMEM;
        (*params)->kind = OZK_ABI_TUPLE;
        return 0;
    }
    int rc = ozk_abi_type_parse(params, p);
    if (rc < 0) return rc;
    if ((*params)->kind != OZK_ABI_TUPLE) {
        ozk_abi_type_free(*params); /* "f(uint256)[]" */
        *params = NULL;
        return OZK_EINVAL;
    }
    return 0;
}

int ozk_abi_calldata(uint8_t **out, size_t *len, const char *signature, const ozk_abi_value *args)
{
    int rc;
    ozk_abi_type *t = NULL;
    buf b = { 0 };
    size_t at;
    OZK_TRY(parse_signature(&t, signature));
    OZK_TRY(buf_zeros(&b, 4, &at));
    ozk_abi_selector(b.p, signature);
    if (t->n == 0) {
        if (args && (args->kind != OZK_ABI_TUPLE || args->n)) {
            rc = OZK_EINVAL;
            goto fail;
        }
    } else {
        if (!args) {
            rc = OZK_EINVAL;
            goto fail;
        }
        OZK_TRY(enc(&b, t, args));
    }
    ozk_abi_type_free(t);
    *out = b.p;
    *len = b.len;
    return 0;
fail:
    ozk_abi_type_free(t);
    free(b.p);
    return rc;
}

int ozk_abi_decode_log(ozk_abi_value *v, const char *signature, const int *indexed, size_t n,
                       const uint8_t *topics, size_t ntopics, const uint8_t *data, size_t len)
{
    int rc;
    ozk_abi_type *t = NULL, sub = { OZK_ABI_TUPLE, 0, NULL, NULL, 0 };
    ozk_abi_value dv = { 0 };
    memset(v, 0, sizeof *v);
    OZK_TRY(parse_signature(&t, signature));
    if (t->n != n || ntopics == 0) {
        rc = OZK_EINVAL;
        goto fail;
    }
    uint8_t topic0[32];
    ozk_abi_event_topic(topic0, signature);
    size_t nidx = 0;
    for (size_t i = 0; i < n; i++) nidx += indexed[i] ? 1 : 0;
    if (memcmp(topics, topic0, 32) != 0 || ntopics != 1 + nidx) {
        rc = OZK_EINVAL;
        goto fail;
    }
    /* the data holds the non-indexed parameters as one tuple */
    if (n - nidx) {
        sub.members = calloc(n - nidx, sizeof *sub.members);
        if (!sub.members) {
            rc = OZK_ENOMEM;
            goto fail;
        }
        for (size_t i = 0; i < n; i++)
            if (!indexed[i]) sub.members[sub.n++] = t->members[i];
        OZK_TRY(ozk_abi_decode(&dv, &sub, data, len));
    } else if (len != 0) {
        rc = OZK_EINVAL;
        goto fail;
    }
    v->kind = OZK_ABI_TUPLE;
    if (n) {
        v->items = calloc(n, sizeof *v->items);
        if (!v->items) {
            rc = OZK_ENOMEM;
            goto fail;
        }
    }
    v->n = n;
    size_t ti = 1, di = 0;
    for (size_t i = 0; i < n; i++) {
        const ozk_abi_type *mt = t->members[i];
        if (!indexed[i]) {
            v->items[i] = dv.items[di]; /* move it */
            memset(&dv.items[di++], 0, sizeof(ozk_abi_value));
        } else if (ozk_abi_type_is_dynamic(mt) || mt->kind == OZK_ABI_TUPLE) {
            v->items[i].kind = OZK_ABI_FIXED_BYTES; /* only its hash is in the log */
            memcpy(v->items[i].word, topics + 32 * ti++, 32);
        } else {
            OZK_TRY(ozk_abi_decode(&v->items[i], mt, topics + 32 * ti++, 32));
        }
    }
    rc = 0;
fail:
    if (rc < 0) ozk_abi_value_free(v);
    ozk_abi_value_free(&dv);
    free(sub.members);
    ozk_abi_type_free(t);
    return rc;
}
