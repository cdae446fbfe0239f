/**
 * Constraints on the wire. Native (/v1/constraints, our operators): `POST` takes every field,
 * `PUT` any of them and keeps the others; every refusal names the field and the rule. F3548
 * (peers): a constraint with its details (the reference forms are in adapters/agent/reference-wire.ts).
 */
import type { ConstraintRecord } from '../../../app/agent/agent-store.js';
import type { ConstraintDraft } from '../../../app/agent/manage-constraints.js';
import { DEFAULT_LIMITS } from '../../../app/broker-context.js';
import { invalidInput } from '../../../domain/errors.js';
import { timeBounds } from '../../../domain/geo/volume-4d.js';
import { formatTime, toWireVolume4D } from '../dss-v1/volume-wire.js';
import { isAbsent, readObject, readString } from '../dss-v1/wire/json-read.js';
import { readDetails, readVolumeList, refuseUnknownFields } from './native-fields.js';
import { constraintReferenceToWire } from '../../agent/reference-wire.js';

export const MAX_TYPE_LENGTH = 64;
/** F3548 ConstraintDetails' own fields; the details object may not take them. */
const RESERVED = new Set(['volumes', 'type']);
const KNOWN = ['volumes', 'type', 'details'];

export function parseNewConstraint(body: unknown): ConstraintDraft {
  const o = readObject(body, 'body');
  refuseUnknownFields(o, KNOWN, 'a constraint');
  if (isAbsent(o['volumes'])) throw invalidInput('volumes', 'is required');
  if (isAbsent(o['type'])) throw invalidInput('type', 'is required (e.g. "geozone")');
  return {
    type: readType(o['type']),
    volumes: readVolumeList(o['volumes'], 'volumes', { min: 1, maxVertices: DEFAULT_LIMITS.constraintMaxVertices }),
    details: isAbsent(o['details']) ? {} : readDetails(o['details'], RESERVED, 'the constraint'),
  };
}

/** A change: fields left out keep their current values. */
export function parseConstraintChange(body: unknown): (current: ConstraintRecord) => ConstraintDraft {
  const o = readObject(body, 'body');
  refuseUnknownFields(o, KNOWN, 'a constraint');
  const volumes = isAbsent(o['volumes']) ? undefined : readVolumeList(o['volumes'], 'volumes', { min: 1, maxVertices: DEFAULT_LIMITS.constraintMaxVertices });
  const type = isAbsent(o['type']) ? undefined : readType(o['type']);
  const details = isAbsent(o['details']) ? undefined : readDetails(o['details'], RESERVED, 'the constraint');
  return (current) => ({
    type: type ?? current.type,
    volumes: volumes ?? current.volumes,
    details: details ?? current.details,
  });
}

export function constraintToWire(record: ConstraintRecord) {
  return {
    id: record.id,
    version: record.version,
    type: record.type,
    volumes: record.volumes.map(toWireVolume4D),
    details: record.details,
    created_at: formatTime(record.createdAtMs),
    updated_at: formatTime(record.updatedAtMs),
  };
}

/** One of our constraints as F3548 shows it to processors: the reference with its OVN (for their keys), and the details. */
export function ownConstraintToF3548(record: ConstraintRecord, manager: string, ussBaseUrl: string) {
  const { startMs, endMs } = timeBounds(record.volumes);
  return {
    reference: constraintReferenceToWire({ id: record.id, manager, version: record.version, ovn: record.ovn, timeStartMs: startMs, timeEndMs: endMs, ussBaseUrl }),
    // The details' own fields cannot be volumes or type (RESERVED), so nothing is overwritten.
    details: { volumes: record.volumes.map(toWireVolume4D), type: record.type, ...record.details },
  };
}

function readType(value: unknown): string {
  const type = readString(value, 'type', { min: 1, max: MAX_TYPE_LENGTH });
  if (type.trim() === '') throw invalidInput('type', 'must not be blank');
  return type;
}

