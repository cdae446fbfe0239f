import { test } from 'node:test';
import assert from 'node:assert/strict';
import { footprintContains } from './contains.js';
import type { Footprint } from './volume-4d.js';

const rect = (s: number, w: number, n: number, e: number): Footprint => ({
  kind: 'polygon', vertices: [{ lat: s, lng: w }, { lat: s, lng: e }, { lat: n, lng: e }, { lat: n, lng: w }],
});
const circle = (lat: number, lng: number, radiusM: number): Footprint => ({ kind: 'circle', center: { lat, lng }, radiusM });

test('footprintContains() holds a polygon inside a polygon, a circle and itself', () => {
  assert.equal(footprintContains(rect(0, 0, 1, 1), rect(0.2, 0.2, 0.8, 0.8)), true);
  assert.equal(footprintContains(rect(0, 0, 1, 1), rect(0, 0, 1, 1)), true);
  assert.equal(footprintContains(circle(0.5, 0.5, 100_000), rect(0.2, 0.2, 0.8, 0.8)), true);
  assert.equal(footprintContains(rect(0.2, 0.2, 0.8, 0.8), rect(0, 0, 1, 1)), false);
});

// +------+
// |  +---+--+   the inner square pokes out of the outer one
// +--+---+  |
test('footprintContains() refuses a polygon that pokes out', () => {
  assert.equal(footprintContains(rect(0, 0, 1, 1), rect(0.5, 0.5, 1.5, 1.5)), false);
});

test('footprintContains() compares circles with circles and polygons', () => {
  assert.equal(footprintContains(circle(0, 0, 1000), circle(0, 0.001, 500)), true);
  assert.equal(footprintContains(circle(0, 0, 1000), circle(0, 0.01, 500)), false);
  assert.equal(footprintContains(rect(0, 0, 1, 1), circle(0.5, 0.5, 1000)), true);
  assert.equal(footprintContains(rect(0, 0, 1, 1), circle(0.5, 0.999, 1000)), false);
});

//   +---------+        outer: a U shape (concave)
//   |  +---+  |        inner: a bar across the notch — every vertex is inside the U,
//   +--+   +--+        but the bar's middle crosses the empty notch
test('footprintContains() refuses a bar bridging the notch of a concave polygon', () => {
  const u: Footprint = {
    kind: 'polygon',
    vertices: [
      { lat: 0, lng: 0 }, { lat: 0, lng: 0.3 }, { lat: 0.3, lng: 0.3 }, { lat: 0.3, lng: 0.2 },
      { lat: 0.1, lng: 0.2 }, { lat: 0.1, lng: 0.1 }, { lat: 0.3, lng: 0.1 }, { lat: 0.3, lng: 0 },
    ],
  };
  const bar = rect(0.2, 0.05, 0.22, 0.25);
  assert.equal(footprintContains(u, bar), false);
});

test('footprintContains() works across the antimeridian', () => {
  assert.equal(footprintContains(rect(9.8, 179.8, 10.2, -179.8), rect(9.98, -179.97, 10.02, -179.93)), true);
  assert.equal(footprintContains(rect(9.95, 179.85, 10.05, 179.95), rect(9.98, -179.92, 10.02, -179.88)), false);
});
