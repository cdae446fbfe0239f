import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFootprint } from './check-footprint.js';
import { footprintAreaKm2 } from './footprint-area.js';
import type { Footprint } from './volume-4d.js';

const LIMITS = { maxVertices: 10, maxAreaKm2: 2500 };
const poly = (points: [number, number][]): Footprint => ({ kind: 'polygon', vertices: points.map(([lat, lng]) => ({ lat, lng })) });
const square = poly([[0, 0], [0, 0.01], [0.01, 0.01], [0.01, 0]]);

test('checkFootprint() accepts a plain square and circle', () => {
  assert.equal(checkFootprint(square, LIMITS), undefined);
  assert.equal(checkFootprint({ kind: 'circle', center: { lat: 10, lng: 20 }, radiusM: 100 }, LIMITS), undefined);
});

test('checkFootprint() needs at least 3 vertices and at most maxVertices', () => {
  assert.deepEqual(checkFootprint(poly([[0, 0], [0, 1]]), LIMITS)?.path, ['vertices']);
  const many = poly(Array.from({ length: 11 }, (_, k): [number, number] => [Math.sin(k / 11 * 2 * Math.PI) * 0.01, Math.cos(k / 11 * 2 * Math.PI) * 0.01]));
  assert.match(checkFootprint(many, LIMITS)?.rule ?? '', /at most 10 vertices/);
});

test('checkFootprint() names the vertex and coordinate that is out of range or not finite', () => {
  assert.deepEqual(checkFootprint(poly([[0, 0], [91, 0], [0, 1]]), LIMITS), { path: ['vertices', 1, 'lat'], rule: 'must be a finite number in [-90, 90]' });
  assert.deepEqual(checkFootprint(poly([[0, 0], [1, 0], [0, -180.5]]), LIMITS)?.path, ['vertices', 2, 'lng']);
  assert.deepEqual(checkFootprint(poly([[0, 0], [1, 0], [0, Infinity]]), LIMITS)?.path, ['vertices', 2, 'lng']);
  assert.deepEqual(checkFootprint(poly([[NaN, 0], [1, 0], [0, 1]]), LIMITS)?.path, ['vertices', 0, 'lat']);
});

test('checkFootprint() refuses a repeated vertex, adjacent or not', () => {
  assert.deepEqual(checkFootprint(poly([[0, 0], [0, 0.01], [0, 0.01], [0.01, 0]]), LIMITS), { path: ['vertices', 2], rule: 'must not repeat vertex 1' });
  assert.deepEqual(checkFootprint(poly([[0, 0], [0, 0.01], [0.01, 0.01], [0, 0]]), LIMITS)?.path, ['vertices', 3]);
  assert.deepEqual(checkFootprint(poly([[0, 180], [0, 179.99], [0.01, 179.99], [0, -180]]), LIMITS)?.path, ['vertices', 3]);
});

// 0,0 ---- 0,1       a "bow tie": edges 0-1 and 2-3 cross in the middle
//     \  /
//     /  \   1,0 ---- 1,1
test('checkFootprint() refuses crossing edges and edges that fold back', () => {
  const bowTie = checkFootprint(poly([[0, 0], [0, 0.01], [0.01, 0], [0.01, 0.01]]), LIMITS);
  assert.match(bowTie?.rule ?? '', /must not cross/);
  const spike = checkFootprint(poly([[0, 0], [0, 0.02], [0, 0.01], [0.01, 0.01]]), LIMITS);
  assert.match(spike?.rule ?? '', /must not cross/);
});

test('checkFootprint() refuses a polygon without area (its edges run back over each other)', () => {
  const flat = checkFootprint(poly([[0, 0], [0, 0.01], [0, 0.02]]), LIMITS);
  assert.equal(flat?.path[0], 'vertices');
  assert.match(flat?.rule ?? '', /must not cross|non-zero area/);
});

test('checkFootprint() accepts a thin sliver that still has area', () => {
  assert.equal(checkFootprint(poly([[0, 0], [0.1, 0.1], [0.1, 0.1000001]]), LIMITS), undefined);
});

test('checkFootprint() refuses a radius that is not a positive finite number', () => {
  for (const radiusM of [0, -1, NaN, Infinity]) {
    assert.deepEqual(checkFootprint({ kind: 'circle', center: { lat: 0, lng: 0 }, radiusM }, LIMITS)?.path, ['radius']);
  }
  assert.deepEqual(checkFootprint({ kind: 'circle', center: { lat: 95, lng: 0 }, radiusM: 1 }, LIMITS)?.path, ['center', 'lat']);
});

test('checkFootprint() marks an area over the limit as too large, for polygons and circles', () => {
  const big = poly([[0, 0], [0, 1], [1, 1], [1, 0]]); // about 12,364 km²
  assert.deepEqual(checkFootprint(big, LIMITS)?.tooLarge, true);
  assert.deepEqual(checkFootprint(big, LIMITS)?.path, []);
  assert.equal(checkFootprint({ kind: 'circle', center: { lat: 0, lng: 0 }, radiusM: 28_300 }, LIMITS)?.tooLarge, true);
  assert.equal(checkFootprint({ kind: 'circle', center: { lat: 0, lng: 0 }, radiusM: 28_000 }, LIMITS), undefined);
});

test('checkFootprint() refuses footprints reaching more than 1000 km from their centre', () => {
  const huge = { maxVertices: 10, maxAreaKm2: Infinity };
  assert.match(checkFootprint(poly([[0, 0], [0, 20], [20, 20], [20, 0]]), huge)?.rule ?? '', /within 1000 km/);
  assert.deepEqual(checkFootprint({ kind: 'circle', center: { lat: 0, lng: 0 }, radiusM: 1_000_001 }, huge)?.path, ['radius']);
});

test('footprintAreaKm2() measures on the sphere', () => {
  // A 1° × 1° square on the equator: R²·Δλ·(sin φ2 − sin φ1) ≈ 12,364 km² (great-circle edges differ by < 0.01 %).
  const area = footprintAreaKm2(poly([[0, 0], [0, 1], [1, 1], [1, 0]]));
  assert.ok(Math.abs(area - 12_364) < 5, `area ${area}`);
  assert.ok(Math.abs(footprintAreaKm2({ kind: 'circle', center: { lat: 50, lng: 0 }, radiusM: 1000 }) - Math.PI) < 1e-6);
  // Winding order does not matter: the smaller region is the interior.
  assert.equal(footprintAreaKm2(poly([[0, 0], [1, 0], [1, 1], [0, 1]])), area);
});
