/**
 * Extents as float64 values, exact for every double (±Infinity included): the layout the
 * SQLite store keeps and the log's `extents_sha256` hashes (docs/api.md, "Log entries").
 *   [FORMAT = 1, volumeCount, ...volumes]
 *   volume  = [kind, altitudeLowerM, altitudeUpperM, startMs, endMs, ...footprint]
 *   polygon = kind 0: [vertexCount, lat0, lng0, lat1, lng1, ...]
 *   circle  = kind 1: [lat, lng, radiusM]
 */
import type { Volume4D } from './volume-4d.js';

export const EXTENTS_FORMAT = 1;
export const KIND_POLYGON = 0;
export const KIND_CIRCLE = 1;
/** Values per volume before its footprint. */
export const VOLUME_HEADER = 5;

/** How many float64 values the extents take. */
export function extentsValueCount(volumes: readonly Volume4D[]): number {
  let size = 2;
  for (const v of volumes) size += VOLUME_HEADER + (v.footprint.kind === 'polygon' ? 1 + 2 * v.footprint.vertices.length : 3);
  return size;
}

/** Writes the extents into `out` (at least extentsValueCount long). */
export function writeExtents(volumes: readonly Volume4D[], out: Float64Array): void {
  out[0] = EXTENTS_FORMAT;
  out[1] = volumes.length;
  let i = 2;
  for (const v of volumes) {
    const f = v.footprint;
    out[i++] = f.kind === 'polygon' ? KIND_POLYGON : KIND_CIRCLE;
    out[i++] = v.altitudeLowerM;
    out[i++] = v.altitudeUpperM;
    out[i++] = v.startMs;
    out[i++] = v.endMs;
    if (f.kind === 'polygon') {
      out[i++] = f.vertices.length;
      for (const p of f.vertices) {
        out[i++] = p.lat;
        out[i++] = p.lng;
      }
    } else {
      out[i++] = f.center.lat;
      out[i++] = f.center.lng;
      out[i++] = f.radiusM;
    }
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The extents as IEEE 754 float64 values, little-endian, whatever the platform (what the log hashes). */
export function extentsBytesLE(volumes: readonly Volume4D[]): Uint8Array {
  const values = new Float64Array(extentsValueCount(volumes));
  writeExtents(volumes, values);
  const bytes = new Uint8Array(values.buffer);
  if (!LITTLE_ENDIAN) for (let i = 0; i < bytes.length; i += 8) bytes.subarray(i, i + 8).reverse();
  return bytes;
}
