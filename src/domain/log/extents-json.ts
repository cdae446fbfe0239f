/**
 * The extents as the log states them (docs/api.md, "Log entries"), written straight to their
 * RFC 8785 canonical JSON. Every checked write hashes its extents into its log entry, so this
 * writer skips the general canonicaliser's intermediate objects: keys are written in their
 * sorted order, numbers as ECMAScript's Number#toString (JCS §3.2.2.3), and the only strings
 * are RFC 3339 timestamps, which need no escaping. Its output equals
 * `canonicalJson(extents.map(extentLogForm))` byte for byte (tested).
 */
import type { Volume4D } from '../geo/volume-4d.js';

/** An instant in the log's form: RFC 3339 UTC with milliseconds, or null when unbounded. */
export function logTime(ms: number): string | null {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/**
 * One volume in the log's form: `{"footprint": {"polygon": [[lat, lng], …]} | {"circle":
 * {"center": [lat, lng], "radius_m": r}}, "altitude_m": [lower, upper], "time": [start, end]}`,
 * null for an unbounded side.
 */
export function extentLogForm(v: Volume4D): Record<string, unknown> {
  const fp = v.footprint;
  return {
    footprint:
      fp.kind === 'polygon'
        ? { polygon: fp.vertices.map((p) => [p.lat, p.lng]) }
        : { circle: { center: [fp.center.lat, fp.center.lng], radius_m: finiteOrNull(fp.radiusM) } },
    altitude_m: [finiteOrNull(v.altitudeLowerM), finiteOrNull(v.altitudeUpperM)],
    time: [logTime(v.startMs), logTime(v.endMs)],
  };
}

/** The canonical JSON of `extents.map(extentLogForm)`. Throws for NaN (validated volumes carry none). */
export function extentsLogJson(extents: readonly Volume4D[]): string {
  let out = '[';
  for (let i = 0; i < extents.length; i++) {
    const v = extents[i] as Volume4D;
    if (i > 0) out += ',';
    // Keys in UTF-16 order: altitude_m, footprint, time.
    out += `{"altitude_m":[${num(v.altitudeLowerM)},${num(v.altitudeUpperM)}],"footprint":`;
    const fp = v.footprint;
    if (fp.kind === 'polygon') {
      out += '{"polygon":[';
      const vertices = fp.vertices;
      for (let k = 0; k < vertices.length; k++) {
        const p = vertices[k] as { readonly lat: number; readonly lng: number };
        out += `${k > 0 ? ',' : ''}[${num(p.lat)},${num(p.lng)}]`;
      }
      out += ']}';
    } else {
      out += `{"circle":{"center":[${num(fp.center.lat)},${num(fp.center.lng)}],"radius_m":${num(fp.radiusM)}}}`;
    }
    out += `,"time":[${time(v.startMs)},${time(v.endMs)}]}`;
  }
  return `${out}]`;
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function num(x: number): string {
  if (Number.isNaN(x)) throw new TypeError('Cannot write extents for the log: a coordinate or bound is NaN');
  // JSON.stringify prints ±Infinity as null, as extentLogForm maps it; -0 prints "0".
  return Number.isFinite(x) ? String(x === 0 ? 0 : x) : 'null';
}

function time(ms: number): string {
  if (Number.isNaN(ms)) throw new TypeError('Cannot write extents for the log: a time is NaN');
  return Number.isFinite(ms) ? `"${new Date(ms).toISOString()}"` : 'null';
}
