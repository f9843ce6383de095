/*
 * model/onnx.c: ONNX ModelProto -> float graph (ozk_fmodel).
 *
 * Parsing is protobuf-c's, over the onnx.proto that Debian's libonnx-dev installs (C generated
 * at build time into the build tree). Op semantics follow the ONNX operator specification
 * (github.com/onnx/onnx, docs/Operators.md) for opsets 11 to 17.
 *
 * Two passes. The first walks the nodes in their (topological) order and turns each into either
 * an alias (Identity, Reshape, Flatten: same data, another shape; Constant: a new constant) or a
 * proto-layer: dense (Gemm, MatMul), add of two computed tensors, add of a constant, relu. Every
 * proto-layer writes a new tensor. The second pass folds: an add of a constant into the dense
 * layer that produced its other input (as its bias), a relu into the layer that produced its
 * input (as the clamp at 0), each only when nothing else reads the tensor in between. What
 * cannot be folded and has no layer of its own (a constant added anywhere else) is refused.
 *
 * Values are tensors with a row-major shape; reshaping never moves data, so a computed tensor is
 * its flat vector plus a shape. Dense layers need a vector (every dimension but one is 1): a
 * batch larger than 1 is refused.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "onnx.pb-c.h"
#include "ozk/error.h"

#define MAX_RANK OZK_MODEL_MAX_DIMS

enum { V_ACT = 1, V_CONST = 2 };
enum { C_FLOAT = 1, C_INT = 2 };
enum { P_DENSE = 1, P_ADD = 2, P_ADDC = 3, P_RELU = 4 };

/* A named value of the graph: a computed tensor (activation) or a constant. */
typedef struct {
    const char *name; /* points into the unpacked message */
    int kind;         /* V_ACT, V_CONST */
    uint32_t ndim;
    int64_t dims[MAX_RANK];
    uint64_t numel;
    int ctype;          /* V_CONST: C_FLOAT (f) or C_INT (i) */
    const double *f;    /* V_CONST, C_FLOAT: numel values (arena) */
    const int64_t *i;   /* V_CONST, C_INT: numel values (arena) */
    const char *origin; /* V_CONST: what made it ("initializer", "Constant node"), for messages */
    uint32_t tensor;    /* V_ACT: proto-tensor id */
} value;

/* A proto-layer of the first pass. Proto-tensor 0 is the input; proto-layer k writes k + 1. */
typedef struct {
    int kind; /* P_* */
    const char *node, *op;
    uint32_t in[2];
    uint32_t n_in, n_out;
    double *w, *b, *c; /* DENSE: w, b; ADDC: c (the constant, expanded) */
    uint32_t relu;
    int folded;
} player;

typedef struct {
    char *err;
    size_t errlen;
    value *vals;
    size_t nvals, capvals;
    uint32_t *htab; /* open addressing: index + 1 into vals, 0 empty */
    size_t hcap;
    player *pl;
    size_t npl, cappl;
    void **arena;
    size_t narena, caparena;
} ictx;

/* ---- small helpers -------------------------------------------------------------------------- */

static void *arena_alloc(ictx *c, size_t n)
{
    if (c->narena == c->caparena) {
        size_t cap = c->caparena ? 2 * c->caparena : 64;
        void **a = realloc(c->arena, cap * sizeof *a);
        if (!a) return NULL;
        c->arena = a, c->caparena = cap;
    }
    void *p = malloc(n ? n : 1);
    if (p) c->arena[c->narena++] = p;
    return p;
}

static int nomem(ictx *c)
{
    ozk__errf(c->err, c->errlen, "out of memory while importing the ONNX graph");
    return OZK_ENOMEM;
}

static const char *nz(const char *s)
{
    return s ? s : "";
}

/* "node 'NAME' (OP)" into buf, for the start of a message. */
static const char *node_desc(char *buf, size_t cap, const Onnx__NodeProto *n, size_t idx)
{
    if (n->name && n->name[0])
        snprintf(buf, cap, "node '%s' (%s)", n->name, nz(n->op_type));
    else
        snprintf(buf, cap, "node #%zu (%s)", idx, nz(n->op_type));
    return buf;
}

static void shape_str(char *buf, size_t cap, const int64_t *dims, uint32_t ndim)
{
    size_t o = 0;
    o += (size_t)snprintf(buf + o, cap - o, "[");
    for (uint32_t i = 0; i < ndim && o < cap; i++)
        o += (size_t)snprintf(buf + o, cap - o, i ? ",%lld" : "%lld", (long long)dims[i]);
    if (o < cap) snprintf(buf + o, cap - o, "]");
}

static const char *dtype_name(int32_t t)
{
    static const char *const names[] = { "UNDEFINED",  "FLOAT",   "UINT8",  "INT8",   "UINT16",
                                         "INT16",      "INT32",   "INT64",  "STRING", "BOOL",
                                         "FLOAT16",    "DOUBLE",  "UINT32", "UINT64", "COMPLEX64",
                                         "COMPLEX128", "BFLOAT16" };
    if (t >= 0 && (size_t)t < sizeof names / sizeof names[0]) return names[t];
    return "unknown";
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) h = (h ^ (uint8_t)*s) * 1099511628211ULL;
    return h;
}

static value *lookup(ictx *c, const char *name)
{
    if (!c->hcap) return NULL;
    for (size_t k = hash_str(name) & (c->hcap - 1);; k = (k + 1) & (c->hcap - 1)) {
        uint32_t v = c->htab[k];
        if (!v) return NULL;
        if (!strcmp(c->vals[v - 1].name, name)) return &c->vals[v - 1];
    }
}

static int rehash(ictx *c, size_t cap)
{
    uint32_t *t = calloc(cap, sizeof *t);
    if (!t) return OZK_ENOMEM;
    for (size_t i = 0; i < c->nvals; i++) {
        size_t k = hash_str(c->vals[i].name) & (cap - 1);
        while (t[k]) k = (k + 1) & (cap - 1);
        t[k] = (uint32_t)(i + 1);
    }
    free(c->htab);
    c->htab = t, c->hcap = cap;
    return 0;
}

/* Defines a value (names are single-assignment in ONNX). Returns the stored copy or NULL with
 * the error written. */
static value *define(ictx *c, const value *v, int *rc)
{
    if (!v->name || !v->name[0]) {
        ozk__errf(c->err, c->errlen, "a value has an empty name");
        *rc = OZK_EINVAL;
        return NULL;
    }
    if (lookup(c, v->name)) {
        ozk__errf(c->err, c->errlen, "value '%s' is defined twice", v->name);
        *rc = OZK_EINVAL;
        return NULL;
    }
    if (c->nvals == c->capvals) {
        size_t cap = c->capvals ? 2 * c->capvals : 64;
        value *a = realloc(c->vals, cap * sizeof *a);
        if (!a) return *rc = nomem(c), NULL;
        c->vals = a, c->capvals = cap;
    }
    c->vals[c->nvals++] = *v;
    if (2 * c->nvals > c->hcap) { /* grow: rehash inserts every value, the new one too */
        if (rehash(c, c->hcap ? 2 * c->hcap : 128) < 0) return *rc = nomem(c), NULL;
    } else {
        size_t k = hash_str(v->name) & (c->hcap - 1);
        while (c->htab[k]) k = (k + 1) & (c->hcap - 1);
        c->htab[k] = (uint32_t)c->nvals;
    }
    return &c->vals[c->nvals - 1];
}

static player *new_player(ictx *c, int *rc)
{
    if (c->npl >= OZK_MODEL_MAX_LAYERS) {
        ozk__errf(c->err, c->errlen, "the graph has more than %d layers", OZK_MODEL_MAX_LAYERS);
        *rc = OZK_ENOTSUP;
        return NULL;
    }
    if (c->npl == c->cappl) {
        size_t cap = c->cappl ? 2 * c->cappl : 16;
        player *a = realloc(c->pl, cap * sizeof *a);
        if (!a) return *rc = nomem(c), NULL;
        c->pl = a, c->cappl = cap;
    }
    player *p = &c->pl[c->npl++];
    memset(p, 0, sizeof *p);
    return p;
}

static uint64_t numel_of(const int64_t *dims, uint32_t ndim)
{
    uint64_t n = 1;
    for (uint32_t i = 0; i < ndim; i++) n *= (uint64_t)dims[i];
    return n;
}

/* Checks dims (all >= 0, at most MAX_RANK, product <= OZK_MODEL_MAX_LEN). */
static int check_dims(ictx *c, const char *what, const int64_t *dims, size_t ndim, int allow_zero)
{
    if (ndim > MAX_RANK) {
        ozk__errf(c->err, c->errlen, "%s has rank %zu; ozk supports tensors of rank at most %d",
                  what, ndim, MAX_RANK);
        return OZK_ENOTSUP;
    }
    uint64_t n = 1;
    for (size_t i = 0; i < ndim; i++) {
        if (dims[i] < 0 || (!allow_zero && dims[i] == 0)) {
            ozk__errf(c->err, c->errlen, "%s has dimension %lld at axis %zu", what,
                      (long long)dims[i], i);
            return OZK_EINVAL;
        }
        if (dims[i] > (int64_t)OZK_MODEL_MAX_LEN || (n *= (uint64_t)dims[i]) > OZK_MODEL_MAX_LEN) {
            ozk__errf(c->err, c->errlen, "%s has more than %u elements", what,
                      (unsigned)OZK_MODEL_MAX_LEN);
            return OZK_ENOTSUP;
        }
    }
    return 0;
}

/* ---- constants ------------------------------------------------------------------------------ */

static uint64_t load_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned k = n; k-- > 0;) v = v << 8 | p[k];
    return v;
}

/* Reads a TensorProto (initializer or Constant's value) into a constant value v (name set by the
 * caller). what: "initializer 'w'" for messages. */
static int read_tensor(ictx *c, value *v, const Onnx__TensorProto *t, const char *what)
{
    int rc;
    if (t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL) {
        ozk__errf(c->err, c->errlen,
                  "%s keeps its data in an external file, which is not supported: export the "
                  "model with its weights inside the .onnx file",
                  what);
        return OZK_ENOTSUP;
    }
    if (t->segment) {
        ozk__errf(c->err, c->errlen, "%s is a segment of a larger tensor, which is not supported",
                  what);
        return OZK_ENOTSUP;
    }
    if ((rc = check_dims(c, what, t->dims, t->n_dims, 1)) < 0) return rc;
    v->kind = V_CONST;
    v->ndim = (uint32_t)t->n_dims;
    for (size_t k = 0; k < t->n_dims; k++) v->dims[k] = t->dims[k];
    uint64_t n = numel_of(v->dims, v->ndim);
    v->numel = n;
    int32_t dt = t->has_data_type ? t->data_type : 0;
    unsigned size;
    size_t typed;
    switch (dt) {
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
        size = 4, typed = t->n_float_data;
        break;
    case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE:
        size = 8, typed = t->n_double_data;
        break;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT64:
        size = 8, typed = t->n_int64_data;
        break;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT32:
        size = 4, typed = t->n_int32_data;
        break;
    default:
        ozk__errf(c->err, c->errlen,
                  "%s has dtype %s (%d), which is not supported (FLOAT, DOUBLE, INT64, INT32)",
                  what, dtype_name(dt), (int)dt);
        return OZK_ENOTSUP;
    }
    int raw = t->has_raw_data || t->raw_data.len > 0;
    if (raw && typed) {
        ozk__errf(c->err, c->errlen, "%s has both raw_data and typed data", what);
        return OZK_EINVAL;
    }
    if (raw ? t->raw_data.len != n * size : typed != n) {
        ozk__errf(c->err, c->errlen, "%s has %llu values where its shape says %llu", what,
                  (unsigned long long)(raw ? t->raw_data.len / size : typed),
                  (unsigned long long)n);
        return OZK_EINVAL;
    }
    if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT || dt == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE) {
        double *f = arena_alloc(c, n * sizeof *f);
        if (!f) return nomem(c);
        for (uint64_t k = 0; k < n; k++) {
            if (raw && size == 4) {
                uint32_t bits = (uint32_t)load_le(t->raw_data.data + 4 * k, 4);
                float x;
                memcpy(&x, &bits, 4);
                f[k] = (double)x;
            } else if (raw) {
                uint64_t bits = load_le(t->raw_data.data + 8 * k, 8);
                memcpy(&f[k], &bits, 8);
            } else {
                f[k] = size == 4 ? (double)t->float_data[k] : t->double_data[k];
            }
            if (!isfinite(f[k])) {
                ozk__errf(c->err, c->errlen, "%s holds %s at index %llu: weights must be finite",
                          what, isnan(f[k]) ? "NaN" : "an infinity", (unsigned long long)k);
                return OZK_EINVAL;
            }
        }
        v->ctype = C_FLOAT, v->f = f;
    } else {
        int64_t *iv = arena_alloc(c, n * sizeof *iv);
        if (!iv) return nomem(c);
        for (uint64_t k = 0; k < n; k++) {
            if (raw && size == 8)
                iv[k] = (int64_t)load_le(t->raw_data.data + 8 * k, 8);
            else if (raw)
                iv[k] = (int32_t)(uint32_t)load_le(t->raw_data.data + 4 * k, 4);
            else
                iv[k] = size == 8 ? t->int64_data[k] : t->int32_data[k];
        }
        v->ctype = C_INT, v->i = iv;
    }
    return 0;
}

/* ---- attributes ----------------------------------------------------------------------------- */

typedef struct {
    const char *name;
    int type; /* ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__* */
    const Onnx__AttributeProto *a;
} attr_spec;

/* Matches a node's attributes against specs (terminated by a NULL name): any attribute not
 * listed, or of another type, is refused. */
static int get_attrs(ictx *c, const Onnx__NodeProto *n, size_t idx, attr_spec *specs)
{
    char nd[160];
    for (size_t k = 0; k < n->n_attribute; k++) {
        const Onnx__AttributeProto *a = n->attribute[k];
        attr_spec *s = specs;
        while (s->name && strcmp(s->name, nz(a->name))) s++;
        if (!s->name) {
            ozk__errf(c->err, c->errlen, "%s: attribute '%s' is not supported",
                      node_desc(nd, sizeof nd, n, idx), nz(a->name));
            return OZK_ENOTSUP;
        }
        if (a->ref_attr_name && a->ref_attr_name[0]) {
            ozk__errf(c->err, c->errlen, "%s: attribute '%s' refers to a function attribute",
                      node_desc(nd, sizeof nd, n, idx), s->name);
            return OZK_ENOTSUP;
        }
        if (!a->has_type || (int)a->type != s->type) {
            ozk__errf(c->err, c->errlen, "%s: attribute '%s' has the wrong type (%d)",
                      node_desc(nd, sizeof nd, n, idx), s->name, a->has_type ? (int)a->type : 0);
            return OZK_EINVAL;
        }
        if (s->a) {
            ozk__errf(c->err, c->errlen, "%s: attribute '%s' is given twice",
                      node_desc(nd, sizeof nd, n, idx), s->name);
            return OZK_EINVAL;
        }
        s->a = a;
    }
    return 0;
}

/* ---- value access for nodes ----------------------------------------------------------------- */

static int check_io(ictx *c, const Onnx__NodeProto *n, size_t idx, size_t min_in, size_t max_in)
{
    char nd[160];
    size_t n_in = n->n_input;
    while (n_in > min_in && !nz(n->input[n_in - 1])[0]) n_in--; /* trailing optional ones */
    if (n_in < min_in || n_in > max_in) {
        if (max_in == min_in)
            ozk__errf(c->err, c->errlen, "%s has %zu inputs; expected %zu",
                      node_desc(nd, sizeof nd, n, idx), n->n_input, min_in);
        else
            ozk__errf(c->err, c->errlen, "%s has %zu inputs; expected %zu to %zu",
                      node_desc(nd, sizeof nd, n, idx), n->n_input, min_in, max_in);
        return OZK_EINVAL;
    }
    if (n->n_output != 1) {
        ozk__errf(c->err, c->errlen, "%s has %zu outputs; ozk supports it with exactly one",
                  node_desc(nd, sizeof nd, n, idx), n->n_output);
        return n->n_output == 0 ? OZK_EINVAL : OZK_ENOTSUP;
    }
    return 0;
}

static value *input_value(ictx *c, const Onnx__NodeProto *n, size_t idx, size_t k, int *rc)
{
    char nd[160];
    const char *name = k < n->n_input ? nz(n->input[k]) : "";
    value *v = name[0] ? lookup(c, name) : NULL;
    if (!v) {
        ozk__errf(c->err, c->errlen,
                  "%s reads '%s', which no earlier node, initializer or input defines (the "
                  "graph must be topologically sorted)",
                  node_desc(nd, sizeof nd, n, idx), name);
        *rc = OZK_EINVAL;
    }
    return v;
}

/* Defines the node's output as a computed tensor of the given shape. */
static int def_act(ictx *c, const Onnx__NodeProto *n, uint32_t tensor, const int64_t *dims,
                   uint32_t ndim)
{
    int rc = 0;
    value v;
    memset(&v, 0, sizeof v);
    v.name = nz(n->output[0]);
    v.kind = V_ACT;
    v.tensor = tensor;
    v.ndim = ndim;
    memcpy(v.dims, dims, ndim * sizeof *dims);
    v.numel = numel_of(dims, ndim);
    return define(c, &v, &rc) ? 0 : rc;
}

static int need_float(ictx *c, const Onnx__NodeProto *n, size_t idx, const value *v,
                      const char *role)
{
    char nd[160];
    if (v->ctype != C_FLOAT) {
        ozk__errf(c->err, c->errlen, "%s: %s '%s' is an integer tensor; weights must be FLOAT",
                  node_desc(nd, sizeof nd, n, idx), role, v->name);
        return OZK_ENOTSUP;
    }
    return 0;
}

/* Numpy broadcasting of a (ndim_a) and b (ndim_b) into out; 0 or -1 if incompatible. */
static int broadcast(int64_t *out, uint32_t *ndim_out, const int64_t *a, uint32_t na,
                     const int64_t *b, uint32_t nb)
{
    uint32_t n = na > nb ? na : nb;
    for (uint32_t k = 0; k < n; k++) {
        int64_t da = k < n - na ? 1 : a[k - (n - na)];
        int64_t db = k < n - nb ? 1 : b[k - (n - nb)];
        if (da != db && da != 1 && db != 1) return -1;
        out[k] = da == 1 ? db : da;
    }
    *ndim_out = n;
    return 0;
}

/* Expands constant data of shape (cd, cn) to shape (td, tn) (cd broadcastable to td): out[flat
 * index of td] = data[matching index of cd]. */
static void expand(double *out, const int64_t *td, uint32_t tn, const double *data,
                   const int64_t *cd, uint32_t cn)
{
    uint64_t total = numel_of(td, tn);
    int64_t idx[MAX_RANK] = { 0 };
    for (uint64_t f = 0; f < total; f++) {
        uint64_t src = 0;
        for (uint32_t k = 0; k < cn; k++) {
            uint32_t tk = k + (tn - cn);
            src = src * (uint64_t)cd[k] + (uint64_t)(cd[k] == 1 ? 0 : idx[tk]);
        }
        out[f] = data[src];
        for (uint32_t k = tn; k-- > 0;) { /* row-major increment */
            if (++idx[k] < td[k]) break;
            idx[k] = 0;
        }
    }
}

/* ---- ops ------------------------------------------------------------------------------------ */

/* Gemm: Y = alpha A' B' + beta C with A' = transA ? A^T : A, B' likewise, C broadcast to Y. One
 * of A, B is computed (a row vector [1,K] after its transpose for A, a column [K,1] for B), the
 * other a constant: a dense layer. */
static int op_gemm(ictx *c, const Onnx__NodeProto *n, size_t idx)
{
    int rc;
    char nd[160], s1[96], s2[96];
    attr_spec at[] = { { "alpha", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT, NULL },
                       { "beta", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT, NULL },
                       { "transA", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT, NULL },
                       { "transB", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT, NULL },
                       { NULL, 0, NULL } };
    if ((rc = check_io(c, n, idx, 2, 3)) < 0 || (rc = get_attrs(c, n, idx, at)) < 0) return rc;
    node_desc(nd, sizeof nd, n, idx);
    double alpha = at[0].a ? (double)at[0].a->f : 1.0, beta = at[1].a ? (double)at[1].a->f : 1.0;
    int64_t ta = at[2].a ? at[2].a->i : 0, tb = at[3].a ? at[3].a->i : 0;
    if (!isfinite(alpha) || !isfinite(beta)) {
        ozk__errf(c->err, c->errlen, "%s: alpha and beta must be finite", nd);
        return OZK_EINVAL;
    }
    if ((ta != 0 && ta != 1) || (tb != 0 && tb != 1)) {
        ozk__errf(c->err, c->errlen, "%s: transA=%lld, transB=%lld: only 0 and 1 are supported", nd,
                  (long long)ta, (long long)tb);
        return OZK_ENOTSUP;
    }
    value *A = input_value(c, n, idx, 0, &rc), *B = A ? input_value(c, n, idx, 1, &rc) : NULL;
    if (!B) return rc;
    const value *C = NULL;
    if (n->n_input > 2 && nz(n->input[2])[0] && !(C = input_value(c, n, idx, 2, &rc))) return rc;
    if (A->ndim != 2 || B->ndim != 2) {
        ozk__errf(c->err, c->errlen, "%s: A and B must be 2-D, got A %s and B %s", nd,
                  (shape_str(s1, sizeof s1, A->dims, A->ndim), s1),
                  (shape_str(s2, sizeof s2, B->dims, B->ndim), s2));
        return OZK_EINVAL;
    }
    int64_t M = ta ? A->dims[1] : A->dims[0], Ka = ta ? A->dims[0] : A->dims[1];
    int64_t Kb = tb ? B->dims[1] : B->dims[0], N = tb ? B->dims[0] : B->dims[1];
    if (Ka != Kb) {
        ozk__errf(c->err, c->errlen,
                  "%s: mismatched shapes: A' is [%lld,%lld] and B' is [%lld,%lld] (transA=%lld, "
                  "transB=%lld)",
                  nd, (long long)M, (long long)Ka, (long long)Kb, (long long)N, (long long)ta,
                  (long long)tb);
        return OZK_EINVAL;
    }
    if (A->kind == B->kind) {
        ozk__errf(c->err, c->errlen,
                  A->kind == V_ACT ? "%s: the product of two computed tensors is not supported "
                                     "(one of A, B must be a constant weight matrix)"
                                   : "%s: both A and B are constants; constant folding is not "
                                     "supported (export with do_constant_folding=True)",
                  nd);
        return OZK_ENOTSUP;
    }
    const value *act = A->kind == V_ACT ? A : B, *wt = A->kind == V_ACT ? B : A;
    if ((rc = need_float(c, n, idx, wt, A->kind == V_ACT ? "input B" : "input A")) < 0) return rc;
    int64_t K = Ka, n_out = A->kind == V_ACT ? N : M;
    if ((A->kind == V_ACT && M != 1) || (B->kind == V_ACT && N != 1)) {
        ozk__errf(c->err, c->errlen,
                  "%s: the computed input holds a batch of %lld vectors; ozk supports a batch of "
                  "1 (export with a fixed batch size of 1)",
                  nd, (long long)(A->kind == V_ACT ? M : N));
        return OZK_ENOTSUP;
    }
    player *p = new_player(c, &rc);
    if (!p) return rc;
    p->kind = P_DENSE, p->node = nz(n->name), p->op = "Gemm";
    p->in[0] = act->tensor, p->in[1] = UINT32_MAX;
    p->n_in = (uint32_t)K, p->n_out = (uint32_t)n_out;
    p->w = malloc((size_t)(n_out * K) * sizeof *p->w);
    p->b = calloc((size_t)n_out, sizeof *p->b);
    if (!p->w || !p->b) return nomem(c);
    for (int64_t o = 0; o < n_out; o++)
        for (int64_t k = 0; k < K; k++) {
            double x;
            if (A->kind == V_ACT) /* W[o][k] = B'[k][o] */
                x = tb ? wt->f[o * B->dims[1] + k] : wt->f[k * B->dims[1] + o];
            else /* W[o][k] = A'[o][k] */
                x = ta ? wt->f[k * A->dims[1] + o] : wt->f[o * A->dims[1] + k];
            p->w[o * K + k] = alpha * x;
        }
    int64_t ydims[2] = { A->kind == V_ACT ? 1 : M, A->kind == V_ACT ? N : 1 };
    if (C) {
        int64_t bd[MAX_RANK];
        uint32_t bn;
        if (C->kind != V_CONST) {
            ozk__errf(c->err, c->errlen,
                      "%s: input C is computed; ozk supports a constant C (a bias) only", nd);
            return OZK_ENOTSUP;
        }
        if ((rc = need_float(c, n, idx, C, "input C")) < 0) return rc;
        if (broadcast(bd, &bn, ydims, 2, C->dims, C->ndim) < 0 || bn != 2 || bd[0] != ydims[0] ||
            bd[1] != ydims[1]) {
            shape_str(s1, sizeof s1, C->dims, C->ndim);
            shape_str(s2, sizeof s2, ydims, 2);
            ozk__errf(c->err, c->errlen,
                      "%s: mismatched shapes: C %s does not broadcast to the output %s", nd, s1,
                      s2);
            return OZK_EINVAL;
        }
        expand(p->b, ydims, 2, C->f, C->dims, C->ndim);
        for (int64_t o = 0; o < n_out; o++) p->b[o] *= beta;
    }
    return def_act(c, n, (uint32_t)c->npl, ydims, 2);
}

/* MatMul with numpy semantics, one side a computed vector, the other a constant matrix. */
static int op_matmul(ictx *c, const Onnx__NodeProto *n, size_t idx)
{
    int rc;
    char nd[160], s1[96], s2[96];
    attr_spec at[] = { { NULL, 0, NULL } };
    if ((rc = check_io(c, n, idx, 2, 2)) < 0 || (rc = get_attrs(c, n, idx, at)) < 0) return rc;
    node_desc(nd, sizeof nd, n, idx);
    value *A = input_value(c, n, idx, 0, &rc), *B = A ? input_value(c, n, idx, 1, &rc) : NULL;
    if (!B) return rc;
    shape_str(s1, sizeof s1, A->dims, A->ndim);
    shape_str(s2, sizeof s2, B->dims, B->ndim);
    if (A->kind == B->kind) {
        ozk__errf(c->err, c->errlen,
                  A->kind == V_ACT ? "%s: the product of two computed tensors is not supported "
                                     "(one side must be a constant weight matrix)"
                                   : "%s: both inputs are constants; constant folding is not "
                                     "supported (export with do_constant_folding=True)",
                  nd);
        return OZK_ENOTSUP;
    }
    int64_t ydims[MAX_RANK], K, n_out;
    uint32_t yn;
    const value *wt;
    if (A->kind == V_ACT) { /* x [.., 1, K] @ W [K, N] */
        wt = B;
        if (B->ndim != 2 || A->ndim < 1) {
            ozk__errf(c->err, c->errlen,
                      "%s: the constant B must be a 2-D matrix, got A %s and B %s", nd, s1, s2);
            return OZK_ENOTSUP;
        }
        K = A->dims[A->ndim - 1];
        for (uint32_t k = 0; k + 1 < A->ndim; k++)
            if (A->dims[k] != 1) {
                ozk__errf(c->err, c->errlen,
                          "%s: A %s is a batch of vectors; ozk supports a batch of 1 (export "
                          "with a fixed batch size of 1)",
                          nd, s1);
                return OZK_ENOTSUP;
            }
        if (B->dims[0] != K) {
            ozk__errf(c->err, c->errlen, "%s: mismatched shapes: A %s and B %s", nd, s1, s2);
            return OZK_EINVAL;
        }
        n_out = B->dims[1];
        yn = A->ndim;
        memcpy(ydims, A->dims, yn * sizeof *ydims);
        ydims[yn - 1] = n_out;
    } else { /* W [M, K] @ x [K] or [K, 1] */
        wt = A;
        if (A->ndim != 2 || B->ndim < 1 || B->ndim > 2 || (B->ndim == 2 && B->dims[1] != 1)) {
            ozk__errf(c->err, c->errlen,
                      "%s: with a constant A, ozk supports A [M,K] times a vector B [K] or "
                      "[K,1], got A %s and B %s",
                      nd, s1, s2);
            return OZK_ENOTSUP;
        }
        K = A->dims[1], n_out = A->dims[0];
        if (B->dims[0] != K) {
            ozk__errf(c->err, c->errlen, "%s: mismatched shapes: A %s and B %s", nd, s1, s2);
            return OZK_EINVAL;
        }
        yn = B->ndim;
        ydims[0] = n_out, ydims[1] = 1;
    }
    if ((rc = need_float(c, n, idx, wt, A->kind == V_ACT ? "input B" : "input A")) < 0) return rc;
    const value *act = A->kind == V_ACT ? A : B;
    player *p = new_player(c, &rc);
    if (!p) return rc;
    p->kind = P_DENSE, p->node = nz(n->name), p->op = "MatMul";
    p->in[0] = act->tensor, p->in[1] = UINT32_MAX;
    p->n_in = (uint32_t)K, p->n_out = (uint32_t)n_out;
    p->w = malloc((size_t)(n_out * K) * sizeof *p->w);
    p->b = calloc((size_t)n_out, sizeof *p->b);
    if (!p->w || !p->b) return nomem(c);
    for (int64_t o = 0; o < n_out; o++)
        for (int64_t k = 0; k < K; k++)
            p->w[o * K + k] = A->kind == V_ACT ? wt->f[k * n_out + o] : wt->f[o * K + k];
    return def_act(c, n, (uint32_t)c->npl, ydims, yn);
}

/* Add: two computed tensors of the same size (a residual), or a computed tensor and a constant
 * that broadcasts to it (a bias, folded later). */
static int op_add(ictx *c, const Onnx__NodeProto *n, size_t idx)
{
    int rc;
    char nd[160], s1[96], s2[96];
    attr_spec at[] = { { NULL, 0, NULL } };
    if ((rc = check_io(c, n, idx, 2, 2)) < 0 || (rc = get_attrs(c, n, idx, at)) < 0) return rc;
    node_desc(nd, sizeof nd, n, idx);
    value *A = input_value(c, n, idx, 0, &rc), *B = A ? input_value(c, n, idx, 1, &rc) : NULL;
    if (!B) return rc;
    shape_str(s1, sizeof s1, A->dims, A->ndim);
    shape_str(s2, sizeof s2, B->dims, B->ndim);
    if (A->kind == V_CONST && B->kind == V_CONST) {
        ozk__errf(c->err, c->errlen,
                  "%s: both inputs are constants; constant folding is not supported (export "
                  "with do_constant_folding=True)",
                  nd);
        return OZK_ENOTSUP;
    }
    int64_t yd[MAX_RANK];
    uint32_t yn;
    if (broadcast(yd, &yn, A->dims, A->ndim, B->dims, B->ndim) < 0 || yn > MAX_RANK) {
        ozk__errf(c->err, c->errlen, "%s: mismatched shapes: %s and %s do not broadcast", nd, s1,
                  s2);
        return OZK_EINVAL;
    }
    uint64_t ny = numel_of(yd, yn);
    player *p;
    if (A->kind == V_ACT && B->kind == V_ACT) {
        if (A->numel != ny || B->numel != ny) {
            ozk__errf(c->err, c->errlen,
                      "%s: adding %s and %s would repeat one of them; ozk supports adding "
                      "tensors of the same size",
                      nd, s1, s2);
            return OZK_ENOTSUP;
        }
        if (!(p = new_player(c, &rc))) return rc;
        p->kind = P_ADD, p->node = nz(n->name), p->op = "Add";
        p->in[0] = A->tensor, p->in[1] = B->tensor;
        p->n_in = p->n_out = (uint32_t)ny;
        return def_act(c, n, (uint32_t)c->npl, yd, yn);
    }
    const value *act = A->kind == V_ACT ? A : B, *cst = A->kind == V_ACT ? B : A;
    if ((rc = need_float(c, n, idx, cst, "the constant input")) < 0) return rc;
    if (ny != act->numel) {
        ozk__errf(c->err, c->errlen,
                  "%s: mismatched shapes: the constant %s would enlarge the computed tensor %s", nd,
                  cst == A ? s1 : s2, cst == A ? s2 : s1);
        return OZK_EINVAL;
    }
    if (!(p = new_player(c, &rc))) return rc;
    p->kind = P_ADDC, p->node = nz(n->name), p->op = "Add";
    p->in[0] = act->tensor, p->in[1] = UINT32_MAX;
    p->n_in = p->n_out = (uint32_t)ny;
    if (!(p->c = malloc((size_t)ny * sizeof *p->c))) return nomem(c);
    expand(p->c, yd, yn, cst->f, cst->dims, cst->ndim);
    return def_act(c, n, (uint32_t)c->npl, yd, yn);
}

static int op_relu(ictx *c, const Onnx__NodeProto *n, size_t idx)
{
    int rc;
    char nd[160];
    attr_spec at[] = { { NULL, 0, NULL } };
    if ((rc = check_io(c, n, idx, 1, 1)) < 0 || (rc = get_attrs(c, n, idx, at)) < 0) return rc;
    value *X = input_value(c, n, idx, 0, &rc);
    if (!X) return rc;
    if (X->kind != V_ACT) {
        ozk__errf(c->err, c->errlen,
                  "%s: Relu of a constant; constant folding is not supported (export with "
                  "do_constant_folding=True)",
                  node_desc(nd, sizeof nd, n, idx));
        return OZK_ENOTSUP;
    }
    player *p = new_player(c, &rc);
    if (!p) return rc;
    p->kind = P_RELU, p->node = nz(n->name), p->op = "Relu";
    p->in[0] = X->tensor, p->in[1] = UINT32_MAX;
    p->n_in = p->n_out = (uint32_t)X->numel;
    p->relu = 1;
    return def_act(c, n, (uint32_t)c->npl, X->dims, X->ndim);
}

/* The node's output: the same data as X with shape (dims, ndim). */
static int def_alias(ictx *c, const Onnx__NodeProto *n, const value *X, const int64_t *dims,
                     uint32_t ndim)
{
    int rc = 0;
    value v = *X;
    v.name = nz(n->output[0]);
    v.ndim = ndim;
    memcpy(v.dims, dims, ndim * sizeof *dims);
    return define(c, &v, &rc) ? 0 : rc;
}

static int op_identity(ictx *c, const Onnx__NodeProto *n, size_t idx)
{
    int rc;
    attr_spec at[] = { { NULL, 0, NULL } };
    if ((rc = check_io(c, n, idx, 1, 1)) < 0 || (rc = get_attrs(c, n, idx, at)) < 0) return rc;
    value *X = input_value(c, n, idx, 0, &rc);
    if (!X) return rc;
    value copy = *X; /* define() may move vals */
    return def_alias(c, n, &copy, copy.dims, copy.ndim);
}

static int op_flatten(ictx *c, const Onnx__NodeProto *n, size_t idx)
{
    int rc;
    char nd[160];
    attr_spec at[] = { { "axis", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT, NULL },
                       { NULL, 0, NULL } };
    if ((rc = check_io(c, n, idx, 1, 1)) < 0 || (rc = get_attrs(c, n, idx, at)) < 0) return rc;
    value *X = input_value(c, n, idx, 0, &rc);
    if (!X) return rc;
    value copy = *X;
    int64_t r = copy.ndim, axis = at[0].a ? at[0].a->i : 1;
    if (axis < -r || axis > r) {
        ozk__errf(c->err, c->errlen, "%s: axis=%lld is outside [-%lld, %lld]",
                  node_desc(nd, sizeof nd, n, idx), (long long)axis, (long long)r, (long long)r);
        return OZK_EINVAL;
    }
    if (axis < 0) axis += r;
    int64_t d[2] = { 1, 1 };
    for (int64_t k = 0; k < r; k++) d[k < axis ? 0 : 1] *= copy.dims[k];
    return def_alias(c, n, &copy, d, 2);
}

static int op_reshape(ictx *c, const Onnx__NodeProto *n, size_t idx)
{
    int rc;
    char nd[160], s1[96];
    attr_spec at[] = { { "allowzero", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT, NULL },
                       { NULL, 0, NULL } };
    if ((rc = check_io(c, n, idx, 2, 2)) < 0 || (rc = get_attrs(c, n, idx, at)) < 0) return rc;
    node_desc(nd, sizeof nd, n, idx);
    value *X = input_value(c, n, idx, 0, &rc), *S = X ? input_value(c, n, idx, 1, &rc) : NULL;
    if (!S) return rc;
    int64_t allowzero = at[0].a ? at[0].a->i : 0;
    if (S->kind != V_CONST || S->ctype != C_INT || S->ndim != 1) {
        ozk__errf(c->err, c->errlen,
                  "%s: the shape must be a constant 1-D INT64 tensor; a shape computed at run "
                  "time (dynamic shape) is not supported",
                  nd);
        return OZK_ENOTSUP;
    }
    if (S->numel > MAX_RANK) {
        ozk__errf(c->err, c->errlen, "%s: target rank %llu exceeds %d", nd,
                  (unsigned long long)S->numel, MAX_RANK);
        return OZK_ENOTSUP;
    }
    value copy = *X;
    int64_t d[MAX_RANK];
    int infer = -1;
    uint64_t known = 1;
    for (uint32_t k = 0; k < (uint32_t)S->numel; k++) {
        int64_t v = S->i[k];
        if (v == 0 && !allowzero) {
            if (k >= copy.ndim) {
                ozk__errf(c->err, c->errlen,
                          "%s: shape[%u] = 0 copies a dimension the input "
                          "does not have",
                          nd, k);
                return OZK_EINVAL;
            }
            v = copy.dims[k];
        }
        if (v == -1) {
            if (infer >= 0) {
                ozk__errf(c->err, c->errlen, "%s: the shape has more than one -1", nd);
                return OZK_EINVAL;
            }
            infer = (int)k;
            d[k] = 1;
            continue;
        }
        if (v < 0 || v > (int64_t)OZK_MODEL_MAX_LEN) {
            ozk__errf(c->err, c->errlen, "%s: shape[%u] = %lld is not a valid dimension", nd, k,
                      (long long)v);
            return OZK_EINVAL;
        }
        d[k] = v;
        known *= (uint64_t)v;
        if (known > OZK_MODEL_MAX_LEN) break;
    }
    if (infer >= 0 && known != 0 && copy.numel % known == 0)
        d[infer] = (int64_t)(copy.numel / known);
    if (known == 0 || known > OZK_MODEL_MAX_LEN || numel_of(d, (uint32_t)S->numel) != copy.numel) {
        shape_str(s1, sizeof s1, copy.dims, copy.ndim);
        ozk__errf(c->err, c->errlen,
                  "%s: mismatched shapes: cannot reshape %s (%llu elements) to the requested "
                  "shape",
                  nd, s1, (unsigned long long)copy.numel);
        return OZK_EINVAL;
    }
    return def_alias(c, n, &copy, d, (uint32_t)S->numel);
}

static int op_constant(ictx *c, const Onnx__NodeProto *n, size_t idx)
{
    int rc;
    char nd[160], what[200];
    attr_spec at[] = { { "value", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR, NULL },
                       { "value_float", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT, NULL },
                       { "value_floats", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS, NULL },
                       { "value_int", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT, NULL },
                       { "value_ints", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS, NULL },
                       { NULL, 0, NULL } };
    if ((rc = check_io(c, n, idx, 0, 0)) < 0 || (rc = get_attrs(c, n, idx, at)) < 0) return rc;
    node_desc(nd, sizeof nd, n, idx);
    int given = 0;
    for (int k = 0; k < 5; k++) given += at[k].a != NULL;
    if (given != 1) {
        ozk__errf(c->err, c->errlen,
                  "%s: exactly one of value, value_float, value_floats, "
                  "value_int, value_ints must be given",
                  nd);
        return OZK_EINVAL;
    }
    value v;
    memset(&v, 0, sizeof v);
    v.name = nz(n->output[0]);
    v.kind = V_CONST;
    v.origin = "Constant node";
    if (at[0].a) {
        if (!at[0].a->t) {
            ozk__errf(c->err, c->errlen, "%s: attribute 'value' holds no tensor", nd);
            return OZK_EINVAL;
        }
        snprintf(what, sizeof what, "%s: its value", nd);
        if ((rc = read_tensor(c, &v, at[0].a->t, what)) < 0) return rc;
    } else if (at[1].a || at[2].a) {
        size_t cnt = at[1].a ? 1 : at[2].a->n_floats;
        double *f = arena_alloc(c, cnt * sizeof *f);
        if (!f) return nomem(c);
        for (size_t k = 0; k < cnt; k++) {
            f[k] = at[1].a ? (double)at[1].a->f : (double)at[2].a->floats[k];
            if (!isfinite(f[k])) {
                ozk__errf(c->err, c->errlen, "%s holds %s: weights must be finite", nd,
                          isnan(f[k]) ? "NaN" : "an infinity");
                return OZK_EINVAL;
            }
        }
        v.ctype = C_FLOAT, v.f = f;
        v.ndim = at[1].a ? 0 : 1, v.dims[0] = (int64_t)cnt, v.numel = cnt;
    } else {
        size_t cnt = at[3].a ? 1 : at[4].a->n_ints;
        int64_t *iv = arena_alloc(c, cnt * sizeof *iv);
        if (!iv) return nomem(c);
        for (size_t k = 0; k < cnt; k++) iv[k] = at[3].a ? at[3].a->i : at[4].a->ints[k];
        v.ctype = C_INT, v.i = iv;
        v.ndim = at[3].a ? 0 : 1, v.dims[0] = (int64_t)cnt, v.numel = cnt;
    }
    return define(c, &v, &rc) ? 0 : rc;
}

/* ---- the graph ------------------------------------------------------------------------------ */

static int find_opset(ictx *c, const Onnx__ModelProto *m, uint32_t *opset)
{
    int found = 0;
    for (size_t k = 0; k < m->n_opset_import; k++) {
        const Onnx__OperatorSetIdProto *o = m->opset_import[k];
        const char *d = nz(o->domain);
        if (d[0] && strcmp(d, "ai.onnx")) continue;
        found = 1;
        if (!o->has_version || o->version < OZK_OPSET_MIN || o->version > OZK_OPSET_MAX) {
            ozk__errf(c->err, c->errlen,
                      "the model uses ONNX opset %lld; ozk imports opsets %d to %d (export with "
                      "opset_version=13, for example)",
                      o->has_version ? (long long)o->version : 0LL, OZK_OPSET_MIN, OZK_OPSET_MAX);
            return OZK_ENOTSUP;
        }
        *opset = (uint32_t)o->version;
    }
    if (!found) {
        ozk__errf(c->err, c->errlen, "the model imports no opset of the default ONNX domain");
        return OZK_EINVAL;
    }
    return 0;
}

/* The one graph input that is not an initializer: shape fully static, dtype FLOAT. */
static int graph_input(ictx *c, const Onnx__GraphProto *g, ozk_fmodel *f)
{
    int rc = 0;
    const Onnx__ValueInfoProto *in = NULL;
    size_t count = 0;
    for (size_t k = 0; k < g->n_input; k++) {
        const value *v = lookup(c, nz(g->input[k]->name));
        if (v && v->kind == V_CONST) continue; /* an initializer listed as input */
        in = g->input[k], count++;
    }
    if (count != 1) {
        ozk__errf(c->err, c->errlen, "the graph has %zu inputs; ozk supports exactly one", count);
        return count ? OZK_ENOTSUP : OZK_EINVAL;
    }
    const char *name = nz(in->name);
    const Onnx__TypeProto *t = in->type;
    if (!t || t->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !t->tensor_type) {
        ozk__errf(c->err, c->errlen, "input '%s' is not a tensor", name);
        return OZK_ENOTSUP;
    }
    int32_t et = t->tensor_type->has_elem_type ? t->tensor_type->elem_type : 0;
    if (et != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT) {
        ozk__errf(c->err, c->errlen, "input '%s' has dtype %s; ozk supports FLOAT inputs", name,
                  dtype_name(et));
        return OZK_ENOTSUP;
    }
    const Onnx__TensorShapeProto *sh = t->tensor_type->shape;
    if (!sh || sh->n_dim == 0) {
        ozk__errf(c->err, c->errlen,
                  "input '%s' has %s; ozk needs a fixed shape such as [1,64] (export with a "
                  "fixed input shape)",
                  name, sh ? "rank 0" : "no shape");
        return OZK_ENOTSUP;
    }
    value v;
    memset(&v, 0, sizeof v);
    v.name = name;
    v.kind = V_ACT;
    v.tensor = 0;
    if (sh->n_dim > MAX_RANK) {
        ozk__errf(c->err, c->errlen, "input '%s' has rank %zu; ozk supports at most %d", name,
                  sh->n_dim, MAX_RANK);
        return OZK_ENOTSUP;
    }
    v.ndim = (uint32_t)sh->n_dim;
    for (size_t k = 0; k < sh->n_dim; k++) {
        const Onnx__TensorShapeProto__Dimension *d = sh->dim[k];
        if (d->value_case != ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE) {
            ozk__errf(c->err, c->errlen,
                      "input '%s' has a dynamic dimension %s%s%s at axis %zu: ozk needs fixed "
                      "shapes (export without dynamic_axes, with a batch of 1)",
                      name, d->value_case ? "'" : "(unknown)",
                      d->value_case ? nz(d->dim_param) : "", d->value_case ? "'" : "", k);
            return OZK_ENOTSUP;
        }
        v.dims[k] = d->dim_value;
    }
    if ((rc = check_dims(c, "the input", v.dims, v.ndim, 0)) < 0) return rc;
    v.numel = numel_of(v.dims, v.ndim);
    if (!define(c, &v, &rc)) return rc;
    f->in_ndim = v.ndim, f->n_in = (uint32_t)v.numel;
    for (uint32_t k = 0; k < v.ndim; k++) f->in_dims[k] = (uint32_t)v.dims[k];
    return 0;
}

static int run_node(ictx *c, const Onnx__NodeProto *n, size_t idx)
{
    static const struct {
        const char *op;
        int (*fn)(ictx *, const Onnx__NodeProto *, size_t);
    } ops[] = { { "Gemm", op_gemm },         { "MatMul", op_matmul },    { "Add", op_add },
                { "Relu", op_relu },         { "Flatten", op_flatten },  { "Reshape", op_reshape },
                { "Identity", op_identity }, { "Constant", op_constant } };
    char nd[160];
    const char *dom = nz(n->domain);
    if (dom[0] && strcmp(dom, "ai.onnx")) {
        ozk__errf(c->err, c->errlen, "%s is in domain '%s'; ozk supports the default domain only",
                  node_desc(nd, sizeof nd, n, idx), dom);
        return OZK_ENOTSUP;
    }
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
        if (!strcmp(nz(n->op_type), ops[k].op)) return ops[k].fn(c, n, idx);
    ozk__errf(c->err, c->errlen,
              "%s: op '%s' is not supported (ozk supports Gemm, MatMul, Add, Relu, Flatten, "
              "Reshape, Identity, Constant)",
              node_desc(nd, sizeof nd, n, idx), nz(n->op_type));
    return OZK_ENOTSUP;
}

static const char *pl_desc(char *buf, size_t cap, const player *p)
{
    if (p->node[0])
        snprintf(buf, cap, "node '%s' (%s)", p->node, p->op);
    else
        snprintf(buf, cap, "a %s node", p->op);
    return buf;
}

/* Second pass: fold biases and ReLUs, number the layers, build f->layers. out_t: the proto-tensor
 * of the graph output. */
static int fold(ictx *c, ozk_fmodel *f, uint32_t out_t)
{
    int rc = 0;
    char nd[160];
    size_t nt = c->npl + 1;
    uint32_t *cnt = calloc(nt, sizeof *cnt), *remap = malloc(nt * sizeof *remap);
    uint32_t *newid = malloc(nt * sizeof *newid);
    if (!cnt || !remap || !newid) {
        rc = nomem(c);
        goto fail;
    }
    for (size_t t = 0; t < nt; t++) remap[t] = (uint32_t)t, newid[t] = UINT32_MAX;
    for (size_t k = 0; k < c->npl; k++) {
        cnt[c->pl[k].in[0]]++;
        if (c->pl[k].kind == P_ADD) cnt[c->pl[k].in[1]]++;
    }
    cnt[out_t]++;
    for (size_t k = 0; k < c->npl; k++) {
        player *p = &c->pl[k];
        uint32_t me = (uint32_t)(k + 1);
        p->in[0] = remap[p->in[0]];
        if (p->kind == P_ADD) p->in[1] = remap[p->in[1]];
        uint32_t t = p->in[0];
        player *q = t > 0 ? &c->pl[t - 1] : NULL;
        if (p->kind == P_ADDC) {
            if (!q || q->kind != P_DENSE || q->relu || cnt[t] != 1) {
                ozk__errf(c->err, c->errlen,
                          "%s adds a constant to a tensor that is not the output of a MatMul or "
                          "Gemm read by this Add only; ozk supports a constant Add only as such a "
                          "bias",
                          pl_desc(nd, sizeof nd, p));
                rc = OZK_ENOTSUP;
                goto fail;
            }
            for (uint32_t o = 0; o < q->n_out; o++) q->b[o] += p->c[o];
        } else if (p->kind == P_RELU && q && cnt[t] == 1) {
            q->relu = 1;
        } else {
            continue;
        }
        p->folded = 1;
        remap[me] = t;
        cnt[t] = cnt[me];
    }
    out_t = remap[out_t];
    if (out_t == 0) {
        ozk__errf(c->err, c->errlen, "the graph's output is its input: there is nothing to prove");
        rc = OZK_EINVAL;
        goto fail;
    }
    size_t nl = 0;
    newid[0] = 0;
    for (size_t k = 0; k < c->npl; k++)
        if (!c->pl[k].folded) newid[k + 1] = (uint32_t)++nl;
    if (!cnt[0]) {
        ozk__errf(c->err, c->errlen, "the graph's output does not depend on its input");
        rc = OZK_EINVAL;
        goto fail;
    }
    for (size_t k = 0; k < c->npl; k++) {
        const player *p = &c->pl[k];
        if (p->folded || k + 1 == out_t || cnt[k + 1]) continue;
        ozk__errf(c->err, c->errlen,
                  "the output of %s is never used; ozk imports graphs whose every node leads to "
                  "the output",
                  pl_desc(nd, sizeof nd, p));
        rc = OZK_EINVAL;
        goto fail;
    }
    if (newid[out_t] != nl) { /* cannot happen when every layer is used; kept as a guard */
        ozk__errf(c->err, c->errlen, "the graph's output is not computed last");
        rc = OZK_EINVAL;
        goto fail;
    }
    f->layers = calloc(nl, sizeof *f->layers);
    if (!f->layers) {
        rc = nomem(c);
        goto fail;
    }
    f->n_layers = nl;
    size_t j = 0;
    for (size_t k = 0; k < c->npl; k++) {
        player *p = &c->pl[k];
        if (p->folded) continue;
        ozk__flayer *l = &f->layers[j++];
        l->kind = p->kind == P_DENSE ? OZK_LAYER_DENSE
                  : p->kind == P_ADD ? OZK_LAYER_ADD
                                     : OZK_LAYER_RELU;
        snprintf(l->name, sizeof l->name, "%s", p->node[0] ? p->node : p->op);
        l->op = p->op;
        l->in[0] = newid[p->in[0]];
        l->in[1] = p->kind == P_ADD ? newid[p->in[1]] : UINT32_MAX;
        l->n_in = p->n_in, l->n_out = p->n_out;
        l->w = p->w, l->b = p->b, p->w = p->b = NULL; /* ownership moves to f */
        l->relu = p->relu;
    }
fail:
    free(cnt);
    free(remap);
    free(newid);
    return rc;
}

static int import_graph(ictx *c, const Onnx__ModelProto *m, ozk_fmodel *f)
{
    int rc;
    char what[200], s1[96], s2[96];
    if ((rc = find_opset(c, m, &f->opset)) < 0) return rc;
    const Onnx__GraphProto *g = m->graph;
    if (!g) {
        ozk__errf(c->err, c->errlen, "the model has no graph");
        return OZK_EINVAL;
    }
    if (g->n_sparse_initializer) {
        ozk__errf(c->err, c->errlen, "sparse initializers are not supported");
        return OZK_ENOTSUP;
    }
    for (size_t k = 0; k < g->n_initializer; k++) {
        const Onnx__TensorProto *t = g->initializer[k];
        value v;
        memset(&v, 0, sizeof v);
        v.name = nz(t->name);
        v.origin = "initializer";
        snprintf(what, sizeof what, "initializer '%s'", v.name);
        if ((rc = read_tensor(c, &v, t, what)) < 0) return rc;
        if (!define(c, &v, &rc)) return rc;
    }
    if ((rc = graph_input(c, g, f)) < 0) return rc;
    for (size_t k = 0; k < g->n_node; k++)
        if ((rc = run_node(c, g->node[k], k)) < 0) return rc;
    if (g->n_output != 1) {
        ozk__errf(c->err, c->errlen, "the graph has %zu outputs; ozk supports exactly one",
                  g->n_output);
        return g->n_output ? OZK_ENOTSUP : OZK_EINVAL;
    }
    const char *oname = nz(g->output[0]->name);
    const value *out = lookup(c, oname);
    if (!out) {
        ozk__errf(c->err, c->errlen, "the graph's output '%s' is not computed by any node", oname);
        return OZK_EINVAL;
    }
    if (out->kind != V_ACT) {
        ozk__errf(c->err, c->errlen, "the graph's output '%s' is a constant", oname);
        return OZK_ENOTSUP;
    }
    /* a declared output shape with fixed dimensions must agree with the computed one */
    const Onnx__TypeProto *t = g->output[0]->type;
    if (t && t->value_case == ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE && t->tensor_type &&
        t->tensor_type->shape) {
        const Onnx__TensorShapeProto *sh = t->tensor_type->shape;
        int bad = sh->n_dim != out->ndim;
        for (size_t k = 0; !bad && k < sh->n_dim; k++)
            if (sh->dim[k]->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE &&
                sh->dim[k]->dim_value != out->dims[k])
                bad = 1;
        if (bad) {
            shape_str(s1, sizeof s1, out->dims, out->ndim);
            int64_t dd[MAX_RANK];
            size_t nd = sh->n_dim < MAX_RANK ? sh->n_dim : MAX_RANK;
            for (size_t k = 0; k < nd; k++)
                dd[k] =
                    sh->dim[k]->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE
                        ? sh->dim[k]->dim_value
                        : -1;
            shape_str(s2, sizeof s2, dd, (uint32_t)nd);
            ozk__errf(c->err, c->errlen,
                      "mismatched shapes: the graph declares output '%s' as %s but computes %s",
                      oname, s2, s1);
            return OZK_EINVAL;
        }
    }
    if (out->ndim == 0 || out->ndim > MAX_RANK) {
        ozk__errf(c->err, c->errlen, "the output '%s' has rank %u; ozk supports 1 to %d", oname,
                  out->ndim, MAX_RANK);
        return OZK_ENOTSUP;
    }
    f->out_ndim = out->ndim, f->n_out = (uint32_t)out->numel;
    for (uint32_t k = 0; k < out->ndim; k++) f->out_dims[k] = (uint32_t)out->dims[k];
    return fold(c, f, out->tensor);
}

int ozk_onnx_import(ozk_fmodel **out, const uint8_t *onnx, size_t len, const uint8_t onnx_hash[32],
                    char *err, size_t errlen)
{
    int rc;
    ictx c;
    memset(&c, 0, sizeof c);
    c.err = err, c.errlen = errlen;
    *out = NULL;
    ozk__errf(err, errlen, "no error");
    Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, len, onnx);
    ozk_fmodel *f = calloc(1, sizeof *f);
    if (!m) {
        ozk__errf(err, errlen,
                  "not a valid ONNX file: the protobuf does not parse (truncated or corrupt?)");
        rc = OZK_EINVAL;
        goto fail;
    }
    if (!f) {
        rc = nomem(&c);
        goto fail;
    }
    memcpy(f->onnx_hash, onnx_hash, 32);
    OZK_TRY(import_graph(&c, m, f));
    *out = f, f = NULL;
    rc = 0;
fail:
    for (size_t k = 0; k < c.npl; k++) free(c.pl[k].w), free(c.pl[k].b), free(c.pl[k].c);
    for (size_t k = 0; k < c.narena; k++) free(c.arena[k]);
    free(c.arena);
    free(c.pl);
    free(c.vals);
    free(c.htab);
    ozk_fmodel_free(f);
    if (m) onnx__model_proto__free_unpacked(m, NULL);
    return rc;
}
