/*
 * prover/sumcheck.c: the sumcheck prover (docs/protocol.md, "Sumcheck"; the verifier is
 * verifier/sumcheck.c). Source: Lund, Fortnow, Karloff, Nisan 1992; the linear-time prover for
 * products of multilinear tables as in Thaler, "Proofs, Arguments, and Zero-Knowledge",
 * section 4.1 and Lemma 4.5 (fold each table by the round's challenge; O(k N d) in all).
 *
 * Round i, over the 2^(nvars-i) entries of the current (folded) tables, for each pair
 * (2p, 2p+1), i.e. variable i = 0 / 1 with the remaining variables b' = p:
 *     f_j(x, p) = f_j[2p] + x (f_j[2p+1] - f_j[2p])        for x = 0, 1, ..., d (additions)
 *     e[x]    += prod_{m in S_t} f_m(x, p), per term t     (for x != 1)
 * then p_i(x) = sum_t c_t e_t[x], p_i(1) = claim_i - p_i(0) (the honest value, which saves the
 * products at x = 1), the coefficients by the inverse Vandermonde matrix of the nodes 0..d,
 * absorb, draw r_i, claim_{i+1} = p_i(r_i), and fold every table: f_j[p] = f_j(r_i, p).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ozk/error.h"
#include "ozk/mle.h"
#include "ozk/sumcheck.h"

/* vinv[x][k]: coefficient k of the Lagrange polynomial L_x of the nodes 0..d,
 * L_x(X) = prod_{m != x} (X - m) / prod_{m != x} (x - m), so that a polynomial with values e[x]
 * at X = x has coefficients sum_x e[x] vinv[x][k]. */
static void lagrange_coeffs(ozk_fr vinv[][OZK_SUMCHECK_MAX_DEGREE + 1], uint32_t d)
{
    for (uint32_t x = 0; x <= d; x++) {
        ozk_fr poly[OZK_SUMCHECK_MAX_DEGREE + 1], negm, t, inv;
        uint32_t deg = 0;
        int64_t den = 1;
        ozk_fr_set_one(&poly[0]);
        for (uint32_t m = 0; m <= d; m++) {
            if (m == x) continue;
            /* poly *= (X - m): new[k] = old[k-1] - m old[k] */
            ozk_fr_from_i64(&negm, -(int64_t)m);
            poly[deg + 1] = poly[deg];
            for (uint32_t k = deg; k > 0; k--) {
                ozk_fr_mul(&t, &poly[k], &negm);
                ozk_fr_add(&poly[k], &poly[k - 1], &t);
            }
            ozk_fr_mul(&poly[0], &poly[0], &negm);
            deg++;
            den *= (int64_t)x - (int64_t)m; /* |den| <= d! <= 40320 */
        }
        ozk_fr_from_i64(&t, den);
        ozk_fr_inv(&inv, &t); /* den != 0: the nodes are distinct and d < r */
        for (uint32_t k = 0; k <= d; k++) ozk_fr_mul(&vinv[x][k], &poly[k], &inv);
    }
}

/* One round's sums over the pairs [p0, p1): acc[t D + x] += prod_{m in S_t} f_m(x, p), x != 1,
 * with vals (ntables x D) as scratch. */
struct round_job {
    const ozk_fr *const *src; /* the current tables */
    const ozk_sumcheck_term *terms;
    size_t ntables, nterms, p0, p1;
    uint32_t d;
    ozk_fr *vals, *acc;
    uint8_t *zero; /* ntables flags: table j is 0 at both entries of the pair */
};

static void round_sums(const struct round_job *jb)
{
    const uint32_t d = jb->d, D = d + 1;
    ozk_fr tmp, delta;
    uint8_t *zero = jb->zero;
    for (size_t k = 0; k < jb->nterms * D; k++) ozk_fr_set_zero(&jb->acc[k]);
    for (size_t p = jb->p0; p < jb->p1; p++) {
        /* vals[j D + x] = f_j(x, p) for x = 0..d */
        for (size_t j = 0; j < jb->ntables; j++) {
            const ozk_fr *src = jb->src[j];
            ozk_fr *v = jb->vals + j * D;
            v[0] = src[2 * p];
            v[1] = src[2 * p + 1];
            zero[j] = ozk_fr_is_zero(&v[0]) && ozk_fr_is_zero(&v[1]);
            if (zero[j]) continue; /* (vals then unused: every term with it is skipped) */
            if (d >= 2) ozk_fr_sub(&delta, &v[1], &v[0]);
            for (uint32_t x = 2; x <= d; x++) ozk_fr_add(&v[x], &v[x - 1], &delta);
        }
        for (size_t tm = 0; tm < jb->nterms; tm++) {
            const ozk_sumcheck_term *term = &jb->terms[tm];
            ozk_fr *a = jb->acc + tm * D;
            int skip = 0; /* a factor that is zero on the whole pair: the term adds nothing */
            for (uint32_t m = 0; m < term->nfactors; m++) skip |= zero[term->factors[m]];
            if (skip) continue;
            for (uint32_t x = 0; x <= d; x = x ? x + 1 : 2) {
                if (term->nfactors == 0) {
                    ozk_fr_set_one(&tmp);
                } else {
                    tmp = jb->vals[(size_t)term->factors[0] * D + x];
                    for (uint32_t m = 1; m < term->nfactors; m++)
                        ozk_fr_mul(&tmp, &tmp, &jb->vals[(size_t)term->factors[m] * D + x]);
                }
                ozk_fr_add(&a[x], &a[x], &tmp);
            }
        }
    }
}

/* Folds tables [j0, j1): work[j] = f_j(r, .) (in place after round 0: each table is one job's). */
struct fold_job {
    ozk_fr *work;
    const ozk_fr *const *src;
    size_t j0, j1, half0;
    uint32_t nv;
    const ozk_fr *r;
};

static void fold_tables(const struct fold_job *fj)
{
    /* ozk_mle_fold_to, skipping the multiplication for a constant pair (the zero padding of
     * the tables batching is given is most of them) */
    size_t half = (size_t)1 << (fj->nv - 1);
    ozk_fr dlt;
    for (size_t j = fj->j0; j < fj->j1; j++) {
        const ozk_fr *in = fj->src[j];
        ozk_fr *out = fj->work + j * fj->half0;
        for (size_t i = 0; i < half; i++) {
            ozk_fr_sub(&dlt, &in[2 * i + 1], &in[2 * i]);
            if (ozk_fr_is_zero(&dlt)) {
                out[i] = in[2 * i];
                continue;
            }
            ozk_fr_mul(&dlt, &dlt, fj->r);
            ozk_fr_add(&out[i], &in[2 * i], &dlt);
        }
    }
}

static void *round_thread(void *arg)
{
    round_sums(arg);
    return NULL;
}

static void *fold_thread(void *arg)
{
    fold_tables(arg);
    return NULL;
}

/* Below this many pairs a round runs on one thread: a thread costs more than it saves. */
#define MT_MIN_PAIRS 4096

int ozk_sumcheck_prove(ozk_sumcheck_proof *proof, ozk_fr *point, ozk_fr *finals, ozk_transcript *t,
                       const ozk_fr *const *tables, size_t ntables, uint32_t nvars,
                       const ozk_sumcheck_term *terms, size_t nterms, uint32_t degree,
                       const ozk_fr *claim)
{
    return ozk_sumcheck_prove_mt(proof, point, finals, t, tables, ntables, nvars, terms, nterms,
                                 degree, claim, 1);
}

int ozk_sumcheck_prove_mt(ozk_sumcheck_proof *proof, ozk_fr *point, ozk_fr *finals,
                          ozk_transcript *t, const ozk_fr *const *tables, size_t ntables,
                          uint32_t nvars, const ozk_sumcheck_term *terms, size_t nterms,
                          uint32_t degree, const ozk_fr *claim, unsigned threads)
{
    if (threads < 1) threads = 1;
    if (threads > 2) threads = 2; /* one helper thread: the rounds split in two halves */
    if (nvars > OZK_SUMCHECK_MAX_VARS || degree == 0 || degree > OZK_SUMCHECK_MAX_DEGREE ||
        ntables == 0 || ozk_sumcheck_combiner_degree(terms, nterms) > degree)
        return OZK_EINVAL;
    for (size_t tm = 0; tm < nterms; tm++)
        for (uint32_t m = 0; m < terms[tm].nfactors; m++)
            if (terms[tm].factors[m] >= ntables) return OZK_EINVAL;

    const uint32_t d = degree, D = degree + 1;
    const size_t half0 = nvars ? (size_t)1 << (nvars - 1) : 0;
    /* one allocation: the folded tables (ntables x half0), the tables' values at 0..d for the
     * current pair (ntables x D) and the per-term sums (nterms x D) */
    if (half0 && ntables > (SIZE_MAX / sizeof(ozk_fr) - (ntables + nterms) * D) / half0)
        return OZK_ENOMEM;
    /* and a second vals + acc for the helper thread */
    size_t total = ntables * half0 + 2 * (ntables + nterms) * D;
    ozk_fr *buf = malloc(total * sizeof *buf);
    if (!buf) return OZK_ENOMEM;
    ozk_fr *work = buf, *vals = buf + ntables * half0, *acc = vals + ntables * D;
    ozk_fr *vals2 = acc + nterms * D, *acc2 = vals2 + ntables * D;
    const ozk_fr **cur_tab = malloc(ntables * sizeof *cur_tab);
    uint8_t *zflags = malloc(2 * ntables);
    if (!cur_tab || !zflags) {
        free(cur_tab);
        free(zflags);
        free(buf);
        return OZK_ENOMEM;
    }

    ozk_fr vinv[OZK_SUMCHECK_MAX_DEGREE + 1][OZK_SUMCHECK_MAX_DEGREE + 1];
    lagrange_coeffs(vinv, d);

    memset(proof, 0, sizeof *proof);
    proof->nvars = nvars;
    proof->degree = d;
    ozk__sumcheck_absorb_claim(t, claim, nvars, d);

    ozk_fr cur = *claim, e[OZK_SUMCHECK_MAX_DEGREE + 1], r, tmp;
    for (uint32_t i = 0; i < nvars; i++) {
        const size_t half = (size_t)1 << (nvars - 1 - i);
        for (size_t j = 0; j < ntables; j++) cur_tab[j] = i ? work + j * half0 : tables[j];
        struct round_job jb = { cur_tab, terms, ntables, nterms, 0, half, d, vals, acc, zflags };
        pthread_t th;
        int mt = threads > 1 && half >= MT_MIN_PAIRS;
        struct round_job jb2 = jb;
        if (mt) { /* the upper half of the pairs on a helper thread; sums added in order */
            jb.p1 = half / 2;
            jb2.p0 = half / 2;
            jb2.vals = vals2;
            jb2.acc = acc2;
            jb2.zero = zflags + ntables;
            mt = pthread_create(&th, NULL, round_thread, &jb2) == 0;
            if (!mt) jb.p1 = half;
        }
        round_sums(&jb);
        if (mt) {
            pthread_join(th, NULL);
            for (size_t k = 0; k < nterms * D; k++) ozk_fr_add(&acc[k], &acc[k], &acc2[k]);
        }

        /* e[x] = p_i(x) = sum_t c_t acc_t[x]; p_i(1) = claim_i - p_i(0) */
        for (uint32_t x = 0; x <= d; x++) ozk_fr_set_zero(&e[x]);
        for (size_t tm = 0; tm < nterms; tm++)
            for (uint32_t x = 0; x <= d; x = x ? x + 1 : 2) {
                ozk_fr_mul(&tmp, &terms[tm].coeff, &acc[tm * D + x]);
                ozk_fr_add(&e[x], &e[x], &tmp);
            }
        ozk_fr_sub(&e[1], &cur, &e[0]);

        /* coefficients: c_k = sum_x e[x] vinv[x][k] */
        ozk_fr *c = proof->coeffs[i];
        for (uint32_t k = 0; k <= d; k++) {
            ozk_fr_set_zero(&c[k]);
            for (uint32_t x = 0; x <= d; x++) {
                ozk_fr_mul(&tmp, &e[x], &vinv[x][k]);
                ozk_fr_add(&c[k], &c[k], &tmp);
            }
        }

        ozk_transcript_absorb_frs(t, c, D);
        ozk_transcript_challenge(t, &r);
        if (point) point[i] = r;
        ozk__sumcheck_poly_eval(&cur, c, d, &r);

        /* bind variable i to r_i in every table (the tables split between the threads) */
        struct fold_job fj = { work, cur_tab, 0, ntables, half0, nvars - i, &r };
        struct fold_job fj2 = fj;
        int fmt = threads > 1 && half >= MT_MIN_PAIRS && ntables > 1;
        if (fmt) {
            fj.j1 = ntables / 2;
            fj2.j0 = ntables / 2;
            fmt = pthread_create(&th, NULL, fold_thread, &fj2) == 0;
            if (!fmt) fj.j1 = ntables;
        }
        fold_tables(&fj);
        if (fmt) pthread_join(th, NULL);
    }
    if (finals)
        for (size_t j = 0; j < ntables; j++) finals[j] = nvars ? work[j * half0] : tables[j][0];
    free(cur_tab);
    free(zflags);
    free(buf);
    return 0;
}
