import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type {
  AgentStore,
  ConstraintRecord,
  NotificationKind,
  NotificationRecord,
  OperationRecord,
  OperationState,
  PendingWrite,
} from '../../../app/agent/agent-store.js';
import { lockDatabaseFile, type FileLock } from '../sqlite/file-lock.js';
import { prepareAgentSchema } from './agent-schema.js';
import { CONSTRAINT_COLUMNS, constraintFromRow, constraintToRow, type ConstraintRow } from './constraint-codec.js';
import {
  NOTIFICATION_COLUMNS,
  notificationFromRow,
  notificationToRow,
  type NotificationRow,
} from './notification-codec.js';
import {
  OPERATION_COLUMNS,
  operationFromRow,
  operationToRow,
  pendingFromRow,
  pendingToRow,
  type OperationRow,
  type PendingRow,
} from './operation-codec.js';

export interface AgentStoreOptions {
  /** The agent's database file; its directory is created if missing. */
  readonly path: string;
  /**
   * 'FULL' (default): each call is on disk when it returns (it survives power loss).
   * 'NORMAL': it survives a crash of the process; the last calls may be lost with the machine.
   */
  readonly synchronous?: 'FULL' | 'NORMAL';
}

const LIST_LIMIT = 1000;
const NOTIFICATIONS_LIMIT = 100;

/**
 * Opens (creating if new) the agent's store at `options.path`, locked for this process alone
 * (a pid lock file, taken over when its process is gone). Each call commits on its own.
 */
export function openAgentStore(options: AgentStoreOptions): AgentStore {
  const synchronous = options.synchronous ?? 'FULL';
  if (synchronous !== 'FULL' && synchronous !== 'NORMAL') {
    throw new Error(`Cannot open agent store "${options.path}": synchronous must be FULL or NORMAL, not ${String(synchronous)}`);
  }
  mkdirSync(dirname(options.path), { recursive: true });
  const lock = lockDatabaseFile(options.path);
  let db: Database.Database | undefined;
  try {
    db = new Database(options.path);
    db.pragma('busy_timeout = 1000');
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`Cannot open agent store "${options.path}" in WAL mode (SQLite chose ${String(mode)})`);
    db.pragma(`synchronous = ${synchronous}`);
    prepareAgentSchema(db);
    return new SqliteAgentStore(db, lock);
  } catch (error) {
    db?.close();
    lock.release();
    throw error;
  }
}

class SqliteAgentStore implements AgentStore {
  readonly #db: Database.Database;
  readonly #lock: FileLock;
  #closed = false;
  readonly #get: Database.Statement<[string], OperationRow>;
  readonly #list: Database.Statement<{ states: string | null; limit: number }, OperationRow>;
  readonly #put: Database.Statement<OperationRow>;
  readonly #delete: Database.Statement<[string]>;
  readonly #getPending: Database.Statement<[string], PendingRow>;
  readonly #listPending: Database.Statement<[], PendingRow>;
  readonly #insertPending: Database.Statement<PendingRow>;
  readonly #deletePending: Database.Statement<[string]>;
  readonly #insertNotification: Database.Statement<Omit<NotificationRow, 'seq'>>;
  readonly #listNotifications: Database.Statement<[number, number], NotificationRow>;
  readonly #lastVersion: Database.Statement<[string, string], number | null>;
  readonly #lastManager: Database.Statement<[string, string], string | undefined>;
  readonly #getConstraint: Database.Statement<[string], ConstraintRow>;
  readonly #listConstraints: Database.Statement<[number], ConstraintRow>;
  readonly #putConstraint: Database.Statement<ConstraintRow>;
  readonly #deleteConstraint: Database.Statement<[string]>;
  readonly #settle: (operationId: string, outcome: { readonly record: OperationRecord | null } | 'unchanged') => void;

  constructor(db: Database.Database, lock: FileLock) {
    this.#db = db;
    this.#lock = lock;
    this.#get = db.prepare(`SELECT ${OPERATION_COLUMNS} FROM operations WHERE id = ?`);
    // One statement for every filter: the states come as a JSON array (NULL: no filter).
    this.#list = db.prepare(
      `SELECT ${OPERATION_COLUMNS} FROM operations
       WHERE @states IS NULL OR state IN (SELECT value FROM json_each(@states))
       ORDER BY updated_at_ms DESC, id DESC LIMIT @limit`,
    );
    const columns = OPERATION_COLUMNS.split(', ');
    this.#put = db.prepare(
      `INSERT OR REPLACE INTO operations (${OPERATION_COLUMNS}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`,
    );
    this.#delete = db.prepare('DELETE FROM operations WHERE id = ?');
    this.#getPending = db.prepare('SELECT operation_id, kind, intended, started_at_ms FROM pending_writes WHERE operation_id = ?');
    this.#listPending = db.prepare(
      'SELECT operation_id, kind, intended, started_at_ms FROM pending_writes ORDER BY started_at_ms, operation_id',
    );
    this.#insertPending = db.prepare(
      'INSERT INTO pending_writes (operation_id, kind, intended, started_at_ms) VALUES (@operation_id, @kind, @intended, @started_at_ms)',
    );
    this.#deletePending = db.prepare('DELETE FROM pending_writes WHERE operation_id = ?');
    this.#insertNotification = db.prepare(
      `INSERT INTO notifications (received_at_ms, from_party, kind, intent_id, version, state, deleted, subscriptions)
       VALUES (@received_at_ms, @from_party, @kind, @intent_id, @version, @state, @deleted, @subscriptions)`,
    );
    this.#listNotifications = db.prepare(`SELECT ${NOTIFICATION_COLUMNS} FROM notifications WHERE seq > ? ORDER BY seq LIMIT ?`);
    this.#lastVersion = db
      .prepare('SELECT MAX(version) FROM notifications WHERE kind = ? AND intent_id = ?')
      .pluck() as Database.Statement<[string, string], number | null>;
    this.#lastManager = db
      .prepare('SELECT from_party FROM notifications WHERE kind = ? AND intent_id = ? AND version IS NOT NULL ORDER BY seq DESC LIMIT 1')
      .pluck() as Database.Statement<[string, string], string | undefined>;
    this.#getConstraint = db.prepare(`SELECT ${CONSTRAINT_COLUMNS} FROM constraints WHERE id = ?`);
    this.#listConstraints = db.prepare(`SELECT ${CONSTRAINT_COLUMNS} FROM constraints ORDER BY updated_at_ms DESC, id DESC LIMIT ?`);
    this.#putConstraint = db.prepare(
      `INSERT OR REPLACE INTO constraints (${CONSTRAINT_COLUMNS}) VALUES (${CONSTRAINT_COLUMNS.split(', ').map((c) => `@${c}`).join(', ')})`,
    );
    this.#deleteConstraint = db.prepare('DELETE FROM constraints WHERE id = ?');
    this.#settle = db.transaction((operationId, outcome) => {
      // The outcome first: if clearing the pending write then fails, the rollback undoes both.
      if (outcome !== 'unchanged') {
        if (outcome.record === null) this.#delete.run(operationId);
        else this.#put.run(operationToRow(outcome.record));
      }
      if (this.#deletePending.run(operationId).changes === 0) {
        throw new Error(`Cannot settle the pending write of operation "${operationId}": there is none (settled twice?)`);
      }
    }).immediate;
  }

  get(id: string): OperationRecord | undefined {
    this.#open('read an operation');
    const row = this.#get.get(id);
    return row === undefined ? undefined : operationFromRow(row);
  }

  list(options: { readonly states?: readonly OperationState[]; readonly limit?: number } = {}): OperationRecord[] {
    this.#open('list operations');
    const limit = checkLimit(options.limit ?? LIST_LIMIT, 'list operations');
    const states = options.states === undefined ? null : JSON.stringify(options.states);
    return this.#list.all({ states, limit }).map(operationFromRow);
  }

  put(record: OperationRecord): void {
    this.#open(`save operation "${record.id}"`);
    this.#put.run(operationToRow(record));
  }

  delete(id: string): boolean {
    this.#open(`delete operation "${id}"`);
    return this.#delete.run(id).changes > 0;
  }

  beginPending(write: PendingWrite): void {
    const action = `begin a ${write.kind} of operation "${write.operationId}"`;
    this.#open(action);
    if (write.intended.id !== write.operationId) {
      throw new Error(`Cannot ${action}: its intended record is operation "${write.intended.id}"`);
    }
    const existing = this.#getPending.get(write.operationId);
    if (existing !== undefined) {
      throw new Error(
        `Cannot ${action}: a ${existing.kind} begun at ${new Date(existing.started_at_ms).toISOString()} is still pending; ` +
          'settle it first (one broker write per operation at a time)',
      );
    }
    this.#insertPending.run(pendingToRow(write));
  }

  settlePending(operationId: string, outcome: { readonly record: OperationRecord | null } | 'unchanged'): void {
    this.#open(`settle the pending write of operation "${operationId}"`);
    if (outcome !== 'unchanged' && outcome.record !== null && outcome.record.id !== operationId) {
      throw new Error(`Cannot settle the pending write of operation "${operationId}" with the record of operation "${outcome.record.id}"`);
    }
    this.#settle(operationId, outcome);
  }

  pending(): PendingWrite[] {
    this.#open('list pending writes');
    return this.#listPending.all().map(pendingFromRow);
  }

  addNotification(notification: Omit<NotificationRecord, 'seq'>): NotificationRecord {
    this.#open(`save a notification about ${notification.kind === 'constraint' ? 'constraint' : 'intent'} "${notification.intentId}"`);
    const row = notificationToRow(notification);
    const seq = Number(this.#insertNotification.run(row).lastInsertRowid);
    return notificationFromRow({ seq, ...row });
  }

  notifications(options: { readonly afterSeq?: number; readonly limit?: number } = {}): NotificationRecord[] {
    this.#open('list notifications');
    const limit = checkLimit(options.limit ?? NOTIFICATIONS_LIMIT, 'list notifications');
    return this.#listNotifications.all(options.afterSeq ?? 0, limit).map(notificationFromRow);
  }

  lastNotifiedVersion(intentId: string, kind: NotificationKind = 'operational_intent'): number | undefined {
    this.#open(`read the notified version of ${kind === 'constraint' ? 'constraint' : 'intent'} "${intentId}"`);
    return this.#lastVersion.get(kind, intentId) ?? undefined;
  }

  lastNotifiedManager(id: string, kind: NotificationKind = 'operational_intent'): string | undefined {
    this.#open(`read who notified of ${kind === 'constraint' ? 'constraint' : 'intent'} "${id}"`);
    return this.#lastManager.get(kind, id) ?? undefined;
  }

  getConstraint(id: string): ConstraintRecord | undefined {
    this.#open('read a constraint');
    const row = this.#getConstraint.get(id);
    return row === undefined ? undefined : constraintFromRow(row);
  }

  listConstraints(options: { readonly limit?: number } = {}): ConstraintRecord[] {
    this.#open('list constraints');
    return this.#listConstraints.all(checkLimit(options.limit ?? LIST_LIMIT, 'list constraints')).map(constraintFromRow);
  }

  putConstraint(record: ConstraintRecord): void {
    this.#open(`save constraint "${record.id}"`);
    this.#putConstraint.run(constraintToRow(record));
  }

  deleteConstraint(id: string): boolean {
    this.#open(`delete constraint "${id}"`);
    return this.#deleteConstraint.run(id).changes > 0;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#db.close();
    } finally {
      this.#lock.release();
    }
  }

  #open(action: string): void {
    if (this.#closed) throw new Error(`Cannot ${action}: the agent store "${this.#db.name}" is closed`);
  }
}

/** SQLite reads a negative LIMIT as "no limit": refuse it rather than return everything. */
function checkLimit(limit: number, action: string): number {
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new RangeError(`Cannot ${action}: limit must be a whole number ≥ 0, not ${limit}`);
  }
  return limit;
}
