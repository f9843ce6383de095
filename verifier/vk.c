/*
 * verifier/vk.c: the verifying key file (docs/protocol.md section 12) and its accessors.
 *
 *   offset  bytes  field (integers big-endian)
 *   0       8      magic "OZKVK\0\0\1" (format version 1)
 *   8       4      protocol version (OZK_PROTOCOL_VERSION)
 *   12      32     model hash (keccak256 of the .ozkm file)
 *   44      32     SRS id
 *   76      4      insecure (1: a dev SRS)
 *   80      4      SRS log size
 *   84      256    [1]_2, [tau]_2 (EVM encoding)
 *   340     4      n, the number of P_W polynomials (1 .. 3; must match the plan)
 *   344     192    C_W,0 .. C_W,2 (EVM encoding; the slots from n on are zero)
 *   536     ...    the plan's stored fields (ozk__plan_encode)
 *   end-32  32     vk hash = keccak256 of every byte before it
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ozk/error.h"
#include "ozk/keccak.h"
#include "ozk/pcs.h"
#include "proof_internal.h"

static const uint8_t MAGIC[8] = { 'O', 'Z', 'K', 'V', 'K', 0, 0, 1 };
#define VK_HEAD 536

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get64(const uint8_t *p)
{
    return (uint64_t)get32(p) << 32 | get32(p + 4);
}

static void put32(uint8_t *o, uint32_t v)
{
    for (int i = 0; i < 4; i++) o[i] = (uint8_t)(v >> (24 - 8 * i));
}

void ozk_vk_free(ozk_vk *vk)
{
    if (!vk) return;
    ozk__plan_free(&vk->plan);
    free(vk);
}

int ozk_vk_encode(uint8_t **out, size_t *len, const ozk_vk *vk)
{
    size_t n = VK_HEAD + ozk__plan_encoded_size(&vk->plan) + 32;
    uint8_t *b = malloc(n);
    *out = NULL;
    if (!b) return OZK_ENOMEM;
    memcpy(b, MAGIC, 8);
    put32(b + 8, OZK_PROTOCOL_VERSION);
    memcpy(b + 12, vk->model_hash, 32);
    memcpy(b + 44, vk->srs_id, 32);
    put32(b + 76, vk->insecure);
    put32(b + 80, vk->srs_log);
    ozk_g2_to_bytes(b + 84, &vk->g2[0]);
    ozk_g2_to_bytes(b + 212, &vk->g2[1]);
    put32(b + 340, vk->plan.nwpolys);
    memset(b + 344, 0, 64 * OZK__MAX_WPOLYS);
    for (uint32_t i = 0; i < vk->plan.nwpolys; i++) ozk_g1_to_bytes(b + 344 + 64 * i, &vk->cw[i]);
    ozk__plan_encode(b + VK_HEAD, &vk->plan);
    ozk_keccak256(b + n - 32, b, n - 32);
    *out = b;
    *len = n;
    return 0;
}

static double get_double(const uint8_t *p)
{
    uint64_t v = get64(p);
    double d;
    memcpy(&d, &v, 8);
    return d;
}

int ozk_vk_decode(ozk_vk **out, const uint8_t *buf, size_t len, char *err, size_t errlen)
{
    *out = NULL;
    if (len < VK_HEAD + 52 + 64 + 32 || memcmp(buf, MAGIC, 7) != 0)
        return ozk__fail(err, errlen, OZK_EINVAL,
                         "not an ozk verifying key (bad magic or too short)");
    if (buf[7] != MAGIC[7] || get32(buf + 8) != OZK_PROTOCOL_VERSION)
        return ozk__fail(err, errlen, OZK_ENOTSUP,
                         "verifying key of another format or protocol version");
    uint8_t h[32];
    ozk_keccak256(h, buf, len - 32);
    if (memcmp(h, buf + len - 32, 32) != 0)
        return ozk__fail(err, errlen, OZK_EINVAL, "verifying key is corrupt (hash mismatch)");
    ozk_vk *vk = calloc(1, sizeof *vk);
    if (!vk) return OZK_ENOMEM;
    memcpy(vk->hash, h, 32);
    memcpy(vk->model_hash, buf + 12, 32);
    memcpy(vk->srs_id, buf + 44, 32);
    vk->insecure = get32(buf + 76);
    vk->srs_log = get32(buf + 80);
    int rc = OZK_EINVAL;
    const char *why = NULL;
    ozk_srs tmp;
    memset(&tmp, 0, sizeof tmp);
    uint8_t id[32];
    ozk_pcs_vk pv;
    if (vk->insecure > 1 || vk->srs_log > OZK_SRS_MAX_LOG_SIZE) {
        why = "verifying key: bad SRS fields";
        goto out;
    }
    if (!ozk_g2_from_bytes(&vk->g2[0], buf + 84) || !ozk_g2_from_bytes(&vk->g2[1], buf + 212)) {
        why = "verifying key: a G2 element is not a valid point";
        goto out;
    }
    pv.h = vk->g2[0];
    pv.tau_h = vk->g2[1];
    if (!ozk_pcs_vk_is_valid(&pv)) {
        why = "verifying key: the G2 elements cannot bind ([1]_2 wrong, or [tau]_2 trivial)";
        goto out;
    }
    tmp.log_size = vk->srs_log;
    tmp.insecure = (int)vk->insecure;
    tmp.g2[0] = vk->g2[0];
    tmp.g2[1] = vk->g2[1];
    ozk_srs_compute_id(id, &tmp);
    if (memcmp(id, vk->srs_id, 32) != 0) {
        why = "verifying key: the SRS id does not match its G2 elements";
        goto out;
    }
    /* the plan */
    const uint8_t *p = buf + VK_HEAD, *end = buf + len - 32;
    if (end - p < 52) {
        why = "verifying key: truncated plan";
        goto out;
    }
    ozk__plan *pl = &vk->plan;
    pl->n_in = get32(p);
    pl->n_out = get32(p + 4);
    pl->out_dtype = get32(p + 8);
    pl->in_scale = get_double(p + 12);
    pl->out_scale = get_double(p + 20);
    pl->out_lo = (int64_t)get64(p + 28);
    pl->out_hi = (int64_t)get64(p + 36);
    pl->k = get32(p + 44);
    pl->nlayers = get32(p + 48);
    p += 52;
    if (pl->nlayers < 1 || pl->nlayers > OZK_MODEL_MAX_LAYERS ||
        (size_t)(end - p) != (size_t)pl->nlayers * 64) {
        why = "verifying key: the plan's length does not match its layer count";
        goto out;
    }
    pl->layers = calloc(pl->nlayers, sizeof *pl->layers);
    if (!pl->layers) {
        rc = OZK_ENOMEM;
        goto out;
    }
    for (uint32_t j = 0; j < pl->nlayers; j++, p += 64) {
        ozk__plan_layer *l = &pl->layers[j];
        l->kind = get32(p);
        l->in0 = get32(p + 4);
        l->in1 = get32(p + 8);
        l->n_in = get32(p + 12);
        l->n_out = get32(p + 16);
        l->requant = get32(p + 20);
        l->M = (int64_t)get64(p + 24);
        l->s = get32(p + 32);
        l->L = (int32_t)get32(p + 36);
        l->H = (int32_t)get32(p + 40);
        l->ka = (int32_t)get32(p + 44);
        l->kb = (int32_t)get32(p + 48);
        l->acc_bound = get64(p + 52);
        l->ud_limbs = get32(p + 60);
        if (l->requant > 1) {
            why = "verifying key: bad requant flag";
            goto out;
        }
    }
    rc = ozk__plan_derive(pl, err, errlen);
    if (rc) goto out;
    uint32_t nw = get32(buf + 340);
    if (nw != pl->nwpolys) {
        why = "verifying key: the number of weight commitments does not match the plan";
        rc = OZK_EINVAL;
        goto out;
    }
    for (uint32_t i = 0; i < OZK__MAX_WPOLYS; i++) {
        static const uint8_t zero[64];
        if (i < nw ? !ozk_g1_from_bytes(&vk->cw[i], buf + 344 + 64 * i)
                   : memcmp(buf + 344 + 64 * i, zero, 64) != 0) {
            why = "verifying key: a weight commitment is not a point on the curve";
            rc = OZK_EINVAL;
            goto out;
        }
    }
    ozk_keccak256(vk->cw_hash, buf + 344, 64 * (size_t)nw);
    if (pl->nvars > vk->srs_log) {
        why = "verifying key: the SRS is smaller than the proof needs";
        rc = OZK_EINVAL;
        goto out;
    }
    *out = vk;
    return 0;
out:
    if (why) ozk__fail(err, errlen, rc, "%s", why);
    ozk_vk_free(vk);
    return rc;
}

const uint8_t *ozk_vk_hash(const ozk_vk *vk)
{
    return vk->hash;
}
const uint8_t *ozk_vk_model_hash(const ozk_vk *vk)
{
    return vk->model_hash;
}
const uint8_t *ozk_vk_srs_id(const ozk_vk *vk)
{
    return vk->srs_id;
}
int ozk_vk_insecure(const ozk_vk *vk)
{
    return (int)vk->insecure;
}
uint32_t ozk_vk_srs_log_size(const ozk_vk *vk)
{
    return vk->plan.nvars;
}
uint32_t ozk_vk_input_len(const ozk_vk *vk)
{
    return vk->plan.n_in;
}
uint32_t ozk_vk_output_len(const ozk_vk *vk)
{
    return vk->plan.n_out;
}
uint32_t ozk_vk_output_dtype(const ozk_vk *vk)
{
    return vk->plan.out_dtype;
}
double ozk_vk_input_scale(const ozk_vk *vk)
{
    return vk->plan.in_scale;
}
double ozk_vk_output_scale(const ozk_vk *vk)
{
    return vk->plan.out_scale;
}
size_t ozk_vk_input_bytes(const ozk_vk *vk)
{
    return vk->plan.n_in;
}
size_t ozk_vk_proof_size(const ozk_vk *vk)
{
    return ozk__proof_size(&vk->plan);
}

const uint8_t *ozk_vk_cw_hash(const ozk_vk *vk)
{
    return vk->cw_hash;
}

size_t ozk_vk_output_bytes(const ozk_vk *vk)
{
    return (size_t)vk->plan.n_out * (vk->plan.out_dtype == OZK_DTYPE_INT32 ? 4 : 1);
}

void ozk_vk_output_range(const ozk_vk *vk, int64_t *lo, int64_t *hi)
{
    *lo = vk->plan.out_lo;
    *hi = vk->plan.out_hi;
}

int ozk_vk_matches_model(const ozk_vk *vk, const ozk_model *m)
{
    if (memcmp(vk->model_hash, m->hash, 32) != 0) return 0;
    ozk__plan p;
    if (ozk__plan_from_model(&p, m, NULL, 0)) return 0;
    size_t n = ozk__plan_encoded_size(&p);
    int same = 0;
    if (n == ozk__plan_encoded_size(&vk->plan)) {
        uint8_t *a = malloc(n), *b = malloc(n);
        if (a && b) {
            ozk__plan_encode(a, &p);
            ozk__plan_encode(b, &vk->plan);
            same = memcmp(a, b, n) == 0;
        }
        free(a);
        free(b);
    }
    ozk__plan_free(&p);
    return same;
}
