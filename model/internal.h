/*
 * model/internal.h: what the files of model/ share and nothing else sees.
 */
#ifndef OZK_MODEL_INTERNAL_H
#define OZK_MODEL_INTERNAL_H

#include <stdint.h>

#include "ozk/model.h"

/* A float layer: the same kinds and tensor numbering as ozk_layer (tensor 0 the input, k the
 * output of layer k - 1), with double weights and a folded ReLU flag instead of requantization.
 *   DENSE: out[o] = b[o] + sum_i w[o * n_in + i] in[i]
 *   ADD:   out[i] = a[i] + b[i]
 *   RELU:  out[i] = in[i]
 * then out = max(out, 0) when relu (always for RELU). */
typedef struct {
    uint32_t kind;
    char name[OZK_MODEL_NAME_MAX];
    const char *op; /* the ONNX op it came from (a static string), for messages */
    uint32_t in[2];
    uint32_t n_in, n_out;
    double *w, *b; /* DENSE only; owned */
    uint32_t relu;
} ozk__flayer;

struct ozk_fmodel {
    uint8_t onnx_hash[32];
    uint32_t opset;
    uint32_t in_ndim, in_dims[OZK_MODEL_MAX_DIMS], n_in;
    uint32_t out_ndim, out_dims[OZK_MODEL_MAX_DIMS], n_out;
    size_t n_layers;
    ozk__flayer *layers;
};

/* Writes a printf-style message into err (if errlen > 0), always NUL-terminated. */
void ozk__errf(char *err, size_t errlen, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Length of float tensor id (0 the input). */
uint32_t ozk__ftensor_len(const ozk_fmodel *f, uint32_t id);

/* Runs f on in and fills t[id] (caller-allocated, ozk__ftensor_len(f, id) doubles each) for
 * every tensor id 0..n_layers (t[0] gets a copy of in). */
void ozk__fmodel_run(const ozk_fmodel *f, double *const *t, const double *in);

/* The largest |value| an int8 tensor id of m can hold: 128 for the input, max(|L|, |H|) of the
 * layer that produced it otherwise. */
uint32_t ozk__tensor_radius(const ozk_model *m, uint32_t id);

/* Worst-case |acc| of layer j over every input in range, from its weights. */
uint64_t ozk__acc_bound(const ozk_model *m, size_t j);

/* Checks the requantization preconditions of docs/quantization.md for one layer (M, s, L, H,
 * acc_bound). Returns NULL if they hold, else a static string naming the one that fails. */
const char *ozk__requant_check(int64_t M, uint32_t s, int32_t L, int32_t H, uint64_t acc_bound);

/* A short word for a layer kind ("dense", "add", "relu", "?"). */
const char *ozk__kind_name(uint32_t kind);

#endif
