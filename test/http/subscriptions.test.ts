/**
 * F3548 /subscriptions: create (200), read (own only), query (own and live only), update at
 * the current version, delete; time defaults and limits as the reference DSS applies them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CM, CP, SC } from '../support/broker-harness.js';
import {
  DSS,
  HOME,
  HOUR_MS,
  MINUTE_MS,
  T0,
  boxVolume,
  circleVolume,
  constraintPath,
  createIntent,
  createSubscription,
  expectDssError,
  expectStatus,
  flightVolume,
  msOf,
  putConstraintBody,
  putIntentBody,
  putSubscriptionBody,
  queryBody,
  readSubscription,
  startBroker,
  subscriptionPath,
  ussClient,
  uuid,
} from '../support/wire.js';

const QUERY = `${DSS}/subscriptions/query`;
/** A 3 km circle at HOME, no altitude, T0 to T0 + 2 h. */
const area = (overrides: { startMs?: number; endMs?: number; lng?: number } = {}) =>
  circleVolume({ lat: HOME.lat, lng: overrides.lng ?? HOME.lng, radiusM: 3_000, startMs: overrides.startMs ?? T0, endMs: overrides.endMs ?? T0 + 2 * HOUR_MS });

describe('PUT /subscriptions/{id} (create)', () => {
  it('creates a subscription: 200, a version, notification_index 0, the flags as asked', async (t) => {
    const broker = await startBroker(t);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    const id = uuid();
    const body = expectStatus(
      await bob.put(subscriptionPath(id), putSubscriptionBody({ extents: area(), ussBaseUrl: 'https://bob.example.com/utm' })),
      200,
      'PutSubscriptionResponse',
    );
    const s = body.subscription;
    assert.equal(s.id, id);
    assert.ok(s.version.length > 0);
    assert.equal(s.notification_index, 0);
    assert.equal(s.uss_base_url, 'https://bob.example.com/utm');
    assert.equal(s.notify_for_operational_intents, true);
    assert.equal(s.notify_for_constraints, false);
    assert.equal(s.implicit_subscription, false);
    assert.deepEqual(s.dependent_operational_intents, []);
    assert.equal(msOf(s.time_start), T0);
    assert.equal(msOf(s.time_end), T0 + 2 * HOUR_MS);
  });

  it('lists the intents in the area only when notifying for intents, the constraints only when notifying for constraints', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const carol = await ussClient(broker, 'uss-carol', [CM]);
    const bob = await ussClient(broker, 'uss-bob', [SC, CP]);
    const a = await createIntent(alice, putIntentBody({ extents: [flightVolume()] }));
    await createIntent(alice, putIntentBody({ extents: [flightVolume({ lng: HOME.lng + 0.5 })] }));
    const c = expectStatus(await carol.put(constraintPath(uuid()), putConstraintBody({ extents: [flightVolume()] })), 201, 'ChangeConstraintReferenceResponse');

    const intentsOnly = expectStatus(await bob.put(subscriptionPath(uuid()), putSubscriptionBody({ extents: area() })), 200, 'PutSubscriptionResponse');
    assert.deepEqual(intentsOnly.operational_intent_references?.map((r) => r.id), [a.id], 'only the intent inside the area');
    assert.equal(intentsOnly.constraint_references, undefined);

    const constraintsOnly = expectStatus(
      await bob.put(subscriptionPath(uuid()), putSubscriptionBody({ extents: area(), forIntents: false, forConstraints: true })),
      200,
      'PutSubscriptionResponse',
    );
    assert.deepEqual(constraintsOnly.constraint_references?.map((r) => r.id), [c.constraint_reference.id]);
    assert.equal(constraintsOnly.operational_intent_references, undefined);
  });

  it('refuses a subscription that notifies for nothing with 400', async (t) => {
    const broker = await startBroker(t);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    const body = putSubscriptionBody({ extents: area(), forIntents: false, forConstraints: false });
    expectDssError(await bob.put(subscriptionPath(uuid()), body), 400, /notify_for/);
  });

  it('accepts a start up to 5 minutes in the past and refuses one further back with 400', async (t) => {
    const broker = await startBroker(t);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    await createSubscription(bob, putSubscriptionBody({ extents: area({ startMs: T0 - 4 * MINUTE_MS }) }));
    expectDssError(await bob.put(subscriptionPath(uuid()), putSubscriptionBody({ extents: area({ startMs: T0 - 6 * MINUTE_MS }) })), 400, /time_start/);
  });

  it('refuses a window that ends in the past with 400', async (t) => {
    const broker = await startBroker(t);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    const ended = area({ startMs: T0 - 4 * MINUTE_MS, endMs: T0 - MINUTE_MS });
    expectDssError(await bob.put(subscriptionPath(uuid()), putSubscriptionBody({ extents: ended })), 400, /time_end/);
  });

  it('refuses a window longer than 24 hours with 400', async (t) => {
    const broker = await startBroker(t);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    await createSubscription(bob, putSubscriptionBody({ extents: area({ endMs: T0 + 24 * HOUR_MS }) }));
    expectDssError(await bob.put(subscriptionPath(uuid()), putSubscriptionBody({ extents: area({ endMs: T0 + 24 * HOUR_MS + MINUTE_MS }) })), 400, /time_end/);
  });

  it('defaults the start to now and the end to start + 24 hours', async (t) => {
    const broker = await startBroker(t);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    const noTimes = circleVolume({ lat: HOME.lat, lng: HOME.lng, radiusM: 3_000 });
    const s = await createSubscription(bob, putSubscriptionBody({ extents: noTimes }));
    assert.equal(msOf(s.time_start), T0);
    assert.equal(msOf(s.time_end), T0 + 24 * HOUR_MS);
    const startOnly = circleVolume({ lat: HOME.lat, lng: HOME.lng, radiusM: 3_000, startMs: T0 + HOUR_MS });
    const later = await createSubscription(bob, putSubscriptionBody({ extents: startOnly }));
    assert.equal(msOf(later.time_end), T0 + 25 * HOUR_MS);
  });

  it('refuses a create on an id that already exists with 409', async (t) => {
    const broker = await startBroker(t);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    const id = uuid();
    await createSubscription(bob, putSubscriptionBody({ extents: area() }), id);
    expectDssError(await bob.put(subscriptionPath(id), putSubscriptionBody({ extents: area() })), 409);
  });

  it('answers 400 naming the field for a bad extents, uss_base_url or id', async (t) => {
    const broker = await startBroker(t);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    expectDssError(await bob.put(subscriptionPath(uuid()), { ...putSubscriptionBody({ extents: area() }), extents: undefined }), 400, /extents/);
    expectDssError(await bob.put(subscriptionPath(uuid()), putSubscriptionBody({ extents: area(), ussBaseUrl: 'ftp://bob' })), 400, /uss_base_url/);
    expectDssError(await bob.put(subscriptionPath('nope'), putSubscriptionBody({ extents: area() })), 400, /subscriptionid/);
    expectDssError(await bob.post(QUERY, {}), 400, /area_of_interest/);
  });

  it('answers 413 for a subscription query over too large an area, as the reference DSS does', async (t) => {
    const broker = await startBroker(t);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    const huge = boxVolume({ lat: 46, lng: 6, sizeDeg: 1 });
    expectDssError(await bob.post(QUERY, queryBody(huge)), 413, /area_of_interest/);
    expectDssError(await bob.put(subscriptionPath(uuid()), putSubscriptionBody({ extents: huge })), 400, /extents/);
  });

  it('ignores unknown fields and reads a null flag as false', async (t) => {
    const broker = await startBroker(t);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    const body = { ...putSubscriptionBody({ extents: area() }), notify_for_constraints: null, x_vendor: 'ignored' };
    const s = await createSubscription(bob, body);
    assert.equal(s.notify_for_constraints, false);
  });
});

describe('GET and query /subscriptions', () => {
  it('shows a subscription to its owner, 403 to another USS, 404 for an unknown id', async (t) => {
    const broker = await startBroker(t);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    const eve = await ussClient(broker, 'uss-eve', [CP]);
    const s = await createSubscription(bob, putSubscriptionBody({ extents: area() }));
    assert.equal((await readSubscription(bob, s.id)).version, s.version);
    expectDssError(await eve.get(subscriptionPath(s.id)), 403);
    expectDssError(await bob.get(subscriptionPath(uuid())), 404);
  });

  it('returns only the caller’s own live subscriptions in the area', async (t) => {
    const broker = await startBroker(t);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    const eve = await ussClient(broker, 'uss-eve', [SC]);
    const mine = await createSubscription(bob, putSubscriptionBody({ extents: area() }));
    const short = await createSubscription(bob, putSubscriptionBody({ extents: area({ endMs: T0 + 30 * MINUTE_MS }) }));
    await createSubscription(bob, putSubscriptionBody({ extents: area({ lng: HOME.lng + 0.5 }) }));
    await createSubscription(eve, putSubscriptionBody({ extents: area() }));
    const here = queryBody(circleVolume({ lat: HOME.lat, lng: HOME.lng, radiusM: 100 }));

    const now = expectStatus(await bob.post(QUERY, here), 200, 'QuerySubscriptionsResponse');
    assert.deepEqual(now.subscriptions.map((s) => s.id).sort(), [mine.id, short.id].sort());

    const afterShort = queryBody(circleVolume({ lat: HOME.lat, lng: HOME.lng, radiusM: 100, startMs: T0 + 40 * MINUTE_MS, endMs: T0 + 50 * MINUTE_MS }));
    const overlapping = expectStatus(await bob.post(QUERY, afterShort), 200, 'QuerySubscriptionsResponse');
    assert.deepEqual(overlapping.subscriptions.map((s) => s.id), [mine.id], 'the time window of the query counts too');

    broker.clock.ms = T0 + 45 * MINUTE_MS;
    const later = expectStatus(await bob.post(QUERY, here), 200, 'QuerySubscriptionsResponse');
    assert.deepEqual(later.subscriptions.map((s) => s.id), [mine.id], 'the expired one is gone');
    expectDssError(await bob.get(subscriptionPath(short.id)), 404);
  });
});

describe('PUT /subscriptions/{id}/{version} (update)', () => {
  it('updates at the current version: 200, a new version, the notification index kept', async (t) => {
    const broker = await startBroker(t);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const s = await createSubscription(bob, putSubscriptionBody({ extents: area() }));
    await createIntent(alice, putIntentBody({ extents: [flightVolume()] }));
    assert.equal((await readSubscription(bob, s.id)).notification_index, 1);

    const bigger = circleVolume({ lat: HOME.lat, lng: HOME.lng, radiusM: 5_000, startMs: T0, endMs: T0 + 3 * HOUR_MS });
    const updated = expectStatus(await bob.put(subscriptionPath(s.id, s.version), putSubscriptionBody({ extents: bigger })), 200, 'PutSubscriptionResponse').subscription;
    assert.notEqual(updated.version, s.version);
    assert.equal(updated.notification_index, 1);
    assert.equal(msOf(updated.time_end), T0 + 3 * HOUR_MS);
  });

  it('refuses a stale version with 409, a missing subscription with 400, another owner with 403', async (t) => {
    const broker = await startBroker(t);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    const eve = await ussClient(broker, 'uss-eve', [SC]);
    const s = await createSubscription(bob, putSubscriptionBody({ extents: area() }));
    expectStatus(await bob.put(subscriptionPath(s.id, s.version), putSubscriptionBody({ extents: area() })), 200, 'PutSubscriptionResponse');
    expectDssError(await bob.put(subscriptionPath(s.id, s.version), putSubscriptionBody({ extents: area() })), 409);
    expectDssError(await bob.put(subscriptionPath(uuid(), 'v'.repeat(20)), putSubscriptionBody({ extents: area() })), 400);
    const current = await readSubscription(bob, s.id);
    expectDssError(await eve.put(subscriptionPath(s.id, current.version), putSubscriptionBody({ extents: area() })), 403);
  });

  it('refuses an update that would stop covering a dependent intent with 400', async (t) => {
    const broker = await startBroker(t);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    const s = await createSubscription(bob, putSubscriptionBody({ extents: area() }));
    await createIntent(bob, putIntentBody({ extents: [flightVolume()], subscriptionId: s.id }));
    const elsewhere = area({ lng: HOME.lng + 0.5 });
    expectDssError(await bob.put(subscriptionPath(s.id, s.version), putSubscriptionBody({ extents: elsewhere })), 400);
  });
});

describe('DELETE /subscriptions/{id}/{version}', () => {
  it('deletes at the current version (200 with the subscription), then reads 404', async (t) => {
    const broker = await startBroker(t);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    const s = await createSubscription(bob, putSubscriptionBody({ extents: area() }));
    const deleted = expectStatus(await bob.delete(subscriptionPath(s.id, s.version)), 200, 'DeleteSubscriptionResponse');
    assert.equal(deleted.subscription.id, s.id);
    expectDssError(await bob.get(subscriptionPath(s.id)), 404);
  });

  it('answers 409 for a stale version and 404 for an unknown subscription', async (t) => {
    const broker = await startBroker(t);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    const s = await createSubscription(bob, putSubscriptionBody({ extents: area() }));
    expectDssError(await bob.delete(subscriptionPath(s.id, 'stale-version-000')), 409);
    expectDssError(await bob.delete(subscriptionPath(uuid(), 'v'.repeat(20))), 404);
    await readSubscription(bob, s.id);
  });

  it('refuses to delete a subscription intents depend on with 400', async (t) => {
    const broker = await startBroker(t);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    const s = await createSubscription(bob, putSubscriptionBody({ extents: area() }));
    const intent = await createIntent(bob, putIntentBody({ extents: [flightVolume()], subscriptionId: s.id }));
    assert.equal(intent.subscription_id, s.id);
    assert.deepEqual((await readSubscription(bob, s.id)).dependent_operational_intents, [intent.id]);
    expectDssError(await bob.delete(subscriptionPath(s.id, s.version)), 400);
    await readSubscription(bob, s.id);
  });
});
