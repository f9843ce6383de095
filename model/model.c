/*
 * model/model.c: the quantized model's structural rules and requantization preconditions
 * (docs/quantization.md, "Preconditions" and "Structure"), and its small accessors.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "ozk/error.h"
#include "ozk/field.h"

void ozk__errf(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

const char *ozk__kind_name(uint32_t kind)
{
    switch (kind) {
    case OZK_LAYER_DENSE:
        return "dense";
    case OZK_LAYER_ADD:
        return "add";
    case OZK_LAYER_RELU:
        return "relu";
    default:
        return "?";
    }
}

void ozk_model_free(ozk_model *m)
{
    if (!m) return;
    for (size_t k = 0; k < m->n_layers; k++) free(m->layers[k].w), free(m->layers[k].b);
    free(m->layers);
    free(m);
}

uint32_t ozk_model_tensor_len(const ozk_model *m, uint32_t id)
{
    if (id == 0) return m->n_in;
    return id <= m->n_layers ? m->layers[id - 1].n_out : 0;
}

uint64_t ozk_model_param_count(const ozk_model *m)
{
    uint64_t n = 0;
    for (size_t k = 0; k < m->n_layers; k++) {
        const ozk_layer *l = &m->layers[k];
        if (l->kind == OZK_LAYER_DENSE) n += (uint64_t)l->n_out * l->n_in + l->n_out;
        if (l->kind == OZK_LAYER_ADD) n += 2;
    }
    return n;
}

uint32_t ozk__tensor_radius(const ozk_model *m, uint32_t id)
{
    if (id == 0) return 128;
    const ozk_layer *l = &m->layers[id - 1];
    uint32_t a = (uint32_t)(l->L < 0 ? -(int64_t)l->L : l->L);
    uint32_t b = (uint32_t)(l->H < 0 ? -(int64_t)l->H : l->H);
    return a > b ? a : b;
}

static uint64_t abs64(int64_t v)
{
    return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

uint64_t ozk__acc_bound(const ozk_model *m, size_t j)
{
    const ozk_layer *l = &m->layers[j];
    uint64_t r0 = ozk__tensor_radius(m, l->in[0]);
    switch (l->kind) {
    case OZK_LAYER_DENSE: {
        /* max over rows of sum_i |w| r0 + |b|: at most 2^28 * 127 * 128 + 2^31 < 2^64 */
        uint64_t best = 0;
        for (uint32_t o = 0; o < l->n_out; o++) {
            const int8_t *w = l->w + (size_t)o * l->n_in;
            uint64_t s = 0;
            for (uint32_t i = 0; i < l->n_in; i++) s += (uint64_t)(w[i] < 0 ? -w[i] : w[i]);
            s = s * r0 + abs64(l->b[o]);
            if (s > best) best = s;
        }
        return best;
    }
    case OZK_LAYER_ADD:
        return abs64(l->ka) * r0 + abs64(l->kb) * ozk__tensor_radius(m, l->in[1]);
    default:
        return r0;
    }
}

/* 1 if v * 2^s < r (BN254's scalar field order), for v < 2^64 and s < 192. */
static int shifted_below_r(uint64_t v, uint32_t s)
{
    uint64_t x[4] = { 0, 0, 0, 0 };
    uint32_t limb = s / 64, bit = s % 64;
    x[limb] = v << bit;
    if (bit && limb + 1 < 4) x[limb + 1] = v >> (64 - bit);
    for (int k = 3; k >= 0; k--)
        if (x[k] != ozk_fr_modulus[k]) return x[k] < ozk_fr_modulus[k];
    return 0;
}

const char *ozk__requant_check(int64_t M, uint32_t s, int32_t L, int32_t H, uint64_t acc_bound)
{
    if (s < 1) return "s >= 1 fails (s = 0)";
    if (s > 62) return "s > 62: the engine computes acc*M + 2^(s-1) in int64";
    if (L >= H) return "L < H fails";
    if (L < -128 || H > 127) return "[L, H] must lie in the int8 range [-128, 127]";
    if ((int64_t)H - L >= 65536) return "H - L < 2^16 fails";
    if (M == 0) return "M != 0 fails";
    if (M < 0 || M >= ((int64_t)1 << 32)) return "M must lie in [1, 2^32)";
    if (!shifted_below_r((uint64_t)((int64_t)H - L) + ((uint64_t)1 << 33), s))
        return "2^s (H - L + 2^33) < r fails";
    if (acc_bound > 0x7fffffffu) return "the accumulator may leave int32 (|acc| > 2^31 - 1)";
    uint64_t am = acc_bound * (uint64_t)M; /* < 2^31 * 2^32 */
    if (s + 31 < 64 && am >= (uint64_t)1 << (s + 31)) return "|acc| * M < 2^(s+31) fails";
    if (am + ((uint64_t)1 << (s - 1)) > (uint64_t)INT64_MAX)
        return "acc*M + 2^(s-1) may overflow int64";
    return NULL;
}

static int bad(char *err, size_t errlen, const ozk_model *m, size_t j, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static int bad(char *err, size_t errlen, const ozk_model *m, size_t j, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const ozk_layer *l = &m->layers[j];
    ozk__errf(err, errlen, "layer %zu ('%.*s', %s): %s", j, (int)sizeof l->name, l->name,
              ozk__kind_name(l->kind), msg);
    return OZK_EINVAL;
}

static int check_shape(const uint32_t *dims, uint32_t ndim, uint32_t n)
{
    if (ndim < 1 || ndim > OZK_MODEL_MAX_DIMS || n < 1 || n > OZK_MODEL_MAX_LEN) return 0;
    uint64_t p = 1;
    for (uint32_t k = 0; k < ndim; k++) {
        if (dims[k] < 1 || dims[k] > OZK_MODEL_MAX_LEN) return 0;
        p *= dims[k];
        if (p > OZK_MODEL_MAX_LEN) return 0;
    }
    return p == n;
}

static int good_scale(double s)
{
    return isfinite(s) && s > 0;
}

int ozk_model_validate(const ozk_model *m, char *err, size_t errlen)
{
    if (m->n_layers < 1 || m->n_layers > OZK_MODEL_MAX_LAYERS || !m->layers) {
        ozk__errf(err, errlen, "the model has %zu layers; 1 to %d are allowed", m->n_layers,
                  OZK_MODEL_MAX_LAYERS);
        return OZK_EINVAL;
    }
    if (!check_shape(m->in_dims, m->in_ndim, m->n_in) || !good_scale(m->in_scale)) {
        ozk__errf(err, errlen, "the input's shape or scale is invalid");
        return OZK_EINVAL;
    }
    if (!check_shape(m->out_dims, m->out_ndim, m->n_out) || !good_scale(m->out_scale) ||
        (m->out_dtype != OZK_DTYPE_INT8 && m->out_dtype != OZK_DTYPE_INT32)) {
        ozk__errf(err, errlen, "the output's shape, dtype or scale is invalid");
        return OZK_EINVAL;
    }
    size_t n = m->n_layers;
    uint8_t *used = calloc(n + 1, 1);
    if (!used) {
        ozk__errf(err, errlen, "out of memory");
        return OZK_ENOMEM;
    }
    int rc = 0;
    for (size_t j = 0; j < n && !rc; j++) {
        const ozk_layer *l = &m->layers[j];
        int last = j + 1 == n;
        if (!memchr(l->name, 0, sizeof l->name)) {
            rc = bad(err, errlen, m, j, "the name is not NUL-terminated");
            break;
        }
        if (l->kind < OZK_LAYER_DENSE || l->kind > OZK_LAYER_RELU) {
            rc = bad(err, errlen, m, j, "unknown kind %u", l->kind);
            break;
        }
        if (l->n_in < 1 || l->n_in > OZK_MODEL_MAX_LEN || l->n_out < 1 ||
            l->n_out > OZK_MODEL_MAX_LEN) {
            rc = bad(err, errlen, m, j, "sizes %u -> %u out of range", l->n_in, l->n_out);
            break;
        }
        int two = l->kind == OZK_LAYER_ADD;
        if (l->in[0] > j || (two ? l->in[1] > j : l->in[1] != UINT32_MAX)) {
            rc = bad(err, errlen, m, j, "reads a tensor that does not exist before it");
            break;
        }
        used[l->in[0]] = 1;
        if (two) used[l->in[1]] = 1;
        if (l->n_in != ozk_model_tensor_len(m, l->in[0]) ||
            (two && l->n_in != ozk_model_tensor_len(m, l->in[1])) ||
            (l->kind != OZK_LAYER_DENSE && l->n_in != l->n_out)) {
            rc = bad(err, errlen, m, j, "mismatched sizes: reads %u values from tensors of %u",
                     l->n_in, ozk_model_tensor_len(m, l->in[0]));
            break;
        }
        if (l->kind == OZK_LAYER_DENSE ? !l->w || !l->b || l->ka || l->kb : l->w || l->b) {
            rc = bad(err, errlen, m, j, "weights do not match the kind");
            break;
        }
        if (l->kind != OZK_LAYER_ADD && (l->ka || l->kb)) {
            rc = bad(err, errlen, m, j, "ka, kb must be 0 outside add layers");
            break;
        }
        if (l->kind == OZK_LAYER_DENSE) {
            size_t nw = (size_t)l->n_out * l->n_in;
            for (size_t k = 0; k < nw; k++)
                if (l->w[k] == -128) {
                    rc =
                        bad(err, errlen, m, j, "weight %zu is -128; weights lie in [-127, 127]", k);
                    break;
                }
            if (rc) break;
        }
        if (!good_scale(l->scale)) {
            rc = bad(err, errlen, m, j, "the output scale is not a positive finite number");
            break;
        }
        uint64_t bound = ozk__acc_bound(m, j);
        if (bound != l->acc_bound) {
            rc = bad(err, errlen, m, j,
                     "the recorded accumulator bound %llu differs from the weights' %llu",
                     (unsigned long long)l->acc_bound, (unsigned long long)bound);
            break;
        }
        if (l->requant > 1 || (!l->requant && (!last || l->kind == OZK_LAYER_RELU))) {
            rc = bad(err, errlen, m, j,
                     "only a last dense or add layer may skip requantization (int32 output)");
            break;
        }
        if (!l->requant) {
            if (l->M || l->s || l->L || l->H) {
                rc = bad(err, errlen, m, j, "M, s, L, H must be 0 without requantization");
                break;
            }
            if (bound > 0x7fffffffu) {
                rc = bad(err, errlen, m, j, "the accumulator may leave int32 (|acc| <= %llu)",
                         (unsigned long long)bound);
                rc = OZK_ERANGE;
            }
            continue;
        }
        const char *why = ozk__requant_check(l->M, l->s, l->L, l->H, bound);
        if (why) {
            bad(err, errlen, m, j,
                "precondition %s (M = %lld, s = %u, L = %d, H = %d, |acc| <= %llu)", why,
                (long long)l->M, l->s, l->L, l->H, (unsigned long long)bound);
            rc = OZK_ERANGE;
        }
    }
    for (size_t t = 0; t < n && !rc; t++)
        if (!used[t]) {
            if (t == 0)
                ozk__errf(err, errlen, "no layer reads the model's input");
            else
                bad(err, errlen, m, t - 1, "no later layer reads its output");
            rc = OZK_EINVAL;
        }
    free(used);
    if (rc) return rc;
    const ozk_layer *last = &m->layers[n - 1];
    if (last->n_out != m->n_out ||
        m->out_dtype != (last->requant ? OZK_DTYPE_INT8 : OZK_DTYPE_INT32) ||
        memcmp(&m->out_scale, &last->scale, sizeof m->out_scale)) {
        ozk__errf(err, errlen, "the output's size, dtype or scale differs from the last layer's");
        return OZK_EINVAL;
    }
    return 0;
}
