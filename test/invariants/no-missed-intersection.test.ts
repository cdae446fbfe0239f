/**
 * Invariant 1 (DESIGN.md): no missed intersection. VolumeIndex.search() (index + exact test)
 * is compared with an independent oracle (sphere-oracle.ts) on random pairs built to be hard:
 * near-touching at cm–m gaps, shared vertices and edges, slivers, high latitudes and the
 * poles, the antimeridian, circles, polygons large enough to use edge bands, and shapes of
 * hundreds of km that the index keeps in its coarse layer.
 * Oracle distance <= 1 cm must be found; anything found must be within 1 m.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { VolumeIndex } from '../../src/domain/cells/volume-index.js';
import { volumesIntersect } from '../../src/domain/geo/volumes-intersect.js';
import type { Footprint, LatLng, Volume4D } from '../../src/domain/geo/volume-4d.js';
import { bearing, destination, footprintDistanceM, samplesMeet } from './sphere-oracle.js';
import { prng } from '../support/prng.js';

const CASES = 2_000;
const PER_CASE = 10;
const MUST_FIND_M = 0.01;
const MAY_FIND_M = 1.0;


type Rng = () => number;
const pick = <T,>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
const logUniform = (rng: Rng, lo: number, hi: number): number => lo * Math.exp(rng() * Math.log(hi / lo));

function centre(rng: Rng, region: string): LatLng {
  switch (region) {
    case 'pole': return { lat: rng() < 0.5 ? 90 : 89.9 + rng() * 0.1, lng: rng() * 360 - 180 };
    case 'south-pole': return { lat: -89.95 - rng() * 0.05, lng: rng() * 360 - 180 };
    case 'high': return { lat: 80 + rng() * 9.9, lng: rng() * 360 - 180 };
    case 'antimeridian': return { lat: rng() * 120 - 60, lng: rng() < 0.5 ? 180 - rng() * 0.01 : -180 + rng() * 0.01 };
    default: return { lat: rng() * 140 - 70, lng: rng() * 360 - 180 };
  }
}

/** A star-shaped polygon (first vertex at bearing b0) or a circle around c. */
function shapeAround(rng: Rng, c: LatLng, sizeM: number, kind: string, b0 = rng() * 2 * Math.PI): Footprint {
  if (kind === 'circle') return { kind: 'circle', center: c, radiusM: sizeM };
  if (kind === 'huge') return shapeAround(rng, c, sizeM, rng() < 0.3 ? 'circle' : 'polygon', b0); // coarse layer
  if (kind === 'sliver') {
    const w = logUniform(rng, 0.01, 2);
    const far = destination(c, b0 + Math.PI, sizeM);
    return { kind: 'polygon', vertices: [c, far, destination(far, b0 + Math.PI / 2, w), destination(c, b0 + Math.PI / 2, w)] };
  }
  const n = kind === 'big' ? 32 + Math.floor(rng() * 40) : 3 + Math.floor(rng() * 10);
  const vertices: LatLng[] = [];
  for (let k = 0; k < n; k++) {
    const step = (2 * Math.PI) / n;
    const th = b0 + k * step + (k === 0 ? 0 : (rng() - 0.5) * 0.8 * step);
    vertices.push(destination(c, th, sizeM * (k === 0 ? 1 : 0.4 + 0.6 * rng())));
  }
  return { kind: 'polygon', vertices };
}

/** A point on the boundary of fp, and the bearing pointing away from the shape there. */
function boundaryPoint(rng: Rng, fp: Footprint): { p: LatLng; out: number } {
  if (fp.kind === 'circle') {
    const th = rng() * 2 * Math.PI;
    return { p: destination(fp.center, th, fp.radiusM), out: th };
  }
  const i = Math.floor(rng() * fp.vertices.length);
  const a = fp.vertices[i] as LatLng;
  const b = fp.vertices[(i + 1) % fp.vertices.length] as LatLng;
  const along = rng() < 0.3 ? 0 : rng();
  const p = destination(a, bearing(a, b), along * haversineLite(a, b));
  return { p, out: bearing(a, b) + (rng() < 0.5 ? 1 : -1) * Math.PI / 2 };
}
function haversineLite(a: LatLng, b: LatLng): number {
  return footprintDistanceM({ kind: 'circle', center: a, radiusM: 0 }, { kind: 'circle', center: b, radiusM: 0 });
}

function partner(rng: Rng, a: Footprint, sizeA: number): Footprint {
  const mode = pick(rng, ['near', 'near', 'near', 'shared-edge', 'shared-vertex', 'random', 'inside']);
  const kind = pick(rng, ['polygon', 'polygon', 'circle', 'sliver', 'big', 'huge']);
  const sizeB = kind === 'huge' ? logUniform(rng, 30_000, 400_000) : logUniform(rng, 0.5, 3_000);
  if (mode === 'random' || mode === 'inside') {
    const c = a.kind === 'circle' ? a.center : (a.vertices[0] as LatLng);
    const at = destination(c, rng() * 2 * Math.PI, mode === 'inside' ? 0 : rng() * 2 * sizeA);
    return shapeAround(rng, at, mode === 'inside' ? sizeB / 100 : sizeB, kind);
  }
  if (a.kind === 'polygon' && mode !== 'near') {
    const i = Math.floor(rng() * a.vertices.length);
    const v0 = a.vertices[i] as LatLng;
    const v1 = a.vertices[(i + 1) % a.vertices.length] as LatLng;
    const outward = bearing(v0, v1) + (rng() < 0.5 ? 1 : -1) * Math.PI / 2;
    const x = destination(v0, outward, sizeB);
    return { kind: 'polygon', vertices: mode === 'shared-edge' ? [v1, v0, x] : [v0, x, destination(x, outward + 1, sizeB)] };
  }
  // Near: B's boundary passes a gap of -2 m .. 2 m (0 exactly, or cm, often) from a boundary point of A.
  const { p, out } = boundaryPoint(rng, a);
  const gap = pick(rng, [0, 0, 0.001, 0.01, 0.05, 0.3, 0.6, 0.99, 1.01, 2]) * (rng() < 0.2 ? -1 : 1);
  const q = gap >= 0 ? destination(p, out, gap) : destination(p, out + Math.PI, -gap);
  const cB = destination(q, out, sizeB);
  return shapeAround(rng, cB, sizeB, kind === 'big' || kind === 'sliver' || kind === 'huge' ? 'polygon' : kind, bearing(cB, q));
}

function intervals(rng: Rng): { altitudeLowerM: number; altitudeUpperM: number; startMs: number; endMs: number } {
  const choose = (lo: number, hi: number): [number, number] => {
    const r = rng();
    if (r < 0.6) return [lo, hi];
    if (r < 0.75) return [hi, hi + 10]; // touching: closed intervals meet
    if (r < 0.85) return [hi + 1, hi + 10];
    return [-Infinity, Infinity];
  };
  const [altitudeLowerM, altitudeUpperM] = choose(0, 100);
  const [startMs, endMs] = choose(1.7e12, 1.7e12 + 3_600_000);
  return { altitudeLowerM, altitudeUpperM, startMs, endMs };
}

function overlaps4d(a: Volume4D, b: Volume4D): boolean {
  return a.altitudeLowerM <= b.altitudeUpperM && b.altitudeLowerM <= a.altitudeUpperM && a.startMs <= b.endMs && b.startMs <= a.endMs;
}

test('VolumeIndex.search() misses no intersection and finds nothing farther than 1 m', (t) => {
  const index = new VolumeIndex();
  const stats = { pairs: 0, touching: 0, found: 0, within1m: 0 };
  let run = 0;
  fc.assert(
    fc.property(fc.integer(), fc.constantFrom('mid', 'mid', 'high', 'pole', 'south-pole', 'antimeridian'), (seed, region) => {
      const rng = prng(seed);
      run++;
      const kindA = pick(rng, ['polygon', 'polygon', 'circle', 'sliver', 'big', 'huge']);
      const sizeA = kindA === 'huge' ? logUniform(rng, 30_000, 400_000) : logUniform(rng, 1, 5_000);
      const a = shapeAround(rng, centre(rng, region), sizeA, kindA);
      const query: Volume4D = { footprint: a, altitudeLowerM: 0, altitudeUpperM: 100, startMs: 1.7e12, endMs: 1.7e12 + 3_600_000 };
      const bs: Volume4D[] = [];
      for (let k = 0; k < PER_CASE; k++) {
        const b: Volume4D = { footprint: partner(rng, a, sizeA), ...intervals(rng) };
        bs.push(b);
        index.insert(`${run}:${k}`, [b]);
      }
      const found = new Set(index.search([query], { limit: 1e9 }));
      const candidates = new Set(index.candidates([query], { limit: 1e9 }));
      bs.forEach((b, k) => {
        const id = `${run}:${k}`;
        const d = footprintDistanceM(a, b.footprint);
        const meets4d = overlaps4d(query, b);
        stats.pairs++;
        if (d <= MUST_FIND_M) stats.touching++;
        else if (d <= MAY_FIND_M) stats.within1m++;
        if (samplesMeet(a, b.footprint, 8)) assert.ok(d <= MUST_FIND_M, `oracle disagrees with its own samples for ${id} (${d} m): ${JSON.stringify([a, b.footprint])}`);
        const mustFind = meets4d && d <= MUST_FIND_M;
        const mayFind = meets4d && d <= MAY_FIND_M;
        for (const [what, got] of [
          ['search', found.has(id)],
          ['volumesIntersect(a, b)', volumesIntersect(query, b)],
          ['volumesIntersect(b, a)', volumesIntersect(b, query)],
        ] as const) {
          if (mustFind) assert.ok(got, `${what} missed ${id} at ${d} m: ${JSON.stringify([a, b])}`);
          if (got) assert.ok(mayFind, `${what} found ${id} at ${d} m: ${JSON.stringify([a, b])}`);
        }
        if (found.has(id)) {
          stats.found++;
          assert.ok(candidates.has(id), `candidates() lacks ${id}, which search() found`);
        }
        if (k % 5 !== 0) index.remove(id); // keep a fifth as background entries
      });
    }),
    { numRuns: CASES, seed: 20250101, includeErrorInReport: true },
  );
  t.diagnostic(JSON.stringify(stats));
  assert.equal(stats.pairs, CASES * PER_CASE);
  assert.ok(stats.touching > stats.pairs / 5, `too few touching pairs: ${JSON.stringify(stats)}`);
});
