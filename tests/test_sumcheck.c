/*
 * tests/test_sumcheck.c: the sumcheck of docs/protocol.md, "Sumcheck", against a slow,
 * obviously correct reference, and its soundness.
 *
 * The reference prover here computes each round polynomial from the definition,
 *     p_i(x) = sum_{b'} g(f_0~(r_0..r_{i-1}, x, b'), ...),  x = 0..d,
 * with every f_j~ evaluated term by term, interpolates by Gaussian elimination and runs the
 * transcript from the spec's words (claim || nvars || d, then each round's coefficients, then a
 * challenge). ozk_sumcheck_prove must produce exactly its proof and transcript, for n = 1..6,
 * d = 1..4 and several combiners (a single table, the dense shape W x, the zero-check shape
 * eq a b, random sums of products). Soundness: wrong claims, every coefficient altered, a
 * change that only the final check catches, other degrees and lengths, non-canonical and
 * flipped bytes, wrong oracle values, a transcript with another claim / n / d absorbed, and a
 * prover that changes one table entry after the claim is fixed. A pinned vector closes it.
 */
#include <stdlib.h>
#include <string.h>

#include "curve_testutil.h"
#include "ozk/error.h"
#include "ozk/hex.h"
#include "ozk/keccak.h"
#include "ozk/mle.h"
#include "ozk/sumcheck.h"

#define MAXN     6
#define MAXD     4
#define MAXT     4 /* tables */
#define MAXTERMS 4
#define DOMAIN   "ozk-test-sumcheck"

typedef struct {
    const char *name;
    size_t ntables, nterms;
    ozk_sumcheck_term terms[MAXTERMS];
    int eq0; /* table 0 is eq(z, .): the verifier computes its oracle value itself */
} combiner;

/* ---- the slow reference ---------------------------------------------------------------- */

static void g_ref(ozk_fr *out, const combiner *cb, const ozk_fr *vals)
{
    ozk_fr acc, p;
    ozk_fr_set_zero(&acc);
    for (size_t t = 0; t < cb->nterms; t++) {
        p = cb->terms[t].coeff;
        for (uint32_t m = 0; m < cb->terms[t].nfactors; m++)
            ozk_fr_mul(&p, &p, &vals[cb->terms[t].factors[m]]);
        ozk_fr_add(&acc, &acc, &p);
    }
    *out = acc;
}

static void brute_sum(ozk_fr *out, ozk_fr *const *tables, const combiner *cb, uint32_t n)
{
    ozk_fr acc, v, vals[MAXT];
    ozk_fr_set_zero(&acc);
    for (size_t b = 0; b < ((size_t)1 << n); b++) {
        for (size_t j = 0; j < cb->ntables; j++) vals[j] = tables[j][b];
        g_ref(&v, cb, vals);
        ozk_fr_add(&acc, &acc, &v);
    }
    *out = acc;
}

/* coefficients of the polynomial with values e[x] at x = 0..d: solve the Vandermonde system
 * sum_k c_k x^k = e[x] by Gauss-Jordan elimination */
static void interpolate(ozk_fr *c, const ozk_fr *e, uint32_t d)
{
    ozk_fr m[MAXD + 1][MAXD + 2], inv, t;
    for (uint32_t x = 0; x <= d; x++) {
        ozk_fr xv, pw;
        ozk_fr_from_u64(&xv, x);
        ozk_fr_set_one(&pw);
        for (uint32_t k = 0; k <= d; k++) {
            m[x][k] = pw;
            ozk_fr_mul(&pw, &pw, &xv);
        }
        m[x][d + 1] = e[x];
    }
    for (uint32_t col = 0; col <= d; col++) {
        uint32_t piv = col;
        while (ozk_fr_is_zero(&m[piv][col])) piv++;
        for (uint32_t k = 0; k <= d + 1; k++) {
            t = m[col][k];
            m[col][k] = m[piv][k];
            m[piv][k] = t;
        }
        assert_true(ozk_fr_inv(&inv, &m[col][col]));
        for (uint32_t k = 0; k <= d + 1; k++) ozk_fr_mul(&m[col][k], &m[col][k], &inv);
        for (uint32_t row = 0; row <= d; row++) {
            if (row == col) continue;
            ozk_fr f = m[row][col];
            for (uint32_t k = 0; k <= d + 1; k++) {
                ozk_fr_mul(&t, &f, &m[col][k]);
                ozk_fr_sub(&m[row][k], &m[row][k], &t);
            }
        }
    }
    for (uint32_t k = 0; k <= d; k++) c[k] = m[k][d + 1];
}

static void word(uint8_t out[32], uint64_t v)
{
    memset(out, 0, 32);
    for (int i = 0; i < 8; i++) out[31 - i] = (uint8_t)(v >> (8 * i));
}

/* The spec's prover, with what it absorbs first overridable (to build bad transcripts). */
static void ref_prove(ozk_sumcheck_proof *proof, ozk_transcript *t, ozk_fr *const *tables,
                      const combiner *cb, uint32_t n, uint32_t d, const ozk_fr *abs_claim,
                      uint64_t abs_n, uint64_t abs_d)
{
    uint8_t msg[96];
    ozk_fr_to_bytes(msg, abs_claim);
    word(msg + 32, abs_n);
    word(msg + 64, abs_d);
    ozk_transcript_absorb(t, msg, sizeof msg);
    memset(proof, 0, sizeof *proof);
    proof->nvars = n;
    proof->degree = d;
    ozk_fr r[MAXN], z[MAXN], e[MAXD + 1], vals[MAXT], v;
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t x = 0; x <= d; x++) {
            ozk_fr_set_zero(&e[x]);
            for (size_t rest = 0; rest < ((size_t)1 << (n - 1 - i)); rest++) {
                for (uint32_t k = 0; k < i; k++) z[k] = r[k];
                ozk_fr_from_u64(&z[i], x);
                for (uint32_t k = i + 1; k < n; k++)
                    ozk_fr_from_u64(&z[k], rest >> (k - i - 1) & 1);
                for (size_t j = 0; j < cb->ntables; j++) mle_brute(&vals[j], tables[j], n, z);
                g_ref(&v, cb, vals);
                ozk_fr_add(&e[x], &e[x], &v);
            }
        }
        interpolate(proof->coeffs[i], e, d);
        ozk_transcript_absorb_frs(t, proof->coeffs[i], d + 1);
        ozk_transcript_challenge(t, &r[i]);
    }
}

/* ---- fixtures ---------------------------------------------------------------------------- */

static void rand_entry(ozk_fr *x)
{
    switch (test_rand_below(4)) {
    case 0:
        ozk_fr_from_i64(x, (int64_t)test_rand_below(256) - 128);
        break; /* int8-like */
    case 1:
        ozk_fr_set_zero(x);
        break;
    default:
        rand_fr(x);
    }
}

static ozk_fr *rand_table(uint32_t n)
{
    ozk_fr *f = malloc(((size_t)1 << n) * sizeof *f);
    assert_non_null(f);
    for (size_t b = 0; b < ((size_t)1 << n); b++) rand_entry(&f[b]);
    return f;
}

static void term(ozk_sumcheck_term *t, uint64_t c, uint32_t nf, const uint32_t *f)
{
    memset(t, 0, sizeof *t);
    ozk_fr_from_u64(&t->coeff, c);
    t->nfactors = nf;
    for (uint32_t m = 0; m < nf; m++) t->factors[m] = f[m];
}

static combiner comb_fixed(const char *name, size_t ntables, int eq0)
{
    /* one term: the product of all the tables, coefficient 1 */
    combiner cb;
    memset(&cb, 0, sizeof cb);
    cb.name = name;
    cb.ntables = ntables;
    cb.nterms = 1;
    cb.eq0 = eq0;
    term(&cb.terms[0], 1, (uint32_t)ntables, (const uint32_t[]){ 0, 1, 2 });
    return cb;
}

static combiner comb_single(void)
{
    return comb_fixed("single", 1, 0);
}

static combiner comb_dense(void)
{
    return comb_fixed("dense W x", 2, 0);
}

static combiner comb_eqab(void)
{
    return comb_fixed("eq a b", 3, 1);
}

/* a random sum of products of degree exactly maxdeg (>= 1) */
static combiner comb_random(uint32_t maxdeg)
{
    combiner cb;
    memset(&cb, 0, sizeof cb);
    cb.name = "random";
    cb.ntables = 1 + (size_t)test_rand_below(MAXT);
    cb.nterms = 1 + (size_t)test_rand_below(MAXTERMS);
    for (size_t t = 0; t < cb.nterms; t++) {
        ozk_sumcheck_term *tm = &cb.terms[t];
        rand_fr(&tm->coeff);
        tm->nfactors = t == 0 ? maxdeg : (uint32_t)test_rand_below(maxdeg + 1);
        for (uint32_t m = 0; m < tm->nfactors; m++)
            tm->factors[m] = (uint32_t)test_rand_below(cb.ntables); /* repeats: powers */
    }
    return cb;
}

typedef struct {
    combiner cb;
    uint32_t n, d;
    ozk_fr *tables[MAXT];
    ozk_fr z[MAXN]; /* eq's point when cb.eq0 */
    ozk_fr claim;
} instance;

static void make_instance(instance *in, const combiner *cb, uint32_t n, uint32_t d)
{
    memset(in, 0, sizeof *in);
    in->cb = *cb;
    in->n = n;
    in->d = d;
    for (size_t j = 0; j < cb->ntables; j++) in->tables[j] = rand_table(n);
    if (cb->eq0) {
        for (uint32_t i = 0; i < n; i++) rand_fr(&in->z[i]);
        ozk_mle_eq_table(in->tables[0], in->z, n);
    }
    brute_sum(&in->claim, in->tables, cb, n);
}

static void free_instance(instance *in)
{
    for (size_t j = 0; j < in->cb.ntables; j++) free(in->tables[j]);
}

static void prove(ozk_sumcheck_proof *proof, ozk_fr *point, ozk_fr *finals, const instance *in,
                  const ozk_fr *claim)
{
    ozk_transcript t;
    ozk_transcript_init(&t, DOMAIN);
    assert_int_equal(ozk_sumcheck_prove(proof, point, finals, &t, (const ozk_fr *const *)in->tables,
                                        in->cb.ntables, in->n, in->cb.terms, in->cb.nterms, in->d,
                                        claim),
                     0);
}

/* The whole verifier side as a caller must run it: the rounds, then the final check against
 * oracle values computed from the (committed) tables; eq's value the verifier computes itself.
 * 1 only if both pass. *rounds_ok reports the first stage alone. */
static int verify(const instance *in, const ozk_fr *claim, const ozk_sumcheck_proof *proof,
                  int *rounds_ok)
{
    ozk_transcript t;
    ozk_sumcheck_final fin;
    ozk_fr oracle[MAXT];
    ozk_transcript_init(&t, DOMAIN);
    int ok = ozk_sumcheck_verify_rounds(&fin, &t, in->n, in->d, claim, proof);
    if (rounds_ok) *rounds_ok = ok;
    if (!ok) return 0;
    for (size_t j = 0; j < in->cb.ntables; j++)
        mle_brute(&oracle[j], in->tables[j], in->n, fin.point);
    if (in->cb.eq0) ozk_mle_eq_eval(&oracle[0], in->z, fin.point, in->n);
    return ozk_sumcheck_verify_final(&fin, in->cb.terms, in->cb.nterms, oracle, in->cb.ntables);
}

/* ---- completeness against the reference ------------------------------------------------- */

static void check_against_reference(const combiner *cb, uint32_t n, uint32_t d)
{
    instance in;
    make_instance(&in, cb, n, d);
    ozk_sumcheck_proof proof, ref;
    ozk_fr point[MAXN], finals[MAXT], want;
    ozk_transcript t1, t2, t3;
    ozk_transcript_init(&t1, DOMAIN);
    assert_int_equal(ozk_sumcheck_prove(&proof, point, finals, &t1,
                                        (const ozk_fr *const *)in.tables, cb->ntables, n, cb->terms,
                                        cb->nterms, d, &in.claim),
                     0);
    ozk_transcript_init(&t2, DOMAIN);
    ref_prove(&ref, &t2, in.tables, cb, n, d, &in.claim, n, d);
    /* the same proof, coefficient for coefficient, and the same transcript state after */
    assert_int_equal(proof.nvars, n);
    assert_int_equal(proof.degree, d);
    for (uint32_t i = 0; i < n; i++)
        assert_memory_equal(proof.coeffs[i], ref.coeffs[i], (d + 1) * sizeof(ozk_fr));
    assert_memory_equal(t1.s, t2.s, 32);
    /* finals are the tables' MLEs at the point */
    for (size_t j = 0; j < cb->ntables; j++) {
        mle_brute(&want, in.tables[j], n, point);
        assert_true(ozk_fr_eq(&finals[j], &want));
    }
    /* the verifier accepts, leaves the same point and transcript, and the final check holds */
    ozk_sumcheck_final fin;
    ozk_transcript_init(&t3, DOMAIN);
    assert_true(ozk_sumcheck_verify_rounds(&fin, &t3, n, d, &in.claim, &proof));
    assert_memory_equal(t3.s, t1.s, 32);
    assert_int_equal(fin.nvars, n);
    assert_memory_equal(fin.point, point, n * sizeof(ozk_fr));
    g_ref(&want, cb, finals);
    assert_true(ozk_fr_eq(&fin.expected, &want));
    assert_true(ozk_sumcheck_verify_final(&fin, cb->terms, cb->nterms, finals, cb->ntables));
    assert_true(verify(&in, &in.claim, &proof, NULL));
    free_instance(&in);
}

static void test_exhaustive_small(void **state)
{
    (void)state;
    const combiner fixed[] = { comb_single(), comb_dense(), comb_eqab() };
    for (uint32_t n = 1; n <= MAXN; n++) {
        for (size_t c = 0; c < sizeof fixed / sizeof fixed[0]; c++) {
            uint32_t deg = ozk_sumcheck_combiner_degree(fixed[c].terms, fixed[c].nterms);
            for (uint32_t d = deg; d <= MAXD; d++) check_against_reference(&fixed[c], n, d);
        }
        for (uint32_t d = 1; d <= MAXD; d++) {
            for (int k = 0; k < 2; k++) {
                combiner cb = comb_random(d);
                check_against_reference(&cb, n, d);
            }
        }
    }
}

static void test_zero_rounds(void **state)
{
    (void)state;
    /* nvars = 0: no rounds; the claim itself is what the final check compares */
    combiner cb = comb_dense();
    instance in;
    make_instance(&in, &cb, 0, 2);
    ozk_sumcheck_proof proof;
    ozk_fr finals[2];
    prove(&proof, NULL, finals, &in, &in.claim);
    assert_true(ozk_fr_eq(&finals[0], &in.tables[0][0]));
    assert_true(verify(&in, &in.claim, &proof, NULL));
    ozk_fr bad;
    ozk_fr_set_one(&bad);
    ozk_fr_add(&bad, &bad, &in.claim);
    int rounds;
    assert_false(verify(&in, &bad, &proof, &rounds));
    assert_true(rounds); /* only the final check can see it here */
    free_instance(&in);
}

/* ---- soundness ----------------------------------------------------------------------------- */

static void test_wrong_claim(void **state)
{
    (void)state;
    const combiner cbs[] = { comb_single(), comb_dense(), comb_eqab() };
    for (size_t c = 0; c < 3; c++) {
        for (uint32_t n = 1; n <= MAXN; n++) {
            instance in;
            uint32_t d = ozk_sumcheck_combiner_degree(cbs[c].terms, cbs[c].nterms);
            make_instance(&in, &cbs[c], n, d);
            ozk_sumcheck_proof proof;
            ozk_fr bad, delta;
            rand_fr(&delta);
            if (ozk_fr_is_zero(&delta)) ozk_fr_set_one(&delta);
            ozk_fr_add(&bad, &in.claim, &delta);
            /* an honest proof of the true sum does not prove another */
            prove(&proof, NULL, NULL, &in, &in.claim);
            assert_true(verify(&in, &in.claim, &proof, NULL));
            int rounds;
            assert_false(verify(&in, &bad, &proof, &rounds));
            assert_false(rounds);
            /* the prover run on the false claim: every round check passes (p(1) is derived
             * from the claim), the final check fails */
            prove(&proof, NULL, NULL, &in, &bad);
            assert_false(verify(&in, &bad, &proof, &rounds));
            assert_true(rounds);
            free_instance(&in);
        }
    }
}

static void test_tamper_coefficients(void **state)
{
    (void)state;
    const combiner cbs[] = { comb_dense(), comb_eqab() };
    for (size_t c = 0; c < 2; c++) {
        for (uint32_t n = 1; n <= 4; n++) {
            uint32_t d = ozk_sumcheck_combiner_degree(cbs[c].terms, cbs[c].nterms);
            instance in;
            make_instance(&in, &cbs[c], n, d);
            ozk_sumcheck_proof proof, bad;
            prove(&proof, NULL, NULL, &in, &in.claim);
            ozk_fr one;
            ozk_fr_set_one(&one);
            int rounds;
            for (uint32_t i = 0; i < n; i++) {
                /* every coefficient altered alone: that round's check fails */
                for (uint32_t k = 0; k <= d; k++) {
                    bad = proof;
                    ozk_fr_add(&bad.coeffs[i][k], &bad.coeffs[i][k], &one);
                    assert_false(verify(&in, &in.claim, &bad, &rounds));
                    assert_false(rounds);
                }
                /* a change that keeps p(0) + p(1): a_1 - 1, a_2 + 1. Caught by the next round,
                 * or, in the last round, by the final check alone (design pitfall 13) */
                bad = proof;
                ozk_fr_sub(&bad.coeffs[i][1], &bad.coeffs[i][1], &one);
                ozk_fr_add(&bad.coeffs[i][2], &bad.coeffs[i][2], &one);
                assert_false(verify(&in, &in.claim, &bad, &rounds));
                assert_int_equal(rounds, i + 1 == n);
            }
            free_instance(&in);
        }
    }
}

static void test_degree_and_shape(void **state)
{
    (void)state;
    combiner cb = comb_dense();
    instance in;
    make_instance(&in, &cb, 4, 2);
    ozk_sumcheck_proof proof, hi;
    prove(&proof, NULL, NULL, &in, &in.claim);
    assert_true(verify(&in, &in.claim, &proof, NULL));
    /* the same round polynomials written with one more (zero) coefficient: degree 3 is not
     * the statement's degree 2, rejected */
    hi = proof;
    hi.degree = 3;
    int rounds;
    assert_false(verify(&in, &in.claim, &hi, &rounds));
    assert_false(rounds);
    /* an honest degree-3 proof of the same sum, checked as degree 2: rejected */
    instance in3 = in;
    in3.d = 3;
    prove(&hi, NULL, NULL, &in3, &in.claim);
    assert_true(verify(&in3, &in.claim, &hi, NULL));
    assert_false(verify(&in, &in.claim, &hi, &rounds));
    /* and the degree-2 proof checked as degree 3: rejected too */
    assert_false(verify(&in3, &in.claim, &proof, &rounds));
    /* another number of rounds */
    ozk_sumcheck_proof other = proof;
    other.nvars = 3;
    assert_false(verify(&in, &in.claim, &other, &rounds));
    other.nvars = 5;
    assert_false(verify(&in, &in.claim, &other, &rounds));
    /* a real degree-3 round polynomial (a_3 != 0) cannot be expressed in a degree-2 proof; in
     * a degree-3 check, a_3 != 0 with p(0) + p(1) kept is caught */
    ozk_sumcheck_proof bump = hi;
    ozk_fr one;
    ozk_fr_set_one(&one);
    ozk_fr_add(&bump.coeffs[0][3], &bump.coeffs[0][3], &one);
    ozk_fr_sub(&bump.coeffs[0][1], &bump.coeffs[0][1], &one);
    assert_false(verify(&in3, &in.claim, &bump, NULL));
    /* out-of-range parameters */
    ozk_transcript t;
    ozk_sumcheck_final fin;
    ozk_transcript_init(&t, DOMAIN);
    assert_false(ozk_sumcheck_verify_rounds(&fin, &t, 4, 0, &in.claim, &proof));
    assert_false(
        ozk_sumcheck_verify_rounds(&fin, &t, 4, OZK_SUMCHECK_MAX_DEGREE + 1, &in.claim, &proof));
    assert_false(
        ozk_sumcheck_verify_rounds(&fin, &t, OZK_SUMCHECK_MAX_VARS + 1, 2, &in.claim, &proof));
    free_instance(&in);
}

static void test_prover_bad_args(void **state)
{
    (void)state;
    combiner cb = comb_eqab();
    instance in;
    make_instance(&in, &cb, 3, 3);
    ozk_sumcheck_proof proof;
    ozk_transcript t, t0;
    ozk_transcript_init(&t, DOMAIN);
    t0 = t;
    const ozk_fr *const *tabs = (const ozk_fr *const *)in.tables;
    /* a degree below the combiner's, 0, or too large */
    assert_int_equal(
        ozk_sumcheck_prove(&proof, NULL, NULL, &t, tabs, 3, 3, cb.terms, 1, 2, &in.claim),
        OZK_EINVAL);
    assert_int_equal(
        ozk_sumcheck_prove(&proof, NULL, NULL, &t, tabs, 3, 3, cb.terms, 1, 0, &in.claim),
        OZK_EINVAL);
    assert_int_equal(ozk_sumcheck_prove(&proof, NULL, NULL, &t, tabs, 3, 3, cb.terms, 1,
                                        OZK_SUMCHECK_MAX_DEGREE + 1, &in.claim),
                     OZK_EINVAL);
    /* a factor that names a missing table; no tables; too many variables */
    assert_int_equal(
        ozk_sumcheck_prove(&proof, NULL, NULL, &t, tabs, 2, 3, cb.terms, 1, 3, &in.claim),
        OZK_EINVAL);
    assert_int_equal(
        ozk_sumcheck_prove(&proof, NULL, NULL, &t, tabs, 0, 3, cb.terms, 0, 3, &in.claim),
        OZK_EINVAL);
    assert_int_equal(ozk_sumcheck_prove(&proof, NULL, NULL, &t, tabs, 3, OZK_SUMCHECK_MAX_VARS + 1,
                                        cb.terms, 1, 3, &in.claim),
                     OZK_EINVAL);
    assert_memory_equal(t.s, t0.s, 32); /* nothing absorbed on error */
    /* the final check refuses a factor beyond the oracle values it was given */
    ozk_sumcheck_final fin;
    memset(&fin, 0, sizeof fin);
    ozk_fr oracle[3];
    memset(oracle, 0, sizeof oracle);
    assert_false(ozk_sumcheck_verify_final(&fin, cb.terms, 1, oracle, 2));
    assert_true(ozk_sumcheck_verify_final(&fin, cb.terms, 1, oracle, 3)); /* 0 * 0 * 0 = 0 */
    free_instance(&in);
}

static void test_encoding(void **state)
{
    (void)state;
    combiner cb = comb_eqab();
    for (uint32_t n = 1; n <= 3; n++) {
        instance in;
        make_instance(&in, &cb, n, 3);
        ozk_sumcheck_proof proof, dec;
        prove(&proof, NULL, NULL, &in, &in.claim);
        size_t len = ozk_sumcheck_proof_size(n, 3);
        assert_int_equal(len, 32 * n * 4);
        uint8_t *buf = malloc(len + 64), *flip = malloc(len);
        assert_non_null(buf);
        assert_non_null(flip);
        ozk_sumcheck_proof_encode(buf, &proof);
        assert_true(ozk_sumcheck_proof_decode(&dec, n, 3, buf, len));
        assert_true(verify(&in, &in.claim, &dec, NULL));
        /* byte layout: round by round, coefficient 0 first, 32 bytes big-endian */
        uint8_t b32[32];
        ozk_fr_to_bytes(b32, &proof.coeffs[n - 1][2]);
        assert_memory_equal(buf + 32 * ((n - 1) * 4 + 2), b32, 32);
        /* wrong lengths: truncated, extended (a byte, an element, a whole higher-degree
         * round's worth), the other degree's size */
        memset(buf + len, 0, 64);
        const size_t lens[] = { 0, len - 1, len + 1, len - 32, len + 32, len + 64 };
        for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++)
            assert_false(ozk_sumcheck_proof_decode(&dec, n, 3, buf, lens[k]));
        assert_false(ozk_sumcheck_proof_decode(&dec, n, 2, buf, len));
        assert_false(ozk_sumcheck_proof_decode(&dec, n + 1, 3, buf, len));
        assert_false(ozk_sumcheck_proof_decode(&dec, n, 0, buf, 0));
        /* non-canonical: r itself, r + 1 and 2^256 - 1 in each position */
        uint8_t rb[32];
        for (int i = 0; i < 4; i++)
            for (int k = 0; k < 8; k++)
                rb[31 - 8 * i - k] = (uint8_t)(ozk_fr_modulus[i] >> (8 * k));
        for (size_t pos = 0; pos < len; pos += 32) {
            memcpy(flip, buf, len);
            memcpy(flip + pos, rb, 32);
            assert_false(ozk_sumcheck_proof_decode(&dec, n, 3, flip, len));
            flip[pos + 31]++;
            assert_false(ozk_sumcheck_proof_decode(&dec, n, 3, flip, len));
            memset(flip + pos, 0xff, 32);
            assert_false(ozk_sumcheck_proof_decode(&dec, n, 3, flip, len));
        }
        /* every byte changed in turn: not decodable, or not accepted */
        for (size_t pos = 0; pos < len; pos++) {
            memcpy(flip, buf, len);
            flip[pos] ^= (uint8_t)(1 + test_rand_below(255));
            if (ozk_sumcheck_proof_decode(&dec, n, 3, flip, len))
                assert_false(verify(&in, &in.claim, &dec, NULL));
        }
        free(buf);
        free(flip);
        free_instance(&in);
    }
}

static void test_wrong_oracle(void **state)
{
    (void)state;
    const combiner cbs[] = { comb_single(), comb_dense(), comb_eqab() };
    for (size_t c = 0; c < 3; c++) {
        uint32_t d = ozk_sumcheck_combiner_degree(cbs[c].terms, cbs[c].nterms);
        instance in;
        make_instance(&in, &cbs[c], 5, d);
        ozk_sumcheck_proof proof;
        ozk_fr finals[MAXT], one;
        ozk_fr_set_one(&one);
        prove(&proof, NULL, finals, &in, &in.claim);
        ozk_transcript t;
        ozk_sumcheck_final fin;
        ozk_transcript_init(&t, DOMAIN);
        assert_true(ozk_sumcheck_verify_rounds(&fin, &t, 5, d, &in.claim, &proof));
        assert_true(ozk_sumcheck_verify_final(&fin, cbs[c].terms, 1, finals, cbs[c].ntables));
        for (size_t j = 0; j < cbs[c].ntables; j++) {
            ozk_fr bad[MAXT];
            memcpy(bad, finals, sizeof bad);
            ozk_fr_add(&bad[j], &bad[j], &one);
            assert_false(ozk_sumcheck_verify_final(&fin, cbs[c].terms, 1, bad, cbs[c].ntables));
        }
        /* the expected value is what it checks: another point's values fail too */
        fin.point[0] = one;
        ozk_fr other[MAXT];
        for (size_t j = 0; j < cbs[c].ntables; j++)
            mle_brute(&other[j], in.tables[j], 5, fin.point);
        assert_false(ozk_sumcheck_verify_final(&fin, cbs[c].terms, 1, other, cbs[c].ntables));
        free_instance(&in);
    }
}

static void test_transcript_binding(void **state)
{
    (void)state;
    combiner cb = comb_eqab();
    instance in;
    make_instance(&in, &cb, 4, 3);
    ozk_sumcheck_proof proof;
    ozk_transcript t;
    ozk_fr other;
    int rounds;
    /* the reference with the true values is the real prover, and accepted */
    ozk_transcript_init(&t, DOMAIN);
    ref_prove(&proof, &t, in.tables, &cb, 4, 3, &in.claim, 4, 3);
    assert_true(verify(&in, &in.claim, &proof, NULL));
    /* honest round polynomials, but challenges drawn after absorbing another claim, another
     * n or another d: the verifier's challenges differ, rejected */
    ozk_fr_set_one(&other);
    ozk_fr_add(&other, &other, &in.claim);
    ozk_transcript_init(&t, DOMAIN);
    ref_prove(&proof, &t, in.tables, &cb, 4, 3, &other, 4, 3);
    assert_false(verify(&in, &in.claim, &proof, &rounds));
    ozk_transcript_init(&t, DOMAIN);
    ref_prove(&proof, &t, in.tables, &cb, 4, 3, &in.claim, 5, 3);
    assert_false(verify(&in, &in.claim, &proof, &rounds));
    ozk_transcript_init(&t, DOMAIN);
    ref_prove(&proof, &t, in.tables, &cb, 4, 3, &in.claim, 4, 4);
    assert_false(verify(&in, &in.claim, &proof, &rounds));
    /* a transcript that started elsewhere (another statement absorbed before) */
    ozk_transcript_init(&t, DOMAIN);
    ozk_transcript_absorb_u64(&t, 1);
    ozk_sumcheck_proof p2;
    assert_int_equal(ozk_sumcheck_prove(&p2, NULL, NULL, &t, (const ozk_fr *const *)in.tables, 3, 4,
                                        cb.terms, 1, 3, &in.claim),
                     0);
    assert_false(verify(&in, &in.claim, &p2, &rounds));
    free_instance(&in);
}

static void test_cheating_prover(void **state)
{
    (void)state;
    const combiner cbs[] = { comb_single(), comb_dense(), comb_eqab() };
    for (size_t c = 0; c < 3; c++) {
        for (uint32_t n = 1; n <= 4; n++) {
            uint32_t d = ozk_sumcheck_combiner_degree(cbs[c].terms, cbs[c].nterms);
            instance in;
            make_instance(&in, &cbs[c], n, d);
            size_t N = (size_t)1 << n;
            ozk_sumcheck_proof honest;
            prove(&honest, NULL, NULL, &in, &in.claim);
            /* the tables are committed (the verifier's oracle values come from them); the
             * prover then changes one entry of one table (not eq: the verifier computes that
             * itself) and does its best with the altered tables */
            for (size_t j = cbs[c].eq0 ? 1 : 0; j < cbs[c].ntables; j++) {
                for (size_t b = 0; b < N; b++) {
                    instance cheat = in;
                    ozk_fr *tj = malloc(N * sizeof *tj), delta, s2;
                    assert_non_null(tj);
                    memcpy(tj, in.tables[j], N * sizeof *tj);
                    rand_fr(&delta);
                    if (ozk_fr_is_zero(&delta)) ozk_fr_set_one(&delta);
                    ozk_fr_add(&tj[b], &tj[b], &delta);
                    cheat.tables[j] = tj;
                    brute_sum(&s2, cheat.tables, &cbs[c], n);
                    ozk_sumcheck_proof proof;
                    int rounds;
                    /* (a) the claim fixed before the change (true of the committed tables):
                     * accepted only if the proof is the honest one after all (the prover
                     * derives p(1) from the claim, so a change that only p(1) would see in the
                     * last round leaves the proof honest) */
                    prove(&proof, NULL, NULL, &cheat, &in.claim);
                    if (verify(&in, &in.claim, &proof, &rounds))
                        for (uint32_t i = 0; i < n; i++)
                            assert_memory_equal(proof.coeffs[i], honest.coeffs[i],
                                                (d + 1) * sizeof(ozk_fr));
                    else
                        assert_true(rounds); /* every round passed: the final check caught it */
                    /* (b) the claim the change implies, false of the committed tables (unless
                     * the other factor was 0 there, so the sum did not move): rejected, and
                     * only by the final check */
                    if (!ozk_fr_eq(&s2, &in.claim)) {
                        prove(&proof, NULL, NULL, &cheat, &s2);
                        assert_false(verify(&in, &s2, &proof, &rounds));
                        assert_true(rounds);
                        assert_true(verify(&cheat, &s2, &proof, NULL)); /* vs the altered */
                    }
                    free(tj);
                }
            }
            free_instance(&in);
        }
    }
}

/* ---- pinned vector --------------------------------------------------------------------- */

static void pinned_case(const combiner *cb, uint32_t d, char hash_hex[65], char final_hex[67])
{
    /* n = 4; f_a[b] = b + 1, f_b[b] = 3b + 2 (table 0 = eq(z, .) with z_i = i + 7 when eq0);
     * transcript "ozk-sumcheck-vector" */
    enum { N = 4 };
    ozk_fr ta[1 << N], tb[1 << N], te[1 << N], z[N], claim, point[N], finals[3];
    for (size_t b = 0; b < (1 << N); b++) {
        ozk_fr_from_u64(&ta[b], b + 1);
        ozk_fr_from_u64(&tb[b], 3 * b + 2);
    }
    for (uint32_t i = 0; i < N; i++) ozk_fr_from_u64(&z[i], i + 7);
    ozk_mle_eq_table(te, z, N);
    ozk_fr *tables[3] = { ta, tb, NULL };
    if (cb->eq0) {
        tables[0] = te;
        tables[1] = ta;
        tables[2] = tb;
    }
    brute_sum(&claim, tables, cb, N);
    ozk_transcript t;
    ozk_transcript_init(&t, "ozk-sumcheck-vector");
    ozk_sumcheck_proof proof;
    assert_int_equal(ozk_sumcheck_prove(&proof, point, finals, &t, (const ozk_fr *const *)tables,
                                        cb->ntables, N, cb->terms, cb->nterms, d, &claim),
                     0);
    uint8_t bytes[N * (OZK_SUMCHECK_MAX_DEGREE + 1) * 32], h[32];
    size_t len = ozk_sumcheck_proof_size(N, d);
    ozk_sumcheck_proof_encode(bytes, &proof);
    ozk_keccak256(h, bytes, len);
    ozk_hex_encode(hash_hex, h, 32);
    ozk_sumcheck_final fin;
    ozk_transcript_init(&t, "ozk-sumcheck-vector");
    assert_true(ozk_sumcheck_verify_rounds(&fin, &t, N, d, &claim, &proof));
    assert_true(ozk_sumcheck_verify_final(&fin, cb->terms, cb->nterms, finals, cb->ntables));
    ozk_fr_to_hex(final_hex, &fin.expected);
}

static void test_pinned(void **state)
{
    (void)state;
    /* a change to these is a change to the protocol: the Solidity verifier shares them */
    char h[65], f[67];
    combiner dense = comb_dense(), eqab = comb_eqab();
    pinned_case(&dense, 2, h, f);
    assert_string_equal(h, "dcfe7dde07619e231543cbbaee726167e8face3b40211b181df72e2e9ef933ea");
    assert_string_equal(f, "0x217650d3ab9f77ec03d15b3866d2968a31454f31683a7c47a35d57d0c97e62cb");
    pinned_case(&eqab, 3, h, f);
    assert_string_equal(h, "e8d7e95568ca5169660e6a95ba6d999b1bf6629bf47b2864612d4a0f306e6edf");
    assert_string_equal(f, "0x0bce583e5af0eaaf4ceb55ac841ffbb8328d051f45333b44d898f57969976fd8");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exhaustive_small),
        cmocka_unit_test(test_zero_rounds),
        cmocka_unit_test(test_wrong_claim),
        cmocka_unit_test(test_tamper_coefficients),
        cmocka_unit_test(test_degree_and_shape),
        cmocka_unit_test(test_prover_bad_args),
        cmocka_unit_test(test_encoding),
        cmocka_unit_test(test_wrong_oracle),
        cmocka_unit_test(test_transcript_binding),
        cmocka_unit_test(test_cheating_prover),
        cmocka_unit_test(test_pinned),
    };
    return TEST_RUN("sumcheck", tests);
}
