/* tests/model_testutil.c: see model_testutil.h. */
#include <stdio.h>
#include <stdlib.h>

#include "../model/internal.h"
#include "model_testutil.h"
#include "testutil.h"

ozk_model *test_model_build(uint32_t n_in, const test_layer_spec *sp, size_t nl, int wmax)
{
    ozk_model *m = calloc(1, sizeof *m);
    assert_non_null(m);
    m->in_ndim = 2;
    m->in_dims[0] = 1;
    m->in_dims[1] = n_in;
    m->n_in = n_in;
    m->in_scale = 1.0 / 64;
    m->n_layers = nl;
    m->layers = calloc(nl, sizeof *m->layers);
    assert_non_null(m->layers);
    for (size_t j = 0; j < nl; j++) {
        ozk_layer *l = &m->layers[j];
        l->kind = sp[j].kind;
        snprintf(l->name, sizeof l->name, "layer%zu", j);
        l->in[0] = sp[j].in0;
        l->in[1] = sp[j].kind == OZK_LAYER_ADD ? sp[j].in1 : UINT32_MAX;
        l->n_in = ozk_model_tensor_len(m, sp[j].in0);
        l->n_out = sp[j].kind == OZK_LAYER_DENSE ? sp[j].n_out : l->n_in;
        if (l->kind == OZK_LAYER_DENSE) {
            l->w = malloc((size_t)l->n_out * l->n_in);
            l->b = malloc(l->n_out * sizeof *l->b);
            for (size_t i = 0; i < (size_t)l->n_out * l->n_in; i++)
                l->w[i] = (int8_t)((int)test_rand_below(2 * (uint64_t)wmax + 1) - wmax);
            for (uint32_t o = 0; o < l->n_out; o++) l->b[o] = (int32_t)test_rand_below(2001) - 1000;
        } else if (l->kind == OZK_LAYER_ADD) {
            l->ka = 3;
            l->kb = -2;
        }
        l->requant = sp[j].requant;
        l->acc_bound = ozk__acc_bound(m, j);
        if (l->requant) {
            l->L = sp[j].L;
            l->H = sp[j].H;
            /* dense: map about acc_bound / 16 to 127 (M / 2^s = 16 * 127 / acc_bound), so that
             * random inputs saturate some outputs, which the cheating provers need; add, relu:
             * acc_bound to 127, so that they do not */
            l->s = 24;
            double f = l->kind == OZK_LAYER_DENSE ? 16.0 : 1.0;
            double target = f * 127 / (double)(l->acc_bound ? l->acc_bound : 1) * (1 << 24);
            l->M = target < 1 ? 1 : (int64_t)target;
        }
        l->scale = 1.0;
        m->n_out = l->n_out;
    }
    ozk_layer *last = &m->layers[nl - 1];
    m->out_ndim = 2;
    m->out_dims[0] = 1;
    m->out_dims[1] = last->n_out;
    m->out_dtype = last->requant ? OZK_DTYPE_INT8 : OZK_DTYPE_INT32;
    m->out_scale = 1.0;
    /* encode + decode: validates, sets the hash */
    uint8_t *buf;
    size_t len;
    char err[256];
    int rc = ozk_model_encode(&buf, &len, m, err, sizeof err);
    if (rc) fail_msg("model: %s", err);
    ozk_model *d;
    rc = ozk_model_decode(&d, buf, len, err, sizeof err);
    if (rc) fail_msg("model decode: %s", err);
    free(buf);
    ozk_model_free(m);
    return d;
}

ozk_model *test_model_mixed(int int32_out)
{
    test_layer_spec sp[] = {
        { OZK_LAYER_DENSE, 0, 0, 12, 1, 0, 127 },
        { OZK_LAYER_DENSE, 1, 0, 12, 1, -128, 127 },
        { OZK_LAYER_ADD, 2, 1, 0, 1, -128, 127 },
        { OZK_LAYER_RELU, 3, 0, 0, 1, 0, 127 },
        { OZK_LAYER_DENSE, 4, 0, 5, int32_out ? 0 : 1, int32_out ? 0 : -100, int32_out ? 0 : 100 },
    };
    return test_model_build(10, sp, 5, 127);
}

ozk_model *test_model_fixture(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/models/%s", dir, name);
    size_t len;
    uint8_t *buf = test_read_file(path, &len);
    ozk_model *m;
    char err[256];
    if (ozk_model_decode(&m, buf, len, err, sizeof err)) fail_msg("%s: %s", path, err);
    free(buf);
    return m;
}
