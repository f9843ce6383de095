/*
 * tests/test_batch.c: claim batching (docs/protocol.md, "Claim batching") against a slow
 * reference, end to end with HyperKZG, and its soundness.
 *
 * The reference builds the claims message from the spec's words, draws rho, builds
 * E(b) = sum_i rho^i eq(z_i, b) term by term, checks sum_b E(b) P(b) = sum_i rho^i v_i by brute
 * force, runs the sumcheck on (E, P) and absorbs c: ozk_batch_prove must produce exactly its
 * proof and transcript, for n = 1..6 and K = 1..5, with full-point claims and segment claims
 * of every size m = 0..n at random aligned offsets (whose values come from the segment's own
 * entries, which also checks ozk_batch_segment_point). Soundness: each false v_i in turn, a
 * false segment claim, claims in another order, rho drawn before the last claim, every proof
 * element altered, encodings, a wrong c caught only by the PCS step, and for two polynomials
 * of different sizes (the smaller zero-padded) a false claim on either.
 */
#include <stdlib.h>
#include <string.h>

#include "curve_testutil.h"
#include "ozk/batch.h"
#include "ozk/error.h"
#include "ozk/mle.h"

#define MAXN   6
#define MAXK   5
#define DOMAIN "ozk-test-batch"

static ozk_srs g_srs;
static ozk_pcs_vk g_vk;

/* an SRS of 2^MAXN powers of a random tau, the slow obvious way (as tests/test_pcs.c) */
static int setup(void **state)
{
    (void)state;
    ozk_fr tau, pw;
    ozk_g1 g;
    memset(&g_srs, 0, sizeof g_srs);
    g_srs.log_size = MAXN;
    g_srs.n = (size_t)1 << MAXN;
    g_srs.g1 = malloc(g_srs.n * sizeof *g_srs.g1);
    if (!g_srs.g1) return -1;
    rand_fr(&tau);
    ozk_g1_generator(&g);
    ozk_fr_set_one(&pw);
    for (size_t i = 0; i < g_srs.n; i++) {
        g1_mul_fr(&g_srs.g1[i], &g, &pw);
        ozk_fr_mul(&pw, &pw, &tau);
    }
    ozk_g2_generator(&g_srs.g2[0]);
    g2_mul_fr(&g_srs.g2[1], &g_srs.g2[0], &tau);
    ozk_pcs_vk_from_srs(&g_vk, &g_srs);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(g_srs.g1);
    return 0;
}

/* ---- the slow reference ---------------------------------------------------------------- */

static void put_word(uint8_t *out, uint64_t v)
{
    memset(out, 0, 32);
    for (int i = 0; i < 8; i++) out[31 - i] = (uint8_t)(v >> (8 * i));
}

/* The claims message, from the spec: J || K || n || (j_i || z_i || v_i)_i, one message. */
static void ref_absorb_claims(ozk_transcript *t, uint32_t npolys, uint32_t n,
                              const ozk_batch_claim *c, size_t k)
{
    size_t len = 96 + k * (64 + 32 * (size_t)n), off = 96;
    uint8_t *m = malloc(len);
    assert_non_null(m);
    put_word(m, npolys);
    put_word(m + 32, k);
    put_word(m + 64, n);
    for (size_t i = 0; i < k; i++) {
        put_word(m + off, c[i].poly);
        off += 32;
        for (uint32_t v = 0; v < n; v++, off += 32) ozk_fr_to_bytes(m + off, &c[i].point[v]);
        ozk_fr_to_bytes(m + off, &c[i].value);
        off += 32;
    }
    assert_int_equal(off, len);
    ozk_transcript_absorb(t, m, len);
    free(m);
}

static int ref_claims_true; /* set by test_reference: the sum must then match */

/* The reference prover for one polynomial. early: rho drawn after the first k - 1 claims
 * only (pitfall 7 emulated); the sumcheck then runs for all k with that rho. */
static void ref_prove(ozk_batch_proof *proof, ozk_transcript *t, const ozk_fr *p, uint32_t n,
                      const ozk_batch_claim *c, size_t k, int early)
{
    size_t N = (size_t)1 << n;
    ozk_fr rho, pw, sum, tmp, brute, finals[2], *e = malloc(N * sizeof *e);
    assert_non_null(e);
    ref_absorb_claims(t, 1, n, c, early ? k - 1 : k);
    ozk_transcript_challenge(t, &rho);
    ozk_fr_set_zero(&sum);
    ozk_fr_set_one(&pw);
    for (size_t b = 0; b < N; b++) ozk_fr_set_zero(&e[b]);
    for (size_t i = 0; i < k; i++) {
        for (size_t b = 0; b < N; b++) {
            eq_brute(&tmp, c[i].point, n, b);
            ozk_fr_mul(&tmp, &tmp, &pw);
            ozk_fr_add(&e[b], &e[b], &tmp);
        }
        ozk_fr_mul(&tmp, &pw, &c[i].value);
        ozk_fr_add(&sum, &sum, &tmp);
        ozk_fr_mul(&pw, &pw, &rho);
    }
    ozk_fr_set_zero(&brute);
    for (size_t b = 0; b < N; b++) {
        ozk_fr_mul(&tmp, &e[b], &p[b]);
        ozk_fr_add(&brute, &brute, &tmp);
    }
    /* the batched sum: true claims give it by brute force (false ones are allowed here) */
    if (!early && ref_claims_true) assert_true(ozk_fr_eq(&brute, &sum));
    const ozk_fr *tabs[2] = { e, p };
    ozk_sumcheck_term term;
    memset(&term, 0, sizeof term);
    ozk_fr_set_one(&term.coeff);
    term.nfactors = 2;
    term.factors[1] = 1;
    memset(proof, 0, sizeof *proof);
    assert_int_equal(ozk_sumcheck_prove(&proof->sc, NULL, finals, t, tabs, 2, n, &term, 1, 2, &sum),
                     0);
    proof->nvars = n;
    proof->npolys = 1;
    proof->values[0] = finals[1];
    ozk_transcript_absorb_frs(t, proof->values, 1);
    free(e);
}

/* ---- instances ------------------------------------------------------------------------- */

struct inst {
    uint32_t n;
    size_t k;
    ozk_fr *p;
    ozk_fr pts[MAXK][MAXN];
    ozk_batch_claim c[MAXK];
    uint32_t seg_m[MAXK]; /* segment claims: size 2^m, index s; m = n for a full point */
    uint64_t seg_s[MAXK];
    ozk_fr seg_z[MAXK][MAXN];
};

static ozk_fr *rand_poly(uint32_t n)
{
    ozk_fr *f = malloc(((size_t)1 << n) * sizeof *f);
    assert_non_null(f);
    for (size_t b = 0; b < ((size_t)1 << n); b++) rand_fr(&f[b]);
    return f;
}

/* true claims: about half are segment claims of a random size at a random aligned offset,
 * their value computed from the segment's own 2^m entries */
static void make_inst(struct inst *in, uint32_t n, size_t k)
{
    in->n = n;
    in->k = k;
    in->p = rand_poly(n);
    for (size_t i = 0; i < k; i++) {
        uint32_t m = test_rand_below(2) ? n : (uint32_t)test_rand_below(n + 1);
        uint64_t s = test_rand_below((uint64_t)1 << (n - m));
        in->seg_m[i] = m;
        in->seg_s[i] = s;
        for (uint32_t v = 0; v < m; v++) rand_fr(&in->seg_z[i][v]);
        assert_int_equal(ozk_batch_segment_point(in->pts[i], n, in->seg_z[i], m, s), 0);
        mle_brute(&in->c[i].value, in->p + (s << m), m, in->seg_z[i]);
        in->c[i].point = in->pts[i];
        in->c[i].poly = 0;
        ozk_fr v2;
        mle_brute(&v2, in->p, n, in->pts[i]); /* the full-point claim says the same */
        assert_true(ozk_fr_eq(&v2, &in->c[i].value));
    }
}

static int verify_all(const struct inst *in, const ozk_batch_claim *c, const ozk_batch_proof *pf)
{
    ozk_transcript t;
    ozk_batch_final fin;
    ozk_transcript_init(&t, DOMAIN);
    return ozk_batch_verify(&fin, &t, 1, in->n, c, in->k, pf);
}

static void test_reference(void **state)
{
    (void)state;
    for (uint32_t n = 1; n <= MAXN; n++) {
        for (size_t k = 1; k <= MAXK; k++) {
            struct inst in;
            make_inst(&in, n, k);
            ozk_batch_proof pf, want;
            ozk_transcript t1, t2;
            ozk_fr x[MAXN], c;
            ozk_transcript_init(&t1, DOMAIN);
            ozk_transcript_init(&t2, DOMAIN);
            const ozk_fr *polys[1] = { in.p };
            assert_int_equal(ozk_batch_prove(&pf, x, &t1, polys, 1, n, in.c, k, 1), 0);
            ref_claims_true = 1;
            ref_prove(&want, &t2, in.p, n, in.c, k, 0);
            ref_claims_true = 0;
            size_t sz = ozk_batch_proof_size(n, 1);
            assert_int_equal(sz, 96 * (size_t)n + 32);
            uint8_t a[96 * MAXN + 32], b[96 * MAXN + 32];
            ozk_batch_proof_encode(a, &pf);
            ozk_batch_proof_encode(b, &want);
            assert_memory_equal(a, b, sz);
            assert_memory_equal(t1.s, t2.s, 32);
            /* the verifier accepts, returns x* and c = P~(x*) */
            ozk_transcript tv;
            ozk_batch_final fin;
            ozk_transcript_init(&tv, DOMAIN);
            assert_int_equal(ozk_batch_verify(&fin, &tv, 1, n, in.c, k, &pf), 1);
            assert_memory_equal(tv.s, t1.s, 32);
            assert_memory_equal(fin.point, x, n * sizeof x[0]);
            mle_brute(&c, in.p, n, x);
            assert_true(ozk_fr_eq(&c, &fin.values[0]));
            free(in.p);
        }
    }
}

static void test_false_claims(void **state)
{
    (void)state;
    for (uint32_t n = 1; n <= MAXN; n++) {
        for (size_t k = 1; k <= MAXK; k++) {
            struct inst in;
            make_inst(&in, n, k);
            const ozk_fr *polys[1] = { in.p };
            ozk_batch_proof pf, bad;
            ozk_transcript t;
            ozk_fr one;
            ozk_fr_set_one(&one);
            ozk_transcript_init(&t, DOMAIN);
            assert_int_equal(ozk_batch_prove(&pf, NULL, &t, polys, 1, n, in.c, k, 1), 0);
            assert_int_equal(verify_all(&in, in.c, &pf), 1);
            for (size_t i = 0; i < k; i++) {
                ozk_batch_claim c[MAXK];
                memcpy(c, in.c, sizeof c);
                ozk_fr_add(&c[i].value, &c[i].value, &one);
                /* the honest proof against a false statement */
                assert_int_equal(verify_all(&in, c, &pf), 0);
                /* a proof made (honestly, by the prover) for the false statement */
                ozk_transcript_init(&t, DOMAIN);
                assert_int_equal(ozk_batch_prove(&bad, NULL, &t, polys, 1, n, c, k, 1), 0);
                assert_int_equal(verify_all(&in, c, &bad), 0);
                /* a false segment claim: the same segment at another offset, or another value */
                if (in.seg_m[i] < n) {
                    ozk_fr pt[MAXN];
                    uint64_t s2 = in.seg_s[i] ^ 1;
                    assert_int_equal(ozk_batch_segment_point(pt, n, in.seg_z[i], in.seg_m[i], s2),
                                     0);
                    memcpy(c, in.c, sizeof c);
                    c[i].point = pt;
                    ozk_transcript_init(&t, DOMAIN);
                    assert_int_equal(ozk_batch_prove(&bad, NULL, &t, polys, 1, n, c, k, 1), 0);
                    assert_int_equal(verify_all(&in, c, &bad), 0);
                }
            }
            /* claims absorbed in another order: the verifier takes the statement's order */
            if (k >= 2) {
                ozk_batch_claim c[MAXK];
                memcpy(c, in.c, sizeof c);
                c[0] = in.c[k - 1];
                c[k - 1] = in.c[0];
                ozk_transcript_init(&t, DOMAIN);
                assert_int_equal(ozk_batch_prove(&bad, NULL, &t, polys, 1, n, c, k, 1), 0);
                assert_int_equal(verify_all(&in, c, &bad), 1); /* valid for its own order */
                /* not for the statement's (unless the swapped claims are the same: small n) */
                int same = ozk_fr_eq(&in.c[0].value, &in.c[k - 1].value) &&
                           !memcmp(in.pts[0], in.pts[k - 1], n * sizeof(ozk_fr));
                if (!same) assert_int_equal(verify_all(&in, in.c, &bad), 0);
                /* rho drawn before the last claim (pitfall 7): with a false last claim the
                 * honest-looking reference proof does not verify */
                memcpy(c, in.c, sizeof c);
                ozk_fr_add(&c[k - 1].value, &c[k - 1].value, &one);
                ozk_transcript_init(&t, DOMAIN);
                ref_prove(&bad, &t, in.p, n, c, k, 1);
                assert_int_equal(verify_all(&in, c, &bad), 0);
                ozk_transcript_init(&t, DOMAIN);
                ref_prove(&bad, &t, in.p, n, in.c, k, 1);
                assert_int_equal(verify_all(&in, in.c, &bad), 0);
            }
            free(in.p);
        }
    }
}

static void test_tampered(void **state)
{
    (void)state;
    for (uint32_t n = 1; n <= MAXN; n++) {
        struct inst in;
        size_t k = 1 + (size_t)test_rand_below(MAXK);
        make_inst(&in, n, k);
        const ozk_fr *polys[1] = { in.p };
        ozk_batch_proof pf, bad;
        ozk_transcript t;
        ozk_fr one;
        ozk_fr_set_one(&one);
        ozk_transcript_init(&t, DOMAIN);
        assert_int_equal(ozk_batch_prove(&pf, NULL, &t, polys, 1, n, in.c, k, 1), 0);
        for (uint32_t i = 0; i < n; i++) {
            for (uint32_t m = 0; m <= 2; m++) {
                bad = pf;
                ozk_fr_add(&bad.sc.coeffs[i][m], &bad.sc.coeffs[i][m], &one);
                assert_int_equal(verify_all(&in, in.c, &bad), 0);
            }
        }
        bad = pf;
        ozk_fr_add(&bad.values[0], &bad.values[0], &one);
        assert_int_equal(verify_all(&in, in.c, &bad), 0);
        bad = pf;
        bad.nvars = n + 1;
        assert_int_equal(verify_all(&in, in.c, &bad), 0);
        bad = pf;
        bad.npolys = 2;
        assert_int_equal(verify_all(&in, in.c, &bad), 0);
        /* encoding: round trip, other lengths, a non-canonical element */
        size_t sz = ozk_batch_proof_size(n, 1);
        uint8_t enc[96 * MAXN + 64];
        ozk_batch_proof_encode(enc, &pf);
        assert_int_equal(ozk_batch_proof_decode(&bad, n, 1, enc, sz), 1);
        assert_int_equal(verify_all(&in, in.c, &bad), 1);
        assert_int_equal(ozk_batch_proof_decode(&bad, n, 1, enc, sz - 1), 0);
        assert_int_equal(ozk_batch_proof_decode(&bad, n, 1, enc, sz + 32), 0);
        assert_int_equal(ozk_batch_proof_decode(&bad, n, 2, enc, sz), 0);
        for (size_t e = 0; e < sz / 32; e++) {
            uint8_t cp[96 * MAXN + 64];
            memcpy(cp, enc, sz);
            memset(cp + 32 * e, 0xff, 32);
            assert_int_equal(ozk_batch_proof_decode(&bad, n, 1, cp, sz), 0);
            memcpy(cp, enc, sz);
            cp[32 * e + 31] ^= 1;
            if (ozk_batch_proof_decode(&bad, n, 1, cp, sz))
                assert_int_equal(verify_all(&in, in.c, &bad), 0);
        }
        /* bad shapes */
        ozk_batch_final fin;
        ozk_transcript_init(&t, DOMAIN);
        assert_int_equal(ozk_batch_verify(&fin, &t, 1, n, in.c, 0, &pf), 0);
        ozk_batch_claim c[MAXK];
        memcpy(c, in.c, sizeof c);
        c[0].poly = 1;
        assert_int_equal(ozk_batch_verify(&fin, &t, 1, n, c, k, &pf), 0);
        assert_int_equal(ozk_batch_prove(&bad, NULL, &t, polys, 1, n, c, k, 1), OZK_EINVAL);
        assert_int_equal(ozk_batch_prove(&bad, NULL, &t, polys, 1, n, in.c, 0, 1), OZK_EINVAL);
        free(in.p);
    }
    ozk_fr z[2], out[4];
    rand_fr(&z[0]);
    rand_fr(&z[1]);
    assert_int_equal(ozk_batch_segment_point(out, 3, z, 4, 0), OZK_EINVAL);
    assert_int_equal(ozk_batch_segment_point(out, 3, z, 2, 2), OZK_EINVAL);
    assert_int_equal(ozk_batch_segment_point(out, 3, z, 2, 1), 0);
    assert_true(ozk_fr_is_one(&out[2]));
    assert_int_equal(ozk_batch_segment_point(out, 3, z, 1, 2), 0);
    assert_true(ozk_fr_is_zero(&out[1]) && ozk_fr_is_one(&out[2]));
}

/* K claims on a committed P, batched, opened once with HyperKZG */
static void test_end_to_end(void **state)
{
    (void)state;
    for (uint32_t n = 1; n <= MAXN; n++) {
        struct inst in;
        size_t k = 1 + (size_t)test_rand_below(MAXK);
        make_inst(&in, n, k);
        const ozk_fr *polys[1] = { in.p };
        ozk_g1 com;
        assert_int_equal(ozk_pcs_commit(&com, &g_srs, in.p, (size_t)1 << n, 1), 0);
        ozk_transcript tp, tv;
        ozk_transcript_init(&tp, DOMAIN);
        ozk_transcript_absorb_g1(&tp, &com); /* the statement's commitment comes first */
        ozk_batch_proof pf;
        ozk_pcs_proof op;
        ozk_fr x[MAXN], one;
        ozk_fr_set_one(&one);
        assert_int_equal(ozk_batch_prove(&pf, x, &tp, polys, 1, n, in.c, k, 1), 0);
        assert_int_equal(ozk_batch_open(&op, &tp, &g_srs, polys, &com, &pf, x, 1), 0);
        ozk_batch_final fin;
        ozk_transcript_init(&tv, DOMAIN);
        ozk_transcript_absorb_g1(&tv, &com);
        assert_int_equal(ozk_batch_verify(&fin, &tv, 1, n, in.c, k, &pf), 1);
        ozk_transcript mid = tv;
        assert_int_equal(ozk_batch_verify_opening(&tv, &g_vk, &com, &fin, &op), 1);
        assert_memory_equal(tv.s, tp.s, 32);
        /* a wrong c at the PCS step (a verifier that took c from elsewhere) */
        ozk_batch_final bad = fin;
        ozk_fr_add(&bad.values[0], &bad.values[0], &one);
        tv = mid;
        assert_int_equal(ozk_batch_verify_opening(&tv, &g_vk, &com, &bad, &op), 0);
        /* a prover whose batch claims c' != P~(x*): step 1 passes with the false c' only if
         * the claims are false, so emulate it with a P' that differs from the committed P */
        ozk_fr *p2 = malloc(((size_t)1 << n) * sizeof *p2);
        assert_non_null(p2);
        memcpy(p2, in.p, ((size_t)1 << n) * sizeof *p2);
        ozk_fr_add(&p2[0], &p2[0], &one);
        ozk_batch_claim c2[MAXK];
        memcpy(c2, in.c, sizeof c2);
        for (size_t i = 0; i < k; i++) mle_brute(&c2[i].value, p2, n, c2[i].point);
        const ozk_fr *polys2[1] = { p2 };
        ozk_transcript_init(&tp, DOMAIN);
        ozk_transcript_absorb_g1(&tp, &com);
        assert_int_equal(ozk_batch_prove(&pf, x, &tp, polys2, 1, n, c2, k, 1), 0);
        assert_int_equal(ozk_batch_open(&op, &tp, &g_srs, polys2, &com, &pf, x, 1), 0);
        ozk_transcript_init(&tv, DOMAIN);
        ozk_transcript_absorb_g1(&tv, &com);
        assert_int_equal(ozk_batch_verify(&fin, &tv, 1, n, c2, k, &pf), 1); /* step 1 passes */
        assert_int_equal(ozk_batch_verify_opening(&tv, &g_vk, &com, &fin, &op), 0);
        free(p2);
        free(in.p);
    }
}

/* P_A of n variables and P_W of m < n, zero-padded; one sumcheck, one opening of
 * C_A + gamma C_W */
static void test_two_polys(void **state)
{
    (void)state;
    for (uint32_t n = 2; n <= MAXN; n++) {
        uint32_t m = 1 + (uint32_t)test_rand_below(n - 1);
        ozk_fr *pa = rand_poly(n), *pw = rand_poly(m), *pwp;
        pwp = malloc(((size_t)1 << n) * sizeof *pwp);
        assert_non_null(pwp);
        assert_int_equal(ozk_batch_pad(pwp, pw, m, n), 0);
        ozk_g1 com[2], cpad;
        assert_int_equal(ozk_pcs_commit(&com[0], &g_srs, pa, (size_t)1 << n, 1), 0);
        assert_int_equal(ozk_pcs_commit(&com[1], &g_srs, pw, (size_t)1 << m, 1), 0);
        assert_int_equal(ozk_pcs_commit(&cpad, &g_srs, pwp, (size_t)1 << n, 1), 0);
        assert_true(ozk_g1_eq(&cpad, &com[1]));
        /* claims: 2 on P_A (one a segment), 2 on P_W (points in Fr^m, and a segment of P_W) */
        ozk_fr pts[4][MAXN], z[MAXN];
        ozk_batch_claim c[4];
        for (int i = 0; i < 4; i++) {
            int onw = i >= 2;
            uint32_t nv = onw ? m : n;
            uint32_t sm = (i & 1) ? (uint32_t)test_rand_below(nv) : nv; /* segment size */
            uint64_t s = test_rand_below((uint64_t)1 << (nv - sm));
            for (uint32_t v = 0; v < sm; v++) rand_fr(&z[v]);
            ozk_fr full[MAXN];
            assert_int_equal(ozk_batch_segment_point(full, nv, z, sm, s), 0);
            mle_brute(&c[i].value, onw ? pw : pa, nv, full);
            /* a claim on P_W's m variables is the padded polynomial's claim at (point, 0..0) */
            assert_int_equal(ozk_batch_segment_point(pts[i], n, full, nv, 0), 0);
            c[i].point = pts[i];
            c[i].poly = (uint32_t)onw;
            ozk_fr chk;
            mle_brute(&chk, onw ? pwp : pa, n, pts[i]);
            assert_true(ozk_fr_eq(&chk, &c[i].value));
        }
        const ozk_fr *polys[2] = { pa, pwp };
        ozk_batch_proof pf, bad;
        ozk_pcs_proof op;
        ozk_fr x[MAXN], one;
        ozk_fr_set_one(&one);
        ozk_transcript tp, tv;
        ozk_transcript_init(&tp, DOMAIN);
        ozk_transcript_absorb_g1s(&tp, com, 2);
        assert_int_equal(ozk_batch_prove(&pf, x, &tp, polys, 2, n, c, 4, 1), 0);
        assert_int_equal(ozk_batch_open(&op, &tp, &g_srs, polys, com, &pf, x, 1), 0);
        ozk_batch_final fin;
        ozk_transcript_init(&tv, DOMAIN);
        ozk_transcript_absorb_g1s(&tv, com, 2);
        assert_int_equal(ozk_batch_verify(&fin, &tv, 2, n, c, 4, &pf), 1);
        assert_int_equal(ozk_batch_verify_opening(&tv, &g_vk, com, &fin, &op), 1);
        assert_memory_equal(tv.s, tp.s, 32);
        assert_int_equal(ozk_batch_proof_size(n, 2), 96 * (size_t)n + 64);
        /* a false claim on either polynomial, each in turn */
        for (int i = 0; i < 4; i++) {
            ozk_batch_claim cb[4];
            memcpy(cb, c, sizeof cb);
            ozk_fr_add(&cb[i].value, &cb[i].value, &one);
            ozk_transcript_init(&tv, DOMAIN);
            ozk_transcript_absorb_g1s(&tv, com, 2);
            assert_int_equal(ozk_batch_verify(&fin, &tv, 2, n, cb, 4, &pf), 0);
            ozk_transcript_init(&tp, DOMAIN);
            ozk_transcript_absorb_g1s(&tp, com, 2);
            assert_int_equal(ozk_batch_prove(&bad, x, &tp, polys, 2, n, cb, 4, 1), 0);
            ozk_transcript_init(&tv, DOMAIN);
            ozk_transcript_absorb_g1s(&tv, com, 2);
            assert_int_equal(ozk_batch_verify(&fin, &tv, 2, n, cb, 4, &bad), 0);
            /* the claim moved to the other polynomial */
            memcpy(cb, c, sizeof cb);
            cb[i].poly ^= 1;
            ozk_transcript_init(&tv, DOMAIN);
            ozk_transcript_absorb_g1s(&tv, com, 2);
            assert_int_equal(ozk_batch_verify(&fin, &tv, 2, n, cb, 4, &pf), 0);
        }
        /* either c_j altered at the PCS step */
        ozk_transcript_init(&tv, DOMAIN);
        ozk_transcript_absorb_g1s(&tv, com, 2);
        assert_int_equal(ozk_batch_verify(&fin, &tv, 2, n, c, 4, &pf), 1);
        for (int j = 0; j < 2; j++) {
            ozk_batch_final fb = fin;
            ozk_transcript t2 = tv;
            ozk_fr_add(&fb.values[j], &fb.values[j], &one);
            assert_int_equal(ozk_batch_verify_opening(&t2, &g_vk, com, &fb, &op), 0);
        }
        free(pa);
        free(pw);
        free(pwp);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference), cmocka_unit_test(test_false_claims),
        cmocka_unit_test(test_tampered),  cmocka_unit_test(test_end_to_end),
        cmocka_unit_test(test_two_polys),
    };
    return TEST_RUN_WITH("batch", tests, setup, teardown);
}
