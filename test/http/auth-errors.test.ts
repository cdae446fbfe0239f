/**
 * Authentication, scopes and error answers on every F3548 endpoint: no or bad token → 401,
 * a token without a fitting scope → 403, and every /dss error is `{"message"}`. Expired
 * tokens are covered by the authenticator's unit tests (src/adapters/http/auth.test.ts).
 */
import { describe, it } from 'node:test';
import { generateSigningKey } from '../../src/adapters/cli/key-file.js';
import { createTokenSigner } from '../../src/adapters/cli/sign-token.js';
import { AA, AUDIENCE, CM, CMSA, CP, SC } from '../support/broker-harness.js';
import {
  DSS,
  availabilityPath,
  circleVolume,
  constraintPath,
  errorReportBody,
  expectDssError,
  flightVolume,
  oirPath,
  putConstraintBody,
  putIntentBody,
  putSubscriptionBody,
  queryBody,
  send,
  startBroker,
  subscriptionPath,
  ussClient,
  uuid,
} from '../support/wire.js';

interface Endpoint {
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  readonly url: string;
  readonly body?: unknown;
  /** Scopes that are not enough for this endpoint. */
  readonly wrongScopes: readonly string[];
}

const OVN = 'o'.repeat(32);
const area = queryBody(circleVolume({ lat: 46.5, lng: 6.6, radiusM: 500 }));
const intentBody = putIntentBody({ extents: [flightVolume()] });
const constraintBody = putConstraintBody({ extents: [flightVolume()] });
const subscriptionBody = putSubscriptionBody({ extents: circleVolume({ lat: 46.5, lng: 6.6, radiusM: 500 }) });

/** Every F3548 DSS endpoint, with a scope set that must not open it. */
const ENDPOINTS: readonly Endpoint[] = [
  { method: 'POST', url: `${DSS}/operational_intent_references/query`, body: area, wrongScopes: [CM, CP, AA] },
  { method: 'GET', url: oirPath(uuid()), wrongScopes: [CM, CP] },
  { method: 'PUT', url: oirPath(uuid()), body: intentBody, wrongScopes: [CP] },
  { method: 'PUT', url: oirPath(uuid(), OVN), body: intentBody, wrongScopes: [CM, AA] },
  { method: 'DELETE', url: oirPath(uuid(), OVN), wrongScopes: [CM] },
  { method: 'POST', url: `${DSS}/constraint_references/query`, body: area, wrongScopes: [SC, CMSA] },
  { method: 'GET', url: constraintPath(uuid()), wrongScopes: [SC] },
  { method: 'PUT', url: constraintPath(uuid()), body: constraintBody, wrongScopes: [CP, SC] },
  { method: 'PUT', url: constraintPath(uuid(), OVN), body: constraintBody, wrongScopes: [SC] },
  { method: 'DELETE', url: constraintPath(uuid(), OVN), wrongScopes: [CP] },
  { method: 'POST', url: `${DSS}/subscriptions/query`, body: area, wrongScopes: [CM, CMSA] },
  { method: 'GET', url: subscriptionPath(uuid()), wrongScopes: [CM] },
  { method: 'PUT', url: subscriptionPath(uuid()), body: subscriptionBody, wrongScopes: [CM, AA] },
  { method: 'PUT', url: subscriptionPath(uuid(), OVN), body: subscriptionBody, wrongScopes: [AA] },
  { method: 'DELETE', url: subscriptionPath(uuid(), OVN), wrongScopes: [CMSA] },
  { method: 'POST', url: `${DSS}/reports`, body: errorReportBody(), wrongScopes: ['openid', 'utm.constraint_consumption'] },
  { method: 'PUT', url: availabilityPath('uss-alice'), body: { old_version: '', availability: 'Down' }, wrongScopes: [SC, CMSA] },
  { method: 'GET', url: availabilityPath('uss-alice'), wrongScopes: [CM, CP] },
];

describe('authentication on every F3548 endpoint', () => {
  it('answers 401 {message} without a token', async (t) => {
    const broker = await startBroker(t);
    for (const endpoint of ENDPOINTS) expectDssError(await send(broker, endpoint), 401);
  });

  it('answers 401 for a garbage token, a non-Bearer scheme, a wrong audience and an untrusted signer', async (t) => {
    const broker = await startBroker(t);
    const wrongAudience = await broker.token('uss-alice', [SC, CM, CP, CMSA, AA], { aud: 'elsewhere.example.com' });
    const { privateJwk } = await generateSigningKey('EdDSA');
    const strangerSigner = await createTokenSigner(privateJwk);
    const stranger = await strangerSigner({ sub: 'uss-alice', scope: [SC, CM, CP, CMSA, AA].join(' '), aud: AUDIENCE }, { nowMs: Date.now() });
    const headers = [
      { authorization: 'Bearer not-a-jwt' },
      { authorization: 'Bearer aaaa.bbbb.cccc' },
      { authorization: `Basic ${Buffer.from('alice:secret').toString('base64')}` },
      { authorization: `Bearer ${wrongAudience}` },
      { authorization: `Bearer ${stranger}` },
    ];
    for (const endpoint of ENDPOINTS) {
      for (const header of headers) expectDssError(await send(broker, { ...endpoint, headers: header }), 401);
    }
  });

  it('answers 403 {message} for a valid token without a fitting scope', async (t) => {
    const broker = await startBroker(t);
    for (const endpoint of ENDPOINTS) {
      for (const scope of endpoint.wrongScopes) {
        const token = await broker.token('uss-alice', [scope]);
        const response = await send(broker, { ...endpoint, headers: { authorization: `Bearer ${token}` } });
        expectDssError(response, 403, /scope/);
      }
    }
  });
});

describe('F3548 error answers', () => {
  it('answers 404 {message} for an unknown /dss route', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    expectDssError(await alice.get(`${DSS}/operational_intents`), 404);
    expectDssError(await alice.get(`${DSS}/operational_intent_references`), 404);
    expectDssError(await alice.post(`${DSS}/subscriptions`, {}), 404);
  });

  it('answers 400 {message} for a body that is not JSON', async (t) => {
    const broker = await startBroker(t);
    const token = await broker.token('uss-alice', [SC]);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const response = await send(broker, { method: 'PUT', url: oirPath(uuid()), headers, body: '{"extents": [' });
    expectDssError(response, 400, /JSON/);
  });

  it('answers 413 {message} for a body over the size limit', async (t) => {
    const broker = await startBroker(t, { bodyLimitBytes: 2_048 });
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const vertices = Array.from({ length: 200 }, (_, i) => ({ lat: 46.5 + 0.01 * Math.sin(i / 32), lng: 6.6 + 0.01 * Math.cos(i / 32) }));
    expectDssError(await alice.post(`${DSS}/operational_intent_references/query`, { area_of_interest: { volume: { outline_polygon: { vertices } } } }), 413);
  });

  it('names the offending field in 400 messages', async (t) => {
    const broker = await startBroker(t);
    const alice = await ussClient(broker, 'uss-alice', [SC]);
    const badAltitude = { ...intentBody, extents: [flightVolume({ altLo: 300, altHi: 100 })] };
    expectDssError(await alice.put(oirPath(uuid()), badAltitude), 400, /extents\[0\]/);
    const badRadius = circleVolume({ lat: 46.5, lng: 6.6, radiusM: -5 });
    expectDssError(await alice.post(`${DSS}/operational_intent_references/query`, queryBody(badRadius)), 400, /radius/);
    const badKey = { ...intentBody, key: [42] };
    expectDssError(await alice.put(oirPath(uuid()), badKey), 400, /key\[0\]/);
  });
});
