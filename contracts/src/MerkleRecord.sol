// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title Record leaves and Merkle batches
/// @notice The encoding of docs/contracts.md, "Records and Merkle batches", exactly as the C
/// side computes it (include/ozk/merkle.h, chain/merkle.c); tests/fixtures/merkle-vectors.json
/// pins the two together.
///   xHash = keccak256(salt || x), yHash = keccak256(salt || y)
///   leaf  = keccak256(0x00 || abi.encode(version, chainId, settlement, modelId, requestId,
///                                        xHash, yHash))
///   node  = keccak256(0x01 || left || right)
/// A batch of count leaves (1 <= count <= 2^24) is a complete tree of depth ceil(log2 count)
/// whose leaf positions count.. hold EMPTY. A proof is the depth siblings from the leaf up; bit
/// k of the index says whether the path's node at level k is a right child.
library MerkleRecord {
    /// keccak256("ozk.merkle.empty.v1"): the padding leaf
    bytes32 internal constant EMPTY = keccak256("ozk.merkle.empty.v1");

    /// the largest batch
    uint256 internal constant MAX_COUNT = 1 << 24;

    function saltedHash(bytes32 salt, bytes memory data) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(salt, data));
    }

    function leaf(
        uint256 version,
        uint256 chainId,
        address settlement,
        bytes32 modelId,
        bytes32 requestId,
        bytes32 xHash,
        bytes32 yHash
    ) internal pure returns (bytes32) {
        return keccak256(
            abi.encodePacked(
                bytes1(0x00), abi.encode(version, chainId, settlement, modelId, requestId, xHash, yHash)
            )
        );
    }

    function node(bytes32 left, bytes32 right) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(bytes1(0x01), left, right));
    }

    /// ceil(log2 count); count must lie in [1, MAX_COUNT] (callers check it first)
    function depth(uint256 count) internal pure returns (uint256 d) {
        while ((uint256(1) << d) < count) d++;
    }

    /// True when proof shows that leafHash sits at index of the batch (root, count). False, never
    /// a revert, for a count of 0 or over MAX_COUNT, an index >= count or a proof whose length is
    /// not the batch's depth.
    function verify(bytes32[] memory proof, uint256 index, uint256 count, bytes32 leafHash, bytes32 root)
        internal
        pure
        returns (bool)
    {
        if (count == 0 || count > MAX_COUNT || index >= count) return false;
        if (proof.length != depth(count)) return false;
        bytes32 h = leafHash;
        for (uint256 k = 0; k < proof.length; k++) {
            h = (index >> k) & 1 == 1 ? node(proof[k], h) : node(h, proof[k]);
        }
        return h == root;
    }
}
