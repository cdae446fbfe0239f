/**
 * The sphere model shared by every geometry module: the radius S2 (and so the InterUSS DSS)
 * uses, conversions from degrees to unit vectors, and the tangent plane of the gnomonic
 * projection. Vectors are plain numbers in hot code; `Vec3` is for the few places that
 * return one.
 */
export const EARTH_RADIUS_M = 6_371_010;
export const RAD = Math.PI / 180;
export const DEG = 180 / Math.PI;

/** Exact tests may answer "intersects" for shapes up to this far apart, never further (docs/geometry.md). */
export const TOUCH_TOLERANCE_M = 0.5;
export const TOUCH_TOLERANCE_RAD = TOUCH_TOLERANCE_M / EARTH_RADIUS_M;

/** Farthest a vertex may lie from its footprint's centre; keeps the gnomonic projection sound. */
export const MAX_SPAN_M = 1_000_000;

/** Beyond this angle from a projection centre, tests answer "intersects" rather than project. */
export const MAX_PROJECTION_ANGLE_RAD = Math.PI / 3;
const MIN_PROJECTION_COS = Math.cos(MAX_PROJECTION_ANGLE_RAD);
export const MIN_PROJECTION_COS_SQ = MIN_PROJECTION_COS * MIN_PROJECTION_COS;

export interface Vec3 {
  readonly x: number;
  readonly y: number;
  readonly z: number;
}

export function unitVector(latDeg: number, lngDeg: number): Vec3 {
  const lat = latDeg * RAD;
  const lng = lngDeg * RAD;
  const c = Math.cos(lat);
  return { x: c * Math.cos(lng), y: c * Math.sin(lng), z: Math.sin(lat) };
}

/** Writes the unit vector of (lat, lng) at `out[3*i .. 3*i+2]`. */
export function writeUnitVector(out: Float64Array, i: number, latDeg: number, lngDeg: number): void {
  const lat = latDeg * RAD;
  const lng = lngDeg * RAD;
  const c = Math.cos(lat);
  out[3 * i] = c * Math.cos(lng);
  out[3 * i + 1] = c * Math.sin(lng);
  out[3 * i + 2] = Math.sin(lat);
}

/** Central angle between two directions (need not be unit length); precise for tiny angles. */
export function angleBetween(
  ax: number, ay: number, az: number,
  bx: number, by: number, bz: number,
): number {
  const cx = ay * bz - az * by;
  const cy = az * bx - ax * bz;
  const cz = ax * by - ay * bx;
  return Math.atan2(Math.sqrt(cx * cx + cy * cy + cz * cz), ax * bx + ay * by + az * bz);
}

export function latOf(x: number, y: number, z: number): number {
  return Math.atan2(z, Math.sqrt(x * x + y * y)) * DEG;
}

export function lngOf(x: number, y: number): number {
  return Math.atan2(y, x) * DEG;
}

/**
 * Orthonormal frame of the plane tangent at unit vector c: `e` (east, or any horizontal
 * direction at a pole) and `n` = c × e. Gnomonic coordinates of a direction v are
 * (v·e / v·c, v·n / v·c), in units of the radius.
 */
export interface TangentFrame {
  readonly cx: number; readonly cy: number; readonly cz: number;
  readonly ex: number; readonly ey: number; readonly ez: number;
  readonly nx: number; readonly ny: number; readonly nz: number;
}

export function tangentFrame(cx: number, cy: number, cz: number): TangentFrame {
  let ex = -cy;
  let ey = cx;
  let ez = 0;
  let len = Math.sqrt(ex * ex + ey * ey);
  if (len < 1e-12) {
    ex = 1; ey = 0; ez = 0; len = 1;
  }
  ex /= len; ey /= len; ez /= len;
  return {
    cx, cy, cz, ex, ey, ez,
    nx: cy * ez - cz * ey,
    ny: cz * ex - cx * ez,
    nz: cx * ey - cy * ex,
  };
}
