import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CellList, type ListFrame } from './cell-list.js';

const FRAME: ListFrame = { south: 35, latSpan: 0.2, west: 38, lngSpan: 0.25, start: 0, timeSpan: 7_200_000 };

function found(list: CellList, q: number[]): number[] {
  const out: number[] = [];
  list.scan(q, false, new Uint16Array(8), (slot) => { out.push(slot); return false; });
  return out;
}

// |--- stored ---|           boxes that touch at a single value still meet after
//                |-- query --|  16-bit quantisation (rounded outward); a gap of a few quanta does not
test('CellList.scan() keeps touching boxes and drops clearly separate ones', () => {
  const list = new CellList(FRAME);
  list.push(7, [35.05, 35.1, 38.05, 38.1, 0, 100, 1000, 2000]);
  assert.deepEqual(found(list, [35.1, 35.15, 38.1, 38.2, 100, 200, 2000, 3000]), [7]);
  assert.deepEqual(found(list, [35.1002, 35.15, 38.05, 38.1, 0, 100, 1000, 2000]), []);
  assert.deepEqual(found(list, [35.05, 35.1, 38.05, 38.1, 105, 200, 1000, 2000]), []);
  assert.deepEqual(found(list, [35.05, 35.1, 38.05, 38.1, 0, 100, 2300, 3000]), []);
});

test('CellList clamps boxes larger than its frame and unbounded sides to the frame', () => {
  const list = new CellList(FRAME);
  list.push(1, [30, 40, -Infinity, Infinity, -Infinity, Infinity, -Infinity, Infinity]);
  assert.deepEqual(found(list, [35.19, 35.2, 38.24, 38.25, 99_000, 99_500, 7_100_000, 7_200_000]), [1]);
  assert.equal(list.delete(1), true);
  assert.equal(list.delete(1), false);
  assert.deepEqual(found(list, [35, 35.2, 38, 38.25, 0, 1, 0, 1]), []);
});
