/**
 * A latitude/longitude grid whose rows are `cellDeg` tall and whose columns widen toward the
 * poles (about square cells everywhere; one cell per row at the poles), so a polar cap costs
 * few cells. Column iteration wraps at the antimeridian and reports the 360° shift it used,
 * so that the boxes compared inside one cell are in one longitude frame.
 */
export class LatLngGrid {
  readonly cellDeg: number;
  readonly rowCount: number;
  /** Columns in each row, the width of a column in degrees, and the first cell id of the row. */
  readonly cols: Int32Array;
  readonly colWidth: Float64Array;
  readonly rowStart: Int32Array;
  readonly cellCount: number;

  constructor(cellDeg: number) {
    this.cellDeg = cellDeg;
    this.rowCount = Math.round(180 / cellDeg);
    this.cols = new Int32Array(this.rowCount);
    this.colWidth = new Float64Array(this.rowCount);
    this.rowStart = new Int32Array(this.rowCount + 1);
    const maxCols = Math.round(360 / cellDeg);
    for (let r = 0; r < this.rowCount; r++) {
      const south = -90 + r * cellDeg;
      const poleward = Math.max(Math.abs(south), Math.abs(south + cellDeg));
      const cols = Math.max(1, Math.min(maxCols, Math.floor(maxCols * Math.cos((poleward * Math.PI) / 180))));
      this.cols[r] = cols;
      this.colWidth[r] = 360 / cols;
      this.rowStart[r + 1] = (this.rowStart[r] as number) + cols;
    }
    this.cellCount = this.rowStart[this.rowCount] as number;
  }

  rowOf(lat: number): number {
    const r = Math.floor((lat + 90) / this.cellDeg);
    return r < 0 ? 0 : r >= this.rowCount ? this.rowCount - 1 : r;
  }

  /**
   * Calls visit(cellId, shiftDeg) for every cell the box touches; the box's longitudes minus
   * shiftDeg lie in the cell's frame. A box as wide as the row (or all longitudes) gets
   * shift NaN: compare no longitudes in that cell.
   */
  forEachCell(
    south: number, north: number, west: number, east: number,
    visit: (cell: number, shiftDeg: number) => void,
  ): void {
    const r0 = this.rowOf(south);
    const r1 = this.rowOf(north);
    for (let r = r0; r <= r1; r++) {
      const cols = this.cols[r] as number;
      const width = this.colWidth[r] as number;
      const base = this.rowStart[r] as number;
      if (east - west >= 360 - width) {
        for (let c = 0; c < cols; c++) visit(base + c, NaN);
        continue;
      }
      const j0 = Math.floor((west + 180) / width);
      const j1 = Math.floor((east + 180) / width);
      for (let j = j0; j <= j1; j++) {
        const wrap = Math.floor(j / cols);
        visit(base + (j - wrap * cols), wrap * 360);
      }
    }
  }

  /** How many cells forEachCell would visit. */
  countCells(south: number, north: number, west: number, east: number): number {
    let total = 0;
    const r1 = this.rowOf(north);
    for (let r = this.rowOf(south); r <= r1; r++) {
      const cols = this.cols[r] as number;
      const width = this.colWidth[r] as number;
      total += east - west >= 360 - width
        ? cols
        : Math.floor((east + 180) / width) - Math.floor((west + 180) / width) + 1;
    }
    return total;
  }
}
