/**
 * The log part of the Store contract: entries in order, RFC 9162 roots and proofs, rollback of a
 * failed unit's entries, and checkpoints; every check also after a reopen for durable stores.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { sha256Hasher } from '../../src/adapters/crypto/sha256-hasher.js';
import type { LogEntryInput } from '../../src/app/ports/store.js';
import type { PartyId } from '../../src/domain/ids.js';
import { consistencyPathOf, inclusionPathOf, rootOf } from '../../src/domain/log/merkle.js';
import { ALICE, BOB, T0 } from './store-fixtures.js';
import type { ContractContext } from './units-of-work.contract.js';

export function describeLogContract(ctx: ContractContext): void {
  describe('log', () => {
    const entry = (n: number, parties: readonly PartyId[] = [ALICE]): LogEntryInput => {
      const salt = createHash('sha256').update(`salt ${n}`).digest();
      const content = JSON.stringify({ format: 1, kind: 'intent.create', n });
      return {
        kind: 'intent.create',
        parties,
        salt,
        content,
        data: createHash('sha256').update(salt).update(content).digest(),
        createdAtMs: T0 + n,
      };
    };
    const leaves = (count: number): Uint8Array[] => Array.from({ length: count }, (_, n) => sha256Hasher.leaf(entry(n).data));

    it('appends entries in order; entries(), root() and proofs agree with the RFC 9162 definitions', async () => {
      await ctx.store.transact(async (tx) => {
        for (let n = 0; n < 5; n++) assert.equal(await tx.log.append(entry(n)), n);
      });
      await ctx.store.transact(async (tx) => {
        for (let n = 5; n < 13; n++) await tx.log.append(entry(n, [ALICE, BOB]));
      });
      await ctx.checkTwice(() =>
        ctx.store.read(async (r) => {
          assert.equal(r.log.size(), 13);
          const stored = await r.log.entries(0, 100);
          assert.deepEqual(
            stored.map((e) => ({ ...e, salt: Buffer.from(e.salt), data: Buffer.from(e.data) })),
            Array.from({ length: 13 }, (_, n) => {
              const e = entry(n, n < 5 ? [ALICE] : [ALICE, BOB]);
              return { ...e, index: n, salt: Buffer.from(e.salt), data: Buffer.from(e.data) };
            }),
          );
          assert.deepEqual((await r.log.entries(11, 5)).map((e) => e.index), [11, 12]);
          assert.deepEqual(await r.log.entries(13, 5), []);
          const all = leaves(13);
          for (const size of [1, 2, 5, 8, 13]) {
            assert.deepEqual(Buffer.from(r.log.root(size)), Buffer.from(rootOf(sha256Hasher, all.slice(0, size))));
            for (let i = 0; i < size; i++) {
              assert.deepEqual(r.log.inclusionProof(i, size).map((h) => Buffer.from(h)), inclusionPathOf(sha256Hasher, all.slice(0, size), i).map((h) => Buffer.from(h)));
            }
            for (let from = 1; from <= size; from++) {
              assert.deepEqual(r.log.consistencyProof(from, size).map((h) => Buffer.from(h)), consistencyPathOf(sha256Hasher, all.slice(0, size), from).map((h) => Buffer.from(h)));
            }
          }
        }),
      );
    });

    it('a unit that fails takes its entries back, in memory and on disk; later units continue the sequence', async () => {
      await ctx.store.transact(async (tx) => void (await tx.log.append(entry(0))));
      await assert.rejects(
        ctx.store.transact(async (tx) => {
          await tx.log.append(entry(1));
          await tx.log.append(entry(2));
          throw new Error('refused');
        }),
        /refused/,
      );
      // Concurrent units: the failing one in the middle leaves no gap.
      await Promise.allSettled([
        ctx.store.transact(async (tx) => void (await tx.log.append(entry(1)))),
        ctx.store.transact(async (tx) => {
          await tx.log.append(entry(99));
          throw new Error('refused too');
        }),
        ctx.store.transact(async (tx) => void (await tx.log.append(entry(2)))),
      ]);
      await ctx.checkTwice(() =>
        ctx.store.read(async (r) => {
          assert.equal(r.log.size(), 3);
          assert.deepEqual((await r.log.entries(0, 10)).map((e) => JSON.parse(e.content).n), [0, 1, 2]);
          assert.deepEqual(Buffer.from(r.log.root(3)), Buffer.from(rootOf(sha256Hasher, leaves(3))));
        }),
      );
    });

    it('keeps the newest checkpoint saved, and rolls a failed save back', async () => {
      await ctx.store.transact(async (tx) => {
        await tx.log.append(entry(0));
        await tx.log.saveCheckpoint({ size: 1, note: 'note at 1\n', signedAtMs: T0 });
      });
      await assert.rejects(
        ctx.store.transact(async (tx) => {
          await tx.log.saveCheckpoint({ size: 1, note: 'forged\n', signedAtMs: T0 + 1 });
          throw new Error('refused');
        }),
        /refused/,
      );
      await ctx.store.transact(async (tx) => {
        await tx.log.append(entry(1));
        await tx.log.saveCheckpoint({ size: 2, note: 'note at 2\n', signedAtMs: T0 + 2 });
      });
      await ctx.checkTwice(() =>
        ctx.store.read(async (r) => assert.deepEqual(await r.log.latestCheckpoint(), { size: 2, note: 'note at 2\n', signedAtMs: T0 + 2 })),
      );
    });
  });
}
