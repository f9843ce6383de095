/*
 * tests/test_model.c: the integer engine and the quantization rules (docs/quantization.md).
 *
 *  - the input rule (ties toward +infinity, clamping, the double-rounding trap);
 *  - the requantization relation at its edges (ties, negatives, clamps, every shift), against a
 *    reference that floors with C division instead of the engine's unsigned shift;
 *  - inference on random models (shapes that are not powers of two, dense / add / relu layers,
 *    int8 and int32 outputs) against a slow reference written from the spec in this file;
 *  - each precondition refused by ozk_model_validate, and by ozk_quantize on float models built
 *    to break them, with the layer named;
 *  - canonical byte strings and the declared output range.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../model/internal.h"
#include "ozk/error.h"
#include "ozk/model.h"
#include "testutil.h"

/* ---- the reference engine -------------------------------------------------------------------- */

/* floor(a / 2^s) with C's truncating division, corrected for negatives */
static int64_t ref_floor_div(int64_t a, uint32_t s)
{
    int64_t d = (int64_t)1 << s, q = a / d;
    if (a % d != 0 && a < 0) q--;
    return q;
}

static int64_t ref_requant(int64_t acc, const ozk_layer *l)
{
    int64_t q = ref_floor_div(acc * l->M + ((int64_t)1 << (l->s - 1)), l->s);
    return q < l->L ? l->L : q > l->H ? l->H : q;
}

/* y = f_M(x), every tensor kept as int64, straight from the spec */
static void ref_infer(const ozk_model *m, int64_t *out, const int8_t *in)
{
    int64_t **t = calloc(m->n_layers + 1, sizeof *t);
    assert_non_null(t);
    t[0] = malloc(m->n_in * sizeof(int64_t));
    for (uint32_t i = 0; i < m->n_in; i++) t[0][i] = in[i];
    for (size_t j = 0; j < m->n_layers; j++) {
        const ozk_layer *l = &m->layers[j];
        int64_t *y = malloc(l->n_out * sizeof *y);
        assert_non_null(y);
        for (uint32_t o = 0; o < l->n_out; o++) {
            int64_t acc = 0;
            if (l->kind == OZK_LAYER_DENSE) {
                acc = l->b[o];
                for (uint32_t i = 0; i < l->n_in; i++)
                    acc += (int64_t)l->w[(size_t)o * l->n_in + i] * t[l->in[0]][i];
            } else if (l->kind == OZK_LAYER_ADD) {
                acc = (int64_t)l->ka * t[l->in[0]][o] + (int64_t)l->kb * t[l->in[1]][o];
            } else {
                acc = t[l->in[0]][o];
            }
            assert_true(acc >= -(int64_t)l->acc_bound && acc <= (int64_t)l->acc_bound);
            y[o] = l->requant ? ref_requant(acc, l) : acc;
        }
        t[j + 1] = y;
    }
    memcpy(out, t[m->n_layers], m->n_out * sizeof *out);
    for (size_t j = 0; j <= m->n_layers; j++) free(t[j]);
    free(t);
}

/* ---- building models by hand ----------------------------------------------------------------- */

static ozk_model *new_model(size_t n_layers, uint32_t n_in)
{
    ozk_model *m = calloc(1, sizeof *m);
    assert_non_null(m);
    m->layers = calloc(n_layers, sizeof *m->layers);
    assert_non_null(m->layers);
    m->n_layers = n_layers;
    m->in_ndim = 2, m->in_dims[0] = 1, m->in_dims[1] = n_in, m->n_in = n_in;
    m->in_scale = 0.01;
    m->opset = 13;
    return m;
}

/* Sets M and s for layer j: a random multiplier that satisfies every precondition. */
static void pick_requant(ozk_model *m, size_t j, int32_t L, int32_t H)
{
    ozk_layer *l = &m->layers[j];
    l->acc_bound = ozk__acc_bound(m, j);
    l->requant = 1, l->L = L, l->H = H;
    /* s in [1, 62]; M < 2^(s+31) / (acc_bound + 1) and M < 2^32 */
    for (;;) {
        l->s = 1 + (uint32_t)test_rand_below(62);
        double cap = ldexp(1.0, (int)l->s + 31) / (double)(l->acc_bound + 1);
        if (cap > 4294967295.0) cap = 4294967295.0;
        if (cap < 2) continue;
        /* bias the multiplier toward outputs that spread over [L, H] */
        double target = ldexp(1.0, (int)l->s) * 200.0 / (double)(l->acc_bound + 1);
        double hi = target < cap ? target : cap;
        if (hi < 1) hi = 1;
        l->M = 1 + (int64_t)test_rand_below((uint64_t)hi);
        if (!ozk__requant_check(l->M, l->s, L, H, l->acc_bound)) break;
    }
    l->scale = 0.05;
}

static void finish(ozk_model *m)
{
    const ozk_layer *last = &m->layers[m->n_layers - 1];
    m->out_ndim = 1, m->out_dims[0] = last->n_out, m->n_out = last->n_out;
    m->out_dtype = last->requant ? OZK_DTYPE_INT8 : OZK_DTYPE_INT32;
    m->out_scale = last->scale;
}

static void set_dense(ozk_model *m, size_t j, uint32_t in, uint32_t n_out, int32_t bias_max)
{
    ozk_layer *l = &m->layers[j];
    l->kind = OZK_LAYER_DENSE;
    snprintf(l->name, sizeof l->name, "dense%zu", j);
    l->in[0] = in, l->in[1] = UINT32_MAX;
    l->n_in = ozk_model_tensor_len(m, in), l->n_out = n_out;
    l->w = malloc((size_t)l->n_in * n_out);
    l->b = malloc(n_out * sizeof *l->b);
    assert_non_null(l->w);
    assert_non_null(l->b);
    for (size_t k = 0; k < (size_t)l->n_in * n_out; k++)
        l->w[k] = (int8_t)((int)test_rand_below(255) - 127);
    for (uint32_t o = 0; o < n_out; o++)
        l->b[o] = (int32_t)((int64_t)test_rand_below(2 * (uint64_t)bias_max + 1) - bias_max);
}

/* A random chain: layer j reads tensor j; add layers also read an earlier tensor of the same
 * length when there is one. */
static ozk_model *random_model(void)
{
    size_t n = 1 + (size_t)test_rand_below(6);
    uint32_t n_in = 1 + (uint32_t)test_rand_below(test_rand_below(3) ? 37 : 131);
    ozk_model *m = new_model(n, n_in);
    for (size_t j = 0; j < n; j++) {
        ozk_layer *l = &m->layers[j];
        uint32_t len = ozk_model_tensor_len(m, (uint32_t)j);
        int kind = (int)test_rand_below(3);
        uint32_t other = UINT32_MAX;
        for (uint32_t t = 0; t < j && kind == 1; t++)
            if (ozk_model_tensor_len(m, t) == len && test_rand_below(2)) other = t;
        if (kind == 0 || (kind == 1 && other == UINT32_MAX && j == 0)) {
            /* widths around the 16-byte blocks of the engine's vector loop, and its tail */
            uint32_t n_out = 1 + (uint32_t)test_rand_below(test_rand_below(4) ? 29 : 83);
            if (j + 1 < n && test_rand_below(3) == 0)
                n_out = len; /* makes a later residual possible */
            set_dense(m, j, (uint32_t)j, n_out, 5000);
        } else if (kind == 1) {
            l->kind = OZK_LAYER_ADD;
            l->in[0] = (uint32_t)j, l->in[1] = other == UINT32_MAX ? (uint32_t)j : other;
            l->n_in = l->n_out = len;
            l->ka = 1 + (int32_t)test_rand_below(1 << 14);
            l->kb = 1 + (int32_t)test_rand_below(1 << 14);
        } else {
            l->kind = OZK_LAYER_RELU;
            l->in[0] = (uint32_t)j, l->in[1] = UINT32_MAX;
            l->n_in = l->n_out = len;
        }
        if (l->kind != OZK_LAYER_RELU && j + 1 == n && test_rand_below(2)) {
            l->acc_bound = ozk__acc_bound(m, j); /* int32 logits */
            l->scale = 0.001;
        } else {
            int32_t L = l->kind == OZK_LAYER_RELU || test_rand_below(2) ? 0 : -128;
            if (test_rand_below(4) == 0) L = -(int32_t)test_rand_below(100); /* any clamp */
            pick_requant(m, j, L, 127 - (int32_t)test_rand_below(20));
        }
    }
    finish(m);
    return m;
}

/* ---- tests ----------------------------------------------------------------------------------- */

static void test_input_rule(void **state)
{
    (void)state;
    static const struct {
        double x, scale;
        int want;
    } cases[] = {
        { 0.0, 1, 0 },
        { -0.0, 1, 0 },
        { 0.5, 1, 1 },  /* ties go up */
        { -0.5, 1, 0 }, /* toward +infinity, not away from zero */
        { 1.5, 1, 2 },
        { -1.5, 1, -1 },
        { 2.5, 1, 3 },
        { -2.5, 1, -2 },
        { 0.49999999999999994, 1, 0 }, /* floor(x + 0.5) in binary64 would give 1 */
        { -0.49999999999999994, 1, 0 },
        { 0.3, 0.1, 3 }, /* t = 2.9999999999999996 */
        { 126.5, 1, 127 },
        { 127.49, 1, 127 },
        { 1e300, 1, 127 },
        { -127.5, 1, -127 },
        { -128.4, 1, -128 },
        { -128.5, 1, -128 },
        { -1e300, 1, -128 },
        { 1.0, 1e-300, 127 }, /* t overflows to infinity */
        { 0.25, 0.5, 1 },
        { -0.25, 0.5, 0 },
        { 5e-324, 1, 0 },
        { 1.0, 1.0 / 127, 127 },
        { 0.5, 1.0 / 127, 64 }, /* 63.5 up */
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        int got = ozk_quantize_value(cases[k].x, cases[k].scale);
        if (got != cases[k].want)
            fail_msg("quantize(%.17g / %.17g) = %d, want %d", cases[k].x, cases[k].scale, got,
                     cases[k].want);
    }
    assert_int_equal(ozk_quantize_value((double)NAN, 1), 0);
    assert_int_equal(ozk_quantize_value(1, 0), 0);
    /* against the definition with exact rationals: x = n / 8, scale 1 / 4 -> t = n / 2 */
    for (int n = -2000; n <= 2000; n++) {
        int t2 = n;                                       /* t = n / 2 */
        int want = t2 >= 0 ? (t2 + 1) / 2 : -((-t2) / 2); /* round half up of n/2 */
        if (want > 127) want = 127;
        if (want < -128) want = -128;
        assert_int_equal(ozk_quantize_value(n / 8.0, 0.25), want);
    }
    /* the input vector: length and finiteness are checked */
    ozk_model *m = new_model(1, 3);
    char err[200];
    int8_t q[3];
    double x[3] = { 0.01, -0.026, 0.5 };
    assert_int_equal(ozk_model_quantize_input(m, q, x, 3, err, sizeof err), 0);
    assert_int_equal(q[0], 1);
    assert_int_equal(q[1], -3);
    assert_int_equal(q[2], 50);
    assert_int_equal(ozk_model_quantize_input(m, q, x, 2, err, sizeof err), OZK_EINVAL);
    assert_non_null(strstr(err, "has 2 values; the model takes 3"));
    x[1] = (double)INFINITY;
    assert_int_equal(ozk_model_quantize_input(m, q, x, 3, err, sizeof err), OZK_EINVAL);
    assert_non_null(strstr(err, "value 1 is not a finite number"));
    ozk_model_free(m);
}

/* One dense 1 -> 1 layer: acc = b + w x for every int8 x, against the reference relation. */
static void check_relation(int8_t w, int32_t b, int64_t M, uint32_t s, int32_t L, int32_t H)
{
    ozk_model *m = new_model(1, 1);
    ozk_layer *l = &m->layers[0];
    l->kind = OZK_LAYER_DENSE, l->in[1] = UINT32_MAX, l->n_in = l->n_out = 1;
    l->w = malloc(1), l->b = malloc(sizeof *l->b);
    l->w[0] = w, l->b[0] = b;
    l->requant = 1, l->M = M, l->s = s, l->L = L, l->H = H, l->scale = 1;
    l->acc_bound = ozk__acc_bound(m, 0);
    finish(m);
    char err[256];
    if (ozk_model_validate(m, err, sizeof err)) fail_msg("%s", err);
    uint8_t work[2];
    for (int x = -128; x <= 127; x++) {
        int8_t in = (int8_t)x;
        int32_t y;
        ozk_model_infer(m, &y, &in, work);
        int64_t want = ref_requant(b + (int64_t)w * x, l);
        if (y != want)
            fail_msg("acc %lld M %lld s %u [%d,%d]: engine %d, reference %lld",
                     (long long)(b + (int64_t)w * x), (long long)M, s, L, H, y, (long long)want);
    }
    ozk_model_free(m);
}

static void test_requant_relation(void **state)
{
    (void)state;
    /* M = 1, s = 1: y = floor((acc + 1) / 2): ties toward +infinity */
    ozk_model *m = new_model(1, 1);
    ozk_layer *l = &m->layers[0];
    l->kind = OZK_LAYER_DENSE, l->in[1] = UINT32_MAX, l->n_in = l->n_out = 1;
    l->w = malloc(1), l->b = malloc(sizeof *l->b);
    l->w[0] = 1, l->b[0] = 0;
    l->requant = 1, l->M = 1, l->s = 1, l->L = -128, l->H = 127, l->scale = 1;
    l->acc_bound = ozk__acc_bound(m, 0);
    finish(m);
    static const int8_t xs[] = { -5, -4, -3, -2, -1, 0, 1, 2, 3, 5, 127, -128 };
    static const int32_t ys[] = { -2, -2, -1, -1, 0, 0, 1, 1, 2, 3, 64, -64 };
    uint8_t work[2];
    for (size_t k = 0; k < sizeof xs; k++) {
        int32_t y;
        ozk_model_infer(m, &y, &xs[k], work);
        assert_int_equal(y, ys[k]);
    }
    ozk_model_free(m);
    /* ReLU clamp, saturation at both ends, narrow clamps */
    check_relation(127, 0, 1, 1, 0, 127);
    check_relation(-127, 3, 3, 2, -128, 127);
    check_relation(1, 0, 2, 1, 0, 127);    /* the standalone ReLU's M = 2, s = 1: identity */
    check_relation(100, -77, 5, 3, -3, 4); /* any L < H */
    /* every shift, with multipliers up to the precondition's limit and large biases */
    for (uint32_t s = 1; s <= 62; s++)
        for (int rep = 0; rep < 3; rep++) {
            int8_t w = (int8_t)((int)test_rand_below(255) - 127);
            int32_t b = (int32_t)test_rand_below(1u << 30) - (1 << 29);
            uint64_t bound = (uint64_t)(b < 0 ? -(int64_t)b : b) + 128u * (uint64_t)abs(w);
            double cap = ldexp(1.0, (int)s + 31) / (double)(bound + 1);
            if (cap > 4294967295.0) cap = 4294967295.0;
            if (cap < 1) continue;
            int64_t M = 1 + (int64_t)test_rand_below((uint64_t)cap);
            if (ozk__requant_check(M, s, -128, 127, bound)) continue;
            check_relation(w, b, M, s, -128, 127);
        }
}

static void test_infer_vs_reference(void **state)
{
    (void)state;
    char err[256];
    size_t cases = test_cases(300);
    for (size_t c = 0; c < cases; c++) {
        ozk_model *m = random_model();
        if (ozk_model_validate(m, err, sizeof err)) fail_msg("random model invalid: %s", err);
        uint8_t *work = malloc(ozk_model_work_size(m));
        int8_t *x = malloc(m->n_in);
        int32_t *y = malloc(m->n_out * sizeof *y);
        int64_t *want = malloc(m->n_out * sizeof *want);
        assert_non_null(work);
        for (int rep = 0; rep < 8; rep++) {
            for (uint32_t i = 0; i < m->n_in; i++)
                x[i] = (int8_t)(rep == 0 ? 127 : rep == 1 ? -128 : (int)test_rand_below(256) - 128);
            ozk_model_infer(m, y, x, work);
            ref_infer(m, want, x);
            for (uint32_t o = 0; o < m->n_out; o++)
                if (y[o] != want[o])
                    fail_msg("case %zu, output %u: engine %d, reference %lld", c, o, y[o],
                             (long long)want[o]);
            /* the same input again gives the same output (no state carried over) */
            int32_t *y2 = malloc(m->n_out * sizeof *y2);
            ozk_model_infer(m, y2, x, work);
            assert_memory_equal(y, y2, m->n_out * sizeof *y);
            free(y2);
            /* work holds every int8 tensor of the run */
            assert_memory_equal(ozk_model_work_tensor(m, work, 0), x, m->n_in);
            int64_t lo, hi;
            ozk_model_output_range(m, &lo, &hi);
            for (uint32_t o = 0; o < m->n_out; o++) assert_true(y[o] >= lo && y[o] <= hi);
        }
        free(work), free(x), free(y), free(want);
        ozk_model_free(m);
    }
}

/* Every precondition and structural rule, one broken at a time on a valid two-layer model. */
static ozk_model *two_layers(void)
{
    ozk_model *m = new_model(2, 5);
    set_dense(m, 0, 0, 7, 100);
    pick_requant(m, 0, 0, 127);
    set_dense(m, 1, 1, 3, 100);
    m->layers[1].acc_bound = ozk__acc_bound(m, 1);
    m->layers[1].scale = 0.5;
    finish(m);
    return m;
}

static void expect_invalid(ozk_model *m, int code, const char *needle)
{
    char err[512];
    int rc = ozk_model_validate(m, err, sizeof err);
    if (rc != code || !strstr(err, needle))
        fail_msg("validate: rc %d (want %d), message '%s' (want '%s')", rc, code, err, needle);
    uint8_t *buf;
    size_t len;
    assert_int_equal(ozk_model_encode(&buf, &len, m, err, sizeof err), code);
    assert_null(buf);
    ozk_model_free(m);
}

static void test_preconditions(void **state)
{
    (void)state;
    char err[512];
    ozk_model *m = two_layers();
    assert_int_equal(ozk_model_validate(m, err, sizeof err), 0);
    ozk_model_free(m);

    m = two_layers(), m->layers[0].s = 0;
    expect_invalid(m, OZK_ERANGE, "layer 0 ('dense0', dense): precondition s >= 1 fails");
    m = two_layers(), m->layers[0].s = 63;
    expect_invalid(m, OZK_ERANGE, "s > 62");
    m = two_layers(), m->layers[0].L = 127;
    expect_invalid(m, OZK_ERANGE, "L < H fails");
    m = two_layers(), m->layers[0].L = 5, m->layers[0].H = 5;
    expect_invalid(m, OZK_ERANGE, "L < H fails");
    m = two_layers(), m->layers[0].H = 128;
    expect_invalid(m, OZK_ERANGE, "int8 range");
    m = two_layers(), m->layers[0].M = 0;
    expect_invalid(m, OZK_ERANGE, "M != 0 fails");
    m = two_layers(), m->layers[0].M = -5;
    expect_invalid(m, OZK_ERANGE, "M must lie in [1, 2^32)");
    m = two_layers(), m->layers[0].M = (int64_t)1 << 32;
    expect_invalid(m, OZK_ERANGE, "M must lie in [1, 2^32)");
    /* |acc| * M < 2^(s+31): the largest M that holds, then one more */
    m = two_layers();
    {
        ozk_layer *l = &m->layers[0];
        l->s = 1;
        l->M = (int64_t)((((uint64_t)1 << 32) - 1) / l->acc_bound);
        assert_int_equal(ozk_model_validate(m, err, sizeof err), 0);
        l->M++;
        expect_invalid(m, OZK_ERANGE, "|acc| * M < 2^(s+31) fails");
    }
    /* the accumulator may leave int32 */
    m = two_layers(), m->layers[0].b[0] = INT32_MAX;
    m->layers[0].acc_bound = ozk__acc_bound(m, 0);
    expect_invalid(m, OZK_ERANGE, "leave int32");
    m = two_layers(), m->layers[1].b[0] = INT32_MAX;
    m->layers[1].acc_bound = ozk__acc_bound(m, 1);
    expect_invalid(m, OZK_ERANGE, "leave int32");
    /* structure */
    m = two_layers(), m->layers[0].acc_bound++;
    expect_invalid(m, OZK_EINVAL, "recorded accumulator bound");
    m = two_layers(), m->layers[1].w[4] = -128;
    expect_invalid(m, OZK_EINVAL, "weights lie in [-127, 127]");
    m = two_layers(), m->layers[0].requant = 0;
    expect_invalid(m, OZK_EINVAL, "only a last dense or add layer may skip");
    m = two_layers(), m->layers[1].in[0] = 2;
    expect_invalid(m, OZK_EINVAL, "does not exist before it");
    m = two_layers(), m->layers[1].in[0] = 0;
    expect_invalid(m, OZK_EINVAL, "mismatched sizes");
    m = two_layers(), m->layers[1].kind = 7;
    expect_invalid(m, OZK_EINVAL, "unknown kind");
    m = two_layers(), m->layers[1].scale = (double)NAN;
    expect_invalid(m, OZK_EINVAL, "scale");
    m = two_layers(), m->in_scale = -1;
    expect_invalid(m, OZK_EINVAL, "input's shape or scale");
    m = two_layers(), m->out_dtype = OZK_DTYPE_INT8;
    expect_invalid(m, OZK_EINVAL, "differs from the last layer");
    m = two_layers(), m->out_dims[0] = 4;
    expect_invalid(m, OZK_EINVAL, "output's shape");
    m = two_layers(), m->layers[1].M = 3;
    expect_invalid(m, OZK_EINVAL, "must be 0 without requantization");
    /* an unread tensor */
    m = new_model(2, 4);
    set_dense(m, 0, 0, 4, 10);
    pick_requant(m, 0, -128, 127);
    set_dense(m, 1, 0, 2, 10);
    pick_requant(m, 1, -128, 127);
    finish(m);
    expect_invalid(m, OZK_EINVAL, "layer 0 ('dense0', dense): no later layer reads its output");
    /* 2^s (H - L + 2^33) < r holds for every s the engine allows: r > 2^253 */
    for (uint32_t s = 1; s <= 62; s++) assert_null(ozk__requant_check(1, s, -128, 127, 1));
}

/* A float model by hand: the shapes of ozk_fmodel without ONNX. */
static ozk_fmodel *fdense(uint32_t n_in, uint32_t n_out, const double *w, const double *b,
                          int relu_then_logits)
{
    ozk_fmodel *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->in_ndim = 1, f->in_dims[0] = n_in, f->n_in = n_in;
    f->n_layers = relu_then_logits ? 2 : 1;
    f->layers = calloc(f->n_layers, sizeof *f->layers);
    ozk__flayer *l = &f->layers[0];
    l->kind = OZK_LAYER_DENSE, l->op = "Gemm", l->in[1] = UINT32_MAX;
    snprintf(l->name, sizeof l->name, "fc");
    l->n_in = n_in, l->n_out = n_out;
    l->w = malloc(n_in * n_out * sizeof *l->w);
    l->b = malloc(n_out * sizeof *l->b);
    memcpy(l->w, w, n_in * n_out * sizeof *w);
    memcpy(l->b, b, n_out * sizeof *b);
    l->relu = (uint32_t)relu_then_logits;
    if (relu_then_logits) {
        ozk__flayer *l2 = &f->layers[1];
        l2->kind = OZK_LAYER_DENSE, l2->op = "Gemm", l2->in[0] = 1, l2->in[1] = UINT32_MAX;
        snprintf(l2->name, sizeof l2->name, "head");
        l2->n_in = n_out, l2->n_out = 1;
        l2->w = calloc(n_out, sizeof *l2->w);
        l2->b = calloc(1, sizeof *l2->b);
        l2->w[0] = 1;
    }
    const ozk__flayer *last = &f->layers[f->n_layers - 1];
    f->out_ndim = 1, f->out_dims[0] = last->n_out, f->n_out = last->n_out;
    return f;
}

static void test_quantize_refuses(void **state)
{
    (void)state;
    char err[512];
    ozk_model *m;
    double calib[2] = { 1, 1 };
    /* the multiplier would need s < 1: huge weights whose outputs cancel on the calibration */
    {
        double w[2] = { 1e12, -1e12 }, b[1] = { 0 };
        ozk_fmodel *f = fdense(2, 1, w, b, 1);
        assert_int_equal(ozk_quantize(&m, f, calib, 1, err, sizeof err), OZK_ERANGE);
        assert_null(m);
        assert_non_null(strstr(err, "layer 0 ('fc', dense from Gemm): precondition s >= 1 fails"));
        ozk_fmodel_free(f);
    }
    /* a bias that does not fit int32 at the accumulator's scale */
    {
        double w[2] = { 1e-6, 1e-6 }, b[1] = { 1e6 };
        ozk_fmodel *f = fdense(2, 1, w, b, 0);
        assert_int_equal(ozk_quantize(&m, f, calib, 1, err, sizeof err), OZK_ERANGE);
        assert_non_null(strstr(err, "layer 0 ('fc', dense from Gemm): bias 0"));
        assert_non_null(strstr(err, "does not fit int32"));
        ozk_fmodel_free(f);
    }
    /* a bias that fits but leaves the accumulator no room: |acc| may exceed 2^31 - 1 */
    {
        double sx = 1.0 / 127, sw = 1.0 / 127;
        double w[2] = { 1, 1 }, b[1] = { (2147483647.0 - 1000) * sx * sw };
        ozk_fmodel *f = fdense(2, 1, w, b, 0);
        assert_int_equal(ozk_quantize(&m, f, calib, 1, err, sizeof err), OZK_ERANGE);
        assert_non_null(strstr(err, "accumulator may reach"));
        ozk_fmodel_free(f);
    }
    /* calibration data: none, or not finite */
    {
        double w[2] = { 1, 1 }, b[1] = { 0 }, bad[2] = { 1, (double)NAN };
        ozk_fmodel *f = fdense(2, 1, w, b, 0);
        assert_int_equal(ozk_quantize(&m, f, calib, 0, err, sizeof err), OZK_EINVAL);
        assert_non_null(strstr(err, "no calibration inputs"));
        assert_int_equal(ozk_quantize(&m, f, bad, 1, err, sizeof err), OZK_EINVAL);
        assert_non_null(strstr(err, "calibration input 0, element 1 is not a finite number"));
        /* and a good one: weights 127, bias 0, int32 logits */
        assert_int_equal(ozk_quantize(&m, f, calib, 1, err, sizeof err), 0);
        assert_int_equal(m->layers[0].w[0], 127);
        assert_int_equal(m->layers[0].requant, 0);
        assert_int_equal(m->out_dtype, OZK_DTYPE_INT32);
        ozk_model_free(m);
        ozk_fmodel_free(f);
    }
}

static void test_canonical_bytes(void **state)
{
    (void)state;
    ozk_model *m = two_layers(); /* int32 output of 3 */
    int32_t y[3] = { -2, 1, 0x01020304 }, back[3];
    m->layers[1].acc_bound = ozk__acc_bound(m, 1);
    uint8_t out[12];
    assert_int_equal(ozk_model_output_bytes(m), 12);
    ozk_model_encode_output(m, out, y);
    static const uint8_t want[12] = { 0xff, 0xff, 0xff, 0xfe, 0, 0, 0, 1, 1, 2, 3, 4 };
    assert_memory_equal(out, want, 12);
    int64_t lo, hi;
    ozk_model_output_range(m, &lo, &hi);
    assert_int_equal(hi, (int64_t)m->layers[1].acc_bound);
    assert_int_equal(lo, -(int64_t)m->layers[1].acc_bound);
    /* 0x01020304 is outside this model's range */
    assert_int_equal(ozk_model_decode_output(m, back, out, 12), OZK_EINVAL);
    y[2] = (int32_t)hi;
    ozk_model_encode_output(m, out, y);
    assert_int_equal(ozk_model_decode_output(m, back, out, 12), 0);
    assert_memory_equal(back, y, sizeof y);
    assert_int_equal(ozk_model_decode_output(m, back, out, 11), OZK_EINVAL);
    int8_t q[5] = { -128, -1, 0, 1, 127 }, qb[5];
    uint8_t xb[5];
    ozk_model_encode_input(m, xb, q);
    static const uint8_t wantx[5] = { 0x80, 0xff, 0, 1, 0x7f };
    assert_memory_equal(xb, wantx, 5);
    assert_int_equal(ozk_model_decode_input(m, qb, xb, 5), 0);
    assert_memory_equal(qb, q, 5);
    assert_int_equal(ozk_model_decode_input(m, qb, xb, 4), OZK_EINVAL);
    ozk_model_free(m);
    /* an int8 output: one byte each, range [L, H] */
    m = new_model(1, 2);
    set_dense(m, 0, 0, 2, 10);
    pick_requant(m, 0, 0, 100);
    finish(m);
    int32_t y8[2] = { 0, 100 }, b8[2];
    uint8_t o8[2];
    ozk_model_encode_output(m, o8, y8);
    assert_int_equal(o8[1], 100);
    assert_int_equal(ozk_model_decode_output(m, b8, o8, 2), 0);
    o8[1] = 101; /* above H */
    assert_int_equal(ozk_model_decode_output(m, b8, o8, 2), OZK_EINVAL);
    o8[1] = 0xff; /* -1, below L = 0 */
    assert_int_equal(ozk_model_decode_output(m, b8, o8, 2), OZK_EINVAL);
    assert_int_equal(ozk_model_argmax(m, y8), 1);
    ozk_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_input_rule),         cmocka_unit_test(test_requant_relation),
        cmocka_unit_test(test_infer_vs_reference), cmocka_unit_test(test_preconditions),
        cmocka_unit_test(test_quantize_refuses),   cmocka_unit_test(test_canonical_bytes),
    };
    return TEST_RUN("model", tests);
}
