import type Database from 'better-sqlite3';
import type {
  AvailabilityRecord,
  ConstraintRecord,
  IntentRecord,
  ReportRecord,
  SubscriptionRecord,
} from '../../../app/ports/store.js';
import type { ConstraintId, IntentId, SubscriptionId } from '../../../domain/ids.js';
import type { Persistence } from '../memory/unit-of-work.js';
import type { Committer } from '../memory/unit-queue.js';
import { WriteWorkerError, type RowOp, type WriteWorker } from './write-worker.js';
import {
  AVAILABILITY_COLUMNS,
  CONSTRAINT_COLUMNS,
  INTENT_COLUMNS,
  REPORT_COLUMNS,
  SUBSCRIPTION_COLUMNS,
  availabilityToRow,
  constraintToRow,
  intentToRow,
  reportToRow,
  subscriptionToRow,
} from './row-codecs.js';

function upsertSql(table: string, columns: readonly string[]): string {
  return `INSERT OR REPLACE INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
}

function upsert(db: Database.Database, table: string, columns: readonly string[]): Database.Statement {
  return db.prepare(upsertSql(table, columns));
}

/** The writer thread's statements, by position (WorkerWriter's ops name them by index). */
export const WRITER_STATEMENTS: readonly string[] = [
  upsertSql('intents', INTENT_COLUMNS),
  'DELETE FROM intents WHERE id = ?',
  upsertSql('constraints', CONSTRAINT_COLUMNS),
  'DELETE FROM constraints WHERE id = ?',
  upsertSql('subscriptions', SUBSCRIPTION_COLUMNS),
  'DELETE FROM subscriptions WHERE id = ?',
  upsertSql('availability', AVAILABILITY_COLUMNS),
  upsertSql('reports', REPORT_COLUMNS),
];
const enum Op {
  PutIntent = 0,
  DeleteIntent = 1,
  PutConstraint = 2,
  DeleteConstraint = 3,
  PutSubscription = 4,
  DeleteSubscription = 5,
  PutAvailability = 6,
  PutReport = 7,
}

/**
 * Persistence and commit through the writer thread (write-worker.ts): each unit's row changes
 * are collected (a failed unit's are dropped), and a batch's commit sends them all at once and
 * resolves when the writer has committed them. The broker's thread never waits on SQLite.
 */
export class WorkerWriter implements Persistence, Committer {
  readonly #worker: WriteWorker;

  /** Stops the writer thread once every batch sent has been answered. */
  stop(): Promise<void> {
    return this.#worker.stop();
  }

  #ops: RowOp[] = [];
  #unitStart = 0;

  constructor(worker: WriteWorker) {
    this.#worker = worker;
  }

  putIntent(record: IntentRecord): void {
    this.#ops.push([Op.PutIntent, intentToRow(record)]);
  }
  deleteIntent(id: IntentId): void {
    this.#ops.push([Op.DeleteIntent, [id]]);
  }
  putConstraint(record: ConstraintRecord): void {
    this.#ops.push([Op.PutConstraint, constraintToRow(record)]);
  }
  deleteConstraint(id: ConstraintId): void {
    this.#ops.push([Op.DeleteConstraint, [id]]);
  }
  putSubscription(record: SubscriptionRecord): void {
    this.#ops.push([Op.PutSubscription, subscriptionToRow(record)]);
  }
  deleteSubscription(id: SubscriptionId): void {
    this.#ops.push([Op.DeleteSubscription, [id]]);
  }
  putAvailability(record: AvailabilityRecord): void {
    this.#ops.push([Op.PutAvailability, availabilityToRow(record)]);
  }
  putReport(record: ReportRecord): void {
    this.#ops.push([Op.PutReport, reportToRow(record)]);
  }

  begin(): void {
    this.#ops = [];
  }
  beginUnit(): void {
    this.#unitStart = this.#ops.length;
  }
  endUnit(committed: boolean): void {
    if (!committed) this.#ops.length = this.#unitStart;
  }
  commit(): Promise<void> | void {
    const ops = this.#ops;
    this.#ops = [];
    return ops.length === 0 ? undefined : this.#worker.commit(ops);
  }
  rollback(): void {
    this.#ops = [];
  }
}

/** Writes each change with a cached prepared statement, synchronously, in the open transaction. */
export class SqlitePersistence implements Persistence {
  readonly #putIntent: Database.Statement;
  readonly #deleteIntent: Database.Statement;
  readonly #putConstraint: Database.Statement;
  readonly #deleteConstraint: Database.Statement;
  readonly #putSubscription: Database.Statement;
  readonly #deleteSubscription: Database.Statement;
  readonly #putAvailability: Database.Statement;
  readonly #putReport: Database.Statement;

  constructor(db: Database.Database) {
    this.#putIntent = upsert(db, 'intents', INTENT_COLUMNS);
    this.#deleteIntent = db.prepare('DELETE FROM intents WHERE id = ?');
    this.#putConstraint = upsert(db, 'constraints', CONSTRAINT_COLUMNS);
    this.#deleteConstraint = db.prepare('DELETE FROM constraints WHERE id = ?');
    this.#putSubscription = upsert(db, 'subscriptions', SUBSCRIPTION_COLUMNS);
    this.#deleteSubscription = db.prepare('DELETE FROM subscriptions WHERE id = ?');
    this.#putAvailability = upsert(db, 'availability', AVAILABILITY_COLUMNS);
    this.#putReport = upsert(db, 'reports', REPORT_COLUMNS);
  }

  putIntent(record: IntentRecord): void {
    this.#putIntent.run(intentToRow(record));
  }

  deleteIntent(id: IntentId): void {
    this.#deleteIntent.run(id);
  }

  putConstraint(record: ConstraintRecord): void {
    this.#putConstraint.run(constraintToRow(record));
  }

  deleteConstraint(id: ConstraintId): void {
    this.#deleteConstraint.run(id);
  }

  putSubscription(record: SubscriptionRecord): void {
    this.#putSubscription.run(subscriptionToRow(record));
  }

  deleteSubscription(id: SubscriptionId): void {
    this.#deleteSubscription.run(id);
  }

  putAvailability(record: AvailabilityRecord): void {
    this.#putAvailability.run(availabilityToRow(record));
  }

  putReport(record: ReportRecord): void {
    this.#putReport.run(reportToRow(record));
  }
}

/** Storage failures after which the file's contents are uncertain: stop rather than guess. */
export function isFatalSqliteError(error: unknown): boolean {
  // A commit that failed on the writer thread leaves batches sent after it unknowable.
  if (error instanceof WriteWorkerError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' &&
    (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB' || code === 'SQLITE_CANTOPEN')
  );
}
