import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boxesOverlap, edgeLatExtremes, footprintBox } from './lat-lng-box.js';
import type { Footprint } from './volume-4d.js';

const poly = (points: [number, number][]): Footprint => ({ kind: 'polygon', vertices: points.map(([lat, lng]) => ({ lat, lng })) });

//  (60,-10) ~~~~~ 60.38 ~~~~~ (60,10)    a great-circle edge between two points at lat 60
//           \                  /          rises to about 60.38 at lng 0 (tan φ = tan 60° / cos 10°)
test('edgeLatExtremes() includes the poleward bulge of a great-circle edge', () => {
  const { south, north } = edgeLatExtremes({ lat: 60, lng: -10 }, { lat: 60, lng: 10 });
  assert.equal(south, 60);
  assert.ok(Math.abs(north - 60.3783) < 1e-4, `north ${north}`);
  const southern = edgeLatExtremes({ lat: -60, lng: -10 }, { lat: -60, lng: 10 });
  assert.ok(Math.abs(southern.south + 60.3783) < 1e-4);
});

test('footprintBox() pads a circle in latitude and widens its longitudes with latitude', () => {
  const box = footprintBox({ kind: 'circle', center: { lat: 60, lng: 10 }, radiusM: 1000 }, 0);
  assert.ok(Math.abs(box.north - 60 - 0.008993) < 1e-5);
  assert.ok(Math.abs(box.east - 10 - 0.017987) < 1e-4, `east ${box.east}`);
});

test('footprintBox() gives every longitude to a circle reaching a pole', () => {
  const box = footprintBox({ kind: 'circle', center: { lat: 89.99, lng: 10 }, radiusM: 2000 }, 0);
  assert.deepEqual({ ...box, south: Math.round(box.south * 1e6) / 1e6 }, { south: 89.972014, north: 90, west: -180, east: 180 });
});

// 179.99 | -179.99    a box crossing the antimeridian keeps west < east by letting east pass 180
test('footprintBox() crosses the antimeridian with east beyond 180', () => {
  const box = footprintBox(poly([[0, 179.99], [0, -179.99], [0.01, -179.99], [0.01, 179.99]]), 0);
  assert.ok(Math.abs(box.west - 179.99) < 1e-9);
  assert.ok(Math.abs(box.east - 180.01) < 1e-9);
  assert.equal(boxesOverlap(box, { south: 0, north: 1, west: -179.995, east: -179.994 }), true);
  assert.equal(boxesOverlap(box, { south: 0, north: 1, west: 0, east: 1 }), false);
});

test('footprintBox() extends a polygon around a pole to the pole with every longitude', () => {
  const box = footprintBox(poly([[85, 0], [85, 120], [85, -120]]), 0);
  assert.equal(box.north, 90);
  assert.equal(box.west, -180);
  assert.equal(box.east, 180);
  assert.ok(box.south <= 85);
  const south = footprintBox(poly([[-85, 0], [-85, -120], [-85, 120]]), 0);
  assert.equal(south.south, -90);
});
