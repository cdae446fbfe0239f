/**
 * Planar predicates on gnomonic coordinates. Great-circle arcs project to straight segments,
 * so these answer exactly for the sphere (up to rounding, which the touch tolerance absorbs).
 */

/** Squared distance from point p to segment ab. */
export function pointSegmentDist2(
  px: number, py: number, ax: number, ay: number, bx: number, by: number,
): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  if (t < 0) t = 0;
  else if (t > 1) t = 1;
  const qx = ax + t * dx - px;
  const qy = ay + t * dy - py;
  return qx * qx + qy * qy;
}

const SCRATCH_X = new Float64Array(4);
const SCRATCH_Y = new Float64Array(4);

/** True when segments ab and cd cross, touch, or come within eps of each other. */
export function segmentsWithin(
  ax: number, ay: number, bx: number, by: number,
  cx: number, cy: number, dx: number, dy: number,
  eps: number,
): boolean {
  SCRATCH_X[0] = ax; SCRATCH_Y[0] = ay; SCRATCH_X[1] = bx; SCRATCH_Y[1] = by;
  SCRATCH_X[2] = cx; SCRATCH_Y[2] = cy; SCRATCH_X[3] = dx; SCRATCH_Y[3] = dy;
  return segmentsWithinAt(SCRATCH_X, SCRATCH_Y, 0, 1, SCRATCH_X, SCRATCH_Y, 2, 3, eps);
}

/**
 * True when segment (a, b) of ring (axs, ays) and segment (c, d) of ring (cxs, cys), by vertex
 * index, cross, touch, or come within eps of each other. The rings' own loops call this form:
 * indices and arrays rather than eight doubles spare the boxing of each double when the call
 * is not inlined.
 */
export function segmentsWithinAt(
  axs: Float64Array, ays: Float64Array, a: number, b: number,
  cxs: Float64Array, cys: Float64Array, c: number, d: number,
  eps: number,
): boolean {
  const ax = axs[a] as number, ay = ays[a] as number, bx = axs[b] as number, by = ays[b] as number;
  const cx = cxs[c] as number, cy = cys[c] as number, dx = cxs[d] as number, dy = cys[d] as number;
  if (Math.min(ax, bx) > Math.max(cx, dx) + eps || Math.min(cx, dx) > Math.max(ax, bx) + eps) return false;
  if (Math.min(ay, by) > Math.max(cy, dy) + eps || Math.min(cy, dy) > Math.max(ay, by) + eps) return false;
  const d1 = orient(ax, ay, bx, by, cx, cy);
  const d2 = orient(ax, ay, bx, by, dx, dy);
  const d3 = orient(cx, cy, dx, dy, ax, ay);
  const d4 = orient(cx, cy, dx, dy, bx, by);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  const e2 = eps * eps;
  return (
    pointSegmentDist2(cx, cy, ax, ay, bx, by) <= e2 ||
    pointSegmentDist2(dx, dy, ax, ay, bx, by) <= e2 ||
    pointSegmentDist2(ax, ay, cx, cy, dx, dy) <= e2 ||
    pointSegmentDist2(bx, by, cx, cy, dx, dy) <= e2
  );
}

/** Twice the signed area of triangle abc (> 0 when counter-clockwise). */
export function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

/** Crossing-number test of point (x, y) against the ring (xs, ys) of n vertices. */
export function pointInRing(xs: Float64Array, ys: Float64Array, n: number, x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const yi = ys[i] as number;
    const yj = ys[j] as number;
    if (yi > y !== yj > y) {
      const xi = xs[i] as number;
      const xj = xs[j] as number;
      if (x < xi + ((y - yi) * (xj - xi)) / (yj - yi)) inside = !inside;
    }
  }
  return inside;
}
