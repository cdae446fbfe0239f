/**
 * The verifiable log as the store keeps it: the Merkle tree of every entry's leaf hash, in
 * memory (domain/log/merkle-tree.ts: ~64 bytes per entry, appends O(1) amortised, proofs read
 * stored nodes only), and the entries themselves — in memory for the memory store, on disk
 * for SQLite (an EntrySource reads them back on request).
 */
import type { CheckpointRecord, LogEntry } from '../../../app/ports/store.js';
import type { MerkleHasher } from '../../../domain/log/merkle.js';
import { MerkleTree } from '../../../domain/log/merkle-tree.js';

/** Where entries are read from when the state does not keep them. */
export interface EntrySource {
  read(start: number, limit: number): LogEntry[];
  latestCheckpoint(): CheckpointRecord | undefined;
}

export class LogState {
  readonly tree: MerkleTree;
  readonly #hasher: MerkleHasher;
  readonly #entries: LogEntry[] | undefined;
  readonly #source: EntrySource | undefined;
  #latest: CheckpointRecord | undefined;

  /** Without a source, entries and checkpoints are kept here. */
  constructor(hasher: MerkleHasher, source?: EntrySource) {
    this.#hasher = hasher;
    this.tree = new MerkleTree(hasher);
    this.#source = source;
    this.#entries = source === undefined ? [] : undefined;
    this.#latest = source?.latestCheckpoint();
  }

  get size(): number {
    return this.tree.size;
  }

  /** Adds the next entry (its index must be the current size). */
  append(entry: LogEntry): void {
    if (entry.index !== this.tree.size) {
      throw new Error(`Cannot append log entry ${entry.index}: the log holds ${this.tree.size} entries`);
    }
    this.tree.append(this.#hasher.leaf(entry.data));
    this.#entries?.push(entry);
  }

  /** Loads a stored entry's leaf data at start (index order). */
  load(data: Uint8Array): void {
    this.tree.append(this.#hasher.leaf(data));
  }

  /** Forgets entries from `size` on (a unit that appended them was rolled back). */
  truncate(size: number): void {
    this.tree.truncate(size);
    if (this.#entries !== undefined) this.#entries.length = Math.min(this.#entries.length, size);
  }

  entries(start: number, limit: number): LogEntry[] {
    const end = Math.min(this.tree.size, start + limit);
    if (start >= end) return [];
    if (this.#entries !== undefined) return this.#entries.slice(start, end);
    return (this.#source as EntrySource).read(start, end - start);
  }

  get latestCheckpoint(): CheckpointRecord | undefined {
    return this.#latest;
  }

  /** Records a checkpoint handed out; returns the one it replaces as the latest. */
  putCheckpoint(checkpoint: CheckpointRecord): CheckpointRecord | undefined {
    const previous = this.#latest;
    if (previous === undefined || checkpoint.size >= previous.size) this.#latest = checkpoint;
    return previous;
  }

  restoreCheckpoint(previous: CheckpointRecord | undefined): void {
    this.#latest = previous;
  }
}
