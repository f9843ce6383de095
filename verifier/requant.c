/*
 * verifier/requant.c: requantization + clamp (+ ReLU), the verifier (docs/protocol.md
 * section 9.1). Mirrors prover/requant.c message for message.
 */
#include <string.h>

#include "ozk/error.h"
#include "ozk/mle.h"
#include "ozk/sumcheck.h"
#include "proof_internal.h"

int ozk__requant_verify(ozk__verifier *c, uint32_t j, ozk_fr *pt, ozk_fr *A)
{
    const ozk__plan_layer *l = &c->p->layers[j];
    uint32_t lv = l->lv_out;
    for (uint32_t i = 0; i < lv; i++) ozk_transcript_challenge(c->t, &pt[i]); /* zeta */
    if (!l->requant) {
        ozk_mle_eval(A, c->y, lv, pt);
        return 1;
    }
    ozk_fr beta, zero, vals[2 * OZK__MAX_LIMBS + 9];
    ozk_transcript_challenge(c->t, &beta);
    ozk_sumcheck_proof sc;
    ozk_sumcheck_final sf;
    size_t n = ozk_sumcheck_proof_size(lv, 3);
    if (!ozk_sumcheck_proof_decode(&sc, lv, 3, c->in, n)) return OZK_EINVAL;
    c->in += n;
    ozk_fr_set_zero(&zero);
    if (!ozk_sumcheck_verify_rounds(&sf, c->t, lv, 3, &zero, &sc))
        return ozk__reject(c, "layer %u (requantization): a zero-check round fails", j);
    if (!ozk__get_frs(&c->in, vals, l->ncols)) return OZK_EINVAL;
    ozk_transcript_absorb_frs(c->t, vals, l->ncols);

    ozk_fr oracle[4]; /* eq, u, d, y at rho */
    ozk_mle_eq_eval(&oracle[0], pt, sf.point, lv);
    if (l->ycommit)
        oracle[3] = vals[0];
    else
        ozk_mle_eval(&oracle[3], c->y, lv, sf.point);
    ozk__requant_combine(A, &oracle[1], &oracle[2], c->p, l, vals, &oracle[3]);
    ozk_sumcheck_term terms[4];
    ozk__requant_terms(terms, l, &beta);
    if (!ozk_sumcheck_verify_final(&sf, terms, 4, oracle, 4))
        return ozk__reject(c, "layer %u (requantization): the zero-check's final check fails", j);
    for (uint32_t i = 0; i < l->ncols; i++) {
        const ozk__plan_col *col = &c->p->cols[l->col0 + i];
        int rc = ozk__claims_add(c->cl, 0, lv, col->off, sf.point, &vals[i]);
        if (rc) return rc;
    }
    memcpy(pt, sf.point, lv * sizeof *pt);
    return 1;
}
