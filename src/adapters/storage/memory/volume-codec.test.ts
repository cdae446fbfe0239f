import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Volume4D } from '../../../domain/geo/volume-4d.js';
import { decodeVolumes, encodeVolumes } from './volume-codec.js';

const polygon: Volume4D = {
  footprint: { kind: 'polygon', vertices: [{ lat: 1.5, lng: -2.25 }, { lat: 1.5000000000000002, lng: 3 }, { lat: -89.9, lng: 179.99 }] },
  altitudeLowerM: -Infinity,
  altitudeUpperM: 1e-300,
  startMs: 1_893_456_000_000.5,
  endMs: Infinity,
};
const circle: Volume4D = {
  footprint: { kind: 'circle', center: { lat: 0.1, lng: 0.2 }, radiusM: 0.3 },
  altitudeLowerM: 10,
  altitudeUpperM: 20,
  startMs: -Infinity,
  endMs: 5,
};

describe('volume codec', () => {
  it('decodeVolumes(encodeVolumes(v)) returns every double exactly, ±Infinity included', () => {
    for (const volumes of [[], [polygon], [circle, polygon, circle]]) {
      assert.deepEqual(decodeVolumes(encodeVolumes(volumes), 'test'), volumes);
    }
  });

  it('decodeVolumes() reads a BLOB that is not 8-byte aligned', () => {
    const blob = encodeVolumes([polygon]);
    const shifted = new Uint8Array(blob.byteLength + 1).subarray(1);
    shifted.set(blob);
    assert.deepEqual(decodeVolumes(shifted, 'test'), [polygon]);
  });

  it('decodeVolumes() names the owner when a BLOB is corrupt', () => {
    const blob = encodeVolumes([polygon]);
    assert.throws(() => decodeVolumes(blob.subarray(0, 40), 'intent x'), /intent x: truncated/);
    assert.throws(() => decodeVolumes(blob.subarray(0, 13), 'intent x'), /not a multiple of 8/);
    assert.throws(() => decodeVolumes(new Uint8Array(16), 'intent y'), /intent y: unknown format/);
  });
});
