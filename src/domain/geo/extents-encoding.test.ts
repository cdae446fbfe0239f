import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extentsBytesLE, extentsValueCount } from './extents-encoding.js';
import type { Volume4D } from './volume-4d.js';

test('extentsBytesLE() writes the documented float64 layout, little-endian, ±Infinity included', () => {
  const volumes: Volume4D[] = [
    { footprint: { kind: 'polygon', vertices: [{ lat: 1.5, lng: 2.25 }, { lat: -3, lng: 4 }, { lat: 5, lng: -6.125 }] }, altitudeLowerM: -Infinity, altitudeUpperM: 120, startMs: 1_000, endMs: Infinity },
    { footprint: { kind: 'circle', center: { lat: 46.5, lng: 6.6 }, radiusM: 250 }, altitudeLowerM: 0, altitudeUpperM: 50.5, startMs: 2_000, endMs: 3_000 },
  ];
  const bytes = extentsBytesLE(volumes);
  assert.equal(bytes.length, 8 * extentsValueCount(volumes));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = Array.from({ length: bytes.length / 8 }, (_, i) => view.getFloat64(8 * i, true));
  assert.deepEqual(values, [
    1, 2,
    0, -Infinity, 120, 1_000, Infinity, 3, 1.5, 2.25, -3, 4, 5, -6.125,
    1, 0, 50.5, 2_000, 3_000, 46.5, 6.6, 250,
  ]);
  assert.deepEqual(Array.from(extentsBytesLE([])), Array.from(new Uint8Array(new Float64Array([1, 0]).buffer)));
});
