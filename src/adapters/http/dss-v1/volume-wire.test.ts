import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '../../../domain/errors.js';
import { formatTime, parseTime, parseVolume4D, toWireVolume4D, type VolumeRules } from './volume-wire.js';

const RULES: VolumeRules = { requireBounds: true, maxVertices: 100, maxAreaKm2: 2500 };
const OPEN: VolumeRules = { ...RULES, requireBounds: false };
const alt = (value: unknown): unknown => ({ value, reference: 'W84', units: 'M' });
const time = (value: unknown): unknown => ({ value, format: 'RFC3339' });

function wire(overrides: Record<string, unknown> = {}, volume: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    volume: {
      outline_polygon: { vertices: [{ lat: 0, lng: 0 }, { lat: 0, lng: 0.01 }, { lat: 0.01, lng: 0.01 }] },
      altitude_lower: alt(10),
      altitude_upper: alt(120),
      ...volume,
    },
    time_start: time('2025-01-01T00:00:00Z'),
    time_end: time('2025-01-01T01:00:00.5Z'),
    ...overrides,
  };
}

function refusal(json: unknown, rules: VolumeRules = RULES): DomainError {
  try {
    parseVolume4D(json, 'extents[0]', rules);
  } catch (error) {
    assert.ok(error instanceof DomainError);
    return error;
  }
  assert.fail('expected a refusal');
}

test('parseVolume4D() reads a polygon volume into the domain form', () => {
  const v = parseVolume4D(wire(), 'extents[0]', RULES);
  assert.deepEqual(v, {
    footprint: { kind: 'polygon', vertices: [{ lat: 0, lng: 0 }, { lat: 0, lng: 0.01 }, { lat: 0.01, lng: 0.01 }] },
    altitudeLowerM: 10, altitudeUpperM: 120,
    startMs: Date.UTC(2025, 0, 1), endMs: Date.UTC(2025, 0, 1, 1) + 500,
  });
});

test('parseVolume4D() reads a circle and round-trips through toWireVolume4D()', () => {
  const json = wire({}, { outline_polygon: null, outline_circle: { center: { lat: 1, lng: 2 }, radius: { value: 300, units: 'M' } } });
  const v = parseVolume4D(json, 'extents[0]', RULES);
  assert.deepEqual(v.footprint, { kind: 'circle', center: { lat: 1, lng: 2 }, radiusM: 300 });
  assert.deepEqual(parseVolume4D(toWireVolume4D(v), 'x', RULES), v);
});

test('parseVolume4D() drops a closing vertex equal to the first, and refuses other repeats', () => {
  const closed = wire({}, { outline_polygon: { vertices: [{ lat: 0, lng: 0 }, { lat: 0, lng: 0.01 }, { lat: 0.01, lng: 0.01 }, { lat: 0, lng: 0 }] } });
  const v = parseVolume4D(closed, 'extents[0]', RULES);
  assert.equal(v.footprint.kind === 'polygon' && v.footprint.vertices.length, 3);
  const repeat = wire({}, { outline_polygon: { vertices: [{ lat: 0, lng: 0 }, { lat: 0, lng: 0.01 }, { lat: 0, lng: 0 }, { lat: 0.01, lng: 0.01 }] } });
  assert.equal(refusal(repeat).field, 'extents[0].volume.outline_polygon.vertices[2]');
});

test('parseVolume4D() leaves out altitudes and times as unbounded when bounds are optional', () => {
  const v = parseVolume4D({ volume: { outline_circle: { center: { lat: 0, lng: 0 }, radius: { value: 5, units: 'M' } } } }, 'area_of_interest', OPEN);
  assert.equal(v.altitudeLowerM, -Infinity);
  assert.equal(v.altitudeUpperM, Infinity);
  assert.equal(v.startMs, -Infinity);
  assert.equal(v.endMs, Infinity);
  assert.deepEqual(toWireVolume4D(v), { volume: { outline_circle: { center: { lat: 0, lng: 0 }, radius: { value: 5, units: 'M' } } } });
});

test('parseVolume4D() names each missing bound when bounds are required', () => {
  const cases: [Record<string, unknown>, Record<string, unknown>, string][] = [
    [{}, { altitude_lower: undefined }, 'extents[0].volume.altitude_lower'],
    [{}, { altitude_upper: null }, 'extents[0].volume.altitude_upper'],
    [{ time_start: undefined }, {}, 'extents[0].time_start'],
    [{ time_end: null }, {}, 'extents[0].time_end'],
  ];
  for (const [outer, volume, field] of cases) {
    const e = refusal(wire(outer, volume));
    assert.equal(e.field, field);
    assert.match(e.message, /is required/);
  }
});

test('parseVolume4D() names the field and rule of every malformed part', () => {
  const cases: [unknown, string, RegExp][] = [
    ['nope', 'extents[0]', /must be an object/],
    [wire({ volume: [] }), 'extents[0].volume', /must be an object/],
    [wire({}, { outline_polygon: null }), 'extents[0].volume', /exactly one of outline_circle and outline_polygon/],
    [wire({}, { outline_circle: { center: { lat: 0, lng: 0 }, radius: { value: 1, units: 'M' } } }), 'extents[0].volume', /exactly one/],
    [wire({}, { outline_polygon: { vertices: 'x' } }), 'extents[0].volume.outline_polygon.vertices', /array/],
    [wire({}, { outline_polygon: { vertices: [{ lat: 0, lng: 0 }, { lat: '1', lng: 0 }, { lat: 0, lng: 1 }] } }), 'extents[0].volume.outline_polygon.vertices[1].lat', /finite number in \[-90, 90\]/],
    [wire({}, { outline_polygon: { vertices: [{ lat: 0, lng: 0 }, { lat: 1, lng: 0 }, { lat: 0, lng: 1e999 }] } }), 'extents[0].volume.outline_polygon.vertices[2].lng', /finite number in \[-180, 180\]/],
    [wire({}, { outline_polygon: { vertices: [{ lat: 0, lng: 0 }, { lat: 1, lng: 0 }, { lat: 0, lng: 181 }] } }), 'extents[0].volume.outline_polygon.vertices[2].lng', /\[-180, 180\]/],
    [wire({}, { outline_polygon: { vertices: [{ lat: 0, lng: 0 }, { lat: 0, lng: 1 }] } }), 'extents[0].volume.outline_polygon.vertices', /at least 3/],
    [wire({}, { outline_polygon: null, outline_circle: { center: { lat: 0, lng: 0 }, radius: { value: 0, units: 'M' } } }), 'extents[0].volume.outline_circle.radius.value', /greater than 0/],
    [wire({}, { outline_polygon: null, outline_circle: { center: { lat: 0, lng: 0 }, radius: { value: 5, units: 'FT' } } }), 'extents[0].volume.outline_circle.radius.units', /must be "M"/],
    [wire({}, { outline_polygon: null, outline_circle: { center: { lat: -91, lng: 0 }, radius: { value: 5, units: 'M' } } }), 'extents[0].volume.outline_circle.center.lat', /\[-90, 90\]/],
    [wire({}, { altitude_lower: alt('10') }), 'extents[0].volume.altitude_lower.value', /finite number in \[-8000, 100000\]/],
    [wire({}, { altitude_upper: alt(100_001) }), 'extents[0].volume.altitude_upper.value', /\[-8000, 100000\]/],
    [wire({}, { altitude_lower: { value: 10, reference: 'AGL', units: 'M' } }), 'extents[0].volume.altitude_lower.reference', /must be "W84"/],
    [wire({}, { altitude_lower: { value: 10, reference: 'W84', units: 'FT' } }), 'extents[0].volume.altitude_lower.units', /must be "M"/],
    [wire({}, { altitude_lower: alt(120) }), 'extents[0].volume.altitude_upper.value', /greater than altitude_lower/],
    [wire({ time_end: time('2025-01-01T00:00:00Z') }), 'extents[0].time_end.value', /after time_start/],
    [wire({ time_start: time('2025-01-01T00:00:00+01:00') }), 'extents[0].time_start.value', /ending in "Z"/],
    [wire({ time_start: time('2025-02-30T00:00:00Z') }), 'extents[0].time_start.value', /no such date/],
    [wire({ time_start: time(1735689600000) }), 'extents[0].time_start.value', /RFC 3339/],
    [wire({ time_start: { value: '2025-01-01T00:00:00Z', format: 'ISO' } }), 'extents[0].time_start.format', /must be "RFC3339"/],
  ];
  for (const [json, field, rule] of cases) {
    const e = refusal(json);
    assert.equal(e.code, 'invalid_input', field);
    assert.equal(e.field, field);
    assert.match(e.message, rule, field);
  }
});

test('parseVolume4D() answers area_too_large for a footprint over the area limit', () => {
  const e = refusal(wire({}, { outline_polygon: { vertices: [{ lat: 0, lng: 0 }, { lat: 0, lng: 1 }, { lat: 1, lng: 1 }, { lat: 1, lng: 0 }] } }));
  assert.equal(e.code, 'area_too_large');
  assert.equal(e.field, 'extents[0].volume.outline_polygon');
});

test('parseVolume4D() refuses more vertices than allowed', () => {
  const vertices = Array.from({ length: 101 }, (_, k) => ({ lat: Math.sin((k / 101) * 2 * Math.PI) * 0.01, lng: Math.cos((k / 101) * 2 * Math.PI) * 0.01 }));
  const e = refusal(wire({}, { outline_polygon: { vertices } }));
  assert.equal(e.field, 'extents[0].volume.outline_polygon.vertices');
  assert.match(e.message, /at most 100 vertices/);
});

test('parseTime() keeps milliseconds, drops finer digits, and rounds them up on request', () => {
  assert.equal(parseTime(time('2025-01-01T00:00:00.123456789Z'), 't'), Date.UTC(2025, 0, 1) + 123);
  assert.equal(parseTime(time('2025-01-01T00:00:00.123456789Z'), 't', { roundUp: true }), Date.UTC(2025, 0, 1) + 124);
  assert.equal(parseTime(time('2025-01-01T00:00:00.1230Z'), 't', { roundUp: true }), Date.UTC(2025, 0, 1) + 123);
  assert.equal(parseTime(time('2024-02-29T23:59:59Z'), 't'), Date.UTC(2024, 1, 29, 23, 59, 59));
  assert.equal(parseTime(time('1969-12-31T23:59:59.5Z'), 't'), -500);
  assert.equal(formatTime(Date.UTC(2025, 0, 1)), '2025-01-01T00:00:00.000Z');
});

test('parseVolume4D() compares times at full precision, not rounded to milliseconds', () => {
  const same = wire({ time_start: time('2025-01-01T00:00:00.0001Z'), time_end: time('2025-01-01T00:00:00.000100Z') });
  assert.equal(refusal(same).field, 'extents[0].time_end.value');
  const v = parseVolume4D(wire({ time_start: time('2025-01-01T00:00:00.0001Z'), time_end: time('2025-01-01T00:00:00.0002Z') }), 'x', RULES);
  assert.deepEqual([v.startMs, v.endMs], [Date.UTC(2025, 0, 1), Date.UTC(2025, 0, 1) + 1]);
});
