/**
 * A broker built for tests: the real HTTP app (fastify inject, or a real socket with
 * `listen()`), a real store (memory by default, SQLite on request), a settable clock, and a
 * trusted authority key so tests can mint tokens for any USS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { DEFAULT_LIMITS, type BrokerContext, type BrokerLimits } from '../../src/app/broker-context.js';
import type { Store } from '../../src/app/ports/store.js';
import { createTokenSigner, type TokenSigner } from '../../src/adapters/cli/sign-token.js';
import { generateSigningKey } from '../../src/adapters/cli/key-file.js';
import { createAuthenticator } from '../../src/adapters/http/auth.js';
import { buildServer } from '../../src/adapters/http/build-server.js';
import { createMetricsRegistry } from '../../src/adapters/http/native/metrics.js';
import { cryptoCommitments } from '../../src/adapters/crypto/commitments.js';
import { ephemeralLogSigner } from '../../src/adapters/crypto/log-key-file.js';
import { ephemeralTicketAuthority } from '../../src/adapters/crypto/ticket-authority.js';
import { cryptoIdSource } from '../../src/adapters/ids/crypto-id-source.js';
import { createMemoryStore } from '../../src/adapters/storage/memory/memory-store.js';
import { openSqliteStore } from '../../src/adapters/storage/sqlite/sqlite-store.js';
import { directoryOf, type PartiesDirectory } from '../../src/config/parties.js';
import { importVerificationKey } from '../../src/config/verification-key.js';

export const SC = 'utm.strategic_coordination';
export const CM = 'utm.constraint_management';
export const CP = 'utm.constraint_processing';
export const CMSA = 'utm.conformance_monitoring_sa';
export const AA = 'utm.availability_arbitration';
export const AUDIENCE = 'localhost';

/** A clock tests can move. */
export class FakeClock {
  constructor(public ms: number = Date.now()) {}
  nowMs(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface TestBroker {
  readonly app: FastifyInstance;
  readonly ctx: BrokerContext;
  readonly clock: FakeClock;
  readonly store: Store;
  /** A bearer token for `sub` with these scopes (signed by the trusted test authority). */
  token(sub: string, scopes: readonly string[], options?: { aud?: string }): Promise<string>;
  close(): Promise<void>;
}

export interface TestBrokerOptions {
  readonly storage?: 'memory' | 'sqlite';
  readonly clock?: FakeClock;
  readonly limits?: Partial<BrokerLimits>;
  readonly bodyLimitBytes?: number;
  /** Where the broker logs (default: silent). */
  readonly logger?: import('pino').Logger;
  /** Parties whose own keys are trusted besides the test authority (agreements are signed with them). */
  readonly parties?: PartiesDirectory;
}

let signerPromise: Promise<{ signer: TokenSigner; publicJwk: import('jose').JWK }> | undefined;

async function testAuthority() {
  signerPromise ??= (async () => {
    const { privateJwk, publicJwk } = await generateSigningKey('EdDSA');
    return { signer: await createTokenSigner(privateJwk), publicJwk };
  })();
  return signerPromise;
}

export async function makeTestBroker(options: TestBrokerOptions = {}): Promise<TestBroker> {
  const clock = options.clock ?? new FakeClock();
  let dir: string | undefined;
  let store: Store;
  if (options.storage === 'sqlite') {
    dir = mkdtempSync(join(tmpdir(), 'parley-test-'));
    store = await openSqliteStore({ path: join(dir, 'broker.sqlite'), synchronous: 'NORMAL' });
  } else {
    store = createMemoryStore();
  }
  const { signer, publicJwk } = await testAuthority();
  const key = await importVerificationKey(publicJwk, 'EdDSA', 'test authority');
  if (typeof key === 'string') throw new Error(key);
  const parties = options.parties ?? directoryOf([]);
  const authenticator = createAuthenticator({ parties, authorityKeys: [key], audiences: [AUDIENCE] });
  const ctx: BrokerContext = { store, clock, ids: cryptoIdSource, limits: { ...DEFAULT_LIMITS, ...options.limits }, commitments: cryptoCommitments, self: { manager: 'parley-broker', ussBaseUrl: () => 'http://localhost' } };
  const logSigner = ephemeralLogSigner('parley-test-log');
  const app = await buildServer({
    ctx,
    authenticator,
    logger: options.logger ?? pino({ level: 'silent' }),
    allowHttpBaseUrls: true,
    metrics: createMetricsRegistry(),
    logSigner,
    tickets: ephemeralTicketAuthority('parley-test-log'),
    parties,
    ...(options.bodyLimitBytes === undefined ? {} : { bodyLimitBytes: options.bodyLimitBytes }),
  });
  await app.ready();
  return {
    app,
    ctx,
    clock,
    store,
    token: (sub, scopes, tokenOptions = {}) =>
      signer({ sub, scope: scopes.join(' '), aud: tokenOptions.aud ?? AUDIENCE }, { nowMs: Date.now() }),
    close: async () => {
      await app.close();
      await store.close();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}
