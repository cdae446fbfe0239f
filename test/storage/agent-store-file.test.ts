/** The agent's SQLite store as a file: its lock, closing, corrupt rows, schema versions. */
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import type { AgentStore } from '../../src/app/agent/agent-store.js';
import { openAgentStore } from '../../src/adapters/storage/agent/agent-sqlite-store.js';
import { CorruptRowError } from '../../src/adapters/storage/agent/stored-json.js';
import { T0, editFile, openTemp, plainConstraint, plainRecord, tempPath } from '../support/agent-store-fixtures.js';

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

