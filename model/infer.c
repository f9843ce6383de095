/*
 * model/infer.c: bit-exact integer inference (docs/quantization.md, "Integer inference"), the
 * input rule and the canonical byte strings of the statement's x and y.
 *
 * No floating point after the input is quantized. Every intermediate fits its type by the
 * preconditions ozk_model_validate checked: |acc| <= acc_bound <= 2^31 - 1 (so int32 sums of
 * int8 products never overflow, whatever the order), and |acc * M| + 2^(s-1) < 2^63.
 */
#include <math.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "internal.h"
#include "ozk/error.h"

int8_t ozk_quantize_value(double x, double scale)
{
    if (!isfinite(x) || !isfinite(scale) || !(scale > 0)) return 0;
    double t = x / scale; /* one correctly rounded binary64 division */
    if (t >= 127.0) return 127;
    if (t <= -128.0) return -128;
    double fl = floor(t);
    /* t - fl is exact (|t| < 2^7, fl = floor(t)); ties go up (toward +infinity) */
    return (int8_t)((int)fl + (t - fl >= 0.5 ? 1 : 0));
}

int ozk_model_quantize_input(const ozk_model *m, int8_t *q, const double *x, size_t n, char *err,
                             size_t errlen)
{
    if (n != m->n_in) {
        ozk__errf(err, errlen, "the input has %zu values; the model takes %u", n, m->n_in);
        return OZK_EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i])) {
            ozk__errf(err, errlen, "input value %zu is not a finite number", i);
            return OZK_EINVAL;
        }
        q[i] = ozk_quantize_value(x[i], m->in_scale);
    }
    return 0;
}

/* Work layout: the int8 tensors 0..n_layers one after the other (the last one absent when the
 * last layer outputs int32). */
size_t ozk_model_work_size(const ozk_model *m)
{
    size_t total = m->n_in;
    for (size_t j = 0; j < m->n_layers; j++)
        if (m->layers[j].requant) total += m->layers[j].n_out;
    return total;
}

static size_t tensor_offset(const ozk_model *m, uint32_t id)
{
    size_t off = 0;
    for (uint32_t t = 0; t < id; t++) off += ozk_model_tensor_len(m, t);
    return off;
}

const int8_t *ozk_model_work_tensor(const ozk_model *m, const void *work, uint32_t id)
{
    if (id > m->n_layers || (id > 0 && !m->layers[id - 1].requant)) return NULL;
    return (const int8_t *)work + tensor_offset(m, id);
}

/* y = clamp(floor((acc * M + 2^(s-1)) / 2^s), L, H). The floor is computed on v + 2^63, which
 * is non-negative, as an unsigned shift: floor(v / 2^s) = ((v + 2^63) >> s) - 2^(63-s). */
static inline int8_t requant(int32_t acc, int64_t M, uint32_t s, int32_t L, int32_t H)
{
    int64_t v = (int64_t)acc * M + ((int64_t)1 << (s - 1));
    uint64_t u = (uint64_t)v + ((uint64_t)1 << 63);
    int64_t q = (int64_t)(u >> s) - (int64_t)((uint64_t)1 << (63 - s));
    return (int8_t)(q < L ? L : q > H ? H : q);
}

/* sum_i w[i] x[i] over n int8 pairs, in int32: every partial sum is bounded by acc_bound < 2^31
 * whatever the order, so the blocked sums below give the same result as the plain loop. On
 * x86-64, SSE2 (part of the base ISA): sign-extend 16 int8 pairs to int16 (unpack a byte with
 * itself, then shift right arithmetically by 8), PMADDWD them into 4 int32 lanes. */
static int32_t dot_i8(const int8_t *w, const int8_t *x, uint32_t n)
{
    int32_t sum = 0;
    uint32_t i = 0;
#if defined(__SSE2__)
    __m128i acc = _mm_setzero_si128();
    for (; i + 16 <= n; i += 16) {
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(w + i));
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(x + i));
        __m128i alo = _mm_srai_epi16(_mm_unpacklo_epi8(a, a), 8); /* w[i..i+8) as int16 */
        __m128i ahi = _mm_srai_epi16(_mm_unpackhi_epi8(a, a), 8); /* w[i+8..i+16) */
        __m128i blo = _mm_srai_epi16(_mm_unpacklo_epi8(b, b), 8);
        __m128i bhi = _mm_srai_epi16(_mm_unpackhi_epi8(b, b), 8);
        acc = _mm_add_epi32(acc, _mm_madd_epi16(alo, blo)); /* pairs of products, summed */
        acc = _mm_add_epi32(acc, _mm_madd_epi16(ahi, bhi));
    }
    int32_t lanes[4];
    _mm_storeu_si128((__m128i *)(void *)lanes, acc);
    sum = lanes[0] + lanes[1] + lanes[2] + lanes[3];
#endif
    for (; i < n; i++) sum += (int32_t)w[i] * x[i];
    return sum;
}

void ozk_model_infer(const ozk_model *m, int32_t *out, const int8_t *in, void *work)
{
    int8_t *base = work;
    memcpy(base, in, m->n_in);
    size_t prev = 0, off = m->n_in; /* where tensor j starts; where the next one goes */
    for (size_t j = 0; j < m->n_layers; j++) {
        const ozk_layer *l = &m->layers[j];
        /* layers mostly read the tensor just before them; others are found by a walk */
        const int8_t *x = base + (l->in[0] == j ? prev : tensor_offset(m, l->in[0]));
        const int8_t *c = l->kind == OZK_LAYER_ADD
                              ? base + (l->in[1] == j ? prev : tensor_offset(m, l->in[1]))
                              : NULL;
        int8_t *y = base + off;
        for (uint32_t o = 0; o < l->n_out; o++) {
            int32_t acc;
            switch (l->kind) {
            case OZK_LAYER_DENSE:
                acc = l->b[o] + dot_i8(l->w + (size_t)o * l->n_in, x, l->n_in);
                break;
            case OZK_LAYER_ADD:
                acc = l->ka * x[o] + l->kb * c[o];
                break;
            default:
                acc = x[o];
                break;
            }
            if (l->requant)
                y[o] = requant(acc, l->M, l->s, l->L, l->H);
            else
                out[o] = acc; /* the last layer's int32 output */
        }
        prev = off;
        if (l->requant) off += l->n_out;
    }
    if (m->layers[m->n_layers - 1].requant)
        for (uint32_t o = 0; o < m->n_out; o++) out[o] = base[prev + o];
}

uint32_t ozk_model_argmax(const ozk_model *m, const int32_t *out)
{
    uint32_t best = 0;
    for (uint32_t o = 1; o < m->n_out; o++)
        if (out[o] > out[best]) best = o;
    return best;
}

size_t ozk_model_input_bytes(const ozk_model *m)
{
    return m->n_in;
}

size_t ozk_model_output_bytes(const ozk_model *m)
{
    return (size_t)m->n_out * (m->out_dtype == OZK_DTYPE_INT32 ? 4 : 1);
}

void ozk_model_output_range(const ozk_model *m, int64_t *lo, int64_t *hi)
{
    const ozk_layer *last = &m->layers[m->n_layers - 1];
    if (last->requant) {
        *lo = last->L, *hi = last->H;
    } else {
        *lo = -(int64_t)last->acc_bound, *hi = (int64_t)last->acc_bound;
    }
}

void ozk_model_encode_input(const ozk_model *m, uint8_t *out, const int8_t *q)
{
    for (uint32_t i = 0; i < m->n_in; i++) out[i] = (uint8_t)q[i];
}

void ozk_model_encode_output(const ozk_model *m, uint8_t *out, const int32_t *y)
{
    for (uint32_t i = 0; i < m->n_out; i++) {
        if (m->out_dtype == OZK_DTYPE_INT8) {
            out[i] = (uint8_t)y[i];
        } else {
            uint32_t v = (uint32_t)y[i];
            out[4 * i] = (uint8_t)(v >> 24), out[4 * i + 1] = (uint8_t)(v >> 16);
            out[4 * i + 2] = (uint8_t)(v >> 8), out[4 * i + 3] = (uint8_t)v;
        }
    }
}

/* two's complement bytes to values without implementation-defined conversions */
static int32_t from_u8(uint8_t b)
{
    return b < 128 ? (int32_t)b : (int32_t)b - 256;
}

static int32_t from_u32(uint32_t v)
{
    return v < 0x80000000u ? (int32_t)v : (int32_t)(v - 0x80000000u) - INT32_MAX - 1;
}

int ozk_model_decode_input(const ozk_model *m, int8_t *q, const uint8_t *in, size_t len)
{
    if (len != m->n_in) return OZK_EINVAL;
    for (uint32_t i = 0; i < m->n_in; i++) q[i] = (int8_t)from_u8(in[i]);
    return 0;
}

int ozk_model_decode_output(const ozk_model *m, int32_t *y, const uint8_t *in, size_t len)
{
    if (len != ozk_model_output_bytes(m)) return OZK_EINVAL;
    int64_t lo, hi;
    ozk_model_output_range(m, &lo, &hi);
    for (uint32_t i = 0; i < m->n_out; i++) {
        int32_t v;
        if (m->out_dtype == OZK_DTYPE_INT8)
            v = from_u8(in[i]);
        else
            v = from_u32((uint32_t)in[4 * i] << 24 | (uint32_t)in[4 * i + 1] << 16 |
                         (uint32_t)in[4 * i + 2] << 8 | in[4 * i + 3]);
        if (v < lo || v > hi) return OZK_EINVAL;
        y[i] = v;
    }
    return 0;
}
