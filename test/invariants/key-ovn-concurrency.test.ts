/**
 * DESIGN.md invariant 2 under real concurrency: an intent is accepted only if its key holds the
 * current OVN of every intersecting intent. Eight keep-alive HTTP clients, acting for four USSs,
 * race over 1,000+ PUTs (creates and updates) at five overlapping squares of a SQLite-backed
 * broker on a loopback socket. Each client builds its key from what it has learned, which is
 * often stale (on purpose, and because the others keep moving). Afterwards the recorded history
 * is replayed in the order the broker committed it, and every acceptance is checked against the
 * state current at that moment; every 409 is checked too.
 *
 * Commit order: the broker draws a new OVN inside the unit of work that checks the key and
 * writes the intent, and units of work run one at a time. The test gives the broker an id source
 * whose OVNs start with a global sequence number, so each accepted OVN tells where in the commit
 * order that acceptance happened. (The onSend order of responses would not do: a batch's units
 * are acknowledged together and each handler still reads before it answers.)
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { IdSource } from '../../src/app/ports/id-source.js';
import type { IntentId } from '../../src/domain/ids.js';
import { makeTestBroker, SC, type TestBroker } from '../support/broker-harness.js';

// ---------------------------------------------------------------------------------------------
// The airspace: five squares in a row, each overlapping its neighbours and clear of the rest.
//
//   lng 8.000   8.010 8.015 8.020 8.025 ...
//        [ 0 ------ [ 1 -]--- [ 2 -]--- [ 3 ...      square k: lng 8 + 0.010k … 8 + 0.010k + 0.015
//                   overlap   gap of 0.005° (~380 m) between k and k+2
// ---------------------------------------------------------------------------------------------

const SQUARES = 5;
const LAT_SOUTH = 47.0;
const LAT_NORTH = 47.01;

function squareVertices(k: number) {
  const west = 8 + 0.01 * k;
  const east = west + 0.015;
  return [
    { lat: LAT_SOUTH, lng: west },
    { lat: LAT_SOUTH, lng: east },
    { lat: LAT_NORTH, lng: east },
    { lat: LAT_NORTH, lng: west },
  ];
}

/** Two sets of squares intersect when some square of one is the same as, or next to, one of the other. */
function squaresIntersect(a: readonly number[], b: readonly number[]): boolean {
  return a.some((x) => b.some((y) => Math.abs(x - y) <= 1));
}

// ---------------------------------------------------------------------------------------------
// The history checker
// ---------------------------------------------------------------------------------------------

/** One 2xx answer to a PUT: what was sent and what the broker said it stored. */
interface Acceptance {
  /** Position in the broker's commit order (from the OVN). */
  readonly seq: number;
  readonly id: string;
  readonly version: number;
  readonly ovn: string;
  readonly squares: readonly number[];
  readonly key: readonly string[];
  /** The OVN in the path: undefined for a create. */
  readonly pathOvn: string | undefined;
}

interface HistoryCheck {
  readonly problems: string[];
  /** How many (acceptance, intersecting current intent) pairs the replay checked. */
  readonly requiredKeys: number;
  /** One required OVN per acceptance that needed any: material for corrupting the history. */
  readonly witnesses: { readonly seq: number; readonly requiredOvn: string }[];
  readonly final: ReadonlyMap<string, Acceptance>;
}

/**
 * checkHistory() replays acceptances in commit order and lists every one that a correct broker
 * would have refused: a key without the current OVN of an intersecting intent, a stale or
 * missing OVN in the path, a version that does not follow the current one, or a create of an
 * existing id.
 */
function checkHistory(history: readonly Acceptance[]): HistoryCheck {
  const problems: string[] = [];
  const witnesses: { seq: number; requiredOvn: string }[] = [];
  let requiredKeys = 0;
  const sorted = [...history].sort((a, b) => a.seq - b.seq);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.seq === sorted[i - 1]!.seq) problems.push(`two acceptances share commit position ${sorted[i]!.seq}`);
  }
  const current = new Map<string, Acceptance>();
  for (const write of sorted) {
    const label = `acceptance #${write.seq} of ${write.id} v${write.version}`;
    const previous = current.get(write.id);
    if (write.pathOvn === undefined) {
      if (previous !== undefined) problems.push(`${label}: a create was accepted for an intent that already existed`);
      if (write.version !== 1) problems.push(`${label}: a create got version ${write.version}, not 1`);
    } else if (previous === undefined) {
      problems.push(`${label}: an update was accepted for an intent that did not exist`);
    } else {
      if (previous.ovn !== write.pathOvn) problems.push(`${label}: accepted with a stale OVN in the path`);
      if (write.version !== previous.version + 1) problems.push(`${label}: version does not follow v${previous.version}`);
    }
    const key = new Set(write.key);
    let witnessed = false;
    for (const other of current.values()) {
      if (other.id === write.id || !squaresIntersect(other.squares, write.squares)) continue;
      requiredKeys++;
      if (!key.has(other.ovn)) {
        problems.push(`${label}: key lacks the current OVN of intersecting ${other.id} v${other.version} (#${other.seq})`);
      } else if (!witnessed) {
        witnesses.push({ seq: write.seq, requiredOvn: other.ovn });
        witnessed = true;
      }
    }
    current.set(write.id, write);
  }
  return { problems, requiredKeys, witnesses, final: current };
}

// ---------------------------------------------------------------------------------------------
// A sequenced id source: OVNs that carry their commit position
// ---------------------------------------------------------------------------------------------

const SEQ_DIGITS = 10;

function sequencedIds(): IdSource {
  let next = 0;
  return {
    ovn: () => `${String(++next).padStart(SEQ_DIGITS, '0')}-${randomBytes(12).toString('base64url')}`,
    uuid: () => randomUUID(),
  };
}

function seqOf(ovn: string): number {
  const match = /^(\d{10})-[A-Za-z0-9_-]{16}$/.exec(ovn);
  if (match === null) throw new Error(`OVN "${ovn}" does not come from the sequenced id source`);
  return Number(match[1]);
}

// ---------------------------------------------------------------------------------------------
// HTTP over keep-alive sockets, one agent (one connection) per client
// ---------------------------------------------------------------------------------------------

interface Answer {
  readonly status: number;
  readonly body: any;
  /** Ticks of one process-wide counter: when the request was sent and its answer read. */
  readonly sentTick: number;
  readonly receivedTick: number;
}

let ticks = 0;
const tick = () => ++ticks;

function call(agent: Agent, port: number, token: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { authorization: `Bearer ${token}` };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = payload.length;
    }
    const req = httpRequest({ host: '127.0.0.1', port, method, path, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = text === '' ? undefined : JSON.parse(text);
        } catch {
          // keep the raw text: the assertion on the status will show it
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, sentTick, receivedTick: tick() });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    const sentTick = tick();
    req.end(payload);
  });
}

// ---------------------------------------------------------------------------------------------
// The race
// ---------------------------------------------------------------------------------------------

const USSES = ['uss-a', 'uss-b', 'uss-c', 'uss-d'] as const;
const CLIENTS = 8;
const TARGET_PUTS = 1_100;
const INTENTS_PER_CLIENT = 3;
const ATTEMPTS_PER_OPERATION = 3;

interface Published {
  readonly version: number;
  readonly ovn: string;
  readonly squares: readonly number[];
}

interface Rejection {
  readonly id: string;
  readonly squares: readonly number[];
  readonly key: readonly string[];
  readonly pathOvn: string | undefined;
  readonly answer: Answer;
}

/** A small seeded PRNG (mulberry32): a run's choices follow its seed (PARLEY_TEST_SEED), though timing still varies. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('invariant 2: concurrent PUTs over overlapping volumes', { timeout: 120_000 }, () => {
  let broker: TestBroker;
  let port: number;
  const agents: Agent[] = [];
  const accepted: Acceptance[] = [];
  const rejections: Rejection[] = [];
  const otherAnswers: { what: string; answer: Answer }[] = [];
  /** What each intent's manager has published (its details endpoint): every version it saw accepted. */
  const published = new Map<string, Published[]>();
  const owners = new Map<string, number>();
  /** When the request behind each accepted OVN was sent. */
  const sentTickOf = new Map<string, number>();
  let puts = 0;
  let queries = 0;
  const seed = Number(process.env['PARLEY_TEST_SEED'] ?? Date.now() % 1_000_000);

  before(async () => {
    broker = await makeTestBroker({ storage: 'sqlite' });
    // The harness hands the app this very context object; swap in OVNs that carry their commit
    // position. The run fails loudly below if an accepted OVN does not carry one.
    (broker.ctx as unknown as { ids: IdSource }).ids = sequencedIds();
    await broker.app.listen({ port: 0, host: '127.0.0.1' });
    port = (broker.app.server.address() as AddressInfo).port;
  });

  after(async () => {
    for (const agent of agents) agent.destroy();
    await broker?.close();
  });

  it(`${CLIENTS} clients race ${TARGET_PUTS}+ PUTs at overlapping squares (seed ${seed})`, async (t) => {
    const nowMs = broker.clock.nowMs();
    const timeStart = { value: new Date(nowMs + 10 * 60_000).toISOString(), format: 'RFC3339' };
    const timeEnd = { value: new Date(nowMs + 70 * 60_000).toISOString(), format: 'RFC3339' };
    const tokens = new Map<string, string>();
    for (const uss of USSES) tokens.set(uss, await broker.token(uss, [SC]));

    const extentsOf = (squares: readonly number[]) =>
      squares.map((k) => ({
        volume: {
          outline_polygon: { vertices: squareVertices(k) },
          altitude_lower: { value: 0, reference: 'W84', units: 'M' },
          altitude_upper: { value: 120, reference: 'W84', units: 'M' },
        },
        time_start: timeStart,
        time_end: timeEnd,
      }));

    const publish = (id: string, entry: Published) => {
      const versions = published.get(id) ?? [];
      versions.push(entry);
      versions.sort((a, b) => a.version - b.version);
      published.set(id, versions);
    };
    /** The details fetch from a manager's USS: usually its latest version, sometimes an older one. */
    const fetchOvn = (id: string, random: () => number): string | undefined => {
      const versions = published.get(id);
      if (versions === undefined || versions.length === 0) return undefined;
      if (versions.length > 1 && random() < 0.1) return versions[Math.floor(random() * (versions.length - 1))]!.ovn;
      return versions[versions.length - 1]!.ovn;
    };

    const runClient = async (client: number) => {
      const random = prng(seed * 31 + client);
      const uss = USSES[client % USSES.length]!;
      const token = tokens.get(uss)!;
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      agents.push(agent);
      const own: string[] = [];
      const pickSquares = () => {
        const first = Math.floor(random() * SQUARES);
        if (random() < 0.7) return [first];
        return [...new Set([first, Math.floor(random() * SQUARES)])];
      };

      /** Key from a DSS query of the new extents, then a details fetch per reference found. */
      const keyFromQuery = async (id: string, squares: readonly number[]): Promise<string[]> => {
        const found = new Set<string>();
        for (const extent of extentsOf(squares)) {
          queries++;
          const answer = await call(agent, port, token, 'POST', '/dss/v1/operational_intent_references/query', {
            area_of_interest: extent,
          });
          if (answer.status !== 200) {
            otherAnswers.push({ what: 'query', answer });
            continue;
          }
          for (const ref of answer.body.operational_intent_references as { id: string }[]) found.add(ref.id);
        }
        found.delete(id);
        return [...found].flatMap((other) => (random() < 0.08 ? [] : (fetchOvn(other, random) ?? [])));
      };
      /** Key from what the client already believes is there (no query): often stale. */
      const keyFromMemory = (id: string, squares: readonly number[]): string[] => {
        const key: string[] = [];
        for (const [other, versions] of published) {
          const latest = versions[versions.length - 1]!;
          if (other === id || !squaresIntersect(latest.squares, squares) || random() < 0.08) continue;
          const ovn = fetchOvn(other, random);
          if (ovn !== undefined) key.push(ovn);
        }
        return key;
      };

      while (puts < TARGET_PUTS) {
        const creating = own.length < INTENTS_PER_CLIENT || random() < 0.02;
        // Clients of the same USS sometimes update each other's intents, so path OVNs race too.
        const sibling = [...owners].filter(([, c]) => c !== client && c % USSES.length === client % USSES.length);
        let id: string;
        if (creating) {
          id = randomUUID();
        } else if (sibling.length > 0 && random() < 0.15) {
          id = sibling[Math.floor(random() * sibling.length)]![0];
        } else {
          id = own[Math.floor(random() * own.length)]!;
        }
        const squares = pickSquares();
        let key = random() < 0.6 ? await keyFromQuery(id, squares) : keyFromMemory(id, squares);
        for (let attempt = 0; attempt < ATTEMPTS_PER_OPERATION && puts < TARGET_PUTS; attempt++) {
          let pathOvn: string | undefined;
          if (!creating || published.has(id)) {
            const versions = published.get(id) ?? [];
            const latest = versions[versions.length - 1];
            pathOvn = latest?.ovn;
            // A stale path OVN now and then, on purpose.
            if (versions.length > 1 && random() < 0.05) pathOvn = versions[Math.floor(random() * (versions.length - 1))]!.ovn;
          }
          const path =
            pathOvn === undefined
              ? `/dss/v1/operational_intent_references/${id}`
              : `/dss/v1/operational_intent_references/${id}/${pathOvn}`;
          const sentKey = [...key];
          puts++;
          const answer = await call(agent, port, token, 'PUT', path, {
            extents: extentsOf(squares),
            state: 'Accepted',
            uss_base_url: `http://${uss}.example/uss`,
            key: sentKey,
          });
          if (answer.status === 200 || answer.status === 201) {
            const ref = answer.body.operational_intent_reference as { id: string; version: number; ovn: string };
            accepted.push({ seq: seqOf(ref.ovn), id, version: ref.version, ovn: ref.ovn, squares, key: sentKey, pathOvn });
            sentTickOf.set(ref.ovn, answer.sentTick);
            publish(id, { version: ref.version, ovn: ref.ovn, squares });
            if (pathOvn === undefined) {
              own.push(id);
              owners.set(id, client);
            }
            break;
          }
          if (answer.status !== 409) {
            otherAnswers.push({ what: `PUT ${path}`, answer });
            break;
          }
          rejections.push({ id, squares, key: sentKey, pathOvn, answer });
          const missing = (answer.body?.missing_operational_intents ?? []) as { id: string }[];
          if (missing.length === 0) break; // a stale path OVN: start a new operation
          // Fetch the details of each missing intent from its manager, then retry.
          key = [...new Set([...key, ...missing.flatMap((m) => fetchOvn(m.id, random) ?? [])])];
        }
      }
    };

    await Promise.all(Array.from({ length: CLIENTS }, (_, client) => runClient(client)));

    const fiveHundreds = otherAnswers.filter((a) => a.answer.status >= 500);
    assert.deepEqual(fiveHundreds, [], 'no request may fail with 5xx');
    assert.deepEqual(otherAnswers, [], 'every answer is 200/201 or 409');
    assert.ok(puts >= 1_000, `at least 1,000 PUTs were sent (sent ${puts})`);

    // The run must have exercised what it claims to.
    const creates = accepted.filter((a) => a.pathOvn === undefined).length;
    const updates = accepted.length - creates;
    const conflicts = rejections.filter((r) => (r.answer.body?.missing_operational_intents ?? []).length > 0).length;
    const stalePaths = rejections.length - conflicts;
    const diagnostics = `seed ${seed}: ${puts} PUTs, ${queries} queries, ${creates} creates, ${updates} updates, ${conflicts} key conflicts, ${stalePaths} stale-path 409s`;
    assert.ok(creates >= CLIENTS * INTENTS_PER_CLIENT, `enough creates (${diagnostics})`);
    assert.ok(updates >= 100, `enough accepted updates (${diagnostics})`);
    assert.ok(conflicts >= 50, `enough key conflicts (${diagnostics})`);
    assert.ok(stalePaths >= 5, `enough stale-path conflicts (${diagnostics})`);

    // Every acceptance, replayed in commit order, was legal.
    const check = checkHistory(accepted);
    t.diagnostic(`${diagnostics}; ${check.requiredKeys} key requirements replayed`);
    assert.deepEqual(check.problems, [], `history violates invariant 2 (${diagnostics})`);
    assert.ok(check.requiredKeys >= 500, `the replay checked enough key requirements (${check.requiredKeys})`);

    // The broker's final state is exactly the replay's final state.
    const stored = await broker.store.read(async (reader) => {
      const out = new Map<string, { version: number; ovn: string }>();
      for (const id of owners.keys()) {
        const record = await reader.intents.get(id as IntentId);
        if (record !== undefined) out.set(id, { version: record.version, ovn: record.ovn });
      }
      return out;
    });
    assert.equal(stored.size, check.final.size, 'every created intent is stored');
    for (const [id, last] of check.final) {
      assert.deepEqual(stored.get(id), { version: last.version, ovn: last.ovn }, `stored ${id} is its last acceptance`);
    }
    const stats = (broker.store as unknown as { stats?: () => { intents: number } }).stats?.();
    assert.equal(stats?.intents, check.final.size, 'the store holds no intent that was never acknowledged');

    // Every 409 was deserved.
    const versionsOf = new Map<string, Map<number, Acceptance>>();
    for (const a of accepted) {
      const versions = versionsOf.get(a.id) ?? new Map<number, Acceptance>();
      versions.set(a.version, a);
      versionsOf.set(a.id, versions);
    }
    const wrong409s: string[] = [];
    for (const r of rejections) {
      const label = `409 for ${r.id} (${r.pathOvn === undefined ? 'create' : 'update'})`;
      const body = r.answer.body as { message?: unknown; missing_operational_intents?: { id: string; version: number }[] };
      if (typeof body?.message !== 'string' || body.message === '') wrong409s.push(`${label}: no message`);
      const missing = body?.missing_operational_intents ?? [];
      if (missing.length > 0) {
        for (const ref of missing) {
          const version = versionsOf.get(ref.id)?.get(ref.version);
          if (ref.id === r.id) wrong409s.push(`${label}: lists the intent itself as missing`);
          else if (version === undefined) wrong409s.push(`${label}: lists ${ref.id} v${ref.version}, which was never accepted`);
          else if (!squaresIntersect(version.squares, r.squares)) wrong409s.push(`${label}: lists ${ref.id}, which does not intersect`);
          else if (r.key.includes(version.ovn)) wrong409s.push(`${label}: lists ${ref.id} v${ref.version} though the key held its OVN`);
        }
        continue;
      }
      // Not a key conflict: the OVN in the path must have been superseded before the answer came.
      if (r.pathOvn === undefined) {
        wrong409s.push(`${label}: a create of a fresh id was refused`);
        continue;
      }
      const stale = accepted.find((a) => a.id === r.id && a.ovn === r.pathOvn);
      if (stale === undefined) {
        wrong409s.push(`${label}: the path OVN was never accepted`);
        continue;
      }
      const successor = versionsOf.get(r.id)?.get(stale.version + 1);
      const successorSent = successor === undefined ? undefined : sentTickOf.get(successor.ovn);
      if (successor === undefined) wrong409s.push(`${label}: v${stale.version} was refused as stale but was never superseded`);
      else if (successorSent !== undefined && successorSent > r.answer.receivedTick) {
        wrong409s.push(`${label}: v${stale.version} was refused as stale before v${successor.version} was even sent`);
      }
    }
    assert.deepEqual(wrong409s, [], 'every 409 names a real conflict or a stale OVN');
  });

  it('checkHistory() flags a history in which a stale key was accepted', () => {
    assert.ok(accepted.length > 0, 'the race ran first');
    const check = checkHistory(accepted);
    assert.ok(check.witnesses.length >= 20, `enough acceptances needed a key (${check.witnesses.length})`);
    const random = prng(seed + 7);
    for (let trial = 0; trial < 20; trial++) {
      const witness = check.witnesses[Math.floor(random() * check.witnesses.length)]!;
      const corrupted = accepted.map((a) =>
        a.seq === witness.seq ? { ...a, key: a.key.filter((ovn) => ovn !== witness.requiredOvn) } : a,
      );
      const flagged = checkHistory(corrupted).problems;
      assert.ok(
        flagged.some((p) => p.startsWith(`acceptance #${witness.seq} `) && p.includes('key lacks')),
        `dropping a required OVN from acceptance #${witness.seq} is flagged`,
      );
    }
  });

  it('checkHistory() flags a stale path OVN, a skipped version and a double create', () => {
    const updates = accepted.filter((a) => a.pathOvn !== undefined && a.version >= 3);
    assert.ok(updates.length > 0, 'the race produced updates beyond version 2');
    const target = updates[0]!;
    const older = accepted.find((a) => a.id === target.id && a.version === target.version - 2)!;
    const stalePath = accepted.map((a) => (a === target ? { ...a, pathOvn: older.ovn } : a));
    assert.ok(checkHistory(stalePath).problems.some((p) => p.includes('stale OVN in the path')));
    const skipped = accepted.map((a) => (a === target ? { ...a, version: a.version + 1 } : a));
    assert.ok(checkHistory(skipped).problems.some((p) => p.includes('version does not follow')));
    const create = accepted.find((a) => a.pathOvn === undefined)!;
    const twice = [...accepted, { ...create, seq: Number.MAX_SAFE_INTEGER, key: [] }];
    assert.ok(checkHistory(twice).problems.some((p) => p.includes('already existed')));
  });

  it('checkHistory() flags two intersecting creates that ignored each other, and passes disjoint ones', () => {
    const a = { seq: 1, id: 'a', version: 1, ovn: 'ovn-a', squares: [0], key: [], pathOvn: undefined };
    const b = { seq: 2, id: 'b', version: 1, ovn: 'ovn-b', squares: [1], key: [], pathOvn: undefined };
    const c = { seq: 3, id: 'c', version: 1, ovn: 'ovn-c', squares: [3], key: [], pathOvn: undefined };
    assert.equal(checkHistory([a, b]).problems.length, 1);
    assert.deepEqual(checkHistory([a, c]).problems, []);
    assert.deepEqual(checkHistory([a, { ...b, key: ['ovn-a'] }]).problems, []);
    // Order matters: b's key named a's OVN, but b committed first and a ignored b.
    assert.equal(checkHistory([{ ...a, seq: 2 }, { ...b, seq: 1, key: ['ovn-a'] }]).problems.length, 1);
  });
});
