import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { WalSyncer } from './wal-syncer.js';

describe('WalSyncer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-wal-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A WAL database that commits without syncing (as the store's), a syncer on it, and a close. */
  function walDatabase(name: string) {
    const path = join(dir, name);
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    db.exec('CREATE TABLE t (x INTEGER)');
    const syncer = new WalSyncer(path);
    return { db, syncer, close: () => (syncer.close(), db.close()) };
  }

  it('syncs the WAL of committed transactions; waits beyond the syncs in flight share the next one', async () => {
    const { db, syncer, close } = walDatabase('a.sqlite');
    try {
      const waits: Promise<void>[] = [];
      for (let i = 0; i < 8; i++) {
        db.prepare('INSERT INTO t VALUES (?)').run(i);
        waits.push(syncer.durable());
      }
      const distinct = new Set(waits).size;
      assert.ok(distinct >= 2 && distinct < waits.length, `${distinct} distinct waits of ${waits.length}`);
      assert.equal(waits.at(-1), waits.at(-2), 'the last waits share one sync');
      await Promise.all(waits);
      await syncer.durable();
    } finally {
      close();
    }
  });

  it('fails, naming the file, when the WAL cannot be synced, and keeps failing', async () => {
    const syncer = new WalSyncer(join(dir, 'missing.sqlite'));
    await assert.rejects(syncer.durable(), /Cannot make the write-ahead log .*missing\.sqlite-wal durable/);
    await assert.rejects(syncer.durable(), /Cannot make the write-ahead log/);
    assert.throws(() => syncer.syncNow(), /Cannot make the write-ahead log/);
    const inline = new WalSyncer(join(dir, 'missing-too.sqlite'));
    assert.throws(() => inline.syncNow(), /missing-too\.sqlite-wal durable/);
    await assert.rejects(inline.durable(), /missing-too\.sqlite-wal durable/);
  });

  it('syncNow() returns once the WAL is synced, on the calling thread', () => {
    const { db, syncer, close } = walDatabase('b.sqlite');
    try {
      db.prepare('INSERT INTO t VALUES (1)').run();
      syncer.syncNow();
      syncer.syncNow();
    } finally {
      close();
    }
  });
});
