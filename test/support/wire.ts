/**
 * Builders for F3548 wire requests (volumes, PUT bodies, paths) and a small per-USS client
 * over `app.inject()`. Every answer the tests look at goes through `expectStatus()` or
 * `expectDssError()`, which also validate the body against the F3548 schemas.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { TestContext } from 'node:test';
import { makeTestBroker, type TestBroker, type TestBrokerOptions } from './broker-harness.js';
import { assertMatches, type SchemaName, type WireTypes } from './f3548-schemas.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
/** The fake "now" of every HTTP test: 2030-01-01T12:00:00Z. */
export const T0 = Date.UTC(2030, 0, 1, 12);
/** Near Lausanne; far from any pole or the antimeridian. */
export const HOME = Object.freeze({ lat: 46.5, lng: 6.6 });
export const DSS = '/dss/v1';
/** Said to every USS except the manager in place of an OVN. */
export const HIDDEN_OVN = 'Available from USS';

export const uuid = (): string => randomUUID();

// ---- volumes ----

export interface WireLatLng {
  readonly lat: number;
  readonly lng: number;
}
export interface WireTime {
  readonly value: string;
  readonly format: 'RFC3339';
}
export interface WireAltitude {
  readonly value: number;
  readonly reference: 'W84';
  readonly units: 'M';
}
export interface WireVolume4D {
  readonly volume: {
    readonly outline_circle?: { readonly center: WireLatLng; readonly radius: { readonly value: number; readonly units: 'M' } };
    readonly outline_polygon?: { readonly vertices: readonly WireLatLng[] };
    readonly altitude_lower?: WireAltitude;
    readonly altitude_upper?: WireAltitude;
  };
  readonly time_start?: WireTime;
  readonly time_end?: WireTime;
}

/** Bounds of a volume; each one left out is left out of the wire volume (unbounded). */
export interface VolumeBounds {
  readonly altLo?: number;
  readonly altHi?: number;
  readonly startMs?: number;
  readonly endMs?: number;
}

export function wireTime(ms: number): WireTime {
  return { value: new Date(ms).toISOString(), format: 'RFC3339' };
}

export function altitude(valueM: number): WireAltitude {
  return { value: valueM, reference: 'W84', units: 'M' };
}

/** Epoch ms of a wire time (compared as instants, never as strings). */
export function msOf(time: WireTime | undefined): number {
  assert.ok(time !== undefined, 'expected a time');
  return Date.parse(time.value);
}

function withBounds(volume: WireVolume4D['volume'], bounds: VolumeBounds): WireVolume4D {
  return {
    volume: {
      ...volume,
      ...(bounds.altLo === undefined ? {} : { altitude_lower: altitude(bounds.altLo) }),
      ...(bounds.altHi === undefined ? {} : { altitude_upper: altitude(bounds.altHi) }),
    },
    ...(bounds.startMs === undefined ? {} : { time_start: wireTime(bounds.startMs) }),
    ...(bounds.endMs === undefined ? {} : { time_end: wireTime(bounds.endMs) }),
  };
}

export function circleVolume(spec: VolumeBounds & { readonly lat: number; readonly lng: number; readonly radiusM: number }): WireVolume4D {
  return withBounds({ outline_circle: { center: { lat: spec.lat, lng: spec.lng }, radius: { value: spec.radiusM, units: 'M' } } }, spec);
}

export function polygonVolume(spec: VolumeBounds & { readonly vertices: readonly WireLatLng[] }): WireVolume4D {
  return withBounds({ outline_polygon: { vertices: spec.vertices } }, spec);
}

/**
 * A lat/lng-aligned square with its south-west corner at (lat, lng). Its west and east edges
 * are meridians, which are geodesics, so two boxes sharing a meridian edge truly touch.
 */
export function boxVolume(spec: VolumeBounds & { readonly lat: number; readonly lng: number; readonly sizeDeg: number }): WireVolume4D {
  const { lat, lng, sizeDeg: d } = spec;
  return polygonVolume({
    ...spec,
    vertices: [
      { lat, lng },
      { lat, lng: lng + d },
      { lat: lat + d, lng: lng + d },
      { lat: lat + d, lng },
    ],
  });
}

/** A fully bounded circle at HOME: 0–120 m, T0+10 min to T0+70 min, unless overridden. */
export function flightVolume(overrides: Partial<VolumeBounds & { lat: number; lng: number; radiusM: number }> = {}): WireVolume4D {
  return circleVolume({
    lat: HOME.lat,
    lng: HOME.lng,
    radiusM: 500,
    altLo: 0,
    altHi: 120,
    startMs: T0 + 10 * MINUTE_MS,
    endMs: T0 + 70 * MINUTE_MS,
    ...overrides,
  });
}

// ---- bodies ----

export function putIntentBody(spec: {
  readonly extents: readonly WireVolume4D[];
  readonly state?: string;
  readonly key?: readonly string[];
  readonly ussBaseUrl?: string;
  readonly subscriptionId?: string;
  readonly newSubscription?: { readonly ussBaseUrl: string; readonly notifyForConstraints?: boolean };
}): Record<string, unknown> {
  return {
    extents: spec.extents,
    state: spec.state ?? 'Accepted',
    uss_base_url: spec.ussBaseUrl ?? 'https://uss.example.com/utm',
    ...(spec.key === undefined ? {} : { key: spec.key }),
    ...(spec.subscriptionId === undefined ? {} : { subscription_id: spec.subscriptionId }),
    ...(spec.newSubscription === undefined
      ? {}
      : {
          new_subscription: {
            uss_base_url: spec.newSubscription.ussBaseUrl,
            ...(spec.newSubscription.notifyForConstraints === undefined
              ? {}
              : { notify_for_constraints: spec.newSubscription.notifyForConstraints }),
          },
        }),
  };
}

export function putConstraintBody(spec: { readonly extents: readonly WireVolume4D[]; readonly ussBaseUrl?: string }) {
  return { extents: spec.extents, uss_base_url: spec.ussBaseUrl ?? 'https://constraints.example.com/utm' };
}

export function putSubscriptionBody(spec: {
  readonly extents: WireVolume4D;
  readonly ussBaseUrl?: string;
  readonly forIntents?: boolean;
  readonly forConstraints?: boolean;
}) {
  return {
    extents: spec.extents,
    uss_base_url: spec.ussBaseUrl ?? 'https://subscriber.example.com/utm',
    notify_for_operational_intents: spec.forIntents ?? true,
    notify_for_constraints: spec.forConstraints ?? false,
  };
}

export function queryBody(area: WireVolume4D) {
  return { area_of_interest: area };
}

export function errorReportBody() {
  return {
    exchange: {
      url: 'https://peer.example.com/uss/v1/operational_intents/2f8343be-6482-4d1b-a474-16847e01af1e',
      method: 'GET',
      headers: ['Authorization: Bearer <redacted>'],
      recorder_role: 'Client',
      request_time: wireTime(T0),
      response_time: wireTime(T0 + 1_000),
      response_code: 500,
      problem: 'Peer answered 500 to a details request',
    },
  };
}

// ---- paths ----

export const oirPath = (id: string, ovn?: string) => `${DSS}/operational_intent_references/${id}${ovn === undefined ? '' : `/${ovn}`}`;
export const constraintPath = (id: string, ovn?: string) => `${DSS}/constraint_references/${id}${ovn === undefined ? '' : `/${ovn}`}`;
export const subscriptionPath = (id: string, version?: string) =>
  `${DSS}/subscriptions/${id}${version === undefined ? '' : `/${encodeURIComponent(version)}`}`;
export const availabilityPath = (ussId: string) => `${DSS}/uss_availability/${encodeURIComponent(ussId)}`;

// ---- client ----

export interface WireResponse {
  readonly status: number;
  readonly body: unknown;
  readonly contentType: string;
  readonly text: string;
  readonly method: string;
  readonly url: string;
}

/** One USS talking to the broker with one token. */
export interface UssClient {
  readonly sub: string;
  get(url: string): Promise<WireResponse>;
  delete(url: string): Promise<WireResponse>;
  put(url: string, body: unknown): Promise<WireResponse>;
  post(url: string, body: unknown): Promise<WireResponse>;
}

export async function send(
  broker: TestBroker,
  request: { method: 'GET' | 'PUT' | 'POST' | 'DELETE'; url: string; body?: unknown; headers?: Record<string, string> },
): Promise<WireResponse> {
  const response = await broker.app.inject({
    method: request.method,
    url: request.url,
    ...(request.headers === undefined ? {} : { headers: request.headers }),
    ...(request.body === undefined ? {} : { payload: request.body as string | object }),
  });
  const contentType = String(response.headers['content-type'] ?? '');
  let body: unknown = undefined;
  if (contentType.includes('json') && response.body !== '') body = JSON.parse(response.body);
  return { status: response.statusCode, body, contentType, text: response.body, method: request.method, url: request.url };
}

export async function ussClient(broker: TestBroker, sub: string, scopes: readonly string[]): Promise<UssClient> {
  const headers = { authorization: `Bearer ${await broker.token(sub, scopes)}` };
  return {
    sub,
    get: (url) => send(broker, { method: 'GET', url, headers }),
    delete: (url) => send(broker, { method: 'DELETE', url, headers }),
    put: (url, body) => send(broker, { method: 'PUT', url, body, headers }),
    post: (url, body) => send(broker, { method: 'POST', url, body, headers }),
  };
}

/** A fresh broker whose clock reads T0, closed when the test ends. */
export async function startBroker(t: TestContext, options: TestBrokerOptions = {}): Promise<TestBroker> {
  const broker = await makeTestBroker(options);
  broker.clock.ms = T0;
  t.after(() => broker.close());
  return broker;
}

function describeResponse(response: WireResponse): string {
  return `${response.method} ${response.url} → ${response.status} ${response.text.slice(0, 1500)}`;
}

/** Asserts the status and that the body is a valid F3548 `schema`; returns the typed body. */
export function expectStatus<K extends SchemaName>(response: WireResponse, status: number, schema: K): WireTypes[K] {
  assert.equal(response.status, status, `expected ${status}: ${describeResponse(response)}`);
  const body = response.body;
  assertMatches(schema, body);
  return body;
}

/**
 * Asserts an F3548 error answer: the status, a JSON `{"message"}` body (ErrorResponse) whose
 * message is a non-empty string, matching `message` when given (e.g. the field it names).
 */
export function expectDssError(response: WireResponse, status: number, message?: RegExp): string {
  assert.equal(response.status, status, `expected ${status}: ${describeResponse(response)}`);
  assert.match(response.contentType, /^application\/json/, `F3548 errors are application/json: ${describeResponse(response)}`);
  const body = response.body;
  assertMatches('ErrorResponse', body);
  assert.equal(typeof body.message, 'string', `F3548 errors carry a message: ${describeResponse(response)}`);
  const text = body.message as string;
  assert.ok(text.length > 0, 'the message is not empty');
  if (message !== undefined) assert.match(text, message);
  return text;
}

// ---- short flows ----

/** Creates an intent reference (expects 201) and returns it. */
export async function createIntent(
  uss: UssClient,
  body: Record<string, unknown>,
  id: string = uuid(),
): Promise<WireTypes['OperationalIntentReference']> {
  const created = expectStatus(await uss.put(oirPath(id), body), 201, 'ChangeOperationalIntentReferenceResponse');
  return created.operational_intent_reference;
}

/** Reads an intent reference as `uss` sees it (expects 200). */
export async function readIntent(uss: UssClient, id: string): Promise<WireTypes['OperationalIntentReference']> {
  return expectStatus(await uss.get(oirPath(id)), 200, 'GetOperationalIntentReferenceResponse').operational_intent_reference;
}

/** Creates a subscription (expects 200) and returns it. */
export async function createSubscription(
  uss: UssClient,
  body: Record<string, unknown>,
  id: string = uuid(),
): Promise<WireTypes['Subscription']> {
  return expectStatus(await uss.put(subscriptionPath(id), body), 200, 'PutSubscriptionResponse').subscription;
}

/** Reads one of `uss`'s subscriptions (expects 200). */
export async function readSubscription(uss: UssClient, id: string): Promise<WireTypes['Subscription']> {
  return expectStatus(await uss.get(subscriptionPath(id)), 200, 'GetSubscriptionResponse').subscription;
}
