/**
 * The verifiable log over HTTP, on both stores: exactly one entry per committed F3548 change
 * (none for refused requests or reads), need-to-know on /v1/log/entries (salt and content only
 * for the parties an entry concerns), signed checkpoints that match the tree, inclusion and
 * consistency proofs that verify, and problem+json for bad parameters and missing scopes.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { sha256Hasher } from '../../src/adapters/crypto/sha256-hasher.js';
import { ephemeralLogSigner } from '../../src/adapters/crypto/log-key-file.js';
import { openNote, parseVerifierKey } from '../../src/adapters/crypto/signed-note.js';
import { currentCheckpoint } from '../../src/app/log/log-queries.js';
import type { LogEntry } from '../../src/app/ports/store.js';
import { SCOPE } from '../../src/app/scopes.js';
import { canonicalJson } from '../../src/domain/log/canonical-json.js';
import { parseCheckpoint, type Checkpoint } from '../../src/domain/log/checkpoint.js';
import { rootOf, verifyConsistency, verifyInclusion } from '../../src/domain/log/merkle.js';
import { AA, CM, SC, type TestBroker } from '../support/broker-harness.js';
import {
  DSS,
  HIDDEN_OVN,
  HOME,
  T0,
  availabilityPath,
  circleVolume,
  constraintPath,
  createIntent,
  createSubscription,
  errorReportBody,
  expectStatus,
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
  type WireResponse,
} from '../support/wire.js';

const STORES = ['memory', 'sqlite'] as const;
const LOG = '/v1/log';
type Json = Record<string, unknown>;
interface WireEntry {
  readonly index: number;
  readonly data: string;
  readonly salt?: string;
  readonly content?: Json;
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const unb64 = (text: string): Buffer => Buffer.from(text, 'base64');
/** A flight volume of its own (1 km circle), `n` steps north of HOME: no two intersect. */
const spot = (n: number) => flightVolume({ lat: HOME.lat + 0.05 * n });

const logSize = (broker: TestBroker): Promise<number> => broker.store.read(async (r) => r.log.size());
const storedEntries = (broker: TestBroker): Promise<LogEntry[]> => broker.store.read((r) => r.log.entries(0, r.log.size()));

/** Runs `act` and asserts it appended exactly one well-formed entry of `kind` by `by`; returns what act returned and the content. */
async function oneEntry<T>(broker: TestBroker, kind: string, by: string, act: () => Promise<T>): Promise<{ result: T; content: Json; entry: LogEntry }> {
  const before = await logSize(broker);
  const result = await act();
  assert.equal(await logSize(broker), before + 1, `${kind}: exactly one new entry`);
  const [entry] = await broker.store.read((r) => r.log.entries(before, 1));
  assert.ok(entry !== undefined);
  assert.equal(entry.index, before);
  assert.equal(entry.kind, kind);
  const content = JSON.parse(entry.content) as Json;
  assert.equal(canonicalJson(content), entry.content, `${kind}: content is canonical JSON`);
  const { format, kind: k, by: b, at } = content;
  assert.deepEqual({ format, kind: k, by: b, at }, { format: 1, kind, by, at: new Date(T0).toISOString() });
  assert.equal(entry.salt.length, 32);
  const commitment = createHash('sha256').update(entry.salt).update(Buffer.from(entry.content, 'utf8')).digest();
  assert.equal(b64(entry.data), b64(commitment), `${kind}: data = SHA-256(salt || content)`);
  assert.ok(entry.parties.includes(by as never));
  return { result, content, entry };
}

/** Runs `act` (which must answer `status`) and asserts the log did not grow. */
async function noEntry(broker: TestBroker, what: string, status: number, act: () => Promise<WireResponse>): Promise<void> {
  const before = await logSize(broker);
  const response = await act();
  assert.equal(response.status, status, `${what}: ${response.status} ${response.text.slice(0, 300)}`);
  assert.equal(await logSize(broker), before, `${what}: no entry`);
}

/** GETs on the log API as `sub` with scope parley.audit (or the scopes given). */
async function logClient(broker: TestBroker, sub: string, scopes: readonly string[] = [SCOPE.audit]) {
  const headers = { authorization: `Bearer ${await broker.token(sub, scopes)}` };
  return (path: string): Promise<WireResponse> => send(broker, { method: 'GET', url: `${LOG}${path}`, headers });
}
type LogClient = Awaited<ReturnType<typeof logClient>>;

function ok(response: WireResponse): Json {
  assert.equal(response.status, 200, `${response.url} → ${response.status} ${response.text.slice(0, 300)}`);
  assert.match(response.contentType, /^application\/json/);
  return response.body as Json;
}

async function entriesOf(log: LogClient, query: string): Promise<WireEntry[]> {
  return (ok(await log(`/entries?${query}`))['entries'] as WireEntry[]);
}

/** Fetches, verifies (signature, origin) and parses the current checkpoint. */
async function checkpointOf(log: LogClient, key: { name: string; verifier: string }): Promise<{ note: string; cp: Checkpoint }> {
  const response = await log('/checkpoint');
  assert.equal(response.status, 200);
  assert.match(response.contentType, /^text\/plain/);
  const { text, verifiedBy } = openNote(response.text, [parseVerifierKey(key.verifier)]);
  assert.deepEqual(verifiedBy, [key.name]);
  const cp = parseCheckpoint(text);
  assert.equal(cp.origin, key.name);
  return { note: response.text, cp };
}

function expectProblem(response: WireResponse, status: number, field?: string): Json {
  assert.equal(response.status, status, `${response.url} → ${response.status} ${response.text.slice(0, 300)}`);
  assert.match(response.contentType, /^application\/problem\+json/, response.url);
  const body = response.body as Json;
  for (const k of ['type', 'title', 'detail', 'code']) assert.equal(typeof body[k], 'string', `${response.url}: ${k}`);
  assert.equal(body['status'], status);
  if (field !== undefined) assert.equal(body['field'], field, `${response.url} names ${field}: ${response.text}`);
  return body;
}

for (const storage of STORES) {
  describe(`log entries: one per committed change (${storage})`, () => {
    it('records every mutating F3548 endpoint exactly once, as a salted commitment to canonical content', async (t) => {
      const broker = await startBroker(t, { storage });
      const alice = await ussClient(broker, 'uss-alice', [SC, CM]);
      const arbiter = await ussClient(broker, 'uss-arbiter', [AA]);
      const by = 'uss-alice';

      const id = uuid();
      const created = await oneEntry(broker, 'intent.create', by, () => createIntent(alice, putIntentBody({ extents: [spot(0)] }), id));
      assert.equal(created.content['id'], id);
      assert.equal(created.content['version'], 1);
      assert.equal(created.content['subscription_id'], null);
      assert.deepEqual(created.entry.parties, [by]);
      const ovn1 = created.result.ovn ?? '';
      const updated = await oneEntry(broker, 'intent.update', by, async () =>
        expectStatus(await alice.put(oirPath(id, ovn1), putIntentBody({ extents: [spot(0)], key: [ovn1] })), 200, 'ChangeOperationalIntentReferenceResponse'),
      );
      assert.equal(updated.content['version'], 2);
      const ovn2 = updated.result.operational_intent_reference.ovn ?? '';
      const deleted = await oneEntry(broker, 'intent.delete', by, async () =>
        expectStatus(await alice.delete(oirPath(id, ovn2)), 200, 'ChangeOperationalIntentReferenceResponse'),
      );
      assert.deepEqual({ id: deleted.content['id'], version: deleted.content['version'] }, { id, version: 2 });

      // new_subscription creates an implicit subscription in the same unit: still one entry, both ways.
      const withSub = await oneEntry(broker, 'intent.create', by, () =>
        createIntent(alice, putIntentBody({ extents: [spot(1)], newSubscription: { ussBaseUrl: 'https://alice.example.com/sub' } })),
      );
      assert.equal(typeof withSub.result.subscription_id, 'string');
      assert.equal(withSub.content['subscription_id'], withSub.result.subscription_id);
      // Moving it to an explicit subscription drops the implicit one in the same unit: one entry.
      const explicit = await oneEntry(broker, 'subscription.create', by, () => createSubscription(alice, putSubscriptionBody({ extents: spot(1) })));
      const moved = await oneEntry(broker, 'intent.update', by, async () =>
        expectStatus(
          await alice.put(oirPath(withSub.result.id, withSub.result.ovn ?? ''), putIntentBody({ extents: [spot(1)], subscriptionId: explicit.result.id })),
          200,
          'ChangeOperationalIntentReferenceResponse',
        ).operational_intent_reference,
      );
      assert.equal(moved.content['subscription_id'], explicit.result.id);
      await oneEntry(broker, 'intent.delete', by, async () =>
        expectStatus(await alice.delete(oirPath(moved.result.id, moved.result.ovn ?? '')), 200, 'ChangeOperationalIntentReferenceResponse'),
      );

      const cid = uuid();
      const c1 = await oneEntry(broker, 'constraint.create', by, async () =>
        expectStatus(await alice.put(constraintPath(cid), putConstraintBody({ extents: [spot(2)] })), 201, 'ChangeConstraintReferenceResponse'),
      );
      const c2 = await oneEntry(broker, 'constraint.update', by, async () =>
        expectStatus(await alice.put(constraintPath(cid, c1.result.constraint_reference.ovn), putConstraintBody({ extents: [spot(3)] })), 200, 'ChangeConstraintReferenceResponse'),
      );
      assert.equal(c2.content['version'], 2);
      await oneEntry(broker, 'constraint.delete', by, async () =>
        expectStatus(await alice.delete(constraintPath(cid, c2.result.constraint_reference.ovn)), 200, 'ChangeConstraintReferenceResponse'),
      );

      const sid = uuid();
      const s1 = await oneEntry(broker, 'subscription.create', by, () => createSubscription(alice, putSubscriptionBody({ extents: spot(4) }), sid));
      assert.equal(s1.content['id'], sid);
      const s2 = await oneEntry(broker, 'subscription.update', by, async () =>
        expectStatus(await alice.put(subscriptionPath(sid, s1.result.version), putSubscriptionBody({ extents: spot(5) })), 200, 'PutSubscriptionResponse'),
      );
      await oneEntry(broker, 'subscription.delete', by, async () =>
        expectStatus(await alice.delete(subscriptionPath(sid, s2.result.subscription.version)), 200, 'DeleteSubscriptionResponse'),
      );

      const availability = await oneEntry(broker, 'availability.set', 'uss-arbiter', async () =>
        expectStatus(await arbiter.put(availabilityPath(by), { old_version: '', availability: 'Down' }), 200, 'UssAvailabilityStatusResponse'),
      );
      assert.equal(availability.content['uss_id'], by);
      assert.equal(availability.content['availability'], 'Down');
      assert.deepEqual(availability.entry.parties, ['uss-alice', 'uss-arbiter']);

      const report = await oneEntry(broker, 'report.create', by, async () =>
        expectStatus(await alice.post(`${DSS}/reports`, errorReportBody()), 201, 'ErrorReport'),
      );
      assert.equal(report.content['id'], report.result.report_id);
      const all = await storedEntries(broker);
      assert.equal(all.length, 15);
      assert.equal(new Set(all.map((e) => b64(e.salt))).size, all.length, 'every entry has its own salt');
    });

    it('records one entry per winner when requests race (group commit, savepoints)', async (t) => {
      const broker = await startBroker(t, { storage });
      const alice = await ussClient(broker, 'uss-alice', [SC]);
      const id = uuid();
      const racing = await Promise.all([
        ...Array.from({ length: 6 }, () => alice.put(oirPath(id), putIntentBody({ extents: [spot(0)] }))),
        ...Array.from({ length: 6 }, (_, i) => alice.put(subscriptionPath(uuid()), putSubscriptionBody({ extents: spot(i + 1) }))),
      ]);
      assert.deepEqual(racing.map((r) => r.status).sort(), [...Array(6).fill(200), 201, ...Array(5).fill(409)].sort());
      const entries = await storedEntries(broker);
      assert.deepEqual(entries.map((e) => e.index), [0, 1, 2, 3, 4, 5, 6]);
      assert.equal(entries.filter((e) => e.kind === 'intent.create').length, 1);
      const leaves = entries.map((e) => sha256Hasher.leaf(e.data));
      assert.equal(b64(await broker.store.read(async (r) => r.log.root(7))), b64(rootOf(sha256Hasher, leaves)));
    });

    it('records nothing for refused or failed requests, reads and queries', async (t) => {
      const broker = await startBroker(t, { storage });
      const alice = await ussClient(broker, 'uss-alice', [SC, CM]);
      const bob = await ussClient(broker, 'uss-bob', [SC, CM]);
      const arbiter = await ussClient(broker, 'uss-arbiter', [AA]);
      const a = await createIntent(alice, putIntentBody({ extents: [spot(0)] }));
      const aOvn = a.ovn ?? '';
      const c = expectStatus(await alice.put(constraintPath(uuid()), putConstraintBody({ extents: [spot(2)] })), 201, 'ChangeConstraintReferenceResponse').constraint_reference;
      const s = await createSubscription(alice, putSubscriptionBody({ extents: spot(4) }));
      const av = expectStatus(await arbiter.put(availabilityPath('uss-alice'), { availability: 'Normal' }), 200, 'UssAvailabilityStatusResponse');
      assert.equal(await logSize(broker), 4);
      const body = putIntentBody({ extents: [spot(0)], key: [aOvn] });
      const stale = 'p'.repeat(32);
      const around = queryBody(circleVolume({ lat: HOME.lat, lng: HOME.lng, radiusM: 20_000 }));

      await noEntry(broker, 'create without the key (409)', 409, () => bob.put(oirPath(uuid()), putIntentBody({ extents: [spot(0)] })));
      await noEntry(broker, 'create with new_subscription without the key (409)', 409, () =>
        bob.put(oirPath(uuid()), putIntentBody({ extents: [spot(0)], newSubscription: { ussBaseUrl: 'https://bob.example.com/sub' } })),
      );
      await noEntry(broker, 'malformed body (400)', 400, () => alice.put(oirPath(uuid()), { extents: 'nope', state: 'Accepted' }));
      await noEntry(broker, 'non-manager update (403)', 403, () => bob.put(oirPath(a.id, aOvn), body));
      await noEntry(broker, 'non-manager delete (403)', 403, () => bob.delete(oirPath(a.id, aOvn)));
      await noEntry(broker, 'delete of an unknown id (404)', 404, () => alice.delete(oirPath(uuid(), stale)));
      await noEntry(broker, 'create of an existing id (409)', 409, () => alice.put(oirPath(a.id), body));
      await noEntry(broker, 'update at a wrong OVN (409)', 409, () => alice.put(oirPath(a.id, stale), body));
      await noEntry(broker, 'delete at a wrong OVN (409)', 409, () => alice.delete(oirPath(a.id, stale)));
      await noEntry(broker, 'no token (401)', 401, () => send(broker, { method: 'PUT', url: oirPath(uuid()), body: putIntentBody({ extents: [spot(6)] }) }));
      await noEntry(broker, 'constraint of another manager (403)', 403, () => bob.delete(constraintPath(c.id, c.ovn)));
      await noEntry(broker, 'constraint at a wrong OVN (409)', 409, () => alice.put(constraintPath(c.id, stale), putConstraintBody({ extents: [spot(2)] })));
      await noEntry(broker, 'subscription at a stale version (409)', 409, () => alice.delete(subscriptionPath(s.id, 'stale-version-000')));
      await noEntry(broker, 'subscription of another owner (403)', 403, () => bob.put(subscriptionPath(s.id, s.version), putSubscriptionBody({ extents: spot(4) })));
      await noEntry(broker, 'availability at a stale version (409)', 409, () => arbiter.put(availabilityPath('uss-alice'), { old_version: '', availability: 'Down' }));
      await noEntry(broker, 'availability without AA (403)', 403, () => alice.put(availabilityPath('uss-alice'), { old_version: av.version, availability: 'Down' }));
      await noEntry(broker, 'report without exchange (400)', 400, () => alice.post(`${DSS}/reports`, {}));

      await noEntry(broker, 'GET intent', 200, () => bob.get(oirPath(a.id)));
      await noEntry(broker, 'GET constraint', 200, () => bob.get(constraintPath(c.id)));
      await noEntry(broker, 'GET subscription', 200, () => alice.get(subscriptionPath(s.id)));
      await noEntry(broker, 'GET availability', 200, () => arbiter.get(availabilityPath('uss-alice')));
      await noEntry(broker, 'intent query', 200, () => bob.post(`${DSS}/operational_intent_references/query`, around));
      await noEntry(broker, 'constraint query', 200, () => bob.post(`${DSS}/constraint_references/query`, around));
      await noEntry(broker, 'subscription query', 200, () => alice.post(`${DSS}/subscriptions/query`, around));
      const log = await logClient(broker, 'uss-alice');
      for (const path of ['/key', '/checkpoint', '/entries?start=0', '/proof/inclusion?index=0&size=4', '/proof/consistency?from=1&to=4']) {
        await noEntry(broker, `GET ${LOG}${path}`, 200, () => log(path));
      }
    });
  });

  describe(`log entries: need-to-know (${storage})`, () => {
    it('shows salt and content only to the parties an entry concerns, and never an OVN', async (t) => {
      const broker = await startBroker(t, { storage });
      const subs = ['uss-alice', 'uss-bob', 'uss-carol'] as const;
      const sentinel = `bob-sentinel-${uuid()}`;
      const bobUrl = `https://${sentinel}.example.com/uss`;
      const ovns: string[] = [];
      let n = 0;
      for (const sub of subs) {
        const uss = await ussClient(broker, sub, [SC]);
        for (const newSub of [false, true]) {
          const ussBaseUrl = sub === 'uss-bob' ? bobUrl : `https://${sub}.example.com/uss`;
          const intent = await createIntent(uss, putIntentBody({ extents: [spot(n++)], ussBaseUrl, ...(newSub ? { newSubscription: { ussBaseUrl } } : {}) }));
          ovns.push(intent.ovn ?? '');
        }
      }
      const arbiter = await ussClient(broker, 'uss-arbiter', [AA]);
      const av = expectStatus(await arbiter.put(availabilityPath('uss-alice'), { old_version: '', availability: 'Down' }), 200, 'UssAvailabilityStatusResponse');
      const stored = await storedEntries(broker);
      assert.equal(stored.length, 7);

      const views = new Map<string, { text: string; entries: WireEntry[] }>();
      for (const sub of [...subs, 'uss-arbiter']) {
        const response = await (await logClient(broker, sub))('/entries?start=0&limit=1000');
        const entries = ok(response)['entries'] as WireEntry[];
        views.set(sub, { text: response.text, entries });
        assert.equal(entries.length, stored.length);
        let whole = 0;
        entries.forEach((e, i) => {
          const s = stored[i] as LogEntry;
          const content = JSON.parse(s.content) as Json;
          assert.equal(e.index, i);
          assert.equal(unb64(e.data).length, 32);
          assert.equal(e.data, b64(s.data));
          const concerns = content['by'] === sub || (content['kind'] === 'availability.set' && content['uss_id'] === sub);
          assert.equal(s.parties.includes(sub as never), concerns);
          if (concerns) {
            whole++;
            assert.deepEqual(Object.keys(e).sort(), ['content', 'data', 'index', 'salt'], `${sub} sees entry ${i} whole`);
            assert.equal(e.salt, b64(s.salt));
            assert.deepEqual(e.content, content);
          } else {
            assert.deepEqual(Object.keys(e).sort(), ['data', 'index'], `${sub} sees only index and data of entry ${i}`);
          }
        });
        assert.equal(whole, { 'uss-alice': 3, 'uss-bob': 2, 'uss-carol': 2, 'uss-arbiter': 1 }[sub], `${sub}: entries seen whole`);
      }

      const bob = views.get('uss-bob') as { text: string; entries: WireEntry[] };
      assert.ok(bob.text.includes(sentinel), 'bob sees his own uss_base_url');
      const bobSalts = bob.entries.flatMap((e) => (e.salt === undefined ? [] : [e.salt]));
      assert.equal(bobSalts.length, 2);
      for (const other of ['uss-alice', 'uss-carol', 'uss-arbiter']) {
        const { text } = views.get(other) as { text: string };
        assert.ok(!text.includes(sentinel), `${other} never sees bob's uss_base_url`);
        for (const salt of bobSalts) assert.ok(!text.includes(salt), `${other} never sees bob's salts`);
      }
      for (const [sub, { text }] of views) {
        for (const ovn of ovns) assert.ok(!text.includes(ovn), `${sub}'s log view holds no OVN`);
        assert.ok(!text.includes(av.version), `${sub}'s log view holds no availability version`);
      }
      for (const s of stored) {
        assert.doesNotMatch(s.content, /"ovn":/, `entry ${s.index} has no ovn key`);
        for (const ovn of ovns) assert.ok(!s.content.includes(ovn));
      }
      // F3548: a foreign intent's OVN stays hidden in query results too.
      const carol = await ussClient(broker, 'uss-carol', [SC]);
      const around = queryBody(circleVolume({ lat: HOME.lat + 0.15, lng: HOME.lng, radiusM: 20_000 }));
      const seen = expectStatus(await carol.post(`${DSS}/operational_intent_references/query`, around), 200, 'QueryOperationalIntentReferenceResponse');
      const foreign = seen.operational_intent_references.filter((r) => r.manager !== 'uss-carol');
      assert.ok(foreign.length >= 4);
      for (const ref of foreign) assert.equal(ref.ovn, HIDDEN_OVN);
      for (const ovn of ovns.slice(0, 4)) assert.ok(!JSON.stringify(seen).includes(ovn));
    });
  });

  describe(`log checkpoint and proofs (${storage})`, () => {
    it('signs checkpoints of the tree, stable while it does not grow, with proofs that verify', async (t) => {
      const broker = await startBroker(t, { storage });
      const alice = await ussClient(broker, 'uss-alice', [SC]);
      const log = await logClient(broker, 'uss-auditor');
      const key = ok(await log('/key')) as { name: string; verifier: string; jwk: Json };
      assert.deepEqual(Object.keys(key).sort(), ['jwk', 'name', 'verifier']);
      assert.ok(key.name.length > 0 && key.verifier.startsWith(`${key.name}+`));
      assert.equal(key.jwk['kty'], 'OKP');
      assert.equal(key.jwk['crv'], 'Ed25519');
      assert.ok(!('d' in key.jwk), 'the JWK is public');

      const empty = await checkpointOf(log, key);
      assert.equal(empty.cp.size, 0);
      assert.equal(b64(empty.cp.root), b64(sha256Hasher.empty()));

      for (let i = 0; i < 7; i++) await createSubscription(alice, putSubscriptionBody({ extents: spot(i) }));
      const first = await checkpointOf(log, key);
      assert.equal(first.cp.size, await logSize(broker));
      assert.equal(first.cp.size, 7);
      const storeRoot = await broker.store.read(async (r) => r.log.root(7));
      assert.equal(b64(first.cp.root), b64(storeRoot));
      assert.equal((await checkpointOf(log, key)).note, first.note, 'no change, same note');

      await createIntent(alice, putIntentBody({ extents: [spot(9)] }));
      const second = await checkpointOf(log, key);
      assert.equal(second.cp.size, 8);
      assert.notEqual(second.note, first.note);

      const entries = await entriesOf(log, 'start=0');
      assert.equal(entries.length, 8);
      const leaves = entries.map((e) => sha256Hasher.leaf(unb64(e.data)));
      assert.equal(b64(rootOf(sha256Hasher, leaves)), b64(second.cp.root), 'the checkpoint root is the tree of the entries');

      const consistency = ok(await log('/proof/consistency?from=7&to=8')) as { from: number; to: number; hashes: string[] };
      assert.deepEqual({ from: consistency.from, to: consistency.to }, { from: 7, to: 8 });
      verifyConsistency(sha256Hasher, 7, 8, first.cp.root, second.cp.root, consistency.hashes.map(unb64));
      for (let from = 1; from <= 8; from++) {
        const proof = ok(await log(`/proof/consistency?from=${from}&to=8`)) as { hashes: string[] };
        verifyConsistency(sha256Hasher, from, 8, rootOf(sha256Hasher, leaves.slice(0, from)), second.cp.root, proof.hashes.map(unb64));
      }
      for (const [size, root] of [[7, first.cp.root], [8, second.cp.root]] as const) {
        for (let index = 0; index < size; index++) {
          const proof = ok(await log(`/proof/inclusion?index=${index}&size=${size}`)) as { index: number; size: number; hashes: string[] };
          assert.deepEqual({ index: proof.index, size: proof.size }, { index, size });
          verifyInclusion(sha256Hasher, index, size, leaves[index] as Uint8Array, proof.hashes.map(unb64), root);
        }
      }
      assert.throws(() => verifyInclusion(sha256Hasher, 0, 8, leaves[1] as Uint8Array, [], second.cp.root), 'sanity: a wrong proof fails');
    });

    it('serves a checkpoint the published key verifies after a key change, even before the log grows', async (t) => {
      const broker = await startBroker(t, { storage });
      await createSubscription(await ussClient(broker, 'uss-alice', [SC]), putSubscriptionBody({ extents: spot(0) }));
      const log = await logClient(broker, 'uss-alice');
      await checkpointOf(log, ok(await log('/key')) as { name: string; verifier: string }); // kept by the store
      // What a restart with a new log-key.json (same origin) does: the route's code with the new signer.
      const rotated = ephemeralLogSigner('parley-test-log');
      const { note } = await currentCheckpoint(broker.ctx, rotated);
      assert.doesNotThrow(() => openNote(note, [parseVerifierKey(rotated.verifierKey)]));
    });

    it('pages entries by start and limit', async (t) => {
      const broker = await startBroker(t, { storage });
      const alice = await ussClient(broker, 'uss-alice', [SC]);
      for (let i = 0; i < 7; i++) await createSubscription(alice, putSubscriptionBody({ extents: spot(i) }));
      const log = await logClient(broker, 'uss-alice');
      const all = await entriesOf(log, 'start=0');
      assert.deepEqual(all.map((e) => e.index), [0, 1, 2, 3, 4, 5, 6]);
      assert.deepEqual(all.map((e) => e.data), (await storedEntries(broker)).map((s) => b64(s.data)));
      const pages = [...(await entriesOf(log, 'start=0&limit=3')), ...(await entriesOf(log, 'start=3&limit=3')), ...(await entriesOf(log, 'start=6&limit=3'))];
      assert.deepEqual(pages, all);
      assert.deepEqual(await entriesOf(log, 'start=2&limit=2'), all.slice(2, 4));
      assert.deepEqual(await entriesOf(log, 'start=6&limit=1000'), all.slice(6));
      assert.deepEqual(await entriesOf(log, 'start=7&limit=5'), []);
      assert.deepEqual(await entriesOf(log, 'start=100'), []);
    });
  });

  describe(`log API validation and auth (${storage})`, () => {
    it('refuses bad parameters with 400 problem+json naming the parameter', async (t) => {
      const broker = await startBroker(t, { storage });
      const alice = await ussClient(broker, 'uss-alice', [SC]);
      for (let i = 0; i < 3; i++) await createSubscription(alice, putSubscriptionBody({ extents: spot(i) }));
      const log = await logClient(broker, 'uss-alice');
      const inclusion = (q: string) => `/proof/inclusion?${q}`;
      const cases: Record<string, string[]> = {
        index: ['size=3', 'index=3&size=3', 'index=-1&size=3', 'index=1e3&size=3', 'index=01&size=3', 'index=1.0&size=3', 'index=&size=3', 'index=0&index=1&size=3', 'index=99999999999999999999&size=3'].map(inclusion),
        size: ['index=0', 'index=0&size=0', 'index=0&size=4'].map(inclusion),
        from: ['/proof/consistency?to=3', '/proof/consistency?from=0&to=3', '/proof/consistency?from=3&to=2'],
        to: ['/proof/consistency?from=1', '/proof/consistency?from=1&to=4', '/proof/consistency?from=1&to=0'],
        limit: ['/entries?start=0&limit=0', '/entries?start=0&limit=1001', '/entries?start=0&limit=x'],
        start: ['/entries?start=abc', '/entries?limit=10', '/entries?start=-1', '/entries?start=9999999999999999'],
      };
      for (const [field, paths] of Object.entries(cases)) {
        for (const path of paths) assert.equal(expectProblem(await log(path), 400, field)['code'], 'invalid_input', path);
      }
    });

    it('answers 401 without a token and 403 without scope parley.audit', async (t) => {
      const broker = await startBroker(t, { storage });
      const noScope = await logClient(broker, 'uss-alice', [SC]);
      for (const path of ['/checkpoint', '/key', '/entries?start=0', '/proof/inclusion?index=0&size=1', '/proof/consistency?from=1&to=1']) {
        expectProblem(await send(broker, { method: 'GET', url: `${LOG}${path}` }), 401);
        expectProblem(await send(broker, { method: 'GET', url: `${LOG}${path}`, headers: { authorization: 'Bearer not-a-token' } }), 401);
        const body = expectProblem(await noScope(path), 403);
        assert.equal(body['code'], 'insufficient_scope');
      }
    });
  });
}
