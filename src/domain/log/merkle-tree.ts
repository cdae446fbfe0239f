/**
 * The broker's in-memory Merkle tree (RFC 9162 §2.1): append-only, with roots and proofs for the
 * current size and for every earlier size (old checkpoints), read from stored complete subtrees.
 *
 * Layout: level L is one growable byte array holding the floor(size / 2^L) complete subtree
 * hashes of height L, HASH_BYTES each, back to back (level 0 = the leaf hashes). A hash of an
 * imperfect subtree (the right border of a tree whose size is not a power of two) is never
 * stored; it is folded on the fly from the complete subtrees of its binary decomposition.
 *
 * Memory: < 2n hashes = 64 bytes per leaf in use; with doubling growth up to twice that is
 * allocated (1 M leaves: 64 MiB; 10 M: ~640 MiB), plus the old copy of one level while it grows.
 * A level is at most 4 GiB (Node 20's typed array limit), so one tree holds at most 2^27 leaves
 * (134,217,728); shard the log before that.
 */
import { HASH_BYTES, splitPoint, type MerkleHasher } from './merkle.js';

/** First allocation of each level, in hashes. */
const INITIAL_HASHES = 16;
/** Node 20 refuses typed arrays above 2^32 bytes. */
const MAX_LEVEL_BYTES = 2 ** 32;

export class MerkleTree {
  readonly #hasher: MerkleHasher;
  /** #levels[L]: complete subtrees of height L, left to right; capacity ≥ used length. */
  readonly #levels: Uint8Array[] = [];
  #size = 0;

  constructor(hasher: MerkleHasher) {
    this.#hasher = hasher;
  }

  /** Number of leaves appended so far. */
  get size(): number {
    return this.#size;
  }

  /**
   * Appends one leaf hash (HASH(0x00 || entry), computed by the caller) and returns its index.
   * Stores every subtree the leaf completes: one node hash per leaf amortised (RFC 9162 §2.1.2's
   * stack merge for each trailing 1-bit of the index).
   */
  append(leafHash: Uint8Array): number {
    checkLeafHash('append()', leafHash);
    const index = this.#size;
    this.#store(0, index, leafHash);
    // An odd index closes a pair at its level: hash it into the parent and climb.
    let i = index;
    let level = 0;
    while (i % 2 === 1) {
      const pair = this.#levels[level] as Uint8Array;
      const left = (i - 1) * HASH_BYTES;
      const parent = this.#hasher.node(
        pair.subarray(left, left + HASH_BYTES),
        pair.subarray(left + HASH_BYTES, left + 2 * HASH_BYTES),
      );
      i = (i - 1) / 2;
      level++;
      this.#store(level, i, parent);
    }
    // Last, so that a throwing hasher leaves the tree as it was (stray bytes past size are unused).
    this.#size = index + 1;
    return index;
  }

  /**
   * Appends leaf hashes in order and returns the index of the first (the old size when the list
   * is empty). All lengths are checked first: on a bad hash nothing is appended.
   */
  appendMany(leafHashes: readonly Uint8Array[]): number {
    leafHashes.forEach((hash, k) => checkLeafHash(`appendMany() hash ${k}`, hash));
    const first = this.#size;
    for (const hash of leafHashes) this.append(hash);
    return first;
  }

  /**
   * Forgets the leaves from `size` on (a unit of work that appended them was rolled back); O(1),
   * capacity is kept. Never use it on leaves a signed checkpoint covers: that forks the log.
   * Stale hashes past the new size are harmless: the append of leaf (j+1)·2^L − 1 rewrites
   * node j of level L before any read can reach it.
   */
  truncate(size: number): void {
    this.#checkSize('truncate()', size);
    this.#size = size;
  }

  /** MTH of the first `size` leaves (RFC 9162 §2.1.1), for any size up to the current one. */
  root(size: number = this.#size): Uint8Array {
    this.#checkSize('root()', size);
    return size === 0 ? this.#hasher.empty() : this.#subtreeHash(0, size);
  }

  /** A copy of the leaf hash at `index`. */
  leafHash(index: number): Uint8Array {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.#size) {
      throw new RangeError(`leafHash(): leaf index ${index} is not below tree size ${this.#size}`);
    }
    return this.#node(0, index).slice();
  }

  /**
   * PATH(index, D[0:size]) of RFC 9162 §2.1.3.1, leaf sibling first: fresh arrays, byte-identical
   * to the recursive definition. O(log n) stored reads plus at most one imperfect sibling folded
   * from O(log n) stored subtrees.
   */
  inclusionProof(index: number, size: number = this.#size): Uint8Array[] {
    this.#checkSize('inclusionProof()', size);
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
      throw new RangeError(`inclusionProof(): leaf index ${index} is not below tree size ${size}`);
    }
    // Walk the recursion from the root down; the RFC lists the siblings bottom-up.
    const siblings: Uint8Array[] = [];
    let lo = 0;
    let hi = size;
    while (hi - lo > 1) {
      const mid = lo + splitPoint(hi - lo);
      if (index < mid) {
        siblings.push(this.#subtreeHash(mid, hi));
        hi = mid;
      } else {
        siblings.push(this.#subtreeHash(lo, mid));
        lo = mid;
      }
    }
    return siblings.reverse();
  }

  /**
   * PROOF(size1, D[0:size2]) of RFC 9162 §2.1.4.1, byte-identical to the recursive definition,
   * for 0 ≤ size1 ≤ size2 ≤ size. Empty when size1 = size2, and when size1 = 0: the RFC defines
   * no proof from the empty tree; the empty proof pairs with verifyConsistency's allowEmptyOld
   * (the C2SP witness convention).
   */
  consistencyProof(size1: number, size2: number = this.#size): Uint8Array[] {
    this.#checkSize('consistencyProof()', size2);
    if (!Number.isSafeInteger(size1) || size1 < 0 || size1 > size2) {
      throw new RangeError(`consistencyProof(): old size ${size1} is not in 0..${size2}`);
    }
    if (size1 === 0 || size1 === size2) return [];
    // SUBPROOF(m, D[lo:hi], complete), unrolled from the top; collected top-down, then reversed.
    const hashes: Uint8Array[] = [];
    let m = size1;
    let lo = 0;
    let hi = size2;
    let complete = true;
    while (m !== hi - lo) {
      const k = splitPoint(hi - lo);
      if (m <= k) {
        hashes.push(this.#subtreeHash(lo + k, hi));
        hi = lo + k;
      } else {
        hashes.push(this.#subtreeHash(lo, lo + k));
        m -= k;
        lo += k;
        complete = false;
      }
    }
    if (!complete) hashes.push(this.#subtreeHash(lo, hi));
    return hashes.reverse();
  }

  /**
   * MTH(D[lo:hi]) for a range the RFC recursion produces (lo aligned to the largest block, hi ≤
   * size): the complete subtrees of the binary decomposition of hi − lo, largest first, folded
   * from the right. A complete subtree is one stored read, returned as a copy.
   */
  #subtreeHash(lo: number, hi: number): Uint8Array {
    let acc: Uint8Array | undefined;
    let end = hi;
    let width = 1;
    for (let level = 0, n = hi - lo; n > 0; level++, n = Math.floor(n / 2), width *= 2) {
      if (n % 2 === 1) {
        const start = end - width;
        const block = this.#node(level, start / width);
        acc = acc === undefined ? block.slice() : this.#hasher.node(block, acc);
        end = start;
      }
    }
    return acc as Uint8Array; // hi > lo, so some bit was set
  }

  /** A view (not a copy) of stored subtree `index` at `level`. */
  #node(level: number, index: number): Uint8Array {
    const offset = index * HASH_BYTES;
    return (this.#levels[level] as Uint8Array).subarray(offset, offset + HASH_BYTES);
  }

  #store(level: number, index: number, hash: Uint8Array): void {
    const end = (index + 1) * HASH_BYTES;
    let buffer = this.#levels[level];
    if (buffer === undefined || end > buffer.length) buffer = this.#grow(level, end);
    buffer.set(hash, end - HASH_BYTES);
  }

  #grow(level: number, minBytes: number): Uint8Array {
    if (minBytes > MAX_LEVEL_BYTES) {
      throw new RangeError(
        `MerkleTree cannot grow level ${level} beyond ${MAX_LEVEL_BYTES} bytes: one in-memory tree holds at most 2^27 leaves`,
      );
    }
    const old = this.#levels[level];
    const bytes = Math.min(MAX_LEVEL_BYTES, Math.max(INITIAL_HASHES * HASH_BYTES, (old?.length ?? 0) * 2, minBytes));
    const next = new Uint8Array(bytes);
    if (old !== undefined) next.set(old);
    this.#levels[level] = next;
    return next;
  }

  #checkSize(method: string, size: number): void {
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new RangeError(`${method}: tree size ${size} is not a safe non-negative integer`);
    }
    if (size > this.#size) {
      throw new RangeError(`${method}: tree size ${size} is larger than the tree (${this.#size} leaves)`);
    }
  }
}

function checkLeafHash(what: string, hash: Uint8Array): void {
  if (hash.length !== HASH_BYTES) {
    throw new RangeError(`${what}: leaf hash is ${hash.length} bytes, not ${HASH_BYTES}`);
  }
}
