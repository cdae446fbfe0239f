import type {
  AvailabilityRecord,
  CheckpointRecord,
  ConstraintRecord,
  IntentRecord,
  LogEntry,
  ReportRecord,
  SubscriptionRecord,
} from '../../../app/ports/store.js';
import type { AgreementSignature, AgreementVersion } from '../../../domain/agreements/agreement.js';

/**
 * Where a durable store writes each change, synchronously, inside the open transaction.
 * The memory store has none. Puts get the record they replace (undefined for a new one) and
 * deletes the record they remove: the stored copy in memory, which knows where its row is.
 */
export interface Persistence {
  putIntent(record: IntentRecord, previous: IntentRecord | undefined): void;
  deleteIntent(previous: IntentRecord): void;
  putConstraint(record: ConstraintRecord, previous: ConstraintRecord | undefined): void;
  deleteConstraint(previous: ConstraintRecord): void;
  putSubscription(record: SubscriptionRecord, previous: SubscriptionRecord | undefined): void;
  deleteSubscription(previous: SubscriptionRecord): void;
  putAvailability(record: AvailabilityRecord): void;
  putReport(record: ReportRecord): void;
  /** Agreements only grow: a version or signature is inserted, never replaced. */
  putAgreementVersion(version: AgreementVersion): void;
  putAgreementSignature(signature: AgreementSignature): void;
  appendLogEntry(entry: LogEntry): void;
  putCheckpoint(checkpoint: CheckpointRecord): void;
}

/** A window during which repositories may be used: a unit of work or a read. */
export interface Scope {
  readonly open: boolean;
}

export function assertOpen(scope: Scope): void {
  if (!scope.open) {
    throw new Error('Cannot use a repository after its unit of work or read has ended: keep store access inside the work function');
  }
}

type Undo = () => void;

/**
 * One unit of work's changes. Each change is applied to memory, then persisted; if persisting
 * fails the memory change is undone at once, so a change is never half applied even if `work`
 * catches the error. `rollback()` undoes every recorded change in reverse order.
 */
export class UnitOfWork implements Scope {
  #open = true;
  readonly #undo: Undo[] = [];
  readonly persistence: Persistence | undefined;

  constructor(persistence: Persistence | undefined) {
    this.persistence = persistence;
  }

  get open(): boolean {
    return this.#open;
  }

  /** Did this unit change anything (so far)? */
  get changed(): boolean {
    return this.#undo.length > 0;
  }

  /**
   * `apply` changes memory and returns what it replaced, `undo` puts that back, and `persist`
   * writes the change durably (given what it replaced).
   */
  change<P>(apply: () => P, undo: (previous: P) => void, persist?: (persistence: Persistence, previous: P) => void): void {
    assertOpen(this);
    const previous = apply();
    const undoIt = (): void => undo(previous);
    if (this.persistence !== undefined && persist !== undefined) {
      try {
        persist(this.persistence, previous);
      } catch (error) {
        undoIt();
        throw error;
      }
    }
    this.#undo.push(undoIt);
  }

  /** Ends the window in which repositories accept calls; the undo log stays for rollback. */
  close(): void {
    this.#open = false;
  }

  /** Undoes every change, newest first. Throws (after trying them all) if any undo failed. */
  rollback(): void {
    const failures: unknown[] = [];
    for (let i = this.#undo.length - 1; i >= 0; i--) {
      try {
        this.#undo[i]!();
      } catch (error) {
        failures.push(error);
      }
    }
    this.#undo.length = 0;
    if (failures.length > 0) {
      throw new AggregateError(failures, `Could not undo ${failures.length} in-memory change(s) of a failed unit of work`);
    }
  }
}
