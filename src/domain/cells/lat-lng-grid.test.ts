import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatLngGrid } from './lat-lng-grid.js';

function cells(grid: LatLngGrid, s: number, n: number, w: number, e: number): [number, number][] {
  const out: [number, number][] = [];
  grid.forEachCell(s, n, w, e, (id, shift) => out.push([id, shift]));
  return out;
}

test('LatLngGrid has one cell in each polar row and about square cells elsewhere', () => {
  const grid = new LatLngGrid(0.2);
  assert.equal(grid.rowCount, 900);
  assert.equal(grid.cols[0], 1);
  assert.equal(grid.cols[899], 1);
  assert.equal(grid.cols[450], 1799); // just north of the equator: cos(0.2°) · 1800, rounded down
});

// col 0 (-180) ... col last (+180)    a box from 179.9 to 180.1 visits the last column,
// then column 0 with a 360° shift, so its longitudes can be compared in each cell's frame
test('LatLngGrid.forEachCell() wraps across the antimeridian and reports the shift', () => {
  const grid = new LatLngGrid(0.2);
  const visited = cells(grid, 0.05, 0.06, 179.9, 180.1);
  const row = grid.rowOf(0.05);
  const base = grid.rowStart[row] as number;
  const cols = grid.cols[row] as number;
  assert.deepEqual(visited, [[base + cols - 1, 0], [base, 360]]);
  assert.equal(grid.countCells(0.05, 0.06, 179.9, 180.1), 2);
});

test('LatLngGrid.forEachCell() visits every column of a row for a box of all longitudes', () => {
  const grid = new LatLngGrid(0.2);
  const visited = cells(grid, 89.7, 90, -180, 180);
  assert.equal(grid.rowOf(89.7), 898);
  assert.equal(visited.length, (grid.cols[898] as number) + (grid.cols[899] as number));
  assert.ok(visited.every(([, shift]) => Number.isNaN(shift)));
});
