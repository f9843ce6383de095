/*
 * verifier/range.c: the range checks, the verifier (docs/protocol.md section 10). Mirrors
 * prover/range.c: LogUp-GKR, then w~(z) recomputed from the columns' values at the prefixes of
 * z (ozk__lookup_eval: each segment is c + sign column, weighted by eq of its offset bits).
 */
#include <stdlib.h>

#include "ozk/error.h"
#include "ozk/logup.h"
#include "proof_internal.h"

int ozk__range_verify(ozk__verifier *c)
{
    const ozk__plan *p = c->p;
    ozk_fr alpha, wv;
    ozk_transcript_challenge(c->t, &alpha);
    ozk_logup_proof *lp = malloc(sizeof *lp);
    ozk_logup_claims *lc = malloc(sizeof *lc);
    ozk_fr *vals = malloc((p->ncols + 1) * sizeof *vals);
    int rc = OZK_ENOMEM;
    if (!lp || !lc || !vals) goto out;
    size_t n = ozk_logup_proof_size(p->m, p->k);
    rc = OZK_EINVAL;
    if (!ozk_logup_proof_decode(lp, p->m, p->k, c->in, n)) goto out;
    c->in += n;
    if (!ozk_logup_verify(lc, c->t, p->m, p->k, &alpha, NULL, lp)) {
        rc = ozk__reject(c, "range checks: the LogUp-GKR argument fails");
        goto out;
    }
    if (!ozk__get_frs(&c->in, vals, p->ncols)) goto out;
    ozk_transcript_absorb_frs(c->t, vals, p->ncols);
    ozk__lookup_eval(&wv, p, lc->w_point, vals);
    if (!ozk_fr_eq(&wv, &lc->w_value)) {
        rc = ozk__reject(c, "range checks: the looked-up values do not match the columns");
        goto out;
    }
    for (uint32_t i = 0; i < p->ncols; i++)
        if ((rc = ozk__claims_add(c->cl, 0, p->cols[i].lv, p->cols[i].off, lc->w_point, &vals[i])))
            goto out;
    rc = ozk__claims_add(c->cl, 0, p->k, p->mult_off, lc->mult_point, &lc->mult_value);
    if (rc == 0) rc = 1;
out:
    free(lp);
    free(lc);
    free(vals);
    return rc;
}
