/**
 * A broker and agents in this process, wired exactly as `parley broker` and `parley agent` wire
 * them (main/broker.ts, main/agent.ts), on real loopback HTTP, with real SQLite files in a temp
 * directory and real party keys. Every log line of every role is kept, for leak scans.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { TestContext } from 'node:test';
import { pino, type Logger } from 'pino';
import { generateKeyFile, publicJwkOf, readPrivateKeyFile } from '../../src/adapters/cli/key-file.js';
import { createTokenSigner, type TokenSigner } from '../../src/adapters/cli/sign-token.js';
import { resolveAgentConfig } from '../../src/config/agent-config.js';
import { resolveBrokerConfig } from '../../src/config/broker-config.js';
import { startAgent, type RunningAgent } from '../../src/main/agent.js';
import { startBroker, type RunningBroker } from '../../src/main/broker.js';
import { call, type Answer } from './processes.js';
import type { WireVolume4D } from './wire.js';

export const SC = 'utm.strategic_coordination';
export const AUDIT = 'parley.audit';

export interface ClusterParty {
  readonly id: string;
  readonly keyFile: string;
  readonly sign: TokenSigner;
}

export interface AgentOptions {
  /** The policy as JSON (written to a file), or undefined for none. */
  readonly policy?: unknown;
  readonly equalPriority?: 'allow' | 'deny';
  readonly ticketless?: 'deny' | 'reference';
}

export type { Answer };

export interface Cluster {
  readonly dir: string;
  readonly broker: RunningBroker;
  readonly brokerUrl: string;
  readonly parties: Readonly<Record<string, ClusterParty>>;
  readonly agents: Record<string, RunningAgent>;
  /** Every log line written so far by the broker and the agents. */
  logs(): string;
  startAgent(party: string, options?: AgentOptions): Promise<RunningAgent>;
  /** Calls `party`'s own agent as its operator. */
  operator(party: string, method: string, path: string, body?: unknown): Promise<Answer>;
  /** Calls any URL with a token of `party` (for the broker, or as a peer). */
  as(party: string, url: string, init?: { method?: string; body?: unknown; scope?: string; headers?: Record<string, string> }): Promise<Answer>;
}

export async function startCluster(t: TestContext, partyIds: readonly string[], agents: Readonly<Record<string, AgentOptions>>): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-cluster-'));
  let logText = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logText += String(chunk);
      done();
    },
  });
  const logger = (name: string): Logger => pino({ name, level: 'info' }, sink);

  const parties: Record<string, ClusterParty> = {};
  const entries = [];
  for (const [i, id] of partyIds.entries()) {
    const keyFile = join(dir, `${id}.jwk`);
    await generateKeyFile(keyFile, 'EdDSA');
    const privateJwk = await readPrivateKeyFile(keyFile);
    parties[id] = { id, keyFile, sign: await createTokenSigner(privateJwk) };
    entries.push({ id, name: id, keys: [publicJwkOf(privateJwk)], agent_url: `http://127.0.0.1:${19000 + i}` });
  }
  const partiesFile = join(dir, 'parties.json');
  writeFileSync(partiesFile, JSON.stringify({ parties: entries }));

  const env = { PARLEY_LOG_LEVEL: 'info', PARLEY_STORE_SYNCHRONOUS: 'NORMAL' };
  const broker = await startBroker(
    resolveBrokerConfig({ port: '0', data: join(dir, 'broker'), parties: partiesFile, allowHttpBaseUrls: true }, env),
    { logger: logger('parley-broker') },
  );
  const running: Record<string, RunningAgent> = {};
  t.after(async () => {
    for (const agent of Object.values(running)) await agent.close().catch(() => undefined);
    await broker.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  const tokenFor = (party: string, url: string, scope: string) =>
    (parties[party] as ClusterParty).sign({ sub: party, aud: new URL(url).hostname, scope }, { nowMs: Date.now() });

  const cluster: Cluster = {
    dir,
    broker,
    brokerUrl: broker.url,
    parties,
    agents: running,
    logs: () => logText,
    async startAgent(party, options = {}) {
      let policyFile: string | undefined;
      if (options.policy !== undefined) {
        policyFile = join(dir, `${party}-policy.json`);
        writeFileSync(policyFile, JSON.stringify(options.policy));
      }
      const config = resolveAgentConfig(
        {
          port: '0',
          data: join(dir, `agent-${party}`),
          party,
          key: (parties[party] as ClusterParty).keyFile,
          broker: broker.url,
          parties: partiesFile,
          policy: policyFile,
          equalPriority: options.equalPriority,
          ticketless: options.ticketless,
        },
        env,
      );
      const agent = await startAgent(config, { logger: logger(`parley-agent-${party}`) });
      running[party] = agent;
      return agent;
    },
    async operator(party, method, path, body) {
      const agent = running[party];
      if (agent === undefined) throw new Error(`no agent for ${party}`);
      return call(`${agent.url}${path}`, method, await tokenFor(party, agent.url, 'parley.operator'), body);
    },
    async as(party, url, init = {}) {
      return call(url, init.method ?? 'GET', await tokenFor(party, url, init.scope ?? SC), init.body, init.headers);
    },
  };
  for (const [party, options] of Object.entries(agents)) await cluster.startAgent(party, options);
  return cluster;
}

/** A circle flown from `startInMin` minutes from now for `minutes`, 0–120 m unless told. */
export function flight(spec: { lat: number; lng: number; radiusM?: number; startInMin?: number; minutes?: number; altLo?: number; altHi?: number }): WireVolume4D {
  const start = Date.now() + (spec.startInMin ?? 10) * 60_000;
  return {
    volume: {
      outline_circle: { center: { lat: spec.lat, lng: spec.lng }, radius: { value: spec.radiusM ?? 500, units: 'M' } },
      altitude_lower: { value: spec.altLo ?? 0, reference: 'W84', units: 'M' },
      altitude_upper: { value: spec.altHi ?? 120, reference: 'W84', units: 'M' },
    },
    time_start: { value: new Date(start).toISOString(), format: 'RFC3339' },
    time_end: { value: new Date(start + (spec.minutes ?? 60) * 60_000).toISOString(), format: 'RFC3339' },
  };
}

/** A policy that shares volumes, priority and the named fields with every peer, on any basis. */
export function openPolicy(fields: readonly string[] = ['callsign']): unknown {
  return {
    version: 1,
    default: { fields: Object.fromEntries([['volumes', 'always'], ['priority', 'always'], ...fields.map((f) => [f, 'always'])]) },
  };
}
