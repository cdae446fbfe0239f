import type { ConflictNote, OperationRecord, PendingWrite } from '../../../app/agent/agent-store.js';
import { OPERATION_STATES, isOperationState, type OperationState } from '../../../domain/planning/operation-state.js';
import { toExactJson } from './exact-json.js';
import { StoredJson } from './stored-json.js';
import { volumesFromJson, volumesToJson } from './volume-json.js';

/*
 * Operations and pending writes to and from rows. Scalars are columns (STRICT tables keep
 * their types); volumes, details and conflicts are JSON text, and a pending write's intended
 * record is the whole record as one JSON object in the same shapes.
 */

export interface OperationRow {
  readonly id: string;
  readonly version: number;
  readonly ovn: string;
  readonly state: string;
  readonly priority: number;
  readonly volumes: string;
  readonly off_nominal_volumes: string;
  readonly details: string;
  readonly subscription_id: string;
  readonly conflicts: string;
  readonly created_at_ms: number;
  readonly updated_at_ms: number;
}

export const OPERATION_COLUMNS =
  'id, version, ovn, state, priority, volumes, off_nominal_volumes, details, subscription_id, conflicts, created_at_ms, updated_at_ms';

export function operationToRow(r: OperationRecord): OperationRow {
  const of = (part: string): string => `the ${part} of operation "${r.id}"`;
  return {
    id: r.id,
    version: r.version,
    ovn: r.ovn,
    state: r.state,
    priority: r.priority,
    volumes: toExactJson(volumesToJson(r.volumes), of('volumes')),
    off_nominal_volumes: toExactJson(volumesToJson(r.offNominalVolumes), of('off-nominal volumes')),
    details: toExactJson(r.details, of('details')),
    subscription_id: r.subscriptionId,
    conflicts: toExactJson(conflictsToJson(r.conflicts), of('conflicts')),
    created_at_ms: r.createdAtMs,
    updated_at_ms: r.updatedAtMs,
  };
}

export function operationFromRow(row: OperationRow): OperationRecord {
  const cell = (column: string): StoredJson => new StoredJson({ table: 'operations', id: row.id, column });
  const volumes = cell('volumes');
  const offNominal = cell('off_nominal_volumes');
  const details = cell('details');
  const conflicts = cell('conflicts');
  return {
    id: row.id,
    version: row.version,
    ovn: row.ovn,
    state: stateOf(row.state, cell('state'), ''),
    priority: row.priority,
    volumes: volumesFromJson(volumes.parse(row.volumes), volumes, ''),
    offNominalVolumes: volumesFromJson(offNominal.parse(row.off_nominal_volumes), offNominal, ''),
    details: details.object(details.parse(row.details), ''),
    subscriptionId: row.subscription_id,
    conflicts: conflictsFromJson(conflicts.parse(row.conflicts), conflicts, ''),
    createdAtMs: row.created_at_ms,
    updatedAtMs: row.updated_at_ms,
  };
}

export interface PendingRow {
  readonly operation_id: string;
  readonly kind: string;
  readonly intended: string;
  readonly started_at_ms: number;
}

export function pendingToRow(w: PendingWrite): PendingRow {
  return {
    operation_id: w.operationId,
    kind: w.kind,
    intended: toExactJson(operationToJson(w.intended), `the intended record of the pending ${w.kind} of operation "${w.operationId}"`),
    started_at_ms: w.startedAtMs,
  };
}

const KINDS: readonly PendingWrite['kind'][] = ['create', 'update', 'delete'];

export function pendingFromRow(row: PendingRow): PendingWrite {
  const cell = (column: string): StoredJson => new StoredJson({ table: 'pending_writes', id: row.operation_id, column });
  const kind = KINDS.find((k) => k === row.kind) ?? cell('kind').fail('', `one of ${KINDS.join(', ')}`, row.kind);
  const json = cell('intended');
  const intended = operationFromJson(json.parse(row.intended), json);
  return { operationId: row.operation_id, kind, intended, startedAtMs: row.started_at_ms };
}

/** The whole record as one JSON value, in the shapes of the operations table's JSON columns. */
function operationToJson(r: OperationRecord): unknown {
  return {
    id: r.id,
    version: r.version,
    ovn: r.ovn,
    state: r.state,
    priority: r.priority,
    volumes: volumesToJson(r.volumes),
    offNominalVolumes: volumesToJson(r.offNominalVolumes),
    details: r.details,
    subscriptionId: r.subscriptionId,
    conflicts: conflictsToJson(r.conflicts),
    createdAtMs: r.createdAtMs,
    updatedAtMs: r.updatedAtMs,
  };
}

function operationFromJson(value: unknown, json: StoredJson): OperationRecord {
  const r = json.object(value, '');
  return {
    id: json.string(r.id, '.id'),
    version: json.number(r.version, '.version'),
    ovn: json.string(r.ovn, '.ovn'),
    state: stateOf(r.state, json, '.state'),
    priority: json.number(r.priority, '.priority'),
    volumes: volumesFromJson(r.volumes, json, '.volumes'),
    offNominalVolumes: volumesFromJson(r.offNominalVolumes, json, '.offNominalVolumes'),
    details: json.object(r.details, '.details'),
    subscriptionId: json.string(r.subscriptionId, '.subscriptionId'),
    conflicts: conflictsFromJson(r.conflicts, json, '.conflicts'),
    createdAtMs: json.number(r.createdAtMs, '.createdAtMs'),
    updatedAtMs: json.number(r.updatedAtMs, '.updatedAtMs'),
  };
}

function stateOf(value: unknown, json: StoredJson, path: string): OperationState {
  return isOperationState(value) ? value : json.fail(path, `one of ${OPERATION_STATES.join(', ')}`, value);
}

/** An undisclosed priority is stored as null: JSON has no undefined. */
function conflictsToJson(conflicts: readonly ConflictNote[]): unknown[] {
  return conflicts.map((c) => ({
    intentId: c.intentId,
    owner: c.owner,
    priority: c.priority ?? null,
    disclosed: c.disclosed,
    preExisting: c.preExisting,
  }));
}

function conflictsFromJson(value: unknown, json: StoredJson, path: string): ConflictNote[] {
  return json.array(value, path).map((item, i) => {
    const at = `${path}[${i}]`;
    const c = json.object(item, at);
    return {
      intentId: json.string(c.intentId, `${at}.intentId`),
      owner: json.string(c.owner, `${at}.owner`),
      priority: c.priority === null ? undefined : json.number(c.priority, `${at}.priority`),
      disclosed: json.object(c.disclosed, `${at}.disclosed`),
      preExisting: json.boolean(c.preExisting, `${at}.preExisting`),
    };
  });
}
