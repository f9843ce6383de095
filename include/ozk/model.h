/*
 * ozk/model.h: neural network models. ONNX import, quantization, the .ozkm file and the
 * bit-exact integer inference that the prover later proves.
 *
 *   ONNX bytes --ozk_onnx_import--> float graph (ozk_fmodel)
 *              --ozk_quantize(calibration inputs)--> quantized model (ozk_model)
 *              --ozk_model_encode--> .ozkm bytes --ozk_model_decode--> ozk_model
 *   float input --ozk_model_quantize_input--> int8 input --ozk_model_infer--> int8/int32 output
 *
 * docs/quantization.md is the normative text of everything a client must reimplement bit for
 * bit: the float-to-int8 rule of the input, the integer layers, the requantization relation and
 * its preconditions, the canonical byte strings and the .ozkm layout. This header says how to
 * call the code.
 *
 * Pure: nothing here opens files or prints; callers hand over bytes and get bytes back.
 *
 * Errors: systems regime (ozk/error.h). Functions that can reject user input return 0 or a
 * negative OZK_E* code and write a one-line human-readable reason into `err` (err may be NULL
 * when errlen is 0; the message is always NUL-terminated and truncated to errlen - 1 bytes). The
 * message names what was wrong (the ONNX node and op, the layer, the byte offset) and, where it
 * helps, what to do. On failure nothing is returned half-built: *out is set to NULL.
 *
 * Codes: OZK_EINVAL malformed input (bad protobuf, truncated or corrupt file, NaN, mismatched
 * shapes), OZK_ENOTSUP well formed but outside what this version supports (an op, attribute,
 * dtype, dynamic shape, opset, format version), OZK_ERANGE a quantization precondition fails,
 * OZK_ENOMEM an allocation failed.
 */
#ifndef OZK_MODEL_H
#define OZK_MODEL_H

#include <stddef.h>
#include <stdint.h>

/* ---- limits ---------------------------------------------------------------------------------- */

#define OZK_MODEL_MAX_DIMS   8          /* rank of the input and output tensors */
#define OZK_MODEL_NAME_MAX   64         /* a layer's name, with its NUL (longer names are cut) */
#define OZK_MODEL_MAX_LEN    (1u << 28) /* elements in one tensor, and inputs/outputs per layer */
#define OZK_MODEL_MAX_LAYERS 4096
#define OZK_OPSET_MIN        11 /* ONNX default-domain opsets accepted by the importer */
#define OZK_OPSET_MAX        17
#define OZK_MODEL_VERSION    1 /* the .ozkm format version this code writes and reads */

/* ---- ONNX import: the float graph ----------------------------------------------------------- */

/* A float model in ozk's layer form: ONNX ops already fused into dense / add / relu layers,
 * shapes resolved, weights in double. Opaque; free with ozk_fmodel_free. */
typedef struct ozk_fmodel ozk_fmodel;

/* Parses an ONNX ModelProto of len bytes and converts its graph (see docs/quantization.md,
 * "What the importer accepts"). onnx_hash (32 bytes) is recorded in the model; callers pass
 * the keccak256 of the same bytes. On success *out owns a new float model. Never keeps a
 * pointer into onnx. Returns 0, OZK_EINVAL, OZK_ENOTSUP or OZK_ENOMEM. */
int ozk_onnx_import(ozk_fmodel **out, const uint8_t *onnx, size_t len, const uint8_t onnx_hash[32],
                    char *err, size_t errlen);

void ozk_fmodel_free(ozk_fmodel *f); /* NULL is fine */

size_t ozk_fmodel_input_len(const ozk_fmodel *f);  /* elements of the flattened input */
size_t ozk_fmodel_output_len(const ozk_fmodel *f); /* elements of the flattened output */

/* Float inference (double precision), the reference the quantized model is measured against:
 * out[ozk_fmodel_output_len] from in[ozk_fmodel_input_len]. Returns 0 or OZK_ENOMEM. */
int ozk_fmodel_eval(const ozk_fmodel *f, double *out, const double *in);

/* ---- quantization ---------------------------------------------------------------------------- */

/* Quantizes f with the calibration inputs calib[n_samples][input_len] (row-major): per-tensor
 * symmetric int8 weights, int32 biases, int8 activations whose scales come from the largest
 * magnitude each tensor takes on the calibration inputs, then checks every precondition of
 * docs/quantization.md per layer. On success *out owns a new model whose `hash` is still zero
 * (ozk_model_encode sets it). Returns 0, OZK_EINVAL (no samples, a non-finite value),
 * OZK_ERANGE (a layer breaks a precondition; the message names it and says which) or
 * OZK_ENOMEM. */
struct ozk_model;
int ozk_quantize(struct ozk_model **out, const ozk_fmodel *f, const double *calib, size_t n_samples,
                 char *err, size_t errlen);

/* ---- the quantized model --------------------------------------------------------------------- */

enum {
    OZK_LAYER_DENSE = 1, /* acc[o] = b[o] + sum_i w[o][i] x[i] */
    OZK_LAYER_ADD = 2,   /* acc[i] = ka a[i] + kb b[i] */
    OZK_LAYER_RELU = 3   /* acc[i] = x[i] (a ReLU that could not be folded into its producer) */
};

enum { OZK_DTYPE_INT8 = 1, OZK_DTYPE_INT32 = 2 };

/* One layer. Tensor ids: 0 is the model's input, k >= 1 the output of layer k - 1. Every layer
 * but the last requantizes its accumulator to int8,
 *     y = clamp(floor((acc * M + 2^(s-1)) / 2^s), L, H),
 * ReLU being L = 0. The last layer either does the same (int8 output) or, with requant = 0,
 * outputs its accumulator itself (int32). */
typedef struct {
    uint32_t kind;                 /* OZK_LAYER_* */
    char name[OZK_MODEL_NAME_MAX]; /* the ONNX node it came from, for messages */
    uint32_t in[2];                /* tensor ids read; in[1] only for ADD (else UINT32_MAX) */
    uint32_t n_in, n_out;          /* elements read (per input) and written */
    int8_t *w;                     /* DENSE: n_out x n_in row-major, w[o * n_in + i]; else NULL */
    int32_t *b;                    /* DENSE: n_out biases; else NULL */
    int32_t ka, kb;                /* ADD: the integer weights of its inputs; else 0 */
    uint32_t requant;              /* 1: int8 output through the relation above; 0: int32 acc */
    int64_t M;                     /* requant: multiplier, 1 <= M < 2^32; else 0 */
    uint32_t s;                    /* requant: shift, 1 <= s <= 62; else 0 */
    int32_t L, H;                  /* requant: clamp bounds, -128 <= L < H <= 127; else 0 */
    uint64_t acc_bound;            /* max |acc| over all inputs in range, from the weights */
    double scale;                  /* real value of one unit of the output */
} ozk_layer;

typedef struct ozk_model {
    uint8_t hash[32];      /* keccak256 of the .ozkm file: the model's identity */
    uint8_t onnx_hash[32]; /* keccak256 of the ONNX file it was imported from */
    uint32_t opset;        /* the ONNX file's default-domain opset */
    uint32_t in_ndim, in_dims[OZK_MODEL_MAX_DIMS];
    uint32_t n_in;   /* product of in_dims: int8 input elements */
    double in_scale; /* float input x quantizes to round(x / in_scale), see below */
    uint32_t out_ndim, out_dims[OZK_MODEL_MAX_DIMS];
    uint32_t n_out;     /* product of out_dims */
    uint32_t out_dtype; /* OZK_DTYPE_INT8 or OZK_DTYPE_INT32 */
    double out_scale;   /* real value of one unit of the output */
    size_t n_layers;
    ozk_layer *layers;
} ozk_model;

/* Frees a model from ozk_quantize or ozk_model_decode, with everything it points to. */
void ozk_model_free(ozk_model *m);

/* Checks every structural rule and quantization precondition of docs/quantization.md
 * (ozk_model_decode and ozk_model_encode call it). Returns 0, OZK_EINVAL or OZK_ERANGE. */
int ozk_model_validate(const ozk_model *m, char *err, size_t errlen);

/* Number of weights and biases (int8 weights + int32 biases + ADD coefficients). */
uint64_t ozk_model_param_count(const ozk_model *m);

/* Elements of tensor id (0 the input, k the output of layer k - 1); 0 if id is out of range. */
uint32_t ozk_model_tensor_len(const ozk_model *m, uint32_t id);

/* ---- the .ozkm file -------------------------------------------------------------------------- */

/* Validates m and writes its .ozkm encoding into a new buffer *out of *len bytes (free() it);
 * sets m->hash to the keccak256 of those bytes. Returns 0, OZK_EINVAL, OZK_ERANGE or
 * OZK_ENOMEM (then *out is NULL and m->hash is unchanged). */
int ozk_model_encode(uint8_t **out, size_t *len, ozk_model *m, char *err, size_t errlen);

/* Decodes and fully validates a .ozkm file: magic, version, length, checksum, every field and
 * every precondition; recomputes each layer's acc_bound from its weights. A truncated, corrupt
 * or inconsistent file is an error, never a crash. On success *out owns a new model with hash
 * set to keccak256(buf). Returns 0, OZK_EINVAL, OZK_ENOTSUP (another format version), OZK_ERANGE
 * or OZK_ENOMEM. */
int ozk_model_decode(ozk_model **out, const uint8_t *buf, size_t len, char *err, size_t errlen);

/* ---- integer inference ----------------------------------------------------------------------- */

/* The input rule: t = x / scale in IEEE-754 binary64 (one correctly rounded division), then the
 * nearest integer to t with ties toward +infinity, clamped to [-128, 127]. x must be finite and
 * scale finite and > 0 (else 0 is returned; callers check first). */
int8_t ozk_quantize_value(double x, double scale);

/* q[i] = ozk_quantize_value(x[i], m->in_scale) for i < n. Returns 0, or OZK_EINVAL when n is
 * not m->n_in or some x[i] is not finite (the message says which). */
int ozk_model_quantize_input(const ozk_model *m, int8_t *q, const double *x, size_t n, char *err,
                             size_t errlen);

/* Bytes of scratch ozk_model_infer needs: every tensor of one run. */
size_t ozk_model_work_size(const ozk_model *m);

/* Runs the model on the int8 input in[m->n_in] and writes out[m->n_out] (int8 values widened,
 * or int32). work holds ozk_model_work_size(m) bytes, any alignment; afterwards it holds every
 * tensor of the run (ozk_model_work_tensor). m must have passed ozk_model_validate (every model
 * from ozk_quantize or ozk_model_decode has): then nothing can overflow and nothing fails.
 * Deterministic and bit-exact: the same on every machine. Allocates nothing. */
void ozk_model_infer(const ozk_model *m, int32_t *out, const int8_t *in, void *work);

/* After ozk_model_infer: the int8 values of tensor id (0 the input, k the output of layer k-1)
 * inside work, or NULL when that tensor is the int32 output of a last layer without requant
 * (read `out` instead) or id is out of range. */
const int8_t *ozk_model_work_tensor(const ozk_model *m, const void *work, uint32_t id);

/* Index of the largest output (the first one on ties). */
uint32_t ozk_model_argmax(const ozk_model *m, const int32_t *out);

/* ---- canonical public values ----------------------------------------------------------------- */

/* The statement's x and y as byte strings: each int8 one byte (two's complement), each int32
 * four bytes big-endian, in the tensor's row-major order, no header. */
size_t ozk_model_input_bytes(const ozk_model *m);  /* n_in */
size_t ozk_model_output_bytes(const ozk_model *m); /* n_out or 4 n_out */

/* The declared range of every output element: [L, H] of the last layer for int8 outputs,
 * [-acc_bound, acc_bound] of the last layer for int32 outputs. */
void ozk_model_output_range(const ozk_model *m, int64_t *lo, int64_t *hi);

void ozk_model_encode_input(const ozk_model *m, uint8_t *out, const int8_t *q);
void ozk_model_encode_output(const ozk_model *m, uint8_t *out, const int32_t *y);

/* Parse canonical bytes back. Return 0, or OZK_EINVAL when len is not the canonical length or
 * (outputs) an element lies outside the declared output range. */
int ozk_model_decode_input(const ozk_model *m, int8_t *q, const uint8_t *in, size_t len);
int ozk_model_decode_output(const ozk_model *m, int32_t *y, const uint8_t *in, size_t len);

#endif
