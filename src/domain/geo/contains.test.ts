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
