/**
 * Bearer-token authentication and scope checks for every broker route (F3548 §2.10).
 * A token is trusted when signed by a party key (then `sub` must be that party's id) or by
 * an authority key (any `sub`, which becomes the manager). Verified tokens are cached by a
 * hash of the token string until their `exp`, because a signature check costs ~100 µs.
 */
import { hash } from 'node:crypto';
import { compactVerify, decodeProtectedHeader, errors } from 'jose';
import { DomainError } from '../../domain/errors.js';
import type { PartyId } from '../../domain/ids.js';
import type { PartiesDirectory, Party } from '../../config/parties.js';
import { isTokenAlgorithm, TOKEN_ALGORITHMS, type VerificationKey } from '../../config/verification-key.js';
import { LruCache } from './lru-cache.js';
import { checkTokenTimes, readTokenClaims, type TokenClaims, type TokenTimeRules } from './token-claims.js';

export interface Principal {
  readonly sub: string;
  /** Set when the token was signed by a party key (and `sub` is then that party's id). */
  readonly party: PartyId | undefined;
  readonly scopes: ReadonlySet<string>;
}

export interface Authenticator {
  /** Resolves the caller of a request, or rejects with DomainError 'unauthenticated'. */
  authenticate(authorization: string | undefined, nowMs: number): Promise<Principal>;
}

export interface AuthenticatorOptions {
  readonly parties: PartiesDirectory;
  readonly authorityKeys: readonly VerificationKey[];
  /** Accepted `aud` values: the broker's host names, e.g. `localhost`, `127.0.0.1`. */
  readonly audiences: readonly string[];
  /** Verified tokens remembered (default 10,000). */
  readonly cacheSize?: number;
  /** Default 5,000 ms (GEN0100 allows clocks 5 s apart). */
  readonly clockSkewMs?: number;
}

interface TrustedKey {
  readonly key: VerificationKey;
  readonly party: Party | undefined;
}

interface VerifiedToken {
  readonly principal: Principal;
  readonly claims: TokenClaims;
}

const MAX_TOKEN_LENGTH = 16_384;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  if (options.audiences.length === 0) throw new RangeError('createAuthenticator: audiences must not be empty');
  const audiences = new Set(options.audiences);
  const times: TokenTimeRules = { clockSkewMs: options.clockSkewMs ?? 5_000, maxLifetimeMs: 3_600_000 };
  const trusted: TrustedKey[] = [
    ...options.parties.list().flatMap((party) => party.keys.map((key) => ({ key, party }))),
    ...options.authorityKeys.map((key) => ({ key, party: undefined })),
  ];
  const cache = new LruCache<string, VerifiedToken>(options.cacheSize ?? 10_000);

  async function verify(token: string, nowMs: number): Promise<VerifiedToken> {
    const { alg, kid } = readHeader(token);
    const candidates = trusted.filter(
      ({ key }) => key.alg === alg && (kid === undefined || key.kid === undefined || key.kid === kid),
    );
    const signer = await findSigner(token, alg, candidates);
    if (signer === undefined) {
      throw unauthenticated(
        `signature does not match any trusted ${alg} key${kid === undefined ? '' : ` (kid ${JSON.stringify(kid)})`}`,
      );
    }
    const claims = readTokenClaims(signer.payload, audiences);
    if (typeof claims === 'string') throw unauthenticated(claims);
    const party = signer.trusted.party;
    if (party !== undefined && claims.sub !== party.id) {
      throw unauthenticated(`signed by a key of party "${party.id}" but sub is not "${party.id}"`);
    }
    const timeProblem = checkTokenTimes(claims, nowMs, times);
    if (timeProblem !== undefined) throw unauthenticated(timeProblem);
    const principal: Principal = Object.freeze({ sub: claims.sub, party: party?.id, scopes: claims.scopes });
    return { principal, claims };
  }

  return {
    async authenticate(authorization, nowMs) {
      const token = bearerToken(authorization);
      const cacheKey = hash('sha256', token, 'base64url');
      const cached = cache.get(cacheKey);
      if (cached !== undefined) {
        const timeProblem = checkTokenTimes(cached.claims, nowMs, times);
        if (timeProblem === undefined) return cached.principal;
        cache.delete(cacheKey);
        throw unauthenticated(timeProblem);
      }
      const verified = await verify(token, nowMs);
      cache.set(cacheKey, verified);
      return verified.principal;
    },
  };
}

/**
 * Passes when the principal holds every scope of at least one alternative set; otherwise
 * throws DomainError 'insufficient_scope' naming the sets that would do. No alternatives
 * means the operation needs no scope.
 */
export function requireScopes(principal: Principal, alternatives: readonly (readonly string[])[]): void {
  if (alternatives.length === 0) return;
  if (alternatives.some((set) => set.every((scope) => principal.scopes.has(scope)))) return;
  const needed = alternatives.map((set) => set.join(' + ')).join(' or ');
  throw new DomainError('insufficient_scope', `This operation needs scope ${needed}`, {
    details: { required_scopes: alternatives.map((set) => [...set]) },
  });
}

function bearerToken(authorization: string | undefined): string {
  if (authorization === undefined || authorization.trim() === '') {
    throw unauthenticated('missing Authorization header; send "Authorization: Bearer <JWT>"');
  }
  const match = /^Bearer +(\S+) *$/i.exec(authorization);
  if (match === null) throw unauthenticated('Authorization header must be "Bearer <JWT>"');
  const token = match[1] as string;
  if (token.length > MAX_TOKEN_LENGTH) throw unauthenticated(`token is longer than ${MAX_TOKEN_LENGTH} characters`);
  if (!COMPACT_JWS.test(token)) throw unauthenticated('token is not a signed JWT (three base64url parts)');
  return token;
}

function readHeader(token: string): { alg: VerificationKey['alg']; kid: string | undefined } {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw unauthenticated('token header is not base64url-encoded JSON');
  }
  const { alg, kid } = header;
  if (!isTokenAlgorithm(alg)) {
    throw unauthenticated(`token alg ${JSON.stringify(alg ?? null)} is not accepted; use ${TOKEN_ALGORITHMS.join(', ')}`);
  }
  if (kid !== undefined && typeof kid !== 'string') throw unauthenticated('token header kid must be a string');
  return { alg, kid };
}

async function findSigner(
  token: string,
  alg: VerificationKey['alg'],
  candidates: readonly TrustedKey[],
): Promise<{ trusted: TrustedKey; payload: Uint8Array } | undefined> {
  for (const trusted of candidates) {
    try {
      const { payload } = await compactVerify(token, trusted.key.key, { algorithms: [alg] });
      return { trusted, payload };
    } catch (error) {
      if (error instanceof errors.JWSSignatureVerificationFailed) continue;
      if (error instanceof errors.JOSEError) throw unauthenticated(`token is malformed (${error.code})`);
      throw error;
    }
  }
  return undefined;
}

function unauthenticated(reason: string): DomainError {
  return new DomainError('unauthenticated', `Bearer token rejected: ${reason}`);
}
