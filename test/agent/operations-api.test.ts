/**
 * An agent's native planning API (/v1), as its own party's operator: only that party's tokens
 * get in; every invalid plan is a 400 problem naming the field and leaves nothing behind, here or
 * at the broker; an operation goes through its lifecycle (plan, activate, modify, end) with the
 * state rules enforced; two changes at once never leave it in a state neither answer showed.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { SC, flight, startCluster, type Answer, type Cluster } from '../support/agent-cluster.js';

const HOME = { lat: 46.5, lng: 6.6 };
const around = flight({ ...HOME, radiusM: 20_000, startInMin: 0, minutes: 600 });

async function brokerIntentIds(c: Cluster, party: string): Promise<string[]> {
  const answer = await c.as(party, `${c.brokerUrl}/dss/v1/operational_intent_references/query`, { method: 'POST', body: { area_of_interest: around } });
  assert.equal(answer.status, 200, answer.text);
  return answer.body.operational_intent_references.map((r: { id: string }) => r.id);
}

async function list(c: Cluster, query = ''): Promise<Array<{ id: string; state: string }>> {
  const answer = await c.operator('red', 'GET', `/v1/operations${query}`);
  assert.equal(answer.status, 200, answer.text);
  return answer.body.operations;
}

function assertProblem(answer: Answer, status: number, code: string, field?: string | RegExp): void {
  assert.equal(answer.status, status, answer.text);
  assert.equal(answer.body.code, code, answer.text);
  assert.equal(answer.body.status, status);
  assert.equal(typeof answer.body.detail, 'string');
  if (typeof field === 'string') assert.equal(answer.body.field, field, answer.text);
  else if (field !== undefined) assert.match(String(answer.body.field), field, answer.text);
}

/** The operation as GET shows it: the write answers' extra members left out. */
function representation(body: Record<string, unknown>): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any -- compared whole
  const { attempts: _attempts, notifications: _notifications, ...rest } = body;
  return rest;
}

const valid = (overrides: Record<string, unknown> = {}) => ({ volumes: [flight(HOME)], priority: 3, state: 'Accepted', ...overrides });

describe('native operations API (/v1)', () => {
  it('lets in only its own party\'s operators: a peer\'s token, valid for the peer API, gets 401', async (t) => {
    const c = await startCluster(t, ['red', 'blue'], { red: {} });
    const base = c.agents['red']!.url;
    for (const [method, body] of [['GET', undefined], ['POST', valid()]] as const) {
      const answer = await c.as('blue', `${base}/v1/operations`, { method, body });
      assertProblem(answer, 401, 'unauthenticated');
      assert.match(answer.text, /^\{/);
    }
    const operation = await c.as('blue', `${base}/v1/operations/${randomUUID()}`, { method: 'DELETE' });
    assertProblem(operation, 401, 'unauthenticated');
    // The control: the same kind of token is authenticated by the peer API (and refused there for want of a ticket).
    assert.equal((await c.as('blue', `${base}/uss/v1/operational_intents/${randomUUID()}`, { scope: SC })).status, 403);
    assert.deepEqual(await list(c), []);
    assert.deepEqual(await brokerIntentIds(c, 'red'), []);
  });

  it('refuses each invalid plan with a 400 problem naming the field, and keeps nothing', async (t) => {
    const c = await startCluster(t, ['red'], { red: {} });
    const tooMany = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`f${i}`, i]));
    const negative = flight(HOME);
    (negative.volume as { outline_circle: { radius: { value: number } } }).outline_circle.radius.value = -5;
    const cases: Array<[string, unknown, string | RegExp]> = [
      ['missing volumes', { priority: 3, state: 'Accepted' }, 'volumes'],
      ['empty volumes', valid({ volumes: [] }), 'volumes'],
      ['a negative radius', valid({ volumes: [negative] }), /^volumes\[0\]\./],
      ['missing state', { volumes: [flight(HOME)] }, 'state'],
      ['priority 101', valid({ priority: 101 }), 'priority'],
      ['priority 1.5', valid({ priority: 1.5 }), 'priority'],
      ['state Ended on create', valid({ state: 'Ended' }), 'state'],
      ['state Nonconforming on create', valid({ state: 'Nonconforming' }), 'state'],
      ['an unknown top-level field', valid({ callsign: 'RED-1' }), 'callsign'],
      ['a reserved detail name', valid({ details: { priority: 9 } }), 'details.priority'],
      ['a bad detail name', valid({ details: { 'Call Sign': 'RED-1' } }), 'details["Call Sign"]'],
      ['over 64 details', valid({ details: tooMany }), 'details'],
      ['details a string', valid({ details: 'RED-1' }), 'details'],
      ['details a list', valid({ details: ['RED-1'] }), 'details'],
      ['body a list', [valid()], 'body'],
    ];
    for (const [what, body, field] of cases) {
      await t.test(what, async () => assertProblem(await c.operator('red', 'POST', '/v1/operations', body), 400, 'invalid_input', field));
    }
    await t.test('volumes in the past (the broker refuses them)', async () => {
      const past = await c.operator('red', 'POST', '/v1/operations', valid({ volumes: [flight({ ...HOME, startInMin: -180, minutes: 60 })] }));
      assertProblem(past, 400, 'invalid_input');
      assert.ok(past.body.field === 'volumes' || /volumes\b.*past/.test(past.body.detail), past.text);
    });
    assert.deepEqual(await list(c), [], 'nothing at the agent');
    assert.deepEqual(await brokerIntentIds(c, 'red'), [], 'nothing at the broker');
    const declarations = await c.as('red', `${c.brokerUrl}/v1/declarations`);
    assert.deepEqual(declarations.body.declarations, [], 'no planning declaration left');
  });

  it('takes an operation through its lifecycle: plan, activate, modify, refuse a step back, end', async (t) => {
    const c = await startCluster(t, ['red'], { red: {} });
    const details = { callsign: 'RED-7', contact: 'ops@red.example', payload: { camera: true, kg: 1.25 }, crew: ['ana', 'bo'] };
    const volumes = [flight({ ...HOME, radiusM: 400 }), flight({ ...HOME, radiusM: 250, startInMin: 80, minutes: 30, altHi: 90 })];
    const planned = await c.operator('red', 'POST', '/v1/operations', { volumes, priority: 6, state: 'Accepted', details });
    assert.equal(planned.status, 201, planned.text);
    const id = planned.body.id;
    assert.equal(planned.body.version, 1);
    const read = async () => {
      const answer = await c.operator('red', 'GET', `/v1/operations/${id}`);
      assert.equal(answer.status, 200, answer.text);
      return answer.body;
    };
    const first = await read();
    assert.equal(first.state, 'Accepted');
    assert.equal(first.priority, 6);
    assert.deepEqual(first.details, details, 'every detail, as given');
    assert.deepEqual(first.volumes, volumes);
    assert.deepEqual(first, representation(planned.body));

    const activated = await c.operator('red', 'PUT', `/v1/operations/${id}`, { state: 'Activated' });
    assert.equal(activated.status, 200, activated.text);
    const second = await read();
    assert.equal(second.state, 'Activated');
    assert.ok(second.version > first.version, `version ${second.version} after ${first.version}`);
    assert.deepEqual([second.volumes, second.details, second.priority], [first.volumes, first.details, first.priority], 'left-out fields keep their values');

    const newVolumes = [flight({ ...HOME, radiusM: 800, startInMin: 20 })];
    const newDetails = { callsign: 'RED-8' };
    const modified = await c.operator('red', 'PUT', `/v1/operations/${id}`, { volumes: newVolumes, details: newDetails });
    assert.equal(modified.status, 200, modified.text);
    const third = await read();
    assert.deepEqual([third.state, third.volumes, third.details], ['Activated', newVolumes, newDetails]);
    assert.ok(third.version > second.version);
    assert.deepEqual(third, representation(modified.body));

    const back = await c.operator('red', 'PUT', `/v1/operations/${id}`, { state: 'Accepted' });
    assertProblem(back, 400, 'invalid_input', 'state');
    assert.deepEqual(await read(), third, 'a refused change changes nothing');
    assert.deepEqual(await brokerIntentIds(c, 'red'), [id]);

    const ended = await c.operator('red', 'DELETE', `/v1/operations/${id}`);
    assert.equal(ended.status, 200, ended.text);
    assert.equal(ended.body.state, 'Ended');
    assert.equal((await read()).state, 'Ended');
    assert.deepEqual(await brokerIntentIds(c, 'red'), [], 'the broker no longer has it');
    assertProblem(await c.operator('red', 'DELETE', `/v1/operations/${id}`), 404, 'not_found');
    assertProblem(await c.operator('red', 'PUT', `/v1/operations/${id}`, { state: 'Activated' }), 404, 'not_found');
  });

  it('answers 404 for an unknown id and 400 naming id for one that is not a UUID', async (t) => {
    const c = await startCluster(t, ['red'], { red: {} });
    assertProblem(await c.operator('red', 'GET', `/v1/operations/${randomUUID()}`), 404, 'not_found');
    assertProblem(await c.operator('red', 'PUT', `/v1/operations/${randomUUID()}`, { state: 'Activated' }), 404, 'not_found');
    assertProblem(await c.operator('red', 'DELETE', `/v1/operations/${randomUUID()}`), 404, 'not_found');
    assertProblem(await c.operator('red', 'GET', '/v1/operations/op-1'), 400, 'invalid_input', 'id');
    assertProblem(await c.operator('red', 'PUT', '/v1/operations/op-1', { state: 'Activated' }), 400, 'invalid_input', 'id');
    assertProblem(await c.operator('red', 'DELETE', '/v1/operations/op-1'), 400, 'invalid_input', 'id');
  });

  it('lists by state, within a limit of 1 to 1000', async (t) => {
    const c = await startCluster(t, ['red'], { red: {} });
    const ids: string[] = [];
    for (const [i, lng] of [6.6, 7.6, 8.6].entries()) {
      const answer = await c.operator('red', 'POST', '/v1/operations', valid({ volumes: [flight({ lat: 46.5, lng, startInMin: 10 + i })] }));
      assert.equal(answer.status, 201, answer.text);
      ids.push(answer.body.id);
    }
    assert.equal((await c.operator('red', 'DELETE', `/v1/operations/${ids[1]}`)).status, 200);
    assert.deepEqual((await list(c)).map((o) => o.id).sort(), [...ids].sort());
    assert.deepEqual((await list(c, '?state=Ended')).map((o) => [o.id, o.state]), [[ids[1], 'Ended']]);
    assert.deepEqual((await list(c, '?state=Accepted,Activated')).map((o) => o.id), [ids[2], ids[0]], 'newest first');
    assert.equal((await list(c, '?limit=1')).length, 1);
    assert.equal((await list(c, '?limit=1000')).length, 3);
    for (const limit of ['0', '1001', '-1', '2.5', 'ten']) {
      assertProblem(await c.operator('red', 'GET', `/v1/operations?limit=${limit}`), 400, 'invalid_input', 'limit');
    }
    assertProblem(await c.operator('red', 'GET', '/v1/operations?state=Flying'), 400, 'invalid_input', 'state');
  });

  it('two changes of one operation at once: one wins and the other is refused, or they apply in turn; GET shows the last', async (t) => {
    const c = await startCluster(t, ['red'], { red: {} });
    const planned = await c.operator('red', 'POST', '/v1/operations', valid({ details: { callsign: 'RED-0' } }));
    assert.equal(planned.status, 201, planned.text);
    const id = planned.body.id;
    const answers = await Promise.all([
      c.operator('red', 'PUT', `/v1/operations/${id}`, { details: { callsign: 'RED-A' }, priority: 4 }),
      c.operator('red', 'PUT', `/v1/operations/${id}`, { details: { callsign: 'RED-B' }, priority: 5, volumes: [flight({ ...HOME, radiusM: 700 })] }),
    ]);
    const succeeded = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status !== 200);
    assert.ok(succeeded.length >= 1, answers.map((a) => a.text).join('\n'));
    for (const r of refused) assertProblem(r, 409, 'version_mismatch');
    const last = succeeded.reduce((a, b) => (b.body.version > a.body.version ? b : a));
    if (succeeded.length === 2) assert.notEqual(succeeded[0]!.body.version, succeeded[1]!.body.version, 'two changes, two versions');
    const now = await c.operator('red', 'GET', `/v1/operations/${id}`);
    assert.equal(now.status, 200, now.text);
    assert.deepEqual(now.body, representation(last.body));
    assert.ok(now.body.version > planned.body.version);
    // The broker holds the same version as the agent.
    const atBroker = await c.as('red', `${c.brokerUrl}/dss/v1/operational_intent_references/${id}`);
    assert.equal(atBroker.status, 200, atBroker.text);
    assert.equal(atBroker.body.operational_intent_reference.version, now.body.version);
  });
});
