/*
 * node/responder.c: answering challenges (design.md section 6, "Responder").
 *
 * The prover thread takes OPEN challenges earliest deadline first (deadlines in chain time: a
 * challenge whose deadline the latest block has passed is left alone), marks it PROVING, finds
 * the record (a record challenge by batch seq and leaf index, a receipt challenge by request
 * id), proves the record's x with ozk_prove and the proving key, and requires that the model's
 * output is the stored y and that ozk_verify accepts the proof for the stored (x, y). Only then
 * is the proof stored (PROVEN). A record that is unknown, or whose stored y the model does not
 * compute, is UNPROVABLE: a critical log line and alert() at once.
 *
 * The chain thread sends each PROVEN challenge that is still before its deadline: eth_call of
 * respond(id, proof) (or respondReceipt(id, seq, index, merkleProof, proof) with the record's
 * place in its batch) must succeed first; then the transaction goes out from the responder key
 * with gas = respond_gas (never an estimate) and the challenge is RESPONDED; node/flight.c
 * follows it to ANSWERED, escalating fees as the deadline nears. A challenge past its deadline
 * becomes TIMED_OUT once the contract says so (resolveTimeout ran), ANSWERED if the contract
 * says it was answered (by anyone).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ozk/error.h"
#include "ozk/hex.h"
#include "ozk/merkle.h"
#include "settler_internal.h"

/* ---- the prover thread ----------------------------------------------------------------------- */

static void unprovable(ozk_settler *s, const ozk_store_challenge *c, const char *why)
{
    char err[256], rid[19] = "0x";
    ozk_hex_encode(rid + 2, c->request_id, 8);
    if (ozk_store_update_challenge(s->cfg.store, c->id, OZK_CH_UNPROVABLE, NULL, NULL, 0, err,
                                   sizeof err))
        ozk__settler_log(s, OZK_LOG_ERROR, "store: %s", err);
    OZK__STAT_ADD(s, challenges_unprovable, 1);
    ozk__settler_log(s, OZK_LOG_CRIT,
                     "responder: challenge %llu (request %s...) cannot be proven: %s; the model's "
                     "stake will be slashed after the deadline %llu",
                     (unsigned long long)c->id, rid, why, (unsigned long long)c->deadline);
}

/* the record a challenge names; 0 found (clear *r later) */
static int challenge_record(ozk_settler *s, const ozk_store_challenge *c, ozk_store_record *r)
{
    char err[256];
    uint8_t rid[32];
    memcpy(rid, c->request_id, 32);
    if (c->kind == OZK_CHALLENGE_RECORD) {
        ozk_store_batch b;
        if (ozk_store_get_batch(s->cfg.store, &b, c->batch_seq, err, sizeof err)) return OZK_ENOENT;
        int ok = b.ids && c->leaf_index < b.count;
        if (ok) memcpy(rid, b.ids[c->leaf_index], 32);
        ozk_store_batch_clear(&b);
        if (!ok) return OZK_ENOENT;
    }
    return ozk_store_get_record(s->cfg.store, r, rid, err, sizeof err);
}

static void prove_one(ozk_settler *s, const ozk_store_challenge *c)
{
    char err[256];
    if (ozk_store_update_challenge(s->cfg.store, c->id, OZK_CH_PROVING, NULL, NULL, 0, err,
                                   sizeof err)) {
        ozk__settler_log(s, OZK_LOG_ERROR, "store: %s", err);
        return;
    }
    ozk_store_record r;
    memset(&r, 0, sizeof r);
    if (challenge_record(s, c, &r)) {
        unprovable(s, c, "the store holds no such record");
        return;
    }
    const ozk_vk *vk = s->cfg.vk;
    size_t xlen = ozk_vk_input_bytes(vk), ylen = ozk_vk_output_bytes(vk);
    uint8_t *y = malloc(ylen ? ylen : 1), *proof = NULL;
    size_t plen = 0;
    if (!y) {
        ozk_store_record_clear(&r);
        ozk_store_update_challenge(s->cfg.store, c->id, OZK_CH_OPEN, NULL, NULL, 0, err,
                                   sizeof err);
        return;
    }
    if (r.x_len != xlen || r.y_len != ylen) {
        unprovable(s, c, "the stored input or output has the wrong length for this model");
        goto out;
    }
    ozk_prove_opts opts;
    memset(&opts, 0, sizeof opts);
    opts.threads = s->cfg.prover_threads;
    opts.pk = s->pk;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char perr[256];
    int rc = ozk_prove(&proof, &plen, y, s->cfg.model, vk, s->cfg.srs, r.x, xlen, &opts, perr,
                       sizeof perr);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    if (rc == OZK_ENOMEM) { /* not the record's fault: try again */
        ozk__settler_log(s, OZK_LOG_ERROR, "responder: out of memory proving challenge %llu",
                         (unsigned long long)c->id);
        ozk_store_update_challenge(s->cfg.store, c->id, OZK_CH_OPEN, NULL, NULL, 0, err,
                                   sizeof err);
        goto out;
    }
    if (rc) {
        char why[320];
        snprintf(why, sizeof why, "the prover refuses its input: %s", perr);
        unprovable(s, c, why);
        goto out;
    }
    pthread_mutex_lock(&s->mu);
    s->st.proofs++;
    s->st.last_proof_ms = ms;
    pthread_mutex_unlock(&s->mu);
    if (memcmp(y, r.y, ylen)) {
        unprovable(s, c, "its stored output is not what the model computes for its input");
        goto out;
    }
    if (ozk_verify(vk, r.x, xlen, r.y, ylen, proof, plen, perr, sizeof perr) != 1) {
        char why[320];
        snprintf(why, sizeof why, "the proof does not verify: %s", perr);
        unprovable(s, c, why);
        goto out;
    }
    if (ozk_store_update_challenge(s->cfg.store, c->id, OZK_CH_PROVEN, NULL, proof, plen, err,
                                   sizeof err)) {
        ozk__settler_log(s, OZK_LOG_ERROR, "store: %s", err);
        ozk_store_update_challenge(s->cfg.store, c->id, OZK_CH_OPEN, NULL, NULL, 0, err,
                                   sizeof err);
        goto out;
    }
    ozk__settler_log(s, OZK_LOG_INFO, "responder: challenge %llu proven in %.0f ms (%zu bytes)",
                     (unsigned long long)c->id, ms, plen);
    ozk_settler_kick(s);
out:
    free(y);
    free(proof);
    ozk_store_record_clear(&r);
}

void *ozk__prover_main(void *arg)
{
    ozk_settler *s = arg;
    for (;;) {
        pthread_mutex_lock(&s->mu);
        int stop = s->stopping;
        s->prover_kicked = 0;
        uint64_t now = s->head_ts;
        pthread_mutex_unlock(&s->mu);
        if (stop) break;
        ozk_store_challenge *list = NULL;
        size_t n = 0;
        char err[256];
        int did = 0;
        if (ozk_store_list_challenges(s->cfg.store, &list, &n, OZK_CH_MASK(OZK_CH_OPEN), err,
                                      sizeof err) == 0) {
            for (size_t i = 0; i < n; i++)
                if (now == 0 || list[i].deadline >= now) { /* earliest deadline still open */
                    prove_one(s, &list[i]);
                    did = 1;
                    break;
                }
            ozk_store_challenge_list_free(list, n);
        } else {
            ozk__settler_log(s, OZK_LOG_ERROR, "store: %s", err);
        }
        if (did) continue;
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += 1;
        pthread_mutex_lock(&s->mu);
        while (!s->stopping && !s->prover_kicked)
            if (pthread_cond_timedwait(&s->cv_prover, &s->mu, &until)) break;
        pthread_mutex_unlock(&s->mu);
    }
    return NULL;
}

/* ---- sending --------------------------------------------------------------------------------- */

static void v_u64(ozk_abi_value *v, uint64_t x)
{
    memset(v, 0, sizeof *v);
    ozk_abi_value_u64(v, x);
}

int ozk__respond_calldata(ozk_settler *s, uint8_t **data, size_t *len, const ozk_store_challenge *c)
{
    ozk_abi_value a[5], args;
    memset(a, 0, sizeof a);
    memset(&args, 0, sizeof args);
    args.kind = OZK_ABI_TUPLE;
    args.items = a;
    v_u64(&a[0], c->id);
    if (c->kind == OZK_CHALLENGE_RECORD) {
        a[1].kind = OZK_ABI_BYTES;
        a[1].bytes = (uint8_t *)(uintptr_t)c->proof;
        a[1].len = c->proof_len;
        args.n = 2;
        return ozk_abi_calldata(data, len, "respond(uint256,bytes)", &args);
    }
    /* a receipt challenge: the record's place in its batch and the Merkle proof */
    char err[256];
    ozk_store_record r;
    if (ozk_store_get_record(s->cfg.store, &r, c->request_id, err, sizeof err)) return OZK_ENOENT;
    int batched = r.batched;
    uint64_t seq = r.batch_seq, idx = r.batch_index;
    ozk_store_record_clear(&r);
    if (!batched) return OZK_ENOENT;
    ozk_store_batch b;
    if (ozk_store_get_batch(s->cfg.store, &b, seq, err, sizeof err)) return OZK_ENOENT;
    if (!b.leaves || b.state < OZK_BATCH_INCLUDED) {
        ozk_store_batch_clear(&b);
        return OZK_ENOENT;
    }
    uint8_t proof[OZK_MERKLE_MAX_DEPTH][32];
    int depth = 0;
    int rc = ozk_merkle_proof(proof, &depth, b.leaves, b.count, idx);
    ozk_store_batch_clear(&b);
    if (rc) return rc;
    ozk_abi_value sib[OZK_MERKLE_MAX_DEPTH];
    for (int k = 0; k < depth; k++) {
        memset(&sib[k], 0, sizeof sib[k]);
        sib[k].kind = OZK_ABI_FIXED_BYTES;
        memcpy(sib[k].word, proof[k], 32);
    }
    v_u64(&a[1], seq);
    v_u64(&a[2], idx);
    a[3].kind = OZK_ABI_ARRAY;
    a[3].items = sib;
    a[3].n = (size_t)depth;
    a[4].kind = OZK_ABI_BYTES;
    a[4].bytes = (uint8_t *)(uintptr_t)c->proof;
    a[4].len = c->proof_len;
    args.n = 5;
    return ozk_abi_calldata(data, len, "respondReceipt(uint256,uint256,uint256,bytes32[],bytes)",
                            &args);
}

static int is_error(const ozk_rpc_error *e, const char *sig)
{
    uint8_t sel[4];
    ozk_abi_selector(sel, sig);
    return e->has_data && e->data_len >= 4 && !memcmp(e->data, sel, 4);
}

/* the contract's word on a challenge that cannot be answered any more */
static void settle_from_chain(ozk_settler *s, const ozk_store_challenge *c)
{
    ozk__chinfo ci;
    ozk_rpc_error e;
    char err[256];
    if (ozk__settler_challenge_info(s, &ci, c->id, &e)) return;
    if (ci.status == OZK__CS_ANSWERED) {
        if (ozk_store_update_challenge(s->cfg.store, c->id, OZK_CH_ANSWERED, NULL, NULL, 0, err,
                                       sizeof err) == 0) {
            OZK__STAT_ADD(s, challenges_answered, 1);
            ozk__settler_log(s, OZK_LOG_INFO, "responder: challenge %llu is answered on chain",
                             (unsigned long long)c->id);
        }
    } else if (ci.status == OZK__CS_TIMED_OUT) {
        if (ozk_store_update_challenge(s->cfg.store, c->id, OZK_CH_TIMED_OUT, NULL, NULL, 0, err,
                                       sizeof err) == 0) {
            OZK__STAT_ADD(s, challenges_timed_out, 1);
            ozk__settler_log(s, OZK_LOG_ERROR,
                             "responder: challenge %llu timed out on chain (resolveTimeout): the "
                             "model was slashed",
                             (unsigned long long)c->id);
        }
    }
}

static void send_respond(ozk_settler *s, const ozk_store_challenge *c)
{
    uint8_t *data = NULL, *ret = NULL;
    size_t len = 0, rlen = 0;
    if (ozk__respond_calldata(s, &data, &len, c)) {
        ozk__settler_log(s, OZK_LOG_WARN,
                         "responder: challenge %llu: its record is not in an included batch yet",
                         (unsigned long long)c->id);
        return;
    }
    ozk_rpc_error e;
    if (ozk_rpc_eth_call(s->rpc, &ret, &rlen, s->cfg.settlement, data, len, &e)) {
        free(data);
        if (is_error(&e, "NotOpen()") || is_error(&e, "PastDeadline()")) {
            settle_from_chain(s, c);
        } else if (is_error(&e, "ProofRejected()")) {
            unprovable(s, c, "the on-chain verifier rejects a proof the C verifier accepts");
        } else {
            ozk__settler_log(s, OZK_LOG_WARN, "responder: eth_call respond(%llu) reverts: %s",
                             (unsigned long long)c->id, e.message);
        }
        return;
    }
    free(ret);
    ozk_send_request req;
    memset(&req, 0, sizeof req);
    req.has_to = 1;
    memcpy(req.to, s->cfg.settlement, 20);
    req.data = data;
    req.data_len = len;
    req.gas_limit = s->cfg.respond_gas;
    uint8_t hash[32];
    int rc = ozk__flight_send(s, s->responder, OZK_STX_RESPOND, c->id, &req, hash);
    free(data);
    if (rc) return;
    char err[256], hx[67] = "0x";
    if (ozk_store_update_challenge(s->cfg.store, c->id, OZK_CH_RESPONDED, hash, NULL, 0, err,
                                   sizeof err)) {
        ozk__settler_log(s, OZK_LOG_ERROR, "store: %s", err);
        return;
    }
    OZK__STAT_ADD(s, responds_sent, 1);
    ozk_hex_encode(hx + 2, hash, 32);
    ozk__settler_log(s, OZK_LOG_INFO, "responder: respond to challenge %llu sent: %s",
                     (unsigned long long)c->id, hx);
}

void ozk__respond_step(ozk_settler *s, uint64_t head_ts)
{
    ozk_store_challenge *list = NULL;
    size_t n = 0;
    char err[256];
    if (ozk_store_list_challenges(s->cfg.store, &list, &n, OZK_CH_MASK(OZK_CH_PROVEN), err,
                                  sizeof err)) {
        ozk__settler_log(s, OZK_LOG_ERROR, "store: %s", err);
        return;
    }
    for (size_t i = 0; i < n; i++)
        if (list[i].deadline >= head_ts) send_respond(s, &list[i]);
    ozk_store_challenge_list_free(list, n);
}

void ozk__timeout_step(ozk_settler *s, uint64_t head_ts)
{
    ozk_store_challenge *list = NULL;
    size_t n = 0;
    char err[256];
    if (ozk_store_list_challenges(s->cfg.store, &list, &n, OZK_CH_UNRESOLVED, err, sizeof err))
        return;
    /* earliest deadline first: stop at the first one still running */
    for (size_t i = 0; i < n && list[i].deadline < head_ts; i++)
        if (list[i].status != OZK_CH_RESPONDED) settle_from_chain(s, &list[i]);
    ozk_store_challenge_list_free(list, n);
}
