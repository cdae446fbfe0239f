import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { EARTH_RADIUS_M, angleBetween, unitVector } from '../geo/sphere.js';
import type { Volume4D } from '../geo/volume-4d.js';
import { OFF_NOMINAL_VOLUMES_FIELD, VOLUMES_FIELD, VOLUME_FIELDS, disclose } from './disclose.js';
import { parsePolicy, type DisclosurePolicy } from './policy.js';

/** A triangle with its corner at (lat, lng), about 1 km a side. */
const triangle = (lat: number, lng: number, over: Partial<Volume4D> = {}): Volume4D => ({
  footprint: { kind: 'polygon', vertices: [{ lat, lng }, { lat, lng: lng + 0.01 }, { lat: lat + 0.01, lng: lng + 0.01 }] },
  altitudeLowerM: 12, altitudeUpperM: 118, startMs: 1_000_123, endMs: 3_600_456, ...over,
});

//   nominal: two triangles near 46.50 N 6.60 E      off-nominal: a triangle and a circle ~10 km north
const NOMINAL = [triangle(46.5, 6.6), triangle(46.52, 6.61)];
const OFF_NOMINAL: Volume4D[] = [
  triangle(46.6123, 6.6123, { altitudeUpperM: 300, endMs: 7_200_789 }),
  { footprint: { kind: 'circle', center: { lat: 46.6321, lng: 6.6321 }, radiusM: 750 }, altitudeLowerM: 0, altitudeUpperM: 150, startMs: 900_000, endMs: 7_000_000 },
];
const operation = (details: Record<string, unknown>, volumes: readonly Volume4D[] = NOMINAL) => ({
  volumes,
  details: { priority: 3, off_nominal_volumes: OFF_NOMINAL, callsign: 'BLUE-7', ...details },
});

const policyWith = (fields: Record<string, unknown>, coarsen = false) =>
  parsePolicy({ version: 1, default: { bases: ['intent'], fields, coarsen_volumes: coarsen } });

const answer = (policy: DisclosurePolicy, op: Parameters<typeof disclose>[1], ctx: { distanceKm?: number } = {}) => {
  const d = disclose(policy, op, { peer: 'red', basis: 'intent', ...ctx });
  assert.ok(d.allowed);
  return d;
};

/** The bounding volume's circle, altitude band and window hold every vertex, circle, altitude and instant of `volumes`. */
function assertBounds(bound: Volume4D, volumes: readonly Volume4D[]): void {
  assert.equal(bound.footprint.kind, 'circle');
  if (bound.footprint.kind !== 'circle') return;
  const c = unitVector(bound.footprint.center.lat, bound.footprint.center.lng);
  for (const v of volumes) {
    const f = v.footprint;
    const pts = f.kind === 'circle' ? [{ p: f.center, r: f.radiusM }] : f.vertices.map((p) => ({ p, r: 0 }));
    for (const { p, r } of pts) {
      const u = unitVector(p.lat, p.lng);
      assert.ok(angleBetween(c.x, c.y, c.z, u.x, u.y, u.z) * EARTH_RADIUS_M + r <= bound.footprint.radiusM);
    }
    assert.ok(bound.altitudeLowerM <= v.altitudeLowerM && bound.altitudeUpperM >= v.altitudeUpperM);
    assert.ok(bound.startMs <= v.startMs && bound.endMs >= v.endMs);
  }
}

describe('disclose() volume fields', () => {
  it('VOLUME_FIELDS names volumes and off_nominal_volumes', () => {
    assert.deepEqual([...VOLUME_FIELDS].sort(), [OFF_NOMINAL_VOLUMES_FIELD, VOLUMES_FIELD]);
    assert.deepEqual([...VOLUME_FIELDS].sort(), ['off_nominal_volumes', 'volumes']);
  });

  it('discloses off_nominal_volumes only when its own rule permits', () => {
    const op = operation({});
    const unnamed = answer(policyWith({ volumes: 'always' }), op);
    assert.deepEqual(unnamed.disclosed, ['volumes']);
    assert.ok(!JSON.stringify(unnamed).includes('46.6123'), 'no off-nominal coordinate leaks');
    assert.deepEqual(answer(policyWith({ volumes: 'always', off_nominal_volumes: 'never' }), op).disclosed, ['volumes']);

    const always = answer(policyWith({ off_nominal_volumes: 'always' }), op);
    assert.deepEqual(always.disclosed, ['off_nominal_volumes'], 'independent of the rule for volumes');
    assert.deepEqual(always.fields, { off_nominal_volumes: OFF_NOMINAL });
    assert.equal(always.coarsened, false);

    const near = policyWith({ volumes: 'always', off_nominal_volumes: { when: [{ within_km: 5 }] } });
    assert.deepEqual(answer(near, op).disclosed, ['volumes'], 'distance unknown: not met');
    assert.deepEqual(answer(near, op, { distanceKm: 6 }).disclosed, ['volumes']);
    assert.deepEqual(answer(near, op, { distanceKm: 5 }).disclosed, ['volumes', 'off_nominal_volumes']);
  });

  it('under coarsen_volumes, answers each volume field as one bounding volume of its own', () => {
    const d = answer(policyWith({ volumes: 'always', off_nominal_volumes: 'always' }, true), operation({}));
    assert.equal(d.coarsened, true);
    const volumes = d.fields['volumes'] as Volume4D[];
    const offNominal = d.fields['off_nominal_volumes'] as Volume4D[];
    assert.equal(volumes.length, 1);
    assert.equal(offNominal.length, 1);
    assertBounds(volumes[0]!, NOMINAL);
    assertBounds(offNominal[0]!, OFF_NOMINAL);
    assert.notDeepEqual(volumes[0], offNominal[0], 'not one bound over both: the off-nominal area is not revealed by the nominal one');
    assert.ok(!JSON.stringify(d).includes('46.6123'), 'no original vertex is answered');

    const onlyOffNominal = answer(policyWith({ off_nominal_volumes: 'always' }, true), operation({}));
    assert.equal(onlyOffNominal.coarsened, true, 'coarsened says a volume field was coarsened, whichever it was');
    assert.deepEqual(answer(policyWith({ callsign: 'always' }, true), operation({})).coarsened, false, 'nothing coarsened when no volume field is disclosed');
  });

  it('omits a volume field that is empty (or absent), even where its rule permits', () => {
    const policy = policyWith({ volumes: 'always', off_nominal_volumes: 'always', priority: 'always' }, true);
    const d = answer(policy, operation({ off_nominal_volumes: [] }, []));
    assert.deepEqual(d.fields, { priority: 3 });
    assert.equal(d.coarsened, false);
    assert.deepEqual(answer(policy, operation({ off_nominal_volumes: undefined })).disclosed, ['volumes', 'priority']);
  });

  it('priority is a field like any other: disclosed only when named, as it is', () => {
    const op = operation({});
    assert.deepEqual(answer(policyWith({ volumes: 'always', callsign: 'always' }), op).disclosed, ['volumes', 'callsign']);
    const named = answer(policyWith({ priority: 'always' }, true), op);
    assert.deepEqual(named.fields, { priority: 3 });
    assert.equal(named.coarsened, false);
  });

  it('answers volumes first, then the details in their own order; a "volumes" detail is never answered', () => {
    const op = { volumes: NOMINAL, details: { callsign: 'BLUE-7', volumes: [triangle(10, 10)], off_nominal_volumes: OFF_NOMINAL, priority: 3 } };
    const d = answer(policyWith({ priority: 'always', off_nominal_volumes: 'always', callsign: 'always', volumes: 'always' }), op);
    assert.deepEqual(Object.keys(d.fields), ['volumes', 'callsign', 'off_nominal_volumes', 'priority']);
    assert.deepEqual(d.disclosed, Object.keys(d.fields));
    assert.deepEqual(d.fields['volumes'], NOMINAL);
  });

  it('refuses to pass on an off_nominal_volumes that is not a list, and only when it would be disclosed', () => {
    const op = operation({ off_nominal_volumes: 'somewhere north' });
    assert.throws(() => answer(policyWith({ off_nominal_volumes: 'always' }), op), /Cannot disclose "off_nominal_volumes": expected a list of volumes, not string/);
    assert.deepEqual(answer(policyWith({ volumes: 'always' }), op).disclosed, ['volumes']);
  });

  it('a coarsened volume field contains every volume it replaces (random volumes)', () => {
    const point = fc.record({ lat: fc.double({ min: -60, max: 60, noNaN: true }), lng: fc.double({ min: -179, max: 179, noNaN: true }) });
    const offsets = fc.array(fc.tuple(fc.double({ min: -0.3, max: 0.3, noNaN: true }), fc.double({ min: -0.3, max: 0.3, noNaN: true }), fc.double({ min: 0, max: 5000, noNaN: true })), { minLength: 0, maxLength: 6 });
    const volumesAround = (origin: { lat: number; lng: number }, list: Array<[number, number, number]>): Volume4D[] =>
      list.map(([dLat, dLng, r], i) => ({
        footprint: i % 2 === 0
          ? { kind: 'circle', center: { lat: origin.lat + dLat, lng: origin.lng + dLng }, radiusM: r + 1 }
          : { kind: 'polygon', vertices: [{ lat: origin.lat + dLat, lng: origin.lng + dLng }, { lat: origin.lat, lng: origin.lng }, { lat: origin.lat + dLat / 2, lng: origin.lng - dLng }] },
        altitudeLowerM: -r / 10, altitudeUpperM: r, startMs: 1000 * i + 7, endMs: 100_000 + 1000 * i,
      }));
    const policy = policyWith({ volumes: 'always', off_nominal_volumes: 'always' }, true);
    fc.assert(
      fc.property(point, offsets, offsets, (origin, nominal, offNominal) => {
        const volumes = volumesAround(origin, nominal);
        const off = volumesAround(origin, offNominal);
        const d = answer(policy, { volumes, details: { off_nominal_volumes: off } });
        for (const [name, originals] of [['volumes', volumes], ['off_nominal_volumes', off]] as const) {
          if (originals.length === 0) {
            assert.ok(!Object.hasOwn(d.fields, name));
            continue;
          }
          const answered = d.fields[name] as Volume4D[];
          assert.equal(answered.length, 1);
          assertBounds(answered[0]!, originals);
        }
        assert.equal(d.coarsened, volumes.length + off.length > 0);
      }),
      { numRuns: 300 },
    );
  });
});
