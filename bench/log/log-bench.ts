/**
 * `npm run bench -- log [--entries N]`: the verifiable log's costs at N entries.
 * - sha256_per_s: one-shot SHA-256 of 65-byte inputs (an RFC 9162 node hash's size);
 * - append_per_s: MerkleTree appends of precomputed leaf hashes (raw, in memory);
 * - broker_append_per_s: entries appended the way the broker logs a change — canonical JSON of
 *   an intent event, a fresh salt, the salted commitment, the SQLite row and the tree — in
 *   units of work on a real SQLite store (synchronous=FULL, 32 units in flight);
 * - inclusion_proof_us / consistency_proof_us: mean time to produce a proof from the store's
 *   tree at N entries (random indices and sizes); verify_us: mean time to verify an inclusion
 *   proof (RFC 9162 §2.1.3.2).
 * The last stdout line is one JSON object; progress goes to stderr.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { cryptoCommitments } from '../../src/adapters/crypto/commitments.js';
import { sha256, sha256Hasher } from '../../src/adapters/crypto/sha256-hasher.js';
import { cryptoIdSource } from '../../src/adapters/ids/crypto-id-source.js';
import { openSqliteStore } from '../../src/adapters/storage/sqlite/sqlite-store.js';
import { DEFAULT_LIMITS, type BrokerContext } from '../../src/app/broker-context.js';
import { recordChange } from '../../src/app/log/record-change.js';
import type { PartyId } from '../../src/domain/ids.js';
import { verifyInclusion } from '../../src/domain/log/merkle.js';
import { MerkleTree } from '../../src/domain/log/merkle-tree.js';
import { prng } from '../../test/support/prng.js';

export const LOG_USAGE = `usage: npm run bench -- log [--entries N] [--in-flight C]
  --entries N     entries in the log (default 1000000)
  --in-flight C   units of work in flight while appending through the store (default 32)`;

const round = (x: number, digits = 2): number => Number(x.toFixed(digits));

export async function runLogBench(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({ args: [...argv], options: { entries: { type: 'string' }, 'in-flight': { type: 'string' } }, strict: true });
  const entries = Number(values.entries ?? 1_000_000);
  const inFlight = Number(values['in-flight'] ?? 32);
  if (!Number.isSafeInteger(entries) || entries < 2) throw new Error(`--entries must be a whole number of at least 2, not "${values.entries}"`);
  if (!Number.isSafeInteger(inFlight) || inFlight < 1) throw new Error(`--in-flight must be a whole number of at least 1, not "${values['in-flight']}"`);
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  log(`log bench: ${entries} entries`);

  // Raw SHA-256 on node-sized inputs.
  const input = Buffer.alloc(65, 1);
  const hashes = Math.min(entries, 1_000_000);
  let t = performance.now();
  for (let i = 0; i < hashes; i++) {
    input[1] = i & 0xff;
    sha256(input);
  }
  const sha256PerS = Math.round(hashes / ((performance.now() - t) / 1000));
  log(`sha256: ${sha256PerS}/s`);

  // Raw tree appends.
  const leaves: Uint8Array[] = new Array(entries);
  for (let i = 0; i < entries; i++) {
    input.writeUInt32BE(i, 1);
    leaves[i] = sha256Hasher.leaf(input.subarray(0, 32));
  }
  const tree = new MerkleTree(sha256Hasher);
  t = performance.now();
  for (const leaf of leaves) tree.append(leaf);
  const appendPerS = Math.round(entries / ((performance.now() - t) / 1000));
  log(`tree appends: ${appendPerS}/s`);

  // Through the store, as the broker logs each change.
  const dir = mkdtempSync(join(tmpdir(), 'parley-log-bench-'));
  const store = await openSqliteStore({ path: join(dir, 'broker.sqlite') });
  const ctx: BrokerContext = { store, clock: { nowMs: () => Date.now() }, ids: cryptoIdSource, limits: DEFAULT_LIMITS, commitments: cryptoCommitments, self: { manager: 'parley-broker', ussBaseUrl: () => 'http://localhost' } };
  const bar = new cliProgress.SingleBar({ format: 'broker appends [{bar}] {percentage}% | {value}/{total} | ETA {eta}s', stream: process.stderr }, cliProgress.Presets.shades_classic);
  bar.start(entries, 0);
  let next = 0;
  const subject = (i: number) => ({
    id: cryptoIdSource.uuid(),
    version: 1 + (i % 7),
    state: 'Accepted',
    uss_base_url: 'https://uss1.example.com/utm',
    subscription_id: null,
    time_start: '2030-01-01T12:00:00.000Z',
    time_end: '2030-01-01T13:00:00.000Z',
    extents_sha256: sha256(Buffer.from(String(i))).toString("hex"),
  });
  t = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < entries) {
        const i = next++;
        await store.transact((tx) => recordChange(ctx, tx, { kind: 'intent.create', by: `uss${1 + (i % 4)}` as PartyId, subject: subject(i) }, Date.now()));
        if (i % 10_000 === 0) bar.update(i);
      }
    }),
  );
  const brokerAppendPerS = Math.round(entries / ((performance.now() - t) / 1000));
  bar.update(entries);
  bar.stop();
  log(`broker appends: ${brokerAppendPerS}/s`);

  // Proofs from the store's tree at N entries, and verification.
  const rng = prng(7);
  const samples = 10_000;
  const queries = Array.from({ length: samples }, () => {
    const size = 1 + Math.floor(rng() * entries);
    return { index: Math.floor(rng() * size), size, from: 1 + Math.floor(rng() * size) };
  });
  const proofs: Uint8Array[][] = [];
  const result = await store.read(async (reader) => {
    let started = performance.now();
    for (const q of queries) proofs.push(reader.log.inclusionProof(q.index, q.size));
    const inclusionUs = ((performance.now() - started) * 1000) / samples;
    started = performance.now();
    for (const q of queries) reader.log.consistencyProof(q.from, q.size);
    const consistencyUs = ((performance.now() - started) * 1000) / samples;
    const roots = queries.map((q) => reader.log.root(q.size));
    const leafHashes = await Promise.all(queries.map(async (q) => sha256Hasher.leaf((await reader.log.entries(q.index, 1))[0]!.data)));
    started = performance.now();
    queries.forEach((q, k) => verifyInclusion(sha256Hasher, q.index, q.size, leafHashes[k]!, proofs[k]!, roots[k]!));
    const verifyUs = ((performance.now() - started) * 1000) / samples;
    return { inclusionUs, consistencyUs, verifyUs };
  });
  log(`inclusion proof ${round(result.inclusionUs)} µs, consistency proof ${round(result.consistencyUs)} µs, verify ${round(result.verifyUs)} µs`);
  await store.close();
  rmSync(dir, { recursive: true, force: true });

  process.stdout.write(
    `${JSON.stringify({
      bench: 'log',
      entries,
      append_per_s: appendPerS,
      broker_append_per_s: brokerAppendPerS,
      inclusion_proof_us: round(result.inclusionUs),
      consistency_proof_us: round(result.consistencyUs),
      verify_us: round(result.verifyUs),
      sha256_per_s: sha256PerS,
      in_flight: inFlight,
      rss_mb: Math.round(process.memoryUsage().rss / 2 ** 20),
    })}\n`,
  );
}
