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
  unit.change(() => {
    const had = map.has(key);
    const old = map.get(key);
    map.set(key, value);
    return () => (had ? map.set(key, old!) : map.delete(key));
  });
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
});
