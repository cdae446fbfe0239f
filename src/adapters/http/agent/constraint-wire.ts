/**
 * Constraints on the wire. Native (/v1/constraints, our operators): `POST` takes every field,
 * `PUT` any of them and keeps the others; every refusal names the field and the rule. F3548
 * (peers and the broker): the ConstraintReference and ConstraintDetails forms.
 */
import type { ConstraintReferenceView } from '../../../app/agent/agent-ports.js';
import type { ConstraintRecord } from '../../../app/agent/agent-store.js';
import type { ConstraintDraft } from '../../../app/agent/manage-constraints.js';
import { DEFAULT_LIMITS } from '../../../app/broker-context.js';
import { invalidInput } from '../../../domain/errors.js';
import { timeBounds, type Volume4D } from '../../../domain/geo/volume-4d.js';
import { formatTime, parseTime, parseVolume4D, toWireVolume4D } from '../dss-v1/volume-wire.js';
import { at, isAbsent, readArray, readObject, readString } from '../dss-v1/wire/json-read.js';
import { HIDDEN_OVN, wireTime } from '../dss-v1/wire/to-wire.js';
import { MAX_DETAIL_FIELDS, MAX_DETAILS_BYTES, MAX_VOLUMES } from './operation-wire.js';

export const MAX_TYPE_LENGTH = 64;
/** F3548 ConstraintDetails' own fields; the details object may not take them. */
const RESERVED = new Set(['volumes', 'type']);
const FIELD_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const KNOWN = ['volumes', 'type', 'details'];

export function parseNewConstraint(body: unknown): ConstraintDraft {
  const o = readObject(body, 'body');
  unknownFields(o);
  if (isAbsent(o['volumes'])) throw invalidInput('volumes', 'is required');
  if (isAbsent(o['type'])) throw invalidInput('type', 'is required (e.g. "geozone")');
  return {
    type: readType(o['type']),
    volumes: readVolumes(o['volumes']),
    details: isAbsent(o['details']) ? {} : readDetails(o['details']),
  };
}

/** A change: fields left out keep their current values. */
export function parseConstraintChange(body: unknown): (current: ConstraintRecord) => ConstraintDraft {
  const o = readObject(body, 'body');
  unknownFields(o);
  const volumes = isAbsent(o['volumes']) ? undefined : readVolumes(o['volumes']);
  const type = isAbsent(o['type']) ? undefined : readType(o['type']);
  const details = isAbsent(o['details']) ? undefined : readDetails(o['details']);
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

export function constraintReferenceToWire(reference: ConstraintReferenceView) {
  return {
    id: reference.id,
    manager: reference.manager,
    uss_availability: 'Normal',
    version: reference.version,
    ovn: reference.ovn ?? HIDDEN_OVN,
    time_start: wireTime(reference.timeStartMs),
    time_end: wireTime(reference.timeEndMs),
    uss_base_url: reference.ussBaseUrl,
  };
}

/** An F3548 ConstraintReference from the broker or a peer; unknown fields are ignored. */
export function readConstraintReference(value: unknown, field: string): ConstraintReferenceView {
  const o = readObject(value, field);
  const version = o['version'];
  if (!Number.isSafeInteger(version) || (version as number) < 1) throw invalidInput(`${field}.version`, 'must be a whole number ≥ 1');
  const ovn = o['ovn'];
  return {
    id: readString(o['id'], `${field}.id`, { min: 1, max: 64 }),
    manager: readString(o['manager'], `${field}.manager`, { min: 1, max: 256 }),
    version: version as number,
    ovn: typeof ovn === 'string' && ovn !== '' && ovn !== HIDDEN_OVN ? ovn : undefined,
    timeStartMs: parseTime(o['time_start'], `${field}.time_start`),
    timeEndMs: parseTime(o['time_end'], `${field}.time_end`, { roundUp: true }),
    ussBaseUrl: readString(o['uss_base_url'], `${field}.uss_base_url`, { min: 1, max: 2048 }),
  };
}

function unknownFields(o: Readonly<Record<string, unknown>>): void {
  for (const key of Object.keys(o)) if (!KNOWN.includes(key)) throw invalidInput(key, `is not a field of a constraint (expected ${KNOWN.join(', ')})`);
}

function readType(value: unknown): string {
  const type = readString(value, 'type', { min: 1, max: MAX_TYPE_LENGTH });
  if (type.trim() === '') throw invalidInput('type', 'must not be blank');
  return type;
}

/** Bounded volumes (times and altitudes given), as the broker takes them for a constraint. */
function readVolumes(value: unknown): Volume4D[] {
  const rules = { requireBounds: true, maxVertices: DEFAULT_LIMITS.constraintMaxVertices, maxAreaKm2: DEFAULT_LIMITS.maxAreaKm2 };
  return readArray(value, 'volumes', { min: 1, max: MAX_VOLUMES }).map((v, i) => parseVolume4D(v, at('volumes', i), rules));
}

function readDetails(value: unknown): Record<string, unknown> {
  const o = readObject(value, 'details');
  const keys = Object.keys(o);
  if (keys.length > MAX_DETAIL_FIELDS) throw invalidInput('details', `must hold at most ${MAX_DETAIL_FIELDS} fields`);
  for (const key of keys) {
    if (!FIELD_NAME.test(key)) throw invalidInput(`details[${JSON.stringify(key)}]`, 'a detail name is lower-case letters, digits and "_", starting with a letter (at most 64)');
    if (RESERVED.has(key)) throw invalidInput(`details.${key}`, `"${key}" is a field of the constraint itself, not a detail`);
  }
  if (Buffer.byteLength(JSON.stringify(o)) > MAX_DETAILS_BYTES) throw invalidInput('details', `must be at most ${MAX_DETAILS_BYTES} bytes of JSON`);
  return { ...o };
}
