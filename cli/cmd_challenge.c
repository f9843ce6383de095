/*
 * cli/cmd_challenge.c: the challenger's commands (docs/challenger.md).
 *
 *   ozk challenge check   --rpc URL --receipt R.json [--vk K] [--model M] [--insecure-dev-srs]
 *   ozk challenge submit  --rpc URL --key FILE --receipt R.json [--vk K] [--insecure-dev-srs]
 *   ozk challenge receipt --rpc URL --key FILE --receipt R.json
 *   ozk challenge status  --rpc URL --settlement ADDR --id N
 *   ozk challenge watch   --rpc URL --settlement ADDR --id N [--timeout S]
 *   ozk challenge claim   --rpc URL --key FILE --settlement ADDR --id N
 *   ozk withdraw          --rpc URL --key FILE --settlement ADDR [--to ADDR]
 *
 * The work is in challenge/client.c (ozk/challenge.h); this file parses the command lines, reads
 * the files, prints, and decides the exit status: 0 everything checked (or done), 1 something is
 * wrong or refused (the reason on stderr), 2 bad arguments or an unreachable endpoint. Every
 * refusal happens before anything is sent. Keys are read from files and never printed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "ozk/challenge.h"
#include "ozk/hex.h"
#include "ozk/keccak.h"
#include "ozk/model.h"
#include "ozk/proof.h"
#include "ozk/rpc.h"
#include "ozk/sender.h"
#include "ozk/tx.h"

#define RECEIPT_MAX (4u << 20)

/* ---- small helpers -----------------------------------------------------------------------------
 */

static int parse_address(const char *prog, const char *what, const char *s, uint8_t out[20])
{
    size_t n = strlen(s);
    if (n == 42 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && ozk_hex_decode(out, 20, s) == 20)
        return 0;
    fprintf(stderr, "%s: %s '%s' is not an address (0x and 40 hex digits)\n", prog, what, s);
    return -1;
}

static int parse_u64(const char *prog, const char *what, const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *end || s[0] == '-' || s[0] == '+' || errno) {
        fprintf(stderr, "%s: %s takes a whole number, not '%s'\n", prog, what, s);
        return -1;
    }
    *out = v;
    return 0;
}

static void hex_print(FILE *f, const uint8_t *b, size_t n)
{
    char *h = cli_hex0x(b, n);
    fputs(h ? h : "(out of memory)", f);
    free(h);
}

static const char *addr_text(char out[43], const uint8_t a[20])
{
    ozk_address_to_text(out, a);
    return out;
}

static const char *wei_text(char out[128], const uint8_t w[32])
{
    ozk_chal_wei_text(out, w);
    return out;
}

/* "T (2026-11-25 10:00:00 UTC, in 120 s)" relative to the chain's time now */
static const char *when_text(char *out, size_t cap, uint64_t t, uint64_t now)
{
    time_t tt = (time_t)t;
    struct tm tm;
    char iso[32] = "?";
    if (gmtime_r(&tt, &tm)) strftime(iso, sizeof iso, "%Y-%m-%d %H:%M:%S UTC", &tm);
    if (t >= now)
        snprintf(out, cap, "%llu (%s, in %llu s of chain time)", (unsigned long long)t, iso,
                 (unsigned long long)(t - now));
    else
        snprintf(out, cap, "%llu (%s, %llu s ago in chain time)", (unsigned long long)t, iso,
                 (unsigned long long)(now - t));
    return out;
}

/* 256-bit big-endian arithmetic for amounts */
static void u256_add(uint8_t out[32], const uint8_t a[32], const uint8_t b[32])
{
    unsigned carry = 0;
    for (int i = 31; i >= 0; i--) {
        unsigned s = (unsigned)a[i] + b[i] + carry;
        out[i] = (uint8_t)s;
        carry = s >> 8;
    }
}

/* a - b, a >= b */
static void u256_sub(uint8_t out[32], const uint8_t a[32], const uint8_t b[32])
{
    int borrow = 0;
    for (int i = 31; i >= 0; i--) {
        int d = (int)a[i] - b[i] - borrow;
        borrow = d < 0;
        out[i] = (uint8_t)(d + (borrow ? 256 : 0));
    }
}

/* x * y, both 64-bit, as 256 bits */
static void u256_mul64(uint8_t out[32], uint64_t x, uint64_t y)
{
    uint32_t a[2] = { (uint32_t)x, (uint32_t)(x >> 32) },
             b[2] = { (uint32_t)y, (uint32_t)(y >> 32) };
    uint32_t r[4] = { 0, 0, 0, 0 };
    for (int i = 0; i < 2; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < 2; j++) {
            uint64_t t = (uint64_t)a[i] * b[j] + r[i + j] + carry;
            r[i + j] = (uint32_t)t;
            carry = t >> 32;
        }
        r[i + 2] = (uint32_t)carry;
    }
    memset(out, 0, 32);
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < 4; i++) out[31 - 4 * k - i] = (uint8_t)(r[k] >> (8 * i));
}

static int u256_is_zero(const uint8_t w[32])
{
    static const uint8_t zero[32];
    return !memcmp(w, zero, 32);
}

/* ---- the chain ------------------------------------------------------------------------------- */

static ozk_rpc *open_rpc(const char *prog, const char *url)
{
    ozk_rpc_config cfg;
    ozk_rpc_config_default(&cfg);
    cfg.url = url;
    cfg.max_retries = 2;
    ozk_rpc *rpc;
    ozk_rpc_error e;
    if (ozk_rpc_open(&rpc, &cfg, &e) < 0) {
        fprintf(stderr, "%s: %s: %s\n", prog, url, e.message);
        return NULL;
    }
    return rpc;
}

/* Prints a failed chain read; returns the exit status it calls for (2: unreachable). */
static int rpc_fail(const char *prog, const char *what, const ozk_rpc_error *e)
{
    char why[400];
    ozk_chal_revert_text(why, sizeof why, e);
    if (e->kind == OZK_RPC_ERR_TRANSPORT) {
        fprintf(stderr, "%s: cannot reach the chain (%s): %s\n", prog, what, why);
        return CLI_USAGE;
    }
    fprintf(stderr, "%s: %s: %s\n", prog, what, why);
    return CLI_FAIL;
}

/* The endpoint is the receipt's chain and the settlement has code; the chain time. */
static int check_chain(const char *prog, ozk_rpc *rpc, uint64_t chain_id,
                       const uint8_t settlement[20], uint64_t *now, int quiet)
{
    ozk_rpc_error e;
    uint64_t id;
    if (ozk_rpc_chain_id(rpc, &id, &e) < 0) return rpc_fail(prog, "eth_chainId", &e);
    if (id != chain_id) {
        fprintf(stderr,
                "%s: the endpoint is chain %llu, the receipt is for chain %llu: use an RPC "
                "of chain %llu\n",
                prog, (unsigned long long)id, (unsigned long long)chain_id,
                (unsigned long long)chain_id);
        return CLI_FAIL;
    }
    uint8_t *code = NULL;
    size_t len = 0;
    if (ozk_rpc_get_code(rpc, &code, &len, settlement, &e) < 0)
        return rpc_fail(prog, "reading the settlement's code", &e);
    free(code);
    char a[43];
    if (len == 0) {
        fprintf(stderr,
                "%s: the settlement %s has no code on chain %llu: wrong chain, or not "
                "deployed\n",
                prog, addr_text(a, settlement), (unsigned long long)chain_id);
        return CLI_FAIL;
    }
    if (ozk_chal_chain_time(rpc, now, &e) < 0) return rpc_fail(prog, "the chain's time", &e);
    if (!quiet)
        printf("chain       %llu, settlement %s (%zu bytes of code), chain time %llu\n",
               (unsigned long long)chain_id, addr_text(a, settlement), len,
               (unsigned long long)*now);
    return CLI_OK;
}

/* ---- arguments ---------------------------------------------------------------------------------
 */

typedef struct {
    const char *rpc, *key, *receipt, *vk, *model, *settlement_s, *id_s, *timeout_s, *to_s;
    int insecure_ok;
    uint8_t settlement[20], to[20];
    uint64_t id, timeout;
} args;

enum {
    A_RPC = 1 << 0,
    A_KEY = 1 << 1,
    A_RECEIPT = 1 << 2,
    A_VK = 1 << 3,
    A_MODEL = 1 << 4,
    A_SETTLEMENT = 1 << 5,
    A_ID = 1 << 6,
    A_TIMEOUT = 1 << 7,
    A_TO = 1 << 8,
};

/* Parses argv against the options allowed (A_*), of which `need` are required. 0, 1 (--help
 * printed) or -1 (usage error printed). */
static int parse_args(args *o, int argc, char **argv, unsigned allowed, unsigned need,
                      const char *prog, void (*usage)(FILE *))
{
    memset(o, 0, sizeof *o);
    static const struct {
        const char *flag;
        unsigned bit;
        size_t off;
    } opts[] = {
        { "--rpc", A_RPC, offsetof(args, rpc) },
        { "--key", A_KEY, offsetof(args, key) },
        { "--receipt", A_RECEIPT, offsetof(args, receipt) },
        { "--vk", A_VK, offsetof(args, vk) },
        { "--model", A_MODEL, offsetof(args, model) },
        { "--settlement", A_SETTLEMENT, offsetof(args, settlement_s) },
        { "--id", A_ID, offsetof(args, id_s) },
        { "--timeout", A_TIMEOUT, offsetof(args, timeout_s) },
        { "--to", A_TO, offsetof(args, to_s) },
    };
    unsigned seen = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 1;
        }
        if (!strcmp(a, "--insecure-dev-srs") && (allowed & A_VK)) {
            o->insecure_ok = 1;
            continue;
        }
        size_t k = 0;
        while (k < sizeof opts / sizeof *opts && strcmp(a, opts[k].flag)) k++;
        if (k == sizeof opts / sizeof *opts || !(allowed & opts[k].bit)) {
            fprintf(stderr, "%s: unexpected argument '%s'\n", prog, a);
            usage(stderr);
            return -1;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "%s: %s needs a value\n", prog, a);
            usage(stderr);
            return -1;
        }
        *(const char **)((char *)o + opts[k].off) = argv[++i];
        seen |= opts[k].bit;
    }
    if ((seen & need) != need) {
        for (size_t k = 0; k < sizeof opts / sizeof *opts; k++)
            if ((need & opts[k].bit) && !(seen & opts[k].bit))
                fprintf(stderr, "%s: %s is required\n", prog, opts[k].flag);
        usage(stderr);
        return -1;
    }
    if ((o->settlement_s && parse_address(prog, "--settlement", o->settlement_s, o->settlement)) ||
        (o->to_s && parse_address(prog, "--to", o->to_s, o->to)) ||
        (o->id_s && parse_u64(prog, "--id", o->id_s, &o->id)) ||
        (o->timeout_s && parse_u64(prog, "--timeout", o->timeout_s, &o->timeout)))
        return -1;
    if (o->id_s && o->id == 0) {
        fprintf(stderr, "%s: --id: challenge ids start at 1\n", prog);
        return -1;
    }
    return 0;
}

/* Reads and parses the receipt file: 0, or the exit status (2 unreadable, 1 malformed). */
static int load_receipt(const char *prog, const char *path, ozk_chal_receipt *r)
{
    uint8_t *buf;
    size_t len;
    if (cli_read_file(prog, path, RECEIPT_MAX, &buf, &len) < 0) return CLI_USAGE;
    char err[300];
    int rc = ozk_chal_receipt_parse(r, (const char *)buf, len, err, sizeof err);
    free(buf);
    if (rc) {
        fprintf(stderr, "%s: %s: %s\n", prog, path, err);
        return CLI_FAIL;
    }
    return CLI_OK;
}

static int load_key(const char *prog, const char *path, ozk_key *key)
{
    char err[300];
    if (ozk_key_load_file(key, path, err, sizeof err)) {
        fprintf(stderr, "%s: %s\n", prog, err);
        return -1;
    }
    return 0;
}

/* ---- sending -----------------------------------------------------------------------------------
 */

/* Estimates (a revert refuses with its reason, nothing sent), checks that the key's balance
 * covers value + gas at the current fees, sends with the estimate plus a margin and waits for one
 * confirmation. The transaction hash in hash. */
static int send_call(const char *prog, ozk_rpc *rpc, ozk_sender *s, const char *what,
                     const uint8_t to[20], const uint8_t value[32], const uint8_t *data, size_t len,
                     uint8_t hash[32])
{
    uint8_t from[20];
    ozk_sender_address(s, from);
    ozk_rpc_error e;
    uint64_t gas;
    if (ozk_chal_estimate_gas(rpc, &gas, from, to, value, data, len, &e) < 0) {
        if (e.kind == OZK_RPC_ERR_TRANSPORT) return rpc_fail(prog, what, &e);
        char why[400];
        ozk_chal_revert_text(why, sizeof why, &e);
        fprintf(stderr, "%s: refused, nothing sent: the %s would fail: %s\n", prog, what, why);
        return CLI_FAIL;
    }
    uint64_t limit = gas + gas / 4 + 10000;
    ozk_fees fees;
    if (ozk_sender_fees(s, &fees, &e) < 0) return rpc_fail(prog, "reading the fees", &e);
    uint8_t need[32], gas_cost[32], bal[32];
    u256_mul64(gas_cost, limit, fees.max_fee);
    u256_add(need, value, gas_cost);
    if (ozk_rpc_get_balance(rpc, bal, from, &e) < 0)
        return rpc_fail(prog, "reading the key's balance", &e);
    char a[43], t1[128], t2[128], t3[128], t4[128];
    if (memcmp(bal, need, 32) < 0) {
        fprintf(stderr,
                "%s: refused, nothing sent: %s holds %s, the %s needs %s (%s sent plus up to %s "
                "of gas): fund the account\n",
                prog, addr_text(a, from), wei_text(t1, bal), what, wei_text(t2, need),
                wei_text(t3, value), wei_text(t4, gas_cost));
        return CLI_FAIL;
    }
    ozk_send_request req;
    memset(&req, 0, sizeof req);
    req.has_to = 1;
    memcpy(req.to, to, 20);
    memcpy(req.value, value, 32);
    req.data = data;
    req.data_len = len;
    req.gas_limit = limit;
    ozk_sent_tx sent;
    memset(&sent, 0, sizeof sent);
    if (ozk_sender_send(s, &sent, &req, &e) < 0) {
        char why[400];
        ozk_chal_revert_text(why, sizeof why, &e);
        fprintf(stderr, "%s: sending the %s: %s\n", prog, what, why);
        return e.kind == OZK_RPC_ERR_TRANSPORT ? CLI_USAGE : CLI_FAIL;
    }
    memcpy(hash, sent.hash, 32);
    ozk_sent_tx_clear(&sent);
    fprintf(stderr, "%s: sent the %s ", prog, what);
    hex_print(stderr, hash, 32);
    fprintf(stderr, ", waiting for it to be mined...\n");
    ozk_tx_status st;
    memset(&st, 0, sizeof st);
    if (ozk_sender_wait(s, &st, hash, 1, 120000, &e) < 0)
        return rpc_fail(prog, "waiting for the transaction", &e);
    if (st.state != OZK_TXS_CONFIRMED) {
        fprintf(stderr, "%s: the %s %s%s%s\n", prog, what,
                st.state == OZK_TXS_PENDING ? "was not mined within 120 s" : "failed",
                st.has_reason ? ": " : "", st.has_reason ? st.reason : "");
        return CLI_FAIL;
    }
    printf("tx          ");
    hex_print(stdout, hash, 32);
    printf(" (block %llu, gas %llu)\n", (unsigned long long)st.block_number,
           (unsigned long long)st.gas_used);
    return CLI_OK;
}

/* Sends a challenge (challenge or challengeReceipt calldata), then finds its id (from its
 * Challenged log, else challengeCount) and reads it back with the chain time. */
static int send_challenge(const char *prog, ozk_rpc *rpc, ozk_sender *s, const char *what,
                          const uint8_t settlement[20], const uint8_t bond[32], const uint8_t *data,
                          size_t len, uint64_t *id, ozk_chal_info *c, uint64_t *now)
{
    uint8_t hash[32];
    int st = send_call(prog, rpc, s, what, settlement, bond, data, len, hash);
    if (st) return st;
    ozk_rpc_error e;
    if (ozk_chal_event_id(rpc, id, hash, settlement, &e) < 0 &&
        ozk_chal_read_count(rpc, id, settlement, &e) < 0)
        return rpc_fail(prog, "finding the challenge id", &e);
    if (ozk_chal_read_challenge(rpc, c, settlement, *id, &e) < 0 ||
        ozk_chal_chain_time(rpc, now, &e) < 0)
        return rpc_fail(prog, "reading the challenge", &e);
    return 0;
}

static int open_sender(const char *prog, ozk_rpc *rpc, const ozk_key *key, ozk_sender **s)
{
    ozk_rpc_error e;
    if (ozk_sender_open(s, rpc, key, NULL, &e) < 0) return rpc_fail(prog, "opening the key", &e);
    return CLI_OK;
}

/* ---- ozk challenge check -----------------------------------------------------------------------
 */

static void check_usage(FILE *out)
{
    fprintf(out,
            "usage: ozk challenge check --rpc URL --receipt RECEIPT.json [--vk MODEL.vk]\n"
            "                           [--model MODEL.ozkm] [--insecure-dev-srs]\n\n"
            "Checks a receipt (the result of the node's ozk_getReceipt, docs/node.md) before you\n"
            "rely on it or dispute it: its salted hashes, leaf and EIP-712 signature; that the\n"
            "signer is the model's committer on chain; that its Merkle proof opens the root the\n"
            "chain stored for its batch; the record's status and the time left in its challenge\n"
            "window. With --vk, the deployment check of `ozk verify-deployment` on the model's\n"
            "registered verifier; with --model, the output recomputed bit for bit from input_q:\n"
            "MATCH, or MISMATCH (a dispute you would win). Exit 0 when everything checks (and\n"
            "the output matches), 1 when something is wrong (printed), 2 for bad arguments or an\n"
            "unreachable RPC.\n\n"
            "  --rpc URL            the chain's JSON-RPC endpoint\n"
            "  --receipt FILE       the receipt (a JSON object, or the whole JSON-RPC reply)\n"
            "  --vk FILE            the model's verifying key, as its operator publishes it\n"
            "  --model FILE         the model (.ozkm), when it is public\n"
            "  --insecure-dev-srs   accept a vk made with a dev SRS (tests only)\n");
}

typedef struct {
    const char *prog;
    int problems;
} report;

static void ok_line(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ok_line(const char *what, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%-11s ", what);
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
}

static void bad_line(report *r, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void bad_line(report *r, const char *what, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%-11s WRONG: ", what);
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
    r->problems++;
}

/* The receipt's own consistency, each finding printed. */
static void check_local(report *rep, const ozk_chal_receipt *r, ozk_chal_local *l)
{
    ozk_chal_receipt_verify(l, r);
    char a[43], a2[43];
    printf("receipt     request ");
    hex_print(stdout, r->request_id, 32);
    printf(", record %llu\nmodel       ", (unsigned long long)r->record_number);
    hex_print(stdout, r->model_id, 32);
    putchar('\n');
    if (l->x_hash_ok)
        ok_line("x_hash", "OK: keccak256(salt || input_q)");
    else
        bad_line(rep, "x_hash",
                 "keccak256(salt || input_q) is not the receipt's x_hash: salt or "
                 "input_q was changed");
    if (l->y_hash_ok)
        ok_line("y_hash", "OK: keccak256(salt || output_q)");
    else
        bad_line(rep, "y_hash",
                 "keccak256(salt || output_q) is not the receipt's y_hash: salt or "
                 "output_q was changed");
    if (l->leaf_ok)
        ok_line("leaf", "OK");
    else
        bad_line(rep, "leaf", "the leaf of these preimages is not the receipt's leaf");
    if (!l->sig_ok)
        bad_line(rep, "signature",
                 "invalid: it recovers to no signer (or a malleable s / v not "
                 "27 or 28)");
    else if (!l->signer_ok)
        bad_line(rep, "signature",
                 "it recovers to %s, not the receipt's signer %s: the signature or "
                 "a signed field was changed",
                 addr_text(a, l->recovered), addr_text(a2, r->signer));
    else
        ok_line("signature", "OK: the EIP-712 receipt digest is signed by %s",
                addr_text(a, l->recovered));
}

static int cmd_challenge_check(int argc, char **argv)
{
    const char *prog = "ozk challenge check";
    args o;
    int pa = parse_args(&o, argc, argv, A_RPC | A_RECEIPT | A_VK | A_MODEL, A_RPC | A_RECEIPT, prog,
                        check_usage);
    if (pa) return pa > 0 ? CLI_OK : CLI_USAGE;
    ozk_chal_receipt r;
    int st = load_receipt(prog, o.receipt, &r);
    if (st) return st;
    report rep = { prog, 0 };
    ozk_chal_local l;
    ozk_rpc *rpc = NULL;
    ozk_vk *vk = NULL;
    ozk_model *m = NULL;
    uint8_t *mbuf = NULL;
    char a[43], a2[43], t1[160], w1[128];
    check_local(&rep, &r, &l);
    if (r.has_batch && l.proof_ok == 0)
        bad_line(&rep, "merkle", "the proof does not open the receipt's root at index %llu",
                 (unsigned long long)r.batch.index);

    if (!(rpc = open_rpc(prog, o.rpc))) {
        st = CLI_USAGE;
        goto done;
    }
    uint64_t now;
    if ((st = check_chain(prog, rpc, r.chain_id, r.settlement, &now, 0))) {
        if (st == CLI_FAIL) rep.problems++, st = CLI_OK;
        if (st) goto done;
        goto out; /* no settlement to ask */
    }
    ozk_rpc_error e;
    ozk_chal_model mo;
    if (ozk_chal_read_model(rpc, &mo, r.settlement, r.model_id, &e) < 0) {
        st = rpc_fail(prog, "reading model()", &e);
        if (st == CLI_FAIL) rep.problems++, st = CLI_OK;
        if (st) goto done;
        goto out;
    }
    static const uint8_t zero20[20];
    if (!memcmp(mo.owner, zero20, 20)) {
        bad_line(&rep, "model", "not registered in this settlement");
        goto out;
    }
    printf("model       registered; stake %s, bond %s%s%s\n", wei_text(w1, mo.stake),
           wei_text(t1, mo.bond), mo.frozen ? "; FROZEN (slashed)" : "",
           mo.exiting ? "; exiting" : "");
    /* the settlement's own digest */
    {
        ozk_receipt rs;
        ozk_chal_receipt_struct(&rs, &r);
        uint8_t d[32];
        if (ozk_chal_read_digest(rpc, d, r.settlement, &rs, &e) < 0) {
            if ((st = rpc_fail(prog, "receiptDigest", &e)) == CLI_USAGE) goto done;
            st = CLI_OK;
            rep.problems++;
        } else if (memcmp(d, l.digest, 32)) {
            bad_line(&rep, "digest",
                     "the settlement's receiptDigest differs from ours: another "
                     "contract version?");
        }
    }
    /* the signer and the committer */
    if (l.sig_ok) {
        if (!memcmp(l.recovered, mo.committer, 20)) {
            ok_line("committer", "OK: the signer is the model's committer on chain");
        } else {
            int was = 0;
            uint64_t revoked = 0;
            if (ozk_chal_read_committer(rpc, &was, &revoked, r.settlement, r.model_id, l.recovered,
                                        &e) < 0) {
                if ((st = rpc_fail(prog, "wasCommitter", &e)) == CLI_USAGE) goto done;
                st = CLI_OK;
                rep.problems++;
            } else if (!was) {
                bad_line(&rep, "committer",
                         "the signer %s was never the model's committer (it is "
                         "%s): the receipt does not bind the operator",
                         addr_text(a, l.recovered), addr_text(a2, mo.committer));
            } else if (revoked && r.commit_deadline > revoked) {
                bad_line(&rep, "committer",
                         "signed by %s, a committer key rotated away at %llu, before the "
                         "receipt's deadline %llu: it does not bind (the current committer is %s)",
                         addr_text(a, l.recovered), (unsigned long long)revoked,
                         (unsigned long long)r.commit_deadline, addr_text(a2, mo.committer));
            } else {
                ok_line("committer",
                        "OK, but rotated: signed by the former committer %s (rotated at %llu, "
                        "after the receipt's deadline, so it binds); the current committer is %s",
                        addr_text(a, l.recovered), (unsigned long long)revoked,
                        addr_text(a2, mo.committer));
            }
        }
    }
    ok_line("deadline", "commit by %s", when_text(t1, sizeof t1, r.commit_deadline, now));
    /* the batch */
    if (!r.has_batch) {
        if (now > r.commit_deadline) {
            uint64_t from = r.commit_deadline;
            if (mo.exiting && mo.exit_ts < from) from = mo.exit_ts;
            bad_line(&rep, "batch",
                     "the record is in no batch and its commit deadline has passed: dispute it "
                     "with `ozk challenge receipt` until %llu",
                     (unsigned long long)(from + mo.challenge_window));
        } else {
            ok_line("batch", "none yet (the node commits by the deadline); check again later");
        }
    } else {
        ozk_chal_batch b;
        if (ozk_chal_read_batch(rpc, &b, r.settlement, r.model_id, r.batch.seq, &e) < 0) {
            if ((st = rpc_fail(prog, "reading batch()", &e)) == CLI_USAGE) goto done;
            st = CLI_OK;
            rep.problems++;
        } else if (b.count == 0) {
            if (now > r.commit_deadline)
                bad_line(&rep, "batch",
                         "batch %llu is not on chain and the commit deadline has "
                         "passed: dispute with `ozk challenge receipt`",
                         (unsigned long long)r.batch.seq);
            else
                ok_line("batch", "%llu is not on chain yet (node state %s); check again later",
                        (unsigned long long)r.batch.seq, r.batch.state);
        } else {
            int root_ok = !memcmp(b.root, r.batch.root, 32) && b.count == r.batch.count;
            if (!root_ok)
                bad_line(&rep, "batch",
                         "the chain's root or count of batch %llu (%llu records) "
                         "is not the receipt's (%llu)",
                         (unsigned long long)r.batch.seq, (unsigned long long)b.count,
                         (unsigned long long)r.batch.count);
            if (!r.batch.has_proof) {
                bad_line(&rep, "merkle",
                         "the receipt has no merkle_proof: fetch it with the "
                         "node's ozk_getReceipt (not ozk_getRecord)");
            } else if (ozk_merkle_verify(b.root, l.leaf, r.batch.index, b.count,
                                         (const uint8_t(*)[32])r.batch.proof, r.batch.depth)) {
                ok_line("merkle", "OK: record %llu of batch %llu opens the root on chain",
                        (unsigned long long)r.batch.index, (unsigned long long)r.batch.seq);
            } else {
                bad_line(&rep, "merkle",
                         "the proof does not open the chain's root of batch %llu at "
                         "index %llu: merkle_proof, index or a preimage was changed",
                         (unsigned long long)r.batch.seq, (unsigned long long)r.batch.index);
            }
            if (b.commit_ts > r.commit_deadline)
                printf("note        batch committed at %llu, after the receipt's deadline\n",
                       (unsigned long long)b.commit_ts);
            int rs;
            if (ozk_chal_read_record_status(rpc, &rs, r.settlement, r.model_id, r.batch.seq,
                                            r.batch.index, &e) < 0) {
                if ((st = rpc_fail(prog, "recordStatus", &e)) == CLI_USAGE) goto done;
                st = CLI_OK;
                rep.problems++;
            } else {
                uint64_t end = b.commit_ts + b.challenge_window;
                ok_line("status", "%s", ozk_chal_record_status_name(rs));
                ok_line("window", "challengeable until %s%s", when_text(t1, sizeof t1, end, now),
                        now > end ? ": closed" : "");
                ok_line("bond", "%s per challenge", wei_text(w1, b.bond));
            }
        }
    }
    /* the deployment */
    if (o.vk) {
        if (!(vk = cli_load_vk(prog, o.vk))) {
            st = CLI_USAGE;
            goto done;
        }
        if (memcmp(ozk_vk_model_hash(vk), r.model_hash, 32))
            bad_line(&rep, "vk", "this vk is of another model than the receipt's model_hash");
        int d = cli_verify_deployment(prog, rpc, o.vk, o.insecure_ok, mo.verifier, r.settlement,
                                      r.model_id);
        if (d == CLI_USAGE) {
            st = CLI_USAGE;
            goto done;
        }
        if (d != CLI_OK) bad_line(&rep, "deployment", "the deployment check failed (above)");
    }
    /* the output */
    if (o.model) {
        size_t len;
        char err[300];
        if (cli_read_file(prog, o.model, 64u << 20, &mbuf, &len) < 0) {
            st = CLI_USAGE;
            goto done;
        }
        if (ozk_model_decode(&m, mbuf, len, err, sizeof err)) {
            fprintf(stderr, "%s: %s: %s\n", prog, o.model, err);
            st = CLI_USAGE;
            goto done;
        }
        if (memcmp(m->hash, r.model_hash, 32)) {
            bad_line(&rep, "model", "%s is not the receipt's model (model_hash differs)", o.model);
        } else {
            uint8_t *y = malloc(ozk_model_output_bytes(m));
            size_t ylen = 0;
            int rc =
                y ? ozk_chal_recompute(m, &r, y, ozk_model_output_bytes(m), &ylen, err, sizeof err)
                  : -1;
            if (rc < 0) {
                bad_line(&rep, "output", "cannot recompute: %s", y ? err : "out of memory");
            } else if (rc == 1) {
                ok_line("output", "MATCH: the model computes output_q from input_q");
            } else {
                printf("output      MISMATCH: the model computes ");
                hex_print(stdout, y, ylen);
                printf("\n            the receipt says            ");
                hex_print(stdout, r.y, r.y_len);
                printf("\n            a challenge of this record should win (`ozk challenge "
                       "submit`)\n");
                rep.problems++;
            }
            free(y);
        }
    }
out:
    if (rep.problems) {
        printf("receipt check FAILED: %d problem%s (above)\n", rep.problems,
               rep.problems > 1 ? "s" : "");
        st = CLI_FAIL;
    } else {
        printf("receipt OK\n");
        st = CLI_OK;
    }
done:
    ozk_model_free(m);
    free(mbuf);
    ozk_vk_free(vk);
    ozk_rpc_close(rpc);
    ozk_chal_receipt_clear(&r);
    return st;
}

/* ---- ozk challenge submit ----------------------------------------------------------------------
 */

static void submit_usage(FILE *out)
{
    fprintf(
        out,
        "usage: ozk challenge submit --rpc URL --key FILE --receipt RECEIPT.json\n"
        "                            [--vk MODEL.vk] [--insecure-dev-srs]\n\n"
        "Disputes a committed record: sends challenge(modelId, seq, index, requestId, salt, x,\n"
        "y, merkleProof) with exactly the batch's bond, read from the chain. The operator must\n"
        "answer with a proof within the batch's response window, or `ozk challenge claim`\n"
        "slashes it. Refuses, and sends nothing, when the record is not in a committed batch\n"
        "(see `ozk challenge receipt`), its challenge window has closed, it is already Proven\n"
        "or Slashed, the deployment check fails (with --vk), or the key cannot pay the bond\n"
        "and the gas. Prints the challenge id, the bond and the response deadline.\n\n"
        "  --rpc URL            the chain's JSON-RPC endpoint\n"
        "  --key FILE           the challenger's key (hex, mode 0600); pays the bond\n"
        "  --receipt FILE       the receipt, with its batch and Merkle proof (ozk_getReceipt)\n"
        "  --vk FILE            run the deployment check first (recommended)\n"
        "  --insecure-dev-srs   accept a vk made with a dev SRS (tests only)\n");
}

/* What a record challenge needs, checked: 0 or the exit status. */
static int submit_checks(const char *prog, ozk_rpc *rpc, const args *o, const ozk_chal_receipt *r,
                         ozk_chal_batch *b, uint64_t *now)
{
    ozk_chal_local l;
    ozk_chal_receipt_verify(&l, r);
    char t1[160];
    if (!l.x_hash_ok || !l.y_hash_ok || !l.leaf_ok) {
        fprintf(stderr,
                "%s: refused: the receipt's %s does not match its preimages (salt, "
                "input_q, output_q); `ozk challenge check` says more\n",
                prog,
                !l.x_hash_ok   ? "x_hash"
                : !l.y_hash_ok ? "y_hash"
                               : "leaf");
        return CLI_FAIL;
    }
    int st = check_chain(prog, rpc, r->chain_id, r->settlement, now, 1);
    if (st) return st;
    if (!r->has_batch) {
        fprintf(
            stderr,
            "%s: refused: the record is not in a batch (the receipt's batch is null). Fetch\n"
            "the receipt again with ozk_getReceipt later; if the record is still not committed\n"
            "after its commit deadline %s, dispute the receipt itself with `ozk challenge\n"
            "receipt`\n",
            prog, when_text(t1, sizeof t1, r->commit_deadline, *now));
        return CLI_FAIL;
    }
    if (!r->batch.has_proof) {
        fprintf(stderr,
                "%s: refused: the receipt has no merkle_proof: fetch it with the node's "
                "ozk_getReceipt (not ozk_getRecord)\n",
                prog);
        return CLI_FAIL;
    }
    ozk_rpc_error e;
    if (ozk_chal_read_batch(rpc, b, r->settlement, r->model_id, r->batch.seq, &e) < 0)
        return rpc_fail(prog, "reading batch()", &e);
    if (b->count == 0) {
        fprintf(
            stderr,
            "%s: refused: batch %llu of the model is not committed on chain (yet). Wait for the "
            "node to commit it; if it is still not committed after the commit deadline %s, use "
            "`ozk challenge receipt`\n",
            prog, (unsigned long long)r->batch.seq,
            when_text(t1, sizeof t1, r->commit_deadline, *now));
        return CLI_FAIL;
    }
    if (!ozk_merkle_verify(b->root, l.leaf, r->batch.index, b->count,
                           (const uint8_t(*)[32])r->batch.proof, r->batch.depth)) {
        fprintf(stderr,
                "%s: refused: the receipt's Merkle proof does not open the root the chain "
                "stored for batch %llu: the record is not in that committed batch\n",
                prog, (unsigned long long)r->batch.seq);
        return CLI_FAIL;
    }
    int rs;
    if (ozk_chal_read_record_status(rpc, &rs, r->settlement, r->model_id, r->batch.seq,
                                    r->batch.index, &e) < 0)
        return rpc_fail(prog, "recordStatus", &e);
    if (rs == OZK_REC_PROVEN || rs == OZK_REC_SLASHED) {
        fprintf(stderr, "%s: refused: the record is already %s: %s\n", prog,
                ozk_chal_record_status_name(rs),
                rs == OZK_REC_PROVEN ? "a proof showed the output is the model's; a new challenge "
                                       "cannot open"
                                     : "the operator was slashed for it; nothing is left to "
                                       "dispute");
        return CLI_FAIL;
    }
    uint64_t end = b->commit_ts + b->challenge_window;
    if (*now >= end) {
        /* the next block's time is later than the latest's: it would be past the window */
        fprintf(stderr,
                "%s: refused: the challenge window of batch %llu closed at %s; the record "
                "is Final\n",
                prog, (unsigned long long)r->batch.seq, when_text(t1, sizeof t1, end, *now));
        return CLI_FAIL;
    }
    if (o->vk) {
        ozk_chal_model mo;
        if (ozk_chal_read_model(rpc, &mo, r->settlement, r->model_id, &e) < 0)
            return rpc_fail(prog, "reading model()", &e);
        st = cli_verify_deployment(prog, rpc, o->vk, o->insecure_ok, mo.verifier, r->settlement,
                                   r->model_id);
        if (st) {
            if (st == CLI_FAIL)
                fprintf(stderr,
                        "%s: refused: the deployment check failed (above): a proof could "
                        "be accepted by a verifier that is not the vk's\n",
                        prog);
            return st;
        }
    }
    return CLI_OK;
}

static int cmd_challenge_submit(int argc, char **argv)
{
    const char *prog = "ozk challenge submit";
    args o;
    int pa = parse_args(&o, argc, argv, A_RPC | A_KEY | A_RECEIPT | A_VK, A_RPC | A_KEY | A_RECEIPT,
                        prog, submit_usage);
    if (pa) return pa > 0 ? CLI_OK : CLI_USAGE;
    ozk_key key;
    if (load_key(prog, o.key, &key) < 0) return CLI_USAGE;
    ozk_chal_receipt r;
    int st = load_receipt(prog, o.receipt, &r);
    ozk_rpc *rpc = NULL;
    ozk_sender *s = NULL;
    uint8_t *data = NULL;
    if (st) goto done;
    if (!(rpc = open_rpc(prog, o.rpc))) {
        st = CLI_USAGE;
        goto done;
    }
    ozk_chal_batch b;
    uint64_t now;
    if ((st = submit_checks(prog, rpc, &o, &r, &b, &now))) goto done;
    if ((st = open_sender(prog, rpc, &key, &s))) goto done;
    size_t len;
    if (ozk_chal_calldata_challenge(&data, &len, &r) < 0) {
        fprintf(stderr, "%s: out of memory\n", prog);
        st = CLI_FAIL;
        goto done;
    }
    uint64_t id;
    ozk_chal_info c;
    if ((st = send_challenge(prog, rpc, s, "challenge", r.settlement, b.bond, data, len, &id, &c,
                             &now)))
        goto done;
    char w[128], t[160], a[43];
    printf("challenge   %llu\n", (unsigned long long)id);
    printf("bond        %s\n", wei_text(w, c.bond));
    printf("deadline    %s: the operator must answer with a proof by then\n",
           when_text(t, sizeof t, c.deadline, now));
    printf("next        ozk challenge watch --rpc %s --settlement %s --id %llu\n", o.rpc,
           addr_text(a, r.settlement), (unsigned long long)id);
    st = CLI_OK;
done:
    free(data);
    ozk_sender_close(s);
    ozk_rpc_close(rpc);
    ozk_chal_receipt_clear(&r);
    ozk_key_wipe(&key);
    return st;
}

/* ---- ozk challenge receipt ---------------------------------------------------------------------
 */

static void receipt_usage(FILE *out)
{
    fprintf(
        out,
        "usage: ozk challenge receipt --rpc URL --key FILE --receipt RECEIPT.json\n\n"
        "Disputes a receipt whose record the operator did not commit by the receipt's\n"
        "commit_deadline: sends challengeReceipt(receipt, signature, salt, x, y) with the\n"
        "model's bond. Possible from the deadline + 1 s (chain time; from the exit request when\n"
        "the model exits first) for one challenge window. The operator must then show the\n"
        "record in a batch committed by the deadline and prove it, or be slashed (`ozk\n"
        "challenge claim`). Refuses, and sends nothing, before that time and after the window.\n\n"
        "  --rpc URL            the chain's JSON-RPC endpoint\n"
        "  --key FILE           the challenger's key (hex, mode 0600); pays the bond\n"
        "  --receipt FILE       the receipt (ozk_infer's or ozk_getReceipt's answer)\n");
}

static int cmd_challenge_receipt(int argc, char **argv)
{
    const char *prog = "ozk challenge receipt";
    args o;
    int pa = parse_args(&o, argc, argv, A_RPC | A_KEY | A_RECEIPT, A_RPC | A_KEY | A_RECEIPT, prog,
                        receipt_usage);
    if (pa) return pa > 0 ? CLI_OK : CLI_USAGE;
    ozk_key key;
    if (load_key(prog, o.key, &key) < 0) return CLI_USAGE;
    ozk_chal_receipt r;
    int st = load_receipt(prog, o.receipt, &r);
    ozk_rpc *rpc = NULL;
    ozk_sender *s = NULL;
    uint8_t *data = NULL;
    char t1[160], t2[160], w[128], a[43];
    if (st) goto done;
    ozk_chal_local l;
    ozk_chal_receipt_verify(&l, &r);
    if (!l.x_hash_ok || !l.y_hash_ok || !l.signer_ok) {
        fprintf(stderr,
                "%s: refused: the receipt's %s does not check; `ozk challenge check` says "
                "more\n",
                prog,
                !l.x_hash_ok   ? "x_hash"
                : !l.y_hash_ok ? "y_hash"
                               : "signature");
        st = CLI_FAIL;
        goto done;
    }
    if (!(rpc = open_rpc(prog, o.rpc))) {
        st = CLI_USAGE;
        goto done;
    }
    uint64_t now;
    if ((st = check_chain(prog, rpc, r.chain_id, r.settlement, &now, 1))) goto done;
    ozk_rpc_error e;
    ozk_chal_model mo;
    if (ozk_chal_read_model(rpc, &mo, r.settlement, r.model_id, &e) < 0) {
        st = rpc_fail(prog, "reading model()", &e);
        goto done;
    }
    static const uint8_t zero20[20];
    if (!memcmp(mo.owner, zero20, 20)) {
        fprintf(stderr, "%s: refused: the receipt's model is not registered in its settlement\n",
                prog);
        st = CLI_FAIL;
        goto done;
    }
    uint64_t from = r.commit_deadline;
    if (mo.exiting && mo.exit_ts < from) from = mo.exit_ts;
    uint64_t until = from + mo.challenge_window;
    if (now + 1 <= from) {
        fprintf(stderr,
                "%s: refused: too early: the operator has until the commit deadline %s to commit "
                "the record; a receipt challenge is possible from %llu until %llu\n",
                prog, when_text(t1, sizeof t1, from, now), (unsigned long long)(from + 1),
                (unsigned long long)until);
        st = CLI_FAIL;
        goto done;
    }
    if (now >= until) {
        fprintf(stderr, "%s: refused: the receipt's challenge window closed at %s\n", prog,
                when_text(t1, sizeof t1, until, now));
        st = CLI_FAIL;
        goto done;
    }
    if (r.has_batch && r.batch.committed)
        fprintf(
            stderr,
            "%s: note: the receipt says batch %llu holds the record; if it was committed by the "
            "deadline the operator answers this challenge and the bond goes to its payee\n",
            prog, (unsigned long long)r.batch.seq);
    if ((st = open_sender(prog, rpc, &key, &s))) goto done;
    size_t len;
    if (ozk_chal_calldata_receipt(&data, &len, &r) < 0) {
        fprintf(stderr, "%s: out of memory\n", prog);
        st = CLI_FAIL;
        goto done;
    }
    uint64_t id;
    ozk_chal_info c;
    if ((st = send_challenge(prog, rpc, s, "receipt challenge", r.settlement, mo.bond, data, len,
                             &id, &c, &now)))
        goto done;
    printf("challenge   %llu (receipt)\n", (unsigned long long)id);
    printf("bond        %s\n", wei_text(w, c.bond));
    printf("deadline    %s: the operator must show the record committed by %s and prove it\n",
           when_text(t1, sizeof t1, c.deadline, now),
           when_text(t2, sizeof t2, r.commit_deadline, now));
    printf("next        ozk challenge watch --rpc %s --settlement %s --id %llu\n", o.rpc,
           addr_text(a, r.settlement), (unsigned long long)id);
    st = CLI_OK;
done:
    free(data);
    ozk_sender_close(s);
    ozk_rpc_close(rpc);
    ozk_chal_receipt_clear(&r);
    ozk_key_wipe(&key);
    return st;
}

/* ---- ozk challenge status / watch --------------------------------------------------------------
 */

static void status_usage(FILE *out)
{
    fprintf(
        out,
        "usage: ozk challenge status --rpc URL --settlement ADDR --id N\n\n"
        "Prints challenge N: its kind (Record or Receipt), status (Open, Answered, TimedOut),\n"
        "response deadline and the time left (chain time), bond, challenger and model. Exit 0,\n"
        "or 1 when there is no such challenge.\n\n"
        "  --rpc URL            the chain's JSON-RPC endpoint\n"
        "  --settlement ADDR    the settlement contract\n"
        "  --id N               the challenge id (`ozk challenge submit` printed it)\n");
}

static void watch_usage(FILE *out)
{
    fprintf(out,
            "usage: ozk challenge watch --rpc URL --settlement ADDR --id N [--timeout S]\n\n"
            "Follows challenge N every second and prints each change, until it is Answered (a\n"
            "proof came), TimedOut (resolved by `ozk challenge claim`), or Open past its deadline\n"
            "(claimable): exit 0. Exit 1 when --timeout seconds (default 600) pass first.\n\n"
            "  --rpc URL            the chain's JSON-RPC endpoint\n"
            "  --settlement ADDR    the settlement contract\n"
            "  --id N               the challenge id\n"
            "  --timeout S          stop watching after S seconds of wall time\n");
}

/* Reads challenge id and the chain's time: 0 or the exit status (1: no such challenge). */
static int read_challenge(const char *prog, ozk_rpc *rpc, const args *o, ozk_chal_info *c,
                          uint64_t *now)
{
    ozk_rpc_error e;
    if (ozk_chal_read_challenge(rpc, c, o->settlement, o->id, &e) < 0)
        return rpc_fail(prog, "reading challengeInfo()", &e);
    if (ozk_chal_chain_time(rpc, now, &e) < 0) return rpc_fail(prog, "the chain's time", &e);
    if (c->kind == OZK_KIND_NONE) {
        uint64_t n = 0;
        ozk_chal_read_count(rpc, &n, o->settlement, &e);
        fprintf(stderr, "%s: there is no challenge %llu in this settlement (it has %llu)\n", prog,
                (unsigned long long)o->id, (unsigned long long)n);
        return CLI_FAIL;
    }
    return CLI_OK;
}

static void print_challenge(const args *o, const ozk_chal_info *c, uint64_t now)
{
    char t[160], w[128], a[43];
    printf("challenge   %llu\n", (unsigned long long)o->id);
    printf("kind        %s\n", ozk_chal_kind_name(c->kind));
    printf("status      %s%s\n", ozk_chal_status_name(c->status),
           c->status == OZK_CH_OPEN && now > c->deadline
               ? " (deadline passed unanswered: `ozk challenge claim` slashes)"
               : "");
    printf("deadline    %s\n", when_text(t, sizeof t, c->deadline, now));
    printf("bond        %s\n", wei_text(w, c->bond));
    printf("challenger  %s\n", addr_text(a, c->challenger));
    printf("model       ");
    hex_print(stdout, c->model_id, 32);
    putchar('\n');
}

static int cmd_challenge_status(int argc, char **argv)
{
    const char *prog = "ozk challenge status";
    args o;
    int pa = parse_args(&o, argc, argv, A_RPC | A_SETTLEMENT | A_ID, A_RPC | A_SETTLEMENT | A_ID,
                        prog, status_usage);
    if (pa) return pa > 0 ? CLI_OK : CLI_USAGE;
    ozk_rpc *rpc = open_rpc(prog, o.rpc);
    if (!rpc) return CLI_USAGE;
    ozk_chal_info c;
    uint64_t now;
    int st = read_challenge(prog, rpc, &o, &c, &now);
    if (!st) print_challenge(&o, &c, now);
    ozk_rpc_close(rpc);
    return st;
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmd_challenge_watch(int argc, char **argv)
{
    const char *prog = "ozk challenge watch";
    args o;
    int pa = parse_args(&o, argc, argv, A_RPC | A_SETTLEMENT | A_ID | A_TIMEOUT,
                        A_RPC | A_SETTLEMENT | A_ID, prog, watch_usage);
    if (pa) return pa > 0 ? CLI_OK : CLI_USAGE;
    if (!o.timeout_s) o.timeout = 600;
    ozk_rpc *rpc = open_rpc(prog, o.rpc);
    if (!rpc) return CLI_USAGE;
    double t0 = mono_s();
    int last = -1, expired = 0, st;
    for (;;) {
        ozk_chal_info c;
        uint64_t now;
        if ((st = read_challenge(prog, rpc, &o, &c, &now))) break;
        char t[160];
        if (last < 0)
            print_challenge(&o, &c, now);
        else if (c.status != last)
            printf("change      %s -> %s (chain time %llu)\n", ozk_chal_status_name(last),
                   ozk_chal_status_name(c.status), (unsigned long long)now);
        last = c.status;
        if (c.status == OZK_CH_ANSWERED) {
            printf("ended       Answered: a valid proof came; the bond went to the operator's "
                   "payee\n");
            break;
        }
        if (c.status == OZK_CH_TIMED_OUT) {
            printf("ended       TimedOut: the operator was slashed; `ozk withdraw` pays out the "
                   "challenger's credits\n");
            break;
        }
        if (now > c.deadline && !expired) {
            printf("ended       the deadline %s passed unanswered: `ozk challenge claim` slashes\n",
                   when_text(t, sizeof t, c.deadline, now));
            expired = 1;
            break;
        }
        if (mono_s() - t0 >= (double)o.timeout) {
            printf("watch timed out after %llu s: the challenge is still %s, deadline %s\n",
                   (unsigned long long)o.timeout, ozk_chal_status_name(c.status),
                   when_text(t, sizeof t, c.deadline, now));
            st = CLI_FAIL;
            break;
        }
        fflush(stdout);
        struct timespec ts = { 1, 0 };
        nanosleep(&ts, NULL);
    }
    ozk_rpc_close(rpc);
    return st;
}

/* ---- ozk challenge claim -----------------------------------------------------------------------
 */

static void claim_usage(FILE *out)
{
    fprintf(out,
            "usage: ozk challenge claim --rpc URL --key FILE --settlement ADDR --id N\n\n"
            "Slashes the operator for challenge N, which no proof answered by its deadline:\n"
            "sends resolveTimeout(N). The challenger is credited its bond plus its share of the\n"
            "stake (`ozk withdraw` pays credits out). Refuses before the deadline (with the time\n"
            "left) and when the challenge is not open.\n\n"
            "  --rpc URL            the chain's JSON-RPC endpoint\n"
            "  --key FILE           the key that pays the gas (anyone may resolve; the challenger\n"
            "                       is credited)\n"
            "  --settlement ADDR    the settlement contract\n"
            "  --id N               the challenge id\n");
}

static int cmd_challenge_claim(int argc, char **argv)
{
    const char *prog = "ozk challenge claim";
    args o;
    unsigned need = A_RPC | A_KEY | A_SETTLEMENT | A_ID;
    int pa = parse_args(&o, argc, argv, need, need, prog, claim_usage);
    if (pa) return pa > 0 ? CLI_OK : CLI_USAGE;
    ozk_key key;
    if (load_key(prog, o.key, &key) < 0) return CLI_USAGE;
    ozk_rpc *rpc = open_rpc(prog, o.rpc);
    ozk_sender *s = NULL;
    ozk_chal_info c;
    uint64_t now;
    char t[160], w[128], w2[128], a[43];
    int st = rpc ? read_challenge(prog, rpc, &o, &c, &now) : CLI_USAGE;
    if (st) goto done;
    if (c.status != OZK_CH_OPEN) {
        fprintf(stderr, "%s: refused: challenge %llu is %s: %s\n", prog, (unsigned long long)o.id,
                ozk_chal_status_name(c.status),
                c.status == OZK_CH_ANSWERED ? "the operator answered it with a valid proof"
                                            : "it was already resolved; `ozk withdraw` pays out "
                                              "credits");
        st = CLI_FAIL;
        goto done;
    }
    if (now < c.deadline) {
        fprintf(stderr,
                "%s: refused: too early: the operator may answer until %s; claim after it\n", prog,
                when_text(t, sizeof t, c.deadline, now));
        st = CLI_FAIL;
        goto done;
    }
    ozk_rpc_error e;
    uint8_t before[32], after[32], got[32], zero[32] = { 0 };
    if (ozk_chal_read_credits(rpc, before, o.settlement, c.challenger, &e) < 0) {
        st = rpc_fail(prog, "reading credits()", &e);
        goto done;
    }
    if ((st = open_sender(prog, rpc, &key, &s))) goto done;
    uint8_t data[36], hash[32];
    ozk_chal_calldata_resolve(data, o.id);
    if ((st = send_call(prog, rpc, s, "resolveTimeout", o.settlement, zero, data, sizeof data,
                        hash)))
        goto done;
    if (ozk_chal_read_credits(rpc, after, o.settlement, c.challenger, &e) < 0) {
        st = rpc_fail(prog, "reading credits()", &e);
        goto done;
    }
    if (memcmp(after, before, 32) < 0) memcpy(after, before, 32); /* withdrawn meanwhile */
    u256_sub(got, after, before);
    printf("slashed     challenge %llu timed out; the model is frozen\n", (unsigned long long)o.id);
    printf("credited    %s to %s (bond %s plus the reward)\n", wei_text(w, got),
           addr_text(a, c.challenger), wei_text(w2, c.bond));
    printf("next        ozk withdraw --rpc %s --key KEY --settlement %s\n", o.rpc, o.settlement_s);
    st = CLI_OK;
done:
    ozk_sender_close(s);
    ozk_rpc_close(rpc);
    ozk_key_wipe(&key);
    return st;
}

/* ---- ozk withdraw ------------------------------------------------------------------------------
 */

static void withdraw_usage(FILE *out)
{
    fprintf(out,
            "usage: ozk withdraw --rpc URL --key FILE --settlement ADDR [--to ADDR]\n\n"
            "Pays out the key's credits in the settlement (bonds and rewards of won challenges,\n"
            "bonds of answered challenges for a payee, a withdrawn stake): withdrawCredits(to).\n"
            "Refuses when the account has no credits.\n\n"
            "  --rpc URL            the chain's JSON-RPC endpoint\n"
            "  --key FILE           the account whose credits are paid (hex key, mode 0600)\n"
            "  --settlement ADDR    the settlement contract\n"
            "  --to ADDR            where the ether goes (default: the key's own address)\n");
}

int cmd_withdraw(int argc, char **argv)
{
    const char *prog = "ozk withdraw";
    args o;
    unsigned need = A_RPC | A_KEY | A_SETTLEMENT;
    int pa = parse_args(&o, argc, argv, need | A_TO, need, prog, withdraw_usage);
    if (pa) return pa > 0 ? CLI_OK : CLI_USAGE;
    ozk_key key;
    if (load_key(prog, o.key, &key) < 0) return CLI_USAGE;
    ozk_rpc *rpc = open_rpc(prog, o.rpc);
    ozk_sender *s = NULL;
    char w[128], a[43], a2[43];
    int st = rpc ? CLI_OK : CLI_USAGE;
    if (st) goto done;
    uint8_t me[20];
    if (ozk_key_address(me, &key) < 0) {
        fprintf(stderr, "%s: %s: not a valid key\n", prog, o.key);
        st = CLI_USAGE;
        goto done;
    }
    if (!o.to_s) memcpy(o.to, me, 20);
    ozk_rpc_error e;
    uint8_t credits[32], bal0[32], bal1[32], zero[32] = { 0 };
    if (ozk_chal_read_credits(rpc, credits, o.settlement, me, &e) < 0) {
        st = rpc_fail(prog, "reading credits()", &e);
        goto done;
    }
    if (u256_is_zero(credits)) {
        fprintf(stderr, "%s: refused: %s has no credits in this settlement: nothing to withdraw\n",
                prog, addr_text(a, me));
        st = CLI_FAIL;
        goto done;
    }
    if (ozk_rpc_get_balance(rpc, bal0, o.to, &e) < 0) {
        st = rpc_fail(prog, "reading the balance", &e);
        goto done;
    }
    if ((st = open_sender(prog, rpc, &key, &s))) goto done;
    uint8_t data[36], hash[32];
    ozk_chal_calldata_withdraw(data, o.to);
    if ((st = send_call(prog, rpc, s, "withdrawCredits", o.settlement, zero, data, sizeof data,
                        hash)))
        goto done;
    printf("withdrawn   %s from %s to %s\n", wei_text(w, credits), addr_text(a, me),
           addr_text(a2, o.to));
    if (ozk_rpc_get_balance(rpc, bal1, o.to, &e) == 0)
        printf("balance     %s\n", wei_text(w, bal1));
    (void)bal0;
    st = CLI_OK;
done:
    ozk_sender_close(s);
    ozk_rpc_close(rpc);
    ozk_key_wipe(&key);
    return st;
}

/* ---- ozk challenge -----------------------------------------------------------------------------
 */

static void challenge_usage(FILE *out)
{
    fprintf(out,
            "usage: ozk challenge <check|submit|receipt|status|watch|claim> [options]\n\n"
            "The challenger's commands (docs/challenger.md):\n"
            "  check    check a receipt: signature, committer, Merkle proof, status, window;\n"
            "           with --vk the deployment, with --model the output (MATCH / MISMATCH)\n"
            "  submit   dispute a committed record, paying the batch's bond\n"
            "  receipt  dispute a receipt whose record was not committed by its deadline\n"
            "  status   show a challenge\n"
            "  watch    follow a challenge until it is answered or its deadline passes\n"
            "  claim    slash after an unanswered deadline (resolveTimeout)\n"
            "and `ozk withdraw` pays out credits. `ozk challenge <command> --help` says more.\n");
}

int cmd_challenge(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } subs[] = {
        { "check", cmd_challenge_check },     { "submit", cmd_challenge_submit },
        { "receipt", cmd_challenge_receipt }, { "status", cmd_challenge_status },
        { "watch", cmd_challenge_watch },     { "claim", cmd_challenge_claim },
    };
    if (argc < 2) {
        challenge_usage(stderr);
        return CLI_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        challenge_usage(stdout);
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof subs / sizeof *subs; i++)
        if (!strcmp(argv[1], subs[i].name)) return subs[i].run(argc - 1, argv + 1);
    fprintf(stderr, "ozk challenge: unknown command '%s'\n", argv[1]);
    challenge_usage(stderr);
    return CLI_USAGE;
}
