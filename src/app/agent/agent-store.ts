/**
 * The agent's storage port: its party's operations (with every detail, which never leave the
 * agent except through answer-details), the broker writes in flight, the constraints it manages,
 * and the notifications peers sent. Calls are synchronous: the embedded adapter (SQLite) commits each call on its own.
 */
import type { Volume4D } from '../../domain/geo/volume-4d.js';
import type { OperationState } from '../../domain/planning/operation-state.js';

export type { OperationState };

/** A conflict found when the operation was last planned, as the operator was told of it. */
export interface ConflictNote {
  readonly intentId: string;
  readonly owner: string;
  /** The other operation's priority, when its owner disclosed it. */
  readonly priority: number | undefined;
  /** What the owner disclosed to us (its answer's fields). */
  readonly disclosed: Readonly<Record<string, unknown>>;
  /** True when the conflict already existed before this change (modifications only). */
  readonly preExisting: boolean;
}

export interface OperationRecord {
  /** The broker's intent id (UUID). */
  readonly id: string;
  /** The broker's version and OVN of the reference (the OVN is '' once Ended). */
  readonly version: number;
  readonly ovn: string;
  readonly state: OperationState;
  readonly priority: number;
  readonly volumes: readonly Volume4D[];
  readonly offNominalVolumes: readonly Volume4D[];
  /** The operator's detail fields (callsign, aircraft_type, mission, contact, …). */
  readonly details: Readonly<Record<string, unknown>>;
  /** The broker subscription that tells us of new conflicts ('' when none). */
  readonly subscriptionId: string;
  readonly conflicts: readonly ConflictNote[];
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

/**
 * A broker write about to be made. Written before the broker call and cleared after its
 * outcome is saved, so a crash in between is resolved at the next start (see reconcile).
 */
export interface PendingWrite {
  readonly operationId: string;
  readonly kind: 'create' | 'update' | 'delete';
  /** The record to keep if the broker accepted the write (version and ovn from the broker). */
  readonly intended: OperationRecord;
  readonly startedAtMs: number;
}

/**
 * A constraint we manage (F3548 constraint management): a published restriction for every
 * constraint processor, unlike an operation's details.
 */
export interface ConstraintRecord {
  /** The broker's constraint reference id (UUID). */
  readonly id: string;
  /** The broker's version and OVN of the reference. */
  readonly version: number;
  readonly ovn: string;
  /** What kind of restriction it is, in the manager's words (e.g. "geozone"). */
  readonly type: string;
  readonly volumes: readonly Volume4D[];
  /** The fields published with it besides volumes and type (e.g. `geozone`, ED-269). */
  readonly details: Readonly<Record<string, unknown>>;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

/** What a notification is about (F3548 POST /uss/v1/operational_intents or /uss/v1/constraints). */
export type NotificationKind = 'operational_intent' | 'constraint';

export interface NotificationRecord {
  /** Assigned by the store, increasing. */
  readonly seq: number;
  readonly receivedAtMs: number;
  /** The party whose agent sent it (its token's sub). */
  readonly from: string;
  readonly kind: NotificationKind;
  /** The intent's id, or the constraint's when `kind` is 'constraint'. */
  readonly intentId: string;
  /** The reference's version; undefined when the notice says the intent (or constraint) was deleted. */
  readonly version: number | undefined;
  readonly state: string | undefined;
  readonly deleted: boolean;
  readonly subscriptions: readonly { readonly subscriptionId: string; readonly notificationIndex: number }[];
}

export interface AgentStore {
  get(id: string): OperationRecord | undefined;
  /** Every operation, most recently changed first; `states` filters. */
  list(options?: { readonly states?: readonly OperationState[]; readonly limit?: number }): OperationRecord[];
  /** Inserts or replaces the record with this id. */
  put(record: OperationRecord): void;
  /** Removes it; false when there was none. */
  delete(id: string): boolean;

  /** Records a write about to be sent to the broker (one per operation at a time). */
  beginPending(write: PendingWrite): void;
  /** Atomically saves the outcome (`record`, or deletes when null) and clears the pending write. */
  settlePending(operationId: string, outcome: { readonly record: OperationRecord | null } | 'unchanged'): void;
  pending(): PendingWrite[];

  /** Appends a notification and returns it with its seq. */
  addNotification(notification: Omit<NotificationRecord, 'seq'>): NotificationRecord;
  /** Notifications after `afterSeq` (default 0), oldest first, at most `limit` (default 100). */
  notifications(options?: { readonly afterSeq?: number; readonly limit?: number }): NotificationRecord[];
  /** The highest version of this intent (or, with kind 'constraint', constraint) any notification carried. */
  lastNotifiedVersion(intentId: string, kind?: NotificationKind): number | undefined;
  /** Who sent the latest notice that carried this entity's reference (its manager then). */
  lastNotifiedManager(id: string, kind?: NotificationKind): string | undefined;

  getConstraint(id: string): ConstraintRecord | undefined;
  /** Every constraint we manage, newest first, at most `limit` (default 1000). */
  listConstraints(options?: { readonly limit?: number }): ConstraintRecord[];
  /** Inserts or replaces the constraint with this id. */
  putConstraint(record: ConstraintRecord): void;
  /** Removes it; false when there was none. */
  deleteConstraint(id: string): boolean;

  close(): void;
}
