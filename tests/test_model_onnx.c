/*
 * tests/test_model_onnx.c: ONNX import, op by op and attribute by attribute, and every error
 * path. Models are built here with the protobuf-c structs generated from onnx.proto and packed
 * to bytes, so no Python runs at test time. The float graph the importer produces is checked
 * against the op's definition (docs/Operators.md of ONNX) computed directly in this file.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../model/internal.h"
#include "onnx.pb-c.h"
#include "ozk/error.h"
#include "ozk/model.h"
#include "testutil.h"

/* ---- an arena for the messages of one test --------------------------------------------------- */

static void **g_arena;
static size_t g_narena, g_caparena;

static void *A(size_t n)
{
    if (g_narena == g_caparena) {
        g_caparena = g_caparena ? 2 * g_caparena : 256;
        g_arena = realloc(g_arena, g_caparena * sizeof *g_arena);
        assert_non_null(g_arena);
    }
    void *p = calloc(1, n ? n : 1);
    assert_non_null(p);
    return g_arena[g_narena++] = p;
}

static void arena_free(void)
{
    for (size_t k = 0; k < g_narena; k++) free(g_arena[k]);
    g_narena = 0;
}

static char *S(const char *s)
{
    char *p = A(strlen(s) + 1);
    strcpy(p, s);
    return p;
}

/* ---- message builders ------------------------------------------------------------------------ */

enum { RAW = 1, TYPED = 0 };

static size_t numel(const int64_t *dims, size_t nd)
{
    size_t n = 1;
    for (size_t k = 0; k < nd; k++) n *= (size_t)dims[k];
    return n;
}

static Onnx__TensorProto *T(const char *name, int dtype, const int64_t *dims, size_t nd,
                            const void *vals, int raw)
{
    Onnx__TensorProto *t = A(sizeof *t);
    onnx__tensor_proto__init(t);
    t->name = S(name);
    t->n_dims = nd;
    t->dims = A(nd * sizeof *t->dims);
    if (nd) memcpy(t->dims, dims, nd * sizeof *dims);
    t->has_data_type = 1, t->data_type = dtype;
    size_t n = numel(dims, nd);
    size_t size = dtype == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE ||
                          dtype == ONNX__TENSOR_PROTO__DATA_TYPE__INT64
                      ? 8
                      : 4;
    if (raw) { /* little-endian, as ONNX stores raw_data */
        uint8_t *b = A(n * size);
        for (size_t k = 0; k < n; k++) {
            uint64_t bits = 0;
            memcpy(&bits, (const uint8_t *)vals + k * size, size);
            for (size_t i = 0; i < size; i++) b[k * size + i] = (uint8_t)(bits >> (8 * i));
        }
        t->has_raw_data = 1, t->raw_data.data = b, t->raw_data.len = n * size;
        return t;
    }
    switch (dtype) {
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
        t->n_float_data = n, t->float_data = A(n * 4), memcpy(t->float_data, vals, n * 4);
        break;
    case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE:
        t->n_double_data = n, t->double_data = A(n * 8), memcpy(t->double_data, vals, n * 8);
        break;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT64:
        t->n_int64_data = n, t->int64_data = A(n * 8), memcpy(t->int64_data, vals, n * 8);
        break;
    default:
        t->n_int32_data = n, t->int32_data = A(n * 4), memcpy(t->int32_data, vals, n * 4);
        break;
    }
    return t;
}

static Onnx__TensorProto *TF(const char *name, const int64_t *dims, size_t nd, const float *v)
{
    return T(name, ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, dims, nd, v, RAW);
}

static Onnx__TensorProto *TI(const char *name, const int64_t *v, size_t n)
{
    int64_t d[1] = { (int64_t)n };
    return T(name, ONNX__TENSOR_PROTO__DATA_TYPE__INT64, d, 1, v, RAW);
}

static Onnx__AttributeProto *AT(const char *name, int type)
{
    Onnx__AttributeProto *a = A(sizeof *a);
    onnx__attribute_proto__init(a);
    a->name = S(name);
    a->has_type = 1, a->type = type;
    return a;
}

static Onnx__AttributeProto *AF(const char *name, float f)
{
    Onnx__AttributeProto *a = AT(name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
    a->has_f = 1, a->f = f;
    return a;
}

static Onnx__AttributeProto *AI(const char *name, int64_t i)
{
    Onnx__AttributeProto *a = AT(name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
    a->has_i = 1, a->i = i;
    return a;
}

static Onnx__AttributeProto *ATN(const char *name, Onnx__TensorProto *t)
{
    Onnx__AttributeProto *a = AT(name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR);
    a->t = t;
    return a;
}

static Onnx__AttributeProto *AINTS(const char *name, const int64_t *v, size_t n)
{
    Onnx__AttributeProto *a = AT(name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
    a->n_ints = n, a->ints = A(n * 8);
    memcpy(a->ints, v, n * 8);
    return a;
}

static Onnx__AttributeProto *AFLOATS(const char *name, const float *v, size_t n)
{
    Onnx__AttributeProto *a = AT(name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS);
    a->n_floats = n, a->floats = A(n * 4);
    memcpy(a->floats, v, n * 4);
    return a;
}

/* A node: inputs a comma-separated list ("x,W," keeps an empty optional third), attributes a
 * NULL-terminated list. */
static Onnx__NodeProto *N(const char *op, const char *name, const char *ins, const char *out, ...)
{
    Onnx__NodeProto *n = A(sizeof *n);
    onnx__node_proto__init(n);
    n->op_type = S(op);
    n->name = S(name);
    n->input = A(16 * sizeof(char *));
    if (ins[0]) {
        const char *p = ins;
        for (;;) {
            const char *c = strchr(p, ',');
            size_t l = c ? (size_t)(c - p) : strlen(p);
            char *s = A(l + 1);
            memcpy(s, p, l);
            n->input[n->n_input++] = s;
            if (!c) break;
            p = c + 1;
        }
    }
    n->n_output = 1;
    n->output = A(sizeof(char *));
    n->output[0] = S(out);
    n->attribute = A(16 * sizeof *n->attribute);
    va_list ap;
    va_start(ap, out);
    Onnx__AttributeProto *a;
    while ((a = va_arg(ap, Onnx__AttributeProto *))) n->attribute[n->n_attribute++] = a;
    va_end(ap);
    return n;
}

/* A value info; a dimension of -1 is dim_param "batch", -2 is a dimension with neither value. */
static Onnx__ValueInfoProto *VI(const char *name, int elem, const int64_t *dims, size_t nd)
{
    Onnx__ValueInfoProto *v = A(sizeof *v);
    onnx__value_info_proto__init(v);
    v->name = S(name);
    Onnx__TypeProto *t = A(sizeof *t);
    onnx__type_proto__init(t);
    Onnx__TypeProto__Tensor *tt = A(sizeof *tt);
    onnx__type_proto__tensor__init(tt);
    tt->has_elem_type = 1, tt->elem_type = elem;
    Onnx__TensorShapeProto *sh = A(sizeof *sh);
    onnx__tensor_shape_proto__init(sh);
    sh->n_dim = nd;
    sh->dim = A(nd * sizeof *sh->dim);
    for (size_t k = 0; k < nd; k++) {
        Onnx__TensorShapeProto__Dimension *d = A(sizeof *d);
        onnx__tensor_shape_proto__dimension__init(d);
        if (dims[k] == -1) {
            d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
            d->dim_param = S("batch");
        } else if (dims[k] >= 0) {
            d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
            d->dim_value = dims[k];
        }
        sh->dim[k] = d;
    }
    tt->shape = sh;
    t->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    t->tensor_type = tt;
    v->type = t;
    return v;
}

typedef struct {
    Onnx__NodeProto *nodes[32];
    size_t nn;
    Onnx__TensorProto *inits[32];
    size_t ni;
    Onnx__ValueInfoProto *ins[4];
    size_t nin;
    Onnx__ValueInfoProto *outs[4];
    size_t nout;
    int64_t opset;
    const char *domain;
} G;

static G *graph(const int64_t *in_dims, size_t nd)
{
    G *g = A(sizeof *g);
    g->opset = 13;
    g->domain = "";
    g->ins[g->nin++] = VI("x", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, in_dims, nd);
    return g;
}

static void node(G *g, Onnx__NodeProto *n)
{
    g->nodes[g->nn++] = n;
}

static void init(G *g, Onnx__TensorProto *t)
{
    g->inits[g->ni++] = t;
}

static void output(G *g, const char *name)
{
    Onnx__ValueInfoProto *v = A(sizeof *v);
    onnx__value_info_proto__init(v);
    v->name = S(name);
    g->outs[g->nout++] = v;
}

static uint8_t *pack(const G *g, size_t *len)
{
    Onnx__GraphProto gp;
    onnx__graph_proto__init(&gp);
    gp.name = S("g");
    gp.n_node = g->nn, gp.node = A(g->nn * sizeof *gp.node);
    memcpy(gp.node, g->nodes, g->nn * sizeof *gp.node);
    gp.n_initializer = g->ni, gp.initializer = A(g->ni * sizeof *gp.initializer);
    memcpy(gp.initializer, g->inits, g->ni * sizeof *gp.initializer);
    gp.n_input = g->nin, gp.input = A(g->nin * sizeof *gp.input);
    memcpy(gp.input, g->ins, g->nin * sizeof *gp.input);
    gp.n_output = g->nout, gp.output = A(g->nout * sizeof *gp.output);
    memcpy(gp.output, g->outs, g->nout * sizeof *gp.output);
    Onnx__OperatorSetIdProto op;
    onnx__operator_set_id_proto__init(&op);
    op.domain = S(g->domain);
    op.has_version = 1, op.version = g->opset;
    Onnx__OperatorSetIdProto *ops[1] = { &op };
    Onnx__ModelProto m;
    onnx__model_proto__init(&m);
    m.has_ir_version = 1, m.ir_version = 8;
    m.producer_name = S("ozk-test");
    m.graph = &gp;
    m.n_opset_import = g->opset ? 1 : 0, m.opset_import = ops;
    *len = onnx__model_proto__get_packed_size(&m);
    uint8_t *buf = A(*len);
    assert_int_equal(onnx__model_proto__pack(&m, buf), *len);
    return buf;
}

static char g_err[1024];

static int import(const G *g, ozk_fmodel **f)
{
    size_t len;
    uint8_t *buf = pack(g, &len);
    uint8_t h[32] = { 0 };
    return ozk_onnx_import(f, buf, len, h, g_err, sizeof g_err);
}

static ozk_fmodel *import_ok(const G *g)
{
    ozk_fmodel *f;
    int rc = import(g, &f);
    if (rc) fail_msg("import failed (%d): %s", rc, g_err);
    return f;
}

static void import_fails(const G *g, int code, const char *needle)
{
    ozk_fmodel *f = (ozk_fmodel *)1;
    int rc = import(g, &f);
    if (rc != code || !strstr(g_err, needle))
        fail_msg("import: rc %d (want %d), message '%s' (want '%s')", rc, code, g_err, needle);
    assert_null(f);
}

static void rand_floats(float *v, size_t n)
{
    for (size_t k = 0; k < n; k++) v[k] = (float)((double)test_rand_below(2001) / 1000.0 - 1.0);
}

/* ozk_fmodel_eval(f, x) == want, to rounding */
static void check_eval(const ozk_fmodel *f, const double *x, const double *want, size_t n_out)
{
    assert_int_equal(ozk_fmodel_output_len(f), n_out);
    double *y = malloc(n_out * sizeof *y);
    assert_int_equal(ozk_fmodel_eval(f, y, x), 0);
    for (size_t o = 0; o < n_out; o++)
        if (fabs(y[o] - want[o]) > 1e-9 * (1 + fabs(want[o])))
            fail_msg("output %zu: %.17g, want %.17g", o, y[o], want[o]);
    free(y);
}

/* ---- ops ------------------------------------------------------------------------------------- */

/* Gemm with every attribute: Y = alpha A' B' + beta C, the computed input on either side. */
static void test_gemm(void **state)
{
    (void)state;
    enum { K = 5, NN = 3 };
    float w[NN * K], c[NN];
    double x[K], want[NN];
    rand_floats(w, NN * K), rand_floats(c, NN);
    for (int k = 0; k < K; k++) x[k] = (double)test_rand_below(1000) / 100.0 - 5;
    /* transA, transB, computed input is B, C (0 none, 1 [N], 2 [1,N] or [N,1], 3 scalar,
     * 4 an empty third input), alpha, beta */
    static const struct {
        int ta, tb, act_b, cshape;
        float alpha, beta;
    } V[] = {
        { 0, 1, 0, 1, 1, 1 }, { 0, 0, 0, 1, 0.5f, 1 }, { 0, 1, 0, 1, 1, -2 },
        { 1, 0, 0, 1, 1, 1 }, { 0, 1, 0, 0, 1, 1 },    { 0, 0, 0, 2, 1, 1 },
        { 0, 0, 1, 2, 1, 1 }, { 1, 1, 1, 3, 2, 0.5f }, { 0, 1, 0, 3, 1, 1 },
        { 0, 1, 0, 4, 1, 1 },
    };
    for (size_t variant = 0; variant < sizeof V / sizeof V[0]; variant++) {
        double alpha = (double)V[variant].alpha, beta = (double)V[variant].beta;
        int transA = V[variant].ta, transB = V[variant].tb, act_b = V[variant].act_b;
        int cshape = V[variant].cshape;
        /* A act: [1,K] or [K,1] (transA); W [NN,K] (transB) or [K,NN]
         * B act: [K,1] or [1,K] (transB); W [NN,K] or [K,NN] (transA) */
        int64_t xd[2], wd[2];
        float wt[NN * K];
        if (!act_b) {
            xd[0] = transA ? K : 1, xd[1] = transA ? 1 : K;
            wd[0] = transB ? NN : K, wd[1] = transB ? K : NN;
            for (int o = 0; o < NN; o++)
                for (int k = 0; k < K; k++) wt[transB ? o * K + k : k * NN + o] = w[o * K + k];
        } else {
            xd[0] = transB ? 1 : K, xd[1] = transB ? K : 1;
            wd[0] = transA ? K : NN, wd[1] = transA ? NN : K;
            for (int o = 0; o < NN; o++)
                for (int k = 0; k < K; k++) wt[transA ? k * NN + o : o * K + k] = w[o * K + k];
        }
        G *g = graph(xd, 2);
        init(g, TF("W", wd, 2, wt));
        int64_t cd[2] = { act_b ? NN : 1, act_b ? 1 : NN };
        int64_t c1[1] = { NN };
        if (cshape == 1) init(g, TF("C", c1, 1, c));   /* [N] */
        if (cshape == 2) init(g, TF("C", cd, 2, c));   /* [1,N] or [N,1] */
        if (cshape == 3) init(g, TF("C", NULL, 0, c)); /* a scalar */
        const char *ins = act_b ? (cshape == 0   ? "W,x"
                                   : cshape == 4 ? "W,x,"
                                                 : "W,x,C")
                                : (cshape == 0   ? "x,W"
                                   : cshape == 4 ? "x,W,"
                                                 : "x,W,C");
        node(g, N("Gemm", "gemm", ins, "y", NULL));
        Onnx__NodeProto *n = g->nodes[0];
        if (alpha != 1) n->attribute[n->n_attribute++] = AF("alpha", (float)alpha);
        if (beta != 1) n->attribute[n->n_attribute++] = AF("beta", (float)beta);
        if (transA) n->attribute[n->n_attribute++] = AI("transA", 1);
        if (transB) n->attribute[n->n_attribute++] = AI("transB", 1);
        if (variant == 0) n->attribute[n->n_attribute++] = AI("transA", 0); /* explicit default */
        output(g, "y");
        for (int o = 0; o < NN; o++) {
            double acc = 0;
            for (int k = 0; k < K; k++) acc += (double)w[o * K + k] * x[k];
            double cv = cshape == 0 || cshape == 4 ? 0 : (double)(cshape == 3 ? c[0] : c[o]);
            want[o] = alpha * acc + beta * cv;
        }
        ozk_fmodel *f = import_ok(g);
        assert_int_equal(ozk_fmodel_input_len(f), K);
        assert_int_equal(f->n_layers, 1);
        assert_int_equal(f->layers[0].kind, OZK_LAYER_DENSE);
        assert_int_equal(f->out_ndim, 2);
        assert_int_equal(f->out_dims[act_b ? 0 : 1], NN);
        check_eval(f, x, want, NN);
        ozk_fmodel_free(f);
        arena_free();
    }
}

/* MatMul (either side constant, vectors of rank 1 and 2) with its bias Add in either order and
 * shape, a ReLU folded in, and shapes that are not powers of two. */
static void test_matmul_add(void **state)
{
    (void)state;
    enum { K = 7, M = 5 };
    float w[M * K], wt[K * M], b[M];
    double x[K], want[M];
    rand_floats(w, M * K), rand_floats(b, M);
    for (int o = 0; o < M; o++)
        for (int k = 0; k < K; k++) wt[k * M + o] = w[o * K + k];
    for (int k = 0; k < K; k++) x[k] = (double)test_rand_below(1000) / 100.0 - 5;
    for (int variant = 0; variant < 6; variant++) {
        int xrank = variant == 1 || variant == 3 ? 1 : 2, wleft = variant >= 3;
        int64_t xd[2] = { 1, K }, wdl[2] = { M, K }, wdr[2] = { K, M };
        if (xrank == 1) xd[0] = K;
        if (wleft && xrank == 2) xd[0] = K, xd[1] = 1;
        /* the bias: [M] for vectors (and variant 2), [1,M] for rows, [M,1] for columns */
        int64_t bd[2] = { wleft ? M : 1, wleft ? 1 : M }, b1[1] = { M };
        int brank = variant == 2 || xrank == 1 ? 1 : 2;
        G *g = graph(xd, (size_t)xrank);
        init(g, wleft ? TF("W", wdl, 2, w) : TF("W", wdr, 2, wt));
        init(g, TF("b", brank == 1 ? b1 : bd, (size_t)brank, b));
        node(g, N("MatMul", "mm", wleft ? "W,x" : "x,W", "h", NULL));
        node(g, N("Add", "bias", variant % 2 ? "b,h" : "h,b", "z", NULL));
        node(g, N("Relu", "relu", "z", "y", NULL));
        output(g, "y");
        for (int o = 0; o < M; o++) {
            double acc = 0;
            for (int k = 0; k < K; k++) acc += (double)w[o * K + k] * x[k];
            acc += (double)b[o];
            want[o] = acc > 0 ? acc : 0;
        }
        ozk_fmodel *f = import_ok(g);
        assert_int_equal(f->n_layers, 1); /* bias and ReLU folded into the dense layer */
        assert_int_equal(f->layers[0].relu, 1);
        check_eval(f, x, want, M);
        ozk_fmodel_free(f);
        arena_free();
    }
}

/* Residual Add, ReLU folded into an add, and ReLUs that cannot be folded (on the input, and on
 * a tensor something else reads too). */
static void test_residual_and_relu(void **state)
{
    (void)state;
    enum { D = 6 };
    float w1[D * D], w2[D * D];
    double x[D], h1[D], h2[D], want[D];
    rand_floats(w1, D * D), rand_floats(w2, D * D);
    for (int k = 0; k < D; k++) x[k] = (double)test_rand_below(1000) / 100.0 - 5;
    int64_t xd[2] = { 1, D }, wd[2] = { D, D };
    G *g = graph(xd, 2);
    init(g, TF("W1", wd, 2, w1));
    init(g, TF("W2", wd, 2, w2));
    node(g, N("Relu", "r0", "x", "xr", NULL)); /* on the input: a relu layer */
    node(g, N("Gemm", "g1", "xr,W1", "a", AI("transB", 1), NULL));
    node(g, N("Relu", "r1", "a", "h1", NULL)); /* folded into g1 */
    node(g, N("Gemm", "g2", "h1,W2", "p", AI("transB", 1), NULL));
    node(g, N("Relu", "r2", "p", "h2", NULL)); /* p is read twice: a relu layer */
    node(g, N("Add", "res", "h1,h2", "s", NULL));
    node(g, N("Add", "res2", "s,p", "s2", NULL));
    node(g, N("Relu", "r3", "s2", "y", NULL)); /* folded into res2 */
    output(g, "y");
    double xr[D], p[D];
    for (int k = 0; k < D; k++) xr[k] = x[k] > 0 ? x[k] : 0;
    for (int o = 0; o < D; o++) {
        double a = 0;
        for (int k = 0; k < D; k++) a += (double)w1[o * D + k] * xr[k];
        h1[o] = a > 0 ? a : 0;
    }
    for (int o = 0; o < D; o++) {
        double a = 0;
        for (int k = 0; k < D; k++) a += (double)w2[o * D + k] * h1[k];
        p[o] = a, h2[o] = a > 0 ? a : 0;
    }
    for (int o = 0; o < D; o++) {
        double s = h1[o] + h2[o] + p[o];
        want[o] = s > 0 ? s : 0;
    }
    ozk_fmodel *f = import_ok(g);
    static const uint32_t kinds[] = { OZK_LAYER_RELU, OZK_LAYER_DENSE, OZK_LAYER_DENSE,
                                      OZK_LAYER_RELU, OZK_LAYER_ADD,   OZK_LAYER_ADD };
    assert_int_equal(f->n_layers, 6);
    for (size_t j = 0; j < 6; j++) assert_int_equal(f->layers[j].kind, kinds[j]);
    assert_int_equal(f->layers[1].relu, 1);
    assert_int_equal(f->layers[2].relu, 0);
    assert_int_equal(f->layers[5].relu, 1);
    check_eval(f, x, want, D);

    /* and the whole graph quantizes and runs close to float */
    enum { NCAL = 40 };
    double cal[NCAL * D];
    for (size_t k = 0; k < NCAL * D; k++) cal[k] = (double)test_rand_below(1000) / 100.0 - 5;
    memcpy(cal, x, sizeof x);
    ozk_model *m;
    char err[512];
    if (ozk_quantize(&m, f, cal, NCAL, err, sizeof err)) fail_msg("%s", err);
    assert_int_equal(m->layers[0].M, 2); /* the standalone ReLU: identity on its scale */
    assert_int_equal(m->layers[0].s, 1);
    assert_int_equal(m->layers[0].L, 0);
    assert_true(m->layers[4].ka >= 1 && m->layers[4].kb >= 1);
    assert_int_equal(m->out_dtype, OZK_DTYPE_INT8); /* the last layer has a ReLU */
    int8_t q[D];
    int32_t y[D];
    uint8_t *work = malloc(ozk_model_work_size(m));
    assert_int_equal(ozk_model_quantize_input(m, q, x, D, err, sizeof err), 0);
    ozk_model_infer(m, y, q, work);
    double top = 0;
    for (int o = 0; o < D; o++) top = fmax(top, fabs(want[o]));
    for (int o = 0; o < D; o++)
        if (fabs(y[o] * m->out_scale - want[o]) > 0.08 * top + 4 * m->out_scale)
            fail_msg("output %d: quantized %g, float %g", o, y[o] * m->out_scale, want[o]);
    free(work);
    ozk_model_free(m);
    ozk_fmodel_free(f);
    arena_free();
}

/* Flatten (every axis), Reshape (0, -1, allowzero, shapes from an initializer or a Constant),
 * Identity, and Constant in each of its forms. */
static void test_shape_ops(void **state)
{
    (void)state;
    enum { NIN = 24, NO = 3 };
    float w[NO * NIN], b[NO];
    double x[NIN], want[NO];
    rand_floats(w, NO * NIN), rand_floats(b, NO);
    for (int k = 0; k < NIN; k++) x[k] = (double)test_rand_below(1000) / 100.0 - 5;
    for (int o = 0; o < NO; o++) {
        double a = (double)b[o];
        for (int k = 0; k < NIN; k++) a += (double)w[o * NIN + k] * x[k];
        want[o] = a;
    }
    int64_t xd[4] = { 1, 2, 3, 4 }, wd[2] = { NO, NIN }, bd[1] = { NO };
    for (int variant = 0; variant < 9; variant++) {
        G *g = graph(xd, 4);
        init(g, TF("W", wd, 2, w));
        int64_t shape[2] = { variant == 3 ? 0 : 1, -1 };
        switch (variant) {
        case 0:
            node(g, N("Flatten", "fl", "x", "f", NULL));
            break; /* axis 1 by default */
        case 1:
            node(g, N("Flatten", "fl", "x", "f", AI("axis", 0), NULL));
            break;
        case 2:
            node(g, N("Flatten", "fl", "x", "f", AI("axis", 4), NULL));
            break; /* [24,1] */
        case 3:    /* [0,-1] */
        case 4:
            init(g, TI("shape", shape, 2));
            node(g, N("Reshape", "rs", "x,shape", "f", NULL));
            break;
        case 5: { /* a Constant node's value_ints, with allowzero=1 and no zero */
            int64_t s2[2] = { 1, NIN };
            node(g, N("Constant", "c", "", "shape", AINTS("value_ints", s2, 2), NULL));
            node(g, N("Reshape", "rs", "x,shape", "f", AI("allowzero", 1), NULL));
            break;
        }
        case 6: { /* a Constant node's tensor, INT32 in int32_data */
            int32_t s3[3] = { 1, 1, NIN };
            int64_t d1[1] = { 3 };
            node(g, N("Constant", "c", "", "shape",
                      ATN("value", T("", ONNX__TENSOR_PROTO__DATA_TYPE__INT32, d1, 1, s3, TYPED)),
                      NULL));
            node(g, N("Reshape", "rs", "x,shape", "r3", NULL));
            node(g, N("Identity", "id", "r3", "f", NULL)); /* [1,1,24] @ W^T below */
            break;
        }
        case 7: /* Flatten with a negative axis: axis -3 of rank 4 is axis 1 */
            node(g, N("Flatten", "fl", "x", "f", AI("axis", -3), NULL));
            break;
        default: /* Identity twice */
            node(g, N("Flatten", "fl", "x", "f0", NULL));
            node(g, N("Identity", "id", "f0", "f1", NULL));
            node(g, N("Identity", "id2", "f1", "f", NULL));
            break;
        }
        if (variant == 6) {
            /* MatMul wants W [24, 3]: give its transpose */
            float wt[NIN * NO];
            int64_t wtd[2] = { NIN, NO };
            for (int o = 0; o < NO; o++)
                for (int k = 0; k < NIN; k++) wt[k * NO + o] = w[o * NIN + k];
            init(g, TF("Wt", wtd, 2, wt));
            node(g, N("MatMul", "mm", "f,Wt", "h", NULL));
            node(g, N("Constant", "cb", "", "b", AFLOATS("value_floats", b, NO),
                      NULL)); /* the bias as value_floats */
            node(g, N("Add", "add", "h,b", "y", NULL));
        } else {
            init(g, TF("b", bd, 1, b));
            node(g, N("Gemm", "gm", "f,W,b", "y", AI("transB", 1),
                      variant == 2 ? AI("transA", 1) : NULL, NULL));
        }
        output(g, "y");
        ozk_fmodel *f = import_ok(g);
        assert_int_equal(f->n_in, NIN);
        assert_int_equal(f->in_ndim, 4);
        assert_int_equal(f->n_layers, 1);
        check_eval(f, x, want, NO);
        ozk_fmodel_free(f);
        arena_free();
    }
    /* a scalar Constant (value_float) as a bias, and a Constant tensor as a weight */
    {
        int64_t xd2[2] = { 1, 2 }, w2d[2] = { 2, 1 };
        float w2[2] = { 3, -4 };
        G *g = graph(xd2, 2);
        node(g, N("Constant", "cw", "", "W", ATN("value", TF("", w2d, 2, w2)), NULL));
        node(g, N("Constant", "cb", "", "b", AF("value_float", 0.25f), NULL));
        node(g, N("MatMul", "mm", "x,W", "h", NULL));
        node(g, N("Add", "add", "b,h", "y", NULL));
        output(g, "y");
        ozk_fmodel *f = import_ok(g);
        double xi[2] = { 1, 2 }, wy[1] = { 3 - 8 + 0.25 };
        check_eval(f, xi, wy, 1);
        ozk_fmodel_free(f);
        arena_free();
    }
}

/* The initializer forms PyTorch and other exporters write: raw_data, float_data, double. */
static void test_initializer_forms(void **state)
{
    (void)state;
    enum { K = 3, M = 2 };
    float w[M * K] = { 1.5f, -2, 0.25f, 4, 5, -6 }, b[M] = { 0.5f, -1 };
    double wdbl[M * K], bdbl[M], x[K] = { 1, 2, 3 }, want[M];
    for (int k = 0; k < M * K; k++) wdbl[k] = (double)w[k];
    for (int k = 0; k < M; k++) bdbl[k] = (double)b[k];
    for (int o = 0; o < M; o++)
        want[o] = bdbl[o] + wdbl[o * K] * x[0] + wdbl[o * K + 1] * x[1] + wdbl[o * K + 2] * x[2];
    int64_t xd[2] = { 1, K }, wd[2] = { M, K }, bd[1] = { M };
    for (int form = 0; form < 4; form++) {
        G *g = graph(xd, 2);
        int dt = form >= 2 ? ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE
                           : ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
        const void *wv = form >= 2 ? (const void *)wdbl : (const void *)w;
        const void *bv = form >= 2 ? (const void *)bdbl : (const void *)b;
        init(g, T("W", dt, wd, 2, wv, form % 2 ? TYPED : RAW));
        init(g, T("b", dt, bd, 1, bv, form % 2 ? TYPED : RAW));
        /* initializers listed among the graph inputs too, as older exporters did */
        g->ins[g->nin++] = VI("W", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, wd, 2);
        node(g, N("Gemm", "", "x,W,b", "y", AI("transB", 1), NULL)); /* an unnamed node */
        output(g, "y");
        ozk_fmodel *f = import_ok(g);
        assert_string_equal(f->layers[0].name, "Gemm");
        check_eval(f, x, want, M);
        ozk_fmodel_free(f);
        arena_free();
    }
    /* every opset from 11 to 17 imports; the domain may be spelled "ai.onnx" */
    for (int64_t opset = OZK_OPSET_MIN; opset <= OZK_OPSET_MAX; opset++) {
        G *g = graph(xd, 2);
        g->opset = opset;
        g->domain = opset == 17 ? "ai.onnx" : "";
        init(g, TF("W", wd, 2, w));
        node(g, N("Gemm", "g", "x,W", "y", AI("transB", 1), NULL));
        output(g, "y");
        ozk_fmodel *f = import_ok(g);
        assert_int_equal(f->opset, opset);
        ozk_fmodel_free(f);
        arena_free();
    }
}

/* ---- errors ---------------------------------------------------------------------------------- */

/* A valid base: x [1,4] -> Gemm(W [3,4], transB) -> y */
static G *base(void)
{
    static const float w[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
    int64_t xd[2] = { 1, 4 }, wd[2] = { 3, 4 };
    G *g = graph(xd, 2);
    init(g, TF("W", wd, 2, w));
    return g;
}

static void gemm_out(G *g)
{
    node(g, N("Gemm", "fc", "x,W", "y", AI("transB", 1), NULL));
    output(g, "y");
}

static void test_errors(void **state)
{
    (void)state;
    G *g;
    int64_t d2[2] = { 1, 4 }, d3[2] = { 3, 4 };
    float v3[3] = { 1, 2, 3 }, v12[12] = { 0 };

    /* the base imports */
    g = base(), gemm_out(g);
    ozk_fmodel_free(import_ok(g));

    /* unsupported op, attribute, attribute value, domain */
    g = base();
    node(g, N("Conv", "conv1", "x,W", "y", NULL));
    output(g, "y");
    import_fails(g, OZK_ENOTSUP, "node 'conv1' (Conv): op 'Conv' is not supported");
    g = base();
    node(g, N("Gemm", "fc", "x,W", "y", AI("transB", 1), AI("broadcast", 1), NULL));
    output(g, "y");
    import_fails(g, OZK_ENOTSUP, "node 'fc' (Gemm): attribute 'broadcast' is not supported");
    g = base();
    node(g, N("Gemm", "fc", "x,W", "y", AI("transB", 2), NULL));
    output(g, "y");
    import_fails(g, OZK_ENOTSUP, "transA=0, transB=2: only 0 and 1 are supported");
    g = base();
    node(g, N("Gemm", "fc", "x,W", "y", AF("transB", 1), NULL));
    output(g, "y");
    import_fails(g, OZK_EINVAL, "attribute 'transB' has the wrong type");
    g = base();
    node(g, N("Gemm", "fc", "x,W", "y", AI("transB", 1), AF("alpha", NAN), NULL));
    output(g, "y");
    import_fails(g, OZK_EINVAL, "alpha and beta must be finite");
    g = base();
    node(g, N("Flatten", "fl", "x", "f", AI("axis", 3), NULL));
    output(g, "f");
    import_fails(g, OZK_EINVAL, "node 'fl' (Flatten): axis=3 is outside [-2, 2]");
    g = base();
    node(g, N("Constant", "c", "", "k",
              AT("sparse_value", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__SPARSE_TENSOR), NULL));
    gemm_out(g);
    import_fails(g, OZK_ENOTSUP, "node 'c' (Constant): attribute 'sparse_value' is not supported");
    g = base();
    g->nodes[g->nn++] = N("Relu", "r", "x", "y", NULL);
    g->nodes[0]->domain = S("com.microsoft");
    output(g, "y");
    import_fails(g, OZK_ENOTSUP, "is in domain 'com.microsoft'");
    g = base();
    node(g, N("Relu", "r", "x", "y", NULL));
    g->nodes[0]->n_output = 2;
    g->nodes[0]->output = A(2 * sizeof(char *));
    g->nodes[0]->output[0] = S("y"), g->nodes[0]->output[1] = S("mask");
    output(g, "y");
    import_fails(g, OZK_ENOTSUP, "has 2 outputs");
    g = base();
    node(g, N("Relu", "r", "x,W", "y", NULL));
    output(g, "y");
    import_fails(g, OZK_EINVAL, "node 'r' (Relu) has 2 inputs; expected 1");

    /* dtypes */
    g = base();
    init(g, T("h", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16, d2, 2, v12, RAW));
    gemm_out(g);
    import_fails(g, OZK_ENOTSUP, "initializer 'h' has dtype FLOAT16 (10), which is not supported");
    g = base();
    g->ins[0] = VI("x", ONNX__TENSOR_PROTO__DATA_TYPE__INT64, d2, 2);
    gemm_out(g);
    import_fails(g, OZK_ENOTSUP, "input 'x' has dtype INT64; ozk supports FLOAT inputs");
    {
        int64_t wi[12] = { 0 };
        int64_t xd[2] = { 1, 4 };
        g = graph(xd, 2);
        init(g, T("W", ONNX__TENSOR_PROTO__DATA_TYPE__INT64, d3, 2, wi, RAW));
        gemm_out(g);
        import_fails(g, OZK_ENOTSUP, "node 'fc' (Gemm): input B 'W' is an integer tensor");
    }

    /* dynamic shapes */
    {
        int64_t dyn[2] = { -1, 4 }, unk[2] = { 1, -2 };
        g = base(), g->ins[0] = VI("x", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, dyn, 2), gemm_out(g);
        import_fails(g, OZK_ENOTSUP, "input 'x' has a dynamic dimension 'batch' at axis 0");
        g = base(), g->ins[0] = VI("x", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, unk, 2), gemm_out(g);
        import_fails(g, OZK_ENOTSUP, "input 'x' has a dynamic dimension (unknown) at axis 1");
        g = base(), g->ins[0] = VI("x", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, unk, 0), gemm_out(g);
        import_fails(g, OZK_ENOTSUP, "input 'x' has rank 0");
        g = base();
        node(g, N("Relu", "r", "x", "s", NULL));
        node(g, N("Reshape", "rs", "x,s", "f", NULL));
        output(g, "f");
        import_fails(g, OZK_ENOTSUP,
                     "node 'rs' (Reshape): the shape must be a constant 1-D "
                     "INT64 tensor; a shape computed at run time (dynamic shape)");
    }

    /* opsets */
    g = base(), g->opset = 10, gemm_out(g);
    import_fails(g, OZK_ENOTSUP, "the model uses ONNX opset 10; ozk imports opsets 11 to 17");
    g = base(), g->opset = 18, gemm_out(g);
    import_fails(g, OZK_ENOTSUP, "opset 18");
    g = base(), g->opset = 0, gemm_out(g);
    import_fails(g, OZK_EINVAL, "imports no opset of the default ONNX domain");
    g = base(), g->domain = "ai.onnx.ml", gemm_out(g);
    import_fails(g, OZK_EINVAL, "imports no opset of the default ONNX domain");

    /* NaN and infinity in weights, in every place weights come from */
    {
        float bad[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
        bad[7] = NAN;
        g = graph(d2, 2), init(g, TF("W", d3, 2, bad)), gemm_out(g);
        import_fails(g, OZK_EINVAL, "initializer 'W' holds NaN at index 7: weights must be finite");
        bad[7] = -INFINITY;
        g = graph(d2, 2);
        init(g, T("W", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, d3, 2, bad, TYPED));
        gemm_out(g);
        import_fails(g, OZK_EINVAL, "initializer 'W' holds an infinity at index 7");
        double bd[12] = { 0 };
        bd[0] = (double)NAN;
        g = graph(d2, 2);
        init(g, T("W", ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE, d3, 2, bd, RAW));
        gemm_out(g);
        import_fails(g, OZK_EINVAL, "holds NaN at index 0");
        g = base();
        node(g, N("Constant", "cb", "", "b", AF("value_float", INFINITY), NULL));
        node(g, N("Gemm", "fc", "x,W,b", "y", AI("transB", 1), NULL));
        output(g, "y");
        import_fails(g, OZK_EINVAL, "node 'cb' (Constant) holds an infinity");
    }

    /* mismatched shapes */
    g = base();
    node(g, N("Gemm", "fc", "x,W", "y", NULL)); /* x [1,4] times W [3,4] without transB */
    output(g, "y");
    import_fails(g, OZK_EINVAL, "node 'fc' (Gemm): mismatched shapes: A' is [1,4] and B' is [3,4]");
    g = base();
    init(g, TF("C", d2, 2, v12)); /* C [1,4] cannot broadcast to [1,3] */
    node(g, N("Gemm", "fc", "x,W,C", "y", AI("transB", 1), NULL));
    output(g, "y");
    import_fails(g, OZK_EINVAL,
                 "mismatched shapes: C [1,4] does not broadcast to the output [1,3]");
    g = base();
    node(g, N("MatMul", "mm", "x,W", "y", NULL));
    output(g, "y");
    import_fails(g, OZK_EINVAL, "node 'mm' (MatMul): mismatched shapes: A [1,4] and B [3,4]");
    {
        int64_t s[2] = { 5, -1 }, s2[3] = { -1, -1, 2 };
        g = base(), init(g, TI("s", s, 2));
        node(g, N("Reshape", "rs", "x,s", "f", NULL)), output(g, "f");
        import_fails(g, OZK_EINVAL, "node 'rs' (Reshape): mismatched shapes: cannot reshape [1,4]");
        g = base(), init(g, TI("s", s2, 3));
        node(g, N("Reshape", "rs", "x,s", "f", NULL)), output(g, "f");
        import_fails(g, OZK_EINVAL, "the shape has more than one -1");
    }
    g = base();
    init(g, TF("v", (int64_t[]){ 3 }, 1, v3));
    node(g, N("Gemm", "fc", "x,W", "h", AI("transB", 1), NULL));
    node(g, N("Add", "add", "h,v", "a", NULL));
    node(g, N("Add", "add2", "a,x", "y", NULL)); /* [1,3] + [1,4] */
    output(g, "y");
    import_fails(g, OZK_EINVAL,
                 "node 'add2' (Add): mismatched shapes: [1,3] and [1,4] do not broadcast");
    g = base();
    init(g, TF("v", (int64_t[]){ 2, 4 }, 2, v12)); /* would enlarge [1,4] to [2,4] */
    node(g, N("Add", "add", "x,v", "y", NULL));
    output(g, "y");
    import_fails(g, OZK_EINVAL, "the constant [2,4] would enlarge the computed tensor [1,4]");
    g = base();
    node(g, N("Relu", "r", "x", "y", NULL));
    output(g, "y");
    g->outs[0] = VI("y", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, (int64_t[]){ 1, 5 }, 2);
    import_fails(g, OZK_EINVAL, "the graph declares output 'y' as [1,5] but computes [1,4]");
    g = graph(d2, 2);
    {
        Onnx__TensorProto *t = TF("W", d3, 2, v12);
        t->raw_data.len -= 4; /* one float short */
        init(g, t);
    }
    gemm_out(g);
    import_fails(g, OZK_EINVAL, "initializer 'W' has 11 values where its shape says 12");
    g = graph(d2, 2);
    init(g, T("W", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, d3, 2, v12, TYPED));
    g->inits[0]->n_float_data = 13;
    g->inits[0]->float_data = A(13 * 4);
    gemm_out(g);
    import_fails(g, OZK_EINVAL, "has 13 values where its shape says 12");

    /* what ozk cannot prove (yet) */
    g = base(), g->ins[0] = VI("x", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, (int64_t[]){ 2, 4 }, 2);
    gemm_out(g);
    import_fails(g, OZK_ENOTSUP, "holds a batch of 2 vectors; ozk supports a batch of 1");
    g = base(), g->ins[0] = VI("x", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, (int64_t[]){ 2, 4 }, 2);
    init(g, TF("Wt", (int64_t[]){ 4, 3 }, 2, v12));
    node(g, N("MatMul", "mm", "x,Wt", "y", NULL)), output(g, "y");
    import_fails(g, OZK_ENOTSUP, "node 'mm' (MatMul): A [2,4] is a batch of vectors");
    g = base();
    node(g, N("MatMul", "mm", "x,x", "y", NULL)), output(g, "y");
    import_fails(g, OZK_ENOTSUP, "the product of two computed tensors is not supported");
    g = base();
    node(g, N("Gemm", "fc", "W,W", "y", AI("transB", 1), NULL)), output(g, "y");
    import_fails(g, OZK_ENOTSUP, "both A and B are constants");
    g = base();
    node(g, N("Relu", "r", "x", "h", NULL));
    init(g, TF("b", (int64_t[]){ 4 }, 1, v12));
    node(g, N("Add", "addb", "h,b", "y", NULL)), output(g, "y");
    import_fails(g, OZK_ENOTSUP,
                 "node 'addb' (Add) adds a constant to a tensor that is not the "
                 "output of a MatMul or Gemm");
    g = base();
    init(g, TF("b", (int64_t[]){ 3 }, 1, v12));
    node(g, N("Gemm", "fc", "x,W", "h", AI("transB", 1), NULL));
    node(g, N("Relu", "r", "h", "hr", NULL));
    node(g, N("Add", "addb", "hr,b", "y", NULL)), output(g, "y"); /* a bias after the ReLU */
    import_fails(g, OZK_ENOTSUP, "node 'addb' (Add) adds a constant");
    g = base();
    node(g, N("Gemm", "fc", "x,W", "y", AI("transB", 1), NULL));
    node(g, N("Relu", "r", "x", "z", NULL)); /* z is never used */
    output(g, "y");
    import_fails(g, OZK_EINVAL, "the output of node 'r' (Relu) is never used");
    g = base(), g->ins[g->nin++] = VI("x2", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, d2, 2);
    gemm_out(g);
    import_fails(g, OZK_ENOTSUP, "the graph has 2 inputs; ozk supports exactly one");
    g = base(), gemm_out(g), output(g, "x");
    import_fails(g, OZK_ENOTSUP, "the graph has 2 outputs");
    g = base(), node(g, N("Identity", "i", "x", "y", NULL)), output(g, "y");
    import_fails(g, OZK_EINVAL, "the graph's output is its input");
    g = base(), output(g, "W");
    import_fails(g, OZK_ENOTSUP, "the graph's output 'W' is a constant");
    g = base(), node(g, N("Gemm", "fc", "x,Wmissing", "y", NULL)), output(g, "y");
    import_fails(g, OZK_EINVAL, "node 'fc' (Gemm) reads 'Wmissing', which no earlier node");
    g = base();
    node(g, N("Relu", "r2", "h", "y", NULL)); /* reads h before it is computed */
    node(g, N("Gemm", "fc", "x,W", "h", AI("transB", 1), NULL));
    output(g, "y");
    import_fails(g, OZK_EINVAL, "node 'r2' (Relu) reads 'h'");
    g = base();
    node(g, N("Relu", "r", "x", "W", NULL)); /* redefines an initializer */
    output(g, "W");
    import_fails(g, OZK_EINVAL, "value 'W' is defined twice");
    g = base(), node(g, N("Gemm", "fc", "x,W", "y", AI("transB", 1), NULL)), output(g, "nowhere");
    import_fails(g, OZK_EINVAL, "the graph's output 'nowhere' is not computed by any node");
    g = base();
    g->inits[0]->has_data_location = 1;
    g->inits[0]->data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
    gemm_out(g);
    import_fails(g, OZK_ENOTSUP, "initializer 'W' keeps its data in an external file");
    arena_free();
}

/* A truncated or corrupt file is an error at every length, never a crash or a success. */
static void test_truncated(void **state)
{
    (void)state;
    G *g = base();
    init(g, TF("b", (int64_t[]){ 3 }, 1, (float[]){ 1, 2, 3 }));
    node(g, N("Gemm", "fc", "x,W,b", "h", AI("transB", 1), AF("alpha", 2), NULL));
    node(g, N("Relu", "r", "h", "y", NULL));
    output(g, "y");
    size_t len;
    uint8_t *full = pack(g, &len), h[32] = { 0 };
    ozk_fmodel *f;
    assert_int_equal(ozk_onnx_import(&f, full, len, h, g_err, sizeof g_err), 0);
    ozk_fmodel_free(f);
    for (size_t cut = 0; cut < len; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1); /* exactly cut bytes, for ASan */
        memcpy(copy, full, cut);
        int rc = ozk_onnx_import(&f, copy, cut, h, g_err, sizeof g_err);
        if (rc >= 0) fail_msg("a file cut to %zu of %zu bytes imported", cut, len);
        assert_null(f);
        free(copy);
    }
    assert_int_equal(
        ozk_onnx_import(&f, (const uint8_t *)"\xff\xff\xff", 3, h, g_err, sizeof g_err),
        OZK_EINVAL);
    assert_non_null(strstr(g_err, "not a valid ONNX file"));
    /* random byte flips: any outcome but a crash (checked by the sanitizer build) */
    for (size_t k = 0; k < test_cases(2000); k++) {
        uint8_t *copy = malloc(len);
        memcpy(copy, full, len);
        size_t pos = (size_t)test_rand_below(len);
        copy[pos] ^= (uint8_t)(1 + test_rand_below(255));
        if (ozk_onnx_import(&f, copy, len, h, g_err, sizeof g_err) == 0) ozk_fmodel_free(f);
        free(copy);
    }
    arena_free();
}

static int teardown(void **state)
{
    (void)state;
    arena_free();
    free(g_arena);
    g_arena = NULL, g_caparena = 0;
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_gemm, teardown),
        cmocka_unit_test_teardown(test_matmul_add, teardown),
        cmocka_unit_test_teardown(test_residual_and_relu, teardown),
        cmocka_unit_test_teardown(test_shape_ops, teardown),
        cmocka_unit_test_teardown(test_initializer_forms, teardown),
        cmocka_unit_test_teardown(test_errors, teardown),
        cmocka_unit_test_teardown(test_truncated, teardown),
    };
    return TEST_RUN("model_onnx", tests);
}
