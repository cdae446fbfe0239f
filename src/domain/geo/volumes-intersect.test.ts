import { test } from 'node:test';
import assert from 'node:assert/strict';
import { volumesIntersect } from './volumes-intersect.js';
import { EARTH_RADIUS_M } from './sphere.js';
import type { Footprint, LatLng, Volume4D } from './volume-4d.js';

const M_PER_DEG = (EARTH_RADIUS_M * Math.PI) / 180;

function volume(footprint: Footprint, extra: Partial<Volume4D> = {}): Volume4D {
  return { footprint, altitudeLowerM: 0, altitudeUpperM: 100, startMs: 0, endMs: 1000, ...extra };
}
function poly(points: [number, number][]): Footprint {
  return { kind: 'polygon', vertices: points.map(([lat, lng]): LatLng => ({ lat, lng })) };
}
function rect(south: number, west: number, north: number, east: number): Footprint {
  return poly([[south, west], [south, east], [north, east], [north, west]]);
}
function circle(lat: number, lng: number, radiusM: number): Footprint {
  return { kind: 'circle', center: { lat, lng }, radiusM };
}

// +----+----+    two squares on the equator sharing the meridian edge at lng 0.01
// | A  | B  |
// +----+----+
test('volumesIntersect() counts touching edges as intersecting', () => {
  assert.equal(volumesIntersect(volume(rect(0, 0, 0.01, 0.01)), volume(rect(0, 0.01, 0.01, 0.02))), true);
});

// +----+       +----+   B starts a given gap east of A (meridian edges, measured at the equator)
// | A  | <gap> | B  |
// +----+       +----+
test('volumesIntersect() tolerates a gap under 0.5 m and refuses one of 1 m', () => {
  const gapDeg = (m: number): number => m / M_PER_DEG;
  const a = volume(rect(0, 0, 0.01, 0.01));
  assert.equal(volumesIntersect(a, volume(rect(0, 0.01 + gapDeg(0.3), 0.01, 0.02))), true);
  assert.equal(volumesIntersect(a, volume(rect(0, 0.01 + gapDeg(1.0), 0.01, 0.02))), false);
  assert.equal(volumesIntersect(a, volume(rect(0, 0.01 + gapDeg(1000), 0.01, 0.02))), false);
});

// +----+
// | A  |        B touches A only at A's south-east corner
// +----*----+   (B hangs below that corner)
test('volumesIntersect() counts a shared vertex as intersecting', () => {
  const a = volume(rect(0, 0, 0.01, 0.01));
  assert.equal(volumesIntersect(a, volume(rect(-0.01, 0.01, 0, 0.02))), true); // corner (0, 0.01)
  assert.equal(volumesIntersect(a, volume(rect(0.01, 0.01, 0.02, 0.02))), true); // corner (0.01, 0.01)
});

// +--------+
// |  +--+  |     B lies wholly inside A: no edges meet, containment decides
// +--+--+--+
test('volumesIntersect() finds a polygon wholly inside another, both ways', () => {
  const outer = volume(rect(0, 0, 1, 1));
  const inner = volume(rect(0.4, 0.4, 0.6, 0.6));
  assert.equal(volumesIntersect(outer, inner), true);
  assert.equal(volumesIntersect(inner, outer), true);
});

test('volumesIntersect() compares circles by the great-circle distance of their centres', () => {
  const r = 500;
  const d = (2 * r) / M_PER_DEG; // centres exactly 2r apart along the equator
  assert.equal(volumesIntersect(volume(circle(0, 0, r)), volume(circle(0, d, r))), true);
  assert.equal(volumesIntersect(volume(circle(0, 0, r)), volume(circle(0, d, r - 1))), false);
});

//   .-.
//  ( C )|     the circle reaches exactly to the square's west edge (a meridian)
//   '-' |  A
test('volumesIntersect() tests a circle against polygon edges on the sphere', () => {
  const a = volume(rect(-0.01, 0.01, 0.01, 0.02));
  const r = 0.01 * M_PER_DEG;
  assert.equal(volumesIntersect(volume(circle(0, 0, r)), a), true);
  assert.equal(volumesIntersect(a, volume(circle(0, 0, r))), true);
  assert.equal(volumesIntersect(volume(circle(0, 0, r - 1)), a), false);
  assert.equal(volumesIntersect(a, volume(circle(0, 0, r - 1))), false);
  assert.equal(volumesIntersect(volume(circle(0, 0.015, 10)), a), true); // circle inside the polygon
  assert.equal(volumesIntersect(volume(circle(0, 0.015, 1e5)), a), true); // polygon inside the circle
});

// lat 60 -----*===========*-----   the great-circle edge between two points at lat 60 bulges
//              \  arc    /         north of 60; a circle just north of lat 60 midway meets it
test('volumesIntersect() follows great-circle edges, not straight lines in degrees', () => {
  const a = volume(poly([[60, -10], [60, 10], [59, 10], [59, -10]]));
  // The arc from (60,-10) to (60,10) peaks at about lat 60.38 at lng 0.
  assert.equal(volumesIntersect(a, volume(circle(60.3, 0, 100))), true);
  assert.equal(volumesIntersect(a, volume(circle(60.6, 0, 100))), false);
});

test('volumesIntersect() handles shapes across the antimeridian', () => {
  const a = volume(rect(0, 179.99, 0.01, -179.99));
  assert.equal(volumesIntersect(a, volume(circle(0.005, 180, 10))), true);
  assert.equal(volumesIntersect(a, volume(rect(0.002, -179.995, 0.003, -179.994))), true);
  assert.equal(volumesIntersect(a, volume(rect(0.002, 0, 0.003, 0.001))), false);
});

test('volumesIntersect() handles a polygon around the north pole', () => {
  const cap = volume(poly([[85, 0], [85, 90], [85, 180], [85, -90]]));
  assert.equal(volumesIntersect(cap, volume(circle(89.9, 45, 10))), true);
  assert.equal(volumesIntersect(cap, volume(circle(89.9, -135, 10))), true);
  assert.equal(volumesIntersect(cap, volume(circle(80, 45, 10))), false);
});

test('volumesIntersect() treats altitude and time as closed intervals', () => {
  const fp = rect(0, 0, 0.01, 0.01);
  const a = volume(fp, { altitudeLowerM: 0, altitudeUpperM: 100, startMs: 0, endMs: 1000 });
  assert.equal(volumesIntersect(a, volume(fp, { altitudeLowerM: 100, altitudeUpperM: 200 })), true);
  assert.equal(volumesIntersect(a, volume(fp, { altitudeLowerM: 100.001, altitudeUpperM: 200 })), false);
  assert.equal(volumesIntersect(a, volume(fp, { startMs: 1000, endMs: 2000 })), true);
  assert.equal(volumesIntersect(a, volume(fp, { startMs: 1001, endMs: 2000 })), false);
  assert.equal(volumesIntersect(a, volume(fp, { altitudeLowerM: 500, altitudeUpperM: 600 }), { ignoreAltitude: true }), true);
});

test('volumesIntersect() accepts unbounded altitudes and times', () => {
  const fp = rect(0, 0, 0.01, 0.01);
  const open = volume(fp, { altitudeLowerM: -Infinity, altitudeUpperM: Infinity, startMs: -Infinity, endMs: Infinity });
  assert.equal(volumesIntersect(open, volume(fp, { altitudeLowerM: 9000, altitudeUpperM: 9001, startMs: 5e12, endMs: 6e12 })), true);
});
