/**
 * Footprints turned into what the exact test needs, computed once per shape: unit vectors,
 * a centre and the radius of a cap that holds the shape, and (for the shape a test is
 * centred on) gnomonic coordinates in the plane tangent at its centre.
 */
import type { Footprint } from './volume-4d.js';
import { buildEdgeBands, BANDS_MIN_VERTICES, type EdgeBands } from './edge-bands.js';
import {
  angleBetween, EARTH_RADIUS_M, MAX_PROJECTION_ANGLE_RAD, tangentFrame, writeUnitVector, type TangentFrame,
} from './sphere.js';

export const POLYGON = 0;
export const CIRCLE = 1;
export type ShapeKind = typeof POLYGON | typeof CIRCLE;

/** The least a test needs of the other shape; the index fills one from its packed arrays. */
export interface ShapeView {
  readonly kind: ShapeKind;
  /** Unit vector of the centre (a circle's centre; a polygon's projection centre). */
  readonly cx: number;
  readonly cy: number;
  readonly cz: number;
  /** Angular radius of a cap around the centre that holds the whole shape (a circle's radius). */
  readonly reachRad: number;
  /** Polygon vertex count (0 for a circle). */
  readonly count: number;
  /** Polygon vertex directions, 3 per vertex; need not be unit length. */
  readonly xyz: Float64Array;
  /** How far (radians) stored coordinates may have moved by rounding; widens the tolerance. */
  readonly padRad: number;
}

export interface PreparedShape extends ShapeView {
  readonly frame: TangentFrame;
  /** tan(radius) for a circle: its cap is exactly the disk of this radius in its own plane. */
  readonly tanRadius: number;
  /** Polygon vertices in the plane tangent at the centre. */
  readonly px: Float64Array;
  readonly py: Float64Array;
  readonly minX: number;
  readonly maxX: number;
  readonly minY: number;
  readonly maxY: number;
  readonly bands: EdgeBands | undefined;
}

const EMPTY = new Float64Array(0);

export function prepareFootprint(fp: Footprint): PreparedShape {
  if (fp.kind === 'circle') {
    const c = new Float64Array(3);
    writeUnitVector(c, 0, fp.center.lat, fp.center.lng);
    const reachRad = fp.radiusM / EARTH_RADIUS_M;
    const frame = tangentFrame(c[0] as number, c[1] as number, c[2] as number);
    const tanRadius = reachRad < Math.PI / 2 ? Math.tan(reachRad) : Infinity;
    return {
      kind: CIRCLE, cx: frame.cx, cy: frame.cy, cz: frame.cz, reachRad, count: 0, xyz: EMPTY, padRad: 0,
      frame, tanRadius, px: EMPTY, py: EMPTY, minX: -tanRadius, maxX: tanRadius, minY: -tanRadius, maxY: tanRadius,
      bands: undefined,
    };
  }
  const n = fp.vertices.length;
  const xyz = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    const v = fp.vertices[i] as { readonly lat: number; readonly lng: number };
    writeUnitVector(xyz, i, v.lat, v.lng);
  }
  const [cx, cy, cz] = polygonCentre(xyz, n);
  // The farthest vertex by a key that grows with the angle (|c×v|² to 90°, 2 - |c×v|² beyond):
  // one atan2 instead of one per vertex. The cross product keeps small angles precise.
  let far = 0;
  let farKey = -1;
  for (let i = 0; i < n; i++) {
    const vx = xyz[3 * i] as number, vy = xyz[3 * i + 1] as number, vz = xyz[3 * i + 2] as number;
    const qx = cy * vz - cz * vy, qy = cz * vx - cx * vz, qz = cx * vy - cy * vx;
    const sin2 = qx * qx + qy * qy + qz * qz;
    const key = cx * vx + cy * vy + cz * vz >= 0 ? sin2 : 2 - sin2;
    if (key > farKey) {
      farKey = key;
      far = i;
    }
  }
  // Vertices within rounding of the farthest one tie; the margin covers the angle between them.
  const reachRad = angleBetween(cx, cy, cz, xyz[3 * far] as number, xyz[3 * far + 1] as number, xyz[3 * far + 2] as number) * (1 + 1e-12) + 1e-15;
  const frame = tangentFrame(cx, cy, cz);
  const px = new Float64Array(n);
  const py = new Float64Array(n);
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  if (reachRad < MAX_PROJECTION_ANGLE_RAD) {
    for (let i = 0; i < n; i++) {
      const vx = xyz[3 * i] as number, vy = xyz[3 * i + 1] as number, vz = xyz[3 * i + 2] as number;
      const w = vx * cx + vy * cy + vz * cz;
      const x = (vx * frame.ex + vy * frame.ey + vz * frame.ez) / w;
      const y = (vx * frame.nx + vy * frame.ny + vz * frame.nz) / w;
      px[i] = x;
      py[i] = y;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  const bands = n >= BANDS_MIN_VERTICES && reachRad < MAX_PROJECTION_ANGLE_RAD ? buildEdgeBands(px, py, n) : undefined;
  return {
    kind: POLYGON, cx, cy, cz, reachRad, count: n, xyz, padRad: 0,
    frame, tanRadius: 0, px, py, minX, maxX, minY, maxY, bands,
  };
}

/** Normalised sum of the vertex directions (a vertex when the sum vanishes). */
export function polygonCentre(xyz: Float64Array, n: number): [number, number, number] {
  let sx = 0, sy = 0, sz = 0;
  for (let i = 0; i < n; i++) {
    sx += xyz[3 * i] as number;
    sy += xyz[3 * i + 1] as number;
    sz += xyz[3 * i + 2] as number;
  }
  const len = Math.sqrt(sx * sx + sy * sy + sz * sz);
  if (len < 1e-9 * n) return [xyz[0] as number, xyz[1] as number, xyz[2] as number];
  return [sx / len, sy / len, sz / len];
}
