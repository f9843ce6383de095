#!/usr/bin/env node
// examples/dapp/check-output.mjs: is this ozk output committed, final, disputed, proven?
//
//   node examples/dapp/check-output.mjs --rpc URL --receipt RECEIPT.json
//        [--settlement ADDR] [--model-id ID]
//
// RECEIPT.json is what the node's ozk_getReceipt returns (docs/node.md "The receipt"), either the
// bare receipt or the whole JSON-RPC response. The script trusts nothing in it but the preimages:
// it recomputes xHash, yHash and the leaf (docs/contracts.md "The leaf"), checks the Merkle proof
// against the root the Settlement stored for the batch, checks the EIP-712 signature against the
// model's committer, and reads the record's status and the model's stake from the chain.
// --settlement and --model-id pin the deployment the dApp expects: a receipt naming another one
// is refused. The guide is docs/dapp.md.
//
// Prints one JSON verdict on stdout. Exit status: 0 the record is committed and its Merkle proof
// checks against the chain's root; 1 otherwise (also when the chain cannot be read); 2 bad
// arguments or an unreadable receipt.
//
// viem comes from the repository's .tools/node_modules (scripts/bootstrap installs it, pinned by
// package-lock.json), from NODE_PATH, or from a node_modules above this file.

import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, delimiter } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

// ---- loading viem ------------------------------------------------------------------------------

// An ES module import ignores NODE_PATH, and scripts/bootstrap installs the npm tools into .tools/
// rather than a node_modules next to this file. So: a plain import first, then each NODE_PATH
// entry and the repository's .tools/node_modules, importing viem's ES module entry by file URL.
async function loadViem() {
  try {
    return await import('viem');
  } catch (e) {
    if (e.code !== 'ERR_MODULE_NOT_FOUND') throw e;
  }
  const dirs = (process.env.NODE_PATH || '').split(delimiter).filter(Boolean);
  dirs.push(join(HERE, '..', '..', '.tools', 'node_modules'));
  for (const dir of dirs) {
    const pkgFile = join(dir, 'viem', 'package.json');
    if (!existsSync(pkgFile)) continue;
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
    const entry = pkg.exports?.['.']?.import ?? pkg.module;
    if (typeof entry !== 'string') continue;
    return await import(pathToFileURL(join(dir, 'viem', entry)).href);
  }
  throw new Error('viem not found: run scripts/bootstrap (it installs viem into .tools/), or set NODE_PATH');
}

// ---- arguments and the receipt -----------------------------------------------------------------

const USAGE =
  'usage: node examples/dapp/check-output.mjs --rpc URL --receipt RECEIPT.json ' +
  '[--settlement ADDR] [--model-id ID]';

class BadInput extends Error {}

function parseArgs(argv) {
  const known = { '--rpc': 'rpc', '--receipt': 'receipt', '--settlement': 'settlement', '--model-id': 'modelId' };
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '-h' || argv[i] === '--help') {
      process.stdout.write(USAGE + '\n');
      process.exit(0);
    }
    const key = known[argv[i]];
    if (!key) throw new BadInput(`unknown argument '${argv[i]}'`);
    if (i + 1 >= argv.length) throw new BadInput(`${argv[i]} needs a value`);
    out[key] = argv[++i];
  }
  if (!out.rpc) throw new BadInput('--rpc is required');
  if (!out.receipt) throw new BadInput('--receipt is required');
  return out;
}

const HEX = /^0x([0-9a-fA-F]{2})*$/;

function hexField(o, key, bytes) {
  const v = o[key];
  if (typeof v !== 'string' || !HEX.test(v) || (bytes !== undefined && v.length !== 2 + 2 * bytes))
    throw new BadInput(`receipt field ${key}: expected 0x and ${bytes ?? 'whole'} bytes of hex`);
  return v.toLowerCase();
}

function intField(o, key) {
  const v = o[key];
  if (!Number.isSafeInteger(v) || v < 0) throw new BadInput(`receipt field ${key}: expected a non-negative integer`);
  return v;
}

function readReceipt(path) {
  let j;
  try {
    j = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new BadInput(`cannot read the receipt ${path}: ${e.message}`);
  }
  if (j && typeof j === 'object' && j.jsonrpc && j.result) j = j.result; // a whole JSON-RPC answer
  if (!j || typeof j !== 'object') throw new BadInput('the receipt is not a JSON object');
  const r = {
    requestId: hexField(j, 'request_id', 32),
    chainId: intField(j, 'chain_id'),
    settlement: hexField(j, 'settlement', 20),
    modelId: hexField(j, 'model_id', 32),
    x: hexField(j, 'input_q'),
    y: hexField(j, 'output_q'),
    salt: hexField(j, 'salt', 32),
    recordVersion: intField(j, 'record_version'),
    deadline: intField(j, 'commit_deadline'),
    signature: hexField(j, 'signature', 65),
    batch: null,
  };
  const b = j.batch;
  if (b !== null && b !== undefined) {
    if (typeof b !== 'object' || !Array.isArray(b.merkle_proof))
      throw new BadInput('receipt field batch: expected an object with merkle_proof (use ozk_getReceipt)');
    r.batch = {
      seq: intField(b, 'seq'),
      index: intField(b, 'index'),
      proof: b.merkle_proof.map((_, k) => hexField({ [`batch.merkle_proof[${k}]`]: b.merkle_proof[k] }, `batch.merkle_proof[${k}]`, 32)),
    };
  }
  return r;
}

// ---- the contract's views ----------------------------------------------------------------------

const SETTLEMENT_ABI = [
  'struct Model { address owner; address committer; address payee; address verifier; ' +
    'bytes32 verifierCodeHash; bytes32 vkHash; bytes32 cwHash; bytes32 srsId; uint256 protocolVersion; ' +
    'uint256 stake; uint96 bond; uint40 challengeWindow; uint40 responseWindow; bool insecure; bool frozen; ' +
    'bool exiting; uint64 verifyGas; uint64 respondGas; uint128 provingCost; uint64 nextSeq; ' +
    'uint40 lastCommitTs; uint40 exitTs; uint32 openChallenges; }',
  'struct Batch { bytes32 root; uint32 count; uint40 commitTs; uint40 challengeWindow; uint40 responseWindow; uint96 bond; }',
  'function model(bytes32 modelId) view returns (Model)',
  'function batch(bytes32 modelId, uint256 seq) view returns (Batch)',
  'function recordStatus(bytes32 modelId, uint256 seq, uint256 index) view returns (uint8)',
  'function wasCommitter(bytes32 modelId, address signer) view returns (bool)',
  'function revokedAt(bytes32 modelId, address signer) view returns (uint64)',
];

// Settlement.RecordStatus, in order.
const RECORD_STATUS = ['None', 'Committed', 'Challenged', 'Proven', 'Slashed', 'Final'];

// ---- the checks --------------------------------------------------------------------------------

// docs/contracts.md "The tree": depth = ceil(log2 count), EMPTY padding, positional pairs.
function merkleDepth(count) {
  let d = 0;
  while (2 ** d < count) d++;
  return d;
}

function merkleVerify(v, leaf, index, count, proof, root) {
  if (count < 1 || count > 2 ** 24 || index >= count || proof.length !== merkleDepth(count)) return false;
  let h = leaf;
  for (let k = 0; k < proof.length; k++) {
    const right = Math.floor(index / 2 ** k) % 2 === 1; // bit k of index: the path's node is a right child
    h = v.keccak256(v.concat(['0x01', right ? proof[k] : h, right ? h : proof[k]]));
  }
  return h.toLowerCase() === root.toLowerCase();
}

async function check(v, args, r) {
  const verdict = {
    committed: false,
    status: 'None',
    final: false,
    disputed: false,
    proven: false,
    slashed: false,
    signatureOk: false,
    merkleOk: false,
    model: null,
    requestId: r.requestId,
    modelId: r.modelId,
    settlement: r.settlement,
    batch: null,
    problems: [],
  };

  // 1. the receipt names the deployment the dApp expects, and the chain behind the RPC
  if (args.settlement && args.settlement.toLowerCase() !== r.settlement)
    verdict.problems.push(`the receipt names settlement ${r.settlement}, not ${args.settlement}`);
  if (args.modelId && args.modelId.toLowerCase() !== r.modelId)
    verdict.problems.push(`the receipt names model ${r.modelId}, not ${args.modelId}`);
  if (r.recordVersion !== 1) verdict.problems.push(`record_version ${r.recordVersion} is not 1`);
  const client = v.createPublicClient({ transport: v.http(args.rpc) });
  const chainId = await client.getChainId();
  if (chainId !== r.chainId) verdict.problems.push(`the RPC serves chain ${chainId}, the receipt names ${r.chainId}`);
  const settlement = v.getAddress(r.settlement);
  if (!(await client.getCode({ address: settlement })))
    verdict.problems.push(`no contract at ${settlement} on chain ${chainId}`);
  if (verdict.problems.length) return verdict;
  const abi = v.parseAbi(SETTLEMENT_ABI);
  const read = (functionName, ...a) => client.readContract({ address: settlement, abi, functionName, args: a });

  // 2. recompute the record from its preimages: nothing the receipt states about hashes is trusted
  const xHash = v.keccak256(v.concat([r.salt, r.x]));
  const yHash = v.keccak256(v.concat([r.salt, r.y]));
  const leaf = v.keccak256(
    v.concat([
      '0x00',
      v.encodeAbiParameters(
        v.parseAbiParameters('uint256, uint256, address, bytes32, bytes32, bytes32, bytes32'),
        [1n, BigInt(r.chainId), settlement, r.modelId, r.requestId, xHash, yHash],
      ),
    ]),
  );
  verdict.leaf = leaf;

  // 3. the model: registered, its committer, its stake
  const m = await read('model', r.modelId);
  if (m.owner === '0x0000000000000000000000000000000000000000') {
    verdict.problems.push(`model ${r.modelId} is not registered in ${settlement}`);
    return verdict;
  }
  verdict.model = {
    stake: m.stake.toString(),
    frozen: m.frozen,
    exiting: m.exiting,
    insecure: m.insecure,
    bond: m.bond.toString(),
    challengeWindow: Number(m.challengeWindow),
    responseWindow: Number(m.responseWindow),
    openChallenges: Number(m.openChallenges),
    committer: m.committer,
    verifier: m.verifier,
  };

  // 4. the EIP-712 signature: by the committer, or a former committer within its rotation
  const domain = { name: 'ozk', version: '1', chainId: r.chainId, verifyingContract: settlement };
  const types = {
    Receipt: [
      { name: 'chainId', type: 'uint256' },
      { name: 'settlement', type: 'address' },
      { name: 'modelId', type: 'bytes32' },
      { name: 'requestId', type: 'bytes32' },
      { name: 'xHash', type: 'bytes32' },
      { name: 'yHash', type: 'bytes32' },
      { name: 'deadline', type: 'uint64' },
    ],
  };
  const message = {
    chainId: BigInt(r.chainId),
    settlement,
    modelId: r.modelId,
    requestId: r.requestId,
    xHash,
    yHash,
    deadline: BigInt(r.deadline),
  };
  let signer = null;
  try {
    signer = await v.recoverTypedDataAddress({ domain, types, primaryType: 'Receipt', message, signature: r.signature });
  } catch (e) {
    verdict.problems.push(`the signature does not recover: ${e.shortMessage ?? e.message}`);
  }
  if (signer) {
    verdict.signer = signer;
    if (v.isAddressEqual(signer, m.committer)) {
      verdict.signatureOk = true;
    } else if (await read('wasCommitter', r.modelId, signer)) {
      const revoked = await read('revokedAt', r.modelId, signer);
      verdict.signatureOk = revoked === 0n || BigInt(r.deadline) <= revoked;
      if (!verdict.signatureOk) verdict.problems.push(`signed by ${signer}, a committer key rotated away before the receipt's deadline`);
    } else {
      verdict.problems.push(`signed by ${signer}, never the model's committer (${m.committer})`);
    }
  }

  // 5. the batch: the chain's root and count, never the receipt's
  if (!r.batch) {
    verdict.problems.push('the receipt has no batch yet: fetch it again with ozk_getReceipt once it is committed');
    return verdict;
  }
  const b = await read('batch', r.modelId, BigInt(r.batch.seq));
  verdict.batch = { seq: r.batch.seq, index: r.batch.index, count: b.count, root: b.root, commitTs: Number(b.commitTs) };
  if (b.count === 0) {
    verdict.problems.push(`batch ${r.batch.seq} is not on chain (yet)`);
    return verdict;
  }
  verdict.batch.challengeableUntil = Number(b.commitTs) + Number(b.challengeWindow);
  verdict.merkleOk = merkleVerify(v, leaf, r.batch.index, b.count, r.batch.proof, b.root);
  if (!verdict.merkleOk) {
    verdict.problems.push(`the record's leaf is not at index ${r.batch.index} of batch ${r.batch.seq} (root ${b.root})`);
    return verdict;
  }

  // 6. the record's status on chain
  verdict.committed = true;
  const status = RECORD_STATUS[await read('recordStatus', r.modelId, BigInt(r.batch.seq), BigInt(r.batch.index))] ?? 'None';
  verdict.status = status;
  verdict.final = status === 'Final';
  verdict.proven = status === 'Proven';
  verdict.slashed = status === 'Slashed';
  verdict.disputed = status === 'Challenged' || status === 'Proven' || status === 'Slashed';
  if (m.frozen)
    verdict.problems.push('the model is frozen: a challenge of it timed out and its stake is gone; nothing backs its records now');
  if (m.exiting) verdict.problems.push('the model is exiting: it commits nothing more and its stake can be withdrawn after the window');
  return verdict;
}

// ---- main --------------------------------------------------------------------------------------

let args, receipt;
try {
  args = parseArgs(process.argv.slice(2));
  receipt = readReceipt(args.receipt);
} catch (e) {
  if (!(e instanceof BadInput)) throw e;
  process.stderr.write(`check-output: ${e.message}\n${USAGE}\n`);
  process.exit(2);
}

try {
  const viem = await loadViem();
  const verdict = await check(viem, args, receipt);
  process.stdout.write(JSON.stringify(verdict, null, 2) + '\n');
  process.exit(verdict.committed && verdict.merkleOk ? 0 : 1);
} catch (e) {
  process.stderr.write(`check-output: ${e.shortMessage ?? e.message}\n`);
  process.exit(1);
}
