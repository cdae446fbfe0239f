/**
 * Coarsened volumes: one circle that contains every footprint, with the altitude band and time
 * window widened to contain them all, rounded outward (radius to whole km, altitudes to 10 m,
 * times to whole minutes), so a peer learns roughly where and when, not the shape.
 */
import { EARTH_RADIUS_M, angleBetween, latOf, lngOf, unitVector } from '../geo/sphere.js';
import type { LatLng, Volume4D } from '../geo/volume-4d.js';

const MINUTE_MS = 60_000;

export function boundingVolume(volumes: readonly Volume4D[]): Volume4D {
  if (volumes.length === 0) throw new RangeError('Cannot bound no volumes');
  // Points to contain, each with the radius around it (0 for a vertex).
  const points: Array<{ p: LatLng; r: number }> = [];
  for (const v of volumes) {
    const f = v.footprint;
    if (f.kind === 'circle') points.push({ p: f.center, r: f.radiusM });
    else for (const p of f.vertices) points.push({ p, r: 0 });
  }
  // Centre: the normalised mean of the unit vectors (footprints span at most 1,000 km).
  let x = 0, y = 0, z = 0;
  for (const { p } of points) {
    const u = unitVector(p.lat, p.lng);
    x += u.x; y += u.y; z += u.z;
  }
  const n = Math.hypot(x, y, z);
  x /= n; y /= n; z /= n;
  let radiusM = 0;
  for (const { p, r } of points) {
    const u = unitVector(p.lat, p.lng);
    radiusM = Math.max(radiusM, angleBetween(x, y, z, u.x, u.y, u.z) * EARTH_RADIUS_M + r);
  }
  // A cap is convex: holding every vertex (and circle) it holds the edges and the interiors.
  return {
    footprint: { kind: 'circle', center: { lat: latOf(x, y, z), lng: lngOf(x, y) }, radiusM: Math.max(1000, up(radiusM + 1, 1000)) },
    altitudeLowerM: down(Math.min(...volumes.map((v) => v.altitudeLowerM)), 10),
    altitudeUpperM: up(Math.max(...volumes.map((v) => v.altitudeUpperM)), 10),
    startMs: down(Math.min(...volumes.map((v) => v.startMs)), MINUTE_MS),
    endMs: up(Math.max(...volumes.map((v) => v.endMs)), MINUTE_MS),
  };
}

/** x rounded outward to a multiple of `step` (never inside x, even where x / step underflows); ±Infinity stays. */
function up(x: number, step: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.ceil(x / step) * step;
  return r < x ? r + step : r;
}

function down(x: number, step: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.floor(x / step) * step;
  return r > x ? r - step : r;
}

