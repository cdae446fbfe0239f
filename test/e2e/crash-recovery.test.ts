/**
 * DESIGN.md invariant 6 across a crash: every write the broker acknowledged survives a SIGKILL,
 * nothing is half applied, and nothing that was never sent appears. The real `parley broker`
 * runs as a child process on SQLite (default synchronous=FULL) while several clients create,
 * update and delete intents (some with an implicit subscription); it is killed mid-load, then
 * restarted on the same data directory and checked. Three rounds, three kill moments, one
 * data directory, so later rounds also recover what earlier rounds recovered.
 *
 * What a request without an answer may have done: either nothing or exactly what it asked.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { generateSigningKey } from '../../src/adapters/cli/key-file.js';
import { createTokenSigner } from '../../src/adapters/cli/sign-token.js';
import { openSqliteStore } from '../../src/adapters/storage/sqlite/sqlite-store.js';
import type { IntentId, SubscriptionId } from '../../src/domain/ids.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SC = 'utm.strategic_coordination';
const CLIENTS = 6;
const KILL_AFTER_MS = [300, 550, 800] as const;
/** Each round runs until some of each write is acknowledged, however slow the machine. */
const MIN_ACKED_OPS = ['create', 'update', 'delete'] as const;
const MIN_ACKED_EACH = 3;
const MAX_LOAD_MS = 15_000;
const NULL_SUBSCRIPTION = '00000000-0000-4000-8000-000000000000';

// ---------------------------------------------------------------------------------------------
// The broker process
// ---------------------------------------------------------------------------------------------

interface BrokerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly output: string[];
  readonly exited: Promise<number | null>;
}

async function startBroker(dataDir: string, keyFile: string): Promise<BrokerProcess> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.startsWith('PARLEY_')) env[name] = value;
  }
  env['PARLEY_LOG_LEVEL'] = 'info';
  const child = spawn(
    process.execPath,
    [
      'bin/parley.mjs', 'broker', '--port', '0', '--host', '127.0.0.1', '--data', dataDir,
      '--trust-authority', keyFile, '--allow-http-base-urls', '--audience', 'localhost',
    ],
    { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => output.push(text));
  const lines = createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`broker did not start within 30 s:\n${output.join('')}`)), 30_000);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`broker exited with ${code} before listening:\n${output.join('')}`));
    });
    lines.on('line', (line) => {
      output.push(line);
      let entry: { msg?: string; url?: string };
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      if (entry.msg === 'broker.listening' && typeof entry.url === 'string') {
        clearTimeout(timer);
        resolve(Number(new URL(entry.url).port));
      }
    });
  });
  return { child, port, output, exited };
}

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

interface Answer {
  readonly status: number;
  readonly body: any;
}

function call(agent: Agent, port: number, token: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { authorization: `Bearer ${token}` };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = payload.length;
    }
    const req = httpRequest({ host: '127.0.0.1', port, method, path, agent, headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = text === '' ? undefined : JSON.parse(text);
        } catch {
          // keep the text for the failure message
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(payload);
  });
}

// ---------------------------------------------------------------------------------------------
// What the clients did
// ---------------------------------------------------------------------------------------------

/** The broker's state of one intent: absent, or a version with its OVN. */
type IntentState =
  | { readonly exists: false }
  | { readonly exists: true; readonly version: number; readonly ovn: string; readonly subscriptionId: string };

const ABSENT: IntentState = { exists: false };

type Operation = 'create' | 'update' | 'delete';

interface Sent {
  readonly round: number;
  readonly client: number;
  readonly op: Operation;
  readonly id: string;
  /** Filled when an answer came: 'acked' for 2xx. No answer = the outcome is unknown. */
  outcome: 'acked' | 'refused' | 'unknown';
  status?: number;
  after?: IntentState;
  error?: string;
}

/**
 * Each client owns a block of slots far from the other clients' blocks, and each intent its own
 * slot, so no two intents intersect and no key is needed.
 *
 *   client 0            client 1 (0.5° east)       slot s: row s % ROWS, column ⌊s / ROWS⌋
 *   ▫▫▫▫ … (columns)    ▫▫▫▫ …                     each ▫ is 0.002° square, 0.003° apart
 */
const ROWS = 400;
const MAX_SLOTS = ROWS * 10;
const clientLng = (client: number) => 10 + 0.5 * client;

function slotVertices(client: number, slot: number) {
  const lat = 30 + 0.003 * (slot % ROWS);
  const lng = clientLng(client) + 0.004 * Math.floor(slot / ROWS);
  return [
    { lat, lng },
    { lat, lng: lng + 0.002 },
    { lat: lat + 0.002, lng: lng + 0.002 },
    { lat: lat + 0.002, lng },
  ];
}

/** Every slot of one client, with a margin (about 135 km × 5 km). */
function clientArea(client: number) {
  const west = clientLng(client) - 0.01;
  const east = clientLng(client) + 0.05;
  return {
    volume: {
      outline_polygon: {
        vertices: [
          { lat: 29.99, lng: west },
          { lat: 29.99, lng: east },
          { lat: 31.22, lng: east },
          { lat: 31.22, lng: west },
        ],
      },
    },
  };
}

describe('invariant 6: acknowledged writes survive SIGKILL of the broker', { timeout: 120_000 }, () => {
  let dir: string;
  let keyFile: string;
  let dataDir: string;
  let token: string;
  let broker: BrokerProcess | undefined;
  const sent: Sent[] = [];
  /** The verified state of every id ever sent, as of the last restart. */
  const known = new Map<string, { client: number; slot: number; state: IntentState }>();
  const nextSlot = new Array<number>(CLIENTS).fill(0);
  const nowMs = Date.now();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parley-crash-'));
    dataDir = join(dir, 'data');
    keyFile = join(dir, 'authority.jwk.json');
    const { privateJwk, publicJwk } = await generateSigningKey('EdDSA');
    writeFileSync(keyFile, JSON.stringify(publicJwk));
    const signer = await createTokenSigner(privateJwk);
    token = await signer({ sub: 'uss-crash', scope: SC, aud: 'localhost' }, { nowMs: Date.now() });
    broker = await startBroker(dataDir, keyFile);
    assert.ok(
      broker.output.some((line) => line.includes('"msg":"store.opened"') && line.includes('"synchronous":"FULL"')),
      `the broker runs with its default synchronous=FULL:\n${broker.output.join('\n')}`,
    );
  });

  after(async () => {
    if (broker !== undefined && broker.child.exitCode === null && broker.child.signalCode === null) {
      broker.child.kill('SIGKILL');
      await broker.exited;
    }
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const extentsFor = (client: number, slot: number, altitudeUpperM: number) => [
    {
      volume: {
        outline_polygon: { vertices: slotVertices(client, slot) },
        altitude_lower: { value: 0, reference: 'W84', units: 'M' },
        altitude_upper: { value: altitudeUpperM, reference: 'W84', units: 'M' },
      },
      time_start: { value: new Date(nowMs + 10 * 60_000).toISOString(), format: 'RFC3339' },
      time_end: { value: new Date(nowMs + 70 * 60_000).toISOString(), format: 'RFC3339' },
    },
  ];

  /** One client: a loop of creates, updates and deletes on its own intents until `stop()`. */
  async function runClient(round: number, client: number, port: number, stopped: () => boolean): Promise<void> {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const live = [...known.entries()].filter(([, k]) => k.client === client && k.state.exists).map(([id]) => id);
    let n = 0;
    try {
      while (!stopped()) {
        n++;
        const roll = Math.random() * 100;
        const op: Operation =
          (live.length < 3 || roll < 45) && nextSlot[client]! < MAX_SLOTS ? 'create' : roll < 80 || live.length < 3 ? 'update' : 'delete';
        if (op !== 'create' && live.length === 0) return; // every slot used and nothing left to change
        const id = op === 'create' ? randomUUID() : live[Math.floor(Math.random() * live.length)]!;
        if (op === 'create') known.set(id, { client, slot: nextSlot[client]!++, state: ABSENT });
        const entry = known.get(id)!;
        const state = entry.state;
        const record: Sent = { round, client, op, id, outcome: 'unknown' };
        sent.push(record);
        let answer: Answer;
        try {
          if (op === 'delete' && state.exists) {
            answer = await call(agent, port, token, 'DELETE', `/dss/v1/operational_intent_references/${id}/${state.ovn}`);
          } else {
            const body: Record<string, unknown> = {
              extents: extentsFor(client, entry.slot, 100 + (n % 50)),
              state: 'Accepted',
              uss_base_url: 'http://uss-crash.example/uss',
              key: [],
            };
            if (op === 'create' && n % 3 === 0) body['new_subscription'] = { uss_base_url: 'http://uss-crash.example/uss' };
            if (op === 'update' && state.exists && state.subscriptionId !== NULL_SUBSCRIPTION) {
              body['subscription_id'] = state.subscriptionId;
            }
            const path =
              op === 'update' && state.exists
                ? `/dss/v1/operational_intent_references/${id}/${state.ovn}`
                : `/dss/v1/operational_intent_references/${id}`;
            answer = await call(agent, port, token, 'PUT', path, body);
          }
        } catch (error) {
          record.error = (error as Error).message;
          return; // the broker is gone; this request's outcome stays unknown
        }
        record.status = answer.status;
        if (answer.status < 200 || answer.status > 299) {
          record.outcome = 'refused';
          record.error = JSON.stringify(answer.body);
          return;
        }
        record.outcome = 'acked';
        if (op === 'delete') {
          record.after = ABSENT;
          live.splice(live.indexOf(id), 1);
        } else {
          const ref = answer.body.operational_intent_reference as { version: number; ovn: string; subscription_id: string };
          record.after = { exists: true, version: ref.version, ovn: ref.ovn, subscriptionId: ref.subscription_id };
          if (op === 'create') live.push(id);
        }
        entry.state = record.after;
      }
    } finally {
      agent.destroy();
    }
  }

  /**
   * After a restart: each id's state must be its last acknowledged state, or what its one
   * unanswered request asked for. Returns the problems found and updates `known`.
   */
  async function verify(round: number, port: number): Promise<string[]> {
    const problems: string[] = [];
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    try {
      for (const [id, entry] of known) {
        const answer = await call(agent, port, token, 'GET', `/dss/v1/operational_intent_references/${id}`);
        let actual: IntentState;
        if (answer.status === 404) actual = ABSENT;
        else if (answer.status === 200) {
          const ref = answer.body.operational_intent_reference as { version: number; ovn: string; subscription_id: string };
          actual = { exists: true, version: ref.version, ovn: ref.ovn, subscriptionId: ref.subscription_id };
        } else {
          problems.push(`GET ${id} answered ${answer.status} ${JSON.stringify(answer.body)}`);
          continue;
        }
        // entry.state is the last acknowledged state (or the state verified after the last restart).
        const unanswered = sent.filter((s) => s.round === round && s.id === id && s.outcome === 'unknown');
        if (unanswered.length > 1) problems.push(`${id}: test bug, ${unanswered.length} unanswered requests`);
        const allowed: ((s: IntentState) => boolean)[] = [(s) => sameState(s, entry.state)];
        const pending = unanswered[0];
        if (pending !== undefined) {
          const before = entry.state;
          if (pending.op === 'delete') allowed.push((s) => !s.exists);
          else if (pending.op === 'create') allowed.push((s) => s.exists && s.version === 1);
          else if (before.exists) allowed.push((s) => s.exists && s.version === before.version + 1 && s.ovn !== before.ovn);
        }
        if (!allowed.some((ok) => ok(actual))) {
          problems.push(
            `${id}: after restart ${describeState(actual)}; last acknowledged ${describeState(entry.state)}` +
              (pending === undefined ? ', nothing in flight' : `, in flight: ${pending.op}`),
          );
        }
        entry.state = actual;
      }
      // Nothing that was never sent may exist: each client's whole column holds only its ids.
      for (let client = 0; client < CLIENTS; client++) {
        const answer = await call(agent, port, token, 'POST', '/dss/v1/operational_intent_references/query', {
          area_of_interest: clientArea(client),
        });
        if (answer.status !== 200) {
          problems.push(`query for client ${client} answered ${answer.status} ${JSON.stringify(answer.body)}`);
          continue;
        }
        for (const ref of answer.body.operational_intent_references as { id: string }[]) {
          const entry = known.get(ref.id);
          if (entry === undefined) problems.push(`intent ${ref.id} exists but was never sent`);
          else if (entry.client !== client) problems.push(`intent ${ref.id} of client ${entry.client} found in client ${client}'s area`);
          else if (!entry.state.exists) problems.push(`intent ${ref.id} is found by a query but not by GET`);
        }
        const expected = [...known.values()].filter((k) => k.client === client && k.state.exists).length;
        const found = (answer.body.operational_intent_references as unknown[]).length;
        if (found !== expected) problems.push(`client ${client}'s area holds ${found} intents, GET found ${expected}`);
      }
    } finally {
      agent.destroy();
    }
    return problems;
  }

  for (const [index, killAfterMs] of KILL_AFTER_MS.entries()) {
    const round = index + 1;
    it(`round ${round}: SIGKILL after ${killAfterMs}+ ms of load loses no acknowledged write`, async (t) => {
      assert.ok(broker !== undefined, 'the broker is running');
      let stopped = false;
      const port = broker.port;
      const clients = Array.from({ length: CLIENTS }, (_, client) => runClient(round, client, port, () => stopped));
      // Kill after the round's time, plus jitter, once the load has got some of each write
      // acknowledged (a busy machine may need longer; never more than MAX_LOAD_MS).
      const mine = () => sent.filter((s) => s.round === round);
      const acked = () => mine().filter((s) => s.outcome === 'acked');
      const killAtMs = killAfterMs + Math.random() * 100;
      const startedMs = Date.now();
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        const elapsedMs = Date.now() - startedMs;
        const enough = MIN_ACKED_OPS.every((op) => acked().filter((s) => s.op === op).length >= MIN_ACKED_EACH);
        if ((elapsedMs >= killAtMs && enough) || elapsedMs >= MAX_LOAD_MS) break;
      }
      stopped = true;
      broker.child.kill('SIGKILL');
      await broker.exited;
      const killedAfterMs = Date.now() - startedMs;
      await Promise.all(clients);

      // Restart and verify before judging the load, so one bad round does not sink the next.
      broker = await startBroker(dataDir, keyFile);
      const problems = await verify(round, broker.port);

      const count = (op: Operation) => acked().filter((s) => s.op === op).length;
      const unanswered = mine().filter((s) => s.outcome === 'unknown');
      t.diagnostic(
        `killed after ${killedAfterMs} ms; acknowledged ${count('create')} creates, ${count('update')} updates, ` +
          `${count('delete')} deletes; unanswered at the kill: ${unanswered.map((s) => s.op).join(', ') || 'none'}`,
      );
      const refused = mine().filter((s) => s.outcome === 'refused');
      assert.deepEqual(refused.map((s) => `${s.op} ${s.id}: ${s.status} ${s.error}`), [], 'no write was refused during the load');
      assert.deepEqual(problems, [], `round ${round}: ${acked().length} acknowledged, ${unanswered.length} unanswered`);
      for (const op of MIN_ACKED_OPS) {
        assert.ok(count(op) >= MIN_ACKED_EACH, `at least ${MIN_ACKED_EACH} ${op}s were acknowledged before the kill (${count(op)})`);
      }
    });
  }

  it('the database holds exactly the verified intents and their implicit subscriptions', async () => {
    assert.ok(broker !== undefined);
    broker.child.kill('SIGTERM');
    assert.equal(await broker.exited, 0, `the broker stopped cleanly:\n${broker.output.slice(-5).join('\n')}`);
    broker = undefined;

    const store = await openSqliteStore({ path: join(dataDir, 'broker.sqlite') });
    try {
      const live = [...known].filter(([, k]) => k.state.exists);
      assert.ok(live.length > 0);
      const stats = store.stats();
      assert.equal(stats.intents, live.length, 'no intent beyond the verified ones');
      const subscriptions = new Set<string>();
      await store.read(async (reader) => {
        for (const [id, entry] of live) {
          const record = await reader.intents.get(id as IntentId);
          assert.ok(record !== undefined && entry.state.exists, `${id} is stored`);
          assert.equal(record.version, entry.state.version);
          assert.equal(record.ovn, entry.state.ovn);
          if (record.subscriptionId !== null) {
            subscriptions.add(record.subscriptionId);
            const subscription = await reader.subscriptions.get(record.subscriptionId as SubscriptionId);
            assert.ok(subscription !== undefined, `the implicit subscription of ${id} was stored with it`);
          }
        }
      });
      assert.ok(subscriptions.size > 0, 'some intents carry an implicit subscription');
      assert.equal(stats.subscriptions, subscriptions.size, 'no orphaned implicit subscription');
    } finally {
      await store.close();
    }
  });
});

function sameState(a: IntentState, b: IntentState): boolean {
  if (!a.exists || !b.exists) return a.exists === b.exists;
  return a.version === b.version && a.ovn === b.ovn && a.subscriptionId === b.subscriptionId;
}

function describeState(s: IntentState): string {
  return s.exists ? `v${s.version} (${s.ovn})` : 'absent';
}
