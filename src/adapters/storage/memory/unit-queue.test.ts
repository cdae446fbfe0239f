import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Committer } from './unit-queue.js';
import { UnitQueue } from './unit-queue.js';
import type { UnitOfWork } from './unit-of-work.js';

/** A committer that records its calls and fails on demand. */
function recorder(failCommit?: Error): Committer & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    begin: () => void calls.push('begin'),
    beginUnit: () => void calls.push('unit'),
    endUnit: (ok) => void calls.push(ok ? 'release' : 'rollback-to'),
    commit: () => {
      calls.push('commit');
      if (failCommit !== undefined) throw failCommit;
    },
    rollback: () => void calls.push('rollback'),
  };
}

/** Sets `key` in `map` through the unit, so that rollback restores it. */
function set(unit: UnitOfWork, map: Map<string, number>, key: string, value: number): void {
  unit.change(
    () => {
      const had = map.has(key);
      const old = map.get(key);
      map.set(key, value);
      return { had, old };
    },
    ({ had, old }) => (had ? map.set(key, old!) : map.delete(key)),
  );
}

describe('UnitQueue', () => {
  it('commits every unit that arrived in the same turn in one transaction, each in a savepoint', async () => {
    const committer = recorder();
    const queue = new UnitQueue({ committer });
    const map = new Map<string, number>();
    const results = await Promise.allSettled(
      [1, 2, 3].map((n) =>
        queue.transact(async (unit) => {
          set(unit, map, `k${n}`, n);
          if (n === 2) throw new Error('two fails');
          return n;
        }),
      ),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.deepEqual(committer.calls, ['begin', 'unit', 'release', 'unit', 'rollback-to', 'unit', 'release', 'commit']);
    assert.deepEqual([...map], [['k1', 1], ['k3', 3]]);
  });

  it('splits batches at maxBatch', async () => {
    const committer = recorder();
    const queue = new UnitQueue({ committer, maxBatch: 2 });
    await Promise.all([1, 2, 3, 4, 5].map(() => queue.transact(async () => 0)));
    assert.equal(committer.calls.filter((c) => c === 'commit').length, 3);
  });

  it('rejects and undoes every unit of a batch whose commit fails, then keeps serving', async () => {
    const failure = new Error('disk full');
    const committer = recorder(failure);
    const events: unknown[] = [];
    const queue = new UnitQueue({ committer, onFailure: (e) => events.push(e) });
    const map = new Map([['k', 0]]);
    const results = await Promise.allSettled([1, 2].map((n) => queue.transact(async (unit) => set(unit, map, 'k', n))));
    assert.deepEqual(results, [
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
    ]);
    assert.deepEqual([...map], [['k', 0]]);
    assert.equal(committer.calls.at(-1), 'rollback');
    assert.deepEqual(events, [{ error: failure, units: 2, fatal: false }]);
    await assert.rejects(queue.transact(async () => 1), failure);
    assert.equal(await queue.read(async () => 'still reading'), 'still reading');
  });

  it('stops after a fatal failure and says why', async () => {
    const failure = Object.assign(new Error('I/O error'), { code: 'SQLITE_IOERR' });
    const queue = new UnitQueue({ committer: recorder(failure), isFatal: () => true });
    await assert.rejects(queue.transact(async () => 1), failure);
    await assert.rejects(queue.transact(async () => 1), /stopped after a storage failure/);
    await assert.rejects(queue.read(async () => 1), /stopped after a storage failure/);
    await queue.close(() => {});
  });

  it('a read requested during a batch runs after its commit', async () => {
    const committer = recorder();
    const queue = new UnitQueue({ committer });
    let unitStarted!: () => void;
    const started = new Promise<void>((resolve) => (unitStarted = resolve));
    const unit = queue.transact(async () => {
      unitStarted();
      await new Promise((resolve) => setTimeout(resolve, 10));
    });
    await started;
    await queue.read(async () => committer.calls.push('read'));
    await unit;
    assert.deepEqual(committer.calls, ['begin', 'unit', 'release', 'commit', 'read']);
  });

  describe('with a committer that syncs asynchronously', () => {
    /** A recorder whose durable() promises settle only when the test says so. */
    function syncing() {
      const syncs: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
      const committer: Committer & { calls: string[] } = {
        ...recorder(),
        durable: () =>
          new Promise<void>((resolve, reject) => {
            committer.calls.push('sync');
            syncs.push({ resolve, reject });
          }),
      };
      return { committer, syncs };
    }
    const turn = () => new Promise((resolve) => setImmediate(resolve));

    it('acknowledges a batch only once its sync completes, and runs the next batch meanwhile', async () => {
      const { committer, syncs } = syncing();
      const queue = new UnitQueue({ committer });
      const map = new Map<string, number>();
      const acked: number[] = [];
      const first = queue.transact(async (unit) => (set(unit, map, 'a', 1), 1)).then((n) => acked.push(n));
      await turn();
      await turn();
      assert.deepEqual(committer.calls, ['begin', 'unit', 'release', 'commit', 'sync']);
      const second = queue.transact(async (unit) => (set(unit, map, 'b', 2), 2)).then((n) => acked.push(n));
      await turn();
      await turn();
      assert.deepEqual(committer.calls.slice(5), ['begin', 'unit', 'release', 'commit', 'sync'], 'the second batch ran before the first sync ended');
      assert.deepEqual(acked, []);
      // The second sync finishing first still acknowledges in commit order.
      syncs[1]!.resolve();
      await turn();
      assert.deepEqual(acked, []);
      syncs[0]!.resolve();
      await Promise.all([first, second]);
      assert.deepEqual(acked, [1, 2]);
    });

    it('splits the waiting units in two when nothing is syncing, so one half syncs while the other runs', async () => {
      const { committer, syncs } = syncing();
      const queue = new UnitQueue({ committer });
      const map = new Map<string, number>();
      const units = Array.from({ length: 10 }, (_, n) => queue.transact(async (unit) => (set(unit, map, `k${n}`, n), n)));
      for (let i = 0; i < 4; i++) await turn();
      const commits = () => committer.calls.filter((c) => c === 'commit').length;
      assert.equal(commits(), 2, 'the second half ran while the first half was syncing');
      assert.deepEqual(
        committer.calls.filter((c) => c === 'unit' || c === 'commit'),
        ['unit', 'unit', 'unit', 'unit', 'unit', 'commit', 'unit', 'unit', 'unit', 'unit', 'unit', 'commit'],
      );
      for (const sync of syncs) sync.resolve();
      assert.deepEqual(await Promise.all(units), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    });

    it('a batch that changed nothing does not sync, but is answered after the batches before it', async () => {
      const { committer, syncs } = syncing();
      const queue = new UnitQueue({ committer });
      const map = new Map<string, number>();
      const answered: string[] = [];
      const writer = queue.transact(async (unit) => set(unit, map, 'k', 1)).then(() => answered.push('writer'));
      await turn();
      await turn();
      const reader = queue.transact(async () => map.get('k')).then((v) => answered.push(`reader saw ${v}`));
      await turn();
      await turn();
      assert.equal(committer.calls.filter((c) => c === 'sync').length, 1, 'only the writing batch syncs');
      assert.deepEqual(answered, []);
      syncs[0]!.resolve();
      await Promise.all([writer, reader]);
      assert.deepEqual(answered, ['writer', 'reader saw 1']);
    });

    it('a batch the committer makes durable inline is answered at once, after the batches still syncing', async () => {
      const syncs: Array<{ resolve: () => void }> = [];
      const calls: string[] = [];
      // Batches of two or more changed units sync on the "pool"; single ones inline.
      const committer: Committer = {
        ...recorder(),
        durable: (changed) => {
          calls.push(`durable ${changed}`);
          if (changed === 1) return undefined;
          return new Promise<void>((resolve) => syncs.push({ resolve }));
        },
      };
      const queue = new UnitQueue({ committer });
      const map = new Map<string, number>();
      const answered: string[] = [];
      const alone = queue.transact(async (unit) => set(unit, map, 'a', 1)).then(() => answered.push('alone'));
      await alone;
      assert.deepEqual(answered, ['alone']);
      const pair = [1, 2].map((n) => queue.transact(async (unit) => set(unit, map, `p${n}`, n)).then(() => answered.push(`pair ${n}`)));
      await turn();
      await turn();
      const after = queue.transact(async (unit) => set(unit, map, 'b', 1)).then(() => answered.push('after'));
      await turn();
      await turn();
      assert.deepEqual(calls, ['durable 1', 'durable 2', 'durable 1']);
      assert.deepEqual(answered, ['alone'], 'the inline batch waits for the pair still syncing');
      syncs[0]!.resolve();
      await Promise.all([...pair, after]);
      assert.deepEqual(answered, ['alone', 'pair 1', 'pair 2', 'after']);
    });

    it('an inline sync that throws rejects its units and stops the store', async () => {
      const failure = new Error('EIO');
      const committer: Committer = {
        ...recorder(),
        durable: () => {
          throw failure;
        },
      };
      const queue = new UnitQueue({ committer });
      await assert.rejects(queue.transact(async (unit) => set(unit, new Map(), 'k', 1)), failure);
      await assert.rejects(queue.transact(async () => 1), /stopped after a storage failure/);
    });

    it('a failed sync rejects its units and stops the store, however the disk error is classified', async () => {
      const { committer, syncs } = syncing();
      const events: unknown[] = [];
      const queue = new UnitQueue({ committer, isFatal: () => false, onFailure: (e) => events.push(e) });
      const unit = queue.transact(async (u) => (set(u, new Map(), 'k', 1), 1));
      await turn();
      await turn();
      const failure = new Error('EIO');
      syncs[0]!.reject(failure);
      await assert.rejects(unit, failure);
      assert.deepEqual(events, [{ error: failure, units: 1, fatal: true }]);
      await assert.rejects(queue.transact(async () => 1), /stopped after a storage failure/);
      await assert.rejects(queue.read(async () => 1), /stopped after a storage failure/);
    });

    it('exclusive work waits until every earlier batch is durable', async () => {
      const { committer, syncs } = syncing();
      const queue = new UnitQueue({ committer });
      const unit = queue.transact(async (u) => (set(u, new Map(), 'k', 1), 1));
      const exclusive = queue.exclusive(() => committer.calls.push('exclusive'));
      await turn();
      await turn();
      await turn();
      assert.equal(committer.calls.includes('exclusive'), false);
      syncs[0]!.resolve();
      await Promise.all([unit, exclusive]);
      assert.deepEqual(committer.calls.slice(-2), ['sync', 'exclusive']);
    });
  });
});
