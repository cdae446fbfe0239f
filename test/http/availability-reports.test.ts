/**
 * F3548 /uss_availability (DSS0100,1: set by AA with read-modify-write on `version`, read by
 * AA, SC or CMSA; every reference carries its manager's availability) and /reports
 * (DSS0100,2: archive an ErrorReport, answer it with a report_id).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AA, CM, CMSA, CP, SC } from '../support/broker-harness.js';
import {
  DSS,
  HOME,
  availabilityPath,
  circleVolume,
  constraintPath,
  createIntent,
  errorReportBody,
  expectDssError,
  expectStatus,
  flightVolume,
  putConstraintBody,
  putIntentBody,
  queryBody,
  readIntent,
  send,
  startBroker,
  ussClient,
  uuid,
} from '../support/wire.js';

describe('GET /uss_availability/{uss_id}', () => {
  it('answers Unknown with an empty version for a USS never set', async (t) => {
    const broker = await startBroker(t);
    for (const scopes of [[AA], [SC], [CMSA]]) {
      const reader = await ussClient(broker, 'uss-reader', scopes);
      const body = expectStatus(await reader.get(availabilityPath('uss-nobody')), 200, 'UssAvailabilityStatusResponse');
      assert.deepEqual(body, { status: { uss: 'uss-nobody', availability: 'Unknown' }, version: '' });
    }
  });

  it('refuses a reader with only CM or CP with 403', async (t) => {
    const broker = await startBroker(t);
    for (const scopes of [[CM], [CP]]) {
      const reader = await ussClient(broker, 'uss-reader', scopes);
      expectDssError(await reader.get(availabilityPath('uss-alice')), 403);
    }
  });
});

describe('PUT /uss_availability/{uss_id}', () => {
  it('sets availability with AA: old_version "" first, then the current version each time', async (t) => {
    const broker = await startBroker(t);
    const arbiter = await ussClient(broker, 'uss-arbiter', [AA]);
    const first = expectStatus(await arbiter.put(availabilityPath('uss-alice'), { old_version: '', availability: 'Normal' }), 200, 'UssAvailabilityStatusResponse');
    assert.deepEqual(first.status, { uss: 'uss-alice', availability: 'Normal' });
    assert.ok(first.version.length > 0);
    const second = expectStatus(await arbiter.put(availabilityPath('uss-alice'), { old_version: first.version, availability: 'Down' }), 200, 'UssAvailabilityStatusResponse');
    assert.equal(second.status.availability, 'Down');
    assert.notEqual(second.version, first.version);
    const read = expectStatus(await arbiter.get(availabilityPath('uss-alice')), 200, 'UssAvailabilityStatusResponse');
    assert.deepEqual(read, second);
  });

  it('treats a missing old_version as "" (its default)', async (t) => {
    const broker = await startBroker(t);
    const arbiter = await ussClient(broker, 'uss-arbiter', [AA]);
    expectStatus(await arbiter.put(availabilityPath('uss-alice'), { availability: 'Normal' }), 200, 'UssAvailabilityStatusResponse');
  });

  it('refuses an old_version that is not current with 409', async (t) => {
    const broker = await startBroker(t);
    const arbiter = await ussClient(broker, 'uss-arbiter', [AA]);
    expectDssError(await arbiter.put(availabilityPath('uss-alice'), { old_version: 'made-up-version', availability: 'Down' }), 409, /old_version/);
    const first = expectStatus(await arbiter.put(availabilityPath('uss-alice'), { old_version: '', availability: 'Normal' }), 200, 'UssAvailabilityStatusResponse');
    expectDssError(await arbiter.put(availabilityPath('uss-alice'), { old_version: '', availability: 'Down' }), 409);
    const read = expectStatus(await arbiter.get(availabilityPath('uss-alice')), 200, 'UssAvailabilityStatusResponse');
    assert.deepEqual(read, first, 'nothing changed');
  });

  it('refuses a caller without AA with 403, even the USS itself', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC, CMSA]);
    expectDssError(await alice.put(availabilityPath('uss-alice'), { old_version: '', availability: 'Down' }), 403);
  });

  it('reads availability values case-insensitively and answers them in canonical case', async (t) => {
    const broker = await startBroker(t);
    const arbiter = await ussClient(broker, 'uss-arbiter', [AA]);
    let version = '';
    for (const [sent, canonical] of [['down', 'Down'], ['NORMAL', 'Normal'], ['unKnown', 'Unknown']] as const) {
      const body = expectStatus(await arbiter.put(availabilityPath('uss-alice'), { old_version: version, availability: sent }), 200, 'UssAvailabilityStatusResponse');
      assert.equal(body.status.availability, canonical);
      version = body.version;
    }
    expectDssError(await arbiter.put(availabilityPath('uss-alice'), { old_version: version, availability: 'Sleepy' }), 400, /availability/);
  });

  it('shows the manager’s availability on its intent and constraint references', async (t) => {
    const broker = await startBroker(t);
    const arbiter = await ussClient(broker, 'uss-arbiter', [AA]);
    const alice = await ussClient(broker, 'uss-alice', [SC, CM]);
    const bob = await ussClient(broker, 'uss-bob', [SC, CP]);
    const intent = await createIntent(alice, putIntentBody({ extents: [flightVolume()] }));
    const constraintId = uuid();
    expectStatus(await alice.put(constraintPath(constraintId), putConstraintBody({ extents: [flightVolume()] })), 201, 'ChangeConstraintReferenceResponse');
    assert.equal(intent.uss_availability, 'Unknown');

    expectStatus(await arbiter.put(availabilityPath('uss-alice'), { old_version: '', availability: 'Down' }), 200, 'UssAvailabilityStatusResponse');
    assert.equal((await readIntent(bob, intent.id)).uss_availability, 'Down');
    const around = queryBody(circleVolume({ lat: HOME.lat, lng: HOME.lng, radiusM: 1_000 }));
    const intents = expectStatus(await bob.post(`${DSS}/operational_intent_references/query`, around), 200, 'QueryOperationalIntentReferenceResponse');
    assert.deepEqual(intents.operational_intent_references.map((r) => r.uss_availability), ['Down']);
    const constraint = expectStatus(await bob.get(constraintPath(constraintId)), 200, 'GetConstraintReferenceResponse');
    assert.equal(constraint.constraint_reference.uss_availability, 'Down');
  });
});

describe('POST /reports', () => {
  it('archives an ErrorReport: 201 with a report_id and the exchange as sent, for any F3548 scope', async (t) => {
    const broker = await startBroker(t);
    const ids = new Set<string>();
    for (const scope of [SC, CM, CP, CMSA, AA]) {
      const reporter = await ussClient(broker, 'uss-reporter', [scope]);
      const body = expectStatus(await reporter.post(`${DSS}/reports`, errorReportBody()), 201, 'ErrorReport');
      assert.ok(typeof body.report_id === 'string' && body.report_id.length > 0);
      assert.deepEqual(body.exchange, errorReportBody().exchange);
      ids.add(body.report_id);
    }
    assert.equal(ids.size, 5, 'each report gets its own id');
  });

  it('refuses a body without a valid exchange with 400 naming the field', async (t) => {
    const broker = await startBroker(t);
    const reporter = await ussClient(broker, 'uss-reporter', [SC]);
    expectDssError(await reporter.post(`${DSS}/reports`, {}), 400, /exchange/);
    const { exchange } = errorReportBody();
    expectDssError(await reporter.post(`${DSS}/reports`, { exchange: { ...exchange, recorder_role: 'Bystander' } }), 400, /recorder_role/);
    expectDssError(await reporter.post(`${DSS}/reports`, { exchange: { ...exchange, url: undefined } }), 400, /exchange\.url/);
  });

  it('refuses a report without a token with 401', async (t) => {
    const broker = await startBroker(t);
    expectDssError(await send(broker, { method: 'POST', url: `${DSS}/reports`, body: errorReportBody() }), 401);
  });
});
