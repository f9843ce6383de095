/*
 * tests/test_logup.c: LogUp-GKR range checks (docs/protocol.md section 6) against a brute-force
 * reference, and their soundness.
 *
 * The reference computes both fractional sums sum_b 1/(a - w_b) and sum_j mult_j/(a - j) with
 * inversions, and the MLEs of w and mult term by term. Honest proofs for m = 0..6, k = 1..4
 * (every pair, with and without a tag) and m = 10, k = 8 must verify, their roots must equal the
 * reference sums (P/Q, Q the product of the leaf denominators) and their claims the true MLEs.
 * Soundness: out-of-range values (2^k and -1) with every multiplicity cheat below; the forgery
 * that works when alpha is known before mult (the caller's obligation); a prover that zeroes a
 * bad lookup's numerator; every element altered; every byte flipped; other lengths and
 * non-canonical elements; zero denominators (the prover refuses; a proof made anyway is
 * rejected); wrong claims at the caller's step 2; other statements in the transcript.
 */
#include <stdlib.h>
#include <string.h>

#include "curve_testutil.h"
#include "ozk/error.h"
#include "ozk/logup.h"
#include "ozk/mle.h"

#define DOMAIN "ozk-test-logup"

/* ---- the reference ------------------------------------------------------------------------ */

/* sum_b 1/(a - w_b), prod_b (a - w_b), sum_j mult_j/(a - j), prod_j (a - j) */
static void sums_ref(ozk_fr *sw, ozk_fr *pw, ozk_fr *st, ozk_fr *pt, const ozk_fr *w, uint32_t m,
                     const ozk_fr *mult, uint32_t k, const ozk_fr *a)
{
    ozk_fr d, inv, v;
    ozk_fr_set_zero(sw);
    ozk_fr_set_zero(st);
    ozk_fr_set_one(pw);
    ozk_fr_set_one(pt);
    for (size_t b = 0; b < ((size_t)1 << m); b++) {
        ozk_fr_sub(&d, a, &w[b]);
        assert_true(ozk_fr_inv(&inv, &d));
        ozk_fr_add(sw, sw, &inv);
        ozk_fr_mul(pw, pw, &d);
    }
    for (size_t j = 0; j < ((size_t)1 << k); j++) {
        ozk_fr_from_u64(&v, j);
        ozk_fr_sub(&d, a, &v);
        assert_true(ozk_fr_inv(&inv, &d));
        ozk_fr_mul(&inv, &inv, &mult[j]);
        ozk_fr_add(st, st, &inv);
        ozk_fr_mul(pt, pt, &d);
    }
}

/* ---- helpers ------------------------------------------------------------------------------ */

typedef struct {
    uint32_t m, k;
    ozk_fr *w, *mult;
    ozk_fr shift;
    int has_shift;
} stmt;

static void stmt_alloc(stmt *s, uint32_t m, uint32_t k)
{
    memset(s, 0, sizeof *s);
    s->m = m;
    s->k = k;
    s->w = calloc((size_t)1 << m, sizeof(ozk_fr));
    s->mult = calloc((size_t)1 << k, sizeof(ozk_fr));
    assert_non_null(s->w);
    assert_non_null(s->mult);
}

static void stmt_free(stmt *s)
{
    free(s->w);
    free(s->mult);
}

/* random in-range values (the last few pads of 0) and their counts */
static void stmt_honest(stmt *s)
{
    size_t n = (size_t)1 << s->m, nt = (size_t)1 << s->k;
    for (size_t j = 0; j < nt; j++) ozk_fr_set_zero(&s->mult[j]);
    ozk_fr one;
    ozk_fr_set_one(&one);
    for (size_t b = 0; b < n; b++) {
        uint64_t v = b + 2 >= n && n > 2 ? 0 : test_rand_below(nt);
        ozk_fr_from_u64(&s->w[b], v);
        ozk_fr_add(&s->mult[v], &s->mult[v], &one);
    }
}

static const ozk_fr *shift_of(const stmt *s)
{
    return s->has_shift ? &s->shift : NULL;
}

/* the caller's transcript: the columns stand for their commitments; alpha after them */
static void caller_transcript(ozk_transcript *t, ozk_fr *alpha, const stmt *s)
{
    ozk_transcript_init(t, DOMAIN);
    ozk_transcript_absorb_frs(t, s->w, (size_t)1 << s->m);
    ozk_transcript_absorb_frs(t, s->mult, (size_t)1 << s->k);
    ozk_transcript_challenge(t, alpha);
}

static ozk_logup_proof *proof_new(void)
{
    ozk_logup_proof *p = malloc(sizeof *p);
    assert_non_null(p);
    return p;
}

static int prove(ozk_logup_proof *p, ozk_logup_claims *c, const stmt *s,
                 const ozk_fr *alpha_or_null)
{
    ozk_transcript t;
    ozk_fr alpha;
    caller_transcript(&t, &alpha, s);
    if (alpha_or_null) alpha = *alpha_or_null;
    return ozk_logup_prove(p, c, &t, s->w, s->m, s->mult, s->k, &alpha, shift_of(s));
}

/* step 1 and step 2 with the true MLEs of the statement's columns */
static int verify_full(const ozk_logup_proof *p, const stmt *s, const ozk_fr *alpha_or_null)
{
    ozk_transcript t;
    ozk_fr alpha, we, me;
    ozk_logup_claims c;
    caller_transcript(&t, &alpha, s);
    if (alpha_or_null) alpha = *alpha_or_null;
    if (!ozk_logup_verify(&c, &t, s->m, s->k, &alpha, shift_of(s), p)) return 0;
    mle_brute(&we, s->w, s->m, c.w_point);
    mle_brute(&me, s->mult, s->k, c.mult_point);
    return ozk_logup_check_claims(&c, &we, &me);
}

/* ---- honest proofs ------------------------------------------------------------------------ */

static void check_honest(stmt *s)
{
    ozk_logup_proof *p = proof_new();
    ozk_logup_claims pc, vc;
    ozk_transcript t;
    ozk_fr alpha, a, sw, pw, st, pt, v, we, me;
    caller_transcript(&t, &alpha, s);
    assert_int_equal(ozk_logup_prove(p, &pc, &t, s->w, s->m, s->mult, s->k, &alpha, shift_of(s)),
                     0);
    /* the roots against the reference: Q = prod of leaf denominators, P = Q * sum */
    a = alpha;
    if (s->has_shift) ozk_fr_sub(&a, &alpha, &s->shift);
    sums_ref(&sw, &pw, &st, &pt, s->w, s->m, s->mult, s->k, &a);
    assert_true(ozk_fr_eq(&sw, &st));
    assert_true(ozk_fr_eq(&p->el[1], &pw));
    ozk_fr_mul(&v, &pw, &sw);
    assert_true(ozk_fr_eq(&p->el[0], &v));
    assert_true(ozk_fr_eq(&p->el[3], &pt));
    ozk_fr_mul(&v, &pt, &st);
    assert_true(ozk_fr_eq(&p->el[2], &v));
    /* the verifier accepts, returns the prover's claims, and they are the true MLEs */
    ozk_transcript tv;
    caller_transcript(&tv, &alpha, s);
    assert_true(ozk_logup_verify(&vc, &tv, s->m, s->k, &alpha, shift_of(s), p));
    assert_memory_equal(&pc, &vc, sizeof pc);
    assert_memory_equal(&t, &tv, sizeof t); /* the transcripts end in the same state */
    mle_brute(&we, s->w, s->m, vc.w_point);
    mle_brute(&me, s->mult, s->k, vc.mult_point);
    assert_true(ozk_logup_check_claims(&vc, &we, &me));
    /* encode / decode round trip */
    size_t len = ozk_logup_proof_size(s->m, s->k);
    uint8_t *bytes = malloc(len);
    ozk_logup_proof *q = proof_new();
    assert_non_null(bytes);
    ozk_logup_proof_encode(bytes, p);
    assert_true(ozk_logup_proof_decode(q, s->m, s->k, bytes, len));
    assert_memory_equal(p->el, q->el, OZK_LOGUP_ELEMS(s->m, s->k) * sizeof(ozk_fr));
    assert_true(verify_full(q, s, NULL));
    free(bytes);
    free(q);
    free(p);
}

static void test_honest_exhaustive(void **state)
{
    (void)state;
    for (uint32_t m = 0; m <= 6; m++)
        for (uint32_t k = 0; k <= 4; k++)
            for (int sh = 0; sh < 2; sh++) {
                stmt s;
                stmt_alloc(&s, m, k);
                stmt_honest(&s);
                s.has_shift = sh;
                if (sh) ozk_fr_from_u64(&s.shift, 1000 + test_rand_below(1000));
                check_honest(&s);
                stmt_free(&s);
            }
}

static void test_honest_large(void **state)
{
    (void)state;
    stmt s;
    stmt_alloc(&s, 10, 8);
    stmt_honest(&s);
    check_honest(&s);
    stmt_free(&s);
}

/* ---- soundness ---------------------------------------------------------------------------- */

/* w with one bad value at position pos; mult counts the others */
static void stmt_bad(stmt *s, const ozk_fr *bad, size_t pos)
{
    stmt_honest(s);
    ozk_fr one;
    ozk_fr_set_one(&one);
    uint64_t limbs[4];
    ozk_fr_to_limbs(limbs, &s->w[pos]);
    ozk_fr_sub(&s->mult[limbs[0]], &s->mult[limbs[0]], &one);
    s->w[pos] = *bad;
}

static void bad_values(ozk_fr bad[2], uint32_t k)
{
    ozk_fr_from_u64(&bad[0], (uint64_t)1 << k); /* 2^k */
    ozk_fr_from_i64(&bad[1], -1);               /* r - 1 */
}

static void test_out_of_range(void **state)
{
    (void)state;
    ozk_fr one, bad[2];
    ozk_fr_set_one(&one);
    for (uint32_t m = 0; m <= 4; m++)
        for (uint32_t k = 1; k <= 3; k++) {
            bad_values(bad, k);
            for (int bi = 0; bi < 2; bi++) {
                stmt s;
                stmt_alloc(&s, m, k);
                ozk_logup_proof *p = proof_new();
                size_t pos = test_rand_below((size_t)1 << m);
                /* cheat 0: mult counts only the valid lookups */
                stmt_bad(&s, &bad[bi], pos);
                assert_int_equal(prove(p, NULL, &s, NULL), 0);
                assert_false(verify_full(p, &s, NULL));
                /* cheat 1: the bad lookup's count moved onto each table entry j */
                for (size_t j = 0; j < ((size_t)1 << k); j++) {
                    ozk_fr_add(&s.mult[j], &s.mult[j], &one);
                    assert_int_equal(prove(p, NULL, &s, NULL), 0);
                    assert_false(verify_full(p, &s, NULL));
                    ozk_fr_sub(&s.mult[j], &s.mult[j], &one);
                }
                /* cheat 2: a multiple c of 1 at entry j for random field c */
                for (int rep = 0; rep < 4; rep++) {
                    size_t j = test_rand_below((size_t)1 << k);
                    ozk_fr c, keep = s.mult[j];
                    rand_fr(&c);
                    ozk_fr_add(&s.mult[j], &s.mult[j], &c);
                    assert_int_equal(prove(p, NULL, &s, NULL), 0);
                    assert_false(verify_full(p, &s, NULL));
                    s.mult[j] = keep;
                }
                free(p);
                stmt_free(&s);
            }
        }
}

/* A forged mult that balances a bad value for an alpha0 fixed BEFORE mult is committed: it
 * verifies if the caller uses alpha0 (the obligation broken) and fails for the transcript's
 * alpha, drawn after mult. mult[j0] += (a0 - j0) / (a0 - bad) makes
 * sum_j mult_j/(a0 - j) include 1/(a0 - bad). */
static void test_alpha_before_mult(void **state)
{
    (void)state;
    ozk_fr bad[2];
    for (uint32_t k = 1; k <= 4; k++) {
        bad_values(bad, k);
        for (int bi = 0; bi < 2; bi++) {
            stmt s;
            stmt_alloc(&s, 3, k);
            stmt_bad(&s, &bad[bi], 5);
            ozk_fr a0, d, num, inv, jv;
            rand_fr(&a0);
            size_t j0 = test_rand_below((size_t)1 << k);
            ozk_fr_from_u64(&jv, j0);
            ozk_fr_sub(&num, &a0, &jv);
            ozk_fr_sub(&d, &a0, &bad[bi]);
            assert_true(ozk_fr_inv(&inv, &d));
            ozk_fr_mul(&num, &num, &inv);
            ozk_fr_add(&s.mult[j0], &s.mult[j0], &num);
            ozk_logup_proof *p = proof_new();
            assert_int_equal(prove(p, NULL, &s, &a0), 0);
            assert_true(verify_full(p, &s, &a0)); /* the broken obligation: accepted */
            assert_int_equal(prove(p, NULL, &s, NULL), 0);
            assert_false(verify_full(p, &s, NULL)); /* alpha after mult: rejected */
            free(p);
            stmt_free(&s);
        }
    }
}

/* a prover that sets the bad lookup's numerator to 0: the roots balance, the leaf check fails */
static void test_zeroed_numerator(void **state)
{
    (void)state;
    ozk_fr bad[2];
    for (uint32_t m = 0; m <= 4; m++)
        for (uint32_t k = 1; k <= 3; k++) {
            bad_values(bad, k);
            for (int bi = 0; bi < 2; bi++) {
                stmt s;
                stmt_alloc(&s, m, k);
                size_t n = (size_t)1 << m, pos = test_rand_below(n);
                stmt_bad(&s, &bad[bi], pos);
                ozk_fr *wnum = malloc(n * sizeof *wnum);
                assert_non_null(wnum);
                for (size_t b = 0; b < n; b++) ozk_fr_set_one(&wnum[b]);
                ozk_fr_set_zero(&wnum[pos]);
                ozk_logup_proof *p = proof_new();
                ozk_transcript t;
                ozk_fr alpha, v, u;
                caller_transcript(&t, &alpha, &s);
                assert_int_equal(
                    ozk__logup_prove_hooked(p, NULL, &t, s.w, m, s.mult, k, &alpha, NULL, wnum, 0),
                    0);
                /* the root check alone would pass: P_w Q_t = P_t Q_w */
                ozk_fr_mul(&v, &p->el[0], &p->el[3]);
                ozk_fr_mul(&u, &p->el[2], &p->el[1]);
                assert_true(ozk_fr_eq(&v, &u));
                assert_false(verify_full(p, &s, NULL));
                free(p);
                free(wnum);
                stmt_free(&s);
            }
        }
}

static void test_tamper_elements(void **state)
{
    (void)state;
    static const uint32_t shapes[][2] = { { 0, 1 }, { 1, 0 }, { 3, 2 }, { 2, 4 }, { 5, 3 } };
    for (size_t sh = 0; sh < sizeof shapes / sizeof shapes[0]; sh++) {
        stmt s;
        stmt_alloc(&s, shapes[sh][0], shapes[sh][1]);
        stmt_honest(&s);
        ozk_logup_proof *p = proof_new();
        assert_int_equal(prove(p, NULL, &s, NULL), 0);
        assert_true(verify_full(p, &s, NULL));
        ozk_fr one, keep;
        ozk_fr_set_one(&one);
        for (size_t e = 0; e < OZK_LOGUP_ELEMS(s.m, s.k); e++) {
            keep = p->el[e];
            ozk_fr_add(&p->el[e], &p->el[e], &one);
            assert_false(verify_full(p, &s, NULL));
            rand_fr(&p->el[e]);
            assert_false(verify_full(p, &s, NULL));
            p->el[e] = keep;
        }
        assert_true(verify_full(p, &s, NULL));
        free(p);
        stmt_free(&s);
    }
}

static void test_encoding(void **state)
{
    (void)state;
    stmt s;
    stmt_alloc(&s, 2, 2);
    stmt_honest(&s);
    ozk_logup_proof *p = proof_new(), *q = proof_new();
    assert_int_equal(prove(p, NULL, &s, NULL), 0);
    size_t len = ozk_logup_proof_size(2, 2);
    assert_int_equal(len, 32 * (4 + 12 + 12));
    uint8_t *bytes = malloc(len + 32);
    assert_non_null(bytes);
    ozk_logup_proof_encode(bytes, p);
    /* every byte flipped (two masks): rejected at decode or at verify */
    for (size_t i = 0; i < len; i++)
        for (int mk = 0; mk < 2; mk++) {
            uint8_t mask = mk ? 0x80 : (uint8_t)(1u << test_rand_below(8));
            bytes[i] ^= mask;
            int ok = ozk_logup_proof_decode(q, 2, 2, bytes, len);
            if (ok) assert_false(verify_full(q, &s, NULL));
            bytes[i] ^= mask;
        }
    assert_true(ozk_logup_proof_decode(q, 2, 2, bytes, len));
    assert_true(verify_full(q, &s, NULL));
    /* other lengths and shapes */
    assert_false(ozk_logup_proof_decode(q, 2, 2, bytes, len - 1));
    assert_false(ozk_logup_proof_decode(q, 2, 2, bytes, len + 32));
    assert_false(ozk_logup_proof_decode(q, 2, 2, bytes, len - 32));
    assert_false(ozk_logup_proof_decode(q, 2, 1, bytes, len));
    assert_false(ozk_logup_proof_decode(q, 3, 2, bytes, len));
    assert_false(ozk_logup_proof_decode(q, OZK_LOGUP_MAX_VARS + 1, 2, bytes, len));
    /* non-canonical: r itself and 2^256 - 1 in each position class */
    uint8_t rbytes[32];
    for (int i = 0; i < 4; i++)
        for (int b = 0; b < 8; b++)
            rbytes[31 - 8 * i - b] = (uint8_t)(ozk_fr_modulus[i] >> (8 * b));
    for (size_t e = 0; e < len / 32; e++) {
        uint8_t keep[32];
        memcpy(keep, bytes + 32 * e, 32);
        memcpy(bytes + 32 * e, rbytes, 32);
        assert_false(ozk_logup_proof_decode(q, 2, 2, bytes, len));
        memset(bytes + 32 * e, 0xff, 32);
        assert_false(ozk_logup_proof_decode(q, 2, 2, bytes, len));
        memcpy(bytes + 32 * e, keep, 32);
    }
    free(bytes);
    free(p);
    free(q);
    stmt_free(&s);
}

/* alpha - shift equal to a looked-up value or a table entry: the prover refuses and leaves the
 * transcript alone; a proof made anyway has Q_w = Q_t = 0, so its root numerator P_w Q_t -
 * P_t Q_w is 0 for ANY witness, and only the denominator check rejects it */
static void test_zero_denominator(void **state)
{
    (void)state;
    ozk_fr bad[2];
    for (uint32_t m = 0; m <= 3; m++)
        for (uint32_t k = 1; k <= 3; k++) {
            stmt s;
            stmt_alloc(&s, m, k);
            stmt_honest(&s);
            ozk_logup_proof *p = proof_new();
            ozk_transcript t, t0;
            ozk_fr alpha, dummy;
            caller_transcript(&t, &dummy, &s);
            t0 = t;
            /* alpha = a looked-up value (also a table entry) */
            size_t b = test_rand_below((size_t)1 << m);
            alpha = s.w[b];
            assert_int_equal(ozk_logup_prove(p, NULL, &t, s.w, m, s.mult, k, &alpha, NULL),
                             OZK_ERANGE);
            assert_memory_equal(&t, &t0, sizeof t);
            /* with a shift: alpha - shift = w[b] */
            ozk_fr sh;
            ozk_fr_from_u64(&sh, 77);
            ozk_fr_add(&alpha, &s.w[b], &sh);
            assert_int_equal(ozk_logup_prove(p, NULL, &t, s.w, m, s.mult, k, &alpha, &sh),
                             OZK_ERANGE);
            /* alpha = a table entry nobody looks up */
            ozk_fr_from_u64(&alpha, ((uint64_t)1 << k) - 1);
            int looked = 0;
            for (size_t i = 0; i < ((size_t)1 << m); i++) looked |= ozk_fr_eq(&s.w[i], &alpha);
            if (!looked)
                assert_int_equal(ozk_logup_prove(p, NULL, &t, s.w, m, s.mult, k, &alpha, NULL),
                                 OZK_ERANGE);
            assert_memory_equal(&t, &t0, sizeof t);

            /* the forced proof: every lookup bad (-1), alpha = 0 on the table: Q_t = 0 */
            bad_values(bad, k);
            for (size_t i = 0; i < ((size_t)1 << m); i++) s.w[i] = bad[1];
            ozk_fr_set_zero(&alpha);
            caller_transcript(&t, &dummy, &s);
            assert_int_equal(
                ozk__logup_prove_hooked(p, NULL, &t, s.w, m, s.mult, k, &alpha, NULL, NULL, 1), 0);
            assert_true(ozk_fr_is_zero(&p->el[3])); /* Q_t = 0 */
            assert_false(verify_full(p, &s, &alpha));
            /* make Q_w = 0 too by looking up 0 once: every check but Q != 0 passes */
            s.w[0] = alpha;
            caller_transcript(&t, &dummy, &s);
            assert_int_equal(
                ozk__logup_prove_hooked(p, NULL, &t, s.w, m, s.mult, k, &alpha, NULL, NULL, 1), 0);
            assert_true(ozk_fr_is_zero(&p->el[1]));
            assert_true(ozk_fr_is_zero(&p->el[3]));
            assert_false(verify_full(p, &s, &alpha));
            free(p);
            stmt_free(&s);
        }
}

/* root numerator nonzero / root denominator zero, with the rest of the proof consistent: the
 * roots are changed and the layers re-proved from the changed roots is impossible, so these
 * check the root tests directly on otherwise honest proofs */
static void test_root_checks(void **state)
{
    (void)state;
    stmt s;
    stmt_alloc(&s, 3, 2);
    stmt_honest(&s);
    ozk_logup_proof *p = proof_new();
    assert_int_equal(prove(p, NULL, &s, NULL), 0);
    assert_true(verify_full(p, &s, NULL));
    ozk_fr keep[4], z;
    memcpy(keep, p->el, sizeof keep);
    ozk_fr_set_zero(&z);
    /* scaling P_w and Q_w by the same factor keeps the fraction but not the layers */
    ozk_fr two;
    ozk_fr_from_u64(&two, 2);
    ozk_fr_mul(&p->el[0], &p->el[0], &two);
    ozk_fr_mul(&p->el[1], &p->el[1], &two);
    assert_false(verify_full(p, &s, NULL));
    memcpy(p->el, keep, sizeof keep);
    /* all-zero roots: numerator 0 = 0 but denominators zero */
    for (int i = 0; i < 4; i++) p->el[i] = z;
    assert_false(verify_full(p, &s, NULL));
    memcpy(p->el, keep, sizeof keep);
    /* an invalid statement: the honest prover's root numerator is nonzero */
    ozk_fr bad;
    ozk_fr_from_u64(&bad, 4);
    stmt_bad(&s, &bad, 2);
    assert_int_equal(prove(p, NULL, &s, NULL), 0);
    ozk_fr v, u;
    ozk_fr_mul(&v, &p->el[0], &p->el[3]);
    ozk_fr_mul(&u, &p->el[2], &p->el[1]);
    assert_false(ozk_fr_eq(&v, &u));
    assert_false(verify_full(p, &s, NULL));
    free(p);
    stmt_free(&s);
}

/* the caller's step 2 with wrong values, and a column changed after the proof */
static void test_wrong_claims(void **state)
{
    (void)state;
    for (uint32_t m = 0; m <= 4; m++) {
        stmt s;
        stmt_alloc(&s, m, 3);
        stmt_honest(&s);
        ozk_logup_proof *p = proof_new();
        ozk_logup_claims c;
        ozk_transcript t;
        ozk_fr alpha, we, me, one, tw;
        ozk_fr_set_one(&one);
        assert_int_equal(prove(p, NULL, &s, NULL), 0);
        caller_transcript(&t, &alpha, &s);
        assert_true(ozk_logup_verify(&c, &t, m, 3, &alpha, NULL, p));
        mle_brute(&we, s.w, m, c.w_point);
        mle_brute(&me, s.mult, 3, c.mult_point);
        assert_true(ozk_logup_check_claims(&c, &we, &me));
        ozk_fr_add(&tw, &we, &one);
        assert_false(ozk_logup_check_claims(&c, &tw, &me));
        ozk_fr_add(&tw, &me, &one);
        assert_false(ozk_logup_check_claims(&c, &we, &tw));
        /* one entry of w, then of mult, changed: the opening no longer matches */
        ozk_fr *w2 = malloc(((size_t)1 << m) * sizeof *w2), *m2 = malloc(8 * sizeof *m2);
        assert_non_null(w2);
        assert_non_null(m2);
        memcpy(w2, s.w, ((size_t)1 << m) * sizeof *w2);
        memcpy(m2, s.mult, 8 * sizeof *m2);
        size_t b = test_rand_below((size_t)1 << m);
        ozk_fr_add(&w2[b], &w2[b], &one);
        mle_brute(&tw, w2, m, c.w_point);
        assert_false(ozk_logup_check_claims(&c, &tw, &me));
        ozk_fr_add(&m2[b % 8], &m2[b % 8], &one);
        mle_brute(&tw, m2, 3, c.mult_point);
        assert_false(ozk_logup_check_claims(&c, &we, &tw));
        free(w2);
        free(m2);
        free(p);
        stmt_free(&s);
    }
}

/* the statement is in the transcript: another alpha, shift, m or k rejects */
static void test_transcript_binding(void **state)
{
    (void)state;
    stmt s;
    stmt_alloc(&s, 3, 3);
    stmt_honest(&s);
    ozk_logup_proof *p = proof_new();
    ozk_logup_claims c;
    ozk_transcript t;
    ozk_fr alpha, a2, sh;
    assert_int_equal(prove(p, NULL, &s, NULL), 0);
    caller_transcript(&t, &alpha, &s);
    ozk_fr_from_u64(&sh, 5);
    assert_false(ozk_logup_verify(&c, &t, 3, 3, &alpha, &sh, p));
    caller_transcript(&t, &alpha, &s);
    ozk_fr_set_one(&a2);
    ozk_fr_add(&a2, &a2, &alpha);
    assert_false(ozk_logup_verify(&c, &t, 3, 3, &a2, NULL, p));
    caller_transcript(&t, &alpha, &s);
    assert_false(ozk_logup_verify(&c, &t, 3, 2, &alpha, NULL, p));
    caller_transcript(&t, &alpha, &s);
    assert_false(ozk_logup_verify(&c, &t, 2, 3, &alpha, NULL, p));
    ozk_transcript_init(&t, "another-domain");
    assert_false(ozk_logup_verify(&c, &t, 3, 3, &alpha, NULL, p));
    /* with the prover's shape fields changed to match (the elements stay): still rejected */
    ozk_logup_proof *q = proof_new();
    *q = *p;
    q->k = 2;
    caller_transcript(&t, &alpha, &s);
    assert_false(ozk_logup_verify(&c, &t, 3, 2, &alpha, NULL, q));
    caller_transcript(&t, &alpha, &s);
    assert_true(ozk_logup_verify(&c, &t, 3, 3, &alpha, NULL, p));
    free(q);
    free(p);
    stmt_free(&s);
}

static void test_bad_args(void **state)
{
    (void)state;
    ozk_logup_proof *p = proof_new();
    ozk_transcript t, t0;
    ozk_fr alpha, x;
    ozk_fr_set_zero(&x);
    ozk_transcript_init(&t, DOMAIN);
    t0 = t;
    ozk_fr_from_u64(&alpha, 1234567);
    assert_int_equal(ozk_logup_prove(p, NULL, &t, &x, OZK_LOGUP_MAX_VARS + 1, &x, 0, &alpha, NULL),
                     OZK_EINVAL);
    assert_int_equal(ozk_logup_prove(p, NULL, &t, &x, 0, &x, OZK_LOGUP_MAX_VARS + 1, &alpha, NULL),
                     OZK_EINVAL);
    assert_memory_equal(&t, &t0, sizeof t);
    ozk_logup_claims c;
    p->m = OZK_LOGUP_MAX_VARS + 1;
    p->k = 0;
    assert_false(ozk_logup_verify(&c, &t, OZK_LOGUP_MAX_VARS + 1, 0, &alpha, NULL, p));
    free(p);
}

static void test_table_eval(void **state)
{
    (void)state;
    for (uint32_t k = 0; k <= 6; k++) {
        ozk_fr tab[64], z[6], want, got;
        for (size_t j = 0; j < ((size_t)1 << k); j++) ozk_fr_from_u64(&tab[j], j);
        for (uint32_t i = 0; i < k; i++) rand_fr(&z[i]);
        mle_brute(&want, tab, k, z);
        ozk_logup_table_eval(&got, z, k);
        assert_true(ozk_fr_eq(&want, &got));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_eval),        cmocka_unit_test(test_honest_exhaustive),
        cmocka_unit_test(test_honest_large),      cmocka_unit_test(test_out_of_range),
        cmocka_unit_test(test_alpha_before_mult), cmocka_unit_test(test_zeroed_numerator),
        cmocka_unit_test(test_tamper_elements),   cmocka_unit_test(test_encoding),
        cmocka_unit_test(test_zero_denominator),  cmocka_unit_test(test_root_checks),
        cmocka_unit_test(test_wrong_claims),      cmocka_unit_test(test_transcript_binding),
        cmocka_unit_test(test_bad_args),
    };
    return TEST_RUN("logup", tests);
}
