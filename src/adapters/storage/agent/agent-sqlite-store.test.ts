import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import type { AgentStore, ConstraintRecord, NotificationRecord, OperationRecord, PendingWrite } from '../../../app/agent/agent-store.js';
import { openAgentStore, type AgentStoreOptions } from './agent-sqlite-store.js';
import { CorruptRowError } from './stored-json.js';

const T0 = Date.UTC(2025, 5, 1, 12);

function tempPath(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-agent-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'agent', 'agent.sqlite');
}

function openTemp(t: TestContext, options: Partial<AgentStoreOptions> = {}): { store: AgentStore; path: string } {
  const path = tempPath(t);
  const store = openAgentStore({ path, ...options });
  t.after(() => store.close());
  return { store, path };
}

/** Edits the file behind the store's back (the store must be closed). */
function editFile(path: string, sql: string): void {
  const db = new Database(path);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

/** A record JSON.stringify would carry unchanged (for the child process). */
function plainRecord(id: string, overrides: Partial<OperationRecord> = {}): OperationRecord {
  return {
    id,
    version: 1,
    ovn: `ovn-${id}`,
    state: 'Accepted',
    priority: 0,
    volumes: [
      {
        footprint: { kind: 'circle', center: { lat: 47.1, lng: 8.5 }, radiusM: 250 },
        altitudeLowerM: 500,
        altitudeUpperM: 620,
        startMs: T0,
        endMs: T0 + 600_000,
      },
    ],
    offNominalVolumes: [],
    details: { callsign: 'HB-A1' },
    subscriptionId: '',
    conflicts: [],
    createdAtMs: T0,
    updatedAtMs: T0,
    ...overrides,
  };
}

//   polygon (-0 longitude on the prime meridian)      circle
//   (47.3,-0)---(47.3,0.01)                              .-.
//       |            |                                  ( o ) r = 120.5 m
//   (47.29,-0)--(47.29,0.01)                             '-'
function fullRecord(id = 'op-full'): OperationRecord {
  return {
    id,
    version: 7,
    ovn: 'ovn-7f3a',
    state: 'Nonconforming',
    priority: 3,
    volumes: [
      {
        footprint: {
          kind: 'polygon',
          vertices: [
            { lat: 47.3, lng: -0 },
            { lat: 47.3, lng: 0.01 },
            { lat: 47.29, lng: 0.01 },
            { lat: 47.29, lng: -0 },
          ],
        },
        altitudeLowerM: 0.1 + 0.2, // not a short decimal: must come back bit for bit
        altitudeUpperM: 150,
        startMs: T0,
        endMs: T0 + 1_800_000,
      },
      {
        footprint: { kind: 'circle', center: { lat: -33.8688, lng: 151.2093 }, radiusM: 120.5 },
        altitudeLowerM: -12.25,
        altitudeUpperM: 1e-7,
        startMs: T0 + 60_000,
        endMs: T0 + 120_000,
      },
    ],
    offNominalVolumes: [
      {
        footprint: { kind: 'circle', center: { lat: 47.295, lng: 0.005 }, radiusM: 900 },
        altitudeLowerM: 0,
        altitudeUpperM: 300,
        startMs: T0,
        endMs: T0 + 3_600_000,
      },
    ],
    details: {
      callsign: 'Zürich Ω-7 ✈ 空中',
      aircraft_type: 'multirotor',
      mission: { kind: 'survey', waypoints: [[47.3, 8.5], [47.31, 8.51]], notes: ['a', '😀', ''] },
      contact: { name: 'Åsa Ødegård', phone: null, verified: true },
    },
    subscriptionId: 'sub-42',
    conflicts: [
      { intentId: 'other-1', owner: 'uss-b', priority: 5, disclosed: { callsign: 'B-2', altitude: [100, 200] }, preExisting: false },
      { intentId: 'other-2', owner: 'uss-c', priority: undefined, disclosed: {}, preExisting: true },
    ],
    createdAtMs: T0 - 5_000,
    updatedAtMs: T0,
  };
}

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

const STORE_MODULE = pathToFileURL(join(import.meta.dirname, 'agent-sqlite-store.ts')).href;

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

test('addNotification() assigns increasing seqs; notifications() pages oldest first', (t) => {
  const { store } = openTemp(t);
  const notice = (intentId: string, version: number | undefined): Omit<NotificationRecord, 'seq'> => ({
    receivedAtMs: T0,
    from: 'uss-b',
    kind: 'operational_intent',
    intentId,
    version,
    state: version === undefined ? undefined : 'Accepted',
    deleted: version === undefined,
    subscriptions: [{ subscriptionId: 'sub-1', notificationIndex: 3 }, { subscriptionId: 'sub-2', notificationIndex: 0 }],
  });
  const first = store.addNotification(notice('i-1', 2));
  assert.deepStrictEqual(first, { seq: 1, ...notice('i-1', 2) });
  const added = [first, store.addNotification(notice('i-1', 5)), store.addNotification(notice('i-1', 3)), store.addNotification(notice('i-1', undefined))];
  assert.deepEqual(added.map((n) => n.seq), [1, 2, 3, 4]);
  assert.deepStrictEqual(store.notifications(), added);
  assert.deepStrictEqual(store.notifications({ afterSeq: 2 }), added.slice(2));
  assert.deepStrictEqual(store.notifications({ afterSeq: 1, limit: 2 }), added.slice(1, 3));
  assert.deepStrictEqual(store.notifications({ afterSeq: 4 }), []);
  assert.equal(store.notifications().at(-1)?.version, undefined);
  assert.ok('version' in added[3]! && 'state' in added[3]!);
});

test('notifications() returns at most 100 by default', (t) => {
  const { store } = openTemp(t, { synchronous: 'NORMAL' });
  for (let i = 0; i < 101; i++) {
    store.addNotification({ receivedAtMs: T0, from: 'p', kind: 'operational_intent', intentId: 'i', version: i, state: 'Accepted', deleted: false, subscriptions: [] });
  }
  assert.equal(store.notifications().length, 100);
  assert.equal(store.notifications({ afterSeq: 100 }).length, 1);
});

test('lastNotifiedVersion() is the highest version notified for the intent', (t) => {
  const { store } = openTemp(t);
  const add = (intentId: string, version: number | undefined): void => {
    store.addNotification({ receivedAtMs: T0, from: 'p', kind: 'operational_intent', intentId, version, state: undefined, deleted: version === undefined, subscriptions: [] });
  };
  add('i-1', 4);
  add('i-1', 9);
  add('i-1', 6);
  add('i-1', undefined);
  add('i-2', undefined);
  add('i-3', 1);
  assert.equal(store.lastNotifiedVersion('i-1'), 9);
  assert.equal(store.lastNotifiedVersion('i-2'), undefined);
  assert.equal(store.lastNotifiedVersion('i-3'), 1);
  assert.equal(store.lastNotifiedVersion('none'), undefined);
});

test('lastNotifiedManager() is who sent the latest notice carrying a reference, per kind', (t) => {
  const { store } = openTemp(t);
  const add = (from: string, kind: NotificationRecord['kind'], version: number | undefined): void => {
    store.addNotification({ receivedAtMs: T0, from, kind, intentId: 'x', version, state: undefined, deleted: version === undefined, subscriptions: [] });
  };
  assert.equal(store.lastNotifiedManager('x'), undefined);
  add('red', 'operational_intent', 1);
  add('green', 'operational_intent', undefined); // a deletion notice names no manager
  add('blue', 'constraint', 2);
  assert.equal(store.lastNotifiedManager('x'), 'red');
  assert.equal(store.lastNotifiedManager('x', 'constraint'), 'blue');
  add('mauve', 'operational_intent', 2);
  assert.equal(store.lastNotifiedManager('x', 'operational_intent'), 'mauve');
});

test('lastNotifiedVersion() keeps intents and constraints apart', (t) => {
  const { store } = openTemp(t);
  const add = (kind: NotificationRecord['kind'], version: number): void => {
    store.addNotification({ receivedAtMs: T0, from: 'p', kind, intentId: 'same-id', version, state: undefined, deleted: false, subscriptions: [] });
  };
  add('operational_intent', 3);
  add('constraint', 8);
  add('constraint', 5);
  assert.equal(store.lastNotifiedVersion('same-id'), 3);
  assert.equal(store.lastNotifiedVersion('same-id', 'operational_intent'), 3);
  assert.equal(store.lastNotifiedVersion('same-id', 'constraint'), 8);
  assert.deepEqual(store.notifications().map((n) => n.kind), ['operational_intent', 'constraint', 'constraint']);
});

function plainConstraint(id: string, overrides: Partial<ConstraintRecord> = {}): ConstraintRecord {
  return {
    id,
    version: 1,
    ovn: `ovn-${id}`,
    type: 'geozone',
    volumes: [plainRecord(id).volumes[0]!],
    details: { geozone: { identifier: 'LSR-17', restriction: 'PROHIBITED' } },
    createdAtMs: T0,
    updatedAtMs: T0,
    ...overrides,
  };
}

test('putConstraint() and getConstraint() round-trip a constraint exactly, after reopening too', (t) => {
  const { store, path } = openTemp(t);
  const record = plainConstraint('c-1', {
    volumes: fullRecord().volumes,
    details: { geozone: { name: 'Zürich Ω ✈', zone_authority: [{ email: null, site_url: 'https://a.example' }], lower: 0.1 + 0.2 } },
  });
  store.putConstraint(record);
  assert.deepStrictEqual(store.getConstraint('c-1'), record);
  store.close();
  const reopened = openAgentStore({ path });
  t.after(() => reopened.close());
  assert.deepStrictEqual(reopened.getConstraint('c-1'), record);
  assert.equal(reopened.getConstraint('absent'), undefined);
  assert.equal(reopened.get('c-1'), undefined, 'a constraint is no operation');
});

test('putConstraint() replaces; listConstraints() returns newest first and limits; deleteConstraint() says whether there was one', (t) => {
  const { store } = openTemp(t);
  store.putConstraint(plainConstraint('c-1', { updatedAtMs: T0 + 2 }));
  store.putConstraint(plainConstraint('c-2', { updatedAtMs: T0 + 1 }));
  store.putConstraint(plainConstraint('c-3', { updatedAtMs: T0 + 1 }));
  const replacement = plainConstraint('c-2', { version: 2, ovn: 'ovn-2b', type: 'tfr', details: {}, updatedAtMs: T0 + 3 });
  store.putConstraint(replacement);
  assert.deepEqual(store.listConstraints().map((c) => c.id), ['c-2', 'c-1', 'c-3']);
  assert.deepStrictEqual(store.listConstraints()[0], replacement);
  assert.deepEqual(store.listConstraints({ limit: 2 }).map((c) => c.id), ['c-2', 'c-1']);
  assert.throws(() => store.listConstraints({ limit: -1 }), /Cannot list constraints: limit must be a whole number ≥ 0/);
  assert.equal(store.deleteConstraint('c-1'), true);
  assert.equal(store.deleteConstraint('c-1'), false);
  assert.deepEqual(store.listConstraints().map((c) => c.id), ['c-2', 'c-3']);
  assert.equal(store.list().length, 0, 'constraints are not listed as operations');
});

test('putConstraint() refuses values JSON cannot hold exactly, naming the field, and stores nothing', (t) => {
  const { store } = openTemp(t);
  const base = plainConstraint('c-1');
  assert.throws(
    () => store.putConstraint({ ...base, volumes: [{ ...base.volumes[0]!, endMs: Number.POSITIVE_INFINITY }] }),
    /Cannot store the volumes of constraint "c-1": \[0\]\.endMs is Infinity/,
  );
  assert.throws(() => store.putConstraint({ ...base, details: { limit: Number.NaN } }), /Cannot store the details of constraint "c-1": limit is NaN/);
  assert.equal(store.getConstraint('c-1'), undefined);
});

test('openAgentStore() refuses a file another live process holds, naming its pid', (t) => {
  const { store, path } = openTemp(t);
  assert.throws(() => openAgentStore({ path }), new RegExp(`another process has it open \\(pid ${process.pid}\\b`));
  store.close();
  openAgentStore({ path }).close();
});

test('close() is idempotent, releases the lock, and later calls say the store is closed', (t) => {
  const { store, path } = openTemp(t);
  store.close();
  store.close();
  assert.equal(existsSync(`${path}.lock`), false);
  assert.throws(() => store.get('op-1'), /Cannot read an operation: the agent store ".*agent\.sqlite" is closed/);
  assert.throws(() => store.put(plainRecord('op-1')), /is closed/);
});

const CORRUPTIONS: readonly { name: string; sql: string; read: (s: AgentStore) => unknown; error: RegExp }[] = [
  {
    name: 'JSON that does not parse',
    sql: `UPDATE operations SET details = '{"callsign": "SECRET-7' WHERE id = 'op-1'`,
    read: (s) => s.get('op-1'),
    error: /^Cannot read operations row "op-1": column details is not valid JSON/,
  },
  {
    name: 'a circle without its radius',
    sql: `UPDATE operations SET volumes = '[{"footprint":{"kind":"circle","center":{"lat":1,"lng":2}},"altitudeLowerM":0,"altitudeUpperM":1,"startMs":0,"endMs":1}]' WHERE id = 'op-1'`,
    read: (s) => s.list(),
    error: /operations row "op-1": column volumes has nothing at \[0\]\.footprint\.radiusM where a finite number belongs/,
  },
  {
    name: 'an unknown footprint kind',
    sql: `UPDATE operations SET off_nominal_volumes = '[{"footprint":{"kind":"hexagon"},"altitudeLowerM":0,"altitudeUpperM":1,"startMs":0,"endMs":1}]' WHERE id = 'op-1'`,
    read: (s) => s.get('op-1'),
    error: /column off_nominal_volumes has a string at \[0\]\.footprint\.kind where "circle" or "polygon" belongs/,
  },
  {
    name: 'a priority that is not a number',
    sql: `UPDATE operations SET conflicts = '[{"intentId":"x","owner":"o","priority":"high","disclosed":{},"preExisting":false}]' WHERE id = 'op-1'`,
    read: (s) => s.get('op-1'),
    error: /column conflicts has a string at \[0\]\.priority where a finite number belongs/,
  },
  {
    name: 'an unknown state',
    sql: `UPDATE operations SET state = 'Flying' WHERE id = 'op-1'`,
    read: (s) => s.get('op-1'),
    error: /operations row "op-1": column state has a string where one of Accepted, .*Ended belongs/,
  },
  {
    name: 'an intended record without its fields',
    sql: `UPDATE pending_writes SET intended = '{"id":"op-1"}' WHERE operation_id = 'op-1'`,
    read: (s) => s.pending(),
    error: /pending_writes row "op-1": column intended has nothing at version where a finite number belongs/,
  },
  {
    name: 'constraint volumes that are not a list',
    sql: `UPDATE constraints SET volumes = '{"footprint":null}' WHERE id = 'c-1'`,
    read: (s) => s.getConstraint('c-1'),
    error: /^Cannot read constraints row "c-1": column volumes has an object where an array belongs/,
  },
  {
    name: 'constraint details that do not parse',
    sql: `UPDATE constraints SET details = '{"geozone": "SECRET-9' WHERE id = 'c-1'`,
    read: (s) => s.listConstraints(),
    error: /^Cannot read constraints row "c-1": column details is not valid JSON/,
  },
  {
    name: 'constraint details that are a list',
    sql: `UPDATE constraints SET details = '["SECRET-9"]' WHERE id = 'c-1'`,
    read: (s) => s.getConstraint('c-1'),
    error: /constraints row "c-1": column details has an array where an object belongs/,
  },
  {
    name: 'an unknown notification kind',
    sql: `UPDATE notifications SET kind = 'rumour' WHERE seq = 1`,
    read: (s) => s.notifications(),
    error: /notifications row "1": column kind has a string where one of operational_intent, constraint belongs/,
  },
  {
    name: 'subscriptions that are not a list',
    sql: `UPDATE notifications SET subscriptions = '{"sub":1}' WHERE seq = 1`,
    read: (s) => s.notifications(),
    error: /notifications row "1": column subscriptions has an object where an array belongs/,
  },
];

for (const c of CORRUPTIONS) {
  test(`a corrupt row (${c.name}) fails with an error naming its table, row and column`, (t) => {
    const { store, path } = openTemp(t);
    store.put(plainRecord('op-1'));
    store.beginPending({ operationId: 'op-1', kind: 'update', intended: plainRecord('op-1'), startedAtMs: T0 });
    store.addNotification({ receivedAtMs: T0, from: 'p', kind: 'operational_intent', intentId: 'i', version: 1, state: 'Accepted', deleted: false, subscriptions: [] });
    store.putConstraint(plainConstraint('c-1'));
    store.close();
    editFile(path, c.sql);
    const reopened = openAgentStore({ path });
    t.after(() => reopened.close());
    assert.throws(
      () => c.read(reopened),
      (error: unknown) => {
        assert.ok(error instanceof CorruptRowError, String(error));
        assert.match(error.message, c.error);
        assert.doesNotMatch(error.message, /SECRET/, 'stored values stay out of the message');
        return true;
      },
    );
  });
}

test('openAgentStore() refuses a file with a newer schema version, and leaves it unlocked', (t) => {
  const path = tempPath(t);
  openAgentStore({ path }).close();
  editFile(path, "UPDATE meta SET value = '2' WHERE key = 'schema_version'");
  assert.throws(() => openAgentStore({ path }), /its schema version 2 is newer than this build's 1; upgrade Parley/);
  assert.equal(existsSync(`${path}.lock`), false);
});

test('openAgentStore() refuses a database that is not an agent store', (t) => {
  const path = tempPath(t);
  openAgentStore({ path }).close(); // creates the directory
  rmSync(path);
  rmSync(`${path}-wal`, { force: true });
  rmSync(`${path}-shm`, { force: true });
  editFile(path, 'CREATE TABLE intents (id TEXT PRIMARY KEY)');
  assert.throws(() => openAgentStore({ path }), /it is another kind of database/);
  writeFileSync(path, 'not a database at all, just some text that is long enough to be a header....');
  assert.throws(() => openAgentStore({ path }), /file is not a database/);
  assert.equal(existsSync(`${path}.lock`), false);
});
