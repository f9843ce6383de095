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

/* 4 (selector) + 3 heads + 3 lengths + the three byte strings padded to 32 */
static size_t pad32(size_t n)
{
    return (n + 31) / 32 * 32;
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
    size_t len;
    ozk_vk *vk = cli_load_vk(prog, vk_path);
    if (!vk) return CLI_FAIL;
    int status = CLI_FAIL;
    char *sol = NULL;
    if (ozk_vk_insecure(vk) && !insecure_ok) {
        fprintf(stderr,
                "%s: %s was made with a dev SRS (ozk setup --dev): anyone who knows its tau can\n"
                "forge proofs. Commit the model with a ceremony's SRS (ozk setup --ptau), or pass\n"
                "--insecure-dev-srs for a test chain.\n",
                prog, vk_path);
        goto done;
    }
    size_t data = 4 + 6 * 32 + pad32(ozk_vk_proof_size(vk)) + pad32(ozk_vk_input_bytes(vk)) +
                  pad32(ozk_vk_output_bytes(vk));
    if (data > MAX_RESPOND_DATA) {
        fprintf(
            stderr,
            "%s: %s: a call of verify takes %zu bytes of calldata, over the %u bytes a respond\n"
            "may take (design.md section 5); a smaller model is needed\n",
            prog, vk_path, data, MAX_RESPOND_DATA);
        goto done;
    }
    if (ozk__sol_generate(&sol, &len, vk)) {
        fprintf(stderr, "%s: out of memory\n", prog);
        goto done;
    }
    if (cli_write_atomic(prog, out_path, sol, len) < 0) goto done;
    printf("wrote %s (%zu bytes): verify calldata %zu bytes, proof %zu bytes%s\n", out_path, len,
           data, ozk_vk_proof_size(vk), ozk_vk_insecure(vk) ? ", INSECURE dev SRS" : "");
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
