/**
 * One broker and its agents in this process, wired as `parley broker` and `parley agent` wire
 * them (startBroker / startAgent over configurations resolved from flags and an environment),
 * on loopback, with SQLite files in a temp directory, real EdDSA party keys, an open disclosure
 * policy per agent, and silent loggers. The parties file names each agent's real URL.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { generateKeyFile, publicJwkOf, readPrivateKeyFile } from '../../src/adapters/cli/key-file.js';
import { createTokenSigner, type TokenSigner } from '../../src/adapters/cli/sign-token.js';
import { resolveAgentConfig } from '../../src/config/agent-config.js';
import { resolveBrokerConfig } from '../../src/config/broker-config.js';
import { startAgent, type RunningAgent } from '../../src/main/agent.js';
import { startBroker, type RunningBroker } from '../../src/main/broker.js';

export const SC = 'utm.strategic_coordination';
export const OPERATOR = 'parley.operator';
/** Every role listens on 127.0.0.1, so every token names that host. */
const AUDIENCE = '127.0.0.1';

export interface BenchParty {
  readonly id: string;
  readonly agent: RunningAgent;
}

export interface BenchCluster {
  readonly dir: string;
  readonly broker: RunningBroker;
  readonly parties: readonly BenchParty[];
  readonly synchronous: 'FULL' | 'NORMAL';
  /** A bearer token of `party` with `scope` (signed once, valid an hour). */
  token(party: string, scope: string): Promise<string>;
  close(): Promise<void>;
}

/** Shares volumes, priority and callsign with every peer, on any ticket basis. */
const OPEN_POLICY = { version: 1, default: { fields: { volumes: 'always', priority: 'always', callsign: 'always' } } };

export async function startBenchCluster(
  partyIds: readonly string[],
  options: { readonly equalPriority: 'allow' | 'deny'; readonly synchronous: string | undefined },
): Promise<BenchCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-agents-bench-'));
  const logger = pino({ level: 'silent' });
  const env = { PARLEY_LOG_LEVEL: 'silent', PARLEY_STORE_SYNCHRONOUS: options.synchronous ?? 'FULL' };

  const signers = new Map<string, TokenSigner>();
  const keyFiles = new Map<string, string>();
  const ports = await freePorts(partyIds.length);
  const entries = [];
  for (const [i, id] of partyIds.entries()) {
    const keyFile = join(dir, `${id}.jwk`);
    await generateKeyFile(keyFile, 'EdDSA');
    const privateJwk = await readPrivateKeyFile(keyFile);
    keyFiles.set(id, keyFile);
    signers.set(id, await createTokenSigner(privateJwk));
    entries.push({ id, name: id, keys: [publicJwkOf(privateJwk)], agent_url: `http://127.0.0.1:${ports[i]}` });
  }
  const partiesFile = join(dir, 'parties.json');
  writeFileSync(partiesFile, JSON.stringify({ parties: entries }));
  const policyFile = join(dir, 'policy.json');
  writeFileSync(policyFile, JSON.stringify(OPEN_POLICY));

  const brokerConfig = resolveBrokerConfig({ port: '0', data: join(dir, 'broker'), parties: partiesFile, allowHttpBaseUrls: true }, env);
  const broker = await startBroker(brokerConfig, { logger });
  const parties: BenchParty[] = [];
  for (const [i, id] of partyIds.entries()) {
    const config = resolveAgentConfig(
      {
        port: String(ports[i]),
        data: join(dir, `agent-${id}`),
        party: id,
        key: keyFiles.get(id),
        broker: broker.url,
        parties: partiesFile,
        policy: policyFile,
        equalPriority: options.equalPriority,
      },
      env,
    );
    parties.push({ id, agent: await startAgent(config, { logger }) });
  }

  const tokens = new Map<string, Promise<string>>();
  return {
    dir,
    broker,
    parties,
    synchronous: brokerConfig.synchronous,
    token(party, scope) {
      const key = `${party} ${scope}`;
      let token = tokens.get(key);
      if (token === undefined) {
        const sign = signers.get(party);
        if (sign === undefined) throw new Error(`Cannot sign a token for "${party}": not a party of this bench`);
        tokens.set(key, (token = sign({ sub: party, aud: AUDIENCE, scope }, { nowMs: Date.now() })));
      }
      return token;
    },
    async close() {
      for (const party of parties) await party.agent.close().catch(() => undefined);
      await broker.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Distinct free loopback ports, all held at once and then released for the agents to take. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}
