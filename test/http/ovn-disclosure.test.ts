/**
 * OVN disclosure: the DSS gives an entity's OVN only to its manager. Every other USS reads
 * "Available from USS" wherever a reference appears (get, query, 409, subscription answers),
 * and must get the OVN from the manager's USS API.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CM, CMSA, CP, SC } from '../support/broker-harness.js';
import {
  DSS,
  HIDDEN_OVN,
  HOME,
  HOUR_MS,
  T0,
  circleVolume,
  constraintPath,
  createIntent,
  expectStatus,
  flightVolume,
  oirPath,
  putConstraintBody,
  putIntentBody,
  putSubscriptionBody,
  queryBody,
  startBroker,
  subscriptionPath,
  ussClient,
  uuid,
} from '../support/wire.js';

const around = circleVolume({ lat: HOME.lat, lng: HOME.lng, radiusM: 3_000 });

describe('OVN disclosure', () => {
  it('shows an intent’s OVN to its manager and "Available from USS" to others, in get and query', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    const monitor = await ussClient(broker, 'uss-monitor', [CMSA]);
    const a = await createIntent(alice, putIntentBody({ extents: [flightVolume()] }));
    assert.ok(a.ovn !== undefined && a.ovn.length >= 16 && a.ovn !== HIDDEN_OVN);

    const own = expectStatus(await alice.get(oirPath(a.id)), 200, 'GetOperationalIntentReferenceResponse');
    assert.equal(own.operational_intent_reference.ovn, a.ovn);
    for (const other of [bob, monitor]) {
      const seen = expectStatus(await other.get(oirPath(a.id)), 200, 'GetOperationalIntentReferenceResponse');
      assert.equal(seen.operational_intent_reference.ovn, HIDDEN_OVN, `${other.sub} must not see the OVN`);
      const listed = expectStatus(await other.post(`${DSS}/operational_intent_references/query`, queryBody(around)), 200, 'QueryOperationalIntentReferenceResponse');
      assert.deepEqual(listed.operational_intent_references.map((r) => r.ovn), [HIDDEN_OVN]);
    }
    const ownList = expectStatus(await alice.post(`${DSS}/operational_intent_references/query`, queryBody(around)), 200, 'QueryOperationalIntentReferenceResponse');
    assert.deepEqual(ownList.operational_intent_references.map((r) => r.ovn), [a.ovn]);
  });

  it('mixes real and hidden OVNs in one query answer, per reference manager', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    const a = await createIntent(alice, putIntentBody({ extents: [flightVolume()] }));
    const b = await createIntent(bob, putIntentBody({ extents: [flightVolume({ startMs: T0 + 2 * HOUR_MS, endMs: T0 + 3 * HOUR_MS })] }));
    const listed = expectStatus(await bob.post(`${DSS}/operational_intent_references/query`, queryBody(around)), 200, 'QueryOperationalIntentReferenceResponse');
    const ovnById = new Map(listed.operational_intent_references.map((r) => [r.id, r.ovn]));
    assert.equal(ovnById.get(a.id), HIDDEN_OVN);
    assert.equal(ovnById.get(b.id), b.ovn);
  });

  it('hides foreign OVNs in the references a subscription answer lists', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const carol = await ussClient(broker, 'uss-carol', [CM]);
    const bob = await ussClient(broker, 'uss-bob', [SC, CP]);
    await createIntent(alice, putIntentBody({ extents: [flightVolume()] }));
    expectStatus(await carol.put(constraintPath(uuid()), putConstraintBody({ extents: [flightVolume()] })), 201, 'ChangeConstraintReferenceResponse');
    const answer = expectStatus(
      await bob.put(subscriptionPath(uuid()), putSubscriptionBody({ extents: around, forIntents: true, forConstraints: true })),
      200,
      'PutSubscriptionResponse',
    );
    assert.deepEqual(answer.operational_intent_references?.map((r) => r.ovn), [HIDDEN_OVN]);
    assert.deepEqual(answer.constraint_references?.map((r) => r.ovn), [HIDDEN_OVN]);
  });

  it('shows a constraint’s OVN to its manager only, in get and query', async (t) => {
    const broker = await startBroker(t);
    const carol = await ussClient(broker, 'uss-carol', [CM]);
    const reader = await ussClient(broker, 'uss-reader', [CP]);
    const id = uuid();
    const created = expectStatus(await carol.put(constraintPath(id), putConstraintBody({ extents: [flightVolume()] })), 201, 'ChangeConstraintReferenceResponse');
    const ovn = created.constraint_reference.ovn;
    assert.ok(ovn !== undefined && ovn !== HIDDEN_OVN);
    const own = expectStatus(await carol.get(constraintPath(id)), 200, 'GetConstraintReferenceResponse');
    assert.equal(own.constraint_reference.ovn, ovn);
    const seen = expectStatus(await reader.get(constraintPath(id)), 200, 'GetConstraintReferenceResponse');
    assert.equal(seen.constraint_reference.ovn, HIDDEN_OVN);
    const listed = expectStatus(await reader.post(`${DSS}/constraint_references/query`, queryBody(around)), 200, 'QueryConstraintReferencesResponse');
    assert.deepEqual(listed.constraint_references.map((r) => r.ovn), [HIDDEN_OVN]);
  });
});
