import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { segmentsWithin, segmentsWithinAt } from './planar.js';

// Small integer grids make touching, collinear and overlapping segments common.
const coord = fc.oneof(fc.integer({ min: -4, max: 4 }), fc.double({ min: -4, max: 4, noNaN: true }));
const point = fc.tuple(coord, coord);

test('segmentsWithinAt() answers as segmentsWithin() on the same vertices', () => {
  fc.assert(
    fc.property(point, point, point, point, fc.constantFrom(0, 1e-9, 0.5), ([ax, ay], [bx, by], [cx, cy], [dx, dy], eps) => {
      const xs = Float64Array.of(9, ax, bx), ys = Float64Array.of(9, ay, by);
      const px = Float64Array.of(dx, cx), py = Float64Array.of(dy, cy);
      assert.equal(segmentsWithinAt(xs, ys, 1, 2, px, py, 1, 0, eps), segmentsWithin(ax, ay, bx, by, cx, cy, dx, dy, eps));
    }),
    { numRuns: 20_000 },
  );
});

test('segmentsWithin() finds crossing, touching and near segments and only those', () => {
  assert.equal(segmentsWithin(0, 0, 2, 2, 0, 2, 2, 0, 0), true); // crossing
  assert.equal(segmentsWithin(0, 0, 1, 0, 1, 0, 2, 1, 0), true); // sharing an end point
  assert.equal(segmentsWithin(0, 0, 2, 0, 1, 0, 3, 0, 0), true); // collinear, overlapping
  assert.equal(segmentsWithin(0, 0, 1, 0, 0, 0.4, 1, 0.4, 0.5), true); // parallel, within eps
  assert.equal(segmentsWithin(0, 0, 1, 0, 0, 0.6, 1, 0.6, 0.5), false); // parallel, beyond eps
  assert.equal(segmentsWithin(0, 0, 1, 0, 2, -1, 2, 1, 0), false); // apart
});
