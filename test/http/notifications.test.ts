/**
 * Which subscribers a change reports: every live subscription of the right kind whose 2D
 * footprint and time window touch the old ∪ new extents has its notification_index bumped by
 * exactly one, and is listed in `subscribers` grouped by uss_base_url with its new index.
 *
 *        west (HOME)                     east (HOME + 0.3° lng, ~23 km)
 *   ( sub W )  intent before      →      ( sub E )  intent after
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CM, CP, SC } from '../support/broker-harness.js';
import type { SubscriberToNotify } from '../support/f3548-schemas.js';
import {
  HOME,
  HOUR_MS,
  T0,
  circleVolume,
  constraintPath,
  createIntent,
  createSubscription,
  expectStatus,
  flightVolume,
  oirPath,
  putConstraintBody,
  putIntentBody,
  putSubscriptionBody,
  readSubscription,
  startBroker,
  ussClient,
  uuid,
  type UssClient,
} from '../support/wire.js';

const BOB_URL = 'https://bob.example.com/utm';
const CAROL_URL = 'https://carol.example.com/utm';
const EAST_LNG = HOME.lng + 0.3;

const areaAt = (lng: number, window: { startMs?: number; endMs?: number } = {}) =>
  circleVolume({ lat: HOME.lat, lng, radiusM: 3_000, startMs: window.startMs ?? T0, endMs: window.endMs ?? T0 + 2 * HOUR_MS });

/** subscription id → notification index, from a `subscribers` list. */
function indices(subscribers: readonly SubscriberToNotify[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const subscriber of subscribers) {
    for (const s of subscriber.subscriptions) map.set(s.subscription_id, s.notification_index);
  }
  return map;
}

async function indexOf(uss: UssClient, id: string): Promise<number> {
  return (await readSubscription(uss, id)).notification_index;
}

describe('notifications on operational intent changes', () => {
  it('bumps the index by exactly one on each create, update and delete, and lists the new value', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    const s = await createSubscription(bob, putSubscriptionBody({ extents: areaAt(HOME.lng), ussBaseUrl: BOB_URL }));

    const created = expectStatus(await alice.put(oirPath(uuid()), putIntentBody({ extents: [flightVolume()] })), 201, 'ChangeOperationalIntentReferenceResponse');
    assert.deepEqual(created.subscribers, [{ uss_base_url: BOB_URL, subscriptions: [{ subscription_id: s.id, notification_index: 1 }] }]);
    assert.equal(await indexOf(bob, s.id), 1);

    const ref = created.operational_intent_reference;
    const updated = expectStatus(await alice.put(oirPath(ref.id, ref.ovn), putIntentBody({ extents: [flightVolume({ radiusM: 800 })] })), 200, 'ChangeOperationalIntentReferenceResponse');
    assert.equal(indices(updated.subscribers).get(s.id), 2);
    assert.equal(await indexOf(bob, s.id), 2);

    const next = updated.operational_intent_reference;
    const deleted = expectStatus(await alice.delete(oirPath(next.id, next.ovn)), 200, 'ChangeOperationalIntentReferenceResponse');
    assert.equal(indices(deleted.subscribers).get(s.id), 3);
    assert.equal(await indexOf(bob, s.id), 3);
  });

  it('hands out each index exactly once when intents are written concurrently', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    const s = await createSubscription(bob, putSubscriptionBody({ extents: areaAt(HOME.lng, { endMs: T0 + 12 * HOUR_MS }), ussBaseUrl: BOB_URL }));
    const writes = 8;
    // Disjoint time windows, so no write needs another's OVN.
    const responses = await Promise.all(
      Array.from({ length: writes }, (_, i) =>
        alice.put(oirPath(uuid()), putIntentBody({ extents: [flightVolume({ startMs: T0 + i * HOUR_MS, endMs: T0 + i * HOUR_MS + 30 * 60_000 })] })),
      ),
    );
    const seen = responses.map((r) => indices(expectStatus(r, 201, 'ChangeOperationalIntentReferenceResponse').subscribers).get(s.id));
    assert.deepEqual([...seen].sort((x, y) => (x ?? 0) - (y ?? 0)), Array.from({ length: writes }, (_, i) => i + 1));
    assert.equal(await indexOf(bob, s.id), writes);
  });

  it('groups subscriptions by uss_base_url', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    const carol = await ussClient(broker, 'uss-carol', [SC]);
    const b1 = await createSubscription(bob, putSubscriptionBody({ extents: areaAt(HOME.lng), ussBaseUrl: BOB_URL }));
    const b2 = await createSubscription(bob, putSubscriptionBody({ extents: areaAt(HOME.lng), ussBaseUrl: BOB_URL }));
    const c1 = await createSubscription(carol, putSubscriptionBody({ extents: areaAt(HOME.lng), ussBaseUrl: CAROL_URL }));

    const created = expectStatus(await alice.put(oirPath(uuid()), putIntentBody({ extents: [flightVolume()] })), 201, 'ChangeOperationalIntentReferenceResponse');
    const byUrl = new Map(created.subscribers.map((x) => [x.uss_base_url, x.subscriptions.map((s) => s.subscription_id).sort()]));
    assert.equal(created.subscribers.length, 2, 'one entry per base URL');
    assert.deepEqual(byUrl.get(BOB_URL), [b1.id, b2.id].sort());
    assert.deepEqual(byUrl.get(CAROL_URL), [c1.id]);
    for (const index of indices(created.subscribers).values()) assert.equal(index, 1);
  });

  it('notifies the old area’s and the new area’s subscribers when an update moves an intent away', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    const west = await createSubscription(bob, putSubscriptionBody({ extents: areaAt(HOME.lng), ussBaseUrl: BOB_URL }));
    const east = await createSubscription(bob, putSubscriptionBody({ extents: areaAt(EAST_LNG), ussBaseUrl: BOB_URL }));

    const ref = await createIntent(alice, putIntentBody({ extents: [flightVolume()] }));
    assert.equal(await indexOf(bob, west.id), 1);
    assert.equal(await indexOf(bob, east.id), 0, 'the east subscription heard nothing of the west intent');

    const moved = expectStatus(
      await alice.put(oirPath(ref.id, ref.ovn), putIntentBody({ extents: [flightVolume({ lng: EAST_LNG })] })),
      200,
      'ChangeOperationalIntentReferenceResponse',
    );
    const listed = indices(moved.subscribers);
    assert.equal(listed.get(west.id), 2, 'the old area hears that the intent left');
    assert.equal(listed.get(east.id), 1, 'the new area hears that it arrived');
    assert.equal(await indexOf(bob, west.id), 2);
    assert.equal(await indexOf(bob, east.id), 1);
  });

  it('leaves subscriptions elsewhere in space or time, and constraint-only ones, untouched', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const bob = await ussClient(broker, 'uss-bob', [SC, CP]);
    const far = await createSubscription(bob, putSubscriptionBody({ extents: areaAt(EAST_LNG) }));
    const later = await createSubscription(bob, putSubscriptionBody({ extents: areaAt(HOME.lng, { startMs: T0 + 3 * HOUR_MS, endMs: T0 + 4 * HOUR_MS }) }));
    const constraintsOnly = await createSubscription(bob, putSubscriptionBody({ extents: areaAt(HOME.lng), forIntents: false, forConstraints: true }));

    const created = expectStatus(await alice.put(oirPath(uuid()), putIntentBody({ extents: [flightVolume()] })), 201, 'ChangeOperationalIntentReferenceResponse');
    assert.deepEqual(created.subscribers, []);
    for (const s of [far, later, constraintsOnly]) assert.equal(await indexOf(bob, s.id), 0);
  });

  it('matches subscribers on footprint and time only, whatever their altitude', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    const high = circleVolume({ lat: HOME.lat, lng: HOME.lng, radiusM: 3_000, altLo: 1_000, altHi: 2_000, startMs: T0, endMs: T0 + 2 * HOUR_MS });
    const s = await createSubscription(bob, putSubscriptionBody({ extents: high }));
    const created = expectStatus(await alice.put(oirPath(uuid()), putIntentBody({ extents: [flightVolume()] })), 201, 'ChangeOperationalIntentReferenceResponse');
    assert.equal(indices(created.subscribers).get(s.id), 1);
  });

  it('does not notify subscriptions that have expired', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    await createSubscription(bob, putSubscriptionBody({ extents: areaAt(HOME.lng, { endMs: T0 + 30 * 60_000 }) }));
    broker.clock.ms = T0 + HOUR_MS;
    const created = expectStatus(
      await alice.put(oirPath(uuid()), putIntentBody({ extents: [flightVolume({ startMs: T0, endMs: T0 + 2 * HOUR_MS })] })),
      201,
      'ChangeOperationalIntentReferenceResponse',
    );
    assert.deepEqual(created.subscribers, []);
  });
});

describe('notifications on constraint changes', () => {
  it('bumps notify_for_constraints subscribers on create, update and delete, and no intent-only ones', async (t) => {
    const broker = await startBroker(t);
    const carol = await ussClient(broker, 'uss-carol', [CM]);
    const bob = await ussClient(broker, 'uss-bob', [SC, CP]);
    const forConstraints = await createSubscription(bob, putSubscriptionBody({ extents: areaAt(HOME.lng), ussBaseUrl: BOB_URL, forIntents: false, forConstraints: true }));
    const forIntents = await createSubscription(bob, putSubscriptionBody({ extents: areaAt(HOME.lng), ussBaseUrl: BOB_URL }));
    const elsewhere = await createSubscription(bob, putSubscriptionBody({ extents: areaAt(EAST_LNG), forIntents: false, forConstraints: true }));

    const id = uuid();
    const created = expectStatus(await carol.put(constraintPath(id), putConstraintBody({ extents: [flightVolume()] })), 201, 'ChangeConstraintReferenceResponse');
    assert.deepEqual(created.subscribers, [{ uss_base_url: BOB_URL, subscriptions: [{ subscription_id: forConstraints.id, notification_index: 1 }] }]);
    const ref = created.constraint_reference;
    const updated = expectStatus(await carol.put(constraintPath(id, ref.ovn), putConstraintBody({ extents: [flightVolume({ lng: EAST_LNG })] })), 200, 'ChangeConstraintReferenceResponse');
    const listed = indices(updated.subscribers);
    assert.equal(listed.get(forConstraints.id), 2, 'the old area hears of the move');
    assert.equal(listed.get(elsewhere.id), 1, 'the new area hears of it too');
    const deleted = expectStatus(await carol.delete(constraintPath(id, updated.constraint_reference.ovn)), 200, 'ChangeConstraintReferenceResponse');
    assert.equal(indices(deleted.subscribers).get(elsewhere.id), 2);
    assert.equal(indices(deleted.subscribers).has(forConstraints.id), false, 'the deleted constraint was no longer in the west');

    assert.equal(await indexOf(bob, forConstraints.id), 2);
    assert.equal(await indexOf(bob, elsewhere.id), 2);
    assert.equal(await indexOf(bob, forIntents.id), 0);
  });
});
