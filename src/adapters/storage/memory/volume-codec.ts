import {
  EXTENTS_FORMAT,
  KIND_CIRCLE,
  KIND_POLYGON,
  VOLUME_HEADER,
  extentsValueCount,
  writeExtents,
} from '../../../domain/geo/extents-encoding.js';
import type { Footprint, Volume4D } from '../../../domain/geo/volume-4d.js';

/*
 * Extents as one Float64Array BLOB in the layout of domain/geo/extents-encoding.ts: exact for
 * every double, ±Infinity included, and several times faster to load than JSON.
 */
const FORMAT = EXTENTS_FORMAT;
const POLYGON = KIND_POLYGON;
const CIRCLE = KIND_CIRCLE;
const HEADER = VOLUME_HEADER;

export function encodeVolumes(volumes: readonly Volume4D[]): Buffer {
  const size = extentsValueCount(volumes);
  // allocUnsafe takes small buffers from Node's shared pool (8-byte aligned): a million packed
  // extents then cost their bytes, not a million separately allocated backing stores.
  const buffer = Buffer.allocUnsafe(size * 8);
  const out =
    buffer.byteOffset % 8 === 0 ? new Float64Array(buffer.buffer, buffer.byteOffset, size) : new Float64Array(size);
  writeExtents(volumes, out);
  if (out.buffer !== buffer.buffer) buffer.set(new Uint8Array(out.buffer));
  return buffer;
}

export function decodeVolumes(blob: Uint8Array, owner: string): Volume4D[] {
  if (blob.byteLength % 8 !== 0) throw corrupt(owner, `length ${blob.byteLength} is not a multiple of 8`);
  const d =
    blob.byteOffset % 8 === 0
      ? new Float64Array(blob.buffer, blob.byteOffset, blob.byteLength / 8)
      : new Float64Array(new Uint8Array(blob).buffer);
  if (d[0] !== FORMAT) throw corrupt(owner, `unknown format ${d[0]}`);
  const count = d[1]!;
  if (!Number.isInteger(count) || count < 0) throw corrupt(owner, `bad volume count ${count}`);
  const volumes: Volume4D[] = new Array(count);
  let i = 2;
  for (let k = 0; k < count; k++) {
    if (i + HEADER > d.length) throw corrupt(owner, 'truncated volume header');
    const kind = d[i]!;
    const altitudeLowerM = d[i + 1]!;
    const altitudeUpperM = d[i + 2]!;
    const startMs = d[i + 3]!;
    const endMs = d[i + 4]!;
    i += HEADER;
    let footprint: Footprint;
    if (kind === POLYGON) {
      const n = d[i++]!;
      if (!Number.isInteger(n) || n < 0 || i + 2 * n > d.length) throw corrupt(owner, 'truncated polygon');
      const vertices = new Array<{ lat: number; lng: number }>(n);
      for (let j = 0; j < n; j++, i += 2) vertices[j] = { lat: d[i]!, lng: d[i + 1]! };
      footprint = { kind: 'polygon', vertices };
    } else if (kind === CIRCLE) {
      if (i + 3 > d.length) throw corrupt(owner, 'truncated circle');
      footprint = { kind: 'circle', center: { lat: d[i]!, lng: d[i + 1]! }, radiusM: d[i + 2]! };
      i += 3;
    } else {
      throw corrupt(owner, `unknown footprint kind ${kind}`);
    }
    volumes[k] = { footprint, altitudeLowerM, altitudeUpperM, startMs, endMs };
  }
  if (i !== d.length) throw corrupt(owner, `${d.length - i} trailing values`);
  return volumes;
}

function corrupt(owner: string, reason: string): Error {
  return new Error(`Cannot decode the extents of ${owner}: ${reason} (the stored BLOB is corrupt)`);
}
