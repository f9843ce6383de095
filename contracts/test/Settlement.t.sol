// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Settlement, IOzkVerifier} from "../src/Settlement.sol";
import {MerkleRecord} from "../src/MerkleRecord.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {CheatCodes} from "./Vm.sol";

/// The cheatcodes these tests use beyond test/Vm.sol (same cheatcode address).
interface VmExtra {
    function addr(uint256 privateKey) external pure returns (address);
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);
    function chainId(uint256 newChainId) external;
    function startPrank(address sender) external;
    function stopPrank() external;
    function etch(address target, bytes calldata code) external;
}

// ---- test verifiers ------------------------------------------------------------------------------
//
// These stand in for the verifier that `ozk gen-verifier` writes: they expose the five constants
// and a verify() whose answer the test sets. That is acceptable here because these tests are about
// the settlement's own logic (registration checks, the gas floor, the exact-true rule, state
// changes, payouts, boundaries); tests/test_genverifier.c and the anvil end-to-end tests exercise
// real verifiers with real proofs.

contract MockVerifier {
    enum Mode {
        Word, // return the 32-byte word `answer`
        ConsumeAll, // burn all the gas it is given
        Malformed, // return 64 bytes (1, 1)
        Empty, // return nothing
        Revert, // revert
        Reenter // try to re-enter the settlement (static context), then return 1
    }

    bytes32 public immutable VK_HASH;
    bytes32 public immutable CW_HASH;
    bytes32 public immutable SRS_ID;
    uint256 public immutable PROTOCOL_VERSION;
    bool public immutable INSECURE;

    Mode public mode;
    uint256 public answer = 1;
    address public target;
    bytes public reentry;

    constructor(bytes32 vk, bytes32 cw, bytes32 srs, uint256 version, bool insecure) {
        VK_HASH = vk;
        CW_HASH = cw;
        SRS_ID = srs;
        PROTOCOL_VERSION = version;
        INSECURE = insecure;
    }

    function set(Mode m, uint256 a) external {
        mode = m;
        answer = a;
    }

    function setReentry(address t, bytes calldata data) external {
        target = t;
        reentry = data;
    }

    function verify(bytes calldata, bytes calldata, bytes calldata) external view returns (bool) {
        Mode m = mode;
        uint256 a = answer;
        if (m == Mode.Word) {
            assembly {
                mstore(0, a)
                return(0, 32)
            }
        }
        if (m == Mode.ConsumeAll) {
            uint256 i;
            while (true) {
                i++;
            }
        }
        if (m == Mode.Malformed) {
            assembly {
                mstore(0, 1)
                mstore(32, 1)
                return(0, 64)
            }
        }
        if (m == Mode.Empty) {
            assembly {
                return(0, 0)
            }
        }
        if (m == Mode.Revert) revert("no");
        // Reenter: any state change is impossible under STATICCALL and the guard is held anyway
        (bool ok,) = target.staticcall(reentry);
        require(!ok, "reentry succeeded");
        return true;
    }
}

/// A delegating proxy: exposes the implementation's constants, but its code hash differs.
contract DelegatingProxy {
    address internal immutable impl;

    constructor(address i) {
        impl = i;
    }

    fallback() external payable {
        address i = impl;
        assembly {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), i, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(ok) { revert(0, returndatasize()) }
            return(0, returndatasize())
        }
    }
}

/// A verifier-shaped contract whose INSECURE returns a word that is not a bool.
contract OddVerifier {
    bytes32 public constant VK_HASH = bytes32(uint256(1));
    bytes32 public constant CW_HASH = bytes32(uint256(2));
    bytes32 public constant SRS_ID = bytes32(uint256(3));
    uint256 public constant PROTOCOL_VERSION = 1;

    function INSECURE() external pure returns (uint256) {
        return 2;
    }
}

// ---- challengers ---------------------------------------------------------------------------------

/// A challenger contract: reverts on receiving ether, or re-enters the settlement when paid.
contract ChallengerBot {
    Settlement internal s;
    bool public hostile; // receive() reverts
    bool public reenter; // receive() tries resolveTimeout / withdrawCredits again
    uint256 public reenterId;
    bool public reentryFailed;

    constructor(Settlement s_) payable {
        s = s_;
    }

    function configure(bool h, bool r, uint256 id) external {
        hostile = h;
        reenter = r;
        reenterId = id;
    }

    function doChallenge(
        bytes32 modelId,
        uint256 seq,
        uint256 index,
        bytes32 requestId,
        bytes32 salt,
        bytes calldata x,
        bytes calldata y,
        bytes32[] calldata proof
    ) external payable returns (uint256) {
        return s.challenge{value: msg.value}(modelId, seq, index, requestId, salt, x, y, proof);
    }

    function withdrawTo(address payable to) external {
        s.withdrawCredits(to);
    }

    receive() external payable {
        if (hostile) revert("hostile");
        if (reenter) {
            (bool ok1,) = address(s).call(abi.encodeCall(Settlement.resolveTimeout, (reenterId)));
            (bool ok2,) = address(s).call(abi.encodeCall(Settlement.withdrawCredits, (payable(address(this)))));
            reentryFailed = !ok1 && !ok2;
        }
    }
}

contract RevertingSink {
    receive() external payable {
        revert("sink");
    }
}

// ---- the tests -----------------------------------------------------------------------------------

/// The deployment, helpers and invariant check the Settlement tests share.
abstract contract SettlementBase is CheatCodes {
    VmExtra internal constant vmx = VmExtra(address(uint160(uint256(keccak256("hevm cheat code")))));

    bytes32 internal constant VK = keccak256("vk");
    bytes32 internal constant CW = keccak256("cw");
    bytes32 internal constant SRS = keccak256("srs");
    uint256 internal constant PV = 1;

    uint96 internal constant BOND = 0.1 ether;
    uint40 internal constant CWIN = 1000;
    uint40 internal constant RWIN = 500;
    uint256 internal constant STAKE = 10 ether;
    uint64 internal constant VGAS = 3_000_000;

    address internal constant OWNER = address(0xA11CE);
    address internal constant PAYEE = address(0xFEE);
    address internal constant SINK = address(0xDEAD);
    address internal constant ALICE = address(0xA1);
    address internal constant BOB = address(0xB0B);
    uint256 internal constant COMMITTER_KEY = 0xC0117;
    address internal COMMITTER;

    Settlement internal s;
    MockVerifier internal ver;
    bytes32 internal mid;

    // one batch of records, rebuilt by makeBatch
    bytes32[] internal leaves;
    bytes32[][] internal tree;

    function setUp() public {
        COMMITTER = vmx.addr(COMMITTER_KEY);
        vm.warp(1_000_000);
        s = new Settlement(bounds(true, SINK));
        ver = new MockVerifier(VK, CW, SRS, PV, false);
        vm.deal(OWNER, 1000 ether);
        vm.deal(ALICE, 1000 ether);
        vm.deal(BOB, 1000 ether);
        mid = register(OWNER, bytes32(0), address(ver), false);
    }

    // ---- helpers ---------------------------------------------------------------------------------

    function bounds(bool insecure, address sink) internal pure returns (Settlement.Bounds memory b) {
        b = Settlement.Bounds({
            minStake: 1 ether,
            minBond: 0.01 ether,
            maxBond: 10 ether,
            minChallengeWindow: 100,
            minResponseWindow: 50,
            challengerShareBps: 5000,
            burnSink: sink,
            allowInsecure: insecure,
            assumedGasPrice: 1 gwei
        });
    }

    function params(bytes32 salt, address v, bool insecure) internal view returns (Settlement.ModelParams memory p) {
        p = Settlement.ModelParams({
            salt: salt,
            committer: COMMITTER,
            payee: PAYEE,
            verifier: v,
            verifierCodeHash: v.codehash,
            vkHash: VK,
            cwHash: CW,
            srsId: SRS,
            protocolVersion: PV,
            insecure: insecure,
            bond: BOND,
            challengeWindow: CWIN,
            responseWindow: RWIN,
            verifyGas: VGAS,
            respondGas: VGAS + 500_000,
            provingCost: 0.001 ether
        });
    }

    function register(address owner, bytes32 salt, address v, bool insecure) internal returns (bytes32) {
        vm.prank(owner);
        return s.registerModel{value: STAKE}(params(salt, v, insecure));
    }

    function recX(uint256 i) internal pure returns (bytes memory) {
        return abi.encodePacked("x", i);
    }

    function recY(uint256 i) internal pure returns (bytes memory) {
        return abi.encodePacked("y", i * 7);
    }

    function recSalt(uint256 i) internal pure returns (bytes32) {
        return keccak256(abi.encode("salt", i));
    }

    function recReq(uint256 i) internal pure returns (bytes32) {
        return bytes32(i + 1);
    }

    function leafOf(bytes32 modelId, uint256 i) internal view returns (bytes32) {
        return MerkleRecord.leaf(
            1,
            block.chainid,
            address(s),
            modelId,
            recReq(i),
            MerkleRecord.saltedHash(recSalt(i), recX(i)),
            MerkleRecord.saltedHash(recSalt(i), recY(i))
        );
    }

    /// leaves 0..n-1 of modelId, the padded tree; returns the root
    function makeBatch(bytes32 modelId, uint256 n) internal returns (bytes32) {
        delete leaves;
        delete tree;
        for (uint256 i = 0; i < n; i++) {
            leaves.push(leafOf(modelId, i));
        }
        uint256 d = 0;
        while ((uint256(1) << d) < n) d++;
        tree.push();
        for (uint256 i = 0; i < (uint256(1) << d); i++) {
            tree[0].push(i < n ? leaves[i] : MerkleRecord.EMPTY);
        }
        for (uint256 k = 1; k <= d; k++) {
            tree.push();
            for (uint256 i = 0; i < tree[k - 1].length / 2; i++) {
                tree[k].push(MerkleRecord.node(tree[k - 1][2 * i], tree[k - 1][2 * i + 1]));
            }
        }
        return tree[d][0];
    }

    function proofOf(uint256 index) internal view returns (bytes32[] memory p) {
        p = new bytes32[](tree.length - 1);
        for (uint256 k = 0; k < p.length; k++) {
            p[k] = tree[k][(index >> k) ^ 1];
        }
    }

    /// commit a batch of n records under mid as its next seq; returns the seq
    function commit(bytes32 modelId, uint256 n) internal returns (uint256 seq) {
        seq = s.model(modelId).nextSeq;
        bytes32 root = makeBatch(modelId, n);
        vm.prank(COMMITTER);
        s.commitBatch(modelId, seq, root, n);
    }

    function challengeAs(address who, bytes32 modelId, uint256 seq, uint256 i) internal returns (uint256) {
        bytes32[] memory p = proofOf(i);
        vm.prank(who);
        return s.challenge{value: BOND}(modelId, seq, i, recReq(i), recSalt(i), recX(i), recY(i), p);
    }

    function respondOk(uint256 id) internal {
        ver.set(MockVerifier.Mode.Word, 1);
        s.respond(id, hex"beef");
    }

    function status(uint256 id) internal view returns (Settlement.ChallengeStatus) {
        return s.challengeInfo(id).status;
    }

    function deadlineOf(uint256 id) internal view returns (uint256) {
        return s.challengeInfo(id).deadline;
    }

    /// stakes + bonds + credits + burned = deposits - withdrawn, and the balance matches
    function checkInvariants() internal view {
        uint256 held = s.totalStakes() + s.totalBonds() + s.totalCredits() + s.totalBurned();
        require(held == s.totalDeposits() - s.totalWithdrawn(), "stakes + bonds + credits + burned = deposits");
        require(address(s).balance == held - s.burnFlushed(), "balance");
    }

}

/// Deployment bounds, registration checks, roles and commits.
contract SettlementSetupTest is SettlementBase {
    // ---- deployment ------------------------------------------------------------------------------

    function test_constructorBounds() public {
        Settlement.Bounds memory b = bounds(false, SINK);
        b.challengerShareBps = 5001;
        vm.expectRevert(Settlement.BadBounds.selector);
        new Settlement(b);
        b = bounds(false, address(0));
        vm.expectRevert(Settlement.BadBounds.selector);
        new Settlement(b);
        b = bounds(false, SINK);
        b.maxBond = b.minBond - 1;
        vm.expectRevert(Settlement.BadBounds.selector);
        new Settlement(b);
        b = bounds(false, SINK);
        b.minResponseWindow = 0;
        vm.expectRevert(Settlement.BadBounds.selector);
        new Settlement(b);
        Settlement t = new Settlement(bounds(false, SINK));
        require(t.CHALLENGER_SHARE_BPS() == 5000 && t.BURN_SINK() == SINK && !t.ALLOW_INSECURE(), "immutables");
    }

    function test_allowInsecureOnlyOnAnvil() public {
        new Settlement(bounds(true, SINK)); // 31337
        vmx.chainId(1);
        vm.expectRevert(Settlement.InsecureNotAllowed.selector);
        new Settlement(bounds(true, SINK));
        new Settlement(bounds(false, SINK));
    }

    // ---- registration ----------------------------------------------------------------------------

    function test_registerStoresTerms() public view {
        Settlement.Model memory m = s.model(mid);
        require(mid == s.modelIdOf(OWNER, bytes32(0)), "id");
        require(m.owner == OWNER && m.committer == COMMITTER && m.payee == PAYEE, "roles");
        require(m.verifier == address(ver) && m.verifierCodeHash == address(ver).codehash, "code hash");
        require(m.vkHash == VK && m.cwHash == CW && m.srsId == SRS && m.protocolVersion == PV, "constants");
        require(m.stake == STAKE && m.bond == BOND && m.challengeWindow == CWIN && m.responseWindow == RWIN, "terms");
        require(s.wasCommitter(mid, COMMITTER), "committer");
        checkInvariants();
    }

    function test_registerRejectsEOA() public {
        Settlement.ModelParams memory p = params(bytes32(uint256(1)), address(0x1234), false);
        vm.prank(OWNER);
        vm.expectRevert(Settlement.NoVerifierCode.selector);
        s.registerModel{value: STAKE}(p);
    }

    function test_registerRejectsProxy() public {
        DelegatingProxy proxy = new DelegatingProxy(address(ver));
        require(MockVerifier(address(proxy)).VK_HASH() == VK, "the proxy answers the constants");
        // the expected code hash is the real verifier's (verify-deployment recomputes it from the vk)
        Settlement.ModelParams memory p = params(bytes32(uint256(1)), address(proxy), false);
        p.verifierCodeHash = address(ver).codehash;
        vm.prank(OWNER);
        vm.expectRevert(Settlement.VerifierCodeHash.selector);
        s.registerModel{value: STAKE}(p);
    }

    function test_registerRejectsDisagreeingConstants() public {
        bytes32 salt = bytes32(uint256(1));
        for (uint256 k = 0; k < 5; k++) {
            Settlement.ModelParams memory p = params(salt, address(ver), false);
            if (k == 0) p.vkHash = keccak256("other");
            if (k == 1) p.cwHash = keccak256("other");
            if (k == 2) p.srsId = keccak256("other");
            if (k == 3) p.protocolVersion = 2;
            if (k == 4) p.insecure = true;
            vm.prank(OWNER);
            vm.expectRevert(Settlement.VerifierConstants.selector);
            s.registerModel{value: STAKE}(p);
        }
        OddVerifier odd = new OddVerifier();
        Settlement.ModelParams memory q = params(salt, address(odd), false);
        q.vkHash = bytes32(uint256(1));
        q.cwHash = bytes32(uint256(2));
        q.srsId = bytes32(uint256(3));
        vm.prank(OWNER);
        vm.expectRevert(Settlement.VerifierConstants.selector);
        s.registerModel{value: STAKE}(q);
        // a contract without the constants at all
        q = params(salt, address(s), false);
        vm.prank(OWNER);
        vm.expectRevert(Settlement.VerifierConstants.selector);
        s.registerModel{value: STAKE}(q);
    }

    function test_registerInsecure() public {
        MockVerifier dev = new MockVerifier(VK, CW, SRS, PV, true);
        bytes32 id = register(OWNER, bytes32(uint256(7)), address(dev), true);
        require(s.model(id).insecure, "insecure model on an insecure deployment");
        Settlement secure = new Settlement(bounds(false, SINK));
        Settlement.ModelParams memory p = params(bytes32(uint256(8)), address(dev), true);
        vm.prank(OWNER);
        vm.expectRevert(Settlement.InsecureNotAllowed.selector);
        secure.registerModel{value: STAKE}(p);
        p.insecure = false; // and lying about it fails the constant check
        vm.prank(OWNER);
        vm.expectRevert(Settlement.VerifierConstants.selector);
        secure.registerModel{value: STAKE}(p);
    }

    function test_registerTermsOutOfBounds() public {
        bytes32 salt = bytes32(uint256(1));
        for (uint256 k = 0; k < 8; k++) {
            Settlement.ModelParams memory p = params(salt, address(ver), false);
            uint256 value = STAKE;
            bytes4 err = Settlement.BadTerms.selector;
            if (k == 0) p.bond = 0.01 ether - 1;
            if (k == 1) p.bond = 10 ether + 1;
            if (k == 2) p.challengeWindow = 99;
            if (k == 3) p.responseWindow = 49;
            if (k == 4) p.respondGas = 10_000_000; // floor 2 x 1e7 x 1 gwei = 0.02 ether + proving
            if (k == 4) p.bond = 0.02 ether;
            if (k == 5) p.committer = address(0);
            if (k == 6) (value, err) = (1 ether - 1, Settlement.InsufficientStake.selector);
            if (k == 7) p.respondGas = VGAS - 1;
            vm.prank(OWNER);
            vm.expectRevert(err);
            s.registerModel{value: value}(p);
        }
        require(s.bondFloor(10_000_000, 0.001 ether) == 0.021 ether, "bond floor");
        vm.prank(OWNER);
        vm.expectRevert(Settlement.ModelExists.selector);
        s.registerModel{value: STAKE}(params(bytes32(0), address(ver), false));
    }

    function test_ownerRoles() public {
        vm.deal(COMMITTER, 10 ether);
        vm.prank(ALICE);
        vm.expectRevert(Settlement.NotOwner.selector);
        s.setCommitter(mid, ALICE);
        vm.prank(COMMITTER);
        vm.expectRevert(Settlement.NotOwner.selector);
        s.requestExit(mid);
        vm.prank(COMMITTER);
        vm.expectRevert(Settlement.NotOwner.selector);
        s.addStake{value: 1 ether}(mid);
        vm.prank(OWNER);
        s.addStake{value: 1 ether}(mid);
        require(s.model(mid).stake == STAKE + 1 ether, "stake added");
        vm.prank(OWNER);
        s.setCommitter(mid, BOB);
        vm.prank(COMMITTER);
        vm.expectRevert(Settlement.NotCommitter.selector);
        s.commitBatch(mid, 0, bytes32(uint256(1)), 1);
        vm.prank(BOB);
        s.commitBatch(mid, 0, bytes32(uint256(1)), 1);
        require(s.wasCommitter(mid, COMMITTER) && s.wasCommitter(mid, BOB), "history");
        checkInvariants();
    }

    // ---- commits ---------------------------------------------------------------------------------

    function test_commitBatchRules() public {
        vm.prank(ALICE);
        vm.expectRevert(Settlement.NotCommitter.selector);
        s.commitBatch(mid, 0, bytes32(uint256(1)), 1);
        vm.prank(OWNER);
        vm.expectRevert(Settlement.NotCommitter.selector);
        s.commitBatch(mid, 0, bytes32(uint256(1)), 1);
        vmx.startPrank(COMMITTER);
        vm.expectRevert(Settlement.BadSeq.selector);
        s.commitBatch(mid, 1, bytes32(uint256(1)), 1);
        vm.expectRevert(Settlement.BadCount.selector);
        s.commitBatch(mid, 0, bytes32(uint256(1)), 0);
        vm.expectRevert(Settlement.BadCount.selector);
        s.commitBatch(mid, 0, bytes32(uint256(1)), (1 << 24) + 1);
        s.commitBatch(mid, 0, bytes32(uint256(1)), 1 << 24);
        vm.expectRevert(Settlement.BadSeq.selector);
        s.commitBatch(mid, 0, bytes32(uint256(2)), 1);
        s.commitBatch(mid, 1, bytes32(uint256(2)), 1);
        vmx.stopPrank();
        Settlement.Batch memory b = s.batch(mid, 0);
        require(b.count == 1 << 24 && b.commitTs == block.timestamp && b.bond == BOND, "batch");
        require(b.challengeWindow == CWIN && b.responseWindow == RWIN, "snapshot");
        require(s.model(mid).nextSeq == 2 && s.model(mid).lastCommitTs == block.timestamp, "model");
        vm.expectRevert(Settlement.UnknownModel.selector);
        s.commitBatch(bytes32(uint256(99)), 0, bytes32(uint256(1)), 1);
    }

}

/// Challenges, responses (the gas floor, the exact-true rule, reentrancy) and timeouts.
contract SettlementDisputeTest is SettlementBase {
    // ---- challenge and respond -------------------------------------------------------------------

    function test_challengeRespondHappyPath() public {
        uint256 seq = commit(mid, 5);
        require(s.recordStatus(mid, seq, 3) == Settlement.RecordStatus.Committed, "committed");
        require(s.batchStatus(mid, seq) == Settlement.BatchStatus.Challengeable, "challengeable");
        uint256 id = challengeAs(ALICE, mid, seq, 3);
        require(s.recordStatus(mid, seq, 3) == Settlement.RecordStatus.Challenged, "challenged");
        require(s.openChallenges(mid) == 1, "open");
        require(deadlineOf(id) == block.timestamp + RWIN, "deadline");
        checkInvariants();
        vm.prank(BOB); // permissionless
        respondOk(id);
        require(status(id) == Settlement.ChallengeStatus.Answered, "answered");
        require(s.recordStatus(mid, seq, 3) == Settlement.RecordStatus.Proven, "proven");
        require(s.credits(PAYEE) == BOND && s.openChallenges(mid) == 0, "bond to payee");
        vm.expectRevert(Settlement.NotOpen.selector);
        s.respond(id, hex"beef");
        vm.expectRevert(Settlement.RecordSettled.selector);
        challengeAs(BOB, mid, seq, 3);
        checkInvariants();
        uint256 before = PAYEE.balance;
        vm.prank(PAYEE);
        s.withdrawCredits(payable(PAYEE));
        require(PAYEE.balance == before + BOND && s.credits(PAYEE) == 0, "paid");
        vm.prank(PAYEE);
        vm.expectRevert(Settlement.NothingToWithdraw.selector);
        s.withdrawCredits(payable(PAYEE));
        checkInvariants();
    }

    function test_challengeChecks() public {
        uint256 seq = commit(mid, 3);
        bytes32[] memory p = proofOf(1);
        vmx.startPrank(ALICE);
        vm.expectRevert(Settlement.WrongBond.selector);
        s.challenge{value: BOND - 1}(mid, seq, 1, recReq(1), recSalt(1), recX(1), recY(1), p);
        vm.expectRevert(Settlement.WrongBond.selector);
        s.challenge{value: BOND + 1}(mid, seq, 1, recReq(1), recSalt(1), recX(1), recY(1), p);
        vm.expectRevert(Settlement.UnknownBatch.selector);
        s.challenge{value: BOND}(mid, seq + 1, 1, recReq(1), recSalt(1), recX(1), recY(1), p);
        vm.expectRevert(Settlement.BadMerkleProof.selector); // wrong x
        s.challenge{value: BOND}(mid, seq, 1, recReq(1), recSalt(1), recX(2), recY(1), p);
        vm.expectRevert(Settlement.BadMerkleProof.selector); // wrong salt
        s.challenge{value: BOND}(mid, seq, 1, recReq(1), recSalt(2), recX(1), recY(1), p);
        vm.expectRevert(Settlement.BadMerkleProof.selector); // wrong request
        s.challenge{value: BOND}(mid, seq, 1, recReq(2), recSalt(1), recX(1), recY(1), p);
        vm.expectRevert(Settlement.BadMerkleProof.selector); // index in the padding
        s.challenge{value: BOND}(mid, seq, 3, recReq(1), recSalt(1), recX(1), recY(1), p);
        vmx.stopPrank();
        // the same root committed under another model: the leaf binds the model, so the record
        // does not open there
        bytes32 other = register(OWNER, bytes32(uint256(5)), address(ver), false);
        bytes32 root = s.batch(mid, seq).root;
        vm.prank(COMMITTER);
        s.commitBatch(other, 0, root, 3);
        vm.prank(ALICE);
        vm.expectRevert(Settlement.BadMerkleProof.selector);
        s.challenge{value: BOND}(other, 0, 1, recReq(1), recSalt(1), recX(1), recY(1), p);
    }

    function test_severalChallengesOneProof() public {
        uint256 seq = commit(mid, 4);
        uint256 a = challengeAs(ALICE, mid, seq, 2);
        vm.warp(block.timestamp + 100);
        uint256 b = challengeAs(BOB, mid, seq, 2);
        uint256 c = challengeAs(ALICE, mid, seq, 0);
        require(s.openChallenges(mid) == 3, "three open");
        respondOk(a);
        // b is answered by the same proof; the proof bytes are not even looked at
        ver.set(MockVerifier.Mode.Word, 0);
        s.respond(b, "");
        require(status(b) == Settlement.ChallengeStatus.Answered, "b answered");
        // c (another record) is not
        vm.expectRevert(Settlement.ProofRejected.selector);
        s.respond(c, hex"00");
        require(s.credits(PAYEE) == 2 * BOND && s.openChallenges(mid) == 1, "two bonds");
        // c, unanswered, times out
        vm.warp(deadlineOf(c) + 1);
        s.resolveTimeout(c);
        checkInvariants();
    }

    function test_proofAfterOneDeadlineAnswersOnlyLater() public {
        uint256 seq = commit(mid, 2);
        uint256 a = challengeAs(ALICE, mid, seq, 1);
        vm.warp(block.timestamp + 400);
        uint256 b = challengeAs(BOB, mid, seq, 1);
        vm.warp(deadlineOf(a) + 1); // a missed
        respondOk(b);
        vm.expectRevert(Settlement.PastDeadline.selector);
        s.respond(a, hex"beef"); // proof came after a's deadline
        s.resolveTimeout(a);
        require(status(a) == Settlement.ChallengeStatus.TimedOut, "a slashed");
        require(status(b) == Settlement.ChallengeStatus.Answered, "b answered");
        require(s.recordStatus(mid, seq, 1) == Settlement.RecordStatus.Slashed, "slashed wins");
        checkInvariants();
    }

    function test_respondRejectsAnythingButExactTrue() public {
        uint256 seq = commit(mid, 2);
        uint256 id = challengeAs(ALICE, mid, seq, 0);
        uint256[5] memory words = [uint256(0), 2, type(uint256).max, 1 << 255, 256];
        for (uint256 k = 0; k < words.length; k++) {
            ver.set(MockVerifier.Mode.Word, words[k]);
            vm.expectRevert(Settlement.ProofRejected.selector);
            s.respond(id, hex"01");
        }
        MockVerifier.Mode[3] memory modes =
            [MockVerifier.Mode.Malformed, MockVerifier.Mode.Empty, MockVerifier.Mode.Revert];
        for (uint256 k = 0; k < modes.length; k++) {
            ver.set(modes[k], 1);
            vm.expectRevert(Settlement.ProofRejected.selector);
            s.respond(id, hex"01");
        }
        require(status(id) == Settlement.ChallengeStatus.Open && s.credits(PAYEE) == 0, "nothing changed");
        vm.expectRevert(Settlement.WrongKind.selector);
        s.respond(id + 1, hex"01");
        respondOk(id);
        checkInvariants();
    }

    function test_respondStarvedOfGasChangesNothing() public {
        uint256 seq = commit(mid, 2);
        uint256 id = challengeAs(ALICE, mid, seq, 0);
        ver.set(MockVerifier.Mode.Word, 1);
        // below the floor: GasFloor before the call
        (bool ok, bytes memory ret) = address(s).call{gas: VGAS}(abi.encodeCall(Settlement.respond, (id, hex"01")));
        require(!ok && bytes4(ret) == Settlement.GasFloor.selector, "gas floor");
        // a verifier that eats all it gets: the respond reverts whatever the gas
        ver.set(MockVerifier.Mode.ConsumeAll, 1);
        (ok,) = address(s).call{gas: VGAS * 2}(abi.encodeCall(Settlement.respond, (id, hex"01")));
        require(!ok, "consume-all reverts");
        require(status(id) == Settlement.ChallengeStatus.Open, "still open");
        require(s.credits(PAYEE) == 0 && s.openChallenges(mid) == 1, "nothing changed");
        (uint40 provenAt, bool slashed, uint32 open) = s.dispute(s.recordKey(mid, seq, 0));
        require(provenAt == 0 && !slashed && open == 1, "dispute unchanged");
        // a respond with enough gas still works afterwards
        ver.set(MockVerifier.Mode.Word, 1);
        (ok,) = address(s).call{gas: VGAS * 2}(abi.encodeCall(Settlement.respond, (id, hex"01")));
        require(ok && status(id) == Settlement.ChallengeStatus.Answered, "answered with gas");
        checkInvariants();
    }

    function test_respondRechecksCodeHash() public {
        // a verifier whose code changes under the same address (etch stands in for a
        // CREATE2 redeploy) is refused at respond
        uint256 seq = commit(mid, 2);
        uint256 id = challengeAs(ALICE, mid, seq, 0);
        MockVerifier other = new MockVerifier(VK, CW, SRS, PV, true);
        bytes memory code = address(other).code;
        vmx.etch(address(ver), code);
        vm.expectRevert(Settlement.VerifierCodeHash.selector);
        s.respond(id, hex"01");
        require(status(id) == Settlement.ChallengeStatus.Open, "open");
    }

    function test_reentrantVerifierCannotReenter() public {
        uint256 seq = commit(mid, 2);
        uint256 id = challengeAs(ALICE, mid, seq, 0);
        ver.set(MockVerifier.Mode.Reenter, 1);
        ver.setReentry(address(s), abi.encodeCall(Settlement.respond, (id, hex"01")));
        s.respond(id, hex"01"); // the inner respond fails; the outer succeeds once
        require(status(id) == Settlement.ChallengeStatus.Answered && s.credits(PAYEE) == BOND, "once");
        ver.setReentry(address(s), abi.encodeCall(Settlement.withdrawCredits, (payable(PAYEE))));
        uint256 id2 = challengeAs(ALICE, mid, seq, 1);
        s.respond(id2, hex"01");
        require(s.credits(PAYEE) == 2 * BOND, "credited, not withdrawn");
        checkInvariants();
    }

    // ---- timeouts --------------------------------------------------------------------------------

    function test_timeoutSlashesAndFreezes() public {
        uint256 seq = commit(mid, 3);
        uint256 id = challengeAs(ALICE, mid, seq, 1);
        uint256 id2 = challengeAs(BOB, mid, seq, 2);
        vm.warp(deadlineOf(id));
        vm.expectRevert(Settlement.BeforeDeadline.selector);
        s.resolveTimeout(id);
        vm.warp(deadlineOf(id) + 1);
        vm.prank(BOB); // anyone may resolve
        s.resolveTimeout(id);
        require(status(id) == Settlement.ChallengeStatus.TimedOut, "timed out");
        require(s.credits(ALICE) == BOND + STAKE / 2, "bond + half the stake");
        require(s.totalBurned() == STAKE / 2, "half burned");
        require(s.model(mid).stake == 0 && s.model(mid).frozen, "frozen, stake gone");
        require(s.recordStatus(mid, seq, 1) == Settlement.RecordStatus.Slashed, "slashed");
        vm.expectRevert(Settlement.NotOpen.selector);
        s.resolveTimeout(id);
        vm.prank(COMMITTER);
        vm.expectRevert(Settlement.ModelFrozen.selector);
        s.commitBatch(mid, seq + 1, bytes32(uint256(1)), 1);
        vm.prank(OWNER);
        vm.expectRevert(Settlement.ModelFrozen.selector);
        s.addStake{value: 1 ether}(mid);
        // the second challenge gets its bond back: nothing is left to slash
        s.resolveTimeout(id2);
        require(s.credits(BOB) == BOND, "bond back");
        checkInvariants();
        // the burn reaches the sink
        s.flushBurn();
        require(SINK.balance == STAKE / 2 && s.burnFlushed() == STAKE / 2, "flushed");
        vm.expectRevert(Settlement.NothingToWithdraw.selector);
        s.flushBurn();
        checkInvariants();
    }

    function test_answeredCannotBeTimedOut() public {
        uint256 seq = commit(mid, 2);
        uint256 a = challengeAs(ALICE, mid, seq, 0);
        uint256 b = challengeAs(BOB, mid, seq, 0);
        respondOk(a);
        vm.warp(deadlineOf(b) + 1);
        vm.expectRevert(Settlement.Answered.selector);
        s.resolveTimeout(b); // the proof came before b's deadline
        s.respond(b, ""); // closes it at any time
        require(status(b) == Settlement.ChallengeStatus.Answered, "answered late, proven in time");
        checkInvariants();
    }

    /// A cheating operator front-runs the honest challenger with its own challenge and lets it time
    /// out: it still loses at least half its stake.
    function test_frontRunningOwnChallengerLosesHalf() public {
        uint256 seq = commit(mid, 4);
        uint256 ownerBefore = OWNER.balance;
        uint256 own = challengeAs(OWNER, mid, seq, 2); // the operator's own challenge, first
        uint256 honest = challengeAs(ALICE, mid, seq, 2);
        vm.warp(deadlineOf(honest) + 1);
        s.resolveTimeout(own); // the operator resolves its own first
        s.resolveTimeout(honest);
        vm.prank(OWNER);
        s.withdrawCredits(payable(OWNER));
        // the operator had STAKE locked; it got back its bond and at most half the slash
        require(OWNER.balance <= ownerBefore + STAKE / 2, "lost at least half");
        require(OWNER.balance == ownerBefore + STAKE / 2, "exactly half at a 50% share");
        require(s.totalBurned() >= STAKE / 2, "half burned");
        require(s.credits(ALICE) == BOND, "honest challenger whole");
        checkInvariants();
    }

    function test_revertingAndReentrantChallengersCannotBlockPayouts() public {
        ChallengerBot hostile = new ChallengerBot(s);
        ChallengerBot reentrant = new ChallengerBot(s);
        vm.deal(address(hostile), 10 ether);
        vm.deal(address(reentrant), 10 ether);
        uint256 seq = commit(mid, 4);
        uint256 h = hostile.doChallenge{value: BOND}(mid, seq, 0, recReq(0), recSalt(0), recX(0), recY(0), proofOf(0));
        uint256 r =
            reentrant.doChallenge{value: BOND}(mid, seq, 1, recReq(1), recSalt(1), recX(1), recY(1), proofOf(1));
        uint256 a = challengeAs(ALICE, mid, seq, 2);
        hostile.configure(true, false, 0);
        reentrant.configure(false, true, a);
        vm.warp(deadlineOf(a) + 1);
        s.resolveTimeout(h); // no transfer happens here, so a reverting receiver cannot block it
        s.resolveTimeout(r);
        s.resolveTimeout(a);
        require(s.credits(address(hostile)) == BOND + STAKE / 2, "hostile credited");
        require(s.credits(address(reentrant)) == BOND && s.credits(ALICE) == BOND, "credited");
        // the hostile one cannot receive, but others still withdraw
        vm.expectRevert(Settlement.TransferFailed.selector);
        hostile.withdrawTo(payable(address(hostile)));
        reentrant.withdrawTo(payable(address(reentrant)));
        require(reentrant.reentryFailed(), "reentry blocked");
        require(s.credits(address(reentrant)) == 0 && address(reentrant).balance == 10 ether + BOND, "paid once");
        vm.prank(ALICE);
        s.withdrawCredits(payable(ALICE));
        hostile.withdrawTo(payable(BOB)); // and it can take its credit elsewhere
        require(s.credits(address(hostile)) == 0, "hostile paid elsewhere");
        checkInvariants();
    }

    function test_revertingSinkBlocksOnlyTheFlush() public {
        RevertingSink sink = new RevertingSink();
        s = new Settlement(bounds(true, address(sink)));
        mid = register(OWNER, bytes32(0), address(ver), false);
        uint256 seq = commit(mid, 2);
        uint256 id = challengeAs(ALICE, mid, seq, 0);
        vm.warp(deadlineOf(id) + 1);
        s.resolveTimeout(id);
        vm.expectRevert(Settlement.TransferFailed.selector);
        s.flushBurn();
        vm.prank(ALICE);
        s.withdrawCredits(payable(ALICE));
        checkInvariants();
    }

}

/// Exact timestamp boundaries, exit rules and record status.
contract SettlementBoundaryTest is SettlementBase {
    // ---- boundaries ------------------------------------------------------------------------------

    function test_challengeWindowBoundary() public {
        uint256 seq = commit(mid, 3);
        uint256 end = s.batch(mid, seq).commitTs + CWIN;
        vm.warp(end - 1);
        challengeAs(ALICE, mid, seq, 0);
        vm.warp(end);
        challengeAs(ALICE, mid, seq, 1);
        require(s.batchStatus(mid, seq) == Settlement.BatchStatus.Challengeable, "open at end");
        vm.warp(end + 1);
        require(s.batchStatus(mid, seq) == Settlement.BatchStatus.Closed, "closed after");
        bytes32[] memory p = proofOf(2);
        vm.prank(ALICE);
        vm.expectRevert(Settlement.WindowClosed.selector);
        s.challenge{value: BOND}(mid, seq, 2, recReq(2), recSalt(2), recX(2), recY(2), p);
    }

    function test_respondDeadlineBoundary() public {
        uint256 seq = commit(mid, 4);
        uint256 a = challengeAs(ALICE, mid, seq, 0);
        uint256 b = challengeAs(ALICE, mid, seq, 1);
        uint256 c = challengeAs(ALICE, mid, seq, 2);
        uint256 d = deadlineOf(a);
        vm.warp(d - 1);
        respondOk(a); // deadline - 1: respond valid
        vm.expectRevert(Settlement.BeforeDeadline.selector);
        s.resolveTimeout(b);
        vm.warp(d);
        respondOk(b); // deadline: respond valid
        vm.expectRevert(Settlement.BeforeDeadline.selector);
        s.resolveTimeout(c); // deadline: timeout not yet
        vm.warp(d + 1);
        ver.set(MockVerifier.Mode.Word, 1);
        vm.expectRevert(Settlement.PastDeadline.selector);
        s.respond(c, hex"01"); // deadline + 1: too late even with a valid proof
        s.resolveTimeout(c); // deadline + 1: timeout valid
        checkInvariants();
    }

    // ---- exit ------------------------------------------------------------------------------------

    function test_exitRules() public {
        uint256 seq = commit(mid, 2);
        vm.prank(OWNER);
        vm.expectRevert(Settlement.NotExiting.selector);
        s.withdraw(mid);
        vm.prank(OWNER);
        s.requestExit(mid);
        vm.prank(OWNER);
        vm.expectRevert(Settlement.ModelExiting.selector);
        s.requestExit(mid);
        vm.prank(COMMITTER);
        vm.expectRevert(Settlement.ModelExiting.selector);
        s.commitBatch(mid, seq + 1, bytes32(uint256(1)), 1);
        uint256 end = s.model(mid).lastCommitTs + CWIN;
        vm.warp(end);
        vm.prank(OWNER);
        vm.expectRevert(Settlement.TooEarly.selector);
        s.withdraw(mid); // not before the window closes
        vm.warp(end + 1);
        vm.prank(ALICE);
        vm.expectRevert(Settlement.NotOwner.selector);
        s.withdraw(mid);
        vm.prank(OWNER);
        s.withdraw(mid);
        require(s.credits(OWNER) == STAKE && s.model(mid).stake == 0, "stake to credits");
        vm.prank(OWNER);
        vm.expectRevert(Settlement.NothingToWithdraw.selector);
        s.withdraw(mid);
        checkInvariants();
    }

    /// A challenge in the last second of the window blocks the withdraw until it resolves, and
    /// the withdraw cannot run before resolveTimeout.
    function test_withdrawCannotFrontRunLastSecondChallengeOrTimeout() public {
        uint256 seq = commit(mid, 2);
        vm.prank(OWNER);
        s.requestExit(mid);
        uint256 end = s.batch(mid, seq).commitTs + CWIN;
        vm.warp(end); // the last second of the window
        uint256 id = challengeAs(ALICE, mid, seq, 1);
        vm.warp(end + 1);
        vm.prank(OWNER);
        vm.expectRevert(Settlement.OpenChallenges.selector);
        s.withdraw(mid);
        vm.warp(deadlineOf(id) + 1); // the operator did not answer; it tries to withdraw first
        vm.prank(OWNER);
        vm.expectRevert(Settlement.OpenChallenges.selector);
        s.withdraw(mid);
        s.resolveTimeout(id);
        require(s.credits(ALICE) == BOND + STAKE / 2, "slashed");
        vm.prank(OWNER);
        vm.expectRevert(Settlement.NothingToWithdraw.selector);
        s.withdraw(mid);
        checkInvariants();
    }

    function test_withdrawAfterAnsweredChallenge() public {
        uint256 seq = commit(mid, 2);
        uint256 id = challengeAs(ALICE, mid, seq, 1);
        vm.prank(OWNER);
        s.requestExit(mid);
        respondOk(id);
        vm.warp(s.batch(mid, seq).commitTs + CWIN + 1);
        vm.prank(OWNER);
        s.withdraw(mid);
        require(s.credits(OWNER) == STAKE && s.credits(PAYEE) == BOND, "both");
        checkInvariants();
    }

    // ---- record status ---------------------------------------------------------------------------

    function test_finalNeverBecomesUnfinal() public {
        uint256 seq = commit(mid, 4);
        uint256 id = challengeAs(ALICE, mid, seq, 1); // record 1 challenged, record 0 untouched
        vm.warp(s.batch(mid, seq).commitTs + CWIN + 1);
        require(s.recordStatus(mid, seq, 0) == Settlement.RecordStatus.Final, "final");
        require(s.recordStatus(mid, seq, 1) == Settlement.RecordStatus.Challenged, "challenged, not final");
        require(s.recordStatus(mid, seq, 9) == Settlement.RecordStatus.None, "no such record");
        vm.expectRevert(Settlement.WindowClosed.selector);
        challengeAs(BOB, mid, seq, 0);
        require(block.timestamp > deadlineOf(id), "past the deadline too");
        s.resolveTimeout(id); // the model is slashed and frozen
        require(s.recordStatus(mid, seq, 0) == Settlement.RecordStatus.Final, "still final");
        require(s.recordStatus(mid, seq, 1) == Settlement.RecordStatus.Slashed, "slashed");
        vm.warp(block.timestamp + 365 days);
        require(s.recordStatus(mid, seq, 0) == Settlement.RecordStatus.Final, "final forever");
    }

}

/// EIP-712 receipts and the challengeReceipt path.
contract SettlementReceiptTest is SettlementBase {
    // ---- receipts --------------------------------------------------------------------------------

    function receipt(uint256 i, uint64 deadline) internal view returns (Settlement.Receipt memory r) {
        r = Settlement.Receipt({
            chainId: block.chainid,
            settlement: address(s),
            modelId: mid,
            requestId: recReq(i),
            xHash: MerkleRecord.saltedHash(recSalt(i), recX(i)),
            yHash: MerkleRecord.saltedHash(recSalt(i), recY(i)),
            deadline: deadline
        });
    }

    function signReceipt(uint256 key, Settlement.Receipt memory r) internal view returns (bytes memory) {
        (uint8 v, bytes32 rr, bytes32 ss) = vmx.sign(key, s.receiptDigest(r));
        return abi.encodePacked(rr, ss, v);
    }

    function challengeReceiptAs(address who, uint256 i, Settlement.Receipt memory r, bytes memory sig)
        internal
        returns (uint256)
    {
        vm.prank(who);
        return s.challengeReceipt{value: BOND}(r, sig, recSalt(i), recX(i), recY(i));
    }

    function test_receiptDigestIsEip712() public view {
        Settlement.Receipt memory r = receipt(0, 123);
        bytes32 domain = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("ozk"),
                keccak256("1"),
                block.chainid,
                address(s)
            )
        );
        require(s.domainSeparator() == domain, "domain");
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256(
                    "Receipt(uint256 chainId,address settlement,bytes32 modelId,bytes32 requestId,bytes32 xHash,bytes32 yHash,uint64 deadline)"
                ),
                r.chainId,
                r.settlement,
                r.modelId,
                r.requestId,
                r.xHash,
                r.yHash,
                r.deadline
            )
        );
        require(s.receiptDigest(r) == keccak256(abi.encodePacked(hex"1901", domain, structHash)), "digest");
    }

    /// The node promised to commit by the deadline and did not: the client forces a slash.
    function test_receiptNotCommittedIsSlashed() public {
        uint64 deadline = uint64(block.timestamp + 200);
        Settlement.Receipt memory r = receipt(0, deadline);
        bytes memory sig = signReceipt(COMMITTER_KEY, r);
        vm.warp(deadline);
        vm.prank(ALICE);
        vm.expectRevert(Settlement.TooEarly.selector);
        s.challengeReceipt{value: BOND}(r, sig, recSalt(0), recX(0), recY(0));
        vm.warp(deadline + 1);
        uint256 id = challengeReceiptAs(ALICE, 0, r, sig);
        // committing now is too late: the inclusion must be in a batch committed by the deadline
        uint256 seq = commit(mid, 2);
        bytes32[] memory p = proofOf(0);
        ver.set(MockVerifier.Mode.Word, 1);
        vm.expectRevert(Settlement.TooEarly.selector);
        s.respondReceipt(id, seq, 0, p, hex"01");
        vm.expectRevert(Settlement.WrongKind.selector);
        s.respond(id, hex"01");
        vm.warp(deadlineOf(id) + 1);
        s.resolveTimeout(id);
        require(s.credits(ALICE) == BOND + STAKE / 2 && s.model(mid).frozen, "slashed");
        checkInvariants();
    }

    /// The node did commit in time: it shows inclusion, proves, and takes the bond.
    function test_receiptCommittedIsAnswered() public {
        uint64 deadline = uint64(block.timestamp + 200);
        Settlement.Receipt memory r = receipt(1, deadline);
        bytes memory sig = signReceipt(COMMITTER_KEY, r);
        uint256 seq = commit(mid, 3);
        vm.warp(deadline + 1);
        uint256 id = challengeReceiptAs(ALICE, 1, r, sig);
        bytes32[] memory p = proofOf(1);
        vm.expectRevert(Settlement.BadMerkleProof.selector);
        s.respondReceipt(id, seq, 2, p, hex"01");
        ver.set(MockVerifier.Mode.Word, 0);
        vm.expectRevert(Settlement.ProofRejected.selector);
        s.respondReceipt(id, seq, 1, p, hex"01");
        ver.set(MockVerifier.Mode.Word, 1);
        s.respondReceipt(id, seq, 1, p, hex"01");
        require(status(id) == Settlement.ChallengeStatus.Answered && s.credits(PAYEE) == BOND, "answered");
        checkInvariants();
    }

    function test_receiptChecks() public {
        uint64 deadline = uint64(block.timestamp + 200);
        Settlement.Receipt memory r = receipt(0, deadline);
        bytes memory sig = signReceipt(COMMITTER_KEY, r);
        vm.warp(deadline + 1);
        bytes memory bad = signReceipt(0xBAD, r);
        Settlement.Receipt memory r2 = receipt(0, deadline);
        r2.settlement = address(0x1);
        bytes memory sig2 = signReceipt(COMMITTER_KEY, r2);
        vmx.startPrank(ALICE);
        // signed by someone who was never the committer
        vm.expectRevert(Settlement.BadSignature.selector);
        s.challengeReceipt{value: BOND}(r, bad, recSalt(0), recX(0), recY(0));
        // preimages that do not match the hashes
        vm.expectRevert(Settlement.BadPreimage.selector);
        s.challengeReceipt{value: BOND}(r, sig, recSalt(0), recX(1), recY(0));
        vm.expectRevert(Settlement.WrongBond.selector);
        s.challengeReceipt{value: BOND - 1}(r, sig, recSalt(0), recX(0), recY(0));
        // another chain or settlement
        vm.expectRevert(Settlement.BadReceipt.selector);
        s.challengeReceipt{value: BOND}(r2, sig2, recSalt(0), recX(0), recY(0));
        vmx.stopPrank();
        // a rotated-away committer's receipts still bind
        vm.prank(OWNER);
        s.setCommitter(mid, BOB);
        challengeReceiptAs(ALICE, 0, r, sig);
        // the window for receipt challenges closes challengeWindow after the deadline
        vm.warp(uint256(deadline) + CWIN + 1);
        vm.prank(ALICE);
        vm.expectRevert(Settlement.WindowClosed.selector);
        s.challengeReceipt{value: BOND}(r, sig, recSalt(0), recX(0), recY(0));
    }

    /// An exit makes every outstanding receipt challengeable at once, and withdraw waits for it.
    function test_exitOpensReceiptsAndWithdrawWaits() public {
        uint64 deadline = uint64(block.timestamp + 5000);
        Settlement.Receipt memory r = receipt(0, deadline);
        bytes memory sig = signReceipt(COMMITTER_KEY, r);
        vm.prank(OWNER);
        s.requestExit(mid);
        uint256 exitTs = block.timestamp;
        vm.warp(exitTs + CWIN);
        vm.prank(OWNER);
        vm.expectRevert(Settlement.TooEarly.selector);
        s.withdraw(mid);
        uint256 id = challengeReceiptAs(ALICE, 0, r, sig); // last second, well before the deadline
        vm.warp(exitTs + CWIN + 1);
        vm.prank(OWNER);
        vm.expectRevert(Settlement.OpenChallenges.selector);
        s.withdraw(mid);
        vm.warp(deadlineOf(id) + 1);
        s.resolveTimeout(id);
        require(s.credits(ALICE) == BOND + STAKE / 2, "slashed");
        checkInvariants();
    }

}

/// Fuzzed Merkle proofs in challenge and invariants over random action sequences.
contract SettlementFuzzTest is SettlementBase {
    // ---- fuzzed Merkle proofs in challenge -------------------------------------------------------

    function testFuzz_challengeMerkle(uint8 nSeed, uint8 iSeed, uint256 mutation) public {
        uint256 n = 1 + uint256(nSeed) % 20;
        uint256 i = uint256(iSeed) % n;
        uint256 seq = commit(mid, n);
        bytes32[] memory p = proofOf(i);
        uint256 kind = mutation % 4;
        bool valid = true;
        uint256 index = i;
        if (kind == 1 && p.length > 0) {
            p[(mutation >> 8) % p.length] ^= bytes32(uint256(1) << ((mutation >> 16) % 256));
            valid = false;
        } else if (kind == 2) {
            index = (i + 1 + (mutation >> 8) % 31) ; // another index (maybe past count)
            valid = false;
        } else if (kind == 3) {
            bytes32[] memory q = new bytes32[](p.length + 1); // one sibling too many
            for (uint256 k = 0; k < p.length; k++) {
                q[k] = p[k];
            }
            q[p.length] = MerkleRecord.EMPTY;
            p = q;
            valid = false;
        }
        if (!valid) {
            vm.expectRevert(Settlement.BadMerkleProof.selector);
            challengeWith(seq, index, i, p);
            require(s.openChallenges(mid) == 0, "nothing opened");
        } else {
            uint256 id = challengeWith(seq, index, i, p);
            require(status(id) == Settlement.ChallengeStatus.Open, "opened");
        }
        checkInvariants();
    }

    /// ALICE challenges record `index` of mid's batch seq with record i's preimages and proof p
    function challengeWith(uint256 seq, uint256 index, uint256 i, bytes32[] memory p) internal returns (uint256) {
        vm.prank(ALICE);
        return s.challenge{value: BOND}(mid, seq, index, recReq(i), recSalt(i), recX(i), recY(i), p);
    }

    // ---- invariants over sequences of actions ----------------------------------------------------

    // the state of the sequence test (storage: the function would not fit the stack otherwise)
    bytes32[2] internal seqModels;
    uint256[] internal seqIds;
    mapping(uint256 => uint8) internal seqSeen;
    uint256[2] internal seqLast; // last committed seq + 1 per model; 0 = none
    bool[2] internal seqHaveFinal;
    uint256[2] internal seqFinalSeq;
    uint256[2] internal seqFinalIdx;

    /// A pseudo-random sequence of actions over two models and three challengers (the operator
    /// among them); after every step: stakes + bonds + credits + burned = deposits, every
    /// challenge resolved at most once (its status never leaves Answered or TimedOut), the open
    /// counters and stakes add up, and a record seen Final stays Final.
    function testFuzz_sequenceInvariants(uint256 seed) public {
        seqModels = [mid, register(OWNER, bytes32(uint256(2)), address(ver), false)];
        for (uint256 step = 0; step < 24; step++) {
            seqStep(uint256(keccak256(abi.encode(seed, step))));
            seqCheck();
        }
    }

    function seqStep(uint256 r) internal {
        uint256 mi = r % 2;
        bytes32 m = seqModels[mi];
        uint256 action = (r >> 8) % 7;
        if (action == 0 || seqLast[mi] == 0) {
            Settlement.Model memory mm = s.model(m);
            if (!mm.frozen && !mm.exiting) seqLast[mi] = commit(m, 4) + 1;
        } else if (action == 1 || action == 2) {
            uint256 seq = seqLast[mi] - 1;
            Settlement.Batch memory b = s.batch(m, seq);
            uint256 i = (r >> 16) % 4;
            makeBatch(m, 4);
            if (block.timestamp <= uint256(b.commitTs) + b.challengeWindow && seqIds.length < 40) {
                (uint40 provenAt, bool slashed,) = s.dispute(s.recordKey(m, seq, i));
                if (provenAt == 0 && !slashed) {
                    address[3] memory who = [ALICE, BOB, OWNER];
                    seqIds.push(challengeAs(who[(r >> 24) % 3], m, seq, i));
                }
            }
        } else if (action == 3 && seqIds.length > 0) {
            uint256 id = seqIds[(r >> 16) % seqIds.length];
            ver.set(MockVerifier.Mode.Word, (r >> 32) % 3 == 0 ? 0 : 1);
            (bool ok,) = address(s).call(abi.encodeCall(Settlement.respond, (id, hex"01")));
            ok;
        } else if (action == 4 && seqIds.length > 0) {
            uint256 id = seqIds[(r >> 16) % seqIds.length];
            (bool ok,) = address(s).call(abi.encodeCall(Settlement.resolveTimeout, (id)));
            ok;
        } else if (action == 5) {
            vm.warp(block.timestamp + (r >> 16) % 700);
        } else {
            address[3] memory who = [ALICE, BOB, OWNER];
            address a = who[(r >> 16) % 3];
            if (s.credits(a) > 0) {
                vm.prank(a);
                s.withdrawCredits(payable(a));
            }
            if ((r >> 24) % 4 == 0) {
                vm.prank(OWNER);
                (bool ok,) = address(s).call(abi.encodeCall(Settlement.requestExit, (m)));
                vm.prank(OWNER);
                (ok,) = address(s).call(abi.encodeCall(Settlement.withdraw, (m)));
            }
            if (s.totalBurned() > s.burnFlushed()) s.flushBurn();
        }
    }

    function seqCheck() internal {
        checkInvariants();
        uint256 open;
        for (uint256 k = 0; k < seqIds.length; k++) {
            Settlement.ChallengeStatus st = status(seqIds[k]);
            if (seqSeen[k] != 0) require(uint8(st) == seqSeen[k], "a challenge resolved twice or reopened");
            if (st != Settlement.ChallengeStatus.Open) seqSeen[k] = uint8(st);
            else open++;
        }
        require(open == s.openChallenges(seqModels[0]) + s.openChallenges(seqModels[1]), "open counters");
        require(s.totalStakes() == s.model(seqModels[0]).stake + s.model(seqModels[1]).stake, "stakes");
        for (uint256 k = 0; k < 2; k++) {
            if (seqLast[k] == 0) continue;
            if (seqHaveFinal[k]) {
                require(
                    s.recordStatus(seqModels[k], seqFinalSeq[k], seqFinalIdx[k]) == Settlement.RecordStatus.Final,
                    "a Final record became un-final"
                );
                continue;
            }
            for (uint256 i = 0; i < 4; i++) {
                if (s.recordStatus(seqModels[k], seqLast[k] - 1, i) == Settlement.RecordStatus.Final) {
                    (seqHaveFinal[k], seqFinalSeq[k], seqFinalIdx[k]) = (true, seqLast[k] - 1, i);
                    break;
                }
            }
        }
    }
}
