/*
 * tests/model_testutil.h: small quantized models built in C for the proof tests
 * (test_proof, test_genverifier, test_settlement).
 */
#ifndef OZK_MODEL_TESTUTIL_H
#define OZK_MODEL_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "ozk/model.h"

/* One layer: its kind (OZK_LAYER_*), the tensors it reads (in1 for ADD only), its output width
 * (DENSE only; ADD and RELU keep their input's), and its requantization (L, H) or requant = 0
 * for an int32 last layer. */
typedef struct {
    uint32_t kind, in0, in1, n_out, requant;
    int32_t L, H;
} test_layer_spec;

/* A random model of the given layers on an input of n_in values: int8 weights in [-wmax, wmax]
 * from the seeded test stream, small biases, ADD weights 3 and -2, M and s chosen so that random
 * inputs saturate some dense outputs (about acc_bound / 16 maps to 127) and no add or relu
 * output. Encoded and decoded, so it is validated and has its hash. Fails the test on error. */
ozk_model *test_model_build(uint32_t n_in, const test_layer_spec *sp, size_t nl, int wmax);

/* dense 10 -> 12 (ReLU) -> dense 12 (full int8) -> add(t2, t1) -> relu -> dense 5, the last with
 * an int8 output in [-100, 100], or an int32 one. */
ozk_model *test_model_mixed(int int32_out);

/* A fixture model: DIR/models/NAME (a .ozkm file). */
ozk_model *test_model_fixture(const char *dir, const char *name);

#endif
