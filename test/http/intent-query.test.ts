/**
 * POST /operational_intent_references/query: an intent is found when it meets the area of
 * interest in 2D, in altitude and in time; touching counts (closed intervals), a missing
 * bound in the area means unbounded, and answers are capped at the result limit.
 *
 *   lng 6.60        6.61        6.62
 *        +-----------+-----------+
 *        |  intent   |   query   |    the two boxes share the meridian 6.61
 *        +-----------+-----------+
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CM, CMSA, SC } from '../support/broker-harness.js';
import {
  DSS,
  HOME,
  MINUTE_MS,
  T0,
  boxVolume,
  circleVolume,
  createIntent,
  expectDssError,
  expectStatus,
  putIntentBody,
  queryBody,
  startBroker,
  ussClient,
  type UssClient,
  type WireVolume4D,
} from '../support/wire.js';

const QUERY = `${DSS}/operational_intent_references/query`;
const START = T0 + 10 * MINUTE_MS;
const END = T0 + 70 * MINUTE_MS;

/** The one intent of these tests: a 0.01° box at HOME, 0–120 m, START–END. */
const intentBox = boxVolume({ lat: HOME.lat, lng: HOME.lng, sizeDeg: 0.01, altLo: 0, altHi: 120, startMs: START, endMs: END });

async function idsFound(uss: UssClient, area: WireVolume4D): Promise<string[]> {
  const body = expectStatus(await uss.post(QUERY, queryBody(area)), 200, 'QueryOperationalIntentReferenceResponse');
  return body.operational_intent_references.map((ref) => ref.id);
}

describe('POST /operational_intent_references/query', () => {
  it('finds an intent that overlaps the area in 2D, altitude and time', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const { id } = await createIntent(alice, putIntentBody({ extents: [intentBox] }));
    const area = circleVolume({ lat: HOME.lat + 0.005, lng: HOME.lng + 0.005, radiusM: 200, altLo: 50, altHi: 60, startMs: START + MINUTE_MS, endMs: START + 2 * MINUTE_MS });
    assert.deepEqual(await idsFound(alice, area), [id]);
  });

  it('misses an intent that is elsewhere in 2D, or above, below, before or after the area', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    await createIntent(alice, putIntentBody({ extents: [intentBox] }));
    const around = { lat: HOME.lat + 0.005, lng: HOME.lng + 0.005, radiusM: 300 };
    const misses: Record<string, WireVolume4D> = {
      'elsewhere (50 km east)': circleVolume({ ...around, lng: HOME.lng + 0.7, altLo: 0, altHi: 120, startMs: START, endMs: END }),
      above: circleVolume({ ...around, altLo: 120.5, altHi: 300, startMs: START, endMs: END }),
      below: circleVolume({ ...around, altLo: -100, altHi: -0.5, startMs: START, endMs: END }),
      before: circleVolume({ ...around, altLo: 0, altHi: 120, startMs: T0, endMs: START - 1_000 }),
      after: circleVolume({ ...around, altLo: 0, altHi: 120, startMs: END + 1_000, endMs: END + 60 * MINUTE_MS }),
    };
    for (const [name, area] of Object.entries(misses)) {
      assert.deepEqual(await idsFound(alice, area), [], `an area ${name} finds nothing`);
    }
  });

  it('counts touching boundaries in space, altitude and time as intersecting', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const { id } = await createIntent(alice, putIntentBody({ extents: [intentBox] }));
    const touching: Record<string, WireVolume4D> = {
      'a box sharing the east meridian edge': boxVolume({ lat: HOME.lat, lng: HOME.lng + 0.01, sizeDeg: 0.01, altLo: 0, altHi: 120, startMs: START, endMs: END }),
      'an altitude band starting at the top': boxVolume({ lat: HOME.lat, lng: HOME.lng, sizeDeg: 0.01, altLo: 120, altHi: 200, startMs: START, endMs: END }),
      'an altitude band ending at the bottom': boxVolume({ lat: HOME.lat, lng: HOME.lng, sizeDeg: 0.01, altLo: -50, altHi: 0, startMs: START, endMs: END }),
      'a window starting at the end': boxVolume({ lat: HOME.lat, lng: HOME.lng, sizeDeg: 0.01, altLo: 0, altHi: 120, startMs: END, endMs: END + MINUTE_MS }),
      'a window ending at the start': boxVolume({ lat: HOME.lat, lng: HOME.lng, sizeDeg: 0.01, altLo: 0, altHi: 120, startMs: T0, endMs: START }),
    };
    for (const [name, area] of Object.entries(touching)) {
      assert.deepEqual(await idsFound(alice, area), [id], `${name} finds the intent`);
    }
  });

  it('treats a missing altitude or time bound in the area as unbounded', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const { id } = await createIntent(alice, putIntentBody({ extents: [intentBox] }));
    const center = { lat: HOME.lat + 0.005, lng: HOME.lng + 0.005, radiusM: 100 };
    assert.deepEqual(await idsFound(alice, circleVolume(center)), [id], 'no bounds at all');
    assert.deepEqual(await idsFound(alice, circleVolume({ ...center, altLo: 100 })), [id], 'only a lower altitude');
    assert.deepEqual(await idsFound(alice, circleVolume({ ...center, endMs: START })), [id], 'only an end time');
    assert.deepEqual(await idsFound(alice, circleVolume({ ...center, startMs: END + 1 })), [], 'only a start after the intent');
  });

  it('lists every intent in the area, from every manager, with SC or CMSA', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    const monitor = await ussClient(broker, 'uss-monitor', [CMSA]);
    const a = await createIntent(alice, putIntentBody({ extents: [intentBox] }));
    // Same place, later: no key needed, still in an unbounded-time query.
    const later = boxVolume({ lat: HOME.lat, lng: HOME.lng, sizeDeg: 0.01, altLo: 0, altHi: 120, startMs: END + MINUTE_MS, endMs: END + 30 * MINUTE_MS });
    const b = await createIntent(bob, putIntentBody({ extents: [later] }));
    const found = await idsFound(monitor, circleVolume({ lat: HOME.lat + 0.005, lng: HOME.lng + 0.005, radiusM: 100 }));
    assert.deepEqual(found.sort(), [a.id, b.id].sort());
  });

  it('keeps an intent whose time has passed readable and queryable until its manager deletes it', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    const { id, ovn } = await createIntent(alice, putIntentBody({ extents: [intentBox] }));
    broker.clock.ms = END + 60 * MINUTE_MS;
    expectStatus(await bob.get(`${DSS}/operational_intent_references/${id}`), 200, 'GetOperationalIntentReferenceResponse');
    const past = circleVolume({ lat: HOME.lat + 0.005, lng: HOME.lng + 0.005, radiusM: 100, startMs: START, endMs: END });
    assert.deepEqual(await idsFound(bob, past), [id], 'the past can be queried');
    expectStatus(await alice.delete(`${DSS}/operational_intent_references/${id}/${ovn ?? ''}`), 200, 'ChangeOperationalIntentReferenceResponse');
    assert.deepEqual(await idsFound(bob, past), []);
  });

  it('truncates the answer to the result cap (10,000 by default; 3 here)', async (t) => {
    const broker = await startBroker(t, { limits: { resultCap: 3 } });
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    // Five intents in one place at disjoint times, so none needs another's OVN.
    for (let i = 0; i < 5; i++) {
      const startMs = START + i * 20 * MINUTE_MS;
      await createIntent(alice, putIntentBody({ extents: [boxVolume({ lat: HOME.lat, lng: HOME.lng, sizeDeg: 0.01, altLo: 0, altHi: 120, startMs, endMs: startMs + 10 * MINUTE_MS })] }));
    }
    const found = await idsFound(alice, circleVolume({ lat: HOME.lat + 0.005, lng: HOME.lng + 0.005, radiusM: 100 }));
    assert.equal(found.length, 3);
    assert.equal(new Set(found).size, 3, 'no duplicates');
  });

  it('refuses a body without area_of_interest, or with a malformed one, with 400 naming the field', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    expectDssError(await alice.post(QUERY, {}), 400, /area_of_interest/);
    const noOutline = { area_of_interest: { volume: {} } };
    expectDssError(await alice.post(QUERY, noOutline), 400, /area_of_interest/);
    const badLat = queryBody(circleVolume({ lat: 95, lng: HOME.lng, radiusM: 100 }));
    expectDssError(await alice.post(QUERY, badLat), 400, /area_of_interest/);
  });

  it('refuses a caller with only the constraint management scope with 403', async (t) => {
    const broker = await startBroker(t);
    const carol = await ussClient(broker, 'uss-carol', [CM]);
    expectDssError(await carol.post(QUERY, queryBody(intentBox)), 403);
  });
});
