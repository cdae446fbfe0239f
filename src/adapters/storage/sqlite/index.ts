/**
 * The embedded durable store: SQLite (better-sqlite3, WAL) behind the in-memory engine.
 * It guarantees that every acknowledged unit of work is on disk (synchronous=FULL, by its own
 * fdatasync of the WAL: wal-syncer.ts) and that a
 * restart restores the state exactly; it never serves a search from SQL (all rows live in memory).
 */
export { openSqliteStore, type SqliteStore, type SqliteStoreOptions, type SqliteStoreStats } from './sqlite-store.js';
export type { AgreementDocumentReader, AgreementSignatureCheck } from './agreement-rows.js';
