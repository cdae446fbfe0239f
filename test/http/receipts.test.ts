/**
 * POST /v1/receipts: an owner records what it disclosed to a ticket holder; the receipt is a log
 * entry both parties see whole (and nobody else), naming field names, never values.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ephemeralTicketAuthority } from '../../src/adapters/crypto/ticket-authority.js';
import { SC } from '../support/broker-harness.js';
import {
  DSS, HOUR_MS, createIntent, flightVolume, putIntentBody, queryBody, startBroker, ussClient, type UssClient,
} from '../support/wire.js';

async function ticketFor(red: UssClient, intentId: string): Promise<string> {
  assert.equal((await red.post('/v1/declarations', { volumes: [flightVolume({ radiusM: 200 })] })).status, 201);
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
    assert.deepEqual(content['basis'], { kind: 'declaration', id: (content['basis'] as { id: string }).id });
    const jti = JSON.parse(Buffer.from(ticket.split('.')[1]!, 'base64url').toString()).jti;
    assert.equal(content['ticket_id'], jti);
    for (const [sub, whole] of [['uss-blue', true], ['uss-red', true], ['uss-green', false]] as const) {
      const auditor = await ussClient(broker, sub, ['parley.audit']);
      const page = (await auditor.get(`/v1/log/entries?start=${before}&limit=1`)).body as { entries: Array<{ content?: unknown }> };
      assert.equal(page.entries[0]?.content !== undefined, whole, sub);
    }
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
