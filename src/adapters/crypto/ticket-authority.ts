/**
 * The broker's ticket key (Ed25519) in `ticket-key.json` in the data directory (mode 0600,
 * created on first start), and the TicketIssuer over it. Its public JWK is published at
 * GET /v1/tickets/key for the owners' agents that check tickets.
 */
import { createHash, createPrivateKey, generateKeyPairSync, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { TicketIssuer } from '../../app/ports/ticket-issuer.js';
import { TICKET_MAX_TTL_S } from '../../domain/tickets/ticket.js';
import { LruCache } from '../http/lru-cache.js';
import { publicKeyOf, signTicket, type TicketKey } from './ticket-jws.js';

export interface TicketAuthority extends TicketIssuer {
  readonly issuerName: string;
  readonly kid: string;
  readonly publicJwk: JsonWebKey;
  readonly publicKey: KeyObject;
}

/** Tickets remembered for reuse (a USS polling its area gets the same ticket, not a new signature). */
const CACHE_SIZE = 50_000;
/** A remembered ticket is handed out again only while it has at least this long to live. */
const REUSE_MIN_LEFT_S = TICKET_MAX_TTL_S / 2;

export function ticketAuthority(issuerName: string, privateKey: KeyObject): TicketAuthority {
  const cache = new LruCache<string, { token: string; exp: number }>(CACHE_SIZE);
  const publicKey = publicKeyOf({ kid: '', privateKey });
  const { x } = publicKey.export({ format: 'jwk' });
  // RFC 7638 thumbprint of the OKP key: SHA-256 of {"crv","kty","x"} in that order.
  const kid = createHash('sha256').update(JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x })).digest('base64url');
  const key: TicketKey = { kid, privateKey };
  return {
    issuerName,
    kid,
    publicJwk: { kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA', use: 'sig' } as JsonWebKey,
    publicKey,
    issue(request, nowMs) {
      const iat = Math.floor(nowMs / 1000);
      // Same requester, intent, version and basis: the same statement, so the same ticket while
      // it is fresh enough (an intent's new version gets a new ticket). A cached ticket must equal
      // the one that would be issued now. A declaration's priority never changes, and the intent's
      // extents change only with its version; but the basis may be the requester's own intent or
      // subscription, whose extents (so `km`) change under the same id. So priority and km are part
      // of the key too: a moved basis gets a new ticket.
      const { basis } = request;
      const cacheKey = `${request.requester}\n${request.intentId}\n${request.version}\n${basis.kind}\n${basis.id}\n${basis.priority ?? ''}\n${basis.km ?? ''}`;
      const cached = cache.get(cacheKey);
      if (cached !== undefined && cached.exp - iat >= REUSE_MIN_LEFT_S && cached.exp - iat <= TICKET_MAX_TTL_S) return cached.token;
      const exp = iat + TICKET_MAX_TTL_S;
      const token = signTicket(
        {
          iss: issuerName,
          sub: request.requester,
          oi: request.intentId,
          own: request.owner,
          ver: request.version,
          // Only the fields a ticket carries, and only those present: the ticket stays small.
          basis: {
            kind: basis.kind,
            id: basis.id,
            ...(basis.priority === undefined ? {} : { priority: basis.priority }),
            ...(basis.km === undefined ? {} : { km: basis.km }),
          },
          iat,
          exp,
          jti: randomUUID(),
        },
        key,
      );
      cache.set(cacheKey, { token, exp });
      return token;
    },
  };
}

export function ephemeralTicketAuthority(issuerName = 'parley-test'): TicketAuthority {
  return ticketAuthority(issuerName, generateKeyPairSync('ed25519').privateKey);
}

/** Loads `path`, or creates it with a fresh key when absent. */
export function loadOrCreateTicketAuthority(path: string, issuerName: string): TicketAuthority {
  if (existsSync(path)) {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { privateJwk?: JsonWebKey };
    if (parsed.privateJwk?.kty !== 'OKP' || parsed.privateJwk.crv !== 'Ed25519' || typeof parsed.privateJwk.d !== 'string') {
      throw new Error(`Cannot use the ticket key file ${path}: expected {"privateJwk": {an Ed25519 private JWK}}`);
    }
    return ticketAuthority(issuerName, createPrivateKey({ key: parsed.privateJwk, format: 'jwk' }));
  }
  const { privateKey } = generateKeyPairSync('ed25519');
  writeFileSync(path, `${JSON.stringify({ privateJwk: privateKey.export({ format: 'jwk' }) }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return ticketAuthority(issuerName, privateKey);
}
