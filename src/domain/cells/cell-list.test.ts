import { test } from 'node:test';
import assert from 'node:assert/strict';
import { altitudeScale, BOX_STRIDE, CellList, quantiseBox, type ListFrame } from './cell-list.js';

const FRAME: ListFrame = { south: 35, latSpan: 0.2, west: 38, lngSpan: 0.25, start: 0, timeSpan: 7_200_000 };

function found(list: CellList, ...queries: number[][]): number[] {
  const codes = new Uint8Array(queries.length * BOX_STRIDE);
  queries.forEach((q, k) => quantiseBox(list.frame, q, 0, false, codes, k * BOX_STRIDE));
  const out = new Int32Array(list.length);
  return [...out.subarray(0, list.scan(codes, queries.length, out))];
}

// |--- stored ---|           boxes that touch at a single value still meet after
//                |-- query --|  8-bit quantisation (rounded outward); a gap of a few quanta does not
test('CellList.scan() keeps touching boxes and drops clearly separate ones', () => {
  const list = new CellList(FRAME);
  list.push(7, [35.05, 35.1, 38.05, 38.1, 0, 100, 1000, 2000]);
  assert.deepEqual(found(list, [35.1, 35.15, 38.1, 38.2, 100, 200, 2000, 3000]), [7]);
  assert.deepEqual(found(list, [35.11, 35.15, 38.05, 38.1, 0, 100, 1000, 2000]), []);
  assert.deepEqual(found(list, [35.05, 35.1, 38.05, 38.1, 150, 200, 1000, 2000]), []);
  assert.deepEqual(found(list, [35.05, 35.1, 38.05, 38.1, 0, 100, 2000 + 7_200_000 / 64, 7_200_000]), []);
});

test('CellList clamps boxes larger than its frame and unbounded sides to the frame', () => {
  const list = new CellList(FRAME);
  list.push(1, [30, 40, -Infinity, Infinity, -Infinity, Infinity, -Infinity, Infinity]);
  assert.deepEqual(found(list, [35.19, 35.2, 38.24, 38.25, 99_000, 99_500, 7_100_000, 7_200_000]), [1]);
  assert.equal(list.delete(1), true);
  assert.equal(list.delete(1), false);
  assert.deepEqual(found(list, [35, 35.2, 38, 38.25, 0, 1, 0, 1]), []);
});

//   q1 |--|        |--| q2     the hull of two query boxes covers the stored box,
//           |----|             but neither box does: not found; one box meeting it is enough
test('CellList.scan() with several query boxes finds a slot when one box meets it, once', () => {
  const list = new CellList(FRAME);
  list.push(3, [35.09, 35.11, 38.09, 38.11, 0, 100, 0, 1000]);
  const q1 = [35.01, 35.02, 38.01, 38.02, 0, 100, 0, 1000];
  const q2 = [35.18, 35.19, 38.2, 38.21, 0, 100, 0, 1000];
  assert.deepEqual(found(list, q1, q2), []);
  assert.deepEqual(found(list, q1, [35.1, 35.1, 38.1, 38.1, 50, 50, 500, 500], q2), [3]);
  assert.deepEqual(found(list, [35.1, 35.1, 38.1, 38.1, 50, 50, 500, 500], [35.1, 35.1, 38.1, 38.1, 50, 50, 500, 500]), [3]);
});

test('altitudeScale() is monotone over the F3548 range and beyond', () => {
  let last = -1;
  for (let alt = -9000; alt <= 110_000; alt += 7.3) {
    const x = altitudeScale(alt);
    assert.ok(x >= last, `scale drops at ${alt} m`);
    last = x;
  }
  assert.equal(altitudeScale(-Infinity), 0);
  assert.equal(altitudeScale(Infinity), 255);
});
