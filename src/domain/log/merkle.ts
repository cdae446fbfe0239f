/**
 * The RFC 9162 §2.1 Merkle tree: proof verification (strict about sizes and hash lengths) and
 * reference generators that follow the RFC's recursive definitions word for word.
 * The hash is injected (MerkleHasher), so this file stays pure; SHA-256 lives in adapters/crypto.
 * The reference generators are for tests and offline audits of small trees; a broker serves
 * proofs from MerkleTree (merkle-tree.ts), which must give byte-identical output.
 */

/** Bytes in every hash of the log (SHA-256). Verification refuses any other length. */
export const HASH_BYTES = 32;

/** RFC 9162 §2.1.1 hashing, with the 0x00/0x01 domain separation between leaves and nodes. */
export interface MerkleHasher {
  /** HASH(0x00 || data): the hash of a log entry. */
  leaf(data: Uint8Array): Uint8Array;
  /** HASH(0x01 || left || right): an interior node. */
  node(left: Uint8Array, right: Uint8Array): Uint8Array;
  /** HASH() of the empty string: the root of the empty tree, MTH({}). */
  empty(): Uint8Array;
}

/** A proof, a hash or a size that does not hold up. The message names the first problem found. */
export class ProofError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProofError';
  }
}

export interface ConsistencyOptions {
  /**
   * Accept size1 = 0 with an empty proof (the C2SP witness convention for "no earlier
   * checkpoint": the empty tree is a prefix of every tree). root1 must then be the empty-tree
   * root h.empty(). Without it, size1 = 0 is an error, as in transparency-dev/merkle.
   */
  readonly allowEmptyOld?: boolean;
}

/**
 * Checks that `leafHash` is the leaf at `index` of the tree of `size` leaves whose root is `root`
 * (RFC 9162 §2.1.3.2). Stricter than the RFC's algorithm: index and size must be safe
 * non-negative integers, every hash must be HASH_BYTES long, and the proof must have exactly the
 * length the tree shape needs, checked before any hashing. Throws ProofError; returns nothing.
 *
 * Note (RFC behaviour, not a bug): the size is bound to the root only by the checkpoint's
 * signature. In some shapes the same proof also verifies under size ± 1, so take (size, root)
 * from one verified checkpoint.
 */
export function verifyInclusion(
  h: MerkleHasher,
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  checkCount('leaf index', index);
  checkCount('tree size', size);
  if (index >= size) throw new ProofError(`leaf index ${index} is not below tree size ${size}`);
  checkHash('leaf hash', leafHash);
  checkHash('root', root);
  checkProofHashes(proof);
  const want = inclusionProofLength(index, size);
  if (proof.length !== want) {
    throw new ProofError(
      `inclusion proof has ${proof.length} hashes; a leaf at index ${index} of a tree of size ${size} needs ${want}`,
    );
  }
  // RFC 9162 §2.1.3.2 steps 2–5. Shifts are divisions so that sizes above 2^32 work.
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    // The RFC's own guards (too long / too short) cannot fire after the length check; kept anyway.
    if (sn === 0) throw new ProofError(`inclusion proof for index ${index} of size ${size} is too long`);
    if (fn % 2 === 1 || fn === sn) {
      r = h.node(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = h.node(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new ProofError(`inclusion proof for index ${index} of size ${size} is too short`);
  checkRoot('root', r, root);
}

/**
 * Checks that the tree of `size1` leaves with root `root1` is a prefix of the tree of `size2`
 * leaves with root `root2` (RFC 9162 §2.1.4.2). Equal sizes need an empty proof and equal roots.
 * size1 = 0 is an error unless `options.allowEmptyOld` (see ConsistencyOptions). Same strictness
 * as verifyInclusion: safe integer sizes, HASH_BYTES-long hashes (even when the sizes are equal),
 * exact proof length before hashing. Throws ProofError; returns nothing.
 */
export function verifyConsistency(
  h: MerkleHasher,
  size1: number,
  size2: number,
  root1: Uint8Array,
  root2: Uint8Array,
  proof: readonly Uint8Array[],
  options: ConsistencyOptions = {},
): void {
  checkCount('old size', size1);
  checkCount('new size', size2);
  if (size1 > size2) throw new ProofError(`old size ${size1} is larger than new size ${size2}`);
  checkHash('old root', root1);
  checkHash('new root', root2);
  checkProofHashes(proof);
  if (size1 === 0) {
    if (options.allowEmptyOld !== true) {
      throw new ProofError('consistency from size 0 is not defined (pass { allowEmptyOld: true } to accept an empty old tree)');
    }
    if (proof.length !== 0) {
      throw new ProofError(`consistency proof has ${proof.length} hashes; from size 0 to ${size2} needs 0`);
    }
    const empty = h.empty();
    if (!equalBytes(root1, empty)) {
      throw new ProofError(`old root ${shortHex(root1)} at size 0 is not the empty-tree root ${shortHex(empty)}`);
    }
    if (size2 === 0) checkEqualRoots(0, root1, root2);
    return;
  }
  if (size1 === size2) {
    if (proof.length !== 0) {
      throw new ProofError(`consistency proof has ${proof.length} hashes; equal sizes ${size1} need 0`);
    }
    checkEqualRoots(size1, root1, root2);
    return;
  }
  const want = consistencyProofLength(size1, size2);
  if (proof.length !== want) {
    throw new ProofError(`consistency proof has ${proof.length} hashes; sizes ${size1} → ${size2} need ${want}`);
  }
  // RFC 9162 §2.1.4.2 steps 1–7.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0] as Uint8Array; // path is non-empty: want ≥ 1 or root1 was prepended
  let sr = fr;
  for (let i = 1; i < path.length; i++) {
    const c = path[i] as Uint8Array;
    if (sn === 0) throw new ProofError(`consistency proof for sizes ${size1} → ${size2} is too long`);
    if (fn % 2 === 1 || fn === sn) {
      fr = h.node(c, fr);
      sr = h.node(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = h.node(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new ProofError(`consistency proof for sizes ${size1} → ${size2} is too short`);
  checkRoot('old root', fr, root1);
  checkRoot('new root', sr, root2);
}

/**
 * Number of hashes in the inclusion proof of leaf `index` in a tree of `size` leaves
 * (0 ≤ index < size): inner = bit length of (index XOR (size − 1)) hashes chained by the index
 * bits, then border = popcount(index >> inner) left siblings on the right border.
 */
export function inclusionProofLength(index: number, size: number): number {
  const inner = bitLength(xor(index, size - 1));
  return inner + popcount(shiftRight(index, inner));
}

/**
 * Number of hashes in the consistency proof between sizes 0 < size1 < size2: the inclusion
 * proof of leaf size1 − 1 in the new tree minus the levels below the old tree's last complete
 * subtree (trailing zeros of size1), plus that subtree's root unless size1 is a power of two.
 */
export function consistencyProofLength(size1: number, size2: number): number {
  const inner = bitLength(xor(size1 - 1, size2 - 1));
  const border = popcount(shiftRight(size1 - 1, inner));
  const shift = trailingZeros(size1);
  return (isPowerOfTwo(size1) ? 0 : 1) + inner - shift + border;
}

/** MTH(D_n) by the recursive definition of RFC 9162 §2.1.1, over leaf hashes. */
export function rootOf(h: MerkleHasher, leafHashes: readonly Uint8Array[]): Uint8Array {
  return leafHashes.length === 0 ? h.empty() : mth(h, leafHashes, 0, leafHashes.length);
}

/** PATH(m, D_n) by the recursive definition of RFC 9162 §2.1.3.1, leaf sibling first. */
export function inclusionPathOf(h: MerkleHasher, leafHashes: readonly Uint8Array[], index: number): Uint8Array[] {
  const n = leafHashes.length;
  if (!Number.isSafeInteger(index) || index < 0 || index >= n) {
    throw new RangeError(`inclusionPathOf(): leaf index ${index} is not in 0..${n - 1}`);
  }
  const path = (m: number, lo: number, hi: number): Uint8Array[] => {
    if (hi - lo === 1) return [];
    const k = splitPoint(hi - lo);
    return m < k
      ? [...path(m, lo, lo + k), mth(h, leafHashes, lo + k, hi)]
      : [...path(m - k, lo + k, hi), mth(h, leafHashes, lo, lo + k)];
  };
  return path(index, 0, n);
}

/**
 * PROOF(m, D_n) = SUBPROOF(m, D_n, true) by the recursive definition of RFC 9162 §2.1.4.1, for
 * 0 < size1 ≤ n (empty when size1 = n). Size 0 has no RFC proof and is refused.
 */
export function consistencyPathOf(h: MerkleHasher, leafHashes: readonly Uint8Array[], size1: number): Uint8Array[] {
  const n = leafHashes.length;
  if (!Number.isSafeInteger(size1) || size1 < 1 || size1 > n) {
    throw new RangeError(`consistencyPathOf(): old size ${size1} is not in 1..${n}`);
  }
  const subproof = (m: number, lo: number, hi: number, complete: boolean): Uint8Array[] => {
    if (m === hi - lo) return complete ? [] : [mth(h, leafHashes, lo, hi)];
    const k = splitPoint(hi - lo);
    return m <= k
      ? [...subproof(m, lo, lo + k, complete), mth(h, leafHashes, lo + k, hi)]
      : [...subproof(m - k, lo + k, hi, false), mth(h, leafHashes, lo, lo + k)];
  };
  return subproof(size1, 0, n, true);
}

/** The largest power of two strictly below n, for n ≥ 2 (RFC 9162 §2.1.1's k). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Lowercase hex of the first four bytes and an ellipsis, for messages. */
function shortHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes.subarray(0, 4)) out += b.toString(16).padStart(2, '0');
  return `${out}…`;
}

function mth(h: MerkleHasher, leaves: readonly Uint8Array[], lo: number, hi: number): Uint8Array {
  if (hi - lo === 1) return leaves[lo] as Uint8Array;
  const k = splitPoint(hi - lo);
  return h.node(mth(h, leaves, lo, lo + k), mth(h, leaves, lo + k, hi));
}

function checkCount(what: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new ProofError(`${what} ${n} is not a safe non-negative integer`);
}

function checkHash(what: string, hash: Uint8Array): void {
  if (hash.length !== HASH_BYTES) throw new ProofError(`${what} is ${hash.length} bytes, not ${HASH_BYTES}`);
}

/** Hash positions are 0-based: "proof hash 0" is the first (the leaf's sibling). */
function checkProofHashes(proof: readonly Uint8Array[]): void {
  proof.forEach((p, i) => checkHash(`proof hash ${i}`, p));
}

function checkRoot(what: string, got: Uint8Array, want: Uint8Array): void {
  if (!equalBytes(got, want)) {
    throw new ProofError(`${what} does not match: the proof leads to ${shortHex(got)}, the checkpoint says ${shortHex(want)}`);
  }
}

function checkEqualRoots(size: number, root1: Uint8Array, root2: Uint8Array): void {
  if (!equalBytes(root1, root2)) {
    throw new ProofError(`roots differ at equal size ${size}: old root ${shortHex(root1)}, new root ${shortHex(root2)}`);
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// Bit helpers on safe integers (up to 2^53): JavaScript's bitwise operators truncate to 32 bits.
const TWO_32 = 2 ** 32;

function xor(a: number, b: number): number {
  const hi = (Math.floor(a / TWO_32) ^ Math.floor(b / TWO_32)) >>> 0;
  const lo = ((a % TWO_32) ^ (b % TWO_32)) >>> 0;
  return hi * TWO_32 + lo;
}

function bitLength(n: number): number {
  return n >= TWO_32 ? 32 + bitLength(Math.floor(n / TWO_32)) : 32 - Math.clz32(n);
}

function popcount(n: number): number {
  let count = 0;
  for (let x = n; x > 0; x = Math.floor(x / 2)) count += x % 2;
  return count;
}

function shiftRight(n: number, bits: number): number {
  return Math.floor(n / 2 ** bits);
}

function trailingZeros(n: number): number {
  let count = 0;
  for (let x = n; x > 0 && x % 2 === 0; x /= 2) count++;
  return count;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && 2 ** trailingZeros(n) === n;
}
