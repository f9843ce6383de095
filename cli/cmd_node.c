/*
 * cli/cmd_node.c: `ozk node --config NODE.json`, the daemon (node/node.h; docs/node.md).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../node/node.h"

static void usage(FILE *out)
{
    fprintf(
        out,
        "usage: ozk node --config NODE.json\n"
        "       ozk node --print-config\n\n"
        "Runs the node: serves inference over JSON-RPC (ozk_infer, ozk_getRecord,\n"
        "ozk_getReceipt, ozk_getBatch, ozk_status; GET /health, /metrics), makes every record\n"
        "durable before its receipt is returned, commits records on-chain in Merkle batches,\n"
        "watches for challenges and answers them with proofs. Stops cleanly on SIGINT or\n"
        "SIGTERM. NODE.json is described in docs/node.md; every field has a default that works\n"
        "against a local anvil, and `--print-config` prints them.\n\n"
        "  --config FILE    the node's configuration (JSON)\n"
        "  --print-config   print the default configuration and exit\n");
}

int cmd_node(int argc, char **argv)
{
    const char *path = NULL;
    int print = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return CLI_OK;
        } else if (!strcmp(argv[i], "--config") && i + 1 < argc) {
            path = argv[++i];
        } else if (!strcmp(argv[i], "--print-config")) {
            print = 1;
        } else {
            fprintf(stderr, "ozk node: unexpected argument '%s'\n", argv[i]);
            usage(stderr);
            return CLI_USAGE;
        }
    }
    ozk_node_config c;
    ozk_node_config_default(&c);
    if (print) {
        static const char *levels[] = { "debug", "info", "warn", "error" };
        printf("{\n"
               "  \"deployment\": \"%s\",\n  \"rpc\": \"%s\",\n  \"store\": \"%s\",\n"
               "  \"committer_key\": \"%s\",\n  \"responder_key\": \"%s\",\n"
               "  \"listen\": \"%s\",\n  \"port\": %d,\n  \"api_token_file\": \"\",\n"
               "  \"port_file\": \"\",\n  \"max_body\": %zu,\n  \"max_connections\": %u,\n"
               "  \"max_batch\": %u,\n  \"batch_max_records\": %u,\n"
               "  \"batch_max_age_ms\": %u,\n  \"poll_ms\": %u,\n  \"confirmations\": %u,\n"
               "  \"commit_deadline_s\": %llu,\n  \"prover_threads\": %u,\n"
               "  \"respond_gas_margin_pct\": %u,\n  \"max_fee_gwei\": %llu,\n"
               "  \"log_level\": \"%s\"\n}\n",
               c.deployment, c.rpc, c.store, c.committer_key, c.responder_key, c.listen, c.port,
               c.max_body, c.max_connections, c.max_batch, c.batch_max_records, c.batch_max_age_ms,
               c.poll_ms, c.confirmations, (unsigned long long)c.commit_deadline_s,
               c.prover_threads, c.respond_gas_margin_pct, (unsigned long long)c.max_fee_gwei,
               levels[c.log_level]);
        return CLI_OK;
    }
    if (!path) {
        usage(stderr);
        return CLI_USAGE;
    }
    char err[1024];
    if (ozk_node_config_load(&c, path, err, sizeof err)) {
        fprintf(stderr, "ozk node: %s\n", err);
        return CLI_USAGE;
    }
    if (ozk_node_run(&c, err, sizeof err)) {
        fprintf(stderr, "ozk node: %s\n", err);
        return CLI_FAIL;
    }
    return CLI_OK;
}
