import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EARTH_RADIUS_M, RAD } from '../geo/sphere.js';
import type { Volume4D } from '../geo/volume-4d.js';
import { basisKm, boundingCentre, greatCircleM } from './basis-distance.js';

const KM_PER_DEG = (EARTH_RADIUS_M * RAD) / 1000;

function circle(lat: number, lng: number, radiusM: number): Volume4D {
  return { footprint: { kind: 'circle', center: { lat, lng }, radiusM }, altitudeLowerM: 0, altitudeUpperM: 120, startMs: 0, endMs: 60_000 };
}

describe('basis distance', () => {
  it('greatCircleM() is the arc length along a meridian, and 0 for the same point', () => {
    assert.ok(Math.abs(greatCircleM({ lat: 46.5, lng: 6.6 }, { lat: 47.5, lng: 6.6 }) - EARTH_RADIUS_M * RAD) < 1e-3);
    assert.equal(greatCircleM({ lat: 46.5, lng: 6.6 }, { lat: 46.5, lng: 6.6 }), 0);
    // Antipodes: half the circumference, not NaN (haversine loses a few decimetres there, far below 0.1 km).
    assert.ok(Math.abs(greatCircleM({ lat: 10, lng: 20 }, { lat: -10, lng: -160 }) - Math.PI * EARTH_RADIUS_M) < 1);
  });

  it('basisKm() rounds to 0.1 km', () => {
    //  a ●───── 10.04 km ─────● b   →  10.0
    const a = { lat: 46.5, lng: 6.6 };
    assert.equal(basisKm(a, { lat: 46.5 + 10.04 / KM_PER_DEG, lng: 6.6 }), 10);
    assert.equal(basisKm(a, { lat: 46.5 + 10.06 / KM_PER_DEG, lng: 6.6 }), 10.1);
    assert.equal(basisKm(a, a), 0);
  });

  it('boundingCentre() is the centre of a lone circle, and between two equal circles', () => {
    //  ○ (46.4)      ● (46.5)      ○ (46.6)
    const lone = boundingCentre([circle(46.5, 6.6, 500)]);
    assert.ok(Math.abs(lone.lat - 46.5) < 1e-9 && Math.abs(lone.lng - 6.6) < 1e-9);
    const pair = boundingCentre([circle(46.4, 6.6, 500), circle(46.6, 6.6, 500)]);
    assert.ok(basisKm(pair, { lat: 46.5, lng: 6.6 }) < 0.1, JSON.stringify(pair));
  });
});
