/**
 * `parley broker`: wires the SQLite store, the authenticator and the HTTP app, then listens.
 * The only place (with the other main/ files) that reads the environment and opens sockets.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { BrokerContext } from '../app/broker-context.js';
import { systemClock } from '../app/ports/clock.js';
import { createAuthenticator } from '../adapters/http/auth.js';
import { buildServer } from '../adapters/http/build-server.js';
import { createMetricsRegistry } from '../adapters/http/native/metrics.js';
import { cryptoCommitments } from '../adapters/crypto/commitments.js';
import { BROKER_FILES } from '../adapters/broker-files.js';
import { agreementStoreChecks } from '../adapters/agreements/agreement-store-checks.js';
import { loadOrCreateLogKey } from '../adapters/crypto/log-key-file.js';
import { loadOrCreateTicketAuthority } from '../adapters/crypto/ticket-authority.js';
import { cryptoIdSource } from '../adapters/ids/crypto-id-source.js';
import { openSqliteStore, type SqliteStore } from '../adapters/storage/sqlite/sqlite-store.js';
import { loadAuthorityKeys } from '../config/authority-keys.js';
import type { BrokerConfig } from '../config/broker-config.js';
import { directoryOf, loadPartiesFile } from '../config/parties.js';
import { createLogger } from '../log/logger.js';

export interface RunningBroker {
  readonly app: FastifyInstance;
  readonly store: SqliteStore;
  readonly url: string;
  close(): Promise<void>;
}


export async function startBroker(config: BrokerConfig, options: { logger?: Logger } = {}): Promise<RunningBroker> {
  const logger = options.logger ?? createLogger({ level: config.logLevel, name: 'parley-broker' });
  mkdirSync(config.dataDir, { recursive: true });
  const parties = config.partiesFile === undefined ? directoryOf([]) : await loadPartiesFile(config.partiesFile);
  const authorityKeys = [];
  for (const file of config.authorityKeyFiles) authorityKeys.push(...(await loadAuthorityKeys(file)));
  const authenticator = await createAuthenticator({ parties, authorityKeys, audiences: config.audiences });

  const started = Date.now();
  const store = await openSqliteStore({
    path: join(config.dataDir, BROKER_FILES.database),
    synchronous: config.synchronous,
    logger,
    // Agreement versions are stored as their signed documents: terms read back, signatures checked.
    ...agreementStoreChecks(parties),
  });
  logger.info({ ms: Date.now() - started, ...store.stats() }, 'store.opened');

  const logKey = loadOrCreateLogKey(join(config.dataDir, BROKER_FILES.logKey));
  logger.info({ origin: logKey.signer.origin, verifier: logKey.signer.verifierKey, created: logKey.created }, 'log.key');

  // Where this broker serves the zones of agreements in force, known once it listens.
  const where = { url: config.publicUrl ?? '' };
  const ctx: BrokerContext = {
    store,
    clock: systemClock,
    ids: cryptoIdSource,
    limits: config.limits,
    commitments: cryptoCommitments,
    self: { manager: logKey.signer.origin, ussBaseUrl: () => where.url },
  };
  const app = await buildServer({
    ctx,
    authenticator,
    logger,
    allowHttpBaseUrls: config.allowHttpBaseUrls,
    metrics: createMetricsRegistry(),
    logSigner: logKey.signer,
    parties,
    tickets: loadOrCreateTicketAuthority(join(config.dataDir, BROKER_FILES.ticketKey), logKey.signer.origin),
  });
  const url = await app.listen({ host: config.host, port: config.port });
  if (where.url === '') where.url = url;
  logger.info({ url, audiences: config.audiences, parties: parties.list().length }, 'broker.listening');
  return {
    app,
    store,
    url,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

/** Closes cleanly on SIGINT/SIGTERM. */
export function closeOnSignals(broker: { close(): Promise<void> }, logger?: Logger): void {
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    logger?.info({ signal }, 'broker.stopping');
    broker.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
