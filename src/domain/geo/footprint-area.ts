/** Areas on the sphere: a circle is a spherical cap; a polygon is the smaller region its edges bound. */
import type { Footprint } from './volume-4d.js';
import { EARTH_RADIUS_M, RAD } from './sphere.js';
import { polygonCentre } from './prepared-shape.js';

export function footprintAreaKm2(fp: Footprint): number {
  if (fp.kind === 'circle') {
    const half = Math.sin(fp.radiusM / EARTH_RADIUS_M / 2);
    return (4 * Math.PI * EARTH_RADIUS_M * EARTH_RADIUS_M * half * half) / 1e6;
  }
  const n = fp.vertices.length;
  const xyz = new Float64Array(3 * n);
  fp.vertices.forEach((v, i) => {
    const c = Math.cos(v.lat * RAD);
    xyz[3 * i] = c * Math.cos(v.lng * RAD);
    xyz[3 * i + 1] = c * Math.sin(v.lng * RAD);
    xyz[3 * i + 2] = Math.sin(v.lat * RAD);
  });
  return (sphericalPolygonArea(xyz, n) * EARTH_RADIUS_M * EARTH_RADIUS_M) / 1e6;
}

/**
 * Steradians of the smaller region bounded by the ring of unit vectors: the signed spherical
 * excesses of the triangles (centre, a, b) summed (Van Oosterom–Strackee for each).
 */
export function sphericalPolygonArea(xyz: Float64Array, n: number): number {
  const [cx, cy, cz] = polygonCentre(xyz, n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    const ax = xyz[3 * i] as number, ay = xyz[3 * i + 1] as number, az = xyz[3 * i + 2] as number;
    const bx = xyz[3 * j] as number, by = xyz[3 * j + 1] as number, bz = xyz[3 * j + 2] as number;
    const triple = cx * (ay * bz - az * by) + cy * (az * bx - ax * bz) + cz * (ax * by - ay * bx);
    const denom = 1 + (ax * bx + ay * by + az * bz) + (bx * cx + by * cy + bz * cz) + (cx * ax + cy * ay + cz * az);
    sum += 2 * Math.atan2(triple, denom);
  }
  const area = Math.abs(sum);
  return Math.min(area, 4 * Math.PI - area);
}
