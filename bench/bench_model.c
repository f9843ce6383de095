/*
 * bench/bench_model.c: latency of one bit-exact integer inference (ozk_model_infer, plus the
 * input quantization where named), on models of the shapes ozk ships and benchmarks:
 *
 *   digits-mlp     64-128-64-10, ReLU, int32 logits            17,226 parameters
 *   digits-matmul  64-48-48-10 with a residual add              5,964 parameters
 *   mlp-1m         512-1024-512-10 (scripts/gen-synthetic-mlp)  1,055,242 parameters
 *   mlp-4m         1024-2048-1024-10                            4,207,626 parameters
 *
 * The models are built here with random int8 weights and valid requantization parameters (the
 * engine's time does not depend on the values), so no file is read. One operation is one
 * inference.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benches.h"
#include "ozk/model.h"

static uint64_t g_rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
    g_rng ^= g_rng << 13, g_rng ^= g_rng >> 7, g_rng ^= g_rng << 17;
    return g_rng;
}

/* M / 2^s ~ m, M < 2^31 (as the compiler chooses it) */
static void multiplier(int64_t *M, uint32_t *s, double m)
{
    int e;
    frexp(m, &e);
    int sh = 31 - e;
    if (sh > 62) sh = 62;
    if (sh < 1) sh = 1;
    *M = (int64_t)floor(ldexp(m, sh) + 0.5);
    *s = (uint32_t)sh;
}

static uint64_t bound_of(const ozk_model *m, size_t j)
{
    const ozk_layer *l = &m->layers[j];
    uint64_t r0 = l->in[0] ? 127 + (m->layers[l->in[0] - 1].L < 0) : 128, best = 0;
    if (l->kind == OZK_LAYER_ADD) return (uint64_t)l->ka * r0 + (uint64_t)l->kb * r0;
    for (uint32_t o = 0; o < l->n_out; o++) {
        uint64_t sum = 0;
        for (uint32_t i = 0; i < l->n_in; i++) sum += (uint64_t)abs(l->w[(size_t)o * l->n_in + i]);
        sum = sum * r0 + (uint64_t)abs(l->b[o]);
        if (sum > best) best = sum;
    }
    return best;
}

static void finish_layer(ozk_model *m, size_t j, int last, int relu)
{
    ozk_layer *l = &m->layers[j];
    l->acc_bound = bound_of(m, j);
    l->scale = 0.01;
    if (last) return; /* int32 logits */
    l->requant = 1, l->L = relu ? 0 : -128, l->H = 127;
    multiplier(&l->M, &l->s, 4 * 127.0 / (double)l->acc_bound);
}

static void dense(ozk_model *m, size_t j, uint32_t in, uint32_t n_in, uint32_t n_out)
{
    ozk_layer *l = &m->layers[j];
    l->kind = OZK_LAYER_DENSE;
    snprintf(l->name, sizeof l->name, "fc%zu", j);
    l->in[0] = in, l->in[1] = UINT32_MAX, l->n_in = n_in, l->n_out = n_out;
    l->w = malloc((size_t)n_in * n_out);
    l->b = malloc(n_out * sizeof *l->b);
    if (!l->w || !l->b) abort();
    for (size_t k = 0; k < (size_t)n_in * n_out; k++) l->w[k] = (int8_t)((int)(next() % 255) - 127);
    for (uint32_t o = 0; o < n_out; o++) l->b[o] = (int32_t)(next() % 2001) - 1000;
}

/* widths[0] inputs, dense layers with ReLU, int32 logits; residual: an add after layer 1 */
ozk_model *bench_model_build(const uint32_t *widths, size_t n, int residual)
{
    ozk_model *m = calloc(1, sizeof *m);
    size_t nl = n - 1 + (residual ? 1 : 0), j = 0;
    m->layers = calloc(nl, sizeof *m->layers);
    if (!m || !m->layers) abort();
    m->n_layers = nl;
    m->in_ndim = 2, m->in_dims[0] = 1, m->in_dims[1] = widths[0], m->n_in = widths[0];
    m->in_scale = 1.0 / 127;
    for (size_t k = 0; k + 1 < n; k++) {
        uint32_t in = (uint32_t)j;
        dense(m, j, in, widths[k], widths[k + 1]);
        finish_layer(m, j, j + 1 == nl, 1);
        j++;
        if (residual && k == 1) { /* t(j) = layer 0 out + layer 1 out */
            ozk_layer *l = &m->layers[j];
            l->kind = OZK_LAYER_ADD, l->in[0] = 1, l->in[1] = 2;
            l->n_in = l->n_out = widths[2];
            l->ka = 16384, l->kb = 12000;
            finish_layer(m, j, 0, 0);
            j++;
        }
    }
    const ozk_layer *last = &m->layers[nl - 1];
    m->out_ndim = 2, m->out_dims[0] = 1, m->out_dims[1] = last->n_out, m->n_out = last->n_out;
    m->out_dtype = OZK_DTYPE_INT32;
    m->out_scale = last->scale;
    char err[256];
    if (ozk_model_validate(m, err, sizeof err)) {
        fprintf(stderr, "bench_model: invalid model: %s\n", err);
        abort();
    }
    return m;
}

typedef struct {
    ozk_model *m;
    void *work;
    int8_t *x;
    double *xf;
    int32_t *y;
} bench_model_t;

static bench_model_t *get(int which)
{
    static bench_model_t models[4];
    static const uint32_t mlp[] = { 64, 128, 64, 10 }, mm[] = { 64, 48, 48, 10 },
                          m1[] = { 512, 1024, 512, 10 }, m4[] = { 1024, 2048, 1024, 10 };
    bench_model_t *b = &models[which];
    if (b->m) return b;
    b->m = which == 0   ? bench_model_build(mlp, 4, 0)
           : which == 1 ? bench_model_build(mm, 4, 1)
           : which == 2 ? bench_model_build(m1, 4, 0)
                        : bench_model_build(m4, 4, 0);
    b->work = malloc(ozk_model_work_size(b->m));
    b->x = malloc(b->m->n_in);
    b->xf = malloc(b->m->n_in * sizeof *b->xf);
    b->y = malloc(b->m->n_out * sizeof *b->y);
    if (!b->work || !b->x || !b->xf || !b->y) abort();
    for (uint32_t i = 0; i < b->m->n_in; i++) {
        b->x[i] = (int8_t)((int)(next() % 256) - 128);
        b->xf[i] = (double)(next() % 2001) / 1000.0 - 1.0;
    }
    return b;
}

static void run_model(int which, size_t iters, int quantize)
{
    bench_model_t *b = get(which);
    char err[128];
    for (size_t i = 0; i < iters; i++) {
        if (quantize) ozk_model_quantize_input(b->m, b->x, b->xf, b->m->n_in, err, sizeof err);
        ozk_model_infer(b->m, b->y, b->x, b->work);
        b->x[0] ^= (int8_t)b->y[0]; /* a dependent chain */
    }
    bench_sink(b->y, b->m->n_out * sizeof *b->y);
}

static void b_digits_mlp(size_t iters)
{
    run_model(0, iters, 0);
}

static void b_digits_mlp_q(size_t iters)
{
    run_model(0, iters, 1);
}

static void b_digits_matmul(size_t iters)
{
    run_model(1, iters, 0);
}

static void b_mlp_1m(size_t iters)
{
    run_model(2, iters, 0);
}

static void b_mlp_4m(size_t iters)
{
    run_model(3, iters, 0);
}

const struct bench bench_model[] = {
    { "infer_digits_mlp", "one inference, 64-128-64-10 (17,226 params)", b_digits_mlp, 20000, 0 },
    { "infer_digits_mlp_quantize", "the same with the float input quantized first", b_digits_mlp_q,
      20000, 0 },
    { "infer_digits_matmul", "one inference, 64-48-48-10 + residual (5,964 params)",
      b_digits_matmul, 40000, 0 },
    { "infer_mlp_1m", "one inference, 512-1024-512-10 (1,055,242 params)", b_mlp_1m, 200, 0 },
    { "infer_mlp_4m", "one inference, 1024-2048-1024-10 (4,207,626 params)", b_mlp_4m, 50, 0 },
};
const size_t bench_model_count = sizeof bench_model / sizeof bench_model[0];
