// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {MerkleRecord} from "../src/MerkleRecord.sol";
import {CheatCodes} from "./Vm.sol";

/// MerkleRecord against the shared vectors that tests/test_merkle.c makes and checks
/// (tests/fixtures/merkle-vectors.json, read here with vm.readFile and the typed vm.parseJson*
/// cheatcodes, so the file is the single copy), against a whole-tree reference written out in
/// this test, and against fuzzed proofs, indices and counts.
contract MerkleRecordTest is CheatCodes {
    uint256 internal constant RECORDS = 17;
    uint256 internal constant BATCHES = 8;

    string internal json;

    function setUp() public {
        json = vm.readFile(string.concat(vm.projectRoot(), "/../tests/fixtures/merkle-vectors.json"));
    }

    // ---- the reference: the whole padded tree ------------------------------------------------

    /// the tree's levels: level 0 = leaves padded with EMPTY to 2^d, level k = pairs of level k-1
    function refTree(bytes32[] memory leaves) internal pure returns (bytes32[][] memory t) {
        uint256 d = 0;
        while ((uint256(1) << d) < leaves.length) d++;
        t = new bytes32[][](d + 1);
        t[0] = new bytes32[](1 << d);
        for (uint256 i = 0; i < t[0].length; i++) {
            t[0][i] = i < leaves.length ? leaves[i] : keccak256("ozk.merkle.empty.v1");
        }
        for (uint256 k = 1; k <= d; k++) {
            t[k] = new bytes32[](t[k - 1].length / 2);
            for (uint256 i = 0; i < t[k].length; i++) {
                t[k][i] = keccak256(abi.encodePacked(hex"01", t[k - 1][2 * i], t[k - 1][2 * i + 1]));
            }
        }
    }

    function refProof(bytes32[][] memory t, uint256 index) internal pure returns (bytes32[] memory p) {
        p = new bytes32[](t.length - 1);
        for (uint256 k = 0; k < p.length; k++) {
            p[k] = t[k][(index >> k) ^ 1];
        }
    }

    // ---- the vectors -------------------------------------------------------------------------

    function rec(uint256 i, string memory field) internal pure returns (string memory) {
        return string.concat(".records[", vm.toString(i), "].", field);
    }

    function batch(uint256 b, string memory field) internal pure returns (string memory) {
        return string.concat(".batches[", vm.toString(b), "].", field);
    }

    function vectorLeaves(uint256 n) internal view returns (bytes32[] memory leaves) {
        leaves = new bytes32[](n);
        for (uint256 i = 0; i < n; i++) {
            leaves[i] = vm.parseJsonBytes32(json, rec(i, "leaf"));
        }
    }

    function vectorProof(uint256 b, uint256 i) internal view returns (bytes32[] memory) {
        return vm.parseJsonBytes32Array(json, string.concat(batch(b, "proofs"), "[", vm.toString(i), "]"));
    }

    function test_emptyConstant() public view {
        require(MerkleRecord.EMPTY == keccak256("ozk.merkle.empty.v1"), "EMPTY");
        require(MerkleRecord.EMPTY == vm.parseJsonBytes32(json, ".empty"), "EMPTY of the vectors");
    }

    /// every record's salted hashes and leaf from its inputs
    function test_vectorRecords() public view {
        for (uint256 i = 0; i < RECORDS; i++) {
            bytes32 salt = vm.parseJsonBytes32(json, rec(i, "salt"));
            bytes32 xHash = MerkleRecord.saltedHash(salt, vm.parseJsonBytes(json, rec(i, "x")));
            bytes32 yHash = MerkleRecord.saltedHash(salt, vm.parseJsonBytes(json, rec(i, "y")));
            require(xHash == vm.parseJsonBytes32(json, rec(i, "xHash")), "xHash");
            require(yHash == vm.parseJsonBytes32(json, rec(i, "yHash")), "yHash");
            bytes32 l = MerkleRecord.leaf(
                vm.parseJsonUint(json, rec(i, "version")),
                vm.parseJsonUint(json, rec(i, "chainId")),
                vm.parseJsonAddress(json, rec(i, "settlement")),
                vm.parseJsonBytes32(json, rec(i, "modelId")),
                vm.parseJsonBytes32(json, rec(i, "requestId")),
                xHash,
                yHash
            );
            require(l == vm.parseJsonBytes32(json, rec(i, "leaf")), "leaf");
        }
    }

    /// every batch's root and every proof, against the reference, and through verify
    function test_vectorBatches() public view {
        uint256[BATCHES] memory counts = [uint256(1), 2, 3, 5, 8, 9, 16, 17];
        for (uint256 b = 0; b < BATCHES; b++) {
            uint256 count = vm.parseJsonUint(json, batch(b, "count"));
            require(count == counts[b], "the vectors' counts");
            bytes32[] memory leaves = vectorLeaves(count);
            bytes32[][] memory t = refTree(leaves);
            bytes32 root = vm.parseJsonBytes32(json, batch(b, "root"));
            require(root == t[t.length - 1][0], "root");
            require(vm.parseJsonUint(json, batch(b, "depth")) == MerkleRecord.depth(count), "depth");
            for (uint256 i = 0; i < count; i++) {
                bytes32[] memory p = vectorProof(b, i);
                bytes32[] memory want = refProof(t, i);
                require(p.length == want.length, "proof length");
                for (uint256 k = 0; k < p.length; k++) {
                    require(p[k] == want[k], "proof sibling");
                }
                require(MerkleRecord.verify(p, i, count, leaves[i], root), "a vector proof fails");
                if (count > 1) {
                    require(!MerkleRecord.verify(p, i, count, leaves[(i + 1) % count], root), "another leaf");
                }
            }
        }
    }

    // ---- fuzzing -----------------------------------------------------------------------------

    /// random batches of 1..40 leaves: every reference proof verifies, and flipping any one bit
    /// of a sibling, the leaf or the index breaks it
    function testFuzz_ownTree(bytes32 seed, uint256 count, uint256 index, uint256 bit) public pure {
        count = 1 + count % 40;
        index %= count;
        bytes32[] memory leaves = new bytes32[](count);
        for (uint256 i = 0; i < count; i++) {
            leaves[i] = keccak256(abi.encode(seed, i));
        }
        bytes32[][] memory t = refTree(leaves);
        bytes32 root = t[t.length - 1][0];
        bytes32[] memory p = refProof(t, index);
        require(MerkleRecord.verify(p, index, count, leaves[index], root), "reference proof");
        bytes32 flip = bytes32(uint256(1) << (bit % 256));
        require(!MerkleRecord.verify(p, index, count, leaves[index] ^ flip, root), "leaf bit");
        require(!MerkleRecord.verify(p, index ^ (uint256(1) << (bit % 256)), count, leaves[index], root), "index bit");
        if (p.length > 0) {
            p[(bit >> 8) % p.length] ^= flip;
            require(!MerkleRecord.verify(p, index, count, leaves[index], root), "sibling bit");
        }
    }

    /// a random proof at a random index does not verify against a vector batch
    function testFuzz_randomProof(bytes32 seed, uint256 b, uint256 index, uint256 len) public view {
        b %= BATCHES;
        uint256 count = vm.parseJsonUint(json, batch(b, "count"));
        bytes32 root = vm.parseJsonBytes32(json, batch(b, "root"));
        bytes32[] memory leaves = vectorLeaves(count);
        bytes32[] memory p = new bytes32[](len % 26);
        for (uint256 k = 0; k < p.length; k++) {
            p[k] = keccak256(abi.encode(seed, k));
        }
        if (count == 1 && p.length == 0 && index == 0) {
            // the one genuine proof among these: a batch of one leaf, the empty proof
            require(MerkleRecord.verify(p, index, count, leaves[0], root), "count 1, empty proof");
            return;
        }
        require(!MerkleRecord.verify(p, index, count, leaves[index % count], root), "random proof");
        if (count == 1 && p.length == 0) return;
        require(!MerkleRecord.verify(p, index % count, count, leaves[index % count], root), "random proof");
    }

    /// a vector proof moved to another index, or checked under another count of another depth
    function testFuzz_wrongIndexOrCount(uint256 b, uint256 i, uint256 j, uint256 count2) public view {
        b %= BATCHES;
        uint256 count = vm.parseJsonUint(json, batch(b, "count"));
        bytes32 root = vm.parseJsonBytes32(json, batch(b, "root"));
        i %= count;
        bytes32 l = vm.parseJsonBytes32(json, rec(i, "leaf"));
        bytes32[] memory p = vectorProof(b, i);
        if (j != i) require(!MerkleRecord.verify(p, j, count, l, root), "wrong index");
        count2 %= 2 * MerkleRecord.MAX_COUNT;
        if (count2 == 0 || count2 > MerkleRecord.MAX_COUNT || MerkleRecord.depth(count2) != p.length || i >= count2) {
            require(!MerkleRecord.verify(p, i, count2, l, root), "wrong count");
        } else {
            // the same depth and the index inside: the proof fits, since count is not hashed into
            // the root (it is committed next to it)
            require(MerkleRecord.verify(p, i, count2, l, root), "count of the same depth");
        }
    }

    // ---- boundaries --------------------------------------------------------------------------

    function test_countOne() public pure {
        bytes32 l = keccak256("a leaf");
        bytes32[] memory none = new bytes32[](0);
        bytes32[] memory one = new bytes32[](1);
        one[0] = MerkleRecord.EMPTY;
        require(MerkleRecord.verify(none, 0, 1, l, l), "count 1: the root is the leaf");
        require(!MerkleRecord.verify(none, 1, 1, l, l), "index = count");
        require(!MerkleRecord.verify(one, 0, 1, l, l), "a proof too long");
        require(!MerkleRecord.verify(one, 0, 1, l, MerkleRecord.node(l, MerkleRecord.EMPTY)), "padded root");
        require(!MerkleRecord.verify(none, 0, 0, l, l), "count 0");
    }

    function test_indexEqualsCountAndLengths() public view {
        for (uint256 b = 0; b < BATCHES; b++) {
            uint256 count = vm.parseJsonUint(json, batch(b, "count"));
            bytes32 root = vm.parseJsonBytes32(json, batch(b, "root"));
            bytes32 last = vm.parseJsonBytes32(json, rec(count - 1, "leaf"));
            bytes32[] memory p = vectorProof(b, count - 1);
            require(MerkleRecord.verify(p, count - 1, count, last, root), "the last leaf");
            require(!MerkleRecord.verify(p, count, count, last, root), "index = count");
            // a proof one sibling short and one long
            bytes32[] memory shorter = new bytes32[](p.length == 0 ? 0 : p.length - 1);
            bytes32[] memory longer = new bytes32[](p.length + 1);
            for (uint256 k = 0; k < p.length; k++) {
                longer[k] = p[k];
                if (k < shorter.length) shorter[k] = p[k];
            }
            longer[p.length] = MerkleRecord.EMPTY;
            if (p.length > 0) require(!MerkleRecord.verify(shorter, count - 1, count, last, root), "short");
            require(!MerkleRecord.verify(longer, count - 1, count, last, root), "long");
        }
    }

    function test_largestBatch() public pure {
        uint256 max = MerkleRecord.MAX_COUNT;
        bytes32 l = keccak256("a leaf");
        bytes32[] memory p = new bytes32[](24);
        bytes32 h = l;
        for (uint256 k = 0; k < 24; k++) {
            p[k] = keccak256(abi.encode(k));
            h = MerkleRecord.node(p[k], h); // index max - 1: a right child at every level
        }
        require(MerkleRecord.depth(max) == 24 && MerkleRecord.depth(max - 1) == 24, "depth 24");
        require(MerkleRecord.verify(p, max - 1, max, l, h), "index 2^24 - 1 of 2^24");
        require(!MerkleRecord.verify(p, max - 1, max + 1, l, h), "count 2^24 + 1");
        require(!MerkleRecord.verify(p, max, max, l, h), "index 2^24");
    }
}
