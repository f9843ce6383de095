/*
 * tests/test_merkle.c: record leaves and Merkle batches (ozk/merkle.h) against a slow,
 * obviously-correct reference (the whole padded tree, level by level), against values computed
 * with Foundry's cast, and against the shared vectors tests/fixtures/merkle-vectors.json that
 * contracts/test/MerkleRecord.t.sol checks too.
 *
 * The vectors are made by this program: OZK_MERKLE_VECTORS_WRITE=1 test_merkle rewrites the
 * file (then run the forge tests: both sides must agree with it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ozk/abi.h"
#include "ozk/error.h"
#include "ozk/hex.h"
#include "ozk/keccak.h"
#include "ozk/merkle.h"
#include "testutil.h"

#define VECTORS OZK_FIXTURES "/merkle-vectors.json"

/* ---- the reference ------------------------------------------------------------------------ */

/* the whole tree: level 0 = the leaves padded with EMPTY to 2^d, each level above hashed pairwise;
 * tree[k] holds 2^(d-k) nodes. Returns d; free with ref_free. */
static int ref_tree(uint8_t (***tree)[32], const uint8_t (*leaves)[32], size_t count)
{
    int d = 0;
    while (((size_t)1 << d) < count) d++;
    uint8_t(**t)[32] = calloc((size_t)d + 1, sizeof *t);
    assert_non_null(t);
    for (int k = 0; k <= d; k++) {
        t[k] = malloc(((size_t)1 << (d - k)) * 32);
        assert_non_null(t[k]);
    }
    for (size_t i = 0; i < ((size_t)1 << d); i++)
        memcpy(t[0][i], i < count ? leaves[i] : ozk_merkle_empty, 32);
    for (int k = 1; k <= d; k++)
        for (size_t i = 0; i < ((size_t)1 << (d - k)); i++) {
            uint8_t m[65] = { 0x01 };
            memcpy(m + 1, t[k - 1][2 * i], 32);
            memcpy(m + 33, t[k - 1][2 * i + 1], 32);
            ozk_keccak256(t[k][i], m, 65);
        }
    *tree = t;
    return d;
}

static void ref_free(uint8_t (**t)[32], int d)
{
    for (int k = 0; k <= d; k++) free(t[k]);
    free(t);
}

static void random_leaves(uint8_t (*leaves)[32], size_t n)
{
    test_rand_bytes(&leaves[0][0], n * 32);
}

/* ---- hashes --------------------------------------------------------------------------------- */

static void check_hex(const uint8_t d[32], const char *want)
{
    char got[67] = "0x";
    ozk_hex_encode(got + 2, d, 32);
    assert_string_equal(got, want);
}

static void test_empty(void **state)
{
    (void)state;
    uint8_t e[32];
    ozk_keccak256(e, "ozk.merkle.empty.v1", strlen("ozk.merkle.empty.v1"));
    assert_memory_equal(e, ozk_merkle_empty, 32);
}

static void fill(uint8_t *p, size_t n, uint8_t b)
{
    memset(p, b, n);
}

static const uint8_t SETTLEMENT[20] = {
    0x5f, 0xbd, 0xb2, 0x31, 0x56, 0x78, 0xaf, 0xec, 0xb3, 0x67,
    0xf0, 0x32, 0xd9, 0x3f, 0x64, 0x2f, 0x64, 0x18, 0x0a, 0xa3
};

static void test_leaf_node(void **state)
{
    (void)state;
    ozk_merkle_record r = { .version = 1, .chain_id = 31337 };
    memcpy(r.settlement, SETTLEMENT, 20);
    fill(r.model_id, 32, 0x11);
    fill(r.request_id, 32, 0x22);
    fill(r.x_hash, 32, 0x33);
    fill(r.y_hash, 32, 0x44);
    uint8_t leaf[32], node[32], a[32], b[32];
    /* cast keccak 0x00$(cast abi-encode "f(uint256,uint256,address,bytes32,bytes32,bytes32,
     * bytes32)" 1 31337 0x5FbDB2315678afecb367f032d93F642f64180aa3 0x11.. 0x22.. 0x33.. 0x44..) */
    ozk_merkle_leaf(leaf, &r);
    check_hex(leaf, "0x094ee05efacd800f6e47f4f82a1c905efe05c5968e0cf0220b9b5271a4862ea9");
    /* cast keccak 0x01$(aa x 32)$(bb x 32) */
    fill(a, 32, 0xaa);
    fill(b, 32, 0xbb);
    ozk_merkle_node(node, a, b);
    check_hex(node, "0xae545b59db565fbbd9d48a08f67d34743a56d611e22227eadf0e1b576e20570d");
    /* out aliasing an input */
    ozk_merkle_node(a, a, b);
    assert_memory_equal(a, node, 32);

    /* random records: the leaf against the ABI encoder of chain/abi.c */
    ozk_abi_type *t;
    assert_int_equal(
        ozk_abi_type_parse(&t, "(uint256,uint256,address,bytes32,bytes32,bytes32,bytes32)"), 0);
    for (size_t it = 0; it < test_cases(200); it++) {
        r.version = test_rand_u64();
        r.chain_id = test_rand_u64();
        test_rand_bytes(r.settlement, 20);
        test_rand_bytes(r.model_id, 32);
        test_rand_bytes(r.request_id, 32);
        test_rand_bytes(r.x_hash, 32);
        test_rand_bytes(r.y_hash, 32);
        ozk_abi_value items[7];
        memset(items, 0, sizeof items);
        ozk_abi_value_u64(&items[0], r.version);
        ozk_abi_value_u64(&items[1], r.chain_id);
        ozk_abi_value_address(&items[2], r.settlement);
        const uint8_t *b32[4] = { r.model_id, r.request_id, r.x_hash, r.y_hash };
        for (int k = 0; k < 4; k++) {
            items[3 + k].kind = OZK_ABI_FIXED_BYTES;
            memcpy(items[3 + k].word, b32[k], 32);
        }
        ozk_abi_value tuple = { .kind = OZK_ABI_TUPLE, .items = items, .n = 7 };
        uint8_t *enc;
        size_t len;
        assert_int_equal(ozk_abi_encode(&enc, &len, t, &tuple), 0);
        assert_int_equal(len, 224);
        uint8_t m[225] = { 0x00 }, want[32];
        memcpy(m + 1, enc, 224);
        free(enc);
        ozk_keccak256(want, m, sizeof m);
        ozk_merkle_leaf(leaf, &r);
        assert_memory_equal(leaf, want, 32);
    }
    ozk_abi_type_free(t);

    /* salted hashes: keccak256(salt || data), data empty or not */
    uint8_t salt[32], data[100], buf[132], got[32], want[32];
    test_rand_bytes(salt, 32);
    test_rand_bytes(data, sizeof data);
    for (size_t len = 0; len <= sizeof data; len += 33) {
        memcpy(buf, salt, 32);
        memcpy(buf + 32, data, len);
        ozk_keccak256(want, buf, 32 + len);
        ozk_merkle_salted_hash(got, salt, len ? data : NULL, len);
        assert_memory_equal(got, want, 32);
    }
}

static void test_depth(void **state)
{
    (void)state;
    static const struct {
        uint64_t count;
        int depth;
    } cases[] = {
        { 0, -1 },
        { 1, 0 },
        { 2, 1 },
        { 3, 2 },
        { 4, 2 },
        { 5, 3 },
        { 8, 3 },
        { 9, 4 },
        { 1000, 10 },
        { 1024, 10 },
        { 1025, 11 },
        { ((uint64_t)1 << 24) - 1, 24 },
        { (uint64_t)1 << 24, 24 },
        { ((uint64_t)1 << 24) + 1, -1 },
        { UINT64_MAX, -1 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(ozk_merkle_depth(cases[i].count), cases[i].depth);
}

/* ---- roots and proofs ----------------------------------------------------------------------- */

static void test_root_against_reference(void **state)
{
    (void)state;
    static const size_t extra[] = { 127, 128, 129, 1000, 1023, 1024, 1025 };
    size_t ncounts = 70 + sizeof extra / sizeof extra[0];
    for (size_t c = 0; c < ncounts; c++) {
        size_t count = c < 70 ? c + 1 : extra[c - 70];
        uint8_t(*leaves)[32] = malloc(count * 32);
        assert_non_null(leaves);
        random_leaves(leaves, count);
        uint8_t(**tree)[32];
        int d = ref_tree(&tree, (const uint8_t(*)[32])leaves, count);
        uint8_t root[32];
        assert_int_equal(ozk_merkle_root(root, (const uint8_t(*)[32])leaves, count), 0);
        assert_memory_equal(root, tree[d][0], 32);
        if (count == 1) assert_memory_equal(root, leaves[0], 32); /* count 1: root = leaf */
        ref_free(tree, d);
        free(leaves);
    }
}

/* the verification verdict a single-bit change of count (to count2) must get: the proof still
 * fits exactly when count2 has the same depth and still covers index, since count is not hashed
 * into the root (it comes from the batch the chain committed, next to the root) */
static int count_change_verdict(uint64_t count, uint64_t count2, uint64_t index)
{
    return ozk_merkle_depth(count2) == ozk_merkle_depth(count) && index < count2;
}

static void test_every_proof(void **state)
{
    (void)state;
    for (size_t count = 1; count <= 33; count++) {
        uint8_t(*leaves)[32] = malloc(count * 32);
        assert_non_null(leaves);
        random_leaves(leaves, count);
        uint8_t(**tree)[32];
        int d = ref_tree(&tree, (const uint8_t(*)[32])leaves, count);
        const uint8_t *root = tree[d][0];
        for (size_t i = 0; i < count; i++) {
            uint8_t proof[OZK_MERKLE_MAX_DEPTH + 1][32], bad[OZK_MERKLE_MAX_DEPTH + 1][32];
            uint8_t leaf[32], root2[32];
            int depth = -2;
            assert_int_equal(
                ozk_merkle_proof(proof, &depth, (const uint8_t(*)[32])leaves, count, i), 0);
            assert_int_equal(depth, d);
            /* the siblings of the reference tree */
            for (int k = 0; k < d; k++) assert_memory_equal(proof[k], tree[k][(i >> k) ^ 1], 32);
            const uint8_t(*p)[32] = (const uint8_t(*)[32])proof;
            assert_int_equal(ozk_merkle_verify(root, leaves[i], i, count, p, (size_t)d), 1);

            /* every bit of every sibling */
            for (int k = 0; k < d; k++)
                for (int bit = 0; bit < 256; bit++) {
                    memcpy(bad, proof, sizeof proof);
                    bad[k][bit / 8] ^= (uint8_t)(1u << (bit % 8));
                    assert_int_equal(ozk_merkle_verify(root, leaves[i], i, count,
                                                       (const uint8_t(*)[32])bad, (size_t)d),
                                     0);
                }
            /* every bit of the leaf and of the root */
            for (int bit = 0; bit < 256; bit++) {
                memcpy(leaf, leaves[i], 32);
                leaf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
                assert_int_equal(ozk_merkle_verify(root, leaf, i, count, p, (size_t)d), 0);
                memcpy(root2, root, 32);
                root2[bit / 8] ^= (uint8_t)(1u << (bit % 8));
                assert_int_equal(ozk_merkle_verify(root2, leaves[i], i, count, p, (size_t)d), 0);
            }
            /* every bit of the index and of the count */
            for (int bit = 0; bit < 64; bit++) {
                uint64_t i2 = (uint64_t)i ^ ((uint64_t)1 << bit);
                assert_int_equal(ozk_merkle_verify(root, leaves[i], i2, count, p, (size_t)d), 0);
                uint64_t c2 = (uint64_t)count ^ ((uint64_t)1 << bit);
                assert_int_equal(ozk_merkle_verify(root, leaves[i], i, c2, p, (size_t)d),
                                 count_change_verdict(count, c2, i));
            }
            /* a proof one sibling short or long (the extra one an EMPTY subtree or garbage) */
            if (d > 0) assert_int_equal(ozk_merkle_verify(root, leaves[i], i, count, p, d - 1), 0);
            memcpy(proof[d], ozk_merkle_empty, 32);
            assert_int_equal(ozk_merkle_verify(root, leaves[i], i, count, p, (size_t)d + 1), 0);
            /* another leaf's proof at this index */
            if (count > 1) {
                size_t j = (i + 1) % count;
                assert_int_equal(ozk_merkle_verify(root, leaves[j], i, count, p, (size_t)d), 0);
            }
        }
        ref_free(tree, d);
        free(leaves);
    }
}

static void test_bad_arguments(void **state)
{
    (void)state;
    uint8_t leaves[3][32], root[32], proof[OZK_MERKLE_MAX_DEPTH][32];
    random_leaves(leaves, 3);
    memset(root, 0x5a, 32);
    assert_int_equal(ozk_merkle_root(root, (const uint8_t(*)[32])leaves, 0), OZK_EINVAL);
    for (int k = 0; k < 32; k++) assert_int_equal(root[k], 0x5a); /* untouched */
    assert_int_equal(
        ozk_merkle_root(root, (const uint8_t(*)[32])leaves, (size_t)OZK_MERKLE_MAX_COUNT + 1),
        OZK_EINVAL);
    assert_int_equal(ozk_merkle_proof(proof, NULL, (const uint8_t(*)[32])leaves, 0, 0), OZK_EINVAL);
    assert_int_equal(ozk_merkle_proof(proof, NULL, (const uint8_t(*)[32])leaves, 3, 3), OZK_EINVAL);
    assert_int_equal(ozk_merkle_proof(proof, NULL, (const uint8_t(*)[32])leaves,
                                      (size_t)OZK_MERKLE_MAX_COUNT + 1, 0),
                     OZK_EINVAL);

    /* count 1: depth 0, the root is the leaf, the empty proof */
    assert_int_equal(ozk_merkle_root(root, (const uint8_t(*)[32])leaves, 1), 0);
    assert_memory_equal(root, leaves[0], 32);
    assert_int_equal(ozk_merkle_verify(root, leaves[0], 0, 1, NULL, 0), 1);
    assert_int_equal(ozk_merkle_verify(root, leaves[0], 1, 1, NULL, 0), 0);
    assert_int_equal(ozk_merkle_verify(root, leaves[0], 0, 0, NULL, 0), 0);
    assert_int_equal(ozk_merkle_verify(root, leaves[0], 0, 2, NULL, 0), 0);

    /* the largest batch: a proof of depth 24 is the only length accepted (the proof itself is
     * a made-up one: built from a leaf and 24 siblings, it verifies against its own root) */
    uint64_t max = OZK_MERKLE_MAX_COUNT;
    uint64_t index = max - 1;
    uint8_t cur[32];
    memcpy(cur, leaves[0], 32);
    random_leaves(proof, OZK_MERKLE_MAX_DEPTH);
    for (int k = 0; k < OZK_MERKLE_MAX_DEPTH; k++) ozk_merkle_node(cur, proof[k], cur);
    const uint8_t(*p)[32] = (const uint8_t(*)[32])proof;
    assert_int_equal(ozk_merkle_verify(cur, leaves[0], index, max, p, 24), 1);
    assert_int_equal(ozk_merkle_verify(cur, leaves[0], index, max, p, 23), 0);
    assert_int_equal(ozk_merkle_verify(cur, leaves[0], index, max + 1, p, 24), 0);
    assert_int_equal(ozk_merkle_verify(cur, leaves[0], index, max - 1, p, 24), 0); /* index */
    assert_int_equal(ozk_merkle_verify(cur, leaves[0], max, max, p, 24), 0);
}

/* ---- the shared vectors --------------------------------------------------------------------- */

static const size_t VECTOR_COUNTS[] = { 1, 2, 3, 5, 8, 9, 16, 17 };
#define VECTOR_RECORDS 17

typedef struct {
    ozk_merkle_record r;
    uint8_t salt[32];
    uint8_t x[80], y[16];
    size_t xlen, ylen;
    uint8_t leaf[32];
} vector_record;

/* Record i of the vectors: fixed inputs (no randomness), x of 0..69 bytes, y of 1..9. */
static void vector_input(vector_record *v, size_t i)
{
    static const char model[] = "ozk merkle vectors: model";
    static const char salt[] = "ozk merkle vectors: salt";
    uint8_t m[64];
    memset(v, 0, sizeof *v);
    v->r.version = 1;
    v->r.chain_id = 31337;
    memcpy(v->r.settlement, SETTLEMENT, 20);
    ozk_keccak256(v->r.model_id, model, strlen(model));
    v->r.request_id[31] = (uint8_t)(i + 1); /* requestId = bytes32(uint256(i + 1)) */
    memcpy(m, salt, strlen(salt));
    m[strlen(salt)] = (uint8_t)i; /* salt = keccak256("ozk merkle vectors: salt" || uint8(i)) */
    ozk_keccak256(v->salt, m, strlen(salt) + 1);
    v->xlen = (i * 13) % 70;
    for (size_t j = 0; j < v->xlen; j++) v->x[j] = (uint8_t)(i * 31 + j * 7 + 1);
    v->ylen = 1 + (i * 5) % 9;
    for (size_t j = 0; j < v->ylen; j++) v->y[j] = (uint8_t)(i * 17 + j * 3 + 0x80);
    ozk_merkle_salted_hash(v->r.x_hash, v->salt, v->x, v->xlen);
    ozk_merkle_salted_hash(v->r.y_hash, v->salt, v->y, v->ylen);
    ozk_merkle_leaf(v->leaf, &v->r);
}

static json_t *hex_json(const uint8_t *b, size_t n)
{
    char *s = malloc(2 * n + 3);
    assert_non_null(s);
    memcpy(s, "0x", 2);
    ozk_hex_encode(s + 2, b, n);
    json_t *j = json_string(s);
    free(s);
    assert_non_null(j);
    return j;
}

/* the whole file, as this implementation computes it */
static json_t *vectors_json(void)
{
    vector_record v[VECTOR_RECORDS];
    uint8_t leaves[VECTOR_RECORDS][32];
    json_t *records = json_array(), *batches = json_array();
    for (size_t i = 0; i < VECTOR_RECORDS; i++) {
        vector_input(&v[i], i);
        memcpy(leaves[i], v[i].leaf, 32);
        json_t *o = json_object();
        json_object_set_new(o, "version", json_integer((json_int_t)v[i].r.version));
        json_object_set_new(o, "chainId", json_integer((json_int_t)v[i].r.chain_id));
        json_object_set_new(o, "settlement", hex_json(v[i].r.settlement, 20));
        json_object_set_new(o, "modelId", hex_json(v[i].r.model_id, 32));
        json_object_set_new(o, "requestId", hex_json(v[i].r.request_id, 32));
        json_object_set_new(o, "salt", hex_json(v[i].salt, 32));
        json_object_set_new(o, "x", hex_json(v[i].x, v[i].xlen));
        json_object_set_new(o, "y", hex_json(v[i].y, v[i].ylen));
        json_object_set_new(o, "xHash", hex_json(v[i].r.x_hash, 32));
        json_object_set_new(o, "yHash", hex_json(v[i].r.y_hash, 32));
        json_object_set_new(o, "leaf", hex_json(v[i].leaf, 32));
        json_array_append_new(records, o);
    }
    for (size_t c = 0; c < sizeof VECTOR_COUNTS / sizeof VECTOR_COUNTS[0]; c++) {
        size_t count = VECTOR_COUNTS[c];
        uint8_t root[32], proof[OZK_MERKLE_MAX_DEPTH][32];
        int d;
        assert_int_equal(ozk_merkle_root(root, (const uint8_t(*)[32])leaves, count), 0);
        json_t *proofs = json_array();
        for (size_t i = 0; i < count; i++) {
            assert_int_equal(ozk_merkle_proof(proof, &d, (const uint8_t(*)[32])leaves, count, i),
                             0);
            json_t *pj = json_array();
            for (int k = 0; k < d; k++) json_array_append_new(pj, hex_json(proof[k], 32));
            json_array_append_new(proofs, pj);
        }
        json_t *o = json_object();
        json_object_set_new(o, "count", json_integer((json_int_t)count));
        json_object_set_new(o, "depth", json_integer(ozk_merkle_depth(count)));
        json_object_set_new(o, "root", hex_json(root, 32));
        json_object_set_new(o, "proofs", proofs);
        json_array_append_new(batches, o);
    }
    json_t *top = json_object();
    json_object_set_new(top, "description",
                        json_string("ozk record leaves and Merkle batches (docs/contracts.md). "
                                    "Batch n holds records 0..count-1. Made by tests/test_merkle.c "
                                    "(OZK_MERKLE_VECTORS_WRITE=1); checked by it and by "
                                    "contracts/test/MerkleRecord.t.sol."));
    json_object_set_new(top, "empty", hex_json(ozk_merkle_empty, 32));
    json_object_set_new(top, "records", records);
    json_object_set_new(top, "batches", batches);
    return top;
}

/* a 0x-hex string of exactly n bytes from the file */
static void file_hex(uint8_t *out, size_t n, json_t *j)
{
    const char *s = json_string_value(j);
    assert_non_null(s);
    assert_int_equal(strncmp(s, "0x", 2), 0);
    assert_int_equal(strlen(s), 2 + 2 * n);
    assert_int_equal(ozk_hex_decode(out, n, s), (long)n);
}

static void test_vectors(void **state)
{
    (void)state;
    json_t *want = vectors_json();
    if (getenv("OZK_MERKLE_VECTORS_WRITE")) {
        assert_int_equal(json_dump_file(want, VECTORS, JSON_INDENT(2) | JSON_PRESERVE_ORDER), 0);
        printf("wrote %s\n", VECTORS);
    }
    json_error_t err;
    json_t *file = json_load_file(VECTORS, 0, &err);
    if (!file) fail_msg("%s: %s (line %d)", VECTORS, err.text, err.line);
    if (!json_equal(file, want))
        fail_msg("%s differs from what ozk_merkle_* compute: if the encoding changed on purpose, "
                 "rerun with OZK_MERKLE_VECTORS_WRITE=1 and run the forge tests",
                 VECTORS);

    /* and the file's own leaves, roots and proofs through this implementation */
    json_t *records = json_object_get(file, "records");
    uint8_t leaves[VECTOR_RECORDS][32];
    assert_int_equal(json_array_size(records), VECTOR_RECORDS);
    for (size_t i = 0; i < VECTOR_RECORDS; i++)
        file_hex(leaves[i], 32, json_object_get(json_array_get(records, i), "leaf"));
    json_t *batches = json_object_get(file, "batches");
    for (size_t c = 0; c < json_array_size(batches); c++) {
        json_t *b = json_array_get(batches, c);
        size_t count = (size_t)json_integer_value(json_object_get(b, "count"));
        uint8_t root[32], proof[OZK_MERKLE_MAX_DEPTH][32];
        file_hex(root, 32, json_object_get(b, "root"));
        json_t *proofs = json_object_get(b, "proofs");
        assert_int_equal(json_array_size(proofs), count);
        for (size_t i = 0; i < count; i++) {
            json_t *pj = json_array_get(proofs, i);
            size_t d = json_array_size(pj);
            assert_true(d <= OZK_MERKLE_MAX_DEPTH);
            for (size_t k = 0; k < d; k++) file_hex(proof[k], 32, json_array_get(pj, k));
            assert_int_equal(
                ozk_merkle_verify(root, leaves[i], i, count, (const uint8_t(*)[32])proof, d), 1);
        }
    }
    json_decref(file);
    json_decref(want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),       cmocka_unit_test(test_leaf_node),
        cmocka_unit_test(test_depth),       cmocka_unit_test(test_root_against_reference),
        cmocka_unit_test(test_every_proof), cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_vectors),
    };
    return TEST_RUN("merkle", tests);
}
