/**
 * The volumes registered in one cell list, packed: per volume a 4D box quantised to 8 bits
 * within the list's frame (its cell's latitude and longitude range, its time bucket, and a
 * monotone piecewise-linear altitude scale over F3548's range), rounded outward so that it
 * never shrinks, and the volume's slot. A query box is quantised the same way, so the integer
 * comparison is conservative; the exact test decides afterwards. Scanning a list reads
 * 8 bytes per volume, in order (the scan is bound by memory traffic, so bytes count most).
 */
export const BOX_STRIDE = 8;
// Box layout (f64 input and u8 codes): south, north, west, east, alt lower, alt upper, start, end.

const Q = 255;
/** Altitude scale: finest (~14 m a code) where drones fly, coarse far above. Monotone, so conservative. */
const ALT_KNOTS_M = [-8000, -500, 0, 2000, 6000, 20_000, 100_000] as const;
const ALT_KNOT_CODES = [0, 4, 14, 154, 214, 244, 255] as const;
/** Rounding margin, in codes, for the float arithmetic of the scales. */
const MARGIN = 1e-6;

/** The part of space-time a list's codes span; a span of Infinity disables that axis. */
export interface ListFrame {
  readonly south: number;
  readonly latSpan: number;
  readonly west: number;
  readonly lngSpan: number;
  readonly start: number;
  readonly timeSpan: number;
}

export class CellList {
  readonly frame: ListFrame;
  boxes: Uint8Array;
  slots: Int32Array;
  length = 0;

  constructor(frame: ListFrame, capacity = 4) {
    this.frame = frame;
    this.boxes = new Uint8Array(capacity * BOX_STRIDE);
    this.slots = new Int32Array(capacity);
  }

  /** Adds a slot with its f64 box (longitudes already in the cell's frame). */
  push(slot: number, box: ArrayLike<number>): void {
    if (this.length === this.slots.length) this.grow();
    quantiseBox(this.frame, box, 0, false, this.boxes, this.length * BOX_STRIDE);
    this.slots[this.length++] = slot;
  }

  /** Removes the slot (moving the last entry into its place); false when absent. */
  delete(slot: number): boolean {
    const slots = this.slots;
    const last = this.length - 1;
    for (let i = last; i >= 0; i--) {
      if (slots[i] !== slot) continue;
      if (i !== last) {
        slots[i] = slots[last] as number;
        this.boxes.copyWithin(i * BOX_STRIDE, last * BOX_STRIDE, (last + 1) * BOX_STRIDE);
      }
      this.length = last;
      if (this.length * 4 < this.slots.length && this.slots.length > 16) this.shrink();
      return true;
    }
    return false;
  }

  /**
   * Writes into out (which must hold `length` slots) every slot whose box overlaps any of the
   * `count` query boxes already quantised into this list's frame (codes, 8 per box, from 0);
   * returns how many. A slot is written once per list however many boxes it meets.
   */
  scan(codes: Uint8Array, count: number, out: Int32Array): number {
    const b = this.boxes;
    const slots = this.slots;
    const n = this.length;
    // The hull of the query boxes filters first; with one box it is the whole test.
    let qS = Q, qN = 0, qW = Q, qE = 0, aLo = Q, aHi = 0, tS = Q, tE = 0;
    for (let k = 0, o = 0; k < count; k++, o += BOX_STRIDE) {
      qS = Math.min(qS, codes[o] as number);
      qN = Math.max(qN, codes[o + 1] as number);
      qW = Math.min(qW, codes[o + 2] as number);
      qE = Math.max(qE, codes[o + 3] as number);
      aLo = Math.min(aLo, codes[o + 4] as number);
      aHi = Math.max(aHi, codes[o + 5] as number);
      tS = Math.min(tS, codes[o + 6] as number);
      tE = Math.max(tE, codes[o + 7] as number);
    }
    let found = 0;
    // Branch-free per entry: most entries fail one axis or another at random, and mispredicted
    // early exits cost more than reading all 8 bytes of a cache line already loaded.
    for (let i = 0, o = 0; i < n; i++, o += BOX_STRIDE) {
      const miss =
        (+((b[o] as number) > qN) | +((b[o + 1] as number) < qS) | +((b[o + 2] as number) > qE) | +((b[o + 3] as number) < qW)) |
        (+((b[o + 6] as number) > tE) | +((b[o + 7] as number) < tS) | +((b[o + 4] as number) > aHi) | +((b[o + 5] as number) < aLo));
      if (miss !== 0) continue;
      if (count > 1 && !meetsOne(b, o, codes, count)) continue;
      out[found++] = slots[i] as number;
    }
    return found;
  }

  private grow(): void {
    this.resize(Math.max(4, Math.ceil(this.slots.length * 1.5)));
  }

  private shrink(): void {
    this.resize(Math.max(4, this.length * 2));
  }

  private resize(capacity: number): void {
    const boxes = new Uint8Array(capacity * BOX_STRIDE);
    boxes.set(this.boxes.subarray(0, this.length * BOX_STRIDE));
    const slots = new Int32Array(capacity);
    slots.set(this.slots.subarray(0, this.length));
    this.boxes = boxes;
    this.slots = slots;
  }
}

/** Does the stored box at o overlap one of the query boxes (each axis of one box)? */
function meetsOne(b: Uint8Array, o: number, codes: Uint8Array, count: number): boolean {
  for (let k = 0, p = 0; k < count; k++, p += BOX_STRIDE) {
    if ((b[o] as number) > (codes[p + 1] as number) || (b[o + 1] as number) < (codes[p] as number)) continue;
    if ((b[o + 2] as number) > (codes[p + 3] as number) || (b[o + 3] as number) < (codes[p + 2] as number)) continue;
    if ((b[o + 6] as number) > (codes[p + 7] as number) || (b[o + 7] as number) < (codes[p + 6] as number)) continue;
    if ((b[o + 4] as number) > (codes[p + 5] as number) || (b[o + 5] as number) < (codes[p + 4] as number)) continue;
    return true;
  }
  return false;
}

/**
 * Quantises the f64 box at box[at .. at + 7] into out[o .. o + 7] in the frame, rounded
 * outward; ignoreAltitude gives the whole altitude range (for query boxes).
 */
export function quantiseBox(
  f: ListFrame, box: ArrayLike<number>, at: number, ignoreAltitude: boolean, out: Uint8Array, o: number,
): void {
  out[o] = down(((box[at] as number) - f.south) / f.latSpan * Q);
  out[o + 1] = up(((box[at + 1] as number) - f.south) / f.latSpan * Q);
  out[o + 2] = down(((box[at + 2] as number) - f.west) / f.lngSpan * Q);
  out[o + 3] = up(((box[at + 3] as number) - f.west) / f.lngSpan * Q);
  if (ignoreAltitude) {
    out[o + 4] = 0;
    out[o + 5] = Q;
  } else {
    out[o + 4] = down(altitudeScale(box[at + 4] as number));
    out[o + 5] = up(altitudeScale(box[at + 5] as number));
  }
  if (f.timeSpan === Infinity) {
    out[o + 6] = 0;
    out[o + 7] = Q;
  } else {
    out[o + 6] = down(((box[at + 6] as number) - f.start) / f.timeSpan * Q);
    out[o + 7] = up(((box[at + 7] as number) - f.start) / f.timeSpan * Q);
  }
}

/** Altitude (m) on the code scale, 0 .. Q: piecewise linear between knots, so monotone. */
export function altitudeScale(altM: number): number {
  if (!(altM > ALT_KNOTS_M[0])) return altM === altM ? 0 : NaN;
  for (let i = 1; i < ALT_KNOTS_M.length; i++) {
    const hi = ALT_KNOTS_M[i] as number;
    if (altM <= hi) {
      const lo = ALT_KNOTS_M[i - 1] as number;
      const cLo = ALT_KNOT_CODES[i - 1] as number;
      return cLo + ((altM - lo) * ((ALT_KNOT_CODES[i] as number) - cLo)) / (hi - lo);
    }
  }
  return Q;
}

// Positions on the code scale, rounded outward (with a margin for the float arithmetic), clamped.
// NaN (which validated volumes never carry) maps to the whole range.
function down(x: number): number {
  if (!(x > MARGIN)) return 0;
  return x >= Q ? Q : Math.floor(x - MARGIN);
}

function up(x: number): number {
  if (!(x < Q - MARGIN)) return Q;
  return x <= 0 ? 0 : Math.ceil(x + MARGIN);
}
