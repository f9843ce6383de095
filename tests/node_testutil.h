/*
 * tests/node_testutil.h: a real `ozk node` for the tests: anvil, a dev SRS, keys, `ozk deploy`,
 * NODE.json, the node as a child process (its log in a file), and JSON-RPC calls to it.
 *
 * Accounts (anvil's): 0 owner and committer (payee too), 1 responder, 2 challenger.
 */
#ifndef OZK_TEST_NODE_TESTUTIL_H
#define OZK_TEST_NODE_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "anvil.h"
#include "chain_testutil.h"
#include "ozk/deployment.h"

#define NODE_TOKEN "test-token-0123456789abcdef"

typedef struct {
    struct anvil a;
    char dir[512];
    char srs[600], deployment[600], config[600], log[600], port_file[600], token_file[600];
    ozk_deployment dep;
    pid_t pid;
    int port;
    test_actor owner, challenger;
    void *curl;
} node_env;

/* anvil, the folder, the key files, a dev SRS of 2^13 */
void node_env_init(node_env *e, const char *name);
/* `ozk deploy` of the digits MLP with extra arguments (printf-style; "" for none); reads the
 * deployment into e->dep. The first call deploys a Settlement, later ones reuse it and register
 * another model into a new deployment file (the previous one is kept as deployment-N.json). */
void node_env_deploy(node_env *e, const char *extra_fmt, ...) __attribute__((format(printf, 2, 3)));
/* writes NODE.json: the defaults for these tests, then extra JSON members ("" for none, else
 * starting with a comma); a default (rpc, store, batch_max_records, batch_max_age_ms, poll_ms,
 * confirmations, log_level) whose key extra_members sets is left out */
void node_env_config(node_env *e, const char *extra_members);
/* starts `ozk node --config` and waits until it listens */
void node_env_start(node_env *e);
/* sends sig and waits; the exit status (>= 0) or -signal */
int node_env_stop(node_env *e, int sig);
/* stops everything and removes the folder */
void node_env_free(node_env *e);

/* POSTs body to the node's "/" (token may be NULL); the HTTP status, the body in *resp (free) */
long node_post(node_env *e, const char *body, const char *token, char **resp);
/* GETs path from the node; the HTTP status, the body in *resp (free) */
long node_get(node_env *e, const char *path, char **resp);
/* one JSON-RPC call (params stolen, may be NULL); the whole response object (decref it) */
json_t *node_call(node_env *e, const char *method, json_t *params, const char *token);
/* the same, but NULL when the node did not answer (killed, not listening) */
json_t *node_try_call(node_env *e, const char *method, json_t *params, const char *token);
/* a call that must succeed (with the token): its result (decref it) */
json_t *node_result(node_env *e, const char *method, json_t *params);
/* whether the node's log contains needle */
int node_log_contains(node_env *e, const char *needle);

/* ---- the chain side of a dispute (the digits MLP: x 64 bytes, y 40) ---- */

/* ozk_getReceipt of request id (with the token); the result (decref it) */
json_t *node_receipt(node_env *e, const uint8_t id[32]);
/* the deployment's bond, in wei (it fits 64 bits in these tests) */
uint64_t node_bond(node_env *e);
/* the challenger disputes the committed record id with its preimages and the Merkle proof from
 * ozk_getReceipt, paying the bond; the challenge id */
uint64_t node_challenge(node_env *e, const uint8_t id[32], const uint8_t salt[32],
                        const uint8_t x[64], const uint8_t y[40]);
/* challengeInfo(id)'s status: 0 None, 1 Open, 2 Answered, 3 TimedOut */
int node_challenge_status(node_env *e, uint64_t id);
/* the settlement's credits(who) */
uint64_t node_credits(node_env *e, const uint8_t who[20]);

/* "0x.." of n bytes in a JSON string field into out; fails the test otherwise */
void node_hex_field(const json_t *o, const char *key, uint8_t *out, size_t n);

#endif
