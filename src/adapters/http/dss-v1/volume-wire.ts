/**
 * The F3548 JSON edge for 4D volumes: Volume4D / Volume3D / Circle / Polygon / Altitude / Time
 * to and from the domain's Volume4D. Every refusal names the full field path and the rule.
 * A polygon ring closed by repeating its first vertex is accepted (the copy is dropped).
 */
import { DomainError, invalidInput } from '../../../domain/errors.js';
import { checkFootprint, type FootprintProblem } from '../../../domain/geo/check-footprint.js';
import type { Footprint, LatLng, Volume4D } from '../../../domain/geo/volume-4d.js';

export interface VolumeRules {
  /** Intent and constraint extents must give both altitudes and both times. */
  readonly requireBounds: boolean;
  readonly maxVertices: number;
  readonly maxAreaKm2: number;
}

type JsonObject = Record<string, unknown>;

const MIN_ALTITUDE_M = -8000;
const MAX_ALTITUDE_M = 100_000;
const RFC3339_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z$/;
const TIME_RULE = 'must be an RFC 3339 time in UTC ending in "Z", e.g. 2025-01-01T00:00:00Z';

export function parseVolume4D(json: unknown, field: string, rules: VolumeRules): Volume4D {
  const object = readObject(json, field);
  const volume = readObject(object['volume'], `${field}.volume`);
  const footprint = parseOutline(volume, `${field}.volume`, rules);
  const lower = optional(volume['altitude_lower'], `${field}.volume.altitude_lower`, rules, parseAltitude);
  const upper = optional(volume['altitude_upper'], `${field}.volume.altitude_upper`, rules, parseAltitude);
  if (lower !== undefined && upper !== undefined && !(lower < upper)) {
    throw invalidInput(`${field}.volume.altitude_upper.value`, `must be greater than altitude_lower (${upper} <= ${lower})`);
  }
  const start = optional(object['time_start'], `${field}.time_start`, rules, parseInstant);
  const end = optional(object['time_end'], `${field}.time_end`, rules, parseInstant);
  if (start !== undefined && end !== undefined && compareInstants(start, end) >= 0) {
    throw invalidInput(`${field}.time_end.value`, 'must be after time_start');
  }
  return {
    footprint,
    altitudeLowerM: lower ?? -Infinity,
    altitudeUpperM: upper ?? Infinity,
    startMs: start === undefined ? -Infinity : start.ms,
    // Digits finer than a millisecond round the end up, so the interval never shrinks.
    endMs: end === undefined ? Infinity : end.ms + (end.finer === '' ? 0 : 1),
  };
}

/** A bound that may be absent (null counts as absent) unless the rules require bounds. */
function optional<T>(json: unknown, field: string, rules: VolumeRules, parse: (json: unknown, field: string) => T): T | undefined {
  if (json === undefined || json === null) {
    if (rules.requireBounds) throw invalidInput(field, 'is required');
    return undefined;
  }
  return parse(json, field);
}

function parseOutline(volume: JsonObject, field: string, rules: VolumeRules): Footprint {
  const circle = volume['outline_circle'];
  const polygon = volume['outline_polygon'];
  const hasCircle = circle !== undefined && circle !== null;
  const hasPolygon = polygon !== undefined && polygon !== null;
  if (hasCircle === hasPolygon) throw invalidInput(field, 'must have exactly one of outline_circle and outline_polygon');
  const path = hasCircle ? `${field}.outline_circle` : `${field}.outline_polygon`;
  const footprint = hasCircle ? parseCircle(circle, path) : parsePolygon(polygon, path);
  const problem = checkFootprint(footprint, rules);
  if (problem !== undefined) throw footprintError(problem, path);
  return footprint;
}

function parseCircle(json: unknown, field: string): Footprint {
  const circle = readObject(json, field);
  const center = parseLatLng(circle['center'], `${field}.center`);
  const radius = readObject(circle['radius'], `${field}.radius`);
  const radiusM = readNumber(radius['value'], `${field}.radius.value`, 'must be a finite number greater than 0');
  readConstant(radius['units'], `${field}.radius.units`, 'M');
  return { kind: 'circle', center, radiusM };
}

function parsePolygon(json: unknown, field: string): Footprint {
  const polygon = readObject(json, field);
  const list = polygon['vertices'];
  if (!Array.isArray(list)) throw invalidInput(`${field}.vertices`, 'must be an array of {lat, lng} points');
  const vertices = list.map((v, i) => parseLatLng(v, `${field}.vertices[${i}]`));
  const first = vertices[0];
  const last = vertices[vertices.length - 1];
  // F3548 says the ring is not closed, but many clients close it: drop the copy of the first vertex.
  if (vertices.length >= 4 && first !== undefined && last !== undefined && first.lat === last.lat && first.lng === last.lng) {
    vertices.pop();
  }
  return { kind: 'polygon', vertices };
}

function parseLatLng(json: unknown, field: string): LatLng {
  const point = readObject(json, field);
  const lat = readNumber(point['lat'], `${field}.lat`, 'must be a finite number in [-90, 90]');
  const lng = readNumber(point['lng'], `${field}.lng`, 'must be a finite number in [-180, 180]');
  return { lat, lng };
}

function parseAltitude(json: unknown, field: string): number {
  const altitude = readObject(json, field);
  const rule = `must be a finite number in [${MIN_ALTITUDE_M}, ${MAX_ALTITUDE_M}]`;
  const value = readNumber(altitude['value'], `${field}.value`, rule);
  if (value < MIN_ALTITUDE_M || value > MAX_ALTITUDE_M) throw invalidInput(`${field}.value`, rule);
  readConstant(altitude['reference'], `${field}.reference`, 'W84');
  readConstant(altitude['units'], `${field}.units`, 'M');
  return value;
}

/** An F3548 time: whole milliseconds since the epoch, and the digits finer than that (trailing zeros dropped). */
interface Instant {
  readonly ms: number;
  readonly finer: string;
}

function compareInstants(a: Instant, b: Instant): number {
  if (a.ms !== b.ms) return a.ms - b.ms;
  const width = Math.max(a.finer.length, b.finer.length);
  const fa = a.finer.padEnd(width, '0');
  const fb = b.finer.padEnd(width, '0');
  return fa < fb ? -1 : fa > fb ? 1 : 0;
}

function parseInstant(json: unknown, field: string): Instant {
  const time = readObject(json, field);
  readConstant(time['format'], `${field}.format`, 'RFC3339');
  const value = time['value'];
  if (typeof value !== 'string') throw invalidInput(`${field}.value`, TIME_RULE);
  const m = RFC3339_UTC.exec(value);
  if (m === null) throw invalidInput(`${field}.value`, TIME_RULE);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    throw invalidInput(`${field}.value`, `${TIME_RULE} (no such date or time)`);
  }
  const fraction = m[7] ?? '';
  const ms = Number(fraction.slice(0, 3).padEnd(3, '0'));
  const whole = (daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second) * 1000 + ms;
  return { ms: whole, finer: fraction.slice(3).replace(/0+$/, '') };
}

/**
 * F3548 Time → epoch milliseconds. Digits beyond the millisecond are dropped, or rounded up
 * with `roundUp` (for the end of an interval, so that it never shrinks).
 */
export function parseTime(json: unknown, field: string, options: { roundUp?: boolean } = {}): number {
  const { ms, finer } = parseInstant(json, field);
  return options.roundUp === true && finer !== '' ? ms + 1 : ms;
}

/** Epoch milliseconds → RFC 3339 UTC, e.g. 2025-01-01T00:00:00.000Z. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** Domain volume → F3548 Volume4D JSON; unbounded sides are left out. */
export function toWireVolume4D(v: Volume4D): JsonObject {
  const fp = v.footprint;
  const volume: JsonObject =
    fp.kind === 'circle'
      ? { outline_circle: { center: { lat: fp.center.lat, lng: fp.center.lng }, radius: { value: fp.radiusM, units: 'M' } } }
      : { outline_polygon: { vertices: fp.vertices.map((p) => ({ lat: p.lat, lng: p.lng })) } };
  if (Number.isFinite(v.altitudeLowerM)) volume['altitude_lower'] = { value: v.altitudeLowerM, reference: 'W84', units: 'M' };
  if (Number.isFinite(v.altitudeUpperM)) volume['altitude_upper'] = { value: v.altitudeUpperM, reference: 'W84', units: 'M' };
  const out: JsonObject = { volume };
  if (Number.isFinite(v.startMs)) out['time_start'] = { value: formatTime(v.startMs), format: 'RFC3339' };
  if (Number.isFinite(v.endMs)) out['time_end'] = { value: formatTime(v.endMs), format: 'RFC3339' };
  return out;
}

function footprintError(problem: FootprintProblem, base: string): DomainError {
  let path = base;
  for (const part of problem.path) {
    if (typeof part === 'number') path += `[${part}]`;
    else path += part === 'radius' ? '.radius.value' : `.${part}`;
  }
  if (problem.tooLarge === true) return new DomainError('area_too_large', `${path}: ${problem.rule}`, { field: path });
  return invalidInput(path, problem.rule);
}

function readObject(json: unknown, field: string): JsonObject {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalidInput(field, 'must be an object');
  return json as JsonObject;
}

/** A JSON number that is finite (1e999 parses to Infinity). Range checks are the caller's. */
function readNumber(json: unknown, field: string, rule: string): number {
  if (typeof json !== 'number' || !Number.isFinite(json)) throw invalidInput(field, rule);
  return json;
}

function readConstant(json: unknown, field: string, expected: string): void {
  if (json !== expected) throw invalidInput(field, `must be "${expected}"`);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}
