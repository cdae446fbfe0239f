/**
 * The agent's native representation of an operation, and the bodies that plan or change one.
 * `POST /v1/operations` takes every field; `PUT /v1/operations/{id}` takes any of them and
 * keeps the others. Every refusal names the field and the rule.
 */
import type { OperationRecord, NotificationRecord } from '../../../app/agent/agent-store.js';
import type { OperationDraft } from '../../../app/agent/plan-operation.js';
import { conflictToProblem } from '../../../app/agent/plan-operation.js';
import type { NotificationDelivery } from '../../../app/agent/send-notifications.js';
import { DEFAULT_LIMITS } from '../../../app/broker-context.js';
import { invalidInput } from '../../../domain/errors.js';
import type { Volume4D } from '../../../domain/geo/volume-4d.js';
import { isIntentState, type IntentState } from '../../../domain/intents/intent-state.js';
import { formatTime, parseVolume4D, toWireVolume4D } from '../dss-v1/volume-wire.js';
import { at, isAbsent, readArray, readObject } from '../dss-v1/wire/json-read.js';

export const MAX_VOLUMES = 64;
export const MAX_DETAIL_FIELDS = 64;
export const MAX_DETAILS_BYTES = 64 * 1024;
/** Field names the operation itself uses; details may not take them. */
const RESERVED = new Set(['volumes', 'off_nominal_volumes', 'priority', 'state', 'id']);
const FIELD_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const KNOWN = ['volumes', 'off_nominal_volumes', 'priority', 'state', 'details'];

export function parseNewOperation(body: unknown): OperationDraft {
  const o = readObject(body, 'body');
  unknownFields(o);
  if (isAbsent(o['volumes'])) throw invalidInput('volumes', 'is required');
  if (isAbsent(o['state'])) throw invalidInput('state', 'is required ("Accepted" or "Activated")');
  const state = readState(o['state']);
  if (state !== 'Accepted' && state !== 'Activated') throw invalidInput('state', 'a new operation is "Accepted" or "Activated"');
  return {
    volumes: readVolumes(o['volumes'], 'volumes', 1),
    offNominalVolumes: isAbsent(o['off_nominal_volumes']) ? [] : readVolumes(o['off_nominal_volumes'], 'off_nominal_volumes', 0),
    priority: isAbsent(o['priority']) ? 0 : readPriority(o['priority']),
    state,
    details: isAbsent(o['details']) ? {} : readDetails(o['details']),
  };
}

/** A change: fields left out keep their current values. */
export function parseOperationChange(body: unknown): (current: OperationRecord) => OperationDraft {
  const o = readObject(body, 'body');
  unknownFields(o);
  const volumes = isAbsent(o['volumes']) ? undefined : readVolumes(o['volumes'], 'volumes', 1);
  const offNominal = isAbsent(o['off_nominal_volumes']) ? undefined : readVolumes(o['off_nominal_volumes'], 'off_nominal_volumes', 0);
  const priority = isAbsent(o['priority']) ? undefined : readPriority(o['priority']);
  const state = isAbsent(o['state']) ? undefined : readState(o['state']);
  const details = isAbsent(o['details']) ? undefined : readDetails(o['details']);
  return (current) => ({
    volumes: volumes ?? current.volumes,
    offNominalVolumes: offNominal ?? current.offNominalVolumes,
    priority: priority ?? current.priority,
    state: state ?? (current.state as IntentState),
    details: details ?? current.details,
  });
}

export function operationToWire(record: OperationRecord) {
  return {
    id: record.id,
    state: record.state,
    version: record.version,
    priority: record.priority,
    volumes: record.volumes.map(toWireVolume4D),
    off_nominal_volumes: record.offNominalVolumes.map(toWireVolume4D),
    details: record.details,
    conflicts: record.conflicts.map(conflictToProblem),
    subscription_id: record.subscriptionId === '' ? null : record.subscriptionId,
    created_at: formatTime(record.createdAtMs),
    updated_at: formatTime(record.updatedAtMs),
  };
}

export function deliveriesToWire(deliveries: readonly NotificationDelivery[]) {
  return deliveries.map((d) => ({ uss_base_url: d.ussBaseUrl, delivered: d.delivered, ...(d.error === undefined ? {} : { error: d.error }) }));
}

/**
 * A constraint notice says `kind: "constraint"` and names its `constraint_id`; an intent notice
 * keeps the form it had before constraints (its `operational_intent_id` says what it is about).
 */
export function notificationToWire(n: NotificationRecord) {
  return {
    seq: n.seq,
    received_at: formatTime(n.receivedAtMs),
    from: n.from,
    ...(n.kind === 'constraint' ? { kind: n.kind, constraint_id: n.intentId } : { operational_intent_id: n.intentId }),
    ...(n.version === undefined ? {} : { version: n.version }),
    ...(n.state === undefined ? {} : { state: n.state }),
    deleted: n.deleted,
    subscriptions: n.subscriptions.map((s) => ({ subscription_id: s.subscriptionId, notification_index: s.notificationIndex })),
  };
}

function unknownFields(o: Readonly<Record<string, unknown>>): void {
  for (const key of Object.keys(o)) if (!KNOWN.includes(key)) throw invalidInput(key, `is not a field of an operation (expected ${KNOWN.join(', ')})`);
}

function readVolumes(value: unknown, field: string, min: number): Volume4D[] {
  const rules = { requireBounds: true, maxVertices: DEFAULT_LIMITS.intentMaxVertices, maxAreaKm2: DEFAULT_LIMITS.maxAreaKm2 };
  return readArray(value, field, { min, max: MAX_VOLUMES }).map((v, i) => parseVolume4D(v, at(field, i), rules));
}

function readPriority(value: unknown): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0 || (value as number) > 100) throw invalidInput('priority', 'must be a whole number from 0 to 100');
  return value as number;
}

function readState(value: unknown): IntentState {
  if (value === 'Ended') throw invalidInput('state', 'end an operation with DELETE /v1/operations/{id}');
  if (!isIntentState(value)) throw invalidInput('state', 'must be one of Accepted, Activated, Nonconforming, Contingent');
  return value;
}

function readDetails(value: unknown): Record<string, unknown> {
  const o = readObject(value, 'details');
  const keys = Object.keys(o);
  if (keys.length > MAX_DETAIL_FIELDS) throw invalidInput('details', `must hold at most ${MAX_DETAIL_FIELDS} fields`);
  for (const key of keys) {
    if (!FIELD_NAME.test(key)) throw invalidInput(`details[${JSON.stringify(key)}]`, 'a detail name is lower-case letters, digits and "_", starting with a letter (at most 64)');
    if (RESERVED.has(key)) throw invalidInput(`details.${key}`, `"${key}" is a field of the operation itself, not a detail`);
  }
  if (Buffer.byteLength(JSON.stringify(o)) > MAX_DETAILS_BYTES) throw invalidInput('details', `must be at most ${MAX_DETAILS_BYTES} bytes of JSON`);
  return { ...o };
}
