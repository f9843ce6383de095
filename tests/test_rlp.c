/*
 * tests/test_rlp.c: RLP against the yellow paper / Ethereum wiki examples, round trips of
 * random trees, and malformed encodings that a strict decoder must refuse.
 */
#include <stdlib.h>
#include <string.h>

#include "ozk/error.h"
#include "ozk/hex.h"
#include "ozk/rlp.h"
#include "testutil.h"

static void expect_hex(const ozk_rlp_enc *e, const char *want)
{
    assert_int_equal(e->err, 0);
    assert_int_equal(e->depth, 0);
    char *got = malloc(2 * e->len + 1);
    assert_non_null(got);
    ozk_hex_encode(got, e->data, e->len);
    assert_string_equal(got, want);
    free(got);
}

static void put_str(ozk_rlp_enc *e, const char *s)
{
    assert_int_equal(ozk_rlp_put_bytes(e, (const uint8_t *)s, strlen(s)), 0);
}

/* decodes hex and returns ozk_rlp_decode's result */
static int decode_hex(ozk_rlp_item *it, uint8_t *buf, size_t cap, const char *hex)
{
    long n = ozk_hex_decode(buf, cap, hex);
    assert_true(n >= 0);
    return ozk_rlp_decode(it, buf, (size_t)n);
}

static void test_vectors(void **state)
{
    (void)state;
    ozk_rlp_enc e;
    /* "dog" = [0x83, 'd', 'o', 'g'] */
    ozk_rlp_enc_init(&e);
    put_str(&e, "dog");
    expect_hex(&e, "83646f67");
    ozk_rlp_enc_free(&e);
    /* ["cat", "dog"] */
    ozk_rlp_enc_init(&e);
    ozk_rlp_list_begin(&e);
    put_str(&e, "cat");
    put_str(&e, "dog");
    ozk_rlp_list_end(&e);
    expect_hex(&e, "c88363617483646f67");
    ozk_rlp_enc_free(&e);
    /* the empty string, the empty list */
    ozk_rlp_enc_init(&e);
    put_str(&e, "");
    ozk_rlp_list_begin(&e);
    ozk_rlp_list_end(&e);
    expect_hex(&e, "80c0");
    ozk_rlp_enc_free(&e);
    /* integers 0, 15, 1024; the byte 0x00 as a string is 0x00 */
    ozk_rlp_enc_init(&e);
    ozk_rlp_put_u64(&e, 0);
    ozk_rlp_put_u64(&e, 15);
    ozk_rlp_put_u64(&e, 1024);
    uint8_t zero = 0;
    ozk_rlp_put_bytes(&e, &zero, 1);
    expect_hex(&e, "800f82040000");
    ozk_rlp_enc_free(&e);
    /* the set-theoretic representation of three: [ [], [[]], [ [], [[]] ] ] */
    ozk_rlp_enc_init(&e);
    ozk_rlp_list_begin(&e);
    ozk_rlp_list_begin(&e);
    ozk_rlp_list_end(&e);
    ozk_rlp_list_begin(&e);
    ozk_rlp_list_begin(&e);
    ozk_rlp_list_end(&e);
    ozk_rlp_list_end(&e);
    ozk_rlp_list_begin(&e);
    ozk_rlp_list_begin(&e);
    ozk_rlp_list_end(&e);
    ozk_rlp_list_begin(&e);
    ozk_rlp_list_begin(&e);
    ozk_rlp_list_end(&e);
    ozk_rlp_list_end(&e);
    ozk_rlp_list_end(&e);
    ozk_rlp_list_end(&e);
    expect_hex(&e, "c7c0c1c0c3c0c1c0");
    ozk_rlp_enc_free(&e);
    /* "Lorem ipsum dolor sit amet, consectetur adipisicing elit" (56 bytes: the long form) */
    ozk_rlp_enc_init(&e);
    put_str(&e, "Lorem ipsum dolor sit amet, consectetur adipisicing elit");
    expect_hex(&e, "b8384c6f72656d20697073756d20646f6c6f722073697420616d65742c20636f6e73656374"
                   "65747572206164697069736963696e6720656c6974");
    ozk_rlp_enc_free(&e);
    /* 256-bit integers strip leading zeros; zero is the empty string */
    uint8_t be[32] = { 0 };
    ozk_rlp_enc_init(&e);
    ozk_rlp_put_uint_be(&e, be, 32);
    be[31] = 0x7f;
    ozk_rlp_put_uint_be(&e, be, 32);
    be[30] = 0x01;
    ozk_rlp_put_uint_be(&e, be, 32);
    expect_hex(&e, "807f82017f");
    ozk_rlp_enc_free(&e);
}

static void test_decode_vectors(void **state)
{
    (void)state;
    uint8_t buf[128];
    ozk_rlp_item it, sub;
    ozk_rlp_iter iter;
    uint64_t v;
    assert_int_equal(decode_hex(&it, buf, sizeof buf, "c88363617483646f67"), 0);
    assert_true(it.is_list);
    assert_int_equal(ozk_rlp_iter_init(&iter, &it), 0);
    assert_int_equal(ozk_rlp_iter_next(&iter, &sub), 1);
    assert_false(sub.is_list);
    assert_int_equal(sub.len, 3);
    assert_memory_equal(sub.payload, "cat", 3);
    assert_int_equal(ozk_rlp_iter_next(&iter, &sub), 1);
    assert_memory_equal(sub.payload, "dog", 3);
    assert_int_equal(ozk_rlp_iter_next(&iter, &sub), 0);
    /* integers */
    assert_int_equal(decode_hex(&it, buf, sizeof buf, "820400"), 0);
    assert_int_equal(ozk_rlp_item_u64(&v, &it), 0);
    assert_int_equal(v, 1024);
    assert_int_equal(decode_hex(&it, buf, sizeof buf, "80"), 0);
    assert_int_equal(ozk_rlp_item_u64(&v, &it), 0);
    assert_int_equal(v, 0);
    assert_int_equal(decode_hex(&it, buf, sizeof buf, "0f"), 0);
    assert_int_equal(ozk_rlp_item_u64(&v, &it), 0);
    assert_int_equal(v, 15);
    /* a leading zero in an integer, an integer too wide, a list as an integer */
    assert_int_equal(decode_hex(&it, buf, sizeof buf, "820004"), 0);
    assert_int_equal(ozk_rlp_item_u64(&v, &it), OZK_EINVAL);
    assert_int_equal(decode_hex(&it, buf, sizeof buf, "00"), 0);
    assert_int_equal(ozk_rlp_item_u64(&v, &it), OZK_EINVAL); /* 0 must be 0x80 */
    assert_int_equal(decode_hex(&it, buf, sizeof buf, "89010203040506070809"), 0);
    assert_int_equal(ozk_rlp_item_u64(&v, &it), OZK_ERANGE);
    assert_int_equal(decode_hex(&it, buf, sizeof buf, "c0"), 0);
    assert_int_equal(ozk_rlp_item_u64(&v, &it), OZK_EINVAL);
    assert_int_equal(ozk_rlp_iter_init(&iter, &it), 0);
    assert_int_equal(ozk_rlp_iter_next(&iter, &sub), 0);
    uint8_t w[32];
    assert_int_equal(decode_hex(&it, buf, sizeof buf, "82017f"), 0);
    assert_int_equal(ozk_rlp_item_uint_be(w, 32, &it), 0);
    assert_int_equal(w[30], 1);
    assert_int_equal(w[31], 0x7f);
    assert_int_equal(w[0], 0);
    assert_int_equal(ozk_rlp_item_uint_be(w, 1, &it), OZK_ERANGE);
}

static void test_malformed(void **state)
{
    (void)state;
    static const char *bad[] = {
        "",                   /* nothing */
        "8100",               /* a byte < 0x80 wrapped as a string of one */
        "817f",               /* same */
        "b800",               /* long form for length 0 */
        "b837" /* +55 */,     /* long form for a length that fits the short form */
        "b90038",             /* length with a leading zero */
        "83646f",             /* string beyond the buffer */
        "c883636174",         /* list beyond the buffer */
        "83646f6700",         /* trailing byte */
        "c0c0",               /* two items at the top */
        "f800",               /* list long form for length 0 */
        "c2820400",           /* list payload shorter than its sub-item */
        "c28100",             /* a non-canonical item inside a list */
        "bf",                 /* long form with 8 length bytes, none there */
        "bfffffffffffffffff", /* a huge length */
        "c1",                 /* list header, payload missing */
        "b9",                 /* long form with missing length bytes */
    };
    uint8_t buf[64];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ozk_rlp_item it;
        long n = ozk_hex_decode(buf, sizeof buf, bad[i]);
        assert_true(n >= 0);
        if (ozk_rlp_decode(&it, buf, (size_t)n) != OZK_EINVAL) fail_msg("accepted %s", bad[i]);
    }
    /* a long string of 55 bytes must use the short form: b837 + 55 bytes is refused */
    uint8_t s[57];
    memset(s, 'a', sizeof s);
    s[0] = 0xb7 + 1;
    s[1] = 55;
    ozk_rlp_item it;
    assert_int_equal(ozk_rlp_decode(&it, s, sizeof s), OZK_EINVAL);
    s[0] = 0xb7; /* short form 0xb7 = length 55 is fine */
    assert_int_equal(ozk_rlp_decode(&it, s, 56), 0);
    assert_int_equal(it.len, 55);
}

static void test_depth(void **state)
{
    (void)state;
    ozk_rlp_enc e;
    ozk_rlp_enc_init(&e);
    for (int i = 0; i < OZK_RLP_MAX_DEPTH; i++) assert_int_equal(ozk_rlp_list_begin(&e), 0);
    assert_int_equal(ozk_rlp_list_begin(&e), OZK_EINVAL); /* one too many, and it sticks */
    assert_int_equal(ozk_rlp_put_u64(&e, 1), OZK_EINVAL);
    ozk_rlp_enc_free(&e);
    ozk_rlp_enc_init(&e);
    assert_int_equal(ozk_rlp_list_end(&e), OZK_EINVAL); /* end without begin */
    ozk_rlp_enc_free(&e);
    /* nesting: MAX_DEPTH lists decode, one more does not */
    uint8_t buf[OZK_RLP_MAX_DEPTH + 2];
    ozk_rlp_item it;
    for (size_t d = OZK_RLP_MAX_DEPTH; d <= OZK_RLP_MAX_DEPTH + 1; d++) {
        for (size_t i = 0; i < d; i++) buf[i] = (uint8_t)(0xc0 + (d - 1 - i));
        int rc = ozk_rlp_decode(&it, buf, d);
        assert_int_equal(rc, d <= OZK_RLP_MAX_DEPTH ? 0 : OZK_EINVAL);
    }
}

/* a random tree, encoded, must decode to the same items; every truncation must be refused */
static void build(ozk_rlp_enc *e, int depth, uint8_t (*strs)[80], size_t *lens, size_t *ns)
{
    size_t k = 1 + test_rand_below(4);
    for (size_t i = 0; i < k; i++) {
        if (depth < 4 && test_rand_below(3) == 0) {
            ozk_rlp_list_begin(e);
            build(e, depth + 1, strs, lens, ns);
            ozk_rlp_list_end(e);
        } else if (*ns < 64) {
            size_t l = test_rand_below(4) == 0 ? test_rand_below(80) : test_rand_below(3);
            test_rand_bytes(strs[*ns], l);
            lens[*ns] = l;
            ozk_rlp_put_bytes(e, strs[*ns], l);
            (*ns)++;
        }
    }
}

static void walk(const ozk_rlp_item *it, uint8_t (*strs)[80], const size_t *lens, size_t *ns)
{
    if (!it->is_list) {
        assert_int_equal(it->len, lens[*ns]);
        if (it->len) assert_memory_equal(it->payload, strs[*ns], it->len);
        (*ns)++;
        return;
    }
    ozk_rlp_iter iter;
    ozk_rlp_item sub;
    assert_int_equal(ozk_rlp_iter_init(&iter, it), 0);
    while (ozk_rlp_iter_next(&iter, &sub) == 1) walk(&sub, strs, lens, ns);
}

static void test_round_trip(void **state)
{
    (void)state;
    static uint8_t strs[64][80];
    size_t lens[64];
    for (size_t c = 0; c < test_cases(300); c++) {
        ozk_rlp_enc e;
        ozk_rlp_enc_init(&e);
        size_t ns = 0;
        ozk_rlp_list_begin(&e);
        build(&e, 0, strs, lens, &ns);
        ozk_rlp_list_end(&e);
        assert_int_equal(e.err, 0);
        ozk_rlp_item it;
        assert_int_equal(ozk_rlp_decode(&it, e.data, e.len), 0);
        size_t seen = 0;
        walk(&it, strs, lens, &seen);
        assert_int_equal(seen, ns);
        for (size_t cut = 0; cut < e.len; cut++) {
            uint8_t *t = malloc(cut ? cut : 1); /* exact-size copy: ASan sees any overread */
            assert_non_null(t);
            memcpy(t, e.data, cut);
            assert_int_equal(ozk_rlp_decode(&it, t, cut), OZK_EINVAL);
            free(t);
        }
        ozk_rlp_enc_free(&e);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),    cmocka_unit_test(test_decode_vectors),
        cmocka_unit_test(test_malformed),  cmocka_unit_test(test_depth),
        cmocka_unit_test(test_round_trip),
    };
    return TEST_RUN("rlp", tests);
}
