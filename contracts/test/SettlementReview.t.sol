// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

// Regression tests for the findings of the contract review of 2026-11-25 (docs/contracts.md,
// "Review"): each was first shown as an attack against the earlier code, then fixed.

import {Settlement} from "../src/Settlement.sol";
import {MerkleRecord} from "../src/MerkleRecord.sol";
import "./Settlement.t.sol";

/// A verifier (test double for the settlement's own logic) whose verify() returns true only
/// when it was handed at least `need` gas.
contract GasProbe {
    bytes32 public constant VK_HASH = keccak256("vk");
    bytes32 public constant CW_HASH = keccak256("cw");
    bytes32 public constant SRS_ID = keccak256("srs");
    uint256 public constant PROTOCOL_VERSION = 1;
    bool public constant INSECURE = false;
    uint256 public need;

    constructor(uint256 n) {
        need = n;
    }

    function setNeed(uint256 n) external {
        need = n;
    }

    function verify(bytes calldata, bytes calldata, bytes calldata) external view returns (bool) {
        return gasleft() >= need;
    }
}

contract SettlementReviewTest is SettlementBase {
    function sign(uint256 key, Settlement.Receipt memory r) internal view returns (bytes memory) {
        (uint8 v, bytes32 rr, bytes32 ss) = vmx.sign(key, s.receiptDigest(r));
        return abi.encodePacked(rr, ss, v);
    }

    function fakeReceipt(uint64 deadline, bytes memory x, bytes memory y, bytes32 salt)
        internal
        view
        returns (Settlement.Receipt memory)
    {
        return Settlement.Receipt({
            chainId: block.chainid,
            settlement: address(s),
            modelId: mid,
            requestId: bytes32(uint256(999)),
            xHash: MerkleRecord.saltedHash(salt, x),
            yHash: MerkleRecord.saltedHash(salt, y),
            deadline: deadline
        });
    }

    /// F1: a committer key rotated away (say, leaked) cannot sign a receipt that binds after the
    /// rotation; one promised before it still binds.
    function test_rotatedKeyCannotSlashLater() public {
        uint64 before = uint64(block.timestamp);
        vm.warp(block.timestamp + 10);
        vm.prank(OWNER);
        s.setCommitter(mid, BOB);
        require(s.revokedAt(mid, COMMITTER) == block.timestamp, "revocation recorded");
        vm.warp(block.timestamp + 365 days);
        bytes memory x = "fake";
        bytes memory y = "fake";
        bytes32 salt = bytes32(uint256(42));
        Settlement.Receipt memory r = fakeReceipt(uint64(block.timestamp - 1), x, y, salt);
        bytes memory sig = sign(COMMITTER_KEY, r);
        vm.prank(ALICE);
        vm.expectRevert(Settlement.BadSignature.selector);
        s.challengeReceipt{value: BOND}(r, sig, salt, x, y);
        // a receipt the old key gave before the rotation is still challengeable in its window
        vm.warp(before + 1);
        Settlement.Receipt memory old = fakeReceipt(before, x, y, salt);
        vm.prank(ALICE);
        s.challengeReceipt{value: BOND}(old, sign(COMMITTER_KEY, old), salt, x, y);
    }

    /// F3: windows that could wrap a uint40 deadline are refused at registration.
    function test_hugeWindowRefused() public {
        Settlement.ModelParams memory p = params(bytes32(uint256(7)), address(ver), false);
        p.responseWindow = type(uint40).max;
        vm.prank(OWNER);
        vm.expectRevert(Settlement.BadTerms.selector);
        s.registerModel{value: STAKE}(p);
        p.responseWindow = RWIN;
        p.challengeWindow = type(uint40).max;
        vm.prank(OWNER);
        vm.expectRevert(Settlement.BadTerms.selector);
        s.registerModel{value: STAKE}(p);
    }

    /// F4: the gas floor holds at the call: with the least gas that passes it, and x of 784
    /// bytes in storage, the verifier still gets its verifyGas.
    function test_gasFloorHoldsAtTheCall() public {
        GasProbe probe = new GasProbe(VGAS);
        Settlement.ModelParams memory p = params(bytes32(uint256(8)), address(probe), false);
        vm.prank(OWNER);
        bytes32 m2 = s.registerModel{value: STAKE}(p);
        bytes memory x = new bytes(784);
        for (uint256 i = 0; i < x.length; i++) x[i] = bytes1(uint8(i));
        bytes memory y = "y";
        bytes32 salt = bytes32(uint256(5));
        bytes32 leaf = MerkleRecord.leaf(
            1,
            block.chainid,
            address(s),
            m2,
            bytes32(uint256(1)),
            MerkleRecord.saltedHash(salt, x),
            MerkleRecord.saltedHash(salt, y)
        );
        vm.prank(COMMITTER);
        s.commitBatch(m2, 0, leaf, 1);
        vm.prank(ALICE);
        uint256 id = s.challenge{value: BOND}(m2, 0, 0, bytes32(uint256(1)), salt, x, y, new bytes32[](0));
        // the least gas at which respond gets past the floor (the probe refuses everything)
        probe.setNeed(type(uint256).max);
        uint256 lo = VGAS;
        uint256 hi = VGAS * 3;
        while (lo < hi) {
            uint256 g = (lo + hi) / 2;
            (bool ok, bytes memory ret) = address(s).call{gas: g}(abi.encodeCall(Settlement.respond, (id, hex"01")));
            require(!ok, "the probe refuses");
            if (bytes4(ret) == Settlement.GasFloor.selector) lo = g + 1;
            else hi = g;
        }
        // at that gas, a verifier that needs its whole verifyGas gets it
        probe.setNeed(VGAS);
        (bool ok2,) = address(s).call{gas: lo}(abi.encodeCall(Settlement.respond, (id, hex"01")));
        require(ok2, "the verifier got its verifyGas");
        require(status(id) == Settlement.ChallengeStatus.Answered, "answered");
    }
}
