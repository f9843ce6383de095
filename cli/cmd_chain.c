/*
 * cli/cmd_chain.c: `ozk chain status`, an operator's look at an Ethereum endpoint: chain id,
 * head block and, with a key, the key's address, balance and pending nonce.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ozk/deployment.h"
#include "ozk/rpc.h"
#include "ozk/tx.h"

static void chain_usage(FILE *out)
{
    fprintf(out, "usage: ozk chain status --rpc URL [--key FILE]\n\n"
                 "Asks the Ethereum JSON-RPC endpoint URL (http:// or https://) for its chain id\n"
                 "and head block. With --key FILE (a private key in hex, in a file readable only\n"
                 "by its owner) also prints the key's address, its balance in wei and ETH and its\n"
                 "pending nonce. Exits 1 when the endpoint is down or does not answer as an\n"
                 "Ethereum node, 2 on a bad command line.\n");
}

/* wei in decimal to ETH: the point 18 digits from the right, trailing zeros dropped */
static void wei_to_eth(char out[100], const char *wei)
{
    size_t n = strlen(wei);
    char frac[19];
    if (n > 18) {
        memcpy(out, wei, n - 18);
        out[n - 18] = '\0';
        memcpy(frac, wei + n - 18, 19);
    } else {
        strcpy(out, "0");
        memset(frac, '0', 18 - n);
        memcpy(frac + 18 - n, wei, n + 1);
    }
    size_t k = 18;
    while (k > 0 && frac[k - 1] == '0') frac[--k] = '\0';
    if (k) {
        strcat(out, ".");
        strcat(out, frac);
    }
}

static int fail_rpc(const ozk_rpc_error *e)
{
    const char *hint = "";
    if (e->kind == OZK_RPC_ERR_TRANSPORT) hint = " (is the node running and the URL right?)";
    if (e->kind == OZK_RPC_ERR_HTTP || e->kind == OZK_RPC_ERR_PROTOCOL ||
        e->kind == OZK_RPC_ERR_TOOBIG)
        hint = " (is this an Ethereum JSON-RPC endpoint?)";
    fprintf(stderr, "ozk chain status: %s%s\n", e->message, hint);
    return CLI_FAIL;
}

static int chain_status(const char *url, const char *keyfile)
{
    ozk_key key;
    uint8_t addr[20];
    char err[256];
    if (keyfile) {
        if (ozk_key_load_file(&key, keyfile, err, sizeof err) < 0) {
            fprintf(stderr, "ozk chain status: %s\n", err);
            return CLI_FAIL;
        }
        int rc = ozk_key_address(addr, &key);
        ozk_key_wipe(&key);
        if (rc < 0) {
            fprintf(stderr, "ozk chain status: the key in '%s' is not valid\n", keyfile);
            return CLI_FAIL;
        }
    }
    ozk_rpc_config cfg;
    ozk_rpc_config_default(&cfg);
    cfg.url = url;
    cfg.connect_timeout_ms = 5000;
    cfg.timeout_ms = 10000;
    cfg.max_retries = 2;
    cfg.max_body = 1 << 20;
    ozk_rpc *rpc;
    ozk_rpc_error e;
    if (ozk_rpc_open(&rpc, &cfg, &e) < 0) {
        fprintf(stderr, "ozk chain status: %s\n", e.message);
        return e.kind == OZK_RPC_ERR_TRANSPORT ? CLI_USAGE : CLI_FAIL;
    }
    int status = CLI_FAIL;
    uint64_t chain_id, head, nonce;
    uint8_t wei[32];
    if (ozk_rpc_chain_id(rpc, &chain_id, &e) < 0 || ozk_rpc_block_number(rpc, &head, &e) < 0) {
        status = fail_rpc(&e);
        goto done;
    }
    if (keyfile && (ozk_rpc_get_balance(rpc, wei, addr, &e) < 0 ||
                    ozk_rpc_get_nonce(rpc, &nonce, addr, &e) < 0)) {
        status = fail_rpc(&e);
        goto done;
    }
    printf("rpc:        %s\n", url);
    printf("chain id:   %llu\n", (unsigned long long)chain_id);
    printf("head block: %llu\n", (unsigned long long)head);
    if (keyfile) {
        char text[43], dec[80], eth[100];
        ozk_address_to_text(text, addr);
        ozk_u256_to_dec(dec, wei);
        wei_to_eth(eth, dec);
        printf("address:    %s\n", text);
        printf("balance:    %s wei (%s ETH)\n", dec, eth);
        printf("nonce:      %llu (pending)\n", (unsigned long long)nonce);
    }
    status = CLI_OK;
done:
    ozk_rpc_close(rpc);
    return status;
}

int cmd_chain(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        chain_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    if (strcmp(argv[1], "status")) {
        fprintf(stderr, "ozk chain: unknown subcommand '%s'\n", argv[1]);
        chain_usage(stderr);
        return CLI_USAGE;
    }
    const char *url = NULL, *keyfile = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            chain_usage(stdout);
            return CLI_OK;
        } else if (!strcmp(argv[i], "--rpc") && i + 1 < argc) {
            url = argv[++i];
        } else if (!strcmp(argv[i], "--key") && i + 1 < argc) {
            keyfile = argv[++i];
        } else {
            fprintf(stderr, "ozk chain status: unexpected argument '%s'\n", argv[i]);
            chain_usage(stderr);
            return CLI_USAGE;
        }
    }
    if (!url) {
        fprintf(stderr, "ozk chain status: --rpc URL is required\n");
        chain_usage(stderr);
        return CLI_USAGE;
    }
    return chain_status(url, keyfile);
}
