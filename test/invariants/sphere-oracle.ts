/**
 * An independent oracle for footprint distance on the sphere, for the no-missed-intersection
 * suite. It shares no code with src/domain/geo: haversine distances, bearings, cross-track
 * distances, great-circle intersection points and a bearing-winding point-in-polygon test,
 * plus dense boundary sampling as a cross-check. Coordinates are degrees; distances metres.
 */
import type { Footprint, LatLng } from '../../src/domain/geo/volume-4d.js';

export const R = 6_371_010;
const D2R = Math.PI / 180;

export function haversineM(a: LatLng, b: LatLng): number {
  const dLat = (b.lat - a.lat) * D2R;
  const dLng = (b.lng - a.lng) * D2R;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * D2R) * Math.cos(b.lat * D2R) * Math.sin(dLng / 2) ** 2;
  return 2 * R * Math.atan2(Math.sqrt(h), Math.sqrt(Math.max(0, 1 - h)));
}

/** Initial bearing from a to b, radians. */
export function bearing(a: LatLng, b: LatLng): number {
  const f1 = a.lat * D2R, f2 = b.lat * D2R, dl = (b.lng - a.lng) * D2R;
  return Math.atan2(Math.sin(dl) * Math.cos(f2), Math.cos(f1) * Math.sin(f2) - Math.sin(f1) * Math.cos(f2) * Math.cos(dl));
}

export function destination(p: LatLng, bearingRad: number, distanceM: number): LatLng {
  const d = distanceM / R;
  const f1 = p.lat * D2R, l1 = p.lng * D2R;
  const f2 = Math.asin(Math.sin(f1) * Math.cos(d) + Math.cos(f1) * Math.sin(d) * Math.cos(bearingRad));
  const l2 = l1 + Math.atan2(Math.sin(bearingRad) * Math.sin(d) * Math.cos(f1), Math.cos(d) - Math.sin(f1) * Math.sin(f2));
  let lng = ((l2 / D2R + 540) % 360) - 180;
  if (lng === -180 && l2 > 0) lng = 180;
  return { lat: f2 / D2R, lng };
}

function wrapPi(x: number): number {
  while (x > Math.PI) x -= 2 * Math.PI;
  while (x <= -Math.PI) x += 2 * Math.PI;
  return x;
}

/** Distance from p to the minor arc a→b via cross-track and along-track bearings. */
export function pointArcM(p: LatLng, a: LatLng, b: LatLng): number {
  const dap = haversineM(a, p);
  const dbp = haversineM(b, p);
  if (haversineM(a, b) === 0 || dap === 0 || dbp === 0) return Math.min(dap, dbp);
  const atA = wrapPi(bearing(a, p) - bearing(a, b));
  const atB = wrapPi(bearing(b, p) - bearing(b, a));
  if (Math.abs(atA) >= Math.PI / 2 || Math.abs(atB) >= Math.PI / 2) return Math.min(dap, dbp);
  return Math.abs(Math.asin(Math.sin(dap / R) * Math.sin(atA))) * R;
}

function vec(p: LatLng): [number, number, number] {
  const c = Math.cos(p.lat * D2R);
  return [c * Math.cos(p.lng * D2R), c * Math.sin(p.lng * D2R), Math.sin(p.lat * D2R)];
}
function cross(u: number[], v: number[]): [number, number, number] {
  return [
    (u[1] as number) * (v[2] as number) - (u[2] as number) * (v[1] as number),
    (u[2] as number) * (v[0] as number) - (u[0] as number) * (v[2] as number),
    (u[0] as number) * (v[1] as number) - (u[1] as number) * (v[0] as number),
  ];
}

function normal(a: LatLng, b: LatLng): [number, number, number] {
  const va = vec(a);
  const vb = vec(b);
  return cross(va, [vb[0] - va[0], vb[1] - va[1], vb[2] - va[2]]);
}

/** Do minor arcs ab and cd meet? Via the intersection points of their great circles. */
export function arcsCross(a: LatLng, b: LatLng, c: LatLng, d: LatLng): boolean {
  // a × (b − a): exact to the input's rounding even for centimetre arcs, unlike a × b.
  const x = cross(normal(a, b), normal(c, d));
  const len = Math.hypot(...x);
  if (len < 1e-20) return false; // same or degenerate great circles: endpoint distances decide
  for (const s of [1, -1]) {
    const p: LatLng = {
      lat: Math.asin(Math.max(-1, Math.min(1, (s * x[2]) / len))) / D2R,
      lng: Math.atan2(s * x[1], s * x[0]) / D2R,
    };
    const onAB = haversineM(a, p) + haversineM(p, b) - haversineM(a, b) < 1e-6;
    const onCD = haversineM(c, p) + haversineM(p, d) - haversineM(c, d) < 1e-6;
    if (onAB && onCD) return true;
  }
  return false;
}

/** Bearing-winding test: is p inside the polygon (its smaller region)? */
export function insidePolygon(p: LatLng, ring: readonly LatLng[]): boolean {
  let sum = 0;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i] as LatLng;
    const b = ring[(i + 1) % ring.length] as LatLng;
    sum += wrapPi(bearing(p, b) - bearing(p, a));
  }
  return Math.abs(sum) > Math.PI;
}

function inside(p: LatLng, fp: Footprint): boolean {
  return fp.kind === 'circle' ? haversineM(fp.center, p) <= fp.radiusM : insidePolygon(p, fp.vertices);
}

/** Points along the boundary, about `per` per edge (or around the circle). */
export function boundarySamples(fp: Footprint, per: number): LatLng[] {
  if (fp.kind === 'circle') {
    return Array.from({ length: per * 4 }, (_, k) => destination(fp.center, (2 * Math.PI * k) / (per * 4), fp.radiusM));
  }
  const out: LatLng[] = [];
  const n = fp.vertices.length;
  fp.vertices.forEach((a, i) => {
    const b = fp.vertices[(i + 1) % n] as LatLng;
    const len = haversineM(a, b);
    const th = bearing(a, b);
    for (let k = 0; k < per; k++) out.push(destination(a, th, (len * k) / per));
  });
  return out;
}

/** Distance between two footprints in metres (0 when they share a point). */
export function footprintDistanceM(a: Footprint, b: Footprint): number {
  if (a.kind === 'circle' && b.kind === 'circle') return Math.max(0, haversineM(a.center, b.center) - a.radiusM - b.radiusM);
  if (a.kind === 'circle' || b.kind === 'circle') {
    const c = (a.kind === 'circle' ? a : b) as Extract<Footprint, { kind: 'circle' }>;
    const p = (a.kind === 'circle' ? b : a) as Extract<Footprint, { kind: 'polygon' }>;
    if (insidePolygon(c.center, p.vertices)) return 0;
    let best = Infinity;
    p.vertices.forEach((v, i) => {
      best = Math.min(best, pointArcM(c.center, v, p.vertices[(i + 1) % p.vertices.length] as LatLng));
    });
    return Math.max(0, best - c.radiusM);
  }
  const va = a.vertices, vb = b.vertices;
  if (va.some((v) => insidePolygon(v, vb)) || vb.some((v) => insidePolygon(v, va))) return 0;
  let best = Infinity;
  for (let i = 0; i < va.length; i++) {
    const a0 = va[i] as LatLng, a1 = va[(i + 1) % va.length] as LatLng;
    for (let j = 0; j < vb.length; j++) {
      const b0 = vb[j] as LatLng, b1 = vb[(j + 1) % vb.length] as LatLng;
      if (arcsCross(a0, a1, b0, b1)) return 0;
      best = Math.min(best, pointArcM(a0, b0, b1), pointArcM(b0, a0, a1));
    }
  }
  return best;
}

/** Cross-check of the oracle itself: a sampled boundary point of one inside the other means contact. */
export function samplesMeet(a: Footprint, b: Footprint, per: number): boolean {
  return boundarySamples(a, per).some((p) => inside(p, b)) || boundarySamples(b, per).some((p) => inside(p, a));
}
