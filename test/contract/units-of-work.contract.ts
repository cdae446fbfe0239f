/** The Store contract's part on units of work: atomicity, isolation, serialization, lifecycle. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../../src/app/ports/store.js';
import type { StoreHarness } from './store.contract.js';
import {
  ALICE, BOB, T0, availability, box, constraint, constraintId, ids, intent, intentId, report, reportId,
  subscription, subscriptionId,
} from './store-fixtures.js';

/** What the suites share: the current store (replaced on reopen) and its harness. */
export interface ContractContext {
  store: Store;
  readonly harness: StoreHarness;
  checkTwice(check: () => Promise<void>): Promise<void>;
}

export function describeUnitOfWorkContract(ctx: ContractContext): void {
  describe('units of work', () => {
    it('transact() resolves with the value of work, and a unit sees its own changes', async () => {
      const value = await ctx.store.transact(async (tx) => {
        await tx.intents.put(intent(1));
        assert.equal((await tx.intents.get(intentId(1)))?.id, intentId(1));
        assert.equal((await tx.intents.findIntersecting([box()], { limit: 10 })).length, 1);
        return 'done';
      });
      assert.equal(value, 'done');
    });

    it('a unit of work that throws changes nothing, in memory or on disk', async () => {
      await ctx.store.transact(async (tx) => {
        await tx.intents.put(intent(1, { subscriptionId: subscriptionId(1) }));
        await tx.intents.put(intent(2));
        await tx.subscriptions.put(subscription(1));
        await tx.availability.put(availability(ALICE));
      });
      const boom = new Error('boom');
      await assert.rejects(
        ctx.store.transact(async (tx) => {
          await tx.intents.put(intent(1, { version: 2, extents: [box({ lng: 12 })], subscriptionId: subscriptionId(2) }));
          await tx.intents.delete(intentId(2));
          await tx.intents.put(intent(3));
          await tx.constraints.put(constraint(1));
          await tx.subscriptions.put(subscription(1, { notificationIndex: 5, extents: [box({ lng: 12 })] }));
          await tx.subscriptions.put(subscription(2));
          await tx.availability.put(availability(ALICE, { availability: 'Down' }));
          await tx.availability.put(availability(BOB));
          await tx.reports.put(report(1));
          throw boom;
        }),
        (error) => error === boom,
      );
      await ctx.checkTwice(async () => {
        await ctx.store.read(async (r) => {
          assert.deepEqual(await r.intents.get(intentId(1)), intent(1, { subscriptionId: subscriptionId(1) }));
          assert.deepEqual(await r.intents.get(intentId(2)), intent(2));
          assert.equal(await r.intents.get(intentId(3)), undefined);
          assert.equal(await r.constraints.get(constraintId(1)), undefined);
          assert.deepEqual(await r.subscriptions.get(subscriptionId(1)), subscription(1));
          assert.equal(await r.subscriptions.get(subscriptionId(2)), undefined);
          assert.deepEqual(await r.availability.get(ALICE), availability(ALICE));
          assert.equal(await r.availability.get(BOB), undefined);
          assert.deepEqual(ids(await r.intents.findIntersecting([box()], { limit: 10 })), [intentId(1), intentId(2)]);
          assert.deepEqual(await r.intents.findIntersecting([box({ lng: 12 })], { limit: 10 }), []);
          assert.deepEqual(ids(await r.subscriptions.findIntersecting([box()], { limit: 10, nowMs: T0 })), [
            subscriptionId(1),
          ]);
          assert.deepEqual(await r.intents.listBySubscription(subscriptionId(1)), [intentId(1)]);
          assert.deepEqual(await r.intents.listBySubscription(subscriptionId(2)), []);
        });
        assert.equal(await ctx.store.transact((tx) => tx.reports.get(reportId(1))), undefined);
      });
    });

    it('serializes concurrent units: 200 read-modify-write increments end at 200', async () => {
      await ctx.store.transact((tx) => tx.subscriptions.put(subscription(1)));
      const increment = () =>
        ctx.store.transact(async (tx) => {
          const current = (await tx.subscriptions.get(subscriptionId(1)))!;
          await Promise.resolve();
          await tx.subscriptions.put({ ...current, notificationIndex: current.notificationIndex + 1 });
          return current.notificationIndex + 1;
        });
      const seen = await Promise.all(Array.from({ length: 200 }, increment));
      assert.deepEqual(
        [...seen].sort((a, b) => a - b),
        Array.from({ length: 200 }, (_, i) => i + 1),
      );
      await ctx.checkTwice(async () => {
        const s = await ctx.store.read((r) => r.subscriptions.get(subscriptionId(1)));
        assert.equal(s?.notificationIndex, 200);
      });
    });

    it('a failing unit among many concurrent ones is rolled back alone', async () => {
      const units = Array.from({ length: 50 }, (_, n) =>
        ctx.store.transact(async (tx) => {
          await tx.intents.put(intent(n));
          await tx.subscriptions.put(subscription(n));
          if (n % 7 === 3) throw new Error(`unit ${n} fails`);
          return n;
        }),
      );
      const settled = await Promise.allSettled(units);
      const failed = settled.flatMap((s, n) => (s.status === 'rejected' ? [n] : []));
      assert.deepEqual(failed, [3, 10, 17, 24, 31, 38, 45]);
      await ctx.checkTwice(() =>
        ctx.store.read(async (r) => {
          for (let n = 0; n < 50; n++) {
            const expected = n % 7 === 3 ? undefined : intent(n);
            assert.deepEqual(await r.intents.get(intentId(n)), expected, `intent ${n}`);
            assert.equal((await r.subscriptions.get(subscriptionId(n))) !== undefined, expected !== undefined);
          }
          assert.equal((await r.intents.findIntersecting([box()], { limit: 100 })).length, 43);
        }),
      );
    });

    it('read() never sees the changes of a unit that has not committed', async () => {
      let sawPut!: () => void;
      const putDone = new Promise<void>((resolve) => (sawPut = resolve));
      const unit = ctx.store.transact(async (tx) => {
        await tx.intents.put(intent(1));
        sawPut();
        // Awaiting a timer inside work is discouraged; here it holds the unit open.
        await new Promise((resolve) => setTimeout(resolve, 30));
        throw new Error('abandon');
      });
      await putDone;
      const seen = await ctx.store.read((r) => r.intents.get(intentId(1)));
      assert.equal(seen, undefined);
      await assert.rejects(unit, /abandon/);
    });

    it('refuses nested units of work with an error instead of waiting forever', async () => {
      await assert.rejects(
        ctx.store.transact(async () => ctx.store.transact(async () => 1)),
        /nested units are not supported/,
      );
      await assert.rejects(
        ctx.store.transact(async () => ctx.store.read(async () => 1)),
        /nested units are not supported/,
      );
      await assert.rejects(
        ctx.store.read(async () => ctx.store.transact(async () => 1)),
        /nested units are not supported/,
      );
      assert.equal(await ctx.store.transact(async () => 2), 2);
    });

    it('repositories refuse use after their unit of work has ended', async () => {
      const leaked = await ctx.store.transact(async (tx) => tx);
      await assert.rejects(leaked.intents.put(intent(1)), /after its unit of work/);
      await assert.rejects(leaked.intents.get(intentId(1)), /after its unit of work/);
      const reader = await ctx.store.read(async (r) => r);
      await assert.rejects(reader.intents.get(intentId(1)), /after its unit of work/);
      assert.equal(await ctx.store.read((r) => r.intents.get(intentId(1))), undefined);
    });

    it('close() lets queued units finish, then refuses new work', async () => {
      const pending = ctx.store.transact((tx) => tx.intents.put(intent(1)));
      await ctx.store.close();
      await pending;
      await assert.rejects(ctx.store.transact(async () => 1), /closed/);
      await assert.rejects(ctx.store.read(async () => 1), /closed/);
      await ctx.store.close();
      if (ctx.harness.reopen !== undefined) {
        ctx.store = await ctx.harness.reopen();
        assert.deepEqual(await ctx.store.read((r) => r.intents.get(intentId(1))), intent(1));
      }
    });
  });
}
