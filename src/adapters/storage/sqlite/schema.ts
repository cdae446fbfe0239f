import type Database from 'better-sqlite3';

/*
 * The SQLite schema, as an ordered list of migrations recorded in `schema_version`.
 * Every row is loaded into memory at open, and all searches and lookups run there: the
 * intents, constraints and subscriptions tables have no index at all beyond their rowid
 * (`row`), which memory keeps with each record (row-ids.ts); ids are unique because the single
 * broker that holds the file keeps them so, and the loader refuses a file where they are not. Volumes are Float64 BLOBs (volume-codec.ts); times are REAL epoch milliseconds,
 * which keep ±Infinity; booleans are 0/1.
 */
interface Migration {
  readonly version: number;
  readonly sql: string;
}

/** @internal exported for the migration tests */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE intents (
        id TEXT PRIMARY KEY,
        manager TEXT NOT NULL,
        version INTEGER NOT NULL,
        state TEXT NOT NULL,
        ovn TEXT NOT NULL,
        extents BLOB NOT NULL,
        uss_base_url TEXT NOT NULL,
        subscription_id TEXT,
        time_start_ms REAL NOT NULL,
        time_end_ms REAL NOT NULL,
        updated_at_ms REAL NOT NULL
      );
      CREATE TABLE constraints (
        id TEXT PRIMARY KEY,
        manager TEXT NOT NULL,
        version INTEGER NOT NULL,
        ovn TEXT NOT NULL,
        extents BLOB NOT NULL,
        uss_base_url TEXT NOT NULL,
        time_start_ms REAL NOT NULL,
        time_end_ms REAL NOT NULL,
        updated_at_ms REAL NOT NULL
      );
      CREATE TABLE subscriptions (
        id TEXT PRIMARY KEY,
        manager TEXT NOT NULL,
        version TEXT NOT NULL,
        notification_index INTEGER NOT NULL,
        extents BLOB NOT NULL,
        uss_base_url TEXT NOT NULL,
        notify_for_intents INTEGER NOT NULL,
        notify_for_constraints INTEGER NOT NULL,
        implicit INTEGER NOT NULL,
        time_start_ms REAL NOT NULL,
        time_end_ms REAL NOT NULL,
        updated_at_ms REAL NOT NULL
      );
      CREATE TABLE availability (
        uss_id TEXT PRIMARY KEY,
        availability TEXT NOT NULL,
        version TEXT NOT NULL,
        updated_at_ms REAL NOT NULL
      );
      CREATE TABLE reports (
        id TEXT PRIMARY KEY,
        reporter TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at_ms REAL NOT NULL
      );
    `,
  },
  {
    // Version 2: no index on id for the three indexed tables (appends instead of random index writes).
    version: 2,
    sql: `
      CREATE TABLE intents_v2 (
        row INTEGER PRIMARY KEY,
        id TEXT NOT NULL,
        manager TEXT NOT NULL,
        version INTEGER NOT NULL,
        state TEXT NOT NULL,
        ovn TEXT NOT NULL,
        extents BLOB NOT NULL,
        uss_base_url TEXT NOT NULL,
        subscription_id TEXT,
        time_start_ms REAL NOT NULL,
        time_end_ms REAL NOT NULL,
        updated_at_ms REAL NOT NULL
      );
      INSERT INTO intents_v2 (id, manager, version, state, ovn, extents, uss_base_url, subscription_id, time_start_ms, time_end_ms, updated_at_ms) SELECT id, manager, version, state, ovn, extents, uss_base_url, subscription_id, time_start_ms, time_end_ms, updated_at_ms FROM intents;
      DROP TABLE intents;
      ALTER TABLE intents_v2 RENAME TO intents;
      CREATE TABLE constraints_v2 (
        row INTEGER PRIMARY KEY,
        id TEXT NOT NULL,
        manager TEXT NOT NULL,
        version INTEGER NOT NULL,
        ovn TEXT NOT NULL,
        extents BLOB NOT NULL,
        uss_base_url TEXT NOT NULL,
        time_start_ms REAL NOT NULL,
        time_end_ms REAL NOT NULL,
        updated_at_ms REAL NOT NULL
      );
      INSERT INTO constraints_v2 (id, manager, version, ovn, extents, uss_base_url, time_start_ms, time_end_ms, updated_at_ms) SELECT id, manager, version, ovn, extents, uss_base_url, time_start_ms, time_end_ms, updated_at_ms FROM constraints;
      DROP TABLE constraints;
      ALTER TABLE constraints_v2 RENAME TO constraints;
      CREATE TABLE subscriptions_v2 (
        row INTEGER PRIMARY KEY,
        id TEXT NOT NULL,
        manager TEXT NOT NULL,
        version TEXT NOT NULL,
        notification_index INTEGER NOT NULL,
        extents BLOB NOT NULL,
        uss_base_url TEXT NOT NULL,
        notify_for_intents INTEGER NOT NULL,
        notify_for_constraints INTEGER NOT NULL,
        implicit INTEGER NOT NULL,
        time_start_ms REAL NOT NULL,
        time_end_ms REAL NOT NULL,
        updated_at_ms REAL NOT NULL
      );
      INSERT INTO subscriptions_v2 (id, manager, version, notification_index, extents, uss_base_url, notify_for_intents, notify_for_constraints, implicit, time_start_ms, time_end_ms, updated_at_ms) SELECT id, manager, version, notification_index, extents, uss_base_url, notify_for_intents, notify_for_constraints, implicit, time_start_ms, time_end_ms, updated_at_ms FROM subscriptions;
      DROP TABLE subscriptions;
      ALTER TABLE subscriptions_v2 RENAME TO subscriptions;
    `,
  },
  {
    // Version 3: the verifiable log. `idx` is the entry's leaf index (rowid: appends at the end).
    version: 3,
    sql: `
      CREATE TABLE log_entries (
        idx INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        parties TEXT NOT NULL,
        salt BLOB NOT NULL,
        content TEXT NOT NULL,
        data BLOB NOT NULL,
        created_at_ms REAL NOT NULL
      );
      CREATE TABLE log_checkpoints (
        size INTEGER PRIMARY KEY,
        note TEXT NOT NULL,
        signed_at_ms REAL NOT NULL
      );
    `,
  },
  {
    // Version 4: agreements, kept for ever. A version's proposal is not stored: it is read back
    // from its document (the bytes the parties signed). Rows are only ever inserted, so rowid
    // order is the order they were added in: agreements by the rowid of their version 1.
    version: 4,
    sql: `
      CREATE TABLE agreement_versions (
        agreement_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        action TEXT NOT NULL,
        document TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        proposer TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL,
        PRIMARY KEY (agreement_id, version)
      );
      CREATE TABLE agreement_signatures (
        agreement_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        party TEXT NOT NULL,
        jws TEXT NOT NULL,
        signed_at_ms INTEGER NOT NULL,
        PRIMARY KEY (agreement_id, version, party)
      );
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Brings the database to SCHEMA_VERSION, one transaction per migration; returns the versions
 * applied. Refuses a database written by a newer Parley.
 */
export function migrate(db: Database.Database, nowMs: number): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at_ms REAL NOT NULL)');
  const row = db.prepare('SELECT MAX(version) AS version FROM schema_version').get() as { version: number | null };
  const current = row.version ?? 0;
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `Cannot open database "${db.name}": its schema version ${current} is newer than this build's ${SCHEMA_VERSION}; upgrade Parley`,
    );
  }
  const record = db.prepare('INSERT INTO schema_version (version, applied_at_ms) VALUES (?, ?)');
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, nowMs);
    }).immediate();
    applied.push(migration.version);
  }
  return applied;
}
