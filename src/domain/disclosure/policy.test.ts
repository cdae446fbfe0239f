import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { EARTH_RADIUS_M, angleBetween, unitVector } from '../geo/sphere.js';
import type { Volume4D } from '../geo/volume-4d.js';
import { boundingVolume } from './coarsen.js';
import { disclose } from './disclose.js';
import { DENY_ALL, PolicyError, audienceFor, parsePolicy } from './policy.js';

const EXAMPLE = {
  version: 1,
  default: { bases: ['intent', 'subscription'], fields: { volumes: 'always', callsign: { when: [{ requester_priority_at_least: 3 }, { within_km: 10 }] }, mission: 'never' } },
  peers: {
    red: { bases: ['intent', 'subscription', 'declaration'], fields: { volumes: 'always', callsign: 'always', contact: 'always' }, coarsen_volumes: true },
    green: { fields: {} },
  },
};

const volume = (lat: number, lng: number, over: Partial<Volume4D> = {}): Volume4D => ({
  footprint: { kind: 'polygon', vertices: [{ lat, lng }, { lat, lng: lng + 0.01 }, { lat: lat + 0.01, lng: lng + 0.01 }] },
  altitudeLowerM: 12, altitudeUpperM: 118, startMs: 1_000_123, endMs: 3_600_456, ...over,
});
const operation = {
  volumes: [volume(46.5, 6.6), volume(46.52, 6.61)],
  details: { callsign: 'BLUE-7 sentinel', mission: 'survey sentinel', contact: '+41 sentinel', aircraft_type: 'quad' },
};

describe('parsePolicy()', () => {
  it('reads a valid policy; bases default to all three; unnamed peers fall back to the default', () => {
    const policy = parsePolicy(EXAMPLE);
    assert.deepEqual(policy.default.bases, ['intent', 'subscription']);
    assert.deepEqual(policy.peers['green']?.bases, ['intent', 'subscription', 'declaration']);
    assert.equal(policy.peers['red']?.coarsenVolumes, true);
    assert.deepEqual(parsePolicy({ version: 1 }), { default: DENY_ALL.default, peers: {} });
  });

  it('lists every problem at once, each with its path and rule', () => {
    const bad = {
      version: 2,
      colour: 'blue',
      default: { bases: ['hunch'], fields: { Callsign: 'always', mission: 'sometimes', contact: { when: [] }, notes: { when: [{ priority: 3 }] } } },
      peers: { 'red team': { fields: { callsign: { when: [{ within_km: -1 }, { requester_priority_at_least: 1.5 }] } }, coarsen_volumes: 'yes' } },
    };
    let error: unknown;
    try {
      parsePolicy(bad);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof PolicyError);
    const expected = [
      /\$: unknown key "colour"/,
      /\$\.version: must be 1/,
      /\$\.default\.bases\[0\]: must be one of intent, subscription, declaration/,
      /\$\.default\.fields\["Callsign"\]: a field name is lower-case/,
      /\$\.default\.fields\.mission: must be "always", "never" or/,
      /\$\.default\.fields\.contact\.when: must hold 1 to 8 conditions/,
      /\$\.default\.fields\.notes\.when\[0\]: unknown condition "priority"/,
      /\$\.peers\["red team"\]: a party id is/,
      /\.fields\.callsign\.when\[0\]\.within_km: must be a number of km/,
      /\.fields\.callsign\.when\[1\]\.requester_priority_at_least: must be a whole number/,
      /\.coarsen_volumes: must be true or false/,
    ];
    for (const pattern of expected) assert.ok(error.problems.some((p) => pattern.test(p)), `${pattern} in\n${error.message}`);
    assert.equal(error.problems.length, expected.length, error.message);
    assert.throws(() => parsePolicy([]), /\$: must be an object/);
    assert.throws(() => parsePolicy(null), PolicyError);
  });
});

describe('disclose()', () => {
  const policy = parsePolicy(EXAMPLE);

  it('answers exactly the fields the policy allows this peer, and nothing unnamed', () => {
    const red = disclose(policy, operation, { peer: 'red', basis: 'declaration' });
    assert.ok(red.allowed);
    assert.deepEqual(red.disclosed, ['volumes', 'callsign', 'contact']);
    assert.deepEqual(Object.keys(red.fields), ['volumes', 'callsign', 'contact']);
    assert.equal(red.coarsened, true);
    assert.equal((red.fields['volumes'] as Volume4D[]).length, 1);

    const blue = disclose(policy, operation, { peer: 'blue', basis: 'intent' });
    assert.ok(blue.allowed);
    assert.deepEqual(blue.disclosed, ['volumes'], 'callsign only under a condition; mission never; aircraft_type unnamed');
    assert.deepEqual(blue.fields['volumes'], operation.volumes, 'not coarsened by default');

    const green = disclose(policy, operation, { peer: 'green', basis: 'intent' });
    assert.ok(green.allowed);
    assert.deepEqual(green.fields, {}, 'a peer with an empty field list gets nothing');
    assert.ok(!JSON.stringify(green).includes('sentinel'));
  });

  it('a condition holds only when the agent can establish it', () => {
    const ask = (ctx: { requesterPriority?: number; distanceKm?: number }) => {
      const d = disclose(policy, operation, { peer: 'blue', basis: 'intent', ...ctx });
      return d.allowed ? d.disclosed : 'refused';
    };
    assert.deepEqual(ask({}), ['volumes']);
    assert.deepEqual(ask({ requesterPriority: 2 }), ['volumes']);
    assert.deepEqual(ask({ requesterPriority: 3 }), ['volumes', 'callsign']);
    assert.deepEqual(ask({ distanceKm: 10 }), ['volumes', 'callsign']);
    assert.deepEqual(ask({ distanceKm: 10.01 }), ['volumes']);
  });

  it('refuses a basis the policy does not accept, and the deny-all policy shares nothing', () => {
    assert.deepEqual(disclose(policy, operation, { peer: 'blue', basis: 'declaration' }), { allowed: false, reason: 'basis_not_accepted' });
    assert.deepEqual(disclose(DENY_ALL, operation, { peer: 'red', basis: 'intent' }), { allowed: false, reason: 'basis_not_accepted' });
  });
});

describe('boundingVolume()', () => {
  it('contains every vertex, circle, altitude and instant of the volumes it replaces', () => {
    const point = fc.record({ lat: fc.double({ min: -60, max: 60, noNaN: true }), lng: fc.double({ min: -179, max: 179, noNaN: true }) });
    fc.assert(
      fc.property(point, fc.array(fc.tuple(fc.double({ min: -0.3, max: 0.3, noNaN: true }), fc.double({ min: -0.3, max: 0.3, noNaN: true }), fc.double({ min: 0, max: 5000, noNaN: true })), { minLength: 1, maxLength: 8 }), (origin, offsets) => {
        const volumes: Volume4D[] = offsets.map(([dLat, dLng, r], i) => ({
          footprint: i % 2 === 0
            ? { kind: 'circle', center: { lat: origin.lat + dLat, lng: origin.lng + dLng }, radiusM: r + 1 }
            : { kind: 'polygon', vertices: [{ lat: origin.lat + dLat, lng: origin.lng + dLng }, { lat: origin.lat, lng: origin.lng }, { lat: origin.lat + dLat / 2, lng: origin.lng - dLng }] },
          altitudeLowerM: -r / 10, altitudeUpperM: r, startMs: 1000 * i + 7, endMs: 100_000 + 1000 * i,
        }));
        const b = boundingVolume(volumes);
        assert.equal(b.footprint.kind, 'circle');
        if (b.footprint.kind !== 'circle') return;
        const c = unitVector(b.footprint.center.lat, b.footprint.center.lng);
        for (const v of volumes) {
          const f = v.footprint;
          const pts = f.kind === 'circle' ? [{ p: f.center, r: f.radiusM }] : f.vertices.map((p) => ({ p, r: 0 }));
          for (const { p, r } of pts) {
            const u = unitVector(p.lat, p.lng);
            assert.ok(angleBetween(c.x, c.y, c.z, u.x, u.y, u.z) * EARTH_RADIUS_M + r <= b.footprint.radiusM);
          }
          assert.ok(b.altitudeLowerM <= v.altitudeLowerM && b.altitudeUpperM >= v.altitudeUpperM);
          assert.ok(b.startMs <= v.startMs && b.endMs >= v.endMs);
        }
        assert.equal(b.footprint.radiusM % 1000, 0);
        assert.equal(b.startMs % 60_000, 0);
      }),
      { numRuns: 500 },
    );
  });
});

describe('a peer named like an Object member', () => {
  it('"__proto__" and "constructor" are peers with their own rules, not the prototype', () => {
    const policy = parsePolicy(
      JSON.parse('{"version":1,"default":{"fields":{}},"peers":{"__proto__":{"fields":{"callsign":"always"}},"constructor":{"fields":{"contact":"always"}}}}'),
    );
    assert.deepEqual(Object.keys(policy.peers).sort(), ['__proto__', 'constructor']);
    assert.deepEqual(Object.keys(audienceFor(policy, '__proto__').fields), ['callsign']);
    assert.deepEqual(Object.keys(audienceFor(policy, 'constructor').fields), ['contact']);
    assert.deepEqual(Object.keys(audienceFor(policy, 'toString').fields), []);
  });
});
