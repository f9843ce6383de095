/*
 * verifier/plan.c: the plan of a model (docs/protocol.md section 8) and the steps of the proof
 * that the prover and the verifier share: layouts, claims, the statement message, the
 * requantization combiner and the lookup column's evaluation.
 *
 * Layout rule (P_W, P_A, the lookup column): segments of 2^e entries in list order, stably
 * sorted by e descending, placed back to back, so that each offset is a multiple of its size;
 * the polynomial is the smallest power of two (at least 2) that holds them.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ozk/error.h"
#include "ozk/keccak.h"
#include "ozk/logup.h"
#include "ozk/mle.h"
#include "ozk/pcs.h"
#include "../model/internal.h"
#include "proof_internal.h"

int ozk__fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
    if (errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* max(1, ceil(log2 n)) */
static uint32_t lv_of(uint64_t n)
{
    uint32_t v = 1;
    while (((uint64_t)1 << v) < n) v++;
    return v;
}

static uint32_t bitlen(uint64_t v)
{
    uint32_t b = 0;
    while (v) {
        b++;
        v >>= 1;
    }
    return b;
}

/* floor(v / 2^s) for a signed 128-bit v */
int64_t ozk__floor_shift(int64_t v, uint32_t s)
{
    return v >= 0 ? (int64_t)((uint64_t)v >> s)
                  : -(int64_t)((-(uint64_t)v + ((uint64_t)1 << s) - 1) >> s);
}

/* The largest u or d a layer can need: max(qmax - H, L - qmin, 0). */
static uint64_t ud_max(const ozk__plan_layer *l)
{
    /* acc_bound M + 2^(s-1) <= 2^63 - 1 (a precondition checked before) */
    int64_t am = (int64_t)l->acc_bound * l->M, half = (int64_t)1 << (l->s - 1);
    int64_t qmax = ozk__floor_shift(am + half, l->s), qmin = ozk__floor_shift(-am + half, l->s);
    int64_t u = qmax - l->H, d = l->L - qmin, mx = 0;
    if (u > mx) mx = u;
    if (d > mx) mx = d;
    return (uint64_t)mx;
}

static uint32_t ceil_div(uint32_t a, uint32_t b)
{
    return (a + b - 1) / b;
}

/* Lookups of a requantizing layer per output entry, for table bits k. */
static uint64_t lookups_per_entry(const ozk__plan_layer *l, uint32_t k, uint32_t ud)
{
    uint32_t rl = ceil_div(l->s, k);
    return 2 * (uint64_t)l->ycommit + 2 * (uint64_t)ud + rl + (l->s % k != 0);
}

/* ---- layouts -------------------------------------------------------------------------------- */

/* Places n segments of 2^lv[i] entries (see the header comment); writes off[i] and returns the
 * number of variables of the whole (>= 1). */
static uint32_t layout(uint64_t *off, const uint32_t *lv, size_t n)
{
    uint64_t pos = 0;
    for (uint32_t e = 64; e-- > 0;)
        for (size_t i = 0; i < n; i++)
            if (lv[i] == e) {
                off[i] = pos;
                pos += (uint64_t)1 << e;
            }
    return lv_of(pos);
}

/* Packs n segments of 2^lv[i] entries into polynomials of 2^nv entries: in the layout order
 * (sizes descending), each into the current polynomial if it fits, else into a new one.
 * Powers of two in descending order keep every offset aligned, and this packing uses the fewest
 * polynomials. Writes poly[i] (1-based) and off[i]; returns the number of polynomials. */
static uint32_t bins(uint32_t *poly, uint64_t *off, const uint32_t *lv, size_t n, uint32_t nv)
{
    uint64_t pos = 0, cap = (uint64_t)1 << nv;
    uint32_t b = 1;
    for (uint32_t e = 64; e-- > 0;)
        for (size_t i = 0; i < n; i++)
            if (lv[i] == e) {
                if (pos + ((uint64_t)1 << e) > cap) {
                    b++;
                    pos = 0;
                }
                poly[i] = b;
                off[i] = pos;
                pos += (uint64_t)1 << e;
            }
    return b;
}

void ozk__plan_free(ozk__plan *p)
{
    if (!p) return;
    free(p->layers);
    free(p->cols);
    free(p->lookups);
    p->layers = NULL;
    p->cols = NULL;
    p->lookups = NULL;
}

static uint32_t tensor_len(const ozk__plan *p, uint32_t t)
{
    return t == 0 ? p->n_in : p->layers[t - 1].n_out;
}

/* The largest |value| of int8 tensor t: 128 for the input, max(|L|, |H|) of its producer. */
static uint64_t radius(const ozk__plan *p, uint32_t t)
{
    if (t == 0) return 128;
    const ozk__plan_layer *l = &p->layers[t - 1];
    return (uint64_t)(llabs(l->L) > llabs(l->H) ? llabs(l->L) : llabs(l->H));
}

static int finite_pos(double v)
{
    return isfinite(v) && v > 0;
}

int ozk__plan_derive(ozk__plan *p, char *err, size_t errlen)
{
    free(p->cols);
    free(p->lookups);
    p->cols = NULL;
    p->lookups = NULL;
    if (p->nlayers < 1 || p->nlayers > OZK_MODEL_MAX_LAYERS)
        return ozk__fail(err, errlen, OZK_EINVAL, "plan: %u layers", p->nlayers);
    if (p->n_in < 1 || p->n_in > OZK_MODEL_MAX_LEN || p->n_out < 1 || p->n_out > OZK_MODEL_MAX_LEN)
        return ozk__fail(err, errlen, OZK_EINVAL, "plan: input or output length out of range");
    if (p->k < OZK__K_MIN || p->k > OZK__K_MAX)
        return ozk__fail(err, errlen, OZK_EINVAL, "plan: table bits k = %u outside [%d, %d]", p->k,
                         OZK__K_MIN, OZK__K_MAX);
    if (!finite_pos(p->in_scale) || !finite_pos(p->out_scale))
        return ozk__fail(err, errlen, OZK_EINVAL, "plan: a scale is not a positive finite number");
    uint32_t k = p->k, ncols = 0, nlk = 0;
    for (uint32_t j = 0; j < p->nlayers; j++) {
        ozk__plan_layer *l = &p->layers[j];
        int last = j + 1 == p->nlayers;
        if (l->n_in < 1 || l->n_in > OZK_MODEL_MAX_LEN || l->n_out < 1 ||
            l->n_out > OZK_MODEL_MAX_LEN)
            return ozk__fail(err, errlen, OZK_EINVAL, "plan: layer %u: length out of range", j);
        if (l->in0 > j || (l->kind == OZK_LAYER_ADD ? l->in1 > j : l->in1 != UINT32_MAX))
            return ozk__fail(err, errlen, OZK_EINVAL, "plan: layer %u reads a later tensor", j);
        if (l->in0 != 0 && !p->layers[l->in0 - 1].requant)
            return ozk__fail(err, errlen, OZK_EINVAL, "plan: layer %u reads an int32 tensor", j);
        if (l->kind == OZK_LAYER_ADD && l->in1 != 0 && !p->layers[l->in1 - 1].requant)
            return ozk__fail(err, errlen, OZK_EINVAL, "plan: layer %u reads an int32 tensor", j);
        switch (l->kind) {
        case OZK_LAYER_DENSE:
            if (l->n_in != tensor_len(p, l->in0) || l->ka || l->kb)
                return ozk__fail(err, errlen, OZK_EINVAL, "plan: dense layer %u is inconsistent",
                                 j);
            break;
        case OZK_LAYER_ADD:
            if (l->n_in != l->n_out || l->n_in != tensor_len(p, l->in0) ||
                l->n_in != tensor_len(p, l->in1))
                return ozk__fail(err, errlen, OZK_EINVAL, "plan: add layer %u is inconsistent", j);
            break;
        case OZK_LAYER_RELU:
            if (l->n_in != l->n_out || l->n_in != tensor_len(p, l->in0) || l->ka || l->kb ||
                !l->requant)
                return ozk__fail(err, errlen, OZK_EINVAL, "plan: relu layer %u is inconsistent", j);
            break;
        default:
            return ozk__fail(err, errlen, OZK_EINVAL, "plan: layer %u: unknown kind", j);
        }
        if (l->acc_bound > 0x7fffffffu)
            return ozk__fail(err, errlen, OZK_EINVAL, "plan: layer %u: acc bound above 2^31 - 1",
                             j);
        if (l->kind != OZK_LAYER_DENSE) { /* recomputable without the weights: must match */
            uint64_t b = l->kind == OZK_LAYER_ADD ? (uint64_t)llabs(l->ka) * radius(p, l->in0) +
                                                        (uint64_t)llabs(l->kb) * radius(p, l->in1)
                                                  : radius(p, l->in0);
            if (b != l->acc_bound)
                return ozk__fail(err, errlen, OZK_EINVAL, "plan: layer %u: wrong accumulator bound",
                                 j);
        }
        l->lv_out = lv_of(l->n_out);
        l->lv_in = l->kind == OZK_LAYER_DENSE ? lv_of(l->n_in) : l->lv_out;
        if (l->lv_in + l->lv_out > OZK_SRS_MAX_LOG_SIZE)
            return ozk__fail(err, errlen, OZK_ENOTSUP, "plan: layer %u is too large", j);
        l->ycommit = !last;
        if (!l->requant) {
            if (!last || l->M || l->s || l->L || l->H || l->ud_limbs)
                return ozk__fail(err, errlen, OZK_EINVAL,
                                 "plan: layer %u: only the last layer may skip requantization", j);
            l->r_limbs = l->r_top_bits = 0;
            l->ncols = 0;
            continue;
        }
        const char *why = ozk__requant_check(l->M, l->s, l->L, l->H, l->acc_bound);
        if (why) return ozk__fail(err, errlen, OZK_EINVAL, "plan: layer %u: %s", j, why);
        if (l->L > 0 || l->H < 0)
            return ozk__fail(err, errlen, OZK_ENOTSUP,
                             "plan: layer %u: the prover needs L <= 0 <= H (zero pads)", j);
        if ((int64_t)l->H - l->L >= ((int64_t)1 << k))
            return ozk__fail(err, errlen, OZK_EINVAL, "plan: layer %u: H - L >= 2^k", j);
        /* (ud_limbs > 48 / k first: the product must not wrap for a hostile vk) */
        if (l->ud_limbs < 1 || l->ud_limbs > 48 / k || l->s + l->ud_limbs * k + 2 > 253)
            return ozk__fail(err, errlen, OZK_EINVAL, "plan: layer %u: bad limb count", j);
        l->r_limbs = ceil_div(l->s, k);
        l->r_top_bits = l->s - k * (l->r_limbs - 1);
        l->ncols = l->ycommit + 2 * l->ud_limbs + l->r_limbs;
        ncols += l->ncols;
        nlk += (uint32_t)lookups_per_entry(l, k, l->ud_limbs);
    }
    const ozk__plan_layer *lastl = &p->layers[p->nlayers - 1];
    if (p->n_out != lastl->n_out)
        return ozk__fail(err, errlen, OZK_EINVAL,
                         "plan: output length differs from the last layer");
    if (lastl->requant) {
        if (p->out_dtype != OZK_DTYPE_INT8 || p->out_lo != lastl->L || p->out_hi != lastl->H)
            return ozk__fail(err, errlen, OZK_EINVAL, "plan: output type or range is inconsistent");
    } else if (p->out_dtype != OZK_DTYPE_INT32 || p->out_lo != -(int64_t)lastl->acc_bound ||
               p->out_hi != (int64_t)lastl->acc_bound) {
        return ozk__fail(err, errlen, OZK_EINVAL, "plan: output type or range is inconsistent");
    }
    for (uint32_t j = 0; j < p->nlayers; j++) /* the last layer's output is read by no layer */
        if (p->layers[j].in0 == p->nlayers ||
            (p->layers[j].kind == OZK_LAYER_ADD && p->layers[j].in1 == p->nlayers))
            return ozk__fail(err, errlen, OZK_EINVAL, "plan: a layer reads the output");
    p->lv_x = lv_of(p->n_in);
    p->lv_y = lastl->lv_out;

    size_t nseg = 0;
    for (uint32_t j = 0; j < p->nlayers; j++) nseg += p->layers[j].kind == OZK_LAYER_DENSE ? 2 : 0;
    size_t cap = (nseg > ncols + 1 ? nseg : ncols + 1) + nlk + 1;
    uint32_t *lv = malloc(cap * sizeof *lv);
    uint64_t *off = malloc(cap * sizeof *off);
    p->cols = calloc(ncols ? ncols : 1, sizeof *p->cols);
    p->lookups = calloc(nlk ? nlk : 1, sizeof *p->lookups);
    if (!lv || !off || !p->cols || !p->lookups) {
        free(lv);
        free(off);
        return OZK_ENOMEM;
    }
    /* P_A: the columns of each requantizing layer, then mult */
    uint32_t c = 0;
    for (uint32_t j = 0; j < p->nlayers; j++) {
        ozk__plan_layer *l = &p->layers[j];
        l->col0 = c;
        if (!l->requant) continue;
        for (uint32_t i = 0; i < l->ncols; i++) {
            ozk__plan_col *col = &p->cols[c + i];
            uint32_t i2 = i - l->ycommit;
            col->layer = j;
            col->lv = l->lv_out;
            if (l->ycommit && i == 0) {
                col->role = OZK__COL_Y;
                col->limb = 0;
            } else if (i2 < l->ud_limbs) {
                col->role = OZK__COL_U;
                col->limb = i2;
            } else if (i2 < 2 * l->ud_limbs) {
                col->role = OZK__COL_D;
                col->limb = i2 - l->ud_limbs;
            } else {
                col->role = OZK__COL_R;
                col->limb = i2 - 2 * l->ud_limbs;
            }
        }
        c += l->ncols;
    }
    p->ncols = ncols;
    for (uint32_t i = 0; i < ncols; i++) lv[i] = p->cols[i].lv;
    lv[ncols] = k;
    p->nvars_a = layout(off, lv, ncols + 1);
    for (uint32_t i = 0; i < ncols; i++) p->cols[i].off = off[i];
    p->mult_off = off[ncols];

    /* the lookup column */
    uint32_t n = 0;
    p->lookup_entries = 0;
    for (uint32_t i = 0; i < ncols; i++) {
        const ozk__plan_col *col = &p->cols[i];
        const ozk__plan_layer *l = &p->layers[col->layer];
        ozk__plan_lookup *lk = &p->lookups[n];
        lk->col = i;
        lk->lv = col->lv;
        if (col->role == OZK__COL_Y) {
            lk[0].sign = 1; /* y - L */
            lk[0].c = -(int64_t)l->L;
            lk[1] = lk[0];
            lk[1].sign = -1; /* H - y */
            lk[1].c = l->H;
            n += 2;
            continue;
        }
        lk->sign = 1;
        lk->c = 0;
        n++;
        if (col->role == OZK__COL_R && col->limb + 1 == l->r_limbs && l->r_top_bits < k) {
            lk[1] = lk[0]; /* the top limb from above: 2^bits - 1 - r_top */
            lk[1].sign = -1;
            lk[1].c = ((int64_t)1 << l->r_top_bits) - 1;
            n++;
        }
    }
    p->nlookups = n;
    for (uint32_t i = 0; i < n; i++) {
        lv[i] = p->lookups[i].lv;
        p->lookup_entries += (uint64_t)1 << lv[i];
    }
    p->m = n ? layout(off, lv, n) : 1;
    for (uint32_t i = 0; i < n; i++) p->lookups[i].off = off[i];

    /* P_W: W_j, b_j of every dense layer, in up to OZK__MAX_WPOLYS polynomials of 2^nvars */
    size_t s = 0;
    uint32_t *poly = malloc((nseg + 1) * sizeof *poly);
    if (!poly) {
        free(lv);
        free(off);
        return OZK_ENOMEM;
    }
    for (uint32_t j = 0; j < p->nlayers; j++) {
        const ozk__plan_layer *l = &p->layers[j];
        if (l->kind != OZK_LAYER_DENSE) continue;
        lv[s++] = l->lv_in + l->lv_out;
        lv[s++] = l->lv_out;
    }
    p->nvars = p->nvars_a;
    for (size_t i = 0; i < s; i++)
        if (lv[i] > p->nvars) p->nvars = lv[i];
    while (p->nvars <= OZK_SRS_MAX_LOG_SIZE && bins(poly, off, lv, s, p->nvars) > OZK__MAX_WPOLYS)
        p->nvars++;
    p->nwpolys = s ? bins(poly, off, lv, s, p->nvars) : 1;
    s = 0;
    for (uint32_t j = 0; j < p->nlayers; j++) {
        ozk__plan_layer *l = &p->layers[j];
        if (l->kind != OZK_LAYER_DENSE) continue;
        l->w_poly = poly[s];
        l->w_off = off[s++];
        l->b_poly = poly[s];
        l->b_off = off[s++];
    }
    free(poly);
    free(lv);
    free(off);
    if (p->nvars > OZK_SRS_MAX_LOG_SIZE || p->m > OZK_LOGUP_MAX_VARS)
        return ozk__fail(err, errlen, OZK_ENOTSUP, "plan: the model is too large (2^%u entries)",
                         p->nvars > p->m ? p->nvars : p->m);
    return 0;
}

int ozk__plan_from_model(ozk__plan *p, const ozk_model *m, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    p->layers = calloc(m->n_layers ? m->n_layers : 1, sizeof *p->layers);
    if (!p->layers) return OZK_ENOMEM;
    p->n_in = m->n_in;
    p->n_out = m->n_out;
    p->out_dtype = m->out_dtype;
    p->in_scale = m->in_scale;
    p->out_scale = m->out_scale;
    ozk_model_output_range(m, &p->out_lo, &p->out_hi);
    p->nlayers = (uint32_t)m->n_layers;
    for (size_t j = 0; j < m->n_layers; j++) {
        const ozk_layer *ml = &m->layers[j];
        ozk__plan_layer *l = &p->layers[j];
        l->kind = ml->kind;
        l->in0 = ml->in[0];
        l->in1 = ml->kind == OZK_LAYER_ADD ? ml->in[1] : UINT32_MAX;
        l->n_in = ml->n_in;
        l->n_out = ml->n_out;
        l->requant = ml->requant;
        l->M = ml->M;
        l->s = ml->s;
        l->L = ml->L;
        l->H = ml->H;
        l->ka = ml->kind == OZK_LAYER_ADD ? ml->ka : 0;
        l->kb = ml->kind == OZK_LAYER_ADD ? ml->kb : 0;
        l->acc_bound = ml->acc_bound;
        l->ycommit = j + 1 < m->n_layers;
    }
    /* k: the fewest lookup entries plus table entries (docs/protocol.md 8.2) */
    uint64_t best = UINT64_MAX;
    for (uint32_t k = OZK__K_MIN; k <= OZK__K_MAX; k++) {
        uint64_t total = 0;
        for (uint32_t j = 0; j < p->nlayers; j++) {
            const ozk__plan_layer *l = &p->layers[j];
            if (!l->requant) continue;
            uint32_t ud = ceil_div(bitlen(ud_max(l)) ? bitlen(ud_max(l)) : 1, k);
            total += ((uint64_t)1 << lv_of(l->n_out)) * lookups_per_entry(l, k, ud);
        }
        uint64_t cost = ((uint64_t)1 << lv_of(total)) + ((uint64_t)1 << k);
        if (cost < best) {
            best = cost;
            p->k = k;
        }
    }
    for (uint32_t j = 0; j < p->nlayers; j++) {
        ozk__plan_layer *l = &p->layers[j];
        if (!l->requant) continue;
        uint32_t bits = bitlen(ud_max(l));
        l->ud_limbs = ceil_div(bits ? bits : 1, p->k);
    }
    int rc = ozk__plan_derive(p, err, errlen);
    if (rc) ozk__plan_free(p);
    return rc;
}

/* ---- the stored fields ---------------------------------------------------------------------- */

#define LAYER_BYTES (6 * 4 + 8 + 4 + 4 * 4 + 8 + 4)

size_t ozk__plan_encoded_size(const ozk__plan *p)
{
    return 4 * 3 + 8 * 2 + 8 * 2 + 4 * 2 + (size_t)p->nlayers * LAYER_BYTES;
}

static uint8_t *put32(uint8_t *o, uint32_t v)
{
    for (int i = 0; i < 4; i++) o[i] = (uint8_t)(v >> (24 - 8 * i));
    return o + 4;
}

static uint8_t *put64(uint8_t *o, uint64_t v)
{
    for (int i = 0; i < 8; i++) o[i] = (uint8_t)(v >> (56 - 8 * i));
    return o + 8;
}

static uint64_t dbits(double d)
{
    uint64_t v;
    memcpy(&v, &d, 8);
    return v;
}

void ozk__plan_encode(uint8_t *o, const ozk__plan *p)
{
    o = put32(o, p->n_in);
    o = put32(o, p->n_out);
    o = put32(o, p->out_dtype);
    o = put64(o, dbits(p->in_scale));
    o = put64(o, dbits(p->out_scale));
    o = put64(o, (uint64_t)p->out_lo);
    o = put64(o, (uint64_t)p->out_hi);
    o = put32(o, p->k);
    o = put32(o, p->nlayers);
    for (uint32_t j = 0; j < p->nlayers; j++) {
        const ozk__plan_layer *l = &p->layers[j];
        o = put32(o, l->kind);
        o = put32(o, l->in0);
        o = put32(o, l->in1);
        o = put32(o, l->n_in);
        o = put32(o, l->n_out);
        o = put32(o, l->requant);
        o = put64(o, (uint64_t)l->M);
        o = put32(o, l->s);
        o = put32(o, (uint32_t)l->L);
        o = put32(o, (uint32_t)l->H);
        o = put32(o, (uint32_t)l->ka);
        o = put32(o, (uint32_t)l->kb);
        o = put64(o, l->acc_bound);
        o = put32(o, l->ud_limbs);
    }
}

/* ---- sizes and P_W -------------------------------------------------------------------------- */

size_t ozk__proof_size(const ozk__plan *p)
{
    size_t n = OZK_G1_BYTES; /* C_A */
    for (uint32_t j = 0; j < p->nlayers; j++) {
        const ozk__plan_layer *l = &p->layers[j];
        if (l->requant) n += ozk_sumcheck_proof_size(l->lv_out, 3) + 32 * (size_t)l->ncols;
        if (l->kind == OZK_LAYER_DENSE) n += 32 + ozk_sumcheck_proof_size(l->lv_in, 2) + 64;
        if (l->kind == OZK_LAYER_ADD) n += 64;
    }
    n += ozk_logup_proof_size(p->m, p->k) + 32 * (size_t)p->ncols;
    n += ozk_batch_proof_size(p->nvars, 1 + p->nwpolys) + ozk_pcs_proof_size(p->nvars);
    return n;
}

static void pw_fill(ozk_fr *const *pw, const ozk__plan *p, const ozk_model *m)
{
    for (uint32_t b = 0; b < p->nwpolys; b++)
        memset(pw[b], 0, ((size_t)1 << p->nvars) * sizeof *pw[b]);
    for (uint32_t j = 0; j < p->nlayers; j++) {
        const ozk__plan_layer *l = &p->layers[j];
        if (l->kind != OZK_LAYER_DENSE) continue;
        const ozk_layer *ml = &m->layers[j];
        size_t stride = (size_t)1 << l->lv_in;
        for (uint32_t o = 0; o < l->n_out; o++) {
            ozk_fr *row = pw[l->w_poly - 1] + l->w_off + o * stride;
            const int8_t *w = ml->w + (size_t)o * l->n_in;
            for (uint32_t i = 0; i < l->n_in; i++) ozk_fr_from_i64(&row[i], w[i]);
            ozk_fr_from_i64(&pw[l->b_poly - 1][l->b_off + o], ml->b[o]);
        }
    }
}

void ozk__pw_free(ozk_fr **pw)
{
    for (uint32_t i = 0; i < OZK__MAX_WPOLYS; i++) {
        free(pw[i]);
        pw[i] = NULL;
    }
}

int ozk__pw_new(ozk_fr **pw, const ozk__plan *p, const ozk_model *m)
{
    size_t n = (size_t)1 << p->nvars;
    for (uint32_t i = 0; i < OZK__MAX_WPOLYS; i++) pw[i] = NULL;
    for (uint32_t i = 0; i < p->nwpolys; i++)
        if (!(pw[i] = malloc(n * sizeof *pw[i]))) {
            ozk__pw_free(pw);
            return OZK_ENOMEM;
        }
    pw_fill(pw, p, m);
    return 0;
}

/* ---- claims --------------------------------------------------------------------------------- */

void ozk__claims_init(ozk__claims *c, uint32_t nvars)
{
    memset(c, 0, sizeof *c);
    c->nvars = nvars;
}

void ozk__claims_free(ozk__claims *c)
{
    free(c->poly);
    free(c->points);
    free(c->values);
    memset(c, 0, sizeof *c);
}

int ozk__claims_add(ozk__claims *c, uint32_t poly, uint32_t lv, uint64_t off, const ozk_fr *z,
                    const ozk_fr *v)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 32;
        uint32_t *pl = realloc(c->poly, cap * sizeof *pl);
        if (!pl) return OZK_ENOMEM;
        c->poly = pl;
        ozk_fr *pt = realloc(c->points, cap * c->nvars * sizeof *pt);
        if (!pt) return OZK_ENOMEM;
        c->points = pt;
        ozk_fr *vs = realloc(c->values, cap * sizeof *vs);
        if (!vs) return OZK_ENOMEM;
        c->values = vs;
        c->cap = cap;
    }
    ozk_fr *pt = c->points + c->n * c->nvars;
    memcpy(pt, z, lv * sizeof *pt);
    if (ozk_batch_segment_point(pt, c->nvars, pt, lv, off >> lv)) return OZK_EINVAL;
    c->poly[c->n] = poly;
    c->values[c->n] = *v;
    c->n++;
    return 0;
}

void ozk__claims_view(ozk_batch_claim *out, const ozk__claims *c)
{
    for (size_t i = 0; i < c->n; i++) {
        out[i].poly = c->poly[i];
        out[i].point = c->points + i * c->nvars;
        out[i].value = c->values[i];
    }
}

/* ---- transcript steps ----------------------------------------------------------------------- */

static void word(uint8_t out[32], uint64_t v)
{
    memset(out, 0, 32);
    for (int i = 0; i < 8; i++) out[31 - i] = (uint8_t)(v >> (8 * i));
}

void ozk__absorb_statement(ozk_transcript *t, const ozk_vk *vk, const uint8_t *x, size_t xlen,
                           const uint8_t *y, size_t ylen)
{
    /* one message: version (32) || vk hash (32) || len(x) (32) || x || len(y) (32) || y */
    ozk_keccak256_ctx ctx;
    uint8_t buf[32];
    ozk_keccak256_init(&ctx);
    ozk_keccak256_update(&ctx, t->s, 32);
    word(buf, OZK_PROTOCOL_VERSION);
    ozk_keccak256_update(&ctx, buf, 32);
    ozk_keccak256_update(&ctx, vk->hash, 32);
    word(buf, xlen);
    ozk_keccak256_update(&ctx, buf, 32);
    ozk_keccak256_update(&ctx, x, xlen);
    word(buf, ylen);
    ozk_keccak256_update(&ctx, buf, 32);
    ozk_keccak256_update(&ctx, y, ylen);
    ozk_keccak256_final(&ctx, t->s);
}

uint32_t ozk__tensor_col(const ozk__plan *p, uint32_t tensor)
{
    return tensor == 0 ? UINT32_MAX : p->layers[tensor - 1].col0;
}

void ozk__requant_terms(ozk_sumcheck_term terms[4], const ozk__plan_layer *l, const ozk_fr *beta)
{
    /* tables: 0 eq, 1 u, 2 d, 3 y */
    ozk_fr h, lo;
    memset(terms, 0, 4 * sizeof *terms);
    ozk_fr_from_i64(&h, l->H);
    ozk_fr_from_i64(&lo, l->L);
    ozk_fr_set_one(&terms[0].coeff);
    terms[0].nfactors = 3;
    terms[0].factors[0] = 0, terms[0].factors[1] = 1, terms[0].factors[2] = 3;
    ozk_fr_neg(&terms[1].coeff, &h);
    terms[1].nfactors = 2;
    terms[1].factors[0] = 0, terms[1].factors[1] = 1;
    terms[2].coeff = *beta;
    terms[2].nfactors = 3;
    terms[2].factors[0] = 0, terms[2].factors[1] = 2, terms[2].factors[2] = 3;
    ozk_fr_mul(&terms[3].coeff, beta, &lo);
    ozk_fr_neg(&terms[3].coeff, &terms[3].coeff);
    terms[3].nfactors = 2;
    terms[3].factors[0] = 0, terms[3].factors[1] = 2;
}

/* sum_i 2^(k i) v_i */
static void limbs_combine(ozk_fr *out, const ozk_fr *v, uint32_t n, uint32_t k)
{
    ozk_fr base, acc;
    ozk_fr_from_u64(&base, (uint64_t)1 << k);
    ozk_fr_set_zero(&acc);
    for (uint32_t i = n; i-- > 0;) {
        ozk_fr_mul(&acc, &acc, &base);
        ozk_fr_add(&acc, &acc, &v[i]);
    }
    *out = acc;
}

void ozk__requant_combine(ozk_fr *acc, ozk_fr *u, ozk_fr *d, const ozk__plan *p,
                          const ozk__plan_layer *l, const ozk_fr *vals, const ozk_fr *y)
{
    const ozk_fr *v = vals + l->ycommit;
    ozk_fr r, t, c, minv;
    limbs_combine(u, v, l->ud_limbs, p->k);
    limbs_combine(d, v + l->ud_limbs, l->ud_limbs, p->k);
    limbs_combine(&r, v + 2 * l->ud_limbs, l->r_limbs, p->k);
    /* acc = (2^s (y + u - d) + r - 2^(s-1)) / M */
    ozk_fr_add(&t, y, u);
    ozk_fr_sub(&t, &t, d);
    uint64_t e[4] = { l->s, 0, 0, 0 };
    ozk_fr_from_u64(&c, 2);
    ozk_fr_pow(&c, &c, e);
    ozk_fr_mul(&t, &t, &c);
    ozk_fr_add(&t, &t, &r);
    ozk_fr_from_u64(&c, (uint64_t)1 << (l->s - 1));
    ozk_fr_sub(&t, &t, &c);
    ozk_fr_from_u64(&minv, (uint64_t)l->M);
    ozk_fr_inv(&minv, &minv); /* M in [1, 2^32): nonzero */
    ozk_fr_mul(acc, &t, &minv);
}

void ozk__lookup_eval(ozk_fr *out, const ozk__plan *p, const ozk_fr *z, const ozk_fr *colvals)
{
    ozk_fr acc, seg, sel, one, c;
    ozk_fr_set_zero(&acc);
    ozk_fr_set_one(&one);
    for (uint32_t i = 0; i < p->nlookups; i++) {
        const ozk__plan_lookup *lk = &p->lookups[i];
        ozk_fr_from_i64(&c, lk->c);
        if (lk->sign > 0)
            ozk_fr_add(&seg, &c, &colvals[lk->col]);
        else
            ozk_fr_sub(&seg, &c, &colvals[lk->col]);
        /* eq(z[lv..m), bits of off / 2^lv) */
        ozk_fr_set_one(&sel);
        uint64_t s = lk->off >> lk->lv;
        for (uint32_t b = lk->lv; b < p->m; b++) {
            ozk_fr f;
            if (s >> (b - lk->lv) & 1)
                f = z[b];
            else
                ozk_fr_sub(&f, &one, &z[b]);
            ozk_fr_mul(&sel, &sel, &f);
        }
        ozk_fr_mul(&seg, &seg, &sel);
        ozk_fr_add(&acc, &acc, &seg);
    }
    *out = acc;
}

/* ---- public values and byte streams --------------------------------------------------------- */

int64_t ozk__public_value(const uint8_t *bytes, uint32_t i, int int32)
{
    if (!int32) return (int8_t)bytes[i];
    const uint8_t *b = bytes + 4 * (size_t)i;
    return (int32_t)((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3]);
}

void ozk__public_table(ozk_fr *out, uint32_t lv, const uint8_t *bytes, uint32_t n, int int32)
{
    size_t len = (size_t)1 << lv;
    for (size_t i = 0; i < len; i++) {
        if (i < n)
            ozk_fr_from_i64(&out[i], ozk__public_value(bytes, (uint32_t)i, int32));
        else
            ozk_fr_set_zero(&out[i]);
    }
}

void ozk__put_frs(uint8_t **o, const ozk_fr *v, size_t n)
{
    for (size_t i = 0; i < n; i++) ozk_fr_to_bytes(*o + 32 * i, &v[i]);
    *o += 32 * n;
}

int ozk__get_frs(const uint8_t **in, ozk_fr *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!ozk_fr_from_bytes(&v[i], *in + 32 * i)) return 0;
    *in += 32 * n;
    return 1;
}
