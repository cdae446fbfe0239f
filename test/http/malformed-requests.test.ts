/**
 * DESIGN.md invariant 6 at the HTTP edge: a rejected request changes nothing. Well over a
 * hundred malformed requests (test/fixtures/malformed-cases.ts) across every F3548 DSS endpoint
 * each get a 4xx whose `message` names the offending field, never a 5xx. Then the whole store is
 * inventoried: it holds exactly the fixtures, unchanged, and the subscriptions' notification
 * indices have not moved.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import type { Store } from '../../src/app/ports/store.js';
import type { Volume4D } from '../../src/domain/geo/volume-4d.js';
import type { ConstraintId, IntentId, PartyId, SubscriptionId } from '../../src/domain/ids.js';
import {
  BODY_LIMIT_BYTES,
  DSS,
  availabilityBody,
  constraintBody,
  intentBody,
  malformedCases,
  queryBody,
  subscriptionBody,
  type Actor,
  type FixtureRefs,
  type MalformedCase,
} from '../fixtures/malformed-cases.js';
import { AA, CM, CP, makeTestBroker, SC } from '../support/broker-harness.js';

interface Reply {
  readonly status: number;
  readonly body: any;
}

/**
 * Circles of 2,000 km around a 18° × 15° grid of centres: every point of the Earth lies within
 * about 1,300 km of a centre, so together they cover the globe; all altitudes, all times.
 */
function worldCover(): Volume4D[] {
  const volumes: Volume4D[] = [];
  for (let lat = -90; lat <= 90; lat += 18) {
    for (let lng = -180; lng < 180; lng += 15) {
      volumes.push({
        footprint: { kind: 'circle', center: { lat, lng }, radiusM: 2_000_000 },
        altitudeLowerM: -Infinity,
        altitudeUpperM: Infinity,
        startMs: -Infinity,
        endMs: Infinity,
      });
    }
  }
  return volumes;
}

interface Inventory {
  readonly intents: string[];
  readonly constraints: string[];
  readonly subscriptions: string[];
}

async function inventory(store: Store, nowMs: number): Promise<Inventory> {
  const all = { limit: Number.MAX_SAFE_INTEGER };
  return store.read(async (reader) => {
    const world = worldCover();
    const ids = (records: readonly { id: string }[]) => [...new Set(records.map((r) => r.id))].sort();
    return {
      intents: ids(await reader.intents.findIntersecting(world, all)),
      constraints: ids(await reader.constraints.findIntersecting(world, all)),
      subscriptions: ids(await reader.subscriptions.findIntersecting(world, { ...all, nowMs })),
    };
  });
}

describe('malformed F3548 requests get a 4xx naming the field, and change nothing', async () => {
  const broker = await makeTestBroker({ storage: 'sqlite', bodyLimitBytes: BODY_LIMIT_BYTES });
  after(() => broker.close());
  const nowMs = broker.clock.nowMs();
  const tokens: Record<Actor, string> = {
    alpha: await broker.token('uss-alpha', [SC, CM, CP]),
    beta: await broker.token('uss-beta', [SC, CM, CP]),
    arbiter: await broker.token('uss-arbiter', [AA]),
  };

  const send = async (as: Actor, method: MalformedCase['method'], url: string, c: Pick<MalformedCase, 'body' | 'raw'> = {}): Promise<Reply> => {
    const headers: Record<string, string> = { authorization: `Bearer ${tokens[as]}` };
    let payload: string | undefined;
    if (c.raw !== undefined) {
      payload = c.raw.payload;
      if (c.raw.contentType !== undefined) headers['content-type'] = c.raw.contentType;
    } else if (c.body !== undefined) {
      payload = JSON.stringify(c.body);
      headers['content-type'] = 'application/json';
    }
    const response = await broker.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
    let body: unknown = response.body;
    try {
      body = JSON.parse(response.body);
    } catch {
      // keep the text for the failure message
    }
    return { status: response.statusCode, body };
  };
  const ok = (reply: Reply, status: number, what: string) => {
    assert.equal(reply.status, status, `${what}: ${JSON.stringify(reply.body)}`);
    return reply.body;
  };

  // -- Fixtures, built with the same builders the cases break, so those builders are known good. --
  const f1 = ok(
    await send('alpha', 'PUT', `${DSS}/operational_intent_references/${randomUUID()}`, {
      body: { ...intentBody({ nowMs, key: [] }), new_subscription: { uss_base_url: 'http://alpha.example/uss' } },
    }),
    201,
    'fixture intent with an implicit subscription',
  ).operational_intent_reference;
  const subscriptionId = randomUUID();
  const s1 = ok(
    await send('alpha', 'PUT', `${DSS}/subscriptions/${subscriptionId}`, { body: subscriptionBody(nowMs) }),
    200,
    'fixture subscription',
  ).subscription;
  const betaSubscriptionId = randomUUID();
  const betaSub = ok(
    await send('beta', 'PUT', `${DSS}/subscriptions/${betaSubscriptionId}`, { body: subscriptionBody(nowMs, 'beta') }),
    200,
    "beta's fixture subscription",
  ).subscription;
  const f2 = ok(
    await send('alpha', 'PUT', `${DSS}/operational_intent_references/${randomUUID()}`, {
      body: { ...intentBody({ nowMs, key: [f1.ovn] }), subscription_id: subscriptionId },
    }),
    201,
    'fixture intent on the explicit subscription',
  ).operational_intent_reference;
  const f3 = ok(
    await send('alpha', 'PUT', `${DSS}/operational_intent_references/${randomUUID()}`, { body: intentBody({ nowMs, key: [f1.ovn, f2.ovn] }) }),
    201,
    'fixture intent to update',
  ).operational_intent_reference;
  const c1 = ok(
    await send('alpha', 'PUT', `${DSS}/constraint_references/${randomUUID()}`, { body: constraintBody(nowMs) }),
    201,
    'fixture constraint',
  ).constraint_reference;
  const availabilityUss = 'uss-availability-fixture';
  const availability = ok(
    await send('arbiter', 'PUT', `${DSS}/uss_availability/${availabilityUss}`, { body: availabilityBody() }),
    200,
    'fixture availability',
  );
  ok(await send('alpha', 'POST', `${DSS}/reports`, { body: { exchange: { url: 'https://peer.example', method: 'GET', recorder_role: 'Client', request_time: { value: new Date(nowMs).toISOString(), format: 'RFC3339' } } } }), 201, 'fixture report');
  for (const query of ['operational_intent_references', 'constraint_references', 'subscriptions']) {
    ok(await send('alpha', 'POST', `${DSS}/${query}/query`, { body: queryBody() }), 200, `the base ${query} query`);
  }

  const fresh: string[] = [];
  const freshUssId = 'uss-never-set';
  const refs: FixtureRefs = {
    nowMs,
    intent: { id: f3.id, ovn: f3.ovn },
    dependentIntent: { id: f2.id, ovn: f2.ovn },
    key: [f1.ovn, f2.ovn, f3.ovn],
    subscription: { id: s1.id, version: s1.version },
    betaSubscription: { id: betaSub.id, version: betaSub.version },
    constraint: { id: c1.id, ovn: c1.ovn },
    availability: { ussId: availabilityUss, version: availability.version },
    freshUssId,
    fresh: () => {
      const id = randomUUID();
      fresh.push(id);
      return id;
    },
  };
  const intentIds = [f1.id, f2.id, f3.id].sort();
  const subscriptionIds = [f1.subscription_id, s1.id, betaSub.id].sort();

  const snapshot = () =>
    broker.store.read(async (reader) => ({
      intents: await Promise.all(intentIds.map((id) => reader.intents.get(id as IntentId))),
      constraint: await reader.constraints.get(c1.id as ConstraintId),
      subscriptions: await Promise.all(subscriptionIds.map((id) => reader.subscriptions.get(id as SubscriptionId))),
      availability: await reader.availability.get(availabilityUss as PartyId),
      freshAvailability: await reader.availability.get(freshUssId as PartyId),
    }));
  const before = await snapshot();
  assert.equal(before.subscriptions.length, 3);
  assert.ok(before.subscriptions.every((s) => s !== undefined && s.notificationIndex >= 1), 'the fixtures notified every subscription');

  const cases = malformedCases(refs);
  it(`covers at least 100 malformed requests (${cases.length}) on every DSS endpoint`, () => {
    assert.ok(cases.length >= 100);
    const routes = new Set(cases.map((c) => `${c.method} ${c.url.split('/').slice(3, 4).join('/')}`));
    for (const route of [
      'POST operational_intent_references', 'PUT operational_intent_references', 'GET operational_intent_references',
      'DELETE operational_intent_references', 'POST constraint_references', 'PUT constraint_references',
      'GET constraint_references', 'DELETE constraint_references', 'POST subscriptions', 'PUT subscriptions',
      'GET subscriptions', 'DELETE subscriptions', 'PUT uss_availability', 'POST reports',
    ]) {
      assert.ok(routes.has(route), `a case for ${route}`);
    }
  });

  for (const c of cases) {
    it(`${c.name} → ${Array.isArray(c.status) ? c.status.join('/') : c.status} naming ${JSON.stringify(c.names)}`, async () => {
      const reply = await send(c.as ?? 'alpha', c.method, c.url, c);
      const statuses: readonly number[] = Array.isArray(c.status) ? c.status : [c.status as number];
      assert.ok(reply.status < 500, `never a 5xx: got ${reply.status} ${JSON.stringify(reply.body)}`);
      assert.ok(statuses.includes(reply.status), `status ${reply.status}, expected ${statuses.join(' or ')}: ${JSON.stringify(reply.body)}`);
      assert.equal(typeof reply.body?.message, 'string', `an F3548 ErrorResponse {message}: ${JSON.stringify(reply.body)}`);
      const names: readonly string[] = typeof c.names === 'string' ? [c.names] : c.names;
      assert.ok(
        names.some((name) => (reply.body.message as string).includes(name)),
        `message ${JSON.stringify(reply.body.message)} names ${names.map((n) => JSON.stringify(n)).join(' or ')}`,
      );
      if (c.name.includes('airspace conflict')) {
        // An airspace conflict on create lists what the key missed.
        const missing = (reply.body.missing_operational_intents as { id: string }[]).map((r) => r.id).sort();
        assert.deepEqual(missing, intentIds);
      }
    });
  }

  it('after all of them, the store holds exactly the fixtures, unchanged', async () => {
    assert.deepEqual(await snapshot(), before, 'fixtures, subscriptions (notification indices) and availability are unchanged');

    const found = await inventory(broker.store, nowMs);
    assert.deepEqual(found.intents, intentIds, 'the whole world holds only the fixture intents');
    assert.deepEqual(found.constraints, [c1.id], 'the whole world holds only the fixture constraint');
    assert.deepEqual(found.subscriptions, subscriptionIds, 'the whole world holds only the fixture subscriptions');

    const stats = (broker.store as Store & { stats?: () => { intents: number; constraints: number; subscriptions: number } }).stats?.();
    assert.deepEqual(stats, { intents: 3, constraints: 1, subscriptions: 3 }, 'the SQLite store counts only the fixtures');

    assert.ok(fresh.length >= 50, `many fresh ids were probed (${fresh.length})`);
    const leaked = await broker.store.read(async (reader) => {
      const out: string[] = [];
      for (const id of fresh) {
        if ((await reader.intents.get(id as IntentId)) !== undefined) out.push(`intent ${id}`);
        if ((await reader.constraints.get(id as ConstraintId)) !== undefined) out.push(`constraint ${id}`);
        if ((await reader.subscriptions.get(id as SubscriptionId)) !== undefined) out.push(`subscription ${id}`);
      }
      return out;
    });
    assert.deepEqual(leaked, [], 'no id used by a malformed request exists');
  });

  it('after all of them, the API shows only the fixtures', async () => {
    const ids = (list: { id: string }[]) => list.map((r) => r.id).sort();
    const intents = ok(await send('alpha', 'POST', `${DSS}/operational_intent_references/query`, { body: queryBody() }), 200, 'intent query');
    assert.deepEqual(ids(intents.operational_intent_references), intentIds);
    const constraints = ok(await send('beta', 'POST', `${DSS}/constraint_references/query`, { body: queryBody() }), 200, 'constraint query');
    assert.deepEqual(ids(constraints.constraint_references), [c1.id]);
    const alphaSubs = ok(await send('alpha', 'POST', `${DSS}/subscriptions/query`, { body: queryBody() }), 200, 'subscription query');
    assert.deepEqual(ids(alphaSubs.subscriptions), [f1.subscription_id, s1.id].sort());
    for (const s of alphaSubs.subscriptions as { id: string; notification_index: number }[]) {
      const stored = before.subscriptions.find((b) => b?.id === s.id);
      assert.equal(s.notification_index, stored?.notificationIndex, `notification index of ${s.id} is unchanged`);
    }
    const betaSubs = ok(await send('beta', 'POST', `${DSS}/subscriptions/query`, { body: queryBody() }), 200, 'beta subscription query');
    assert.deepEqual(ids(betaSubs.subscriptions), [betaSub.id]);
    const intent = ok(await send('alpha', 'GET', `${DSS}/operational_intent_references/${f3.id}`), 200, 'fixture intent');
    assert.equal(intent.operational_intent_reference.ovn, f3.ovn);
    assert.equal(intent.operational_intent_reference.version, 1);
    const unset = ok(await send('arbiter', 'GET', `${DSS}/uss_availability/${freshUssId}`), 200, 'never-set availability');
    assert.deepEqual(unset, { status: { uss: freshUssId, availability: 'Unknown' }, version: '' });
  });
});
