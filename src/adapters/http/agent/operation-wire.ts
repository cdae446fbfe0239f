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
import { isIntentState, type IntentState } from '../../../domain/intents/intent-state.js';
import { formatTime, toWireVolume4D } from '../dss-v1/volume-wire.js';
import { isAbsent, readObject } from '../dss-v1/wire/json-read.js';
import { readDetails, readVolumeList, refuseUnknownFields } from './native-fields.js';

/** Field names the operation itself uses; details may not take them. */
const RESERVED = new Set(['volumes', 'off_nominal_volumes', 'priority', 'state', 'id']);
const KNOWN = ['volumes', 'off_nominal_volumes', 'priority', 'state', 'details'];

export function parseNewOperation(body: unknown): OperationDraft {
  const o = readObject(body, 'body');
  refuseUnknownFields(o, KNOWN, 'an operation');
  if (isAbsent(o['volumes'])) throw invalidInput('volumes', 'is required');
  if (isAbsent(o['state'])) throw invalidInput('state', 'is required ("Accepted" or "Activated")');
  const state = readState(o['state']);
  if (state !== 'Accepted' && state !== 'Activated') throw invalidInput('state', 'a new operation is "Accepted" or "Activated"');
  return {
    volumes: readVolumeList(o['volumes'], 'volumes', { min: 1, maxVertices: DEFAULT_LIMITS.intentMaxVertices }),
    offNominalVolumes: isAbsent(o['off_nominal_volumes']) ? [] : readVolumeList(o['off_nominal_volumes'], 'off_nominal_volumes', { min: 0, maxVertices: DEFAULT_LIMITS.intentMaxVertices }),
    priority: isAbsent(o['priority']) ? 0 : readPriority(o['priority']),
    state,
    details: isAbsent(o['details']) ? {} : readDetails(o['details'], RESERVED, 'the operation'),
  };
}

/** A change: fields left out keep their current values. */
export function parseOperationChange(body: unknown): (current: OperationRecord) => OperationDraft {
  const o = readObject(body, 'body');
  refuseUnknownFields(o, KNOWN, 'an operation');
  const volumes = isAbsent(o['volumes']) ? undefined : readVolumeList(o['volumes'], 'volumes', { min: 1, maxVertices: DEFAULT_LIMITS.intentMaxVertices });
  const offNominal = isAbsent(o['off_nominal_volumes']) ? undefined : readVolumeList(o['off_nominal_volumes'], 'off_nominal_volumes', { min: 0, maxVertices: DEFAULT_LIMITS.intentMaxVertices });
  const priority = isAbsent(o['priority']) ? undefined : readPriority(o['priority']);
  const state = isAbsent(o['state']) ? undefined : readState(o['state']);
  const details = isAbsent(o['details']) ? undefined : readDetails(o['details'], RESERVED, 'the operation');
  return (current) => ({
    volumes: volumes ?? current.volumes,
    // Back to Accepted or Activated, an aircraft has no off-nominal volumes any more.
    offNominalVolumes: offNominal ?? (state === 'Accepted' || state === 'Activated' ? [] : current.offNominalVolumes),
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

function readPriority(value: unknown): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0 || (value as number) > 100) throw invalidInput('priority', 'must be a whole number from 0 to 100');
  return value as number;
}

function readState(value: unknown): IntentState {
  if (value === 'Ended') throw invalidInput('state', 'end an operation with DELETE /v1/operations/{id}');
  if (!isIntentState(value)) throw invalidInput('state', 'must be one of Accepted, Activated, Nonconforming, Contingent');
  return value;
}

