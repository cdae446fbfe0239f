/**
 * Where each record's row is. The indexed tables (intents, constraints, subscriptions) have no
 * index on `id`: every row is in memory, so the row's rowid travels with the record object that
 * memory keeps, under a private symbol. A new record is appended (rowid = max + 1, the cheapest
 * B-tree insert, on a page the next insert dirties again) and later writes go straight to its
 * rowid. At a million intents a UUID index cost a random page read and a random page write per
 * insert: a fifth of a checked write.
 */
const ROW: unique symbol = Symbol('sqlite row');

interface WithRow {
  [ROW]?: number;
}

/** The rowid of a record loaded or written by the SQLite store. */
export function rowOf(record: object, what: string): number {
  const row = (record as WithRow)[ROW];
  if (row === undefined) throw new Error(`Cannot find the row of ${what}: the record was not loaded or written by this store`);
  return row;
}

/** Records where it is, as a hidden property (records compare and spread as plain data). */
export function setRow(record: object, row: number | bigint): void {
  const value = Number(row);
  if (ROW in record) (record as WithRow)[ROW] = value;
  else Object.defineProperty(record, ROW, { value, writable: true, enumerable: false, configurable: false });
}
