/*
 * node/node.h: `ozk node`, the daemon an operator runs (internal; docs/node.md is the guide).
 *
 * One process: a libuv loop serves the JSON-RPC API (node/api.c) and makes every accepted
 * inference durable in the LMDB store before its receipt is returned; the settler
 * (node/settler.h) commits the store's records in batches, watches the chain for challenges and
 * answers them with proofs on its own threads. The store is the only thing the two halves share.
 */
#ifndef OZK_NODE_NODE_H
#define OZK_NODE_NODE_H

#include <stddef.h>
#include <stdint.h>

#define OZK_NODE_PATH_MAX 1024

/* NODE.json (docs/node.md lists every field). Every field has a default that works against a
 * local anvil; relative paths are taken relative to the config file's folder. */
typedef struct {
    char deployment[OZK_NODE_PATH_MAX];     /* "deployment": `ozk deploy`'s output */
    char rpc[512];                          /* "rpc": the chain's JSON-RPC endpoint */
    char store[OZK_NODE_PATH_MAX];          /* "store": the LMDB folder */
    char committer_key[OZK_NODE_PATH_MAX];  /* "committer_key": hex key file, mode 0600 */
    char responder_key[OZK_NODE_PATH_MAX];  /* "responder_key": hex key file, mode 0600 */
    char listen[64];                        /* "listen": the API's address, loopback by default */
    int port;                               /* "port": the API's port (0: any free one) */
    char api_token_file[OZK_NODE_PATH_MAX]; /* "api_token_file": the bearer token, or "" */
    char port_file[OZK_NODE_PATH_MAX];      /* "port_file": where to write the bound port, or "" */
    size_t max_body;                        /* "max_body": bytes of one request */
    unsigned max_connections;               /* "max_connections" */
    unsigned max_batch;                     /* "max_batch": calls in one JSON-RPC batch */
    uint32_t batch_max_records;             /* "batch_max_records": close a batch at this count */
    uint32_t batch_max_age_ms;              /* "batch_max_age_ms": or when its oldest is this old */
    uint32_t poll_ms;                       /* "poll_ms": the settler's tick */
    unsigned confirmations;                 /* "confirmations": blocks before a log or tx counts */
    uint64_t commit_deadline_s;             /* "commit_deadline_s": a receipt's commit deadline */
    unsigned prover_threads;                /* "prover_threads" */
    unsigned respond_gas_margin_pct; /* "respond_gas_margin_pct": on the deployment's figure */
    uint64_t max_fee_gwei;           /* "max_fee_gwei": fee escalation ceiling */
    int log_level;                   /* "log_level": debug, info, warn, error */
    /* "dishonest_every": test builds only (OZK_TEST_HOOKS): every Nth inference stores and
     * returns a wrong output, which the node then cannot prove (tests of slashing) */
    uint32_t dishonest_every;
} ozk_node_config;

void ozk_node_config_default(ozk_node_config *c);

/* Reads NODE.json over the defaults. Strict: an unknown key, a value of the wrong type or out
 * of range is an error naming the key. Returns 0 or a negative OZK_E*, with err. */
int ozk_node_config_load(ozk_node_config *c, const char *path, char *err, size_t errlen);

/* Runs the node until SIGINT or SIGTERM (graceful: stops taking requests, lets the settler
 * finish its step, closes the store). Returns 0 after a clean shutdown, or a negative OZK_E*
 * when it could not start (err says why). */
int ozk_node_run(const ozk_node_config *c, char *err, size_t errlen);

/* Whether this binary has the test-only dishonest mode (built with OZK_TEST_HOOKS). */
int ozk_node_has_test_hooks(void);

#endif
