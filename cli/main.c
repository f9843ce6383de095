/*
 * cli/main.c: `ozk`, the one binary. Parses the subcommand and hands over to cli/cmd_*.c.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ozk/field.h"
#include "ozk/version.h"

static int cmd_version(int argc, char **argv);
static int cmd_help(int argc, char **argv);

struct command {
    const char *name;
    const char *args;
    const char *summary;
    int (*run)(int argc, char **argv);
};

static const struct command COMMANDS[] = {
    { "version", "", "print the version and build of this binary", cmd_version },
    { "keccak", "[FILE | - | --hex HEX]", "print the Keccak-256 (Ethereum) hash of a file or bytes",
      cmd_keccak },
    { "setup", "--ptau FILE | --dev ...", "make the SRS: import a powers-of-tau ceremony file",
      cmd_setup },
    { "model", "import|info|commit ...", "import an ONNX model (write .ozkm); show one; commit one",
      cmd_model },
    { "infer", "--model M --input X.json", "run a model's bit-exact integer inference", cmd_infer },
    { "prove", "--model M --srs S ...", "prove a model's inference on one input", cmd_prove },
    { "verify", "--vk K ... PROOF", "check a proof: valid (exit 0) or invalid (1)", cmd_verify },
    { "gen-verifier", "--vk K -o V.sol", "write the Solidity verifier of a model",
      cmd_genverifier },
    { "calldata", "--vk K ... PROOF", "print the hex calldata of the Solidity verifier's verify",
      cmd_calldata },
    { "deploy", "--rpc URL --key F --model M ...",
      "deploy a model: settlement, verifier, registration", cmd_deploy },
    { "deploy-verifier", "--vk K --rpc URL --key F", "compile and deploy a model's verifier",
      cmd_deploy_verifier },
    { "verify-deployment", "--vk K --rpc URL --address A",
      "check that a deployed verifier is the one the vk generates", cmd_verify_deployment },
    { "node", "--config NODE.json", "run the node: serve, commit, watch, prove, settle", cmd_node },
    { "challenge", "check|submit|... ARGS",
      "dispute a node's output: check a receipt, challenge, follow, claim", cmd_challenge },
    { "withdraw", "--rpc URL --key F ...", "pay out a settlement's credits (wins, bonds)",
      cmd_withdraw },
    { "chain", "status --rpc URL [--key F]",
      "show an Ethereum endpoint's chain, head and a key's account", cmd_chain },
    { "help", "", "print this help", cmd_help },
};

static void usage(FILE *out)
{
    fprintf(out, "ozk %s: an opportunistic zkML node for Ethereum\n\n", ozk_version());
    fprintf(out, "usage: ozk <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++) {
        char head[64];
        snprintf(head, sizeof head, "%s %s", COMMANDS[i].name, COMMANDS[i].args);
        fprintf(out, "  %-32s %s\n", head, COMMANDS[i].summary);
    }
    fprintf(out, "\nglobal options:\n"
                 "  -h, --help                       print this help\n"
                 "  --version                        same as `ozk version`\n"
                 "\n`ozk <command> --help` describes a command. Documentation: docs/ in the "
                 "source tree,\nstarting with README.md and docs/architecture.md.\n");
}

static int cmd_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    usage(stdout);
    return CLI_OK;
}

static int cmd_version(int argc, char **argv)
{
    if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        printf("usage: ozk version\n\nPrints the version, the compiler and the field kernel.\n");
        return CLI_OK;
    }
    if (argc > 1) {
        fprintf(stderr, "ozk version: unexpected argument '%s'\nusage: ozk version\n", argv[1]);
        return CLI_USAGE;
    }
    printf("ozk %s\n", ozk_version());
    printf("build: %s\n", ozk_build_info());
    printf("field kernel: %s\n", ozk_field_kernel());
    return CLI_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "-h") || !strcmp(name, "--help")) return cmd_help(argc - 1, argv + 1);
    if (!strcmp(name, "--version")) return cmd_version(1, argv + 1);
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
        if (!strcmp(name, COMMANDS[i].name)) return COMMANDS[i].run(argc - 1, argv + 1);
    fprintf(stderr, "ozk: unknown command '%s'; `ozk --help` lists the commands\n", name);
    return CLI_USAGE;
}
