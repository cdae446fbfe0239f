/**
 * Validation of a footprint against F3548's rules and Parley's limits. Answers the first
 * problem found, with a path relative to the footprint (e.g. ['vertices', 3, 'lat']) so the
 * wire edge can name the offending field; `tooLarge` marks an area over the limit.
 */
import type { CircleFootprint, Footprint, LatLng, PolygonFootprint } from './volume-4d.js';
import { findEdgeCrossing } from './edge-crossings.js';
import { footprintAreaKm2 } from './footprint-area.js';
import { prepareFootprint } from './prepared-shape.js';
import { EARTH_RADIUS_M, MAX_SPAN_M } from './sphere.js';

export interface FootprintProblem {
  readonly path: readonly (string | number)[];
  readonly rule: string;
  readonly tooLarge?: true;
}

export interface FootprintLimits {
  readonly maxVertices: number;
  readonly maxAreaKm2: number;
}

const LAT_RULE = 'must be a finite number in [-90, 90]';
const LNG_RULE = 'must be a finite number in [-180, 180]';
const MAX_SPAN_KM = MAX_SPAN_M / 1000;

export function checkFootprint(fp: Footprint, limits: FootprintLimits): FootprintProblem | undefined {
  const problem = fp.kind === 'circle' ? checkCircle(fp) : checkPolygon(fp, limits);
  if (problem !== undefined) return problem;
  const area = footprintAreaKm2(fp);
  if (area > limits.maxAreaKm2) {
    return { path: [], rule: `must not cover more than ${limits.maxAreaKm2} km² (it covers ${round(area)} km²)`, tooLarge: true };
  }
  return undefined;
}

function checkPoint(p: LatLng, path: readonly (string | number)[]): FootprintProblem | undefined {
  if (!isFiniteIn(p.lat, 90)) return { path: [...path, 'lat'], rule: LAT_RULE };
  if (!isFiniteIn(p.lng, 180)) return { path: [...path, 'lng'], rule: LNG_RULE };
  return undefined;
}

function checkCircle(fp: CircleFootprint): FootprintProblem | undefined {
  const bad = checkPoint(fp.center, ['center']);
  if (bad !== undefined) return bad;
  if (typeof fp.radiusM !== 'number' || !Number.isFinite(fp.radiusM) || fp.radiusM <= 0) {
    return { path: ['radius'], rule: 'must be a finite number greater than 0' };
  }
  if (fp.radiusM > MAX_SPAN_M) return { path: ['radius'], rule: `must be at most ${MAX_SPAN_M} m` };
  return undefined;
}

function checkPolygon(fp: PolygonFootprint, limits: FootprintLimits): FootprintProblem | undefined {
  const vertices = fp.vertices;
  const n = vertices.length;
  if (n < 3) return { path: ['vertices'], rule: 'must have at least 3 vertices' };
  if (n > limits.maxVertices) return { path: ['vertices'], rule: `must have at most ${limits.maxVertices} vertices (it has ${n})` };
  const seen = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const v = vertices[i] as LatLng;
    const bad = checkPoint(v, ['vertices', i]);
    if (bad !== undefined) return bad;
    const key = pointKey(v);
    const first = seen.get(key);
    if (first !== undefined) return { path: ['vertices', i], rule: `must not repeat vertex ${first}` };
    seen.set(key, i);
  }
  const shape = prepareFootprint(fp);
  for (let i = 0; i < n; i++) {
    const v = shape.xyz;
    const cos = (v[3 * i] as number) * shape.cx + (v[3 * i + 1] as number) * shape.cy + (v[3 * i + 2] as number) * shape.cz;
    if (Math.acos(Math.min(1, cos)) * EARTH_RADIUS_M > MAX_SPAN_M) {
      return { path: ['vertices', i], rule: `must lie within ${MAX_SPAN_KM} km of the polygon's centre` };
    }
  }
  const crossing = findEdgeCrossing(shape.px, shape.py, n);
  if (crossing !== undefined) {
    const [i, j] = crossing;
    return { path: ['vertices', j], rule: `edges ${i}–${(i + 1) % n} and ${j}–${(j + 1) % n} must not cross or touch` };
  }
  if (planarArea(shape.px, shape.py, n) <= 1e-12 * ((shape.maxX - shape.minX) ** 2 + (shape.maxY - shape.minY) ** 2)) {
    return { path: ['vertices'], rule: 'must enclose a non-zero area' };
  }
  return undefined;
}

function planarArea(px: Float64Array, py: Float64Array, n: number): number {
  let twice = 0;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    twice += (px[j] as number) * (py[i] as number) - (px[i] as number) * (py[j] as number);
  }
  return Math.abs(twice) / 2;
}

/** Same key for the same point: every longitude at a pole, and ±180. */
function pointKey(p: LatLng): string {
  if (Math.abs(p.lat) === 90) return `${p.lat},0`;
  return `${p.lat},${p.lng === -180 ? 180 : p.lng + 0}`;
}

function isFiniteIn(x: unknown, limit: number): boolean {
  return typeof x === 'number' && Number.isFinite(x) && x >= -limit && x <= limit;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
