/*
 * prover/folds.c: the proving key, precomputed commitments that make the HyperKZG folds of P_W
 * nearly free (docs/protocol.md 11.5).
 *
 * The opening folds f = P_A + sum_j gamma^j P_W,j at the batching point x: fold_l(P)[i] =
 * sum_{beta < 2^l} eq(x_0..x_{l-1}, beta) P[beta + 2^l i] (index bits LSB first). Commitments
 * are linear, so with S_{l,beta} = [the strided part P[beta + 2^l i], i < N / 2^l] committed in
 * advance,
 *     [fold_l(P)] = sum_beta eq(x_<l, beta) S_{l,beta},
 * an MSM of 2^l points instead of one of N / 2^l. The S_{l,beta} depend only on the weights:
 * computed once per model (ozk_pk_build; the weights are int8, so these MSMs take small scalars,
 * and the int32 biases go through a separate small MSM). Levels above h are cheap anyway (the
 * folds have N / 2^l entries). P_A's own folds are committed directly: P_A is small.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ozk/error.h"
#include "ozk/mle.h"
#include "ozk/msm.h"
#include "../verifier/proof_internal.h"

struct ozk_pk {
    uint8_t vk_hash[32];
    uint32_t h, nw, nvars;
    ozk_g1 *tab; /* per bin: level l = 1..h, beta < 2^l at (2^l - 2) + beta */
};

static size_t per_bin(uint32_t h)
{
    return ((size_t)2 << h) - 2;
}

void ozk_pk_free(ozk_pk *pk)
{
    if (!pk) return;
    free(pk->tab);
    free(pk);
}

uint32_t ozk__pk_levels(const ozk_pk *pk)
{
    return pk->h;
}
const uint8_t *ozk__pk_vk_hash(const ozk_pk *pk)
{
    return pk->vk_hash;
}

int ozk__pk_compute(ozk_pk **out, const ozk__plan *p, const uint8_t vk_hash[32], ozk_fr *const *pw,
                    const ozk_srs *srs, uint32_t h, unsigned threads)
{
    *out = NULL;
    if (h >= p->nvars) h = p->nvars - 1;
    ozk_pk *pk = calloc(1, sizeof *pk);
    size_t N = (size_t)1 << p->nvars, nb = 0;
    for (uint32_t j = 0; j < p->nlayers; j++)
        if (p->layers[j].kind == OZK_LAYER_DENSE) nb += p->layers[j].n_out;
    ozk_g1_jac *jt = malloc(per_bin(h) * sizeof *jt);
    ozk_fr *s = malloc((N / 2 + 1) * sizeof *s), *bs = malloc((nb + 1) * sizeof *bs);
    ozk_g1 *bp = malloc((nb + 1) * sizeof *bp);
    uint64_t *bpos = malloc((nb + 1) * sizeof *bpos);
    int rc = OZK_ENOMEM;
    if (!pk || !jt || !s || !bs || !bp || !bpos) goto out;
    memcpy(pk->vk_hash, vk_hash, 32);
    pk->h = h;
    pk->nw = p->nwpolys;
    pk->nvars = p->nvars;
    if (!(pk->tab = malloc(p->nwpolys * per_bin(h) * sizeof *pk->tab))) goto out;
    for (uint32_t b = 0; b < p->nwpolys; b++) {
        /* the biases of this polynomial: taken out (and put back at the end) so that the big
         * MSMs see int8 scalars only */
        size_t nbias = 0;
        for (uint32_t j = 0; j < p->nlayers; j++) {
            const ozk__plan_layer *l = &p->layers[j];
            if (l->kind != OZK_LAYER_DENSE || l->b_poly != b + 1) continue;
            for (uint32_t o = 0; o < l->n_out; o++) bpos[nbias++] = l->b_off + o;
        }
        ozk_fr *saved = malloc((nbias + 1) * sizeof *saved);
        if (!saved) goto out;
        for (size_t i = 0; i < nbias; i++) {
            saved[i] = pw[b][bpos[i]];
            ozk_fr_set_zero(&pw[b][bpos[i]]);
        }
        for (uint32_t lv = 1; lv <= h && rc != OZK_EINVAL; lv++) {
            size_t len = N >> lv, stride = (size_t)1 << lv;
            for (size_t beta = 0; beta < stride; beta++) {
                for (size_t i = 0; i < len; i++) s[i] = pw[b][beta + stride * i];
                ozk_g1_jac acc, extra;
                if (ozk_g1_msm(&acc, srs->g1, s, len, threads) < 0) break;
                size_t ne = 0;
                for (size_t i = 0; i < nbias; i++)
                    if ((bpos[i] & (stride - 1)) == beta) {
                        bp[ne] = srs->g1[bpos[i] >> lv];
                        bs[ne++] = saved[i];
                    }
                if (ne) {
                    if (ozk_g1_msm(&extra, bp, bs, ne, 1) < 0) break;
                    ozk_g1_jac_add(&acc, &acc, &extra);
                }
                jt[(stride - 2) + beta] = acc;
            }
        }
        for (size_t i = 0; i < nbias; i++) pw[b][bpos[i]] = saved[i];
        free(saved);
        if (ozk_g1_jac_batch_to_affine(pk->tab + b * per_bin(h), jt, per_bin(h)) < 0) goto out;
    }
    *out = pk;
    pk = NULL;
    rc = 0;
out:
    ozk_pk_free(pk);
    free(jt);
    free(s);
    free(bs);
    free(bp);
    free(bpos);
    return rc;
}

int ozk__fold_hints(ozk_g1 *hints, const ozk_pk *pk, const ozk__plan *p, const ozk_fr *pa,
                    const ozk_srs *srs, const ozk_fr *x, unsigned threads)
{
    const uint32_t h = pk->h, lvb = p->nvars_a > h + 1 ? p->nvars_a : h + 1;
    const size_t na = (size_t)1 << p->nvars_a;
    ozk_fr *buf = calloc((size_t)1 << lvb, sizeof *buf);
    ozk_fr *eq = malloc(((size_t)1 << h) * sizeof *eq);
    int rc = OZK_ENOMEM;
    if (!buf || !eq) goto out;
    /* hints[j h + l - 1] = [fold_l(P_j)], l = 1..h; j = 0 is P_A */
    memcpy(buf, pa, na * sizeof *buf);
    for (uint32_t l = 1; l <= h; l++) {
        ozk_mle_fold(buf, lvb - (l - 1), &x[l - 1]);
        size_t nz = p->nvars_a > l ? (size_t)1 << (p->nvars_a - l) : 1; /* the rest is zero */
        ozk_g1_jac j;
        if ((rc = ozk_g1_msm(&j, srs->g1, buf, nz, threads)) < 0) goto out;
        ozk_g1_jac_to_affine(&hints[l - 1], &j);
    }
    for (uint32_t b = 0; b < pk->nw; b++)
        for (uint32_t l = 1; l <= h; l++) {
            size_t n = (size_t)1 << l;
            ozk_mle_eq_table(eq, x, l);
            ozk_g1_jac j;
            if ((rc = ozk_g1_msm(&j, pk->tab + b * per_bin(h) + (n - 2), eq, n, 1)) < 0) goto out;
            ozk_g1_jac_to_affine(&hints[(size_t)(b + 1) * h + l - 1], &j);
        }
    rc = 0;
out:
    free(buf);
    free(eq);
    return rc;
}

int ozk_pk_build(ozk_pk **out, const ozk_model *m, const ozk_vk *vk, const ozk_srs *srs,
                 unsigned threads, char *err, size_t errlen)
{
    *out = NULL;
    const ozk__plan *p = &vk->plan;
    if (!ozk_vk_matches_model(vk, m) || memcmp(srs->id, vk->srs_id, 32) != 0 ||
        srs->log_size < p->nvars) {
        return ozk__fail(err, errlen, OZK_EINVAL, "the model, vk and SRS do not belong together");
    }
    ozk_fr *pw[OZK__MAX_WPOLYS];
    int rc = ozk__pw_new(pw, p, m);
    if (rc == 0) rc = ozk__pk_compute(out, p, vk->hash, pw, srs, OZK__PK_LEVELS, threads);
    ozk__pw_free(pw);
    if (rc == OZK_ENOMEM) ozk__fail(err, errlen, rc, "out of memory");
    return rc;
}
