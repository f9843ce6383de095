/*
 * model/format.c: the .ozkm model file (docs/quantization.md, "The .ozkm file"): big-endian
 * fields, a header, the layers in order, and a keccak256 checksum of everything before it. The
 * keccak256 of the whole file is the model's identity.
 *
 * Decoding never trusts a length before checking it against the bytes that remain, allocates
 * only what those bytes can fill, and ends with ozk_model_validate, so a file that decodes is a
 * model the engine can run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "ozk/error.h"
#include "ozk/keccak.h"

#define MAGIC        "OZKM"
#define HEADER_FIXED 16  /* magic, version, length */
#define LAYER_FIXED  58  /* a layer record without its name and weights */
#define MIN_FILE     124 /* HEADER_FIXED + 76 (the smallest model header) + 32 */

/* ---- writing -------------------------------------------------------------------------------- */

typedef struct {
    uint8_t *p;
    size_t off;
} wr;

static void put_u(wr *w, uint64_t v, unsigned n)
{
    for (unsigned k = 0; k < n; k++) w->p[w->off + k] = (uint8_t)(v >> (8 * (n - 1 - k)));
    w->off += n;
}

static void put_f64(wr *w, double d)
{
    uint64_t bits;
    memcpy(&bits, &d, 8);
    put_u(w, bits, 8);
}

static void put_bytes(wr *w, const void *b, size_t n)
{
    memcpy(w->p + w->off, b, n);
    w->off += n;
}

static size_t name_len(const ozk_layer *l)
{
    return strnlen(l->name, sizeof l->name - 1);
}

static size_t encoded_size(const ozk_model *m)
{
    size_t n = HEADER_FIXED + 32 + 4 + 4 + 4 * (size_t)m->in_ndim + 8 + 4 +
               4 * (size_t)m->out_ndim + 4 + 8 + 4;
    for (size_t j = 0; j < m->n_layers; j++) {
        const ozk_layer *l = &m->layers[j];
        n += LAYER_FIXED + name_len(l);
        if (l->kind == OZK_LAYER_DENSE) n += (size_t)l->n_out * l->n_in + 4 * (size_t)l->n_out;
        if (l->kind == OZK_LAYER_ADD) n += 8;
    }
    return n + 32;
}

int ozk_model_encode(uint8_t **out, size_t *len, ozk_model *m, char *err, size_t errlen)
{
    int rc;
    *out = NULL, *len = 0;
    if ((rc = ozk_model_validate(m, err, errlen)) < 0) return rc;
    size_t n = encoded_size(m);
    wr w = { malloc(n), 0 };
    if (!w.p) {
        ozk__errf(err, errlen, "out of memory (%zu bytes for the model file)", n);
        return OZK_ENOMEM;
    }
    put_bytes(&w, MAGIC, 4);
    put_u(&w, OZK_MODEL_VERSION, 4);
    put_u(&w, n, 8);
    put_bytes(&w, m->onnx_hash, 32);
    put_u(&w, m->opset, 4);
    put_u(&w, m->in_ndim, 4);
    for (uint32_t k = 0; k < m->in_ndim; k++) put_u(&w, m->in_dims[k], 4);
    put_f64(&w, m->in_scale);
    put_u(&w, m->out_ndim, 4);
    for (uint32_t k = 0; k < m->out_ndim; k++) put_u(&w, m->out_dims[k], 4);
    put_u(&w, m->out_dtype, 4);
    put_f64(&w, m->out_scale);
    put_u(&w, m->n_layers, 4);
    for (size_t j = 0; j < m->n_layers; j++) {
        const ozk_layer *l = &m->layers[j];
        size_t nl = name_len(l);
        put_u(&w, l->kind, 4);
        put_u(&w, nl, 1);
        put_bytes(&w, l->name, nl);
        put_u(&w, l->in[0], 4);
        put_u(&w, l->in[1], 4);
        put_u(&w, l->n_in, 4);
        put_u(&w, l->n_out, 4);
        put_u(&w, l->requant, 1);
        put_u(&w, (uint64_t)l->M, 8);
        put_u(&w, l->s, 4);
        put_u(&w, (uint32_t)l->L, 4);
        put_u(&w, (uint32_t)l->H, 4);
        put_u(&w, l->acc_bound, 8);
        put_f64(&w, l->scale);
        if (l->kind == OZK_LAYER_DENSE) {
            put_bytes(&w, l->w, (size_t)l->n_out * l->n_in);
            for (uint32_t o = 0; o < l->n_out; o++) put_u(&w, (uint32_t)l->b[o], 4);
        } else if (l->kind == OZK_LAYER_ADD) {
            put_u(&w, (uint32_t)l->ka, 4);
            put_u(&w, (uint32_t)l->kb, 4);
        }
    }
    ozk_keccak256(w.p + w.off, w.p, w.off);
    w.off += 32;
    ozk_keccak256(m->hash, w.p, w.off);
    *out = w.p, *len = w.off;
    return 0;
}

/* ---- reading -------------------------------------------------------------------------------- */

typedef struct {
    const uint8_t *p;
    size_t end, off;
    const char *what; /* the field that ran past the end */
} rd;

static int get_u(rd *r, uint64_t *v, unsigned n, const char *what)
{
    if (r->end - r->off < n) {
        r->what = what;
        return -1;
    }
    uint64_t x = 0;
    for (unsigned k = 0; k < n; k++) x = x << 8 | r->p[r->off + k];
    r->off += n;
    *v = x;
    return 0;
}

static int get_u32(rd *r, uint32_t *v, const char *what)
{
    uint64_t x;
    if (get_u(r, &x, 4, what) < 0) return -1;
    *v = (uint32_t)x;
    return 0;
}

static int32_t to_i32(uint64_t v)
{
    uint32_t u = (uint32_t)v;
    return u < 0x80000000u ? (int32_t)u : (int32_t)(u - 0x80000000u) - INT32_MAX - 1;
}

static int64_t to_i64(uint64_t u)
{
    return u < 0x8000000000000000ULL ? (int64_t)u
                                     : (int64_t)(u - 0x8000000000000000ULL) - INT64_MAX - 1;
}

static int get_i32(rd *r, int32_t *v, const char *what)
{
    uint64_t x;
    if (get_u(r, &x, 4, what) < 0) return -1;
    *v = to_i32(x);
    return 0;
}

static int get_f64(rd *r, double *d, const char *what)
{
    uint64_t bits;
    if (get_u(r, &bits, 8, what) < 0) return -1;
    memcpy(d, &bits, 8);
    return 0;
}

static int get_dims(rd *r, uint32_t *ndim, uint32_t *dims, uint32_t *n, const char *what)
{
    if (get_u32(r, ndim, what) < 0) return -1;
    if (*ndim < 1 || *ndim > OZK_MODEL_MAX_DIMS) return -2;
    uint64_t p = 1;
    for (uint32_t k = 0; k < *ndim; k++) {
        if (get_u32(r, &dims[k], what) < 0) return -1;
        p *= dims[k];
        if (dims[k] == 0 || p > OZK_MODEL_MAX_LEN) return -2;
    }
    *n = (uint32_t)p;
    return 0;
}

static int truncated(char *err, size_t errlen, const rd *r)
{
    ozk__errf(err, errlen,
              "corrupt model file: %s at byte %zu runs past the end of the data; the file is "
              "inconsistent",
              r->what, r->off);
    return OZK_EINVAL;
}

static int read_layer(rd *r, ozk_layer *l, size_t j, char *err, size_t errlen)
{
    uint64_t v;
    if (get_u32(r, &l->kind, "a layer's kind") < 0) return truncated(err, errlen, r);
    if (l->kind < OZK_LAYER_DENSE || l->kind > OZK_LAYER_RELU) {
        ozk__errf(err, errlen, "corrupt model file: layer %zu has unknown kind %u (byte %zu)", j,
                  l->kind, r->off - 4);
        return OZK_EINVAL;
    }
    if (get_u(r, &v, 1, "a layer's name length") < 0) return truncated(err, errlen, r);
    if (v >= OZK_MODEL_NAME_MAX) {
        ozk__errf(err, errlen, "corrupt model file: layer %zu's name is %u bytes long (max %d)", j,
                  (unsigned)v, OZK_MODEL_NAME_MAX - 1);
        return OZK_EINVAL;
    }
    if (r->end - r->off < v) return r->what = "a layer's name", truncated(err, errlen, r);
    memcpy(l->name, r->p + r->off, (size_t)v);
    l->name[v] = '\0';
    if (memchr(l->name, 0, (size_t)v)) {
        ozk__errf(err, errlen, "corrupt model file: layer %zu's name holds a NUL byte", j);
        return OZK_EINVAL;
    }
    r->off += (size_t)v;
    if (get_u32(r, &l->in[0], "a layer's input") < 0 ||
        get_u32(r, &l->in[1], "a layer's second input") < 0 ||
        get_u32(r, &l->n_in, "a layer's input size") < 0 ||
        get_u32(r, &l->n_out, "a layer's output size") < 0 ||
        get_u(r, &v, 1, "a layer's requant flag") < 0)
        return truncated(err, errlen, r);
    l->requant = (uint32_t)v;
    if (get_u(r, &v, 8, "a layer's M") < 0) return truncated(err, errlen, r);
    l->M = to_i64(v);
    if (get_u32(r, &l->s, "a layer's s") < 0 || get_i32(r, &l->L, "a layer's L") < 0 ||
        get_i32(r, &l->H, "a layer's H") < 0 ||
        get_u(r, &l->acc_bound, 8, "a layer's accumulator bound") < 0 ||
        get_f64(r, &l->scale, "a layer's scale") < 0)
        return truncated(err, errlen, r);
    if (l->n_in < 1 || l->n_in > OZK_MODEL_MAX_LEN || l->n_out < 1 ||
        l->n_out > OZK_MODEL_MAX_LEN) {
        ozk__errf(err, errlen, "corrupt model file: layer %zu has sizes %u -> %u", j, l->n_in,
                  l->n_out);
        return OZK_EINVAL;
    }
    if (l->kind == OZK_LAYER_DENSE) {
        uint64_t nw = (uint64_t)l->n_out * l->n_in, need = nw + 4 * (uint64_t)l->n_out;
        if (r->end - r->off < need) return r->what = "a layer's weights", truncated(err, errlen, r);
        l->w = malloc((size_t)nw);
        l->b = malloc((size_t)l->n_out * sizeof *l->b);
        if (!l->w || !l->b) {
            ozk__errf(err, errlen, "out of memory reading layer %zu", j);
            return OZK_ENOMEM;
        }
        memcpy(l->w, r->p + r->off, (size_t)nw); /* int8 two's complement, as stored */
        r->off += (size_t)nw;
        for (uint32_t o = 0; o < l->n_out; o++) (void)get_i32(r, &l->b[o], "a bias");
    } else if (l->kind == OZK_LAYER_ADD) {
        if (get_i32(r, &l->ka, "ka") < 0 || get_i32(r, &l->kb, "kb") < 0)
            return truncated(err, errlen, r);
    }
    return 0;
}

int ozk_model_decode(ozk_model **out, const uint8_t *buf, size_t len, char *err, size_t errlen)
{
    int rc = 0;
    uint64_t v;
    uint32_t u;
    *out = NULL;
    if (len < 4 || memcmp(buf, MAGIC, 4)) {
        ozk__errf(err, errlen,
                  len < 4 && !memcmp(buf, MAGIC, len)
                      ? "truncated model file: %zu bytes"
                      : "not an ozk model file (.ozkm): the magic bytes are wrong",
                  len);
        return OZK_EINVAL;
    }
    rd r = { buf, len, 4, NULL };
    if (get_u32(&r, &u, "the version") < 0 || get_u(&r, &v, 8, "the file length") < 0) {
        ozk__errf(err, errlen, "truncated model file: %zu bytes", len);
        return OZK_EINVAL;
    }
    if (u != OZK_MODEL_VERSION) {
        ozk__errf(err, errlen,
                  "model file format version %u is not supported (this ozk reads version %d)", u,
                  OZK_MODEL_VERSION);
        return OZK_ENOTSUP;
    }
    if (v != len) {
        ozk__errf(err, errlen,
                  v > len ? "truncated model file: %zu bytes where its header says %llu"
                          : "corrupt model file: %zu bytes where its header says %llu",
                  len, (unsigned long long)v);
        return OZK_EINVAL;
    }
    if (len < MIN_FILE) {
        ozk__errf(err, errlen, "corrupt model file: %zu bytes is too short", len);
        return OZK_EINVAL;
    }
    uint8_t sum[32];
    ozk_keccak256(sum, buf, len - 32);
    if (memcmp(sum, buf + len - 32, 32)) {
        ozk__errf(err, errlen,
                  "corrupt model file: the checksum does not match its contents (damaged or "
                  "edited file)");
        return OZK_EINVAL;
    }
    r.end = len - 32;
    ozk_model *m = calloc(1, sizeof *m);
    if (!m) {
        ozk__errf(err, errlen, "out of memory");
        return OZK_ENOMEM;
    }
    int d;
    if (r.end - r.off < 36) {
        r.what = "the ONNX hash";
        OZK_TRY(truncated(err, errlen, &r));
    }
    memcpy(m->onnx_hash, buf + r.off, 32);
    r.off += 32;
    if (get_u32(&r, &m->opset, "the opset") < 0) OZK_TRY(truncated(err, errlen, &r));
    if ((d = get_dims(&r, &m->in_ndim, m->in_dims, &m->n_in, "the input shape")) == -1 ||
        (d == 0 && get_f64(&r, &m->in_scale, "the input scale") < 0))
        OZK_TRY(truncated(err, errlen, &r));
    if (d == 0 &&
        (d = get_dims(&r, &m->out_ndim, m->out_dims, &m->n_out, "the output shape")) == -1)
        OZK_TRY(truncated(err, errlen, &r));
    if (d == -2) {
        ozk__errf(err, errlen, "corrupt model file: invalid tensor shape before byte %zu", r.off);
        OZK_TRY(OZK_EINVAL);
    }
    if (get_u32(&r, &m->out_dtype, "the output dtype") < 0 ||
        get_f64(&r, &m->out_scale, "the output scale") < 0 ||
        get_u32(&r, &u, "the layer count") < 0)
        OZK_TRY(truncated(err, errlen, &r));
    if (u < 1 || u > OZK_MODEL_MAX_LAYERS || (uint64_t)u * LAYER_FIXED > r.end - r.off) {
        ozk__errf(err, errlen, "corrupt model file: %u layers cannot fit in the file", u);
        OZK_TRY(OZK_EINVAL);
    }
    if (!(m->layers = calloc(u, sizeof *m->layers))) {
        ozk__errf(err, errlen, "out of memory");
        OZK_TRY(OZK_ENOMEM);
    }
    m->n_layers = u;
    for (size_t j = 0; j < m->n_layers; j++) OZK_TRY(read_layer(&r, &m->layers[j], j, err, errlen));
    if (r.off != r.end) {
        ozk__errf(err, errlen, "corrupt model file: %zu unexpected bytes after the last layer",
                  r.end - r.off);
        OZK_TRY(OZK_EINVAL);
    }
    if ((rc = ozk_model_validate(m, err, errlen)) < 0) {
        char msg[256];
        snprintf(msg, sizeof msg, "%s", err && errlen ? err : "");
        ozk__errf(err, errlen, "invalid model file: %s", msg);
        goto fail;
    }
    ozk_keccak256(m->hash, buf, len);
    *out = m;
    return 0;
fail:
    ozk_model_free(m);
    return rc;
}
