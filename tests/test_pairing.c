/*
 * tests/test_pairing.c: the optimal ate pairing: bilinearity, non-degeneracy, order r, the final
 * exponentiation against the plain power (p^12 - 1) / r, multi-pairings, and go-ethereum's
 * precompile vectors. (Random agreement with anvil's precompile 0x08 is test_precompiles.c.)
 */
#include <string.h>

#include <gmp.h>

#include "curve_testutil.h"
#include "ozk/hex.h"

#define N test_cases(20)

static void test_final_exp_is_plain_power(void **state)
{
    (void)state;
    mpz_t p, r, e;
    mpz_inits(p, r, e, NULL);
    mpz_import(p, 4, -1, 8, 0, 0, ozk_fp_modulus);
    mpz_import(r, 4, -1, 8, 0, 0, ozk_fr_modulus);
    mpz_pow_ui(e, p, 12);
    mpz_sub_ui(e, e, 1);
    assert_true(mpz_divisible_p(e, r));
    mpz_divexact(e, e, r);
    uint64_t limbs[48] = { 0 };
    size_t n = 0;
    assert_true(mpz_sizeinbase(e, 2) <= 48 * 64);
    mpz_export(limbs, &n, -1, 8, 0, 0, e);
    for (int i = 0; i < 3; i++) {
        ozk_fp12 f, got, want;
        rand_fp12(&f);
        ozk_final_exp(&got, &f);
        ozk_fp12_pow_var(&want, &f, limbs, n);
        assert_true(ozk_fp12_eq(&got, &want));
    }
    mpz_clears(p, r, e, NULL);
}

static void test_bilinear(void **state)
{
    (void)state;
    ozk_g1 g1, p, ap;
    ozk_g2 g2, q, bq;
    ozk_g1_jac j1;
    ozk_g2_jac j2;
    ozk_fp12 e, e1, e2;
    ozk_g1_generator(&g1);
    ozk_g2_generator(&g2);
    /* non-degenerate, of order r */
    ozk_pairing(&e, &g1, &g2);
    assert_false(ozk_fp12_is_one(&e));
    ozk_fp12_pow_var(&e1, &e, ozk_fr_modulus, 4);
    assert_true(ozk_fp12_is_one(&e1));
    for (size_t i = 0; i < N; i++) {
        uint64_t a[4], b[4], ab[4];
        ozk_fr fa, fb, fab;
        rand_fr(&fa);
        rand_fr(&fb);
        ozk_fr_mul(&fab, &fa, &fb);
        ozk_fr_to_limbs(a, &fa);
        ozk_fr_to_limbs(b, &fb);
        ozk_fr_to_limbs(ab, &fab);
        rand_g1(&p);
        rand_g2(&q);
        ozk_g1_mul_var(&j1, &p, a);
        ozk_g1_jac_to_affine(&ap, &j1);
        ozk_g2_mul_var(&j2, &q, b);
        ozk_g2_jac_to_affine(&bq, &j2);
        /* e([a] P, [b] Q) = e(P, Q)^(a b) */
        ozk_pairing(&e1, &ap, &bq);
        ozk_pairing(&e, &p, &q);
        ozk_fp12_pow_var(&e2, &e, ab, 4);
        assert_true(ozk_fp12_eq(&e1, &e2));
        /* e(P1 + P2, Q) = e(P1, Q) e(P2, Q), as a multi-pairing and as a product */
        ozk_g1 ps[2] = { p, ap }, sum;
        ozk_g2 qs[2] = { q, q };
        ozk_g1_jac_from_affine(&j1, &p);
        ozk_g1_jac_add_affine(&j1, &j1, &ap);
        ozk_g1_jac_to_affine(&sum, &j1);
        ozk_pairing(&e1, &sum, &q);
        ozk_multi_pairing(&e2, ps, qs, 2);
        assert_true(ozk_fp12_eq(&e1, &e2));
        /* e([a] P, Q) e(-P, [a] Q) = 1: the shape of every KZG check */
        ozk_g2_mul_var(&j2, &q, a);
        ozk_g2_jac_to_affine(&qs[1], &j2);
        ps[0] = ap;
        qs[0] = q;
        ozk_g1_neg(&ps[1], &p);
        assert_true(ozk_pairing_check(ps, qs, 2));
        ps[1] = p; /* without the negation it is not 1 */
        assert_false(ozk_pairing_check(ps, qs, 2));
    }
}

static void test_infinity_and_empty(void **state)
{
    (void)state;
    ozk_g1 p, inf1;
    ozk_g2 q, inf2;
    ozk_g1_generator(&p);
    ozk_g2_generator(&q);
    ozk_g1_set_infinity(&inf1);
    ozk_g2_set_infinity(&inf2);
    assert_true(ozk_pairing_check(NULL, NULL, 0));
    assert_true(ozk_pairing_check(&inf1, &q, 1));
    assert_true(ozk_pairing_check(&p, &inf2, 1));
    /* many pairs: more than one chunk of side-by-side Miller loops; pairs with infinity mixed
     * in; sum of [k_i] P paired with Q equals the single pairing */
    enum { M = 19 };
    ozk_g1 ps[M + 1];
    ozk_g2 qs[M + 1];
    ozk_fr total, k;
    ozk_fr_set_zero(&total);
    for (int i = 0; i < M; i++) {
        uint64_t kl[4];
        ozk_g1_jac j;
        rand_fr(&k);
        ozk_fr_add(&total, &total, &k);
        ozk_fr_to_limbs(kl, &k);
        ozk_g1_mul_var(&j, &p, kl);
        ozk_g1_jac_to_affine(&ps[i], &j);
        qs[i] = q;
        if (i % 7 == 3) ps[i] = inf1, ozk_fr_sub(&total, &total, &k);
    }
    /* the last pair: -[total] P with Q, so the product is 1 */
    uint64_t tl[4];
    ozk_g1_jac j;
    ozk_fr_to_limbs(tl, &total);
    ozk_g1_mul_var(&j, &p, tl);
    ozk_g1_jac_to_affine(&ps[M], &j);
    ozk_g1_neg(&ps[M], &ps[M]);
    qs[M] = q;
    assert_true(ozk_pairing_check(ps, qs, M + 1));
    ozk_g1_neg(&ps[M], &ps[M]);
    assert_false(ozk_pairing_check(ps, qs, M + 1));
}

/* go-ethereum core/vm/testdata/precompiles/bn256Pairing.json (bn254.md section 3.2) */
static int check_vector(const char *hex)
{
    uint8_t buf[384];
    long n = ozk_hex_decode(buf, sizeof buf, hex);
    assert_true(n > 0 && n % 192 == 0);
    ozk_g1 p[2];
    ozk_g2 q[2];
    size_t k = (size_t)n / 192;
    for (size_t i = 0; i < k; i++) {
        assert_int_equal(ozk_g1_from_bytes(&p[i], buf + 192 * i), 1);
        assert_int_equal(ozk_g2_from_bytes(&q[i], buf + 192 * i + 64), 1);
    }
    return ozk_pairing_check(p, q, k);
}

static void test_geth_vectors(void **state)
{
    (void)state;
    assert_int_equal(
        check_vector(
            "1c76476f4def4bb94541d57ebba1193381ffa7aa76ada664dd31c16024c43f593034dd2920f673e204fee2"
            "811c678745fc819b55d3e9d294e45c9b03a76aef41209dd15ebff5d46c4bd888e51a93cf99a7329636c635"
            "14396b4a452003a35bf704bf11ca01483bfa8b34b43561848d28905960114c8ac04049af4b6315a416782b"
            "b8324af6cfc93537a2ad1a445cfd0ca2a71acd7ac41fadbf933c2a51be344d120a2a4cf30c1bf9845f20c6"
            "fe39e07ea2cce61f0c9bb048165fe5e4de877550111e129f1cf1097710d41c4ac70fcdfa5ba2023c6ff1cb"
            "eac322de49d1b6df7c2032c61a830e3c17286de9462bf242fca2883585b93870a73853face6a6bf411198e"
            "9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c21800deef121f1e76426a00665e"
            "5c4479674322d4f75edadd46debd5cd992f6ed090689d0585ff075ec9e99ad690c3395bc4b313370b38ef3"
            "55acdadcd122975b12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa"),
        1); /* jeff1 */
    assert_int_equal(
        check_vector(
            "1c76476f4def4bb94541d57ebba1193381ffa7aa76ada664dd31c16024c43f593034dd2920f673e204fee2"
            "811c678745fc819b55d3e9d294e45c9b03a76aef41209dd15ebff5d46c4bd888e51a93cf99a7329636c635"
            "14396b4a452003a35bf704bf11ca01483bfa8b34b43561848d28905960114c8ac04049af4b6315a416782b"
            "b8324af6cfc93537a2ad1a445cfd0ca2a71acd7ac41fadbf933c2a51be344d120a2a4cf30c1bf9845f20c6"
            "fe39e07ea2cce61f0c9bb048165fe5e4de877550111e129f1cf1097710d41c4ac70fcdfa5ba2023c6ff1cb"
            "eac322de49d1b6df7c103188585e2364128fe25c70558f1560f4f9350baf3959e603cc91486e110936198e"
            "9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c21800deef121f1e76426a00665e"
            "5c4479674322d4f75edadd46debd5cd992f6ed090689d0585ff075ec9e99ad690c3395bc4b313370b38ef3"
            "55acdadcd122975b12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa"),
        0); /* jeff6 */
    /* one_point: e(G1, G2) alone is not 1 */
    ozk_g1 g1;
    ozk_g2 g2;
    ozk_g1_generator(&g1);
    ozk_g2_generator(&g2);
    assert_int_equal(ozk_pairing_check(&g1, &g2, 1), 0);
}

/* prod_i e([a_i] G, [b_i] H) e(-[sum a_i b_i] G, H) = 1 with distinct Q's, across the
 * side-by-side chunks of the Miller loop (8 pairs each): 2 .. 20 pairs */
static void test_distinct_pairs_across_chunks(void **state)
{
    (void)state;
    enum { M = 20 };
    ozk_g1 g, ps[M];
    ozk_g2 h, qs[M];
    ozk_g1_generator(&g);
    ozk_g2_generator(&h);
    for (int m = 2; m <= M; m += (m < 10 ? 1 : 5)) {
        ozk_fr sum, a, b, t;
        ozk_fr_set_zero(&sum);
        for (int i = 0; i < m - 1; i++) {
            uint64_t al[4], bl[4];
            ozk_g1_jac j1;
            ozk_g2_jac j2;
            rand_fr(&a);
            rand_fr(&b);
            ozk_fr_mul(&t, &a, &b);
            ozk_fr_add(&sum, &sum, &t);
            ozk_fr_to_limbs(al, &a);
            ozk_fr_to_limbs(bl, &b);
            ozk_g1_mul_var(&j1, &g, al);
            ozk_g1_jac_to_affine(&ps[i], &j1);
            ozk_g2_mul_var(&j2, &h, bl);
            ozk_g2_jac_to_affine(&qs[i], &j2);
        }
        uint64_t sl[4];
        ozk_g1_jac j1;
        ozk_fr_neg(&sum, &sum);
        ozk_fr_to_limbs(sl, &sum);
        ozk_g1_mul_var(&j1, &g, sl);
        ozk_g1_jac_to_affine(&ps[m - 1], &j1);
        qs[m - 1] = h;
        assert_true(ozk_pairing_check(ps, qs, (size_t)m));
        /* swap two Q's: no longer 1 */
        ozk_g2 tq = qs[0];
        qs[0] = qs[m - 1];
        qs[m - 1] = tq;
        assert_false(ozk_pairing_check(ps, qs, (size_t)m));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_final_exp_is_plain_power),     cmocka_unit_test(test_bilinear),
        cmocka_unit_test(test_infinity_and_empty),           cmocka_unit_test(test_geth_vectors),
        cmocka_unit_test(test_distinct_pairs_across_chunks),
    };
    return TEST_RUN("pairing", tests);
}
