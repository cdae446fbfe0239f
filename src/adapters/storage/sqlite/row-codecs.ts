import type {
  Availability,
  AvailabilityRecord,
  ConstraintRecord,
  IntentRecord,
  ReportRecord,
  SubscriptionRecord,
} from '../../../app/ports/store.js';
import type { ConstraintId, IntentId, PartyId, ReportId, SubscriptionId } from '../../../domain/ids.js';
import type { IntentState } from '../../../domain/intents/intent-state.js';
import { extentsBlob, withPackedExtents } from '../memory/packed-extents.js';

/*
 * Records to and from positional rows (statements run in raw mode). Each kind has its column
 * list, a `toRow` and a `fromRow`, kept side by side so the orders cannot drift apart.
 */
export type Row = readonly unknown[];

export const INTENT_COLUMNS = [
  'id', 'manager', 'version', 'state', 'ovn', 'extents', 'uss_base_url', 'subscription_id',
  'time_start_ms', 'time_end_ms', 'updated_at_ms',
] as const;

export function intentToRow(r: IntentRecord): Row {
  return [
    r.id, r.manager, r.version, r.state, r.ovn, extentsBlob(r), r.ussBaseUrl, r.subscriptionId,
    r.timeStartMs, r.timeEndMs, r.updatedAtMs,
  ];
}

export function intentFromRow(row: Row): IntentRecord {
  const id = row[0] as IntentId;
  return withPackedExtents<IntentRecord>({
    id,
    manager: row[1] as PartyId,
    version: row[2] as number,
    state: row[3] as IntentState,
    ovn: row[4] as string,
    ussBaseUrl: row[6] as string,
    subscriptionId: row[7] as SubscriptionId | null,
    timeStartMs: row[8] as number,
    timeEndMs: row[9] as number,
    updatedAtMs: row[10] as number,
  }, row[5] as Buffer);
}

export const CONSTRAINT_COLUMNS = [
  'id', 'manager', 'version', 'ovn', 'extents', 'uss_base_url', 'time_start_ms', 'time_end_ms', 'updated_at_ms',
] as const;

export function constraintToRow(r: ConstraintRecord): Row {
  return [
    r.id, r.manager, r.version, r.ovn, extentsBlob(r), r.ussBaseUrl, r.timeStartMs, r.timeEndMs,
    r.updatedAtMs,
  ];
}

export function constraintFromRow(row: Row): ConstraintRecord {
  const id = row[0] as ConstraintId;
  return withPackedExtents<ConstraintRecord>({
    id,
    manager: row[1] as PartyId,
    version: row[2] as number,
    ovn: row[3] as string,
    ussBaseUrl: row[5] as string,
    timeStartMs: row[6] as number,
    timeEndMs: row[7] as number,
    updatedAtMs: row[8] as number,
  }, row[4] as Buffer);
}

export const SUBSCRIPTION_COLUMNS = [
  'id', 'manager', 'version', 'notification_index', 'extents', 'uss_base_url', 'notify_for_intents',
  'notify_for_constraints', 'implicit', 'time_start_ms', 'time_end_ms', 'updated_at_ms',
] as const;

export function subscriptionToRow(r: SubscriptionRecord): Row {
  return [
    r.id, r.manager, r.version, r.notificationIndex, extentsBlob(r), r.ussBaseUrl,
    r.notifyForIntents ? 1 : 0, r.notifyForConstraints ? 1 : 0, r.implicit ? 1 : 0,
    r.timeStartMs, r.timeEndMs, r.updatedAtMs,
  ];
}

export function subscriptionFromRow(row: Row): SubscriptionRecord {
  const id = row[0] as SubscriptionId;
  return withPackedExtents<SubscriptionRecord>({
    id,
    manager: row[1] as PartyId,
    version: row[2] as string,
    notificationIndex: row[3] as number,
    ussBaseUrl: row[5] as string,
    notifyForIntents: row[6] === 1,
    notifyForConstraints: row[7] === 1,
    implicit: row[8] === 1,
    timeStartMs: row[9] as number,
    timeEndMs: row[10] as number,
    updatedAtMs: row[11] as number,
  }, row[4] as Buffer);
}

export const AVAILABILITY_COLUMNS = ['uss_id', 'availability', 'version', 'updated_at_ms'] as const;

export function availabilityToRow(r: AvailabilityRecord): Row {
  return [r.ussId, r.availability, r.version, r.updatedAtMs];
}

export function availabilityFromRow(row: Row): AvailabilityRecord {
  return {
    ussId: row[0] as PartyId,
    availability: row[1] as Availability,
    version: row[2] as string,
    updatedAtMs: row[3] as number,
  };
}

export const REPORT_COLUMNS = ['id', 'reporter', 'body', 'created_at_ms'] as const;

export function reportToRow(r: ReportRecord): Row {
  return [r.id, r.reporter, JSON.stringify(r.body), r.createdAtMs];
}

export function reportFromRow(row: Row): ReportRecord {
  return {
    id: row[0] as ReportId,
    reporter: row[1] as PartyId,
    body: JSON.parse(row[2] as string) as Record<string, unknown>,
    createdAtMs: row[3] as number,
  };
}
