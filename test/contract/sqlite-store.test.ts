import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Store } from '../../src/app/ports/store.js';
import { openSqliteStore, type SqliteStore } from '../../src/adapters/storage/sqlite/sqlite-store.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/adapters/storage/sqlite/schema.js';
import { INTENT_COLUMNS, SUBSCRIPTION_COLUMNS, intentToRow, subscriptionToRow } from '../../src/adapters/storage/sqlite/row-codecs.js';
import { box, intent, intentId, subscription, subscriptionId } from './store-fixtures.js';
import { agreementSignature, agreementVersion, readTestAgreementDocument, zoneOf } from './agreement-fixtures.js';
import { describeStoreContract } from './store.contract.js';

const root = mkdtempSync(join(tmpdir(), 'parley-sqlite-store-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;

/** A fresh database path; stores opened on it (reading agreement documents the test way) are closed by `cleanup`. */
function harnessFor(options: { synchronous?: 'FULL' | 'NORMAL' } = {}) {
  const dir = join(root, String(++dirs));
  const path = join(dir, 'parley.db');
  const opened: Store[] = [];
  const open = async (): Promise<SqliteStore> => {
    const store = await openSqliteStore({ path, readAgreementDocument: readTestAgreementDocument, ...options });
    opened.push(store);
    return store;
  };
  const cleanup = async () => {
    await Promise.allSettled(opened.map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  };
  return { path, open, cleanup };
}

describeStoreContract('sqlite', async () => {
  const h = harnessFor();
  return { store: await h.open(), reopen: h.open, cleanup: h.cleanup };
});

describeStoreContract('sqlite (synchronous NORMAL)', async () => {
  const h = harnessFor({ synchronous: 'NORMAL' });
  return { store: await h.open(), reopen: h.open, cleanup: h.cleanup };
});

describe('openSqliteStore()', () => {
  it('records the schema version and reopens an existing database without migrating again', async () => {
    const h = harnessFor();
    try {
      await (await h.open()).close();
      await (await h.open()).close();
      const db = new Database(h.path, { readonly: true });
      const rows = db.prepare('SELECT version FROM schema_version').all();
      db.close();
      assert.deepEqual(rows, Array.from({ length: SCHEMA_VERSION }, (_, i) => ({ version: i + 1 })));
    } finally {
      await h.cleanup();
    }
  });

  it('migrates a version 1 database (id primary keys) and keeps every record readable and writable', async () => {
    const h = harnessFor();
    try {
      mkdirSync(dirname(h.path), { recursive: true });
      const db = new Database(h.path);
      db.exec('CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at_ms REAL NOT NULL)');
      db.exec(MIGRATIONS[0]!.sql);
      db.prepare('INSERT INTO schema_version VALUES (1, 0)').run();
      const insert = (table: string, columns: readonly string[], row: readonly unknown[]) =>
        db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(row);
      for (const n of [1, 2, 3]) insert('intents', INTENT_COLUMNS, intentToRow(intent(n)));
      insert('subscriptions', SUBSCRIPTION_COLUMNS, subscriptionToRow(subscription(1)));
      db.close();

      const store = await h.open();
      assert.deepEqual(await store.read((r) => r.intents.get(intentId(2))), intent(2));
      await store.transact(async (tx) => {
        await tx.intents.put(intent(2, { version: 2, ovn: 'ovn-2-2' }));
        await tx.intents.delete(intentId(3));
        await tx.intents.put(intent(4));
        await tx.subscriptions.put(subscription(1, { notificationIndex: 9 }));
      });
      await store.close();
      const again = await h.open();
      assert.deepEqual(await again.read((r) => r.intents.get(intentId(2))), intent(2, { version: 2, ovn: 'ovn-2-2' }));
      assert.equal(await again.read((r) => r.intents.get(intentId(3))), undefined);
      assert.deepEqual(await again.read((r) => r.intents.get(intentId(4))), intent(4));
      assert.equal((await again.read((r) => r.subscriptions.get(subscriptionId(1))))?.notificationIndex, 9);
      await again.close();
      const check = new Database(h.path, { readonly: true });
      assert.deepEqual(check.prepare('SELECT id FROM intents ORDER BY id').pluck().all(), [intentId(1), intentId(2), intentId(4)]);
      check.close();
    } finally {
      await h.cleanup();
    }
  });

  it('migrates a version 3 database (no agreement tables), keeps its records and log, and stores agreements', async () => {
    const h = harnessFor();
    try {
      mkdirSync(dirname(h.path), { recursive: true });
      const db = new Database(h.path);
      db.exec('CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at_ms REAL NOT NULL)');
      for (const m of MIGRATIONS.filter((m) => m.version <= 3)) {
        db.exec(m.sql);
        db.prepare('INSERT INTO schema_version VALUES (?, 0)').run(m.version);
      }
      db.prepare(`INSERT INTO intents (${INTENT_COLUMNS.join(', ')}) VALUES (${INTENT_COLUMNS.map(() => '?').join(', ')})`).run(intentToRow(intent(1)));
      db.prepare('INSERT INTO log_entries VALUES (0, ?, ?, ?, ?, ?, 0)').run('intent.create', '[]', Buffer.alloc(32), '{}', Buffer.alloc(32, 1));
      db.close();

      const store = await h.open();
      assert.deepEqual(await store.read((r) => r.intents.get(intentId(1))), intent(1));
      assert.equal(await store.read(async (r) => r.log.size()), 1);
      assert.deepEqual(await store.read((r) => r.agreements.list()), []);
      const v1 = agreementVersion('ag', 1);
      await store.transact(async (tx) => {
        await tx.agreements.putVersion(v1);
        await tx.agreements.putSignature(agreementSignature('ag', 1, 'a'));
        await tx.agreements.putSignature(agreementSignature('ag', 1, 'b'));
      });
      await store.close();
      const again = await h.open();
      assert.deepEqual(await again.read((r) => r.agreements.zonesMeeting([box()])), [zoneOf(v1)]);
      assert.deepEqual(await again.read((r) => r.intents.get(intentId(1))), intent(1));
      await again.close();
      const check = new Database(h.path, { readonly: true });
      assert.deepEqual(check.prepare('SELECT version FROM schema_version ORDER BY version').pluck().all(), [1, 2, 3, 4]);
      check.close();
    } finally {
      await h.cleanup();
    }
  });

  it('refuses to open a file holding agreements without readAgreementDocument, and opens it with one', async () => {
    const h = harnessFor();
    try {
      const store = await h.open();
      await store.transact((tx) => tx.agreements.putVersion(agreementVersion('ag', 1)));
      await store.close();
      await assert.rejects(openSqliteStore({ path: h.path }), /holds agreements.*pass readAgreementDocument to openSqliteStore\(\)/);
      const reading = () => {
        throw new Error('not a proposal');
      };
      await assert.rejects(openSqliteStore({ path: h.path, readAgreementDocument: reading }), /version 1 of agreement "ag": its document does not read/);
      assert.deepEqual(await (await h.open()).read((r) => r.agreements.get('ag')), { id: 'ag', versions: [agreementVersion('ag', 1)], signatures: [] });
    } finally {
      await h.cleanup();
    }
  });

  it('refuses a file whose agreement history has a gap or a signature without its version (changed outside Parley)', async () => {
    for (const [deleted, refusal] of [
      ['version = 2', /agreements do not load \(Cannot store version 3 of agreement "ag": its last version is 1, so the next must be 2\)/],
      ['version = 3', /agreements do not load \(Cannot store a signature of b on version 3 of agreement "ag": it has versions 1 to 2\)/],
    ] as const) {
      const h = harnessFor();
      try {
        const store = await h.open();
        await store.transact(async (tx) => {
          for (const v of [1, 2, 3]) await tx.agreements.putVersion(agreementVersion('ag', v));
          await tx.agreements.putSignature(agreementSignature('ag', 3, 'b'));
        });
        await store.close();
        const db = new Database(h.path);
        db.exec(`DELETE FROM agreement_versions WHERE ${deleted}`);
        db.close();
        await assert.rejects(h.open(), refusal);
      } finally {
        await h.cleanup();
      }
    }
  });

  it('refuses a file where one id has two rows (changed outside Parley)', async () => {
    const h = harnessFor();
    try {
      const store = await h.open();
      await store.transact((tx) => tx.intents.put(intent(1)));
      await store.close();
      const db = new Database(h.path);
      db.exec('INSERT INTO intents (id, manager, version, state, ovn, extents, uss_base_url, subscription_id, time_start_ms, time_end_ms, updated_at_ms) SELECT id, manager, version, state, ovn, extents, uss_base_url, subscription_id, time_start_ms, time_end_ms, updated_at_ms FROM intents');
      db.close();
      await assert.rejects(h.open(), /id 00000000-0000-4000-8000-000000000001 has more than one row/);
    } finally {
      await h.cleanup();
    }
  });

  it('refuses a second open of a file that is in use', async () => {
    const h = harnessFor();
    try {
      await h.open();
      await assert.rejects(h.open(), /another process has it open/);
    } finally {
      await h.cleanup();
    }
  });

  it('bulkLoadIntents() stores and indexes every record, reports progress, and stats() counts them', async () => {
    const h = harnessFor();
    try {
      const store = await h.open();
      const progress: number[] = [];
      function* records() {
        for (let n = 0; n < 25_000; n++) yield intent(n, { extents: [box({ lng: 10 + (n % 100) * 0.02 })] });
      }
      await store.bulkLoadIntents(records(), (n) => progress.push(n));
      await store.transact((tx) => tx.subscriptions.put(subscription(1)));
      assert.deepEqual(progress, [10_000, 20_000, 25_000]);
      assert.deepEqual(store.stats(), { intents: 25_000, constraints: 0, subscriptions: 1 });
      const hits = await store.read((r) => r.intents.findIntersecting([box()], { limit: 1000 }));
      assert.equal(hits.length, 250);
      await store.close();
      const again = await h.open();
      assert.deepEqual(again.stats(), { intents: 25_000, constraints: 0, subscriptions: 1 });
      assert.deepEqual(await again.read((r) => r.intents.get(intentId(24_999))), intent(24_999, { extents: [box({ lng: 11.98 })] }));
    } finally {
      await h.cleanup();
    }
  });

  it('bulkLoadIntents() that fails part way changes nothing', async () => {
    const h = harnessFor();
    try {
      const store = await h.open();
      await store.transact((tx) => tx.intents.put(intent(1)));
      function* records() {
        yield intent(1, { version: 2 });
        yield intent(2);
        throw new Error('source failed');
      }
      await assert.rejects(store.bulkLoadIntents(records()), /source failed/);
      assert.deepEqual(store.stats().intents, 1);
      assert.deepEqual(await store.read((r) => r.intents.get(intentId(1))), intent(1));
      await store.close();
      assert.deepEqual(await (await h.open()).read((r) => r.intents.get(intentId(1))), intent(1));
    } finally {
      await h.cleanup();
    }
  });

  it('reopens after the process was killed without closing, with every acknowledged unit', async () => {
    const h = harnessFor();
    try {
      // The child acknowledges 100 units (one batch each, or a few batches), then dies at once.
      const child = spawnSync(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', childScript(h.path)],
        { cwd: process.cwd(), encoding: 'utf8', timeout: 60_000 },
      );
      assert.equal(child.signal, 'SIGKILL', child.stderr);
      assert.match(child.stdout, /acknowledged 100/);
      const store = await h.open();
      assert.equal(store.stats().intents, 100);
      assert.equal((await store.read((r) => r.subscriptions.get(subscriptionId(1))))?.notificationIndex, 100);
    } finally {
      await h.cleanup();
    }
  });
});

function childScript(path: string): string {
  const storeModule = new URL('../../src/adapters/storage/sqlite/sqlite-store.ts', import.meta.url).href;
  const fixtures = new URL('./store-fixtures.ts', import.meta.url).href;
  return `
    const { openSqliteStore } = await import(${JSON.stringify(storeModule)});
    const { intent, subscription, subscriptionId } = await import(${JSON.stringify(fixtures)});
    const store = await openSqliteStore({ path: ${JSON.stringify(path)} });
    await store.transact((tx) => tx.subscriptions.put(subscription(1)));
    await Promise.all(Array.from({ length: 100 }, (_, n) => store.transact(async (tx) => {
      await tx.intents.put(intent(n));
      const s = await tx.subscriptions.get(subscriptionId(1));
      await tx.subscriptions.put({ ...s, notificationIndex: s.notificationIndex + 1 });
    })));
    process.stdout.write('acknowledged 100\\n', () => process.kill(process.pid, 'SIGKILL'));
  `;
}
