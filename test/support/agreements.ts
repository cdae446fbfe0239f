/**
 * Agreements in tests: a broker (test harness, fake clock at T0) whose parties blue, red, green
 * and mauve have real keys, and helpers that write, sign and send agreement documents exactly as
 * a party's CLI does.
 */
import { randomUUID } from 'node:crypto';
import type { TestContext } from 'node:test';
import { writeDocument } from '../../src/adapters/agreements/agreement-document.js';
import { signDocument } from '../../src/adapters/agreements/agreement-signature.js';
import { generateSigningKey, type SigningJwk } from '../../src/adapters/cli/key-file.js';
import { parseParties } from '../../src/config/parties.js';
import type { VersionAction } from '../../src/domain/agreements/agreement.js';
import type { TestBroker } from './broker-harness.js';
import { HOME, MINUTE_MS, T0, circleVolume, send, startBroker, type WireResponse } from './wire.js';

export const PARTIES = ['blue', 'red', 'green', 'mauve'] as const;
export type Party = (typeof PARTIES)[number];
export const HOUR = 60 * MINUTE_MS;

export interface AgreementBroker {
  readonly broker: TestBroker;
  readonly keys: Readonly<Record<Party, SigningJwk>>;
  /** POST /v1/agreements with `party`'s signature over this version of the terms. */
  version(party: Party, id: string, version: number, action: VersionAction, proposal: unknown, options?: { signWith?: Party }): Promise<WireResponse>;
  /** POST /v1/agreements/{id}/signatures with `party`'s signature over `text` (default: the version's document). */
  sign(party: Party, id: string, version: number, options?: { text?: string; signWith?: Party }): Promise<WireResponse>;
  get(id: string, as?: Party): Promise<WireResponse>;
  call(party: Party, method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, body?: unknown, scopes?: readonly string[]): Promise<WireResponse>;
}

export async function startAgreementBroker(t: TestContext): Promise<AgreementBroker> {
  const keys = {} as Record<Party, SigningJwk>;
  const entries = [];
  for (const party of PARTIES) {
    const { privateJwk, publicJwk } = await generateSigningKey('EdDSA');
    keys[party] = privateJwk;
    entries.push({ id: party, name: party, keys: [publicJwk], agent_url: `https://${party}.example` });
  }
  const parties = await parseParties({ parties: entries }, 'test parties');
  const broker = await startBroker(t, { parties });
  const call = async (party: Party, method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, body?: unknown, scopes: readonly string[] = ['utm.strategic_coordination']) =>
    send(broker, { method, url, ...(body === undefined ? {} : { body }), headers: { authorization: `Bearer ${await broker.token(party, scopes)}` } });
  const get = (id: string, as: Party = 'blue') => call(as, 'GET', `/v1/agreements/${id}`);
  return {
    broker,
    keys,
    get,
    call,
    async version(party, id, version, action, proposal, options = {}) {
      const document = writeDocument(id, version, action, proposal, { maxAreaKm2: 2500 });
      return call(party, 'POST', '/v1/agreements', { signature: await signDocument(document.text, keys[options.signWith ?? party]) });
    },
    async sign(party, id, version, options = {}) {
      let text = options.text;
      if (text === undefined) {
        const current = await get(id);
        text = (current.body as { versions: Array<{ version: number; document: string }> }).versions.find((v) => v.version === version)?.document ?? '';
      }
      return call(party, 'POST', `/v1/agreements/${id}/signatures`, { signature: await signDocument(text, keys[options.signWith ?? party]) });
    },
  };
}

/** Terms of a zone at HOME (radius 1 km, 0–500 m) binding from T0 for a day, unless told. */
export function zoneTerms(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'protected_zone',
    title: 'Hospital',
    volumes: [circleVolume({ lat: HOME.lat, lng: HOME.lng, radiusM: 1000, altLo: 0, altHi: 500 })],
    applies_to: [],
    required_signers: ['blue', 'red'],
    effective: { from: new Date(T0).toISOString(), to: new Date(T0 + 24 * HOUR).toISOString() },
    ...overrides,
  };
}

export const newId = (): string => randomUUID();
