import type Database from 'better-sqlite3';

/*
 * The agent's file: one per agent. STRICT tables, so SQLite itself keeps each scalar column's
 * type (even against writers other than Parley); JSON columns are checked when read
 * (stored-json.ts). `meta` says what the file is and its schema version; there are no
 * migrations yet, and a file from a newer Parley is refused rather than misread.
 */

export const AGENT_FORMAT = 'parley-agent';
export const AGENT_SCHEMA_VERSION = 1;

const SCHEMA = `
  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT;
  CREATE TABLE operations (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    ovn TEXT NOT NULL,
    state TEXT NOT NULL,
    priority INTEGER NOT NULL,
    volumes TEXT NOT NULL,
    off_nominal_volumes TEXT NOT NULL,
    details TEXT NOT NULL,
    subscription_id TEXT NOT NULL,
    conflicts TEXT NOT NULL,
    created_at_ms REAL NOT NULL,
    updated_at_ms REAL NOT NULL
  ) STRICT;
  CREATE INDEX operations_by_update ON operations (updated_at_ms);
  CREATE TABLE pending_writes (
    operation_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    intended TEXT NOT NULL,
    started_at_ms REAL NOT NULL
  ) STRICT;
  CREATE TABLE constraints (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    ovn TEXT NOT NULL,
    type TEXT NOT NULL,
    volumes TEXT NOT NULL,
    details TEXT NOT NULL,
    created_at_ms REAL NOT NULL,
    updated_at_ms REAL NOT NULL
  ) STRICT;
  CREATE INDEX constraints_by_update ON constraints (updated_at_ms);
  -- kind: 'operational_intent' or 'constraint'; intent_id then holds the constraint's id.
  CREATE TABLE notifications (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at_ms REAL NOT NULL,
    from_party TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'operational_intent',
    intent_id TEXT NOT NULL,
    version INTEGER,
    state TEXT,
    deleted INTEGER NOT NULL,
    subscriptions TEXT NOT NULL
  ) STRICT;
  -- (kind, intent_id, version): lastNotifiedVersion's MAX is read from the index alone.
  CREATE INDEX notifications_by_intent ON notifications (kind, intent_id, version);
`;

/** Creates the schema in a new file, or checks that an existing file is an agent store this build can read. */
export function prepareAgentSchema(db: Database.Database): void {
  db.transaction(() => {
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
    if (tables.length === 0) {
      db.exec(SCHEMA);
      const put = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
      put.run('format', AGENT_FORMAT);
      put.run('schema_version', String(AGENT_SCHEMA_VERSION));
      return;
    }
    const meta = tables.includes('meta')
      ? new Map(db.prepare('SELECT key, value FROM meta').raw(true).all() as [string, string][])
      : new Map<string, string>();
    if (meta.get('format') !== AGENT_FORMAT) {
      throw new Error(`Cannot open "${db.name}" as an agent store: it is another kind of database (no "${AGENT_FORMAT}" format in a meta table)`);
    }
    const version = Number(meta.get('schema_version'));
    if (!Number.isInteger(version) || version < 1) {
      throw new Error(`Cannot open agent store "${db.name}": its meta table has no valid schema_version`);
    }
    if (version > AGENT_SCHEMA_VERSION) {
      throw new Error(
        `Cannot open agent store "${db.name}": its schema version ${version} is newer than this build's ${AGENT_SCHEMA_VERSION}; upgrade Parley`,
      );
    }
  }).immediate();
}
