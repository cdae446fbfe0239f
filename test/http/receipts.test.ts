/**
 * POST /v1/receipts: an owner records what it disclosed to a ticket holder; the receipt is a log
 * entry both parties see whole (and nobody else), naming field names, never values.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ephemeralTicketAuthority } from '../../src/adapters/crypto/ticket-authority.js';
import { EARTH_RADIUS_M } from '../../src/domain/geo/sphere.js';
import { SC } from '../support/broker-harness.js';
import {
  DSS, HOME, HOUR_MS, createIntent, flightVolume, putIntentBody, queryBody, startBroker, ussClient, type UssClient,
} from '../support/wire.js';

async function ticketFor(red: UssClient, intentId: string, declaration: Record<string, unknown> = { volumes: [flightVolume({ radiusM: 200 })] }): Promise<string> {
  assert.equal((await red.post('/v1/declarations', declaration)).status, 201);
  const answer = await red.post(`${DSS}/operational_intent_references/query`, queryBody(flightVolume({ radiusM: 5000 })));
  const ref = (answer.body as { operational_intent_references: Array<{ id: string; parley_ticket?: string }> }).operational_intent_references.find((r) => r.id === intentId);
  assert.ok(ref?.parley_ticket !== undefined, answer.text);
  return ref.parley_ticket;
}

async function setUp(t: Parameters<typeof startBroker>[0]) {
  const broker = await startBroker(t);
  const blue = await ussClient(broker, 'uss-blue', [SC]);
  const red = await ussClient(broker, 'uss-red', [SC]);
  const intent = await createIntent(blue, putIntentBody({ extents: [flightVolume()] }));
  const ticket = await ticketFor(red, intent.id);
  return { broker, blue, red, intent, ticket };
}

describe('POST /v1/receipts', () => {
  it('records the owner\'s disclosure as one log entry both parties see whole, with field names only', async (t) => {
    const { broker, blue, intent, ticket } = await setUp(t);
    const before = await broker.store.read(async (r) => r.log.size());
    const recorded = await blue.post('/v1/receipts', { ticket, fields: ['volumes', 'callsign', 'volumes'] });
    assert.equal(recorded.status, 201, recorded.text);
    assert.deepEqual(recorded.body, { index: before });
    const entry = await broker.store.read(async (r) => (await r.log.entries(before, 1))[0]!);
    assert.deepEqual(entry.parties, ['uss-blue', 'uss-red']);
    const content = JSON.parse(entry.content) as Record<string, unknown>;
    assert.equal(content['kind'], 'disclosure.receipt');
    assert.equal(content['by'], 'uss-blue');
    assert.equal(content['requester'], 'uss-red');
    assert.equal(content['intent_id'], intent.id);
    assert.deepEqual(content['fields'], ['callsign', 'volumes']);
    // The declaration has no priority and shares the intent's centre.
    assert.deepEqual(content['basis'], { kind: 'declaration', id: (content['basis'] as { id: string }).id, km: 0 });
    const jti = JSON.parse(Buffer.from(ticket.split('.')[1]!, 'base64url').toString()).jti;
    assert.equal(content['ticket_id'], jti);
    for (const [sub, whole] of [['uss-blue', true], ['uss-red', true], ['uss-green', false]] as const) {
      const auditor = await ussClient(broker, sub, ['parley.audit']);
      const page = (await auditor.get(`/v1/log/entries?start=${before}&limit=1`)).body as { entries: Array<{ content?: unknown }> };
      assert.equal(page.entries[0]?.content !== undefined, whole, sub);
    }
  });

  it('names the ticket\'s basis whole in the receipt: kind, id, the declared priority and the km', async (t) => {
    const { broker, blue, red, intent } = await setUp(t);
    // A second declaration of red's, 3 km south of blue's intent and reaching over it, priority 9.
    // (Red's first declaration, at the intent's centre, is found first: withdraw it.)
    const first = ((await red.get('/v1/declarations')).body as { declarations: Array<{ id: string }> }).declarations[0]!;
    assert.equal((await red.delete(`/v1/declarations/${first.id}`)).status, 200);
    const south = HOME.lat - (3 * 180) / (Math.PI * EARTH_RADIUS_M / 1000);
    const ticket = await ticketFor(red, intent.id, { volumes: [flightVolume({ lat: south, radiusM: 3_300 })], priority: 9 });
    const recorded = await blue.post('/v1/receipts', { ticket, fields: ['volumes'] });
    assert.equal(recorded.status, 201, recorded.text);
    const entry = await broker.store.read(async (r) => (await r.log.entries((recorded.body as { index: number }).index, 1))[0]!);
    const basis = (JSON.parse(entry.content) as { basis: Record<string, unknown> }).basis;
    const declared = ((await red.get('/v1/declarations')).body as { declarations: Array<{ id: string }> }).declarations;
    assert.deepEqual(basis, { kind: 'declaration', id: declared[0]!.id, priority: 9, km: 3 });
  });

  it('refuses a receipt from anyone but the owner, for a forged or malformed ticket, bad field names or a long-expired ticket; logs nothing', async (t) => {
    const { broker, blue, red, ticket } = await setUp(t);
    const size = await broker.store.read(async (r) => r.log.size());
    const expectProblem = async (uss: UssClient, body: unknown, status: number, field: string) => {
      const answer = await uss.post('/v1/receipts', body);
      assert.equal(answer.status, status, answer.text);
      assert.match(answer.contentType, /problem\+json/);
      assert.equal((answer.body as { field?: string }).field, field, answer.text);
    };
    await expectProblem(red, { ticket, fields: ['volumes'] }, 403, 'ticket');
    const forged = ephemeralTicketAuthority('parley-test-log').issue(
      { requester: 'uss-red', intentId: 'x', owner: 'uss-blue', version: 1, basis: { kind: 'intent', id: 'y' } },
      broker.clock.ms,
    );
    await expectProblem(blue, { ticket: forged, fields: ['volumes'] }, 400, 'ticket');
    await expectProblem(blue, { ticket: 'not.a.ticket', fields: ['volumes'] }, 400, 'ticket');
    await expectProblem(blue, { ticket, fields: ['Mission'] }, 400, 'fields[0]');
    await expectProblem(blue, { ticket, fields: 'volumes' }, 400, 'fields');
    await expectProblem(blue, { fields: [] }, 400, 'ticket');
    broker.clock.advance(2 * HOUR_MS);
    await expectProblem(blue, { ticket, fields: ['volumes'] }, 400, 'ticket');
    assert.equal(await broker.store.read(async (r) => r.log.size()), size);
  });
});
