/**
 * POST/GET/DELETE /v1/declarations: a party puts the volumes it intends to fly on record (the
 * basis of intersection tickets), optionally with a priority, and may withdraw them. Logged, live
 * ten minutes, at most 16 at once, refusals change nothing, nobody learns of another's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PartyId } from '../../src/domain/ids.js';
import { SC } from '../support/broker-harness.js';
import type { TestBroker } from '../support/broker-harness.js';
import {
  DSS, HOUR_MS, MINUTE_MS, T0, createIntent, flightVolume, putIntentBody, queryBody, startBroker, ussClient, type WireResponse,
} from '../support/wire.js';

const DECLARATIONS = '/v1/declarations';

function problem(response: WireResponse, status: number, field?: string): void {
  assert.equal(response.status, status, response.text);
  assert.match(response.contentType, /^application\/problem\+json/);
  if (field !== undefined) assert.equal((response.body as { field?: string }).field, field, response.text);
}

const logSize = (broker: TestBroker) => broker.store.read(async (r) => r.log.size());

async function lastEntry(broker: TestBroker): Promise<{ content: Record<string, unknown>; parties: readonly string[] }> {
  return broker.store.read(async (r) => {
    const entry = (await r.log.entries(r.log.size() - 1, 1))[0]!;
    return { content: JSON.parse(entry.content) as Record<string, unknown>, parties: entry.parties };
  });
}

describe('/v1/declarations', () => {
  for (const storage of ['memory', 'sqlite'] as const) {
    describe(`on the ${storage} store`, () => {
      it('records a declaration (201, id, ten minutes to live) and logs exactly one entry for it', async (t) => {
        const broker = await startBroker(t, { storage });
        const red = await ussClient(broker, 'uss-red', [SC]);
        const before = await broker.store.read(async (r) => r.log.size());
        const created = await red.post(DECLARATIONS, { volumes: [flightVolume(), flightVolume({ lat: 46.6 })] });
        assert.equal(created.status, 201, created.text);
        const body = created.body as { id: string; created_at: string; expires_at: string; volume_count: number };
        assert.match(body.id, /^[0-9a-f-]{36}$/);
        assert.equal(Date.parse(body.expires_at) - Date.parse(body.created_at), 10 * MINUTE_MS);
        assert.equal(body.volume_count, 2);
        const entry = await broker.store.read(async (r) => {
          assert.equal(r.log.size(), before + 1);
          return (await r.log.entries(before, 1))[0]!;
        });
        const content = JSON.parse(entry.content) as Record<string, unknown>;
        assert.equal(content['kind'], 'declaration.create');
        assert.equal(content['by'], 'uss-red');
        assert.equal(content['id'], body.id);
        assert.match(String(content['extents_sha256']), /^[0-9a-f]{64}$/);
        assert.deepEqual(entry.parties, ['uss-red']);
        const listed = await red.get(DECLARATIONS);
        assert.deepEqual((listed.body as { declarations: unknown[] }).declarations, [body]);
        const blue = await ussClient(broker, 'uss-blue', [SC]);
        assert.deepEqual((await blue.get(DECLARATIONS)).body, { declarations: [] }, 'each party sees only its own');
      });

      it('stores, lists and logs the priority a declaration states, and leaves it out when none is given', async (t) => {
        const broker = await startBroker(t, { storage });
        const red = await ussClient(broker, 'uss-red', [SC]);
        const withPriority = await red.post(DECLARATIONS, { volumes: [flightVolume()], priority: 7 });
        assert.equal(withPriority.status, 201, withPriority.text);
        assert.equal((withPriority.body as { priority?: number }).priority, 7);
        const logged = await lastEntry(broker);
        assert.equal(logged.content['kind'], 'declaration.create');
        assert.equal(logged.content['priority'], 7);
        const zero = await red.post(DECLARATIONS, { volumes: [flightVolume()], priority: 0 });
        assert.equal((zero.body as { priority?: number }).priority, 0, 'priority 0 is a priority');
        const without = await red.post(DECLARATIONS, { volumes: [flightVolume()], priority: null });
        assert.equal(without.status, 201, without.text);
        assert.equal(Object.hasOwn(without.body as object, 'priority'), false, 'null means absent');
        assert.equal(Object.hasOwn((await lastEntry(broker)).content, 'priority'), false);
        const listed = (await red.get(DECLARATIONS)).body as { declarations: Array<{ id: string; priority?: number }> };
        assert.deepEqual(listed.declarations.map((d) => d.priority), [7, 0, undefined]);
        assert.deepEqual(listed.declarations, [withPriority.body, zero.body, without.body]);
        const stored = await broker.store.read((r) => r.declarations.live('uss-red' as PartyId, broker.clock.ms));
        assert.deepEqual(stored.map((d) => d.priority), [7, 0, undefined]);
      });

      it('DELETE withdraws the caller\'s own live declaration (200 {id}) and logs one declaration.delete entry', async (t) => {
        const broker = await startBroker(t, { storage });
        const red = await ussClient(broker, 'uss-red', [SC]);
        const kept = (await red.post(DECLARATIONS, { volumes: [flightVolume()] })).body as { id: string };
        const gone = (await red.post(DECLARATIONS, { volumes: [flightVolume()], priority: 3 })).body as { id: string };
        const before = await logSize(broker);
        const withdrawn = await red.delete(`${DECLARATIONS}/${gone.id}`);
        assert.equal(withdrawn.status, 200, withdrawn.text);
        assert.deepEqual(withdrawn.body, { id: gone.id });
        assert.equal(await logSize(broker), before + 1);
        const entry = await lastEntry(broker);
        assert.equal(entry.content['kind'], 'declaration.delete');
        assert.equal(entry.content['by'], 'uss-red');
        assert.equal(entry.content['id'], gone.id);
        assert.deepEqual(entry.parties, ['uss-red']);
        const listed = (await red.get(DECLARATIONS)).body as { declarations: Array<{ id: string }> };
        assert.deepEqual(listed.declarations.map((d) => d.id), [kept.id]);
        problem(await red.delete(`${DECLARATIONS}/${gone.id}`), 404);
        assert.equal(await logSize(broker), before + 1, 'a second withdrawal logs nothing');
      });

      it('DELETE answers 404 not_found in the same words for another party\'s, an unknown or an expired declaration, and logs nothing', async (t) => {
        const broker = await startBroker(t, { storage });
        const red = await ussClient(broker, 'uss-red', [SC]);
        const blue = await ussClient(broker, 'uss-blue', [SC]);
        const blues = (await blue.post(DECLARATIONS, { volumes: [flightVolume()] })).body as { id: string };
        const reds = (await red.post(DECLARATIONS, { volumes: [flightVolume()] })).body as { id: string };
        const size = await logSize(broker);
        const refusal = async (id: string) => {
          const answer = await red.delete(`${DECLARATIONS}/${id}`);
          problem(answer, 404);
          const body = answer.body as { code: string; detail: string };
          assert.equal(body.code, 'not_found');
          return body.detail.replace(id, '<id>');
        };
        const others = await refusal(blues.id);
        const unknown = await refusal('7a0e4c1e-0000-4000-8000-000000000000');
        assert.equal(others, unknown, 'another party\'s declaration is refused exactly as an unknown one');
        assert.equal(await logSize(broker), size);
        assert.equal(((await blue.get(DECLARATIONS)).body as { declarations: unknown[] }).declarations.length, 1, 'blue\'s stays');
        broker.clock.advance(10 * MINUTE_MS + 1);
        assert.equal(await refusal(reds.id), unknown, 'an expired declaration is gone');
        assert.equal(await logSize(broker), size);
      });

      it('refuses a 17th live declaration with 429, and accepts again once the oldest have expired', async (t) => {
        const broker = await startBroker(t, { storage });
        const red = await ussClient(broker, 'uss-red', [SC]);
        for (let i = 0; i < 16; i++) assert.equal((await red.post(DECLARATIONS, { volumes: [flightVolume()] })).status, 201);
        const size = await broker.store.read(async (r) => r.log.size());
        const refused = await red.post(DECLARATIONS, { volumes: [flightVolume()] });
        problem(refused, 429);
        assert.equal((refused.body as { code: string }).code, 'limit_reached');
        assert.match((refused.body as { detail: string }).detail, /16 live declarations/);
        assert.equal(await broker.store.read(async (r) => r.log.size()), size, 'a refusal logs nothing');
        broker.clock.advance(10 * MINUTE_MS + 1);
        assert.deepEqual((await red.get(DECLARATIONS)).body, { declarations: [] });
        assert.equal((await red.post(DECLARATIONS, { volumes: [flightVolume({ startMs: T0 + HOUR_MS, endMs: T0 + 2 * HOUR_MS })] })).status, 201);
        assert.equal(((await red.get(DECLARATIONS)).body as { declarations: unknown[] }).declarations.length, 1);
      });
    });
  }

  it('names the field and the rule for bad bodies, and stores and logs nothing', async (t) => {
    const broker = await startBroker(t);
    const red = await ussClient(broker, 'uss-red', [SC]);
    const cases: Array<[unknown, string]> = [
      [{}, 'volumes'],
      [{ volumes: [] }, 'volumes'],
      [{ volumes: 'everywhere' }, 'volumes'],
      [{ volumes: [{ volume: {} }] }, 'volumes[0].volume'],
      [{ volumes: [flightVolume({ radiusM: -5 })] }, 'volumes[0].volume.outline_circle.radius.value'],
      [{ volumes: [flightVolume({ startMs: T0 - 3 * HOUR_MS, endMs: T0 - 2 * HOUR_MS })] }, 'volumes'],
      [[], 'body'],
    ];
    for (const [body, field] of cases) {
      const answer = await red.post(DECLARATIONS, body);
      assert.equal(answer.status, 400, `${JSON.stringify(body)} → ${answer.text}`);
      assert.ok(String((answer.body as { field?: string }).field).startsWith(field), `${JSON.stringify(body)} → ${answer.text}`);
    }
    assert.equal(await broker.store.read(async (r) => r.log.size()), 0);
    assert.deepEqual((await red.get(DECLARATIONS)).body, { declarations: [] });
  });

  it('refuses a priority that is not a whole number from 0 to 100 (400, field priority), and stores and logs nothing', async (t) => {
    const broker = await startBroker(t);
    const red = await ussClient(broker, 'uss-red', [SC]);
    for (const priority of [-1, 101, 2.5, '7', true, [3], { p: 1 }, 1e300]) {
      const answer = await red.post(DECLARATIONS, { volumes: [flightVolume()], priority });
      problem(answer, 400, 'priority');
      assert.equal((answer.body as { code: string }).code, 'invalid_input');
    }
    assert.equal(await logSize(broker), 0);
    assert.deepEqual((await red.get(DECLARATIONS)).body, { declarations: [] });
  });

  it('a withdrawn declaration no longer earns tickets', async (t) => {
    const broker = await startBroker(t);
    const blue = await ussClient(broker, 'uss-blue', [SC]);
    const red = await ussClient(broker, 'uss-red', [SC]);
    const intent = await createIntent(blue, putIntentBody({ extents: [flightVolume()] }));
    const ticketOf = async () => {
      const answer = await red.post(`${DSS}/operational_intent_references/query`, queryBody(flightVolume({ radiusM: 5000 })));
      assert.equal(answer.status, 200, answer.text);
      const refs = (answer.body as { operational_intent_references: Array<{ id: string; parley_ticket?: string }> }).operational_intent_references;
      return refs.find((r) => r.id === intent.id)?.parley_ticket;
    };
    const declared = (await red.post(DECLARATIONS, { volumes: [flightVolume({ radiusM: 200 })] })).body as { id: string };
    assert.ok((await ticketOf()) !== undefined, 'while declared, blue\'s intent comes with a ticket');
    assert.equal((await red.delete(`${DECLARATIONS}/${declared.id}`)).status, 200);
    assert.equal(await ticketOf(), undefined, 'withdrawn, it earns none');
  });

  it('answers 401 without a token and 403 without scope utm.strategic_coordination', async (t) => {
    const broker = await startBroker(t);
    const { send } = await import('../support/wire.js');
    problem(await send(broker, { method: 'POST', url: DECLARATIONS, body: { volumes: [flightVolume()] } }), 401);
    const auditor = await ussClient(broker, 'uss-red', ['parley.audit']);
    problem(await auditor.post(DECLARATIONS, { volumes: [flightVolume()] }), 403);
    problem(await auditor.get(DECLARATIONS), 403);
    problem(await send(broker, { method: 'DELETE', url: `${DECLARATIONS}/7a0e4c1e-0000-4000-8000-000000000000` }), 401);
    problem(await auditor.delete(`${DECLARATIONS}/7a0e4c1e-0000-4000-8000-000000000000`), 403);
  });
});
