/**
 * Durability of committed WAL transactions without blocking the event loop.
 *
 * With `synchronous=FULL`, SQLite fsyncs the WAL inside COMMIT, on the broker's only thread:
 * at a million references that wait was a fifth of every checked write. Instead the writing
 * connection runs with `synchronous=OFF` (COMMIT only hands the WAL frames to the OS) and this
 * syncer fdatasyncs the WAL file on libuv's thread pool; the store acknowledges a batch only
 * once a sync that started after its COMMIT has finished. A WAL commit is durable when its
 * frames are (SQLite's WAL format, https://sqlite.org/wal.html and fileformat2.html §4), and
 * the frames are appended in commit order, so one fdatasync covers every commit before it.
 * Checkpoints run on another connection with the default synchronous=FULL, which syncs the WAL
 * before copying it into the database and the database before the WAL may be reused.
 *
 * Each wait starts its own fdatasync, up to MAX_IN_FLIGHT at once (the file system merges
 * concurrent syncs of one file into its journal commits, so a batch need not wait for an
 * earlier batch's sync to end before its own starts); beyond that, waits share the next one.
 * After a failed fdatasync the file's state is unknown, so every later wait fails too.
 */
import { closeSync, fdatasync, fdatasyncSync, fstatSync, openSync, statSync } from 'node:fs';

/** fdatasyncs running at once (libuv's thread pool has 4 threads by default; leave some free). */
const MAX_IN_FLIGHT = 3;

interface Waiters {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

export class WalSyncer {
  readonly #walPath: string;
  #fd: number | undefined;
  #inode = 0;
  #inFlight = 0;
  /** Waits that found MAX_IN_FLIGHT syncs running: they share the next one. */
  #next: Waiters | undefined;
  #failure: Error | undefined;

  constructor(databasePath: string) {
    this.#walPath = `${databasePath}-wal`;
  }

  /** Resolves once every transaction committed before this call is on stable storage. */
  durable(): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    this.#next ??= waiters();
    const { promise } = this.#next;
    if (this.#inFlight < MAX_IN_FLIGHT) this.#start();
    return promise;
  }

  /** Closes the WAL file descriptor (after the last durable() has settled). */
  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  /** The same on the calling thread: returns once durable, throws (for good) if it cannot be. */
  syncNow(): void {
    if (this.#failure !== undefined) throw this.#failure;
    try {
      fdatasyncSync(this.#walFd());
    } catch (error) {
      const failed = waiters();
      this.#fail(error, failed);
      throw this.#failure;
    }
  }

  #start(): void {
    const batch = this.#next as Waiters;
    this.#next = undefined;
    let fd: number;
    try {
      fd = this.#walFd();
    } catch (error) {
      this.#fail(error, batch);
      return;
    }
    this.#inFlight++;
    fdatasync(fd, (error) => {
      this.#inFlight--;
      if (error !== null) {
        this.#fail(error, batch);
        return;
      }
      batch.resolve();
      if (this.#next !== undefined && this.#failure === undefined) this.#start();
    });
  }

  /**
   * The open WAL file. SQLite keeps the same file while a connection is open (no TRUNCATE
   * checkpoints, no journal_size_limit); should it ever be replaced, the new one is opened.
   */
  #walFd(): number {
    if (this.#fd !== undefined && statSync(this.#walPath).ino === this.#inode) return this.#fd;
    this.close();
    const fd = openSync(this.#walPath, 'r');
    this.#fd = fd;
    this.#inode = fstatSync(fd).ino;
    return fd;
  }

  #fail(error: unknown, batch: Waiters): void {
    this.#failure ??= new Error(`Cannot make the write-ahead log ${this.#walPath} durable`, { cause: error });
    batch.reject(this.#failure);
    this.#next?.reject(this.#failure);
    this.#next = undefined;
  }
}

function waiters(): Waiters {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // The queue attaches its handlers later in the same turn; never an unhandled rejection here.
  promise.catch(() => {});
  return { promise, resolve, reject };
}
