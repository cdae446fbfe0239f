/**
 * The broker's storage port. A Store runs units of work: each `transact` call is all or
 * nothing, and no other unit of work sees its changes before it commits. Adapters: memory,
 * SQLite (embedded default); every adapter passes test/contract/store.contract.ts.
 */
import type { AgreementRecord, AgreementSignature, AgreementVersion } from '../../domain/agreements/agreement.js';
import type { Zone } from '../../domain/agreements/zone-rules.js';
import type { Volume4D } from '../../domain/geo/volume-4d.js';
import type { ConstraintId, IntentId, PartyId, ReportId, SubscriptionId } from '../../domain/ids.js';
import type { IntentState } from '../../domain/intents/intent-state.js';

export type Availability = 'Unknown' | 'Normal' | 'Down';

export interface IntentRecord {
  readonly id: IntentId;
  readonly manager: PartyId;
  readonly version: number;
  readonly state: IntentState;
  readonly ovn: string;
  readonly extents: readonly Volume4D[];
  readonly ussBaseUrl: string;
  readonly subscriptionId: SubscriptionId | null;
  readonly timeStartMs: number;
  readonly timeEndMs: number;
  readonly updatedAtMs: number;
}

export interface ConstraintRecord {
  readonly id: ConstraintId;
  readonly manager: PartyId;
  readonly version: number;
  readonly ovn: string;
  readonly extents: readonly Volume4D[];
  readonly ussBaseUrl: string;
  readonly timeStartMs: number;
  readonly timeEndMs: number;
  readonly updatedAtMs: number;
}

export interface SubscriptionRecord {
  readonly id: SubscriptionId;
  readonly manager: PartyId;
  /** Opaque version string; changes on every write. */
  readonly version: string;
  readonly notificationIndex: number;
  /** One volume for explicit subscriptions; implicit ones grow with their intents. */
  readonly extents: readonly Volume4D[];
  readonly ussBaseUrl: string;
  readonly notifyForIntents: boolean;
  readonly notifyForConstraints: boolean;
  readonly implicit: boolean;
  readonly timeStartMs: number;
  readonly timeEndMs: number;
  readonly updatedAtMs: number;
}

export interface AvailabilityRecord {
  readonly ussId: PartyId;
  readonly availability: Availability;
  readonly version: string;
  readonly updatedAtMs: number;
}

export interface ReportRecord {
  readonly id: ReportId;
  readonly reporter: PartyId;
  /** The ErrorReport body as received, with `report_id` set. */
  readonly body: Readonly<Record<string, unknown>>;
  readonly createdAtMs: number;
}

export interface SpatialSearch {
  /** Stop after this many matches (F3548 result cap). */
  readonly limit: number;
}

export interface IntentSearch extends SpatialSearch {
  /**
   * Intents left out, before any exact geometry test: the one with this id, and every one whose
   * current OVN is in `ovns` (a key check asks only for the intersecting intents its key lacks).
   */
  readonly exclude?: { readonly id?: IntentId; readonly ovns?: ReadonlySet<string> };
}

export interface IntentReader {
  get(id: IntentId): Promise<IntentRecord | undefined>;
  /** Intents any of whose extents intersects any area volume in 2D, altitude and time (closed intervals). */
  findIntersecting(area: readonly Volume4D[], search: IntentSearch): Promise<IntentRecord[]>;
  /** Ids of the intents attached to a subscription. */
  listBySubscription(id: SubscriptionId): Promise<IntentId[]>;
}

export interface IntentRepository extends IntentReader {
  /** Insert or replace. */
  put(record: IntentRecord): Promise<void>;
  delete(id: IntentId): Promise<void>;
}

export interface ConstraintReader {
  get(id: ConstraintId): Promise<ConstraintRecord | undefined>;
  findIntersecting(area: readonly Volume4D[], search: SpatialSearch): Promise<ConstraintRecord[]>;
}

export interface ConstraintRepository extends ConstraintReader {
  put(record: ConstraintRecord): Promise<void>;
  delete(id: ConstraintId): Promise<void>;
}

export interface SubscriptionSearch extends SpatialSearch {
  /** Subscriptions that ended before this instant are treated as deleted. */
  readonly nowMs: number;
  /** Only subscriptions notifying for this kind of entity. */
  readonly notifyFor?: 'intents' | 'constraints';
  /** Only this party's subscriptions. */
  readonly manager?: PartyId;
  /** Match on footprint and time only (InterUSS matches subscribers without altitude). */
  readonly ignoreAltitude?: boolean;
}

export interface SubscriptionReader {
  get(id: SubscriptionId): Promise<SubscriptionRecord | undefined>;
  findIntersecting(area: readonly Volume4D[], search: SubscriptionSearch): Promise<SubscriptionRecord[]>;
}

export interface SubscriptionRepository extends SubscriptionReader {
  put(record: SubscriptionRecord): Promise<void>;
  delete(id: SubscriptionId): Promise<void>;
}

export interface AvailabilityReader {
  get(ussId: PartyId): Promise<AvailabilityRecord | undefined>;
}

export interface AvailabilityRepository extends AvailabilityReader {
  put(record: AvailabilityRecord): Promise<void>;
}

export interface ReportRepository {
  get(id: ReportId): Promise<ReportRecord | undefined>;
  put(record: ReportRecord): Promise<void>;
}

/**
 * A planning declaration: the volumes a party says it intends to fly, put on record so that the
 * broker may vouch (with intersection tickets) for its interest in the intents they meet.
 */
export interface DeclarationRecord {
  readonly id: string;
  readonly party: PartyId;
  readonly extents: readonly Volume4D[];
  readonly createdAtMs: number;
  readonly expiresAtMs: number;
  /** The priority the party declared with it (a whole number 0..100), carried by its tickets. */
  readonly priority?: number;
}

export interface DeclarationReader {
  /** The party's declarations still live at `nowMs`, oldest first. */
  live(party: PartyId, nowMs: number): Promise<DeclarationRecord[]>;
  /** The party's live declarations any of whose volumes intersects the area. */
  findIntersecting(area: readonly Volume4D[], search: { readonly party: PartyId; readonly nowMs: number; readonly limit: number }): Promise<DeclarationRecord[]>;
}

export interface DeclarationRepository extends DeclarationReader {
  put(record: DeclarationRecord): Promise<void>;
  delete(id: string): Promise<void>;
}

/** Agreements (issue 5): every version and valid signature, kept for ever. */
export interface AgreementReader {
  get(id: string): Promise<AgreementRecord | undefined>;
  /** Every agreement, in the order first proposed. */
  list(): Promise<AgreementRecord[]>;
  /**
   * The zones of agreements in force (their latest complete version does not withdraw them) any
   * of whose volumes, cut to their effective window, meets any of `extents` in 2D, altitude and time.
   */
  zonesMeeting(extents: readonly Volume4D[]): Promise<Zone[]>;
}

export interface AgreementRepository extends AgreementReader {
  /** Adds a version (its number is one more than the agreement's last, or 1 for a new agreement). */
  putVersion(version: AgreementVersion): Promise<void>;
  /** Adds a valid signature (at most one per party and version). */
  putSignature(signature: AgreementSignature): Promise<void>;
}

/** What a log entry holds before it has a place in the log. */
export interface LogEntryInput {
  /** What happened, e.g. "intent.create" (also inside `content`). */
  readonly kind: string;
  /** The parties the entry concerns: only they are shown its salt and content. */
  readonly parties: readonly PartyId[];
  /** 32 fresh random bytes. */
  readonly salt: Uint8Array;
  /** The event as canonical JSON (RFC 8785). */
  readonly content: string;
  /** The leaf data everyone sees: SHA-256(salt || UTF-8 content), 32 bytes. */
  readonly data: Uint8Array;
  readonly createdAtMs: number;
}

export interface LogEntry extends LogEntryInput {
  /** Position in the log (the Merkle tree's leaf index), from 0. */
  readonly index: number;
}

/** A signed checkpoint the broker has handed out (C2SP signed note). */
export interface CheckpointRecord {
  readonly size: number;
  readonly note: string;
  readonly signedAtMs: number;
}

/** The verifiable log (RFC 9162 Merkle tree over the entries' leaf data). */
export interface LogReader {
  /** Entries in the log. */
  size(): number;
  /** The tree head of the first `size` entries (32 bytes). */
  root(size: number): Uint8Array;
  inclusionProof(index: number, size: number): Uint8Array[];
  consistencyProof(from: number, to: number): Uint8Array[];
  /** Up to `limit` entries from index `start`, in order. */
  entries(start: number, limit: number): Promise<LogEntry[]>;
  /** The checkpoint signed last, if any. */
  latestCheckpoint(): Promise<CheckpointRecord | undefined>;
}

export interface LogRepository extends LogReader {
  /** Appends the entry as the unit's change record; returns its index. */
  append(entry: LogEntryInput): Promise<number>;
  saveCheckpoint(checkpoint: CheckpointRecord): Promise<void>;
}

export interface StoreReader {
  readonly intents: IntentReader;
  readonly constraints: ConstraintReader;
  readonly subscriptions: SubscriptionReader;
  readonly availability: AvailabilityReader;
  readonly declarations: DeclarationReader;
  readonly agreements: AgreementReader;
  readonly log: LogReader;
}

export interface StoreTx {
  readonly intents: IntentRepository;
  readonly constraints: ConstraintRepository;
  readonly subscriptions: SubscriptionRepository;
  readonly availability: AvailabilityRepository;
  readonly reports: ReportRepository;
  readonly declarations: DeclarationRepository;
  readonly agreements: AgreementRepository;
  readonly log: LogRepository;
}

export interface Store {
  /** Runs `work` as one unit: every change commits together, or (if it throws) none does. */
  transact<T>(work: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Runs read-only `work` against a consistent, committed state. */
  read<T>(work: (reader: StoreReader) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
