/*
 * node/node.c: starting, running and stopping `ozk node` (node/node.h).
 *
 * Start-up checks everything it can before it takes a request: the deployment file, the model,
 * vk and SRS it names (the vk must be the one registered, the SRS the vk's), both keys (files
 * readable by their owner only; the committer key must be the model's committer), the RPC
 * endpoint (its chain id must be the deployment's), and the store (made for this chain,
 * settlement and model). Then the settler starts, then the API. SIGINT or SIGTERM stops the API
 * first (no new records), then the settler (it finishes its step), then closes the store.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "node_internal.h"
#include "ozk/deployment.h"
#include "ozk/error.h"
#include "ozk/rpc.h"
#include "ozk/srs.h"
#include "settler.h"

int ozk_node_has_test_hooks(void)
{
#ifdef OZK_TEST_HOOKS
    return 1;
#else
    return 0;
#endif
}

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return rc;
}

static int read_file(const char *path, uint8_t **buf, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) return fail(err, errlen, OZK_ENOENT, "cannot open %s: %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    uint8_t *b = malloc(cap);
    while (b) {
        n += fread(b + n, 1, cap - n, f);
        if (n < cap) break;
        uint8_t *nb = realloc(b, cap * 2);
        if (!nb) {
            free(b);
            b = NULL;
            break;
        }
        b = nb;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (!b || bad) {
        free(b);
        return fail(err, errlen, b ? OZK_EIO : OZK_ENOMEM, "cannot read %s", path);
    }
    *buf = b;
    *len = n;
    return 0;
}

/* The model, its vk and the SRS the deployment names, checked against each other. */
static int load_model(ozk_node *n, const ozk_deployment *d, ozk_srs *srs, char *err, size_t errlen)
{
    uint8_t *buf;
    size_t len;
    char e[256];
    int rc = read_file(d->model, &buf, &len, err, errlen);
    if (rc) return rc;
    rc = ozk_model_decode(&n->model, buf, len, e, sizeof e);
    free(buf);
    if (rc) return fail(err, errlen, rc, "%s: %s", d->model, e);
    if ((rc = read_file(d->vk, &buf, &len, err, errlen))) return rc;
    rc = ozk_vk_decode(&n->vk, buf, len, e, sizeof e);
    free(buf);
    if (rc) return fail(err, errlen, rc, "%s: %s", d->vk, e);
    if (memcmp(ozk_vk_hash(n->vk), d->vk_hash, 32))
        return fail(err, errlen, OZK_EINVAL,
                    "%s is not the vk the deployment registered (vk_hash differs)", d->vk);
    if (memcmp(ozk_vk_model_hash(n->vk), n->model->hash, 32))
        return fail(err, errlen, OZK_EINVAL, "%s is not the model of %s", d->model, d->vk);
    if ((rc = read_file(d->srs, &buf, &len, err, errlen))) return rc;
    rc = ozk_srs_decode(srs, buf, len, e, sizeof e);
    free(buf);
    if (rc) return fail(err, errlen, rc, "%s: %s", d->srs, e);
    if (memcmp(srs->id, ozk_vk_srs_id(n->vk), 32))
        return fail(err, errlen, OZK_EINVAL, "%s is not the SRS of %s", d->srs, d->vk);
    return 0;
}

/* ---- the loop's handles ------------------------------------------------------------------- */

/* A 256-bit big-endian wei amount in ETH, as a double (a gauge's precision is plenty). */
static double wei_to_eth(const uint8_t w[32])
{
    double v = 0;
    for (int i = 0; i < 32; i++) v = v * 256.0 + w[i];
    return v / 1e18;
}

static void refresh(ozk_node *n)
{
    ozk_store_info si;
    char err[128];
    if (!ozk_store_info_get(n->store, &si, err, sizeof err))
        ozk_metric_set(n->m_pending, (double)si.pending);
    if (!n->settler) return;
    ozk_settler_status st;
    ozk_settler_status_get(n->settler, &st);
    ozk_metric_set(n->m_batches, (double)st.batches_committed);
    ozk_metric_set(n->m_records_committed, (double)st.records_committed);
    ozk_metric_set(n->m_ch_seen, (double)st.challenges_seen);
    ozk_metric_set(n->m_ch_answered, (double)st.challenges_answered);
    ozk_metric_set(n->m_ch_unprovable, (double)st.challenges_unprovable);
    ozk_metric_set(n->m_head_lag, (double)st.lag);
    ozk_metric_set(n->m_bal_committer, wei_to_eth(st.committer_balance));
    ozk_metric_set(n->m_bal_responder, wei_to_eth(st.responder_balance));
    static uint64_t proofs_seen;
    if (st.proofs > proofs_seen) {
        proofs_seen = st.proofs;
        ozk_metric_observe(n->m_proof_s, st.last_proof_ms / 1000.0);
    }
}

static void on_tick(uv_timer_t *t)
{
    refresh(t->data);
}

static void on_api_closed(void *arg)
{
    ozk_node *n = arg;
    ozk_log(OZK_LOG_INFO, "node", "API closed; stopping the settler");
    if (n->settler) ozk_settler_stop(n->settler);
    n->settler = NULL;
    uv_close((uv_handle_t *)&n->tick, NULL);
    uv_close((uv_handle_t *)&n->sigint, NULL);
    uv_close((uv_handle_t *)&n->sigterm, NULL);
}

static void on_signal(uv_signal_t *s, int signum)
{
    ozk_node *n = s->data;
    if (n->stopping) return;
    n->stopping = 1;
    ozk_log(OZK_LOG_INFO, "node", "%s: shutting down (no new requests)",
            signum == SIGINT ? "SIGINT" : "SIGTERM");
    uv_timer_stop(&n->tick);
    ozk__api_stop(n, on_api_closed, n);
}

/* The settler's lines start with their part ("batcher: ..."): that becomes the component. */
static void settler_log(void *ud, int level, const char *line)
{
    (void)ud;
    const char *colon = strstr(line, ": ");
    char comp[24];
    if (colon && colon > line && (size_t)(colon - line) < sizeof comp &&
        !memchr(line, ' ', (size_t)(colon - line))) {
        snprintf(comp, sizeof comp, "%.*s", (int)(colon - line), line);
        ozk_log(level, comp, "%s", colon + 2);
    } else {
        ozk_log(level, "settler", "%s", line);
    }
}

static void settler_alert(void *ud, const char *what)
{
    (void)ud;
    ozk_log(OZK_LOG_CRIT, "alert", "%s", what);
}

int ozk_node_run(const ozk_node_config *c, char *err, size_t errlen)
{
    ozk_log_set_level(c->log_level);
    signal(SIGPIPE, SIG_IGN); /* a client that leaves mid-response must not kill the node */
    ozk_node *n = calloc(1, sizeof *n);
    if (!n) return fail(err, errlen, OZK_ENOMEM, "out of memory");
    n->cfg = c;
    ozk_deployment d;
    ozk_srs srs;
    memset(&srs, 0, sizeof srs);
    ozk_key responder;
    memset(&responder, 0, sizeof responder);
    ozk_rpc *rpc = NULL;
    int loop_open = 0, rc;
    char e[512];

    if ((rc = ozk_deployment_load(&d, c->deployment, e, sizeof e))) {
        fail(err, errlen, rc, "%s", e);
        goto done;
    }
    n->chain_id = d.chain_id;
    memcpy(n->settlement, d.settlement, 20);
    memcpy(n->model_id, d.model_id, 32);
    if ((rc = load_model(n, &d, &srs, err, errlen))) goto done;
    if ((rc = ozk_key_load_file(&n->committer, c->committer_key, e, sizeof e)) ||
        (rc = ozk_key_load_file(&responder, c->responder_key, e, sizeof e))) {
        fail(err, errlen, rc, "%s", e);
        goto done;
    }
    ozk_key_address(n->committer_addr, &n->committer);
    if (memcmp(n->committer_addr, d.committer, 20)) {
        rc = fail(err, errlen, OZK_EINVAL,
                  "%s is not the model's committer key (the deployment names another address)",
                  c->committer_key);
        goto done;
    }

    /* the endpoint serves the deployment's chain */
    ozk_rpc_config rcfg;
    ozk_rpc_config_default(&rcfg);
    rcfg.url = c->rpc;
    ozk_rpc_error re;
    uint64_t chain_id;
    if ((rc = ozk_rpc_open(&rpc, &rcfg, &re)) || (rc = ozk_rpc_chain_id(rpc, &chain_id, &re))) {
        fail(err, errlen, rc, "%s: %s", c->rpc, re.message);
        goto done;
    }
    if (chain_id != d.chain_id) {
        rc = fail(err, errlen, OZK_EINVAL, "%s serves chain %llu, the deployment is on chain %llu",
                  c->rpc, (unsigned long long)chain_id, (unsigned long long)d.chain_id);
        goto done;
    }

    ozk_store_identity id;
    memset(&id, 0, sizeof id);
    id.chain_id = d.chain_id;
    memcpy(id.settlement, d.settlement, 20);
    memcpy(id.model_id, d.model_id, 32);
    if ((rc = ozk_store_open(&n->store, c->store, &id, NULL, e, sizeof e))) {
        fail(err, errlen, rc, "%s", e);
        goto done;
    }

    if ((rc = uv_loop_init(&n->loop))) {
        rc = fail(err, errlen, OZK_EIO, "uv_loop_init: %s", uv_strerror(rc));
        goto done;
    }
    loop_open = 1;
    if ((rc = ozk_metrics_new(&n->metrics)) || (rc = ozk__api_metrics(n))) {
        fail(err, errlen, rc, "metrics: %s", ozk_strerror(rc));
        goto done;
    }

    ozk_settler_config sc;
    memset(&sc, 0, sizeof sc);
    sc.store = n->store;
    sc.rpc_url = c->rpc;
    sc.committer_key = &n->committer;
    sc.responder_key = &responder;
    sc.chain_id = d.chain_id;
    memcpy(sc.settlement, d.settlement, 20);
    memcpy(sc.model_id, d.model_id, 32);
    sc.start_block = d.settlement_block;
    sc.model = n->model;
    sc.vk = n->vk;
    sc.srs = &srs;
    sc.batch_max_records = c->batch_max_records;
    sc.batch_max_age_ms = c->batch_max_age_ms;
    sc.poll_ms = c->poll_ms;
    sc.confirmations = c->confirmations;
    sc.respond_gas = d.respond_gas + d.respond_gas * c->respond_gas_margin_pct / 100;
    sc.max_fee_ceiling_wei = c->max_fee_gwei * 1000000000ull;
    sc.prover_threads = c->prover_threads;
    sc.log = settler_log;
    sc.alert = settler_alert;
    if ((rc = ozk_settler_start(&n->settler, &sc, e, sizeof e))) {
        fail(err, errlen, rc, "the settler: %s", e);
        goto done;
    }
    if ((rc = ozk__api_start(n, e, sizeof e))) {
        fail(err, errlen, rc, "%s", e);
        goto done;
    }
    if (c->port_file[0]) {
        FILE *f = fopen(c->port_file, "w");
        if (!f || fprintf(f, "%d\n", ozk_http_port(n->http)) < 0 || fclose(f)) {
            rc = fail(err, errlen, OZK_EIO, "cannot write %s", c->port_file);
            goto done;
        }
    }
    uv_signal_init(&n->loop, &n->sigint);
    uv_signal_init(&n->loop, &n->sigterm);
    n->sigint.data = n->sigterm.data = n;
    uv_signal_start(&n->sigint, on_signal, SIGINT);
    uv_signal_start(&n->sigterm, on_signal, SIGTERM);
    uv_timer_init(&n->loop, &n->tick);
    n->tick.data = n;
    uv_timer_start(&n->tick, on_tick, 0, 1000);
    ozk_log(OZK_LOG_INFO, "node", "serving model %02x%02x%02x%02x.. on chain %llu%s",
            n->model_id[0], n->model_id[1], n->model_id[2], n->model_id[3],
            (unsigned long long)n->chain_id,
            c->dishonest_every ? " (TEST BUILD, DISHONEST MODE)" : "");
    uv_run(&n->loop, UV_RUN_DEFAULT);
    ozk_log(OZK_LOG_INFO, "node", "stopped cleanly");
    rc = 0;
done:
    if (n->http) {
        /* a failure after the API started: close it before the loop */
        ozk__api_stop(n, NULL, NULL);
        uv_run(&n->loop, UV_RUN_DEFAULT);
    }
    if (n->settler) ozk_settler_stop(n->settler);
    if (loop_open) {
        uv_run(&n->loop, UV_RUN_NOWAIT);
        if (uv_loop_close(&n->loop)) ozk_log(OZK_LOG_WARN, "node", "the loop had open handles");
    }
    ozk_metrics_free(n->metrics);
    ozk_store_close(n->store);
    ozk_rpc_close(rpc);
    ozk_srs_free(&srs);
    ozk_vk_free(n->vk);
    ozk_model_free(n->model);
    ozk_key_wipe(&n->committer);
    ozk_key_wipe(&responder);
    free(n);
    return rc;
}
