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

function rows(db: Database.Database, table: string, columns: readonly string[]): IterableIterator<Row> {
  return db.prepare(`SELECT ${columns.join(', ')} FROM ${table}`).raw(true).iterate() as IterableIterator<Row>;
}

/** Reads every row into `state` (which must be empty); returns how many of each were loaded. */
export function loadState(
  db: Database.Database,
  state: InMemoryState,
): { intents: number; constraints: number; subscriptions: number; availability: number; reports: number } {
  // One read transaction: a consistent snapshot even if the file is shared with a reader.
  return db.transaction(() => {
    for (const row of rows(db, 'subscriptions', SUBSCRIPTION_COLUMNS)) state.subscriptions.put(subscriptionFromRow(row));
    for (const row of rows(db, 'constraints', CONSTRAINT_COLUMNS)) state.constraints.put(constraintFromRow(row));
    for (const row of rows(db, 'intents', INTENT_COLUMNS)) state.putIntent(intentFromRow(row));
    for (const row of rows(db, 'availability', AVAILABILITY_COLUMNS)) state.putAvailability(availabilityFromRow(row));
    for (const row of rows(db, 'reports', REPORT_COLUMNS)) state.putReport(reportFromRow(row));
    return {
      intents: state.intents.byId.size,
      constraints: state.constraints.byId.size,
      subscriptions: state.subscriptions.byId.size,
      availability: state.availability.size,
      reports: state.reports.size,
    };
  }).deferred();
}
