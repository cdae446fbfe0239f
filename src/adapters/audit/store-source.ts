/**
 * An AuditSource over a broker's data directory, read-only: the log table as stored (every
 * entry whole), the checkpoints the broker recorded signing, and the key file's public half.
 * It reads the file directly, not through the store, so it sees exactly what is on disk.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { BROKER_FILES } from '../broker-files.js';
import { readLogKeyFile } from '../crypto/log-key-file.js';
import type { AuditSource } from './audit-source.js';


export function storeAuditSource(dataDir: string): AuditSource & { close(): void } {
  const dbPath = join(dataDir, BROKER_FILES.database);
  const keyPath = join(dataDir, BROKER_FILES.logKey);
  if (!existsSync(dbPath)) throw new Error(`Cannot audit ${dataDir}: no ${BROKER_FILES.database} there`);
  if (!existsSync(keyPath)) throw new Error(`Cannot audit ${dataDir}: no ${BROKER_FILES.logKey} there (the broker creates it on first start)`);
  const signer = readLogKeyFile(keyPath);
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  const all = db.prepare('SELECT note FROM log_checkpoints ORDER BY size').pluck();
  const range = db.prepare('SELECT idx, salt, content, data FROM log_entries WHERE idx >= ? ORDER BY idx LIMIT ?').raw(true);
  return {
    description: dataDir,
    verifierKey: async () => signer.verifierKey,
    checkpoint: async () => {
      throw new Error('An offline audit checks the checkpoints the broker stored, not a live one');
    },
    entries: async (start, limit) =>
      (range.all(start, limit) as Array<[number, Buffer, string, Buffer]>).map(([index, salt, content, data]) => ({ index, salt, content, data })),
    storedCheckpoints: async () => all.all() as string[],
    close: () => db.close(),
  };
}
