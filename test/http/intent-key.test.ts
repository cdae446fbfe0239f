/**
 * The key (F3548 optimistic concurrency): an Accepted or Activated intent is written only when
 * its key holds the current OVN of every intersecting intent (and, when its subscription
 * notifies for constraints, every intersecting constraint). Exempt: the intent itself,
 * Accepted intents of a Down USS, and writes to Nonconforming or Contingent.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AA, CM, CMSA, CP, SC } from '../support/broker-harness.js';
import type { OperationalIntentReference } from '../support/f3548-schemas.js';
import {
  HIDDEN_OVN,
  HOME,
  HOUR_MS,
  MINUTE_MS,
  T0,
  availabilityPath,
  circleVolume,
  constraintPath,
  createIntent,
  expectStatus,
  flightVolume,
  oirPath,
  putConstraintBody,
  putIntentBody,
  putSubscriptionBody,
  readIntent,
  startBroker,
  subscriptionPath,
  ussClient,
  uuid,
  type UssClient,
  type WireResponse,
} from '../support/wire.js';

/** Asserts a 409 AirspaceConflictResponse and returns the ids it lists as missing. */
function expectConflict(response: WireResponse): { intents: OperationalIntentReference[]; constraintIds: string[] } {
  const body = expectStatus(response, 409, 'AirspaceConflictResponse');
  assert.ok(typeof body.message === 'string' && body.message.length > 0, 'a 409 explains itself');
  return { intents: [...(body.missing_operational_intents ?? [])], constraintIds: (body.missing_constraints ?? []).map((c) => c.id) };
}

async function setAvailability(arbiter: UssClient, ussId: string, availability: string): Promise<void> {
  const current = expectStatus(await arbiter.get(availabilityPath(ussId)), 200, 'UssAvailabilityStatusResponse');
  expectStatus(await arbiter.put(availabilityPath(ussId), { old_version: current.version, availability }), 200, 'UssAvailabilityStatusResponse');
}

describe('key checks on operational intent writes', () => {
  it('refuses an intersecting create without the key: 409 listing the other intent with its OVN hidden', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    const a = await createIntent(alice, putIntentBody({ extents: [flightVolume()] }));
    const id = uuid();
    const { intents } = expectConflict(await bob.put(oirPath(id), putIntentBody({ extents: [flightVolume({ radiusM: 300 })] })));
    assert.deepEqual(intents.map((ref) => ref.id), [a.id]);
    assert.equal(intents[0]?.ovn, HIDDEN_OVN, 'the 409 never discloses a foreign OVN');
    assert.equal(intents[0]?.manager, 'uss-alice');
    expectStatus(await bob.get(oirPath(id)), 404, 'ErrorResponse');
  });

  it('accepts the create once the key holds the OVN the manager gave out', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    const a = await createIntent(alice, putIntentBody({ extents: [flightVolume()] }));
    // Bob learns the OVN from Alice's USS API; here, from what the DSS shows Alice.
    const ovnFromManager = (await readIntent(alice, a.id)).ovn ?? '';
    assert.notEqual(ovnFromManager, HIDDEN_OVN);
    const b = await createIntent(bob, putIntentBody({ extents: [flightVolume({ radiusM: 300 })], key: [ovnFromManager] }));
    assert.equal(b.version, 1);
  });

  it('ignores extra and unknown OVNs in the key', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    const a = await createIntent(alice, putIntentBody({ extents: [flightVolume()] }));
    const key = ['unknown-ovn-0000000000', a.ovn ?? '', uuid(), 'z'.repeat(128)];
    await createIntent(bob, putIntentBody({ extents: [flightVolume({ radiusM: 300 })], key }));
  });

  it('refuses a key holding an old OVN of the other intent', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    const a = await createIntent(alice, putIntentBody({ extents: [flightVolume()] }));
    expectStatus(await alice.put(oirPath(a.id, a.ovn), putIntentBody({ extents: [flightVolume()] })), 200, 'ChangeOperationalIntentReferenceResponse');
    const { intents } = expectConflict(await bob.put(oirPath(uuid()), putIntentBody({ extents: [flightVolume()], key: [a.ovn ?? ''] })));
    assert.deepEqual(intents.map((ref) => ref.id), [a.id]);
  });

  it('needs no key for an intent in the same area but a disjoint altitude band or time window', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    await createIntent(alice, putIntentBody({ extents: [flightVolume()] }));
    await createIntent(bob, putIntentBody({ extents: [flightVolume({ altLo: 150, altHi: 200 })] }));
    await createIntent(bob, putIntentBody({ extents: [flightVolume({ startMs: T0 + 2 * HOUR_MS, endMs: T0 + 3 * HOUR_MS })] }));
  });

  it('lists every missing intent and accepts a key holding all of them', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    const carol = await ussClient(broker, 'uss-carol', [SC]);
    const a = await createIntent(alice, putIntentBody({ extents: [flightVolume({ altLo: 0, altHi: 50 })] }));
    const b = await createIntent(bob, putIntentBody({ extents: [flightVolume({ altLo: 60, altHi: 100 })] }));
    const { intents } = expectConflict(await carol.put(oirPath(uuid()), putIntentBody({ extents: [flightVolume()], key: [a.ovn ?? ''] })));
    assert.deepEqual(intents.map((ref) => ref.id), [b.id], 'only the intent whose OVN is absent');
    await createIntent(carol, putIntentBody({ extents: [flightVolume()], key: [a.ovn ?? '', b.ovn ?? ''] }));
  });

  it('needs the key for an update that moves into another intent, but not the intent’s own OVN', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    const a = await createIntent(alice, putIntentBody({ extents: [flightVolume()] }));
    const b = await createIntent(bob, putIntentBody({ extents: [flightVolume({ altLo: 200, altHi: 300 })] }));
    const intoA = putIntentBody({ extents: [flightVolume({ altLo: 100, altHi: 300 })] });
    const { intents } = expectConflict(await bob.put(oirPath(b.id, b.ovn), intoA));
    assert.deepEqual(intents.map((ref) => ref.id), [a.id]);
    const keyed = putIntentBody({ extents: [flightVolume({ altLo: 100, altHi: 300 })], key: [a.ovn ?? ''] });
    expectStatus(await bob.put(oirPath(b.id, b.ovn), keyed), 200, 'ChangeOperationalIntentReferenceResponse');
  });

  it('exempts the Accepted intents of a Down USS, but not its Activated ones', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    const arbiter = await ussClient(broker, 'uss-arbiter', [AA]);
    const accepted = await createIntent(alice, putIntentBody({ extents: [flightVolume({ altLo: 0, altHi: 50 })] }));
    const activatedDraft = await createIntent(alice, putIntentBody({ extents: [flightVolume({ altLo: 60, altHi: 100 })], key: [] }));
    const activated = expectStatus(
      await alice.put(
        oirPath(activatedDraft.id, activatedDraft.ovn),
        putIntentBody({ extents: [flightVolume({ altLo: 60, altHi: 100 })], state: 'Activated', newSubscription: { ussBaseUrl: 'https://alice.example.com/utm' } }),
      ),
      200,
      'ChangeOperationalIntentReferenceResponse',
    ).operational_intent_reference;
    await setAvailability(arbiter, 'uss-alice', 'Down');

    const acrossBoth = putIntentBody({ extents: [flightVolume()] });
    const { intents } = expectConflict(await bob.put(oirPath(uuid()), acrossBoth));
    assert.deepEqual(intents.map((ref) => ref.id), [activated.id], 'only the Activated intent blocks');
    assert.equal(intents[0]?.uss_availability, 'Down');
    await createIntent(bob, putIntentBody({ extents: [flightVolume({ altLo: 0, altHi: 50 })] }));
    assert.equal((await readIntent(bob, accepted.id)).uss_availability, 'Down');
  });

  it('needs no key to move an intent to Nonconforming or Contingent (with CMSA)', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const bob = await ussClient(broker, 'uss-bob', [SC, CMSA]);
    await createIntent(alice, putIntentBody({ extents: [flightVolume()] }));
    const newSubscription = { ussBaseUrl: 'https://bob.example.com/utm' };
    for (const [i, state] of ['Nonconforming', 'Contingent'].entries()) {
      // Created high above everything (no key needed), then dropped onto Alice's intent.
      const elsewhere = flightVolume({ altLo: 500 + 200 * i, altHi: 600 + 200 * i });
      const b = await createIntent(bob, putIntentBody({ extents: [elsewhere] }));
      const intoA = putIntentBody({ extents: [flightVolume()], state, newSubscription });
      const updated = expectStatus(await bob.put(oirPath(b.id, b.ovn), intoA), 200, 'ChangeOperationalIntentReferenceResponse');
      assert.equal(updated.operational_intent_reference.state, state);
    }
  });

  it('requires constraint OVNs only when the intent’s subscription notifies for constraints', async (t) => {
    const broker = await startBroker(t);
    const carol = await ussClient(broker, 'uss-carol', [CM]);
    const bob = await ussClient(broker, 'uss-bob', [SC, CP]);
    const constraintId = uuid();
    const constraint = expectStatus(
      await carol.put(constraintPath(constraintId), putConstraintBody({ extents: [flightVolume({ radiusM: 2_000, startMs: T0, endMs: T0 + 2 * HOUR_MS })] })),
      201,
      'ChangeConstraintReferenceResponse',
    ).constraint_reference;

    // Not processing constraints: the constraint does not block.
    await createIntent(bob, putIntentBody({ extents: [flightVolume({ altLo: 0, altHi: 20 })], newSubscription: { ussBaseUrl: 'https://bob.example.com/utm' } }));

    const processing = { ussBaseUrl: 'https://bob.example.com/utm', notifyForConstraints: true };
    const body = expectStatus(
      await bob.put(oirPath(uuid()), putIntentBody({ extents: [flightVolume({ altLo: 30, altHi: 40 })], newSubscription: processing })),
      409,
      'AirspaceConflictResponse',
    );
    assert.deepEqual((body.missing_constraints ?? []).map((c) => c.id), [constraintId]);
    assert.equal(body.missing_constraints?.[0]?.ovn, HIDDEN_OVN);
    assert.deepEqual(body.missing_operational_intents ?? [], []);

    await createIntent(bob, putIntentBody({ extents: [flightVolume({ altLo: 30, altHi: 40 })], newSubscription: processing, key: [constraint.ovn ?? ''] }));
  });

  it('requires constraint OVNs when an explicit subscription_id notifies for constraints', async (t) => {
    const broker = await startBroker(t);
    const carol = await ussClient(broker, 'uss-carol', [CM]);
    const bob = await ussClient(broker, 'uss-bob', [SC, CP]);
    const c = expectStatus(
      await carol.put(constraintPath(uuid()), putConstraintBody({ extents: [flightVolume({ startMs: T0, endMs: T0 + 2 * HOUR_MS })] })),
      201,
      'ChangeConstraintReferenceResponse',
    ).constraint_reference;
    const wide = circleVolume({ lat: HOME.lat, lng: HOME.lng, radiusM: 5_000 });
    const s = expectStatus(await bob.put(subscriptionPath(uuid()), putSubscriptionBody({ extents: wide, forIntents: true, forConstraints: true })), 200, 'PutSubscriptionResponse').subscription;
    const body = expectStatus(await bob.put(oirPath(uuid()), putIntentBody({ extents: [flightVolume()], subscriptionId: s.id })), 409, 'AirspaceConflictResponse');
    assert.deepEqual((body.missing_constraints ?? []).map((r) => r.id), [c.id]);
    await createIntent(bob, putIntentBody({ extents: [flightVolume()], subscriptionId: s.id, key: [c.ovn ?? ''] }));
  });

  it('accepts exactly one of two concurrent intersecting creates that each lack the other’s OVN', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const bob = await ussClient(broker, 'uss-bob', [SC]);
    for (let round = 0; round < 5; round++) {
      const window = { startMs: T0 + round * HOUR_MS, endMs: T0 + round * HOUR_MS + 30 * MINUTE_MS };
      const [a, b] = await Promise.all([
        alice.put(oirPath(uuid()), putIntentBody({ extents: [flightVolume(window)] })),
        bob.put(oirPath(uuid()), putIntentBody({ extents: [flightVolume({ ...window, radiusM: 300 })] })),
      ]);
      const statuses = [a.status, b.status].sort();
      assert.deepEqual(statuses, [201, 409], `round ${round}: one wins, the other must learn of it`);
      for (const response of [a, b]) {
        expectStatus(response, response.status, response.status === 201 ? 'ChangeOperationalIntentReferenceResponse' : 'AirspaceConflictResponse');
      }
    }
  });

  it('also requires the OVNs of other intents when processing constraints (one 409 lists both kinds)', async (t) => {
    const broker = await startBroker(t);
    const carol = await ussClient(broker, 'uss-carol', [CM]);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const bob = await ussClient(broker, 'uss-bob', [SC, CP]);
    const c = expectStatus(
      await carol.put(constraintPath(uuid()), putConstraintBody({ extents: [flightVolume({ startMs: T0, endMs: T0 + 2 * HOUR_MS })] })),
      201,
      'ChangeConstraintReferenceResponse',
    ).constraint_reference;
    const a = await createIntent(alice, putIntentBody({ extents: [flightVolume()] }));
    const attempt = putIntentBody({ extents: [flightVolume({ startMs: T0 + 20 * MINUTE_MS })], newSubscription: { ussBaseUrl: 'https://bob.example.com/utm', notifyForConstraints: true } });
    const body = expectStatus(await bob.put(oirPath(uuid()), attempt), 409, 'AirspaceConflictResponse');
    assert.deepEqual((body.missing_operational_intents ?? []).map((r) => r.id), [a.id]);
    assert.deepEqual((body.missing_constraints ?? []).map((r) => r.id), [c.id]);
  });
});
