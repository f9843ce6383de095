/*
 * tests/test_abi.c: the ABI against Foundry's `cast` (abi-encode, calldata, sig, keccak) on
 * random types and values of every kind, decoding of cast's bytes back to the same values, and
 * hostile input: every truncation, bad offsets and lengths, non-canonical padding, trailing
 * bytes, aliased offsets. Buffers handed to the decoder are exact-size heap copies, so the
 * sanitizer build sees any read out of bounds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ozk/abi.h"
#include "ozk/error.h"
#include "ozk/hex.h"
#include "ozk/keccak.h"
#include "ozk/tx.h"
#include "testutil.h"

#ifndef OZK_CAST
#error "OZK_CAST must name the cast binary"
#endif

/* ---- a growing string -------------------------------------------------------------------- */

typedef struct {
    char *s;
    size_t len, cap;
} str;

static void sputn(str *b, const char *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        assert_non_null(b->s);
    }
    memcpy(b->s + b->len, p, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sput(str *b, const char *p)
{
    sputn(b, p, strlen(p));
}

static void sput_hex(str *b, const uint8_t *p, size_t n)
{
    char *h = malloc(2 * n + 1);
    assert_non_null(h);
    ozk_hex_encode(h, p, n);
    sput(b, "0x");
    sput(b, h);
    free(h);
}

/* cast's 0x-hex output as bytes (malloc'd, exact size) */
static uint8_t *unhex(const char *s, size_t *n)
{
    size_t cap = strlen(s) / 2 + 1;
    uint8_t *p = malloc(cap);
    assert_non_null(p);
    long l = ozk_hex_decode(p, cap, s);
    if (l < 0) fail_msg("not hex: %s", s);
    *n = (size_t)l;
    return p;
}

/* ---- random types and values ------------------------------------------------------------- */

/* a random canonical type text of nesting up to depth */
static void rand_type(str *t, int depth)
{
    unsigned k = (unsigned)test_rand_below(depth > 0 ? 9 : 7);
    char tmp[16];
    switch (k) {
    case 0:
        snprintf(tmp, sizeof tmp, "uint%u", 8 * (1 + (unsigned)test_rand_below(32)));
        sput(t, tmp);
        break;
    case 1:
        snprintf(tmp, sizeof tmp, "int%u", 8 * (1 + (unsigned)test_rand_below(32)));
        sput(t, tmp);
        break;
    case 2:
        sput(t, "address");
        break;
    case 3:
        sput(t, "bool");
        break;
    case 4:
        snprintf(tmp, sizeof tmp, "bytes%u", 1 + (unsigned)test_rand_below(32));
        sput(t, tmp);
        break;
    case 5:
        sput(t, "bytes");
        break;
    case 6:
        sput(t, "string");
        break;
    case 7:
        rand_type(t, depth - 1);
        sput(t, "[]");
        break;
    default: {
        size_t n = 1 + test_rand_below(3);
        sput(t, "(");
        for (size_t i = 0; i < n; i++) {
            if (i) sput(t, ",");
            rand_type(t, depth - 1);
        }
        sput(t, ")");
    }
    }
}

/* decimal text of a 256-bit big-endian magnitude */
static void dec_text(str *b, const uint8_t be[32])
{
    uint8_t t[32];
    char rev[80];
    size_t n = 0;
    memcpy(t, be, 32);
    for (;;) {
        unsigned rem = 0, nz = 0;
        for (int i = 0; i < 32; i++) {
            unsigned cur = rem * 256 + t[i];
            t[i] = (uint8_t)(cur / 10);
            rem = cur % 10;
            nz |= t[i];
        }
        rev[n++] = (char)('0' + rem);
        if (!nz) break;
    }
    for (size_t i = 0; i < n; i++) sputn(b, &rev[n - 1 - i], 1);
}

/* a random value of t, and its text as a cast argument in *arg */
static void rand_value(ozk_abi_value *v, const ozk_abi_type *t, str *arg, int top)
{
    memset(v, 0, sizeof *v);
    v->kind = t->kind;
    switch (t->kind) {
    case OZK_ABI_UINT:
    case OZK_ABI_INT: {
        size_t nb = t->size / 8;
        /* often small, sometimes the extremes, else random over the full width */
        unsigned mode = (unsigned)test_rand_below(4);
        if (mode == 0) {
            v->word[31] = (uint8_t)test_rand_below(3);
        } else {
            test_rand_bytes(v->word + 32 - nb, nb);
            if (mode == 1 && t->kind == OZK_ABI_UINT) memset(v->word + 32 - nb, 0xff, nb);
        }
        if (t->kind == OZK_ABI_INT && (v->word[32 - nb] & 0x80)) memset(v->word, 0xff, 32 - nb);
        if (t->kind == OZK_ABI_INT && (v->word[0] & 0x80)) {
            uint8_t mag[32];
            unsigned carry = 1;
            for (int i = 31; i >= 0; i--) { /* magnitude = ~w + 1 */
                unsigned x = (uint8_t)~v->word[i] + carry;
                mag[i] = (uint8_t)x;
                carry = x >> 8;
            }
            sput(arg, "-");
            dec_text(arg, mag);
        } else {
            dec_text(arg, v->word);
        }
        break;
    }
    case OZK_ABI_ADDRESS: {
        char a[43];
        test_rand_bytes(v->word + 12, 20);
        ozk_address_to_text(a, v->word + 12);
        sput(arg, a);
        break;
    }
    case OZK_ABI_BOOL:
        v->word[31] = (uint8_t)test_rand_below(2);
        sput(arg, v->word[31] ? "true" : "false");
        break;
    case OZK_ABI_FIXED_BYTES:
        test_rand_bytes(v->word, t->size);
        sput_hex(arg, v->word, t->size);
        break;
    case OZK_ABI_BYTES:
        v->len = test_rand_below(4) ? test_rand_below(70) : 0;
        v->bytes = malloc(v->len + 1);
        assert_non_null(v->bytes);
        test_rand_bytes(v->bytes, v->len);
        sput_hex(arg, v->bytes, v->len);
        break;
    case OZK_ABI_STRING:
        /* letters only (cast's array and tuple syntax has no quoting we rely on); the empty
         * string only at the top level, where the shell quotes it */
        v->len = top ? test_rand_below(70) : 1 + test_rand_below(40);
        v->bytes = malloc(v->len + 1);
        assert_non_null(v->bytes);
        for (size_t i = 0; i < v->len; i++) v->bytes[i] = (uint8_t)('a' + test_rand_below(26));
        sputn(arg, (const char *)v->bytes, v->len);
        break;
    case OZK_ABI_ARRAY:
    case OZK_ABI_TUPLE: {
        int arr = t->kind == OZK_ABI_ARRAY;
        v->n = arr ? test_rand_below(4) : t->n;
        v->items = calloc(v->n + 1, sizeof *v->items);
        assert_non_null(v->items);
        sput(arg, arr ? "[" : "(");
        for (size_t i = 0; i < v->n; i++) {
            if (i) sput(arg, ",");
            rand_value(&v->items[i], arr ? t->elem : t->members[i], arg, 0);
        }
        sput(arg, arr ? "]" : ")");
        break;
    }
    }
}

static void assert_value_equal(const ozk_abi_value *a, const ozk_abi_value *b)
{
    assert_int_equal(a->kind, b->kind);
    switch (a->kind) {
    case OZK_ABI_BYTES:
    case OZK_ABI_STRING:
        assert_int_equal(a->len, b->len);
        if (a->len) assert_memory_equal(a->bytes, b->bytes, a->len);
        break;
    case OZK_ABI_ARRAY:
    case OZK_ABI_TUPLE:
        assert_int_equal(a->n, b->n);
        for (size_t i = 0; i < a->n; i++) assert_value_equal(&a->items[i], &b->items[i]);
        break;
    default:
        assert_memory_equal(a->word, b->word, 32);
    }
}

/* decodes a heap copy of exactly n bytes; returns the result code */
static int decode_copy(const ozk_abi_type *t, const uint8_t *p, size_t n, ozk_abi_value *out)
{
    uint8_t *c = malloc(n ? n : 1);
    assert_non_null(c);
    if (n) memcpy(c, p, n);
    ozk_abi_value v;
    int rc = ozk_abi_decode(&v, t, c, n);
    free(c);
    if (out)
        *out = v;
    else
        ozk_abi_value_free(&v);
    return rc;
}

/* ---- against cast ------------------------------------------------------------------------ */

/* cast abi-decode's text in our argument syntax: drops its scientific-notation annotations
 * (" [1.157e77]"), the spaces after commas and the quotes around strings (our random strings
 * are letters only) */
static void normalize(char *s)
{
    char *w = s;
    for (char *r = s; *r;) {
        if (r[0] == ' ' && r[1] == '[') {
            size_t k = 2;
            int has_e = 0;
            while (r[k] && strchr("-0123456789.e", r[k])) has_e |= r[k++] == 'e';
            if (r[k] == ']' && has_e) {
                r += k + 1;
                continue;
            }
        }
        if (*r != ' ' && *r != '"') *w++ = *r;
        r++;
    }
    *w = '\0';
}

static void test_random_vs_cast(void **state)
{
    (void)state;
    size_t cases = test_cases(60);
    for (size_t c = 0; c < cases; c++) {
        /* a parameter list of 1..4 random types */
        str types = { 0 }, sig = { 0 }, args = { 0 }, cmd = { 0 }, lines = { 0 };
        sput(&types, "(");
        size_t np = 1 + test_rand_below(4);
        for (size_t i = 0; i < np; i++) {
            if (i) sput(&types, ",");
            rand_type(&types, 3);
        }
        sput(&types, ")");
        ozk_abi_type *t;
        assert_int_equal(ozk_abi_type_parse(&t, types.s), 0);
        ozk_abi_value v;
        memset(&v, 0, sizeof v);
        v.kind = OZK_ABI_TUPLE;
        v.n = t->n;
        v.items = calloc(t->n, sizeof *v.items);
        assert_non_null(v.items);
        for (size_t i = 0; i < t->n; i++) {
            str a = { 0 };
            sputn(&a, "", 0);
            rand_value(&v.items[i], t->members[i], &a, 1);
            sput(&args, " '");
            sput(&args, a.s);
            sput(&args, "'");
            sput(&lines, a.s);
            sput(&lines, "\n");
            free(a.s);
        }
        char fname[16];
        snprintf(fname, sizeof fname, "f%u", (unsigned)test_rand_below(1000));
        sput(&sig, fname);
        sput(&sig, types.s);

        /* abi-encode */
        uint8_t *enc;
        size_t elen;
        assert_int_equal(ozk_abi_encode(&enc, &elen, t, &v), 0);
        sput(&cmd, OZK_CAST " abi-encode '");
        sput(&cmd, sig.s);
        sput(&cmd, "'");
        sput(&cmd, args.s);
        char *out = test_sh_ok(cmd.s);
        size_t clen;
        uint8_t *cb = unhex(out, &clen);
        if (clen != elen || memcmp(cb, enc, elen) != 0) {
            str mine = { 0 };
            sput_hex(&mine, enc, elen);
            fail_msg("%s\n  cast: %s\n  ozk:  %s", cmd.s, out, mine.s);
        }
        free(out);

        /* cast abi-decode of our encoding prints the arguments we started from */
        str mine = { 0 };
        sput_hex(&mine, enc, elen);
        cmd.len = 0;
        sput(&cmd, OZK_CAST " abi-decode 'f()");
        sput(&cmd, types.s);
        sput(&cmd, "' ");
        sput(&cmd, mine.s);
        out = test_sh_ok(cmd.s);
        normalize(out);
        lines.s[lines.len - 1] = '\0'; /* no final newline, as run_cast trims */
        if (strcmp(out, lines.s) != 0) fail_msg("%s\n  cast: %s\n  want: %s", cmd.s, out, lines.s);
        free(out);
        free(mine.s);

        /* decoding cast's bytes gives the value back */
        ozk_abi_value back;
        assert_int_equal(decode_copy(t, cb, clen, &back), 0);
        assert_value_equal(&back, &v);
        ozk_abi_value_free(&back);

        /* every truncation is refused, and so is a trailing word */
        for (size_t cut = 0; cut < clen; cut++)
            assert_int_equal(decode_copy(t, cb, cut, NULL), OZK_EINVAL);
        uint8_t *longer = calloc(clen + 32, 1);
        assert_non_null(longer);
        memcpy(longer, cb, clen);
        assert_int_equal(decode_copy(t, longer, clen + 32, NULL), OZK_EINVAL);
        /* any single-byte change either decodes or is refused, never crashes; bad offsets:
         * every word that could be an offset or length set to huge, to the end, past it */
        for (size_t i = 0; i < clen; i++) {
            uint8_t keep = cb[i];
            cb[i] ^= (uint8_t)(1 + test_rand_below(255));
            ozk_abi_value x;
            if (decode_copy(t, cb, clen, &x) == 0) ozk_abi_value_free(&x);
            cb[i] = keep;
        }
        for (size_t w = 0; w + 32 <= clen; w += 32) {
            uint8_t keep[32];
            memcpy(keep, cb + w, 32);
            static const uint64_t evil[] = { 0xffffffffffffffffull, 0x7fffffffull, 1, 31 };
            for (size_t e = 0; e < 5; e++) {
                uint64_t x = e < 4 ? evil[e] : (uint64_t)clen;
                memset(cb + w, 0, 32);
                for (int k = 0; k < 8; k++) cb[w + 31 - k] = (uint8_t)(x >> (8 * k));
                ozk_abi_value y;
                if (decode_copy(t, cb, clen, &y) == 0) ozk_abi_value_free(&y);
            }
            memset(cb + w, 0xff, 32); /* an offset above 2^64 */
            ozk_abi_value y;
            if (decode_copy(t, cb, clen, &y) == 0) ozk_abi_value_free(&y);
            memcpy(cb + w, keep, 32);
        }
        free(longer);
        free(cb);
        free(enc);

        /* calldata: the selector of the signature, then the same encoding */
        cmd.len = 0;
        sput(&cmd, OZK_CAST " calldata '");
        sput(&cmd, sig.s);
        sput(&cmd, "'");
        sput(&cmd, args.s);
        out = test_sh_ok(cmd.s);
        assert_int_equal(ozk_abi_calldata(&enc, &elen, sig.s, &v), 0);
        mine.s = NULL;
        mine.len = mine.cap = 0;
        sput_hex(&mine, enc, elen);
        if (strcmp(out, mine.s) != 0) fail_msg("%s\n  cast: %s\n  ozk:  %s", cmd.s, out, mine.s);
        free(mine.s);
        free(out);
        free(enc);

        ozk_abi_value_free(&v);
        ozk_abi_type_free(t);
        free(types.s);
        free(sig.s);
        free(args.s);
        free(cmd.s);
        free(lines.s);
    }
}

static void test_selectors_topics(void **state)
{
    (void)state;
    uint8_t s[4], topic[32];
    ozk_abi_selector(s, "transfer(address,uint256)");
    assert_memory_equal(s, "\xa9\x05\x9c\xbb", 4);
    ozk_abi_event_topic(topic, "Transfer(address,address,uint256)");
    assert_memory_equal(topic, "\xdd\xf2\x52\xad\x1b\xe2\xc8\x9b", 8);
    /* against cast sig and cast sig-event for a few signatures of this project's shape */
    static const char *sigs[] = { "commitBatch(bytes32,uint64,bytes32,uint32)",
                                  "respond(uint256,bytes,bytes)",
                                  "Challenged(bytes32,uint256,address,uint64)" };
    for (size_t i = 0; i < 3; i++) {
        char cmd[256], want[80];
        snprintf(cmd, sizeof cmd, "%s sig '%s'", OZK_CAST, sigs[i]);
        char *out = test_sh_ok(cmd);
        ozk_abi_selector(s, sigs[i]);
        strcpy(want, "0x");
        ozk_hex_encode(want + 2, s, 4);
        assert_string_equal(out, want);
        free(out);
        snprintf(cmd, sizeof cmd, "%s sig-event '%s'", OZK_CAST, sigs[i]);
        out = test_sh_ok(cmd);
        ozk_abi_event_topic(topic, sigs[i]);
        ozk_hex_encode(want + 2, topic, 32);
        assert_string_equal(out, want);
        free(out);
    }
}

/* ---- types ------------------------------------------------------------------------------- */

static void test_type_parse(void **state)
{
    (void)state;
    static const char *good[] = { "uint",   "int",     "uint8",       "int256",
                                  "bytes1", "bytes32", "address[][]", "(bool,(string,bytes)[])",
                                  "string" };
    static const char *bad[] = { "uint7",    "uint0",      "uint264", "uint08",
                                 "bytes0",   "bytes33",    "()",      "(uint256",
                                 "uint256)", "(uint256,)", "addr",    "uint256 x",
                                 "bool[",    "",           "int2560", "Uint256" };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        ozk_abi_type *t;
        if (ozk_abi_type_parse(&t, good[i]) != 0) fail_msg("refused %s", good[i]);
        ozk_abi_type_free(t);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ozk_abi_type *t;
        if (ozk_abi_type_parse(&t, bad[i]) != OZK_EINVAL) fail_msg("accepted %s", bad[i]);
    }
    ozk_abi_type *t;
    assert_int_equal(ozk_abi_type_parse(&t, "uint256[3]"), OZK_ENOTSUP);
    /* nesting beyond the bound */
    char deep[256] = { 0 };
    for (int i = 0; i < OZK_ABI_MAX_DEPTH + 2; i++) strcat(deep, "(");
    strcat(deep, "bool");
    for (int i = 0; i < OZK_ABI_MAX_DEPTH + 2; i++) strcat(deep, ")");
    assert_int_equal(ozk_abi_type_parse(&t, deep), OZK_EINVAL);
}

/* ---- range checks and canonical padding -------------------------------------------------- */

static void test_ranges_and_padding(void **state)
{
    (void)state;
    static const struct {
        const char *type;
        int byte; /* a byte of the word to set to 0x01 (or 0x80 for ints) */
    } cases[] = { { "uint8", 30 }, { "uint64", 23 }, { "uint248", 0 }, { "address", 11 },
                  { "bool", 30 },  { "bytes1", 1 },  { "bytes31", 31 } };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ozk_abi_type *t;
        assert_int_equal(ozk_abi_type_parse(&t, cases[i].type), 0);
        ozk_abi_value v;
        memset(&v, 0, sizeof v);
        v.kind = t->kind;
        v.word[cases[i].byte] = 1;
        uint8_t *enc;
        size_t len;
        assert_int_equal(ozk_abi_encode(&enc, &len, t, &v), OZK_ERANGE);
        assert_int_equal(decode_copy(t, v.word, 32, NULL), OZK_EINVAL);
        v.word[cases[i].byte] = 0;
        assert_int_equal(ozk_abi_encode(&enc, &len, t, &v), 0);
        free(enc);
        assert_int_equal(decode_copy(t, v.word, 32, NULL), 0);
        ozk_abi_type_free(t);
    }
    /* bool 2; int8: -1 is all ones, 0x00..80 is not sign-extended, 0xff..7f is not either */
    ozk_abi_type *t;
    uint8_t w[32] = { 0 };
    assert_int_equal(ozk_abi_type_parse(&t, "bool"), 0);
    w[31] = 2;
    assert_int_equal(decode_copy(t, w, 32, NULL), OZK_EINVAL);
    ozk_abi_type_free(t);
    assert_int_equal(ozk_abi_type_parse(&t, "int8"), 0);
    memset(w, 0xff, 32);
    assert_int_equal(decode_copy(t, w, 32, NULL), 0);
    w[31] = 0x7f;
    assert_int_equal(decode_copy(t, w, 32, NULL), OZK_EINVAL);
    memset(w, 0, 32);
    w[31] = 0x80;
    assert_int_equal(decode_copy(t, w, 32, NULL), OZK_EINVAL);
    ozk_abi_value v;
    ozk_abi_value_i64(&v, -129);
    uint8_t *enc;
    size_t len;
    assert_int_equal(ozk_abi_encode(&enc, &len, t, &v), OZK_ERANGE);
    ozk_abi_value_i64(&v, -128);
    assert_int_equal(ozk_abi_encode(&enc, &len, t, &v), 0);
    free(enc);
    ozk_abi_type_free(t);
    /* bytes: non-zero padding after the contents; a length past the end */
    assert_int_equal(ozk_abi_type_parse(&t, "(bytes)"), 0);
    uint8_t b[96] = { 0 };
    b[31] = 0x20;
    b[63] = 3;
    b[64] = 'a';
    b[65] = 'b';
    b[66] = 'c';
    ozk_abi_value x;
    assert_int_equal(decode_copy(t, b, 96, &x), 0);
    assert_int_equal(x.items[0].len, 3);
    ozk_abi_value_free(&x);
    b[95] = 1;
    assert_int_equal(decode_copy(t, b, 96, NULL), OZK_EINVAL);
    b[95] = 0;
    b[63] = 33;
    assert_int_equal(decode_copy(t, b, 96, NULL), OZK_EINVAL);
    b[63] = 3;
    b[31] = 0x40; /* the offset points at the padding: length 0x61626300.. is far too long */
    assert_int_equal(decode_copy(t, b, 96, NULL), OZK_EINVAL);
    ozk_abi_type_free(t);
    /* value shape must match the type */
    assert_int_equal(ozk_abi_type_parse(&t, "(uint256,bool)"), 0);
    ozk_abi_value items[2];
    ozk_abi_value_u64(&items[0], 1);
    ozk_abi_value_u64(&items[1], 1); /* a uint where a bool belongs */
    ozk_abi_value tup = { OZK_ABI_TUPLE, { 0 }, NULL, 0, items, 2 };
    assert_int_equal(ozk_abi_encode(&enc, &len, t, &tup), OZK_EINVAL);
    tup.n = 1;
    assert_int_equal(ozk_abi_encode(&enc, &len, t, &tup), OZK_EINVAL);
    ozk_abi_type_free(t);
}

/* aliased offsets: many array elements pointing at the same large string must not make the
 * decoder allocate far more than its input */
static void test_aliasing_bound(void **state)
{
    (void)state;
    ozk_abi_type *t;
    assert_int_equal(ozk_abi_type_parse(&t, "(string[])"), 0);
    size_t n = 64, slen = 2048;
    size_t total = 32 + 32 + 32 * n + 32 + slen;
    uint8_t *b = calloc(total, 1);
    assert_non_null(b);
    b[31] = 0x20;           /* offset of the array */
    b[32 + 31] = 64;        /* n = 64 elements */
    size_t elems = 64;      /* element offsets are relative to here */
    size_t str_at = 32 * n; /* the one string, after the heads */
    for (size_t i = 0; i < n; i++) {
        b[elems + 32 * i + 30] = (uint8_t)(str_at >> 8);
        b[elems + 32 * i + 31] = (uint8_t)str_at;
    }
    b[elems + str_at + 30] = (uint8_t)(slen >> 8);
    b[elems + str_at + 31] = (uint8_t)slen;
    memset(b + elems + str_at + 32, 'a', slen);
    /* 64 copies of 2 KiB from 4.2 KiB of input: refused */
    assert_int_equal(decode_copy(t, b, total, NULL), OZK_EINVAL);
    /* the same with a single element is fine */
    b[32 + 31] = 1;
    ozk_abi_value v;
    assert_int_equal(decode_copy(t, b, total, &v), 0);
    assert_int_equal(v.items[0].n, 1);
    assert_int_equal(v.items[0].items[0].len, slen);
    ozk_abi_value_free(&v);
    free(b);
    ozk_abi_type_free(t);
    /* an array length far beyond the input is refused before allocating */
    assert_int_equal(ozk_abi_type_parse(&t, "(uint256[])"), 0);
    uint8_t c[64] = { 0 };
    c[31] = 0x20;
    memset(c + 56, 0xff, 8);
    c[56] = 0;
    assert_int_equal(decode_copy(t, c, 64, NULL), OZK_EINVAL);
    ozk_abi_type_free(t);
}

/* ---- logs -------------------------------------------------------------------------------- */

static void test_logs(void **state)
{
    (void)state;
    /* Transfer(address indexed from, address indexed to, uint256 value), the topics and data
     * made by cast */
    const char *sig = "Transfer(address,address,uint256)";
    uint8_t topics[3][32], from[20], to[20];
    test_rand_bytes(from, 20);
    test_rand_bytes(to, 20);
    ozk_abi_event_topic(topics[0], sig);
    memset(topics[1], 0, 32);
    memcpy(topics[1] + 12, from, 20);
    memset(topics[2], 0, 32);
    memcpy(topics[2] + 12, to, 20);
    uint64_t amount = test_rand_u64();
    char cmd[256];
    snprintf(cmd, sizeof cmd, "%s abi-encode 'f(uint256)' %llu", OZK_CAST,
             (unsigned long long)amount);
    char *out = test_sh_ok(cmd);
    size_t dlen;
    uint8_t *data = unhex(out, &dlen);
    free(out);
    int idx[3] = { 1, 1, 0 };
    ozk_abi_value v;
    assert_int_equal(ozk_abi_decode_log(&v, sig, idx, 3, &topics[0][0], 3, data, dlen), 0);
    assert_int_equal(v.n, 3);
    assert_memory_equal(v.items[0].word + 12, from, 20);
    assert_memory_equal(v.items[1].word + 12, to, 20);
    ozk_abi_value want;
    ozk_abi_value_u64(&want, amount);
    assert_memory_equal(v.items[2].word, want.word, 32);
    ozk_abi_value_free(&v);
    /* wrong topic 0, wrong topic count, a non-canonical indexed address, a truncated data */
    topics[0][0] ^= 1;
    assert_int_equal(ozk_abi_decode_log(&v, sig, idx, 3, &topics[0][0], 3, data, dlen), OZK_EINVAL);
    topics[0][0] ^= 1;
    assert_int_equal(ozk_abi_decode_log(&v, sig, idx, 3, &topics[0][0], 2, data, dlen), OZK_EINVAL);
    topics[1][0] = 1;
    assert_int_equal(ozk_abi_decode_log(&v, sig, idx, 3, &topics[0][0], 3, data, dlen), OZK_EINVAL);
    topics[1][0] = 0;
    assert_int_equal(ozk_abi_decode_log(&v, sig, idx, 3, &topics[0][0], 3, data, dlen - 1),
                     OZK_EINVAL);
    free(data);

    /* an indexed string (only its hash is in the log) and non-indexed dynamic data */
    const char *sig2 = "Note(string,bytes32,bytes,uint8[])";
    uint8_t t2[2][32];
    ozk_abi_event_topic(t2[0], sig2);
    ozk_keccak256(t2[1], "hello", 5);
    snprintf(cmd, sizeof cmd, "%s abi-encode 'f(bytes32,bytes,uint8[])' 0x%064x 0xc0ffee '[1,2,3]'",
             OZK_CAST, 7);
    out = test_sh_ok(cmd);
    data = unhex(out, &dlen);
    free(out);
    int idx2[4] = { 1, 0, 0, 0 };
    assert_int_equal(ozk_abi_decode_log(&v, sig2, idx2, 4, &t2[0][0], 2, data, dlen), 0);
    assert_int_equal(v.items[0].kind, OZK_ABI_FIXED_BYTES);
    assert_memory_equal(v.items[0].word, t2[1], 32);
    assert_int_equal(v.items[1].word[31], 7);
    assert_int_equal(v.items[2].len, 3);
    assert_memory_equal(v.items[2].bytes, "\xc0\xff\xee", 3);
    assert_int_equal(v.items[3].n, 3);
    assert_int_equal(v.items[3].items[2].word[31], 3);
    ozk_abi_value_free(&v);
    for (size_t cut = 0; cut < dlen; cut++) {
        uint8_t *c = malloc(cut ? cut : 1);
        memcpy(c, data, cut);
        assert_int_equal(ozk_abi_decode_log(&v, sig2, idx2, 4, &t2[0][0], 2, c, cut), OZK_EINVAL);
        free(c);
    }
    free(data);
    /* an event with no parameters has no data */
    const uint8_t *tp = &t2[0][0];
    ozk_abi_event_topic(t2[0], "Ping()");
    assert_int_equal(ozk_abi_decode_log(&v, "Ping()", NULL, 0, tp, 1, NULL, 0), 0);
    assert_int_equal(v.n, 0);
    ozk_abi_value_free(&v);
    uint8_t junk = 0;
    assert_int_equal(ozk_abi_decode_log(&v, "Ping()", NULL, 0, tp, 1, &junk, 1), OZK_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_parse),
        cmocka_unit_test(test_selectors_topics),
        cmocka_unit_test(test_ranges_and_padding),
        cmocka_unit_test(test_aliasing_bound),
        cmocka_unit_test(test_logs),
        cmocka_unit_test(test_random_vs_cast),
    };
    return TEST_RUN("abi", tests);
}
