/*
 * verifier/solidity.c: the Solidity verifier of one model (ozk gen-verifier; docs/protocol.md
 * is what it implements, verifier/verify.c the reference it must agree with byte for byte).
 *
 * The source is the plan written as constants (packed tables the contract loops over, so that
 * its bytecode does not grow with the number of layers beyond 160 bytes a layer), followed by a
 * fixed body, contracts/templates/Verifier.sol.in, embedded at build time. What needs an
 * inversion or a bit of arithmetic the EVM does badly is precomputed here: M^-1 mod r per layer.
 * The output depends on the vk only: the same vk gives the same bytes.
 *
 * Packed tables (8-byte big-endian fields; signed values in two's complement):
 *   LAYERS, 20 fields a layer: kind, in0, in1, requant, lv_in, lv_out, ycommit, ud_limbs, r_limbs,
 *     s, L, H, ka, kb, w_poly, w_off, b_poly, b_off, col0, ncols
 *   COLS, 2 a column of P_A: lv, off
 *   LOOKUPS, 5 a segment of the lookup column: col, negative sign, c, lv, off
 *   MINV, 32 bytes a layer: M^-1 mod r (0 for a layer without requantization)
 *   CW, 64 bytes a polynomial of P_W: C_W,i
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ozk/error.h"
#include "proof_internal.h"
#include "solidity_internal.h"
#include "verifier_template.h"

/* Calibration of verify's execution gas (scripts/bench-gas and tests/test_genverifier.c, anvil,
 * 2026-11-25), measured: the digits MLP (3 layers, proof 22,848 B, 64 + 10 public elements)
 * 849,617; mlp-1m (3, 32,288 B, 512 + 10) 1,217,824; mlp-4m (3, 35,264 B, 1,024 + 10)
 * 1,466,580; the mixed test model (5 layers, 20,704 B, 10 + 5) 937,146. The model
 * 100k + 75k a layer + 22 a proof byte + 358 a public element (padded to powers of two: the
 * verifier evaluates the MLEs of x and y itself) is within 1 % of all four. The fixed part is
 * the pairing, the opening's ecMuls and the statement; the per-byte part reading, range-checking
 * and hashing each element and the sumcheck and LogUp arithmetic. The estimate rounds each
 * coefficient up and adds 25 %. */
#define SOL_GAS_FIXED        110000u
#define SOL_GAS_PER_LAYER    80000u
#define SOL_GAS_PER_PROOF_B  23u
#define SOL_GAS_PER_PUBLIC   360u
#define SOL_GAS_MARGIN_PCT   25u
#define SOL_TX_BASE          21000u
#define SOL_CALLDATA_NONZERO 16u /* EIP-2028 */
#define SOL_CALLDATA_FLOOR   40u /* EIP-7623: 10 per token, 4 tokens per nonzero byte */
/* respond's own work around the verify call (measured 103k with 104 bytes of x and y): reading
 * the challenge and the record, the code-hash check, the Merkle proof of respondReceipt,
 * copying x and y from storage (2,100 a cold word), the credits */
#define SOL_RESPOND_OVERHEAD 150000u
#define SOL_RESPOND_PER_WORD 2200u
#define SOL_MERKLE_MAX_DEPTH 24u

static size_t pad32(size_t n)
{
    return (n + 31) / 32 * 32;
}

static uint64_t tx_gas(size_t calldata, uint64_t exec)
{
    uint64_t standard = SOL_TX_BASE + SOL_CALLDATA_NONZERO * (uint64_t)calldata + exec;
    uint64_t floor = SOL_TX_BASE + SOL_CALLDATA_FLOOR * (uint64_t)calldata;
    return standard > floor ? standard : floor;
}

void ozk__sol_costs(ozk__sol_cost *c, const ozk_vk *vk)
{
    const ozk__plan *p = &vk->plan;
    size_t proof = ozk_vk_proof_size(vk), x = ozk_vk_input_bytes(vk), y = ozk_vk_output_bytes(vk);
    /* selector, three heads, three lengths, the padded byte strings */
    c->verify_calldata = 4 + 6 * 32 + pad32(proof) + pad32(x) + pad32(y);
    /* respondReceipt(uint256 id, uint256 seq, uint256 index, bytes32[] merkleProof, bytes
     * proof): selector, five heads, the array's length and words, the proof's length and bytes */
    c->respond_calldata = 4 + 5 * 32 + 32 + 32 * SOL_MERKLE_MAX_DEPTH + 32 + pad32(proof);
    uint64_t publics = ((uint64_t)1 << p->lv_x) + ((uint64_t)1 << p->lv_y);
    uint64_t exec = SOL_GAS_FIXED + SOL_GAS_PER_LAYER * (uint64_t)p->nlayers +
                    SOL_GAS_PER_PROOF_B * (uint64_t)proof + SOL_GAS_PER_PUBLIC * publics;
    c->verify_exec = exec + exec * SOL_GAS_MARGIN_PCT / 100;
    c->verify_tx = tx_gas(c->verify_calldata, c->verify_exec);
    uint64_t words = (pad32(x) + pad32(y)) / 32;
    c->respond_tx = tx_gas(c->respond_calldata,
                           c->verify_exec + SOL_RESPOND_OVERHEAD + SOL_RESPOND_PER_WORD * words);
}

static void hex_bytes(FILE *f, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) fprintf(f, "%02x", b[i]);
}

static void hex8(FILE *f, uint64_t v)
{
    fprintf(f, "%016llx", (unsigned long long)v);
}

static void word_const(FILE *f, const char *name, const uint8_t b[32])
{
    fprintf(f, "    uint256 internal constant %s = 0x", name);
    hex_bytes(f, b, 32);
    fprintf(f, ";\n");
}

size_t ozk__sol_claims(const ozk__plan *p)
{
    /* the claims of section 11.1 in the verifier's order: one per column value of a requantizing
     * layer, W_j and b_j per dense layer, one per input read from a committed tensor, then the
     * range checks' column values and mult */
    size_t k = 0;
    for (uint32_t j = 0; j < p->nlayers; j++) {
        const ozk__plan_layer *l = &p->layers[j];
        if (l->requant) k += l->ncols;
        if (l->kind == OZK_LAYER_DENSE) k += 2;
        k += l->in0 != 0;
        if (l->kind == OZK_LAYER_ADD) k += l->in1 != 0;
    }
    return k + p->ncols + 1;
}

int ozk__sol_generate(char **out, size_t *len, const ozk_vk *vk)
{
    const ozk__plan *p = &vk->plan;
    *out = NULL;
    *len = 0;
    FILE *f = open_memstream(out, len);
    if (!f) return OZK_ENOMEM;
    fprintf(f, "// SPDX-License-Identifier: MIT\n"
               "// Generated by `ozk gen-verifier` from the verifying key 0x");
    hex_bytes(f, vk->hash, 32);
    fprintf(f, ". Do not edit:\n"
               "// regenerate it from the vk. docs/protocol.md is the specification.\n"
               "pragma solidity 0.8.37;\n\n"
               "contract OzkVerifier {\n");
    fprintf(f, "    bytes32 public constant VK_HASH = 0x");
    hex_bytes(f, vk->hash, 32);
    fprintf(f, ";\n    bytes32 public constant CW_HASH = 0x");
    hex_bytes(f, vk->cw_hash, 32);
    fprintf(f, ";\n    bytes32 public constant SRS_ID = 0x");
    hex_bytes(f, vk->srs_id, 32);
    fprintf(f, ";\n    uint256 public constant PROTOCOL_VERSION = %d;\n", OZK_PROTOCOL_VERSION);
    fprintf(f, "    bool public constant INSECURE = %s;\n\n", vk->insecure ? "true" : "false");

    fprintf(f, "    uint256 internal constant PROOF_LEN = %zu;\n", ozk__proof_size(p));
    fprintf(f, "    uint256 internal constant N_IN = %u;\n", p->n_in);
    fprintf(f, "    uint256 internal constant N_OUT = %u;\n", p->n_out);
    fprintf(f, "    uint256 internal constant OUT_INT32 = %d;\n", p->out_dtype == OZK_DTYPE_INT32);
    fprintf(f, "    int256 internal constant OUT_LO = %lld;\n", (long long)p->out_lo);
    fprintf(f, "    int256 internal constant OUT_HI = %lld;\n", (long long)p->out_hi);
    fprintf(f, "    uint256 internal constant K = %u;\n", p->k);
    fprintf(f, "    uint256 internal constant NLAYERS = %u;\n", p->nlayers);
    fprintf(f, "    uint256 internal constant LV_X = %u;\n", p->lv_x);
    fprintf(f, "    uint256 internal constant LV_Y = %u;\n", p->lv_y);
    fprintf(f, "    uint256 internal constant NCOLS = %u;\n", p->ncols);
    fprintf(f, "    uint256 internal constant M_LK = %u;\n", p->m);
    fprintf(f, "    uint256 internal constant NVARS = %u;\n", p->nvars);
    fprintf(f, "    uint256 internal constant NWPOLYS = %u;\n", p->nwpolys);
    fprintf(f, "    uint256 internal constant MULT_OFF = %llu;\n", (unsigned long long)p->mult_off);
    fprintf(f, "    uint256 internal constant NLOOKUPS = %u;\n", p->nlookups);
    fprintf(f, "    uint256 internal constant KCLAIMS = %zu;\n", ozk__sol_claims(p));

    static const char *g2n[2][4] = { { "G2_1_X1", "G2_1_X0", "G2_1_Y1", "G2_1_Y0" },
                                     { "G2_T_X1", "G2_T_X0", "G2_T_Y1", "G2_T_Y0" } };
    for (int g = 0; g < 2; g++) {
        uint8_t b[OZK_G2_BYTES];
        ozk_g2_to_bytes(b, &vk->g2[g]);
        for (int w = 0; w < 4; w++) word_const(f, g2n[g][w], b + 32 * w);
    }

    fprintf(f, "\n    // kind in0 in1 requant lv_in lv_out ycommit ud rl s L H ka kb w_poly w_off"
               " b_poly b_off col0 ncols\n    bytes internal constant LAYERS =");
    for (uint32_t j = 0; j < p->nlayers; j++) {
        const ozk__plan_layer *l = &p->layers[j];
        uint64_t v[20] = { l->kind,
                           l->in0,
                           l->in1,
                           l->requant,
                           l->lv_in,
                           l->lv_out,
                           l->ycommit,
                           l->ud_limbs,
                           l->r_limbs,
                           l->s,
                           (uint64_t)(int64_t)l->L,
                           (uint64_t)(int64_t)l->H,
                           (uint64_t)(int64_t)l->ka,
                           (uint64_t)(int64_t)l->kb,
                           l->w_poly,
                           l->w_off,
                           l->b_poly,
                           l->b_off,
                           l->col0,
                           l->ncols };
        fprintf(f, "\n        hex\"");
        for (int i = 0; i < 20; i++) hex8(f, v[i]);
        fprintf(f, "\"");
    }
    fprintf(f, ";\n    // lv off\n    bytes internal constant COLS =");
    for (uint32_t i = 0; i < p->ncols; i++) {
        fprintf(f, "\n        hex\"");
        hex8(f, p->cols[i].lv);
        hex8(f, p->cols[i].off);
        fprintf(f, "\"");
    }
    fprintf(f, ";\n    // col negative c lv off\n    bytes internal constant LOOKUPS =");
    for (uint32_t i = 0; i < p->nlookups; i++) {
        const ozk__plan_lookup *lk = &p->lookups[i];
        fprintf(f, "\n        hex\"");
        hex8(f, lk->col);
        hex8(f, lk->sign < 0);
        hex8(f, (uint64_t)lk->c);
        hex8(f, lk->lv);
        hex8(f, lk->off);
        fprintf(f, "\"");
    }
    fprintf(f, ";\n    // M^-1 mod r per layer\n    bytes internal constant MINV =");
    for (uint32_t j = 0; j < p->nlayers; j++) {
        uint8_t b[32];
        ozk_fr mi;
        ozk_fr_from_u64(&mi, (uint64_t)p->layers[j].M);
        if (p->layers[j].requant) ozk_fr_inv(&mi, &mi); /* M in [1, 2^32): invertible */
        ozk_fr_to_bytes(b, &mi);
        fprintf(f, "\n        hex\"");
        hex_bytes(f, b, 32);
        fprintf(f, "\"");
    }
    fprintf(f, ";\n    // C_W,1 .. C_W,nwpolys\n    bytes internal constant CW =");
    for (uint32_t i = 0; i < p->nwpolys; i++) {
        uint8_t b[OZK_G1_BYTES];
        ozk_g1_to_bytes(b, &vk->cw[i]);
        fprintf(f, "\n        hex\"");
        hex_bytes(f, b, sizeof b);
        fprintf(f, "\"");
    }
    fprintf(f, ";\n\n");
    fputs(OZK__VERIFIER_BODY, f);
    if (fclose(f) != 0) {
        free(*out);
        *out = NULL;
        return OZK_ENOMEM;
    }
    return 0;
}
