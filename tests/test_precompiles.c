/*
 * tests/test_precompiles.c: ozk's BN254 against the EVM's, on a real anvil.
 *
 * For each precompile, ecAdd (0x06), ecMul (0x07) and ecPairing (0x08), the test builds inputs
 * (random valid ones, edge cases, and invalid ones: points off the curve, coordinates >= p, G2
 * points outside the subgroup, wrong lengths), sends each to anvil with eth_call and computes
 * the same function with ozk (evm_* below, the precompile's rules written over ozk's API). Both
 * must accept and reject exactly the same inputs and agree byte for byte on every output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anvil.h"
#include "curve_testutil.h"

#define N_RANDOM test_cases(250)

static struct anvil g_anvil;

static int setup(void **state)
{
    (void)state;
    return anvil_start(&g_anvil) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    anvil_stop(&g_anvil);
    return 0;
}

/* The precompiles' rules (EIP-196, EIP-197): short input is right-padded with zeros, long
 * input truncated (0x06, 0x07); the pairing input must be a multiple of 192 bytes. Return 1 and
 * the output, or 0 for a failing call. */
static int evm_ecadd(const uint8_t *in, size_t len, uint8_t out[64])
{
    uint8_t buf[128] = { 0 };
    memcpy(buf, in, len < 128 ? len : 128);
    ozk_g1 a, b;
    if (!ozk_g1_from_bytes(&a, buf) || !ozk_g1_from_bytes(&b, buf + 64)) return 0;
    ozk_g1_jac j;
    ozk_g1_jac_from_affine(&j, &a);
    ozk_g1_jac_add_affine(&j, &j, &b);
    ozk_g1_jac_to_affine(&a, &j);
    ozk_g1_to_bytes(out, &a);
    return 1;
}

static int evm_ecmul(const uint8_t *in, size_t len, uint8_t out[64])
{
    uint8_t buf[96] = { 0 };
    memcpy(buf, in, len < 96 ? len : 96);
    ozk_g1 a;
    if (!ozk_g1_from_bytes(&a, buf)) return 0;
    uint64_t k[4];
    for (int i = 0; i < 4; i++) {
        k[i] = 0;
        for (int b = 0; b < 8; b++) k[i] = k[i] << 8 | buf[64 + (3 - i) * 8 + b];
    }
    ozk_g1_jac j;
    ozk_g1_mul_var(&j, &a, k);
    ozk_g1_jac_to_affine(&a, &j);
    ozk_g1_to_bytes(out, &a);
    return 1;
}

static int evm_ecpairing(const uint8_t *in, size_t len, uint8_t out[32])
{
    if (len % 192 != 0) return 0;
    size_t k = len / 192;
    ozk_g1 *p = calloc(k + 1, sizeof *p);
    ozk_g2 *q = calloc(k + 1, sizeof *q);
    assert_non_null(p);
    assert_non_null(q);
    int ok = 1;
    for (size_t i = 0; i < k && ok; i++)
        ok = ozk_g1_from_bytes(&p[i], in + 192 * i) && ozk_g2_from_bytes(&q[i], in + 192 * i + 64);
    if (ok) {
        memset(out, 0, 32);
        out[31] = (uint8_t)ozk_pairing_check(p, q, k);
    }
    free(p);
    free(q);
    return ok;
}

/* Runs one input through anvil and through ozk; both must agree. Returns whether it was
 * accepted. */
static int compare(const char *addr, int (*ours)(const uint8_t *, size_t, uint8_t *), size_t outlen,
                   const uint8_t *in, size_t len)
{
    uint8_t want[64], got[64];
    size_t n = 0;
    int theirs = anvil_eth_call(&g_anvil, addr, in, len, want, sizeof want, &n);
    assert_true(theirs >= 0);
    int mine = ours(in, len, got);
    if (mine != theirs) {
        fprintf(stderr, "%s, %zu bytes: anvil %s, ozk %s\n", addr, len,
                theirs ? "accepts" : "rejects", mine ? "accepts" : "rejects");
        fail();
    }
    if (mine) {
        assert_int_equal(n, outlen);
        assert_memory_equal(got, want, outlen);
    }
    return mine;
}

#define ECADD     "0x0000000000000000000000000000000000000006"
#define ECMUL     "0x0000000000000000000000000000000000000007"
#define ECPAIRING "0x0000000000000000000000000000000000000008"

/* corrupt an encoded point so that it is invalid in one of the ways the EIPs name */
enum { BAD_OFF_CURVE, BAD_X_GE_P, BAD_Y_GE_P, BAD_COUNT };

static void put_modulus_plus(uint8_t out[32], uint8_t add)
{
    for (int i = 0; i < 4; i++)
        for (int k = 0; k < 8; k++)
            out[(3 - i) * 8 + k] = (uint8_t)(ozk_fp_modulus[i] >> (56 - 8 * k));
    out[31] = (uint8_t)(out[31] + add); /* p ends in 0x47: no carry for add < 0xb8 */
}

static void corrupt_g1(uint8_t pt[64], int how)
{
    switch (how) {
    case BAD_OFF_CURVE:
        pt[63] ^= 1;
        break;
    case BAD_X_GE_P:
        put_modulus_plus(pt, (uint8_t)test_rand_below(3));
        break;
    default:
        put_modulus_plus(pt + 32, (uint8_t)test_rand_below(3));
        break;
    }
}

static void test_ecadd(void **state)
{
    (void)state;
    uint8_t in[200];
    int accepted = 0, rejected = 0;
    for (size_t i = 0; i < N_RANDOM; i++) {
        ozk_g1 a, b;
        rand_g1(&a);
        rand_g1(&b);
        switch (i % 8) {
        case 1:
            b = a;
            break; /* doubling */
        case 2:
            ozk_g1_neg(&b, &a);
            break; /* a - a */
        case 3:
            ozk_g1_set_infinity(&b);
            break;
        case 4:
            ozk_g1_set_infinity(&a), ozk_g1_set_infinity(&b);
            break;
        default:
            break;
        }
        ozk_g1_to_bytes(in, &a);
        ozk_g1_to_bytes(in + 64, &b);
        size_t len = 128;
        if (i % 8 == 5) corrupt_g1(in + 64 * test_rand_below(2), (int)test_rand_below(BAD_COUNT));
        if (i % 8 == 6) len = (size_t)test_rand_below(128); /* short: zero-padded */
        if (i % 8 == 7) {                                   /* long: truncated */
            len = 128 + 1 + (size_t)test_rand_below(70);
            test_rand_bytes(in + 128, len - 128);
        }
        if (compare(ECADD, evm_ecadd, 64, in, len))
            accepted++;
        else
            rejected++;
    }
    assert_true(accepted > 0 && rejected > 0);
    /* empty input: infinity + infinity */
    assert_int_equal(compare(ECADD, evm_ecadd, 64, in, 0), 1);
}

static void test_ecmul(void **state)
{
    (void)state;
    uint8_t in[200];
    int accepted = 0, rejected = 0;
    for (size_t i = 0; i < N_RANDOM; i++) {
        ozk_g1 a;
        rand_g1(&a);
        if (i % 10 == 9) ozk_g1_set_infinity(&a);
        ozk_g1_to_bytes(in, &a);
        uint8_t *s = in + 64;
        test_rand_bytes(s, 32); /* any 256-bit scalar, mostly >= r */
        switch (i % 10) {
        case 1:
            memset(s, 0, 32);
            break;
        case 2:
            memset(s, 0, 32), s[31] = 1;
            break;
        case 3:
        case 4: /* r - 1, r, r + 1 */
            for (int q = 0; q < 4; q++)
                for (int k = 0; k < 8; k++)
                    s[(3 - q) * 8 + k] = (uint8_t)(ozk_fr_modulus[q] >> (56 - 8 * k));
            s[31] = (uint8_t)(s[31] - 1 + test_rand_below(3));
            break;
        case 5:
            memset(s, 0xff, 32);
            break;
        case 6:
            memset(s, 0, 24);
            break; /* a 64-bit scalar */
        default:
            break;
        }
        size_t len = 96;
        if (i % 10 == 7) corrupt_g1(in, (int)test_rand_below(BAD_COUNT));
        if (i % 10 == 8) len = (size_t)test_rand_below(96);
        if (i % 20 == 0) {
            len = 96 + 1 + (size_t)test_rand_below(40);
            test_rand_bytes(in + 96, len - 96);
        }
        if (compare(ECMUL, evm_ecmul, 64, in, len))
            accepted++;
        else
            rejected++;
    }
    assert_true(accepted > 0 && rejected > 0);
}

/* k valid pairs; when balanced, the last pair makes the product 1 */
static size_t make_pairs(uint8_t *in, size_t k, int balanced)
{
    ozk_fr total, s, b;
    ozk_fr_set_zero(&total);
    ozk_g1 g;
    ozk_g2 h;
    ozk_g1_generator(&g);
    ozk_g2_generator(&h);
    for (size_t i = 0; i < k; i++) {
        ozk_g1 p;
        ozk_g2 q = h;
        ozk_g1_jac j;
        ozk_g2_jac j2;
        uint64_t kl[4];
        if (balanced) {
            /* pair i: ([s_i] G, [b_i] H), distinct Q's; the last (-[sum s_i b_i] G, H) */
            if (i + 1 < k) {
                rand_fr(&s);
                rand_fr(&b);
                ozk_fr_to_limbs(kl, &b);
                ozk_g2_mul_var(&j2, &h, kl);
                ozk_g2_jac_to_affine(&q, &j2);
                ozk_fr_mul(&b, &s, &b);
                ozk_fr_add(&total, &total, &b);
            } else {
                ozk_fr_neg(&s, &total);
            }
            ozk_fr_to_limbs(kl, &s);
            ozk_g1_mul_var(&j, &g, kl);
            ozk_g1_jac_to_affine(&p, &j);
            ozk_g1_to_bytes(in + 192 * i, &p);
            ozk_g2_to_bytes(in + 192 * i + 64, &q);
        } else {
            ozk_g2 r;
            rand_g1(&p);
            rand_g2(&r);
            ozk_g1_to_bytes(in + 192 * i, &p);
            ozk_g2_to_bytes(in + 192 * i + 64, &r);
        }
    }
    return 192 * k;
}

static void test_ecpairing(void **state)
{
    (void)state;
    enum { MAXK = 11 }; /* beyond one chunk (8 pairs) of ozk's side-by-side Miller loops */
    uint8_t in[192 * MAXK + 8];
    ozk_g2 bad;
    rand_twist_point_not_in_g2(&bad); /* slow to find; reused */
    int ones = 0, zeros = 0, rejected = 0;
    for (size_t i = 0; i < test_cases(200); i++) {
        size_t k = 1 + (size_t)test_rand_below(i % 5 == 0 ? MAXK : 4);
        int balanced = (int)test_rand_below(2);
        if (balanced && k == 1) k = 2;
        size_t len = make_pairs(in, k, balanced);
        size_t at = 192 * (size_t)test_rand_below(k);
        switch (i % 12) {
        case 3:
            corrupt_g1(in + at, (int)test_rand_below(BAD_COUNT));
            break;
        case 5:
            ozk_g2_to_bytes(in + at + 64, &bad);
            break; /* twist, not G2 */
        case 7:
            put_modulus_plus(in + at + 64 + 32 * test_rand_below(4), 0);
            break; /* >= p */
        case 9:
            in[at + 191] ^= 1;
            break; /* G2 off the twist */
        case 11:
            len += test_rand_below(2) ? 1 : (size_t)-1;
            break; /* not a multiple of 192 */
        default:
            break;
        }
        if (i % 12 == 1) memset(in + at + 64, 0, 128); /* G2 at infinity: that pair is 1 */
        uint8_t got[32];
        if (!compare(ECPAIRING, evm_ecpairing, 32, in, len)) {
            rejected++;
            continue;
        }
        evm_ecpairing(in, len, got);
        if (got[31])
            ones++;
        else
            zeros++;
    }
    assert_true(ones > 0 && zeros > 0 && rejected > 0);
    /* empty input: 1 */
    assert_int_equal(compare(ECPAIRING, evm_ecpairing, 32, in, 0), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ecadd),
        cmocka_unit_test(test_ecmul),
        cmocka_unit_test(test_ecpairing),
    };
    return TEST_RUN_WITH("precompiles", tests, setup, teardown);
}
