/**
 * Audits a broker's verifiable log without trusting the broker. Online: the checkpoint's
 * signature, its consistency with the last checkpoint this party verified (RFC 9162 §2.1.4),
 * the root over every entry's leaf data (§2.1.1), the entries the party may see whole (salt
 * and content recompute the leaf data) and their inclusion proofs (§2.1.3). Offline, over a
 * broker's data directory: every entry recomputed from its content, and every checkpoint the
 * broker signed checked against the stored entries. Every failure is collected with a message
 * naming what is wrong.
 */
import { canonicalJson } from '../../domain/log/canonical-json.js';
import { CheckpointError, parseCheckpoint, type Checkpoint } from '../../domain/log/checkpoint.js';
import { ProofError, verifyConsistency, verifyInclusion } from '../../domain/log/merkle.js';
import { MerkleTree } from '../../domain/log/merkle-tree.js';
import { cryptoCommitments } from '../crypto/commitments.js';
import { sha256Hasher } from '../crypto/sha256-hasher.js';
import { NoteError, openNote, parseVerifierKey, type NoteVerifier } from '../crypto/signed-note.js';
import type { AuditEntry, AuditSource } from './audit-source.js';
import type { AuditState } from './audit-state.js';

export interface AuditOptions {
  /** A verifier key to insist on (else the one pinned in the state, else the source's). */
  readonly pinnedKey?: string;
  readonly previous: AuditState;
  /** Own entries whose inclusion proof is also fetched and checked (online), at most. */
  readonly maxInclusionChecks?: number;
  readonly onProgress?: (done: number, total: number | undefined) => void;
  /** Each entry seen whole whose salt and content recompute its leaf data. */
  readonly onWholeEntry?: (entry: AuditEntry) => void;
}

export interface AuditReport {
  readonly ok: boolean;
  /** What was checked and held. */
  readonly passed: string[];
  /** What failed, each naming the problem. */
  readonly problems: string[];
  /** Online, when everything held: what the party's state keeps for next time. */
  readonly verified?: { readonly note: string; readonly size: number; readonly verifierKey: string };
}

const PAGE = 1000;

class Findings {
  readonly passed: string[] = [];
  readonly problems: string[] = [];
  report(verified?: AuditReport['verified']): AuditReport {
    const ok = this.problems.length === 0;
    return { ok, passed: this.passed, problems: this.problems, ...(ok && verified !== undefined ? { verified } : {}) };
  }
}

export async function auditOnline(source: AuditSource, options: AuditOptions): Promise<AuditReport> {
  const f = new Findings();
  const offered = await source.verifierKey();
  const verifier = trustedKey(f, offered, options);
  if (verifier === undefined) return f.report();
  const note = await source.checkpoint();
  const checkpoint = openCheckpoint(f, note, verifier, 'the checkpoint');
  if (checkpoint === undefined) return f.report();
  f.passed.push(`checkpoint of ${checkpoint.size} entries signed by ${checkpoint.origin}`);

  const before = previousCheckpoint(options.previous);
  if (before !== undefined) {
    if (checkpoint.size < before.size) {
      f.problems.push(
        `the log has ${checkpoint.size} entries, fewer than the ${before.size} of the checkpoint you verified before: ` +
          'entries were removed or an older copy of the log was restored',
      );
    } else if (checkpoint.size === before.size) {
      if (sameBytes(checkpoint.root, before.root)) f.passed.push(`same log as the checkpoint you verified before (${before.size} entries)`);
      else f.problems.push(`the log was rewritten: it still has ${before.size} entries, but its root differs from the checkpoint you verified before`);
    } else {
      try {
        const proof = await (source.consistencyProof as NonNullable<AuditSource['consistencyProof']>)(before.size, checkpoint.size);
        verifyConsistency(sha256Hasher, before.size, checkpoint.size, before.root, checkpoint.root, proof);
        f.passed.push(`consistent with the checkpoint of ${before.size} entries you verified before (RFC 9162 consistency proof)`);
      } catch (error) {
        if (!(error instanceof ProofError)) throw error;
        f.problems.push(`the log is not consistent with the checkpoint of ${before.size} entries you verified before: ${error.message}`);
      }
    }
  }

  const scan = await scanEntries(f, source, checkpoint.size, options);
  if (scan.tree.size === checkpoint.size) {
    if (sameBytes(scan.tree.root(checkpoint.size), checkpoint.root)) f.passed.push(`the ${checkpoint.size} entries' leaf data hash to the checkpoint's root`);
    else f.problems.push('the entries do not hash to the checkpoint\'s root: an entry was changed, removed or reordered');

    const checks = scan.whole.slice(-(options.maxInclusionChecks ?? 1000));
    let good = 0;
    for (const index of checks) {
      try {
        const proof = await (source.inclusionProof as NonNullable<AuditSource['inclusionProof']>)(index, checkpoint.size);
        verifyInclusion(sha256Hasher, index, checkpoint.size, scan.tree.leafHash(index), proof, checkpoint.root);
        good++;
      } catch (error) {
        if (!(error instanceof ProofError)) throw error;
        f.problems.push(`entry ${index}: the broker's inclusion proof does not verify: ${error.message}`);
      }
    }
    if (checks.length > 0 && good === checks.length) f.passed.push(`${good} inclusion proofs of your entries verify against the checkpoint`);
  }
  return f.report({ note, size: checkpoint.size, verifierKey: offered });
}

export async function auditOffline(source: AuditSource, options: AuditOptions): Promise<AuditReport> {
  const f = new Findings();
  const offered = await source.verifierKey();
  const verifier = trustedKey(f, offered, options);
  if (verifier === undefined) return f.report();
  const scan = await scanEntries(f, source, undefined, options);
  const tree = scan.tree;
  if (scan.complete) f.passed.push(tree.size === 0 ? 'no entries stored yet' : `${tree.size} entries stored, indices 0 to ${tree.size - 1} without gaps`);

  const stored = await (source.storedCheckpoints as NonNullable<AuditSource['storedCheckpoints']>)();
  let good = 0;
  for (const [i, note] of stored.entries()) {
    const c = openCheckpoint(f, note, verifier, `stored checkpoint ${i + 1}`);
    if (c === undefined) continue;
    if (c.size > tree.size) f.problems.push(`the broker signed a checkpoint of ${c.size} entries, but only ${tree.size} are stored: entries were removed`);
    else if (!sameBytes(tree.root(c.size), c.root)) f.problems.push(`the checkpoint the broker signed at ${c.size} entries does not match the stored entries: history was rewritten`);
    else good++;
  }
  if (stored.length > 0 && good === stored.length) f.passed.push(`all ${good} checkpoints the broker signed match the stored entries`);

  const before = previousCheckpoint(options.previous);
  if (before !== undefined) {
    if (before.size > tree.size) {
      f.problems.push(
        `only ${tree.size} entries are stored, fewer than the ${before.size} of the checkpoint you verified before: ` +
          'entries were removed or an older copy of the database was restored',
      );
    } else if (!sameBytes(tree.root(before.size), before.root)) {
      f.problems.push(`the first ${before.size} entries no longer hash to the checkpoint you verified before: history was rewritten`);
    } else {
      f.passed.push(`the stored entries extend the checkpoint of ${before.size} entries you verified before`);
    }
  }
  return f.report();
}

/** The source's key, unless it contradicts the pinned one; undefined (with a problem) if unusable. */
function trustedKey(f: Findings, offered: string, options: AuditOptions): NoteVerifier | undefined {
  const expected = options.pinnedKey ?? options.previous.verifierKey;
  if (expected !== undefined && expected !== offered) {
    f.problems.push(`the broker's checkpoint key changed: you trust ${expected}, the log offers ${offered}`);
    return undefined;
  }
  try {
    return parseVerifierKey(offered);
  } catch (error) {
    if (!(error instanceof NoteError)) throw error;
    f.problems.push(`the broker's checkpoint key is unusable: ${error.message}`);
    return undefined;
  }
}

function openCheckpoint(f: Findings, note: string, verifier: NoteVerifier, what: string): Checkpoint | undefined {
  try {
    const checkpoint = parseCheckpoint(openNote(note, [verifier]).text);
    if (checkpoint.origin !== verifier.name) {
      f.problems.push(`${what}: its origin "${checkpoint.origin}" is not the key's name "${verifier.name}"`);
      return undefined;
    }
    return checkpoint;
  } catch (error) {
    if (error instanceof NoteError || error instanceof CheckpointError) {
      f.problems.push(`${what} does not verify: ${error.message}`);
      return undefined;
    }
    throw error;
  }
}

/**
 * Reads entries from 0 (up to `size`, or all there are), checking contiguous indices and
 * 32-byte leaf data, recomputing every entry seen whole, and building the tree.
 */
async function scanEntries(
  f: Findings,
  source: AuditSource,
  size: number | undefined,
  options: AuditOptions,
): Promise<{ tree: MerkleTree; whole: number[]; complete: boolean }> {
  const tree = new MerkleTree(sha256Hasher);
  const whole: number[] = [];
  let mismatched = 0;
  for (;;) {
    const want = size === undefined ? PAGE : Math.min(PAGE, size - tree.size);
    if (want <= 0) break;
    const page = await source.entries(tree.size, want);
    if (page.length === 0) {
      if (size === undefined) break;
      f.problems.push(`entries ${tree.size} to ${size - 1} are missing: the log returned none`);
      return { tree, whole, complete: false };
    }
    for (const entry of page) {
      if (entry.index !== tree.size) {
        f.problems.push(
          entry.index > tree.size
            ? `entry ${tree.size} is missing (the next entry stored is ${entry.index}): entries were removed`
            : `entry ${entry.index} appears out of order (after entry ${tree.size - 1})`,
        );
        return { tree, whole, complete: false };
      }
      if (entry.data.length !== 32) {
        f.problems.push(`entry ${entry.index}: its leaf data is ${entry.data.length} bytes, not 32`);
        return { tree, whole, complete: false };
      }
      const wrong = checkWhole(entry);
      if (wrong !== undefined) {
        f.problems.push(wrong);
        mismatched++;
      } else if (entry.content !== undefined) {
        options.onWholeEntry?.(entry);
      }
      if (entry.salt !== undefined) whole.push(entry.index);
      tree.append(sha256Hasher.leaf(entry.data));
    }
    options.onProgress?.(tree.size, size);
  }
  if (whole.length > 0 && mismatched === 0) f.passed.push(`${whole.length} entries seen whole: salt and content recompute each one's leaf data`);
  return { tree, whole, complete: true };
}

/** A problem with an entry seen whole, or undefined. */
function checkWhole(entry: AuditEntry): string | undefined {
  if (entry.salt === undefined && entry.content === undefined) return undefined;
  if (entry.salt === undefined || entry.content === undefined) return `entry ${entry.index}: salt and content must come together`;
  let canonical: string;
  try {
    canonical = canonicalJson(JSON.parse(entry.content));
  } catch {
    return `entry ${entry.index}: its content is not JSON`;
  }
  const data = cryptoCommitments.commit(entry.salt, entry.content);
  if (!sameBytes(data, entry.data)) return `entry ${entry.index}: its content does not match its leaf data (it was changed after it was logged)`;
  if (canonical !== entry.content) return `entry ${entry.index}: its content is not in canonical form (RFC 8785)`;
  return undefined;
}

function previousCheckpoint(state: AuditState): Checkpoint | undefined {
  if (state.checkpoint === undefined) return undefined;
  const split = state.checkpoint.lastIndexOf('\n\n');
  return parseCheckpoint(split < 0 ? state.checkpoint : state.checkpoint.slice(0, split + 1));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
