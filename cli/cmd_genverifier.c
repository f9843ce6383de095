/*
 * cli/cmd_genverifier.c: `ozk gen-verifier --vk MODEL.vk -o Verifier.sol [--insecure-dev-srs]`,
 * the Solidity verifier of one model (verifier/solidity.c; docs/protocol.md).
 *
 * A vk made with a dev SRS (a known tau: anyone can forge its proofs) is refused unless
 * --insecure-dev-srs; the contract then says INSECURE = true, which a settlement deployment
 * outside a dev chain refuses. The worst-case calldata of a respond is checked against the
 * 120 KiB the settlement design allows (design.md section 5).
 *
 * `ozk calldata --vk MODEL.vk --input INPUT.json --output OUTPUT.json PROOF.bin` prints the
 * ABI-encoded call of verify(proof, x, y) in hex, for cast and other tools.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "ozk/abi.h"
#include "ozk/hex.h"
#include "ozk/proof.h"
#include "../verifier/solidity_internal.h"

#define MAX_RESPOND_DATA (120u * 1024) /* design.md section 5 */
#define TX_GAS_CAP       16777216u     /* EIP-7825: the most gas one transaction may use */

static void usage(FILE *out)
{
    fprintf(
        out,
        "usage: ozk gen-verifier --vk MODEL.vk -o Verifier.sol [--insecure-dev-srs]\n\n"
        "Writes the Solidity verifier of the model whose verifying key is MODEL.vk: a contract\n"
        "OzkVerifier with verify(bytes proof, bytes x, bytes y) returns (bool) and the\n"
        "constants VK_HASH, CW_HASH, SRS_ID, PROTOCOL_VERSION and INSECURE. The same vk\n"
        "always gives the same bytes.\n\n"
        "  --vk FILE            the model's verifying key (`ozk model commit`)\n"
        "  -o, --output FILE    the .sol file to write (replaced atomically)\n"
        "  --insecure-dev-srs   accept a vk made with a dev SRS (`ozk setup --dev`): tests only\n");
}

int cli_verifier_source(const char *prog, const ozk_vk *vk, const char *vk_path, int insecure_ok,
                        char **sol, size_t *len)
{
    *sol = NULL;
    if (ozk_vk_insecure(vk) && !insecure_ok) {
        fprintf(stderr,
                "%s: %s was made with a dev SRS (ozk setup --dev): anyone who knows its tau can\n"
                "forge proofs. Commit the model with a ceremony's SRS (ozk setup --ptau), or pass\n"
                "--insecure-dev-srs for a test chain.\n",
                prog, vk_path);
        return -1;
    }
    ozk__sol_cost cost;
    ozk__sol_costs(&cost, vk);
    if (cost.respond_calldata > MAX_RESPOND_DATA || cost.verify_calldata > MAX_RESPOND_DATA) {
        fprintf(stderr,
                "%s: %s: a respond takes up to %zu bytes of calldata, over the %u bytes the\n"
                "settlement design allows (design.md section 5); a smaller model is needed\n",
                prog, vk_path, cost.respond_calldata, MAX_RESPOND_DATA);
        return -1;
    }
    if (cost.respond_tx > TX_GAS_CAP) {
        fprintf(stderr,
                "%s: %s: a respond may need %llu gas, over the %u a transaction may use\n"
                "(EIP-7825); a smaller model is needed\n",
                prog, vk_path, (unsigned long long)cost.respond_tx, TX_GAS_CAP);
        return -1;
    }
    if (ozk__sol_generate(sol, len, vk)) {
        fprintf(stderr, "%s: out of memory\n", prog);
        return -1;
    }
    return 0;
}

int cmd_genverifier(int argc, char **argv)
{
    const char *prog = "ozk gen-verifier", *vk_path = NULL, *out_path = NULL;
    int insecure_ok = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return CLI_OK;
        } else if (!strcmp(argv[i], "--vk") && i + 1 < argc) {
            vk_path = argv[++i];
        } else if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) && i + 1 < argc) {
            out_path = argv[++i];
        } else if (!strcmp(argv[i], "--insecure-dev-srs")) {
            insecure_ok = 1;
        } else {
            fprintf(stderr, "%s: unexpected argument '%s'\n", prog, argv[i]);
            usage(stderr);
            return CLI_USAGE;
        }
    }
    if (!vk_path || !out_path) {
        usage(stderr);
        return CLI_USAGE;
    }
    ozk_vk *vk = cli_load_vk(prog, vk_path);
    if (!vk) return CLI_FAIL;
    int status = CLI_FAIL;
    char *sol = NULL;
    size_t len;
    if (cli_verifier_source(prog, vk, vk_path, insecure_ok, &sol, &len) < 0) goto done;
    if (cli_write_atomic(prog, out_path, sol, len) < 0) goto done;
    ozk__sol_cost cost;
    ozk__sol_costs(&cost, vk);
    printf("wrote %s (%zu bytes)%s\n", out_path, len,
           ozk_vk_insecure(vk) ? ": INSECURE dev SRS, for test chains only" : "");
    printf("proof       %zu bytes\n", ozk_vk_proof_size(vk));
    printf(
        "verify      %zu bytes of calldata; estimate %llu gas executing, %llu gas a transaction\n",
        cost.verify_calldata, (unsigned long long)cost.verify_exec,
        (unsigned long long)cost.verify_tx);
    printf("respond     at most %zu bytes of calldata (limit %u) and %llu gas (cap %u)\n",
           cost.respond_calldata, MAX_RESPOND_DATA, (unsigned long long)cost.respond_tx,
           TX_GAS_CAP);
    status = CLI_OK;
done:
    free(sol);
    ozk_vk_free(vk);
    return status;
}

static void calldata_usage(FILE *out)
{
    fprintf(
        out,
        "usage: ozk calldata --vk MODEL.vk --input INPUT.json --output OUTPUT.json PROOF.bin\n\n"
        "Prints the calldata of verify(bytes proof, bytes x, bytes y) of the model's\n"
        "generated verifier (ozk gen-verifier) in hex, 0x first: the ABI encoding of the\n"
        "proof and of the canonical input and output bytes, for cast and other tools.\n"
        "INPUT.json and OUTPUT.json are what `ozk prove` reads and writes.\n");
}

int cmd_calldata(int argc, char **argv)
{
    const char *prog = "ozk calldata", *vk_path = NULL, *input_path = NULL, *output_path = NULL,
               *proof_path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            calldata_usage(stdout);
            return CLI_OK;
        } else if (!strcmp(a, "--vk") && i + 1 < argc) {
            vk_path = argv[++i];
        } else if (!strcmp(a, "--input") && i + 1 < argc) {
            input_path = argv[++i];
        } else if (!strcmp(a, "--output") && i + 1 < argc) {
            output_path = argv[++i];
        } else if (a[0] != '-' && !proof_path) {
            proof_path = a;
        } else {
            fprintf(stderr, "%s: unexpected argument '%s'\n", prog, a);
            calldata_usage(stderr);
            return CLI_USAGE;
        }
    }
    if (!vk_path || !input_path || !output_path || !proof_path) {
        calldata_usage(stderr);
        return CLI_USAGE;
    }
    int status = CLI_FAIL;
    uint8_t *data = NULL;
    char *hex = NULL;
    size_t data_len = 0;
    cli_statement st;
    if (cli_load_statement(&st, prog, vk_path, input_path, output_path, proof_path) < 0)
        return CLI_FAIL;
    ozk_abi_value v[3], args = { .kind = OZK_ABI_TUPLE, .items = v, .n = 3 };
    memset(v, 0, sizeof v);
    v[0].kind = v[1].kind = v[2].kind = OZK_ABI_BYTES;
    v[0].bytes = st.proof, v[0].len = st.proof_len;
    v[1].bytes = st.x, v[1].len = st.xlen;
    v[2].bytes = st.y, v[2].len = st.ylen;
    if (ozk_abi_calldata(&data, &data_len, "verify(bytes,bytes,bytes)", &args) ||
        !(hex = cli_hex0x(data, data_len))) {
        fprintf(stderr, "%s: out of memory\n", prog);
        goto done;
    }
    printf("%s\n", hex);
    status = CLI_OK;
done:
    free(data), free(hex);
    cli_statement_free(&st);
    return status;
}
