/** The files of a broker's data directory (`parley broker --data DIR`): what it writes and audits read. */
export const BROKER_FILES = Object.freeze({
  /** The SQLite store (with its -wal, -shm and .lock companions). */
  database: 'broker.sqlite',
  /** The verifiable log's checkpoint key and origin (created on first start). */
  logKey: 'log-key.json',
  /** The intersection tickets' key (created on first start). */
  ticketKey: 'ticket-key.json',
});
