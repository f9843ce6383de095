/* bench/benches.h: the benchmark tables of each bench/bench_*.c. */
#ifndef OZK_BENCHES_H
#define OZK_BENCHES_H

#include "harness.h"

extern const struct bench bench_field[];
extern const size_t bench_field_count;
extern const struct bench bench_curve[];
extern const size_t bench_curve_count;
extern const struct bench bench_pcs[];
extern const size_t bench_pcs_count;
extern const struct bench bench_keccak[];
extern const size_t bench_keccak_count;
extern const struct bench bench_msm[];
extern const size_t bench_msm_count;
extern const struct bench bench_model[];
extern const size_t bench_model_count;
extern const struct bench bench_sumcheck[];
extern const size_t bench_sumcheck_count;
extern const struct bench bench_logup[];
extern const size_t bench_logup_count;
extern const struct bench bench_batch[];
extern const size_t bench_batch_count;
extern const struct bench bench_proof[];
extern const size_t bench_proof_count;

/* `ozk-bench --proof MODEL.ozkm ...`: end-to-end proving and verification (bench_proof.c). */
int bench_proof_main(int argc, char **argv);

/* A dense MLP with random int8 weights and valid requantization (bench_model.c): widths[0]
 * inputs, ReLU, int32 logits; residual: an add after the second layer. Validated; hash unset. */
struct ozk_model;
struct ozk_model *bench_model_build(const uint32_t *widths, size_t n, int residual);

#endif
