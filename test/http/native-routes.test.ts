/**
 * Parley's native routes: health, Prometheus metrics, the OpenAPI 3.1 document (listing the
 * F3548 surface) and its docs page. Native errors are RFC 9457 application/problem+json.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { SC } from '../support/broker-harness.js';
import { DSS, flightVolume, queryBody, send, startBroker, ussClient } from '../support/wire.js';

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string', minLength: 1 },
    title: { type: 'string', minLength: 1 },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string', minLength: 1 },
    code: { type: 'string', minLength: 1 },
    field: { type: 'string' },
  },
};
const isProblem = new Ajv({ allErrors: true }).compile(problemSchema);

/** Every F3548 DSS path and method the OpenAPI document must list. */
const F3548_OPERATIONS: readonly [string, string][] = [
  ['/dss/v1/operational_intent_references/query', 'post'],
  ['/dss/v1/operational_intent_references/{entityid}', 'get'],
  ['/dss/v1/operational_intent_references/{entityid}', 'put'],
  ['/dss/v1/operational_intent_references/{entityid}/{ovn}', 'put'],
  ['/dss/v1/operational_intent_references/{entityid}/{ovn}', 'delete'],
  ['/dss/v1/constraint_references/query', 'post'],
  ['/dss/v1/constraint_references/{entityid}', 'get'],
  ['/dss/v1/constraint_references/{entityid}', 'put'],
  ['/dss/v1/constraint_references/{entityid}/{ovn}', 'put'],
  ['/dss/v1/constraint_references/{entityid}/{ovn}', 'delete'],
  ['/dss/v1/subscriptions/query', 'post'],
  ['/dss/v1/subscriptions/{subscriptionid}', 'get'],
  ['/dss/v1/subscriptions/{subscriptionid}', 'put'],
  ['/dss/v1/subscriptions/{subscriptionid}/{version}', 'put'],
  ['/dss/v1/subscriptions/{subscriptionid}/{version}', 'delete'],
  ['/dss/v1/reports', 'post'],
  ['/dss/v1/uss_availability/{uss_id}', 'get'],
  ['/dss/v1/uss_availability/{uss_id}', 'put'],
];

describe('native routes', () => {
  it('GET /healthz answers 200 without a token', async (t) => {
    const broker = await startBroker(t);
    const response = await send(broker, { method: 'GET', url: '/healthz' });
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { status: 'ok' });
  });

  it('GET /metrics exposes parley_http_requests_total, counting F3548 requests by route and status', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    await alice.post(`${DSS}/operational_intent_references/query`, queryBody(flightVolume()));
    const response = await send(broker, { method: 'GET', url: '/metrics' });
    assert.equal(response.status, 200);
    assert.match(response.contentType, /^text\/plain/);
    assert.match(response.text, /# TYPE parley_http_requests_total counter/);
    assert.match(response.text, /parley_http_requests_total\{[^}]*route="\/dss\/v1\/operational_intent_references\/query"[^}]*status="200"[^}]*\} 1/);
  });

  it('GET /openapi.json is an OpenAPI 3.1 document listing every F3548 DSS operation', async (t) => {
    const broker = await startBroker(t);
    const response = await send(broker, { method: 'GET', url: '/openapi.json' });
    assert.equal(response.status, 200);
    const doc = response.body as { openapi: string; paths: Record<string, Record<string, unknown>> };
    assert.match(doc.openapi, /^3\.1\./);
    for (const [path, method] of F3548_OPERATIONS) {
      assert.ok(doc.paths[path]?.[method] !== undefined, `${method.toUpperCase()} ${path} is documented`);
    }
    assert.ok(doc.paths['/healthz']?.['get'] !== undefined);
  });

  it('GET /docs serves an HTML page', async (t) => {
    const broker = await startBroker(t);
    let response = await send(broker, { method: 'GET', url: '/docs' });
    if (response.status >= 300 && response.status < 400) {
      const location = (await broker.app.inject({ method: 'GET', url: '/docs' })).headers['location'];
      response = await send(broker, { method: 'GET', url: new URL(String(location), 'http://localhost/docs').pathname });
    }
    assert.equal(response.status, 200);
    assert.match(response.contentType, /^text\/html/);
    assert.match(response.text, /<html/i);
  });

  it('answers an unknown native route with 404 application/problem+json', async (t) => {
    const broker = await startBroker(t);
    const response = await send(broker, { method: 'GET', url: '/no/such/route' });
    assert.equal(response.status, 404);
    assert.match(response.contentType, /^application\/problem\+json/);
    assert.ok(isProblem(response.body), JSON.stringify(isProblem.errors));
    const problem = response.body as { status: number; code: string; detail: string };
    assert.equal(problem.status, 404);
    assert.equal(problem.code, 'not_found');
    assert.match(problem.detail, /\/no\/such\/route/);
  });
});
