/*
 * prover/pcs.c: HyperKZG commitments and openings (docs/protocol.md, "Polynomial commitment
 * (HyperKZG)"; the verifier is verifier/pcs.c).
 *
 * Opening v = f~(z), f of N = 2^n evaluations, seen as the coefficients of P_0(X):
 *   1. folds: P_{i+1}[j] = P_i[2j] + z_i (P_i[2j+1] - P_i[2j]), i < n (P_n = f~(z) is a
 *      constant); commit P_1 .. P_{n-1} (MSMs of N/2, ..., 2 points); absorb; draw r.
 *      Why it works: P_i(X) = E(X^2) + X O(X^2) and P_{i+1} = (1 - z_i) E + z_i O, so
 *      P_{i+1}(r^2) is fixed by P_i(r) and P_i(-r): the verifier's fold check.
 *   2. evaluate every P_i at r, -r, r^2 (Horner); absorb; draw q.
 *   3. B = sum_i q^i P_i, opened at u = (r, -r, r^2) at once with Shplonk (Boneh, Drake, Fisch,
 *      Gabizon, eprint 2020/081): R the parabola through (u_t, B(u_t)), Z = prod_t (X - u_t);
 *      W = [(B - R)/Z] (long division by the cubic); absorb; draw x; L = B - R(x) - Z(x) Q
 *      vanishes at x, W' = [L / (X - x)]; absorb. Two MSMs of about N points where HyperKZG's
 *      three separate witnesses took three.
 * Cost: about 3N points of full-scalar MSM (folds N, witnesses 2N) and O(N) field operations.
 */
#include <stdlib.h>
#include <string.h>

#include "ozk/error.h"
#include "ozk/msm.h"
#include "ozk/pcs.h"
#include "../core/par.h"
#include "../verifier/pcs_internal.h"

#define PAR_MIN 8192 /* shorter loops stay on one thread */

int ozk_pcs_commit(ozk_g1 *out, const ozk_srs *srs, const ozk_fr *evals, size_t n, unsigned threads)
{
    if (n > srs->n) return OZK_EINVAL;
    ozk_g1_jac j;
    int rc = ozk_g1_msm(&j, srs->g1, evals, n, threads);
    if (rc < 0) return rc;
    ozk_g1_jac_to_affine(out, &j);
    return 0;
}

/* p(u) by Horner over the n coefficients p[0..n) */
static void horner(ozk_fr *out, const ozk_fr *p, size_t n, const ozk_fr *u)
{
    ozk_fr acc;
    ozk_fr_set_zero(&acc);
    for (size_t k = n; k-- > 0;) {
        ozk_fr_mul(&acc, &acc, u);
        ozk_fr_add(&acc, &acc, &p[k]);
    }
    *out = acc;
}

/* P(r) and P(-r) in one pass: P(X) = E(X^2) + X O(X^2), E and O by Horner at r^2 (n even). */
static void eval_pm(ozk_fr *plus, ozk_fr *minus, const ozk_fr *p, size_t n, const ozk_fr *r,
                    const ozk_fr *r2)
{
    ozk_fr e, o, t;
    ozk_fr_set_zero(&e);
    ozk_fr_set_zero(&o);
    for (size_t k = n / 2; k-- > 0;) {
        ozk_fr_mul(&e, &e, r2);
        ozk_fr_add(&e, &e, &p[2 * k]);
        ozk_fr_mul(&o, &o, r2);
        ozk_fr_add(&o, &o, &p[2 * k + 1]);
    }
    ozk_fr_mul(&t, &o, r);
    ozk_fr_add(plus, &e, &t);
    ozk_fr_sub(minus, &e, &t);
}

/* The evaluations of every P_i: task 0 at r and -r, task 1 at r^2 (ozk__par2 over 2 tasks). */
struct evals_job {
    ozk_pcs_proof *proof;
    const ozk_fr *buf;
    const size_t *off;
    size_t N;
    uint32_t n;
    const ozk_fr *r, *r2;
};

static void evals_task(void *arg, size_t lo, size_t hi)
{
    const struct evals_job *j = arg;
    for (size_t task = lo; task < hi; task++)
        for (uint32_t i = 0; i < j->n; i++) {
            ozk_fr *e = j->proof->evals[i];
            if (task == 0)
                eval_pm(&e[0], &e[1], j->buf + j->off[i], j->N >> i, j->r, j->r2);
            else
                horner(&e[2], j->buf + j->off[i], j->N >> i, j->r2);
        }
}

/* f[b] += g P[b] over a range of b (zeros skipped: padding) */
struct axpy_job {
    ozk_fr *f;
    const ozk_fr *p, *g;
};

static void axpy_task(void *arg, size_t lo, size_t hi)
{
    const struct axpy_job *j = arg;
    ozk_fr tmp;
    for (size_t b = lo; b < hi; b++) {
        if (ozk_fr_is_zero(&j->p[b])) continue;
        ozk_fr_mul(&tmp, j->g, &j->p[b]);
        ozk_fr_add(&j->f[b], &j->f[b], &tmp);
    }
}

/* dst[j] = src[2j] + z (src[2j+1] - src[2j]) over a range of j: one fold */
struct fold_job {
    ozk_fr *dst;
    const ozk_fr *src, *z;
};

static void fold_task(void *arg, size_t lo, size_t hi)
{
    const struct fold_job *j = arg;
    ozk_fr d;
    for (size_t i = lo; i < hi; i++) {
        ozk_fr_sub(&d, &j->src[2 * i + 1], &j->src[2 * i]);
        ozk_fr_mul(&d, &d, j->z);
        ozk_fr_add(&j->dst[i], &j->src[2 * i], &d);
    }
}

/* The coefficients out[0..2] of the parabola through (u_t, v_t), t < 3 (distinct u_t):
 * Lagrange, each basis polynomial (X - u_a)(X - u_b) / ((u_t - u_a)(u_t - u_b)). */
static void interpolate3(ozk_fr out[3], const ozk_fr u[3], const ozk_fr v[3])
{
    for (int k = 0; k < 3; k++) ozk_fr_set_zero(&out[k]);
    for (int t = 0; t < 3; t++) {
        const ozk_fr *a = &u[(t + 1) % 3], *b = &u[(t + 2) % 3];
        ozk_fr den, d2, s, p, c;
        ozk_fr_sub(&den, &u[t], a);
        ozk_fr_sub(&d2, &u[t], b);
        ozk_fr_mul(&den, &den, &d2);
        ozk_fr_inv(&den, &den);
        ozk_fr_mul(&c, &den, &v[t]);
        ozk_fr_add(&s, a, b);
        ozk_fr_mul(&p, a, b);
        /* c (X^2 - s X + p) */
        ozk_fr_add(&out[2], &out[2], &c);
        ozk_fr_mul(&s, &s, &c);
        ozk_fr_sub(&out[1], &out[1], &s);
        ozk_fr_mul(&p, &p, &c);
        ozk_fr_add(&out[0], &out[0], &p);
    }
}

/* The opening; hints (may be NULL) holds [P_1] .. [P_h], the commitments of the first h folds,
 * when the caller could compute them more cheaply than by an MSM of each fold (ozk__pcs_open_
 * many_hinted): they are used as they are, and a wrong hint yields a proof that fails. */
static int open_impl(ozk_pcs_proof *proof, ozk_transcript *t, const ozk_srs *srs,
                     const ozk_fr *evals, uint32_t nvars, const ozk_fr *point,
                     const ozk_g1 *commitment, const ozk_fr *value, const ozk_g1 *hints, uint32_t h,
                     unsigned threads)
{
    if (nvars < 1 || nvars > OZK_PCS_MAX_VARS || ((size_t)1 << nvars) > srs->n) return OZK_EINVAL;
    const uint32_t n = nvars;
    const size_t N = (size_t)1 << n;
    int rc = 0;
    /* P_0 .. P_n back to back in buf (N + N/2 + ... + 1 < 2N entries); P_i starts at off[i] */
    ozk_fr *buf = malloc(2 * N * sizeof *buf), *b = malloc(N * sizeof *b),
           *quo = malloc(N * sizeof *quo);
    size_t off[OZK_PCS_MAX_VARS + 1];
    if (!buf || !b || !quo) {
        rc = OZK_ENOMEM;
        goto fail;
    }
    memset(proof, 0, sizeof *proof);
    proof->nvars = n;
    ozk__pcs_absorb_claim(t, commitment, n, point, value);

    /* 1. folds */
    memcpy(buf, evals, N * sizeof *buf);
    off[0] = 0;
    for (uint32_t i = 0; i < n; i++) {
        size_t len = N >> i, half = len / 2;
        const ozk_fr *src = buf + off[i];
        ozk_fr *dst = buf + off[i] + len;
        off[i + 1] = off[i] + len;
        struct fold_job fj = { dst, src, &point[i] };
        ozk__par2(fold_task, &fj, half, PAR_MIN);
        if (i + 1 < n && hints && i < h) {
            proof->folds[i] = hints[i];
        } else if (i + 1 < n) {
            rc = ozk_pcs_commit(&proof->folds[i], srs, dst, half, threads);
            if (rc < 0) goto fail;
        }
    }
    ozk_transcript_absorb_g1s(t, proof->folds, n - 1);
    ozk_fr r, q, u[3];
    ozk_transcript_challenge(t, &r);

    /* 2. evaluations at r, -r, r^2 */
    u[0] = r;
    ozk_fr_neg(&u[1], &r);
    ozk_fr_sqr(&u[2], &r);
    struct evals_job ej = { proof, buf, off, N, n, &r, &u[2] };
    ozk__par2(evals_task, &ej, 2, 2); /* task 0: P_i(+-r), task 1: P_i(r^2) */
    ozk_transcript_absorb_frs(t, &proof->evals[0][0], 3 * (size_t)n);
    ozk_transcript_challenge(t, &q);

    /* 3. B = sum_i q^i P_i, and the two (Shplonk) KZG witnesses */
    ozk_fr qi, tmp;
    memcpy(b, buf, N * sizeof *b);
    ozk_fr_set_one(&qi);
    for (uint32_t i = 1; i < n; i++) {
        ozk_fr_mul(&qi, &qi, &q);
        struct axpy_job aj = { b, buf + off[i], &qi };
        ozk__par2(axpy_task, &aj, N >> i, PAR_MIN);
    }
    /* Shplonk for B at u_0, u_1, u_2 (docs/protocol.md 4.2): R the parabola through
     * (u_t, B(u_t)), Z = prod_t (X - u_t) = X^3 + z2 X^2 + z1 X + z0. W = [(B - R)/Z]. */
    ozk_fr bu[3], rc3[3], z0, z1, z2, x, zx, rx;
    for (int k = 0; k < 3; k++) horner(&bu[k], b, N, &u[k]);
    interpolate3(rc3, u, bu);
    ozk_fr_add(&z2, &u[0], &u[1]);
    ozk_fr_add(&z2, &z2, &u[2]);
    ozk_fr_neg(&z2, &z2);
    ozk_fr_mul(&z1, &u[0], &u[1]);
    ozk_fr_mul(&tmp, &u[0], &u[2]);
    ozk_fr_add(&z1, &z1, &tmp);
    ozk_fr_mul(&tmp, &u[1], &u[2]);
    ozk_fr_add(&z1, &z1, &tmp);
    ozk_fr_mul(&z0, &u[0], &u[1]);
    ozk_fr_mul(&z0, &z0, &u[2]);
    ozk_fr_neg(&z0, &z0);
    /* (B - R) / Z by long division; R touches only coefficients 0..2, and the remainder (zero
     * for an honest B) is not needed */
    size_t qlen = N > 3 ? N - 3 : 0;
    /* quo[i] for i = qlen-1 .. 0: quo[i] = c[i+3] - z2 quo[i+1] - z1 quo[i+2] - z0 quo[i+3] */
    for (size_t i = qlen; i-- > 0;) {
        ozk_fr acc = b[i + 3], t2;
        if (i + 1 < qlen) {
            ozk_fr_mul(&t2, &z2, &quo[i + 1]);
            ozk_fr_sub(&acc, &acc, &t2);
        }
        if (i + 2 < qlen) {
            ozk_fr_mul(&t2, &z1, &quo[i + 2]);
            ozk_fr_sub(&acc, &acc, &t2);
        }
        if (i + 3 < qlen) {
            ozk_fr_mul(&t2, &z0, &quo[i + 3]);
            ozk_fr_sub(&acc, &acc, &t2);
        }
        quo[i] = acc;
    }
    if (qlen) {
        rc = ozk_pcs_commit(&proof->w[0], srs, quo, qlen, threads);
        if (rc < 0) goto fail;
    } else {
        ozk_g1_set_infinity(&proof->w[0]);
    }
    ozk_transcript_absorb_g1(t, &proof->w[0]);
    ozk_transcript_challenge(t, &x);

    /* L = B - R(x) - Z(x) Q vanishes at x; W' = [L / (X - x)] */
    horner(&rx, rc3, 3, &x);
    ozk_fr_add(&zx, &x, &z2);
    ozk_fr_mul(&zx, &zx, &x);
    ozk_fr_add(&zx, &zx, &z1);
    ozk_fr_mul(&zx, &zx, &x);
    ozk_fr_add(&zx, &zx, &z0);
    ozk_fr mzx;
    ozk_fr_neg(&mzx, &zx);
    struct axpy_job lj = { b, quo, &mzx }; /* b -= Z(x) Q */
    ozk__par2(axpy_task, &lj, qlen, PAR_MIN);
    ozk_fr_sub(&b[0], &b[0], &rx);
    /* (L(X) - L(x)) / (X - x) with L(x) = 0: quo[j-1] = b[j] + x quo[j], from the top */
    ozk_fr acc;
    ozk_fr_set_zero(&acc);
    for (size_t j = N; j-- > 1;) {
        ozk_fr_mul(&acc, &acc, &x);
        ozk_fr_add(&acc, &acc, &b[j]);
        quo[j - 1] = acc;
    }
    rc = ozk_pcs_commit(&proof->w[1], srs, quo, N - 1, threads);
    if (rc < 0) goto fail;
    ozk_transcript_absorb_g1(t, &proof->w[1]);
fail:
    free(buf);
    free(b);
    free(quo);
    return rc;
}

int ozk_pcs_open(ozk_pcs_proof *proof, ozk_transcript *t, const ozk_srs *srs, const ozk_fr *evals,
                 uint32_t nvars, const ozk_fr *point, const ozk_g1 *commitment, const ozk_fr *value,
                 unsigned threads)
{
    return open_impl(proof, t, srs, evals, nvars, point, commitment, value, NULL, 0, threads);
}

int ozk__pcs_open_many_hinted(ozk_pcs_proof *proof, ozk_transcript *t, const ozk_srs *srs,
                              const ozk_fr *const *evals, size_t k, uint32_t nvars,
                              const ozk_fr *point, const ozk_g1 *commitments, const ozk_fr *values,
                              const ozk_g1 *hints, uint32_t h, unsigned threads)
{
    if (k == 0 || nvars < 1 || nvars > OZK_PCS_MAX_VARS || ((size_t)1 << nvars) > srs->n ||
        h >= nvars || (hints && k > 8))
        return OZK_EINVAL;
    const size_t N = (size_t)1 << nvars;
    ozk_fr gamma, gi, v;
    ozk_g1 c, comb[OZK_PCS_MAX_VARS];
    ozk__pcs_absorb_many(t, &gamma, k, nvars, point, commitments, values);
    ozk__pcs_combine(&c, &v, &gamma, commitments, values, k);
    /* the folds are linear: [fold_l(sum_j gamma^j f_j)] = sum_j gamma^j [fold_l(f_j)] */
    for (uint32_t l = 0; hints && l < h; l++) {
        ozk_g1 col[8];
        for (size_t j = 0; j < k; j++) col[j] = hints[j * h + l];
        ozk_fr unused;
        ozk__pcs_combine(&comb[l], &unused, &gamma, col, values, k);
    }
    ozk_fr *f = malloc(N * sizeof *f); /* f = sum_j gamma^j f_j */
    if (!f) return OZK_ENOMEM;
    ozk_fr_set_one(&gi);
    memcpy(f, evals[0], N * sizeof *f); /* gamma^0 = 1 */
    for (size_t j = 1; j < k; j++) {
        ozk_fr_mul(&gi, &gi, &gamma);
        struct axpy_job aj = { f, evals[j], &gi };
        ozk__par2(axpy_task, &aj, N, PAR_MIN);
    }
    int rc = open_impl(proof, t, srs, f, nvars, point, &c, &v, hints ? comb : NULL, h, threads);
    free(f);
    return rc;
}

int ozk_pcs_open_many(ozk_pcs_proof *proof, ozk_transcript *t, const ozk_srs *srs,
                      const ozk_fr *const *evals, size_t k, uint32_t nvars, const ozk_fr *point,
                      const ozk_g1 *commitments, const ozk_fr *values, unsigned threads)
{
    return ozk__pcs_open_many_hinted(proof, t, srs, evals, k, nvars, point, commitments, values,
                                     NULL, 0, threads);
}
