/**
 * Where the bench's operations fly. Isolated: each party on its own grid of 200 m circles 1 km
 * apart, one degree of latitude from the next party's (nothing meets anything). Contended: one
 * grid of 300 m circles 500 m apart, parties assigned so that every orthogonal neighbour belongs
 * to another party; circles meet their four orthogonal neighbours (600 m > 500 m) and none of
 * their diagonal ones (707 m):
 *
 *     0 1 2 0 1 …     planned row by row: when plan (x, y) is planned, (x−1, y) and (x, y−1)
 *     1 2 0 1 2 …     are usually on record, so it meets two operations of the other parties
 *     2 0 1 2 0 …     (one on an edge), and a third when (x+1, y) was planned ahead of it.
 */

/** An F3548 Volume4D as it travels: a circle, 0–120 m W84, from `startMs` to `endMs`. */
export function circle(center: LatLng, radiusM: number, window: TimeWindow): unknown {
  return {
    volume: {
      outline_circle: { center, radius: { value: radiusM, units: 'M' } },
      altitude_lower: { value: 0, reference: 'W84', units: 'M' },
      altitude_upper: { value: 120, reference: 'W84', units: 'M' },
    },
    time_start: { value: new Date(window.startMs).toISOString(), format: 'RFC3339' },
    time_end: { value: new Date(window.endMs).toISOString(), format: 'RFC3339' },
  };
}

export interface LatLng {
  readonly lat: number;
  readonly lng: number;
}

export interface TimeWindow {
  readonly startMs: number;
  readonly endMs: number;
}

const M_PER_DEG_LAT = 111_320;
const ISOLATED_SPACING_M = 1_000;
export const ISOLATED_RADIUS_M = 200;
const CONTENDED_SPACING_M = 500;
export const CONTENDED_RADIUS_M = 300;
/** Columns of the contended grid: more than any concurrency, so the row above is on record. */
export const CONTENDED_WIDTH = 20;

const ISOLATED_ORIGIN: LatLng = { lat: 45, lng: 7 };
const CONTENDED_ORIGIN: LatLng = { lat: 44, lng: 7 };

function offset(origin: LatLng, eastM: number, northM: number): LatLng {
  const lat = origin.lat + northM / M_PER_DEG_LAT;
  return { lat, lng: origin.lng + eastM / (M_PER_DEG_LAT * Math.cos((origin.lat * Math.PI) / 180)) };
}

/** Side of the square grid holding `perParty` isolated sites. */
export function isolatedSide(perParty: number): number {
  return Math.max(1, Math.ceil(Math.sqrt(perParty)));
}

/** The centre of isolated site `k` of party number `party`. */
export function isolatedSite(party: number, k: number, perParty: number): LatLng {
  const side = isolatedSide(perParty);
  const origin = { lat: ISOLATED_ORIGIN.lat + party, lng: ISOLATED_ORIGIN.lng };
  return offset(origin, (k % side) * ISOLATED_SPACING_M, Math.floor(k / side) * ISOLATED_SPACING_M);
}

/** A circle around every isolated site of party number `party` (for declarations and queries). */
export function isolatedRegion(party: number, perParty: number): { readonly center: LatLng; readonly radiusM: number } {
  const side = isolatedSide(perParty);
  const halfM = ((side - 1) * ISOLATED_SPACING_M) / 2;
  const origin = { lat: ISOLATED_ORIGIN.lat + party, lng: ISOLATED_ORIGIN.lng };
  return { center: offset(origin, halfM, halfM), radiusM: Math.SQRT2 * halfM + ISOLATED_RADIUS_M + 100 };
}

/** The centre of contended plan `i` and the party number (of three) that plans it. */
export function contendedSite(i: number): { readonly center: LatLng; readonly party: number } {
  const x = i % CONTENDED_WIDTH;
  const y = Math.floor(i / CONTENDED_WIDTH);
  return { center: offset(CONTENDED_ORIGIN, x * CONTENDED_SPACING_M, y * CONTENDED_SPACING_M), party: (x + y) % 3 };
}
