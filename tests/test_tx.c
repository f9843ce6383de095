/*
 * tests/test_tx.c: keys, signatures, transactions and EIP-712 against Foundry's `cast`
 * (wallet address, wallet sign, wallet sign --no-hash, wallet sign --data, mktx, keccak), all
 * offline: every field is passed explicitly, so cast needs no RPC. Plus key-file permissions
 * and the rule that a key never appears in any message.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ozk/error.h"
#include "ozk/hex.h"
#include "ozk/keccak.h"
#include "ozk/tx.h"
#include "testutil.h"

#ifndef OZK_CAST
#error "OZK_CAST must name the cast binary"
#endif

static char g_dir[64];

static char *hexdup(const uint8_t *p, size_t n)
{
    char *s = malloc(2 * n + 1);
    assert_non_null(s);
    ozk_hex_encode(s, p, n);
    return s;
}

/* a random valid key and its hex text (64 digits, no prefix) */
static void random_key(ozk_key *key, char hex[65])
{
    for (;;) {
        uint8_t sk[32];
        test_rand_bytes(sk, 32);
        ozk_hex_encode(hex, sk, 32);
        if (ozk_key_from_hex(key, hex, 64, NULL, 0) == 0) return;
    }
}

static void test_address_and_sign(void **state)
{
    (void)state;
    for (size_t c = 0; c < test_cases(8); c++) {
        ozk_key key;
        char kh[65], cmd[512], addr_text[43];
        uint8_t addr[20], hash[32], sig[65], rec[20];
        random_key(&key, kh);
        assert_int_equal(ozk_key_address(addr, &key), 0);
        ozk_address_to_text(addr_text, addr);
        snprintf(cmd, sizeof cmd, "%s wallet address --private-key 0x%s", OZK_CAST, kh);
        char *out = test_sh_ok(cmd);
        assert_string_equal(out, addr_text);
        free(out);

        /* a raw hash: cast wallet sign --no-hash */
        test_rand_bytes(hash, 32);
        assert_int_equal(ozk_sign_hash(sig, &key, hash), 0);
        assert_true(sig[32] < 0x80); /* low s: s <= n/2 starts below 0x80 */
        assert_int_equal(ozk_ecrecover(rec, hash, sig), 1);
        assert_memory_equal(rec, addr, 20);
        sig[64] += 27;
        char *sh = hexdup(sig, 65), *hh = hexdup(hash, 32);
        snprintf(cmd, sizeof cmd, "%s wallet sign --no-hash --private-key 0x%s 0x%s", OZK_CAST, kh,
                 hh);
        out = test_sh_ok(cmd);
        assert_true(strncmp(out, "0x", 2) == 0);
        assert_string_equal(out + 2, sh);
        free(out);
        free(sh);
        free(hh);

        /* a personal message (EIP-191): letters only, so cast takes it as text */
        char msg[40];
        size_t ml = 1 + test_rand_below(sizeof msg - 1);
        for (size_t i = 0; i < ml; i++) msg[i] = (char)('a' + test_rand_below(26));
        msg[ml] = '\0';
        ozk_eip191_hash(hash, msg, ml);
        assert_int_equal(ozk_sign_hash(sig, &key, hash), 0);
        sig[64] += 27;
        sh = hexdup(sig, 65);
        snprintf(cmd, sizeof cmd, "%s wallet sign --private-key 0x%s %s", OZK_CAST, kh, msg);
        out = test_sh_ok(cmd);
        assert_string_equal(out + 2, sh);
        free(out);
        free(sh);
        /* a tampered signature recovers someone else (or nobody) */
        sig[10] ^= 1;
        if (ozk_ecrecover(rec, hash, sig) == 1) assert_memory_not_equal(rec, addr, 20);
        sig[64] = 5;
        assert_int_equal(ozk_ecrecover(rec, hash, sig), 0);
        ozk_key_wipe(&key);
    }
}

static void dec_u256(char *out, size_t cap, const uint8_t be[32])
{
    /* decimal of a 256-bit big-endian number by repeated division */
    uint8_t t[32];
    char rev[80];
    size_t n = 0;
    memcpy(t, be, 32);
    for (;;) {
        unsigned rem = 0;
        int nz = 0;
        for (int i = 0; i < 32; i++) {
            unsigned cur = rem * 256 + t[i];
            t[i] = (uint8_t)(cur / 10);
            rem = cur % 10;
            nz |= t[i];
        }
        rev[n++] = (char)('0' + rem);
        if (!nz) break;
    }
    assert_true(n < cap);
    for (size_t i = 0; i < n; i++) out[i] = rev[n - 1 - i];
    out[n] = '\0';
}

static void test_tx_vs_cast(void **state)
{
    (void)state;
    for (size_t c = 0; c < test_cases(24); c++) {
        ozk_key key;
        char kh[65], cmd[2048], value[80], to[43];
        uint8_t data[120];
        random_key(&key, kh);
        ozk_tx tx;
        memset(&tx, 0, sizeof tx);
        tx.type = (c % 2) ? OZK_TX_LEGACY : OZK_TX_EIP1559;
        tx.chain_id = c == 0 ? 1 : 1 + test_rand_below(1ull << (c % 4 == 0 ? 40 : 16));
        tx.nonce = test_rand_below(4) ? test_rand_below(1000) : test_rand_below(1ull << 40);
        tx.gas_limit = 21000 + test_rand_below(30000000);
        tx.max_fee = test_rand_below(1ull << (8 + test_rand_below(50)));
        tx.max_priority_fee = tx.max_fee ? test_rand_below(tx.max_fee + 1) : 0;
        tx.gas_price = tx.max_fee;
        size_t vb = test_rand_below(33); /* value of 0..32 random bytes */
        test_rand_bytes(tx.value + 32 - vb, vb);
        dec_u256(value, sizeof value, tx.value);
        tx.data_len = test_rand_below(4) == 0 ? 0 : test_rand_below(sizeof data);
        test_rand_bytes(data, tx.data_len);
        tx.data = data;
        tx.has_to = c % 5 != 4;
        test_rand_bytes(tx.to, 20);
        ozk_address_to_text(to, tx.to);
        char *dh = hexdup(data, tx.data_len);
        int n = snprintf(cmd, sizeof cmd,
                         "%s mktx %s --private-key 0x%s --chain %llu --nonce %llu "
                         "--gas-limit %llu --gas-price %llu --value %s",
                         OZK_CAST, tx.type == OZK_TX_LEGACY ? "--legacy" : "", kh,
                         (unsigned long long)tx.chain_id, (unsigned long long)tx.nonce,
                         (unsigned long long)tx.gas_limit, (unsigned long long)tx.max_fee, value);
        if (tx.type == OZK_TX_EIP1559)
            n += snprintf(cmd + n, sizeof cmd - (size_t)n, " --priority-gas-price %llu",
                          (unsigned long long)tx.max_priority_fee);
        if (tx.has_to)
            n += snprintf(cmd + n, sizeof cmd - (size_t)n, " %s 0x%s", to, dh);
        else
            n += snprintf(cmd + n, sizeof cmd - (size_t)n, " --create 0x%s", dh);
        assert_true((size_t)n < sizeof cmd);
        free(dh);

        uint8_t *raw, hash[32];
        size_t raw_len;
        assert_int_equal(ozk_tx_sign(&raw, &raw_len, hash, &tx, &key), 0);
        char *rh = hexdup(raw, raw_len);
        char *out = test_sh_ok(cmd);
        if (strncmp(out, "0x", 2) != 0 || strcmp(out + 2, rh) != 0)
            fail_msg("%s\n  cast: %s\n  ozk:  0x%s", cmd, out, rh);
        free(out);
        /* the transaction hash, keccak256 of the raw bytes, against cast keccak */
        snprintf(cmd, sizeof cmd, "%s keccak 0x%s", OZK_CAST, rh);
        out = test_sh_ok(cmd);
        char *hh = hexdup(hash, 32);
        assert_string_equal(out + 2, hh);
        free(out);
        free(hh);
        free(rh);
        free(raw);
        ozk_key_wipe(&key);
    }
}

static void test_tx_bad(void **state)
{
    (void)state;
    ozk_key key;
    char kh[65];
    random_key(&key, kh);
    ozk_tx tx;
    memset(&tx, 0, sizeof tx);
    uint8_t h[32];
    tx.type = OZK_TX_EIP1559;
    assert_int_equal(ozk_tx_signing_hash(h, &tx), OZK_EINVAL); /* chain id 0 */
    tx.chain_id = 1;
    assert_int_equal(ozk_tx_signing_hash(h, &tx), 0);
    tx.type = 1; /* EIP-2930 is not supported */
    assert_int_equal(ozk_tx_signing_hash(h, &tx), OZK_EINVAL);
    tx.type = OZK_TX_LEGACY;
    tx.chain_id = UINT64_MAX;
    assert_int_equal(ozk_tx_signing_hash(h, &tx), OZK_ERANGE);
    ozk_key_wipe(&key);
    for (size_t i = 0; i < sizeof key.sk; i++) assert_int_equal(key.sk[i], 0);
}

/* ---- EIP-712 ----------------------------------------------------------------------------- */

static void word_hex(char *out, const uint8_t *p, size_t n)
{
    out[0] = '0';
    out[1] = 'x';
    ozk_hex_encode(out + 2, p, n);
}

static void test_eip712_vs_cast(void **state)
{
    (void)state;
    /* the node's receipt, plus a probe struct with every other supported member type */
    static const ozk_eip712_field probe_fields[] = {
        { "a", "int64" },  { "b", "bool" },   { "c", "bytes" },
        { "d", "string" }, { "e", "bytes4" }, { "f", "uint8" },
    };
    static const ozk_eip712_struct probe = { "Probe", probe_fields, 6 };
    for (size_t c = 0; c < test_cases(8); c++) {
        ozk_key key;
        char kh[65], addr_text[43], verifying[43], cmd[512], path[128];
        random_key(&key, kh);
        uint8_t vc[20];
        test_rand_bytes(vc, 20);
        ozk_address_to_text(verifying, vc);
        uint64_t chain_id = 1 + test_rand_below(1u << 20);
        char name[16], version[8];
        snprintf(name, sizeof name, "ozk%u", (unsigned)test_rand_below(1000));
        snprintf(version, sizeof version, "%u", (unsigned)test_rand_below(10));
        uint8_t ds[32], sh[32], digest[32], sig[65];
        ozk_eip712_domain_separator(ds, name, version, chain_id, vc);

        ozk_abi_value v[7];
        char json[4096], msg[2048];
        int pm = c % 2;
        if (!pm) {
            uint8_t settle[20], w[4][32];
            test_rand_bytes(settle, 20);
            test_rand_bytes(&w[0][0], sizeof w);
            uint64_t deadline = test_rand_u64();
            ozk_abi_value_u64(&v[0], chain_id);
            ozk_abi_value_address(&v[1], settle);
            for (int i = 0; i < 4; i++) {
                memset(&v[2 + i], 0, sizeof v[0]);
                v[2 + i].kind = OZK_ABI_FIXED_BYTES;
                memcpy(v[2 + i].word, w[i], 32);
            }
            ozk_abi_value_u64(&v[6], deadline);
            assert_int_equal(ozk_eip712_hash_struct(sh, &ozk_eip712_receipt, v), 0);
            char wh[4][67];
            for (int i = 0; i < 4; i++) word_hex(wh[i], w[i], 32);
            ozk_address_to_text(addr_text, settle);
            snprintf(
                msg, sizeof msg,
                "\"Receipt\":[{\"name\":\"chainId\",\"type\":\"uint256\"},{\"name\":"
                "\"settlement\",\"type\":\"address\"},{\"name\":\"modelId\",\"type\":"
                "\"bytes32\"},{\"name\":\"requestId\",\"type\":\"bytes32\"},{\"name\":"
                "\"xHash\",\"type\":\"bytes32\"},{\"name\":\"yHash\",\"type\":\"bytes32\"},"
                "{\"name\":\"deadline\",\"type\":\"uint64\"}]}, \"primaryType\":\"Receipt\","
                "\"message\":{\"chainId\":\"%llu\",\"settlement\":\"%s\",\"modelId\":\"%s\","
                "\"requestId\":\"%s\",\"xHash\":\"%s\",\"yHash\":\"%s\",\"deadline\":\"%llu\"}",
                (unsigned long long)chain_id, addr_text, wh[0], wh[1], wh[2], wh[3],
                (unsigned long long)deadline);
            /* out of range: a uint64 member of 2^64 */
            ozk_abi_value big = v[6];
            big.word[23] = 1;
            v[6] = big;
            assert_int_equal(ozk_eip712_hash_struct(digest, &ozk_eip712_receipt, v), OZK_ERANGE);
        } else {
            int64_t a = (int64_t)test_rand_u64();
            int b = (int)test_rand_below(2);
            uint8_t bytes[40], e4[4];
            char text[24];
            size_t bl = test_rand_below(sizeof bytes), tl = test_rand_below(sizeof text);
            test_rand_bytes(bytes, bl);
            test_rand_bytes(e4, 4);
            for (size_t i = 0; i < tl; i++) text[i] = (char)('a' + test_rand_below(26));
            text[tl] = '\0';
            unsigned f = (unsigned)test_rand_below(256);
            ozk_abi_value_i64(&v[0], a);
            ozk_abi_value_bool(&v[1], b);
            memset(&v[2], 0, sizeof v[0]);
            v[2].kind = OZK_ABI_BYTES;
            v[2].bytes = bytes;
            v[2].len = bl;
            memset(&v[3], 0, sizeof v[0]);
            v[3].kind = OZK_ABI_STRING;
            v[3].bytes = (uint8_t *)text;
            v[3].len = tl;
            memset(&v[4], 0, sizeof v[0]);
            v[4].kind = OZK_ABI_FIXED_BYTES;
            memcpy(v[4].word, e4, 4);
            ozk_abi_value_u64(&v[5], f);
            assert_int_equal(ozk_eip712_hash_struct(sh, &probe, v), 0);
            char bh[90], eh[12];
            word_hex(bh, bytes, bl);
            word_hex(eh, e4, 4);
            snprintf(msg, sizeof msg,
                     "\"Probe\":[{\"name\":\"a\",\"type\":\"int64\"},{\"name\":\"b\",\"type\":"
                     "\"bool\"},{\"name\":\"c\",\"type\":\"bytes\"},{\"name\":\"d\",\"type\":"
                     "\"string\"},{\"name\":\"e\",\"type\":\"bytes4\"},{\"name\":\"f\",\"type\":"
                     "\"uint8\"}]}, \"primaryType\":\"Probe\",\"message\":{\"a\":\"%lld\",\"b\":%s,"
                     "\"c\":\"%s\",\"d\":\"%s\",\"e\":\"%s\",\"f\":\"%u\"}",
                     (long long)a, b ? "true" : "false", bh, text, eh, f);
            /* out of range: uint8 of 256, a bool of 2, bytes4 with a fifth byte */
            v[5].word[30] = 1;
            assert_int_equal(ozk_eip712_hash_struct(digest, &probe, v), OZK_ERANGE);
            v[5].word[30] = 0;
            v[1].word[31] = 2;
            assert_int_equal(ozk_eip712_hash_struct(digest, &probe, v), OZK_ERANGE);
            v[1].word[31] = 0;
            v[4].word[4] = 1;
            assert_int_equal(ozk_eip712_hash_struct(digest, &probe, v), OZK_ERANGE);
        }
        snprintf(json, sizeof json,
                 "{\"types\":{\"EIP712Domain\":[{\"name\":\"name\",\"type\":\"string\"},{\"name\":"
                 "\"version\",\"type\":\"string\"},{\"name\":\"chainId\",\"type\":\"uint256\"},"
                 "{\"name\":\"verifyingContract\",\"type\":\"address\"}],%s, \"domain\":{\"name\":"
                 "\"%s\",\"version\":\"%s\",\"chainId\":%llu,\"verifyingContract\":\"%s\"}}",
                 msg, name, version, (unsigned long long)chain_id, verifying);
        snprintf(path, sizeof path, "%s/typed.json", g_dir);
        test_write_file(path, json, strlen(json));
        ozk_eip712_digest(digest, ds, sh);
        assert_int_equal(ozk_sign_hash(sig, &key, digest), 0);
        sig[64] += 27;
        char *want = hexdup(sig, 65);
        snprintf(cmd, sizeof cmd, "%s wallet sign --private-key 0x%s --data --from-file %s",
                 OZK_CAST, kh, path);
        char *out = test_sh_ok(cmd);
        if (strcmp(out + 2, want) != 0)
            fail_msg("%s\n%s\n  cast: %s\n  ozk:  0x%s", cmd, json, out, want);
        free(out);
        free(want);
        ozk_key_wipe(&key);
    }
}

/* ---- key text and key files -------------------------------------------------------------- */

/* 1 when s contains the key's hex digits in either case */
static int leaks(const char *s, const char *kh)
{
    char up[65];
    for (int i = 0; i < 65; i++) up[i] = (char)toupper((unsigned char)kh[i]);
    /* any 16-digit window of the key would be a leak */
    for (int i = 0; i + 16 <= 64; i++) {
        char a[17], b[17];
        memcpy(a, kh + i, 16);
        memcpy(b, up + i, 16);
        a[16] = b[16] = '\0';
        if (strstr(s, a) || strstr(s, b)) return 1;
    }
    return 0;
}

static void test_key_text(void **state)
{
    (void)state;
    ozk_key key, k2;
    char kh[65], text[80], err[256];
    random_key(&key, kh);
    static const struct {
        const char *pre, *post;
    } ok[] = { { "", "" }, { "0x", "" }, { "", "\n" }, { "0x", "\n" }, { "0x", "\r\n" } };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        snprintf(text, sizeof text, "%s%s%s", ok[i].pre, kh, ok[i].post);
        assert_int_equal(ozk_key_from_hex(&k2, text, strlen(text), err, sizeof err), 0);
        assert_memory_equal(k2.sk, key.sk, 32);
    }
    char upper[65];
    for (int i = 0; i < 65; i++) upper[i] = (char)toupper((unsigned char)kh[i]);
    assert_int_equal(ozk_key_from_hex(&k2, upper, 64, err, sizeof err), 0);
    assert_memory_equal(k2.sk, key.sk, 32);
    /* refused: short, long, a non-hex digit, spaces, two newlines, zero, the group order */
    char bad[6][80];
    snprintf(bad[0], 80, "%.63s", kh);
    snprintf(bad[1], 80, "%s0", kh);
    snprintf(bad[2], 80, "%s", kh);
    bad[2][17] = 'g';
    snprintf(bad[3], 80, " %s", kh);
    snprintf(bad[4], 80, "%s\n\n", kh);
    snprintf(bad[5], 80, "%s", kh);
    bad[5][40] = ':'; /* just above '9' */
    for (int i = 0; i < 6; i++) {
        err[0] = '\0';
        assert_int_equal(ozk_key_from_hex(&k2, bad[i], strlen(bad[i]), err, sizeof err),
                         OZK_EINVAL);
        assert_true(strlen(err) > 0);
        assert_false(leaks(err, kh));
    }
    const char *zero = "0000000000000000000000000000000000000000000000000000000000000000";
    const char *order = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141";
    const char *order_m1 = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364140";
    assert_int_equal(ozk_key_from_hex(&k2, zero, 64, err, sizeof err), OZK_EINVAL);
    assert_int_equal(ozk_key_from_hex(&k2, order, 64, err, sizeof err), OZK_EINVAL);
    assert_int_equal(ozk_key_from_hex(&k2, order_m1, 64, err, sizeof err), 0);
    ozk_key_wipe(&k2);
    ozk_key_wipe(&key);
}

static void test_key_file(void **state)
{
    (void)state;
    ozk_key key, k2;
    char kh[65], path[128], text[80], err[512];
    uint8_t a1[20], a2[20];
    random_key(&key, kh);
    assert_int_equal(ozk_key_address(a1, &key), 0);
    snprintf(path, sizeof path, "%s/key", g_dir);
    snprintf(text, sizeof text, "0x%s\n", kh);
    test_write_file(path, text, strlen(text));
    /* group or other bits of any kind: refused, with the file and the fix named */
    static const mode_t wide[] = { 0644, 0640, 0604, 0620, 0602, 0660, 0610 };
    for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++) {
        assert_int_equal(chmod(path, wide[i]), 0);
        err[0] = '\0';
        assert_int_equal(ozk_key_load_file(&k2, path, err, sizeof err), OZK_EINVAL);
        assert_non_null(strstr(err, path));
        assert_non_null(strstr(err, "chmod 600"));
        assert_false(leaks(err, kh));
    }
    assert_int_equal(chmod(path, 0600), 0);
    assert_int_equal(ozk_key_load_file(&k2, path, err, sizeof err), 0);
    assert_int_equal(ozk_key_address(a2, &k2), 0);
    assert_memory_equal(a1, a2, 20);
    assert_int_equal(chmod(path, 0400), 0);
    assert_int_equal(ozk_key_load_file(&k2, path, err, sizeof err), 0);
    /* a malformed key file: the reason names the file and never quotes the key */
    text[10] = 'z';
    assert_int_equal(chmod(path, 0600), 0);
    test_write_file(path, text, strlen(text));
    assert_int_equal(chmod(path, 0600), 0);
    assert_int_equal(ozk_key_load_file(&k2, path, err, sizeof err), OZK_EINVAL);
    assert_non_null(strstr(err, path));
    assert_false(leaks(err, kh));
    /* missing, a directory, too long */
    char missing[160];
    snprintf(missing, sizeof missing, "%s/nope", g_dir);
    assert_int_equal(ozk_key_load_file(&k2, missing, err, sizeof err), OZK_ENOENT);
    assert_non_null(strstr(err, missing));
    assert_int_equal(chmod(g_dir, 0700), 0);
    assert_int_equal(ozk_key_load_file(&k2, g_dir, err, sizeof err), OZK_EINVAL);
    char big[600];
    memset(big, 'a', sizeof big);
    test_write_file(path, big, sizeof big);
    assert_int_equal(chmod(path, 0600), 0);
    assert_int_equal(ozk_key_load_file(&k2, path, err, sizeof err), OZK_EINVAL);
    unlink(path);
    ozk_key_wipe(&key);
    ozk_key_wipe(&k2);
}

static int setup(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof g_dir, "/tmp/ozk-test-tx-XXXXXX");
    return mkdtemp(g_dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char p[128];
    snprintf(p, sizeof p, "%s/typed.json", g_dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/key", g_dir);
    unlink(p);
    rmdir(g_dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_address_and_sign), cmocka_unit_test(test_tx_vs_cast),
        cmocka_unit_test(test_tx_bad),           cmocka_unit_test(test_eip712_vs_cast),
        cmocka_unit_test(test_key_text),         cmocka_unit_test(test_key_file),
    };
    return TEST_RUN_WITH("tx", tests, setup, teardown);
}
