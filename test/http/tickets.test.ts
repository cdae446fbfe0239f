/**
 * Intersection tickets in query answers (issue 4): a reference carries `parley_ticket` only when
 * it intersects one of the requester's own records — an intent, a subscription or a live
 * planning declaration — and the ticket says so, signed with the key of GET /v1/tickets/key,
 * with the basis's declared priority (if any) and its distance to the intent in km.
 */
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { describe, it } from 'node:test';
import { openTicket } from '../../src/adapters/crypto/ticket-jws.js';
import { EARTH_RADIUS_M } from '../../src/domain/geo/sphere.js';
import { ticketProblem, type TicketClaims } from '../../src/domain/tickets/ticket.js';
import { SC } from '../support/broker-harness.js';
import {
  DSS, HOME, MINUTE_MS, createIntent, createSubscription, flightVolume, putIntentBody, putSubscriptionBody, queryBody, send,
  startBroker, ussClient, type UssClient,
} from '../support/wire.js';
import type { TestBroker } from '../support/broker-harness.js';

const QUERY = `${DSS}/operational_intent_references/query`;
// Blue flies at HOME; "far" is ~11 km north, inside the query area but away from everything else.
const near = flightVolume();
const far = flightVolume({ lat: 46.6 });
const area = flightVolume({ radiusM: 20_000 });
/** Degrees of latitude per km along a meridian, on the broker's sphere. */
const DEG_PER_KM = 1000 / ((EARTH_RADIUS_M * Math.PI) / 180);

interface WireRef { id: string; manager: string; version: number; parley_ticket?: string }

async function query(uss: UssClient): Promise<WireRef[]> {
  const answer = await uss.post(QUERY, queryBody(area));
  assert.equal(answer.status, 200, answer.text);
  return (answer.body as { operational_intent_references: WireRef[] }).operational_intent_references;
}

async function ticketKey(broker: TestBroker, uss: UssClient) {
  const answer = await uss.get('/v1/tickets/key');
  assert.equal(answer.status, 200, answer.text);
  const body = answer.body as { issuer: string; kid: string; jwk: Record<string, unknown> };
  assert.equal(body.jwk['d'], undefined, 'no private part');
  return { issuer: body.issuer, key: createPublicKey({ key: body.jwk as never, format: 'jwk' }) };
}

async function setUp(t: Parameters<typeof startBroker>[0]) {
  const broker = await startBroker(t);
  const blue = await ussClient(broker, 'uss-blue', [SC]);
  const red = await ussClient(broker, 'uss-red', [SC]);
  const blueNear = await createIntent(blue, putIntentBody({ extents: [near] }));
  const blueFar = await createIntent(blue, putIntentBody({ extents: [far] }));
  return { broker, blue, red, blueNear, blueFar };
}

describe('intersection tickets in query answers', () => {
  it('a declaration that meets an intent earns a ticket for that intent only, naming the declaration', async (t) => {
    const { broker, red, blueNear, blueFar } = await setUp(t);
    assert.ok((await query(red)).every((r) => r.parley_ticket === undefined), 'nothing on record yet: no tickets');
    const declared = await red.post('/v1/declarations', { volumes: [flightVolume({ radiusM: 200 })] });
    assert.equal(declared.status, 201, declared.text);
    const refs = await query(red);
    assert.equal(refs.find((r) => r.id === blueFar.id)?.parley_ticket, undefined, 'a reference that meets none of red\'s records');
    const token = refs.find((r) => r.id === blueNear.id)?.parley_ticket;
    assert.ok(token !== undefined, 'the intersecting reference carries a ticket');
    const { issuer, key } = await ticketKey(broker, red);
    const claims = openTicket(token, key) as TicketClaims;
    assert.equal(typeof claims, 'object', String(claims));
    assert.deepEqual(
      { iss: claims.iss, sub: claims.sub, oi: claims.oi, own: claims.own, ver: claims.ver, basis: claims.basis },
      { iss: issuer, sub: 'uss-red', oi: blueNear.id, own: 'uss-blue', ver: blueNear.version, basis: { kind: 'declaration', id: (declared.body as { id: string }).id, km: 0 } },
    );
    assert.equal(claims.exp - claims.iat, 300);
    const nowS = Math.floor(broker.clock.ms / 1000);
    assert.equal(ticketProblem(claims, { requester: 'uss-red', intentId: blueNear.id, nowS }), undefined);
    assert.equal(ticketProblem(claims, { requester: 'uss-green', intentId: blueNear.id, nowS }), 'other_requester');
    // Ten minutes on, the declaration is gone and so is the ticket.
    broker.clock.advance(10 * MINUTE_MS + 1);
    assert.ok((await query(red)).every((r) => r.parley_ticket === undefined));
  });

  it('the requester\'s own intent and subscription are bases too, a declaration first; its own references carry none', async (t) => {
    const { broker, red, blueNear, blueFar } = await setUp(t);
    // Red plans over blue's near intent (its key holds blue's OVN, learnt from blue).
    const redIntent = await createIntent(red, putIntentBody({ extents: [flightVolume({ radiusM: 100 })], key: [blueNear.ovn as string] }));
    // And subscribes far above blue's far intent: subscriptions match without altitude.
    const sub = await createSubscription(red, putSubscriptionBody({ extents: flightVolume({ lat: 46.6, radiusM: 300, altLo: 500, altHi: 600 }) }));
    const refs = await query(red);
    const { key } = await ticketKey(broker, red);
    assert.equal(refs.find((r) => r.id === redIntent.id)?.parley_ticket, undefined, 'no ticket for one\'s own reference');
    const nearClaims = openTicket(refs.find((r) => r.id === blueNear.id)?.parley_ticket ?? '', key) as TicketClaims;
    // Same centres: 0 km; and no priority, which only a declaration may carry.
    assert.deepEqual(nearClaims.basis, { kind: 'intent', id: redIntent.id, km: 0 });
    const farClaims = openTicket(refs.find((r) => r.id === blueFar.id)?.parley_ticket ?? '', key) as TicketClaims;
    assert.deepEqual(farClaims.basis, { kind: 'subscription', id: sub.id, km: 0 });
    // A live declaration that meets it too comes first: it is red's current plan, with its priority.
    const declared = await red.post('/v1/declarations', { volumes: [flightVolume({ radiusM: 150 })], priority: 7 });
    assert.equal(declared.status, 201, declared.text);
    const again = openTicket((await query(red)).find((r) => r.id === blueNear.id)?.parley_ticket ?? '', key) as TicketClaims;
    assert.deepEqual(again.basis, { kind: 'declaration', id: (declared.body as { id: string }).id, priority: 7, km: 0 });
  });

  it('a declaration\'s priority and its distance to the intent ride in the basis', async (t) => {
    //   ( blue near ● )           10 km north
    //          |
    //   (     red's declaration ●, radius 10.2 km     )
    const { broker, red, blueNear } = await setUp(t);
    const south = HOME.lat - 10 * DEG_PER_KM;
    const declared = await red.post('/v1/declarations', { volumes: [flightVolume({ lat: south, radiusM: 10_200 })], priority: 42 });
    assert.equal(declared.status, 201, declared.text);
    const { key } = await ticketKey(broker, red);
    const claims = openTicket((await query(red)).find((r) => r.id === blueNear.id)?.parley_ticket ?? '', key) as TicketClaims;
    assert.equal(claims.basis.kind, 'declaration');
    assert.equal(claims.basis.priority, 42);
    assert.ok(claims.basis.km !== undefined && Math.abs(claims.basis.km - 10) <= 0.1, `km ${claims.basis.km}`);
    assert.equal(claims.basis.km, Math.round(claims.basis.km * 10) / 10, 'rounded to 0.1 km');
  });

  it('a basis that moves under the same id gets a fresh ticket with its new distance, not the cached one', async (t) => {
    const { broker, red, blueNear } = await setUp(t);
    const redIntent = await createIntent(red, putIntentBody({ extents: [flightVolume({ radiusM: 100 })], key: [blueNear.ovn as string] }));
    const { key } = await ticketKey(broker, red);
    const basisOf = async () => (openTicket((await query(red)).find((r) => r.id === blueNear.id)?.parley_ticket ?? '', key) as TicketClaims).basis;
    assert.deepEqual(await basisOf(), { kind: 'intent', id: redIntent.id, km: 0 });
    // Red moves its own intent 2 km south, still over blue's: the same basis id, now 2 km away.
    const moved = await red.put(
      `${DSS}/operational_intent_references/${redIntent.id}/${redIntent.ovn}`,
      putIntentBody({ extents: [flightVolume({ lat: HOME.lat - 2 * DEG_PER_KM, radiusM: 2_200 })], key: [blueNear.ovn as string] }),
    );
    assert.equal(moved.status, 200, moved.text);
    assert.deepEqual(await basisOf(), { kind: 'intent', id: redIntent.id, km: 2 });
  });

  it('a repeated query gets the same ticket while it is fresh, and a new one later or for a new version', async (t) => {
    const { broker, blue, red, blueNear } = await setUp(t);
    assert.equal((await red.post('/v1/declarations', { volumes: [flightVolume({ radiusM: 200 })] })).status, 201);
    const ticketOf = async () => (await query(red)).find((r) => r.id === blueNear.id)?.parley_ticket;
    const first = await ticketOf();
    assert.ok(first !== undefined);
    assert.equal(await ticketOf(), first, 'no new signature for the same statement');
    broker.clock.advance(3 * MINUTE_MS);
    const later = await ticketOf();
    assert.ok(later !== undefined && later !== first, 'a ticket with less than half its life left is not handed out again');
    const updated = await blue.put(`${DSS}/operational_intent_references/${blueNear.id}/${blueNear.ovn}`, putIntentBody({ extents: [flightVolume({ altHi: 100 })] }));
    assert.equal(updated.status, 200, updated.text);
    const { key } = await ticketKey(broker, red);
    const renewed = await ticketOf();
    assert.ok(renewed !== undefined && renewed !== later);
    assert.equal((openTicket(renewed, key) as TicketClaims).ver, blueNear.version + 1);
  });

  it('an observer with nothing on record gets references and no tickets; the key needs a token', async (t) => {
    const { broker } = await setUp(t);
    const observer = await ussClient(broker, 'uss-observer', [SC]);
    const refs = await query(observer);
    assert.equal(refs.length, 2);
    assert.ok(refs.every((r) => r.parley_ticket === undefined));
    assert.equal((await send(broker, { method: 'GET', url: '/v1/tickets/key' })).status, 401);
  });
});
