/*
 * node/node_internal.h: the running node's state, shared by node/node.c (start, signals,
 * shutdown) and node/api.c (the JSON-RPC methods, /health, /metrics). Internal.
 */
#ifndef OZK_NODE_INTERNAL_H
#define OZK_NODE_INTERNAL_H

#include <stdatomic.h>
#include <stdint.h>

#include <uv.h>

#include "node.h"
#include "ozk/http.h"
#include "ozk/jsonrpc.h"
#include "ozk/metrics.h"
#include "ozk/model.h"
#include "ozk/proof.h"
#include "ozk/store.h"
#include "ozk/tx.h"

struct ozk_settler;

typedef struct ozk_node {
    const ozk_node_config *cfg;
    uv_loop_t loop;
    uv_signal_t sigint, sigterm;
    uv_timer_t tick; /* refreshes the gauges from the settler's status */
    ozk_http_server *http;
    ozk_jsonrpc *rpc;
    ozk_store *store;
    struct ozk_settler *settler;
    ozk_model *model;
    ozk_vk *vk;
    ozk_key committer; /* signs receipts (and, in the settler, commits) */
    uint8_t committer_addr[20];
    uint64_t chain_id;
    uint8_t settlement[20];
    uint8_t model_id[32];
    atomic_uint_fast64_t inferences; /* accepted so far (the dishonest mode counts them) */
    int stopping;
    /* metrics */
    ozk_metrics *metrics;
    ozk_metric *m_requests, *m_refused, *m_latency, *m_pending, *m_batches, *m_records_committed,
        *m_ch_seen, *m_ch_answered, *m_ch_unprovable, *m_proof_s, *m_head_lag, *m_bal_committer,
        *m_bal_responder;
} ozk_node;

/* Starts the API on n->loop: the HTTP server, the JSON-RPC methods, /health and /metrics.
 * 0, or a negative OZK_E* with err. */
int ozk__api_start(ozk_node *n, char *err, size_t errlen);
/* Stops taking requests; cb runs on the loop once the server is closed. */
void ozk__api_stop(ozk_node *n, void (*cb)(void *arg), void *arg);
/* Registers the node's metrics (n->metrics must exist). */
int ozk__api_metrics(ozk_node *n);

#endif
