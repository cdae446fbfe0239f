import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sha256Hasher as h } from '../../adapters/crypto/sha256-hasher.js';
import {
  consistencyPathOf,
  inclusionPathOf,
  ProofError,
  rootOf,
  verifyConsistency,
  verifyInclusion,
  type MerkleHasher,
} from './merkle.js';
import { accepts, consistencyShape, flipBit, inclusionShape, leavesOf } from '../../../test/support/merkle-probes.js';
import { MerkleTree } from './merkle-tree.js';

const BIG = 10_000;
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const hexes = (list: readonly Uint8Array[]): string[] => list.map(hex);

function throwsProofError(run: () => void, what: string): void {
  assert.throws(run, ProofError, what);
}

// One tree of 10,000 leaves serves every size ≤ 10,000: older trees are its prefixes.
const leaves = leavesOf(BIG, 'big');
const big = new MerkleTree(h);
big.appendMany(leaves);

describe('MerkleTree basics', () => {
  test('append() returns consecutive indices and root() matches rootOf() after every append up to 300', () => {
    const tree = new MerkleTree(h);
    assert.equal(tree.size, 0);
    assert.deepEqual(tree.root(), h.empty());
    for (let i = 0; i < 300; i++) {
      assert.equal(tree.append(leaves[i] as Uint8Array), i);
      assert.equal(tree.size, i + 1);
      assert.deepEqual(hex(tree.root()), hex(rootOf(h, leaves.slice(0, i + 1))), `size ${i + 1}`);
    }
  });

  test('root(size) of old sizes in a 10,000-leaf tree equals rootOf() of that prefix', () => {
    const sizes = new Set([0, 1, 2, 3, 15, 16, 17, 1023, 1024, 1025, 4095, 4096, 4097, 8191, 8192, 8193, 9999, BIG]);
    fc.sample(fc.integer({ min: 1, max: BIG }), { numRuns: 20, seed: 42 }).forEach((s) => sizes.add(s));
    for (const size of sizes) assert.equal(hex(big.root(size)), hex(rootOf(h, leaves.slice(0, size))), `size ${size}`);
    assert.equal(hex(big.root()), hex(big.root(BIG)));
  });

  test('leafHash(), root() and proofs return copies: mutating them leaves the tree unchanged', () => {
    const before = hex(big.root());
    big.leafHash(5).fill(0);
    big.root(1024).fill(0);
    big.root(1000).fill(0);
    big.inclusionProof(5, 1000).forEach((p) => p.fill(0));
    big.consistencyProof(5, 1000).forEach((p) => p.fill(0));
    assert.equal(hex(big.leafHash(5)), hex(leaves[5] as Uint8Array));
    assert.equal(hex(big.root(1024)), hex(rootOf(h, leaves.slice(0, 1024))));
    assert.equal(hex(big.root()), before);
  });

  test('appendMany() returns the first new index and appends nothing when one hash has the wrong length', () => {
    const tree = new MerkleTree(h);
    assert.equal(tree.appendMany(leaves.slice(0, 3)), 0);
    assert.equal(tree.appendMany([]), 3);
    assert.throws(() => tree.appendMany([leaves[3] as Uint8Array, new Uint8Array(31)]), /^RangeError: appendMany\(\) hash 1: leaf hash is 31 bytes, not 32$/);
    assert.equal(tree.size, 3);
    assert.equal(tree.appendMany(leaves.slice(3, 5)), 3);
    assert.equal(hex(tree.root()), hex(rootOf(h, leaves.slice(0, 5))));
  });

  test('a hasher that throws mid-append leaves the tree as it was', () => {
    let failOn = -1;
    let calls = 0;
    const flaky: MerkleHasher = {
      leaf: h.leaf,
      empty: h.empty,
      node: (l, r) => {
        if (calls++ === failOn) throw new Error('hasher failed');
        return h.node(l, r);
      },
    };
    const tree = new MerkleTree(flaky);
    tree.appendMany(leaves.slice(0, 7));
    failOn = calls + 1; // leaf 7 closes three subtrees; fail on the second
    assert.throws(() => tree.append(leaves[7] as Uint8Array), /hasher failed/);
    assert.equal(tree.size, 7);
    assert.equal(hex(tree.root()), hex(rootOf(h, leaves.slice(0, 7))));
    assert.equal(tree.append(leaves[7] as Uint8Array), 7);
    assert.equal(hex(tree.root()), hex(rootOf(h, leaves.slice(0, 8))));
  });

  test('truncate() forgets the last leaves; appending other leaves then gives the reference roots and proofs', () => {
    const other = leavesOf(200, 'other');
    const tree = new MerkleTree(h);
    tree.appendMany(leaves.slice(0, 150));
    for (const [keep, upTo] of [[150, 150], [97, 130], [64, 200], [0, 40], [1, 3]] as const) {
      tree.truncate(keep);
      assert.equal(tree.size, keep);
      tree.appendMany(other.slice(keep, upTo));
      const want = [...leaves.slice(0, Math.min(keep, 150)), ...other.slice(keep, upTo)];
      assert.equal(hex(tree.root()), hex(rootOf(h, want)), `truncate(${keep}) then grow to ${upTo}`);
      for (let m = 0; m < upTo; m += 7) assert.deepEqual(hexes(tree.inclusionProof(m)), hexes(inclusionPathOf(h, want, m)));
      for (let s = 1; s <= upTo; s += 5) assert.deepEqual(hexes(tree.consistencyProof(s)), hexes(consistencyPathOf(h, want, s)));
      tree.truncate(0);
      tree.appendMany(leaves.slice(0, 150));
    }
    assert.throws(() => tree.truncate(151), /^RangeError: truncate\(\): tree size 151 is larger than the tree \(150 leaves\)$/);
  });

  test('out-of-range arguments throw a RangeError that names the argument', () => {
    const tree = new MerkleTree(h);
    tree.appendMany(leaves.slice(0, 8));
    assert.throws(() => tree.append(new Uint8Array(33)), /^RangeError: append\(\): leaf hash is 33 bytes, not 32$/);
    assert.throws(() => tree.root(9), /^RangeError: root\(\): tree size 9 is larger than the tree \(8 leaves\)$/);
    assert.throws(() => tree.root(-1), /root\(\): tree size -1 is not a safe non-negative integer/);
    assert.throws(() => tree.root(1.5), RangeError);
    assert.throws(() => tree.leafHash(8), /^RangeError: leafHash\(\): leaf index 8 is not below tree size 8$/);
    assert.throws(() => tree.inclusionProof(3, 3), /inclusionProof\(\): leaf index 3 is not below tree size 3/);
    assert.throws(() => tree.inclusionProof(0, 9), /inclusionProof\(\): tree size 9 is larger/);
    assert.throws(() => tree.inclusionProof(0, 0), RangeError);
    assert.throws(() => tree.consistencyProof(4, 3), /consistencyProof\(\): old size 4 is not in 0\.\.3/);
    assert.throws(() => tree.consistencyProof(1, 9), /consistencyProof\(\): tree size 9 is larger/);
    assert.throws(() => tree.consistencyProof(-1), RangeError);
  });

  test('consistencyProof(0, n) is empty and verifies only with { allowEmptyOld: true }', () => {
    assert.deepEqual(big.consistencyProof(0, 77), []);
    verifyConsistency(h, 0, 77, big.root(0), big.root(77), [], { allowEmptyOld: true });
    assert.throws(() => verifyConsistency(h, 0, 77, big.root(0), big.root(77), []), ProofError);
    assert.deepEqual(big.consistencyProof(77, 77), []);
  });

  test('proofs for an old size do not change as the tree grows', () => {
    const tree = new MerkleTree(h);
    tree.appendMany(leaves.slice(0, 1000));
    const proofs = [tree.inclusionProof(123), tree.inclusionProof(999), tree.consistencyProof(300), tree.consistencyProof(512)].map(hexes);
    const root = hex(tree.root());
    tree.appendMany(leaves.slice(1000, 3000));
    assert.deepEqual(
      [tree.inclusionProof(123, 1000), tree.inclusionProof(999, 1000), tree.consistencyProof(300, 1000), tree.consistencyProof(512, 1000)].map(hexes),
      proofs,
    );
    assert.equal(hex(tree.root(1000)), root);
  });
});

describe('MerkleTree proofs equal the RFC 9162 reference generators and verify', () => {
  test('every inclusion and consistency proof of every size up to 40', () => {
    for (let n = 1; n <= 40; n++) {
      const prefix = leaves.slice(0, n);
      const root = big.root(n);
      for (let m = 0; m < n; m++) {
        const proof = big.inclusionProof(m, n);
        assert.deepEqual(hexes(proof), hexes(inclusionPathOf(h, prefix, m)), `inclusion ${m} in ${n}`);
        verifyInclusion(h, m, n, big.leafHash(m), proof, root);
      }
      for (let m = 1; m <= n; m++) {
        const proof = big.consistencyProof(m, n);
        assert.deepEqual(hexes(proof), hexes(consistencyPathOf(h, prefix, m)), `consistency ${m} → ${n}`);
        verifyConsistency(h, m, n, big.root(m), root, proof);
      }
    }
  });

  test('inclusion, random (index, size) up to 10,000: equal to PATH(m, D_n); every tampering fails', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: BIG }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.nat(),
        (n, t, pick) => {
          const m = Math.min(n - 1, Math.floor(t * n));
          const prefix = leaves.slice(0, n);
          const root = big.root(n);
          const leaf = big.leafHash(m);
          const proof = big.inclusionProof(m, n);
          assert.equal(hex(root), hex(rootOf(h, prefix)));
          assert.deepEqual(hexes(proof), hexes(inclusionPathOf(h, prefix, m)));
          verifyInclusion(h, m, n, leaf, proof, root);

          const bit = pick % 256;
          throwsProofError(() => verifyInclusion(h, m, n, flipBit(leaf, bit), proof, root), 'leaf bit');
          throwsProofError(() => verifyInclusion(h, m, n, leaf, proof, flipBit(root, bit)), 'root bit');
          proof.forEach((p, i) => {
            const bad = proof.slice();
            bad[i] = flipBit(p, (bit + 37 * i) % 256);
            throwsProofError(() => verifyInclusion(h, m, n, leaf, bad, root), `proof hash ${i} bit`);
          });
          // Another index in the same tree always has another path shape.
          for (const other of [m - 1, m + 1, m ^ 2, m ^ (1 << (pick % 14)), pick % n, n]) {
            if (other !== m && other >= 0) throwsProofError(() => verifyInclusion(h, other, n, leaf, proof, root), `index ${other}`);
          }
          const at = proof.length === 0 ? 0 : pick % proof.length;
          if (proof.length > 0) throwsProofError(() => verifyInclusion(h, m, n, leaf, proof.toSpliced(at, 1), root), 'dropped');
          throwsProofError(() => verifyInclusion(h, m, n, leaf, proof.toSpliced(at, 0, leaf), root), 'added');
          throwsProofError(() => verifyInclusion(h, m, n, leaf, [...proof, root], root), 'appended root');
          // The same root under another size: accepted exactly when the verifier would hash the
          // same proof the same way (merkle.test.ts and note A1 explain why that is RFC behaviour).
          // Every single-bit flip of the size too (sizes up to 10,000 have 14 bits).
          const flips = Array.from({ length: 15 }, (_, b) => n ^ (1 << b));
          for (const size of [n - 1, n + 1, 2 * n, Math.floor(n / 2), ...flips]) {
            if (size === n || size < 1) continue;
            const sameShape = m < size && inclusionShape(m, size) === inclusionShape(m, n);
            assert.equal(accepts(() => verifyInclusion(h, m, size, leaf, proof, root)), sameShape, `size ${n} → ${size}`);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  test('consistency, random (size1, size2) up to 10,000: equal to PROOF(m, D_n); every tampering fails', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: BIG }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.nat(),
        (n, t, pick) => {
          const m = 1 + Math.min(n - 2, Math.floor(t * (n - 1)));
          const [root1, root2] = [big.root(m), big.root(n)];
          const proof = big.consistencyProof(m, n);
          assert.deepEqual(hexes(proof), hexes(consistencyPathOf(h, leaves.slice(0, n), m)));
          verifyConsistency(h, m, n, root1, root2, proof);

          const bit = pick % 256;
          throwsProofError(() => verifyConsistency(h, m, n, flipBit(root1, bit), root2, proof), 'old root bit');
          throwsProofError(() => verifyConsistency(h, m, n, root1, flipBit(root2, bit), proof), 'new root bit');
          throwsProofError(() => verifyConsistency(h, m, n, root2, root1, proof), 'swapped roots');
          proof.forEach((p, i) => {
            const bad = proof.slice();
            bad[i] = flipBit(p, (bit + 37 * i) % 256);
            throwsProofError(() => verifyConsistency(h, m, n, root1, root2, bad), `proof hash ${i} bit`);
          });
          const at = pick % proof.length;
          throwsProofError(() => verifyConsistency(h, m, n, root1, root2, proof.toSpliced(at, 1)), 'dropped');
          throwsProofError(() => verifyConsistency(h, m, n, root1, root2, proof.toSpliced(at, 0, root1)), 'added');
          const flips = Array.from({ length: 15 }, (_, b) => [[m ^ (1 << b), n], [m, n ^ (1 << b)]] as const).flat();
          for (const [s1, s2] of [[m - 1, n], [m + 1, n], [m, n - 1], [m, n + 1], [m, 2 * n], [m + 1, n + 1], ...flips] as const) {
            const sameShape = s1 > 0 && s1 <= s2 && consistencyShape(s1, s2) === consistencyShape(m, n);
            assert.equal(accepts(() => verifyConsistency(h, s1, s2, root1, root2, proof)), sameShape, `${m} → ${n} as ${s1} → ${s2}`);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  test('flipping any bit of any hash fails, for one inclusion and one consistency proof at 10,000 leaves', () => {
    const [m, n] = [6789, BIG];
    const [leaf, root, proof] = [big.leafHash(m), big.root(n), big.inclusionProof(m, n)];
    const [root1, cproof] = [big.root(3333), big.consistencyProof(3333, n)];
    verifyInclusion(h, m, n, leaf, proof, root);
    verifyConsistency(h, 3333, n, root1, root, cproof);
    for (let bit = 0; bit < 256; bit++) {
      throwsProofError(() => verifyInclusion(h, m, n, flipBit(leaf, bit), proof, root), 'leaf');
      throwsProofError(() => verifyInclusion(h, m, n, leaf, proof, flipBit(root, bit)), 'root');
      throwsProofError(() => verifyConsistency(h, 3333, n, flipBit(root1, bit), root, cproof), 'old root');
      throwsProofError(() => verifyConsistency(h, 3333, n, root1, flipBit(root, bit), cproof), 'new root');
      proof.forEach((p, i) => throwsProofError(() => verifyInclusion(h, m, n, leaf, proof.with(i, flipBit(p, bit)), root), 'proof'));
      cproof.forEach((p, i) => throwsProofError(() => verifyConsistency(h, 3333, n, root1, root, cproof.with(i, flipBit(p, bit))), 'cproof'));
    }
  });
});
