/**
 * POST/GET /v1/declarations: a party puts the volumes it intends to fly on record (the basis of
 * intersection tickets). Logged, live ten minutes, at most 16 at once, refusals change nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SC } from '../support/broker-harness.js';
import { HOUR_MS, MINUTE_MS, T0, flightVolume, startBroker, ussClient, type WireResponse } from '../support/wire.js';

const DECLARATIONS = '/v1/declarations';

function problem(response: WireResponse, status: number, field?: string): void {
  assert.equal(response.status, status, response.text);
  assert.match(response.contentType, /^application\/problem\+json/);
  if (field !== undefined) assert.equal((response.body as { field?: string }).field, field, response.text);
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

  it('answers 401 without a token and 403 without scope utm.strategic_coordination', async (t) => {
    const broker = await startBroker(t);
    const { send } = await import('../support/wire.js');
    problem(await send(broker, { method: 'POST', url: DECLARATIONS, body: { volumes: [flightVolume()] } }), 401);
    const auditor = await ussClient(broker, 'uss-red', ['parley.audit']);
    problem(await auditor.post(DECLARATIONS, { volumes: [flightVolume()] }), 403);
    problem(await auditor.get(DECLARATIONS), 403);
  });
});
