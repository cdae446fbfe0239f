/**
 * Subscription extents versus the intents that depend on them. An explicit subscription must
 * cover every dependent intent (else the manager could miss a notification about a conflict);
 * an implicit one grows with its intents and is never shrunk (reference DSS behaviour).
 */
import { footprintContains } from '../geo/contains.js';
import type { Volume4D } from '../geo/volume-4d.js';

function sameVolume(a: Volume4D, b: Volume4D): boolean {
  if (a.altitudeLowerM !== b.altitudeLowerM || a.altitudeUpperM !== b.altitudeUpperM) return false;
  if (a.startMs !== b.startMs || a.endMs !== b.endMs) return false;
  const fa = a.footprint;
  const fb = b.footprint;
  if (fa.kind === 'circle' && fb.kind === 'circle') {
    return fa.radiusM === fb.radiusM && fa.center.lat === fb.center.lat && fa.center.lng === fb.center.lng;
  }
  if (fa.kind === 'polygon' && fb.kind === 'polygon') {
    if (fa.vertices.length !== fb.vertices.length) return false;
    return fa.vertices.every((p, i) => p.lat === fb.vertices[i]?.lat && p.lng === fb.vertices[i]?.lng);
  }
  return false;
}

/** growExtents() returns `current` itself when every added volume is already there. */
export function growExtents(current: readonly Volume4D[], added: readonly Volume4D[]): readonly Volume4D[] {
  const fresh = added.filter((v) => !current.some((c) => sameVolume(c, v)));
  return fresh.length === 0 ? current : [...current, ...fresh];
}

/** Does one subscription volume contain this intent volume in space, altitude and time? */
function volumeCovers(outer: Volume4D, inner: Volume4D, clockSkewMs: number): boolean {
  return (
    outer.altitudeLowerM <= inner.altitudeLowerM &&
    outer.altitudeUpperM >= inner.altitudeUpperM &&
    outer.startMs <= inner.startMs + clockSkewMs &&
    outer.endMs >= inner.endMs &&
    footprintContains(outer.footprint, inner.footprint)
  );
}

/**
 * subscriptionCovers() holds when every intent volume lies inside one subscription volume.
 * Conservative: a volume covered only by the union of several subscription volumes is
 * reported as not covered, so the caller gets a clear 400 rather than a silent gap.
 */
export function subscriptionCovers(
  subscription: { readonly extents: readonly Volume4D[]; readonly timeStartMs: number; readonly timeEndMs: number },
  intentExtents: readonly Volume4D[],
  options: { readonly clockSkewMs: number },
): boolean {
  return intentExtents.every((inner) =>
    subscription.extents.some((outer) =>
      volumeCovers(
        { ...outer, startMs: Math.max(outer.startMs, subscription.timeStartMs), endMs: Math.min(outer.endMs, subscription.timeEndMs) },
        inner,
        options.clockSkewMs,
      ),
    ),
  );
}
