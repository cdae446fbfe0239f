import type {
  AvailabilityRecord,
  ConstraintRecord,
  IntentRecord,
  ReportRecord,
  SubscriptionRecord,
} from '../../../app/ports/store.js';
import type { ConstraintId, IntentId, SubscriptionId } from '../../../domain/ids.js';

/**
 * Where a durable store writes each change, synchronously, inside the open transaction.
 * The memory store has none.
 */
export interface Persistence {
  putIntent(record: IntentRecord): void;
  deleteIntent(id: IntentId): void;
  putConstraint(record: ConstraintRecord): void;
  deleteConstraint(id: ConstraintId): void;
  putSubscription(record: SubscriptionRecord): void;
  deleteSubscription(id: SubscriptionId): void;
  putAvailability(record: AvailabilityRecord): void;
  putReport(record: ReportRecord): void;
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

  /** `apply` changes memory and returns how to undo it; `persist` writes it durably. */
  change(apply: () => Undo, persist?: (persistence: Persistence) => void): void {
    assertOpen(this);
    const undo = apply();
    if (this.persistence !== undefined && persist !== undefined) {
      try {
        persist(this.persistence);
      } catch (error) {
        undo();
        throw error;
      }
    }
    this.#undo.push(undo);
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
