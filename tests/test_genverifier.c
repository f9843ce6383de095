/*
 * tests/test_genverifier.c: the generated Solidity verifier (verifier/solidity.c, `ozk
 * gen-verifier`) against the C verifier, on a real anvil.
 *
 * For the digits MLP (int32 output) and a small mixed model (dense, add, relu; int8 output): the
 * source is generated twice (same bytes), compiled with the pinned solc-js (optimizer on, via-IR,
 * no metadata hash), its deployed size checked against 24,576 bytes, deployed with ozk_sender,
 * and verify() called through eth_call: the C prover's proof is accepted; a changed byte in every
 * part of the proof (C_A, each layer's messages, LogUp's roots and trees, the column values, the
 * batching, each part of the opening), a changed x byte, a changed y byte, an out-of-range y and
 * a short proof are rejected (false or a revert), and the C verifier rejects each of them too;
 * so are 100 random mutations of 1 to 4 bytes anywhere in the proof (the two always agree).
 * The gas of a transaction calling verify on the valid proof is measured and printed (not an
 * eth_estimateGas: design.md pitfall 11).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "anvil.h"
#include "ozk/abi.h"
#include "ozk/error.h"
#include "ozk/hex.h"
#include "ozk/model.h"
#include "ozk/proof.h"
#include "ozk/sender.h"
#include "ozk/solc.h"
#include "ozk/srs.h"
#include "../model/internal.h"
#include "../verifier/proof_internal.h"
#include "../verifier/solidity_internal.h"
#include "model_testutil.h"
#include "testutil.h"

#define SRS_LOG        15
#define EIP170_LIMIT   24576
#define VERIFY_GAS_CAP 10000000

static const char KEY[] = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

static ozk_srs g_srs;

/* ---- the chain ------------------------------------------------------------------------------- */

typedef struct {
    struct anvil a;
    ozk_rpc *rpc;
    ozk_sender *s;
} chain;

static void chain_open(chain *ch)
{
    assert_int_equal(anvil_start(&ch->a), 0);
    ozk_rpc_config rcfg;
    ozk_rpc_config_default(&rcfg);
    rcfg.url = ch->a.url;
    ozk_rpc_error e;
    assert_int_equal(ozk_rpc_open(&ch->rpc, &rcfg, &e), 0);
    ozk_key key;
    assert_int_equal(ozk_key_from_hex(&key, KEY, strlen(KEY), NULL, 0), 0);
    ozk_sender_config scfg;
    ozk_sender_config_default(&scfg);
    scfg.poll_ms = 20;
    assert_int_equal(ozk_sender_open(&ch->s, ch->rpc, &key, &scfg, &e), 0);
    ozk_key_wipe(&key);
}

static void chain_close(chain *ch)
{
    ozk_sender_close(ch->s);
    ozk_rpc_close(ch->rpc);
    anvil_stop(&ch->a);
}

static void send_and_wait(chain *ch, ozk_tx_status *st, const ozk_send_request *req, uint8_t h[32])
{
    ozk_sent_tx t;
    ozk_rpc_error e;
    int rc = ozk_sender_send(ch->s, &t, req, &e);
    if (rc) fprintf(stderr, "send: %s\n", e.message);
    assert_int_equal(rc, 0);
    memset(st, 0, sizeof *st);
    assert_int_equal(ozk_sender_wait(ch->s, st, t.hash, 1, 5000, &e), 0);
    memcpy(h, t.hash, 32);
    ozk_sent_tx_clear(&t);
}

static void deploy(chain *ch, uint8_t addr[20], const uint8_t *code, size_t len)
{
    ozk_send_request req = { 0 };
    req.data = code;
    req.data_len = len;
    ozk_tx_status st;
    uint8_t h[32];
    send_and_wait(ch, &st, &req, h);
    assert_int_equal(st.state, OZK_TXS_CONFIRMED);
    char hs[67] = "0x";
    ozk_hex_encode(hs + 2, h, 32);
    json_t *rec = NULL, *params = json_pack("[s]", hs);
    ozk_rpc_error e;
    assert_int_equal(
        ozk_rpc_call(ch->rpc, &rec, "eth_getTransactionReceipt", params, OZK_RPC_OBJECT, &e), 0);
    json_decref(params);
    const char *ca = json_string_value(json_object_get(rec, "contractAddress"));
    assert_non_null(ca);
    assert_int_equal(ozk_rpc_hex_to_bytes(addr, 20, ca), 20);
    json_decref(rec);
}

static uint8_t *verify_calldata(size_t *len, const uint8_t *proof, size_t plen, const uint8_t *x,
                                size_t xlen, const uint8_t *y, size_t ylen)
{
    ozk_abi_value v[3], args = { .kind = OZK_ABI_TUPLE, .items = v, .n = 3 };
    memset(v, 0, sizeof v);
    const uint8_t *b[3] = { proof, x, y };
    size_t l[3] = { plen, xlen, ylen };
    for (int i = 0; i < 3; i++) {
        v[i].kind = OZK_ABI_BYTES;
        v[i].bytes = (uint8_t *)(uintptr_t)b[i];
        v[i].len = l[i];
    }
    uint8_t *data;
    assert_int_equal(ozk_abi_calldata(&data, len, "verify(bytes,bytes,bytes)", &args), 0);
    return data;
}

/* 1: verify returned true; 0: false or reverted */
static int sol_verify(chain *ch, const uint8_t to[20], const uint8_t *proof, size_t plen,
                      const uint8_t *x, size_t xlen, const uint8_t *y, size_t ylen)
{
    size_t len;
    uint8_t *data = verify_calldata(&len, proof, plen, x, xlen, y, ylen);
    char addr[43] = "0x";
    ozk_hex_encode(addr + 2, to, 20);
    uint8_t out[64];
    size_t outlen = 0;
    int rc = anvil_eth_call(&ch->a, addr, data, len, out, sizeof out, &outlen);
    free(data);
    assert_int_not_equal(rc, -1);
    if (rc == 0) return 0;
    assert_int_equal(outlen, 32);
    for (int i = 0; i < 31; i++) assert_int_equal(out[i], 0);
    assert_true(out[31] <= 1);
    return out[31];
}

/* gas used by a transaction calling verify (a true result, checked first by eth_call) */
/* The gas of a transaction calling verify; *exec: that minus the intrinsic 21,000 and the
 * calldata's standard cost (4 a zero byte, 16 a nonzero one), the execution alone. */
static uint64_t verify_gas(chain *ch, uint64_t *exec, const uint8_t to[20], const uint8_t *proof,
                           size_t plen, const uint8_t *x, size_t xlen, const uint8_t *y,
                           size_t ylen)
{
    ozk_send_request req = { 0 };
    size_t len;
    uint8_t *data = verify_calldata(&len, proof, plen, x, xlen, y, ylen);
    uint64_t calldata = 0;
    for (size_t i = 0; i < len; i++) calldata += data[i] ? 16 : 4;
    req.has_to = 1;
    memcpy(req.to, to, 20);
    req.data = data;
    req.data_len = len;
    req.gas_limit = VERIFY_GAS_CAP;
    ozk_tx_status st;
    uint8_t h[32];
    send_and_wait(ch, &st, &req, h);
    free(data);
    assert_int_equal(st.state, OZK_TXS_CONFIRMED);
    assert_true(st.gas_used > 21000 + calldata);
    *exec = st.gas_used - 21000 - calldata;
    return st.gas_used;
}

/* ---- the parts of a proof (docs/protocol.md 11.3) -------------------------------------------- */

typedef struct {
    char name[48];
    size_t off, len;
    int g1; /* a part of G1 points */
} part;

static size_t add_part(part *ps, size_t n, const char *name, size_t off, size_t len, int g1)
{
    if (len == 0) return n;
    snprintf(ps[n].name, sizeof ps[n].name, "%s", name);
    ps[n].off = off;
    ps[n].len = len;
    ps[n].g1 = g1;
    return n + 1;
}

static size_t proof_parts(part *ps, const ozk__plan *p)
{
    size_t n = 0, o = 0;
    char nm[48];
    n = add_part(ps, n, "C_A", o, 64, 1), o += 64;
    for (uint32_t j = p->nlayers; j-- > 0;) {
        const ozk__plan_layer *l = &p->layers[j];
        if (l->requant) {
            snprintf(nm, sizeof nm, "layer %u zero-check", j);
            n = add_part(ps, n, nm, o, 128 * (size_t)l->lv_out, 0), o += 128 * (size_t)l->lv_out;
            snprintf(nm, sizeof nm, "layer %u column values", j);
            n = add_part(ps, n, nm, o, 32 * (size_t)l->ncols, 0), o += 32 * (size_t)l->ncols;
        }
        if (l->kind == OZK_LAYER_DENSE) {
            snprintf(nm, sizeof nm, "layer %u b(z)", j);
            n = add_part(ps, n, nm, o, 32, 0), o += 32;
            snprintf(nm, sizeof nm, "layer %u dense sumcheck", j);
            n = add_part(ps, n, nm, o, 96 * (size_t)l->lv_in, 0), o += 96 * (size_t)l->lv_in;
            snprintf(nm, sizeof nm, "layer %u W(r||z), a(r)", j);
            n = add_part(ps, n, nm, o, 64, 0), o += 64;
        }
        if (l->kind == OZK_LAYER_ADD) {
            snprintf(nm, sizeof nm, "layer %u add values", j);
            n = add_part(ps, n, nm, o, 64, 0), o += 64;
        }
    }
    size_t m = p->m, k = p->k;
    n = add_part(ps, n, "LogUp roots", o, 128, 0), o += 128;
    n = add_part(ps, n, "LogUp witness tree", o, 32 * (2 * m * m + 2 * m), 0);
    o += 32 * (2 * m * m + 2 * m);
    n = add_part(ps, n, "LogUp table tree", o, 32 * (2 * k * k + 2 * k), 0);
    o += 32 * (2 * k * k + 2 * k);
    n = add_part(ps, n, "range column values", o, 32 * (size_t)p->ncols, 0);
    o += 32 * (size_t)p->ncols;
    n = add_part(ps, n, "batching sumcheck", o, 96 * (size_t)p->nvars, 0),
    o += 96 * (size_t)p->nvars;
    n = add_part(ps, n, "batching values", o, 32 * (size_t)(1 + p->nwpolys), 0);
    o += 32 * (size_t)(1 + p->nwpolys);
    n = add_part(ps, n, "opening folds", o, 64 * (size_t)(p->nvars - 1), 1);
    o += 64 * (size_t)(p->nvars - 1);
    n = add_part(ps, n, "opening evaluations", o, 96 * (size_t)p->nvars, 0);
    o += 96 * (size_t)p->nvars;
    n = add_part(ps, n, "opening W", o, 64, 1), o += 64;
    n = add_part(ps, n, "opening W'", o, 64, 1), o += 64;
    assert_int_equal(o, ozk__proof_size(p));
    return n;
}

/* ---- ozk verify-deployment ------------------------------------------------------------------- */

/* The vk file of the model tested before, to show another model's vk refused against this
 * one's verifier. */
static char g_prev_vk[600];

static void check_deployment(chain *ch, const ozk_vk *vk, const uint8_t addr[20])
{
    static char dir[512];
    if (!dir[0]) test_tmpdir(dir, sizeof dir, "genverifier");
    uint8_t *enc;
    size_t enc_len;
    assert_int_equal(ozk_vk_encode(&enc, &enc_len, vk), 0);
    char vk_path[600], a[43];
    snprintf(vk_path, sizeof vk_path, "%s/%s.vk", dir, g_prev_vk[0] ? "second" : "first");
    test_write_file(vk_path, enc, enc_len);
    free(enc);
    a[0] = '0', a[1] = 'x';
    ozk_hex_encode(a + 2, addr, 20);
    /* the deployed verifier is the one the vk generates */
    test_bin_expect(OZK_BIN, 0, "deployment OK",
                    "verify-deployment --vk '%s' --rpc %s --address %s "
                    "--insecure-dev-srs",
                    vk_path, ch->a.url, a);
    /* a dev-SRS vk needs the flag; an account without code; a malformed address */
    test_bin_expect(OZK_BIN, 1, "dev SRS", "verify-deployment --vk '%s' --rpc %s --address %s",
                    vk_path, ch->a.url, a);
    test_bin_expect(OZK_BIN, 1, "has no code",
                    "verify-deployment --vk '%s' --rpc %s --address "
                    "0x%s --insecure-dev-srs",
                    vk_path, ch->a.url, "f39fd6e51aad88f6f4ce6ab8827279cfffb92266");
    test_bin_expect(OZK_BIN, 2, "not an address",
                    "verify-deployment --vk '%s' --rpc %s --address "
                    "0x1234 --insecure-dev-srs",
                    vk_path, ch->a.url);
    /* the previous model's vk against this verifier: another code hash */
    if (g_prev_vk[0]) {
        test_bin_expect(OZK_BIN, 1, "NOT the verifier",
                        "verify-deployment --vk '%s' --rpc %s "
                        "--address %s --insecure-dev-srs",
                        g_prev_vk, ch->a.url, a);
        test_rmdir(dir);
    } else {
        snprintf(g_prev_vk, sizeof g_prev_vk, "%s", vk_path);
    }
}

/* ---- the test -------------------------------------------------------------------------------- */

static void run_model(const char *label, ozk_model *m)
{
    char err[256];
    ozk_vk *vk;
    if (ozk_vk_build(&vk, m, &g_srs, 0, err, sizeof err)) fail_msg("vk: %s", err);
    const ozk__plan *p = &vk->plan;
    size_t xlen = ozk_vk_input_bytes(vk), ylen = ozk_vk_output_bytes(vk), plen;
    uint8_t *x = malloc(xlen), *y = malloc(ylen), *proof;
    assert_non_null(x);
    assert_non_null(y);
    test_rand_bytes(x, xlen);
    if (ozk_prove(&proof, &plen, y, m, vk, &g_srs, x, xlen, NULL, err, sizeof err))
        fail_msg("prove: %s", err);
    assert_int_equal(ozk_verify(vk, x, xlen, y, ylen, proof, plen, err, sizeof err), 1);

    /* generate (twice: the same bytes), compile, size, deploy */
    char *src, *src2;
    size_t slen, slen2;
    assert_int_equal(ozk__sol_generate(&src, &slen, vk), 0);
    assert_int_equal(ozk__sol_generate(&src2, &slen2, vk), 0);
    assert_int_equal(slen, slen2);
    assert_memory_equal(src, src2, slen);
    free(src2);
    ozk_solc_output code;
    if (ozk_solc_compile(&code, OZK_SOLC_VERIFIER, src, err, sizeof err)) fail_msg("%s", err);
    free(src);
    printf("%s: deployed bytecode %zu bytes (limit %d), proof %zu bytes\n", label, code.runtime_len,
           EIP170_LIMIT, plen);
    assert_true(code.runtime_len < EIP170_LIMIT);
    char why[256];
    if (!ozk_code_scan(code.runtime, code.runtime_len, why, sizeof why)) fail_msg("scan: %s", why);
    chain ch;
    chain_open(&ch);
    uint8_t addr[20];
    deploy(&ch, addr, code.creation, code.creation_len);
    ozk_solc_output_clear(&code);
    check_deployment(&ch, vk, addr);

    /* the valid proof, and its gas */
    assert_int_equal(sol_verify(&ch, addr, proof, plen, x, xlen, y, ylen), 1);
    uint64_t exec, gas = verify_gas(&ch, &exec, addr, proof, plen, x, xlen, y, ylen);
    ozk__sol_cost cost;
    ozk__sol_costs(&cost, vk);
    printf("%s: verify transaction gas %llu (calldata included), execution %llu; estimates %llu "
           "and %llu\n",
           label, (unsigned long long)gas, (unsigned long long)exec,
           (unsigned long long)cost.verify_tx, (unsigned long long)cost.verify_exec);
    /* gen-verifier's worst-case figures bound the real ones, and are not wildly above them */
    assert_true(gas <= cost.verify_tx);
    assert_true(exec <= cost.verify_exec);
    assert_true(exec * 3 >= cost.verify_exec * 2);

    /* a changed byte in every part of the proof: both verifiers reject */
    part ps[64 + 8 * 4096];
    size_t np = proof_parts(ps, p), tried = 0;
    uint8_t *bad = malloc(plen);
    assert_non_null(bad);
    for (size_t i = 0; i < np; i++) {
        size_t unit = ps[i].g1 ? 64 : 32, nu = ps[i].len / unit;
        /* the low byte of the first, middle and last element (a wrong value or a point off the
         * curve), and the top byte of the first (non-canonical for a field element) */
        size_t at[4] = { ps[i].off + unit - 1, ps[i].off + (nu / 2) * unit + unit - 1,
                         ps[i].off + ps[i].len - 1, ps[i].off };
        uint8_t mask[4] = { 0x01, 0x01, 0x01, 0xf0 };
        for (int t = 0; t < 4; t++) {
            memcpy(bad, proof, plen);
            bad[at[t]] ^= mask[t];
            int c = ozk_verify(vk, x, xlen, y, ylen, bad, plen, err, sizeof err);
            int s = sol_verify(&ch, addr, bad, plen, x, xlen, y, ylen);
            if (c == 1 || s != 0)
                fail_msg("%s: byte %zu of part '%s' changed: C %d, Solidity %d", label, at[t],
                         ps[i].name, c, s);
            tried++;
        }
    }
    printf("%s: %zu changed proofs over %zu parts rejected by both verifiers\n", label, tried, np);

    /* 100 random mutations anywhere in the proof (1 to 4 bytes each, random nonzero XOR):
     * the two verifiers always agree, and neither accepts */
    for (int r = 0; r < 100; r++) {
        memcpy(bad, proof, plen);
        int nb = 1 + (int)test_rand_below(4);
        for (int b = 0; b < nb; b++)
            bad[test_rand_below(plen)] ^= (uint8_t)(1 + test_rand_below(255));
        int c = ozk_verify(vk, x, xlen, y, ylen, bad, plen, err, sizeof err);
        int sv = sol_verify(&ch, addr, bad, plen, x, xlen, y, ylen);
        if ((c == 1) != (sv == 1) || c == 1)
            fail_msg("%s: random mutation %d: C %d, Solidity %d", label, r, c, sv);
    }
    printf("%s: 100 random mutations: both verifiers agree (reject)\n", label);

    /* public values and lengths */
    uint8_t *x2 = malloc(xlen), *y2 = malloc(ylen);
    assert_non_null(x2);
    assert_non_null(y2);
    memcpy(x2, x, xlen);
    x2[xlen / 2] ^= 0x01;
    assert_int_not_equal(ozk_verify(vk, x2, xlen, y, ylen, proof, plen, err, sizeof err), 1);
    assert_int_equal(sol_verify(&ch, addr, proof, plen, x2, xlen, y, ylen), 0);
    memcpy(y2, y, ylen);
    y2[ylen - 1] ^= 0x01;
    assert_int_not_equal(ozk_verify(vk, x, xlen, y2, ylen, proof, plen, err, sizeof err), 1);
    assert_int_equal(sol_verify(&ch, addr, proof, plen, x, xlen, y2, ylen), 0);
    memcpy(y2, y, ylen);
    y2[0] = 0x7f; /* 127 or 2^31 - ...: above out_hi either way */
    assert_int_not_equal(ozk_verify(vk, x, xlen, y2, ylen, proof, plen, err, sizeof err), 1);
    assert_int_equal(sol_verify(&ch, addr, proof, plen, x, xlen, y2, ylen), 0);
    assert_int_equal(sol_verify(&ch, addr, proof, plen - 1, x, xlen, y, ylen), 0);
    assert_int_equal(sol_verify(&ch, addr, proof, plen, x, xlen - 1, y, ylen - 1), 0);
    /* the valid proof still passes on the same contract (nothing above changed state) */
    assert_int_equal(sol_verify(&ch, addr, proof, plen, x, xlen, y, ylen), 1);

    chain_close(&ch);
    free(x2);
    free(y2);
    free(bad);
    free(x);
    free(y);
    free(proof);
    ozk_vk_free(vk);
}

static void test_digits(void **state)
{
    (void)state;
    ozk_model *m = test_model_fixture(OZK_FIXTURES, "digits-mlp.ozkm");
    run_model("digits-mlp", m);
    ozk_model_free(m);
}

static void test_mixed(void **state)
{
    (void)state;
    ozk_model *m = test_model_mixed(0);
    run_model("mixed (dense, add, relu; int8 out)", m);
    ozk_model_free(m);
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
    const struct CMUnitTest tests[] = { cmocka_unit_test(test_mixed),
                                        cmocka_unit_test(test_digits) };
    return TEST_RUN_WITH("genverifier", tests, setup, teardown);
}
