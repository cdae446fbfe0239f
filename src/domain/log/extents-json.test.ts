import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Volume4D } from '../geo/volume-4d.js';
import { canonicalJson } from './canonical-json.js';
import { extentLogForm, extentsLogJson } from './extents-json.js';

const coordinate = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true, min: -180, max: 180 }), fc.constantFrom(0, -0, 1e-7, 5e-324, 179.99999999999997));
const bound = fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(-Infinity, Infinity, 0, -0, 1e21, 1e-7));
const instant = fc.oneof(fc.integer({ min: -8.64e15, max: 8.64e15 }), fc.constantFrom(-Infinity, Infinity, 0));
const volume: fc.Arbitrary<Volume4D> = fc.record({
  footprint: fc.oneof(
    fc.record({ kind: fc.constant('polygon' as const), vertices: fc.array(fc.record({ lat: coordinate, lng: coordinate }), { maxLength: 12 }) }),
    fc.record({ kind: fc.constant('circle' as const), center: fc.record({ lat: coordinate, lng: coordinate }), radiusM: bound }),
  ),
  altitudeLowerM: bound,
  altitudeUpperM: bound,
  startMs: instant,
  endMs: instant,
});

test('extentsLogJson() writes exactly the canonical JSON (RFC 8785) of the extents in log form', () => {
  fc.assert(
    fc.property(fc.array(volume, { maxLength: 4 }), (extents) => {
      assert.equal(extentsLogJson(extents), canonicalJson(extents.map(extentLogForm)));
    }),
    { numRuns: 5_000 },
  );
});

test('extentsLogJson() refuses NaN rather than writing something the canonicaliser would refuse', () => {
  const v: Volume4D = { footprint: { kind: 'circle', center: { lat: 0, lng: NaN }, radiusM: 10 }, altitudeLowerM: 0, altitudeUpperM: 1, startMs: 0, endMs: 1 };
  assert.throws(() => extentsLogJson([v]), /NaN/);
  assert.throws(() => canonicalJson([extentLogForm(v)]), /NaN/);
});
