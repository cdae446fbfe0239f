import { AsyncLocalStorage } from 'node:async_hooks';
import { UnitOfWork, type Persistence, type Scope } from './unit-of-work.js';

/**
 * The transaction boundary of a durable store, driven by the queue around each batch.
 * Each unit runs inside its own savepoint, so one failing unit leaves the others intact.
 */
export interface Committer {
  begin(): void;
  beginUnit(): void;
  /** Releases the unit's savepoint, or rolls back to it when `committed` is false. */
  endUnit(committed: boolean): void;
  commit(): void;
  rollback(): void;
  /**
   * When present, commit() makes a batch visible but not yet durable, and the queue asks this
   * right after the commit (with the number of units that changed something). It either makes
   * the batch durable before returning (undefined; throws if it cannot), or returns a promise:
   * the queue then runs the next batch and acknowledges this one's units once it resolves.
   * A failure means the disk may have lost committed work: fatal.
   */
  readonly durable?: ((changedUnits: number) => Promise<void> | undefined) | undefined;
}

/** For stores without durability: every step is a no-op. */
export const NO_COMMITTER: Committer = {
  begin() {},
  beginUnit() {},
  endUnit() {},
  commit() {},
  rollback() {},
};

export interface UnitQueueOptions {
  readonly persistence?: Persistence;
  readonly committer?: Committer;
  /** Most units committed together (one transaction, one fsync). */
  readonly maxBatch?: number;
  /** After such a failure memory and disk may disagree: the queue stops and rejects all work. */
  readonly isFatal?: (error: unknown) => boolean;
  readonly onFailure?: (event: { readonly error: unknown; readonly units: number; readonly fatal: boolean }) => void;
}

interface ActiveScope extends Scope {
  readonly queue: UnitQueue;
}

interface Job {
  readonly kind: 'unit' | 'exclusive';
  readonly run: (unit: UnitOfWork) => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

const active = new AsyncLocalStorage<ActiveScope>();
/** A batch is split in two only when each half gets at least this many units. */
const MIN_SPLIT = 4;

/**
 * Runs units of work one at a time, in arrival order, with group commit: every unit waiting
 * when a batch starts (up to `maxBatch`) runs inside one transaction, and all of them are
 * acknowledged only after its single commit. Reads never overlap a batch, so they see only
 * committed state. With a committer that syncs asynchronously (durable()), a batch is
 * acknowledged once its sync completes while the next batch already runs: reads may then see
 * a committed unit shortly before its writer hears back, as with any group commit. Work must not await anything but the store (no network, no timers):
 * the queue waits for it.
 */
export class UnitQueue {
  readonly #persistence: Persistence | undefined;
  readonly #committer: Committer;
  readonly #maxBatch: number;
  readonly #isFatal: (error: unknown) => boolean;
  readonly #onFailure: UnitQueueOptions['onFailure'];
  readonly #jobs: Job[] = [];
  #deferredReads: Array<() => void> = [];
  #writerActive = false;
  #scheduled = false;
  #readsInFlight = 0;
  #readsIdle: (() => void) | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;
  #failure: Error | undefined;
  /** Settles when every committed batch so far is durable and acknowledged. */
  #acknowledged: Promise<void> = Promise.resolve();
  /** Batches committed but not yet durable. */
  #syncing = 0;

  constructor(options: UnitQueueOptions = {}) {
    this.#persistence = options.persistence;
    this.#committer = options.committer ?? NO_COMMITTER;
    this.#maxBatch = options.maxBatch ?? 512;
    this.#isFatal = options.isFatal ?? (() => false);
    this.#onFailure = options.onFailure;
  }

  /** Runs `work` as one unit of work, committed (or rolled back) with its batch. */
  transact<T>(work: (unit: UnitOfWork) => Promise<T>): Promise<T> {
    return this.#enqueue('unit', work as (unit: UnitOfWork) => unknown) as Promise<T>;
  }

  /** Runs `work` alone, between batches (bulk loads). It manages its own transaction. */
  exclusive<T>(work: () => T | Promise<T>): Promise<T> {
    return this.#enqueue('exclusive', work) as Promise<T>;
  }

  /** Runs read-only `work` against committed state; reads may overlap each other. */
  read<T>(work: (scope: Scope) => Promise<T>): Promise<T> {
    const refusal = this.#refusal('read');
    if (refusal !== undefined) return Promise.reject(refusal);
    if (!this.#writerActive) return this.#runRead(work);
    return new Promise<T>((resolve, reject) => {
      this.#deferredReads.push(() => this.#runRead(work).then(resolve, reject));
    });
  }

  /** Lets queued work finish, runs `finalize` alone, then refuses all further work. */
  close(finalize: () => void): Promise<void> {
    const nested = this.#nestedRefusal('close');
    if (nested !== undefined) return Promise.reject(nested);
    if (this.#closing === undefined) {
      this.#closing = new Promise<void>((resolve, reject) => {
        this.#jobs.push({ kind: 'exclusive', run: finalize, resolve: () => resolve(), reject });
      });
      this.#closed = true;
      this.#schedule();
    }
    return this.#closing;
  }

  #enqueue(kind: Job['kind'], run: (unit: UnitOfWork) => unknown): Promise<unknown> {
    const refusal = this.#refusal(kind === 'unit' ? 'transact' : 'exclusive');
    if (refusal !== undefined) return Promise.reject(refusal);
    return new Promise((resolve, reject) => {
      this.#jobs.push({ kind, run, resolve, reject });
      this.#schedule();
    });
  }

  #nestedRefusal(action: string): Error | undefined {
    const scope = active.getStore();
    if (scope === undefined || !scope.open || scope.queue !== this) return undefined;
    return new Error(
      `Cannot ${action} from inside a unit of work or read of the same store: nested units are not supported (they would wait for each other forever); use the tx or reader you were given`,
    );
  }

  #refusal(action: string): Error | undefined {
    const nested = this.#nestedRefusal(action);
    if (nested !== undefined) return nested;
    if (this.#failure !== undefined) {
      return new Error(`Cannot ${action}: the store stopped after a storage failure; restart to reload from disk`, {
        cause: this.#failure,
      });
    }
    if (this.#closed) return new Error(`Cannot ${action}: the store is closed`);
    return undefined;
  }

  // Batches start from setImmediate: every request that arrived in the same I/O phase joins.
  #schedule(): void {
    if (this.#scheduled || this.#writerActive) return;
    this.#scheduled = true;
    setImmediate(() => void this.#drain());
  }

  async #drain(): Promise<void> {
    this.#scheduled = false;
    this.#writerActive = true;
    try {
      if (this.#readsInFlight > 0) await new Promise<void>((resolve) => (this.#readsIdle = resolve));
      const first = this.#jobs[0];
      if (first === undefined) return;
      if (first.kind === 'exclusive') {
        this.#jobs.shift();
        // Exclusive work (bulk loads, close) starts once everything before it is durable.
        await this.#acknowledged;
        await this.#runExclusive(first);
      } else {
        let n = 1;
        while (n < this.#jobs.length && n < this.#maxBatch && this.#jobs[n]!.kind === 'unit') n++;
        // With nothing syncing, run half now: its sync then overlaps the other half's work
        // instead of leaving the thread idle while every waiting unit waits for one sync.
        if (this.#committer.durable !== undefined && this.#syncing === 0 && n >= 2 * MIN_SPLIT) n = Math.ceil(n / 2);
        await this.#runBatch(this.#jobs.splice(0, n));
      }
    } finally {
      this.#writerActive = false;
      const reads = this.#deferredReads;
      this.#deferredReads = [];
      for (const start of reads) start();
      if (this.#jobs.length > 0) this.#schedule();
    }
  }

  async #runExclusive(job: Job): Promise<void> {
    try {
      job.resolve(await job.run(new UnitOfWork(undefined)));
    } catch (error) {
      job.reject(error);
    }
  }

  async #runBatch(batch: Job[]): Promise<void> {
    if (this.#failure !== undefined) {
      for (const job of batch) job.reject(this.#refusal('transact'));
      return;
    }
    try {
      this.#committer.begin();
    } catch (error) {
      this.#fail(error, batch.length, this.#isFatal(error));
      for (const job of batch) job.reject(error);
      return;
    }
    const done: Array<{ job: Job; unit: UnitOfWork; value: unknown }> = [];
    for (let i = 0; i < batch.length; i++) {
      const job = batch[i]!;
      const unit = new UnitOfWork(this.#persistence);
      const scope = { queue: this, open: true };
      try {
        this.#committer.beginUnit();
        let value: unknown;
        try {
          value = await active.run(scope, () => job.run(unit));
        } finally {
          scope.open = false;
          unit.close();
        }
        this.#committer.endUnit(true);
        done.push({ job, unit, value });
      } catch (error) {
        try {
          unit.rollback();
          this.#committer.endUnit(false);
        } catch (fatal) {
          // The unit could not be taken back alone: abandon the whole batch.
          job.reject(error);
          this.#abort(fatal, done, batch.slice(i + 1), true);
          return;
        }
        job.reject(error);
      }
    }
    try {
      this.#committer.commit();
    } catch (error) {
      this.#abort(error, done, [], this.#isFatal(error));
      return;
    }
    if (this.#committer.durable === undefined) {
      for (const { job, value } of done) job.resolve(value);
      return;
    }
    // A batch that changed nothing (every unit refused, say) has nothing to sync: its answers
    // wait only for the batches before it, whose state they may have seen.
    let changed = 0;
    for (const { unit } of done) if (unit.changed) changed++;
    let pending: Promise<void> | undefined;
    try {
      pending = changed > 0 ? this.#committer.durable(changed) : undefined;
    } catch (error) {
      this.#fail(error, done.length, true);
      for (const { job } of done) job.reject(error);
      return;
    }
    if (pending === undefined && this.#syncing === 0) {
      // Durable already (or nothing to sync) and no earlier batch still syncing: answer now.
      for (const { job, value } of done) job.resolve(value);
      return;
    }
    const durable = pending ?? Promise.resolve();
    // Acknowledge in commit order; a later batch's sync covers the earlier ones anyway.
    const before = this.#acknowledged;
    this.#syncing++;
    this.#acknowledged = Promise.all([before, durable]).then(
      () => {
        this.#syncing--;
        for (const { job, value } of done) job.resolve(value);
      },
      (error: unknown) => {
        this.#syncing--;
        this.#fail(error, done.length, true);
        for (const { job } of done) job.reject(error);
      },
    );
  }

  /** Rolls back the open transaction and every completed unit's memory changes; rejects them. */
  #abort(error: unknown, done: ReadonlyArray<{ job: Job; unit: UnitOfWork }>, notRun: readonly Job[], fatal: boolean): void {
    try {
      this.#committer.rollback();
    } catch {
      fatal = true;
    }
    for (let i = done.length - 1; i >= 0; i--) {
      try {
        done[i]!.unit.rollback();
      } catch {
        fatal = true;
      }
    }
    this.#fail(error, done.length + notRun.length, fatal);
    for (const { job } of done) job.reject(error);
    for (const job of notRun) job.reject(error);
  }

  #fail(error: unknown, units: number, fatal: boolean): void {
    if (fatal && this.#failure === undefined) {
      this.#failure = error instanceof Error ? error : new Error(String(error));
    }
    this.#onFailure?.({ error, units, fatal });
  }

  async #runRead<T>(work: (scope: Scope) => Promise<T>): Promise<T> {
    this.#readsInFlight++;
    const scope = { queue: this, open: true };
    try {
      return await active.run(scope, () => work(scope));
    } finally {
      scope.open = false;
      if (--this.#readsInFlight === 0 && this.#readsIdle !== undefined) {
        const idle = this.#readsIdle;
        this.#readsIdle = undefined;
        idle();
      }
    }
  }
}
