/**
 * One planning round trip over HTTP on each store (memory and SQLite): the F3548 answers must
 * not depend on where the broker keeps its state.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CM, SC } from '../support/broker-harness.js';
import {
  DSS,
  HIDDEN_OVN,
  HOME,
  T0,
  circleVolume,
  constraintPath,
  createIntent,
  createSubscription,
  expectDssError,
  expectStatus,
  flightVolume,
  oirPath,
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

for (const storage of ['memory', 'sqlite'] as const) {
  describe(`F3548 round trip on the ${storage} store`, () => {
    it('plans, conflicts, keys, notifies, updates and ends intents the same way', async (t) => {
      const broker = await startBroker(t, { storage });
      const alice = await ussClient(broker, 'uss-alice', [SC]);
      const bob = await ussClient(broker, 'uss-bob', [SC]);
      const carol = await ussClient(broker, 'uss-carol', [CM]);
      const watch = await createSubscription(bob, putSubscriptionBody({ extents: circleVolume({ lat: HOME.lat, lng: HOME.lng, radiusM: 3_000, startMs: T0 }) }));

      const a = await createIntent(alice, putIntentBody({ extents: [flightVolume()], newSubscription: { ussBaseUrl: 'https://alice.example.com/utm' } }));
      const conflict = expectStatus(await bob.put(oirPath(uuid()), putIntentBody({ extents: [flightVolume()] })), 409, 'AirspaceConflictResponse');
      assert.deepEqual(conflict.missing_operational_intents?.map((r) => [r.id, r.ovn]), [[a.id, HIDDEN_OVN]]);
      const b = await createIntent(bob, putIntentBody({ extents: [flightVolume()], key: [a.ovn ?? ''] }));

      const listed = expectStatus(await alice.post(`${DSS}/operational_intent_references/query`, queryBody(flightVolume())), 200, 'QueryOperationalIntentReferenceResponse');
      assert.deepEqual(listed.operational_intent_references.map((r) => r.id).sort(), [a.id, b.id].sort());
      assert.equal((await readSubscription(bob, watch.id)).notification_index, 2);

      const updated = expectStatus(
        await alice.put(oirPath(a.id, a.ovn), putIntentBody({ extents: [flightVolume({ radiusM: 600 })], subscriptionId: a.subscription_id, key: [b.ovn ?? ''] })),
        200,
        'ChangeOperationalIntentReferenceResponse',
      ).operational_intent_reference;
      assert.equal(updated.version, 2);
      expectStatus(await alice.delete(oirPath(a.id, updated.ovn)), 200, 'ChangeOperationalIntentReferenceResponse');
      expectDssError(await alice.get(subscriptionPath(a.subscription_id)), 404);
      expectDssError(await alice.get(oirPath(a.id)), 404);
      assert.equal((await readSubscription(bob, watch.id)).notification_index, 4);

      const c = expectStatus(await carol.put(constraintPath(uuid()), putConstraintBody({ extents: [flightVolume()] })), 201, 'ChangeConstraintReferenceResponse');
      assert.equal(c.constraint_reference.version, 1);
    });
  });
}
