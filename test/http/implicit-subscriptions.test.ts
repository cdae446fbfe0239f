/**
 * Subscriptions attached to intents: `new_subscription` creates an implicit one the DSS
 * owns (grown with its intent, dropped with its last intent); `subscription_id` attaches an
 * existing one of the caller's. A client PUT makes an implicit subscription explicit.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CP, SC } from '../support/broker-harness.js';
import {
  DSS,
  HOME,
  HOUR_MS,
  T0,
  circleVolume,
  createIntent,
  createSubscription,
  expectDssError,
  expectStatus,
  flightVolume,
  msOf,
  oirPath,
  putIntentBody,
  putSubscriptionBody,
  queryBody,
  readIntent,
  readSubscription,
  startBroker,
  subscriptionPath,
  ussClient,
  uuid,
} from '../support/wire.js';

const ALICE_URL = 'https://alice.example.com/utm';

describe('implicit subscriptions (new_subscription)', () => {
  it('creates an implicit subscription the intent depends on', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const intent = await createIntent(alice, putIntentBody({ extents: [flightVolume()], newSubscription: { ussBaseUrl: ALICE_URL } }));
    const s = await readSubscription(alice, intent.subscription_id);
    assert.equal(s.implicit_subscription, true);
    assert.deepEqual(s.dependent_operational_intents, [intent.id]);
    assert.equal(s.notify_for_operational_intents, true);
    assert.equal(s.notify_for_constraints, false);
    assert.equal(s.uss_base_url, ALICE_URL);
    assert.ok(msOf(s.time_start) <= msOf(intent.time_start));
    assert.ok(msOf(s.time_end) >= msOf(intent.time_end));
  });

  it('sets notify_for_constraints on the implicit subscription when asked', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const intent = await createIntent(alice, putIntentBody({ extents: [flightVolume()], newSubscription: { ussBaseUrl: ALICE_URL, notifyForConstraints: true } }));
    assert.equal((await readSubscription(alice, intent.subscription_id)).notify_for_constraints, true);
  });

  it('grows the implicit subscription when its intent grows in time and space', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const intent = await createIntent(alice, putIntentBody({ extents: [flightVolume()], newSubscription: { ussBaseUrl: ALICE_URL } }));
    const subscriptionId = intent.subscription_id;
    const farLng = HOME.lng + 0.2;
    const grown = putIntentBody({
      extents: [flightVolume(), flightVolume({ lng: farLng, startMs: T0 + 2 * HOUR_MS, endMs: T0 + 4 * HOUR_MS })],
      subscriptionId,
    });
    const updated = expectStatus(await alice.put(oirPath(intent.id, intent.ovn), grown), 200, 'ChangeOperationalIntentReferenceResponse');
    assert.equal(updated.operational_intent_reference.subscription_id, subscriptionId);
    const s = await readSubscription(alice, subscriptionId);
    assert.equal(s.implicit_subscription, true);
    assert.equal(msOf(s.time_end), T0 + 4 * HOUR_MS, 'the window now reaches the new end');
    const atNewPlace = queryBody(circleVolume({ lat: HOME.lat, lng: farLng, radiusM: 50 }));
    const found = expectStatus(await alice.post(`${DSS}/subscriptions/query`, atNewPlace), 200, 'QuerySubscriptionsResponse');
    assert.deepEqual(found.subscriptions.map((x) => x.id), [subscriptionId], 'the footprint now covers the new place');
  });

  it('deletes the implicit subscription with its last dependent intent', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const first = await createIntent(alice, putIntentBody({ extents: [flightVolume()], newSubscription: { ussBaseUrl: ALICE_URL } }));
    const subscriptionId = first.subscription_id;
    const second = await createIntent(alice, putIntentBody({ extents: [flightVolume({ altLo: 200, altHi: 300 })], subscriptionId }));
    assert.deepEqual([...((await readSubscription(alice, subscriptionId)).dependent_operational_intents ?? [])].sort(), [first.id, second.id].sort());

    expectStatus(await alice.delete(oirPath(first.id, first.ovn)), 200, 'ChangeOperationalIntentReferenceResponse');
    assert.deepEqual((await readSubscription(alice, subscriptionId)).dependent_operational_intents, [second.id], 'still needed');
    expectStatus(await alice.delete(oirPath(second.id, second.ovn)), 200, 'ChangeOperationalIntentReferenceResponse');
    expectDssError(await alice.get(subscriptionPath(subscriptionId)), 404);
  });

  it('deletes the implicit subscription when its intent moves to another subscription', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const intent = await createIntent(alice, putIntentBody({ extents: [flightVolume()], newSubscription: { ussBaseUrl: ALICE_URL } }));
    const explicit = await createSubscription(alice, putSubscriptionBody({ extents: circleVolume({ lat: HOME.lat, lng: HOME.lng, radiusM: 5_000 }) }));
    const moved = expectStatus(
      await alice.put(oirPath(intent.id, intent.ovn), putIntentBody({ extents: [flightVolume()], subscriptionId: explicit.id })),
      200,
      'ChangeOperationalIntentReferenceResponse',
    );
    assert.equal(moved.operational_intent_reference.subscription_id, explicit.id);
    expectDssError(await alice.get(subscriptionPath(intent.subscription_id)), 404);
    assert.deepEqual((await readSubscription(alice, explicit.id)).dependent_operational_intents, [intent.id]);
  });

  it('replaces the implicit subscription when an update asks for a new one', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const intent = await createIntent(alice, putIntentBody({ extents: [flightVolume()], newSubscription: { ussBaseUrl: ALICE_URL } }));
    const body = putIntentBody({ extents: [flightVolume()], newSubscription: { ussBaseUrl: 'https://alice-2.example.com/utm' } });
    const updated = expectStatus(await alice.put(oirPath(intent.id, intent.ovn), body), 200, 'ChangeOperationalIntentReferenceResponse');
    const replacement = updated.operational_intent_reference.subscription_id;
    assert.notEqual(replacement, intent.subscription_id);
    assert.equal((await readSubscription(alice, replacement)).uss_base_url, 'https://alice-2.example.com/utm');
    expectDssError(await alice.get(subscriptionPath(intent.subscription_id)), 404);
  });

  it('refuses a client DELETE of an implicit subscription its intent depends on', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const intent = await createIntent(alice, putIntentBody({ extents: [flightVolume()], newSubscription: { ussBaseUrl: ALICE_URL } }));
    const s = await readSubscription(alice, intent.subscription_id);
    expectDssError(await alice.delete(subscriptionPath(s.id, s.version)), 400);
  });

  it('turns explicit on a client PUT, and then survives the deletion of its intent', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const intent = await createIntent(alice, putIntentBody({ extents: [flightVolume()], newSubscription: { ussBaseUrl: ALICE_URL } }));
    const s = await readSubscription(alice, intent.subscription_id);
    const covering = circleVolume({ lat: HOME.lat, lng: HOME.lng, radiusM: 5_000, startMs: T0, endMs: T0 + 3 * HOUR_MS });
    const explicit = expectStatus(await alice.put(subscriptionPath(s.id, s.version), putSubscriptionBody({ extents: covering, ussBaseUrl: ALICE_URL })), 200, 'PutSubscriptionResponse').subscription;
    assert.equal(explicit.implicit_subscription, false);
    assert.deepEqual(explicit.dependent_operational_intents, [intent.id]);

    expectStatus(await alice.delete(oirPath(intent.id, intent.ovn)), 200, 'ChangeOperationalIntentReferenceResponse');
    const after = await readSubscription(alice, s.id);
    assert.equal(after.implicit_subscription, false);
    assert.deepEqual(after.dependent_operational_intents, []);
  });
});

describe('subscription_id on intent writes', () => {
  it('attaches an existing subscription of the caller that covers the intent', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const s = await createSubscription(alice, putSubscriptionBody({ extents: circleVolume({ lat: HOME.lat, lng: HOME.lng, radiusM: 5_000 }) }));
    const intent = await createIntent(alice, putIntentBody({ extents: [flightVolume()], subscriptionId: s.id, state: 'Accepted' }));
    assert.equal(intent.subscription_id, s.id);
    assert.equal((await readIntent(alice, intent.id)).subscription_id, s.id);
  });

  it('refuses subscription_id together with new_subscription with 400', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const s = await createSubscription(alice, putSubscriptionBody({ extents: circleVolume({ lat: HOME.lat, lng: HOME.lng, radiusM: 5_000 }) }));
    const body = putIntentBody({ extents: [flightVolume()], subscriptionId: s.id, newSubscription: { ussBaseUrl: ALICE_URL } });
    expectDssError(await alice.put(oirPath(uuid()), body), 400, /subscription/);
  });

  it('refuses another USS’s subscription with 403 and an unknown one with 400', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    const bobs = await createSubscription(bob, putSubscriptionBody({ extents: circleVolume({ lat: HOME.lat, lng: HOME.lng, radiusM: 5_000 }) }));
    expectDssError(await alice.put(oirPath(uuid()), putIntentBody({ extents: [flightVolume()], subscriptionId: bobs.id })), 403);
    expectDssError(await alice.put(oirPath(uuid()), putIntentBody({ extents: [flightVolume()], subscriptionId: uuid() })), 400, /subscription_id/);
    expectDssError(await alice.put(oirPath(uuid()), putIntentBody({ extents: [flightVolume()], subscriptionId: 'not-a-uuid' })), 400, /subscription_id/);
  });

  it('refuses a subscription that does not notify for operational intents with 400', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC, CP]);
    const wide = circleVolume({ lat: HOME.lat, lng: HOME.lng, radiusM: 5_000 });
    const constraintsOnly = await createSubscription(alice, putSubscriptionBody({ extents: wide, forIntents: false, forConstraints: true }));
    expectDssError(await alice.put(oirPath(uuid()), putIntentBody({ extents: [flightVolume()], subscriptionId: constraintsOnly.id })), 400, /subscription_id/);
  });

  it('refuses an explicit subscription that does not cover the intent with 400', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const small = await createSubscription(alice, putSubscriptionBody({ extents: circleVolume({ lat: HOME.lat, lng: HOME.lng + 0.5, radiusM: 1_000 }) }));
    expectDssError(await alice.put(oirPath(uuid()), putIntentBody({ extents: [flightVolume()], subscriptionId: small.id })), 400, /subscription_id/);
  });
});
