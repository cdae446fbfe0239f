/**
 * Constraints managed through an agent (issue 4; F3548 §2.7): one broker and agents on real
 * loopback HTTP. The agent writes the constraint reference at the broker before keeping the
 * constraint, publishes its details to any constraint processor at GET /uss/v1/constraints/{id}
 * (no ticket: constraints are public restrictions), and tells the broker's subscribers of every
 * change; a refused or invalid write leaves nothing behind, at the agent or the broker.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { flight, startCluster, type Answer, type Cluster } from '../support/agent-cluster.js';
import { assertMatches } from '../support/f3548-schemas.js';

const CP = 'utm.constraint_processing';
const CM = 'utm.constraint_management';
const SITE = { lat: 47.05, lng: 8.3 };
const GEOZONE = { identifier: 'LSR-17', restriction: 'PROHIBITED', zone_authority: [{ name: 'FOCA' }] };

const brokerReference = (c: Cluster, party: string, id: string, scope = CP) => c.as(party, `${c.brokerUrl}/dss/v1/constraint_references/${id}`, { scope });
const published = (c: Cluster, reader: string, manager: string, id: string, scope = CP) => c.as(reader, `${c.agents[manager]!.url}/uss/v1/constraints/${id}`, { scope });

async function brokerConstraints(c: Cluster, party: string): Promise<Array<{ id: string }>> {
  const around = flight({ ...SITE, radiusM: 20_000, startInMin: 0, minutes: 24 * 60 });
  const answer = await c.as(party, `${c.brokerUrl}/dss/v1/constraint_references/query`, { method: 'POST', body: { area_of_interest: around }, scope: CP });
  assert.equal(answer.status, 200, answer.text);
  return answer.body.constraint_references;
}

/** Red's broker subscription for constraints around SITE, delivered to red's agent. */
async function subscribeForConstraints(c: Cluster, party: string): Promise<string> {
  const id = randomUUID();
  const answer = await c.as(party, `${c.brokerUrl}/dss/v1/subscriptions/${id}`, {
    method: 'PUT',
    scope: CP,
    body: {
      extents: flight({ ...SITE, radiusM: 5_000, startInMin: 0, minutes: 600 }),
      uss_base_url: c.agents[party]!.url,
      notify_for_operational_intents: false,
      notify_for_constraints: true,
    },
  });
  assert.equal(answer.status, 200, answer.text);
  return id;
}

async function constraintNotices(c: Cluster, party: string, id: string): Promise<Array<Record<string, unknown>>> {
  const answer = await c.operator(party, 'GET', '/v1/notifications');
  assert.equal(answer.status, 200, answer.text);
  return answer.body.notifications.filter((n: { constraint_id?: string }) => n.constraint_id === id);
}

function assertProblem(answer: Answer, status: number, field: string | RegExp | undefined, what: string): void {
  assert.equal(answer.status, status, `${what}: ${answer.text}`);
  assert.equal(answer.body.status, status, what);
  assert.equal(typeof answer.body.detail, 'string', what);
  if (typeof field === 'string') assert.equal(answer.body.field, field, `${what}: ${answer.text}`);
  else if (field !== undefined) assert.match(answer.body.field, field, `${what}: ${answer.text}`);
}

describe('constraints managed by an agent', () => {
  it('defines a constraint, publishes it to constraint processors, changes it, tells subscribers, and removes it', async (t) => {
    const c = await startCluster(t, ['blue', 'red'], { blue: {}, red: {} });
    const subscription = await subscribeForConstraints(c, 'red');
    const zone = flight({ ...SITE, radiusM: 800, altLo: 0, altHi: 150, minutes: 120 });

    const defined = await c.operator('blue', 'POST', '/v1/constraints', { volumes: [zone], type: 'geozone', details: { geozone: GEOZONE } });
    assert.equal(defined.status, 201, defined.text);
    const id: string = defined.body.id;
    assert.equal(defined.body.version, 1);
    assert.equal(defined.body.type, 'geozone');
    assert.deepEqual(defined.body.details, { geozone: GEOZONE });
    assert.deepEqual(defined.body.volumes, [zone]);
    assert.equal(defined.body.notifications.length, 1, defined.text);
    assert.deepEqual(defined.body.notifications[0], { uss_base_url: c.agents['red']!.url, delivered: true });

    // The broker holds the reference (blue manages it; red sees its OVN hidden).
    const atBroker = await brokerReference(c, 'red', id);
    assert.equal(atBroker.status, 200, atBroker.text);
    assertMatches('GetConstraintReferenceResponse', atBroker.body);
    assert.equal(atBroker.body.constraint_reference.manager, 'blue');
    assert.equal(atBroker.body.constraint_reference.version, 1);
    assert.equal(atBroker.body.constraint_reference.uss_base_url, c.agents['blue']!.url);
    const ownView = await brokerReference(c, 'blue', id, CM);
    const ovn: string = ownView.body.constraint_reference.ovn;

    // Any constraint processor reads the details at blue's agent: no ticket, OVN included.
    const read = await published(c, 'red', 'blue', id);
    assert.equal(read.status, 200, read.text);
    assertMatches('ConstraintReference', read.body.constraint.reference);
    assert.equal(read.body.constraint.reference.id, id);
    assert.equal(read.body.constraint.reference.manager, 'blue');
    assert.equal(read.body.constraint.reference.version, 1);
    assert.equal(read.body.constraint.reference.ovn, ovn);
    assert.equal(read.body.constraint.reference.uss_base_url, c.agents['blue']!.url);
    assert.deepEqual(read.body.constraint.details, { volumes: [zone], type: 'geozone', geozone: GEOZONE });
    assert.equal((await published(c, 'red', 'blue', id, CM)).status, 200, 'a constraint manager may read it too');

    const wrongScope = await published(c, 'red', 'blue', id, 'utm.strategic_coordination');
    assert.equal(wrongScope.status, 403, wrongScope.text);
    assert.deepEqual(Object.keys(wrongScope.body), ['message']);
    const unknown = await published(c, 'red', 'blue', randomUUID());
    assert.equal(unknown.status, 404, unknown.text);
    assert.deepEqual(Object.keys(unknown.body), ['message']);

    // Red's subscription told red's agent; its operator sees a constraint notice.
    const told = await constraintNotices(c, 'red', id);
    assert.deepEqual(told.map((n) => ({ ...n, seq: 0, received_at: '' })), [
      { seq: 0, received_at: '', from: 'blue', kind: 'constraint', constraint_id: id, version: 1, deleted: false, subscriptions: [{ subscription_id: subscription, notification_index: 1 }] },
    ]);

    // A change keeps what it leaves out, and raises the version everywhere.
    const changed = await c.operator('blue', 'PUT', `/v1/constraints/${id}`, { type: 'temporary_restriction' });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.body.version, 2);
    assert.equal(changed.body.type, 'temporary_restriction');
    assert.deepEqual(changed.body.volumes, [zone]);
    assert.deepEqual(changed.body.details, { geozone: GEOZONE });
    assert.equal(changed.body.created_at, defined.body.created_at);
    assert.equal((await brokerReference(c, 'red', id)).body.constraint_reference.version, 2);
    const reread = await published(c, 'red', 'blue', id);
    assert.equal(reread.body.constraint.reference.version, 2);
    assert.equal(reread.body.constraint.details.type, 'temporary_restriction');
    assert.notEqual(reread.body.constraint.reference.ovn, ovn, 'a new OVN for the new version');
    const listed = await c.operator('blue', 'GET', '/v1/constraints');
    assert.deepEqual(listed.body.constraints.map((x: { id: string; version: number }) => [x.id, x.version]), [[id, 2]]);
    assert.deepEqual((await c.operator('blue', 'GET', `/v1/constraints/${id}`)).body, listed.body.constraints[0]);

    // Removal: gone from the broker and from blue's list; red is told.
    const removed = await c.operator('blue', 'DELETE', `/v1/constraints/${id}`);
    assert.equal(removed.status, 200, removed.text);
    assert.deepEqual(removed.body.notifications, [{ uss_base_url: c.agents['red']!.url, delivered: true }]);
    assert.equal((await brokerReference(c, 'red', id)).status, 404);
    assert.deepEqual((await c.operator('blue', 'GET', '/v1/constraints')).body.constraints, []);
    assert.equal((await published(c, 'red', 'blue', id)).status, 404);
    assert.deepEqual(
      (await constraintNotices(c, 'red', id)).map((n) => [n['version'], n['deleted']]),
      [[1, false], [2, false], [undefined, true]],
    );

    const metrics = await (await fetch(`${c.agents['blue']!.url}/metrics`)).text();
    assert.match(metrics, /parley_agent_events_total\{event="constraint\.answered"\} 3/);
    assert.match(metrics, /parley_agent_events_total\{event="constraint\.removed"\} 1/);
  });

  it('stores nothing when the input is invalid or the broker refuses, and changes nothing on a refused change', async (t) => {
    const c = await startCluster(t, ['blue'], { blue: {} });
    const zone = flight({ ...SITE, radiusM: 300 });
    const refusals: Array<[string, unknown, number, string | RegExp]> = [
      ['type missing', { volumes: [zone], details: {} }, 400, 'type'],
      ['type empty', { volumes: [zone], type: '' }, 400, 'type'],
      ['type too long', { volumes: [zone], type: 'x'.repeat(65) }, 400, 'type'],
      ['volumes missing', { type: 'geozone' }, 400, 'volumes'],
      ['volumes empty', { volumes: [], type: 'geozone' }, 400, 'volumes'],
      ['a volume without an outline', { volumes: [{ ...zone, volume: { ...zone.volume, outline_circle: undefined } }], type: 'geozone' }, 400, /^volumes\[0\]\.volume/],
      [
        'a volume upside down',
        { volumes: [{ ...zone, volume: { ...zone.volume, altitude_lower: { value: 200, reference: 'W84', units: 'M' } } }], type: 'geozone' },
        400,
        'volumes[0].volume.altitude_upper.value',
      ],
      ['a volume without an end', { volumes: [{ ...zone, time_end: undefined }], type: 'geozone' }, 400, 'volumes[0].time_end'],
      ['details not an object', { volumes: [zone], type: 'geozone', details: ['x'] }, 400, 'details'],
      ['a detail named like the constraint\'s own field', { volumes: [zone], type: 'geozone', details: { volumes: 1 } }, 400, 'details.volumes'],
      ['an unknown field', { volumes: [zone], type: 'geozone', priority: 3 }, 400, 'priority'],
    ];
    for (const [what, body, status, field] of refusals) {
      const answer = await c.operator('blue', 'POST', '/v1/constraints', body);
      assertProblem(answer, status, field, what);
      assert.equal(answer.body.code, 'invalid_input', what);
    }
    // The agent's rules pass it; the broker refuses a constraint that has already ended.
    const past = await c.operator('blue', 'POST', '/v1/constraints', { volumes: [flight({ ...SITE, startInMin: -120, minutes: 60 })], type: 'geozone' });
    assertProblem(past, 400, undefined, 'volumes in the past');
    assert.match(past.body.detail, /The broker refused our constraint/);
    assert.deepEqual((await c.operator('blue', 'GET', '/v1/constraints')).body.constraints, []);
    assert.deepEqual(await brokerConstraints(c, 'blue'), []);

    // Refused changes of a standing constraint leave it as it was, here and at the broker.
    const defined = await c.operator('blue', 'POST', '/v1/constraints', { volumes: [zone], type: 'geozone' });
    assert.equal(defined.status, 201, defined.text);
    assert.deepEqual(defined.body.notifications, []);
    const id: string = defined.body.id;
    assertProblem(await c.operator('blue', 'PUT', `/v1/constraints/${id}`, { type: 7 }), 400, 'type', 'a type that is not a string');
    assertProblem(
      await c.operator('blue', 'PUT', `/v1/constraints/${id}`, { volumes: [flight({ ...SITE, startInMin: -120, minutes: 60 })] }),
      400,
      undefined,
      'a change the broker refuses',
    );
    assert.deepEqual((await c.operator('blue', 'GET', `/v1/constraints/${id}`)).body, (({ notifications: _, ...rest }) => rest)(defined.body));
    assert.deepEqual((await brokerConstraints(c, 'blue')).map((r) => r.id), [id]);
    assert.equal((await brokerReference(c, 'blue', id)).body.constraint_reference.version, 1);

    const unknown = randomUUID();
    assertProblem(await c.operator('blue', 'GET', `/v1/constraints/${unknown}`), 404, undefined, 'read an unknown constraint');
    assertProblem(await c.operator('blue', 'PUT', `/v1/constraints/${unknown}`, { type: 'x' }), 404, undefined, 'change an unknown constraint');
    assertProblem(await c.operator('blue', 'DELETE', `/v1/constraints/${unknown}`), 404, undefined, 'remove an unknown constraint');
    assertProblem(await c.operator('blue', 'GET', '/v1/constraints/not-a-uuid'), 400, 'id', 'an id that is not a UUID');
  });

  it('POST /uss/v1/constraints keeps a notice from the constraint\'s manager, and refuses others', async (t) => {
    const c = await startCluster(t, ['blue', 'red', 'green'], { blue: {} });
    const send = (from: string, body: unknown, scope = CM) => c.as(from, `${c.agents['blue']!.url}/uss/v1/constraints`, { method: 'POST', body, scope });
    // A constraint of red's at the broker: only its manager, as the broker knows it, may notify of it.
    const id = randomUUID();
    const start = Date.now() + 600_000;
    const put = await c.as('red', `${c.brokerUrl}/dss/v1/constraint_references/${id}`, {
      method: 'PUT',
      scope: CM,
      body: { extents: [flight({ lat: 46.5, lng: 6.6 })], uss_base_url: 'http://127.0.0.1:19001' },
    });
    assert.equal(put.status, 201, put.text);
    const subscriptions = [{ subscription_id: randomUUID(), notification_index: 2 }];
    const reference = (overrides: Record<string, unknown> = {}) => {
      return {
        id,
        manager: 'red',
        uss_availability: 'Normal',
        version: 3,
        ovn: 'Available from USS',
        time_start: { value: new Date(start).toISOString(), format: 'RFC3339' },
        time_end: { value: new Date(start + 3_600_000).toISOString(), format: 'RFC3339' },
        uss_base_url: 'http://127.0.0.1:19001',
        ...overrides,
      };
    };
    assert.equal((await send('red', { constraint_id: id, constraint: { reference: reference() }, subscriptions })).status, 204);
    assert.equal((await send('red', { constraint_id: id, subscriptions }, CP)).status, 204, 'a removal notice, with CP scope');

    const refusals: Array<[string, string, unknown, string, number, RegExp?]> = [
      ['a manager other than the sender', 'green', { constraint_id: id, constraint: { reference: reference({ version: 4 }) }, subscriptions }, CM, 403],
      ['a version older than one notified', 'red', { constraint_id: id, constraint: { reference: reference({ version: 2 }) }, subscriptions }, CM, 409],
      ['reference.id ≠ constraint_id', 'red', { constraint_id: id, constraint: { reference: reference({ id: randomUUID() }) }, subscriptions }, CM, 400, /constraint\.reference\.id/],
      ['a reference without its version', 'red', { constraint_id: id, constraint: { reference: reference({ version: undefined }) }, subscriptions }, CM, 400, /constraint\.reference\.version/],
      ['subscriptions empty', 'red', { constraint_id: id, subscriptions: [] }, CM, 400, /subscriptions/],
      ['constraint_id not a UUID', 'red', { constraint_id: 'c-1', subscriptions }, CM, 400, /constraint_id/],
      ['a token without CM or CP scope', 'red', { constraint_id: id, subscriptions }, 'utm.strategic_coordination', 403],
    ];
    for (const [what, from, body, scope, status, names] of refusals) {
      const answer = await send(from, body, scope);
      assert.equal(answer.status, status, `${what}: ${answer.text}`);
      assert.deepEqual(Object.keys(answer.body), ['message'], what);
      if (names !== undefined) assert.match(answer.body.message, names, what);
    }
    const kept = await c.operator('blue', 'GET', '/v1/notifications');
    assert.deepEqual(
      kept.body.notifications.map((n: Record<string, unknown>) => [n['kind'], n['constraint_id'], n['from'], n['version'], n['deleted']]),
      [['constraint', id, 'red', 3, false], ['constraint', id, 'red', undefined, true]],
    );
  });
});
