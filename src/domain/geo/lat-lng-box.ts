/**
 * Conservative latitude/longitude boxes of footprints on the sphere, for spatial indexing.
 * A box never leaves out a point of its footprint: great-circle edges bulge poleward beyond
 * their vertices and are accounted for; a footprint around a pole gets every longitude.
 */
import type { Footprint, LatLng } from './volume-4d.js';
import { DEG, EARTH_RADIUS_M, RAD, writeUnitVector } from './sphere.js';

/**
 * `west` is in [-180, 180); `east` >= `west` and may exceed 180 when the box crosses the
 * antimeridian (east - 360 is then the true longitude). Every longitude: west -180, east 180.
 */
export interface LatLngBox {
  readonly south: number;
  readonly north: number;
  readonly west: number;
  readonly east: number;
}

/** Padding added around every box: more than the exact test's touch tolerance, so boxes agree with it. */
export const BOX_PAD_M = 2;

export function footprintBox(fp: Footprint, padM: number = BOX_PAD_M): LatLngBox {
  return fp.kind === 'circle'
    ? circleBox(fp.center, fp.radiusM, padM)
    : polygonBox(fp.vertices, padM);
}

function circleBox(center: LatLng, radiusM: number, padM: number): LatLngBox {
  const rho = (radiusM + padM) / EARTH_RADIUS_M;
  const south = center.lat - rho * DEG;
  const north = center.lat + rho * DEG;
  if (north >= 90 || south <= -90) return allLongitudes(Math.max(south, -90), Math.min(north, 90));
  const s = Math.sin(rho) / Math.cos(center.lat * RAD);
  if (s >= 1) return allLongitudes(south, north);
  const dLng = Math.asin(s) * DEG;
  return lngSpan(south, north, center.lng - dLng, center.lng + dLng);
}

/**
 * The box of a polygon; `xyz`, when given, holds the unit vectors of its vertices (as
 * writeUnitVector computes them), so that a caller that has them (prepareVolume) saves the trig.
 */
export function polygonBox(vertices: readonly LatLng[], padM: number = BOX_PAD_M, xyz?: Float64Array): LatLngBox {
  const n = vertices.length;
  let south = Infinity;
  let north = -Infinity;
  let full = false;
  const first = vertices[0];
  if (first === undefined) throw new Error('polygonBox: a polygon needs vertices');
  if (xyz === undefined) {
    xyz = new Float64Array(3 * n);
    for (let i = 0; i < n; i++) writeUnitVector(xyz, i, (vertices[i] as LatLng).lat, (vertices[i] as LatLng).lng);
  }
  let lng = first.lng;
  let west = lng;
  let east = lng;
  for (let i = 0; i < n; i++) {
    const a = vertices[i] as LatLng;
    const j = i + 1 === n ? 0 : i + 1;
    const b = vertices[j] as LatLng;
    const lo = Math.min(a.lat, b.lat), hi = Math.max(a.lat, b.lat);
    if (lo < south) south = lo;
    if (hi > north) north = hi;
    arcBulge(xyz, i, j, bulge);
    if ((bulge[0] as number) > north) north = bulge[0] as number;
    if ((bulge[1] as number) < south) south = bulge[1] as number;
    if (Math.abs(a.lat) >= 90 - 1e-9) full = true;
    let d = b.lng - a.lng;
    if (d > 180) d -= 360;
    else if (d <= -180) d += 360;
    // An edge whose ends are half a turn apart passes over a pole: its longitudes are not monotonic.
    if (Math.abs(d) >= 180 - 1e-9) full = true;
    lng += d;
    if (lng < west) west = lng;
    if (lng > east) east = lng;
  }
  // A ring that winds once around the axis encloses a pole.
  const winding = lng - first.lng;
  if (Math.abs(winding) > 180) {
    full = true;
    if (north + south > 0) north = 90;
    else south = -90;
  }
  const padDeg = (padM / EARTH_RADIUS_M) * DEG;
  south = Math.max(-90, south - padDeg);
  north = Math.min(90, north + padDeg);
  if (full) return allLongitudes(south, north);
  const cosLat = Math.cos(Math.max(Math.abs(south), Math.abs(north)) * RAD);
  if (cosLat < 1e-9) return allLongitudes(south, north);
  const lngPad = padDeg / cosLat;
  return lngSpan(south, north, west - lngPad, east + lngPad);
}

/** Latitude range of the minor great-circle arc a→b, including its poleward bulge. */
export function edgeLatExtremes(a: LatLng, b: LatLng): { south: number; north: number } {
  const v = new Float64Array(6);
  writeUnitVector(v, 0, a.lat, a.lng);
  writeUnitVector(v, 1, b.lat, b.lng);
  const bulge = new Float64Array(2);
  arcBulge(v, 0, 1, bulge);
  return { south: Math.min(a.lat, b.lat, bulge[1] as number), north: Math.max(a.lat, b.lat, bulge[0] as number) };
}

/** polygonBox's scratch: an arc's bulge north and south. */
const bulge = new Float64Array(2);

/**
 * Writes into out the latitude (degrees) of the great circle's highest point when it lies on
 * the minor arc from unit vector i to unit vector j of xyz (else -Infinity), and of its lowest
 * point when that does (else Infinity). Only the arcs that bulge pay for the asin.
 */
function arcBulge(xyz: Float64Array, i: number, j: number, out: Float64Array): void {
  out[0] = -Infinity;
  out[1] = Infinity;
  const ax = xyz[3 * i] as number, ay = xyz[3 * i + 1] as number, az = xyz[3 * i + 2] as number;
  const bx = xyz[3 * j] as number, by = xyz[3 * j + 1] as number, bz = xyz[3 * j + 2] as number;
  const nx = ay * bz - az * by, ny = az * bx - ax * bz, nz = ax * by - ay * bx;
  const h2 = nx * nx + ny * ny;
  if (h2 < 1e-30) return;
  // Highest point of the great circle, P ∝ (-nz·nx, -nz·ny, nx²+ny²); the lowest is -P.
  const px = -nz * nx, py = -nz * ny, pz = h2;
  // P is on the arc iff (a×P)·N >= 0 and (P×b)·N >= 0; -P flips both signs.
  const s1 = tripleProduct(ax, ay, az, px, py, pz, nx, ny, nz);
  const s2 = tripleProduct(px, py, pz, bx, by, bz, nx, ny, nz);
  const up = s1 >= 0 && s2 >= 0;
  const down = s1 <= 0 && s2 <= 0;
  if (!up && !down) return;
  const plen = Math.sqrt(px * px + py * py + pz * pz);
  const extreme = Math.asin(Math.min(1, pz / plen)) * DEG;
  if (up) out[0] = extreme;
  if (down) out[1] = -extreme;
}

function tripleProduct(
  ax: number, ay: number, az: number,
  bx: number, by: number, bz: number,
  cx: number, cy: number, cz: number,
): number {
  return (ay * bz - az * by) * cx + (az * bx - ax * bz) * cy + (ax * by - ay * bx) * cz;
}

function allLongitudes(south: number, north: number): LatLngBox {
  return { south, north, west: -180, east: 180 };
}

function lngSpan(south: number, north: number, west: number, east: number): LatLngBox {
  if (east - west >= 360) return allLongitudes(south, north);
  while (west < -180) { west += 360; east += 360; }
  while (west >= 180) { west -= 360; east -= 360; }
  return { south, north, west, east };
}

/** True when the boxes share a point (longitudes compared modulo 360). */
export function boxesOverlap(a: LatLngBox, b: LatLngBox): boolean {
  if (a.south > b.north || b.south > a.north) return false;
  if (a.east - a.west >= 360 || b.east - b.west >= 360) return true;
  for (const shift of [-360, 0, 360]) {
    if (a.west + shift <= b.east && b.west <= a.east + shift) return true;
  }
  return false;
}
