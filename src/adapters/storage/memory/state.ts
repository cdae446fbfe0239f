import type {
  AvailabilityRecord,
  ConstraintRecord,
  DeclarationRecord,
  IntentRecord,
  ReportRecord,
  SubscriptionRecord,
} from '../../../app/ports/store.js';
import { VolumeIndex } from '../../../domain/cells/volume-index.js';
import type { Volume4D } from '../../../domain/geo/volume-4d.js';
import type { ConstraintId, IntentId, PartyId, ReportId, SubscriptionId } from '../../../domain/ids.js';
import { sha256Hasher } from '../../crypto/sha256-hasher.js';
import { AgreementTable } from './agreement-table.js';
import { LogState, type EntrySource } from './log-state.js';
import { packRecord, packedExtents } from './packed-extents.js';
import { sameVolumes } from './same-volumes.js';

/** Same volumes? Packed forms compare as strings (the format is canonical). */
function samePacked(a: object & { readonly extents: readonly Volume4D[] }, b: object & { readonly extents: readonly Volume4D[] }): boolean {
  const pa = packedExtents(a);
  const pb = packedExtents(b);
  return pa !== undefined && pb !== undefined ? pa === pb : sameVolumes(a.extents, b.extents);
}

/**
 * Records with extents, kept in a Map by id and in a VolumeIndex. Every operation either
 * completes on both or leaves both as they were, so an undo is always "put the old record back".
 */
export class IndexedTable<Id extends string, R extends { readonly id: Id; readonly extents: readonly Volume4D[] }> {
  readonly byId = new Map<Id, R>();
  readonly index = new VolumeIndex();
  /** What the index keeps beside each record's id, for searches that skip on it (an intent's OVN). */
  readonly #tagOf: ((record: R) => string) | undefined;

  constructor(tagOf?: (record: R) => string) {
    this.#tagOf = tagOf;
  }

  /**
   * Inserts or replaces (keeping the extents packed); returns the record it replaced.
   * `volumes`, when the caller still holds them unpacked, spares decoding the packed copy.
   */
  put(given: R, volumes: readonly Volume4D[] = given.extents): R | undefined {
    const record = packRecord(given);
    const previous = this.byId.get(record.id);
    const tag = this.#tagOf?.(record);
    if (previous === undefined) {
      this.index.insert(record.id, volumes, tag);
    } else if (!samePacked(previous, record)) {
      this.index.remove(record.id);
      try {
        this.index.insert(record.id, volumes, tag);
      } catch (error) {
        this.index.insert(record.id, previous.extents, this.#tagOf?.(previous));
        throw error;
      }
    } else {
      this.index.retag(record.id, tag);
    }
    this.byId.set(record.id, record);
    return previous;
  }

  /** Removes; returns the removed record, if there was one. */
  delete(id: Id): R | undefined {
    const previous = this.byId.get(id);
    if (previous === undefined) return undefined;
    this.index.remove(id);
    this.byId.delete(id);
    return previous;
  }

  /** Brings `id` back to `previous` (absent when undefined). */
  restore(id: Id, previous: R | undefined): void {
    if (previous === undefined) this.delete(id);
    else this.put(previous);
  }
}

/**
 * The broker's hot state, shared by the memory and SQLite stores: every record by id, one
 * spatial index per searchable kind, and the intents attached to each subscription.
 * It is plain data with atomic primitives; units of work, undo and durability live above it.
 * Records are immutable values: the state keeps the objects it is given and hands them out.
 */
export class InMemoryState {
  readonly intents = new IndexedTable<IntentId, IntentRecord>((intent) => intent.ovn);
  readonly constraints = new IndexedTable<ConstraintId, ConstraintRecord>();
  readonly subscriptions = new IndexedTable<SubscriptionId, SubscriptionRecord>();
  readonly availability = new Map<PartyId, AvailabilityRecord>();
  readonly reports = new Map<ReportId, ReportRecord>();
  /** Planning declarations live minutes and are not persisted: the log keeps each one. */
  readonly declarations = new IndexedTable<string, DeclarationRecord>();
  /** Every agreement version and signature, and the zones in force. */
  readonly agreements = new AgreementTable();
  readonly log: LogState;
  readonly #intentsBySubscription = new Map<SubscriptionId, Set<IntentId>>();

  /** `logSource`: where log entries live when not in memory (the SQLite store's table). */
  constructor(logSource?: EntrySource) {
    this.log = new LogState(sha256Hasher, logSource);
  }

  putIntent(record: IntentRecord, volumes?: readonly Volume4D[]): IntentRecord | undefined {
    const previous = this.intents.put(record, volumes);
    const before = previous?.subscriptionId ?? null;
    if (before !== record.subscriptionId) {
      if (before !== null) this.#unlink(before, record.id);
      if (record.subscriptionId !== null) this.#link(record.subscriptionId, record.id);
    }
    return previous;
  }

  deleteIntent(id: IntentId): IntentRecord | undefined {
    const previous = this.intents.delete(id);
    if (previous?.subscriptionId != null) this.#unlink(previous.subscriptionId, id);
    return previous;
  }

  restoreIntent(id: IntentId, previous: IntentRecord | undefined): void {
    if (previous === undefined) this.deleteIntent(id);
    else this.putIntent(previous);
  }

  /** Ids of the intents whose subscriptionId is `id`, in attachment order. */
  intentIdsOf(id: SubscriptionId): IntentId[] {
    const ids = this.#intentsBySubscription.get(id);
    return ids === undefined ? [] : [...ids];
  }

  putAvailability(record: AvailabilityRecord): AvailabilityRecord | undefined {
    const previous = this.availability.get(record.ussId);
    this.availability.set(record.ussId, record);
    return previous;
  }

  restoreAvailability(ussId: PartyId, previous: AvailabilityRecord | undefined): void {
    if (previous === undefined) this.availability.delete(ussId);
    else this.availability.set(ussId, previous);
  }

  putReport(record: ReportRecord): ReportRecord | undefined {
    const previous = this.reports.get(record.id);
    this.reports.set(record.id, record);
    return previous;
  }

  restoreReport(id: ReportId, previous: ReportRecord | undefined): void {
    if (previous === undefined) this.reports.delete(id);
    else this.reports.set(id, previous);
  }

  #link(subscriptionId: SubscriptionId, intentId: IntentId): void {
    let ids = this.#intentsBySubscription.get(subscriptionId);
    if (ids === undefined) {
      ids = new Set();
      this.#intentsBySubscription.set(subscriptionId, ids);
    }
    ids.add(intentId);
  }

  #unlink(subscriptionId: SubscriptionId, intentId: IntentId): void {
    const ids = this.#intentsBySubscription.get(subscriptionId);
    if (ids === undefined) return;
    ids.delete(intentId);
    if (ids.size === 0) this.#intentsBySubscription.delete(subscriptionId);
  }
}
