import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Footprint, Volume4D } from '../geo/volume-4d.js';
import { volumesIntersect } from '../geo/volumes-intersect.js';
import {
  evaluatePlan,
  type ConflictFinding,
  type EqualPriorityRule,
  type OtherOperation,
  type PlannedOperation,
  type PriorityRelation,
} from './planning-rules.js';

const LAT = 46.5;
const LNG = 6.6;
const M_PER_DEG_LAT = 111_320;
const T0 = 1_700_000_000_000;
const MIN = 60_000;

/** A circle of `radiusM` whose centre is `eastM` metres east of the origin; 0–120 m, T0 to T0 + 30 min. */
function circle(eastM: number, radiusM: number, over: Partial<Volume4D> = {}): Volume4D {
  const lng = LNG + eastM / (M_PER_DEG_LAT * Math.cos((LAT * Math.PI) / 180));
  return { footprint: { kind: 'circle', center: { lat: LAT, lng }, radiusM }, altitudeLowerM: 0, altitudeUpperM: 120, startMs: T0, endMs: T0 + 30 * MIN, ...over };
}

const other = (intentId: string, priority: number | undefined, volumes: readonly Volume4D[] | undefined, owner = 'uss-red'): OtherOperation => ({ intentId, owner, priority, volumes });
const plan = (priority: number, volumes: readonly Volume4D[]): PlannedOperation => ({ priority, volumes });
const DENY = { equalPriority: 'deny' } as const;
const ALLOW = { equalPriority: 'allow' } as const;

//   ours (○ at 0 m, r 500)   theirs (○ at 800 m, r 500): they overlap
//   far  (○ at 5 km, r 500): clear of ours
const OURS = circle(0, 500);
const NEAR = circle(800, 500);
const FAR = circle(5_000, 500);

describe('evaluatePlan()', () => {
  it('a new conflict with a higher priority blocks; with a lower one it is reported and allowed', () => {
    const higher = evaluatePlan(plan(2, [OURS]), undefined, [other('h', 3, [NEAR])], DENY);
    assert.deepEqual(higher.conflicts, [{ intentId: 'h', owner: 'uss-red', relation: 'higher', assumed: false, preExisting: false, blocking: true }]);
    assert.deepEqual(higher.blocking, higher.conflicts);

    const lower = evaluatePlan(plan(2, [OURS]), undefined, [other('l', 1, [NEAR])], DENY);
    assert.deepEqual(lower.conflicts, [{ intentId: 'l', owner: 'uss-red', relation: 'lower', assumed: false, preExisting: false, blocking: false }]);
    assert.deepEqual(lower.blocking, []);
  });

  it('an equal priority blocks under "deny" and is allowed under "allow"', () => {
    const others = [other('e', 2, [NEAR])];
    assert.deepEqual(evaluatePlan(plan(2, [OURS]), undefined, others, DENY).blocking.map((c) => [c.relation, c.intentId]), [['equal', 'e']]);
    const allowed = evaluatePlan(plan(2, [OURS]), undefined, others, ALLOW);
    assert.deepEqual(allowed.blocking, []);
    assert.equal(allowed.conflicts[0]?.relation, 'equal');
  });

  it('an undisclosed priority counts as higher: it blocks even a plan of the highest priority', () => {
    const r = evaluatePlan(plan(100, [OURS]), undefined, [other('u', undefined, [NEAR])], ALLOW);
    assert.deepEqual(r.blocking.map((c) => [c.relation, c.blocking]), [['unknown', true]]);
  });

  it('undisclosed volumes are assumed to intersect, and the priority rules still apply', () => {
    const r = evaluatePlan(plan(2, [OURS]), undefined, [other('a', 1, undefined), other('b', 3, undefined), other('c', undefined, undefined)], DENY);
    assert.deepEqual(r.conflicts.map((c) => [c.intentId, c.relation, c.assumed, c.blocking]), [
      ['a', 'lower', true, false],
      ['b', 'higher', true, true],
      ['c', 'unknown', true, true],
    ]);
  });

  it('no conflict with an operation apart in space, altitude or time, whatever its priority', () => {
    //   ours 0–120 m, T0..T0+30 min;  above: 121–200 m;  later: from T0+31 min;  far: 5 km east
    const apart = [
      other('far', 9, [FAR]),
      other('above', 9, [circle(0, 500, { altitudeLowerM: 121, altitudeUpperM: 200 })]),
      other('later', undefined, [circle(0, 500, { startMs: T0 + 31 * MIN, endMs: T0 + 60 * MIN })]),
      other('none', 9, []),
    ];
    assert.deepEqual(evaluatePlan(plan(0, [OURS]), undefined, apart, DENY), { conflicts: [], blocking: [] });
  });

  it('boundary contact is a conflict: touching circles, and intervals that share an instant or a metre', () => {
    //   ○ r 500 at 0 m  |  ○ r 500 at 1,000 m: they touch at 500 m east
    const touching = [other('edge', 3, [circle(1_000, 500)]), other('instant', 3, [circle(0, 500, { startMs: T0 + 30 * MIN, endMs: T0 + 40 * MIN })]), other('metre', 3, [circle(0, 500, { altitudeLowerM: 120, altitudeUpperM: 150 })])];
    assert.deepEqual(evaluatePlan(plan(0, [OURS]), undefined, touching, DENY).blocking.map((c) => c.intentId), ['edge', 'instant', 'metre']);
  });

  it('any of our volumes meeting any of theirs is a conflict', () => {
    //   ours: ○ at 0 m and ○ at 5 km     theirs: ○ at 10 km and ○ at 5.8 km (meets our second)
    const r = evaluatePlan(plan(0, [OURS, FAR]), undefined, [other('x', 1, [circle(10_000, 500), circle(5_800, 500)])], DENY);
    assert.deepEqual(r.conflicts.map((c) => c.intentId), ['x']);
  });

  it('lists conflicts in the order of others, blocking ones among them', () => {
    const others = [other('z', 1, [NEAR]), other('far', 5, [FAR]), other('y', 5, [NEAR], 'uss-green'), other('x', 2, undefined)];
    const r = evaluatePlan(plan(2, [OURS]), undefined, others, DENY);
    assert.deepEqual(r.conflicts.map((c) => `${c.owner}/${c.intentId}`), ['uss-red/z', 'uss-green/y', 'uss-red/x']);
    assert.deepEqual(r.blocking.map((c) => c.intentId), ['y', 'x']);
  });

  describe('a modification', () => {
    //   previous: ○ at 0 m        planned: ○ at 2 km (moved east)
    //   old: ○ at 800 m (met previous and still meets planned)   new: ○ at 2.8 km (meets planned only)
    const previous = plan(2, [OURS, circle(1_500, 500)]);
    const planned = plan(2, [circle(1_500, 500), circle(2_000, 500)]);
    const OLD = circle(1_200, 300);
    const NEW = circle(2_800, 500);

    it('is not blocked by a conflict that existed with the previous version, even of higher priority', () => {
      const r = evaluatePlan(planned, previous, [other('old', 5, [OLD])], DENY);
      assert.deepEqual(r.conflicts, [{ intentId: 'old', owner: 'uss-red', relation: 'higher', assumed: false, preExisting: true, blocking: false }]);
      assert.deepEqual(r.blocking, []);
    });

    it('is blocked by a conflict it adds', () => {
      const r = evaluatePlan(planned, previous, [other('old', 5, [OLD]), other('new', 5, [NEW]), other('new-equal', 2, [NEW])], DENY);
      assert.deepEqual(r.conflicts.map((c) => [c.intentId, c.preExisting, c.blocking]), [['old', true, false], ['new', false, true], ['new-equal', false, true]]);
    });

    it('with undisclosed priority, a pre-existing conflict does not block; a new one does', () => {
      const r = evaluatePlan(planned, previous, [other('old', undefined, [OLD]), other('new', undefined, [NEW])], DENY);
      assert.deepEqual(r.blocking.map((c) => c.intentId), ['new']);
    });

    it('cannot establish that an operation of undisclosed volumes met the previous version: its conflict is new', () => {
      const r = evaluatePlan(planned, previous, [other('hidden', 5, undefined), other('hidden-lower', 1, undefined)], DENY);
      assert.deepEqual(r.conflicts.map((c) => [c.intentId, c.assumed, c.preExisting, c.blocking]), [['hidden', true, false, true], ['hidden-lower', true, false, false]]);
    });

    it('that leaves a conflict behind no longer reports it', () => {
      //   an operation at −800 m met previous only
      const r = evaluatePlan(planned, previous, [other('behind', 5, [circle(-800, 500)])], DENY);
      assert.deepEqual(r.conflicts, []);
    });
  });
});

// ---- Properties --------------------------------------------------------------------------------

/** A small star polygon or circle within ~1.5 km of the origin, so that conflicts are common. */
const footprintArb: fc.Arbitrary<Footprint> = fc.oneof(
  fc.record({ dLat: fc.integer({ min: -12, max: 12 }), dLng: fc.integer({ min: -12, max: 12 }), r: fc.integer({ min: 50, max: 700 }) }).map(({ dLat, dLng, r }) => ({
    kind: 'circle' as const,
    center: { lat: LAT + dLat / 1000, lng: LNG + dLng / 1000 },
    radiusM: r,
  })),
  fc.record({
    dLat: fc.integer({ min: -12, max: 12 }),
    dLng: fc.integer({ min: -12, max: 12 }),
    radii: fc.array(fc.integer({ min: 50, max: 700 }), { minLength: 3, maxLength: 6 }),
    turn: fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
  }).map(({ dLat, dLng, radii, turn }) => ({
    kind: 'polygon' as const,
    // Vertices at evenly spaced bearings: a simple (star-shaped) polygon.
    vertices: radii.map((r, k) => {
      const th = turn + (2 * Math.PI * k) / radii.length;
      return {
        lat: LAT + dLat / 1000 + (r * Math.cos(th)) / M_PER_DEG_LAT,
        lng: LNG + dLng / 1000 + (r * Math.sin(th)) / (M_PER_DEG_LAT * Math.cos((LAT * Math.PI) / 180)),
      };
    }),
  })),
);

const volumeArb: fc.Arbitrary<Volume4D> = fc
  .record({ footprint: footprintArb, alt: fc.integer({ min: 0, max: 3 }), height: fc.integer({ min: 30, max: 100 }), start: fc.integer({ min: 0, max: 3 }), minutes: fc.integer({ min: 5, max: 20 }) })
  .map(({ footprint, alt, height, start, minutes }) => ({
    footprint,
    altitudeLowerM: alt * 50,
    altitudeUpperM: alt * 50 + height,
    startMs: T0 + start * 10 * MIN,
    endMs: T0 + (start * 10 + minutes) * MIN,
  }));

const volumesArb = fc.array(volumeArb, { minLength: 1, maxLength: 3 });
const priorityArb = fc.integer({ min: 0, max: 3 });
const plannedArb = fc.record({ priority: priorityArb, volumes: volumesArb });
const otherArb = (i: number): fc.Arbitrary<OtherOperation> =>
  fc.record({
    intentId: fc.constant(`op-${i}`),
    owner: fc.constantFrom('uss-red', 'uss-green'),
    priority: fc.option(priorityArb, { nil: undefined, freq: 5 }),
    volumes: fc.option(volumesArb, { nil: undefined, freq: 5 }),
  });
const othersArb = fc.integer({ min: 0, max: 5 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => otherArb(i))));
const scenarioArb = fc.record({
  planned: plannedArb,
  previous: fc.option(plannedArb, { nil: undefined }),
  others: othersArb,
  rule: fc.constantFrom<EqualPriorityRule>('allow', 'deny'),
});

/** The rules as F3548 states them, written out pair by pair without the code under test. */
function oracle(planned: PlannedOperation, previous: PlannedOperation | undefined, others: readonly OtherOperation[], rule: EqualPriorityRule): ConflictFinding[] {
  const found: ConflictFinding[] = [];
  for (const o of others) {
    let meetsNow = o.volumes === undefined;
    let meetsBefore = false;
    for (const theirs of o.volumes ?? []) {
      for (const ours of planned.volumes) if (volumesIntersect(theirs, ours)) meetsNow = true;
      for (const old of previous?.volumes ?? []) if (volumesIntersect(theirs, old)) meetsBefore = true;
    }
    if (!meetsNow) continue;
    let relation: PriorityRelation = 'unknown';
    if (o.priority !== undefined) relation = o.priority === planned.priority ? 'equal' : o.priority > planned.priority ? 'higher' : 'lower';
    const allowedWhenNew = relation === 'lower' || (relation === 'equal' && rule === 'allow');
    found.push({ intentId: o.intentId, owner: o.owner, relation, assumed: o.volumes === undefined, preExisting: meetsBefore, blocking: !meetsBefore && !allowedWhenNew });
  }
  return found;
}

const meets = (ours: readonly Volume4D[], theirs: readonly Volume4D[]): boolean => ours.some((a) => theirs.some((b) => volumesIntersect(a, b)));

describe('evaluatePlan() properties', () => {
  it('an accepted plan adds no conflict with a higher or undisclosed priority (nor an equal one under "deny")', () => {
    let acceptedWithConflicts = 0;
    fc.assert(
      fc.property(scenarioArb, ({ planned, previous, others, rule }) => {
        const r = evaluatePlan(planned, previous, others, { equalPriority: rule });
        if (r.blocking.length > 0) return;
        if (r.conflicts.length > 0) acceptedWithConflicts++;
        for (const o of others) {
          const conflicts = o.volumes === undefined || meets(planned.volumes, o.volumes);
          const mustNotBeNew = o.priority === undefined || o.priority > planned.priority || (o.priority === planned.priority && rule === 'deny');
          if (!conflicts || !mustNotBeNew) continue;
          const existedBefore = previous !== undefined && o.volumes !== undefined && meets(previous.volumes, o.volumes);
          assert.ok(existedBefore, `accepted a new conflict with ${JSON.stringify(o)}`);
        }
      }),
      { numRuns: 400, seed: 3548 },
    );
    assert.ok(acceptedWithConflicts > 20, `too few accepted plans with conflicts (${acceptedWithConflicts}) to mean much`);
  });

  it('is monotone: adding an operation never turns a blocked plan into an accepted one, nor unblocks a conflict', () => {
    let blocked = 0;
    fc.assert(
      fc.property(scenarioArb, otherArb(99), fc.nat(), ({ planned, previous, others, rule }, extra, at) => {
        const before = evaluatePlan(planned, previous, others, { equalPriority: rule });
        const more = [...others];
        more.splice(at % (others.length + 1), 0, extra);
        const after = evaluatePlan(planned, previous, more, { equalPriority: rule });
        if (before.blocking.length === 0) return;
        blocked++;
        assert.ok(after.blocking.length >= before.blocking.length);
        const stillBlocking = new Set(after.blocking.map((c) => c.intentId));
        for (const c of before.blocking) assert.ok(stillBlocking.has(c.intentId), `${c.intentId} stopped blocking`);
      }),
      { numRuns: 400, seed: 3549 },
    );
    assert.ok(blocked > 50, `too few blocked plans (${blocked})`);
  });

  it('agrees with a brute-force oracle on every finding', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(scenarioArb, ({ planned, previous, others, rule }) => {
        const r = evaluatePlan(planned, previous, others, { equalPriority: rule });
        const expected = oracle(planned, previous, others, rule);
        assert.deepEqual(r.conflicts, expected);
        assert.deepEqual(r.blocking, expected.filter((c) => c.blocking));
        for (const c of expected) seen.add(`${c.relation}/${c.assumed}/${c.preExisting}/${c.blocking}`);
      }),
      { numRuns: 600, seed: 3550 },
    );
    // Every relation, assumed and pre-existing conflicts, blocking and not, all came up.
    for (const relation of ['lower', 'equal', 'higher', 'unknown']) assert.ok([...seen].some((s) => s.startsWith(`${relation}/`)), `no ${relation} conflict generated`);
    for (const s of ['higher/false/true/false', 'higher/false/false/true', 'unknown/true/false/true', 'lower/true/false/false', 'equal/false/false/true', 'equal/false/false/false']) {
      assert.ok(seen.has(s), `no ${s} conflict generated: ${[...seen].join(', ')}`);
    }
  });
});
