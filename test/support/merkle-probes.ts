/** Shared probes of the Merkle tests (src/domain/log/*.test.ts). */
import assert from 'node:assert/strict';
import { sha256Hasher as h } from '../../src/adapters/crypto/sha256-hasher.js';
import { ProofError, splitPoint } from '../../src/domain/log/merkle.js';

/** n distinct leaf hashes. */
export const leavesOf = (n: number, tag = 'leaf'): Uint8Array[] =>
  Array.from({ length: n }, (_, i) => h.leaf(new TextEncoder().encode(`${tag} ${i}`)));

/** A copy with one bit flipped (new Uint8Array copies; Buffer#slice would not). */
export const flipBit = (bytes: Uint8Array, bit: number): Uint8Array => {
  const out = new Uint8Array(bytes);
  out[bit >> 3] = (out[bit >> 3] as number) ^ (1 << (bit & 7));
  return out;
};

/** Whether the verification passes; any failure must be a ProofError. */
export const accepts = (run: () => void): boolean => {
  try {
    run();
    return true;
  } catch (error) {
    assert.ok(error instanceof ProofError, `expected a ProofError, got ${String(error)}`);
    return false;
  }
};

/**
 * The left/right pattern the verifier follows for PATH(m, D_n), derived from the §2.1.3.1
 * recursion (not from the verifier): 'R' = sibling on the right, 'L' = on the left, leaf first.
 * Two (index, size) pairs with the same shape make the verifier hash the same proof into the same
 * root; that is why a size is bound to a root only by the checkpoint signature (note A1).
 */
export function inclusionShape(m: number, n: number): string {
  if (n === 1) return '';
  const k = splitPoint(n);
  return m < k ? `${inclusionShape(m, k)}R` : `${inclusionShape(m - k, n - k)}L`;
}

/** The same for PROOF(m, D_n) of §2.1.4.1: the seed ('o' = old root, 'p' = from the proof), then sides. */
export function consistencyShape(m: number, n: number): string {
  const sub = (m: number, n: number, complete: boolean): string => {
    if (m === n) return complete ? 'o' : 'p';
    const k = splitPoint(n);
    return m <= k ? `${sub(m, k, complete)}R` : `${sub(m - k, n - k, false)}L`;
  };
  return m === 0 ? 'empty' : m === n ? 'equal' : sub(m, n, true);
}
