/*
 * ozk/proof.h: proving and verifying quantized inference (docs/protocol.md sections 8 to 12).
 *
 * Statement: for the model of verifying key vk (its plan, its weight commitment C_W), public
 * input x and public output y (the canonical byte strings of docs/quantization.md section 5),
 * y = f(x), the model's integer inference, bit-exact.
 *
 *   model (.ozkm) + SRS --ozk_vk_build--> vk (plan, C_W, SRS id, [1]_2, [tau]_2, hash)
 *   model + vk + SRS + x --ozk_prove--> proof bytes, y
 *   vk + x + y + proof bytes --ozk_verify--> valid / invalid (with a one-line reason)
 *
 * The plan is what a verifier needs of the model besides C_W: every layer's kind, shapes and
 * quantization constants, the limb widths of the range checks, and the layout of the two
 * committed polynomials (P_W: weights and biases; P_A: the witness columns of one run). It is
 * a deterministic function of the model (ozk_vk_build); both sides derive the same layout from
 * it.
 *
 * Errors: systems regime (ozk/error.h). Functions that take user input return 0 or a negative
 * OZK_E* code and write a one-line reason into err (errlen bytes, NUL-terminated; err may be
 * NULL when errlen is 0). ozk_verify is a predicate with a third outcome: 1 valid, 0 invalid
 * (the reason in err), OZK_EINVAL when the proof bytes are malformed (wrong length, a
 * non-canonical field element, a point off the curve: also a rejection).
 */
#ifndef OZK_PROOF_H
#define OZK_PROOF_H

#include <stddef.h>
#include <stdint.h>

#include "ozk/model.h"
#include "ozk/srs.h"

#define OZK_PROTOCOL_VERSION 1
#define OZK_VK_VERSION       1

/* A verifying key. Opaque; free with ozk_vk_free. */
typedef struct ozk_vk ozk_vk;

/* Derives the plan of m (refusing, with OZK_ENOTSUP and the reason, a model the proof system
 * does not cover), commits P_W with the SRS (the SRS must hold 2^n powers for the larger of
 * P_W and P_A) and fills a new vk. threads as in ozk_g1_msm (0: one per core). Returns 0,
 * OZK_EINVAL, OZK_ENOTSUP, OZK_ERANGE (SRS too small) or OZK_ENOMEM. */
int ozk_vk_build(ozk_vk **out, const ozk_model *m, const ozk_srs *srs, unsigned threads, char *err,
                 size_t errlen);

/* The .vk file (docs/protocol.md section 12): encode into a new buffer (free() it); decode
 * checks everything (magic, version, lengths, the hash, every point, the plan against the
 * rules that ozk_vk_build enforces). Returns 0, OZK_EINVAL, OZK_ENOTSUP (another version) or
 * OZK_ENOMEM. */
int ozk_vk_encode(uint8_t **out, size_t *len, const ozk_vk *vk);
int ozk_vk_decode(ozk_vk **out, const uint8_t *buf, size_t len, char *err, size_t errlen);
void ozk_vk_free(ozk_vk *vk); /* NULL is fine */

/* Accessors. */
const uint8_t *ozk_vk_hash(const ozk_vk *vk);       /* 32 bytes: keccak256 of the vk file body */
const uint8_t *ozk_vk_model_hash(const ozk_vk *vk); /* 32 bytes: the .ozkm's keccak256 */
const uint8_t *ozk_vk_srs_id(const ozk_vk *vk);     /* 32 bytes */
/* 32 bytes: keccak256 of the weight commitments C_W,0 .. C_W,n-1 (EVM encoding, 64 bytes each;
 * P_W is split into up to three polynomials of the proof's size, docs/protocol.md 8.3) */
const uint8_t *ozk_vk_cw_hash(const ozk_vk *vk);
int ozk_vk_insecure(const ozk_vk *vk);          /* 1: made with a dev SRS */
uint32_t ozk_vk_srs_log_size(const ozk_vk *vk); /* the SRS size it needs (log2) */
size_t ozk_vk_input_bytes(const ozk_vk *vk);
size_t ozk_vk_output_bytes(const ozk_vk *vk);
uint32_t ozk_vk_input_len(const ozk_vk *vk);  /* input elements (int8) */
uint32_t ozk_vk_output_len(const ozk_vk *vk); /* output elements */
uint32_t ozk_vk_output_dtype(const ozk_vk *vk);
double ozk_vk_input_scale(const ozk_vk *vk);
double ozk_vk_output_scale(const ozk_vk *vk);
size_t ozk_vk_proof_size(const ozk_vk *vk); /* the exact length of every proof for vk */
/* Output range as in ozk_model_output_range. */
void ozk_vk_output_range(const ozk_vk *vk, int64_t *lo, int64_t *hi);
/* 1 if vk was built from m (same model hash and the same plan), else 0. */
int ozk_vk_matches_model(const ozk_vk *vk, const ozk_model *m);

/* A proving key: commitments precomputed from the weights that make the opening's folds of P_W
 * nearly free (docs/protocol.md 11.5). Optional: ozk_prove computes a smaller one itself when it
 * gets none. Build it once per model and keep it (the node does); it is bound to vk. Opaque. */
typedef struct ozk_pk ozk_pk;
/* m, vk and srs must belong together (else OZK_EINVAL). Small-scalar MSMs of about
 * 6 |P_W| points in all. Returns 0, OZK_EINVAL or OZK_ENOMEM. */
int ozk_pk_build(ozk_pk **out, const ozk_model *m, const ozk_vk *vk, const ozk_srs *srs,
                 unsigned threads, char *err, size_t errlen);
void ozk_pk_free(ozk_pk *pk); /* NULL is fine */

/* Prover timings and sizes (seconds, wall clock). */
typedef struct {
    double infer;  /* integer inference and the witness columns */
    double commit; /* the MSM of P_A */
    double layers; /* the layer sumchecks (dense, requantization) */
    double logup;  /* the LogUp-GKR range checks */
    double batch;  /* claim batching */
    double open;   /* the joint HyperKZG opening (pk included) */
    double pk;     /* of which: a proving key made for this proof (0 when opts.pk is given) */
    double total;  /* all of it */
    size_t proof_bytes;
    uint64_t lookups; /* range-checked values (before padding) */
    uint32_t nvars;   /* every committed polynomial has 2^nvars entries */
    uint32_t nwpolys; /* polynomials of P_W */
    uint32_t table_bits;
} ozk_prove_stats;

typedef struct {
    unsigned threads; /* MSM threads, 0: one per online core */
    /* Called at each stage with a short name ("witness", "commit", "layers", "logup",
     * "batch", "open", "done"); may be NULL. */
    void (*progress)(void *ctx, const char *stage);
    void *progress_ctx;
    ozk_prove_stats *stats; /* filled when not NULL */
    const ozk_pk *pk;       /* NULL: ozk_prove makes a smaller one for this proof */
} ozk_prove_opts;

/* Runs the model on x (canonical input bytes, xlen = ozk_vk_input_bytes) and proves the result.
 * vk must come from m (ozk_vk_matches_model) and srs must be the SRS it names. On success
 * *proof is a new buffer of *proof_len = ozk_vk_proof_size(vk) bytes (free() it) and y (may be
 * NULL) receives the canonical output bytes (ozk_vk_output_bytes). Returns 0, OZK_EINVAL (x
 * malformed, vk or srs not matching), OZK_ENOMEM. */
int ozk_prove(uint8_t **proof, size_t *proof_len, uint8_t *y, const ozk_model *m, const ozk_vk *vk,
              const ozk_srs *srs, const uint8_t *x, size_t xlen, const ozk_prove_opts *opts,
              char *err, size_t errlen);

/* 1 if proof proves y = f(x) for the model of vk, 0 if not (err says which check failed),
 * OZK_EINVAL if the proof bytes are malformed (err says where), OZK_ENOMEM. x and y must have
 * their canonical lengths (else 0: a statement of the wrong shape is false). */
int ozk_verify(const ozk_vk *vk, const uint8_t *x, size_t xlen, const uint8_t *y, size_t ylen,
               const uint8_t *proof, size_t proof_len, char *err, size_t errlen);

#endif
