/*
 * prover/range.c: the range checks of every committed column, the prover (docs/protocol.md
 * section 10): LogUp-GKR (prover/logup.c) over the lookup column w, which is never committed:
 * its claim w~(z) is reduced to the columns' values at prefixes of z, which the prover sends.
 */
#include <stdlib.h>

#include "ozk/error.h"
#include "ozk/logup.h"
#include "ozk/mle.h"
#include "../verifier/proof_internal.h"

int ozk__range_prove(ozk__prover *c, const ozk_fr *w, const ozk_fr *wnum)
{
    const ozk__plan *p = c->p;
    ozk_fr alpha;
    ozk_transcript_challenge(c->t, &alpha);
    ozk_logup_proof *lp = malloc(sizeof *lp);
    ozk_logup_claims *lc = malloc(sizeof *lc);
    ozk_fr *vals = malloc((p->ncols + 1) * sizeof *vals);
    int rc = OZK_ENOMEM;
    if (!lp || !lc || !vals) goto out;
    rc = ozk__logup_prove_hooked(lp, lc, c->t, w, p->m, c->pa + p->mult_off, p->k, &alpha, NULL,
                                 wnum, 0);
    if (rc) goto out;
    ozk_logup_proof_encode(c->o, lp);
    c->o += ozk_logup_proof_size(p->m, p->k);
    for (uint32_t i = 0; i < p->ncols; i++)
        ozk_mle_eval(&vals[i], c->pa + p->cols[i].off, p->cols[i].lv, lc->w_point);
    ozk__put_frs(&c->o, vals, p->ncols);
    ozk_transcript_absorb_frs(c->t, vals, p->ncols);
    for (uint32_t i = 0; i < p->ncols; i++)
        if ((rc = ozk__claims_add(c->cl, 0, p->cols[i].lv, p->cols[i].off, lc->w_point, &vals[i])))
            goto out;
    rc = ozk__claims_add(c->cl, 0, p->k, p->mult_off, lc->mult_point, &lc->mult_value);
out:
    free(lp);
    free(lc);
    free(vals);
    return rc;
}
