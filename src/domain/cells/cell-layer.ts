/**
 * One level of the index: a LatLngGrid whose cells hold time buckets of packed lists.
 * A volume lasting more than `maxBuckets` buckets (or unbounded in time) goes to the cell's
 * single "long" list instead, so a 56-day constraint costs one entry per spatial cell.
 */
import { CellList, type ListFrame, type SlotVisitor } from './cell-list.js';
import { LatLngGrid } from './lat-lng-grid.js';

export type { SlotVisitor } from './cell-list.js';

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
  private readonly cells: (SpatialCell | undefined)[];
  private readonly shifted = new Float64Array(8);
  private readonly quantised = new Uint16Array(8);
  count = 0;

  constructor(cellDeg: number, options: { bucketMs: number; maxBuckets: number }) {
    this.grid = new LatLngGrid(cellDeg);
    this.bucketMs = options.bucketMs;
    this.maxBuckets = options.maxBuckets;
    this.cells = new Array<SpatialCell | undefined>(this.grid.cellCount);
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
      const cell = (this.cells[id] ??= this.newCell(id));
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
      const cell = this.cells[id];
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
      if (cell.long === undefined && cell.buckets.size === 0) this.cells[id] = undefined;
    });
    this.count--;
  }

  /** Cells a box would be registered in (to pick a layer for a volume). */
  spatialCellCount(box: Box4): number {
    return this.grid.countCells(box[0] as number, box[1] as number, box[2] as number, box[3] as number);
  }

  /**
   * Visits every slot whose stored box overlaps the query box (alt skipped when ignoreAltitude);
   * a slot may be visited once per shared cell. Returns true when the visitor stopped the scan.
   */
  scan(q: Box4, ignoreAltitude: boolean, visit: SlotVisitor): boolean {
    if (this.count === 0) return false;
    const grid = this.grid;
    const s = this.shifted;
    const u = this.quantised;
    s.set(q);
    const qW = q[2] as number, qE = q[3] as number;
    const tS = q[6] as number, tE = q[7] as number;
    const tb0 = Number.isFinite(tS) ? Math.floor(tS / this.bucketMs) : -Infinity;
    const tb1 = Number.isFinite(tE) ? Math.floor(tE / this.bucketMs) : Infinity;
    const r1 = grid.rowOf(q[1] as number);
    for (let r = grid.rowOf(q[0] as number); r <= r1; r++) {
      const cols = grid.cols[r] as number;
      const width = grid.colWidth[r] as number;
      const base = grid.rowStart[r] as number;
      const full = qE - qW >= 360 - width;
      const j0 = full ? 0 : Math.floor((qW + 180) / width);
      const j1 = full ? cols - 1 : Math.floor((qE + 180) / width);
      for (let j = j0; j <= j1; j++) {
        const wrap = Math.floor(j / cols);
        const cell = this.cells[base + (j - wrap * cols)];
        if (cell === undefined) continue;
        s[2] = full ? -Infinity : qW - wrap * 360;
        s[3] = full ? Infinity : qE - wrap * 360;
        if (cell.long !== undefined && cell.long.scan(s, ignoreAltitude, u, visit)) return true;
        const buckets = cell.buckets;
        if (buckets.size === 0) continue;
        if (tb1 - tb0 + 1 <= buckets.size) {
          for (let tb = tb0; tb <= tb1; tb++) {
            const list = buckets.get(tb);
            if (list !== undefined && list.scan(s, ignoreAltitude, u, visit)) return true;
          }
        } else {
          for (const [tb, list] of buckets) {
            if (tb >= tb0 && tb <= tb1 && list.scan(s, ignoreAltitude, u, visit)) return true;
          }
        }
      }
    }
    return false;
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
