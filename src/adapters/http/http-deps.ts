/** What the HTTP adapter needs from the outside world; main/ builds it. */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { BrokerContext } from '../../app/broker-context.js';
import type { LogSigner } from '../../app/ports/log-signer.js';
import type { TicketAuthority } from '../crypto/ticket-authority.js';
import type { PartiesDirectory } from '../../config/parties.js';

export interface Principal {
  readonly sub: string;
  readonly scopes: ReadonlySet<string>;
}

export interface Authenticator {
  /** Resolves the bearer token's principal, or throws DomainError 'unauthenticated'. */
  authenticate(authorization: string | undefined, nowMs: number): Promise<Principal>;
}

export interface HttpDeps {
  readonly ctx: BrokerContext;
  readonly authenticator: Authenticator;
  readonly logger: Logger;
  readonly allowHttpBaseUrls: boolean;
  readonly metrics: Registry;
  /** Signs the verifiable log's checkpoints. */
  readonly logSigner: LogSigner;
  /** Signs intersection tickets in query answers. */
  readonly tickets: TicketAuthority;
  /** The parties file: agreements are signed with these keys and name these parties. */
  readonly parties: PartiesDirectory;
  /** Largest accepted request body (default 4 MiB: a 10,000-vertex polygon is ~0.6 MB). */
  readonly bodyLimitBytes?: number;
}
