import type { ConstraintRecord } from '../../../app/agent/agent-store.js';
import { toExactJson } from './exact-json.js';
import { StoredJson } from './stored-json.js';
import { volumesFromJson, volumesToJson } from './volume-json.js';

/* The constraints we manage to and from rows: scalars are columns, volumes and details JSON text. */

export interface ConstraintRow {
  readonly id: string;
  readonly version: number;
  readonly ovn: string;
  readonly type: string;
  readonly volumes: string;
  readonly details: string;
  readonly created_at_ms: number;
  readonly updated_at_ms: number;
}

export const CONSTRAINT_COLUMNS = 'id, version, ovn, type, volumes, details, created_at_ms, updated_at_ms';

export function constraintToRow(r: ConstraintRecord): ConstraintRow {
  const of = (part: string): string => `the ${part} of constraint "${r.id}"`;
  return {
    id: r.id,
    version: r.version,
    ovn: r.ovn,
    type: r.type,
    volumes: toExactJson(volumesToJson(r.volumes), of('volumes')),
    details: toExactJson(r.details, of('details')),
    created_at_ms: r.createdAtMs,
    updated_at_ms: r.updatedAtMs,
  };
}

export function constraintFromRow(row: ConstraintRow): ConstraintRecord {
  const cell = (column: string): StoredJson => new StoredJson({ table: 'constraints', id: row.id, column });
  const volumes = cell('volumes');
  const details = cell('details');
  return {
    id: row.id,
    version: row.version,
    ovn: row.ovn,
    type: row.type,
    volumes: volumesFromJson(volumes.parse(row.volumes), volumes, ''),
    details: details.object(details.parse(row.details), ''),
    createdAtMs: row.created_at_ms,
    updatedAtMs: row.updated_at_ms,
  };
}
