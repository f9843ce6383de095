/*
 * tests/test_model_format.c: the .ozkm file, and the committed digits models.
 *
 *  - round trip and the byte layout of docs/quantization.md;
 *  - a file cut at every offset, and every body prefix with its length and checksum made
 *    consistent: always an error, never a crash;
 *  - every byte flipped: caught by the checksum; and with the checksum recomputed, either an
 *    error or a file that re-encodes to the same bytes;
 *  - each field set to a bad value (checksum recomputed): the message names the problem;
 *  - the committed models of tests/fixtures/models/ (scripts/train-digits): the ONNX files import
 *    to the committed .ozkm bytes (the compiler is deterministic), the golden outputs (computed
 *    by the independent Python engine of scripts/train-digits) match, and quantized top-1
 *    accuracy on the digits test split stays within 1 point of float.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../model/internal.h"
#include "ozk/error.h"
#include "ozk/hex.h"
#include "ozk/keccak.h"
#include "ozk/model.h"
#include "testutil.h"

#define FIX OZK_FIXTURES "/models/"

static char g_err[1024];

/* ---- a small model with every layer kind ----------------------------------------------------- */

static void dense(ozk_model *m, size_t j, uint32_t in, uint32_t n_out)
{
    ozk_layer *l = &m->layers[j];
    l->kind = OZK_LAYER_DENSE;
    snprintf(l->name, sizeof l->name, "/fc%zu/Gemm", j);
    l->in[0] = in, l->in[1] = UINT32_MAX;
    l->n_in = ozk_model_tensor_len(m, in), l->n_out = n_out;
    l->w = malloc((size_t)l->n_in * n_out);
    l->b = malloc(n_out * sizeof *l->b);
    for (size_t k = 0; k < (size_t)l->n_in * n_out; k++)
        l->w[k] = (int8_t)((int)test_rand_below(255) - 127);
    for (uint32_t o = 0; o < n_out; o++) l->b[o] = (int32_t)test_rand_below(20001) - 10000;
}

static void requant(ozk_model *m, size_t j, int32_t L)
{
    ozk_layer *l = &m->layers[j];
    l->acc_bound = ozk__acc_bound(m, j);
    l->requant = 1, l->L = L, l->H = 127, l->s = 30;
    l->M = (int64_t)(((uint64_t)1 << 30) * 127 / l->acc_bound);
    l->scale = 0.0123 * (double)(j + 1);
}

/* dense 5 -> 7 (relu) | relu | add(t1, t2) | dense 7 -> 3, int32 out (or int8 when int8_out) */
static ozk_model *small_model(int int8_out)
{
    ozk_model *m = calloc(1, sizeof *m);
    m->n_layers = 4;
    m->layers = calloc(4, sizeof *m->layers);
    m->opset = 13;
    m->in_ndim = 3, m->in_dims[0] = 1, m->in_dims[1] = 1, m->in_dims[2] = 5, m->n_in = 5;
    m->in_scale = 1.0 / 127;
    for (int k = 0; k < 32; k++) m->onnx_hash[k] = (uint8_t)(0xa0 + k);
    dense(m, 0, 0, 7);
    requant(m, 0, 0);
    ozk_layer *l = &m->layers[1];
    l->kind = OZK_LAYER_RELU, l->in[0] = 1, l->in[1] = UINT32_MAX, l->n_in = l->n_out = 7;
    snprintf(l->name, sizeof l->name, "/relu");
    requant(m, 1, 0);
    l->M = 2, l->s = 1;
    l = &m->layers[2];
    l->kind = OZK_LAYER_ADD, l->in[0] = 1, l->in[1] = 2, l->n_in = l->n_out = 7;
    l->ka = 16384, l->kb = 9000;
    requant(m, 2, -128);
    dense(m, 3, 3, 3);
    if (int8_out) {
        requant(m, 3, -128);
    } else {
        m->layers[3].acc_bound = ozk__acc_bound(m, 3);
        m->layers[3].scale = 0.001;
    }
    m->out_ndim = 2, m->out_dims[0] = 1, m->out_dims[1] = 3, m->n_out = 3;
    m->out_dtype = int8_out ? OZK_DTYPE_INT8 : OZK_DTYPE_INT32;
    m->out_scale = m->layers[3].scale;
    if (ozk_model_validate(m, g_err, sizeof g_err)) fail_msg("small model: %s", g_err);
    return m;
}

static uint8_t *encode(ozk_model *m, size_t *len)
{
    uint8_t *buf;
    if (ozk_model_encode(&buf, len, m, g_err, sizeof g_err)) fail_msg("encode: %s", g_err);
    return buf;
}

/* Rewrites the length field and the checksum of a file (after editing it). */
static void reseal(uint8_t *buf, size_t len)
{
    for (int k = 0; k < 8; k++) buf[8 + k] = (uint8_t)((uint64_t)len >> (8 * (7 - k)));
    ozk_keccak256(buf + len - 32, buf, len - 32);
}

static uint64_t be(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int k = 0; k < n; k++) v = v << 8 | p[k];
    return v;
}

static void put_be(uint8_t *p, uint64_t v, int n)
{
    for (int k = 0; k < n; k++) p[k] = (uint8_t)(v >> (8 * (n - 1 - k)));
}

/* Offset of layer j's record in an encoded file (walks the layout). */
static size_t layer_at(const uint8_t *buf, size_t j)
{
    size_t off = 52;
    off += 4 + 4 * be(buf + off, 4) + 8; /* input dims, scale */
    off += 4 + 4 * be(buf + off, 4) + 4 + 8 + 4;
    for (size_t k = 0; k < j; k++) {
        uint32_t kind = (uint32_t)be(buf + off, 4);
        size_t nl = buf[off + 4], f = off + 5 + nl;
        uint64_t n_in = be(buf + f + 8, 4), n_out = be(buf + f + 12, 4);
        off = f + 53;
        if (kind == OZK_LAYER_DENSE) off += n_in * n_out + 4 * n_out;
        if (kind == OZK_LAYER_ADD) off += 8;
    }
    return off;
}

/* Offset of a field of layer j, after its name: in0 0, in1 4, n_in 8, n_out 12, requant 16,
 * M 17, s 25, L 29, H 33, acc_bound 37, scale 45, payload 53. */
static size_t field_at(const uint8_t *buf, size_t j, size_t rel)
{
    size_t off = layer_at(buf, j);
    return off + 5 + buf[off + 4] + rel;
}

static int decode(ozk_model **m, const uint8_t *buf, size_t len)
{
    return ozk_model_decode(m, buf, len, g_err, sizeof g_err);
}

/* ---- tests ----------------------------------------------------------------------------------- */

static void test_roundtrip_and_layout(void **state)
{
    (void)state;
    for (int int8_out = 0; int8_out < 2; int8_out++) {
        ozk_model *m = small_model(int8_out), *d;
        size_t len, len2;
        uint8_t *buf = encode(m, &len), h[32];
        ozk_keccak256(h, buf, len);
        assert_memory_equal(m->hash, h, 32);
        assert_int_equal(decode(&d, buf, len), 0);
        assert_memory_equal(d->hash, h, 32);
        assert_memory_equal(d->onnx_hash, m->onnx_hash, 32);
        assert_int_equal(d->n_layers, 4);
        assert_int_equal(d->in_ndim, 3);
        assert_int_equal(d->out_dtype, m->out_dtype);
        assert_true(d->in_scale == m->in_scale && d->out_scale == m->out_scale);
        for (size_t j = 0; j < 4; j++) {
            const ozk_layer *a = &m->layers[j], *b = &d->layers[j];
            assert_string_equal(a->name, b->name);
            assert_int_equal(a->kind, b->kind);
            assert_int_equal(a->M, b->M);
            assert_int_equal(a->s, b->s);
            assert_int_equal(a->L, b->L);
            assert_int_equal(a->acc_bound, b->acc_bound);
            if (a->kind == OZK_LAYER_DENSE) {
                assert_memory_equal(a->w, b->w, (size_t)a->n_in * a->n_out);
                assert_memory_equal(a->b, b->b, a->n_out * sizeof *a->b);
            }
        }
        uint8_t *buf2 = encode(d, &len2);
        assert_int_equal(len, len2);
        assert_memory_equal(buf, buf2, len);
        /* the layout of docs/quantization.md */
        assert_memory_equal(buf, "OZKM", 4);
        assert_int_equal(be(buf + 4, 4), 1);
        assert_int_equal(be(buf + 8, 8), len);
        assert_memory_equal(buf + 16, m->onnx_hash, 32);
        assert_int_equal(be(buf + 48, 4), 13);
        assert_int_equal(be(buf + 52, 4), 3);
        assert_int_equal(be(buf + 64, 4), 5);
        double sc;
        uint64_t bits = be(buf + 68, 8);
        memcpy(&sc, &bits, 8);
        assert_true(sc == 1.0 / 127);
        assert_int_equal(be(buf + 76, 4), 2); /* output rank */
        assert_int_equal(be(buf + 88, 4), m->out_dtype);
        assert_int_equal(be(buf + 100, 4), 4);               /* layers */
        assert_int_equal(be(buf + 104, 4), OZK_LAYER_DENSE); /* layer 0's kind */
        assert_int_equal(buf[108], strlen("/fc0/Gemm"));
        assert_memory_equal(buf + 109, "/fc0/Gemm", 9);
        assert_int_equal(field_at(buf, 0, 0), 118);
        assert_int_equal(be(buf + field_at(buf, 0, 12), 4), 7); /* n_out */
        assert_int_equal(be(buf + field_at(buf, 0, 17), 8), (uint64_t)m->layers[0].M);
        assert_int_equal(be(buf + field_at(buf, 0, 25), 4), 30); /* s */
        assert_int_equal(be(buf + field_at(buf, 0, 53), 1), (uint8_t)m->layers[0].w[0]);
        assert_int_equal(be(buf + field_at(buf, 2, 53), 4), 16384); /* ka */
        ozk_keccak256(h, buf, len - 32);
        assert_memory_equal(buf + len - 32, h, 32);
        free(buf), free(buf2);
        ozk_model_free(m), ozk_model_free(d);
    }
}

static void test_truncation(void **state)
{
    (void)state;
    ozk_model *m = small_model(0), *d;
    size_t len;
    uint8_t *buf = encode(m, &len);
    for (size_t cut = 0; cut < len; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1);
        memcpy(copy, buf, cut);
        int rc = decode(&d, copy, cut);
        if (rc != OZK_EINVAL) fail_msg("cut at %zu: rc %d", cut, rc);
        assert_null(d);
        if (cut >= 4 && !strstr(g_err, "truncated")) fail_msg("cut at %zu: '%s'", cut, g_err);
        free(copy);
    }
    assert_int_equal(decode(&d, buf, len), 0);
    ozk_model_free(d);
    /* every prefix of the body, sealed with a consistent length and checksum */
    size_t body = len - 32;
    for (size_t cut = 16; cut < body; cut++) {
        uint8_t *copy = malloc(cut + 32);
        memcpy(copy, buf, cut);
        reseal(copy, cut + 32);
        int rc = decode(&d, copy, cut + 32);
        if (rc >= 0) fail_msg("body cut at %zu decoded", cut);
        assert_null(d);
        free(copy);
    }
    free(buf);
    ozk_model_free(m);
}

static void test_flips(void **state)
{
    (void)state;
    ozk_model *m = small_model(1), *d;
    size_t len;
    uint8_t *buf = encode(m, &len), *copy = malloc(len);
    size_t accepted = 0;
    for (size_t pos = 0; pos < len; pos++) {
        for (int rep = 0; rep < 2; rep++) {
            uint8_t x = rep ? (uint8_t)(1 + test_rand_below(255)) : 0x01;
            memcpy(copy, buf, len);
            copy[pos] ^= x;
            if (decode(&d, copy, len) >= 0) fail_msg("flip of byte %zu decoded", pos);
            if (pos < 16 || pos >= len - 32) continue;
            reseal(copy, len); /* the checksum no longer helps: the parser must */
            if (decode(&d, copy, len) == 0) {
                size_t l2;
                uint8_t *again = encode(d, &l2);
                assert_int_equal(l2, len);
                assert_memory_equal(again, copy, len);
                free(again);
                ozk_model_free(d);
                accepted++;
            }
        }
    }
    assert_true(accepted > 0); /* e.g. a scale's low bits: still a valid model */
    free(copy);
    free(buf);
    ozk_model_free(m);
}

/* One field changed, the file resealed: decode fails with code and a message holding needle
 * (code 0 and needle NULL: any error). */
static void expect_bad(const uint8_t *buf, size_t len, size_t off, uint64_t v, int n, int code,
                       const char *needle)
{
    uint8_t *copy = malloc(len);
    memcpy(copy, buf, len);
    put_be(copy + off, v, n);
    reseal(copy, len);
    ozk_model *d;
    int rc = decode(&d, copy, len);
    if (!code && !needle && rc < 0) code = rc, needle = "";
    if (rc != code || !strstr(g_err, needle))
        fail_msg("field at %zu = %llu: rc %d (want %d), '%s' (want '%s')", off,
                 (unsigned long long)v, rc, code, g_err, needle);
    free(copy);
}

static void test_bad_fields(void **state)
{
    (void)state;
    ozk_model *m = small_model(0);
    size_t len;
    uint8_t *buf = encode(m, &len);
    uint64_t nan_bits = 0x7ff8000000000000ULL, neg_bits = 0xbff0000000000000ULL;
    ozk_model *d;
    /* the header */
    {
        uint8_t *copy = malloc(len);
        memcpy(copy, buf, len);
        copy[0] = 'X';
        assert_int_equal(decode(&d, copy, len), OZK_EINVAL);
        assert_non_null(strstr(g_err, "not an ozk model file"));
        free(copy);
    }
    expect_bad(buf, len, 4, 2, 4, OZK_ENOTSUP, "format version 2 is not supported");
    {
        uint8_t *copy = malloc(len);
        memcpy(copy, buf, len);
        copy[len / 2] ^= 0x40;
        assert_int_equal(decode(&d, copy, len), OZK_EINVAL);
        assert_non_null(strstr(g_err, "the checksum does not match its contents"));
        free(copy);
    }
    expect_bad(buf, len, 52, 0, 4, OZK_EINVAL, "invalid tensor shape");
    expect_bad(buf, len, 52, 9, 4, OZK_EINVAL, "invalid tensor shape");
    expect_bad(buf, len, 56, 0, 4, OZK_EINVAL, "invalid tensor shape");
    expect_bad(buf, len, 64, 6, 4, OZK_EINVAL, "layer 0 ('/fc0/Gemm', dense): mismatched sizes");
    expect_bad(buf, len, 68, nan_bits, 8, OZK_EINVAL, "input's shape or scale");
    expect_bad(buf, len, 68, neg_bits, 8, OZK_EINVAL, "input's shape or scale");
    expect_bad(buf, len, 88, 3, 4, OZK_EINVAL, "output's shape, dtype or scale");
    expect_bad(buf, len, 88, OZK_DTYPE_INT8, 4, OZK_EINVAL, "differs from the last layer");
    expect_bad(buf, len, 92, nan_bits, 8, OZK_EINVAL, "output's shape, dtype or scale");
    expect_bad(buf, len, 100, 0, 4, OZK_EINVAL, "0 layers cannot fit");
    expect_bad(buf, len, 100, 5, 4, OZK_EINVAL, "runs past the end");
    expect_bad(buf, len, 100, 3, 4, OZK_EINVAL, "unexpected bytes after the last layer");
    expect_bad(buf, len, 100, 0xffffffff, 4, OZK_EINVAL, "cannot fit in the file");
    /* layer records */
    size_t l0 = layer_at(buf, 0);
    expect_bad(buf, len, l0, 9, 4, OZK_EINVAL, "layer 0 has unknown kind 9");
    expect_bad(buf, len, l0 + 4, 200, 1, OZK_EINVAL, "name is 200 bytes long");
    expect_bad(buf, len, l0 + 5, 0, 1, OZK_EINVAL, "name holds a NUL byte");
    expect_bad(buf, len, field_at(buf, 0, 0), 1, 4, OZK_EINVAL,
               "layer 0 ('/fc0/Gemm', dense): reads a tensor that does not exist");
    expect_bad(buf, len, field_at(buf, 0, 4), 0, 4, OZK_EINVAL, "does not exist before it");
    expect_bad(buf, len, field_at(buf, 0, 8), 0, 4, OZK_EINVAL, "sizes 0 -> 7");
    expect_bad(buf, len, field_at(buf, 0, 8), 4, 4, 0, NULL); /* misaligns the rest */
    expect_bad(buf, len, field_at(buf, 0, 12), 1u << 29, 4, OZK_EINVAL, "sizes 5 -> 536870912");
    expect_bad(buf, len, field_at(buf, 0, 16), 0, 1, OZK_EINVAL,
               "only a last dense or add layer may skip");
    expect_bad(buf, len, field_at(buf, 0, 16), 7, 1, OZK_EINVAL, "may skip requantization");
    expect_bad(buf, len, field_at(buf, 0, 17), 0, 8, OZK_ERANGE, "precondition M != 0 fails");
    expect_bad(buf, len, field_at(buf, 0, 17), (uint64_t)-3, 8, OZK_ERANGE, "M must lie in");
    expect_bad(buf, len, field_at(buf, 0, 17), 1ULL << 33, 8, OZK_ERANGE, "M must lie in");
    expect_bad(buf, len, field_at(buf, 0, 25), 0, 4, OZK_ERANGE, "precondition s >= 1 fails");
    expect_bad(buf, len, field_at(buf, 0, 25), 1, 4, OZK_ERANGE, "|acc| * M < 2^(s+31) fails");
    expect_bad(buf, len, field_at(buf, 0, 25), 63, 4, OZK_ERANGE, "s > 62");
    expect_bad(buf, len, field_at(buf, 0, 29), 127, 4, OZK_ERANGE, "L < H fails");
    expect_bad(buf, len, field_at(buf, 0, 29), (uint32_t)-129, 4, OZK_ERANGE, "int8 range");
    expect_bad(buf, len, field_at(buf, 0, 33), 300, 4, OZK_ERANGE, "int8 range");
    expect_bad(buf, len, field_at(buf, 0, 37), 12345, 8, OZK_EINVAL,
               "the recorded accumulator bound 12345 differs");
    expect_bad(buf, len, field_at(buf, 0, 45), nan_bits, 8, OZK_EINVAL, "output scale");
    expect_bad(buf, len, field_at(buf, 0, 53), 0x80, 1, OZK_EINVAL,
               "weight 0 is -128; weights lie in [-127, 127]");
    expect_bad(buf, len, field_at(buf, 3, 53) + 3 * 7, 0x7fffffff, 4, OZK_EINVAL,
               "layer 3 ('/fc3/Gemm', dense): the recorded accumulator bound");
    expect_bad(buf, len, field_at(buf, 2, 4), 3, 4, OZK_EINVAL, "does not exist before it");
    expect_bad(buf, len, field_at(buf, 2, 4), 1, 4, OZK_EINVAL,
               "layer 1 ('/relu', relu): no later layer reads its output");
    expect_bad(buf, len, field_at(buf, 1, 17), 0, 8, OZK_ERANGE, "M != 0");
    expect_bad(buf, len, field_at(buf, 3, 16), 1, 1, OZK_ERANGE, "precondition s >= 1 fails");
    /* trailing bytes inside the sealed region */
    {
        uint8_t *copy = malloc(len + 1);
        memcpy(copy, buf, len - 32);
        copy[len - 32] = 0;
        reseal(copy, len + 1);
        assert_int_equal(decode(&d, copy, len + 1), OZK_EINVAL);
        assert_non_null(strstr(g_err, "1 unexpected bytes after the last layer"));
        /* and bytes after the checksum */
        memcpy(copy, buf, len);
        copy[len] = 0;
        assert_int_equal(decode(&d, copy, len + 1), OZK_EINVAL);
        assert_non_null(strstr(g_err, "header says"));
        free(copy);
    }
    free(buf);
    ozk_model_free(m);
}

/* ---- the committed digits models ------------------------------------------------------------- */

static double *json_rows(json_t *arr, size_t width, size_t *count)
{
    size_t n = json_array_size(arr);
    double *v = malloc(n * width * sizeof *v);
    for (size_t k = 0; k < n; k++) {
        json_t *row = json_array_get(arr, k);
        assert_int_equal(json_array_size(row), width);
        for (size_t i = 0; i < width; i++)
            v[k * width + i] = json_number_value(json_array_get(row, i));
    }
    *count = n;
    return v;
}

static void check_fixture(const char *name)
{
    char path[512];
    size_t len, onnx_len;
    snprintf(path, sizeof path, FIX "%s.ozkm", name);
    uint8_t *file = test_read_file(path, &len);
    ozk_model *m;
    if (decode(&m, file, len)) fail_msg("%s: %s", path, g_err);

    /* the golden outputs of scripts/train-digits' Python engine */
    snprintf(path, sizeof path, FIX "%s.golden.json", name);
    json_error_t je;
    json_t *gold = json_load_file(path, JSON_DECODE_INT_AS_REAL, &je);
    assert_non_null(gold);
    char hash[67] = "0x";
    ozk_hex_encode(hash + 2, m->hash, 32);
    assert_string_equal(json_string_value(json_object_get(gold, "model")), hash);
    json_t *cases = json_object_get(gold, "cases");
    assert_true(json_array_size(cases) >= 4);
    uint8_t *work = malloc(ozk_model_work_size(m));
    int8_t *q = malloc(m->n_in);
    int32_t *y = malloc(m->n_out * sizeof *y);
    uint8_t *xb = malloc(m->n_in), *yb = malloc(ozk_model_output_bytes(m));
    double *x = malloc(m->n_in * sizeof *x);
    char *hex = malloc(2 * ozk_model_output_bytes(m) + 2 * m->n_in + 3);
    for (size_t c = 0; c < json_array_size(cases); c++) {
        json_t *cs = json_array_get(cases, c), *in = json_object_get(cs, "input");
        assert_int_equal(json_array_size(in), m->n_in);
        for (uint32_t i = 0; i < m->n_in; i++) x[i] = json_number_value(json_array_get(in, i));
        assert_int_equal(ozk_model_quantize_input(m, q, x, m->n_in, g_err, sizeof g_err), 0);
        ozk_model_infer(m, y, q, work);
        ozk_model_encode_input(m, xb, q);
        ozk_model_encode_output(m, yb, y);
        hex[0] = '0', hex[1] = 'x';
        ozk_hex_encode(hex + 2, xb, m->n_in);
        assert_string_equal(hex, json_string_value(json_object_get(cs, "input_q")));
        ozk_hex_encode(hex + 2, yb, ozk_model_output_bytes(m));
        assert_string_equal(hex, json_string_value(json_object_get(cs, "output_q")));
        json_t *out = json_object_get(cs, "output");
        for (uint32_t o = 0; o < m->n_out; o++)
            assert_int_equal(y[o], (int32_t)json_number_value(json_array_get(out, o)));
    }
    json_decref(gold);

    /* import again: the same bytes (the compiler is deterministic) */
    snprintf(path, sizeof path, FIX "%s.onnx", name);
    uint8_t *onnx = test_read_file(path, &onnx_len), oh[32];
    ozk_keccak256(oh, onnx, onnx_len);
    assert_memory_equal(oh, m->onnx_hash, 32);
    ozk_fmodel *f;
    if (ozk_onnx_import(&f, onnx, onnx_len, oh, g_err, sizeof g_err)) fail_msg("%s", g_err);
    json_t *cal = json_load_file(FIX "digits-calib.json", JSON_DECODE_INT_AS_REAL, &je);
    size_t ncal;
    double *cx = json_rows(json_object_get(cal, "inputs"), m->n_in, &ncal);
    ozk_model *m2;
    if (ozk_quantize(&m2, f, cx, ncal, g_err, sizeof g_err)) fail_msg("%s", g_err);
    size_t len2;
    uint8_t *file2 = encode(m2, &len2);
    assert_int_equal(len2, len);
    assert_memory_equal(file2, file, len);

    /* accuracy on the digits test split: float (here and in PyTorch) vs quantized */
    json_t *test = json_load_file(FIX "digits-test.json", JSON_DECODE_INT_AS_REAL, &je);
    json_t *accj = json_load_file(FIX "digits-accuracy.json", 0, &je);
    assert_non_null(test);
    assert_non_null(accj);
    size_t nt;
    double *tx = json_rows(json_object_get(test, "inputs"), m->n_in, &nt);
    json_t *labels = json_object_get(test, "labels");
    double *fy = malloc(m->n_out * sizeof *fy);
    size_t float_ok = 0, quant_ok = 0;
    for (size_t k = 0; k < nt; k++) {
        uint32_t label = (uint32_t)json_number_value(json_array_get(labels, k));
        assert_int_equal(ozk_fmodel_eval(f, fy, tx + k * m->n_in), 0);
        uint32_t best = 0;
        for (uint32_t o = 1; o < m->n_out; o++)
            if (fy[o] > fy[best]) best = o;
        float_ok += best == label;
        assert_int_equal(
            ozk_model_quantize_input(m, q, tx + k * m->n_in, m->n_in, g_err, sizeof g_err), 0);
        ozk_model_infer(m, y, q, work);
        quant_ok += ozk_model_argmax(m, y) == label;
    }
    double fa = (double)float_ok / (double)nt, qa = (double)quant_ok / (double)nt;
    json_t *rec = json_object_get(accj, name);
    double torch_fa = json_number_value(json_object_get(rec, "float_accuracy"));
    double rec_qa = json_number_value(json_object_get(rec, "quantized_accuracy"));
    print_message("%s: float %.4f (PyTorch %.4f), quantized %.4f on %zu test images\n", name, fa,
                  torch_fa, qa, nt);
    assert_true(fabs(fa - torch_fa) <= 2.5 / (double)nt); /* double vs float32: near-ties */
    assert_true(fabs(qa - rec_qa) < 1e-12);               /* the number the script recorded */
    assert_true(fabs(qa - fa) <= 0.01);
    assert_true(fabs(qa - torch_fa) <= 0.01);
    assert_true(qa > 0.9);

    json_decref(test), json_decref(accj), json_decref(cal);
    free(tx), free(fy), free(cx), free(file2), free(onnx), free(file);
    free(work), free(q), free(y), free(xb), free(yb), free(x), free(hex);
    ozk_model_free(m2), ozk_model_free(m);
    ozk_fmodel_free(f);
}

static void test_digits_mlp(void **state)
{
    (void)state;
    check_fixture("digits-mlp");
}

static void test_digits_matmul(void **state)
{
    (void)state;
    check_fixture("digits-matmul");
}

/* A committed model file cut at a sample of offsets, and resealed bodies: errors, no crash. */
static void test_fixture_truncation(void **state)
{
    (void)state;
    size_t len;
    uint8_t *file = test_read_file(FIX "digits-matmul.ozkm", &len);
    ozk_model *d;
    for (size_t k = 0; k < test_cases(400); k++) {
        size_t cut = (size_t)test_rand_below(len - 32 - 16) + 16;
        uint8_t *copy = malloc(cut + 32);
        memcpy(copy, file, cut);
        reseal(copy, cut + 32);
        assert_true(decode(&d, copy, cut + 32) < 0);
        assert_true(decode(&d, copy, cut) < 0);
        free(copy);
    }
    free(file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip_and_layout),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_flips),
        cmocka_unit_test(test_bad_fields),
        cmocka_unit_test(test_digits_mlp),
        cmocka_unit_test(test_digits_matmul),
        cmocka_unit_test(test_fixture_truncation),
    };
    return TEST_RUN("model_format", tests);
}
