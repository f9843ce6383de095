/*
 * prover/requant.c: requantization + clamp (+ ReLU), the prover (docs/protocol.md section 9.1).
 *
 * Columns y, u, d and the limbs of r are in P_A. At a fresh point zeta, with beta, one degree-3
 * sumcheck shows sum_b eq(zeta, b) [u (y - H) + beta d (y - L)](b) = 0 (the zero-checks); at its
 * end point rho the prover sends every column's value, and the linear identity
 * 2^s (y + u - d) = acc M + 2^(s-1) - r turns them into the claim on acc~(rho), which the
 * accumulator's protocol (prover/dense.c) takes over. A last layer without requantization
 * starts from y~(zeta) of the public output instead.
 */
#include <stdlib.h>
#include <string.h>

#include "ozk/error.h"
#include "ozk/mle.h"
#include "ozk/sumcheck.h"
#include "../verifier/proof_internal.h"

/* out[i] = sum_l 2^(k l) column_l[i] over the n limb columns starting at cols[c0] */
static void recombine(ozk_fr *out, const ozk__prover *c, uint32_t c0, uint32_t n, size_t len)
{
    ozk_fr base, t;
    ozk_fr_from_u64(&base, (uint64_t)1 << c->p->k);
    for (size_t i = 0; i < len; i++) {
        ozk_fr_set_zero(&out[i]);
        for (uint32_t l = n; l-- > 0;) {
            ozk_fr_mul(&t, &out[i], &base);
            ozk_fr_add(&out[i], &t, &c->pa[c->p->cols[c0 + l].off + i]);
        }
    }
}

int ozk__requant_prove(ozk__prover *c, uint32_t j, ozk_fr *pt, ozk_fr *A)
{
    const ozk__plan_layer *l = &c->p->layers[j];
    uint32_t lv = l->lv_out;
    for (uint32_t i = 0; i < lv; i++) ozk_transcript_challenge(c->t, &pt[i]); /* zeta */
    if (!l->requant) {
        ozk_mle_eval(A, c->y, lv, pt);
        return 0;
    }
    ozk_fr beta, zero, rho[OZK_SUMCHECK_MAX_VARS], fin[4], vals[2 * OZK__MAX_LIMBS + 9];
    ozk_transcript_challenge(c->t, &beta);
    size_t n = (size_t)1 << lv;
    ozk_fr *tab = malloc(4 * n * sizeof *tab);
    ozk_sumcheck_proof *sc = malloc(sizeof *sc);
    int rc = OZK_ENOMEM;
    if (!tab || !sc) goto out;
    ozk_fr *eq = tab, *u = tab + n, *d = tab + 2 * n, *y = tab + 3 * n;
    ozk_mle_eq_table(eq, pt, lv);
    uint32_t cu = l->col0 + l->ycommit;
    recombine(u, c, cu, l->ud_limbs, n);
    recombine(d, c, cu + l->ud_limbs, l->ud_limbs, n);
    memcpy(y, l->ycommit ? c->pa + c->p->cols[l->col0].off : c->y, n * sizeof *y);

    ozk_sumcheck_term terms[4];
    ozk__requant_terms(terms, l, &beta);
    const ozk_fr *tables[4] = { eq, u, d, y };
    ozk_fr_set_zero(&zero);
    rc = ozk_sumcheck_prove(sc, rho, fin, c->t, tables, 4, lv, terms, 4, 3, &zero);
    if (rc) goto out;
    ozk_sumcheck_proof_encode(c->o, sc);
    c->o += ozk_sumcheck_proof_size(lv, 3);

    for (uint32_t i = 0; i < l->ncols; i++)
        ozk_mle_eval(&vals[i], c->pa + c->p->cols[l->col0 + i].off, lv, rho);
    ozk__put_frs(&c->o, vals, l->ncols);
    ozk_transcript_absorb_frs(c->t, vals, l->ncols);
    for (uint32_t i = 0; i < l->ncols; i++) {
        const ozk__plan_col *col = &c->p->cols[l->col0 + i];
        if ((rc = ozk__claims_add(c->cl, 0, lv, col->off, rho, &vals[i]))) goto out;
    }
    ozk_fr yv, uv, dv;
    if (l->ycommit)
        yv = vals[0];
    else
        ozk_mle_eval(&yv, c->y, lv, rho);
    ozk__requant_combine(A, &uv, &dv, c->p, l, vals, &yv);
    memcpy(pt, rho, lv * sizeof *pt);
    rc = 0;
out:
    free(tab);
    free(sc);
    return rc;
}
