/*
 * cli/cmd_deploy.c: putting a model's verifier on a chain and checking one that is there.
 *
 *   ozk deploy-verifier --vk MODEL.vk --rpc URL --key FILE [--insecure-dev-srs]
 *   ozk verify-deployment --vk MODEL.vk --rpc URL --address ADDR [--insecure-dev-srs]
 *                         [--settlement ADDR --model-id ID]
 *
 * Both rebuild the verifier from the public vk: `ozk gen-verifier`'s source compiled with the
 * pinned solc-js and settings (ozk/solc.h), so the code is a function of the vk. The settlement
 * contract stores the verifier's EXTCODEHASH; verify-deployment recomputes it, compares it
 * with the code at the address, scans that code for what a verifier must never do (design.md
 * section 5) and, given the settlement and the model id, checks what the model was registered
 * with. It is what a challenger or a dApp runs before relying on a model
 * (docs/contracts.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ozk/abi.h"
#include "ozk/hex.h"
#include "ozk/keccak.h"
#include "ozk/proof.h"
#include "ozk/rpc.h"
#include "ozk/sender.h"
#include "ozk/solc.h"
#include "ozk/tx.h"

/* "0x" and 40 hex digits, or the 40 digits alone. */
static int parse_address(const char *prog, const char *what, const char *s, uint8_t out[20])
{
    size_t n = strlen(s);
    if ((n == 42 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) || n == 40) {
        if (ozk_hex_decode(out, 20, s) == 20) return 0;
    }
    fprintf(stderr, "%s: %s '%s' is not an address (0x and 40 hex digits)\n", prog, what, s);
    return -1;
}

static int parse_b32(const char *prog, const char *what, const char *s, uint8_t out[32])
{
    size_t n = strlen(s);
    if ((n == 66 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) || n == 64) {
        if (ozk_hex_decode(out, 32, s) == 32) return 0;
    }
    fprintf(stderr, "%s: %s '%s' is not 32 bytes in hex (0x and 64 hex digits)\n", prog, what, s);
    return -1;
}

static ozk_rpc *open_rpc(const char *prog, const char *url)
{
    ozk_rpc_config cfg;
    ozk_rpc_config_default(&cfg);
    cfg.url = url;
    cfg.max_retries = 2;
    ozk_rpc *rpc;
    ozk_rpc_error e;
    if (ozk_rpc_open(&rpc, &cfg, &e) < 0) {
        fprintf(stderr, "%s: %s: %s\n", prog, url, e.message);
        return NULL;
    }
    return rpc;
}

/* Generates and compiles vk's verifier; prints its own error. */
static int build_verifier(const char *prog, const ozk_vk *vk, const char *vk_path, int insecure_ok,
                          ozk_solc_output *out)
{
    char *sol = NULL;
    size_t len;
    if (cli_verifier_source(prog, vk, vk_path, insecure_ok, &sol, &len) < 0) return -1;
    fprintf(stderr, "%s: compiling the verifier with solc-js (%s)...\n", prog, ozk_solc_path());
    char err[1024];
    int rc = ozk_solc_compile(out, OZK_SOLC_VERIFIER, sol, err, sizeof err);
    free(sol);
    if (rc) {
        fprintf(stderr, "%s: %s\n", prog, err);
        return -1;
    }
    return 0;
}

static void print_hex(FILE *f, const uint8_t *b, size_t n)
{
    char *h = cli_hex0x(b, n);
    fputs(h ? h : "(out of memory)", f);
    free(h);
}

/* ---- ozk deploy-verifier -----------------------------------------------------------------------
 */

static void deploy_usage(FILE *out)
{
    fprintf(out,
            "usage: ozk deploy-verifier --vk MODEL.vk --rpc URL --key FILE [--insecure-dev-srs]\n\n"
            "Generates the model's Solidity verifier (ozk gen-verifier), compiles it with the\n"
            "pinned solc-js and settings, deploys it from the key's account and prints its\n"
            "address, code hash (the verifierCodeHash a settlement registers) and the gas the\n"
            "deployment used.\n\n"
            "  --vk FILE            the model's verifying key (`ozk model commit`)\n"
            "  --rpc URL            the chain's JSON-RPC endpoint\n"
            "  --key FILE           a file with the deployer's private key in hex (mode 0600)\n"
            "  --insecure-dev-srs   accept a vk made with a dev SRS: local test chains only\n");
}

int cmd_deploy_verifier(int argc, char **argv)
{
    const char *prog = "ozk deploy-verifier", *vk_path = NULL, *url = NULL, *key_path = NULL;
    int insecure_ok = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            deploy_usage(stdout);
            return CLI_OK;
        } else if (!strcmp(a, "--vk") && i + 1 < argc) {
            vk_path = argv[++i];
        } else if (!strcmp(a, "--rpc") && i + 1 < argc) {
            url = argv[++i];
        } else if (!strcmp(a, "--key") && i + 1 < argc) {
            key_path = argv[++i];
        } else if (!strcmp(a, "--insecure-dev-srs")) {
            insecure_ok = 1;
        } else {
            fprintf(stderr, "%s: unexpected argument '%s'\n", prog, a);
            deploy_usage(stderr);
            return CLI_USAGE;
        }
    }
    if (!vk_path || !url || !key_path) {
        deploy_usage(stderr);
        return CLI_USAGE;
    }
    ozk_key key;
    char kerr[256];
    if (ozk_key_load_file(&key, key_path, kerr, sizeof kerr) < 0) {
        fprintf(stderr, "%s: %s\n", prog, kerr);
        return CLI_FAIL;
    }
    int status = CLI_FAIL;
    ozk_rpc *rpc = NULL;
    ozk_sender *s = NULL;
    ozk_sent_tx sent;
    memset(&sent, 0, sizeof sent);
    ozk_solc_output code;
    memset(&code, 0, sizeof code);
    ozk_vk *vk = cli_load_vk(prog, vk_path);
    if (!vk || build_verifier(prog, vk, vk_path, insecure_ok, &code) < 0) goto done;
    if (!(rpc = open_rpc(prog, url))) goto done;
    ozk_rpc_error e;
    if (ozk_sender_open(&s, rpc, &key, NULL, &e) < 0) {
        fprintf(stderr, "%s: %s\n", prog, e.message);
        goto done;
    }
    ozk_send_request req;
    memset(&req, 0, sizeof req);
    req.data = code.creation;
    req.data_len = code.creation_len;
    if (ozk_sender_send(s, &sent, &req, &e) < 0) {
        fprintf(stderr, "%s: sending the deployment: %s\n", prog, e.message);
        goto done;
    }
    fprintf(stderr, "%s: sent ", prog);
    print_hex(stderr, sent.hash, 32);
    fprintf(stderr, ", waiting for its receipt...\n");
    ozk_tx_status st;
    memset(&st, 0, sizeof st);
    if (ozk_sender_wait(s, &st, sent.hash, 1, 120000, &e) < 0) {
        fprintf(stderr, "%s: %s\n", prog, e.message);
        goto done;
    }
    if (st.state != OZK_TXS_CONFIRMED) {
        fprintf(stderr, "%s: the deployment %s%s%s\n", prog,
                st.state == OZK_TXS_PENDING ? "was not mined within 120 s" : "failed",
                st.has_reason ? ": " : "", st.has_reason ? st.reason : "");
        goto done;
    }
    uint8_t from[20], h[32], addr[20];
    ozk_sender_address(s, from);
    if (ozk_create_address(addr, from, sent.tx.nonce) < 0) {
        fprintf(stderr, "%s: out of memory\n", prog);
        goto done;
    }
    uint8_t *onchain = NULL;
    size_t onchain_len = 0;
    if (ozk_rpc_get_code(rpc, &onchain, &onchain_len, addr, &e) < 0) {
        fprintf(stderr, "%s: reading the deployed code: %s\n", prog, e.message);
        goto done;
    }
    int same = onchain_len == code.runtime_len && !memcmp(onchain, code.runtime, onchain_len);
    free(onchain);
    if (!same) {
        fprintf(stderr, "%s: the code at the new address is not the compiled verifier\n", prog);
        goto done;
    }
    ozk_keccak256(h, code.runtime, code.runtime_len);
    char text[43];
    ozk_address_to_text(text, addr);
    printf("verifier    %s\n", text);
    printf("code hash   ");
    print_hex(stdout, h, 32);
    printf("\ncode size   %zu bytes (limit 24576)\n", code.runtime_len);
    printf("gas used    %llu\n", (unsigned long long)st.gas_used);
    status = CLI_OK;
done:
    ozk_sent_tx_clear(&sent);
    ozk_sender_close(s);
    ozk_rpc_close(rpc);
    ozk_solc_output_clear(&code);
    ozk_vk_free(vk);
    ozk_key_wipe(&key);
    return status;
}

/* ---- ozk verify-deployment ---------------------------------------------------------------------
 */

static void verify_usage(FILE *out)
{
    fprintf(
        out,
        "usage: ozk verify-deployment --vk MODEL.vk --rpc URL --address ADDR\n"
        "                             [--insecure-dev-srs] [--settlement ADDR --model-id ID]\n\n"
        "Checks that the contract at ADDR is the verifier the public vk generates: rebuilds it\n"
        "(ozk gen-verifier, the pinned solc-js and settings), compares its code hash with the\n"
        "code on chain, and scans that code for DELEGATECALL, CALLCODE, CALL, SELFDESTRUCT,\n"
        "SSTORE, CREATE and calls to anything but the precompiles 0x05-0x08. With --settlement\n"
        "and --model-id it also checks that the model is registered with this verifier, its\n"
        "code hash, the vk hash, C_W hash and SRS id. Prints `deployment OK` and exits 0, or\n"
        "says what differs and exits 1 (2: bad arguments or an unreachable endpoint).\n\n"
        "  --vk FILE            the model's verifying key, as published by its operator\n"
        "  --rpc URL            the chain's JSON-RPC endpoint\n"
        "  --address ADDR       the verifier contract\n"
        "  --insecure-dev-srs   accept a vk made with a dev SRS (its proofs can be forged)\n"
        "  --settlement ADDR    the settlement contract the model is registered in\n"
        "  --model-id ID        the model's id there (0x and 64 hex digits)\n");
}

/* One word of a static return value. */
static const uint8_t *word(const uint8_t *ret, size_t len, size_t i)
{
    return 32 * (i + 1) <= len ? ret + 32 * i : NULL;
}

static int is_address_word(const uint8_t *w, const uint8_t addr[20])
{
    static const uint8_t zero[12];
    return w && !memcmp(w, zero, 12) && !memcmp(w + 12, addr, 20);
}

/* Reads the model from the settlement and compares what this vk determines. */
static int check_registration(const char *prog, ozk_rpc *rpc, const uint8_t settlement[20],
                              const uint8_t model_id[32], const uint8_t verifier[20],
                              const uint8_t code_hash[32], const ozk_vk *vk)
{
    uint8_t data[36];
    ozk_abi_selector(data, "model(bytes32)");
    memcpy(data + 4, model_id, 32);
    uint8_t *ret = NULL;
    size_t len = 0;
    ozk_rpc_error e;
    if (ozk_rpc_eth_call(rpc, &ret, &len, settlement, data, sizeof data, &e) < 0) {
        fprintf(stderr, "%s: reading model() from the settlement: %s\n", prog, e.message);
        return -1;
    }
    int ok = 1;
    static const uint8_t zero[32];
    /* Model: owner, committer, payee, verifier, verifierCodeHash, vkHash, cwHash, srsId,
     * protocolVersion, stake, bond, windows, insecure, frozen, exiting, ... (23 words) */
    if (len != 23 * 32 || !memcmp(word(ret, len, 0), zero, 32)) {
        fprintf(stderr, "%s: no model with that id in that settlement contract\n", prog);
        free(ret);
        return -1;
    }
    struct {
        size_t i;
        const uint8_t *want;
        const char *what;
    } cmp[] = {
        { 4, code_hash, "verifierCodeHash" },
        { 5, ozk_vk_hash(vk), "vkHash" },
        { 6, ozk_vk_cw_hash(vk), "cwHash" },
        { 7, ozk_vk_srs_id(vk), "srsId" },
    };
    if (!is_address_word(word(ret, len, 3), verifier)) {
        fprintf(stderr, "%s: the model is registered with another verifier address\n", prog);
        ok = 0;
    }
    for (size_t k = 0; k < sizeof cmp / sizeof cmp[0]; k++) {
        if (memcmp(word(ret, len, cmp[k].i), cmp[k].want, 32)) {
            fprintf(stderr, "%s: the model's registered %s is ", prog, cmp[k].what);
            print_hex(stderr, word(ret, len, cmp[k].i), 32);
            fprintf(stderr, ", this vk gives ");
            print_hex(stderr, cmp[k].want, 32);
            fputc('\n', stderr);
            ok = 0;
        }
    }
    const uint8_t *frozen = word(ret, len, 14), *exiting = word(ret, len, 15);
    printf("model       registered with this verifier, vk, C_W and SRS%s%s\n",
           frozen[31] ? "; FROZEN (slashed)" : "", exiting[31] ? "; exiting" : "");
    free(ret);
    return ok ? 0 : -1;
}

int cmd_verify_deployment(int argc, char **argv)
{
    const char *prog = "ozk verify-deployment", *vk_path = NULL, *url = NULL, *addr_s = NULL,
               *settle_s = NULL, *model_s = NULL;
    int insecure_ok = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            verify_usage(stdout);
            return CLI_OK;
        } else if (!strcmp(a, "--vk") && i + 1 < argc) {
            vk_path = argv[++i];
        } else if (!strcmp(a, "--rpc") && i + 1 < argc) {
            url = argv[++i];
        } else if (!strcmp(a, "--address") && i + 1 < argc) {
            addr_s = argv[++i];
        } else if (!strcmp(a, "--settlement") && i + 1 < argc) {
            settle_s = argv[++i];
        } else if (!strcmp(a, "--model-id") && i + 1 < argc) {
            model_s = argv[++i];
        } else if (!strcmp(a, "--insecure-dev-srs")) {
            insecure_ok = 1;
        } else {
            fprintf(stderr, "%s: unexpected argument '%s'\n", prog, a);
            verify_usage(stderr);
            return CLI_USAGE;
        }
    }
    if (!vk_path || !url || !addr_s || (!settle_s != !model_s)) {
        if (!settle_s != !model_s)
            fprintf(stderr, "%s: --settlement and --model-id go together\n", prog);
        verify_usage(stderr);
        return CLI_USAGE;
    }
    uint8_t addr[20], settlement[20], model_id[32];
    if (parse_address(prog, "--address", addr_s, addr) < 0 ||
        (settle_s && parse_address(prog, "--settlement", settle_s, settlement) < 0) ||
        (model_s && parse_b32(prog, "--model-id", model_s, model_id) < 0)) {
        return CLI_USAGE;
    }
    int status = CLI_FAIL;
    ozk_rpc *rpc = NULL;
    uint8_t *onchain = NULL;
    size_t onchain_len = 0;
    ozk_solc_output code;
    memset(&code, 0, sizeof code);
    ozk_vk *vk = cli_load_vk(prog, vk_path);
    if (!vk || build_verifier(prog, vk, vk_path, insecure_ok, &code) < 0) goto done;
    if (!(rpc = open_rpc(prog, url))) {
        status = CLI_USAGE;
        goto done;
    }
    ozk_rpc_error e;
    if (ozk_rpc_get_code(rpc, &onchain, &onchain_len, addr, &e) < 0) {
        fprintf(stderr, "%s: reading the code at %s: %s\n", prog, addr_s, e.message);
        status = e.kind == OZK_RPC_ERR_TRANSPORT ? CLI_USAGE : CLI_FAIL;
        goto done;
    }
    if (onchain_len == 0) {
        fprintf(stderr, "%s: %s has no code (an account, or nothing deployed there)\n", prog,
                addr_s);
        goto done;
    }
    uint8_t want[32], got[32];
    ozk_keccak256(want, code.runtime, code.runtime_len);
    ozk_keccak256(got, onchain, onchain_len);
    printf("verifier    %s (%zu bytes)\n", addr_s, onchain_len);
    printf("code hash   ");
    print_hex(stdout, got, 32);
    printf("\nexpected    ");
    print_hex(stdout, want, 32);
    printf(" (from %s)\n", vk_path);
    char why[256];
    int clean = ozk_code_scan(onchain, onchain_len, why, sizeof why);
    if (!clean) {
        fprintf(stderr, "%s: refused: the code at %s has %s\n", prog, addr_s, why);
    } else {
        printf("scan        no state change, no call but STATICCALL to precompiles 0x05-0x08\n");
    }
    if (memcmp(want, got, 32)) {
        fprintf(stderr,
                "%s: the code at %s is NOT the verifier %s generates: do not rely on this\n"
                "deployment (another model, another ozk version, or a substituted contract)\n",
                prog, addr_s, vk_path);
        goto done;
    }
    if (!clean) goto done;
    if (settle_s && check_registration(prog, rpc, settlement, model_id, addr, got, vk) < 0) {
        goto done;
    }
    if (ozk_vk_insecure(vk)) printf("warning     the vk uses an INSECURE dev SRS\n");
    printf("deployment OK\n");
    status = CLI_OK;
done:
    free(onchain);
    ozk_rpc_close(rpc);
    ozk_solc_output_clear(&code);
    ozk_vk_free(vk);
    return status;
}
