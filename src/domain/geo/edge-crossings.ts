/**
 * Finds a pair of non-adjacent polygon edges that cross or touch, or adjacent edges that fold
 * back over each other, in projected coordinates. Edges are bucketed in a uniform grid so
 * that a polygon of 10,000 vertices is checked in about linear time.
 */
import { orient, segmentsWithinAt } from './planar.js';

/** Returns [i, j] (edge i joins vertex i and i + 1) for the first bad pair found, or undefined. */
export function findEdgeCrossing(px: Float64Array, py: Float64Array, n: number): [number, number] | undefined {
  for (let i = 0; i < n; i++) {
    if (foldsBack(px, py, n, i)) return [i, (i + 1) % n];
  }
  if (n <= 3) return undefined;
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = px[i] as number, y = py[i] as number;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  const g = Math.max(1, Math.min(1024, Math.ceil(Math.sqrt(n))));
  const w = (maxX - minX) / g || 1;
  const h = (maxY - minY) / g || 1;
  const cellOf = (v: number, lo: number, size: number): number => Math.min(g - 1, Math.max(0, Math.floor((v - lo) / size)));
  const cells = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    const x0 = cellOf(Math.min(px[i] as number, px[j] as number), minX, w);
    const x1 = cellOf(Math.max(px[i] as number, px[j] as number), minX, w);
    const y0 = cellOf(Math.min(py[i] as number, py[j] as number), minY, h);
    const y1 = cellOf(Math.max(py[i] as number, py[j] as number), minY, h);
    for (let cx = x0; cx <= x1; cx++) {
      for (let cy = y0; cy <= y1; cy++) {
        const key = cy * g + cx;
        const list = cells.get(key);
        if (list === undefined) {
          cells.set(key, [i]);
          continue;
        }
        for (const k of list) {
          if (adjacent(i, k, n)) continue;
          const l = (k + 1) % n;
          if (segmentsWithinAt(px, py, i, j, px, py, k, l, 0)) return [Math.min(i, k), Math.max(i, k)];
        }
        list.push(i);
      }
    }
  }
  return undefined;
}

function adjacent(i: number, k: number, n: number): boolean {
  return i === k || (i + 1) % n === k || (k + 1) % n === i;
}

/** Does edge i+1 (from vertex i+1) turn straight back along edge i? */
function foldsBack(px: Float64Array, py: Float64Array, n: number, i: number): boolean {
  const a = i, b = (i + 1) % n, c = (i + 2) % n;
  const ax = px[a] as number, ay = py[a] as number, bx = px[b] as number, by = py[b] as number;
  const cx = px[c] as number, cy = py[c] as number;
  const ux = bx - ax, uy = by - ay, vx = cx - bx, vy = cy - by;
  const cross = orient(ax, ay, bx, by, cx, cy);
  const scale = Math.sqrt((ux * ux + uy * uy) * (vx * vx + vy * vy));
  return Math.abs(cross) <= 1e-12 * scale && ux * vx + uy * vy < 0;
}
