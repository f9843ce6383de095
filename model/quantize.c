/*
 * model/quantize.c: float graph + calibration inputs -> quantized model (docs/quantization.md,
 * "How the compiler quantizes"). Everything here is the compiler's choice, recorded in the
 * model; what a client must reproduce bit for bit is the integer inference of the result.
 *
 * All arithmetic is IEEE-754 binary64 with exact library functions (floor, round, frexp, ldexp,
 * fabs), in a fixed order, so the same ONNX file and calibration data give the same .ozkm bytes
 * on every machine.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "ozk/error.h"

#define ACT_MAX 127.0   /* activations: scale = max|x| / 127 */
#define W_MAX   127.0   /* weights: symmetric [-127, 127] */
#define ADD_ONE 16384.0 /* 2^14: the add layer's unit for the input of larger scale */

static int fail_layer(char *err, size_t errlen, size_t j, const ozk__flayer *l, int code,
                      const char *why)
{
    ozk__errf(err, errlen, "layer %zu ('%s', %s from %s): %s", j, l->name, ozk__kind_name(l->kind),
              l->op, why);
    return code;
}

/* M / 2^s ~ m with M in [2^30, 2^31] when s allows, 1 <= s <= 62. Returns 0, or -1 when m is
 * too large for s >= 1 (M would need more than 32 bits). M may come out 0 for a tiny m: the
 * precondition check reports it. */
static int choose_multiplier(double m, int64_t *M, uint32_t *s)
{
    int e;
    frexp(m, &e); /* m = f 2^e, f in [0.5, 1) */
    int sh = 31 - e;
    if (sh > 62) sh = 62;
    if (sh < 1) return -1;
    double v = floor(ldexp(m, sh) + 0.5);
    if (v >= 4294967296.0) return -1;
    *M = (int64_t)v;
    *s = (uint32_t)sh;
    return 0;
}

int ozk_quantize(ozk_model **out, const ozk_fmodel *f, const double *calib, size_t n_samples,
                 char *err, size_t errlen)
{
    int rc = 0;
    size_t nt = f->n_layers + 1, total = 0;
    double *maxabs = NULL, *scale = NULL, *buf = NULL, **t = NULL;
    ozk_model *m = NULL;
    char why[256];
    *out = NULL;
    if (n_samples == 0) {
        ozk__errf(err, errlen, "no calibration inputs: give at least one");
        return OZK_EINVAL;
    }
    for (size_t k = 0; k < n_samples * f->n_in; k++)
        if (!isfinite(calib[k])) {
            ozk__errf(err, errlen, "calibration input %zu, element %zu is not a finite number",
                      k / f->n_in, k % f->n_in);
            return OZK_EINVAL;
        }
    for (size_t id = 0; id < nt; id++) total += ozk__ftensor_len(f, (uint32_t)id);
    maxabs = calloc(nt, sizeof *maxabs);
    scale = calloc(nt, sizeof *scale);
    buf = malloc(total * sizeof *buf);
    t = malloc(nt * sizeof *t);
    m = calloc(1, sizeof *m);
    if (!maxabs || !scale || !buf || !t || !m ||
        !(m->layers = calloc(f->n_layers, sizeof(ozk_layer)))) {
        ozk__errf(err, errlen, "out of memory while quantizing");
        rc = OZK_ENOMEM;
        goto fail;
    }
    m->n_layers = f->n_layers;
    for (size_t id = 0, off = 0; id < nt; id++) {
        t[id] = buf + off;
        off += ozk__ftensor_len(f, (uint32_t)id);
    }

    /* calibration: the largest magnitude of every tensor over every sample */
    for (size_t k = 0; k < n_samples; k++) {
        ozk__fmodel_run(f, t, calib + k * f->n_in);
        for (size_t id = 0; id < nt; id++) {
            uint32_t len = ozk__ftensor_len(f, (uint32_t)id);
            for (uint32_t i = 0; i < len; i++)
                if (fabs(t[id][i]) > maxabs[id]) maxabs[id] = fabs(t[id][i]);
        }
    }
    for (size_t id = 0; id < nt; id++) {
        if (!isfinite(maxabs[id])) {
            ozk__errf(err, errlen,
                      "the float model overflows on the calibration inputs (tensor %zu)", id);
            rc = OZK_ERANGE;
            goto fail;
        }
        scale[id] = (maxabs[id] > 0 ? maxabs[id] : 1.0) / ACT_MAX;
    }

    memcpy(m->onnx_hash, f->onnx_hash, 32);
    m->opset = f->opset;
    m->in_ndim = f->in_ndim, m->n_in = f->n_in;
    memcpy(m->in_dims, f->in_dims, sizeof m->in_dims);
    m->in_scale = scale[0];
    m->out_ndim = f->out_ndim, m->n_out = f->n_out;
    memcpy(m->out_dims, f->out_dims, sizeof m->out_dims);

    for (size_t j = 0; j < f->n_layers; j++) {
        const ozk__flayer *fl = &f->layers[j];
        ozk_layer *l = &m->layers[j];
        int last = j + 1 == f->n_layers;
        memcpy(l->name, fl->name, sizeof l->name);
        l->kind = fl->kind;
        l->in[0] = fl->in[0], l->in[1] = fl->in[1];
        l->n_in = fl->n_in, l->n_out = fl->n_out;
        double acc_scale; /* real value of one unit of acc */
        /* the scale of an input tensor is what its producer actually outputs (a standalone
         * ReLU keeps its input's scale, not the one calibration saw) */
        double s0 = fl->in[0] ? m->layers[fl->in[0] - 1].scale : m->in_scale;
        double s1 =
            fl->kind == OZK_LAYER_ADD && fl->in[1] ? m->layers[fl->in[1] - 1].scale : m->in_scale;
        if (fl->kind == OZK_LAYER_DENSE) {
            size_t nw = (size_t)fl->n_out * fl->n_in;
            double wmax = 0;
            for (size_t k = 0; k < nw; k++)
                if (fabs(fl->w[k]) > wmax) wmax = fabs(fl->w[k]);
            double sw = (wmax > 0 ? wmax : 1.0) / W_MAX;
            l->w = malloc(nw ? nw : 1);
            l->b = malloc(fl->n_out * sizeof *l->b);
            if (!l->w || !l->b) {
                ozk__errf(err, errlen, "out of memory while quantizing");
                rc = OZK_ENOMEM;
                goto fail;
            }
            for (size_t k = 0; k < nw; k++) {
                double q = round(fl->w[k] / sw); /* half away from zero; |q| <= 127 */
                l->w[k] = (int8_t)(q > W_MAX ? W_MAX : q < -W_MAX ? -W_MAX : q);
            }
            acc_scale = s0 * sw;
            for (uint32_t o = 0; o < fl->n_out; o++) {
                double q = round(fl->b[o] / acc_scale);
                if (!(fabs(q) <= 2147483647.0)) {
                    snprintf(why, sizeof why,
                             "bias %u (%g) does not fit int32 at the accumulator's scale %g", o,
                             fl->b[o], acc_scale);
                    rc = fail_layer(err, errlen, j, fl, OZK_ERANGE, why);
                    goto fail;
                }
                l->b[o] = (int32_t)q;
            }
        } else if (fl->kind == OZK_LAYER_ADD) {
            double sa = s0, sb = s1, smax = sa > sb ? sa : sb;
            double ka = round(sa / smax * ADD_ONE), kb = round(sb / smax * ADD_ONE);
            if (ka < 1 || kb < 1) {
                rc = fail_layer(err, errlen, j, fl, OZK_ERANGE,
                                "the scales of the two inputs differ by more than 2^15");
                goto fail;
            }
            l->ka = (int32_t)ka, l->kb = (int32_t)kb;
            acc_scale = smax / ADD_ONE;
        } else {
            acc_scale = s0;
        }
        l->acc_bound = ozk__acc_bound(m, j);
        if (l->acc_bound > 0x7fffffffu) {
            snprintf(why, sizeof why,
                     "precondition fails: the accumulator may reach %llu, beyond int32 (too many "
                     "inputs or too large a bias)",
                     (unsigned long long)l->acc_bound);
            rc = fail_layer(err, errlen, j, fl, OZK_ERANGE, why);
            goto fail;
        }
        if (last && !fl->relu) { /* the logits themselves: int32, no requantization */
            l->requant = 0;
            l->scale = acc_scale;
            continue;
        }
        l->requant = 1;
        l->L = fl->relu ? 0 : -128;
        l->H = 127;
        if (fl->kind == OZK_LAYER_RELU) { /* identity on the same scale: M / 2^s = 1 */
            l->M = 2, l->s = 1;
            l->scale = acc_scale;
        } else {
            l->scale = scale[j + 1];
            double mult = acc_scale / l->scale;
            if (choose_multiplier(mult, &l->M, &l->s) < 0) {
                snprintf(why, sizeof why,
                         "precondition s >= 1 fails: the multiplier %g (accumulator scale %g / "
                         "output scale %g) needs s < 1",
                         mult, acc_scale, l->scale);
                rc = fail_layer(err, errlen, j, fl, OZK_ERANGE, why);
                goto fail;
            }
        }
        const char *bad = ozk__requant_check(l->M, l->s, l->L, l->H, l->acc_bound);
        if (bad) {
            snprintf(why, sizeof why,
                     "precondition %s (M = %lld, s = %u, L = %d, H = %d, |acc| <= %llu)", bad,
                     (long long)l->M, l->s, l->L, l->H, (unsigned long long)l->acc_bound);
            rc = fail_layer(err, errlen, j, fl, OZK_ERANGE, why);
            goto fail;
        }
    }
    const ozk_layer *lastl = &m->layers[m->n_layers - 1];
    m->out_dtype = lastl->requant ? OZK_DTYPE_INT8 : OZK_DTYPE_INT32;
    m->out_scale = lastl->scale;
    if ((rc = ozk_model_validate(m, err, errlen)) < 0) goto fail;
    *out = m, m = NULL;
fail:
    ozk_model_free(m);
    free(maxabs);
    free(scale);
    free(buf);
    free(t);
    return rc;
}
