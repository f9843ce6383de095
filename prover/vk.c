/*
 * prover/vk.c: ozk_vk_build, the verifying key of a model: its plan and the commitment C_W of
 * P_W (docs/protocol.md sections 8 and 12). The one MSM over every weight happens here, once per
 * model.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ozk/error.h"
#include "ozk/keccak.h"
#include "ozk/pcs.h"
#include "../verifier/proof_internal.h"

int ozk_vk_build(ozk_vk **out, const ozk_model *m, const ozk_srs *srs, unsigned threads, char *err,
                 size_t errlen)
{
    *out = NULL;
    ozk_vk *vk = calloc(1, sizeof *vk);
    if (!vk) return OZK_ENOMEM;
    int rc = ozk__plan_from_model(&vk->plan, m, err, errlen);
    if (rc) {
        free(vk);
        return rc;
    }
    if (vk->plan.nvars > srs->log_size) {
        ozk__fail(err, errlen, OZK_ERANGE,
                  "the SRS has 2^%u powers but this model's proofs need 2^%u (make a larger one "
                  "with ozk setup)",
                  srs->log_size, vk->plan.nvars);
        ozk_vk_free(vk);
        return OZK_ERANGE;
    }
    const ozk__plan *p = &vk->plan;
    size_t n = (size_t)1 << p->nvars;
    ozk_fr *pw[OZK__MAX_WPOLYS];
    if ((rc = ozk__pw_new(pw, p, m))) {
        ozk_vk_free(vk);
        return rc;
    }
    uint8_t cws[64 * OZK__MAX_WPOLYS];
    for (uint32_t i = 0; i < p->nwpolys; i++) {
        if ((rc = ozk_pcs_commit(&vk->cw[i], srs, pw[i], n, threads))) goto out;
        ozk_g1_to_bytes(cws + 64 * i, &vk->cw[i]);
    }
    ozk_keccak256(vk->cw_hash, cws, 64 * (size_t)p->nwpolys);
out:
    ozk__pw_free(pw);
    if (rc) {
        ozk_vk_free(vk);
        return rc;
    }
    memcpy(vk->model_hash, m->hash, 32);
    memcpy(vk->srs_id, srs->id, 32);
    vk->insecure = (uint32_t)srs->insecure;
    vk->srs_log = srs->log_size;
    vk->g2[0] = srs->g2[0];
    vk->g2[1] = srs->g2[1];
    uint8_t *buf;
    size_t len;
    if ((rc = ozk_vk_encode(&buf, &len, vk))) { /* sets nothing but the bytes; hash = last 32 */
        ozk_vk_free(vk);
        return rc;
    }
    memcpy(vk->hash, buf + len - 32, 32);
    free(buf);
    *out = vk;
    return 0;
}
