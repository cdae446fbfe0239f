/**
 * The verifiable log against an operator who edits the broker's database: two parties (alice,
 * bob) make 12 changes over real HTTP, verify the log (`parley audit verify`, a separate
 * process) and keep their checkpoint; then, each on its own copy of the data directory, one
 * tampering at a time — a byte of an entry's content, salt or leaf data, a deleted row, two
 * swapped rows, an older copy of the database restored, a new checkpoint key — and the broker
 * restarted on it. Every tampering must fail the audit (exit 1) with a message naming it,
 * online as the party concerned with its earlier state, and offline over the data directory.
 * The broker runs in-process (startBroker); the CLI under test always runs as a child process.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { generateKeyFile } from '../../src/adapters/cli/key-file.js';
import { createTokenSigner } from '../../src/adapters/cli/sign-token.js';
import { resolveBrokerConfig } from '../../src/config/broker-config.js';
import { createLogger } from '../../src/log/logger.js';
import { BROKER_FILES } from '../../src/adapters/broker-files.js';
import { startBroker, type RunningBroker } from '../../src/main/broker.js';
import { runCli, type CliRun } from '../support/cli.js';

const SC = 'utm.strategic_coordination';
const DB = BROKER_FILES.database;
type PartyName = 'alice' | 'bob';
const PARTIES: readonly PartyName[] = ['alice', 'bob'];

// ---------------------------------------------------------------------------------------------
// The CLI under test, as a child process
// ---------------------------------------------------------------------------------------------

type Run = CliRun;
const cli = (args: readonly string[]): Promise<Run> => runCli(args);

function assertOk(run: Run): void {
  assert.equal(run.code, 0, `expected exit 0:\n${run.out}`);
  assert.match(run.out, /verdict: OK\n$/, run.out);
}

function assertFails(run: Run, ...patterns: RegExp[]): void {
  assert.equal(run.code, 1, `expected exit 1 (tampering detected):\n${run.out}`);
  assert.match(run.out, /^verdict: FAILED \(\d+ problems?\)$/m, run.out);
  for (const pattern of patterns) {
    assert.match(run.out, new RegExp(`^  FAIL  .*(?:${pattern.source})`, 'm'), `expected a FAIL line matching ${pattern}:\n${run.out}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The broker, in-process, and the DSS changes over HTTP
// ---------------------------------------------------------------------------------------------

let root: string;
let partiesFile: string;
const keyFiles = {} as Record<PartyName, string>;
const tokens = {} as Record<PartyName, string>;

async function withBroker<T>(dataDir: string, body: (url: string) => Promise<T>): Promise<T> {
  const config = resolveBrokerConfig({ port: '0', data: dataDir, parties: partiesFile }, { PARLEY_LOG_LEVEL: 'silent' });
  const broker: RunningBroker = await startBroker(config, { logger: createLogger({ level: 'silent', name: 'log-tamper' }) });
  try {
    return await body(broker.url);
  } finally {
    await broker.close();
  }
}

async function dss(url: string, party: PartyName, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${url}/dss/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${tokens[party]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = await response.json();
  assert.ok(response.ok, `${party} ${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** Each party flies in its own area (alice at 10° E, bob at 20° E), each intent in its own slot. */
const nowMs = Date.now();
const lngOf = (party: PartyName) => (party === 'alice' ? 10 : 20);
function volume4d(party: PartyName, lat: number, size: number) {
  const lng = lngOf(party);
  return {
    volume: {
      outline_polygon: { vertices: [{ lat, lng }, { lat, lng: lng + size }, { lat: lat + size, lng: lng + size }, { lat: lat + size, lng }] },
      altitude_lower: { value: 0, reference: 'W84', units: 'M' },
      altitude_upper: { value: 120, reference: 'W84', units: 'M' },
    },
    time_start: { value: new Date(nowMs + 10 * 60_000).toISOString(), format: 'RFC3339' },
    time_end: { value: new Date(nowMs + 70 * 60_000).toISOString(), format: 'RFC3339' },
  };
}

/** Creates (no ovn) or updates an intent; returns its new OVN. */
async function putIntent(url: string, party: PartyName, id: string, slot: number, ovn?: string): Promise<string> {
  const body = { extents: [volume4d(party, 30 + 0.01 * slot, 0.002)], state: 'Accepted', uss_base_url: `https://${party}.example/uss`, key: [] };
  const path = `/operational_intent_references/${id}${ovn === undefined ? '' : `/${ovn}`}`;
  return (await dss(url, party, 'PUT', path, body)).operational_intent_reference.ovn as string;
}

async function deleteIntent(url: string, party: PartyName, id: string, ovn: string): Promise<void> {
  await dss(url, party, 'DELETE', `/operational_intent_references/${id}/${ovn}`);
}

async function putSubscription(url: string, party: PartyName, id: string): Promise<void> {
  const body = { extents: volume4d(party, 29.99, 0.05), uss_base_url: `https://${party}.example/uss`, notify_for_operational_intents: true };
  await dss(url, party, 'PUT', `/subscriptions/${id}`, body);
}

const ids = { A1: randomUUID(), A2: randomUUID(), A3: randomUUID(), B1: randomUUID(), B2: randomUUID(), B3: randomUUID(), SB: randomUUID() };
const ovns: Record<string, string> = {};

/** Six changes: alice 3 (create, create, update), bob 3 (subscription, create, create). */
async function firstChanges(url: string): Promise<void> {
  ovns['A1'] = await putIntent(url, 'alice', ids.A1, 0);
  ovns['A2'] = await putIntent(url, 'alice', ids.A2, 1);
  await putSubscription(url, 'bob', ids.SB);
  ovns['B1'] = await putIntent(url, 'bob', ids.B1, 0);
  ovns['A1'] = await putIntent(url, 'alice', ids.A1, 0, ovns['A1']);
  ovns['B2'] = await putIntent(url, 'bob', ids.B2, 1);
}

/** Six more: alice 3 (delete, create, update), bob 3 (update, delete, create). */
async function moreChanges(url: string): Promise<void> {
  await deleteIntent(url, 'alice', ids.A2, ovns['A2']!);
  ovns['A3'] = await putIntent(url, 'alice', ids.A3, 2);
  ovns['B1'] = await putIntent(url, 'bob', ids.B1, 0, ovns['B1']);
  await deleteIntent(url, 'bob', ids.B2, ovns['B2']!);
  ovns['A3'] = await putIntent(url, 'alice', ids.A3, 2, ovns['A3']);
  ovns['B3'] = await putIntent(url, 'bob', ids.B3, 2);
}
const CHANGES = { alice: 6, bob: 6, total: 12, first: 6 };

// ---------------------------------------------------------------------------------------------
// Data directories, states and tampering
// ---------------------------------------------------------------------------------------------

/** The untouched data directory after all 12 changes (and its copy after the first 6). */
const base = () => join(root, 'base');
const old = () => join(root, 'old');
const baseState = (party: PartyName) => join(root, `state-${party}`);

const onlineVerify = (url: string, party: PartyName, state: string) =>
  cli(['audit', 'verify', '--broker', url, '--key', keyFiles[party], '--party', party, '--state', state, '--no-progress']);
const offlineVerify = (data: string, state?: string) =>
  cli(['audit', 'verify', '--data', data, ...(state === undefined ? [] : ['--state', state]), '--no-progress']);

/** A copy of the base data directory and of both parties' states, for one scenario. */
function scenario(name: string): { data: string; state: Record<PartyName, string> } {
  const dir = join(root, `scenario-${name}`);
  cpSync(base(), join(dir, 'data'), { recursive: true });
  const state = {} as Record<PartyName, string>;
  for (const party of PARTIES) {
    state[party] = join(dir, `state-${party}`);
    cpSync(baseState(party), state[party], { recursive: true });
  }
  return { data: join(dir, 'data'), state };
}

/** Edits the (stopped) broker's database directly, as an operator could. */
function editDb<T>(dataDir: string, edit: (db: Database.Database) => T): T {
  const db = new Database(join(dataDir, DB));
  try {
    return edit(db);
  } finally {
    db.close();
  }
}

interface Row {
  idx: number;
  kind: string;
  parties: string;
  salt: Buffer;
  content: string;
  data: Buffer;
  created_at_ms: number;
}

function entryOf(db: Database.Database, party: PartyName, kind: string): Row {
  const row = db.prepare('SELECT * FROM log_entries WHERE parties = ? AND kind = ? ORDER BY idx LIMIT 1').get(JSON.stringify([party]), kind);
  assert.ok(row !== undefined, `an entry ${kind} of ${party}`);
  return row as Row;
}

function flipByte(bytes: Buffer, at = 0): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] = copy[at]! ^ 0x01;
  return copy;
}

// ---------------------------------------------------------------------------------------------

describe('the verifiable log detects tampering with the broker database', { timeout: 120_000 }, () => {
  const happy = {} as Record<PartyName, Run>;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'parley-tamper-'));
    partiesFile = join(root, 'parties.json');
    const parties = [];
    for (const party of PARTIES) {
      keyFiles[party] = join(root, `${party}.jwk.json`);
      const { privateJwk, publicJwk } = await generateKeyFile(keyFiles[party]);
      tokens[party] = await (await createTokenSigner(privateJwk))({ sub: party, scope: SC, aud: '127.0.0.1' }, { nowMs: Date.now() });
      parties.push({ id: party, name: party, keys: [publicJwk], agent_url: `https://${party}.example/agent` });
    }
    writeFileSync(partiesFile, JSON.stringify({ parties }));

    await withBroker(base(), firstChanges);
    cpSync(base(), old(), { recursive: true }); // the broker is stopped: a consistent copy
    await withBroker(base(), async (url) => {
      await moreChanges(url);
      // Online audits sign (and store) the checkpoint of all 12 entries and keep it in each state.
      happy.alice = await onlineVerify(url, 'alice', baseState('alice'));
      happy.bob = await onlineVerify(url, 'bob', baseState('bob'));
    });
  });

  after(() => {
    if (root !== undefined) rmSync(root, { recursive: true, force: true });
  });

  it('happy path: online as alice and bob, and offline, the untouched log verifies', async () => {
    assertOk(happy.alice);
    assertOk(happy.bob);
    for (const party of PARTIES) {
      assert.match(happy[party].out, new RegExp(`checkpoint of ${CHANGES.total} entries signed by`), happy[party].out);
      assert.match(happy[party].out, /inclusion proofs of your entries verify against the checkpoint/, happy[party].out);
      assert.ok(existsSync(join(baseState(party), 'checkpoint.txt')), `${party}'s state kept the checkpoint`);
    }
    const offline = await offlineVerify(base());
    assertOk(offline);
    assert.match(offline.out, new RegExp(`${CHANGES.total} entries stored, indices 0 to ${CHANGES.total - 1} without gaps`), offline.out);
    assert.match(offline.out, /all \d+ checkpoints the broker signed match the stored entries/, offline.out);
    assertOk(await offlineVerify(base(), baseState('alice')));
  });

  it('need to know: each party sees whole exactly its own entries', () => {
    for (const party of PARTIES) {
      const seen = /(\d+) entries seen whole/.exec(happy[party].out);
      assert.ok(seen !== null, `"entries seen whole" line for ${party}:\n${happy[party].out}`);
      assert.equal(Number(seen[1]), CHANGES[party], `${party} sees whole only its own ${CHANGES[party]} changes:\n${happy[party].out}`);
    }
  });

  it('a) one byte of the content of an alice entry changed', async () => {
    const s = scenario('a');
    const idx = editDb(s.data, (db) => {
      const row = entryOf(db, 'alice', 'intent.create');
      const at = row.content.indexOf('"extents_sha256":"') + '"extents_sha256":"'.length;
      const content = row.content.slice(0, at) + (row.content[at] === '0' ? '1' : '0') + row.content.slice(at + 1);
      assert.equal(Buffer.byteLength(content), Buffer.byteLength(row.content));
      db.prepare('UPDATE log_entries SET content = ? WHERE idx = ?').run(content, row.idx);
      return row.idx;
    });
    const online = await withBroker(s.data, (url) => onlineVerify(url, 'alice', s.state.alice));
    const mismatch = new RegExp(`entry ${idx}: its content does not match its leaf data`);
    assertFails(await offlineVerify(s.data), mismatch);
    assertFails(online, mismatch);
  });

  it('b) one byte of the salt of a bob entry changed', async () => {
    const s = scenario('b');
    const idx = editDb(s.data, (db) => {
      const row = entryOf(db, 'bob', 'intent.create');
      db.prepare('UPDATE log_entries SET salt = ? WHERE idx = ?').run(flipByte(row.salt, 7), row.idx);
      return row.idx;
    });
    const online = await withBroker(s.data, (url) => onlineVerify(url, 'bob', s.state.bob));
    const mismatch = new RegExp(`entry ${idx}: its content does not match its leaf data`);
    assertFails(await offlineVerify(s.data), mismatch);
    assertFails(online, mismatch);
  });

  it('c) one byte of the leaf data of an entry changed (a bob entry, audited by alice)', async () => {
    const s = scenario('c');
    const idx = editDb(s.data, (db) => {
      const row = entryOf(db, 'bob', 'intent.update');
      db.prepare('UPDATE log_entries SET data = ? WHERE idx = ?').run(flipByte(row.data, 31), row.idx);
      return row.idx;
    });
    const online = await withBroker(s.data, (url) => onlineVerify(url, 'alice', s.state.alice));
    assertFails(
      await offlineVerify(s.data),
      new RegExp(`entry ${idx}: its content does not match its leaf data`),
      /checkpoint the broker signed at \d+ entries does not match the stored entries/,
    );
    assertFails(online, /rewritten|not consistent|do not hash/);
  });

  it('d) an entry row deleted in the middle: the broker refuses to open the gapped log, the offline audit names it', async () => {
    const s = scenario('d');
    editDb(s.data, (db) => assert.equal(db.prepare('DELETE FROM log_entries WHERE idx = 4').run().changes, 1));
    await assert.rejects(withBroker(s.data, async () => undefined), /verifiable log has a gap at entry 4/);
    assertFails(await offlineVerify(s.data), /entry 4 is missing|entries were removed/);
  });

  it('d) the last entry row deleted: online and offline audits see the log shrank', async () => {
    const s = scenario('d-last');
    editDb(s.data, (db) => assert.equal(db.prepare(`DELETE FROM log_entries WHERE idx = ${CHANGES.total - 1}`).run().changes, 1));
    const online = await withBroker(s.data, (url) => onlineVerify(url, 'alice', s.state.alice));
    assertFails(online, new RegExp(`fewer than the ${CHANGES.total} of the checkpoint you verified before`));
    assertFails(await offlineVerify(s.data, s.state.alice), /signed a checkpoint of \d+ entries, but only \d+ are stored|fewer than the/);
  });

  it('e) two entries swapped (every column but idx)', async () => {
    const s = scenario('e');
    editDb(s.data, (db) => {
      const [a, b] = [entryOf(db, 'alice', 'intent.update'), entryOf(db, 'bob', 'subscription.create')];
      const put = db.prepare('UPDATE log_entries SET kind = ?, parties = ?, salt = ?, content = ?, data = ?, created_at_ms = ? WHERE idx = ?');
      db.transaction(() => {
        put.run(b.kind, b.parties, b.salt, b.content, b.data, b.created_at_ms, a.idx);
        put.run(a.kind, a.parties, a.salt, a.content, a.data, a.created_at_ms, b.idx);
      })();
    });
    const online = await withBroker(s.data, (url) => onlineVerify(url, 'alice', s.state.alice));
    assertFails(await offlineVerify(s.data), /does not match the stored entries: history was rewritten/);
    assertFails(online, /rewritten|not consistent|do not hash/);
  });

  it('f) an older copy of the database restored (same checkpoint key)', async () => {
    const s = scenario('f');
    for (const suffix of ['', '-wal', '-shm']) {
      rmSync(join(s.data, DB + suffix), { force: true });
      if (existsSync(join(old(), DB + suffix))) cpSync(join(old(), DB + suffix), join(s.data, DB + suffix));
    }
    const online = await withBroker(s.data, (url) => onlineVerify(url, 'alice', s.state.alice));
    assertFails(online, new RegExp(`has ${CHANGES.first} entries, fewer than the ${CHANGES.total} of the checkpoint you verified before`));
    assertFails(
      await offlineVerify(s.data, s.state.alice),
      new RegExp(`only ${CHANGES.first} entries are stored, fewer than the ${CHANGES.total} of the checkpoint you verified before`),
    );
  });

  it('g) the checkpoint key replaced (log-key.json deleted, the broker makes a new one)', async () => {
    const s = scenario('g');
    rmSync(join(s.data, BROKER_FILES.logKey));
    const online = await withBroker(s.data, (url) => onlineVerify(url, 'alice', s.state.alice));
    assert.ok(existsSync(join(s.data, BROKER_FILES.logKey)), 'the broker made a new key');
    assertFails(online, /the broker's checkpoint key changed/);
    assertFails(await offlineVerify(s.data, s.state.alice), /the broker's checkpoint key changed/);
  });
});
