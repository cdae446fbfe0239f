/**
 * The broker under test, wired as main/broker.ts wires it but with what a benchmark needs:
 * a SQLite store in a temp dir, a clock fixed before the workload's horizon, and a freshly
 * generated EdDSA authority key trusted for `aud` localhost, so the bench can mint tokens
 * for any USS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { generateSigningKey } from '../../src/adapters/cli/key-file.js';
import { createTokenSigner, type TokenSigner } from '../../src/adapters/cli/sign-token.js';
import { createAuthenticator } from '../../src/adapters/http/auth.js';
import { buildServer } from '../../src/adapters/http/build-server.js';
import { createMetricsRegistry } from '../../src/adapters/http/native/metrics.js';
import { cryptoCommitments } from '../../src/adapters/crypto/commitments.js';
import { ephemeralLogSigner } from '../../src/adapters/crypto/log-key-file.js';
import { ephemeralTicketAuthority } from '../../src/adapters/crypto/ticket-authority.js';
import { cryptoIdSource } from '../../src/adapters/ids/crypto-id-source.js';
import { openSqliteStore, type SqliteStore } from '../../src/adapters/storage/sqlite/sqlite-store.js';
import { DEFAULT_LIMITS, type BrokerContext } from '../../src/app/broker-context.js';
import type { Clock } from '../../src/app/ports/clock.js';
import { directoryOf } from '../../src/config/parties.js';
import { importVerificationKey } from '../../src/config/verification-key.js';

export const AUDIENCE = 'localhost';

/** A clock that never moves: every write is judged against the same "now". */
export class FixedClock implements Clock {
  constructor(readonly ms: number) {}
  nowMs(): number {
    return this.ms;
  }
}

export interface BenchBroker {
  readonly ctx: BrokerContext;
  readonly store: SqliteStore;
  readonly dbPath: string;
  /** Signs a token for `sub` with the trusted authority key (valid one hour from the real now). */
  token(sub: string, scopes: readonly string[]): Promise<string>;
  /** Builds the real HTTP app and listens on a free loopback port. */
  listen(): Promise<{ app: FastifyInstance; url: string }>;
  close(): Promise<void>;
}

/** A fresh temp directory for the bench's database; openBenchBroker removes it on close. */
export function createBenchDir(): { dir: string; dbPath: string } {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  return { dir, dbPath: join(dir, 'broker.sqlite') };
}

export async function openBenchBroker(options: {
  readonly nowMs: number;
  readonly synchronous: 'FULL' | 'NORMAL';
  /** An existing bench directory (its database is opened as a restarted broker would). */
  readonly at?: { readonly dir: string; readonly dbPath: string };
}): Promise<BenchBroker> {
  const { dir, dbPath } = options.at ?? createBenchDir();
  const store = await openSqliteStore({ path: dbPath, synchronous: options.synchronous });
  const ctx: BrokerContext = { store, clock: new FixedClock(options.nowMs), ids: cryptoIdSource, limits: DEFAULT_LIMITS, commitments: cryptoCommitments, self: { manager: 'parley-broker', ussBaseUrl: () => 'http://localhost' } };
  const { privateJwk, publicJwk } = await generateSigningKey('EdDSA');
  const signer: TokenSigner = await createTokenSigner(privateJwk);
  let app: FastifyInstance | undefined;

  return {
    ctx,
    store,
    dbPath,
    token: (sub, scopes) => signer({ sub, scope: scopes.join(' '), aud: AUDIENCE }, { nowMs: Date.now() }),
    async listen() {
      const key = await importVerificationKey(publicJwk, 'EdDSA', 'bench authority');
      if (typeof key === 'string') throw new Error(`Cannot trust the bench authority key: ${key}`);
      const authenticator = createAuthenticator({ parties: directoryOf([]), authorityKeys: [key], audiences: [AUDIENCE] });
      app = await buildServer({
        ctx,
        authenticator,
        logger: pino({ level: 'silent' }),
        allowHttpBaseUrls: false,
        metrics: createMetricsRegistry(),
        logSigner: ephemeralLogSigner('parley-bench'),
        tickets: ephemeralTicketAuthority('parley-bench'),
        parties: directoryOf([]),
      });
      const url = await app.listen({ host: '127.0.0.1', port: 0 });
      return { app, url };
    },
    async close() {
      await app?.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
