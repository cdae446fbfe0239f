/**
 * The SQLite writer on its own thread. The broker's thread applies a batch of units in memory
 * and hands the batch's row changes here; this thread runs them in one transaction, commits
 * (fsync with synchronous=FULL) and says so. Meanwhile the broker's thread goes on with the
 * next batch: the upserts, the commit and the WAL checkpoints (PASSIVE, between batches) all
 * run on the machine's other core. Batches commit in the order they are sent.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** A row change: the index of a prepared statement, and its parameters. */
export type RowOp = readonly [statement: number, params: readonly unknown[]];

export interface WriteWorker {
  /** Runs the ops in one transaction; resolves once it is committed. */
  commit(ops: readonly RowOp[]): Promise<void>;
  stop(): Promise<void>;
}

export class WriteWorkerError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'WriteWorkerError';
  }
}

const CHECKPOINT_EVERY_MS = 200;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = ' + workerData.synchronous);
db.pragma('cache_size = -32768');
db.pragma('wal_autocheckpoint = 0');
const statements = workerData.statements.map((sql) => db.prepare(sql));
const toBlob = (value) => (value instanceof Uint8Array && !Buffer.isBuffer(value)
  ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value);
const apply = db.transaction((ops) => {
  for (const [index, params] of ops) statements[index].run(params.map(toBlob));
});
let lastCheckpoint = Date.now();
// After one failed batch, later batches (built on top of it in memory) must not commit either.
let failure;
parentPort.on('message', (message) => {
  if (message.type === 'commit') {
    if (failure !== undefined) {
      parentPort.postMessage({ type: 'failed', id: message.id, message: 'an earlier batch failed: ' + failure.message, code: failure.code });
      return;
    }
    try {
      apply.immediate(message.ops);
      parentPort.postMessage({ type: 'committed', id: message.id });
    } catch (error) {
      failure = { message: String(error && error.message), code: error && error.code };
      parentPort.postMessage({ type: 'failed', id: message.id, message: failure.message, code: failure.code });
    }
    if (Date.now() - lastCheckpoint >= workerData.checkpointEveryMs) checkpoint();
  } else if (message.type === 'stop') {
    clearInterval(timer);
    try { checkpoint(); db.close(); } finally { parentPort.postMessage({ type: 'stopped' }); }
  }
});
function checkpoint() {
  lastCheckpoint = Date.now();
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (error) {
    parentPort.postMessage({ type: 'warning', message: String(error && error.message) });
  }
}
const timer = setInterval(() => { if (Date.now() - lastCheckpoint >= workerData.checkpointEveryMs) checkpoint(); }, workerData.checkpointEveryMs);
`;

interface Waiting {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export function startWriteWorker(options: {
  readonly path: string;
  readonly synchronous: 'FULL' | 'NORMAL';
  readonly statements: readonly string[];
  readonly onWarning: (message: string) => void;
}): WriteWorker {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    // Plain CommonJS: not the parent's loaders or --input-type.
    execArgv: [],
    workerData: {
      path: options.path,
      driver,
      synchronous: options.synchronous,
      statements: options.statements,
      checkpointEveryMs: CHECKPOINT_EVERY_MS,
    },
  });
  const waiting = new Map<number, Waiting>();
  let nextId = 0;
  let dead: Error | undefined;
  let stopped: Promise<void> | undefined;
  let onStopped: (() => void) | undefined;

  const failAll = (error: Error): void => {
    dead ??= error;
    for (const entry of waiting.values()) entry.reject(error);
    waiting.clear();
  };
  worker.on('message', (message: { type: string; id?: number; message?: string; code?: string }) => {
    if (message.type === 'committed' || message.type === 'failed') {
      const entry = waiting.get(message.id as number);
      waiting.delete(message.id as number);
      if (message.type === 'committed') entry?.resolve();
      else entry?.reject(new WriteWorkerError(message.message ?? 'commit failed', message.code));
    } else if (message.type === 'warning') {
      options.onWarning(message.message ?? 'unknown warning');
    } else if (message.type === 'stopped') {
      onStopped?.();
    }
  });
  worker.on('error', (error) => failAll(new WriteWorkerError(`SQLite writer thread failed: ${error.message}`, 'SQLITE_IOERR_WORKER')));
  worker.on('exit', () => failAll(new WriteWorkerError('SQLite writer thread exited', 'SQLITE_IOERR_WORKER')));

  return {
    commit(ops) {
      if (dead !== undefined) return Promise.reject(dead);
      const id = nextId++;
      return new Promise<void>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ type: 'commit', id, ops });
      });
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        if (dead !== undefined) {
          resolve();
          return;
        }
        onStopped = () => void worker.terminate().then(() => resolve());
        worker.postMessage({ type: 'stop' });
      });
      return stopped;
    },
  };
}
