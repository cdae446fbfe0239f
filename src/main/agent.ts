/**
 * `parley agent`: one party's agent (F3548 USS role). Wires its SQLite store, its clients of
 * the broker and of peer agents, its two authenticators (own operators; peer parties), the
 * disclosure policy, and the HTTP app; settles broker writes left open by a crash; listens.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { Counter } from 'prom-client';
import type { AgentContext } from '../app/agent/agent-ports.js';
import type { AgentStore } from '../app/agent/agent-store.js';
import { reconcilePending } from '../app/agent/reconcile.js';
import { systemClock } from '../app/ports/clock.js';
import { brokerClient } from '../adapters/agent/broker-client.js';
import { peerClient } from '../adapters/agent/peer-client.js';
import { tokenMinter } from '../adapters/agent/token-minter.js';
import { readPrivateKeyFile } from '../adapters/cli/key-file.js';
import { createTokenSigner } from '../adapters/cli/sign-token.js';
import { buildAgentServer } from '../adapters/http/agent/build-agent-server.js';
import { createAuthenticator } from '../adapters/http/auth.js';
import { createMetricsRegistry } from '../adapters/http/native/metrics.js';
import { cryptoIdSource } from '../adapters/ids/crypto-id-source.js';
import { openAgentStore } from '../adapters/storage/agent/agent-sqlite-store.js';
import type { AgentConfig } from '../config/agent-config.js';
import { ConfigError } from '../config/broker-config.js';
import { directoryOf, loadPartiesFile } from '../config/parties.js';
import { loadPolicyFile } from '../config/policy-file.js';
import { DENY_ALL } from '../domain/disclosure/policy.js';
import { createLogger } from '../log/logger.js';

export const AGENT_DATABASE = 'agent.sqlite';
/** How often broker writes left open are retried while any remain. */
const RECONCILE_EVERY_MS = 15_000;

export interface RunningAgent {
  readonly app: FastifyInstance;
  readonly store: AgentStore;
  readonly url: string;
  close(): Promise<void>;
}

export async function startAgent(config: AgentConfig, options: { logger?: Logger } = {}): Promise<RunningAgent> {
  const logger = options.logger ?? createLogger({ level: config.logLevel, name: `parley-agent-${config.party}` });
  const parties = await loadPartiesFile(config.partiesFile);
  const own = parties.get(config.party);
  if (own === undefined) throw new ConfigError([`--party: "${config.party}" is not in the parties file ${config.partiesFile}`]);
  const policy = config.policyFile === undefined ? DENY_ALL : await loadPolicyFile(config.policyFile);
  if (config.policyFile === undefined) logger.warn('agent.no_policy: no --policy given, nothing is disclosed to anyone');
  const key = await readPrivateKeyFile(config.keyFile);
  const sign = await createTokenSigner(key);

  const where = { publicUrl: config.publicUrl ?? '' };
  const audiences = ['localhost', '127.0.0.1', ...(config.publicUrl === undefined ? [] : [new URL(config.publicUrl).hostname])];
  const operators = createAuthenticator({ parties: directoryOf([own]), authorityKeys: [], audiences });
  const peers = createAuthenticator({ parties, authorityKeys: [], audiences });
  await checkKeyIsOurs(sign, config, operators);

  mkdirSync(config.dataDir, { recursive: true });
  const store = openAgentStore({ path: join(config.dataDir, AGENT_DATABASE), synchronous: config.synchronous });
  const metrics = createMetricsRegistry();
  const events = new Counter({ name: 'parley_agent_events_total', help: 'Agent decisions, by event', labelNames: ['event'] as const, registers: [metrics] });
  const tokens = tokenMinter(sign, config.party, () => Date.now());
  const ctx: AgentContext = {
    party: config.party,
    get publicUrl() {
      return where.publicUrl;
    },
    store,
    broker: brokerClient({ url: config.brokerUrl, ussBaseUrl: () => where.publicUrl, tokens }),
    peers: peerClient({ tokens }),
    clock: systemClock,
    ids: cryptoIdSource,
    policy,
    planning: { equalPriority: config.equalPriority, maxAttempts: 5, fetchConcurrency: 8 },
    ticketless: config.ticketless,
    events: (event, fields) => {
      events.inc({ event });
      logger.info(fields, event);
    },
  };

  const app = await buildAgentServer({ ctx, operators, peers, logger, metrics });
  const reconcile = async () => {
    if (store.pending().length === 0) return;
    const result = await reconcilePending(ctx);
    logger.info(result, 'agent.reconciled');
  };
  let url: string;
  try {
    // Writes a crash left open are settled before peers can ask about them (when the broker answers).
    await reconcile().catch((error: unknown) => logger.warn({ err: error }, 'agent.reconcile_failed'));
    url = await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    store.close();
    throw error;
  }
  if (where.publicUrl === '') where.publicUrl = url;
  const timer = setInterval(() => void reconcile().catch((error: unknown) => logger.warn({ err: error }, 'agent.reconcile_failed')), RECONCILE_EVERY_MS);
  timer.unref();

  logger.info({ url, public_url: where.publicUrl, party: config.party, broker: config.brokerUrl, peers: parties.list().length }, 'agent.listening');
  return {
    app,
    store,
    url,
    close: async () => {
      clearInterval(timer);
      await app.close();
      store.close();
    },
  };
}

/** A key that is not one of our party's keys would only fail later, at every call. */
async function checkKeyIsOurs(sign: Awaited<ReturnType<typeof createTokenSigner>>, config: AgentConfig, operators: ReturnType<typeof createAuthenticator>): Promise<void> {
  const nowMs = Date.now();
  const token = await sign({ sub: config.party, aud: 'localhost', scope: '', ttlS: 60 }, { nowMs });
  try {
    await operators.authenticate(`Bearer ${token}`, nowMs);
  } catch {
    throw new ConfigError([`--key: ${config.keyFile} is not one of party "${config.party}"'s keys in ${config.partiesFile}`]);
  }
}
