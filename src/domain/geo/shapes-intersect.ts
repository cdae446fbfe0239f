/**
 * The exact 2D test on the sphere. Both shapes are looked at in one gnomonic plane, where
 * great-circle edges are straight, so planar crossing and containment tests are exact.
 * Planar distances are never shorter than the sphere distances they stand for, so a
 * "within tolerance" answer means at most TOUCH_TOLERANCE_M apart on the sphere; rounding
 * can only widen, never narrow, what counts as touching.
 */
import { bandOf } from './edge-bands.js';
import { pointInRing, pointSegmentDist2, segmentsWithinAt } from './planar.js';
import { CIRCLE, type PreparedShape, type ShapeView } from './prepared-shape.js';
import {
  angleBetween, MAX_PROJECTION_ANGLE_RAD, tangentFrame, TOUCH_TOLERANCE_RAD, type TangentFrame,
} from './sphere.js';

/** Reusable buffers, so that a hot loop of tests allocates nothing. */
export class IntersectScratch {
  xs = new Float64Array(64);
  ys = new Float64Array(64);
  ensure(n: number): void {
    if (this.xs.length < n) {
      const size = Math.max(n, this.xs.length * 2);
      this.xs = new Float64Array(size);
      this.ys = new Float64Array(size);
    }
  }
}

/** Does shape s share a point with prepared shape p (boundary contact included)? */
export function shapesIntersect(p: PreparedShape, s: ShapeView, scratch: IntersectScratch): boolean {
  // Gnomonic scale is at most sec²(60°) = 4, so rounding of stored points moves their images at most 4x.
  const tol = TOUCH_TOLERANCE_RAD + 4 * (p.padRad + s.padRad);
  const d = angleBetween(p.cx, p.cy, p.cz, s.cx, s.cy, s.cz);
  if (d > p.reachRad + s.reachRad + tol) return false;
  // Too far from a projection centre to project soundly: answer conservatively.
  if (d + Math.max(p.reachRad, s.reachRad) + tol >= MAX_PROJECTION_ANGLE_RAD) return true;
  if (p.kind === CIRCLE) {
    if (s.kind === CIRCLE) return true; // the cap test above is exact for two circles
    const n = projectInto(p.frame, s, scratch);
    return ringNearOrigin(scratch.xs, scratch.ys, n, p.tanRadius + tol);
  }
  if (s.kind === CIRCLE) return polygonMeetsCircle(p, s, d, tol);
  return polygonsMeet(p, s, scratch, tol);
}

/** Projects the vertices of s into the plane; returns the vertex count. */
function projectInto(f: TangentFrame, s: ShapeView, scratch: IntersectScratch): number {
  const n = s.count;
  scratch.ensure(n);
  const { xs, ys } = scratch;
  const v = s.xyz;
  for (let i = 0; i < n; i++) {
    const vx = v[3 * i] as number, vy = v[3 * i + 1] as number, vz = v[3 * i + 2] as number;
    const w = vx * f.cx + vy * f.cy + vz * f.cz;
    xs[i] = (vx * f.ex + vy * f.ey + vz * f.ez) / w;
    ys[i] = (vx * f.nx + vy * f.ny + vz * f.nz) / w;
  }
  return n;
}

function ringNearOrigin(xs: Float64Array, ys: Float64Array, n: number, r: number): boolean {
  const r2 = r * r;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    if (pointSegmentDist2(0, 0, xs[j] as number, ys[j] as number, xs[i] as number, ys[i] as number) <= r2) return true;
  }
  return pointInRing(xs, ys, n, 0, 0);
}

/** Point-in-polygon in p's own plane, through its edge bands when it has them. */
function pointInPrepared(p: PreparedShape, x: number, y: number): boolean {
  const bands = p.bands;
  if (bands === undefined) return pointInRing(p.px, p.py, p.count, x, y);
  if (y < p.minY || y > p.maxY) return false;
  const { px, py, count: n } = p;
  const b = bandOf(y, bands.minY, bands.bandHeight, bands.bandCount);
  let inside = false;
  for (let k = bands.start[b] as number, end = bands.start[b + 1] as number; k < end; k++) {
    const i = bands.edges[k] as number;
    const j = i + 1 === n ? 0 : i + 1;
    const yi = py[i] as number;
    const yj = py[j] as number;
    if (yi > y !== yj > y) {
      const xi = px[i] as number;
      const xj = px[j] as number;
      if (x < xi + ((y - yi) * (xj - xi)) / (yj - yi)) inside = !inside;
    }
  }
  return inside;
}

function polygonMeetsCircle(p: PreparedShape, s: ShapeView, d: number, tol: number): boolean {
  const f = p.frame;
  const w = s.cx * f.cx + s.cy * f.cy + s.cz * f.cz;
  const x = (s.cx * f.ex + s.cy * f.ey + s.cz * f.ez) / w;
  const y = (s.cx * f.nx + s.cy * f.ny + s.cz * f.nz) / w;
  if (pointInPrepared(p, x, y)) return true;
  // The cap is a disk of radius tan(r) in the plane centred on the circle: test p's edges there.
  const g = tangentFrame(s.cx, s.cy, s.cz);
  const r = Math.tan(s.reachRad) + tol;
  const r2 = r * r;
  const v = p.xyz;
  const n = p.count;
  const bands = p.bands;
  if (bands === undefined) {
    for (let i = 0; i < n; i++) if (edgeNearOrigin(g, v, n, i, r2)) return true;
    return false;
  }
  // The cap's image in p's plane lies within (radius · sec² of the farthest angle) of its centre.
  const sec = 1 / Math.cos(d + s.reachRad + tol);
  const h = (s.reachRad + tol) * sec * sec;
  const { px, py } = p;
  const b0 = bandOf(y - h, bands.minY, bands.bandHeight, bands.bandCount);
  const b1 = bandOf(y + h, bands.minY, bands.bandHeight, bands.bandCount);
  for (let b = b0; b <= b1; b++) {
    for (let k = bands.start[b] as number, end = bands.start[b + 1] as number; k < end; k++) {
      const i = bands.edges[k] as number;
      const j = i + 1 === n ? 0 : i + 1;
      const x0 = px[i] as number, x1 = px[j] as number, y0 = py[i] as number, y1 = py[j] as number;
      if (Math.min(x0, x1) > x + h || Math.max(x0, x1) < x - h) continue;
      if (Math.min(y0, y1) > y + h || Math.max(y0, y1) < y - h) continue;
      if (edgeNearOrigin(g, v, n, i, r2)) return true;
    }
  }
  return false;
}

/** Is edge i of the ring v (unit vectors, n vertices) within sqrt(r2) of the origin of plane g? */
function edgeNearOrigin(g: TangentFrame, v: Float64Array, n: number, i: number, r2: number): boolean {
  const j = i + 1 === n ? 0 : i + 1;
  const ax = v[3 * i] as number, ay = v[3 * i + 1] as number, az = v[3 * i + 2] as number;
  const bx = v[3 * j] as number, by = v[3 * j + 1] as number, bz = v[3 * j + 2] as number;
  const wa = ax * g.cx + ay * g.cy + az * g.cz;
  const wb = bx * g.cx + by * g.cy + bz * g.cz;
  return pointSegmentDist2(
    0, 0,
    (ax * g.ex + ay * g.ey + az * g.ez) / wa, (ax * g.nx + ay * g.ny + az * g.nz) / wa,
    (bx * g.ex + by * g.ey + bz * g.ez) / wb, (bx * g.nx + by * g.ny + bz * g.nz) / wb,
  ) <= r2;
}

function polygonsMeet(p: PreparedShape, s: ShapeView, scratch: IntersectScratch, tol: number): boolean {
  const m = projectInto(p.frame, s, scratch);
  const { xs, ys } = scratch;
  let sMinX = Infinity, sMaxX = -Infinity, sMinY = Infinity, sMaxY = -Infinity;
  for (let i = 0; i < m; i++) {
    const x = xs[i] as number, y = ys[i] as number;
    if (x < sMinX) sMinX = x;
    if (x > sMaxX) sMaxX = x;
    if (y < sMinY) sMinY = y;
    if (y > sMaxY) sMaxY = y;
  }
  if (sMinX > p.maxX + tol || p.minX > sMaxX + tol || sMinY > p.maxY + tol || p.minY > sMaxY + tol) return false;
  // The same three conditions in any order; the linear containment tests first, as most
  // shapes that get this far overlap and the edge pairs cost n·m.
  if (pointInPrepared(p, xs[0] as number, ys[0] as number)) return true;
  if (pointInRing(xs, ys, m, p.px[0] as number, p.py[0] as number)) return true;
  return edgesNear(p, xs, ys, m, tol, sMinX, sMaxX, sMinY, sMaxY);
}

/** Any edge of s (xs, ys) within tol of an edge of p? Edges outside the other's box are skipped. */
function edgesNear(
  p: PreparedShape, xs: Float64Array, ys: Float64Array, m: number, tol: number,
  sMinX: number, sMaxX: number, sMinY: number, sMaxY: number,
): boolean {
  const { px, py, count: n, bands } = p;
  const loX = p.minX - tol, hiX = p.maxX + tol, loY = p.minY - tol, hiY = p.maxY + tol;
  for (let i = 0, j = m - 1; i < m; j = i++) {
    const ax = xs[j] as number, ay = ys[j] as number, bx = xs[i] as number, by = ys[i] as number;
    const eMinX = Math.min(ax, bx), eMaxX = Math.max(ax, bx), eMinY = Math.min(ay, by), eMaxY = Math.max(ay, by);
    if (eMinX > hiX || eMaxX < loX || eMinY > hiY || eMaxY < loY) continue;
    if (bands === undefined) {
      for (let k = 0, l = n - 1; k < n; l = k++) {
        const cx = px[l] as number, cy = py[l] as number, dx = px[k] as number, dy = py[k] as number;
        // Edges of p outside the box of s cannot come near it.
        if (Math.max(cx, dx) < sMinX - tol || Math.min(cx, dx) > sMaxX + tol) continue;
        if (Math.max(cy, dy) < sMinY - tol || Math.min(cy, dy) > sMaxY + tol) continue;
        if (segmentsWithinAt(xs, ys, j, i, px, py, l, k, tol)) return true;
      }
      continue;
    }
    const b0 = bandOf(eMinY - tol, bands.minY, bands.bandHeight, bands.bandCount);
    const b1 = bandOf(eMaxY + tol, bands.minY, bands.bandHeight, bands.bandCount);
    for (let b = b0; b <= b1; b++) {
      for (let k = bands.start[b] as number, end = bands.start[b + 1] as number; k < end; k++) {
        const e = bands.edges[k] as number;
        const f = e + 1 === n ? 0 : e + 1;
        if (segmentsWithinAt(xs, ys, j, i, px, py, e, f, tol)) {
          return true;
        }
      }
    }
  }
  return false;
}
