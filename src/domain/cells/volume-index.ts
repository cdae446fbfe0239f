/**
 * A dynamic spatial index of entries (an id and its 4D volumes), answering "which entries
 * have a volume that intersects this area" with the exact test. Volumes sit in one of two
 * grid layers (fine 0.2° cells with 2 h time buckets, or coarse 5° cells for large volumes);
 * geometry is kept packed in a VolumeStore.
 */
import type { Volume4D } from '../geo/volume-4d.js';
import { prepareVolume } from '../geo/volumes-intersect.js';
import { IntersectScratch, shapesIntersect } from '../geo/shapes-intersect.js';
import type { PreparedShape } from '../geo/prepared-shape.js';
import { CellLayer, type Box4 } from './cell-layer.js';
import { F_BOX, F_STRIDE, ShapeBuffer, VolumeStore } from './volume-store.js';

export interface SearchOptions {
  /** Most ids to return. */
  readonly limit: number;
  /** Match on footprint and time only. */
  readonly ignoreAltitude?: boolean;
}

/** Tuning of the fine layer's grid (the benchmarks compare settings). */
export interface IndexOptions {
  readonly cellDeg?: number;
  readonly bucketMs?: number;
}

const HOUR_MS = 3_600_000;
/** A volume covering more fine cells than this goes to the coarse layer. */
const FINE_MAX_CELLS = 64;
/** store.layer value of a slot not (yet) in a layer. */
const NOT_INDEXED = 255;

export class VolumeIndex {
  private readonly ids = new Map<string, number>();
  private entryIds: (string | undefined)[] = [];
  private entryHead = new Int32Array(1024);
  private readonly freeEntries: number[] = [];
  private readonly store = new VolumeStore();
  private readonly layers: readonly [CellLayer, CellLayer];
  private volStamp = new Uint32Array(1024);
  private entryStamp = new Uint32Array(1024);
  private epoch = 0;
  private readonly box = new Float64Array(8);
  private readonly buffer = new ShapeBuffer();
  private readonly scratch = new IntersectScratch();

  /** The defaults (0.2° cells, 2 h buckets) suit volumes of 0.1–20 km lasting minutes to hours. */
  constructor(options: IndexOptions = {}) {
    const { cellDeg = 0.2, bucketMs = 2 * HOUR_MS } = options;
    this.layers = [
      new CellLayer(cellDeg, { bucketMs, maxBuckets: 8 }),
      new CellLayer(5, { bucketMs: 24 * HOUR_MS, maxBuckets: 8 }),
    ];
  }

  get size(): number {
    return this.ids.size;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  insert(id: string, volumes: readonly Volume4D[]): void {
    if (this.ids.has(id)) throw new Error(`Cannot insert "${id}" into the volume index: it is already there`);
    const entry = this.freeEntries.pop() ?? this.entryIds.length;
    if (entry >= this.entryHead.length) this.entryHead = growInt32(this.entryHead, entry + 1);
    let head = -1;
    try {
      for (const volume of volumes) {
        const slot = this.store.add(volume, entry, head);
        head = slot;
        const box = this.store.box(slot, this.box);
        const fine = this.layers[0].spatialCellCount(box) <= FINE_MAX_CELLS;
        this.store.layer[slot] = fine ? 0 : 1;
        this.layers[fine ? 0 : 1].add(slot, box);
      }
    } catch (error) {
      // A volume the index cannot hold (e.g. a polygon without vertices): leave no trace.
      this.release(head);
      if (entry < this.entryIds.length) this.freeEntries.push(entry); // a fresh entry was never taken
      throw error;
    }
    this.entryHead[entry] = head;
    this.entryIds[entry] = id;
    this.ids.set(id, entry);
  }

  remove(id: string): boolean {
    const entry = this.ids.get(id);
    if (entry === undefined) return false;
    this.release(this.entryHead[entry] as number);
    this.entryHead[entry] = -1;
    this.entryIds[entry] = undefined;
    this.freeEntries.push(entry);
    this.ids.delete(id);
    return true;
  }

  /** Frees a chain of volume slots, from the cells that hold them and from the store. */
  private release(head: number): void {
    const store = this.store;
    for (let slot = head; slot !== -1;) {
      const next = store.next[slot] as number;
      if (store.layer[slot] !== NOT_INDEXED) this.layers[store.layer[slot] === 0 ? 0 : 1].delete(slot, store.box(slot, this.box));
      store.free(slot);
      slot = next;
    }
  }

  /** Ids of entries with a volume that intersects a volume of the area (each id once, at most limit). */
  search(area: readonly Volume4D[], options: SearchOptions): string[] {
    return this.run(area, options, true);
  }

  /** The index's superset of search(): every entry whose packed 4D box meets the area's. */
  candidates(area: readonly Volume4D[], options: SearchOptions): string[] {
    return this.run(area, options, false);
  }

  private run(area: readonly Volume4D[], options: SearchOptions, exact: boolean): string[] {
    const out: string[] = [];
    if (options.limit <= 0) return out;
    this.ensureStamps(area.length + 1);
    const entryEpoch = ++this.epoch;
    const ignoreAltitude = options.ignoreAltitude === true;
    const store = this.store;
    for (const volume of area) {
      const volEpoch = ++this.epoch;
      const prepared = prepareVolume(volume);
      const q = queryBox(prepared.box, volume, this.box);
      const shape: PreparedShape = prepared.shape;
      const visit = (slot: number): boolean => {
        if (this.volStamp[slot] === volEpoch) return false;
        this.volStamp[slot] = volEpoch;
        const entry = store.entry[slot] as number;
        if (this.entryStamp[entry] === entryEpoch) return false;
        if (exact && !this.matches(slot, volume, shape, ignoreAltitude)) return false;
        this.entryStamp[entry] = entryEpoch;
        out.push(this.entryIds[entry] as string);
        return out.length >= options.limit;
      };
      if (this.layers[0].scan(q, ignoreAltitude, visit)) break;
      if (this.layers[1].scan(q, ignoreAltitude, visit)) break;
    }
    return out;
  }

  private matches(slot: number, q: Volume4D, shape: PreparedShape, ignoreAltitude: boolean): boolean {
    const f = this.store.f64;
    const o = slot * F_STRIDE + F_BOX;
    if ((f[o + 6] as number) > q.endMs || (f[o + 7] as number) < q.startMs) return false;
    if (!ignoreAltitude && ((f[o + 4] as number) > q.altitudeUpperM || (f[o + 5] as number) < q.altitudeLowerM)) {
      return false;
    }
    return shapesIntersect(shape, this.store.view(slot, this.buffer), this.scratch);
  }

  /** Grows the stamp arrays to the store, and makes room for `epochs` fresh stamp values. */
  private ensureStamps(epochs: number): void {
    const slots = this.store.slotCapacity;
    if (this.volStamp.length < slots) this.volStamp = growUint32(this.volStamp, slots);
    if (this.entryStamp.length < this.entryHead.length) this.entryStamp = growUint32(this.entryStamp, this.entryHead.length);
    if (this.epoch + epochs >= 0xffffffff) {
      this.volStamp.fill(0);
      this.entryStamp.fill(0);
      this.epoch = 0;
    }
  }
}

function queryBox(box: { south: number; north: number; west: number; east: number }, v: Volume4D, out: Box4): Box4 {
  out[0] = box.south;
  out[1] = box.north;
  out[2] = box.west;
  out[3] = box.east;
  out[4] = v.altitudeLowerM;
  out[5] = v.altitudeUpperM;
  out[6] = v.startMs;
  out[7] = v.endMs;
  return out;
}

function growInt32(a: Int32Array, min: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.max(min, a.length * 2));
  b.set(a);
  return b;
}

function growUint32(a: Uint32Array, min: number): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(Math.max(min, a.length * 2));
  b.set(a);
  return b;
}
