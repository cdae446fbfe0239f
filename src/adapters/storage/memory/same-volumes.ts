import type { Footprint, Volume4D } from '../../../domain/geo/volume-4d.js';

/**
 * True when two extents lists describe the same volumes, field by field. The state uses it to
 * skip re-indexing a record whose geometry did not change (e.g. a subscription whose
 * notification index went up), which is most writes.
 */
export function sameVolumes(a: readonly Volume4D[], b: readonly Volume4D[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (
      !Object.is(x.altitudeLowerM, y.altitudeLowerM) ||
      !Object.is(x.altitudeUpperM, y.altitudeUpperM) ||
      !Object.is(x.startMs, y.startMs) ||
      !Object.is(x.endMs, y.endMs) ||
      !sameFootprint(x.footprint, y.footprint)
    ) {
      return false;
    }
  }
  return true;
}

function sameFootprint(a: Footprint, b: Footprint): boolean {
  if (a === b) return true;
  if (a.kind === 'circle') {
    return (
      b.kind === 'circle' &&
      Object.is(a.radiusM, b.radiusM) &&
      Object.is(a.center.lat, b.center.lat) &&
      Object.is(a.center.lng, b.center.lng)
    );
  }
  if (b.kind !== 'polygon' || a.vertices.length !== b.vertices.length) return false;
  for (let i = 0; i < a.vertices.length; i++) {
    const p = a.vertices[i]!;
    const q = b.vertices[i]!;
    if (!Object.is(p.lat, q.lat) || !Object.is(p.lng, q.lng)) return false;
  }
  return true;
}
