/**
 * The index's own compact copy of each volume, in slots of typed arrays: the centre and
 * reach of the footprint, its exact altitude and time bounds and box (f64), and polygon
 * vertices as f32 offsets from the centre. The rounding of those offsets is measured per
 * volume and handed to the exact test as padding, so it can widen but never narrow a match.
 */
import type { Volume4D } from '../geo/volume-4d.js';
import { prepareVolume } from '../geo/volumes-intersect.js';
import { CIRCLE, POLYGON, type ShapeKind, type ShapeView } from '../geo/prepared-shape.js';

/**
 * Per-slot f64 fields: the 4D box at F_BOX .. F_BOX + 7 (south, north, west, east, alt lo,
 * alt hi, start, end), then the footprint's centre, reach and padding. A search's common
 * rejections (box, then cap) read this record alone.
 */
export const F_BOX = 0;
export const F_CX = 8, F_CY = 9, F_CZ = 10, F_REACH = 11, F_PAD = 12;
export const F_STRIDE = 13;
/**
 * Per-slot i32 fields, side by side so that one cache line holds a slot's entry and where
 * its vertices are: entry, next slot of the entry, vertex offset, vertex count (0: a circle).
 */
export const M_ENTRY = 0, M_NEXT = 1, M_VERT_OFF = 2, M_VERT_COUNT = 3;
export const M_STRIDE = 4;

/** A ShapeView the store refills in place for each candidate. */
export class ShapeBuffer implements ShapeView {
  kind: ShapeKind = POLYGON;
  cx = 0; cy = 0; cz = 0;
  reachRad = 0;
  count = 0;
  xyz = new Float64Array(96);
  padRad = 0;
}

export class VolumeStore {
  f64 = new Float64Array(F_STRIDE * 1024);
  meta = new Int32Array(M_STRIDE * 1024);
  layer = new Uint8Array(1024);
  private capacity = 1024;
  private top = 0;
  private readonly freeSlots: number[] = [];
  private verts = new Float32Array(3 * 8192);
  private vertTop = 0;
  /** Freed vertex runs by length, reused by polygons of the same vertex count. */
  private readonly freeRuns = new Map<number, number[]>();

  get slotCapacity(): number {
    return this.capacity;
  }

  /** Copies the volume into a fresh slot; returns the slot. */
  add(volume: Volume4D, entry: number, next: number): number {
    const { shape, box } = prepareVolume(volume);
    const slot = this.freeSlots.pop() ?? this.top++;
    if (slot >= this.capacity) this.growSlots();
    const f = this.f64;
    const o = slot * F_STRIDE;
    f[o + F_CX] = shape.cx;
    f[o + F_CY] = shape.cy;
    f[o + F_CZ] = shape.cz;
    f[o + F_REACH] = shape.reachRad;
    f[o + F_BOX] = box.south;
    f[o + F_BOX + 1] = box.north;
    f[o + F_BOX + 2] = box.west;
    f[o + F_BOX + 3] = box.east;
    f[o + F_BOX + 4] = volume.altitudeLowerM;
    f[o + F_BOX + 5] = volume.altitudeUpperM;
    f[o + F_BOX + 6] = volume.startMs;
    f[o + F_BOX + 7] = volume.endMs;
    const m = slot * M_STRIDE;
    this.meta[m + M_ENTRY] = entry;
    this.meta[m + M_NEXT] = next;
    this.layer[slot] = 255; // the index assigns a layer once the slot is in one
    // A circle has no vertices; a polygon has at least one (polygonBox refuses an empty ring).
    const n = shape.kind === CIRCLE ? 0 : shape.count;
    this.meta[m + M_VERT_COUNT] = n;
    this.meta[m + M_VERT_OFF] = 0;
    let pad = 0;
    if (n > 0) {
      const at = this.allocRun(n);
      this.meta[m + M_VERT_OFF] = at;
      const v = this.verts;
      const src = shape.xyz;
      for (let i = 0; i < 3 * n; i += 3) {
        v[at + i] = (src[i] as number) - shape.cx;
        v[at + i + 1] = (src[i + 1] as number) - shape.cy;
        v[at + i + 2] = (src[i + 2] as number) - shape.cz;
        const ex = (v[at + i] as number) + shape.cx - (src[i] as number);
        const ey = (v[at + i + 1] as number) + shape.cy - (src[i + 1] as number);
        const ez = (v[at + i + 2] as number) + shape.cz - (src[i + 2] as number);
        const err = Math.sqrt(ex * ex + ey * ey + ez * ez);
        if (err > pad) pad = err;
      }
    }
    // A direction off by a chord e from a unit vector is off by an angle below 1.01·e (e tiny).
    f[o + F_PAD] = pad * 1.01;
    return slot;
  }

  /** The entry a slot belongs to, and the entry's next slot (-1 after its last). */
  entryOf(slot: number): number {
    return this.meta[slot * M_STRIDE + M_ENTRY] as number;
  }

  nextOf(slot: number): number {
    return this.meta[slot * M_STRIDE + M_NEXT] as number;
  }

  /** A coordinate of the slot's first vertex (0 for a circle): reading it early warms the cache for view(). */
  firstVertex(slot: number): number {
    const m = slot * M_STRIDE;
    return this.meta[m + M_VERT_COUNT] === 0 ? 0 : (this.verts[this.meta[m + M_VERT_OFF] as number] as number);
  }

  free(slot: number): void {
    const m = slot * M_STRIDE;
    const n = this.meta[m + M_VERT_COUNT] as number;
    if (n > 0) {
      let runs = this.freeRuns.get(n);
      if (runs === undefined) {
        runs = [];
        this.freeRuns.set(n, runs);
      }
      runs.push(this.meta[m + M_VERT_OFF] as number);
    }
    this.meta[m + M_VERT_COUNT] = 0;
    this.meta[m + M_ENTRY] = -1;
    this.freeSlots.push(slot);
  }

  /** The 4D box of a slot, copied into out. */
  box(slot: number, out: Float64Array): Float64Array {
    const o = slot * F_STRIDE + F_BOX;
    for (let i = 0; i < 8; i++) out[i] = this.f64[o + i] as number;
    return out;
  }

  /** Refills buf with the slot's footprint. */
  view(slot: number, buf: ShapeBuffer): ShapeBuffer {
    const f = this.f64;
    const o = slot * F_STRIDE;
    const cx = f[o + F_CX] as number, cy = f[o + F_CY] as number, cz = f[o + F_CZ] as number;
    const m = slot * M_STRIDE;
    const n = this.meta[m + M_VERT_COUNT] as number;
    buf.kind = n === 0 ? CIRCLE : POLYGON;
    buf.cx = cx;
    buf.cy = cy;
    buf.cz = cz;
    buf.reachRad = f[o + F_REACH] as number;
    buf.padRad = f[o + F_PAD] as number;
    buf.count = n;
    if (n > 0) {
      if (buf.xyz.length < 3 * n) buf.xyz = new Float64Array(Math.max(3 * n, buf.xyz.length * 2));
      const xyz = buf.xyz;
      const v = this.verts;
      const at = this.meta[m + M_VERT_OFF] as number;
      for (let i = 0; i < 3 * n; i += 3) {
        xyz[i] = (v[at + i] as number) + cx;
        xyz[i + 1] = (v[at + i + 1] as number) + cy;
        xyz[i + 2] = (v[at + i + 2] as number) + cz;
      }
    }
    return buf;
  }

  private allocRun(n: number): number {
    const reused = this.freeRuns.get(n)?.pop();
    if (reused !== undefined) return reused;
    const at = this.vertTop;
    const need = at + 3 * n;
    if (need > this.verts.length) {
      const grown = new Float32Array(Math.max(need, Math.ceil(this.verts.length * 1.5)));
      grown.set(this.verts.subarray(0, this.vertTop));
      this.verts = grown;
    }
    this.vertTop = need;
    return at;
  }

  private growSlots(): void {
    const capacity = this.capacity * 2;
    this.f64 = grow(this.f64, capacity * F_STRIDE, Float64Array);
    this.meta = grow(this.meta, capacity * M_STRIDE, Int32Array);
    this.layer = grow(this.layer, capacity, Uint8Array);
    this.capacity = capacity;
  }
}

function grow<T extends Float64Array | Int32Array | Uint8Array>(
  a: T, length: number, Ctor: new (length: number) => T,
): T {
  const b = new Ctor(length);
  b.set(a);
  return b;
}
