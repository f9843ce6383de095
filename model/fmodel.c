/*
 * model/fmodel.c: the float graph: its accessors and float (double) inference, the reference the
 * quantized model is calibrated on and measured against.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "ozk/error.h"

void ozk_fmodel_free(ozk_fmodel *f)
{
    if (!f) return;
    for (size_t k = 0; k < f->n_layers; k++) free(f->layers[k].w), free(f->layers[k].b);
    free(f->layers);
    free(f);
}

size_t ozk_fmodel_input_len(const ozk_fmodel *f)
{
    return f->n_in;
}

size_t ozk_fmodel_output_len(const ozk_fmodel *f)
{
    return f->n_out;
}

uint32_t ozk__ftensor_len(const ozk_fmodel *f, uint32_t id)
{
    return id == 0 ? f->n_in : f->layers[id - 1].n_out;
}

void ozk__fmodel_run(const ozk_fmodel *f, double *const *t, const double *in)
{
    memcpy(t[0], in, f->n_in * sizeof *in);
    for (size_t j = 0; j < f->n_layers; j++) {
        const ozk__flayer *l = &f->layers[j];
        double *y = t[j + 1];
        const double *x = t[l->in[0]];
        switch (l->kind) {
        case OZK_LAYER_DENSE:
            for (uint32_t o = 0; o < l->n_out; o++) {
                const double *w = l->w + (size_t)o * l->n_in;
                double acc = 0;
                for (uint32_t i = 0; i < l->n_in; i++) acc += w[i] * x[i];
                y[o] = acc + l->b[o];
            }
            break;
        case OZK_LAYER_ADD:
            for (uint32_t i = 0; i < l->n_out; i++) y[i] = x[i] + t[l->in[1]][i];
            break;
        default:
            memcpy(y, x, l->n_out * sizeof *y);
            break;
        }
        if (l->relu)
            for (uint32_t i = 0; i < l->n_out; i++)
                if (!(y[i] > 0)) y[i] = 0;
    }
}

int ozk_fmodel_eval(const ozk_fmodel *f, double *out, const double *in)
{
    size_t total = 0;
    for (size_t id = 0; id <= f->n_layers; id++) total += ozk__ftensor_len(f, (uint32_t)id);
    double *buf = malloc(total * sizeof *buf);
    double **t = malloc((f->n_layers + 1) * sizeof *t);
    if (!buf || !t) {
        free(buf);
        free(t);
        return OZK_ENOMEM;
    }
    for (size_t id = 0, off = 0; id <= f->n_layers; id++) {
        t[id] = buf + off;
        off += ozk__ftensor_len(f, (uint32_t)id);
    }
    ozk__fmodel_run(f, t, in);
    memcpy(out, t[f->n_layers], f->n_out * sizeof *out);
    free(buf);
    free(t);
    return 0;
}
