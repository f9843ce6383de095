/*
 * ozk/merkle.h: the records a node commits and the Merkle batches that commit them
 * (docs/contracts.md, "Records and Merkle batches"; ../shared/design.md section 5). The
 * Solidity library contracts/src/MerkleRecord.sol computes exactly the same values; the shared
 * vectors tests/fixtures/merkle-vectors.json pin the two together.
 *
 * A record's leaf:
 *     xHash = keccak256(salt || x)          salt 32 bytes, x the canonical input bytes
 *     yHash = keccak256(salt || y)          y the canonical output bytes
 *     leaf  = keccak256(0x00 || abi.encode(uint256 version, uint256 chainId, address settlement,
 *                                          bytes32 modelId, bytes32 requestId, bytes32 xHash,
 *                                          bytes32 yHash))     (1 + 7 x 32 = 225 bytes hashed)
 * A node:
 *     node(left, right) = keccak256(0x01 || left || right)      (65 bytes hashed)
 * A batch of count leaves, 1 <= count <= 2^24, has depth d = ceil(log2 count) (count 1: d = 0
 * and the root is the leaf). The leaves are placed at positions 0..count-1 of a complete
 * binary tree with 2^d leaf positions; positions count..2^d-1 hold the constant EMPTY =
 * keccak256("ozk.merkle.empty.v1"); every inner node is node(left child, right child). A node
 * is never duplicated to fill a level. The prefixes 0x00 and 0x01 keep a leaf from being read as
 * a node and back; EMPTY's preimage starts with neither.
 *
 * A proof of the leaf at index i is the d siblings on its path, from the leaf level up: bit k
 * of i says whether the path's node at level k is a right child (1: hash node(sibling, h)) or
 * a left child (0: node(h, sibling)). A proof verifies only when its length is exactly d and
 * i < count: the count comes from the committed batch, never from the prover.
 *
 * Nothing here allocates or prints. Hash functions cannot fail. ozk_merkle_root and
 * ozk_merkle_proof follow the systems regime (ozk/error.h); ozk_merkle_verify is a crypto
 * predicate (1 valid, 0 invalid).
 */
#ifndef OZK_MERKLE_H
#define OZK_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#define OZK_MERKLE_MAX_DEPTH 24
#define OZK_MERKLE_MAX_COUNT ((uint64_t)1 << OZK_MERKLE_MAX_DEPTH) /* 2^24 leaves a batch */

/* EMPTY = keccak256("ozk.merkle.empty.v1"), the padding leaf. */
extern const uint8_t ozk_merkle_empty[32];

/* The fields of a record's leaf, with x and y already salted and hashed
 * (ozk_merkle_salted_hash). version and chainId are uint256 on chain; they fit 64 bits here. */
typedef struct {
    uint64_t version;
    uint64_t chain_id;
    uint8_t settlement[20]; /* the Settlement contract's address */
    uint8_t model_id[32];
    uint8_t request_id[32];
    uint8_t x_hash[32]; /* keccak256(salt || x) */
    uint8_t y_hash[32]; /* keccak256(salt || y) */
} ozk_merkle_record;

/* out = keccak256(salt || data[0..len)); data may be NULL when len is 0. */
void ozk_merkle_salted_hash(uint8_t out[32], const uint8_t salt[32], const uint8_t *data,
                            size_t len);

/* out = the record's leaf (above). */
void ozk_merkle_leaf(uint8_t out[32], const ozk_merkle_record *r);

/* out = keccak256(0x01 || left || right). out may alias left or right. */
void ozk_merkle_node(uint8_t out[32], const uint8_t left[32], const uint8_t right[32]);

/* ceil(log2 count) for 1 <= count <= OZK_MERKLE_MAX_COUNT; -1 for any other count. */
int ozk_merkle_depth(uint64_t count);

/* root = the root of the batch leaves[0..count). OZK_EINVAL (root untouched) when count is 0
 * or over OZK_MERKLE_MAX_COUNT. O(count) hashes, O(depth) stack. */
int ozk_merkle_root(uint8_t root[32], const uint8_t (*leaves)[32], size_t count);

/* proof[0..d) = the proof of leaves[index] in the batch leaves[0..count), d its depth (also
 * stored in *depth when depth is not NULL). proof must hold OZK_MERKLE_MAX_DEPTH entries, or
 * at least d. OZK_EINVAL (nothing written) when count is 0 or over OZK_MERKLE_MAX_COUNT or
 * index >= count. O(count) hashes. */
int ozk_merkle_proof(uint8_t (*proof)[32], int *depth, const uint8_t (*leaves)[32], size_t count,
                     size_t index);

/* 1 when proof[0..proof_len) proves that leaf sits at index of a batch of count leaves whose
 * root is root; 0 when it does not, and whenever count is 0 or over OZK_MERKLE_MAX_COUNT,
 * index >= count or proof_len differs from the batch's depth. proof may be NULL when
 * proof_len is 0. Variable time (all of it is public). */
int ozk_merkle_verify(const uint8_t root[32], const uint8_t leaf[32], uint64_t index,
                      uint64_t count, const uint8_t (*proof)[32], size_t proof_len);

#endif
