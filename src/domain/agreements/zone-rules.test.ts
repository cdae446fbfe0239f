import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Volume4D } from '../geo/volume-4d.js';
import { bindsParty, boundVolumes, violates, type Zone } from './zone-rules.js';

const circle = (lat: number, radiusM: number, startMs = -Infinity, endMs = Infinity): Volume4D => ({
  footprint: { kind: 'circle', center: { lat, lng: 6.6 }, radiusM },
  altitudeLowerM: 0,
  altitudeUpperM: 500,
  startMs,
  endMs,
});
const zone = (kind: Zone['kind'], appliesTo: string[]): Zone => ({
  agreementId: 'z', version: 1, kind, title: 't', volumes: [circle(46.5, 1000)], appliesTo, effective: { fromMs: 1000, toMs: 2000 },
});

describe('zone rules', () => {
  it('protected binds everyone, restricted the named, designated all but the named', () => {
    assert.ok(['a', 'b'].every((p) => bindsParty(zone('protected_zone', []), p)));
    assert.deepEqual(['a', 'b'].map((p) => bindsParty(zone('restricted_zone', ['a']), p)), [true, false]);
    assert.deepEqual(['a', 'b'].map((p) => bindsParty(zone('designated_zone', ['a']), p)), [false, true]);
  });

  it('a zone without its own times binds for its effective window only', () => {
    assert.deepEqual(boundVolumes(zone('protected_zone', [])).map((v) => [v.startMs, v.endMs]), [[1000, 2000]]);
    const z = zone('protected_zone', []);
    assert.equal(violates(z, 'a', [circle(46.5, 10, 0, 999)]), false, 'before');
    assert.equal(violates(z, 'a', [circle(46.5, 10, 0, 1000)]), true, 'touching the start');
    assert.equal(violates(z, 'a', [circle(46.5, 10, 2001, 3000)]), false, 'after');
    assert.equal(violates(z, 'a', [circle(46.6, 10, 1500, 1600)]), false, 'elsewhere');
    assert.equal(violates({ ...z, volumes: [circle(46.5, 1000, 5000, 6000)] }, 'a', [circle(46.5, 10, 1000, 9000)]), false, 'volume outside the window binds nothing');
  });
});
