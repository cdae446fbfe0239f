/**
 * Agreements against abuse and accidents (issue 5, invariants 4 and 6): an agreement cannot take
 * over a USS's constraint; a signer is shown where a zone lies; a signature row the database
 * gained behind the broker's back stops it from opening; terms that would only pretend to bind
 * are refused; documents up to the documented size go through; a published zone's constraint
 * version only grows. The SQLite broker below is opened as `parley broker` opens it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import type { JWK } from 'jose';
import { pino } from 'pino';
import { writeDocument } from '../../src/adapters/agreements/agreement-document.js';
import { agreementStoreChecks } from '../../src/adapters/agreements/agreement-store-checks.js';
import { signDocument } from '../../src/adapters/agreements/agreement-signature.js';
import { versionSummary } from '../../src/adapters/cli/agreement-summary.js';
import { generateSigningKey, type SigningJwk } from '../../src/adapters/cli/key-file.js';
import { createTokenSigner } from '../../src/adapters/cli/sign-token.js';
import { cryptoCommitments } from '../../src/adapters/crypto/commitments.js';
import { ephemeralLogSigner } from '../../src/adapters/crypto/log-key-file.js';
import { ephemeralTicketAuthority } from '../../src/adapters/crypto/ticket-authority.js';
import { createAuthenticator } from '../../src/adapters/http/auth.js';
import { buildServer } from '../../src/adapters/http/build-server.js';
import { createMetricsRegistry } from '../../src/adapters/http/native/metrics.js';
import { cryptoIdSource } from '../../src/adapters/ids/crypto-id-source.js';
import { openSqliteStore } from '../../src/adapters/storage/sqlite/sqlite-store.js';
import { DEFAULT_LIMITS, type BrokerContext } from '../../src/app/broker-context.js';
import { parseParties, type PartiesDirectory } from '../../src/config/parties.js';
import { importVerificationKey } from '../../src/config/verification-key.js';
import type { VersionAction } from '../../src/domain/agreements/agreement.js';
import { HOUR, newId, startAgreementBroker, zoneTerms } from '../support/agreements.js';
import { CM, CP, FakeClock } from '../support/broker-harness.js';
import {
  HOME,
  T0,
  circleVolume,
  constraintPath,
  flightVolume,
  oirPath,
  polygonVolume,
  putConstraintBody,
  putIntentBody,
  send,
  uuid,
  type WireResponse,
} from '../support/wire.js';

describe('agreements review: the constraint a zone is published as', () => {
  it('an agreement whose id is another USS\'s constraint id does not take that constraint over, nor delete it on withdrawal', async (t) => {
    const a = await startAgreementBroker(t);
    // Mauve (as a USS with constraint management) has a constraint of its own on record.
    const id = newId();
    const created = await a.call('mauve', 'PUT', constraintPath(id), putConstraintBody({ extents: [flightVolume()], ussBaseUrl: 'https://mauve.example/utm' }), [CM]);
    assert.equal(created.status, 201, created.text);
    const mine = () => a.call('mauve', 'GET', constraintPath(id), undefined, [CM]);
    assert.equal(((await mine()).body as { constraint_reference: { manager: string } }).constraint_reference.manager, 'mauve');

    // Blue alone (the only required signer) proposes an agreement reusing that id.
    const proposed = await a.version('blue', id, 1, 'propose', zoneTerms({ required_signers: ['blue'] }));
    // Either the broker refuses the id (409), or it publishes the zone without touching mauve's constraint.
    if (proposed.status !== 201) {
      assert.equal(proposed.status, 409, proposed.text);
      return;
    }
    const whileInForce = ((await mine()).body as { constraint_reference: { manager: string } }).constraint_reference.manager;
    assert.equal((await a.version('blue', id, 2, 'withdraw', zoneTerms({ required_signers: ['blue'] }))).status, 201);
    const afterWithdrawal = (await mine()).status;
    assert.deepEqual({ whileInForce, afterWithdrawal }, { whileInForce: 'mauve', afterWithdrawal: 200 }, "mauve's constraint was taken over, then deleted");
  });
});

describe('agreements review: what a signer is shown', () => {
  it('the summary shown before signing tells apart two zones in different places', () => {
    // Two boxes of the same size sharing their first vertex: one east of it, one west of it.
    //   west    P    east
    //   +----+  +----+
    //   |    |  |    |
    //   +----P  P----+
    const d = 0.01;
    const { lat, lng } = HOME;
    const east = polygonVolume({ vertices: [{ lat, lng }, { lat, lng: lng + d }, { lat: lat + d, lng: lng + d }, { lat: lat + d, lng }] });
    const west = polygonVolume({ vertices: [{ lat, lng }, { lat: lat + d, lng }, { lat: lat + d, lng: lng - d }, { lat, lng: lng - d }] });
    const id = newId();
    const summary = (volume: unknown) => {
      const document = writeDocument(id, 2, 'amend', zoneTerms({ volumes: [volume] }), { maxAreaKm2: 2500 });
      return versionSummary({ document, quorum: ['blue', 'red'], signatures: [], party: 'red' }).split('\n').filter((line) => !line.includes('sha256')).join('\n');
    };
    assert.notEqual(summary(east), summary(west), 'red is asked to sign either zone on the same words');
  });
});

describe('agreements review: signatures read back from the database', () => {
  it('valid signatures pass the check on reopening: what stood stands', async (t) => {
    const k = await makeKeys();
    const path = tempDb(t);
    let b = await sqliteBroker(t, path, k);
    const id = newId();
    assert.equal((await b.version('blue', id, 1, 'propose', zoneTerms())).status, 201);
    assert.equal((await b.sign('red', id, 1)).status, 201);
    await b.close();
    b = await sqliteBroker(t, path, k);
    const state = ((await b.get(id)).body as { state: string }).state;
    const mauve = (await b.call('mauve', 'PUT', oirPath(uuid()), putIntentBody({ extents: [flightVolume()] }))).status;
    await b.close();
    assert.deepEqual({ state, mauve }, { state: 'effective', mauve: 400 });
  });

  it('a signature row the database gained behind the broker\'s back stops it from opening, naming it', async (t) => {
    const k = await makeKeys();
    const path = tempDb(t);
    const b = await sqliteBroker(t, path, k);
    const id = newId();
    assert.equal((await b.version('blue', id, 1, 'propose', zoneTerms())).status, 201);
    await b.close();
    // Whoever runs the database adds a row for red: no JWS of red's, no log entry.
    const db = new Database(path);
    db.prepare('INSERT INTO agreement_signatures (agreement_id, version, party, jws, signed_at_ms) VALUES (?, 1, ?, ?, ?)').run(id, 'red', 'forged', T0);
    db.close();
    await assert.rejects(sqliteBroker(t, path, k), new RegExp(`signature of red on version 1 of agreement ${id} does not verify`));
  });

});

describe('agreements review: a zone that binds nothing', () => {
  it('terms whose volumes all lie outside their effective window are refused, not shown as binding', async (t) => {
    const a = await startAgreementBroker(t);
    const id = newId();
    // A typo in the volume's year: the volume is in 2029, the window in 2030.
    const terms = zoneTerms({ volumes: [circleVolume({ lat: HOME.lat, lng: HOME.lng, radiusM: 1000, altLo: 0, altHi: 500, startMs: T0 - 365 * 24 * HOUR, endMs: T0 - 364 * 24 * HOUR })] });
    const proposed = await a.version('blue', id, 1, 'propose', terms);
    if (proposed.status === 400) return;
    const signed = await a.sign('red', id, 1);
    const shown = signed.body as { state: string; binding_now: boolean };
    const mauve = await a.call('mauve', 'PUT', oirPath(uuid()), putIntentBody({ extents: [flightVolume()] }));
    // The broker says the zone binds now, yet refuses nothing inside it.
    assert.deepEqual({ binding_now: shown.binding_now, mauve: mauve.status }, { binding_now: false, mauve: 201 }, `proposal ${proposed.status}, state ${shown.state}`);
  });
});

describe('agreements review: documents within the documented limits', () => {
  it('a proposal of 16 volumes of 1,000 vertices (limits: 64 and 1,000) can be proposed', async (t) => {
    const a = await startAgreementBroker(t);
    const volumes = Array.from({ length: 16 }, (_, k) =>
      polygonVolume({
        vertices: Array.from({ length: 1000 }, (_, i) => ({ lat: HOME.lat + 0.05 * k + 0.01 * Math.sin((2 * Math.PI * i) / 1000), lng: HOME.lng + 0.01 * Math.cos((2 * Math.PI * i) / 1000) })),
        altLo: 0,
        altHi: 500,
      }),
    );
    const answer = await a.version('blue', newId(), 1, 'propose', zoneTerms({ volumes }));
    assert.equal(answer.status, 201, answer.text.slice(0, 300));
  });
});

describe('agreements review: constraint versions', () => {
  it('the constraint of an agreement counts the versions in force, so it never repeats one', async (t) => {
    const a = await startAgreementBroker(t);
    const id = newId();
    const solo = { required_signers: ['blue'] };
    const reference = async () => ((await a.call('mauve', 'GET', `/uss/v1/constraints/${id}`, undefined, [CP])).body as { constraint?: { reference: { version: number; ovn: string } } }).constraint?.reference;
    assert.equal((await a.version('blue', id, 1, 'propose', zoneTerms(solo))).status, 201);
    const first = await reference();
    assert.equal(first?.version, 1);
    assert.equal((await a.version('blue', id, 2, 'amend', zoneTerms({ ...solo, title: 'Hospital and car park' }))).status, 201);
    const second = await reference();
    assert.equal(second?.version, 2);
    assert.notEqual(second?.ovn, first?.ovn);
  });

});

// ---- a broker on a SQLite file that can be closed and opened again (as `parley broker` opens it) ----

type P = 'blue' | 'red' | 'green' | 'mauve';
const PS: readonly P[] = ['blue', 'red', 'green', 'mauve'];

interface Keys { readonly entries: ReadonlyArray<{ id: string }>; readonly parties: PartiesDirectory; readonly keys: Record<P, SigningJwk>; readonly authority: SigningJwk; readonly authorityPublic: JWK }

async function makeKeys(): Promise<Keys> {
  const keys = {} as Record<P, SigningJwk>;
  const entries = [];
  for (const party of PS) {
    const { privateJwk, publicJwk } = await generateSigningKey('EdDSA');
    keys[party] = privateJwk;
    entries.push({ id: party, name: party, keys: [publicJwk], agent_url: `https://${party}.example` });
  }
  const { privateJwk, publicJwk } = await generateSigningKey('EdDSA');
  return { entries, parties: await parseParties({ parties: entries }, 'test parties'), keys, authority: privateJwk, authorityPublic: publicJwk };
}

/** `parley broker` on `path`: the store read back with the broker's own document reader. */
async function sqliteBroker(t: TestContext, path: string, k: Keys, options: { parties?: PartiesDirectory } = {}) {
  const parties = options.parties ?? k.parties;
  const store = await openSqliteStore({ path, synchronous: 'NORMAL', ...agreementStoreChecks(parties) });
  const clock = new FakeClock(T0);
  const key = await importVerificationKey(k.authorityPublic, 'EdDSA', 'authority');
  if (typeof key === 'string') throw new Error(key);
  const ctx: BrokerContext = {
    store, clock, ids: cryptoIdSource, limits: DEFAULT_LIMITS,
    commitments: cryptoCommitments, self: { manager: 'parley-broker', ussBaseUrl: () => 'http://localhost' },
  };
  const app = await buildServer({
    ctx, authenticator: createAuthenticator({ parties, authorityKeys: [key], audiences: ['localhost'] }), logger: pino({ level: 'silent' }),
    allowHttpBaseUrls: true, metrics: createMetricsRegistry(), logSigner: ephemeralLogSigner('parley-test-log'), tickets: ephemeralTicketAuthority('parley-test-log'), parties,
  });
  await app.ready();
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await app.close();
    await store.close();
  };
  t.after(close);
  const signer = await createTokenSigner(k.authority);
  const broker = { app, ctx, clock, store, token: (sub: string, scopes: readonly string[]) => signer({ sub, scope: scopes.join(' '), aud: 'localhost' }, { nowMs: Date.now() }), close };
  const call = async (party: P, method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, body?: unknown, scopes: readonly string[] = ['utm.strategic_coordination']): Promise<WireResponse> =>
    send(broker as never, { method, url, ...(body === undefined ? {} : { body }), headers: { authorization: `Bearer ${await broker.token(party, scopes)}` } });
  const get = (id: string) => call('blue', 'GET', `/v1/agreements/${id}`);
  return {
    ...broker,
    call,
    get,
    async version(party: P, id: string, version: number, action: VersionAction, proposal: unknown) {
      const document = writeDocument(id, version, action, proposal, { maxAreaKm2: Number.POSITIVE_INFINITY });
      return call(party, 'POST', '/v1/agreements', { signature: await signDocument(document.text, k.keys[party]) });
    },
    async sign(party: P, id: string, version: number) {
      const text = ((await get(id)).body as { versions: Array<{ version: number; document: string }> }).versions.find((v) => v.version === version)?.document ?? '';
      return call(party, 'POST', `/v1/agreements/${id}/signatures`, { signature: await signDocument(text, k.keys[party]) });
    },
  };
}

function tempDb(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-review-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'broker.sqlite');
}
