/*
 * verifier/dense.c: the accumulator of a layer, the verifier (docs/protocol.md section 9.2).
 * Mirrors prover/dense.c message for message.
 */
#include <string.h>

#include "ozk/error.h"
#include "ozk/mle.h"
#include "ozk/sumcheck.h"
#include "proof_internal.h"

/* The claim "tensor `tensor` has MLE value v at z": the public input is checked here and now
 * (its MLE computed from x), a committed tensor becomes a claim on P_A. Returns 1, 0 or
 * OZK_ENOMEM. */
static int input_claim(ozk__verifier *c, uint32_t tensor, uint32_t lv, const ozk_fr *z,
                       const ozk_fr *v)
{
    if (tensor == 0) {
        ozk_fr xe;
        ozk_mle_eval(&xe, c->x, lv, z);
        if (!ozk_fr_eq(&xe, v)) return ozk__reject(c, "the claim on the public input is false");
        return 1;
    }
    const ozk__plan_col *col = &c->p->cols[ozk__tensor_col(c->p, tensor)];
    int rc = ozk__claims_add(c->cl, 0, col->lv, col->off, z, v);
    return rc ? rc : 1;
}

static int dense_verify(ozk__verifier *c, uint32_t j, const ozk_fr *pt, const ozk_fr *A)
{
    const ozk__plan_layer *l = &c->p->layers[j];
    ozk_fr bz, claim, fin[2];
    if (!ozk__get_frs(&c->in, &bz, 1)) return OZK_EINVAL;
    ozk_transcript_absorb_fr(c->t, &bz);
    ozk_fr_sub(&claim, A, &bz);

    ozk_sumcheck_proof sc;
    ozk_sumcheck_final sf;
    size_t n = ozk_sumcheck_proof_size(l->lv_in, 2);
    if (!ozk_sumcheck_proof_decode(&sc, l->lv_in, 2, c->in, n)) return OZK_EINVAL;
    c->in += n;
    if (!ozk_sumcheck_verify_rounds(&sf, c->t, l->lv_in, 2, &claim, &sc))
        return ozk__reject(c, "layer %u (dense): a sumcheck round fails", j);
    if (!ozk__get_frs(&c->in, fin, 2)) return OZK_EINVAL;
    ozk_transcript_absorb_frs(c->t, fin, 2);
    ozk_fr prod;
    ozk_fr_mul(&prod, &fin[0], &fin[1]);
    if (!ozk_fr_eq(&prod, &sf.expected))
        return ozk__reject(c, "layer %u (dense): the sumcheck's final check fails", j);

    ozk_fr full[2 * OZK_SUMCHECK_MAX_VARS];
    memcpy(full, sf.point, l->lv_in * sizeof *full);
    memcpy(full + l->lv_in, pt, l->lv_out * sizeof *full);
    int rc;
    if ((rc = ozk__claims_add(c->cl, l->w_poly, l->lv_in + l->lv_out, l->w_off, full, &fin[0])) ||
        (rc = ozk__claims_add(c->cl, l->b_poly, l->lv_out, l->b_off, pt, &bz)))
        return rc;
    return input_claim(c, l->in0, l->lv_in, sf.point, &fin[1]);
}

int ozk__accum_verify(ozk__verifier *c, uint32_t j, const ozk_fr *pt, const ozk_fr *A)
{
    const ozk__plan_layer *l = &c->p->layers[j];
    switch (l->kind) {
    case OZK_LAYER_DENSE:
        return dense_verify(c, j, pt, A);
    case OZK_LAYER_ADD: {
        ozk_fr v[2], ka, kb, s;
        if (!ozk__get_frs(&c->in, v, 2)) return OZK_EINVAL;
        ozk_transcript_absorb_frs(c->t, v, 2);
        ozk_fr_from_i64(&ka, l->ka);
        ozk_fr_from_i64(&kb, l->kb);
        ozk_fr_mul(&ka, &ka, &v[0]);
        ozk_fr_mul(&kb, &kb, &v[1]);
        ozk_fr_add(&s, &ka, &kb);
        if (!ozk_fr_eq(&s, A)) return ozk__reject(c, "layer %u (add): ka a + kb c != acc", j);
        int rc = input_claim(c, l->in0, l->lv_out, pt, &v[0]);
        return rc != 1 ? rc : input_claim(c, l->in1, l->lv_out, pt, &v[1]);
    }
    default:
        return input_claim(c, l->in0, l->lv_out, pt, A);
    }
}
