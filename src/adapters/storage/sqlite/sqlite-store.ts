import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { IntentRecord, Store, StoreReader, StoreTx } from '../../../app/ports/store.js';
import type { IntentId } from '../../../domain/ids.js';
import { packRecord } from '../memory/packed-extents.js';
import { createReader, createTx } from '../memory/repositories.js';
import { InMemoryState } from '../memory/state.js';
import { UnitQueue } from '../memory/unit-queue.js';
import { startCheckpointer } from './checkpointer.js';
import { lockDatabaseFile } from './file-lock.js';
import { migrate } from './schema.js';
import { sqliteEntrySource } from './log-rows.js';
import { loadState } from './sqlite-loader.js';
import { SqliteCommitter, SqlitePersistence, isFatalSqliteError } from './sqlite-persistence.js';
import { WalSyncer } from './wal-syncer.js';
import type { AgreementDocumentReader, AgreementSignatureCheck } from './agreement-rows.js';

export interface SqliteStoreOptions {
  /** The database file; its directory is created if missing. */
  readonly path: string;
  /**
   * 'FULL' (default): a unit is acknowledged only after an fdatasync of the WAL that started
   * after its batch committed (on the thread pool, wal-syncer.ts), so it survives power loss.
   * 'NORMAL': no sync at commit: acknowledged units survive a crash of the process, but the
   * last ones may be lost if the machine loses power or the OS crashes.
   */
  readonly synchronous?: 'FULL' | 'NORMAL';
  readonly logger?: Logger;
  /** Most units committed by one transaction (default 512). */
  readonly maxBatch?: number;
  /**
   * Reads an agreement version's proposal back from its canonical document (only the document
   * is stored). Required to open a file that holds agreements; the open fails without it.
   */
  readonly readAgreementDocument?: AgreementDocumentReader;
  /** Checks each stored agreement signature at load; a failing one refuses the open. */
  readonly checkAgreementSignature?: AgreementSignatureCheck;
}

export interface SqliteStoreStats {
  readonly intents: number;
  readonly constraints: number;
  readonly subscriptions: number;
}

export interface SqliteStore extends Store {
  /**
   * Inserts or replaces many intents in one SQLite transaction and indexes them (benchmarks,
   * imports). All or nothing; runs between units of work. `onProgress` gets the running count.
   * Not logged: the verifiable log records the changes made through the broker's use cases, so
   * an import shows in no party's audit.
   */
  bulkLoadIntents(records: Iterable<IntentRecord>, onProgress?: (n: number) => void): Promise<void>;
  stats(): SqliteStoreStats;
}

const PROGRESS_EVERY = 10_000;

/**
 * Opens (creating or migrating) the database at `options.path` and loads every row into memory;
 * searches then run in memory, and each write goes to both, committed in groups. The file is
 * locked for this process alone (a pid lock file, file-lock.ts): a second broker on the same
 * file fails to open rather than diverge. WAL checkpoints run on a worker thread.
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<SqliteStore> {
  const startedMs = performance.now();
  const synchronous = options.synchronous ?? 'FULL';
  const log = options.logger;
  mkdirSync(dirname(options.path), { recursive: true });
  const lock = lockDatabaseFile(options.path);
  let db: Database.Database;
  try {
    db = new Database(options.path);
  } catch (error) {
    lock.release();
    throw error;
  }
  let state: InMemoryState;
  let loaded: ReturnType<typeof loadState>;
  let migrated: number[];
  try {
    db.pragma('busy_timeout = 1000');
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`Cannot open "${options.path}" in WAL mode (SQLite chose ${String(mode)})`);
    db.pragma(`synchronous = ${synchronous}`);
    // Writes land on random pages of a B-tree keyed by UUID: a 32 MiB page cache keeps the
    // inner pages of a million-row table resident (the default is 2 MiB).
    db.pragma('cache_size = -32768');
    // Checkpoints run on a worker thread (checkpointer.ts), not inside our commits.
    db.pragma('wal_autocheckpoint = 0');
    migrated = migrate(db, Date.now());
    state = new InMemoryState(sqliteEntrySource(db));
    loaded = loadState(db, state, {
      onProgress: (n, total) => log?.info({ intents: n, of: total }, 'store.loading'),
      readAgreementDocument: options.readAgreementDocument,
      checkAgreementSignature: options.checkAgreementSignature,
    });
    // From here FULL durability comes from the WalSyncer's fdatasync after COMMIT, off the event loop.
    if (synchronous === 'FULL') db.pragma('synchronous = OFF');
  } catch (error) {
    db.close();
    lock.release();
    throw error;
  }
  const checkpointer = startCheckpointer(options.path, (message) => log?.warn({ message }, 'store.checkpoint_failed'));

  const persistence = new SqlitePersistence(db);
  const syncer = synchronous === 'FULL' ? new WalSyncer(options.path) : undefined;
  const queue = new UnitQueue({
    persistence,
    committer: new SqliteCommitter(db, syncer),
    ...(options.maxBatch === undefined ? {} : { maxBatch: options.maxBatch }),
    isFatal: isFatalSqliteError,
    onFailure: ({ error, units, fatal }) =>
      log?.error({ err: error, units, fatal }, fatal ? 'store.stopped' : 'store.commit_failed'),
  });
  log?.info(
    { path: options.path, synchronous, migrated, ...loaded, ms: Math.round(performance.now() - startedMs) },
    'store.opened',
  );

  return {
    transact: <T>(work: (tx: StoreTx) => Promise<T>) => queue.transact((unit) => work(createTx(state, unit))),
    read: <T>(work: (reader: StoreReader) => Promise<T>) => queue.read((scope) => work(createReader(state, scope))),
    close: async () => {
      await checkpointer.stop();
      await queue.close(() => {
        syncer?.close();
        // The closing checkpoint writes the database file: with synchronous=OFF it would not be synced.
        db.pragma(`synchronous = ${synchronous}`);
        db.pragma('wal_checkpoint(TRUNCATE)');
        db.close();
        lock.release();
        log?.info({ path: options.path }, 'store.closed');
      });
    },
    bulkLoadIntents: async (records, onProgress) => {
      await queue.exclusive(() => bulkLoad(db, state, persistence, records, onProgress));
      await syncer?.durable();
    },
    stats: () => ({
      intents: state.intents.byId.size,
      constraints: state.constraints.byId.size,
      subscriptions: state.subscriptions.byId.size,
    }),
  };
}

function bulkLoad(
  db: Database.Database,
  state: InMemoryState,
  persistence: SqlitePersistence,
  records: Iterable<IntentRecord>,
  onProgress: ((n: number) => void) | undefined,
): void {
  // `records` may be a one-shot generator: write each record to SQLite and to memory in one pass,
  // keeping what each replaced so memory can be put back if anything fails.
  const replaced: Array<[IntentId, IntentRecord | undefined]> = [];
  try {
    db.transaction(() => {
      let n = 0;
      for (const given of records) {
        const record = packRecord(given); // one packed copy, shared by memory and the row
        const previous = state.putIntent(record, given.extents);
        replaced.push([record.id, previous]);
        persistence.putIntent(record, previous);
        if (++n % PROGRESS_EVERY === 0) onProgress?.(n);
      }
      if (n % PROGRESS_EVERY !== 0) onProgress?.(n);
    }).immediate();
  } catch (error) {
    for (let i = replaced.length - 1; i >= 0; i--) state.restoreIntent(...replaced[i]!);
    throw error;
  }
}
