/**
 * The Store port's contract (src/app/ports/store.ts). Every adapter runs it: memory, SQLite,
 * and any later one. Durable adapters pass `reopen`, and each check then runs twice: on the
 * live store, and again after closing and reopening it.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Store, StoreReader } from '../../src/app/ports/store.js';
import { describeAgreementContract } from './agreements.contract.js';
import { describeLogContract } from './log.contract.js';
import { describeUnitOfWorkContract, type ContractContext } from './units-of-work.contract.js';
import {
  ALICE, BOB, HOUR, T0, availability, box, circle, constraint, constraintId, ids, intent, intentId, report,
  reportId, subscription, subscriptionId,
} from './store-fixtures.js';

export interface StoreHarness {
  readonly store: Store;
  /** Opens the same durable state again (called after the current store is closed). */
  readonly reopen?: () => Promise<Store>;
  /** Closes whatever is still open and removes temporary files. */
  cleanup(): Promise<void>;
}

export function describeStoreContract(name: string, makeStore: () => Promise<StoreHarness>): void {
  describe(`Store contract: ${name}`, () => {
    let harness: StoreHarness;
    let store: Store;

    beforeEach(async () => {
      harness = await makeStore();
      store = harness.store;
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    const read = <T>(work: (r: StoreReader) => Promise<T>): Promise<T> => store.read(work);

    /** Runs `check` on the live store and, for durable stores, again after a reopen. */
    async function checkTwice(check: () => Promise<void>): Promise<void> {
      await check();
      if (harness.reopen === undefined) return;
      await store.close();
      store = await harness.reopen();
      await check();
    }

    const context: ContractContext = {
      get store() {
        return store;
      },
      set store(value: Store) {
        store = value;
      },
      get harness() {
        return harness;
      },
      checkTwice,
    };

    describe('records', () => {
      it('put() then get() returns every field of every record kind exactly', async () => {
        const i1 = intent(1, {
          extents: [box({ alt: [-10.5, 1e-3] }), circle(10.005, 10.005, 250.5)],
          subscriptionId: subscriptionId(1),
          state: 'Activated',
          version: 7,
          updatedAtMs: T0 + 0.5,
        });
        const i2 = intent(2, { subscriptionId: null });
        const c1 = constraint(1, { extents: [box({ alt: [-Infinity, Infinity] })] });
        const s1 = subscription(1, {
          extents: [box({ alt: [-Infinity, Infinity], time: [-Infinity, Infinity] })],
          notifyForConstraints: true,
          implicit: true,
          notificationIndex: 41,
          timeStartMs: -Infinity,
          timeEndMs: Infinity,
        });
        const a1 = availability(ALICE, { availability: 'Down' });
        const r1 = report(1);
        await store.transact(async (tx) => {
          await tx.intents.put(i1);
          await tx.intents.put(i2);
          await tx.constraints.put(c1);
          await tx.subscriptions.put(s1);
          await tx.availability.put(a1);
          await tx.reports.put(r1);
        });
        await checkTwice(async () => {
          await read(async (r) => {
            assert.deepEqual(await r.intents.get(i1.id), i1);
            assert.deepEqual(await r.intents.get(i2.id), i2);
            assert.deepEqual(await r.constraints.get(c1.id), c1);
            assert.deepEqual(await r.subscriptions.get(s1.id), s1);
            assert.deepEqual(await r.availability.get(ALICE), a1);
            assert.equal(await r.availability.get(BOB), undefined);
            assert.equal(await r.intents.get(intentId(99)), undefined);
          });
          assert.deepEqual(await store.transact((tx) => tx.reports.get(r1.id)), r1);
          assert.equal(await store.transact((tx) => tx.reports.get(reportId(99))), undefined);
        });
      });

      it('put() of an existing id replaces the record and its place in the index', async () => {
        const east = box({ lng: 11 });
        await store.transact(async (tx) => {
          await tx.intents.put(intent(1));
          await tx.constraints.put(constraint(1));
          await tx.subscriptions.put(subscription(1));
          await tx.availability.put(availability(ALICE));
        });
        await store.transact(async (tx) => {
          await tx.intents.put(intent(1, { version: 2, extents: [east] }));
          await tx.constraints.put(constraint(1, { version: 4, extents: [east] }));
          await tx.subscriptions.put(subscription(1, { version: 'v-b', extents: [east] }));
          await tx.availability.put(availability(ALICE, { availability: 'Down', version: 'av-2' }));
        });
        await checkTwice(() =>
          read(async (r) => {
            assert.equal((await r.intents.get(intentId(1)))?.version, 2);
            assert.equal((await r.constraints.get(constraintId(1)))?.version, 4);
            assert.equal((await r.subscriptions.get(subscriptionId(1)))?.version, 'v-b');
            assert.equal((await r.availability.get(ALICE))?.availability, 'Down');
            const opts = { limit: 10, nowMs: T0 };
            assert.deepEqual(await r.intents.findIntersecting([box()], opts), []);
            assert.deepEqual(await r.constraints.findIntersecting([box()], opts), []);
            assert.deepEqual(await r.subscriptions.findIntersecting([box()], opts), []);
            assert.deepEqual(ids(await r.intents.findIntersecting([east], opts)), [intentId(1)]);
            assert.deepEqual(ids(await r.constraints.findIntersecting([east], opts)), [constraintId(1)]);
            assert.deepEqual(ids(await r.subscriptions.findIntersecting([east], opts)), [subscriptionId(1)]);
          }),
        );
      });

      it('intents.findIntersecting() leaves out the intents `exclude` holds for, and only those', async () => {
        await store.transact(async (tx) => {
          for (const n of [1, 2, 3]) await tx.intents.put(intent(n, { ovn: `ovn-${n}-0123456789abcdef` }));
        });
        await checkTwice(() =>
          read(async (r) => {
            const excluded = new Set(['ovn-2-0123456789abcdef']);
            const found = await r.intents.findIntersecting([box()], { limit: 10, exclude: { ovns: excluded } });
            assert.deepEqual(ids(found).sort(), [intentId(1), intentId(3)]);
            assert.equal((await r.intents.findIntersecting([box()], { limit: 10 })).length, 3);
          }),
        );
      });

      it('exclude follows each intent\'s current OVN through updates and rolled-back updates', async () => {
        await store.transact(async (tx) => {
          for (const n of [1, 2]) await tx.intents.put(intent(n, { ovn: `ovn-${n}-0123456789abcdef` }));
        });
        const lacking = (ovns: string[], id?: number) =>
          read(async (r) =>
            ids(
              await r.intents.findIntersecting([box()], {
                limit: 10,
                exclude: { ovns: new Set(ovns), ...(id === undefined ? {} : { id: intentId(id) }) },
              }),
            ).sort(),
          );
        // Same extents, new OVN: only the OVN changes in the index.
        await store.transact(async (tx) => tx.intents.put(intent(1, { ovn: 'ovn-1-new-456789abcdef' })));
        assert.deepEqual(await lacking(['ovn-1-0123456789abcdef']), [intentId(1), intentId(2)]);
        assert.deepEqual(await lacking(['ovn-1-new-456789abcdef']), [intentId(2)]);
        assert.deepEqual(await lacking([], 2), [intentId(1)]);
        // A unit that fails puts the old OVN back.
        await assert.rejects(
          store.transact(async (tx) => {
            await tx.intents.put(intent(2, { ovn: 'ovn-2-lost-56789abcdef' }));
            throw new Error('refused');
          }),
          /refused/,
        );
        assert.deepEqual(await lacking(['ovn-2-lost-56789abcdef']), [intentId(1), intentId(2)]);
        assert.deepEqual(await lacking(['ovn-2-0123456789abcdef', 'ovn-1-new-456789abcdef']), []);
      });

      it('delete() removes the record from get() and from searches; deleting a missing id is a no-op', async () => {
        await store.transact(async (tx) => {
          await tx.intents.put(intent(1));
          await tx.intents.put(intent(2));
          await tx.constraints.put(constraint(1));
          await tx.subscriptions.put(subscription(1));
        });
        await store.transact(async (tx) => {
          await tx.intents.delete(intentId(1));
          await tx.constraints.delete(constraintId(1));
          await tx.subscriptions.delete(subscriptionId(1));
          await tx.intents.delete(intentId(99));
          await tx.subscriptions.delete(subscriptionId(99));
          await tx.constraints.delete(constraintId(99));
        });
        await checkTwice(() =>
          read(async (r) => {
            assert.equal(await r.intents.get(intentId(1)), undefined);
            assert.equal(await r.constraints.get(constraintId(1)), undefined);
            assert.equal(await r.subscriptions.get(subscriptionId(1)), undefined);
            assert.deepEqual(ids(await r.intents.findIntersecting([box()], { limit: 10 })), [intentId(2)]);
            assert.deepEqual(await r.constraints.findIntersecting([box()], { limit: 10 }), []);
            assert.deepEqual(await r.subscriptions.findIntersecting([box()], { limit: 10, nowMs: T0 }), []);
          }),
        );
      });
    });

    describe('findIntersecting()', () => {
      // Intent 1: [10, 10.01]° square, 0–120 m, T0..T0+1h.
      //   ┌──┐┌──┐         query boxes touch it on an edge, at 120 m, or at T0+1h: all hits
      //   │i1││q │  ┌──┐   intent 3 is 0.02° east: a miss
      //   └──┘└──┘  │i3│
      beforeEach(async () => {
        await store.transact(async (tx) => {
          await tx.intents.put(intent(1));
          await tx.intents.put(intent(2, { extents: [box({ alt: [500, 600] })] }));
          await tx.intents.put(intent(3, { extents: [box({ lng: 10.03 })] }));
          await tx.constraints.put(constraint(1));
          await tx.constraints.put(constraint(2, { extents: [box({ time: [T0 + 2 * HOUR, T0 + 3 * HOUR] })] }));
        });
      });

      it('returns the records whose volumes intersect and none of the others', async () => {
        await checkTwice(() =>
          read(async (r) => {
            assert.deepEqual(ids(await r.intents.findIntersecting([box({ size: 0.005 })], { limit: 10 })), [intentId(1)]);
            assert.deepEqual(ids(await r.intents.findIntersecting([box({ alt: [0, 1000] })], { limit: 10 })), [
              intentId(1),
              intentId(2),
            ]);
            assert.deepEqual(ids(await r.intents.findIntersecting([box({ lat: 20 })], { limit: 10 })), []);
            assert.deepEqual(ids(await r.constraints.findIntersecting([box()], { limit: 10 })), [constraintId(1)]);
            assert.deepEqual(
              ids(await r.constraints.findIntersecting([box({ time: [T0, T0 + 5 * HOUR] })], { limit: 10 })),
              [constraintId(1), constraintId(2)],
            );
          }),
        );
      });

      it('counts touching altitude, time and footprint boundaries as intersecting (closed intervals)', async () => {
        await read(async (r) => {
          const find = async (spec: Parameters<typeof box>[0]) =>
            ids(await r.intents.findIntersecting([box(spec)], { limit: 10 }));
          assert.deepEqual(await find({ alt: [120, 200] }), [intentId(1)]);
          assert.deepEqual(await find({ alt: [120.001, 200] }), []);
          assert.deepEqual(await find({ time: [T0 + HOUR, T0 + 2 * HOUR] }), [intentId(1)]);
          assert.deepEqual(await find({ time: [T0 + HOUR + 1, T0 + 2 * HOUR] }), []);
          assert.deepEqual(await find({ time: [T0 - HOUR, T0] }), [intentId(1)]);
          assert.deepEqual(await find({ lng: 10.01, size: 0.01 }), [intentId(1)]);
        });
      });

      it('accepts unbounded query sides and an area of several volumes', async () => {
        await read(async (r) => {
          const everything = box({ size: 1, alt: [-Infinity, Infinity], time: [-Infinity, Infinity] });
          assert.deepEqual(ids(await r.intents.findIntersecting([everything], { limit: 10 })), [
            intentId(1),
            intentId(2),
            intentId(3),
          ]);
          const two = [box({ lng: 10.03, size: 0.001 }), box({ alt: [550, 560], size: 0.001 })];
          assert.deepEqual(ids(await r.intents.findIntersecting(two, { limit: 10 })), [intentId(2), intentId(3)]);
          assert.deepEqual(await r.intents.findIntersecting([], { limit: 10 }), []);
        });
      });

      it('stops at `limit` matches', async () => {
        await store.transact(async (tx) => {
          for (let n = 10; n < 40; n++) await tx.intents.put(intent(n));
        });
        await read(async (r) => {
          const found = await r.intents.findIntersecting([box()], { limit: 5 });
          assert.equal(found.length, 5);
          assert.equal(new Set(ids(found)).size, 5);
          assert.equal((await r.intents.findIntersecting([box()], { limit: 1000 })).length, 31);
          assert.deepEqual(await r.intents.findIntersecting([box()], { limit: 0 }), []);
        });
      });
    });

    describe('subscriptions.findIntersecting()', () => {
      beforeEach(async () => {
        await store.transact(async (tx) => {
          await tx.subscriptions.put(subscription(1));
          await tx.subscriptions.put(subscription(2, { notifyForIntents: false, notifyForConstraints: true }));
          await tx.subscriptions.put(subscription(3, { manager: BOB }));
          await tx.subscriptions.put(subscription(4, { extents: [box({ alt: [1000, 2000] })] }));
          await tx.subscriptions.put(
            subscription(5, { timeEndMs: T0 - 1, extents: [box({ time: [T0 - HOUR, T0 - 1] })] }),
          );
        });
      });

      const area = [box({ time: [T0 - 2 * HOUR, T0 + 2 * HOUR] })];

      it('treats subscriptions that ended before nowMs as deleted', async () => {
        await checkTwice(() =>
          read(async (r) => {
            const at = async (nowMs: number) => ids(await r.subscriptions.findIntersecting(area, { limit: 10, nowMs }));
            assert.deepEqual(await at(T0 - 2 * HOUR), [subscriptionId(1), subscriptionId(2), subscriptionId(3), subscriptionId(5)]);
            assert.deepEqual(await at(T0 - 1), [subscriptionId(1), subscriptionId(2), subscriptionId(3), subscriptionId(5)]);
            assert.deepEqual(await at(T0), [subscriptionId(1), subscriptionId(2), subscriptionId(3)]);
            assert.deepEqual(await at(T0 + HOUR + 1), []);
          }),
        );
      });

      it('filters by notifyFor, by manager, and ignores altitude when asked', async () => {
        await read(async (r) => {
          const find = async (extra: object) =>
            ids(await r.subscriptions.findIntersecting(area, { limit: 10, nowMs: T0, ...extra }));
          assert.deepEqual(await find({ notifyFor: 'intents' }), [subscriptionId(1), subscriptionId(3)]);
          assert.deepEqual(await find({ notifyFor: 'constraints' }), [subscriptionId(2)]);
          assert.deepEqual(await find({ manager: BOB }), [subscriptionId(3)]);
          assert.deepEqual(await find({ manager: ALICE, notifyFor: 'intents' }), [subscriptionId(1)]);
          assert.deepEqual(await find({ ignoreAltitude: true }), [
            subscriptionId(1),
            subscriptionId(2),
            subscriptionId(3),
            subscriptionId(4),
          ]);
          assert.deepEqual(await find({ ignoreAltitude: true, notifyFor: 'intents', manager: ALICE }), [
            subscriptionId(1),
            subscriptionId(4),
          ]);
        });
      });

      it('applies `limit` after the filters', async () => {
        await store.transact(async (tx) => {
          for (let n = 100; n < 300; n++) await tx.subscriptions.put(subscription(n, { manager: BOB }));
          for (let n = 300; n < 303; n++) await tx.subscriptions.put(subscription(n));
        });
        await read(async (r) => {
          const mine = await r.subscriptions.findIntersecting(area, { limit: 3, nowMs: T0, manager: ALICE });
          assert.equal(mine.length, 3);
          assert.ok(mine.every((s) => s.manager === ALICE));
          const all = await r.subscriptions.findIntersecting(area, { limit: 1000, nowMs: T0, manager: ALICE });
          assert.deepEqual(ids(all), [subscriptionId(1), subscriptionId(2), subscriptionId(300), subscriptionId(301), subscriptionId(302)]);
        });
      });
    });

    describe('intents.listBySubscription()', () => {
      it('follows intents as they are attached, moved to another subscription, detached and deleted', async () => {
        const [s1, s2] = [subscriptionId(1), subscriptionId(2)];
        const list = (id: typeof s1) => read(async (r) => (await r.intents.listBySubscription(id)).sort());
        await store.transact(async (tx) => {
          await tx.intents.put(intent(1, { subscriptionId: s1 }));
          await tx.intents.put(intent(2, { subscriptionId: s1 }));
          await tx.intents.put(intent(3, { subscriptionId: s2 }));
          await tx.intents.put(intent(4));
        });
        assert.deepEqual(await list(s1), [intentId(1), intentId(2)]);
        await store.transact(async (tx) => {
          await tx.intents.put(intent(2, { subscriptionId: s2, version: 2 }));
          await tx.intents.put(intent(4, { subscriptionId: s2, version: 2 }));
          await tx.intents.put(intent(3, { subscriptionId: null, version: 2 }));
        });
        await checkTwice(async () => {
          assert.deepEqual(await list(s1), [intentId(1)]);
          assert.deepEqual(await list(s2), [intentId(2), intentId(4)]);
          assert.deepEqual(await list(subscriptionId(9)), []);
        });
        await store.transact(async (tx) => {
          await tx.intents.delete(intentId(1));
          await tx.intents.delete(intentId(2));
          assert.deepEqual(await tx.intents.listBySubscription(s1), []);
        });
        await checkTwice(async () => {
          assert.deepEqual(await list(s1), []);
          assert.deepEqual(await list(s2), [intentId(4)]);
        });
      });
    });

    describeLogContract(context);
    describeAgreementContract(context);
    describeUnitOfWorkContract(context);
  });
}
