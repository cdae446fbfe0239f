/**
 * The volumes registered in one cell list, packed: per volume a 4D box quantised to 16 bits
 * within the list's frame (its cell's latitude and longitude range, its time bucket, the
 * altitude range of F3548), rounded outward so that it never shrinks, and the volume's slot.
 * A query box is quantised the same way, so the integer comparison is conservative; the exact
 * test decides afterwards. Scanning a list reads 16 bytes per volume, in order.
 */
export const BOX_STRIDE = 8;
// Box layout (both f64 input and u16 storage): south, north, west, east, alt lower, alt upper, start, end.

const Q = 65535;
const ALT_MIN_M = -8000;
const ALT_SPAN_M = 108_000;

/** The part of space-time a list's 16-bit coordinates span; a span of Infinity disables that axis. */
export interface ListFrame {
  readonly south: number;
  readonly latSpan: number;
  readonly west: number;
  readonly lngSpan: number;
  readonly start: number;
  readonly timeSpan: number;
}

/** Return true to stop the scan. */
export type SlotVisitor = (slot: number) => boolean;

export class CellList {
  readonly frame: ListFrame;
  boxes: Uint16Array;
  slots: Int32Array;
  length = 0;

  constructor(frame: ListFrame, capacity = 4) {
    this.frame = frame;
    this.boxes = new Uint16Array(capacity * BOX_STRIDE);
    this.slots = new Int32Array(capacity);
  }

  /** Adds a slot with its f64 box (longitudes already in the cell's frame). */
  push(slot: number, box: ArrayLike<number>): void {
    if (this.length === this.slots.length) this.grow();
    quantise(this.frame, box, this.boxes, this.length * BOX_STRIDE);
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
      return true;
    }
    return false;
  }

  /** Visits every slot whose box overlaps q (f64, longitudes in the cell's frame); true when stopped. */
  scan(q: ArrayLike<number>, ignoreAltitude: boolean, scratch: Uint16Array, visit: SlotVisitor): boolean {
    quantise(this.frame, q, scratch, 0);
    const qS = scratch[0] as number, qN = scratch[1] as number, qW = scratch[2] as number, qE = scratch[3] as number;
    const aLo = ignoreAltitude ? 0 : (scratch[4] as number);
    const aHi = ignoreAltitude ? Q : (scratch[5] as number);
    const tS = scratch[6] as number, tE = scratch[7] as number;
    const b = this.boxes;
    const slots = this.slots;
    const n = this.length;
    for (let i = 0, o = 0; i < n; i++, o += BOX_STRIDE) {
      if ((b[o] as number) > qN || (b[o + 1] as number) < qS) continue;
      if ((b[o + 2] as number) > qE || (b[o + 3] as number) < qW) continue;
      if ((b[o + 6] as number) > tE || (b[o + 7] as number) < tS) continue;
      if ((b[o + 4] as number) > aHi || (b[o + 5] as number) < aLo) continue;
      if (visit(slots[i] as number)) return true;
    }
    return false;
  }

  private grow(): void {
    const capacity = Math.max(4, Math.ceil(this.slots.length * 1.5));
    const boxes = new Uint16Array(capacity * BOX_STRIDE);
    boxes.set(this.boxes);
    const slots = new Int32Array(capacity);
    slots.set(this.slots);
    this.boxes = boxes;
    this.slots = slots;
  }
}

function quantise(f: ListFrame, box: ArrayLike<number>, out: Uint16Array, o: number): void {
  out[o] = down(((box[0] as number) - f.south) / f.latSpan);
  out[o + 1] = up(((box[1] as number) - f.south) / f.latSpan);
  out[o + 2] = down(((box[2] as number) - f.west) / f.lngSpan);
  out[o + 3] = up(((box[3] as number) - f.west) / f.lngSpan);
  out[o + 4] = down(((box[4] as number) - ALT_MIN_M) / ALT_SPAN_M);
  out[o + 5] = up(((box[5] as number) - ALT_MIN_M) / ALT_SPAN_M);
  if (f.timeSpan === Infinity) {
    out[o + 6] = 0;
    out[o + 7] = Q;
  } else {
    out[o + 6] = down(((box[6] as number) - f.start) / f.timeSpan);
    out[o + 7] = up(((box[7] as number) - f.start) / f.timeSpan);
  }
}

// Fractions of the frame, rounded outward (with a margin for the rounding of the division), clamped.
function down(x: number): number {
  if (!(x > 0)) return 0;
  return x >= 1 ? Q : Math.max(0, Math.floor(x * Q - 1e-6));
}

function up(x: number): number {
  if (!(x < 1)) return Q;
  return x <= 0 ? 0 : Math.min(Q, Math.ceil(x * Q + 1e-6));
}
