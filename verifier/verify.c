/*
 * verifier/verify.c: ozk_verify (docs/protocol.md section 11), the mirror of prover/prove.c.
 *
 * Before any cryptography: the statement's shape, and every public value in its declared range
 * (design.md 4.4; the public output gets no lookups, so without this check the last layer could
 * saturate falsely). Then the transcript in the prover's order; every claim on P_A and P_W is
 * collected and batched; the batch's final values are checked by one pairing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ozk/batch.h"
#include "ozk/error.h"
#include "ozk/pcs.h"
#include "proof_internal.h"

int ozk__reject(ozk__verifier *c, const char *fmt, ...)
{
    if (c->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err, c->errlen, fmt, ap);
        va_end(ap);
    }
    return 0;
}

int ozk_verify(const ozk_vk *vk, const uint8_t *x, size_t xlen, const uint8_t *y, size_t ylen,
               const uint8_t *proof, size_t proof_len, char *err, size_t errlen)
{
    const ozk__plan *p = &vk->plan;
    int int32 = p->out_dtype == OZK_DTYPE_INT32;
    if (errlen) err[0] = 0;
    if (xlen != p->n_in)
        return ozk__fail(err, errlen, 0, "the input has %zu bytes, the model takes %u", xlen,
                         p->n_in);
    if (ylen != ozk_vk_output_bytes(vk))
        return ozk__fail(err, errlen, 0, "the output has %zu bytes, the model gives %zu", ylen,
                         ozk_vk_output_bytes(vk));
    /* x: n_in int8 values, each byte is one, so always within [-128, 127] */
    for (uint32_t i = 0; i < p->n_out; i++) {
        int64_t v = ozk__public_value(y, i, int32);
        if (v < p->out_lo || v > p->out_hi)
            return ozk__fail(err, errlen, 0, "output element %u = %lld lies outside [%lld, %lld]",
                             i, (long long)v, (long long)p->out_lo, (long long)p->out_hi);
    }
    size_t plen = ozk__proof_size(p);
    if (proof_len != plen)
        return ozk__fail(err, errlen, OZK_EINVAL,
                         "malformed proof: %zu bytes, this model's have %zu", proof_len, plen);

    int rc = OZK_ENOMEM;
    ozk__claims cl;
    ozk__claims_init(&cl, p->nvars);
    ozk_fr *xt = malloc(((size_t)1 << p->lv_x) * sizeof *xt);
    ozk_fr *yt = malloc(((size_t)1 << p->lv_y) * sizeof *yt);
    ozk_batch_proof *bp = malloc(sizeof *bp);
    ozk_pcs_proof *pcs = malloc(sizeof *pcs);
    ozk_batch_final *fin = malloc(sizeof *fin);
    ozk_batch_claim *bc = NULL;
    if (!xt || !yt || !bp || !pcs || !fin) goto out;
    ozk__public_table(xt, p->lv_x, x, p->n_in, 0);
    ozk__public_table(yt, p->lv_y, y, p->n_out, int32);

    ozk_transcript t;
    ozk_transcript_init(&t, OZK__TRANSCRIPT_DOMAIN);
    ozk__absorb_statement(&t, vk, x, xlen, y, ylen);
    ozk_g1 comm[1 + OZK__MAX_WPOLYS];
    uint32_t np = 1 + p->nwpolys;
    if (!ozk_g1_from_bytes(&comm[0], proof)) {
        rc = ozk__fail(err, errlen, OZK_EINVAL, "malformed proof: C_A is not a point on the curve");
        goto out;
    }
    memcpy(comm + 1, vk->cw, p->nwpolys * sizeof *comm);
    ozk_transcript_absorb_g1(&t, &comm[0]);
    ozk__verifier vc = { p, &t, proof + OZK_G1_BYTES, &cl, xt, yt, err, errlen };

    for (uint32_t j = p->nlayers; j-- > 0;) {
        ozk_fr pt[OZK_SUMCHECK_MAX_VARS], A;
        if ((rc = ozk__requant_verify(&vc, j, pt, &A)) != 1) goto out;
        if ((rc = ozk__accum_verify(&vc, j, pt, &A)) != 1) goto out;
    }
    if ((rc = ozk__range_verify(&vc)) != 1) goto out;

    rc = OZK_ENOMEM;
    if (!(bc = malloc(cl.n * sizeof *bc))) goto out;
    ozk__claims_view(bc, &cl);
    size_t n = ozk_batch_proof_size(p->nvars, np);
    rc = OZK_EINVAL;
    if (!ozk_batch_proof_decode(bp, p->nvars, np, vc.in, n)) goto out;
    vc.in += n;
    n = ozk_pcs_proof_size(p->nvars);
    if (!ozk_pcs_proof_decode(pcs, p->nvars, vc.in, n)) goto out;
    vc.in += n;
    if (!ozk_batch_verify(fin, &t, np, p->nvars, bc, cl.n, bp)) {
        rc = ozk__fail(err, errlen, 0, "claim batching fails");
        goto out;
    }
    ozk_pcs_vk pv = { vk->g2[0], vk->g2[1] };
    if (!ozk_batch_verify_opening(&t, &pv, comm, fin, pcs)) {
        rc = ozk__fail(err, errlen, 0, "the opening of the commitments fails (pairing check)");
        goto out;
    }
    rc = 1;
out:
    if (rc == OZK_EINVAL && errlen && strncmp(err, "malformed", 9) != 0)
        ozk__fail(err, errlen, rc, "malformed proof: a non-canonical field element or point");
    if (rc == OZK_ENOMEM) ozk__fail(err, errlen, rc, "out of memory");
    ozk__claims_free(&cl);
    free(xt);
    free(yt);
    free(bp);
    free(pcs);
    free(fin);
    free(bc);
    return rc;
}
