// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MerkleRecord} from "./MerkleRecord.sol";

/// The constants and entry point of a verifier that `ozk gen-verifier` writes.
interface IOzkVerifier {
    function VK_HASH() external view returns (bytes32);
    function CW_HASH() external view returns (bytes32);
    function SRS_ID() external view returns (bytes32);
    function PROTOCOL_VERSION() external view returns (uint256);
    function INSECURE() external view returns (bool);
    function verify(bytes calldata proof, bytes calldata x, bytes calldata y) external view returns (bool);
}

/// @title ozk settlement: stakes, committed batches, challenges, responses, timeouts, receipts
/// @notice ../shared/design.md section 5 and docs/contracts.md, "The settlement contract".
/// Immutable: no owner, no admin function, no upgrade path; the bounds are fixed at deployment and
/// every model's terms are fixed at its registration (so each batch's snapshot of the windows and
/// the bond equals the model's terms). Pull payments (credits + withdrawCredits), checks-effects-
/// interactions, every state-changing entry point nonReentrant. Accounting invariant:
///   totalStakes + totalBonds + totalCredits + totalBurned == totalDeposits - totalWithdrawn
/// and the balance is that sum minus what flushBurn already sent to the sink.
contract Settlement is ReentrancyGuard, EIP712 {
    // ---- types ---------------------------------------------------------------------------------

    struct Bounds {
        uint256 minStake;
        uint256 minBond; // a model's challenger bond lies in [minBond, maxBond]
        uint256 maxBond;
        uint64 minChallengeWindow; // seconds
        uint64 minResponseWindow; // seconds; >= forced-inclusion delay + proving + fee margin
        uint16 challengerShareBps; // share of a slash paid to the challenger, <= 5000 (half)
        address burnSink; // where the rest of a slash goes (flushBurn)
        bool allowInsecure; // accept verifiers built on a dev SRS; only on chain id 31337
        uint256 assumedGasPrice; // wei per gas, for the bond floor
    }

    /// What registerModel takes. The verifier's constants must equal the hashes given here and its
    /// EXTCODEHASH must equal verifierCodeHash (the hash `ozk verify-deployment` recomputes).
    struct ModelParams {
        bytes32 salt; // modelId = keccak256(abi.encode(owner, salt))
        address committer;
        address payee; // receives the bonds of answered challenges
        address verifier;
        bytes32 verifierCodeHash;
        bytes32 vkHash;
        bytes32 cwHash;
        bytes32 srsId;
        uint256 protocolVersion;
        bool insecure;
        uint96 bond; // per challenge, exact
        uint40 challengeWindow;
        uint40 responseWindow;
        uint64 verifyGas; // the verifier's worst-case gas (the respond gas floor)
        uint64 respondGas; // worst-case gas of a whole respond transaction
        uint128 provingCost; // wei, the operator's cost of proving one record
    }

    struct Model {
        address owner;
        address committer;
        address payee;
        address verifier;
        bytes32 verifierCodeHash;
        bytes32 vkHash;
        bytes32 cwHash;
        bytes32 srsId;
        uint256 protocolVersion;
        uint256 stake;
        uint96 bond;
        uint40 challengeWindow;
        uint40 responseWindow;
        bool insecure;
        bool frozen;
        bool exiting;
        uint64 verifyGas;
        uint64 respondGas;
        uint128 provingCost;
        uint64 nextSeq;
        uint40 lastCommitTs;
        uint40 exitTs;
        uint32 openChallenges;
    }

    struct Batch {
        bytes32 root;
        uint32 count;
        uint40 commitTs;
        uint40 challengeWindow; // snapshot of the model's terms
        uint40 responseWindow;
        uint96 bond;
    }

    /// A disputed record (or receipt): the preimages the first challenger gave, and how it ended.
    struct Dispute {
        bytes x;
        bytes y;
        uint40 provenAt; // 0 until a valid proof; a proof answers every challenge whose deadline >= it
        bool slashed;
        uint32 open;
    }

    /// A signed receipt's fields (EIP-712 type Receipt, signed by the model's committer).
    struct Receipt {
        uint256 chainId;
        address settlement;
        bytes32 modelId;
        bytes32 requestId;
        bytes32 xHash;
        bytes32 yHash;
        uint64 deadline;
    }

    struct ReceiptInfo {
        bytes32 requestId;
        bytes32 xHash;
        bytes32 yHash;
        uint64 deadline;
    }

    enum Kind {
        None,
        Record,
        Receipt
    }

    enum ChallengeStatus {
        None,
        Open,
        Answered,
        TimedOut
    }

    enum RecordStatus {
        None,
        Committed,
        Challenged,
        Proven,
        Slashed,
        Final
    }

    enum BatchStatus {
        None,
        Challengeable,
        Closed
    }

    struct Challenge {
        bytes32 modelId;
        bytes32 key; // the dispute: keccak256(modelId, seq, index) or the receipt's digest
        address challenger;
        uint40 deadline;
        Kind kind;
        ChallengeStatus status;
        uint96 bond;
    }

    // ---- constants and immutables --------------------------------------------------------------

    uint256 public constant RECORD_VERSION = 1;
    uint256 public constant MAX_COUNT = MerkleRecord.MAX_COUNT;
    uint256 public constant BPS = 10_000;
    /// gas kept back for the bookkeeping around the verify call, on top of the model's verifyGas
    uint256 public constant RESPOND_GAS_MARGIN = 30_000;
    bytes32 public constant RECEIPT_TYPEHASH = keccak256(
        "Receipt(uint256 chainId,address settlement,bytes32 modelId,bytes32 requestId,bytes32 xHash,bytes32 yHash,uint64 deadline)"
    );

    uint256 public immutable MIN_STAKE;
    uint256 public immutable MIN_BOND;
    uint256 public immutable MAX_BOND;
    uint64 public immutable MIN_CHALLENGE_WINDOW;
    uint64 public immutable MIN_RESPONSE_WINDOW;
    uint16 public immutable CHALLENGER_SHARE_BPS;
    address public immutable BURN_SINK;
    bool public immutable ALLOW_INSECURE;
    uint256 public immutable ASSUMED_GAS_PRICE;

    // ---- state ---------------------------------------------------------------------------------

    mapping(bytes32 => Model) internal _models;
    mapping(bytes32 => mapping(uint256 => Batch)) internal _batches;
    mapping(bytes32 => Dispute) internal _disputes;
    mapping(bytes32 => ReceiptInfo) internal _receipts;
    mapping(uint256 => Challenge) internal _challenges;
    /// every address that has been a model's committer (a receipt signed before a rotation binds)
    mapping(bytes32 => mapping(address => bool)) public wasCommitter;
    /// When setCommitter rotated a key away (0: never, or made committer again since). A rotated
    /// key's receipts bind only when their deadline is at or before this time, so a leaked key
    /// stops being able to slash one challenge window after the rotation.
    mapping(bytes32 => mapping(address => uint64)) public revokedAt;

    /// Windows above this are refused: a deadline is block.timestamp + window in a uint40.
    uint256 internal constant MAX_WINDOW = 1 << 32;
    mapping(address => uint256) public credits;
    uint256 public challengeCount;

    uint256 public totalDeposits;
    uint256 public totalWithdrawn; // credits paid out
    uint256 public totalStakes;
    uint256 public totalBonds;
    uint256 public totalCredits;
    uint256 public totalBurned; // slashed and not paid to a challenger, flushed or not
    uint256 public burnFlushed; // of which sent to BURN_SINK

    // ---- events --------------------------------------------------------------------------------

    event ModelRegistered(
        bytes32 indexed modelId, address indexed owner, address committer, address verifier, uint256 stake
    );
    event StakeAdded(bytes32 indexed modelId, uint256 amount, uint256 stake);
    event CommitterChanged(bytes32 indexed modelId, address committer);
    event BatchCommitted(bytes32 indexed modelId, uint256 indexed seq, bytes32 root, uint256 count, uint256 commitTs);
    event Challenged(
        bytes32 indexed modelId,
        uint256 indexed challengeId,
        uint256 seq,
        uint256 index,
        bytes32 requestId,
        address challenger,
        uint256 deadline
    );
    event ReceiptChallenged(
        bytes32 indexed modelId, uint256 indexed challengeId, bytes32 requestId, address challenger, uint256 deadline
    );
    event Responded(bytes32 indexed modelId, uint256 indexed challengeId, bytes32 key, address payee, uint256 bond);
    event TimedOut(
        bytes32 indexed modelId, uint256 indexed challengeId, address challenger, uint256 reward, uint256 burned
    );
    event Frozen(bytes32 indexed modelId);
    event ExitRequested(bytes32 indexed modelId, uint256 exitTs);
    event Withdrawn(bytes32 indexed modelId, address owner, uint256 amount);
    event CreditsWithdrawn(address indexed account, address to, uint256 amount);
    event BurnFlushed(address sink, uint256 amount);

    // ---- errors --------------------------------------------------------------------------------

    error BadBounds();
    error InsecureNotAllowed();
    error ModelExists();
    error UnknownModel();
    error NotOwner();
    error NotCommitter();
    error BadTerms();
    error NoVerifierCode();
    error VerifierCodeHash();
    error VerifierConstants();
    error InsufficientStake();
    error ModelFrozen();
    error ModelExiting();
    error BadSeq();
    error BadCount();
    error UnknownBatch();
    error WindowClosed();
    error WrongBond();
    error BadMerkleProof();
    error RecordSettled();
    error NotOpen();
    error PastDeadline();
    error BeforeDeadline();
    error Answered();
    error GasFloor();
    error ProofRejected();
    error NotExiting();
    error OpenChallenges();
    error TooEarly();
    error NothingToWithdraw();
    error TransferFailed();
    error BadReceipt();
    error BadSignature();
    error BadPreimage();
    error WrongKind();

    // ---- construction --------------------------------------------------------------------------

    constructor(Bounds memory b) EIP712("ozk", "1") {
        if (b.minStake == 0 || b.minBond == 0 || b.maxBond < b.minBond) revert BadBounds();
        if (b.minChallengeWindow == 0 || b.minResponseWindow == 0) revert BadBounds();
        if (b.challengerShareBps > BPS / 2 || b.burnSink == address(0)) revert BadBounds();
        if (b.allowInsecure && block.chainid != 31337) revert InsecureNotAllowed();
        MIN_STAKE = b.minStake;
        MIN_BOND = b.minBond;
        MAX_BOND = b.maxBond;
        MIN_CHALLENGE_WINDOW = b.minChallengeWindow;
        MIN_RESPONSE_WINDOW = b.minResponseWindow;
        CHALLENGER_SHARE_BPS = b.challengerShareBps;
        BURN_SINK = b.burnSink;
        ALLOW_INSECURE = b.allowInsecure;
        ASSUMED_GAS_PRICE = b.assumedGasPrice;
    }

    // ---- models --------------------------------------------------------------------------------

    function modelIdOf(address owner, bytes32 salt) public pure returns (bytes32) {
        return keccak256(abi.encode(owner, salt));
    }

    /// The smallest bond a model with these gas figures may ask: 2 x respondGas x the assumed gas
    /// price + the proving cost.
    function bondFloor(uint256 respondGas, uint256 provingCost) public view returns (uint256) {
        return 2 * respondGas * ASSUMED_GAS_PRICE + provingCost;
    }

    function registerModel(ModelParams calldata p) external payable nonReentrant returns (bytes32 modelId) {
        modelId = modelIdOf(msg.sender, p.salt);
        if (_models[modelId].owner != address(0)) revert ModelExists();
        if (msg.value < MIN_STAKE) revert InsufficientStake();
        if (p.committer == address(0) || p.payee == address(0)) revert BadTerms();
        if (p.bond < MIN_BOND || p.bond > MAX_BOND || p.bond < bondFloor(p.respondGas, p.provingCost)) {
            revert BadTerms();
        }
        if (p.challengeWindow < MIN_CHALLENGE_WINDOW || p.responseWindow < MIN_RESPONSE_WINDOW) revert BadTerms();
        if (p.challengeWindow > MAX_WINDOW || p.responseWindow > MAX_WINDOW) revert BadTerms();
        if (p.verifyGas == 0 || p.respondGas < p.verifyGas) revert BadTerms();
        if (p.insecure && !ALLOW_INSECURE) revert InsecureNotAllowed();
        _checkVerifier(p);

        Model storage m = _models[modelId];
        m.owner = msg.sender;
        m.committer = p.committer;
        m.payee = p.payee;
        m.verifier = p.verifier;
        m.verifierCodeHash = p.verifierCodeHash;
        m.vkHash = p.vkHash;
        m.cwHash = p.cwHash;
        m.srsId = p.srsId;
        m.protocolVersion = p.protocolVersion;
        m.insecure = p.insecure;
        m.bond = p.bond;
        m.challengeWindow = p.challengeWindow;
        m.responseWindow = p.responseWindow;
        m.verifyGas = p.verifyGas;
        m.respondGas = p.respondGas;
        m.provingCost = p.provingCost;
        m.stake = msg.value;
        wasCommitter[modelId][p.committer] = true;
        totalStakes += msg.value;
        totalDeposits += msg.value;
        emit ModelRegistered(modelId, msg.sender, p.committer, p.verifier, msg.value);
    }

    /// The verifier must have code, the expected code hash, and constants equal to the arguments.
    function _checkVerifier(ModelParams calldata p) internal view {
        address v = p.verifier;
        if (v.code.length == 0) revert NoVerifierCode();
        if (v.codehash != p.verifierCodeHash) revert VerifierCodeHash();
        if (_readWord(v, IOzkVerifier.VK_HASH.selector) != p.vkHash) revert VerifierConstants();
        if (_readWord(v, IOzkVerifier.CW_HASH.selector) != p.cwHash) revert VerifierConstants();
        if (_readWord(v, IOzkVerifier.SRS_ID.selector) != p.srsId) revert VerifierConstants();
        if (uint256(_readWord(v, IOzkVerifier.PROTOCOL_VERSION.selector)) != p.protocolVersion) {
            revert VerifierConstants();
        }
        bytes32 ins = _readWord(v, IOzkVerifier.INSECURE.selector);
        if (uint256(ins) > 1 || (uint256(ins) == 1) != p.insecure) revert VerifierConstants();
    }

    /// One 32-byte word from a view with no arguments; anything else reverts VerifierConstants.
    function _readWord(address v, bytes4 selector) internal view returns (bytes32 w) {
        (bool ok, bytes memory ret) = v.staticcall{gas: 100_000}(abi.encodeWithSelector(selector));
        if (!ok || ret.length != 32) revert VerifierConstants();
        w = abi.decode(ret, (bytes32));
    }

    function addStake(bytes32 modelId) external payable nonReentrant {
        Model storage m = _model(modelId);
        if (msg.sender != m.owner) revert NotOwner();
        if (m.frozen) revert ModelFrozen();
        if (m.exiting) revert ModelExiting();
        m.stake += msg.value;
        totalStakes += msg.value;
        totalDeposits += msg.value;
        emit StakeAdded(modelId, msg.value, m.stake);
    }

    function setCommitter(bytes32 modelId, address committer) external nonReentrant {
        Model storage m = _model(modelId);
        if (msg.sender != m.owner) revert NotOwner();
        if (committer == address(0)) revert BadTerms();
        if (committer != m.committer) revokedAt[modelId][m.committer] = uint64(block.timestamp);
        revokedAt[modelId][committer] = 0;
        m.committer = committer;
        wasCommitter[modelId][committer] = true;
        emit CommitterChanged(modelId, committer);
    }

    /// The receipt's signer is the model's committer, or a rotated-away one whose promise (its
    /// deadline) came no later than the rotation.
    function _checkSigner(bytes32 modelId, address signer, uint64 deadline) internal view {
        if (!wasCommitter[modelId][signer]) revert BadSignature();
        uint64 revoked = revokedAt[modelId][signer];
        if (revoked != 0 && deadline > revoked) revert BadSignature();
    }

    function _model(bytes32 modelId) internal view returns (Model storage m) {
        m = _models[modelId];
        if (m.owner == address(0)) revert UnknownModel();
    }

    // ---- batches -------------------------------------------------------------------------------

    function commitBatch(bytes32 modelId, uint256 seq, bytes32 root, uint256 count) external nonReentrant {
        Model storage m = _model(modelId);
        if (msg.sender != m.committer) revert NotCommitter();
        if (m.frozen) revert ModelFrozen();
        if (m.exiting) revert ModelExiting();
        if (seq != m.nextSeq) revert BadSeq();
        if (count == 0 || count > MAX_COUNT) revert BadCount();
        _batches[modelId][seq] = Batch({
            root: root,
            count: uint32(count),
            commitTs: uint40(block.timestamp),
            challengeWindow: m.challengeWindow,
            responseWindow: m.responseWindow,
            bond: m.bond
        });
        m.nextSeq = uint64(seq + 1);
        m.lastCommitTs = uint40(block.timestamp);
        emit BatchCommitted(modelId, seq, root, count, block.timestamp);
    }

    // ---- challenges ----------------------------------------------------------------------------

    function recordKey(bytes32 modelId, uint256 seq, uint256 index) public pure returns (bytes32) {
        return keccak256(abi.encode(modelId, seq, index));
    }

    /// Challenge record `index` of batch (modelId, seq) with its preimages and Merkle proof, paying
    /// the batch's bond exactly. Valid iff block.timestamp <= commitTs + challengeWindow and the
    /// record is neither proven nor slashed yet; several challenges on one record are allowed.
    function challenge(
        bytes32 modelId,
        uint256 seq,
        uint256 index,
        bytes32 requestId,
        bytes32 salt,
        bytes calldata x,
        bytes calldata y,
        bytes32[] calldata proof
    ) external payable nonReentrant returns (uint256 id) {
        {
            bytes32 leafHash = _leaf(modelId, requestId, salt, x, y);
            id = _challengeRecord(modelId, seq, index, leafHash, x, y, proof);
        }
        emit Challenged(modelId, id, seq, index, requestId, msg.sender, uint256(_challenges[id].deadline));
    }

    function _challengeRecord(
        bytes32 modelId,
        uint256 seq,
        uint256 index,
        bytes32 leafHash,
        bytes calldata x,
        bytes calldata y,
        bytes32[] calldata proof
    ) internal returns (uint256) {
        _model(modelId);
        uint40 responseWindow;
        {
            Batch storage b = _batches[modelId][seq];
            if (b.count == 0) revert UnknownBatch();
            if (block.timestamp > uint256(b.commitTs) + b.challengeWindow) revert WindowClosed();
            if (msg.value != b.bond) revert WrongBond();
            if (!MerkleRecord.verify(proof, index, b.count, leafHash, b.root)) revert BadMerkleProof();
            responseWindow = b.responseWindow;
        }
        bytes32 key = recordKey(modelId, seq, index);
        return _open(_models[modelId], modelId, key, Kind.Record, responseWindow, x, y);
    }

    function _leaf(bytes32 modelId, bytes32 requestId, bytes32 salt, bytes calldata x, bytes calldata y)
        internal
        view
        returns (bytes32)
    {
        return MerkleRecord.leaf(
            RECORD_VERSION,
            block.chainid,
            address(this),
            modelId,
            requestId,
            MerkleRecord.saltedHash(salt, x),
            MerkleRecord.saltedHash(salt, y)
        );
    }

    /// Challenge a receipt the committer signed whose record was not committed by its deadline. Valid
    /// from deadline + 1 (or from the exit request + 1, when the model exits first) through that
    /// time + challengeWindow; the client gives the salt and x, y behind the receipt's hashes.
    function challengeReceipt(Receipt calldata r, bytes calldata sig, bytes32 salt, bytes calldata x, bytes calldata y)
        external
        payable
        nonReentrant
        returns (uint256 id)
    {
        Model storage m = _model(r.modelId);
        if (r.chainId != block.chainid || r.settlement != address(this)) revert BadReceipt();
        bytes32 digest = receiptDigest(r);
        _checkSigner(r.modelId, ECDSA.recover(digest, sig), r.deadline);
        if (MerkleRecord.saltedHash(salt, x) != r.xHash || MerkleRecord.saltedHash(salt, y) != r.yHash) {
            revert BadPreimage();
        }
        uint256 from = r.deadline;
        if (m.exiting && m.exitTs < from) from = m.exitTs;
        if (block.timestamp <= from) revert TooEarly();
        if (block.timestamp > from + m.challengeWindow) revert WindowClosed();
        if (msg.value != m.bond) revert WrongBond();
        if (_receipts[digest].deadline == 0 && _disputes[digest].open == 0) {
            _receipts[digest] = ReceiptInfo(r.requestId, r.xHash, r.yHash, r.deadline);
        }
        id = _open(m, r.modelId, digest, Kind.Receipt, m.responseWindow, x, y);
        emit ReceiptChallenged(r.modelId, id, r.requestId, msg.sender, block.timestamp + m.responseWindow);
    }

    function receiptDigest(Receipt calldata r) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(RECEIPT_TYPEHASH, r.chainId, r.settlement, r.modelId, r.requestId, r.xHash, r.yHash, r.deadline)
            )
        );
    }

    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    function _open(
        Model storage m,
        bytes32 modelId,
        bytes32 key,
        Kind kind,
        uint40 responseWindow,
        bytes calldata x,
        bytes calldata y
    ) internal returns (uint256 id) {
        Dispute storage d = _disputes[key];
        if (d.provenAt != 0 || d.slashed) revert RecordSettled();
        if (d.open == 0 && d.x.length == 0 && d.y.length == 0) {
            d.x = x;
            d.y = y;
        }
        d.open += 1;
        id = ++challengeCount;
        _challenges[id] = Challenge({
            modelId: modelId,
            key: key,
            challenger: msg.sender,
            deadline: uint40(block.timestamp + responseWindow),
            kind: kind,
            status: ChallengeStatus.Open,
            bond: uint96(msg.value)
        });
        m.openChallenges += 1;
        totalBonds += msg.value;
        totalDeposits += msg.value;
    }

    // ---- responses -----------------------------------------------------------------------------

    /// Answer a record challenge with a proof (permissionless). Valid iff block.timestamp <= the
    /// challenge's deadline, or the record was already proven by then (one proof answers every
    /// challenge on the record; proof is then ignored). Reverts unless the verifier, called with
    /// STATICCALL and at least the model's verifyGas, returns exactly 32 bytes holding 1.
    function respond(uint256 challengeId, bytes calldata proof) external nonReentrant {
        Challenge storage c = _challenges[challengeId];
        if (c.kind != Kind.Record) revert WrongKind();
        _answer(c, challengeId, proof);
    }

    /// Answer a receipt challenge: show the record's inclusion in a batch of the model committed no
    /// later than the receipt's deadline, and prove it like respond.
    function respondReceipt(
        uint256 challengeId,
        uint256 seq,
        uint256 index,
        bytes32[] calldata merkleProof,
        bytes calldata proof
    ) external nonReentrant {
        Challenge storage c = _challenges[challengeId];
        if (c.kind != Kind.Receipt) revert WrongKind();
        if (c.status == ChallengeStatus.Open) {
            ReceiptInfo storage r = _receipts[c.key];
            Batch storage b = _batches[c.modelId][seq];
            if (b.count == 0) revert UnknownBatch();
            if (b.commitTs > r.deadline) revert TooEarly(); // committed after the promised deadline
            bytes32 leafHash = MerkleRecord.leaf(
                RECORD_VERSION, block.chainid, address(this), c.modelId, r.requestId, r.xHash, r.yHash
            );
            if (!MerkleRecord.verify(merkleProof, index, b.count, leafHash, b.root)) revert BadMerkleProof();
        }
        _answer(c, challengeId, proof);
    }

    function _answer(Challenge storage c, uint256 challengeId, bytes calldata proof) internal {
        if (c.status != ChallengeStatus.Open) revert NotOpen();
        Dispute storage d = _disputes[c.key];
        Model storage m = _models[c.modelId];
        if (d.provenAt == 0 || d.provenAt > c.deadline) {
            if (block.timestamp > c.deadline) revert PastDeadline();
            if (m.verifier.codehash != m.verifierCodeHash) revert VerifierCodeHash();
            _verify(m, d, proof);
            if (d.provenAt == 0) d.provenAt = uint40(block.timestamp);
        }
        // effects only: the bond becomes the payee's credit
        c.status = ChallengeStatus.Answered;
        d.open -= 1;
        m.openChallenges -= 1;
        totalBonds -= c.bond;
        credits[m.payee] += c.bond;
        totalCredits += c.bond;
        emit Responded(c.modelId, challengeId, c.key, m.payee, c.bond);
    }

    /// STATICCALL verify(proof, x, y) with a gas floor; accept only success, 32 bytes, value 1.
    function _verify(Model storage m, Dispute storage d, bytes calldata proof) internal view {
        uint256 need = uint256(m.verifyGas);
        // the calldata first (x and y come from storage: cold reads, memory), then the floor, so
        // that it holds at the call: the callee gets at most 63/64 of what is left (EIP-150)
        bytes memory data = abi.encodeCall(IOzkVerifier.verify, (proof, d.x, d.y));
        if (gasleft() < need + need / 63 + RESPOND_GAS_MARGIN) revert GasFloor();
        address v = m.verifier;
        bool ok;
        uint256 size;
        uint256 word;
        assembly ("memory-safe") {
            ok := staticcall(gas(), v, add(data, 32), mload(data), 0, 0)
            size := returndatasize()
            if eq(size, 32) {
                returndatacopy(0, 0, 32)
                word := mload(0)
            }
        }
        if (!ok || size != 32 || word != 1) revert ProofRejected();
    }

    // ---- timeouts ------------------------------------------------------------------------------

    /// Slash for an unanswered challenge. Valid iff block.timestamp > deadline and no proof came by
    /// the deadline. The challenger is credited its bond plus CHALLENGER_SHARE_BPS (at most half)
    /// of the slash, which is the model's whole remaining stake; the rest is burned. The model is
    /// frozen; its later timeouts return only the bond (nothing is left to slash).
    function resolveTimeout(uint256 challengeId) external nonReentrant {
        Challenge storage c = _challenges[challengeId];
        if (c.status != ChallengeStatus.Open) revert NotOpen();
        if (block.timestamp <= c.deadline) revert BeforeDeadline();
        Dispute storage d = _disputes[c.key];
        if (d.provenAt != 0 && d.provenAt <= c.deadline) revert Answered();
        Model storage m = _models[c.modelId];

        uint256 slash = m.stake;
        uint256 reward = slash * CHALLENGER_SHARE_BPS / BPS;
        uint256 burn = slash - reward;
        c.status = ChallengeStatus.TimedOut;
        d.open -= 1;
        d.slashed = true;
        m.openChallenges -= 1;
        m.stake = 0;
        totalStakes -= slash;
        totalBonds -= c.bond;
        credits[c.challenger] += c.bond + reward;
        totalCredits += c.bond + reward;
        totalBurned += burn;
        if (!m.frozen) {
            m.frozen = true;
            emit Frozen(c.modelId);
        }
        emit TimedOut(c.modelId, challengeId, c.challenger, reward, burn);
    }

    // ---- exit ----------------------------------------------------------------------------------

    function requestExit(bytes32 modelId) external nonReentrant {
        Model storage m = _model(modelId);
        if (msg.sender != m.owner) revert NotOwner();
        if (m.exiting) revert ModelExiting();
        m.exiting = true;
        m.exitTs = uint40(block.timestamp);
        emit ExitRequested(modelId, block.timestamp);
    }

    /// The owner's stake becomes its credit once the model exits, every challenge window has closed
    /// (now > lastCommitTs + challengeWindow and now > exitTs + challengeWindow, the last moment a
    /// receipt challenge can open) and no challenge is open.
    function withdraw(bytes32 modelId) external nonReentrant {
        Model storage m = _model(modelId);
        if (msg.sender != m.owner) revert NotOwner();
        if (!m.exiting) revert NotExiting();
        if (m.openChallenges != 0) revert OpenChallenges();
        if (block.timestamp <= uint256(m.lastCommitTs) + m.challengeWindow) revert TooEarly();
        if (block.timestamp <= uint256(m.exitTs) + m.challengeWindow) revert TooEarly();
        uint256 amount = m.stake;
        if (amount == 0) revert NothingToWithdraw();
        m.stake = 0;
        totalStakes -= amount;
        credits[m.owner] += amount;
        totalCredits += amount;
        emit Withdrawn(modelId, m.owner, amount);
    }

    // ---- payments ------------------------------------------------------------------------------

    function withdrawCredits(address payable to) external nonReentrant {
        uint256 amount = credits[msg.sender];
        if (amount == 0) revert NothingToWithdraw();
        credits[msg.sender] = 0;
        totalCredits -= amount;
        totalWithdrawn += amount;
        emit CreditsWithdrawn(msg.sender, to, amount);
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert TransferFailed();
    }

    /// Send what was burned so far to the sink (permissionless; a failing sink blocks only this).
    function flushBurn() external nonReentrant {
        uint256 amount = totalBurned - burnFlushed;
        if (amount == 0) revert NothingToWithdraw();
        burnFlushed += amount;
        emit BurnFlushed(BURN_SINK, amount);
        (bool ok,) = BURN_SINK.call{value: amount}("");
        if (!ok) revert TransferFailed();
    }

    // ---- views ---------------------------------------------------------------------------------

    function model(bytes32 modelId) external view returns (Model memory) {
        return _models[modelId];
    }

    function batch(bytes32 modelId, uint256 seq) external view returns (Batch memory) {
        return _batches[modelId][seq];
    }

    function batchStatus(bytes32 modelId, uint256 seq) external view returns (BatchStatus) {
        Batch storage b = _batches[modelId][seq];
        if (b.count == 0) return BatchStatus.None;
        return block.timestamp <= uint256(b.commitTs) + b.challengeWindow
            ? BatchStatus.Challengeable
            : BatchStatus.Closed;
    }

    function challengeInfo(uint256 challengeId) external view returns (Challenge memory) {
        return _challenges[challengeId];
    }

    function dispute(bytes32 key) external view returns (uint40 provenAt, bool slashed, uint32 open) {
        Dispute storage d = _disputes[key];
        return (d.provenAt, d.slashed, d.open);
    }

    function openChallenges(bytes32 modelId) external view returns (uint256) {
        return _models[modelId].openChallenges;
    }

    /// Committed (window open, no challenge), Challenged (a challenge open), Proven (a proof
    /// answered it), Slashed (a challenge timed out), Final (window closed, never challenged: no
    /// challenge can open any more, so a Final record stays Final).
    function recordStatus(bytes32 modelId, uint256 seq, uint256 index) external view returns (RecordStatus) {
        Batch storage b = _batches[modelId][seq];
        if (b.count == 0 || index >= b.count) return RecordStatus.None;
        Dispute storage d = _disputes[recordKey(modelId, seq, index)];
        if (d.slashed) return RecordStatus.Slashed;
        if (d.provenAt != 0) return RecordStatus.Proven;
        if (d.open != 0) return RecordStatus.Challenged;
        if (block.timestamp > uint256(b.commitTs) + b.challengeWindow) return RecordStatus.Final;
        return RecordStatus.Committed;
    }
}
