import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sha256, sha256Hasher as h } from '../../adapters/crypto/sha256-hasher.js';
import {
  consistencyPathOf,
  consistencyProofLength,
  HASH_BYTES,
  inclusionPathOf,
  inclusionProofLength,
  ProofError,
  rootOf,
  splitPoint,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';
import { accepts, consistencyShape, flipBit, inclusionShape, leavesOf } from '../../../test/support/merkle-probes.js';

const cat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

function throwsProofError(run: () => void, message?: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ProofError, `expected a ProofError, got ${String(error)}`);
    assert.equal(error.name, 'ProofError');
    if (message !== undefined) assert.match(error.message, message);
    return true;
  });
}

describe('sha256Hasher', () => {
  test('leaf(), node() and empty() are SHA-256 of 0x00||data, 0x01||left||right and ""', () => {
    const data = new TextEncoder().encode('entry');
    assert.equal(HASH_BYTES, 32);
    assert.deepEqual(h.leaf(data), sha256(cat(Uint8Array.of(0), data)));
    const [l, r] = leavesOf(2) as [Uint8Array, Uint8Array];
    assert.deepEqual(h.node(l, r), sha256(cat(Uint8Array.of(1), l, r)));
    assert.equal(Buffer.from(h.empty()).toString('hex'), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const big = new Uint8Array(5000).fill(7);
    assert.deepEqual(h.leaf(big), sha256(cat(Uint8Array.of(0), big)));
    assert.deepEqual(h.node(Uint8Array.of(1, 2), Uint8Array.of(3)), sha256(Uint8Array.of(1, 1, 2, 3)));
  });

  test('every call returns a fresh buffer the caller may keep', () => {
    const [l, r] = leavesOf(2) as [Uint8Array, Uint8Array];
    const a = h.node(l, r);
    const b = h.node(r, l);
    assert.notDeepEqual(a, b);
    assert.deepEqual(a, h.node(l, r));
    const e = h.empty();
    e.fill(0);
    assert.notDeepEqual(h.empty(), e);
  });
});

describe('reference generators (RFC 9162 §2.1.1, §2.1.3.1, §2.1.4.1)', () => {
  test('rootOf() is the empty-string hash for no leaves and the leaf hash for one', () => {
    assert.deepEqual(rootOf(h, []), h.empty());
    const [leaf] = leavesOf(1) as [Uint8Array];
    assert.deepEqual(rootOf(h, [leaf]), leaf);
  });

  //        root                 MTH of 3 leaves: the left subtree is the largest
  //       /    \                perfect one (k = 2), the right one holds the rest
  //     n01     l2
  //    /   \
  //   l0   l1
  test('rootOf(), inclusionPathOf() and consistencyPathOf() follow the split at the largest power of two', () => {
    const [l0, l1, l2] = leavesOf(3) as [Uint8Array, Uint8Array, Uint8Array];
    const n01 = h.node(l0, l1);
    assert.deepEqual(rootOf(h, [l0, l1, l2]), h.node(n01, l2));
    assert.deepEqual(inclusionPathOf(h, [l0, l1, l2], 0), [l1, l2]);
    assert.deepEqual(inclusionPathOf(h, [l0, l1, l2], 2), [n01]);
    assert.deepEqual(consistencyPathOf(h, [l0, l1, l2], 1), [l1, l2]);
    assert.deepEqual(consistencyPathOf(h, [l0, l1, l2], 2), [l2]);
    assert.deepEqual(consistencyPathOf(h, [l0, l1, l2], 3), []);
  });

  test('the reference generators refuse out-of-range arguments with a RangeError', () => {
    const leaves = leavesOf(4);
    assert.throws(() => inclusionPathOf(h, leaves, 4), /leaf index 4 is not in 0\.\.3/);
    assert.throws(() => inclusionPathOf(h, leaves, -1), RangeError);
    assert.throws(() => consistencyPathOf(h, leaves, 0), /old size 0 is not in 1\.\.4/);
    assert.throws(() => consistencyPathOf(h, leaves, 5), RangeError);
  });
});

describe('proof lengths', () => {
  test('inclusionProofLength() and consistencyProofLength() match the reference proofs up to 64 leaves', () => {
    const leaves = leavesOf(64);
    for (let n = 1; n <= 64; n++) {
      const prefix = leaves.slice(0, n);
      for (let m = 0; m < n; m++) assert.equal(inclusionProofLength(m, n), inclusionPathOf(h, prefix, m).length);
      for (let m = 1; m < n; m++) assert.equal(consistencyProofLength(m, n), consistencyPathOf(h, prefix, m).length);
    }
  });

  test('the proof lengths stay right for sizes beyond 2^32 (no 32-bit truncation)', () => {
    const inclusionLength = (m: number, n: number): number => inclusionShape(m, n).length;
    const consistencyLength = (m: number, n: number): number => {
      const shape = consistencyShape(m, n);
      return shape.length - (shape.startsWith('o') ? 1 : 0);
    };
    fc.assert(
      fc.property(fc.integer({ min: 2, max: Number.MAX_SAFE_INTEGER }), fc.double({ min: 0, max: 1, noNaN: true }), (n, t) => {
        const m = Math.min(n - 1, Math.floor(t * n));
        assert.equal(inclusionProofLength(m, n), inclusionLength(m, n));
        if (m > 0) assert.equal(consistencyProofLength(m, n), consistencyLength(m, n));
      }),
      { numRuns: 500 },
    );
  });
});

describe('verifyInclusion() (RFC 9162 §2.1.3.2, strict)', () => {
  test('accepts every reference proof in every tree up to 33 leaves', () => {
    const leaves = leavesOf(33);
    for (let n = 1; n <= 33; n++) {
      const prefix = leaves.slice(0, n);
      const root = rootOf(h, prefix);
      for (let m = 0; m < n; m++) verifyInclusion(h, m, n, prefix[m] as Uint8Array, inclusionPathOf(h, prefix, m), root);
    }
  });

  test('names the problem in its message', () => {
    const leaves = leavesOf(8);
    const root = rootOf(h, leaves);
    const proof = inclusionPathOf(h, leaves, 5);
    const leaf = leaves[5] as Uint8Array;
    verifyInclusion(h, 5, 8, leaf, proof, root);
    throwsProofError(
      () => verifyInclusion(h, 5, 8, leaf, [...proof, root], root),
      /^inclusion proof has 4 hashes; a leaf at index 5 of a tree of size 8 needs 3$/,
    );
    throwsProofError(() => verifyInclusion(h, 9, 8, leaf, proof, root), /^leaf index 9 is not below tree size 8$/);
    throwsProofError(
      () => verifyInclusion(h, 5, 8, leaf, [proof[0] as Uint8Array, proof[1] as Uint8Array, root.subarray(1)], root),
      /^proof hash 2 is 31 bytes, not 32$/,
    );
    throwsProofError(() => verifyInclusion(h, 5, 8, leaf.subarray(0, 20), proof, root), /^leaf hash is 20 bytes, not 32$/);
    throwsProofError(() => verifyInclusion(h, 5, 8, leaf, proof, new Uint8Array(0)), /^root is 0 bytes, not 32$/);
    throwsProofError(() => verifyInclusion(h, -1, 8, leaf, proof, root), /leaf index -1 is not a safe non-negative integer/);
    throwsProofError(() => verifyInclusion(h, 5, 2 ** 53, leaf, proof, root), /tree size 9007199254740992 is not a safe/);
    throwsProofError(() => verifyInclusion(h, 0.5, 8, leaf, proof, root), /leaf index 0\.5/);
    const wrongRoot = new Uint8Array(32).fill(0xab);
    throwsProofError(
      () => verifyInclusion(h, 5, 8, leaf, proof, wrongRoot),
      new RegExp(`^root does not match: the proof leads to ${Buffer.from(root.subarray(0, 4)).toString('hex')}…, the checkpoint says abababab…$`),
    );
  });

  test('a one-leaf tree needs an empty proof and a root equal to the leaf hash, 32 bytes each', () => {
    const [leaf] = leavesOf(1) as [Uint8Array];
    verifyInclusion(h, 0, 1, leaf, [], leaf);
    throwsProofError(() => verifyInclusion(h, 0, 1, leaf, [leaf], leaf), /has 1 hashes; .* needs 0/);
    throwsProofError(() => verifyInclusion(h, 0, 1, new Uint8Array(0), [], new Uint8Array(0)), /leaf hash is 0 bytes/);
    throwsProofError(() => verifyInclusion(h, 0, 0, leaf, [], h.empty()), /leaf index 0 is not below tree size 0/);
  });

  test('fails on any single-bit flip, any other index, a dropped or added hash; a changed size only where the path shape is the same', () => {
    const leaves = leavesOf(300, 'tamper');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, t) => {
        const prefix = leaves.slice(0, n);
        const m = Math.min(n - 1, Math.floor(t * n));
        const leaf = prefix[m] as Uint8Array;
        const root = rootOf(h, prefix);
        const proof = inclusionPathOf(h, prefix, m);
        verifyInclusion(h, m, n, leaf, proof, root);
        for (let bit = 0; bit < 256; bit++) {
          throwsProofError(() => verifyInclusion(h, m, n, flipBit(leaf, bit), proof, root));
          throwsProofError(() => verifyInclusion(h, m, n, leaf, proof, flipBit(root, bit)));
          proof.forEach((p, i) => {
            const bad = proof.slice();
            bad[i] = flipBit(p, bit);
            throwsProofError(() => verifyInclusion(h, m, n, leaf, bad, root));
          });
        }
        for (let other = 0; other < n + 2; other++) {
          if (other !== m) throwsProofError(() => verifyInclusion(h, other, n, leaf, proof, root));
        }
        for (let i = 0; i <= proof.length; i++) {
          if (i < proof.length) throwsProofError(() => verifyInclusion(h, m, n, leaf, proof.toSpliced(i, 1), root));
          for (const extra of [root, leaf, h.empty(), proof[0] ?? root]) {
            throwsProofError(() => verifyInclusion(h, m, n, leaf, proof.toSpliced(i, 0, extra), root));
          }
        }
        for (const size of [n - 1, n + 1, n + 2, 2 * n, Math.floor(n / 2)]) {
          if (size === n || size < 1) continue;
          const accepted = accepts(() => verifyInclusion(h, m, size, leaf, proof, root));
          // Accepted exactly when the verifier would hash the same proof the same way (note A1).
          assert.equal(accepted, m < size && inclusionShape(m, size) === inclusionShape(m, n), `index ${m}, size ${n} → ${size}`);
        }
      }),
      { numRuns: 40 },
    );
  });

  test('a size off by one is accepted with the same root exactly when the path shape is the same (RFC behaviour)', () => {
    // e.g. leaf 0 of size 3 vs 4: both paths are [right, right], so [l1, l2] also "verifies" as
    // a size-4 proof against the size-3 root. Only the checkpoint signature binds size to root.
    const leaves = leavesOf(33);
    let benign = 0;
    for (let n = 1; n <= 32; n++) {
      const prefix = leaves.slice(0, n);
      const root = rootOf(h, prefix);
      for (let m = 0; m < n; m++) {
        const proof = inclusionPathOf(h, prefix, m);
        for (const size of [n - 1, n + 1]) {
          if (size < 1) continue;
          const sameShape = m < size && inclusionShape(m, size) === inclusionShape(m, n);
          assert.equal(accepts(() => verifyInclusion(h, m, size, prefix[m] as Uint8Array, proof, root)), sameShape);
          if (sameShape) benign++;
        }
      }
    }
    assert.ok(benign > 0, 'the benign case should occur in small trees');
    const [l0, l1, l2] = leaves as [Uint8Array, Uint8Array, Uint8Array];
    verifyInclusion(h, 0, 4, l0, [l1, l2], rootOf(h, [l0, l1, l2]));
  });

  test('works for sizes beyond 2^32 (a tree of identical leaves, whose subtree hashes depend only on width)', () => {
    const [x] = leavesOf(1) as [Uint8Array];
    const memo = new Map<number, Uint8Array>([[1, x]]);
    const mthOfWidth = (w: number): Uint8Array => {
      let got = memo.get(w);
      if (got === undefined) {
        const k = splitPoint(w);
        got = h.node(mthOfWidth(k), mthOfWidth(w - k));
        memo.set(w, got);
      }
      return got;
    };
    const path = (m: number, n: number): Uint8Array[] => {
      if (n === 1) return [];
      const k = splitPoint(n);
      return m < k ? [...path(m, k), mthOfWidth(n - k)] : [...path(m - k, n - k), mthOfWidth(k)];
    };
    const consistency = (m: number, n: number, complete: boolean): Uint8Array[] => {
      if (m === n) return complete ? [] : [mthOfWidth(n)];
      const k = splitPoint(n);
      return m <= k ? [...consistency(m, k, complete), mthOfWidth(n - k)] : [...consistency(m - k, n - k, false), mthOfWidth(k)];
    };
    const index = 2 ** 40 + 12_345;
    const size = 2 ** 41 + 777;
    const proof = path(index, size);
    assert.equal(proof.length, inclusionProofLength(index, size));
    verifyInclusion(h, index, size, x, proof, mthOfWidth(size));
    throwsProofError(() => verifyInclusion(h, index, size, x, proof, flipBit(mthOfWidth(size), 3)));
    const [size1, size2] = [2 ** 33 + 5, 2 ** 45 + 3];
    const cproof = consistency(size1, size2, true);
    assert.equal(cproof.length, consistencyProofLength(size1, size2));
    verifyConsistency(h, size1, size2, mthOfWidth(size1), mthOfWidth(size2), cproof);
    throwsProofError(() => verifyConsistency(h, size1, size2, flipBit(mthOfWidth(size1), 0), mthOfWidth(size2), cproof));
  });
});

describe('verifyConsistency() (RFC 9162 §2.1.4.2, strict)', () => {
  test('accepts every reference proof between sizes 1 ≤ size1 ≤ size2 ≤ 33', () => {
    const leaves = leavesOf(33);
    const roots = leaves.map((_, i) => rootOf(h, leaves.slice(0, i + 1)));
    for (let n = 1; n <= 33; n++) {
      for (let m = 1; m <= n; m++) {
        verifyConsistency(h, m, n, roots[m - 1] as Uint8Array, roots[n - 1] as Uint8Array, consistencyPathOf(h, leaves.slice(0, n), m));
      }
    }
  });

  test('names the problem in its message', () => {
    const leaves = leavesOf(8);
    const [root3, root8] = [rootOf(h, leaves.slice(0, 3)), rootOf(h, leaves)];
    const proof = consistencyPathOf(h, leaves, 3);
    verifyConsistency(h, 3, 8, root3, root8, proof);
    throwsProofError(() => verifyConsistency(h, 0, 8, h.empty(), root8, []), /^consistency from size 0 is not defined/);
    throwsProofError(() => verifyConsistency(h, 9, 8, root3, root8, proof), /^old size 9 is larger than new size 8$/);
    throwsProofError(() => verifyConsistency(h, 3, 8, root3, root8, proof.slice(1)), /^consistency proof has 3 hashes; sizes 3 → 8 need 4$/);
    throwsProofError(() => verifyConsistency(h, 3, 8, root3.subarray(2), root8, proof), /^old root is 30 bytes, not 32$/);
    throwsProofError(() => verifyConsistency(h, 3, 8, root3, root8, [root3, root3.subarray(1)]), /^proof hash 1 is 31 bytes, not 32$/);
    throwsProofError(() => verifyConsistency(h, 3, 8, root3, root3, proof), /^new root does not match: the proof leads to [0-9a-f]{8}…, the checkpoint says [0-9a-f]{8}…$/);
    throwsProofError(() => verifyConsistency(h, 3, 8, root8, root8, proof), /^old root does not match/);
    throwsProofError(() => verifyConsistency(h, 8, 8, root8, root8, [root8]), /^consistency proof has 1 hashes; equal sizes 8 need 0$/);
    throwsProofError(() => verifyConsistency(h, 8, 8, root3, root8, []), /^roots differ at equal size 8/);
    throwsProofError(() => verifyConsistency(h, 3, 8, root3, root8, []), /has 0 hashes; sizes 3 → 8 need 4/);
  });

  test('accepts size1 = 0 only with { allowEmptyOld: true }, an empty proof and the empty-tree root (C2SP witness convention)', () => {
    const leaves = leavesOf(5);
    const root5 = rootOf(h, leaves);
    const opts = { allowEmptyOld: true };
    verifyConsistency(h, 0, 5, h.empty(), root5, [], opts);
    verifyConsistency(h, 0, 0, h.empty(), h.empty(), [], opts);
    throwsProofError(() => verifyConsistency(h, 0, 5, h.empty(), root5, []), /size 0 is not defined/);
    throwsProofError(() => verifyConsistency(h, 0, 5, h.empty(), root5, [root5], opts), /has 1 hashes; from size 0 to 5 needs 0/);
    throwsProofError(() => verifyConsistency(h, 0, 5, root5, root5, [], opts), /at size 0 is not the empty-tree root e3b0c442…/);
    throwsProofError(() => verifyConsistency(h, 0, 0, h.empty(), root5, [], opts), /roots differ at equal size 0/);
    throwsProofError(() => verifyConsistency(h, 0, 5, h.empty(), root5.subarray(1), [], opts), /new root is 31 bytes/);
    // The option changes nothing else.
    verifyConsistency(h, 2, 5, rootOf(h, leaves.slice(0, 2)), root5, consistencyPathOf(h, leaves, 2), opts);
  });

  test('fails on any single-bit flip, swapped roots, a dropped or added hash; changed sizes only where the proof shape is the same', () => {
    const leaves = leavesOf(300, 'consistency');
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 300 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, t) => {
        const m = 1 + Math.min(n - 2, Math.floor(t * (n - 1)));
        const [root1, root2] = [rootOf(h, leaves.slice(0, m)), rootOf(h, leaves.slice(0, n))];
        const proof = consistencyPathOf(h, leaves.slice(0, n), m);
        verifyConsistency(h, m, n, root1, root2, proof);
        throwsProofError(() => verifyConsistency(h, m, n, root2, root1, proof));
        for (let bit = 0; bit < 256; bit++) {
          throwsProofError(() => verifyConsistency(h, m, n, flipBit(root1, bit), root2, proof));
          throwsProofError(() => verifyConsistency(h, m, n, root1, flipBit(root2, bit), proof));
          proof.forEach((p, i) => {
            const bad = proof.slice();
            bad[i] = flipBit(p, bit);
            throwsProofError(() => verifyConsistency(h, m, n, root1, root2, bad));
          });
        }
        for (let i = 0; i <= proof.length; i++) {
          if (i < proof.length) throwsProofError(() => verifyConsistency(h, m, n, root1, root2, proof.toSpliced(i, 1)));
          for (const extra of [root1, root2, h.empty(), proof[0] as Uint8Array]) {
            throwsProofError(() => verifyConsistency(h, m, n, root1, root2, proof.toSpliced(i, 0, extra)));
          }
        }
        for (const [s1, s2] of [[m - 1, n], [m + 1, n], [m, n - 1], [m, n + 1], [m, 2 * n], [m + 1, n + 1], [m - 1, n - 1]] as const) {
          const accepted = accepts(() => verifyConsistency(h, s1, s2, root1, root2, proof));
          const sameShape = s1 > 0 && s1 <= s2 && consistencyShape(s1, s2) === consistencyShape(m, n);
          assert.equal(accepted, sameShape, `sizes ${m} → ${n} claimed as ${s1} → ${s2}`);
        }
      }),
      { numRuns: 40 },
    );
  });
});
