/**
 * An agent's F3548 USS API (/uss/v1), called as another party: who may ask at all, what a
 * ticket holder is told (exactly what the owner's policy allows, on the record as a receipt
 * without values), what everyone else is refused (403, nothing of the details), and the
 * notifications peers send (only the manager's, well-formed and not stale, are kept).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it, type TestContext } from 'node:test';
import { generateSigningKey } from '../../src/adapters/cli/key-file.js';
import { createTokenSigner } from '../../src/adapters/cli/sign-token.js';
import { AUDIT, SC, flight, startCluster, type AgentOptions, type Answer, type Cluster } from '../support/agent-cluster.js';
import type { WireVolume4D } from '../support/wire.js';

const HIDDEN_OVN = 'Available from USS';
const SITE_A = { lat: 46.5, lng: 6.6 };
const SITE_B = { lat: 47.4, lng: 8.5 };
const SITE_C = { lat: 45.9, lng: 5.2 };

/** Distinctive values, so an answer that leaks any of them is caught by a plain text search. */
const SECRETS = {
  callsign: 'CALLSIGN-ALWAYS-7f3a91',
  contact: 'CONTACT-ALWAYS-19bd44',
  mission: 'MISSION-NEVER-c0de55',
  pilot_phone: 'PHONE-WHEN-P5-44e1aa',
};
const OTHER_SECRETS = { callsign: 'OTHER-CALLSIGN-2b8e07', mission: 'OTHER-MISSION-d41f63' };
const ALL_SECRETS = [...Object.values(SECRETS), ...Object.values(OTHER_SECRETS)];

const POLICY = {
  version: 1,
  default: {
    fields: {
      volumes: 'always',
      priority: 'always',
      callsign: 'always',
      contact: 'always',
      mission: 'never',
      pilot_phone: { when: [{ requester_priority_at_least: 5 }] },
    },
  },
};
/** Shares the same fields, but only against tickets whose basis is an intent. */
const INTENT_ONLY_POLICY = { version: 1, default: { bases: ['intent'], fields: POLICY.default.fields } };

async function cluster(t: TestContext, agents: Readonly<Record<string, AgentOptions>>): Promise<Cluster> {
  return startCluster(t, ['red', 'blue', 'green', 'amber'], agents);
}

async function plan(c: Cluster, party: string, site: { lat: number; lng: number }, details: Record<string, unknown>, priority = 4): Promise<string> {
  const answer = await c.operator(party, 'POST', '/v1/operations', { volumes: [flight(site)], priority, state: 'Accepted', details });
  assert.equal(answer.status, 201, answer.text);
  return answer.body.id;
}

const around = (site: { lat: number; lng: number }): WireVolume4D => flight({ ...site, radiusM: 5_000, startInMin: 0, minutes: 600 });

async function declare(c: Cluster, party: string, site: { lat: number; lng: number }, priority: number): Promise<string> {
  const answer = await c.as(party, `${c.brokerUrl}/v1/declarations`, { method: 'POST', body: { volumes: [flight({ ...site, radiusM: 300 })], priority } });
  assert.equal(answer.status, 201, answer.text);
  return answer.body.id;
}

async function withdraw(c: Cluster, party: string, id: string): Promise<void> {
  const answer = await c.as(party, `${c.brokerUrl}/v1/declarations/${id}`, { method: 'DELETE' });
  assert.equal(answer.status, 200, answer.text);
}

/** The broker's references around `site` as `party` sees them (tickets and OVNs included). */
async function references(c: Cluster, party: string, site: { lat: number; lng: number }): Promise<Array<{ id: string; manager: string; ovn: string; version: number; parley_ticket?: string }>> {
  const answer = await c.as(party, `${c.brokerUrl}/dss/v1/operational_intent_references/query`, { method: 'POST', body: { area_of_interest: around(site) } });
  assert.equal(answer.status, 200, answer.text);
  return answer.body.operational_intent_references;
}

/** A ticket for `intentId` issued to `party`, on a declaration at `priority` (withdrawn again). */
async function ticketFor(c: Cluster, party: string, intentId: string, site: { lat: number; lng: number }, priority = 3): Promise<string> {
  const declaration = await declare(c, party, site, priority);
  const ticket = (await references(c, party, site)).find((r) => r.id === intentId)?.parley_ticket;
  await withdraw(c, party, declaration);
  assert.equal(typeof ticket, 'string', `no ticket for ${party} on ${intentId}`);
  return ticket as string;
}

function detailsRequest(c: Cluster, requester: string, owner: string, intentId: string, ticket?: string, init: { scope?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const url = `${(c.agents[owner] as { url: string }).url}/uss/v1/operational_intents/${intentId}`;
  return c.as(requester, url, { ...init, headers: { ...(ticket === undefined ? {} : { 'parley-ticket': ticket }), ...init.headers } });
}

async function receipts(c: Cluster, party: string): Promise<Array<{ index: number; content: Record<string, any> }>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const answer = await c.as(party, `${c.brokerUrl}/v1/log/entries?start=0&limit=1000`, { scope: AUDIT });
  assert.equal(answer.status, 200, answer.text);
  return answer.body.entries.filter((e: { content?: { kind: string } }) => e.content?.kind === 'disclosure.receipt');
}

function assertRefused(answer: Answer, status: number, what: string): void {
  assert.equal(answer.status, status, `${what}: ${answer.text}`);
  assert.deepEqual(Object.keys(answer.body ?? {}), ['message'], `${what}: an F3548 {"message"} body`);
  assert.equal(typeof answer.body.message, 'string');
  for (const secret of ALL_SECRETS) assert.equal(answer.text.includes(secret), false, `${what} leaks ${secret}`);
}

describe('GET /uss/v1/operational_intents/{id}', () => {
  it('refuses callers that are not authenticated peers with the right scope, before anything else', async (t) => {
    const c = await cluster(t, { red: { policy: POLICY } });
    const id = await plan(c, 'red', SITE_A, SECRETS);
    const ticket = await ticketFor(c, 'blue', id, SITE_A);
    const url = `${c.agents['red']!.url}/uss/v1/operational_intents/${id}`;
    // The control: this very request, properly authenticated, is answered.
    assert.equal((await detailsRequest(c, 'blue', 'red', id, ticket)).status, 200);

    const bare = await fetch(url, { headers: { 'parley-ticket': ticket } });
    const bareText = await bare.text();
    assertRefused({ status: bare.status, text: bareText, body: JSON.parse(bareText) }, 401, 'no Authorization');

    const stranger = await createTokenSigner((await generateSigningKey('EdDSA')).privateJwk);
    const forged = await stranger({ sub: 'blue', aud: '127.0.0.1', scope: SC }, { nowMs: Date.now() });
    assertRefused(await detailsRequest(c, 'blue', 'red', id, ticket, { headers: { authorization: `Bearer ${forged}` } }), 401, 'a key not in the parties file');

    const elsewhere = await c.parties['blue']!.sign({ sub: 'blue', aud: 'uss.example.com', scope: SC }, { nowMs: Date.now() });
    assertRefused(await detailsRequest(c, 'blue', 'red', id, ticket, { headers: { authorization: `Bearer ${elsewhere}` } }), 401, 'aud another host');

    assertRefused(await detailsRequest(c, 'blue', 'red', id, ticket, { scope: AUDIT }), 403, 'no strategic coordination scope');

    const notUuid = await detailsRequest(c, 'blue', 'red', 'not-a-uuid', ticket);
    assertRefused(notUuid, 400, 'entity id not a UUID');
    assert.match(notUuid.body.message, /entityid/);
    assert.equal((await receipts(c, 'red')).length, 1, 'only the control request was answered');
  });

  it('answers a ticket holder exactly the fields its policy allows, weighing the declared priority, with a receipt of names only', async (t) => {
    const c = await cluster(t, { red: { policy: POLICY } });
    const id = await plan(c, 'red', SITE_A, SECRETS, 4);
    const ownView = (await references(c, 'red', SITE_A)).find((r) => r.id === id);
    assert.ok(ownView !== undefined && ownView.ovn !== HIDDEN_OVN, 'the manager sees its OVN at the broker');

    const high = await detailsRequest(c, 'blue', 'red', id, await ticketFor(c, 'blue', id, SITE_A, 7));
    assert.equal(high.status, 200, high.text);
    const reference = high.body.operational_intent.reference;
    assert.equal(reference.id, id);
    assert.equal(reference.manager, 'red');
    assert.equal(reference.ovn, ownView.ovn, 'the real OVN, usable in a key');
    assert.equal(reference.version, ownView.version);
    assert.equal(reference.uss_base_url, c.agents['red']!.url);
    const details = high.body.operational_intent.details;
    assert.deepEqual(Object.keys(details).sort(), ['callsign', 'contact', 'pilot_phone', 'priority', 'volumes']);
    assert.equal(details.callsign, SECRETS.callsign);
    assert.equal(details.contact, SECRETS.contact);
    assert.equal(details.pilot_phone, SECRETS.pilot_phone, 'priority 7 ≥ 5');
    assert.equal(details.priority, 4);
    assert.deepEqual(details.volumes[0].volume.outline_circle, { center: SITE_A, radius: { value: 500, units: 'M' } });
    assert.equal(high.text.includes(SECRETS.mission), false, 'a "never" field is never disclosed');
    assert.equal(typeof high.body.parley_receipt.log_index, 'number');

    const low = await detailsRequest(c, 'blue', 'red', id, await ticketFor(c, 'blue', id, SITE_A, 2));
    assert.equal(low.status, 200, low.text);
    assert.deepEqual(Object.keys(low.body.operational_intent.details).sort(), ['callsign', 'contact', 'priority', 'volumes']);
    assert.equal(low.text.includes(SECRETS.pilot_phone), false, 'priority 2 < 5');
    assert.equal(low.text.includes(SECRETS.mission), false);

    // Both answers are on the broker's log, for the owner and the requester alike: names, never values.
    for (const party of ['red', 'blue']) {
      const logged = await receipts(c, party);
      assert.deepEqual(logged.map((e) => e.index), [high.body.parley_receipt.log_index, low.body.parley_receipt.log_index]);
      assert.deepEqual(logged.map((e) => e.content.fields), [
        ['callsign', 'contact', 'pilot_phone', 'priority', 'volumes'],
        ['callsign', 'contact', 'priority', 'volumes'],
      ]);
      assert.deepEqual(logged.map((e) => [e.content.requester, e.content.by, e.content.intent_id, e.content.basis.kind, e.content.basis.priority]), [
        ['blue', 'red', id, 'declaration', 7],
        ['blue', 'red', id, 'declaration', 2],
      ]);
      const text = JSON.stringify(logged);
      for (const secret of ALL_SECRETS) assert.equal(text.includes(secret), false, `the receipt holds the value ${secret}`);
    }
  });

  it('refuses (403, nothing disclosed, nothing logged) a missing, garbage, misdirected or wrong-basis ticket', async (t) => {
    const c = await cluster(t, { red: { policy: POLICY }, amber: { policy: INTENT_ONLY_POLICY } });
    const id = await plan(c, 'red', SITE_A, SECRETS);
    const otherId = await plan(c, 'red', SITE_B, OTHER_SECRETS);
    const amberId = await plan(c, 'amber', SITE_C, OTHER_SECRETS);

    assertRefused(await detailsRequest(c, 'blue', 'red', id), 403, 'no ticket');
    assertRefused(await detailsRequest(c, 'blue', 'red', id, ''), 403, 'an empty ticket');
    assertRefused(await detailsRequest(c, 'blue', 'red', id, 'eyJhbGciOiJFZERTQSJ9.e30.AAAA'), 403, 'a garbage ticket');
    const forOther = await ticketFor(c, 'blue', otherId, SITE_B);
    assertRefused(await detailsRequest(c, 'blue', 'red', id, forOther), 403, 'a ticket for another of red\'s operations');
    const greens = await ticketFor(c, 'green', id, SITE_A);
    assertRefused(await detailsRequest(c, 'blue', 'red', id, greens), 403, 'a ticket issued to green, used by blue');
    const onDeclaration = await ticketFor(c, 'blue', amberId, SITE_C);
    const wrongBasis = await detailsRequest(c, 'blue', 'amber', amberId, onDeclaration);
    assertRefused(wrongBasis, 403, 'a declaration basis where the policy accepts intents only');
    assert.match(wrongBasis.body.message, /basis/);
    assert.deepEqual(await receipts(c, 'red'), [], 'no refusal is logged as a disclosure');
    assert.deepEqual(await receipts(c, 'amber'), []);

    // The controls: each misused ticket is good for its own holder and intent.
    assert.equal((await detailsRequest(c, 'blue', 'red', otherId, forOther)).status, 200);
    assert.equal((await detailsRequest(c, 'green', 'red', id, greens)).status, 200);
  });

  it('never reveals whether an intent exists to a ticket for another one, and answers 404 for an ended one', async (t) => {
    const c = await cluster(t, { red: { policy: POLICY } });
    const id = await plan(c, 'red', SITE_A, SECRETS);
    const ticket = await ticketFor(c, 'blue', id, SITE_A);
    assertRefused(await detailsRequest(c, 'blue', 'red', randomUUID(), ticket), 403, 'an unknown intent');

    const ended = await c.operator('red', 'DELETE', `/v1/operations/${id}`);
    assert.equal(ended.status, 200, ended.text);
    assert.equal(ended.body.state, 'Ended');
    assertRefused(await detailsRequest(c, 'blue', 'red', id, ticket), 404, 'an ended operation, ticket from before');
    assert.deepEqual(await receipts(c, 'red'), []);
  });

  it('a --ticketless reference agent answers the reference alone to a ticketless peer and logs nothing; a default agent refuses', async (t) => {
    const c = await cluster(t, { red: { policy: POLICY, ticketless: 'reference' }, amber: { policy: POLICY } });
    const id = await plan(c, 'red', SITE_A, SECRETS);
    const amberId = await plan(c, 'amber', SITE_C, OTHER_SECRETS);
    const ownView = (await references(c, 'red', SITE_A)).find((r) => r.id === id);

    const plain = await detailsRequest(c, 'blue', 'red', id);
    assert.equal(plain.status, 200, plain.text);
    assert.equal(plain.body.operational_intent.reference.id, id);
    assert.equal(plain.body.operational_intent.reference.manager, 'red');
    assert.equal(plain.body.operational_intent.reference.ovn, ownView?.ovn);
    assert.deepEqual(plain.body.operational_intent.details, {});
    assert.equal('parley_receipt' in plain.body, false);
    for (const secret of ALL_SECRETS) assert.equal(plain.text.includes(secret), false);
    assert.deepEqual(await receipts(c, 'red'), [], 'a reference alone is no disclosure of details');
    assertRefused(await detailsRequest(c, 'blue', 'red', randomUUID()), 403, 'ticketless, an unknown intent');

    assertRefused(await detailsRequest(c, 'blue', 'amber', amberId), 403, 'ticketless at a default agent');
  });
});

describe('POST /uss/v1/operational_intents (notifications)', () => {
  const SUBSCRIPTION = randomUUID();
  const OMIT = Symbol('omit');
  const notice = (intentId: string, reference: Record<string, unknown> | undefined, subscriptions: unknown = [{ subscription_id: SUBSCRIPTION, notification_index: 3 }]) => ({
    operational_intent_id: intentId,
    ...(reference === undefined ? {} : { operational_intent: { reference } }),
    ...(subscriptions === OMIT ? {} : { subscriptions }),
  });
  const reference = (intentId: string, overrides: Record<string, unknown> = {}) => {
    const start = Date.now() + 600_000;
    return {
      id: intentId,
      manager: 'red',
      uss_availability: 'Normal',
      version: 3,
      state: 'Activated',
      ovn: `ovn-${intentId}`,
      time_start: { value: new Date(start).toISOString(), format: 'RFC3339' },
      time_end: { value: new Date(start + 3_600_000).toISOString(), format: 'RFC3339' },
      uss_base_url: 'http://127.0.0.1:19000',
      subscription_id: randomUUID(),
      ...overrides,
    };
  };
  /** An intent of red's at the broker: only its manager, as the broker knows it, may notify of it. */
  const brokerIntent = async (c: Cluster): Promise<string> => {
    const id = randomUUID();
    const put = await c.as('red', `${c.brokerUrl}/dss/v1/operational_intent_references/${id}`, {
      method: 'PUT',
      body: { extents: [flight({ lat: 46.5, lng: 6.6 })], state: 'Accepted', uss_base_url: 'http://127.0.0.1:19000' },
    });
    assert.equal(put.status, 201, put.text);
    return id;
  };
  const send = (c: Cluster, from: string, body: unknown) => c.as(from, `${c.agents['blue']!.url}/uss/v1/operational_intents`, { method: 'POST', body });
  const notifications = async (c: Cluster) => {
    const answer = await c.operator('blue', 'GET', '/v1/notifications');
    assert.equal(answer.status, 200, answer.text);
    return answer.body.notifications as Array<Record<string, unknown>>;
  };

  it('keeps a notice from the intent\'s manager, and a deletion notice, for the operator', async (t) => {
    const c = await cluster(t, { blue: {} });
    const intentId = await brokerIntent(c);
    const changed = await send(c, 'red', notice(intentId, reference(intentId)));
    assert.equal(changed.status, 204, changed.text);
    const deleted = await send(c, 'red', notice(intentId, undefined, [{ subscription_id: SUBSCRIPTION, notification_index: 4 }]));
    assert.equal(deleted.status, 204, deleted.text);

    const kept = await notifications(c);
    assert.equal(kept.length, 2);
    const [first, second] = kept as [Record<string, unknown>, Record<string, unknown>];
    assert.equal(typeof first['seq'], 'number');
    assert.ok((second['seq'] as number) > (first['seq'] as number));
    assert.deepEqual({ ...first, seq: 0, received_at: '' }, {
      seq: 0, received_at: '', from: 'red', operational_intent_id: intentId, version: 3, state: 'Activated', deleted: false,
      subscriptions: [{ subscription_id: SUBSCRIPTION, notification_index: 3 }],
    });
    assert.deepEqual({ ...second, seq: 0, received_at: '' }, {
      seq: 0, received_at: '', from: 'red', operational_intent_id: intentId, deleted: true,
      subscriptions: [{ subscription_id: SUBSCRIPTION, notification_index: 4 }],
    });
  });

  it('refuses notices not from the manager, malformed or stale, and keeps none of them', async (t) => {
    const c = await cluster(t, { blue: {} });
    const intentId = await brokerIntent(c);
    assert.equal((await send(c, 'red', notice(intentId, reference(intentId, { version: 5 })))).status, 204);
    const before = await notifications(c);
    assert.equal(before.length, 1);

    const refusals: Array<[string, string, unknown, number, RegExp?]> = [
      ['a manager other than the sender', 'green', notice(intentId, reference(intentId, { version: 6 })), 403],
      ['reference.id ≠ operational_intent_id', 'red', notice(intentId, reference(randomUUID(), { version: 6 })), 400, /operational_intent\.reference\.id/],
      ['a version older than one notified', 'red', notice(intentId, reference(intentId, { version: 4 })), 409],
      ['subscriptions missing', 'red', notice(intentId, reference(intentId, { version: 6 }), OMIT), 400, /subscriptions/],
      ['subscriptions empty', 'red', notice(intentId, reference(intentId, { version: 6 }), []), 400, /subscriptions/],
      ['notification_index negative', 'red', notice(intentId, reference(intentId, { version: 6 }), [{ subscription_id: SUBSCRIPTION, notification_index: -1 }]), 400, /subscriptions\[0\]\.notification_index/],
      ['operational_intent_id not a UUID', 'red', notice('intent-1', undefined), 400, /operational_intent_id/],
    ];
    for (const [what, from, body, status, names] of refusals) {
      const answer = await send(c, from, body);
      assertRefused(answer, status, what);
      if (names !== undefined) assert.match(answer.body.message, names, what);
    }
    const garbled = await fetch(`${c.agents['blue']!.url}/uss/v1/operational_intents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await c.parties['red']!.sign({ sub: 'red', aud: '127.0.0.1', scope: SC }, { nowMs: Date.now() })}`, 'content-type': 'application/json' },
      body: '{"operational_intent_id": ',
    });
    assert.equal(garbled.status, 400);
    assert.equal(typeof ((await garbled.json()) as { message?: unknown }).message, 'string');

    assert.deepEqual(await notifications(c), before, 'nothing refused was kept');
  });

  it('refuses a deletion notice from a party other than the manager it has heard from', async (t) => {
    const c = await cluster(t, { blue: {} });
    const intentId = await brokerIntent(c);
    assert.equal((await send(c, 'red', notice(intentId, reference(intentId)))).status, 204);
    const before = await notifications(c);
    const spoofed = await send(c, 'green', notice(intentId, undefined));
    assertRefused(spoofed, 403, 'green says red\'s intent was deleted');
    assert.deepEqual(await notifications(c), before);
  });
});
