/*
 * tests/test_deploy.c: `ozk deploy` on a real anvil, and the deployment file's reader
 * (ozk/deployment.h, docs/deployment.md).
 *
 * The digits MLP on a dev SRS (2^13). A fresh deploy (a new Settlement, the verifier, the
 * registration) writes a deployment file and the vk next to it; ozk_deployment_load reads it
 * back and every field is compared with the chain (model(id): verifier, code hash, vk hash,
 * stake, bond, windows, gas terms) and with the vk; `ozk verify-deployment` accepts it. A second
 * model reuses the settlement with a bond under the floor (raised to it, as documented), a
 * longer challenge window and another payee. Refused: a dev-SRS vk without --insecure-dev-srs,
 * a bond above MAX_BOND, an EOA as the settlement, a salt already used, an unreachable RPC.
 * solc-js compiles Settlement once and the verifier three times (two deploys, one
 * verify-deployment): about 20 s.
 *
 * The reader: a round trip through ozk_deployment_encode, then a missing field, bad hex, a
 * wrong format string, a relative path, a bad amount, an unknown field and a file that is not
 * JSON, each refused with the field named.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "anvil.h"
#include "ozk/abi.h"
#include "ozk/deployment.h"
#include "ozk/error.h"
#include "ozk/hex.h"
#include "ozk/keccak.h"
#include "ozk/proof.h"
#include "ozk/rpc.h"
#include "testutil.h"

/* anvil's dev account 0 */
static const char KEY[] = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80\n";
static const char PAYEE[] = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"; /* account 1, an EOA */
#define MODEL OZK_FIXTURES "/models/digits-mlp.ozkm"

#define ETHER 1000000000000000000ULL

/* Model's words in model(id) (contracts/src/Settlement.sol, struct Model) */
enum {
    M_OWNER,
    M_COMMITTER,
    M_PAYEE,
    M_VERIFIER,
    M_CODEHASH,
    M_VKHASH,
    M_CWHASH,
    M_SRSID,
    M_PROTOCOL,
    M_STAKE,
    M_BOND,
    M_CW,
    M_RW,
    M_INSECURE,
    M_FROZEN,
    M_EXITING,
    M_VERIFYGAS,
    M_RESPONDGAS,
    M_PROVINGCOST,
    M_WORDS = 23
};

static struct anvil g_anvil;
static char g_dir[512];

static void u64_be32(uint8_t out[32], uint64_t x)
{
    memset(out, 0, 32);
    for (int i = 0; i < 8; i++) out[31 - i] = (uint8_t)(x >> (8 * i));
}

static void hex0x(char *out, const uint8_t *b, size_t n)
{
    out[0] = '0';
    out[1] = 'x';
    ozk_hex_encode(out + 2, b, n);
}

/* one word of a view with no arguments or one bytes32 */
static void view(ozk_rpc *rpc, const uint8_t to[20], const char *sig, const uint8_t *arg,
                 uint8_t *out, size_t words)
{
    uint8_t data[36];
    ozk_abi_selector(data, sig);
    if (arg) memcpy(data + 4, arg, 32);
    uint8_t *ret = NULL;
    size_t len = 0;
    ozk_rpc_error e;
    if (ozk_rpc_eth_call(rpc, &ret, &len, to, data, arg ? 36 : 4, &e) < 0)
        fail_msg("%s: %s", sig, e.message);
    assert_int_equal(len, 32 * words);
    memcpy(out, ret, len);
    free(ret);
}

/* The deployment's fields against model(id) on the chain and against its vk file. */
static void check_against_chain(ozk_rpc *rpc, const ozk_deployment *d)
{
    uint8_t w[M_WORDS * 32], v[32], zero[12] = { 0 };
    view(rpc, d->settlement, "model(bytes32)", d->model_id, w, M_WORDS);
    assert_memory_equal(w + 32 * M_OWNER + 12, d->owner, 20);
    assert_memory_equal(w + 32 * M_OWNER, zero, 12);
    assert_memory_equal(w + 32 * M_COMMITTER + 12, d->committer, 20);
    assert_memory_equal(w + 32 * M_PAYEE + 12, d->payee, 20);
    assert_memory_equal(w + 32 * M_VERIFIER + 12, d->verifier, 20);
    assert_memory_equal(w + 32 * M_CODEHASH, d->verifier_code_hash, 32);
    assert_memory_equal(w + 32 * M_VKHASH, d->vk_hash, 32);
    assert_memory_equal(w + 32 * M_CWHASH, d->cw_hash, 32);
    assert_memory_equal(w + 32 * M_SRSID, d->srs_id, 32);
    assert_memory_equal(w + 32 * M_STAKE, d->stake_wei, 32);
    assert_memory_equal(w + 32 * M_BOND, d->bond_wei, 32);
    assert_memory_equal(w + 32 * M_PROVINGCOST, d->proving_cost_wei, 32);
    u64_be32(v, d->protocol_version);
    assert_memory_equal(w + 32 * M_PROTOCOL, v, 32);
    u64_be32(v, d->challenge_window);
    assert_memory_equal(w + 32 * M_CW, v, 32);
    u64_be32(v, d->response_window);
    assert_memory_equal(w + 32 * M_RW, v, 32);
    u64_be32(v, (uint64_t)d->insecure);
    assert_memory_equal(w + 32 * M_INSECURE, v, 32);
    u64_be32(v, d->verify_gas);
    assert_memory_equal(w + 32 * M_VERIFYGAS, v, 32);
    u64_be32(v, d->respond_gas);
    assert_memory_equal(w + 32 * M_RESPONDGAS, v, 32);
    assert_true(d->verify_gas > 0 && d->verify_gas <= d->respond_gas);

    /* the code hash is the code's, and the model id is modelIdOf(owner, salt) on chain */
    uint8_t *code = NULL, h[32];
    size_t len = 0;
    ozk_rpc_error e;
    assert_int_equal(ozk_rpc_get_code(rpc, &code, &len, d->verifier, &e), 0);
    assert_true(len > 0);
    ozk_keccak256(h, code, len);
    free(code);
    assert_memory_equal(h, d->verifier_code_hash, 32);
    uint64_t chain_id = 0, head = 0;
    assert_int_equal(ozk_rpc_chain_id(rpc, &chain_id, &e), 0);
    assert_int_equal(ozk_rpc_block_number(rpc, &head, &e), 0);
    assert_true(d->chain_id == chain_id);
    assert_true(d->settlement_block >= 1 && d->settlement_block <= d->registered_block &&
                d->registered_block <= head);

    /* the vk file is the one registered */
    size_t vlen;
    uint8_t *vbuf = test_read_file(d->vk, &vlen);
    ozk_vk *vk = NULL;
    char err[256];
    assert_int_equal(ozk_vk_decode(&vk, vbuf, vlen, err, sizeof err), 0);
    free(vbuf);
    assert_memory_equal(ozk_vk_hash(vk), d->vk_hash, 32);
    assert_memory_equal(ozk_vk_model_hash(vk), d->model_hash, 32);
    assert_int_equal(ozk_vk_insecure(vk), d->insecure);
    ozk_vk_free(vk);
}

static void test_deploy_on_anvil(void **state)
{
    (void)state;
    char srs[600], key[600], out1[600], out2[600], vk1[600], bad[600];
    test_tmpdir(g_dir, sizeof g_dir, "deploy");
    snprintf(srs, sizeof srs, "%s/srs.bin", g_dir);
    snprintf(key, sizeof key, "%s/owner.key", g_dir);
    snprintf(out1, sizeof out1, "%s/digits.json", g_dir);
    snprintf(out2, sizeof out2, "%s/second.json", g_dir);
    snprintf(vk1, sizeof vk1, "%s/digits.vk", g_dir);
    snprintf(bad, sizeof bad, "%s/bad.json", g_dir);
    test_write_file(key, KEY, strlen(KEY));
    assert_int_equal(chmod(key, 0600), 0);
    test_bin_expect(OZK_BIN, 0, "INSECURE", "setup --dev --max-vars 13 -o '%s'", srs);
    assert_int_equal(anvil_start(&g_anvil), 0);
    const char *url = g_anvil.url;
    const char *common = "--model '" MODEL "' --insecure-dev-srs";

    /* 1. a fresh deploy: a new settlement, the vk written next to -o */
    char *out = NULL;
    int rc = test_bin(&out, OZK_BIN, "deploy --rpc %s --key '%s' --srs '%s' -o '%s' %s", url, key,
                      srs, out1, common);
    if (rc != 0) fail_msg("ozk deploy failed:\n%s", out);
    printf("%s", out);
    assert_non_null(strstr(out, "(deployed, block"));
    assert_non_null(strstr(out, "wrote "));
    free(out);
    struct stat st;
    assert_int_equal(stat(out1, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    assert_int_equal(stat(vk1, &st), 0);

    ozk_deployment d1;
    char err[512];
    if (ozk_deployment_load(&d1, out1, err, sizeof err)) fail_msg("%s", err);
    char *real = realpath(vk1, NULL);
    assert_non_null(real);
    assert_string_equal(d1.vk, real);
    free(real);
    assert_int_equal(d1.insecure, 1);
    assert_int_equal(d1.protocol_version, OZK_PROTOCOL_VERSION);
    assert_int_equal(d1.challenge_window, 600); /* the minimum 60 s raised to 600 */
    assert_int_equal(d1.response_window, 600);
    {
        uint8_t w[32];
        u64_be32(w, ETHER); /* the default MIN_STAKE */
        assert_memory_equal(d1.stake_wei, w, 32);
        assert_memory_equal(d1.owner, d1.committer, 20);
        assert_memory_equal(d1.owner, d1.payee, 20);
    }
    ozk_rpc_config cfg;
    ozk_rpc_config_default(&cfg);
    cfg.url = url;
    ozk_rpc *rpc = NULL;
    ozk_rpc_error e;
    assert_int_equal(ozk_rpc_open(&rpc, &cfg, &e), 0);
    check_against_chain(rpc, &d1);

    char sa[43], va[43], ma[67];
    hex0x(sa, d1.settlement, 20);
    hex0x(va, d1.verifier, 20);
    hex0x(ma, d1.model_id, 32);
    test_bin_expect(OZK_BIN, 0, "deployment OK",
                    "verify-deployment --vk '%s' --rpc %s --address %s --settlement %s "
                    "--model-id %s --insecure-dev-srs",
                    d1.vk, url, va, sa, ma);

    /* 2. refusals that cost nothing on chain */
    test_bin_expect(OZK_BIN, 1, "dev SRS",
                    "deploy --rpc %s --key '%s' --srs '%s' --vk '%s' -o '%s' --model '" MODEL "'",
                    url, key, srs, vk1, bad);
    test_bin_expect(OZK_BIN, 1, "above the settlement's MAX_BOND",
                    "deploy --rpc %s --key '%s' --srs '%s' --vk '%s' -o '%s' --settlement %s "
                    "--bond 10.5 %s",
                    url, key, srs, vk1, bad, sa, common);
    test_bin_expect(OZK_BIN, 1, "has no code",
                    "deploy --rpc %s --key '%s' --srs '%s' --vk '%s' -o '%s' --settlement %s %s",
                    url, key, srs, vk1, bad, PAYEE, common);
    test_bin_expect(OZK_BIN, 1, "cannot reach the chain",
                    "deploy --rpc http://127.0.0.1:1 --key '%s' --srs '%s' --vk '%s' -o '%s' %s",
                    key, srs, vk1, bad, common);
    test_bin_expect(OZK_BIN, 2, "for a new settlement",
                    "deploy --rpc %s --key '%s' --srs '%s' --vk '%s' -o '%s' --settlement %s "
                    "--min-stake 2 %s",
                    url, key, srs, vk1, bad, sa, common);
    test_bin_expect(OZK_BIN, 1, "below the settlement's MIN_STAKE",
                    "deploy --rpc %s --key '%s' --srs '%s' --vk '%s' -o '%s' --settlement %s "
                    "--stake 0.5 %s",
                    url, key, srs, vk1, bad, sa, common);
    assert_int_not_equal(stat(bad, &st), 0); /* nothing written */

    /* 3. a second model in the same settlement: a bond under the floor is raised to it */
    const char *salt = "0x00000000000000000000000000000000000000000000000000000000000000a1";
    rc = test_bin(&out, OZK_BIN,
                  "deploy --rpc %s --key '%s' --srs '%s' --vk '%s' -o '%s' --settlement %s "
                  "--bond 0.001 --challenge-window 3600 --payee %s --salt %s "
                  "--proving-cost 1000 %s",
                  url, key, srs, vk1, out2, sa, PAYEE, salt, common);
    if (rc != 0) fail_msg("the second ozk deploy failed:\n%s", out);
    assert_non_null(strstr(out, "--bond raised to"));
    assert_non_null(strstr(out, "(reused, block"));
    free(out);
    ozk_deployment d2;
    if (ozk_deployment_load(&d2, out2, err, sizeof err)) fail_msg("%s", err);
    check_against_chain(rpc, &d2);
    assert_memory_equal(d2.settlement, d1.settlement, 20);
    assert_memory_not_equal(d2.model_id, d1.model_id, 32);
    assert_memory_not_equal(d2.verifier, d1.verifier, 20);
    assert_memory_equal(d2.verifier_code_hash, d1.verifier_code_hash, 32);
    assert_true(d2.settlement_block == d2.registered_block);
    assert_int_equal(d2.challenge_window, 3600);
    {
        uint8_t pa[20], w[32], floor[32], data[68], *ret = NULL;
        assert_int_equal(ozk_hex_decode(pa, 20, PAYEE), 20);
        assert_memory_equal(d2.payee, pa, 20);
        /* the bond is max(MIN_BOND, bondFloor(respondGas, provingCost)), above 0.001 ETH */
        view(rpc, d2.settlement, "MIN_BOND()", NULL, w, 1);
        ozk_abi_selector(data, "bondFloor(uint256,uint256)");
        u64_be32(data + 4, d2.respond_gas);
        u64_be32(data + 36, 1000);
        size_t len;
        assert_int_equal(ozk_rpc_eth_call(rpc, &ret, &len, d2.settlement, data, 68, &e), 0);
        assert_int_equal(len, 32);
        memcpy(floor, ret, 32);
        free(ret);
        const uint8_t *want = memcmp(w, floor, 32) > 0 ? w : floor;
        assert_memory_equal(d2.bond_wei, want, 32);
        u64_be32(w, 1000);
        assert_memory_equal(d2.proving_cost_wei, w, 32);
    }
    /* the same salt again: refused before anything is spent */
    test_bin_expect(OZK_BIN, 1, "pass another --salt",
                    "deploy --rpc %s --key '%s' --srs '%s' --vk '%s' -o '%s' --settlement %s "
                    "--salt %s %s",
                    url, key, srs, vk1, bad, sa, salt, common);
    ozk_rpc_close(rpc);
}

/* ---- the reader ------------------------------------------------------------------------------ */

static void sample(ozk_deployment *d)
{
    memset(d, 0, sizeof *d);
    d->chain_id = 31337;
    test_rand_bytes(d->settlement, 20);
    d->settlement_block = 7;
    test_rand_bytes(d->model_id, 32);
    d->registered_block = 9;
    test_rand_bytes(d->owner, 20);
    test_rand_bytes(d->committer, 20);
    test_rand_bytes(d->payee, 20);
    test_rand_bytes(d->verifier, 20);
    test_rand_bytes(d->verifier_code_hash, 32);
    test_rand_bytes(d->vk_hash, 32);
    test_rand_bytes(d->cw_hash, 32);
    test_rand_bytes(d->srs_id, 32);
    test_rand_bytes(d->model_hash, 32);
    d->protocol_version = 1;
    d->insecure = 1;
    strcpy(d->model, "/srv/ozk/digits.ozkm");
    strcpy(d->vk, "/srv/ozk/digits.vk");
    strcpy(d->srs, "/srv/ozk/srs.bin");
    test_rand_bytes(d->stake_wei, 32); /* any 256-bit amount */
    u64_be32(d->bond_wei, 10000000000000000ULL);
    memset(d->proving_cost_wei, 0, 32);
    d->challenge_window = 600;
    d->response_window = 3600;
    d->verify_gas = 1130380;
    d->respond_gas = 1691684;
}

/* Writes the sample with one change (a key set to a JSON value given as text, or removed when
 * value is NULL) and expects the reader to refuse it with rc and a message containing needle. */
static void expect_refused(const char *dir, const char *key, const char *value, int rc,
                           const char *needle)
{
    ozk_deployment d, got;
    sample(&d);
    char *text = NULL;
    assert_int_equal(ozk_deployment_encode(&text, &d), 0);
    json_error_t je;
    json_t *root = json_loads(text, 0, &je);
    free(text);
    assert_non_null(root);
    if (value) {
        json_t *v = json_loads(value, JSON_DECODE_ANY, &je);
        assert_non_null(v);
        json_object_set_new(root, key, v);
    } else {
        json_object_del(root, key);
    }
    char path[600], err[512];
    snprintf(path, sizeof path, "%s/mutated.json", dir);
    assert_int_equal(json_dump_file(root, path, JSON_INDENT(2)), 0);
    json_decref(root);
    int r = ozk_deployment_load(&got, path, err, sizeof err);
    if (r != rc || !strstr(err, needle))
        fail_msg("%s=%s: rc %d, '%s' (want %d and '%s')", key, value ? value : "(removed)", r, err,
                 rc, needle);
    static const ozk_deployment zero;
    assert_memory_equal(&got, &zero, sizeof got); /* zeroed on failure */
}

static void test_deployment_file(void **state)
{
    (void)state;
    char dir[512], path[600], err[512];
    test_tmpdir(dir, sizeof dir, "deployment-file");
    snprintf(path, sizeof path, "%s/d.json", dir);

    /* round trip */
    ozk_deployment d, got;
    sample(&d);
    char *text = NULL;
    assert_int_equal(ozk_deployment_encode(&text, &d), 0);
    test_write_file(path, text, strlen(text));
    free(text);
    if (ozk_deployment_load(&got, path, err, sizeof err)) fail_msg("%s", err);
    assert_memory_equal(&got, &d, sizeof d);

    /* every field is required */
    static const char *const fields[] = {
        "format",
        "chain_id",
        "settlement",
        "settlement_block",
        "model_id",
        "registered_block",
        "owner",
        "committer",
        "payee",
        "verifier",
        "verifier_code_hash",
        "vk_hash",
        "cw_hash",
        "srs_id",
        "model_hash",
        "protocol_version",
        "insecure",
        "model",
        "vk",
        "srs",
        "stake_wei",
        "bond_wei",
        "proving_cost_wei",
        "challenge_window",
        "response_window",
        "verify_gas",
        "respond_gas",
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        char needle[64];
        snprintf(needle, sizeof needle, "\"%s\" is missing", fields[i]);
        expect_refused(dir, fields[i], NULL, OZK_EINVAL, needle);
    }
    /* malformed values */
    expect_refused(dir, "format", "\"ozk-deployment-2\"", OZK_ENOTSUP, "is not ozk-deployment-1");
    expect_refused(dir, "format", "1", OZK_EINVAL, "\"format\"");
    expect_refused(dir, "settlement", "\"0x1234\"", OZK_EINVAL, "\"settlement\": not an address");
    expect_refused(dir, "owner", "\"0xzz39fd6e51aad88f6f4ce6ab8827279cfffb92266\"", OZK_EINVAL,
                   "\"owner\"");
    expect_refused(dir, "model_id",
                   "\"b0f1863df3aff0bd02cd2f4634dfdda090e529dda8da3892721d5d63018e4a3a\"",
                   OZK_EINVAL, "\"model_id\": not 32 bytes");
    expect_refused(dir, "vk_hash", "\"0xb0f1\"", OZK_EINVAL, "\"vk_hash\"");
    expect_refused(dir, "chain_id", "\"31337\"", OZK_EINVAL, "\"chain_id\": not an integer");
    expect_refused(dir, "verify_gas", "-1", OZK_EINVAL, "\"verify_gas\": negative");
    expect_refused(dir, "response_window", "1.5", OZK_EINVAL, "\"response_window\"");
    expect_refused(dir, "insecure", "1", OZK_EINVAL, "\"insecure\": not true or false");
    expect_refused(dir, "vk", "\"digits.vk\"", OZK_EINVAL, "\"vk\": not an absolute path");
    expect_refused(dir, "bond_wei", "\"0x10\"", OZK_EINVAL, "\"bond_wei\"");
    expect_refused(dir, "stake_wei", "\"01\"", OZK_EINVAL, "\"stake_wei\"");
    expect_refused(dir, "stake_wei", "1000", OZK_EINVAL, "\"stake_wei\"");
    expect_refused(dir, "stake_wei",
                   "\"115792089237316195423570985008687907853269984665640564039457584007913129639"
                   "936\"",
                   OZK_EINVAL, "\"stake_wei\""); /* 2^256 */
    expect_refused(dir, "bond", "\"1\"", OZK_EINVAL, "unknown field \"bond\"");

    /* not JSON, not an object, no file */
    test_write_file(path, "{\"format\": \"ozk-deployment-1\",", 30);
    assert_int_equal(ozk_deployment_load(&got, path, err, sizeof err), OZK_EINVAL);
    assert_non_null(strstr(err, "not JSON"));
    test_write_file(path, "[1, 2]", 6);
    assert_int_equal(ozk_deployment_load(&got, path, err, sizeof err), OZK_EINVAL);
    assert_non_null(strstr(err, "not a JSON object"));
    snprintf(path, sizeof path, "%s/none.json", dir);
    assert_int_equal(ozk_deployment_load(&got, path, err, sizeof err), OZK_ENOENT);
    assert_non_null(strstr(err, "cannot open"));

    /* the 256-bit decimals */
    uint8_t w[32], max[32];
    char dec[80];
    memset(max, 0xff, 32);
    ozk_u256_to_dec(dec, max);
    assert_int_equal(strlen(dec), 78);
    assert_int_equal(ozk_u256_from_dec(w, dec), 0);
    assert_memory_equal(w, max, 32);
    assert_int_equal(ozk_u256_from_dec(w, "0"), 0);
    ozk_u256_to_dec(dec, w);
    assert_string_equal(dec, "0");
    assert_int_equal(ozk_u256_from_dec(w, ""), OZK_EINVAL);
    assert_int_equal(ozk_u256_from_dec(w, "-1"), OZK_EINVAL);
    test_rmdir(dir);
}

static int teardown(void **state)
{
    (void)state;
    anvil_stop(&g_anvil);
    if (g_dir[0]) test_rmdir(g_dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deployment_file),
        cmocka_unit_test(test_deploy_on_anvil),
    };
    return TEST_RUN_WITH("deploy", tests, NULL, teardown);
}
