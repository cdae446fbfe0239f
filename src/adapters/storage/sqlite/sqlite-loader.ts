import type Database from 'better-sqlite3';
import type { InMemoryState } from '../memory/state.js';
import {
  AVAILABILITY_COLUMNS,
  CONSTRAINT_COLUMNS,
  INTENT_COLUMNS,
  REPORT_COLUMNS,
  SUBSCRIPTION_COLUMNS,
  availabilityFromRow,
  constraintFromRow,
  intentFromRow,
  reportFromRow,
  subscriptionFromRow,
  type Row,
} from './row-codecs.js';
import { setRow } from './row-ids.js';
import {
  AGREEMENT_SIGNATURE_COLUMNS,
  AGREEMENT_VERSION_COLUMNS,
  agreementSignatureFromRow,
  agreementVersionFromRow,
  type AgreementDocumentReader,
  type AgreementSignatureCheck,
} from './agreement-rows.js';

function rows(db: Database.Database, table: string, columns: readonly string[], orderBy?: string): IterableIterator<Row> {
  const order = orderBy === undefined ? '' : ` ORDER BY ${orderBy}`;
  return db.prepare(`SELECT ${columns.join(', ')} FROM ${table}${order}`).raw(true).iterate() as IterableIterator<Row>;
}

/** Rows of a table found by rowid: the columns, then `row` (read by withRow). */
function rowsWithRowid(db: Database.Database, table: string, columns: readonly string[]): IterableIterator<Row> {
  return rows(db, table, [...columns, 'row']);
}

/** The record, told where its row is; refuses a second row for one id. */
function withRow<R extends { readonly id: string }>(record: R, row: Row, loaded: { has(id: string): boolean }, table: string): R {
  if (loaded.has(record.id)) throw new Error(`Cannot load ${table}: id ${record.id} has more than one row (the file was changed outside Parley)`);
  setRow(record, row[row.length - 1] as number);
  return record;
}

/** How often a long load reports progress, in intent rows. */
const PROGRESS_EVERY = 100_000;

export interface LoadOptions {
  /** Called every 100,000 intents (a million take ~20 s). */
  readonly onProgress?: ((loaded: number, total: number) => void) | undefined;
  /** Reads a version's proposal from its document; required once the file holds agreements. */
  readonly readAgreementDocument?: AgreementDocumentReader | undefined;
  /** Checks each stored signature (the database is not trusted to hold only valid ones). */
  readonly checkAgreementSignature?: AgreementSignatureCheck | undefined;
}

export interface LoadCounts {
  readonly intents: number;
  readonly constraints: number;
  readonly subscriptions: number;
  readonly availability: number;
  readonly reports: number;
  readonly logEntries: number;
  readonly agreements: number;
}

/** Reads every row into `state` (which must be empty); returns how many of each were loaded. */
export function loadState(db: Database.Database, state: InMemoryState, options: LoadOptions = {}): LoadCounts {
  const { onProgress, readAgreementDocument, checkAgreementSignature } = options;
  // One read transaction: a consistent snapshot even if the file is shared with a reader.
  return db.transaction(() => {
    const { subscriptions, constraints, intents } = state;
    for (const row of rowsWithRowid(db, 'subscriptions', SUBSCRIPTION_COLUMNS)) {
      subscriptions.put(withRow(subscriptionFromRow(row), row, subscriptions.byId, 'subscriptions'));
    }
    for (const row of rowsWithRowid(db, 'constraints', CONSTRAINT_COLUMNS)) {
      constraints.put(withRow(constraintFromRow(row), row, constraints.byId, 'constraints'));
    }
    const total = onProgress === undefined ? 0 : (db.prepare('SELECT COUNT(*) FROM intents').pluck().get() as number);
    let loaded = 0;
    for (const row of rowsWithRowid(db, 'intents', INTENT_COLUMNS)) {
      state.putIntent(withRow(intentFromRow(row), row, intents.byId, 'intents'));
      if (++loaded % PROGRESS_EVERY === 0) onProgress?.(loaded, total);
    }
    for (const row of rows(db, 'availability', AVAILABILITY_COLUMNS)) state.putAvailability(availabilityFromRow(row));
    // The log's tree from the stored leaf data, in index order. A gap means rows were deleted
    // outside Parley: a broker must not log new changes on top of a log it cannot vouch for.
    for (const row of rows(db, 'log_entries', ['idx', 'data'])) {
      if (row[0] !== state.log.size) {
        throw new Error(
          `Cannot open ${db.name}: the verifiable log has a gap at entry ${state.log.size} (the next stored entry is ${String(row[0])}); ` +
            'entries were removed outside Parley. Audit it with `parley audit verify --data <dir>` and restore a good copy',
        );
      }
      state.log.load(row[1] as Buffer);
    }
    for (const row of rows(db, 'reports', REPORT_COLUMNS)) state.putReport(reportFromRow(row));
    loadAgreements(db, state, readAgreementDocument, checkAgreementSignature);
    return {
      intents: state.intents.byId.size,
      constraints: state.constraints.byId.size,
      subscriptions: state.subscriptions.byId.size,
      availability: state.availability.size,
      reports: state.reports.size,
      logEntries: state.log.size,
      agreements: state.agreements.size,
    };
  }).deferred();
}

/**
 * Versions, then signatures, each in the order they were added (rowid: rows are only ever
 * inserted), through the same checks as a unit of work: a file whose history has a gap or a
 * repeated signature is refused. The table recomputes the zones in force as it goes.
 */
function loadAgreements(
  db: Database.Database,
  state: InMemoryState,
  readDocument: AgreementDocumentReader | undefined,
  checkSignature: AgreementSignatureCheck | undefined,
): void {
  const table = state.agreements;
  const refuse = (error: unknown): Error =>
    new Error(`Cannot open ${db.name}: its agreements do not load (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  for (const row of rows(db, 'agreement_versions', AGREEMENT_VERSION_COLUMNS, 'rowid')) {
    if (readDocument === undefined) {
      throw new Error(
        `Cannot open ${db.name}: it holds agreements, and reading their versions needs the agreement document reader; ` +
          'pass readAgreementDocument to openSqliteStore()',
      );
    }
    try {
      table.putVersion(agreementVersionFromRow(row, readDocument));
    } catch (error) {
      throw refuse(error);
    }
  }
  for (const row of rows(db, 'agreement_signatures', AGREEMENT_SIGNATURE_COLUMNS, 'rowid')) {
    try {
      const signature = agreementSignatureFromRow(row);
      const version = table.get(signature.agreementId)?.versions.find((v) => v.version === signature.version);
      const problem = version === undefined || checkSignature === undefined ? undefined : checkSignature(signature, version.document);
      if (problem !== undefined) {
        throw new Error(`the signature of ${signature.party} on version ${signature.version} of agreement ${signature.agreementId} ${problem}: the database was altered, or the party's key was removed from the parties file (keep retired keys there)`);
      }
      table.putSignature(signature);
    } catch (error) {
      throw refuse(error);
    }
  }
}
