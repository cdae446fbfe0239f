/**
 * geo: 4D volumes on the sphere (S2's radius, great-circle edges, the smaller region inside a
 * polygon), their validation, areas, conservative lat/lng boxes and the exact intersection test.
 * Guarantees: an exact test never misses a real contact and errs toward "intersects" by at
 * most 1 m (docs/geometry.md). Must never read the clock, do I/O, or import node:*.
 */
export * from './volume-4d.js';
export { checkFootprint, type FootprintLimits, type FootprintProblem } from './check-footprint.js';
export { footprintAreaKm2 } from './footprint-area.js';
export { footprintContains } from './contains.js';
export { boxesOverlap, footprintBox, type LatLngBox } from './lat-lng-box.js';
export { EARTH_RADIUS_M, MAX_SPAN_M, TOUCH_TOLERANCE_M } from './sphere.js';
export {
  intervalsOverlap, prepareVolume, preparedVolumesIntersect, volumesIntersect,
  type IntersectOptions, type PreparedVolume,
} from './volumes-intersect.js';
