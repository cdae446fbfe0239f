/**
 * F3548 /constraint_references: CM writes, CM or CP reads; OVN in the path for updates and
 * deletes, no key; a create on an existing id and an update of a missing one are both 409.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CM, CP, SC } from '../support/broker-harness.js';
import {
  DSS,
  HIDDEN_OVN,
  HOME,
  HOUR_MS,
  MINUTE_MS,
  T0,
  circleVolume,
  constraintPath,
  expectDssError,
  expectStatus,
  flightVolume,
  msOf,
  putConstraintBody,
  queryBody,
  startBroker,
  ussClient,
  uuid,
  type UssClient,
} from '../support/wire.js';

const QUERY = `${DSS}/constraint_references/query`;
const CAROL_URL = 'https://carol.example.com/utm';

async function createConstraint(carol: UssClient, id: string = uuid()) {
  const body = putConstraintBody({ extents: [flightVolume()], ussBaseUrl: CAROL_URL });
  return expectStatus(await carol.put(constraintPath(id), body), 201, 'ChangeConstraintReferenceResponse').constraint_reference;
}

describe('constraint references: scopes', () => {
  it('lets CM write and CM or CP read; SC alone gets 403 for both', async (t) => {
    const broker = await startBroker(t);
    const carol = await ussClient(broker, 'uss-carol', [CM]);
    const reader = await ussClient(broker, 'uss-reader', [CP]);
    const planner = await ussClient(broker, 'uss-planner', [SC]);
    const ref = await createConstraint(carol);
    expectStatus(await carol.get(constraintPath(ref.id)), 200, 'GetConstraintReferenceResponse');
    expectStatus(await reader.get(constraintPath(ref.id)), 200, 'GetConstraintReferenceResponse');
    expectStatus(await reader.post(QUERY, queryBody(flightVolume())), 200, 'QueryConstraintReferencesResponse');
    expectDssError(await planner.get(constraintPath(ref.id)), 403);
    expectDssError(await planner.post(QUERY, queryBody(flightVolume())), 403);
    expectDssError(await planner.put(constraintPath(uuid()), putConstraintBody({ extents: [flightVolume()] })), 403);
    expectDssError(await reader.put(constraintPath(uuid()), putConstraintBody({ extents: [flightVolume()] })), 403, /constraint_management/);
  });
});

describe('PUT /constraint_references/{id} (create)', () => {
  it('creates: 201, version 1, manager = token sub, the time bounds of the extents', async (t) => {
    const broker = await startBroker(t);
    const carol = await ussClient(broker, 'uss-carol', [CM]);
    const id = uuid();
    const ref = await createConstraint(carol, id);
    assert.equal(ref.id, id);
    assert.equal(ref.version, 1);
    assert.equal(ref.manager, 'uss-carol');
    assert.equal(ref.uss_base_url, CAROL_URL);
    assert.equal(ref.uss_availability, 'Unknown');
    assert.ok(ref.ovn !== undefined && ref.ovn !== HIDDEN_OVN);
    assert.equal(msOf(ref.time_start), T0 + 10 * MINUTE_MS);
    assert.equal(msOf(ref.time_end), T0 + 70 * MINUTE_MS);
  });

  it('refuses a create on an existing id with 409', async (t) => {
    const broker = await startBroker(t);
    const carol = await ussClient(broker, 'uss-carol', [CM]);
    const ref = await createConstraint(carol);
    expectDssError(await carol.put(constraintPath(ref.id), putConstraintBody({ extents: [flightVolume()] })), 409);
  });

  it('refuses extents ending in the past, or none at all, with 400', async (t) => {
    const broker = await startBroker(t);
    const carol = await ussClient(broker, 'uss-carol', [CM]);
    const past = flightVolume({ startMs: T0 - 2 * HOUR_MS, endMs: T0 - HOUR_MS });
    expectDssError(await carol.put(constraintPath(uuid()), putConstraintBody({ extents: [past] })), 400, /extents/);
    expectDssError(await carol.put(constraintPath(uuid()), putConstraintBody({ extents: [] })), 400, /extents/);
  });
});

describe('PUT /constraint_references/{id}/{ovn} (update)', () => {
  it('updates at the current OVN: 200, version + 1, a new OVN', async (t) => {
    const broker = await startBroker(t);
    const carol = await ussClient(broker, 'uss-carol', [CM]);
    const ref = await createConstraint(carol);
    const body = putConstraintBody({ extents: [flightVolume({ endMs: T0 + 2 * HOUR_MS })], ussBaseUrl: CAROL_URL });
    const updated = expectStatus(await carol.put(constraintPath(ref.id, ref.ovn), body), 200, 'ChangeConstraintReferenceResponse').constraint_reference;
    assert.equal(updated.version, 2);
    assert.notEqual(updated.ovn, ref.ovn);
    assert.equal(msOf(updated.time_end), T0 + 2 * HOUR_MS);
  });

  it('refuses a stale OVN with 409 and an update of a missing constraint with 409', async (t) => {
    const broker = await startBroker(t);
    const carol = await ussClient(broker, 'uss-carol', [CM]);
    const ref = await createConstraint(carol);
    expectStatus(await carol.put(constraintPath(ref.id, ref.ovn), putConstraintBody({ extents: [flightVolume()] })), 200, 'ChangeConstraintReferenceResponse');
    expectDssError(await carol.put(constraintPath(ref.id, ref.ovn), putConstraintBody({ extents: [flightVolume()] })), 409);
    expectDssError(await carol.put(constraintPath(uuid(), 'o'.repeat(32)), putConstraintBody({ extents: [flightVolume()] })), 409);
  });

  it('refuses an update or delete by a USS that does not manage the constraint with 403', async (t) => {
    const broker = await startBroker(t);
    const carol = await ussClient(broker, 'uss-carol', [CM]);
    const dave = await ussClient(broker, 'uss-dave', [CM]);
    const ref = await createConstraint(carol);
    expectDssError(await dave.put(constraintPath(ref.id, ref.ovn), putConstraintBody({ extents: [flightVolume()] })), 403);
    expectDssError(await dave.delete(constraintPath(ref.id, ref.ovn)), 403);
    assert.equal(expectStatus(await carol.get(constraintPath(ref.id)), 200, 'GetConstraintReferenceResponse').constraint_reference.version, 1);
  });
});

describe('DELETE /constraint_references/{id}/{ovn}', () => {
  it('deletes at the current OVN (200), then reads 404', async (t) => {
    const broker = await startBroker(t);
    const carol = await ussClient(broker, 'uss-carol', [CM]);
    const ref = await createConstraint(carol);
    const deleted = expectStatus(await carol.delete(constraintPath(ref.id, ref.ovn)), 200, 'ChangeConstraintReferenceResponse');
    assert.equal(deleted.constraint_reference.id, ref.id);
    expectDssError(await carol.get(constraintPath(ref.id)), 404);
  });

  it('answers 404 for an unknown constraint and 409 for a stale OVN', async (t) => {
    const broker = await startBroker(t);
    const carol = await ussClient(broker, 'uss-carol', [CM]);
    const ref = await createConstraint(carol);
    expectDssError(await carol.delete(constraintPath(uuid(), 'o'.repeat(32))), 404);
    expectDssError(await carol.delete(constraintPath(ref.id, 'p'.repeat(32))), 409);
    expectStatus(await carol.get(constraintPath(ref.id)), 200, 'GetConstraintReferenceResponse');
  });
});

describe('GET and query /constraint_references', () => {
  it('answers 404 for an unknown id and 400 for a malformed one', async (t) => {
    const broker = await startBroker(t);
    const reader = await ussClient(broker, 'uss-reader', [CP]);
    expectDssError(await reader.get(constraintPath(uuid())), 404);
    expectDssError(await reader.get(constraintPath('zzz')), 400, /entityid/);
  });

  it('finds the constraints in an area of interest and misses those elsewhere', async (t) => {
    const broker = await startBroker(t);
    const carol = await ussClient(broker, 'uss-carol', [CM]);
    const reader = await ussClient(broker, 'uss-reader', [CP]);
    const here = await createConstraint(carol);
    const far = putConstraintBody({ extents: [flightVolume({ lng: HOME.lng + 0.5 })] });
    expectStatus(await carol.put(constraintPath(uuid()), far), 201, 'ChangeConstraintReferenceResponse');
    const found = expectStatus(await reader.post(QUERY, queryBody(circleVolume({ lat: HOME.lat, lng: HOME.lng, radiusM: 1_000 }))), 200, 'QueryConstraintReferencesResponse');
    assert.deepEqual(found.constraint_references.map((c) => c.id), [here.id]);
    const later = circleVolume({ lat: HOME.lat, lng: HOME.lng, radiusM: 1_000, startMs: T0 + 2 * HOUR_MS, endMs: T0 + 3 * HOUR_MS });
    assert.deepEqual(expectStatus(await reader.post(QUERY, queryBody(later)), 200, 'QueryConstraintReferencesResponse').constraint_references, []);
  });

  it('truncates the answer to the result cap', async (t) => {
    const broker = await startBroker(t, { limits: { resultCap: 2 } });
    const carol = await ussClient(broker, 'uss-carol', [CM]);
    for (let i = 0; i < 4; i++) await createConstraint(carol);
    const found = expectStatus(await carol.post(QUERY, queryBody(circleVolume({ lat: HOME.lat, lng: HOME.lng, radiusM: 1_000 }))), 200, 'QueryConstraintReferencesResponse');
    assert.equal(found.constraint_references.length, 2);
  });
});
