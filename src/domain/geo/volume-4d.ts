/**
 * The domain's 4D volume: a footprint on the WGS-84 lat/lng sphere, an altitude band and a
 * time window. Inside the domain, altitude is metres (W84) and time is epoch milliseconds.
 * An unbounded side (allowed in query areas and subscriptions) is -Infinity / +Infinity.
 */
export interface LatLng {
  readonly lat: number;
  readonly lng: number;
}

export interface PolygonFootprint {
  readonly kind: 'polygon';
  /** Not closed: the last vertex is not a copy of the first. */
  readonly vertices: readonly LatLng[];
}

export interface CircleFootprint {
  readonly kind: 'circle';
  readonly center: LatLng;
  readonly radiusM: number;
}

export type Footprint = PolygonFootprint | CircleFootprint;

export interface Volume4D {
  readonly footprint: Footprint;
  readonly altitudeLowerM: number;
  readonly altitudeUpperM: number;
  readonly startMs: number;
  readonly endMs: number;
}

/** Earliest start and latest end over a set of volumes (the F3548 reference's time_start/time_end). */
export function timeBounds(volumes: readonly Volume4D[]): { startMs: number; endMs: number } {
  let startMs = Infinity;
  let endMs = -Infinity;
  for (const v of volumes) {
    if (v.startMs < startMs) startMs = v.startMs;
    if (v.endMs > endMs) endMs = v.endMs;
  }
  return { startMs, endMs };
}
