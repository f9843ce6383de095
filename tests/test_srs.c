/*
 * tests/test_srs.c: the SRS of ozk/srs.h.
 *
 * The dev SRS against the slow obvious computation ([tau^i] G by double-and-add, tau recomputed
 * here from the spec's formula), its id against the spec's formula; the consistency check on a
 * good SRS and on every kind of bad one (a changed power, swapped powers, a changed [tau]_2,
 * tau = 1, wrong generators, a point off the curve); the file format: round trips, and decode
 * rejecting each malformed header field, every truncation, and every single-byte change of a
 * small file even with its checksum recomputed.
 */
#include <stdlib.h>
#include <string.h>

#include "curve_testutil.h"
#include "ozk/error.h"
#include "ozk/keccak.h"
#include "ozk/srs.h"

static void g1_add(ozk_g1 *out, const ozk_g1 *a, const ozk_g1 *b)
{
    ozk_g1_jac j;
    ozk_g1_jac_from_affine(&j, a);
    ozk_g1_jac_add_affine(&j, &j, b);
    ozk_g1_jac_to_affine(out, &j);
}

/* tau = keccak256("ozk-dev-srs" || seed, 8 bytes big-endian) mod r, as srs.h states it */
static void dev_tau(ozk_fr *tau, uint64_t seed)
{
    uint8_t buf[19], h[32];
    memcpy(buf, "ozk-dev-srs", 11);
    for (int i = 0; i < 8; i++) buf[11 + i] = (uint8_t)(seed >> (56 - 8 * i));
    ozk_keccak256(h, buf, sizeof buf);
    ozk_fr_from_bytes_reduce(tau, h);
}

/* id = keccak256("ozk-srs-v1" || insecure || log_size BE32 || [1]_2 || [tau]_2) */
static void spec_id(uint8_t id[32], const ozk_srs *s)
{
    uint8_t buf[10 + 1 + 4 + 256];
    memcpy(buf, "ozk-srs-v1", 10);
    buf[10] = (uint8_t)(s->insecure != 0);
    buf[11] = (uint8_t)(s->log_size >> 24), buf[12] = (uint8_t)(s->log_size >> 16);
    buf[13] = (uint8_t)(s->log_size >> 8), buf[14] = (uint8_t)s->log_size;
    ozk_g2_to_bytes(buf + 15, &s->g2[0]);
    ozk_g2_to_bytes(buf + 15 + 128, &s->g2[1]);
    ozk_keccak256(id, buf, sizeof buf);
}

/* A deep copy (the check tests tamper with copies). */
static void srs_copy(ozk_srs *out, const ozk_srs *in)
{
    *out = *in;
    out->g1 = malloc(in->n * sizeof *out->g1);
    assert_non_null(out->g1);
    memcpy(out->g1, in->g1, in->n * sizeof *out->g1);
}

/* An SRS of 2^log_size powers of tau, built the slow way (needs no ozk_srs_dev). */
static void srs_from_tau(ozk_srs *s, uint32_t log_size, const ozk_fr *tau)
{
    memset(s, 0, sizeof *s);
    s->log_size = log_size;
    s->n = (size_t)1 << log_size;
    s->g1 = malloc(s->n * sizeof *s->g1);
    assert_non_null(s->g1);
    ozk_g1 g;
    ozk_g1_generator(&g);
    ozk_fr pw;
    ozk_fr_set_one(&pw);
    for (size_t i = 0; i < s->n; i++) {
        g1_mul_fr(&s->g1[i], &g, &pw);
        ozk_fr_mul(&pw, &pw, tau);
    }
    ozk_g2_generator(&s->g2[0]);
    g2_mul_fr(&s->g2[1], &s->g2[0], tau);
    ozk_srs_compute_id(s->id, s);
}

/* [tau^i]_1 of the dev SRS equals [tau^i] G computed by double-and-add, at each index given */
static void check_dev_against_naive(const ozk_srs *s, uint64_t seed, const size_t *idx, size_t m)
{
    ozk_fr tau, pw;
    ozk_g1 g, want;
    ozk_g1_generator(&g);
    dev_tau(&tau, seed);
    for (size_t t = 0; t < m; t++) {
        ozk_fr_pow_u64(&pw, &tau, idx[t]);
        g1_mul_fr(&want, &g, &pw);
        if (!ozk_g1_eq(&want, &s->g1[idx[t]]))
            fail_msg("dev SRS of 2^%u, seed %llu: [tau^%zu]_1 differs from the naive product",
                     (unsigned)s->log_size, (unsigned long long)seed, idx[t]);
    }
    ozk_g2 g2, want2;
    ozk_g2_generator(&g2);
    assert_true(ozk_g2_eq(&s->g2[0], &g2));
    g2_mul_fr(&want2, &g2, &tau);
    assert_true(ozk_g2_eq(&s->g2[1], &want2));
}

static void test_dev_powers(void **state)
{
    (void)state;
    /* every power of every size up to 2^8 (the fixed-base window changes with the size) */
    for (uint32_t log = 0; log <= 8; log++) {
        uint64_t seed = test_rand_u64();
        ozk_srs s;
        assert_int_equal(ozk_srs_dev(&s, log, seed), 0);
        assert_int_equal(s.log_size, log);
        assert_int_equal(s.n, (size_t)1 << log);
        assert_int_equal(s.insecure, 1);
        static const uint8_t ZERO[32];
        assert_memory_equal(s.source_hash, ZERO, 32);
        uint8_t id[32];
        spec_id(id, &s);
        assert_memory_equal(s.id, id, 32);
        size_t *idx = malloc(s.n * sizeof *idx);
        assert_non_null(idx);
        for (size_t i = 0; i < s.n; i++) idx[i] = i;
        check_dev_against_naive(&s, seed, idx, s.n);
        free(idx);
        ozk_srs_free(&s);
        assert_null(s.g1);
    }
    /* a larger one (a wider window, several batches, and on a machine with several cores
     * several threads): sampled indices, the edges of batches and of thread shares, the last */
    uint64_t seed = test_rand_u64();
    ozk_srs s;
    assert_int_equal(ozk_srs_dev(&s, 14, seed), 0);
    size_t idx[28];
    for (size_t t = 0; t < 20; t++) idx[t] = (size_t)test_rand_below(s.n);
    idx[20] = 1023, idx[21] = 1024, idx[22] = 4095, idx[23] = 4096;
    idx[24] = s.n / 2 - 1, idx[25] = s.n / 2, idx[26] = s.n - 2, idx[27] = s.n - 1;
    check_dev_against_naive(&s, seed, idx, 28);
    ozk_srs_free(&s);
}

static void test_dev_seed_and_limits(void **state)
{
    (void)state;
    ozk_srs a, b, c;
    uint64_t seed = test_rand_u64();
    assert_int_equal(ozk_srs_dev(&a, 4, seed), 0);
    assert_int_equal(ozk_srs_dev(&b, 4, seed), 0);
    assert_int_equal(ozk_srs_dev(&c, 4, seed ^ 1), 0);
    assert_memory_equal(a.g1, b.g1, a.n * sizeof *a.g1);
    assert_memory_equal(a.id, b.id, 32);
    assert_memory_not_equal(a.id, c.id, 32);
    /* the insecure flag and the size are part of the id */
    a.insecure = 0;
    uint8_t id[32];
    ozk_srs_compute_id(id, &a);
    assert_memory_not_equal(id, b.id, 32);
    a.insecure = 1;
    a.log_size = 5;
    ozk_srs_compute_id(id, &a);
    assert_memory_not_equal(id, b.id, 32);
    a.log_size = 4;
    ozk_srs_free(&a);
    ozk_srs_free(&b);
    ozk_srs_free(&c);
    /* too large: OZK_EINVAL, and out left freeable */
    assert_int_equal(ozk_srs_dev(&a, OZK_SRS_MAX_LOG_SIZE + 1, 0), OZK_EINVAL);
    assert_null(a.g1);
    ozk_srs_free(&a);
    /* freeing a zeroed SRS, twice, is fine */
    memset(&a, 0, sizeof a);
    ozk_srs_free(&a);
    ozk_srs_free(&a);
}

static void test_check_accepts(void **state)
{
    (void)state;
    for (uint32_t log = 0; log <= 6; log += 1) {
        ozk_srs s;
        assert_int_equal(ozk_srs_dev(&s, log, test_rand_u64()), 0);
        assert_int_equal(ozk_srs_check_powers(&s), 1);
        ozk_srs_free(&s);
    }
    /* an SRS built independently of ozk_srs_dev, from a random tau */
    ozk_fr tau;
    rand_fr(&tau);
    ozk_srs s;
    srs_from_tau(&s, 5, &tau);
    assert_int_equal(ozk_srs_check_powers(&s), 1);
    ozk_srs_free(&s);
}

static void expect_rejected(const ozk_srs *s, const char *what)
{
    int r = ozk_srs_check_powers(s);
    if (r != 0) fail_msg("check_powers returned %d for: %s", r, what);
}

static void test_check_rejects(void **state)
{
    (void)state;
    ozk_srs good, s;
    assert_int_equal(ozk_srs_dev(&good, 6, test_rand_u64()), 0);
    ozk_g1 g;
    ozk_g1_generator(&g);

    /* one G1 power changed (still a valid point): first, last and a random one */
    size_t ks[3] = { 1, good.n - 1, 2 + (size_t)test_rand_below(good.n - 3) };
    for (int t = 0; t < 3; t++) {
        srs_copy(&s, &good);
        g1_add(&s.g1[ks[t]], &s.g1[ks[t]], &g);
        expect_rejected(&s, "one G1 power changed");
        ozk_srs_free(&s);
    }
    /* two powers swapped */
    srs_copy(&s, &good);
    s.g1[3] = good.g1[4], s.g1[4] = good.g1[3];
    expect_rejected(&s, "two G1 powers swapped");
    ozk_srs_free(&s);
    /* [tau]_2 changed to [tau + 1]_2 */
    srs_copy(&s, &good);
    {
        ozk_g2_jac j;
        ozk_g2 g2;
        ozk_g2_generator(&g2);
        ozk_g2_jac_from_affine(&j, &s.g2[1]);
        ozk_g2_jac_add_affine(&j, &j, &g2);
        ozk_g2_jac_to_affine(&s.g2[1], &j);
    }
    expect_rejected(&s, "[tau]_2 changed");
    ozk_srs_free(&s);
    /* [tau]_2 of another tau: G1 powers consistent among themselves, not with [tau]_2 */
    {
        ozk_srs other;
        assert_int_equal(ozk_srs_dev(&other, 6, test_rand_u64()), 0);
        srs_copy(&s, &good);
        s.g2[1] = other.g2[1];
        expect_rejected(&s, "[tau]_2 of another ceremony");
        ozk_srs_free(&s);
        ozk_srs_free(&other);
    }
    /* [tau]_2 at infinity (tau = 0) */
    srs_copy(&s, &good);
    ozk_g2_set_infinity(&s.g2[1]);
    expect_rejected(&s, "[tau]_2 at infinity");
    ozk_srs_free(&s);
    /* [1]_2 not the generator */
    srs_copy(&s, &good);
    s.g2[0] = good.g2[1];
    expect_rejected(&s, "[1]_2 not the generator");
    ozk_srs_free(&s);
    /* every power doubled: the ratios hold but [1]_1 is not the generator */
    srs_copy(&s, &good);
    for (size_t i = 0; i < s.n; i++) g1_add(&s.g1[i], &s.g1[i], &s.g1[i]);
    expect_rejected(&s, "[1]_1 not the generator");
    ozk_srs_free(&s);
    /* a G1 power off the curve */
    srs_copy(&s, &good);
    ozk_fp_add(&s.g1[5].y, &s.g1[5].y, &s.g1[5].x);
    expect_rejected(&s, "a G1 power off the curve");
    ozk_srs_free(&s);
    /* n inconsistent with log_size */
    srs_copy(&s, &good);
    s.n = good.n - 1;
    expect_rejected(&s, "n != 2^log_size");
    s.n = good.n;
    ozk_srs_free(&s);

    /* tau = 1, as `snarkjs powersoftau new` writes it: every power the generator */
    ozk_fr one;
    ozk_fr_set_one(&one);
    for (uint32_t log = 0; log <= 3; log++) {
        srs_from_tau(&s, log, &one);
        expect_rejected(&s, "tau = 1");
        ozk_srs_free(&s);
    }
    ozk_srs_free(&good);
}

static void test_encode_decode(void **state)
{
    (void)state;
    ozk_srs s, d;
    char err[256];
    assert_int_equal(ozk_srs_dev(&s, 6, test_rand_u64()), 0);
    size_t len = ozk_srs_encoded_size(&s);
    assert_int_equal(len, OZK_SRS_HEADER_BYTES + 64 * 64 + 32);
    uint8_t *buf = malloc(len);
    assert_non_null(buf);
    ozk_srs_encode(buf, &s);
    assert_memory_equal(buf, "OZKSRS\0\1", 8);
    assert_int_equal(buf[11], 1); /* insecure */
    assert_int_equal(buf[15], 6); /* log_size */
    assert_memory_equal(buf + 48, s.id, 32);
    uint8_t h[32];
    ozk_keccak256(h, buf, len - 32);
    assert_memory_equal(buf + len - 32, h, 32);

    assert_int_equal(ozk_srs_decode(&d, buf, len, err, sizeof err), 0);
    assert_string_equal(err, "");
    assert_int_equal(d.log_size, 6);
    assert_int_equal(d.n, 64);
    assert_int_equal(d.insecure, 1);
    assert_memory_equal(d.id, s.id, 32);
    assert_memory_equal(d.source_hash, s.source_hash, 32);
    assert_true(ozk_g2_eq(&d.g2[0], &s.g2[0]) && ozk_g2_eq(&d.g2[1], &s.g2[1]));
    for (size_t i = 0; i < s.n; i++) assert_true(ozk_g1_eq(&d.g1[i], &s.g1[i]));
    assert_int_equal(ozk_srs_check_powers(&d), 1);
    ozk_srs_free(&d);
    free(buf);

    /* an imported (secure) SRS, with a source hash: decode(encode(x)) = x again */
    s.insecure = 0;
    test_rand_bytes(s.source_hash, 32);
    ozk_srs_compute_id(s.id, &s);
    len = ozk_srs_encoded_size(&s);
    buf = malloc(len);
    assert_non_null(buf);
    ozk_srs_encode(buf, &s);
    assert_int_equal(buf[11], 0);
    assert_int_equal(ozk_srs_decode(&d, buf, len, NULL, 0), 0);
    assert_int_equal(d.insecure, 0);
    assert_memory_equal(d.source_hash, s.source_hash, 32);
    assert_memory_equal(d.id, s.id, 32);
    assert_memory_equal(d.g1, s.g1, s.n * sizeof *s.g1);
    ozk_srs_free(&d);
    free(buf);
    ozk_srs_free(&s);
}

/* buf with its checksum recomputed after a change */
static void reseal(uint8_t *buf, size_t len)
{
    ozk_keccak256(buf + len - 32, buf, len - 32);
}

static void expect_decode_error(const uint8_t *buf, size_t len, const char *needle)
{
    ozk_srs d;
    char err[512];
    int rc = ozk_srs_decode(&d, buf, len, err, sizeof err);
    if (rc != OZK_EINVAL) fail_msg("decode returned %d, expected OZK_EINVAL (%s)", rc, needle);
    assert_null(d.g1);
    if (needle && !strstr(err, needle)) fail_msg("decode error '%s' lacks '%s'", err, needle);
}

static void test_decode_rejects(void **state)
{
    (void)state;
    ozk_srs s;
    assert_int_equal(ozk_srs_dev(&s, 3, test_rand_u64()), 0);
    const size_t len = ozk_srs_encoded_size(&s);
    uint8_t *good = malloc(len + 1), *buf = malloc(len + 1);
    assert_non_null(good);
    assert_non_null(buf);
    ozk_srs_encode(good, &s);

#define FRESH() memcpy(buf, good, len)
    /* every truncation, and one byte too many */
    for (size_t l = 0; l < len; l++) expect_decode_error(good, l, NULL);
    expect_decode_error(good, 7, "not an ozk SRS file");
    expect_decode_error(good, 100, "truncated");
    expect_decode_error(good, len - 1, "truncated");
    FRESH();
    buf[len] = 0;
    expect_decode_error(buf, len + 1, "after its checksum");
    /* magic, version */
    FRESH();
    buf[0] = 'X';
    expect_decode_error(buf, len, "not an ozk SRS file");
    FRESH();
    buf[7] = 2;
    expect_decode_error(buf, len, "version 2 is not supported");
    /* a flipped checksum byte */
    FRESH();
    buf[len - 1 - (size_t)test_rand_below(32)] ^= 0x40;
    expect_decode_error(buf, len, "checksum mismatch");
    /* a flipped byte in a G1 point, checksum recomputed: the point check catches it */
    FRESH();
    buf[OZK_SRS_HEADER_BYTES + 64 * 5 + 31] ^= 0x01;
    reseal(buf, len);
    expect_decode_error(buf, len, "[tau^5]_1");
    /* ... in [tau]_2 */
    FRESH();
    buf[256 + 63] ^= 0x01;
    reseal(buf, len);
    expect_decode_error(buf, len, "[tau]_2");
    /* a coordinate >= p (all ones), checksum recomputed */
    FRESH();
    memset(buf + OZK_SRS_HEADER_BYTES + 64, 0xff, 32);
    reseal(buf, len);
    expect_decode_error(buf, len, "[tau^1]_1");
    /* id mismatch */
    FRESH();
    buf[48 + (size_t)test_rand_below(32)] ^= 0x80;
    reseal(buf, len);
    expect_decode_error(buf, len, "id mismatch");
    /* the insecure flag cleared: the id no longer matches */
    FRESH();
    buf[11] = 0;
    reseal(buf, len);
    expect_decode_error(buf, len, "id mismatch");
    /* unknown flags */
    FRESH();
    buf[10] = 0x01;
    reseal(buf, len);
    expect_decode_error(buf, len, "flags");
    /* log_size too big, or not the one the length says */
    FRESH();
    buf[15] = OZK_SRS_MAX_LOG_SIZE + 1;
    reseal(buf, len);
    expect_decode_error(buf, len, "exceeds the maximum");
    FRESH();
    buf[12] = 0xff;
    expect_decode_error(buf, len, "exceeds the maximum");
    FRESH();
    buf[15] = 4;
    expect_decode_error(buf, len, "truncated");
    FRESH();
    buf[15] = 2;
    expect_decode_error(buf, len, "after its checksum");
    /* each nonzero reserved byte */
    for (size_t i = 80; i < 128; i++) {
        FRESH();
        buf[i] = (uint8_t)(1 + test_rand_below(255));
        reseal(buf, len);
        expect_decode_error(buf, len, "reserved");
    }
    /* a dev SRS naming a source file */
    FRESH();
    buf[16 + (size_t)test_rand_below(32)] = 0x11;
    reseal(buf, len);
    expect_decode_error(buf, len, "marked insecure");

    /* every single-byte change before the checksum, with the checksum recomputed: rejected
     * (for a dev SRS no byte is free: the source hash must be zero) */
    for (size_t i = 0; i < len - 32; i++) {
        FRESH();
        buf[i] ^= (uint8_t)(1 + test_rand_below(255));
        reseal(buf, len);
        ozk_srs d;
        if (ozk_srs_decode(&d, buf, len, NULL, 0) != OZK_EINVAL)
            fail_msg("a change of byte %zu was accepted", i);
    }
    /* degenerate keys, re-encoded so that id and checksum are right: a valid-looking file
     * whose G2 elements bind nothing (review finding: with [1]_2 = [tau]_2 = O every claim
     * would verify) */
    {
        ozk_srs bad = s;
        ozk_g1 g1_saved = s.g1[0];
        ozk_g2_set_infinity(&bad.g2[1]); /* tau = 0 */
        ozk_srs_encode(buf, &bad);
        expect_decode_error(buf, len, "degenerate");
        ozk_g2_generator(&bad.g2[1]); /* tau = 1 */
        ozk_srs_encode(buf, &bad);
        expect_decode_error(buf, len, "degenerate");
        bad = s;
        ozk_g2_set_infinity(&bad.g2[0]);
        ozk_srs_encode(buf, &bad);
        expect_decode_error(buf, len, "not the G2 generator");
        bad = s;
        bad.g1[0] = s.g1[1]; /* [tau^0]_1 = [tau]_1 */
        ozk_srs_encode(buf, &bad);
        expect_decode_error(buf, len, "not the G1 generator");
        s.g1[0] = g1_saved;
    }
    /* and the good one still decodes; err may be NULL */
    ozk_srs d;
    assert_int_equal(ozk_srs_decode(&d, good, len, NULL, 0), 0);
    ozk_srs_free(&d);
#undef FRESH
    free(good);
    free(buf);
    ozk_srs_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dev_powers),    cmocka_unit_test(test_dev_seed_and_limits),
        cmocka_unit_test(test_check_accepts), cmocka_unit_test(test_check_rejects),
        cmocka_unit_test(test_encode_decode), cmocka_unit_test(test_decode_rejects),
    };
    return TEST_RUN("srs", tests);
}
