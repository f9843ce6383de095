/*
 * verifier/proof_internal.h: the plan, the layouts and the transcript steps that the prover
 * (prover/) and the verifier (verifier/) of ozk_prove / ozk_verify share (internal). One copy of
 * each rule, so the two sides cannot drift. docs/protocol.md sections 8 to 12 are the text.
 */
#ifndef OZK_VERIFIER_PROOF_INTERNAL_H
#define OZK_VERIFIER_PROOF_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ozk/batch.h"
#include "ozk/curve.h"
#include "ozk/field.h"
#include "ozk/proof.h"
#include "ozk/transcript.h"

#define OZK__TRANSCRIPT_DOMAIN "ozk-proof-v1"
#define OZK__K_MIN             8 /* table bits (limb width) the planner may choose */
#define OZK__K_MAX             16
#define OZK__MAX_LIMBS         8 /* ceil(62 / 8) r limbs; u, d need at most ceil(48 / 8) */
#define OZK__MAX_WPOLYS        3 /* P_W is split into at most this many polynomials */

/* Roles of the witness columns of a requantizing layer, in column order within the layer. */
enum { OZK__COL_Y = 0, OZK__COL_U = 1, OZK__COL_D = 2, OZK__COL_R = 3 };

typedef struct {
    /* from the model (stored in the vk) */
    uint32_t kind;     /* OZK_LAYER_* */
    uint32_t in0, in1; /* tensor ids; in1 only for ADD, else UINT32_MAX */
    uint32_t n_in, n_out;
    uint32_t requant;
    int64_t M;
    uint32_t s;
    int32_t L, H, ka, kb;
    uint64_t acc_bound;
    uint32_t ud_limbs; /* limbs of k bits for u and for d */
    /* derived (ozk__plan_derive) */
    uint32_t lv_in, lv_out; /* log2 of the padded sizes, >= 1 (lv_in: DENSE only) */
    uint32_t ycommit;       /* 1: the output y is a column of P_A (every layer but the last) */
    uint32_t r_limbs, r_top_bits;
    uint32_t w_poly, b_poly; /* DENSE: which polynomial of P_W (1 .. nwpolys) holds W_j, b_j */
    uint64_t w_off, b_off;   /* and their offsets in it */
    uint32_t col0, ncols;    /* requant: its columns cols[col0 .. col0 + ncols) */
} ozk__plan_layer;

/* A column of P_A: 2^lv entries at offset off. */
typedef struct {
    uint32_t layer, role, limb, lv;
    uint64_t off;
} ozk__plan_col;

/* A segment of the lookup column: c + sign col, 2^lv entries at offset off. */
typedef struct {
    uint32_t col;
    int32_t sign;
    int64_t c;
    uint32_t lv;
    uint64_t off;
} ozk__plan_lookup;

typedef struct {
    /* stored */
    uint32_t n_in, n_out, out_dtype;
    double in_scale, out_scale;
    int64_t out_lo, out_hi;
    uint32_t k;
    uint32_t nlayers;
    ozk__plan_layer *layers;
    /* derived */
    uint32_t lv_x, lv_y;
    uint32_t ncols;
    ozk__plan_col *cols;
    uint32_t nlookups;
    ozk__plan_lookup *lookups;
    uint64_t mult_off;
    uint64_t lookup_entries;    /* entries of all lookup segments (pads of each tensor included) */
    uint32_t nwpolys;           /* polynomials of P_W: 1 .. OZK__MAX_WPOLYS */
    uint32_t nvars_a, m, nvars; /* P_A, lookup column; nvars: every committed polynomial */
} ozk__plan;

struct ozk_vk {
    uint8_t model_hash[32], srs_id[32], hash[32];
    uint32_t insecure, srs_log;
    ozk_g2 g2[2];
    ozk_g1 cw[OZK__MAX_WPOLYS];
    uint8_t cw_hash[32];
    ozk__plan plan;
};

/* Writes a printf-style one-line reason into err (errlen bytes; nothing when errlen is 0) and
 * returns code: the error path of every function of the proof system that takes input. */
int ozk__fail(char *err, size_t errlen, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* The plan of a model: stored fields from m (k and ud_limbs chosen here), then
 * ozk__plan_derive. Returns 0, OZK_ENOTSUP / OZK_ERANGE (reason in err) or OZK_ENOMEM. */
int ozk__plan_from_model(ozk__plan *p, const ozk_model *m, char *err, size_t errlen);
/* Validates the stored fields and fills the derived ones (layouts, columns, lookups). Every
 * rule the soundness argument needs is checked here, for a plan from a model and for one read
 * from a vk file alike. Returns 0, OZK_EINVAL / OZK_ENOTSUP (reason in err) or OZK_ENOMEM. */
int ozk__plan_derive(ozk__plan *p, char *err, size_t errlen);
void ozk__plan_free(ozk__plan *p);
/* The stored fields in the vk encoding (also what ozk_vk_matches_model compares). */
size_t ozk__plan_encoded_size(const ozk__plan *p);
void ozk__plan_encode(uint8_t *out, const ozk__plan *p);
/* Exact byte length of a proof for p. */
size_t ozk__proof_size(const ozk__plan *p);

/* The polynomials of P_W from the model's weights: pw[0 .. p->nwpolys) new arrays of
 * 2^p->nvars entries each (zero padded), the rest NULL. Returns 0 or OZK_ENOMEM (then all NULL).
 * ozk__pw_free frees them and sets them to NULL; pw holds OZK__MAX_WPOLYS pointers. */
int ozk__pw_new(ozk_fr **pw, const ozk__plan *p, const ozk_model *m);
void ozk__pw_free(ozk_fr **pw);

/* floor(v / 2^s) for 0 < s < 63, exact for negative v too. */
int64_t ozk__floor_shift(int64_t v, uint32_t s);

/* Claims collected during a proof, in the order both sides make them. */
typedef struct {
    uint32_t nvars; /* the batching width */
    size_t n, cap;
    uint32_t *poly;
    ozk_fr *points; /* n x nvars */
    ozk_fr *values;
} ozk__claims;

void ozk__claims_init(ozk__claims *c, uint32_t nvars);
void ozk__claims_free(ozk__claims *c);
/* Adds the claim "the segment of 2^lv entries at offset off of polynomial poly (0: P_A, 1: P_W)
 * has MLE value v at z (lv coordinates)". Returns 0 or OZK_ENOMEM. */
int ozk__claims_add(ozk__claims *c, uint32_t poly, uint32_t lv, uint64_t off, const ozk_fr *z,
                    const ozk_fr *v);
/* Claims in ozk_batch's form (pointing into c); out holds c->n entries. */
void ozk__claims_view(ozk_batch_claim *out, const ozk__claims *c);

/* The statement message: protocol version || vk hash || len(x) || x || len(y) || y. */
void ozk__absorb_statement(ozk_transcript *t, const ozk_vk *vk, const uint8_t *x, size_t xlen,
                           const uint8_t *y, size_t ylen);

/* The tensor read by a layer input: 0 the public x, else the Y column of the producer. Returns
 * the column index, or UINT32_MAX for the public input. */
uint32_t ozk__tensor_col(const ozk__plan *p, uint32_t tensor);

/* The requantization layer's combiner (degree 3) over tables (eq, u, d, y):
 * eq u y - H eq u + beta eq d y - beta L eq d. terms must hold 4 entries. */
void ozk__requant_terms(ozk_sumcheck_term terms[4], const ozk__plan_layer *l, const ozk_fr *beta);
/* acc = (2^s (y + u - d) + r - 2^(s-1)) / M from the values at the layer's point, with the
 * limbs of u, d and r in vals (the layer's column order: [y], u limbs, d limbs, r limbs); y
 * given separately (it is public for the last layer). Also returns u and d recombined. */
void ozk__requant_combine(ozk_fr *acc, ozk_fr *u, ozk_fr *d, const ozk__plan *p,
                          const ozk__plan_layer *l, const ozk_fr *vals, const ozk_fr *y);

/* w~(z) from the column values at the prefixes of z: the lookup segments of the plan. */
void ozk__lookup_eval(ozk_fr *out, const ozk__plan *p, const ozk_fr *z, const ozk_fr *colvals);

/* The padded table (2^lv entries, zeros above n) of public canonical bytes: n int8 values, or n
 * int32 values (4 bytes big-endian each) when int32 is set. No range check. */
void ozk__public_table(ozk_fr *out, uint32_t lv, const uint8_t *bytes, uint32_t n, int int32);
/* The integer value of element i of such bytes. */
int64_t ozk__public_value(const uint8_t *bytes, uint32_t i, int int32);

/* Proof byte streams: put writes n field elements (32 bytes each) at *o and advances it; get
 * reads n and returns 1, or 0 when one is not canonical (>= r). */
void ozk__put_frs(uint8_t **o, const ozk_fr *v, size_t n);
int ozk__get_frs(const uint8_t **in, ozk_fr *v, size_t n);

/* The state of one proof, on each side. */
typedef struct {
    const ozk__plan *p;
    const ozk_model *m;
    ozk_transcript *t;
    uint8_t *o;           /* proof cursor: the next message goes here */
    ozk__claims *cl;      /* claims on P_A (poly 0) and P_W (poly 1) */
    const ozk_fr *pa;     /* P_A, 2^nvars_a entries */
    const ozk_fr *x, *y;  /* public tables: 2^lv_x and 2^lv_y entries */
    int64_t *const *tens; /* the witness's tensors (ozk__witness.t) */
} ozk__prover;

typedef struct {
    const ozk__plan *p;
    ozk_transcript *t;
    const uint8_t *in; /* proof cursor (its total length was checked first) */
    ozk__claims *cl;
    const ozk_fr *x, *y;
    char *err;
    size_t errlen;
} ozk__verifier;

/* Sub-protocol steps. Provers return 0 or OZK_E*; verifiers 1 (passed), 0 (rejected, reason in
 * err) or OZK_EINVAL (a non-canonical element; malformed). */
/* The accumulator of layer j (dense, add, relu) at point pt (lv_out coordinates), claim A. */
int ozk__accum_prove(ozk__prover *c, uint32_t j, const ozk_fr *pt, const ozk_fr *A);
int ozk__accum_verify(ozk__verifier *c, uint32_t j, const ozk_fr *pt, const ozk_fr *A);
/* The requantization of layer j: writes its point (lv_out coordinates) and the claim on acc. */
int ozk__requant_prove(ozk__prover *c, uint32_t j, ozk_fr *pt, ozk_fr *A);
int ozk__requant_verify(ozk__verifier *c, uint32_t j, ozk_fr *pt, ozk_fr *A);
/* The range checks: LogUp-GKR over the lookup column (w: 2^m entries; wnum NULL or the test
 * hook's numerators), then the column values at the prefixes of its point. */
int ozk__range_prove(ozk__prover *c, const ozk_fr *w, const ozk_fr *wnum);
int ozk__range_verify(ozk__verifier *c);
/* Reports a rejection: writes the reason and returns 0. */
int ozk__reject(ozk__verifier *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The proving key (prover/folds.c). */
#define OZK__PK_LEVELS     6 /* fold levels precomputed by ozk_pk_build */
#define OZK__PK_LEVELS_TMP 3 /* ... and by ozk_prove when it is given no proving key */
int ozk__pk_compute(ozk_pk **out, const ozk__plan *p, const uint8_t vk_hash[32], ozk_fr *const *pw,
                    const ozk_srs *srs, uint32_t h, unsigned threads);
uint32_t ozk__pk_levels(const ozk_pk *pk);
const uint8_t *ozk__pk_vk_hash(const ozk_pk *pk);
/* hints[j h + l - 1] = [fold_l(P_j)] for l = 1..h (h = the pk's levels), j = 0 (P_A) .. nwpolys,
 * at the batching point x: what ozk__pcs_open_many_hinted takes. */
int ozk__fold_hints(ozk_g1 *hints, const ozk_pk *pk, const ozk__plan *p, const ozk_fr *pa,
                    const ozk_srs *srs, const ozk_fr *x, unsigned threads);

/* Test hooks of the prover (tests/test_proof.c only). */
typedef struct ozk__witness ozk__witness;
struct ozk__witness {
    const ozk__plan *plan;
    /* tensors: t[0] the input, t[j + 1] the output of layer j (requantized, or the int32 acc of
     * a last layer without requantization), 2^lv entries each (padded) */
    int64_t **t;
    /* per requantizing layer, 2^lv_out entries each (padded) */
    int64_t **acc, **u, **d, **r;
    int64_t *pa;    /* P_A as integers, 2^nvars_a entries */
    int64_t *w;     /* the lookup column, 2^m entries */
    uint32_t layer; /* OZK__HOOK_INTEGERS: the layer the hook may change (later ones follow) */
};

enum { OZK__HOOK_INTEGERS = 1, OZK__HOOK_COLUMNS = 2, OZK__HOOK_MULT = 3 };

typedef struct {
    /* called at each stage with the witness, which it may change */
    void (*tamper)(void *ctx, int stage, ozk__witness *w);
    void *ctx;
    int skip_model_check; /* prove with a model that does not match the vk */
    int logup_zero_bad;   /* numerator 0 for lookups out of the table */
    int open_delta;       /* add this to the first opening value */
} ozk__prove_hooks;

int ozk__prove_hooked(uint8_t **proof, size_t *proof_len, uint8_t *y, const ozk_model *m,
                      const ozk_vk *vk, const ozk_srs *srs, const uint8_t *x, size_t xlen,
                      const ozk_prove_opts *opts, const ozk__prove_hooks *hooks, char *err,
                      size_t errlen);

#endif
