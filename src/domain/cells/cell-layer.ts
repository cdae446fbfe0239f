/**
 * One level of the index: a LatLngGrid whose cells hold time buckets of packed lists.
 * A volume lasting more than `maxBuckets` buckets (or unbounded in time) goes to the cell's
 * single "long" list instead, so a 56-day constraint costs one entry per spatial cell.
 */
import { BOX_STRIDE, CellList, quantiseBox, type ListFrame } from './cell-list.js';
import { LatLngGrid } from './lat-lng-grid.js';

/** Takes the slots found in one list (slots[0 .. count)); returns true to stop the scan. */
export interface SlotSink {
  take(slots: Int32Array, count: number): boolean;
}

/** Most query boxes one scan takes (a bit mask each); callers split larger areas. */
export const MAX_QUERY_BOXES = 32;
const NO_WRAP = 0x7fffffff;

interface SpatialCell {
  long: CellList | undefined;
  readonly buckets: Map<number, CellList>;
  /** The cell's frame with no time axis; bucket lists add theirs. */
  readonly frame: ListFrame;
}

/** A 4D box: south, north, west, east (west in [-180, 180), east may exceed 180), alt lo/hi, start, end. */
export type Box4 = Float64Array;

export class CellLayer {
  readonly grid: LatLngGrid;
  private readonly bucketMs: number;
  private readonly maxBuckets: number;
  /** Occupied cells only, by cell id (a region of traffic occupies a few thousand of millions). */
  private readonly cells = new Map<number, SpatialCell>();
  private readonly shifted = new Float64Array(8);
  private readonly plan = new ScanPlan();
  count = 0;

  constructor(cellDeg: number, options: { bucketMs: number; maxBuckets: number }) {
    this.grid = new LatLngGrid(cellDeg);
    this.bucketMs = options.bucketMs;
    this.maxBuckets = options.maxBuckets;
  }

  add(slot: number, box: Box4): void {
    this.count++; // first, so that delete() balances even an add() that failed half-way
    const [tb0, tb1, isLong] = this.bucketRange(box[6] as number, box[7] as number);
    const s = this.shifted;
    s.set(box);
    this.grid.forEachCell(box[0] as number, box[1] as number, box[2] as number, box[3] as number, (id, shift) => {
      const full = Number.isNaN(shift);
      s[2] = full ? -Infinity : (box[2] as number) - shift;
      s[3] = full ? Infinity : (box[3] as number) - shift;
      let cell = this.cells.get(id);
      if (cell === undefined) {
        cell = this.newCell(id);
        this.cells.set(id, cell);
      }
      if (isLong) {
        (cell.long ??= new CellList(cell.frame)).push(slot, s);
        return;
      }
      for (let tb = tb0; tb <= tb1; tb++) {
        let list = cell.buckets.get(tb);
        if (list === undefined) {
          list = new CellList({ ...cell.frame, start: tb * this.bucketMs, timeSpan: this.bucketMs });
          cell.buckets.set(tb, list);
        }
        list.push(slot, s);
      }
    });
  }

  /** Removes a slot added with the same box. */
  delete(slot: number, box: Box4): void {
    const [tb0, tb1, isLong] = this.bucketRange(box[6] as number, box[7] as number);
    this.grid.forEachCell(box[0] as number, box[1] as number, box[2] as number, box[3] as number, (id) => {
      const cell = this.cells.get(id);
      if (cell === undefined) return;
      if (isLong) {
        cell.long?.delete(slot);
        if (cell.long?.length === 0) cell.long = undefined;
      } else {
        for (let tb = tb0; tb <= tb1; tb++) {
          const list = cell.buckets.get(tb);
          if (list === undefined) continue;
          list.delete(slot);
          if (list.length === 0) cell.buckets.delete(tb);
        }
      }
      if (cell.long === undefined && cell.buckets.size === 0) this.cells.delete(id);
    });
    this.count--;
  }

  /** Cells a box would be registered in (to pick a layer for a volume). */
  spatialCellCount(box: Box4): number {
    return this.grid.countCells(box[0] as number, box[1] as number, box[2] as number, box[3] as number);
  }

  /**
   * Hands `sink` the slots whose stored box overlaps one of the `count` query boxes in
   * `boxes` (8 f64 each, count <= MAX_QUERY_BOXES; altitude skipped when ignoreAltitude),
   * list by list. Each cell list is scanned once however many query boxes reach it, so a slot
   * is handed over at most once per list it sits in. Returns true when the sink stopped the scan.
   */
  scan(boxes: Float64Array, count: number, ignoreAltitude: boolean, sink: SlotSink): boolean {
    if (this.count === 0 || count === 0) return false;
    if (count > MAX_QUERY_BOXES) throw new RangeError(`Cannot scan ${count} boxes at once (at most ${MAX_QUERY_BOXES})`);
    const grid = this.grid;
    const p = this.plan;
    let rMin = Infinity, rMax = -Infinity;
    for (let k = 0; k < count; k++) {
      const o = k * 8;
      const tS = boxes[o + 6] as number, tE = boxes[o + 7] as number;
      p.tb0[k] = Number.isFinite(tS) ? Math.floor(tS / this.bucketMs) : -Infinity;
      p.tb1[k] = Number.isFinite(tE) ? Math.floor(tE / this.bucketMs) : Infinity;
      p.r0[k] = grid.rowOf(boxes[o] as number);
      p.r1[k] = grid.rowOf(boxes[o + 1] as number);
      rMin = Math.min(rMin, p.r0[k] as number);
      rMax = Math.max(rMax, p.r1[k] as number);
    }
    const cellBoxes = p.cellBoxes;
    cellBoxes.set(boxes.subarray(0, count * 8));
    for (let r = rMin; r <= rMax; r++) {
      const cols = grid.cols[r] as number;
      const width = grid.colWidth[r] as number;
      const base = grid.rowStart[r] as number;
      // The query boxes in this row, each a column range (possibly past the last column: wrapped).
      let active = 0;
      for (let k = 0; k < count; k++) {
        if (r < (p.r0[k] as number) || r > (p.r1[k] as number)) continue;
        const o = k * 8;
        const qW = boxes[o + 2] as number, qE = boxes[o + 3] as number;
        const full = qE - qW >= 360 - width;
        p.rowBox[active] = k;
        p.j0[active] = full ? 0 : Math.floor((qW + 180) / width);
        p.j1[active] = full ? cols - 1 : Math.floor((qE + 180) / width);
        p.full[active] = full ? 1 : 0;
        active++;
      }
      for (let a = 0; a < active; a++) {
        const j1 = p.j1[a] as number;
        for (let j = p.j0[a] as number; j <= j1; j++) {
          const c = j - Math.floor(j / cols) * cols;
          // Visit the cell from the first query box that reaches it, for all boxes at once.
          let seen = false;
          for (let e = 0; e < a && !seen; e++) seen = wrapOf(p, e, c, cols) !== NO_WRAP;
          if (seen) continue;
          const cell = this.cells.get(base + c);
          if (cell === undefined) continue;
          let mask = 0;
          for (let e = a; e < active; e++) {
            const wrap = wrapOf(p, e, c, cols);
            if (wrap === NO_WRAP) continue;
            const k = p.rowBox[e] as number;
            mask |= 1 << k;
            const o = k * 8;
            const full = p.full[e] === 1;
            cellBoxes[o + 2] = full ? -Infinity : (boxes[o + 2] as number) - wrap * 360;
            cellBoxes[o + 3] = full ? Infinity : (boxes[o + 3] as number) - wrap * 360;
          }
          if (this.scanCell(cell, mask, count, ignoreAltitude, sink)) return true;
        }
      }
    }
    return false;
  }

  /** Scans the lists of one cell for the query boxes in mask (their longitudes in the cell's frame). */
  private scanCell(cell: SpatialCell, mask: number, count: number, ignoreAltitude: boolean, sink: SlotSink): boolean {
    const p = this.plan;
    if (cell.long !== undefined && this.scanList(cell.long, mask, count, ignoreAltitude, sink)) return true;
    const buckets = cell.buckets;
    if (buckets.size === 0) return false;
    let tb0 = Infinity, tb1 = -Infinity;
    for (let k = 0; k < count; k++) {
      if ((mask & (1 << k)) === 0) continue;
      tb0 = Math.min(tb0, p.tb0[k] as number);
      tb1 = Math.max(tb1, p.tb1[k] as number);
    }
    if (tb1 - tb0 + 1 <= buckets.size) {
      for (let tb = tb0; tb <= tb1; tb++) {
        const list = buckets.get(tb);
        if (list !== undefined && this.scanList(list, bucketMask(p, mask, count, tb), count, ignoreAltitude, sink)) return true;
      }
    } else {
      for (const [tb, list] of buckets) {
        if (tb < tb0 || tb > tb1) continue;
        if (this.scanList(list, bucketMask(p, mask, count, tb), count, ignoreAltitude, sink)) return true;
      }
    }
    return false;
  }

  private scanList(list: CellList, mask: number, count: number, ignoreAltitude: boolean, sink: SlotSink): boolean {
    if (mask === 0 || list.length === 0) return false;
    const p = this.plan;
    let m = 0;
    for (let k = 0; k < count; k++) {
      if ((mask & (1 << k)) === 0) continue;
      quantiseBox(list.frame, p.cellBoxes, k * 8, ignoreAltitude, p.codes, m * BOX_STRIDE);
      m++;
    }
    if (p.found.length < list.length) p.found = new Int32Array(Math.max(list.length, p.found.length * 2));
    const n = list.scan(p.codes, m, p.found);
    return n > 0 && sink.take(p.found, n);
  }

  private newCell(id: number): SpatialCell {
    const grid = this.grid;
    let r = 0;
    while ((grid.rowStart[r + 1] as number) <= id) r++;
    const width = grid.colWidth[r] as number;
    const frame: ListFrame = {
      south: -90 + r * grid.cellDeg, latSpan: grid.cellDeg,
      west: -180 + (id - (grid.rowStart[r] as number)) * width, lngSpan: width,
      start: 0, timeSpan: Infinity,
    };
    return { long: undefined, buckets: new Map(), frame };
  }

  private bucketRange(startMs: number, endMs: number): [number, number, boolean] {
    if (!Number.isFinite(startMs) || !Number.isFinite(endMs)) return [0, -1, true];
    const tb0 = Math.floor(startMs / this.bucketMs);
    const tb1 = Math.floor(endMs / this.bucketMs);
    return tb1 - tb0 + 1 > this.maxBuckets ? [0, -1, true] : [tb0, tb1, false];
  }
}

/** Scratch of a scan, per query box (k) or per query box reaching the current row (a). */
class ScanPlan {
  readonly tb0 = new Float64Array(MAX_QUERY_BOXES);
  readonly tb1 = new Float64Array(MAX_QUERY_BOXES);
  readonly r0 = new Int32Array(MAX_QUERY_BOXES);
  readonly r1 = new Int32Array(MAX_QUERY_BOXES);
  readonly rowBox = new Int32Array(MAX_QUERY_BOXES);
  readonly j0 = new Float64Array(MAX_QUERY_BOXES);
  readonly j1 = new Float64Array(MAX_QUERY_BOXES);
  readonly full = new Uint8Array(MAX_QUERY_BOXES);
  /** The query boxes with longitudes shifted into the current cell's frame. */
  readonly cellBoxes = new Float64Array(MAX_QUERY_BOXES * 8);
  readonly codes = new Uint8Array(MAX_QUERY_BOXES * BOX_STRIDE);
  found = new Int32Array(256);
}

/** The wrap m (column c + m·cols lies in the row range a), or NO_WRAP when range a misses c. */
function wrapOf(p: ScanPlan, a: number, c: number, cols: number): number {
  if (p.full[a] === 1) return 0;
  const j0 = p.j0[a] as number;
  const m = Math.ceil((j0 - c) / cols);
  return c + m * cols <= (p.j1[a] as number) ? m : NO_WRAP;
}

/** The boxes of mask whose bucket range holds tb. */
function bucketMask(p: ScanPlan, mask: number, count: number, tb: number): number {
  let out = 0;
  for (let k = 0; k < count; k++) {
    if ((mask & (1 << k)) !== 0 && (p.tb0[k] as number) <= tb && tb <= (p.tb1[k] as number)) out |= 1 << k;
  }
  return out;
}
