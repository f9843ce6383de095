/*
 * tests/test_proof.c: ozk_prove / ozk_verify end to end, and the soundness suite of
 * docs/protocol.md section 13: every byte of a proof, every public value, every vk field, and
 * cheating provers (prover hooks) that lie in one place and do their best to finish.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ozk/error.h"
#include "ozk/keccak.h"
#include "ozk/model.h"
#include "ozk/proof.h"
#include "ozk/srs.h"
#include "../verifier/proof_internal.h"
#include "model_testutil.h"
#include "testutil.h"

#define SRS_LOG 15

static ozk_srs g_srs;

/* ---- small models built in C (tests/model_testutil.c) ------------------------------------------
 */

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
    ozk_model *m = test_model_fixture(OZK_FIXTURES, "digits-mlp.ozkm");
    roundtrip(m);
    ozk_model_free(m);
}

/* Proves x on one thread and on two: p[0], p[1] (free() them) must be the same bytes. */
static void same_on_one_and_two_threads(const ozk_model *m, const ozk_vk *vk, const uint8_t *x,
                                        uint8_t *y, uint8_t **p, size_t *len)
{
    char err[256];
    for (unsigned th = 1; th <= 2; th++) {
        ozk_prove_opts o;
        memset(&o, 0, sizeof o);
        o.threads = th;
        if (ozk_prove(&p[th - 1], &len[th - 1], y, m, vk, &g_srs, x, m->n_in, &o, err, sizeof err))
            fail_msg("prove (%u threads): %s", th, err);
    }
    assert_int_equal(len[0], len[1]);
    assert_memory_equal(p[0], p[1], len[0]);
}

/* A wider model, so that the two-thread paths of the opening and batching (loops of 8192 and
 * more: folds, eq tables) run too: the same bytes on one thread and on two, and they verify. */
static void test_threads_wide(void **state)
{
    (void)state;
    test_layer_spec sp[] = {
        { OZK_LAYER_DENSE, 0, 0, 64, 1, 0, 127 },
        { OZK_LAYER_DENSE, 1, 0, 10, 0, 0, 0 },
    };
    ozk_model *m = test_model_build(256, sp, 2, 127);
    ozk_vk *vk = make_vk(m);
    uint8_t x[256], y[64], *p[2];
    size_t len[2];
    char err[256];
    rand_input(x, m->n_in);
    same_on_one_and_two_threads(m, vk, x, y, p, len);
    assert_int_equal(
        ozk_verify(vk, x, m->n_in, y, ozk_vk_output_bytes(vk), p[0], len[0], err, sizeof err), 1);
    free(p[0]);
    free(p[1]);
    ozk_vk_free(vk);
    ozk_model_free(m);
}

/* The proof does not depend on the thread count (the threaded sumcheck adds in a fixed order). */
static void test_threads_same_bytes(void **state)
{
    (void)state;
    ozk_model *m = test_model_fixture(OZK_FIXTURES, "digits-mlp.ozkm");
    ozk_vk *vk = make_vk(m);
    uint8_t x[64], y[64], *p[2];
    size_t len[2];
    char err[256];
    rand_input(x, m->n_in);
    same_on_one_and_two_threads(m, vk, x, y, p, len);
    /* and not on the proving key: precomputed fold commitments give the same folds */
    ozk_pk *pk;
    assert_int_equal(ozk_pk_build(&pk, m, vk, &g_srs, 0, err, sizeof err), 0);
    ozk_prove_opts o;
    memset(&o, 0, sizeof o);
    o.pk = pk;
    uint8_t *q;
    size_t qlen;
    if (ozk_prove(&q, &qlen, y, m, vk, &g_srs, x, m->n_in, &o, err, sizeof err))
        fail_msg("prove with pk: %s", err);
    assert_int_equal(qlen, len[0]);
    assert_memory_equal(q, p[0], qlen);
    free(q);
    /* a proving key of another model is refused */
    ozk_model *m2 = test_model_mixed(0);
    ozk_vk *vk2 = make_vk(m2);
    assert_int_not_equal(ozk_prove(&q, &qlen, y, m2, vk2, &g_srs, x, m2->n_in, &o, err, sizeof err),
                         0);
    ozk_pk *pk2; /* and a proving key cannot be built from a vk of another model */
    assert_int_equal(ozk_pk_build(&pk2, m2, vk, &g_srs, 0, err, sizeof err), OZK_EINVAL);
    assert_null(pk2);
    ozk_vk_free(vk2);
    ozk_model_free(m2);
    ozk_pk_free(pk);
    free(p[0]);
    free(p[1]);
    ozk_vk_free(vk);
    ozk_model_free(m);
}

static void test_roundtrip_mixed(void **state)
{
    (void)state;
    for (int int32_out = 0; int32_out < 2; int32_out++) {
        ozk_model *m = test_model_mixed(int32_out);
        roundtrip(m);
        ozk_model_free(m);
    }
}

/* ---- soundness: bytes, public values, vk --------------------------------------------------- */

/* A proof for a small model that every tamper test starts from. */
typedef struct {
    ozk_model *m;
    ozk_vk *vk;
    uint8_t x[64], y[64];
    size_t xlen, ylen, plen;
    uint8_t *proof;
} fixture;

static void fixture_make(fixture *f, int int32_out)
{
    memset(f, 0, sizeof *f);
    test_layer_spec sp[] = {
        { OZK_LAYER_DENSE, 0, 0, 3, 1, 0, 127 },
        { OZK_LAYER_DENSE, 1, 0, 2, int32_out ? 0 : 1, int32_out ? 0 : -100, int32_out ? 0 : 100 },
    };
    f->m = test_model_build(4, sp, 2, 127);
    f->vk = make_vk(f->m);
    f->xlen = f->m->n_in;
    f->ylen = ozk_vk_output_bytes(f->vk);
    rand_input(f->x, f->xlen);
    f->proof = prove_ok(f->m, f->vk, f->x, f->y, &f->plen);
}

static void fixture_free(fixture *f)
{
    free(f->proof);
    ozk_vk_free(f->vk);
    ozk_model_free(f->m);
}

static int verify_bytes(const fixture *f, const uint8_t *x, const uint8_t *y, const uint8_t *proof,
                        size_t plen)
{
    char err[256];
    return ozk_verify(f->vk, x, f->xlen, y, f->ylen, proof, plen, err, sizeof err);
}

/* Every byte of the proof changed in turn (xor with a random nonzero byte): never accepted. */
static void test_every_proof_byte(void **state)
{
    (void)state;
    for (int int32_out = 0; int32_out < 2; int32_out++) {
        fixture f;
        fixture_make(&f, int32_out);
        uint8_t *p = malloc(f.plen);
        memcpy(p, f.proof, f.plen);
        size_t malformed = 0, invalid = 0;
        for (size_t i = 0; i < f.plen; i++) {
            uint8_t d = (uint8_t)(1 + test_rand_below(255));
            p[i] ^= d;
            int rc = verify_bytes(&f, f.x, f.y, p, f.plen);
            if (rc == 1) fail_msg("byte %zu ^ 0x%02x of %zu accepted", i, d, f.plen);
            rc == 0 ? invalid++ : malformed++;
            p[i] ^= d;
        }
        print_message("proof of %zu bytes: %zu flips invalid, %zu malformed\n", f.plen, invalid,
                      malformed);
        /* a longer or shorter proof */
        assert_int_equal(verify_bytes(&f, f.x, f.y, p, f.plen - 1), OZK_EINVAL);
        uint8_t *q = calloc(f.plen + 32, 1);
        memcpy(q, p, f.plen);
        assert_int_equal(verify_bytes(&f, f.x, f.y, q, f.plen + 32), OZK_EINVAL);
        free(q);
        assert_int_equal(verify_bytes(&f, f.x, f.y, p, f.plen), 1);
        free(p);
        fixture_free(&f);
    }
}

/* Random multi-byte changes on the larger proof of the mixed model. */
static void test_random_multibyte(void **state)
{
    (void)state;
    ozk_model *m = test_model_mixed(0);
    ozk_vk *vk = make_vk(m);
    uint8_t x[64], y[64];
    rand_input(x, m->n_in);
    size_t plen;
    uint8_t *proof = prove_ok(m, vk, x, y, &plen);
    uint8_t *p = malloc(plen);
    char err[256];
    for (size_t c = 0; c < test_cases(300); c++) {
        memcpy(p, proof, plen);
        size_t k = 2 + test_rand_below(6);
        for (size_t i = 0; i < k; i++)
            p[test_rand_below(plen)] ^= (uint8_t)(1 + test_rand_below(255));
        if (memcmp(p, proof, plen) == 0) continue;
        assert_int_not_equal(
            ozk_verify(vk, x, m->n_in, y, ozk_vk_output_bytes(vk), p, plen, err, sizeof err), 1);
    }
    free(p);
    free(proof);
    ozk_vk_free(vk);
    ozk_model_free(m);
}

/* Each public input element and each output element changed: rejected. */
static void test_public_values(void **state)
{
    (void)state;
    for (int int32_out = 0; int32_out < 2; int32_out++) {
        fixture f;
        fixture_make(&f, int32_out);
        uint8_t x[64], y[64];
        for (size_t i = 0; i < f.xlen; i++) {
            memcpy(x, f.x, f.xlen);
            x[i] ^= (uint8_t)(1 + test_rand_below(255));
            assert_int_equal(verify_bytes(&f, x, f.y, f.proof, f.plen), 0);
        }
        for (size_t i = 0; i < f.ylen; i++) {
            memcpy(y, f.y, f.ylen);
            y[i] ^= (uint8_t)(1 + test_rand_below(255));
            assert_int_equal(verify_bytes(&f, f.x, y, f.proof, f.plen), 0);
        }
        /* the statement's shape */
        char err[256];
        assert_int_equal(
            ozk_verify(f.vk, f.x, f.xlen - 1, f.y, f.ylen, f.proof, f.plen, err, sizeof err), 0);
        assert_int_equal(
            ozk_verify(f.vk, f.x, f.xlen, f.y, f.ylen + 1, f.proof, f.plen, err, sizeof err), 0);
        fixture_free(&f);
    }
}

/* Every byte of the vk changed (with its hash recomputed, so that it decodes when it can): the
 * proof never verifies under it. A vk of another model, or with [tau]_2 = [1]_2, too. */
static void test_vk_fields(void **state)
{
    (void)state;
    fixture f, g;
    fixture_make(&f, 0);
    fixture_make(&g, 0);
    uint8_t *vb;
    size_t vlen;
    assert_int_equal(ozk_vk_encode(&vb, &vlen, f.vk), 0);
    size_t decoded = 0;
    char err[256];
    for (size_t i = 0; i + 32 < vlen; i++) {
        uint8_t d = (uint8_t)(1 + test_rand_below(255));
        vb[i] ^= d;
        ozk_keccak256(vb + vlen - 32, vb, vlen - 32);
        ozk_vk *v;
        if (ozk_vk_decode(&v, vb, vlen, err, sizeof err) == 0) {
            decoded++;
            int rc = ozk_verify(v, f.x, f.xlen, f.y, f.ylen, f.proof, f.plen, err, sizeof err);
            if (rc == 1) fail_msg("vk byte %zu ^ 0x%02x: the proof still verifies", i, d);
            ozk_vk_free(v);
        }
        vb[i] ^= d;
    }
    print_message("vk of %zu bytes: %zu tampered keys decoded, none accepted the proof\n", vlen,
                  decoded);
    /* the hash itself */
    vb[vlen - 1] ^= 1;
    ozk_vk *v;
    assert_int_equal(ozk_vk_decode(&v, vb, vlen, err, sizeof err), OZK_EINVAL);
    vb[vlen - 1] ^= 1;
    /* a hostile limb count whose product with k wraps in 32 bits (ud_limbs of layer 0 sits at
     * 536 + 52 + 60: the vk header, the plan header, the layer's fields before it) */
    uint8_t save[4];
    memcpy(save, vb + 648, 4);
    for (int h = 0; h < 3; h++) {
        static const uint8_t bad[3][4] = { { 0x80, 0, 0, 0 }, { 0x20, 0, 0, 0 }, { 0, 0, 0, 7 } };
        memcpy(vb + 648, bad[h], 4);
        ozk_keccak256(vb + vlen - 32, vb, vlen - 32);
        assert_int_equal(ozk_vk_decode(&v, vb, vlen, err, sizeof err), OZK_EINVAL);
    }
    memcpy(vb + 648, save, 4);
    ozk_keccak256(vb + vlen - 32, vb, vlen - 32);
    assert_int_equal(ozk_vk_decode(&v, vb, vlen, err, sizeof err), 0);
    ozk_vk_free(v);
    /* [tau]_2 = [1]_2, as from a ceremony with no contribution */
    memcpy(vb + 212, vb + 84, 128);
    ozk_keccak256(vb + vlen - 32, vb, vlen - 32);
    assert_int_equal(ozk_vk_decode(&v, vb, vlen, err, sizeof err), OZK_EINVAL);
    free(vb);
    /* model A's proof with model B's vk (same shapes, other weights) */
    assert_int_equal(ozk_verify(g.vk, f.x, f.xlen, f.y, f.ylen, f.proof, f.plen, err, sizeof err),
                     0);
    fixture_free(&f);
    fixture_free(&g);
}

/* ---- soundness: cheating provers ----------------------------------------------------------- */

typedef struct {
    int what;
    uint32_t layer;
    int done;
} cheat;

enum {
    CHEAT_RELU_OUTPUT = 1, /* a wrong ReLU output, r adjusted to keep the identity */
    CHEAT_SATURATE,        /* a hidden y = q > H with u = 0 */
    CHEAT_SHIFT,           /* y - 1 with r + 2^s */
    CHEAT_LIMB,            /* a limb out of the table, the next limb compensating */
    CHEAT_MULT,            /* a forged multiplicity */
    CHEAT_PAD,             /* a nonzero padding activation, r adjusted */
    CHEAT_PUBLIC_OUT,      /* a public output above H */
};

static void tamper(void *ctx, int stage, ozk__witness *w)
{
    cheat *c = ctx;
    const ozk__plan *p = w->plan;
    const ozk__plan_layer *l = &p->layers[c->layer];
    int64_t *y = w->t[c->layer + 1];
    size_t n = (size_t)1 << l->lv_out;
    int64_t two_s = (int64_t)1 << l->s;
    if (stage == OZK__HOOK_INTEGERS && w->layer == c->layer) {
        switch (c->what) {
        case CHEAT_RELU_OUTPUT:
            for (size_t i = 0; i < l->n_out && !c->done; i++)
                if (w->u[c->layer][i] == 0 && w->d[c->layer][i] == 0 && y[i] > l->L) {
                    y[i] -= 1; /* a smaller ReLU output; the identity kept by r */
                    w->r[c->layer][i] += two_s;
                    c->done = 1;
                }
            break;
        case CHEAT_SATURATE:
        case CHEAT_PUBLIC_OUT:
            for (size_t i = 0; i < l->n_out && !c->done; i++)
                if (w->u[c->layer][i] > 0) {
                    y[i] += w->u[c->layer][i]; /* y = q, u = 0 */
                    w->u[c->layer][i] = 0;
                    c->done = 1;
                }
            break;
        case CHEAT_SHIFT:
            for (size_t i = 0; i < l->n_out && !c->done; i++)
                if (w->u[c->layer][i] == 0 && w->d[c->layer][i] == 0 && y[i] > l->L) {
                    y[i] -= 1;
                    w->r[c->layer][i] += two_s;
                    c->done = 1;
                }
            break;
        case CHEAT_PAD:
            if (n > l->n_out) {
                y[l->n_out] = 1;
                w->r[c->layer][l->n_out] -= two_s;
                c->done = 1;
            }
            break;
        default:
            break;
        }
    } else if (stage == OZK__HOOK_COLUMNS && c->what == CHEAT_LIMB) {
        /* r's limb 0 + 2^k, limb 1 - 1: the same r, a limb outside the table */
        const ozk__plan_col *c0 = &p->cols[l->col0 + l->ycommit + 2 * l->ud_limbs];
        const ozk__plan_col *c1 = c0 + 1;
        for (size_t i = 0; i < n && !c->done; i++)
            if (w->pa[c1->off + i] > 0) {
                w->pa[c0->off + i] += (int64_t)1 << p->k;
                w->pa[c1->off + i] -= 1;
                c->done = 1;
            }
    } else if (stage == OZK__HOOK_MULT && c->what == CHEAT_MULT) {
        int64_t *mult = w->pa + p->mult_off;
        for (size_t v = 1; v < (size_t)1 << p->k && !c->done; v++)
            if (mult[v] > 0) {
                mult[v] -= 1;
                mult[v - 1] += 1;
                c->done = 1;
            }
    }
}

/* Proves with the hooks; returns what the verifier says (the proof must exist). */
static int cheat_verify(const ozk_model *m, const ozk_vk *vk, const uint8_t *x,
                        const ozk__prove_hooks *h, char *why, size_t whylen)
{
    uint8_t *proof, y[256];
    size_t plen;
    char err[256];
    int rc =
        ozk__prove_hooked(&proof, &plen, y, m, vk, &g_srs, x, m->n_in, NULL, h, err, sizeof err);
    if (rc) fail_msg("cheating prover failed to finish: %s", err);
    rc = ozk_verify(vk, x, m->n_in, y, ozk_vk_output_bytes(vk), proof, plen, why, whylen);
    free(proof);
    return rc;
}

static void expect_cheat_rejected(int what, uint32_t layer, int int32_out, int zero_bad)
{
    ozk_model *m = test_model_mixed(int32_out);
    ozk_vk *vk = make_vk(m);
    /* find an input on which the lie applies (saturation needs a large accumulator) */
    for (int tries = 0; tries < 200; tries++) {
        uint8_t x[64];
        rand_input(x, m->n_in);
        if (tries & 1) /* extremes: the largest accumulators */
            for (uint32_t i = 0; i < m->n_in; i++) x[i] = test_rand_below(2) ? 0x7f : 0x80;
        cheat c = { what, layer, 0 };
        ozk__prove_hooks h;
        memset(&h, 0, sizeof h);
        h.tamper = tamper;
        h.ctx = &c;
        h.logup_zero_bad = zero_bad;
        char why[256] = "";
        int rc = cheat_verify(m, vk, x, &h, why, sizeof why);
        if (!c.done) continue;
        if (rc == 1) fail_msg("cheat %d on layer %u accepted", what, layer);
        print_message("cheat %d, layer %u: rejected (%s)\n", what, layer, why);
        ozk_vk_free(vk);
        ozk_model_free(m);
        return;
    }
    fail_msg("cheat %d on layer %u never applied", what, layer);
}

static void test_cheat_relu_output(void **state)
{
    (void)state;
    expect_cheat_rejected(CHEAT_RELU_OUTPUT, 0, 0, 0); /* dense + folded ReLU */
    expect_cheat_rejected(CHEAT_RELU_OUTPUT, 3, 0, 0); /* a ReLU layer */
}

static void test_cheat_saturate(void **state)
{
    (void)state;
    expect_cheat_rejected(CHEAT_SATURATE, 0, 0, 0);
    expect_cheat_rejected(CHEAT_SATURATE, 1, 1, 0);
}

static void test_cheat_shift(void **state)
{
    (void)state;
    expect_cheat_rejected(CHEAT_SHIFT, 1, 0, 0);
    expect_cheat_rejected(CHEAT_SHIFT, 4, 0, 0); /* the last layer: y public */
}

static void test_cheat_limb(void **state)
{
    (void)state;
    expect_cheat_rejected(CHEAT_LIMB, 2, 0, 0);
    expect_cheat_rejected(CHEAT_LIMB, 2, 0, 1); /* and the bad lookup's numerator zeroed */
}

static void test_cheat_mult(void **state)
{
    (void)state;
    expect_cheat_rejected(CHEAT_MULT, 0, 1, 0);
}

static void test_cheat_pad(void **state)
{
    (void)state;
    expect_cheat_rejected(CHEAT_PAD, 0, 0, 0); /* 12 outputs padded to 16 */
}

static void test_cheat_public_output(void **state)
{
    (void)state;
    expect_cheat_rejected(CHEAT_PUBLIC_OUT, 4, 0, 0); /* y = q > H = 100, u = 0 */
}

/* Pitfall 4: every committed column changed alone (one entry + 1, the lookups and
 * multiplicities recomputed honestly from the changed columns): rejected. */
typedef struct {
    uint32_t col;
    size_t idx;
} colcheat;

static void tamper_col(void *ctx, int stage, ozk__witness *w)
{
    colcheat *c = ctx;
    if (stage == OZK__HOOK_COLUMNS) w->pa[w->plan->cols[c->col].off + c->idx] += 1;
}

static void test_cheat_each_column(void **state)
{
    (void)state;
    ozk_model *m = test_model_mixed(0);
    ozk_vk *vk = make_vk(m);
    const ozk__plan *p = &vk->plan;
    for (uint32_t col = 0; col < p->ncols; col++) {
        uint8_t x[64];
        rand_input(x, m->n_in);
        colcheat c = { col, test_rand_below((size_t)1 << p->cols[col].lv) };
        ozk__prove_hooks h;
        memset(&h, 0, sizeof h);
        h.tamper = tamper_col;
        h.ctx = &c;
        char why[256];
        if (cheat_verify(m, vk, x, &h, why, sizeof why) == 1)
            fail_msg("column %u (layer %u, role %u, limb %u) entry %zu + 1 accepted", col,
                     p->cols[col].layer, p->cols[col].role, p->cols[col].limb, c.idx);
    }
    print_message("%u columns, each changed alone: all rejected\n", p->ncols);
    ozk_vk_free(vk);
    ozk_model_free(m);
}

/* A prover that uses one wrong weight or bias (and the true model's vk): rejected, by the
 * pairing check. */
static void test_cheat_matmul(void **state)
{
    (void)state;
    ozk_model *m = test_model_mixed(1);
    ozk_vk *vk = make_vk(m);
    for (uint32_t j = 0; j < m->n_layers; j++) {
        ozk_layer *l = &m->layers[j];
        if (l->kind != OZK_LAYER_DENSE) continue;
        size_t i = test_rand_below((size_t)l->n_in * l->n_out);
        int8_t old = l->w[i];
        l->w[i] = (int8_t)(old == 127 ? 126 : old + 1);
        uint8_t x[64];
        rand_input(x, m->n_in);
        ozk__prove_hooks h;
        memset(&h, 0, sizeof h);
        h.skip_model_check = 1;
        char why[256];
        assert_int_not_equal(cheat_verify(m, vk, x, &h, why, sizeof why), 1);
        print_message("wrong weight in layer %u: rejected (%s)\n", j, why);
        /* every sub-protocol holds for the altered P_W: only the final pairing can tell
         * (design.md pitfall 13: a verifier test that must fail at the very last check) */
        assert_non_null(strstr(why, "pairing"));
        l->w[i] = old;
        /* and a wrong bias */
        size_t o = test_rand_below(l->n_out);
        l->b[o] += 1;
        assert_int_not_equal(cheat_verify(m, vk, x, &h, why, sizeof why), 1);
        assert_non_null(strstr(why, "pairing"));
        l->b[o] -= 1;
    }
    ozk_vk_free(vk);
    ozk_model_free(m);
}

/* A false opening value: rejected. */
static void test_cheat_opening(void **state)
{
    (void)state;
    ozk_model *m = test_model_mixed(0);
    ozk_vk *vk = make_vk(m);
    uint8_t x[64];
    rand_input(x, m->n_in);
    ozk__prove_hooks h;
    memset(&h, 0, sizeof h);
    h.open_delta = 1;
    char why[256];
    assert_int_equal(cheat_verify(m, vk, x, &h, why, sizeof why), 0);
    print_message("false opening value: rejected (%s)\n", why);
    ozk_vk_free(vk);
    ozk_model_free(m);
}

/* ---- completeness: every input ozk infer accepts proves and verifies ----------------------- */

static void test_property_inputs(void **state)
{
    (void)state;
    for (size_t c = 0; c < test_cases(6); c++) {
        int int32_out = (int)(c & 1);
        ozk_model *m = c % 3 == 2 ? test_model_fixture(OZK_FIXTURES, "digits-mlp.ozkm")
                                  : test_model_mixed(int32_out);
        ozk_vk *vk = make_vk(m);
        for (int kind = 0; kind < 5; kind++) {
            uint8_t x[128], y[512];
            for (uint32_t i = 0; i < m->n_in; i++) {
                switch (kind) {
                case 0:
                    x[i] = 0x80;
                    break; /* all -128 */
                case 1:
                    x[i] = 0x7f;
                    break; /* all 127 */
                case 2:
                    x[i] = i & 1 ? 0x80 : 0x7f;
                    break; /* alternating extremes */
                case 3:
                    x[i] = 0;
                    break; /* zeros */
                default:
                    x[i] = (uint8_t)test_rand_below(256);
                    break;
                }
            }
            size_t plen;
            uint8_t *proof = prove_ok(m, vk, x, y, &plen);
            free(proof);
        }
        ozk_vk_free(vk);
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
        cmocka_unit_test(test_threads_same_bytes),  cmocka_unit_test(test_threads_wide),
        cmocka_unit_test(test_roundtrip_mixed),     cmocka_unit_test(test_roundtrip_digits),
        cmocka_unit_test(test_every_proof_byte),    cmocka_unit_test(test_random_multibyte),
        cmocka_unit_test(test_public_values),       cmocka_unit_test(test_vk_fields),
        cmocka_unit_test(test_cheat_relu_output),   cmocka_unit_test(test_cheat_saturate),
        cmocka_unit_test(test_cheat_shift),         cmocka_unit_test(test_cheat_limb),
        cmocka_unit_test(test_cheat_mult),          cmocka_unit_test(test_cheat_pad),
        cmocka_unit_test(test_cheat_public_output), cmocka_unit_test(test_cheat_each_column),
        cmocka_unit_test(test_cheat_matmul),        cmocka_unit_test(test_cheat_opening),
        cmocka_unit_test(test_property_inputs),
    };
    return TEST_RUN_WITH("proof", tests, setup, teardown);
}
