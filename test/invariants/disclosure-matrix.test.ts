/**
 * DESIGN.md invariant 3 (issue 4's matrix): no detail leaves an agent without a valid ticket,
 * issued by the broker to that requester for that intent, on a basis the owner's policy accepts,
 * and then only the fields the policy allows. 3 owners × 8 request conditions × 3 policies.
 * Tickets come from real query answers of a real broker; the owner's side is answerDetails().
 */
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { openTicket, signTicket } from '../../src/adapters/crypto/ticket-jws.js';
import { answerDetails, type OwnOperation } from '../../src/app/agent/answer-details.js';
import { parsePolicy } from '../../src/domain/disclosure/policy.js';
import type { TicketClaims } from '../../src/domain/tickets/ticket.js';
import { SC } from '../support/broker-harness.js';
import { DSS, createIntent, flightVolume, putIntentBody, queryBody, startBroker, ussClient, type UssClient } from '../support/wire.js';

const PARTIES = ['uss-blue', 'uss-red', 'uss-green'] as const;
const FIELDS = ['callsign', 'aircraft_type', 'mission', 'contact'] as const;

const POLICIES = {
  open: (_requester: string) => ({ version: 1, default: { bases: ['intent', 'subscription'], fields: { volumes: 'always', callsign: 'always', aircraft_type: 'always', contact: 'always', mission: 'never' } } }),
  strict: (_requester: string) => ({ version: 1, default: { bases: ['intent'], fields: { volumes: 'always' }, coarsen_volumes: true } }),
  'per-peer': (requester: string) => ({
    version: 1,
    default: { bases: ['intent'], fields: {} },
    peers: { [requester]: { bases: ['intent', 'subscription'], fields: { volumes: 'always', callsign: { when: [{ within_km: 5 }] }, contact: { when: [{ requester_priority_at_least: 5 }] }, mission: 'never' } } },
  }),
} as const;
/**
 * What each policy lets the requester see on an accepted ticket. The ticket's basis is an intent
 * centred on the owner's (basis.km 0 meets within_km 5); an intent basis states no priority, so
 * requester_priority_at_least is not met.
 */
const EXPECTED: Record<keyof typeof POLICIES, string[]> = {
  open: ['volumes', 'callsign', 'aircraft_type', 'contact'],
  strict: ['volumes'],
  'per-peer': ['volumes', 'callsign'],
};

async function ticketsFrom(uss: UssClient, around: ReturnType<typeof flightVolume>): Promise<Map<string, string>> {
  const answer = await uss.post(`${DSS}/operational_intent_references/query`, queryBody(around));
  assert.equal(answer.status, 200, answer.text);
  const refs = (answer.body as { operational_intent_references: Array<{ id: string; parley_ticket?: string }> }).operational_intent_references;
  return new Map(refs.flatMap((r) => (r.parley_ticket === undefined ? [] : [[r.id, r.parley_ticket] as [string, string]])));
}

describe('disclosure matrix: 3 owners × 8 conditions × 3 policies', () => {
  it('discloses exactly the allowed fields where a valid ticket allows it, and 403 with nothing disclosed otherwise', async (t) => {
    const broker = await startBroker(t);
    const forger = { kid: 'forged', privateKey: generateKeyPairSync('ed25519').privateKey };
    const clients = Object.fromEntries(await Promise.all(PARTIES.map(async (p) => [p, await ussClient(broker, p, [SC])] as const))) as Record<string, UssClient>;
    const keyAnswer = (await clients['uss-blue']!.get('/v1/tickets/key')).body as { issuer: string; jwk: object };
    const brokerKey = createPublicKey({ key: keyAnswer.jwk as never, format: 'jwk' });
    let checked = 0;

    for (const [i, owner] of PARTIES.entries()) {
      const requester = PARTIES[(i + 1) % 3]!;
      const third = PARTIES[(i + 2) % 3]!;
      const lat = 46 + i; // each owner in its own area
      const at = (dLat: number, radiusM = 300) => flightVolume({ lat: lat + dLat, radiusM });
      const ownerClient = clients[owner]!;
      const x1 = await createIntent(ownerClient, putIntentBody({ extents: [at(0)] }));
      const x2 = await createIntent(ownerClient, putIntentBody({ extents: [at(0.05)] }));
      const x3 = await createIntent(ownerClient, putIntentBody({ extents: [at(0.1)] }));
      // The requester plans over x1 (its key holds x1's OVN) and declares over x2; nothing near x3.
      await createIntent(clients[requester]!, putIntentBody({ extents: [at(0, 100)], key: [x1.ovn as string] }));
      assert.equal((await clients[requester]!.post('/v1/declarations', { volumes: [at(0.05, 100)] })).status, 201);
      assert.equal((await clients[third]!.post('/v1/declarations', { volumes: [at(0, 100)] })).status, 201);
      const mine = await ticketsFrom(clients[requester]!, at(0.05, 20_000));
      const theirs = await ticketsFrom(clients[third]!, at(0, 2_000));
      assert.ok(mine.has(x1.id) && mine.has(x2.id) && !mine.has(x3.id), 'the broker issues tickets exactly where the requester has a record');
      const t1 = mine.get(x1.id)!;
      const claims1 = openTicket(t1, brokerKey) as TicketClaims;
      assert.equal(claims1.basis.kind, 'intent');
      assert.equal((openTicket(mine.get(x2.id)!, brokerKey) as TicketClaims).basis.kind, 'declaration');

      const sentinel = (intent: string, field: string) => `SENTINEL-${owner}-${intent.slice(0, 8)}-${field}`;
      const operation = (id: string, volumes: OwnOperation['volumes']): OwnOperation => ({
        intentId: id,
        volumes,
        details: Object.fromEntries(FIELDS.map((f) => [f, sentinel(id, f)])),
      });
      const nowS = Math.floor(broker.clock.ms / 1000);
      const volumesOf = async (id: string) => (await broker.store.read((r) => r.intents.get(id as never)))!.extents;
      const ops = { [x1.id]: operation(x1.id, await volumesOf(x1.id)), [x2.id]: operation(x2.id, await volumesOf(x2.id)), [x3.id]: operation(x3.id, await volumesOf(x3.id)) };

      const conditions: Array<{ name: string; intent: string; ticket: string | undefined; nowS: number; allowed: boolean; reason?: string }> = [
        { name: 'intersecting', intent: x1.id, ticket: t1, nowS, allowed: true },
        { name: 'not intersecting (no ticket was issued)', intent: x3.id, ticket: mine.get(x3.id), nowS, allowed: false, reason: 'no_ticket' },
        { name: 'expired ticket', intent: x1.id, ticket: t1, nowS: claims1.exp + 60, allowed: false, reason: 'expired' },
        { name: 'forged ticket', intent: x1.id, ticket: signTicket(claims1, forger), nowS, allowed: false, reason: 'bad_signature' },
        { name: 'ticket for another intent', intent: x1.id, ticket: mine.get(x2.id), nowS, allowed: false, reason: 'other_intent' },
        { name: 'ticket issued to another requester', intent: x1.id, ticket: theirs.get(x1.id), nowS, allowed: false, reason: 'other_requester' },
        { name: 'no ticket', intent: x1.id, ticket: undefined, nowS, allowed: false, reason: 'no_ticket' },
        { name: 'basis the policy does not accept', intent: x2.id, ticket: mine.get(x2.id), nowS, allowed: false, reason: 'basis_not_accepted' },
      ];
      for (const [policyName, make] of Object.entries(POLICIES) as Array<[keyof typeof POLICIES, (r: string) => unknown]>) {
        const policy = parsePolicy(make(requester));
        for (const c of conditions) {
          const answer = answerDetails(
            { policy, openTicket: (token) => openTicket(token, brokerKey), issuer: keyAnswer.issuer, nowS: c.nowS },
            ops[c.intent],
            { requester, intentId: c.intent, ticket: c.ticket },
          );
          const label = `${owner} → ${requester}, ${policyName}, ${c.name}`;
          const text = JSON.stringify(answer);
          if (c.allowed) {
            assert.equal(answer.status, 200, `${label}: ${text}`);
            assert.ok(answer.status === 200);
            assert.deepEqual([...answer.disclosed].sort(), [...EXPECTED[policyName]].sort(), label);
            assert.deepEqual(Object.keys(answer.body).sort(), [...EXPECTED[policyName]].sort(), label);
            for (const f of FIELDS) assert.equal(text.includes(sentinel(c.intent, f)), EXPECTED[policyName].includes(f), `${label}: ${f}`);
          } else {
            assert.equal(answer.status, 403, `${label}: ${text}`);
            assert.ok(answer.status === 403);
            assert.equal(answer.reason, c.reason, label);
            assert.ok(!text.includes('SENTINEL'), `${label}: nothing disclosed`);
          }
          checked++;
        }
      }
    }
    assert.equal(checked, 3 * 8 * 3);
  });
});
