/**
 * Does one footprint contain another (used for subscription coverage)? Decided in the
 * gnomonic plane of the outer footprint, like the intersection test, with the same touch
 * tolerance: a boundary that strays outside by at most TOUCH_TOLERANCE_M still counts as inside.
 */
import type { Footprint } from './volume-4d.js';
import { orient, pointInRing, pointSegmentDist2 } from './planar.js';
import { CIRCLE, prepareFootprint, type PreparedShape } from './prepared-shape.js';
import { angleBetween, MAX_PROJECTION_ANGLE_RAD, tangentFrame, TOUCH_TOLERANCE_RAD } from './sphere.js';

export function footprintContains(outer: Footprint, inner: Footprint): boolean {
  const o = prepareFootprint(outer);
  const i = prepareFootprint(inner);
  const tol = TOUCH_TOLERANCE_RAD;
  const d = angleBetween(o.cx, o.cy, o.cz, i.cx, i.cy, i.cz);
  if (d + i.reachRad <= (o.kind === CIRCLE ? o.reachRad + tol : 0)) return true;
  if (d + Math.max(o.reachRad, i.reachRad) >= MAX_PROJECTION_ANGLE_RAD) return false;
  if (o.kind === CIRCLE) {
    // A cap is convex: it holds a polygon when it holds every vertex.
    if (i.kind === CIRCLE) return false;
    const limit = Math.tan(o.reachRad + tol);
    const [xs, ys] = project(o, i);
    for (let k = 0; k < i.count; k++) if (Math.hypot(xs[k] as number, ys[k] as number) > limit) return false;
    return true;
  }
  if (i.kind === CIRCLE) return polygonHoldsCircle(o, i, tol);
  return polygonHoldsPolygon(o, i, tol);
}

function project(target: PreparedShape, s: PreparedShape): [Float64Array, Float64Array] {
  const f = target.frame;
  const xs = new Float64Array(s.count);
  const ys = new Float64Array(s.count);
  for (let k = 0; k < s.count; k++) {
    const vx = s.xyz[3 * k] as number, vy = s.xyz[3 * k + 1] as number, vz = s.xyz[3 * k + 2] as number;
    const w = vx * f.cx + vy * f.cy + vz * f.cz;
    xs[k] = (vx * f.ex + vy * f.ey + vz * f.ez) / w;
    ys[k] = (vx * f.nx + vy * f.ny + vz * f.nz) / w;
  }
  return [xs, ys];
}

function polygonHoldsCircle(o: PreparedShape, c: PreparedShape, tol: number): boolean {
  // In the circle's own plane its cap is the disk of radius tan(r): no edge of o may enter it.
  const g = tangentFrame(c.cx, c.cy, c.cz);
  const [xs, ys] = project({ ...o, frame: g }, o);
  if (!pointInRing(xs, ys, o.count, 0, 0)) return false;
  const r = Math.tan(Math.max(0, c.reachRad - tol));
  for (let k = 0, l = o.count - 1; k < o.count; l = k++) {
    if (pointSegmentDist2(0, 0, xs[l] as number, ys[l] as number, xs[k] as number, ys[k] as number) < r * r) return false;
  }
  return true;
}

function polygonHoldsPolygon(o: PreparedShape, i: PreparedShape, tol: number): boolean {
  const [xs, ys] = project(o, i);
  const t2 = tol * tol;
  const nearRing = (rx: Float64Array, ry: Float64Array, n: number, x: number, y: number): boolean => {
    for (let k = 0, l = n - 1; k < n; l = k++) {
      if (pointSegmentDist2(x, y, rx[l] as number, ry[l] as number, rx[k] as number, ry[k] as number) <= t2) return true;
    }
    return false;
  };
  for (let k = 0; k < i.count; k++) {
    const x = xs[k] as number, y = ys[k] as number;
    if (!pointInRing(o.px, o.py, o.count, x, y) && !nearRing(o.px, o.py, o.count, x, y)) return false;
  }
  // The outer boundary must not reach into the inner polygon...
  for (let k = 0; k < o.count; k++) {
    const x = o.px[k] as number, y = o.py[k] as number;
    if (pointInRing(xs, ys, i.count, x, y) && !nearRing(xs, ys, i.count, x, y)) return false;
  }
  // ...nor cross one of its edges between vertices.
  for (let k = 0, l = i.count - 1; k < i.count; l = k++) {
    const ax = xs[l] as number, ay = ys[l] as number, bx = xs[k] as number, by = ys[k] as number;
    for (let m = 0, p = o.count - 1; m < o.count; p = m++) {
      const cx = o.px[p] as number, cy = o.py[p] as number, dx = o.px[m] as number, dy = o.py[m] as number;
      if (properlyCross(ax, ay, bx, by, cx, cy, dx, dy, tol)) return false;
    }
  }
  return true;
}

/** Segments cross at a point interior to both, with every endpoint clear of the other line by more than tol. */
function properlyCross(
  ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number, tol: number,
): boolean {
  const lenAB = Math.hypot(bx - ax, by - ay);
  const lenCD = Math.hypot(dx - cx, dy - cy);
  const d1 = orient(ax, ay, bx, by, cx, cy) / lenAB;
  const d2 = orient(ax, ay, bx, by, dx, dy) / lenAB;
  const d3 = orient(cx, cy, dx, dy, ax, ay) / lenCD;
  const d4 = orient(cx, cy, dx, dy, bx, by) / lenCD;
  return ((d1 > tol && d2 < -tol) || (d1 < -tol && d2 > tol)) && ((d3 > tol && d4 < -tol) || (d3 < -tol && d4 > tol));
}
