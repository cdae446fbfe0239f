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
import type { WalSyncer } from './wal-syncer.js';
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

function upsert(db: Database.Database, table: string, columns: readonly string[]): Database.Statement {
  return db.prepare(`INSERT OR REPLACE INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
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

/**
 * Group commit on one connection: BEGIN IMMEDIATE per batch, a SAVEPOINT per unit, one COMMIT
 * for the whole batch. With a WalSyncer the COMMIT does not fsync (synchronous=OFF) and
 * durable() waits for the WAL's fdatasync on the thread pool instead.
 */
export class SqliteCommitter implements Committer {
  readonly durable: (() => Promise<void>) | undefined;
  readonly #db: Database.Database;
  readonly #begin: Database.Statement;
  readonly #savepoint: Database.Statement;
  readonly #release: Database.Statement;
  readonly #rollbackTo: Database.Statement;
  readonly #commit: Database.Statement;
  readonly #rollback: Database.Statement;

  constructor(db: Database.Database, syncer?: WalSyncer) {
    this.#db = db;
    this.durable = syncer === undefined ? undefined : () => syncer.durable();
    this.#begin = db.prepare('BEGIN IMMEDIATE');
    this.#savepoint = db.prepare('SAVEPOINT unit');
    this.#release = db.prepare('RELEASE unit');
    this.#rollbackTo = db.prepare('ROLLBACK TO unit');
    this.#commit = db.prepare('COMMIT');
    this.#rollback = db.prepare('ROLLBACK');
  }

  begin(): void {
    this.#begin.run();
  }

  beginUnit(): void {
    this.#savepoint.run();
  }

  endUnit(committed: boolean): void {
    if (!committed) this.#rollbackTo.run();
    this.#release.run();
  }

  commit(): void {
    this.#commit.run();
  }

  rollback(): void {
    // SQLite may already have rolled back on its own (e.g. after an I/O error).
    if (this.#db.inTransaction) this.#rollback.run();
  }
}

/** Storage failures after which the file's contents are uncertain: stop rather than guess. */
export function isFatalSqliteError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' &&
    (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB' || code === 'SQLITE_CANTOPEN')
  );
}
