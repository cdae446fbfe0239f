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

  it('syncs the WAL of committed transactions; calls during a sync share the next one', async () => {
    const path = join(dir, 'a.sqlite');
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    db.exec('CREATE TABLE t (x INTEGER)');
    const syncer = new WalSyncer(path);
    try {
      db.prepare('INSERT INTO t VALUES (1)').run();
      const first = syncer.durable();
      db.prepare('INSERT INTO t VALUES (2)').run();
      const second = syncer.durable();
      const third = syncer.durable();
      assert.notEqual(first, second, 'a commit after a sync started needs a later sync');
      assert.equal(second, third, 'commits during one sync share the next');
      await Promise.all([first, second, third]);
      await syncer.durable();
    } finally {
      syncer.close();
      db.close();
    }
  });

  it('fails, naming the file, when the WAL cannot be synced, and keeps failing', async () => {
    const syncer = new WalSyncer(join(dir, 'missing.sqlite'));
    await assert.rejects(syncer.durable(), /Cannot make the write-ahead log .*missing\.sqlite-wal durable/);
    await assert.rejects(syncer.durable(), /Cannot make the write-ahead log/);
  });
});
