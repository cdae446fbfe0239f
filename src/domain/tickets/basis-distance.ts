/**
 * How far a ticket's basis lies from the intent it vouches for: the great-circle distance
 * between the centres of the two sets of extents' bounding circles (the circles coarsened
 * volumes disclose), in km rounded to 0.1 km. Coarse on purpose: an owner's `within_km`
 * condition needs roughly how far, and a ticket should not carry a finer position than that.
 */
import { boundingVolume } from '../disclosure/coarsen.js';
import { EARTH_RADIUS_M, RAD } from '../geo/sphere.js';
import type { LatLng, Volume4D } from '../geo/volume-4d.js';

/** The centre of the circle that bounds every footprint of `extents` (at least one). */
export function boundingCentre(extents: readonly Volume4D[]): LatLng {
  const { footprint } = boundingVolume(extents);
  if (footprint.kind !== 'circle') throw new Error('boundingVolume returned a polygon; expected a circle');
  return footprint.center;
}

/** Haversine distance in metres on the sphere of radius EARTH_RADIUS_M. */
export function greatCircleM(a: LatLng, b: LatLng): number {
  const sinLat = Math.sin(((b.lat - a.lat) * RAD) / 2);
  const sinLng = Math.sin(((b.lng - a.lng) * RAD) / 2);
  const h = sinLat * sinLat + Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * sinLng * sinLng;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Distance between two centres in km, rounded to 0.1 km. */
export function basisKm(a: LatLng, b: LatLng): number {
  return Math.round(greatCircleM(a, b) / 100) / 10;
}
