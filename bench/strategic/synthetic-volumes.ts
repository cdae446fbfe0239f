/**
 * Wire volumes for the HTTP write phases, placed far from the workload region (which is
 * around 35 N 38 E) and days after its 24 h horizon, so they never meet a loaded reference:
 *
 *   non-overlapping:  200 × 200 grid of 0.002° squares, 0.01° apart, from 30 S 60 W;
 *                     the next 40,000 go one day later, and so on
 *   same cell:        one 0.009° (~1 km) square at 10 S 50 W; every intent uses it, so all
 *                     of them intersect each other
 */
const GRID = 200;
const SPACING_DEG = 0.01;
const SIDE_DEG = 0.002;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

function square(south: number, west: number, sideDeg: number): Array<{ lat: number; lng: number }> {
  const r = (x: number): number => Math.round(x * 1e7) / 1e7;
  return [
    { lat: r(south), lng: r(west) },
    { lat: r(south), lng: r(west + sideDeg) },
    { lat: r(south + sideDeg), lng: r(west + sideDeg) },
    { lat: r(south + sideDeg), lng: r(west) },
  ];
}

function wireVolume(vertices: Array<{ lat: number; lng: number }>, startMs: number, endMs: number): Record<string, unknown> {
  return {
    volume: {
      outline_polygon: { vertices },
      altitude_lower: { value: 0, reference: 'W84', units: 'M' },
      altitude_upper: { value: 120, reference: 'W84', units: 'M' },
    },
    time_start: { value: new Date(startMs).toISOString(), format: 'RFC3339' },
    time_end: { value: new Date(endMs).toISOString(), format: 'RFC3339' },
  };
}

/** The i-th volume of the non-overlapping phase: it intersects no other volume of any phase. */
export function isolatedVolume(i: number, t0Ms: number): Record<string, unknown> {
  const block = Math.floor(i / (GRID * GRID));
  const inBlock = i % (GRID * GRID);
  const south = -30 + Math.floor(inBlock / GRID) * SPACING_DEG;
  const west = -60 + (inBlock % GRID) * SPACING_DEG;
  const startMs = t0Ms + (2 + block) * DAY_MS + 10 * HOUR_MS;
  return wireVolume(square(south, west, SIDE_DEG), startMs, startMs + HOUR_MS);
}

/** The one volume every same-cell intent uses. */
export function sameCellVolume(t0Ms: number): Record<string, unknown> {
  const startMs = t0Ms + 3 * DAY_MS + 10 * HOUR_MS;
  return wireVolume(square(-10, -50, 0.009), startMs, startMs + HOUR_MS);
}
