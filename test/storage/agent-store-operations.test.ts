/** The agent's SQLite store: operations and the broker writes in flight (pending), across reopen and a crash. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import type { OperationRecord, PendingWrite } from '../../src/app/agent/agent-store.js';
import { openAgentStore } from '../../src/adapters/storage/agent/agent-sqlite-store.js';
import { T0, editFile, fullRecord, openTemp, plainRecord, tempPath } from '../support/agent-store-fixtures.js';

test('openAgentStore() round-trips a full record exactly, after reopening too', (t) => {
  const { store, path } = openTemp(t);
  const record = fullRecord();
  store.put(record);
  assert.deepStrictEqual(store.get(record.id), record);
  store.close();
  const reopened = openAgentStore({ path });
  t.after(() => reopened.close());
  // deepStrictEqual tells -0 from 0, and a `priority: undefined` key from a missing one.
  assert.deepStrictEqual(reopened.get(record.id), record);
  assert.equal(reopened.get('absent'), undefined);
});

test('put() replaces the record with the same id', (t) => {
  const { store } = openTemp(t);
  store.put(fullRecord('op-1'));
  const replacement = plainRecord('op-1', { version: 8, state: 'Activated', conflicts: [], updatedAtMs: T0 + 1 });
  store.put(replacement);
  assert.deepStrictEqual(store.get('op-1'), replacement);
  assert.equal(store.list().length, 1);
});

test('put() refuses values JSON cannot hold exactly, naming the field', (t) => {
  const { store } = openTemp(t);
  const base = plainRecord('op-1');
  const nan = { ...base, volumes: [{ ...base.volumes[0]!, altitudeUpperM: Number.NaN }] };
  assert.throws(() => store.put(nan), /Cannot store the volumes of operation "op-1": \[0\]\.altitudeUpperM is NaN/);
  assert.throws(() => store.put({ ...base, details: { when: new Date(T0) } }), /details of operation "op-1": when is a Date object/);
  assert.throws(() => store.put({ ...base, details: { tags: ['a', undefined] } }), /tags\[1\] is undefined/);
  assert.equal(store.get('op-1'), undefined);
});

test('delete() removes a record and says whether there was one', (t) => {
  const { store } = openTemp(t);
  store.put(plainRecord('op-1'));
  assert.equal(store.delete('op-1'), true);
  assert.equal(store.get('op-1'), undefined);
  assert.equal(store.delete('op-1'), false);
});

test('list() returns newest first (ties by id, descending), filters by state and limits', (t) => {
  const { store } = openTemp(t);
  store.put(plainRecord('a', { updatedAtMs: T0 + 1, state: 'Activated' }));
  store.put(plainRecord('b', { updatedAtMs: T0 + 3 }));
  store.put(plainRecord('c', { updatedAtMs: T0 + 1, state: 'Ended', version: 0, ovn: '' }));
  store.put(plainRecord('d', { updatedAtMs: T0 + 2, state: 'Activated' }));
  const ids = (records: OperationRecord[]): string[] => records.map((r) => r.id);
  assert.deepEqual(ids(store.list()), ['b', 'd', 'c', 'a']);
  assert.deepEqual(ids(store.list({ states: ['Activated'] })), ['d', 'a']);
  assert.deepEqual(ids(store.list({ states: ['Accepted', 'Ended'] })), ['b', 'c']);
  assert.deepEqual(ids(store.list({ states: [] })), []);
  assert.deepEqual(ids(store.list({ limit: 2 })), ['b', 'd']);
  assert.deepEqual(ids(store.list({ states: ['Activated'], limit: 1 })), ['d']);
  assert.deepEqual(ids(store.list({ limit: 0 })), []);
  assert.throws(() => store.list({ limit: -1 }), /limit must be a whole number/);
});

test('list() returns at most 1000 records by default', (t) => {
  const { store } = openTemp(t, { synchronous: 'NORMAL' });
  for (let i = 0; i < 1001; i++) store.put(plainRecord(`op-${String(i).padStart(4, '0')}`, { updatedAtMs: T0 + i }));
  const listed = store.list();
  assert.equal(listed.length, 1000);
  assert.equal(listed[0]?.id, 'op-1000');
  assert.equal(store.list({ limit: 5000 }).length, 1001);
});

test('beginPending() and settlePending(): with a record, with null (deletes), and unchanged', (t) => {
  const { store } = openTemp(t);
  const created = plainRecord('op-1', { version: 1 });
  const write: PendingWrite = { operationId: 'op-1', kind: 'create', intended: fullRecord('op-1'), startedAtMs: T0 };
  store.beginPending(write);
  assert.deepStrictEqual(store.pending(), [write]);
  assert.throws(
    () => store.beginPending({ ...write, kind: 'update' }),
    /Cannot begin a update of operation "op-1": a create begun at 2025-06-01T12:00:00.000Z is still pending/,
  );
  store.settlePending('op-1', { record: created });
  assert.deepStrictEqual(store.get('op-1'), created);
  assert.deepStrictEqual(store.pending(), []);

  store.beginPending({ operationId: 'op-1', kind: 'update', intended: { ...created, version: 2 }, startedAtMs: T0 + 1 });
  store.settlePending('op-1', 'unchanged');
  assert.deepStrictEqual(store.get('op-1'), created);
  assert.deepStrictEqual(store.pending(), []);

  store.beginPending({ operationId: 'op-1', kind: 'delete', intended: { ...created, state: 'Ended' }, startedAtMs: T0 + 2 });
  store.settlePending('op-1', { record: null });
  assert.equal(store.get('op-1'), undefined);
  assert.deepStrictEqual(store.pending(), []);
});

test('settlePending() without a pending write throws and saves nothing', (t) => {
  const { store } = openTemp(t);
  assert.throws(() => store.settlePending('op-1', { record: plainRecord('op-1') }), /pending write of operation "op-1": there is none/);
  assert.equal(store.get('op-1'), undefined);
  assert.throws(() => store.settlePending('op-1', 'unchanged'), /there is none/);
});

test('beginPending() and settlePending() refuse a record of another operation', (t) => {
  const { store } = openTemp(t);
  const write: PendingWrite = { operationId: 'op-1', kind: 'create', intended: plainRecord('op-2'), startedAtMs: T0 };
  assert.throws(() => store.beginPending(write), /its intended record is operation "op-2"/);
  store.beginPending({ ...write, intended: plainRecord('op-1') });
  assert.throws(() => store.settlePending('op-1', { record: plainRecord('op-2') }), /with the record of operation "op-2"/);
  assert.equal(store.pending().length, 1);
});

test('settlePending() saves the outcome and clears the pending write in one transaction', (t) => {
  const { store, path } = openTemp(t);
  const before = plainRecord('op-1');
  store.put(before);
  store.beginPending({ operationId: 'op-1', kind: 'update', intended: { ...before, version: 2 }, startedAtMs: T0 });
  store.close();
  // Clearing the pending write now fails after the outcome was written: both must roll back.
  editFile(path, "CREATE TRIGGER keep_pending BEFORE DELETE ON pending_writes BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
  const reopened = openAgentStore({ path });
  t.after(() => reopened.close());
  assert.throws(() => reopened.settlePending('op-1', { record: { ...before, version: 2 } }), /injected failure/);
  assert.deepStrictEqual(reopened.get('op-1'), before);
  assert.throws(() => reopened.settlePending('op-1', { record: null }), /injected failure/);
  assert.deepStrictEqual(reopened.get('op-1'), before);
  assert.equal(reopened.pending().length, 1);
});

test('pending() survives close and reopen', (t) => {
  const { store, path } = openTemp(t);
  const write: PendingWrite = { operationId: 'op-full', kind: 'update', intended: fullRecord(), startedAtMs: T0 };
  store.beginPending(write);
  store.close();
  const reopened = openAgentStore({ path });
  t.after(() => reopened.close());
  assert.deepStrictEqual(reopened.pending(), [write]);
});

const STORE_MODULE = pathToFileURL(join(import.meta.dirname, '../../src/adapters/storage/agent/agent-sqlite-store.ts')).href;

// A child opens the store, saves a record, begins a write and dies without close().
const CRASHING_CHILD = `
  const { openAgentStore } = await import(process.env.STORE_MODULE);
  const store = openAgentStore({ path: process.env.STORE_PATH });
  const record = JSON.parse(process.env.RECORD);
  store.put(record);
  store.beginPending({ operationId: record.id, kind: 'update', intended: { ...record, version: 2 }, startedAtMs: 5 });
  process.stdout.write(String(process.pid));
  if (process.env.HOW === 'kill') process.kill(process.pid, 'SIGKILL');
  else process.exit(0);
`;

for (const how of ['exit', 'kill'] as const) {
  test(`openAgentStore() after a process died mid-write (${how}) sees its pending write and takes over its lock`, (t) => {
    const path = tempPath(t);
    const record = plainRecord('op-1');
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CRASHING_CHILD], {
      encoding: 'utf8',
      env: { ...process.env, STORE_MODULE, STORE_PATH: path, RECORD: JSON.stringify(record), HOW: how },
      timeout: 30_000,
    });
    if (how === 'kill') assert.equal(child.signal, 'SIGKILL', child.stderr);
    else assert.equal(child.status, 0, child.stderr);
    const childPid = child.stdout.trim();
    assert.match(childPid, /^\d+$/);
    assert.equal(readFileSync(`${path}.lock`, 'utf8').trim(), childPid, 'the dead process left its lock file');

    const store = openAgentStore({ path });
    t.after(() => store.close());
    assert.equal(readFileSync(`${path}.lock`, 'utf8').trim(), String(process.pid));
    assert.deepStrictEqual(store.get('op-1'), record);
    assert.deepStrictEqual(store.pending(), [
      { operationId: 'op-1', kind: 'update', intended: { ...record, version: 2 }, startedAtMs: 5 },
    ]);
  });
}

