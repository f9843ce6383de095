/*
 * cli/cmd_deploy.c: putting a model on a chain and checking one that is there.
 *
 *   ozk deploy --rpc URL --key FILE --model MODEL.ozkm --srs SRS -o DEPLOYMENT.json [...]
 *   ozk deploy-verifier --vk MODEL.vk --rpc URL --key FILE [--insecure-dev-srs]
 *   ozk verify-deployment --vk MODEL.vk --rpc URL --address ADDR [--insecure-dev-srs]
 *                         [--settlement ADDR --model-id ID]
 *
 * deploy-verifier and verify-deployment rebuild the verifier from the public vk: `ozk
 * gen-verifier`'s source compiled with the pinned solc-js and settings (ozk/solc.h), so the code is
 * a function of the vk. The settlement contract stores the verifier's EXTCODEHASH;
 * verify-deployment recomputes it, compares it with the code at the address, scans that code for
 * what a verifier must never do (design.md section 5) and, given the settlement and the model id,
 * checks what the model was registered with. It is what a challenger or a dApp runs before relying
 * on a model (docs/contracts.md).
 *
 * `ozk deploy` is what an operator runs once per model: the vk, a Settlement (or an existing
 * one), the verifier (the very code of deploy-verifier), registerModel with the stake and the
 * worst-case gas figures of ozk__sol_costs, and the deployment file the node reads
 * (docs/deployment.md, ozk/deployment.h).
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "cli.h"
#include "ozk/abi.h"
#include "ozk/deployment.h"
#include "ozk/hex.h"
#include "ozk/keccak.h"
#include "ozk/proof.h"
#include "ozk/rpc.h"
#include "ozk/sender.h"
#include "ozk/solc.h"
#include "ozk/tx.h"
#include "../verifier/solidity_internal.h"

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

/* ---- sending ------------------------------------------------------------------------------------
 */

/* The custom errors of Settlement.sol, with what to do about the ones a deployment can hit. */
static const struct {
    const char *sig, *hint;
} SETTLEMENT_ERRORS[] = {
    { "BadBounds()", "the settlement bounds are inconsistent" },
    { "InsecureNotAllowed()", "a dev-SRS verifier needs a settlement that allows insecure "
                              "verifiers (chain id 31337 only)" },
    { "ModelExists()", "this owner already registered a model with this salt: pass another "
                       "--salt" },
    { "BadTerms()", "the bond, windows or gas figures are outside the settlement's bounds" },
    { "NoVerifierCode()", "the verifier address has no code" },
    { "VerifierCodeHash()", "the verifier's code hash differs" },
    { "VerifierConstants()", "the verifier's constants differ from the vk's" },
    { "InsufficientStake()", "the stake is under the settlement's MIN_STAKE" },
    { "UnknownModel()", NULL },
    { "NotOwner()", NULL },
    { "NotCommitter()", NULL },
    { "ModelFrozen()", NULL },
    { "ModelExiting()", NULL },
};

/* Why a call or an estimate reverted: Error(string), Panic, a Settlement error by name, or the
 * node's message. */
static void revert_text(char *out, size_t cap, const ozk_rpc_error *e)
{
    if (e->kind == OZK_RPC_ERR_REMOTE && e->has_data) {
        if (ozk_revert_decode(out, cap, e->data, e->data_len)) return;
        for (size_t i = 0;
             e->data_len >= 4 && i < sizeof SETTLEMENT_ERRORS / sizeof *SETTLEMENT_ERRORS; i++) {
            uint8_t sel[4];
            ozk_abi_selector(sel, SETTLEMENT_ERRORS[i].sig);
            if (memcmp(sel, e->data, 4)) continue;
            snprintf(out, cap, "reverted %s%s%s", SETTLEMENT_ERRORS[i].sig,
                     SETTLEMENT_ERRORS[i].hint ? ": " : "",
                     SETTLEMENT_ERRORS[i].hint ? SETTLEMENT_ERRORS[i].hint : "");
            return;
        }
    }
    snprintf(out, cap, "%s", e->message);
}

/* Sends req, waits up to 120 s for one confirmation and checks the receipt's status. */
static int send_wait(const char *prog, const char *what, ozk_sender *s, const ozk_send_request *req,
                     ozk_sent_tx *sent, ozk_tx_status *st)
{
    ozk_rpc_error e;
    memset(st, 0, sizeof *st);
    if (ozk_sender_send(s, sent, req, &e) < 0) {
        char why[400];
        revert_text(why, sizeof why, &e);
        fprintf(stderr, "%s: sending the %s: %s\n", prog, what, why);
        return -1;
    }
    fprintf(stderr, "%s: sent the %s ", prog, what);
    print_hex(stderr, sent->hash, 32);
    fprintf(stderr, ", waiting for its receipt...\n");
    if (ozk_sender_wait(s, st, sent->hash, 1, 120000, &e) < 0) {
        fprintf(stderr, "%s: %s\n", prog, e.message);
        return -1;
    }
    if (st->state != OZK_TXS_CONFIRMED) {
        fprintf(stderr, "%s: the %s %s%s%s\n", prog, what,
                st->state == OZK_TXS_PENDING ? "was not mined within 120 s" : "failed",
                st->has_reason ? ": " : "", st->has_reason ? st->reason : "");
        return -1;
    }
    return 0;
}

/* Deploys init code from the sender's account: the new address and the receipt. */
static int deploy_code(const char *prog, const char *what, ozk_sender *s, const uint8_t *code,
                       size_t len, uint8_t addr[20], ozk_tx_status *st)
{
    ozk_send_request req;
    memset(&req, 0, sizeof req);
    req.data = code;
    req.data_len = len;
    ozk_sent_tx sent;
    memset(&sent, 0, sizeof sent);
    int rc = send_wait(prog, what, s, &req, &sent, st);
    uint8_t from[20];
    ozk_sender_address(s, from);
    if (!rc && ozk_create_address(addr, from, sent.tx.nonce) < 0) {
        fprintf(stderr, "%s: out of memory\n", prog);
        rc = -1;
    }
    ozk_sent_tx_clear(&sent);
    return rc;
}

/* A deployed verifier. */
typedef struct {
    uint8_t addr[20];
    uint8_t code_hash[32]; /* keccak256 of its runtime code: the verifierCodeHash to register */
    size_t code_size;
    uint64_t gas, block;
} deployed_verifier;

/* Generates, compiles and deploys vk's verifier through s (whose rpc handle is rpc), then checks
 * that the code at the new address is byte for byte what was compiled. What `ozk
 * deploy-verifier` does, and step 3 of `ozk deploy`. */
static int deploy_verifier(const char *prog, ozk_rpc *rpc, ozk_sender *s, const ozk_vk *vk,
                           const char *vk_path, int insecure_ok, deployed_verifier *out)
{
    memset(out, 0, sizeof *out);
    ozk_solc_output code;
    memset(&code, 0, sizeof code);
    int rc = -1;
    ozk_tx_status st;
    if (build_verifier(prog, vk, vk_path, insecure_ok, &code) < 0 ||
        deploy_code(prog, "verifier deployment", s, code.creation, code.creation_len, out->addr,
                    &st) < 0)
        goto done;
    uint8_t *onchain = NULL;
    size_t onchain_len = 0;
    ozk_rpc_error e;
    if (ozk_rpc_get_code(rpc, &onchain, &onchain_len, out->addr, &e) < 0) {
        fprintf(stderr, "%s: reading the deployed code: %s\n", prog, e.message);
        goto done;
    }
    int same = onchain_len == code.runtime_len && !memcmp(onchain, code.runtime, onchain_len);
    free(onchain);
    if (!same) {
        fprintf(stderr, "%s: the code at the new address is not the compiled verifier\n", prog);
        goto done;
    }
    ozk_keccak256(out->code_hash, code.runtime, code.runtime_len);
    out->code_size = code.runtime_len;
    out->gas = st.gas_used;
    out->block = st.block_number;
    rc = 0;
done:
    ozk_solc_output_clear(&code);
    return rc;
}

/* Opens the RPC handle and a sender for key (reading the chain id): prints its own error. */
static int open_chain(const char *prog, const char *url, const ozk_key *key, ozk_rpc **rpc,
                      ozk_sender **s)
{
    *s = NULL;
    if (!(*rpc = open_rpc(prog, url))) return -1;
    ozk_rpc_error e;
    if (ozk_sender_open(s, *rpc, key, NULL, &e) < 0) {
        fprintf(stderr, "%s: %s the chain at %s: %s\n", prog,
                e.kind == OZK_RPC_ERR_TRANSPORT ? "cannot reach" : "cannot use", url, e.message);
        return -1;
    }
    return 0;
}

/* ---- ozk deploy-verifier -----------------------------------------------------------------------
 */

static void deploy_verifier_usage(FILE *out)
{
    fprintf(out,
            "usage: ozk deploy-verifier --vk MODEL.vk --rpc URL --key FILE [--insecure-dev-srs]\n\n"
            "Generates the model's Solidity verifier (ozk gen-verifier), compiles it with the\n"
            "pinned solc-js and settings, deploys it from the key's account and prints its\n"
            "address, code hash (the verifierCodeHash a settlement registers) and the gas the\n"
            "deployment used. `ozk deploy` does this and registers the model.\n\n"
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
            deploy_verifier_usage(stdout);
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
            deploy_verifier_usage(stderr);
            return CLI_USAGE;
        }
    }
    if (!vk_path || !url || !key_path) {
        deploy_verifier_usage(stderr);
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
    deployed_verifier v;
    ozk_vk *vk = cli_load_vk(prog, vk_path);
    if (!vk || open_chain(prog, url, &key, &rpc, &s) < 0 ||
        deploy_verifier(prog, rpc, s, vk, vk_path, insecure_ok, &v) < 0)
        goto done;
    char text[43];
    ozk_address_to_text(text, v.addr);
    printf("verifier    %s\n", text);
    printf("code hash   ");
    print_hex(stdout, v.code_hash, 32);
    printf("\ncode size   %zu bytes (limit 24576)\n", v.code_size);
    printf("gas used    %llu\n", (unsigned long long)v.gas);
    status = CLI_OK;
done:
    ozk_sender_close(s);
    ozk_rpc_close(rpc);
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
    ozk_rpc *rpc = open_rpc(prog, url);
    if (!rpc) return CLI_USAGE;
    int status = cli_verify_deployment(prog, rpc, vk_path, insecure_ok, addr,
                                       settle_s ? settlement : NULL, model_s ? model_id : NULL);
    ozk_rpc_close(rpc);
    return status;
}

int cli_verify_deployment(const char *prog, ozk_rpc *rpc, const char *vk_path, int insecure_ok,
                          const uint8_t addr[20], const uint8_t *settlement,
                          const uint8_t *model_id)
{
    int status = CLI_FAIL;
    uint8_t *onchain = NULL;
    size_t onchain_len = 0;
    ozk_solc_output code;
    memset(&code, 0, sizeof code);
    char addr_s[43];
    ozk_address_to_text(addr_s, addr);
    ozk_vk *vk = cli_load_vk(prog, vk_path);
    if (!vk || build_verifier(prog, vk, vk_path, insecure_ok, &code) < 0) goto done;
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
    if (settlement && model_id &&
        check_registration(prog, rpc, settlement, model_id, addr, got, vk) < 0) {
        goto done;
    }
    if (ozk_vk_insecure(vk)) printf("warning     the vk uses an INSECURE dev SRS\n");
    printf("deployment OK\n");
    status = CLI_OK;
done:
    free(onchain);
    ozk_solc_output_clear(&code);
    ozk_vk_free(vk);
    return status;
}

/* ---- ozk deploy --------------------------------------------------------------------------------
 */

#define WEI_PER_GWEI   1000000000ULL
#define DEFAULT_WINDOW 600          /* seconds, when the settlement's minimum is lower */
#define MAX_WINDOW     (1ULL << 32) /* Settlement.MAX_WINDOW */

static void deploy_usage(FILE *out)
{
    fprintf(
        out,
        "usage: ozk deploy --rpc URL --key FILE --model MODEL.ozkm --srs SRS.bin -o "
        "DEPLOYMENT.json\n"
        "                  [--vk MODEL.vk] [--settlement ADDR] [--stake ETH] [--bond ETH]\n"
        "                  [--challenge-window S] [--response-window S] [--committer ADDR]\n"
        "                  [--payee ADDR] [--salt HEX32] [--proving-cost WEI] "
        "[--insecure-dev-srs]\n"
        "                  [--min-stake ETH] [--min-bond ETH] [--max-bond ETH]\n"
        "                  [--min-challenge-window S] [--min-response-window S]\n"
        "                  [--challenger-share-bps N] [--burn-sink ADDR]\n"
        "                  [--assumed-gas-price WEI] [--allow-insecure]\n\n"
        "What an operator runs once per model: takes the model's vk (--vk, else commits the model\n"
        "with the SRS and writes DEPLOYMENT.vk next to -o), deploys a Settlement contract unless\n"
        "--settlement names one, generates, compiles and deploys the model's verifier (as `ozk\n"
        "deploy-verifier`), registers the model with the stake, and writes DEPLOYMENT.json, the\n"
        "file the node reads (docs/deployment.md).\n\n"
        "  --rpc URL                the chain's JSON-RPC endpoint\n"
        "  --key FILE               the owner's private key in hex (mode 0600); it pays for\n"
        "                           everything and owns the model (stake, exit, committer)\n"
        "  --model FILE             the model (.ozkm)\n"
        "  --srs FILE               the SRS its vk is committed with\n"
        "  -o, --output FILE        the deployment file to write (replaced atomically)\n"
        "  --vk FILE                the model's vk (`ozk model commit`); checked against both\n"
        "  --settlement ADDR        register in this Settlement instead of deploying one\n"
        "  --stake ETH              the stake sent with the registration (default MIN_STAKE)\n"
        "  --bond ETH               the challenger bond; raised to the settlement's floor\n"
        "                           (MIN_BOND, bondFloor(respondGas, provingCost)) when lower,\n"
        "                           refused above MAX_BOND\n"
        "  --challenge-window S     seconds (default the settlement's minimum, at least 600)\n"
        "  --response-window S      seconds (default the settlement's minimum, at least 600)\n"
        "  --committer ADDR         the node's hot key (default the key's address)\n"
        "  --payee ADDR             credited the bonds of answered challenges (default the key's)\n"
        "  --salt HEX32             modelId = keccak256(abi.encode(owner, salt)) (default random)\n"
        "  --proving-cost WEI       the operator's cost of one proof, part of the bond floor (0)\n"
        "  --insecure-dev-srs       accept a vk made with a dev SRS: local test chains only\n\n"
        "Bounds of a new Settlement (refused with --settlement):\n"
        "  --min-stake ETH (1)  --min-bond ETH (0.01)  --max-bond ETH (10)\n"
        "  --min-challenge-window S (60)  --min-response-window S (60)\n"
        "  --challenger-share-bps N (5000, at most 5000)  --burn-sink ADDR (0x...dEaD)\n"
        "  --assumed-gas-price WEI (1 gwei)\n"
        "  --allow-insecure         accept dev-SRS verifiers (chain id 31337 only; implied there\n"
        "                           by a dev-SRS vk)\n");
}

static void u64_word(uint8_t out[32], uint64_t x)
{
    memset(out, 0, 32);
    for (int i = 0; i < 8; i++) out[31 - i] = (uint8_t)(x >> (8 * i));
}

/* The value of a word that fits 64 bits, else UINT64_MAX. */
static uint64_t word_u64(const uint8_t w[32])
{
    for (int i = 0; i < 24; i++)
        if (w[i]) return UINT64_MAX;
    uint64_t x = 0;
    for (int i = 24; i < 32; i++) x = x << 8 | w[i];
    return x;
}

/* 1 when the big-endian word fits in bits bits. */
static int word_fits(const uint8_t w[32], unsigned bits)
{
    for (unsigned i = 0; i < 32 - bits / 8; i++)
        if (w[i]) return 0;
    return 1;
}

/* "1", "0.5", "10.25" ETH (at most 18 decimals) into wei. */
static int parse_eth(const char *prog, const char *what, const char *s, uint8_t wei[32])
{
    char dec[100];
    size_t n = 0, frac = 0;
    int dot = 0, digits = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '.' && !dot) {
            dot = 1;
        } else if (*p >= '0' && *p <= '9' && n + 1 < 80 && frac < 18) {
            if (n > 0 || *p != '0') dec[n++] = *p; /* leading zeros dropped */
            if (dot) frac++;
            digits = 1;
        } else {
            digits = 0;
            break;
        }
    }
    if (digits) {
        while (frac < 18 && n + 1 < 80) {
            if (n > 0) dec[n++] = '0';
            frac++;
        }
        if (n == 0) dec[n++] = '0';
        dec[n] = '\0';
        if (frac == 18 && ozk_u256_from_dec(wei, dec) == 0) return 0;
    }
    fprintf(stderr,
            "%s: %s takes an amount of ETH such as 1 or 0.05 (at most 18 decimals), not "
            "'%s'\n",
            prog, what, s);
    return -1;
}

static int parse_wei(const char *prog, const char *what, const char *s, uint8_t wei[32])
{
    if (ozk_u256_from_dec(wei, s) == 0) return 0;
    fprintf(stderr, "%s: %s takes an amount of wei in decimal digits, not '%s'\n", prog, what, s);
    return -1;
}

static int parse_u64(const char *prog, const char *what, const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *end || s[0] == '-' || s[0] == '+' || errno || v > max) {
        fprintf(stderr, "%s: %s takes a whole number from 0 to %llu, not '%s'\n", prog, what,
                (unsigned long long)max, s);
        return -1;
    }
    *out = v;
    return 0;
}

/* wei as "N wei (X ETH)" */
static void print_wei(FILE *f, const uint8_t wei[32])
{
    char dec[80], eth[100];
    ozk_u256_to_dec(dec, wei);
    size_t n = strlen(dec);
    char frac[19];
    if (n > 18) {
        memcpy(eth, dec, n - 18);
        eth[n - 18] = '\0';
        memcpy(frac, dec + n - 18, 19);
    } else {
        strcpy(eth, "0");
        memset(frac, '0', 18 - n);
        memcpy(frac + 18 - n, dec, n + 1);
    }
    size_t k = 18;
    while (k > 0 && frac[k - 1] == '0') frac[--k] = '\0';
    fprintf(f, "%s wei (%s%s%s ETH)", dec, eth, k ? "." : "", frac);
}

/* A view of the settlement: selector of sig, n <= 2 words of args back to back; the answer must
 * be ret_words words, of which the first is copied to out. */
static int view_words(const char *prog, ozk_rpc *rpc, const uint8_t to[20], const char *sig,
                      const uint8_t *args, size_t n, size_t ret_words, uint8_t out[32])
{
    uint8_t data[4 + 2 * 32];
    ozk_abi_selector(data, sig);
    if (n > 2) n = 2;
    if (n) memcpy(data + 4, args, 32 * n);
    uint8_t *ret = NULL;
    size_t len = 0;
    ozk_rpc_error e;
    if (ozk_rpc_eth_call(rpc, &ret, &len, to, data, 4 + 32 * n, &e) < 0) {
        char why[400];
        revert_text(why, sizeof why, &e);
        fprintf(stderr, "%s: calling %s on the settlement: %s\n", prog, sig, why);
        return -1;
    }
    int ok = len == 32 * ret_words;
    if (ok) memcpy(out, ret, 32);
    free(ret);
    if (!ok) {
        fprintf(stderr,
                "%s: %s on the settlement returned %zu bytes, not %zu: is it an ozk Settlement "
                "contract of this version?\n",
                prog, sig, len, 32 * ret_words);
        return -1;
    }
    return 0;
}

static int view_word(const char *prog, ozk_rpc *rpc, const uint8_t to[20], const char *sig,
                     const uint8_t *args, size_t n, uint8_t out[32])
{
    return view_words(prog, rpc, to, sig, args, n, 1, out);
}

/* The Settlement's bounds, as read back from its immutables. */
typedef struct {
    uint8_t min_stake[32], min_bond[32], max_bond[32];
    uint64_t min_cw, min_rw;
    int allow_insecure;
} settle_bounds;

static int read_bounds(const char *prog, ozk_rpc *rpc, const uint8_t addr[20], settle_bounds *b)
{
    uint8_t w[3][32];
    if (view_word(prog, rpc, addr, "MIN_STAKE()", NULL, 0, b->min_stake) < 0 ||
        view_word(prog, rpc, addr, "MIN_BOND()", NULL, 0, b->min_bond) < 0 ||
        view_word(prog, rpc, addr, "MAX_BOND()", NULL, 0, b->max_bond) < 0 ||
        view_word(prog, rpc, addr, "MIN_CHALLENGE_WINDOW()", NULL, 0, w[0]) < 0 ||
        view_word(prog, rpc, addr, "MIN_RESPONSE_WINDOW()", NULL, 0, w[1]) < 0 ||
        view_word(prog, rpc, addr, "ALLOW_INSECURE()", NULL, 0, w[2]) < 0)
        return -1;
    b->min_cw = word_u64(w[0]);
    b->min_rw = word_u64(w[1]);
    b->allow_insecure = w[2][31] != 0;
    return 0;
}

/* What `ozk deploy` was asked. */
typedef struct {
    const char *url, *key_path, *model_path, *srs_path, *out_path, *vk_path;
    const char *settle_s;
    int insecure_ok, allow_insecure, has_bounds;
    int has_stake, has_bond, has_cw, has_rw, has_committer, has_payee, has_salt;
    uint8_t settlement[20], committer[20], payee[20], salt[32];
    uint8_t stake[32], bond[32], proving_cost[32];
    uint64_t cw, rw;
    /* the bounds of a new settlement */
    uint8_t min_stake[32], min_bond[32], max_bond[32], burn_sink[20], gas_price[32];
    uint64_t min_cw, min_rw, share_bps;
} deploy_args;

static int parse_deploy_args(deploy_args *o, int argc, char **argv, const char *prog)
{
    memset(o, 0, sizeof *o);
    uint64_t eth = 1000000000000000000ULL;
    u64_word(o->min_stake, eth);
    u64_word(o->min_bond, eth / 100);
    u64_word(o->max_bond, 10 * eth);
    u64_word(o->gas_price, WEI_PER_GWEI);
    o->min_cw = o->min_rw = 60;
    o->share_bps = 5000;
    o->burn_sink[18] = 0xde;
    o->burn_sink[19] = 0xad;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int r = 0, takes = 1; /* r: -1 a bad value (said why), -2 unknown or incomplete */
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            deploy_usage(stdout);
            return 1;
        } else if (!strcmp(a, "--insecure-dev-srs")) {
            o->insecure_ok = 1, takes = 0;
        } else if (!strcmp(a, "--allow-insecure")) {
            o->allow_insecure = o->has_bounds = 1, takes = 0;
        } else if (!v) {
            r = -2;
        } else if (!strcmp(a, "--rpc")) {
            o->url = v;
        } else if (!strcmp(a, "--key")) {
            o->key_path = v;
        } else if (!strcmp(a, "--model")) {
            o->model_path = v;
        } else if (!strcmp(a, "--srs")) {
            o->srs_path = v;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            o->out_path = v;
        } else if (!strcmp(a, "--vk")) {
            o->vk_path = v;
        } else if (!strcmp(a, "--settlement")) {
            o->settle_s = v;
            r = parse_address(prog, a, v, o->settlement);
        } else if (!strcmp(a, "--stake")) {
            o->has_stake = 1;
            r = parse_eth(prog, a, v, o->stake);
        } else if (!strcmp(a, "--bond")) {
            o->has_bond = 1;
            r = parse_eth(prog, a, v, o->bond);
        } else if (!strcmp(a, "--challenge-window")) {
            o->has_cw = 1;
            r = parse_u64(prog, a, v, MAX_WINDOW, &o->cw);
        } else if (!strcmp(a, "--response-window")) {
            o->has_rw = 1;
            r = parse_u64(prog, a, v, MAX_WINDOW, &o->rw);
        } else if (!strcmp(a, "--committer")) {
            o->has_committer = 1;
            r = parse_address(prog, a, v, o->committer);
        } else if (!strcmp(a, "--payee")) {
            o->has_payee = 1;
            r = parse_address(prog, a, v, o->payee);
        } else if (!strcmp(a, "--salt")) {
            o->has_salt = 1;
            r = parse_b32(prog, a, v, o->salt);
        } else if (!strcmp(a, "--proving-cost")) {
            r = parse_wei(prog, a, v, o->proving_cost);
        } else if (!strcmp(a, "--min-stake")) {
            o->has_bounds = 1;
            r = parse_eth(prog, a, v, o->min_stake);
        } else if (!strcmp(a, "--min-bond")) {
            o->has_bounds = 1;
            r = parse_eth(prog, a, v, o->min_bond);
        } else if (!strcmp(a, "--max-bond")) {
            o->has_bounds = 1;
            r = parse_eth(prog, a, v, o->max_bond);
        } else if (!strcmp(a, "--min-challenge-window")) {
            o->has_bounds = 1;
            r = parse_u64(prog, a, v, MAX_WINDOW, &o->min_cw);
        } else if (!strcmp(a, "--min-response-window")) {
            o->has_bounds = 1;
            r = parse_u64(prog, a, v, MAX_WINDOW, &o->min_rw);
        } else if (!strcmp(a, "--challenger-share-bps")) {
            o->has_bounds = 1;
            r = parse_u64(prog, a, v, 5000, &o->share_bps);
        } else if (!strcmp(a, "--burn-sink")) {
            o->has_bounds = 1;
            r = parse_address(prog, a, v, o->burn_sink);
        } else if (!strcmp(a, "--assumed-gas-price")) {
            o->has_bounds = 1;
            r = parse_wei(prog, a, v, o->gas_price);
        } else {
            r = -2;
        }
        if (r < 0) {
            if (r == -2) {
                fprintf(stderr, "%s: unknown or incomplete option '%s'\n", prog, a);
                deploy_usage(stderr);
            }
            return -1;
        }
        i += takes;
    }
    if (!o->url || !o->key_path || !o->model_path || !o->srs_path || !o->out_path) {
        fprintf(stderr, "%s: --rpc, --key, --model, --srs and -o are required\n", prog);
        deploy_usage(stderr);
        return -1;
    }
    if (o->settle_s && o->has_bounds) {
        fprintf(stderr,
                "%s: the settlement bounds (--min-stake ... --allow-insecure) are for a new "
                "settlement; --settlement reuses one whose bounds are fixed\n",
                prog);
        return -1;
    }
    return 0;
}

/* DEPLOYMENT.json -> DEPLOYMENT.vk (any other name: NAME.vk); free() it. */
static char *vk_path_for(const char *out_path)
{
    size_t n = strlen(out_path);
    if (n > 5 && !strcmp(out_path + n - 5, ".json")) n -= 5;
    char *p = malloc(n + 4);
    if (p) {
        memcpy(p, out_path, n);
        memcpy(p + n, ".vk", 4);
    }
    return p;
}

/* realpath into a deployment's path field. */
static int abs_path(const char *prog, char out[OZK_DEPLOYMENT_PATH_MAX], const char *path)
{
    char *r = realpath(path, NULL);
    if (!r || strlen(r) >= OZK_DEPLOYMENT_PATH_MAX) {
        fprintf(stderr, "%s: cannot resolve the path of '%s': %s\n", prog, path,
                r ? "too long" : strerror(errno));
        free(r);
        return -1;
    }
    strcpy(out, r);
    free(r);
    return 0;
}

static ozk_abi_value abi_word(ozk_abi_kind kind, const uint8_t w[32])
{
    ozk_abi_value v;
    memset(&v, 0, sizeof v);
    v.kind = kind;
    memcpy(v.word, w, 32);
    return v;
}

static ozk_abi_value abi_u64(uint64_t x)
{
    ozk_abi_value v;
    memset(&v, 0, sizeof v);
    ozk_abi_value_u64(&v, x);
    return v;
}

static ozk_abi_value abi_addr(const uint8_t a[20])
{
    ozk_abi_value v;
    memset(&v, 0, sizeof v);
    ozk_abi_value_address(&v, a);
    return v;
}

static ozk_abi_value abi_bool(int b)
{
    ozk_abi_value v;
    memset(&v, 0, sizeof v);
    ozk_abi_value_bool(&v, b);
    return v;
}

/* Compiles Settlement.sol and deploys it with the bounds of o. */
static int deploy_settlement(const char *prog, ozk_sender *s, const deploy_args *o,
                             int allow_insecure, uint8_t addr[20], ozk_tx_status *st)
{
    ozk_abi_value bi[9] = { abi_word(OZK_ABI_UINT, o->min_stake),
                            abi_word(OZK_ABI_UINT, o->min_bond),
                            abi_word(OZK_ABI_UINT, o->max_bond),
                            abi_u64(o->min_cw),
                            abi_u64(o->min_rw),
                            abi_u64(o->share_bps),
                            abi_addr(o->burn_sink),
                            abi_bool(allow_insecure),
                            abi_word(OZK_ABI_UINT, o->gas_price) };
    ozk_abi_value bounds = { .kind = OZK_ABI_TUPLE, .items = bi, .n = 9 };
    ozk_abi_value args = { .kind = OZK_ABI_TUPLE, .items = &bounds, .n = 1 };
    ozk_abi_type *t = NULL;
    uint8_t *enc = NULL, *init = NULL;
    size_t elen = 0;
    ozk_solc_output code;
    memset(&code, 0, sizeof code);
    int rc = -1;
    if (ozk_abi_type_parse(&t, "((uint256,uint256,uint256,uint64,uint64,uint16,address,bool,"
                               "uint256))") < 0 ||
        ozk_abi_encode(&enc, &elen, t, &args) < 0) {
        fprintf(stderr, "%s: encoding the settlement bounds failed\n", prog);
        goto done;
    }
    fprintf(stderr, "%s: compiling Settlement.sol with solc-js (%s)...\n", prog, ozk_solc_path());
    char err[1024];
    if (ozk_solc_compile(&code, OZK_SOLC_SETTLEMENT, NULL, err, sizeof err) < 0) {
        fprintf(stderr, "%s: %s\n", prog, err);
        goto done;
    }
    if (!(init = malloc(code.creation_len + elen))) {
        fprintf(stderr, "%s: out of memory\n", prog);
        goto done;
    }
    memcpy(init, code.creation, code.creation_len);
    memcpy(init + code.creation_len, enc, elen);
    rc = deploy_code(prog, "settlement deployment", s, init, code.creation_len + elen, addr, st);
done:
    free(init);
    free(enc);
    ozk_abi_type_free(t);
    ozk_solc_output_clear(&code);
    return rc;
}

/* Checks that addr holds a settlement: code, and MIN_STAKE() answers one word. */
static int check_settlement(const char *prog, ozk_rpc *rpc, const deploy_args *o)
{
    uint8_t *code = NULL, w[32];
    size_t len = 0;
    ozk_rpc_error e;
    if (ozk_rpc_get_code(rpc, &code, &len, o->settlement, &e) < 0) {
        fprintf(stderr, "%s: reading the code at %s: %s\n", prog, o->settle_s, e.message);
        return -1;
    }
    free(code);
    if (len == 0) {
        fprintf(stderr,
                "%s: --settlement %s has no code (an account, or nothing deployed there on "
                "this chain)\n",
                prog, o->settle_s);
        return -1;
    }
    return view_word(prog, rpc, o->settlement, "MIN_STAKE()", NULL, 0, w);
}

int cmd_deploy(int argc, char **argv)
{
    const char *prog = "ozk deploy";
    deploy_args o;
    int pr = parse_deploy_args(&o, argc, argv, prog);
    if (pr) return pr > 0 ? CLI_OK : CLI_USAGE;

    ozk_key key;
    char kerr[256];
    if (ozk_key_load_file(&key, o.key_path, kerr, sizeof kerr) < 0) {
        fprintf(stderr, "%s: %s\n", prog, kerr);
        return CLI_FAIL;
    }
    int status = CLI_FAIL;
    ozk_rpc *rpc = NULL;
    ozk_sender *s = NULL;
    ozk_vk *vk = NULL;
    char *vk_out = NULL, *json = NULL;
    uint8_t *data = NULL;
    static ozk_deployment d; /* about 12 KiB of paths */
    memset(&d, 0, sizeof d);
    uint8_t owner[20];
    if (ozk_key_address(owner, &key) < 0) {
        fprintf(stderr, "%s: %s: not a valid key\n", prog, o.key_path);
        goto done;
    }

    /* 1. the vk */
    if (!o.vk_path && !(vk_out = vk_path_for(o.out_path))) {
        fprintf(stderr, "%s: out of memory\n", prog);
        goto done;
    }
    if (!(vk = cli_model_vk(prog, o.model_path, o.srs_path, o.vk_path, vk_out, 0))) goto done;
    const char *vk_path = o.vk_path ? o.vk_path : vk_out;
    int insecure = ozk_vk_insecure(vk);
    if (insecure && !o.insecure_ok) {
        fprintf(stderr,
                "%s: %s was made with a dev SRS (ozk setup --dev): anyone who knows its tau can\n"
                "forge proofs. Commit the model with a ceremony's SRS (ozk setup --ptau), or pass\n"
                "--insecure-dev-srs for a test chain.\n",
                prog, vk_path);
        goto done;
    }
    ozk__sol_cost cost;
    ozk__sol_costs(&cost, vk);

    /* the chain */
    if (open_chain(prog, o.url, &key, &rpc, &s) < 0) goto done;
    uint64_t chain_id = ozk_sender_chain_id(s);

    /* 2. the settlement */
    ozk_tx_status settle_st;
    memset(&settle_st, 0, sizeof settle_st);
    int new_settlement = !o.settle_s;
    if (o.settle_s) {
        if (check_settlement(prog, rpc, &o) < 0) goto done;
    } else {
        int allow = o.allow_insecure || (insecure && chain_id == 31337);
        if (allow && chain_id != 31337) {
            fprintf(stderr,
                    "%s: --allow-insecure: a settlement accepts dev-SRS verifiers only on chain "
                    "id 31337 (this chain is %llu)\n",
                    prog, (unsigned long long)chain_id);
            goto done;
        }
        if (memcmp(o.min_bond, o.max_bond, 32) > 0) {
            fprintf(stderr, "%s: --min-bond is above --max-bond\n", prog);
            goto done;
        }
        if (deploy_settlement(prog, s, &o, allow, o.settlement, &settle_st) < 0) goto done;
    }
    settle_bounds b;
    if (read_bounds(prog, rpc, o.settlement, &b) < 0) goto done;
    if (insecure && !b.allow_insecure) {
        fprintf(stderr,
                "%s: the settlement does not accept verifiers built on a dev SRS "
                "(ALLOW_INSECURE is false); commit the model with a ceremony's SRS\n",
                prog);
        goto done;
    }

    /* the terms, checked against the bounds before anything else is spent */
    uint8_t stake[32], bond[32], floor[32], w[64];
    if (o.has_stake) {
        memcpy(stake, o.stake, 32);
        if (memcmp(stake, b.min_stake, 32) < 0) {
            fprintf(stderr, "%s: --stake is below the settlement's MIN_STAKE of ", prog);
            print_wei(stderr, b.min_stake);
            fputc('\n', stderr);
            goto done;
        }
    } else {
        memcpy(stake, b.min_stake, 32);
    }
    if (!word_fits(o.proving_cost, 128)) {
        fprintf(stderr, "%s: --proving-cost does not fit the contract's uint128\n", prog);
        goto done;
    }
    u64_word(w, cost.respond_tx);
    memcpy(w + 32, o.proving_cost, 32);
    if (view_word(prog, rpc, o.settlement, "bondFloor(uint256,uint256)", w, 2, floor) < 0)
        goto done;
    memcpy(bond, o.has_bond ? o.bond : b.min_bond, 32);
    if (memcmp(bond, b.min_bond, 32) < 0) memcpy(bond, b.min_bond, 32);
    if (memcmp(bond, floor, 32) < 0) memcpy(bond, floor, 32);
    if (o.has_bond && memcmp(bond, o.bond, 32)) {
        fprintf(stderr, "%s: --bond raised to ", prog);
        print_wei(stderr, bond);
        fprintf(stderr, ", the settlement's least bond for this model (MIN_BOND and the floor "
                        "2 x respondGas x ASSUMED_GAS_PRICE + provingCost)\n");
    }
    if (memcmp(bond, b.max_bond, 32) > 0 || !word_fits(bond, 96)) {
        fprintf(stderr, "%s: the bond ", prog);
        print_wei(stderr, bond);
        fprintf(stderr, " is above the settlement's MAX_BOND of ");
        print_wei(stderr, b.max_bond);
        fprintf(stderr, "; pass a smaller --bond%s\n",
                o.has_bond ? "" : " (the floor itself is over it: lower --proving-cost)");
        goto done;
    }
    uint64_t cw = o.has_cw ? o.cw : (b.min_cw > DEFAULT_WINDOW ? b.min_cw : DEFAULT_WINDOW);
    uint64_t rw = o.has_rw ? o.rw : (b.min_rw > DEFAULT_WINDOW ? b.min_rw : DEFAULT_WINDOW);
    if (cw < b.min_cw || rw < b.min_rw || cw > MAX_WINDOW || rw > MAX_WINDOW) {
        fprintf(stderr,
                "%s: the windows must lie in [the settlement's minimum, 2^32] seconds: challenge "
                "%llu (minimum %llu), response %llu (minimum %llu)\n",
                prog, (unsigned long long)cw, (unsigned long long)b.min_cw, (unsigned long long)rw,
                (unsigned long long)b.min_rw);
        goto done;
    }

    /* the model id, known before the transaction: refuse one that exists before paying for a
     * verifier */
    if (!o.has_committer) memcpy(o.committer, owner, 20);
    if (!o.has_payee) memcpy(o.payee, owner, 20);
    if (!o.has_salt && getrandom(o.salt, 32, 0) != 32) {
        fprintf(stderr, "%s: no randomness for the salt: %s\n", prog, strerror(errno));
        goto done;
    }
    uint8_t model_id[32];
    {
        uint8_t buf[64] = { 0 }, owner_w[32];
        memcpy(buf + 12, owner, 20);
        memcpy(buf + 32, o.salt, 32);
        ozk_keccak256(model_id, buf, 64); /* modelIdOf(owner, salt) */
        if (view_words(prog, rpc, o.settlement, "model(bytes32)", model_id, 1, 23, owner_w) < 0)
            goto done;
        if (!word_fits(owner_w, 0)) {
            fprintf(stderr,
                    "%s: this owner already registered a model with this salt in that settlement "
                    "(model id ",
                    prog);
            print_hex(stderr, model_id, 32);
            fprintf(stderr, "); pass another --salt\n");
            goto done;
        }
    }

    /* 3. the verifier */
    deployed_verifier v;
    if (deploy_verifier(prog, rpc, s, vk, vk_path, o.insecure_ok, &v) < 0) goto done;

    /* 4. registerModel with the stake */
    ozk_abi_value pi[16] = { abi_word(OZK_ABI_FIXED_BYTES, o.salt),
                             abi_addr(o.committer),
                             abi_addr(o.payee),
                             abi_addr(v.addr),
                             abi_word(OZK_ABI_FIXED_BYTES, v.code_hash),
                             abi_word(OZK_ABI_FIXED_BYTES, ozk_vk_hash(vk)),
                             abi_word(OZK_ABI_FIXED_BYTES, ozk_vk_cw_hash(vk)),
                             abi_word(OZK_ABI_FIXED_BYTES, ozk_vk_srs_id(vk)),
                             abi_u64(OZK_PROTOCOL_VERSION),
                             abi_bool(insecure),
                             abi_word(OZK_ABI_UINT, bond),
                             abi_u64(cw),
                             abi_u64(rw),
                             abi_u64(cost.verify_exec),
                             abi_u64(cost.respond_tx),
                             abi_word(OZK_ABI_UINT, o.proving_cost) };
    ozk_abi_value params = { .kind = OZK_ABI_TUPLE, .items = pi, .n = 16 };
    ozk_abi_value args = { .kind = OZK_ABI_TUPLE, .items = &params, .n = 1 };
    size_t len;
    if (ozk_abi_calldata(&data, &len,
                         "registerModel((bytes32,address,address,address,bytes32,bytes32,bytes32,"
                         "bytes32,uint256,bool,uint96,uint40,uint40,uint64,uint64,uint128))",
                         &args) < 0) {
        fprintf(stderr, "%s: encoding registerModel failed\n", prog);
        goto done;
    }
    ozk_send_request req;
    memset(&req, 0, sizeof req);
    req.has_to = 1;
    memcpy(req.to, o.settlement, 20);
    memcpy(req.value, stake, 32);
    req.data = data;
    req.data_len = len;
    ozk_sent_tx sent;
    memset(&sent, 0, sizeof sent);
    ozk_tx_status reg_st;
    int sent_rc = send_wait(prog, "registration", s, &req, &sent, &reg_st);
    ozk_sent_tx_clear(&sent);
    if (sent_rc < 0) goto done;
    if (check_registration(prog, rpc, o.settlement, model_id, v.addr, v.code_hash, vk) < 0)
        goto done;

    /* 5. the deployment file */
    d.chain_id = chain_id;
    memcpy(d.settlement, o.settlement, 20);
    d.settlement_block = new_settlement ? settle_st.block_number : reg_st.block_number;
    memcpy(d.model_id, model_id, 32);
    d.registered_block = reg_st.block_number;
    memcpy(d.owner, owner, 20);
    memcpy(d.committer, o.committer, 20);
    memcpy(d.payee, o.payee, 20);
    memcpy(d.verifier, v.addr, 20);
    memcpy(d.verifier_code_hash, v.code_hash, 32);
    memcpy(d.vk_hash, ozk_vk_hash(vk), 32);
    memcpy(d.cw_hash, ozk_vk_cw_hash(vk), 32);
    memcpy(d.srs_id, ozk_vk_srs_id(vk), 32);
    memcpy(d.model_hash, ozk_vk_model_hash(vk), 32);
    d.protocol_version = OZK_PROTOCOL_VERSION;
    d.insecure = insecure;
    if (abs_path(prog, d.model, o.model_path) < 0 || abs_path(prog, d.vk, vk_path) < 0 ||
        abs_path(prog, d.srs, o.srs_path) < 0)
        goto done;
    memcpy(d.stake_wei, stake, 32);
    memcpy(d.bond_wei, bond, 32);
    memcpy(d.proving_cost_wei, o.proving_cost, 32);
    d.challenge_window = cw;
    d.response_window = rw;
    d.verify_gas = cost.verify_exec;
    d.respond_gas = cost.respond_tx;
    if (ozk_deployment_encode(&json, &d) < 0) {
        fprintf(stderr, "%s: encoding the deployment file failed\n", prog);
        goto done;
    }
    if (cli_write_atomic(prog, o.out_path, json, strlen(json)) < 0) goto done;

    char text[43];
    ozk_address_to_text(text, o.settlement);
    printf("settlement  %s (%s, block %llu", text, new_settlement ? "deployed" : "reused",
           (unsigned long long)d.settlement_block);
    if (new_settlement) printf(", gas %llu", (unsigned long long)settle_st.gas_used);
    ozk_address_to_text(text, v.addr);
    printf(")\nverifier    %s (%zu bytes, gas %llu)\ncode hash   ", text, v.code_size,
           (unsigned long long)v.gas);
    print_hex(stdout, v.code_hash, 32);
    printf("\nmodel id    ");
    print_hex(stdout, model_id, 32);
    printf("\nregistered  block %llu, gas %llu\n", (unsigned long long)reg_st.block_number,
           (unsigned long long)reg_st.gas_used);
    ozk_address_to_text(text, owner);
    printf("owner       %s\n", text);
    ozk_address_to_text(text, o.committer);
    printf("committer   %s\n", text);
    ozk_address_to_text(text, o.payee);
    printf("payee       %s\nstake       ", text);
    print_wei(stdout, stake);
    printf("\nbond        ");
    print_wei(stdout, bond);
    printf("\nwindows     challenge %llu s, response %llu s\n", (unsigned long long)cw,
           (unsigned long long)rw);
    printf("gas terms   verify %llu, respond %llu (worst case)\n",
           (unsigned long long)cost.verify_exec, (unsigned long long)cost.respond_tx);
    if (vk_out) printf("vk          wrote %s\n", vk_out);
    printf("wrote %s\n", o.out_path);
    status = CLI_OK;
done:
    free(json);
    free(data);
    free(vk_out);
    ozk_sender_close(s);
    ozk_rpc_close(rpc);
    ozk_vk_free(vk);
    ozk_key_wipe(&key);
    return status;
}
