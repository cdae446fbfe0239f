/** The agent's SQLite store: notifications received and the constraints it manages. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NotificationRecord } from '../../src/app/agent/agent-store.js';
import { openAgentStore } from '../../src/adapters/storage/agent/agent-sqlite-store.js';
import { T0, fullRecord, openTemp, plainConstraint } from '../support/agent-store-fixtures.js';

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

