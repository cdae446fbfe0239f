/**
 * The HTTP load generator of `npm run bench -- strategic`, run as its own process
 * (`node --import tsx bench/http-client.ts`, forked with an IPC channel by the bench).
 * It keeps `connections` keep-alive sockets busy, one request in flight on each, and answers
 * each command from the bench with one result. Human text goes to stderr only.
 */
import { Agent, request } from 'node:http';
import { benchUuid, ID_KIND } from './strategic/bench-ids.js';
import { HitChecksum } from './strategic/hit-checksum.js';
import type {
  ClientCommand,
  ClientMessage,
  ClientSetup,
  PutPhaseResult,
  QueryPhaseResult,
  SameCellPhaseResult,
} from './strategic/http-protocol.js';
import { Latencies, ratePerS, round3 } from './strategic/latency.js';
import { isolatedVolume, sameCellVolume } from './strategic/synthetic-volumes.js';

const INTENTS = '/dss/v1/operational_intent_references';

interface Reply {
  readonly status: number;
  readonly text: string;
}

class Connection {
  readonly #agent: Agent;
  readonly #host: string;
  readonly #port: number;

  constructor(baseUrl: string, sockets: number) {
    const url = new URL(baseUrl);
    this.#host = url.hostname;
    this.#port = Number(url.port);
    this.#agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  send(method: 'POST' | 'PUT', path: string, token: string, body: string): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent: this.#agent,
          host: this.#host,
          port: this.#port,
          method,
          path,
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.once('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.once('error', reject);
        },
      );
      req.once('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

function count(errors: Record<string, number>, key: string): void {
  errors[key] = (errors[key] ?? 0) + 1;
}

/** Runs `connections` loops side by side and returns the wall time until all have stopped. */
async function runLoops(connections: number, loop: (c: number) => Promise<void>): Promise<number> {
  const startedMs = performance.now();
  await Promise.all(Array.from({ length: connections }, (_, c) => loop(c)));
  return performance.now() - startedMs;
}

async function queryPhase(setup: ClientSetup, command: Extract<ClientCommand, { type: 'query' }>): Promise<QueryPhaseResult> {
  const conn = new Connection(setup.baseUrl, command.connections);
  const path = `${INTENTS}/query`;
  const total = setup.queryBodies.length;
  const errors: Record<string, number> = {};
  try {
    let next = 0;
    const warmup = Math.min(command.warmup, total);
    await runLoops(command.connections, async () => {
      while (next < warmup) await conn.send('POST', path, setup.readerToken, setup.queryBodies[next++]!);
    });
    next = 0;
    const latencies = new Latencies(total);
    const hits: string[][] = new Array<string[]>(total);
    const elapsedMs = await runLoops(command.connections, async () => {
      while (next < total) {
        const i = next++;
        const t = performance.now();
        const reply = await conn.send('POST', path, setup.readerToken, setup.queryBodies[i]!);
        latencies.add(performance.now() - t);
        if (reply.status !== 200) {
          count(errors, String(reply.status));
          hits[i] = [];
          continue;
        }
        const refs = (JSON.parse(reply.text) as { operational_intent_references: Array<{ id: string }> })
          .operational_intent_references;
        hits[i] = refs.map((r) => r.id);
      }
    });
    const checksum = new HitChecksum();
    for (let i = 0; i < total; i++) checksum.add(setup.queryIds[i]!, hits[i]!);
    return {
      type: 'query',
      connections: command.connections,
      latency: latencies.summary(),
      qps: ratePerS(total, elapsedMs),
      hitsPerQuery: total === 0 ? 0 : round3(checksum.hits / total),
      hitsChecksum: checksum.hex(),
      errors,
    };
  } finally {
    conn.close();
  }
}

async function putPhase(setup: ClientSetup, command: Extract<ClientCommand, { type: 'put' }>): Promise<PutPhaseResult> {
  const conn = new Connection(setup.baseUrl, command.connections);
  const errors: Record<string, number> = {};
  const latencies = new Latencies(command.count);
  let next = 0;
  let succeeded = 0;
  try {
    const elapsedMs = await runLoops(command.connections, async () => {
      while (next < command.count) {
        const i = next++;
        const party = command.parties[i % command.parties.length]!;
        const body = JSON.stringify({
          extents: [isolatedVolume(i, setup.t0Ms)],
          key: [],
          state: 'Accepted',
          uss_base_url: `https://${party}.example.com/uss`,
        });
        const t = performance.now();
        const reply = await conn.send('PUT', `${INTENTS}/${benchUuid(ID_KIND.httpPut, i)}`, setup.partyTokens[party]!, body);
        latencies.add(performance.now() - t);
        if (reply.status === 201) succeeded++;
        else count(errors, `${reply.status} ${reply.text.slice(0, 160)}`);
      }
    });
    return {
      type: 'put',
      connections: command.connections,
      succeeded,
      perS: ratePerS(succeeded, elapsedMs),
      latency: latencies.summary(),
      errors,
    };
  } finally {
    conn.close();
  }
}

/** Current OVN of every same-cell intent, learned from the managers' own PUT answers. */
const sameCellOvns = new Map<string, string>();

async function sameCellPhase(
  setup: ClientSetup,
  command: Extract<ClientCommand, { type: 'samecell' }>,
): Promise<SameCellPhaseResult> {
  const conn = new Connection(setup.baseUrl, command.connections);
  const errors: Record<string, number> = {};
  const latencies = new Latencies(4096);
  const volume = sameCellVolume(setup.t0Ms);
  const stopAtMs = performance.now() + command.seconds * 1000;
  let succeeded = 0;
  let conflicts = 0;
  let attempts = 0;
  let keyOvns = 0;
  try {
    const elapsedMs = await runLoops(command.connections, async (c) => {
      const party = `${command.partyPrefix}${c}`;
      const token = setup.partyTokens[party];
      if (token === undefined) throw new Error(`No token for same-cell party ${party}`);
      const ids = Array.from({ length: command.idsPerConnection }, (_, k) =>
        benchUuid(ID_KIND.sameCell, c * command.idsPerConnection + k),
      );
      for (let j = 0; performance.now() < stopAtMs; j++) {
        const id = ids[j % ids.length]!;
        const key = [...sameCellOvns.values()];
        const ovn = sameCellOvns.get(id);
        const body = JSON.stringify({ extents: [volume], key, state: 'Accepted', uss_base_url: `https://${party}.example.com/uss` });
        const t = performance.now();
        const reply = await conn.send('PUT', ovn === undefined ? `${INTENTS}/${id}` : `${INTENTS}/${id}/${ovn}`, token, body);
        latencies.add(performance.now() - t);
        attempts++;
        keyOvns += key.length;
        if (reply.status === 200 || reply.status === 201) {
          const answer = JSON.parse(reply.text) as { operational_intent_reference: { ovn: string } };
          sameCellOvns.set(id, answer.operational_intent_reference.ovn);
          succeeded++;
        } else if (reply.status === 409) {
          conflicts++;
        } else {
          count(errors, `${reply.status} ${reply.text.slice(0, 160)}`);
          j--; // retry the same id
        }
      }
    });
    return {
      type: 'samecell',
      connections: command.connections,
      intents: sameCellOvns.size,
      succeeded,
      conflicts,
      attempts,
      perS: ratePerS(succeeded, elapsedMs),
      attemptsPerS: ratePerS(attempts, elapsedMs),
      keySize: attempts === 0 ? 0 : round3(keyOvns / attempts),
      latency: latencies.summary(),
      errors,
    };
  } finally {
    conn.close();
  }
}

function reply(message: ClientMessage): void {
  process.send?.(message);
}

let setup: ClientSetup | undefined;

process.on('message', (message: ClientSetup | ClientCommand) => {
  const run = async (): Promise<void> => {
    if (message.type === 'setup') {
      setup = message;
      reply({ type: 'ready' });
      return;
    }
    if (message.type === 'exit') {
      process.disconnect?.();
      return;
    }
    if (setup === undefined) throw new Error('http-client: a command arrived before setup');
    if (message.type === 'query') reply(await queryPhase(setup, message));
    else if (message.type === 'put') reply(await putPhase(setup, message));
    else reply(await sameCellPhase(setup, message));
  };
  run().catch((error: unknown) => reply({ type: 'error', message: error instanceof Error ? error.stack ?? error.message : String(error) }));
});

if (process.send === undefined) {
  process.stderr.write('bench/http-client.ts is started by `npm run bench -- strategic`; it needs an IPC channel\n');
  process.exit(2);
}
