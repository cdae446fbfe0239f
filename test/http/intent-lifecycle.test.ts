/**
 * F3548 operational intent references over HTTP: create, get, update and delete, with the
 * state rules the reference DSS enforces (first state Accepted, CMSA for off-nominal states,
 * a subscription for flying states) and the OVN-in-path concurrency rules.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CMSA, SC } from '../support/broker-harness.js';
import {
  HIDDEN_OVN,
  MINUTE_MS,
  T0,
  HOUR_MS,
  boxVolume,
  createIntent,
  expectDssError,
  expectStatus,
  flightVolume,
  msOf,
  oirPath,
  putIntentBody,
  readIntent,
  startBroker,
  ussClient,
  uuid,
} from '../support/wire.js';

const NULL_SUBSCRIPTION = '00000000-0000-4000-8000-000000000000';

describe('PUT /operational_intent_references/{id} (create)', () => {
  it('creates an Accepted intent: 201, version 1, manager = token sub, OVN for the manager', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const id = uuid();
    const volume = flightVolume();
    const body = expectStatus(
      await alice.put(oirPath(id), putIntentBody({ extents: [volume], ussBaseUrl: 'https://alice.example.com/utm' })),
      201,
      'ChangeOperationalIntentReferenceResponse',
    );
    const ref = body.operational_intent_reference;
    assert.equal(ref.id, id);
    assert.equal(ref.version, 1);
    assert.equal(ref.manager, 'uss-alice');
    assert.equal(ref.state, 'Accepted');
    assert.equal(ref.uss_base_url, 'https://alice.example.com/utm');
    assert.equal(ref.uss_availability, 'Unknown');
    assert.equal(ref.subscription_id, NULL_SUBSCRIPTION, 'no subscription reads as the null UUID');
    assert.ok(ref.ovn !== undefined && ref.ovn !== HIDDEN_OVN, 'the manager receives the real OVN');
    assert.equal(msOf(ref.time_start), T0 + 10 * MINUTE_MS);
    assert.equal(msOf(ref.time_end), T0 + 70 * MINUTE_MS);
    assert.deepEqual(body.subscribers, []);
  });

  it('takes time_start and time_end from the union of several extents', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const ref = await createIntent(
      alice,
      putIntentBody({
        extents: [
          flightVolume({ startMs: T0 + 30 * MINUTE_MS, endMs: T0 + 40 * MINUTE_MS }),
          flightVolume({ lat: 46.51, startMs: T0 + 5 * MINUTE_MS, endMs: T0 + 20 * MINUTE_MS }),
          flightVolume({ lat: 46.52, startMs: T0 + 50 * MINUTE_MS, endMs: T0 + 90 * MINUTE_MS }),
        ],
      }),
    );
    assert.equal(msOf(ref.time_start), T0 + 5 * MINUTE_MS);
    assert.equal(msOf(ref.time_end), T0 + 90 * MINUTE_MS);
  });

  it('refuses a first state other than Accepted with 400', async (t) => {
    const broker = await startBroker(t);
    const pilot = await ussClient(broker, 'uss-alice', [SC, CMSA]);
    const newSubscription = { ussBaseUrl: 'https://alice.example.com/utm' };
    for (const state of ['Activated', 'Nonconforming', 'Contingent']) {
      const response = await pilot.put(oirPath(uuid()), putIntentBody({ extents: [flightVolume()], state, newSubscription }));
      expectDssError(response, 400, /state/i);
    }
  });

  it('refuses the state "Ended" with 400: ending an intent is a DELETE', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    expectDssError(await alice.put(oirPath(uuid()), putIntentBody({ extents: [flightVolume()], state: 'Ended' })), 400, /state/);
  });

  it('refuses an off-nominal state without the CMSA scope with 403', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const newSubscription = { ussBaseUrl: 'https://alice.example.com/utm' };
    for (const state of ['Nonconforming', 'Contingent']) {
      const response = await alice.put(oirPath(uuid()), putIntentBody({ extents: [flightVolume()], state, newSubscription }));
      expectDssError(response, 403);
    }
  });

  it('refuses Activated without subscription_id or new_subscription with 400', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const response = await alice.put(oirPath(uuid()), putIntentBody({ extents: [flightVolume()], state: 'Activated' }));
    expectDssError(response, 400, /subscription/);
  });

  it('refuses a create on an id that already exists with 409', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const id = uuid();
    await createIntent(alice, putIntentBody({ extents: [flightVolume()] }), id);
    const again = await alice.put(oirPath(id), putIntentBody({ extents: [flightVolume({ startMs: T0 + 100 * MINUTE_MS, endMs: T0 + 110 * MINUTE_MS })] }));
    expectDssError(again, 409);
  });

  it('answers 400 naming the field for invalid extents', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const cases: { extents: unknown; field: RegExp }[] = [
      { extents: [], field: /extents/ },
      { extents: [flightVolume({ altLo: 200, altHi: 100 })], field: /extents\[0\]/ },
      { extents: [flightVolume({ startMs: T0 - 60 * MINUTE_MS, endMs: T0 - 10 * MINUTE_MS })], field: /extents/ },
      { extents: [flightVolume({ endMs: T0 + 40 * 24 * 60 * MINUTE_MS })], field: /extents/ },
      { extents: [flightVolume({ altLo: undefined as unknown as number })], field: /extents\[0\]/ },
      // About 1° × 1° at 46.5° N: some 8,500 km², over the 2,500 km² polygon limit.
      { extents: [boxVolume({ lat: 46, lng: 6, sizeDeg: 1, altLo: 0, altHi: 120, startMs: T0, endMs: T0 + HOUR_MS })], field: /extents\[0\]/ },
    ];
    for (const { extents, field } of cases) {
      const body = { ...putIntentBody({ extents: [] }), extents };
      expectDssError(await alice.put(oirPath(uuid()), body), 400, field);
    }
  });

  it('answers 400 for a malformed entity id, a bad uss_base_url or a missing state', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const good = putIntentBody({ extents: [flightVolume()] });
    expectDssError(await alice.put(oirPath('not-a-uuid'), good), 400, /entityid/);
    expectDssError(await alice.put(oirPath(uuid()), { ...good, uss_base_url: 'not a url' }), 400, /uss_base_url/);
    expectDssError(await alice.put(oirPath(uuid()), { ...good, state: undefined }), 400, /state/);
    expectDssError(await alice.put(oirPath(uuid()), { ...good, uss_base_url: 'https://alice.example.com/utm/' }), 400, /uss_base_url/);
  });

  it('ignores unknown fields and reads null optional fields as absent', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const body = { ...putIntentBody({ extents: [flightVolume()] }), key: null, subscription_id: null, new_subscription: null, priority: 7, x_vendor: { a: 1 } };
    const ref = await createIntent(alice, body);
    assert.equal(ref.subscription_id, NULL_SUBSCRIPTION);
  });
});

describe('GET /operational_intent_references/{id}', () => {
  it('answers 404 for an unknown id and 400 for a malformed one', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    expectDssError(await alice.get(oirPath(uuid())), 404);
    expectDssError(await alice.get(oirPath('1234')), 400, /entityid/);
  });

  it('shows the reference to any USS with SC or CMSA, with the OVN hidden from non-managers', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const monitor = await ussClient(broker, 'uss-monitor', [CMSA]);
    const created = await createIntent(alice, putIntentBody({ extents: [flightVolume()] }));
    const seen = await readIntent(monitor, created.id);
    assert.equal(seen.ovn, HIDDEN_OVN);
    assert.equal(seen.version, 1);
    assert.equal(seen.manager, 'uss-alice');
    assert.equal((await readIntent(alice, created.id)).ovn, created.ovn);
  });
});

describe('PUT /operational_intent_references/{id}/{ovn} (update)', () => {
  it('updates at the current OVN: 200, version + 1 and a new OVN', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const created = await createIntent(alice, putIntentBody({ extents: [flightVolume()] }));
    const moved = flightVolume({ endMs: T0 + 90 * MINUTE_MS });
    const updated = expectStatus(
      await alice.put(oirPath(created.id, created.ovn), putIntentBody({ extents: [moved] })),
      200,
      'ChangeOperationalIntentReferenceResponse',
    ).operational_intent_reference;
    assert.equal(updated.version, 2);
    assert.notEqual(updated.ovn, created.ovn);
    assert.equal(msOf(updated.time_end), T0 + 90 * MINUTE_MS);
    assert.equal((await readIntent(alice, created.id)).version, 2);
  });

  it('moves Accepted to Activated once it has a subscription', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const created = await createIntent(alice, putIntentBody({ extents: [flightVolume()] }));
    const bare = await alice.put(oirPath(created.id, created.ovn), putIntentBody({ extents: [flightVolume()], state: 'Activated' }));
    expectDssError(bare, 400, /subscription/);
    const activated = expectStatus(
      await alice.put(
        oirPath(created.id, created.ovn),
        putIntentBody({ extents: [flightVolume()], state: 'Activated', newSubscription: { ussBaseUrl: 'https://alice.example.com/utm' } }),
      ),
      200,
      'ChangeOperationalIntentReferenceResponse',
    ).operational_intent_reference;
    assert.equal(activated.state, 'Activated');
    assert.notEqual(activated.subscription_id, NULL_SUBSCRIPTION);
  });

  it('refuses Nonconforming without a subscription with 400, even with CMSA', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC, CMSA]);
    const created = await createIntent(alice, putIntentBody({ extents: [flightVolume()] }));
    const body = putIntentBody({ extents: [flightVolume()], state: 'Nonconforming' });
    expectDssError(await alice.put(oirPath(created.id, created.ovn), body), 400, /subscription/);
  });

  it('refuses a move to an off-nominal state without CMSA (403) and allows it with CMSA', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const aliceMonitoring = await ussClient(broker, 'uss-alice', [SC, CMSA]);
    const created = await createIntent(alice, putIntentBody({ extents: [flightVolume()] }));
    const body = putIntentBody({ extents: [flightVolume()], state: 'Contingent', newSubscription: { ussBaseUrl: 'https://alice.example.com/utm' } });
    expectDssError(await alice.put(oirPath(created.id, created.ovn), body), 403);
    const contingent = expectStatus(await aliceMonitoring.put(oirPath(created.id, created.ovn), body), 200, 'ChangeOperationalIntentReferenceResponse');
    assert.equal(contingent.operational_intent_reference.state, 'Contingent');
  });

  it('refuses a stale OVN with 409', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const created = await createIntent(alice, putIntentBody({ extents: [flightVolume()] }));
    expectStatus(await alice.put(oirPath(created.id, created.ovn), putIntentBody({ extents: [flightVolume()] })), 200, 'ChangeOperationalIntentReferenceResponse');
    expectDssError(await alice.put(oirPath(created.id, created.ovn), putIntentBody({ extents: [flightVolume()] })), 409);
  });

  it('refuses an update of an intent that does not exist with 400', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    expectDssError(await alice.put(oirPath(uuid(), 'x'.repeat(32)), putIntentBody({ extents: [flightVolume()] })), 400);
  });

  it('refuses an update by a USS that does not manage the intent with 403', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const mallory = await ussClient(broker, 'uss-mallory', [SC]);
    const created = await createIntent(alice, putIntentBody({ extents: [flightVolume()] }));
    const response = await mallory.put(oirPath(created.id, created.ovn), putIntentBody({ extents: [flightVolume()], key: [created.ovn ?? ''] }));
    expectDssError(response, 403);
    assert.equal((await readIntent(alice, created.id)).version, 1, 'nothing changed');
  });
});

describe('DELETE /operational_intent_references/{id}/{ovn}', () => {
  it('deletes at the current OVN: 200 with the last reference, then 404 on read', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const created = await createIntent(alice, putIntentBody({ extents: [flightVolume()] }));
    const deleted = expectStatus(await alice.delete(oirPath(created.id, created.ovn)), 200, 'ChangeOperationalIntentReferenceResponse');
    assert.equal(deleted.operational_intent_reference.id, created.id);
    expectDssError(await alice.get(oirPath(created.id)), 404);
  });

  it('answers 404 for an unknown intent and 409 for a stale OVN', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    expectDssError(await alice.delete(oirPath(uuid(), 'x'.repeat(32))), 404);
    const created = await createIntent(alice, putIntentBody({ extents: [flightVolume()] }));
    expectDssError(await alice.delete(oirPath(created.id, 'y'.repeat(32))), 409);
    expectStatus(await alice.get(oirPath(created.id)), 200, 'GetOperationalIntentReferenceResponse');
  });

  it('refuses a delete by a USS that does not manage the intent with 403', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const mallory = await ussClient(broker, 'uss-mallory', [SC]);
    const created = await createIntent(alice, putIntentBody({ extents: [flightVolume()] }));
    expectDssError(await mallory.delete(oirPath(created.id, created.ovn)), 403);
    expectStatus(await alice.get(oirPath(created.id)), 200, 'GetOperationalIntentReferenceResponse');
  });
});
