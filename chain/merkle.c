/*
 * chain/merkle.c: record leaves and Merkle batches (ozk/merkle.h, docs/contracts.md "Records
 * and Merkle batches"). The mirror of contracts/src/MerkleRecord.sol.
 *
 * Roots are built left to right with a frontier of one pending left node per level (the
 * incremental tree of the eth2 deposit contract), so a batch of 2^24 leaves needs 25 hashes of
 * stack, not a copy of its leaves. Padding is the complete tree over EMPTY leaves: an all-padding
 * subtree of height h has the root zero[h], zero[0] = EMPTY, zero[h + 1] = node(zero[h], zero[h]).
 */
#include <string.h>

#include "ozk/error.h"
#include "ozk/keccak.h"
#include "ozk/merkle.h"

/* keccak256("ozk.merkle.empty.v1"); tests/test_merkle.c recomputes it */
const uint8_t ozk_merkle_empty[32] = {
    0x0e, 0x2b, 0x79, 0xd2, 0xff, 0xe1, 0xfd, 0x63, 0xd9, 0xc6, 0xb6, 0x25, 0x63, 0x62, 0x4c, 0xea,
    0xe9, 0x82, 0xa2, 0xee, 0x84, 0xdc, 0xa6, 0xf0, 0xc6, 0xa8, 0x62, 0xa2, 0x01, 0x93, 0x02, 0x54,
};

void ozk_merkle_salted_hash(uint8_t out[32], const uint8_t salt[32], const uint8_t *data,
                            size_t len)
{
    ozk_keccak256_ctx c;
    ozk_keccak256_init(&c);
    ozk_keccak256_update(&c, salt, 32);
    ozk_keccak256_update(&c, data, len);
    ozk_keccak256_final(&c, out);
}

/* a uint64 as a big-endian ABI word */
static void put_word_u64(uint8_t w[32], uint64_t v)
{
    memset(w, 0, 32);
    for (int i = 0; i < 8; i++) w[31 - i] = (uint8_t)(v >> (8 * i));
}

void ozk_merkle_leaf(uint8_t out[32], const ozk_merkle_record *r)
{
    uint8_t m[1 + 7 * 32];
    uint8_t *w = m + 1;
    m[0] = 0x00;                       /* leaf domain */
    put_word_u64(w, r->version);       /* uint256 version */
    put_word_u64(w + 32, r->chain_id); /* uint256 chainId */
    memset(w + 64, 0, 12);             /* address: right-aligned in its word */
    memcpy(w + 64 + 12, r->settlement, 20);
    memcpy(w + 96, r->model_id, 32);    /* bytes32 modelId */
    memcpy(w + 128, r->request_id, 32); /* bytes32 requestId */
    memcpy(w + 160, r->x_hash, 32);     /* bytes32 xHash */
    memcpy(w + 192, r->y_hash, 32);     /* bytes32 yHash */
    ozk_keccak256(out, m, sizeof m);
}

void ozk_merkle_node(uint8_t out[32], const uint8_t left[32], const uint8_t right[32])
{
    uint8_t m[65];
    m[0] = 0x01; /* node domain */
    memcpy(m + 1, left, 32);
    memcpy(m + 33, right, 32);
    ozk_keccak256(out, m, sizeof m);
}

int ozk_merkle_depth(uint64_t count)
{
    if (count == 0 || count > OZK_MERKLE_MAX_COUNT) return -1;
    int d = 0;
    while (((uint64_t)1 << d) < count) d++;
    return d;
}

/* zero[0..height] = the roots of all-padding subtrees of height 0..height */
static void zero_hashes(uint8_t zero[][32], int height)
{
    memcpy(zero[0], ozk_merkle_empty, 32);
    for (int h = 0; h < height; h++) ozk_merkle_node(zero[h + 1], zero[h], zero[h]);
}

/* root = the root of a subtree of height h whose first n (0 <= n <= 2^h) leaf positions hold
 * leaves[0..n) and the rest EMPTY; zero[0..h] from zero_hashes */
static void subtree_root(uint8_t root[32], const uint8_t (*leaves)[32], uint64_t n, int h,
                         const uint8_t zero[][32])
{
    uint8_t frontier[OZK_MERKLE_MAX_DEPTH + 1][32];
    if (n == 0) {
        memcpy(root, zero[h], 32);
        return;
    }
    /* Append leaf i: it completes the subtrees of height 0..t-1 ending at i, where t is the
     * number of trailing 1 bits of i; their left halves wait in frontier[0..t). */
    for (uint64_t i = 0; i < n; i++) {
        uint8_t cur[32];
        memcpy(cur, leaves[i], 32);
        int level = 0;
        for (uint64_t k = i; k & 1; k >>= 1, level++) ozk_merkle_node(cur, frontier[level], cur);
        memcpy(frontier[level], cur, 32);
    }
    if (n == (uint64_t)1 << h) {
        memcpy(root, frontier[h], 32); /* full: the last append completed the whole subtree */
        return;
    }
    /* Not full: walk up from the first padding position n. At level k the path's node is the
     * right child (bit k of n set: its left sibling is the complete frontier[k]) or the left
     * child (its right sibling is all padding, zero[k]). */
    uint8_t cur[32];
    memcpy(cur, zero[0], 32);
    for (int k = 0; k < h; k++) {
        if ((n >> k) & 1)
            ozk_merkle_node(cur, frontier[k], cur);
        else
            ozk_merkle_node(cur, cur, zero[k]);
    }
    memcpy(root, cur, 32);
}

int ozk_merkle_root(uint8_t root[32], const uint8_t (*leaves)[32], size_t count)
{
    uint8_t zero[OZK_MERKLE_MAX_DEPTH + 1][32];
    int d = ozk_merkle_depth(count);
    if (d < 0) return OZK_EINVAL;
    zero_hashes(zero, d);
    subtree_root(root, leaves, count, d, (const uint8_t(*)[32])zero);
    return 0;
}

int ozk_merkle_proof(uint8_t (*proof)[32], int *depth, const uint8_t (*leaves)[32], size_t count,
                     size_t index)
{
    uint8_t zero[OZK_MERKLE_MAX_DEPTH + 1][32];
    int d = ozk_merkle_depth(count);
    if (d < 0 || index >= count) return OZK_EINVAL;
    zero_hashes(zero, d);
    /* The sibling at level k is the subtree of height k at position (index >> k) ^ 1: its
     * leaves start at s = ((index >> k) ^ 1) << k, of which those below count are real. */
    for (int k = 0; k < d; k++) {
        uint64_t s = (((uint64_t)index >> k) ^ 1) << k;
        uint64_t n = s >= count ? 0 : count - s;
        if (n > (uint64_t)1 << k) n = (uint64_t)1 << k;
        subtree_root(proof[k], leaves + (s < count ? s : 0), n, k, (const uint8_t(*)[32])zero);
    }
    if (depth) *depth = d;
    return 0;
}

int ozk_merkle_verify(const uint8_t root[32], const uint8_t leaf[32], uint64_t index,
                      uint64_t count, const uint8_t (*proof)[32], size_t proof_len)
{
    int d = ozk_merkle_depth(count);
    if (d < 0 || index >= count || proof_len != (size_t)d) return 0;
    uint8_t cur[32];
    memcpy(cur, leaf, 32);
    for (int k = 0; k < d; k++) {
        if ((index >> k) & 1)
            ozk_merkle_node(cur, proof[k], cur); /* the path's node is a right child */
        else
            ozk_merkle_node(cur, cur, proof[k]); /* a left child */
    }
    return memcmp(cur, root, 32) == 0;
}
