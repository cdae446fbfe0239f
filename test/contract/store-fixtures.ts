/** Records and volumes for the store contract suite: small squares near (10°, 10°) on 2030-01-01. */
import type {
  AvailabilityRecord,
  ConstraintRecord,
  IntentRecord,
  ReportRecord,
  SubscriptionRecord,
} from '../../src/app/ports/store.js';
import type { Volume4D } from '../../src/domain/geo/volume-4d.js';
import type { ConstraintId, IntentId, PartyId, ReportId, SubscriptionId } from '../../src/domain/ids.js';

export const T0 = Date.UTC(2030, 0, 1);
export const HOUR = 3_600_000;
export const ALICE = 'uss-alice' as PartyId;
export const BOB = 'uss-bob' as PartyId;

export function uuid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}
export const intentId = (n: number) => uuid(n) as IntentId;
export const constraintId = (n: number) => uuid(0x100000 + n) as ConstraintId;
export const subscriptionId = (n: number) => uuid(0x200000 + n) as SubscriptionId;
export const reportId = (n: number) => uuid(0x300000 + n) as ReportId;

export interface BoxSpec {
  /** South-west corner and side, in degrees. */
  readonly lat?: number;
  readonly lng?: number;
  readonly size?: number;
  readonly alt?: readonly [number, number];
  readonly time?: readonly [number, number];
}

/** An axis-aligned square footprint with an altitude band and a time window. */
export function box(spec: BoxSpec = {}): Volume4D {
  const { lat = 10, lng = 10, size = 0.01, alt = [0, 120], time = [T0, T0 + HOUR] } = spec;
  return {
    footprint: {
      kind: 'polygon',
      vertices: [
        { lat, lng },
        { lat, lng: lng + size },
        { lat: lat + size, lng: lng + size },
        { lat: lat + size, lng },
      ],
    },
    altitudeLowerM: alt[0],
    altitudeUpperM: alt[1],
    startMs: time[0],
    endMs: time[1],
  };
}

export function circle(lat: number, lng: number, radiusM: number, time: readonly [number, number] = [T0, T0 + HOUR]): Volume4D {
  return {
    footprint: { kind: 'circle', center: { lat, lng }, radiusM },
    altitudeLowerM: 50.25,
    altitudeUpperM: 99.75,
    startMs: time[0],
    endMs: time[1],
  };
}

export function intent(n: number, overrides: Partial<IntentRecord> = {}): IntentRecord {
  const extents = overrides.extents ?? [box()];
  return {
    id: intentId(n),
    manager: ALICE,
    version: 1,
    state: 'Accepted',
    ovn: `ovn-${n}-1`,
    extents,
    ussBaseUrl: 'https://alice.example/uss',
    subscriptionId: null,
    timeStartMs: Math.min(...extents.map((v) => v.startMs)),
    timeEndMs: Math.max(...extents.map((v) => v.endMs)),
    updatedAtMs: T0 - 1000,
    ...overrides,
  };
}

export function constraint(n: number, overrides: Partial<ConstraintRecord> = {}): ConstraintRecord {
  return {
    id: constraintId(n),
    manager: BOB,
    version: 3,
    ovn: `covn-${n}`,
    extents: [box()],
    ussBaseUrl: 'https://bob.example/uss',
    timeStartMs: T0,
    timeEndMs: T0 + HOUR,
    updatedAtMs: T0 - 2000,
    ...overrides,
  };
}

export function subscription(n: number, overrides: Partial<SubscriptionRecord> = {}): SubscriptionRecord {
  return {
    id: subscriptionId(n),
    manager: ALICE,
    version: `v-${n}`,
    notificationIndex: 0,
    extents: [box()],
    ussBaseUrl: 'https://alice.example/uss',
    notifyForIntents: true,
    notifyForConstraints: false,
    implicit: false,
    timeStartMs: T0,
    timeEndMs: T0 + HOUR,
    updatedAtMs: T0 - 3000,
    ...overrides,
  };
}

export function availability(party: PartyId, overrides: Partial<AvailabilityRecord> = {}): AvailabilityRecord {
  return { ussId: party, availability: 'Normal', version: 'av-1', updatedAtMs: T0, ...overrides };
}

export function report(n: number): ReportRecord {
  return {
    id: reportId(n),
    reporter: BOB,
    body: {
      report_id: reportId(n),
      exchange: { url: 'https://alice.example/uss/v1/operational_intents/x', method: 'GET', status: 500, headers: ['a: b'] },
      nested: { ok: true, nothing: null, list: [1, 2.5, 'three'] },
    },
    createdAtMs: T0 + 42,
  };
}

export const ids = (records: ReadonlyArray<{ readonly id: string }>): string[] => records.map((r) => r.id).sort();
