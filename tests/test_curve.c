/*
 * tests/test_curve.c: G1 and G2 group laws, scalar multiplication, encodings and checks.
 * (Agreement with the EVM's precompiles is tests/test_precompiles.c.)
 */
#include <stdio.h>
#include <string.h>

#include "curve_testutil.h"

#define N test_cases(300)

/* The same properties for both groups, instantiated by a macro over the group name. */
#define GROUP_LAW_TEST(G)                                                \
    static void test_##G##_group_law(void **state)                       \
    {                                                                    \
        (void)state;                                                     \
        ozk_##G g, a, b, c, inf;                                         \
        ozk_##G##_jac ja, jb, jc, s1, s2, t;                             \
        ozk_##G##_generator(&g);                                         \
        assert_true(ozk_##G##_is_on_curve(&g));                          \
        ozk_##G##_set_infinity(&inf);                                    \
        /* [r] G = O, [r - 1] G = -G */                                  \
        uint64_t k[4], l[4];                                             \
        memcpy(k, ozk_fr_modulus, sizeof k);                             \
        ozk_##G##_mul_var(&t, &g, k);                                    \
        assert_true(ozk_##G##_jac_is_infinity(&t));                      \
        k[0] -= 1;                                                       \
        ozk_##G##_mul_var(&t, &g, k);                                    \
        ozk_##G##_jac_to_affine(&a, &t);                                 \
        ozk_##G##_neg(&b, &g);                                           \
        assert_true(ozk_##G##_eq(&a, &b));                               \
        for (size_t i = 0; i < N; i++) {                                 \
            rand_##G(&a);                                                \
            rand_##G(&b);                                                \
            rand_##G(&c);                                                \
            assert_true(ozk_##G##_is_on_curve(&a));                      \
            ozk_##G##_jac_from_affine(&ja, &a);                          \
            ozk_##G##_jac_from_affine(&jb, &b);                          \
            ozk_##G##_jac_from_affine(&jc, &c);                          \
            /* commutativity and mixed = full addition */                \
            ozk_##G##_jac_add(&s1, &ja, &jb);                            \
            ozk_##G##_jac_add(&s2, &jb, &ja);                            \
            assert_true(ozk_##G##_jac_eq(&s1, &s2));                     \
            ozk_##G##_jac_add_affine(&s2, &ja, &b);                      \
            assert_true(ozk_##G##_jac_eq(&s1, &s2));                     \
            /* associativity, with non-trivial Z on both sides */        \
            ozk_##G##_jac_add(&s1, &s1, &jc);                            \
            ozk_##G##_jac_add(&t, &jb, &jc);                             \
            ozk_##G##_jac_add(&s2, &ja, &t);                             \
            assert_true(ozk_##G##_jac_eq(&s1, &s2));                     \
            /* P + P = 2P through every path; P - P = O; P + O = P */    \
            ozk_##G##_jac_dbl(&s1, &ja);                                 \
            ozk_##G##_jac_add(&s2, &ja, &ja);                            \
            assert_true(ozk_##G##_jac_eq(&s1, &s2));                     \
            ozk_##G##_jac_add_affine(&s2, &ja, &a);                      \
            assert_true(ozk_##G##_jac_eq(&s1, &s2));                     \
            ozk_##G##_jac_add(&t, &s1, &ja); /* 3P, with Z != 1 */       \
            ozk_##G##_jac_add(&s2, &t, &s1); /* 5P */                    \
            ozk_##G##_jac_dbl(&t, &s1);      /* 4P */                    \
            ozk_##G##_jac_add(&t, &t, &ja);  /* 5P */                    \
            assert_true(ozk_##G##_jac_eq(&s2, &t));                      \
            ozk_##G##_jac_neg(&t, &ja);                                  \
            ozk_##G##_jac_add(&s1, &ja, &t);                             \
            assert_true(ozk_##G##_jac_is_infinity(&s1));                 \
            ozk_##G##_neg(&c, &a);                                       \
            ozk_##G##_jac_add_affine(&s1, &ja, &c);                      \
            assert_true(ozk_##G##_jac_is_infinity(&s1));                 \
            ozk_##G##_jac_add_affine(&s1, &ja, &inf);                    \
            assert_true(ozk_##G##_jac_eq(&s1, &ja));                     \
            ozk_##G##_jac_set_infinity(&t);                              \
            ozk_##G##_jac_add(&s1, &t, &ja);                             \
            assert_true(ozk_##G##_jac_eq(&s1, &ja));                     \
            ozk_##G##_jac_add_affine(&s1, &t, &a);                       \
            assert_true(ozk_##G##_jac_eq(&s1, &ja));                     \
            /* [k] ([l] G) = [k l mod r] G, and [k + r] P = [k] P */     \
            ozk_fr fk, fl, fkl;                                          \
            rand_fr(&fk);                                                \
            rand_fr(&fl);                                                \
            ozk_fr_mul(&fkl, &fk, &fl);                                  \
            ozk_fr_to_limbs(k, &fk);                                     \
            ozk_fr_to_limbs(l, &fl);                                     \
            ozk_##G##_mul_var(&t, &g, l);                                \
            ozk_##G##_jac_to_affine(&b, &t);                             \
            ozk_##G##_mul_var(&s1, &b, k);                               \
            ozk_fr_to_limbs(k, &fkl);                                    \
            ozk_##G##_mul_var(&s2, &g, k);                               \
            assert_true(ozk_##G##_jac_eq(&s1, &s2));                     \
            uint64_t kr[4], carry = 0;                                   \
            for (int q = 0; q < 4; q++) {                                \
                __extension__ unsigned __int128 z =                      \
                    (unsigned __int128)k[q] + ozk_fr_modulus[q] + carry; \
                kr[q] = (uint64_t)z;                                     \
                carry = (uint64_t)(z >> 64);                             \
            }                                                            \
            if (!carry) { /* k + r < 2^256 */                            \
                ozk_##G##_mul_var(&s1, &g, kr);                          \
                assert_true(ozk_##G##_jac_eq(&s1, &s2));                 \
            }                                                            \
        }                                                                \
        /* [0] P = O */                                                  \
        memset(k, 0, sizeof k);                                          \
        ozk_##G##_mul_var(&t, &g, k);                                    \
        assert_true(ozk_##G##_jac_is_infinity(&t));                      \
    }

GROUP_LAW_TEST(g1)
GROUP_LAW_TEST(g2)

#define ENCODING_TEST(G, BYTES)                                                             \
    static void test_##G##_encoding(void **state)                                           \
    {                                                                                       \
        (void)state;                                                                        \
        uint8_t buf[BYTES], zero[BYTES] = { 0 };                                            \
        ozk_##G a, b;                                                                       \
        enum { NB = 37 };                                                                   \
        ozk_##G##_jac js[NB];                                                               \
        ozk_##G aff[NB];                                                                    \
        for (size_t i = 0; i < NB; i++) {                                                   \
            rand_##G(&a);                                                                   \
            ozk_##G##_to_bytes(buf, &a);                                                    \
            assert_int_equal(ozk_##G##_from_bytes(&b, buf), 1);                             \
            assert_true(ozk_##G##_eq(&a, &b));                                              \
            /* a non-trivial Z for the batch conversion below; every 5th at infinity */     \
            ozk_##G##_jac_from_affine(&js[i], &a);                                          \
            ozk_##G##_jac_dbl(&js[i], &js[i]);                                              \
            if (i % 5 == 0) ozk_##G##_jac_set_infinity(&js[i]);                             \
            /* a coordinate byte changed: off the curve (or >= p), rejected */              \
            buf[BYTES - 1] ^= 1;                                                            \
            assert_int_equal(ozk_##G##_from_bytes(&b, buf), 0);                             \
            assert_true(ozk_##G##_is_infinity(&b));                                         \
        }                                                                                   \
        assert_int_equal(ozk_##G##_jac_batch_to_affine(aff, js, NB), 0);                    \
        for (size_t i = 0; i < NB; i++) {                                                   \
            ozk_##G##_jac_to_affine(&a, &js[i]);                                            \
            assert_true(ozk_##G##_eq(&a, &aff[i]));                                         \
        }                                                                                   \
        /* all zeros is the point at infinity */                                            \
        assert_int_equal(ozk_##G##_from_bytes(&b, zero), 1);                                \
        assert_true(ozk_##G##_is_infinity(&b));                                             \
        ozk_##G##_set_infinity(&a);                                                         \
        ozk_##G##_to_bytes(buf, &a);                                                        \
        assert_memory_equal(buf, zero, BYTES);                                              \
        /* a coordinate of p (non-canonical) is rejected even where p = 0 would be valid */ \
        ozk_##G##_generator(&a);                                                            \
        ozk_##G##_to_bytes(buf, &a);                                                        \
        memset(buf, 0xff, 32);                                                              \
        assert_int_equal(ozk_##G##_from_bytes(&b, buf), 0);                                 \
    }

ENCODING_TEST(g1, OZK_G1_BYTES)
ENCODING_TEST(g2, OZK_G2_BYTES)

static void test_g1_noncanonical(void **state)
{
    (void)state;
    /* (x, y) and (x + p, y) name the same point; only the canonical form decodes */
    ozk_g1 g;
    uint8_t buf[64];
    ozk_g1_generator(&g); /* (1, 2) */
    memset(buf, 0, sizeof buf);
    for (int i = 0; i < 4; i++)
        for (int k = 0; k < 8; k++)
            buf[(3 - i) * 8 + k] = (uint8_t)(ozk_fp_modulus[i] >> (56 - 8 * k));
    buf[31] += 1; /* x = p + 1 (no carry: p ends in 0x47) */
    buf[63] = 2;
    assert_int_equal(ozk_g1_from_bytes(&g, buf), 0);
}

static void test_g2_subgroup(void **state)
{
    (void)state;
    ozk_g2 g, q;
    ozk_g2_generator(&g);
    assert_true(ozk_g2_is_in_subgroup(&g));
    for (int i = 0; i < 3; i++) {
        rand_twist_point_not_in_g2(&q);
        assert_true(ozk_g2_is_on_curve(&q));
        assert_false(ozk_g2_is_in_subgroup(&q));
        uint8_t buf[OZK_G2_BYTES];
        ozk_g2_to_bytes(buf, &q);
        assert_int_equal(ozk_g2_from_bytes(&q, buf), 0);
    }
}

static void test_constants(void **state)
{
    (void)state;
    /* the G2 curve constant: b' (9 + u) = 3, read off the generator (on the curve by the
     * group-law test) */
    ozk_g2 g;
    ozk_fp2 b, t, xi, three;
    ozk_g2_generator(&g);
    ozk_fp2_sqr(&b, &g.y);
    ozk_fp2_sqr(&t, &g.x);
    ozk_fp2_mul(&t, &t, &g.x);
    ozk_fp2_sub(&b, &b, &t);
    ozk_fp_from_u64(&xi.c0, 9);
    ozk_fp_set_one(&xi.c1);
    ozk_fp2_mul(&t, &b, &xi);
    ozk_fp2_set_zero(&three);
    ozk_fp_from_u64(&three.c0, 3);
    assert_true(ozk_fp2_eq(&t, &three));
    /* the EIP-197 generator encoding (bn254.md 1.3) */
    static const char *want = "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2"
                              "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed"
                              "090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b"
                              "12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa";
    uint8_t buf[OZK_G2_BYTES];
    char hex[2 * OZK_G2_BYTES + 1];
    ozk_g2_to_bytes(buf, &g);
    for (int i = 0; i < OZK_G2_BYTES; i++) snprintf(hex + 2 * i, 3, "%02x", buf[i]);
    assert_string_equal(hex, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_g1_group_law),    cmocka_unit_test(test_g2_group_law),
        cmocka_unit_test(test_g1_encoding),     cmocka_unit_test(test_g2_encoding),
        cmocka_unit_test(test_g1_noncanonical), cmocka_unit_test(test_g2_subgroup),
        cmocka_unit_test(test_constants),
    };
    return TEST_RUN("curve", tests);
}
