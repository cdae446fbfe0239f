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
import { CellLayer, MAX_QUERY_BOXES, type SlotSink } from './cell-layer.js';
import { TOUCH_TOLERANCE_RAD, angleBetween } from '../geo/sphere.js';
import {
  F_BOX, F_CX, F_CY, F_CZ, F_PAD, F_REACH, F_STRIDE, M_ENTRY, M_STRIDE, ShapeBuffer, VolumeStore,
} from './volume-store.js';

export interface SearchOptions {
  /** Most ids to return. */
  readonly limit: number;
  /** Match on footprint and time only. */
  readonly ignoreAltitude?: boolean;
  /**
   * Entries to leave out: an id for which skip(id, tag) is true is never returned and costs no
   * exact test (e.g. intents whose current OVN, their tag, the caller already holds). Called at
   * most once per id and search, before any exact test of that entry; it must not use the index.
   */
  readonly skip?: (id: string, tag: string | undefined) => boolean;
}

/** Tuning of the fine layer's grid (the benchmarks compare settings). */
export interface IndexOptions {
  readonly cellDeg?: number;
  readonly bucketMs?: number;
}

const HOUR_MS = 3_600_000;
/** A volume covering more fine cells than this (64 at 0.2°, the same area at other sizes) goes to the coarse layer. */
const FINE_MAX_CELLS_AT_0_2_DEG = 64;
/** store.layer value of a slot not (yet) in a layer. */
const NOT_INDEXED = 255;
/** Slots a search gathers before deciding them (a batch is sorted and de-duplicated). */
const FLUSH_SLOTS = 4096;

export class VolumeIndex {
  private readonly ids = new Map<string, number>();
  /** @internal read by Search */
  entryIds: (string | undefined)[] = [];
  /** @internal read by Search: each entry's tag (insert, retag), handed to skip(). */
  entryTags: (string | undefined)[] = [];
  private entryHead = new Int32Array(1024);
  private readonly freeEntries: number[] = [];
  /** @internal read by Search */
  readonly store = new VolumeStore();
  private readonly layers: readonly [CellLayer, CellLayer];
  private readonly fineMaxCells: number;
  /** @internal Search's de-duplication of entries: each is decided (and skip() asked) once per search. */
  entryStamp = new Uint32Array(1024);
  private epoch = 0;
  private readonly box = new Float64Array(8);
  private readonly search1 = new Search();

  /**
   * The defaults (0.2° cells, 2 h buckets) suit volumes of 0.1–20 km lasting minutes to hours.
   * At 1M references, 0.1° × 4 h scans half the entries (writes ~5 %, queries ~10 % faster)
   * in fewer list bytes but ~30 MB more RSS (more, smaller lists); see bench/index-micro.ts.
   */
  constructor(options: IndexOptions = {}) {
    const { cellDeg = 0.2, bucketMs = 2 * HOUR_MS } = options;
    this.fineMaxCells = Math.max(1, Math.round(FINE_MAX_CELLS_AT_0_2_DEG * (0.2 / cellDeg) ** 2));
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

  /** Adds an entry; `tag` is any string the owner wants skip() to see (e.g. a version). */
  insert(id: string, volumes: readonly Volume4D[], tag?: string): void {
    if (this.ids.has(id)) throw new Error(`Cannot insert "${id}" into the volume index: it is already there`);
    const entry = this.freeEntries.pop() ?? this.entryIds.length;
    if (entry >= this.entryHead.length) this.entryHead = growInt32(this.entryHead, entry + 1);
    let head = -1;
    try {
      for (const volume of volumes) {
        const slot = this.store.add(volume, entry, head);
        head = slot;
        const box = this.store.box(slot, this.box);
        const fine = this.layers[0].spatialCellCount(box) <= this.fineMaxCells;
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
    this.entryTags[entry] = tag;
    this.ids.set(id, entry);
  }

  /** Replaces an entry's tag; false when the id is not in the index. */
  retag(id: string, tag: string | undefined): boolean {
    const entry = this.ids.get(id);
    if (entry === undefined) return false;
    this.entryTags[entry] = tag;
    return true;
  }

  remove(id: string): boolean {
    const entry = this.ids.get(id);
    if (entry === undefined) return false;
    this.release(this.entryHead[entry] as number);
    this.entryHead[entry] = -1;
    this.entryIds[entry] = undefined;
    this.entryTags[entry] = undefined;
    this.freeEntries.push(entry);
    this.ids.delete(id);
    return true;
  }

  /** Frees a chain of volume slots, from the cells that hold them and from the store. */
  private release(head: number): void {
    const store = this.store;
    for (let slot = head; slot !== -1;) {
      const next = store.nextOf(slot);
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
    if (!(options.limit > 0) || area.length === 0 || this.ids.size === 0) return out;
    this.ensureStamps(2);
    const search = this.search1;
    const ignoreAltitude = options.ignoreAltitude === true;
    search.begin(this, out, options, exact, this.epoch + 1);
    this.epoch += 2;
    try {
      // The area's volumes in chunks of up to 32 (one scan each; usually the whole area).
      for (let from = 0; from < area.length; from += MAX_QUERY_BOXES) {
        const count = Math.min(MAX_QUERY_BOXES, area.length - from);
        search.chunk(area, from, count);
        if (this.layers[0].scan(search.boxes, count, ignoreAltitude, search)) break;
        if (this.layers[1].scan(search.boxes, count, ignoreAltitude, search)) break;
        if (search.flush()) break;
      }
    } finally {
      search.end();
    }
    return out;
  }

  /** Grows the stamp array to the entries, and makes room for `epochs` fresh stamp values. */
  private ensureStamps(epochs: number): void {
    if (this.entryStamp.length < this.entryHead.length) this.entryStamp = growUint32(this.entryStamp, this.entryHead.length);
    if (this.epoch + epochs >= 0xffffffff) {
      this.entryStamp.fill(0);
      this.epoch = 0;
    }
  }
}

/**
 * One search in progress, reused from search to search (no closure or array per search):
 * gathers the slots the layers find for a chunk, sorts and de-duplicates them, asks skip()
 * once per entry (the entry stamps), and tests each slot's exact geometry against every area
 * volume of the chunk at once (its f64 box, its cap, then the footprint, filled into one
 * ShapeBuffer). The slots are handled in passes over the whole batch, so that the random
 * reads of many slots (records, entries, ids, vertices) are in flight at once rather than
 * one chain of cache misses after another; at 1M references those misses are most of a search.
 */
class Search implements SlotSink {
  /** The chunk's query boxes, 8 f64 each (see Box4). */
  readonly boxes = new Float64Array(MAX_QUERY_BOXES * 8);
  private readonly shapes: PreparedShape[] = [];
  private count = 0;
  private index: VolumeIndex | undefined;
  private out: string[] = [];
  private limit = 0;
  private exact = true;
  private ignoreAltitude = false;
  private skipEntry: ((id: string, tag: string | undefined) => boolean) | undefined;
  /** Entry stamps: decided (returned or skipped), or skip() consulted and answered no. */
  private decided = 0;
  private kept = 0;
  private readonly buffer = new ShapeBuffer();
  private readonly scratch = new IntersectScratch();
  /** The chunk's slots gathered from the lists so far, and flush()'s survivors with their entries. */
  private batch = new Int32Array(FLUSH_SLOTS);
  private gathered = 0;
  private picked = new Int32Array(256);
  private pickedEntry = new Int32Array(256);
  /** Keeps flush()'s pass 2 reads from being optimised away. */
  touched = 0;

  begin(index: VolumeIndex, out: string[], options: SearchOptions, exact: boolean, epoch: number): void {
    this.index = index;
    this.out = out;
    this.limit = options.limit;
    this.exact = exact;
    this.ignoreAltitude = options.ignoreAltitude === true;
    this.skipEntry = options.skip;
    this.decided = epoch;
    this.kept = epoch + 1;
  }

  /** Prepares area[from .. from + count) (each volume once) as the current chunk. */
  chunk(area: readonly Volume4D[], from: number, count: number): void {
    this.count = count;
    this.gathered = 0;
    const boxes = this.boxes;
    for (let k = 0; k < count; k++) {
      const v = area[from + k] as Volume4D;
      const prepared = prepareVolume(v);
      this.shapes[k] = prepared.shape;
      const o = k * 8;
      boxes[o] = prepared.box.south;
      boxes[o + 1] = prepared.box.north;
      boxes[o + 2] = prepared.box.west;
      boxes[o + 3] = prepared.box.east;
      boxes[o + 4] = v.altitudeLowerM;
      boxes[o + 5] = v.altitudeUpperM;
      boxes[o + 6] = v.startMs;
      boxes[o + 7] = v.endMs;
    }
  }

  /** Lets go of the caller's objects. */
  end(): void {
    this.index = undefined;
    this.out = [];
    this.skipEntry = undefined;
    this.shapes.length = 0;
    this.gathered = 0;
  }

  /** Gathers the slots one list found (handled in batches by flush()); true to stop the scan. */
  take(slots: Int32Array, n: number): boolean {
    if (this.gathered + n > this.batch.length) {
      if (this.gathered > 0 && this.flush()) return true;
      if (n > this.batch.length) this.batch = new Int32Array(Math.max(n, this.batch.length * 2));
    }
    this.batch.set(slots.subarray(0, n), this.gathered);
    this.gathered += n;
    return this.gathered >= FLUSH_SLOTS && this.flush();
  }

  /** Decides the gathered slots (each slot once per batch); true once `limit` ids are out. */
  flush(): boolean {
    const index = this.index as VolumeIndex;
    const n = this.gathered;
    this.gathered = 0;
    if (n === 0) return false;
    if (this.picked.length < n) {
      this.picked = new Int32Array(Math.max(n, this.picked.length * 2));
      this.pickedEntry = new Int32Array(this.picked.length);
    }
    // A slot sits in as many lists as cells and buckets it spans: sorting brings its copies together.
    const batch = this.batch.subarray(0, n).sort();
    const store = index.store;
    const f = store.f64;
    const meta = store.meta;
    const picked = this.picked;
    const pickedEntry = this.pickedEntry;
    // Pass 1: the exact box, altitude and time, from each slot's record alone.
    let m = 0;
    for (let i = 0, last = -1; i < n; i++) {
      const slot = batch[i] as number;
      if (slot === last) continue;
      last = slot;
      if (this.exact && !this.boxMeets(f, slot * F_STRIDE + F_BOX)) continue;
      picked[m] = slot;
      pickedEntry[m++] = meta[slot * M_STRIDE + M_ENTRY] as number;
    }
    // Pass 2: start the reads of the survivors' entry stamps, ids, tags and vertices, all at once.
    const entryStamp = index.entryStamp;
    const entryIds = index.entryIds;
    const entryTags = index.entryTags;
    const tagged = this.skipEntry !== undefined;
    let touched = 0;
    for (let i = 0; i < m; i++) {
      const entry = pickedEntry[i] as number;
      touched += (entryStamp[entry] as number) + (entryIds[entry] as string).length + store.firstVertex(picked[i] as number);
      if (tagged) touched += entryTags[entry]?.length ?? 0;
    }
    this.touched = touched;
    // Pass 3: the decisions, in slot order.
    const decided = this.decided;
    for (let i = 0; i < m; i++) {
      const entry = pickedEntry[i] as number;
      const stamp = entryStamp[entry];
      if (stamp === decided) continue;
      const id = entryIds[entry] as string;
      if (this.skipEntry !== undefined && stamp !== this.kept) {
        if (this.skipEntry(id, entryTags[entry])) {
          entryStamp[entry] = decided;
          continue;
        }
        entryStamp[entry] = this.kept;
      }
      if (this.exact && !this.matches(store, picked[i] as number)) continue;
      entryStamp[entry] = decided;
      this.out.push(id);
      if (this.out.length >= this.limit) return true;
    }
    return false;
  }

  /** Does the exact 4D box at f[o ..] meet the box of a volume of the chunk? */
  private boxMeets(f: Float64Array, o: number): boolean {
    const s = f[o] as number, n = f[o + 1] as number, w = f[o + 2] as number, e = f[o + 3] as number;
    const aLo = f[o + 4] as number, aHi = f[o + 5] as number, tS = f[o + 6] as number, tE = f[o + 7] as number;
    const q = this.boxes;
    for (let k = 0, p = 0; k < this.count; k++, p += 8) {
      if (tS > (q[p + 7] as number) || tE < (q[p + 6] as number)) continue;
      if (!this.ignoreAltitude && (aLo > (q[p + 5] as number) || aHi < (q[p + 4] as number))) continue;
      // Both boxes hold their footprints padded beyond the touch tolerance: disjoint boxes cannot meet.
      if (s > (q[p + 1] as number) || n < (q[p] as number)) continue;
      if (!lngsOverlap(w, e, q[p + 2] as number, q[p + 3] as number)) continue;
      return true;
    }
    return false;
  }

  /** Does the slot exactly intersect a volume of the chunk? */
  private matches(store: VolumeStore, slot: number): boolean {
    const f = store.f64;
    const r = slot * F_STRIDE;
    const o = r + F_BOX;
    const s = f[o] as number, n = f[o + 1] as number, w = f[o + 2] as number, e = f[o + 3] as number;
    const aLo = f[o + 4] as number, aHi = f[o + 5] as number, tS = f[o + 6] as number, tE = f[o + 7] as number;
    const cx = f[r + F_CX] as number, cy = f[r + F_CY] as number, cz = f[r + F_CZ] as number;
    const reach = f[r + F_REACH] as number, pad = f[r + F_PAD] as number;
    const q = this.boxes;
    let viewed = false;
    for (let k = 0, p = 0; k < this.count; k++, p += 8) {
      if (tS > (q[p + 7] as number) || tE < (q[p + 6] as number)) continue;
      if (!this.ignoreAltitude && (aLo > (q[p + 5] as number) || aHi < (q[p + 4] as number))) continue;
      if (s > (q[p + 1] as number) || n < (q[p] as number)) continue;
      if (!lngsOverlap(w, e, q[p + 2] as number, q[p + 3] as number)) continue;
      const shape = this.shapes[k] as PreparedShape;
      // shapesIntersect's own first test (caps apart), before any vertex is read.
      const tol = TOUCH_TOLERANCE_RAD + 4 * (shape.padRad + pad);
      if (angleBetween(shape.cx, shape.cy, shape.cz, cx, cy, cz) > shape.reachRad + reach + tol) continue;
      if (!viewed) {
        store.view(slot, this.buffer);
        viewed = true;
      }
      if (shapesIntersect(shape, this.buffer, this.scratch)) return true;
    }
    return false;
  }
}

/** Longitude ranges (west in [-180, 180), east >= west, up to 360 wide) share a longitude, modulo 360. */
function lngsOverlap(w1: number, e1: number, w2: number, e2: number): boolean {
  if (e1 - w1 >= 360 || e2 - w2 >= 360) return true;
  return (w1 <= e2 && w2 <= e1) || (w1 - 360 <= e2 && w2 <= e1 - 360) || (w1 + 360 <= e2 && w2 <= e1 + 360);
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
