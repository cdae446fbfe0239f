/**
 * The volumes registered in one cell, packed: a 4D box per volume (f32, rounded outward so
 * it never shrinks) and the volume's slot. Scanning a list reads memory in order.
 */
export const BOX_STRIDE = 8;
// Box layout: south, north, west, east, altitude lower, altitude upper, start, end.

export class CellList {
  boxes: Float32Array;
  slots: Int32Array;
  length = 0;

  constructor(capacity = 4) {
    this.boxes = new Float32Array(capacity * BOX_STRIDE);
    this.slots = new Int32Array(capacity);
  }

  push(slot: number, box: ArrayLike<number>): void {
    if (this.length === this.slots.length) this.grow();
    const o = this.length * BOX_STRIDE;
    const b = this.boxes;
    b[o] = roundDown(box[0] as number);
    b[o + 1] = roundUp(box[1] as number);
    b[o + 2] = roundDown(box[2] as number);
    b[o + 3] = roundUp(box[3] as number);
    b[o + 4] = roundDown(box[4] as number);
    b[o + 5] = roundUp(box[5] as number);
    b[o + 6] = roundDown(box[6] as number);
    b[o + 7] = roundUp(box[7] as number);
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

  private grow(): void {
    const capacity = Math.max(4, Math.ceil(this.slots.length * 1.5));
    const boxes = new Float32Array(capacity * BOX_STRIDE);
    boxes.set(this.boxes);
    const slots = new Int32Array(capacity);
    slots.set(this.slots);
    this.boxes = boxes;
    this.slots = slots;
  }
}

/** Largest f32 value <= x. */
export function roundDown(x: number): number {
  const f = Math.fround(x);
  return f <= x ? f : Math.fround(x - Math.abs(x) * 2.4e-7 - 1e-38);
}

/** Smallest f32 value >= x. */
export function roundUp(x: number): number {
  const f = Math.fround(x);
  return f >= x ? f : Math.fround(x + Math.abs(x) * 2.4e-7 + 1e-38);
}
