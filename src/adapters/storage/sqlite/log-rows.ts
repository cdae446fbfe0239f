/** Log entries and checkpoints to and from SQLite rows, and reading them back (the log's EntrySource). */
import type Database from 'better-sqlite3';
import type { CheckpointRecord, LogEntry } from '../../../app/ports/store.js';
import type { PartyId } from '../../../domain/ids.js';
import type { EntrySource } from '../memory/log-state.js';
import type { Row } from './row-codecs.js';

export const LOG_ENTRY_COLUMNS = ['idx', 'kind', 'parties', 'salt', 'content', 'data', 'created_at_ms'] as const;

export function logEntryToRow(e: LogEntry): Row {
  return [e.index, e.kind, JSON.stringify(e.parties), e.salt, e.content, e.data, e.createdAtMs];
}

export function logEntryFromRow(row: Row): LogEntry {
  return {
    index: row[0] as number,
    kind: row[1] as string,
    parties: JSON.parse(row[2] as string) as PartyId[],
    salt: row[3] as Buffer,
    content: row[4] as string,
    data: row[5] as Buffer,
    createdAtMs: row[6] as number,
  };
}

/** Reads entries by index range and the newest checkpoint, with cached statements. */
export function sqliteEntrySource(db: Database.Database): EntrySource {
  const range = db.prepare(`SELECT ${LOG_ENTRY_COLUMNS.join(', ')} FROM log_entries WHERE idx >= ? ORDER BY idx LIMIT ?`).raw(true);
  const latest = db.prepare('SELECT size, note, signed_at_ms FROM log_checkpoints ORDER BY size DESC LIMIT 1').raw(true);
  return {
    read: (start, limit) => (range.all(start, limit) as Row[]).map(logEntryFromRow),
    latestCheckpoint: () => {
      const row = latest.get() as Row | undefined;
      return row === undefined ? undefined : checkpointFromRow(row);
    },
  };
}

export function checkpointFromRow(row: Row): CheckpointRecord {
  return { size: row[0] as number, note: row[1] as string, signedAtMs: row[2] as number };
}
