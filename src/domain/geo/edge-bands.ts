/**
 * A horizontal-band index over the edges of a projected polygon, so that tests against a
 * polygon of thousands of vertices look at a few edges instead of all of them (the role
 * PostGIS's prepared geometries play). Edge i joins vertex i and vertex (i + 1) % n.
 */
export interface EdgeBands {
  readonly minY: number;
  readonly bandHeight: number;
  readonly bandCount: number;
  /** CSR layout: the edges of band b are edges[start[b] .. start[b + 1]). */
  readonly start: Int32Array;
  readonly edges: Int32Array;
}

export const BANDS_MIN_VERTICES = 32;

export function buildEdgeBands(px: Float64Array, py: Float64Array, n: number): EdgeBands {
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    const y = py[i] as number;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  const bandCount = Math.max(1, Math.min(4096, Math.ceil(n / 4)));
  const bandHeight = (maxY - minY) / bandCount || 1;
  const counts = new Int32Array(bandCount + 1);
  const range = (i: number): [number, number] => {
    const y0 = py[i] as number;
    const y1 = py[(i + 1) % n] as number;
    return [bandOf(Math.min(y0, y1), minY, bandHeight, bandCount), bandOf(Math.max(y0, y1), minY, bandHeight, bandCount)];
  };
  for (let i = 0; i < n; i++) {
    const [b0, b1] = range(i);
    for (let b = b0; b <= b1; b++) counts[b + 1] = (counts[b + 1] as number) + 1;
  }
  for (let b = 0; b < bandCount; b++) counts[b + 1] = (counts[b + 1] as number) + (counts[b] as number);
  const start = counts.slice();
  const fill = counts.slice(0, bandCount);
  const edges = new Int32Array(start[bandCount] as number);
  for (let i = 0; i < n; i++) {
    const [b0, b1] = range(i);
    for (let b = b0; b <= b1; b++) {
      const at = fill[b] as number;
      edges[at] = i;
      fill[b] = at + 1;
    }
  }
  return { minY, bandHeight, bandCount, start, edges };
}

/** Band holding y, clamped to the index (a y outside every band maps to the nearest one). */
export function bandOf(y: number, minY: number, bandHeight: number, bandCount: number): number {
  const b = Math.floor((y - minY) / bandHeight);
  return b < 0 ? 0 : b >= bandCount ? bandCount - 1 : b;
}
