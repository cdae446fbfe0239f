import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VolumeIndex } from './volume-index.js';
import type { Footprint, Volume4D } from '../geo/volume-4d.js';
import { volumesIntersect } from '../geo/volumes-intersect.js';
import { prng } from '../../../test/support/prng.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 0, 1);

function rect(south: number, west: number, north: number, east: number): Footprint {
  return { kind: 'polygon', vertices: [{ lat: south, lng: west }, { lat: south, lng: east }, { lat: north, lng: east }, { lat: north, lng: west }] };
}
function vol(footprint: Footprint, extra: Partial<Volume4D> = {}): Volume4D {
  return { footprint, altitudeLowerM: 0, altitudeUpperM: 100, startMs: T0, endMs: T0 + HOUR, ...extra };
}
const sorted = (ids: string[]): string[] => [...ids].sort();

test('VolumeIndex.insert() refuses an id already present', () => {
  const index = new VolumeIndex();
  index.insert('a', [vol(rect(0, 0, 0.01, 0.01))]);
  assert.throws(() => index.insert('a', []), /already/);
  assert.equal(index.size, 1);
  assert.equal(index.has('a'), true);
});

test('VolumeIndex.remove() forgets the entry and reports whether it was there', () => {
  const index = new VolumeIndex();
  index.insert('a', [vol(rect(0, 0, 0.01, 0.01)), vol(rect(1, 1, 1.01, 1.01))]);
  assert.equal(index.remove('a'), true);
  assert.equal(index.remove('a'), false);
  assert.equal(index.has('a'), false);
  assert.deepEqual(index.search([vol(rect(0, 0, 2, 2))], { limit: 10 }), []);
  index.insert('a', [vol(rect(0, 0, 0.01, 0.01))]);
  assert.deepEqual(index.search([vol(rect(0, 0, 2, 2))], { limit: 10 }), ['a']);
});

test('VolumeIndex.search() returns each matching id once and at most limit ids', () => {
  const index = new VolumeIndex();
  for (let i = 0; i < 20; i++) index.insert(`e${i}`, [vol(rect(0, 0, 0.1, 0.1)), vol(rect(0.05, 0.05, 0.15, 0.15))]);
  const all = index.search([vol(rect(0.04, 0.04, 0.06, 0.06)), vol(rect(0.0, 0.0, 0.2, 0.2))], { limit: 100 });
  assert.equal(all.length, 20);
  assert.equal(new Set(all).size, 20);
  assert.equal(index.search([vol(rect(0, 0, 0.2, 0.2))], { limit: 7 }).length, 7);
});

test('VolumeIndex.search() applies the exact test after the box filter', () => {
  // A thin diagonal sliver: its box covers the query square, its area does not.
  const index = new VolumeIndex();
  index.insert('sliver', [vol({ kind: 'polygon', vertices: [{ lat: 0, lng: 0 }, { lat: 0.1, lng: 0.1 }, { lat: 0.1, lng: 0.09999 }] })]);
  const query = [vol(rect(0.06, 0.0, 0.08, 0.02))];
  assert.deepEqual(index.candidates(query, { limit: 10 }), ['sliver']);
  assert.deepEqual(index.search(query, { limit: 10 }), []);
});

test('VolumeIndex.search() checks altitude unless told to ignore it, and time always', () => {
  const index = new VolumeIndex();
  index.insert('low', [vol(rect(0, 0, 0.01, 0.01), { altitudeLowerM: 0, altitudeUpperM: 50 })]);
  const high = vol(rect(0, 0, 0.01, 0.01), { altitudeLowerM: 60, altitudeUpperM: 70 });
  assert.deepEqual(index.search([high], { limit: 10 }), []);
  assert.deepEqual(index.search([high], { limit: 10, ignoreAltitude: true }), ['low']);
  assert.deepEqual(index.search([vol(rect(0, 0, 0.01, 0.01), { startMs: T0 + HOUR, endMs: T0 + 2 * HOUR })], { limit: 10 }), ['low']);
  assert.deepEqual(index.search([vol(rect(0, 0, 0.01, 0.01), { startMs: T0 + HOUR + 1, endMs: T0 + 2 * HOUR })], { limit: 10 }), []);
});

test('VolumeIndex.search() handles unbounded and very long times on either side', () => {
  const index = new VolumeIndex();
  index.insert('forever', [vol(rect(0, 0, 0.01, 0.01), { startMs: -Infinity, endMs: Infinity, altitudeLowerM: -Infinity, altitudeUpperM: Infinity })]);
  index.insert('56 days', [vol(rect(0, 0, 0.01, 0.01), { startMs: T0, endMs: T0 + 56 * 24 * HOUR })]);
  index.insert('short', [vol(rect(0, 0, 0.01, 0.01), { startMs: T0 + 30 * 24 * HOUR, endMs: T0 + 30 * 24 * HOUR + 60_000 })]);
  const at = (startMs: number, endMs: number): string[] =>
    sorted(index.search([vol(rect(0.001, 0.001, 0.002, 0.002), { startMs, endMs })], { limit: 10 }));
  assert.deepEqual(at(T0 + 30 * 24 * HOUR, T0 + 30 * 24 * HOUR + 1), ['56 days', 'forever', 'short']);
  assert.deepEqual(at(T0 - 10 * HOUR, T0 - HOUR), ['forever']);
  assert.deepEqual(at(-Infinity, Infinity), ['56 days', 'forever', 'short']);
  assert.deepEqual(at(T0 + 60 * 24 * HOUR, Infinity), ['forever']);
});

// 179.99 | 180 | -179.99    an entry straddling the antimeridian, found from either side
test('VolumeIndex.search() finds entries across the antimeridian', () => {
  const index = new VolumeIndex();
  index.insert('straddle', [vol(rect(0, 179.99, 0.01, -179.99))]);
  index.insert('east', [vol(rect(0, -179.995, 0.01, -179.98))]);
  assert.deepEqual(sorted(index.search([vol(rect(0.004, 179.995, 0.006, 179.996))], { limit: 10 })), ['straddle']);
  assert.deepEqual(sorted(index.search([vol(rect(0.004, -179.994, 0.006, -179.993))], { limit: 10 })), ['east', 'straddle']);
  assert.deepEqual(sorted(index.search([vol({ kind: 'circle', center: { lat: 0.005, lng: 180 }, radiusM: 50 })], { limit: 10 })), ['straddle']);
});

test('VolumeIndex.search() finds entries around a pole and large entries', () => {
  const index = new VolumeIndex();
  index.insert('cap', [vol({ kind: 'polygon', vertices: [{ lat: 85, lng: 0 }, { lat: 85, lng: 120 }, { lat: 85, lng: -120 }] })]);
  index.insert('big', [vol({ kind: 'circle', center: { lat: 40, lng: 10 }, radiusM: 500_000 })]);
  assert.deepEqual(index.search([vol({ kind: 'circle', center: { lat: 89.99, lng: -45 }, radiusM: 10 })], { limit: 10 }), ['cap']);
  assert.deepEqual(index.search([vol({ kind: 'circle', center: { lat: 43, lng: 13 }, radiusM: 10 })], { limit: 10 }), ['big']);
  index.remove('cap');
  index.remove('big');
  assert.deepEqual(index.search([vol({ kind: 'circle', center: { lat: 89.99, lng: -45 }, radiusM: 10 })], { limit: 10 }), []);
  assert.deepEqual(index.search([vol({ kind: 'circle', center: { lat: 43, lng: 13 }, radiusM: 10 })], { limit: 10 }), []);
});

test('VolumeIndex.insert() that fails on a bad volume leaves the index as it was', () => {
  const index = new VolumeIndex();
  const good = vol(rect(0, 0, 0.01, 0.01));
  assert.throws(() => index.insert('bad', [good, vol({ kind: 'polygon', vertices: [] })]));
  assert.equal(index.has('bad'), false);
  assert.equal(index.size, 0);
  assert.deepEqual(index.candidates([good], { limit: 10 }), []);
  index.insert('a', [good]);
  index.insert('b', [good]);
  assert.deepEqual(sorted(index.search([good], { limit: 10 })), ['a', 'b']);
});


/** A random small volume near (lat, lng): a circle or a quadrilateral, minutes to hours long. */
function randomVolume(rng: () => number, lat: number, lng: number): Volume4D {
  const cLat = lat + (rng() - 0.5) * 0.6;
  const cLng = lng + (rng() - 0.5) * 0.6;
  const r = 0.002 + rng() * 0.05;
  const startMs = T0 + Math.floor(rng() * 20) * HOUR + Math.floor(rng() * HOUR);
  const endMs = startMs + Math.floor(rng() * (rng() < 0.1 ? 40 : 5) * HOUR);
  const altitudeLowerM = rng() * 300;
  const extra = { startMs, endMs, altitudeLowerM, altitudeUpperM: altitudeLowerM + 10 + rng() * 300 };
  if (rng() < 0.3) return vol({ kind: 'circle', center: { lat: cLat, lng: wrapLng(cLng) }, radiusM: r * 111_000 }, extra);
  return vol({
    kind: 'polygon',
    vertices: [0, 1, 2, 3].map((i) => {
      const a = (i * Math.PI) / 2 + rng() * 0.5;
      return { lat: cLat + r * Math.sin(a), lng: wrapLng(cLng + r * Math.cos(a)) };
    }),
  }, extra);
}
const wrapLng = (lng: number): number => (lng >= 180 ? lng - 360 : lng < -180 ? lng + 360 : lng);

/** Every entry one of whose volumes meets one of the area's, by the exact test alone. */
function bruteForce(entries: Map<string, Volume4D[]>, area: readonly Volume4D[], ignoreAltitude = false): string[] {
  const out: string[] = [];
  for (const [id, volumes] of entries) {
    if (volumes.some((v) => area.some((a) => volumesIntersect(v, a, { ignoreAltitude })))) out.push(id);
  }
  return out.sort();
}

function randomIndex(rng: () => number, lat: number, lng: number, n: number): [VolumeIndex, Map<string, Volume4D[]>] {
  const index = new VolumeIndex();
  const entries = new Map<string, Volume4D[]>();
  for (let i = 0; i < n; i++) {
    const volumes = Array.from({ length: 1 + Math.floor(rng() * 3) }, () => randomVolume(rng, lat, lng));
    index.insert(`e${i}`, volumes);
    entries.set(`e${i}`, volumes);
  }
  return [index, entries];
}

// area: v1 v2 ... v40 (more than one scan's 32 boxes)     search(area) = every entry that
// meets some vi by the exact test, each once, whatever the number of area volumes
test('VolumeIndex.search() over many area volumes returns exactly the entries meeting one of them', () => {
  for (const [lat, lng] of [[35, 38], [0.1, 179.9], [-60, -179.95]] as const) {
    const rng = prng(Math.round(lat * 1000 + lng));
    const [index, entries] = randomIndex(rng, lat, lng, 400);
    for (let q = 0; q < 40; q++) {
      const area = Array.from({ length: q < 30 ? 1 + (q % 4) : 33 + q }, () => randomVolume(rng, lat, lng));
      const found = index.search(area, { limit: 10_000 });
      assert.equal(new Set(found).size, found.length);
      assert.deepEqual(sorted(found), bruteForce(entries, area), `case ${lat},${lng} #${q}`);
      assert.deepEqual(sorted(index.search(area, { limit: 10_000, ignoreAltitude: true })), bruteForce(entries, area, true));
      const some = index.search(area, { limit: 3 });
      assert.ok(some.length === Math.min(3, found.length) && some.every((id) => found.includes(id)));
    }
  }
});

test('VolumeIndex.search() with skip never returns a skipped id and returns every other match', () => {
  const rng = prng(7);
  const [index, entries] = randomIndex(rng, 35, 38, 500);
  for (let q = 0; q < 60; q++) {
    const area = Array.from({ length: 1 + (q % 3) }, () => randomVolume(rng, 35, 38));
    const all = bruteForce(entries, area);
    const skipped = new Set(all.filter((_, i) => i % 3 === 0));
    const asked = new Map<string, number>();
    const skip = (id: string): boolean => {
      asked.set(id, (asked.get(id) ?? 0) + 1);
      return skipped.has(id) || id === 'e1';
    };
    const found = index.search(area, { limit: 10_000, skip });
    assert.deepEqual(sorted(found), all.filter((id) => !skipped.has(id) && id !== 'e1'));
    assert.ok([...asked.values()].every((times) => times === 1), 'skip() is asked once per id');
    assert.ok([...skipped].every((id) => asked.has(id)));
    assert.deepEqual(index.candidates(area, { limit: 10_000, skip: () => true }), []);
  }
});

test('VolumeIndex.search() asks skip() before the exact test', () => {
  // The sliver's box meets the query, its area does not: skip() is still asked, and may drop it.
  const index = new VolumeIndex();
  index.insert('sliver', [vol({ kind: 'polygon', vertices: [{ lat: 0, lng: 0 }, { lat: 0.1, lng: 0.1 }, { lat: 0.1, lng: 0.09999 }] })]);
  index.insert('square', [vol(rect(0.06, 0.0, 0.08, 0.02))]);
  const asked: string[] = [];
  const found = index.search([vol(rect(0.06, 0.0, 0.08, 0.02))], { limit: 10, skip: (id) => { asked.push(id); return id === 'square'; } });
  assert.deepEqual(found, []);
  assert.deepEqual(sorted(asked), ['sliver', 'square']);
});

test('VolumeIndex hands skip() each entry\'s current tag: insert, retag, remove and reuse', () => {
  const index = new VolumeIndex();
  const square = [vol(rect(0.06, 0.0, 0.08, 0.02))];
  index.insert('a', square, 'v1');
  index.insert('b', square);
  const tags = (): Record<string, string | undefined> => {
    const seen: Record<string, string | undefined> = {};
    index.search(square, { limit: 10, skip: (id, tag) => ((seen[id] = tag), false) });
    return seen;
  };
  assert.deepEqual(tags(), { a: 'v1', b: undefined });
  assert.equal(index.retag('a', 'v2'), true);
  assert.equal(index.retag('missing', 'v'), false);
  assert.deepEqual(tags(), { a: 'v2', b: undefined });
  index.remove('a');
  index.insert('c', square); // reuses a's entry: no tag of a's may leak to it
  assert.deepEqual(tags(), { b: undefined, c: undefined });
});
