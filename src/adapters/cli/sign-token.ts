/**
 * Signs broker bearer tokens with a private JWK: `alg` and `kid` from the key, `iss`, `iat`,
 * `exp` = now + ttl (at most 1 h, F3548 §2.10), a random `jti`, `sub`, `aud` and `scope`.
 */
import { randomUUID } from 'node:crypto';
import { importJWK, SignJWT } from 'jose';
import type { SigningJwk } from './key-file.js';

export const MAX_TOKEN_TTL_S = 3600;
export const DEFAULT_TOKEN_ISSUER = 'parley-cli';

export interface TokenRequest {
  readonly sub: string;
  /** Space-separated scopes. */
  readonly scope: string;
  readonly aud: string;
  /** Default `parley-cli`. */
  readonly iss?: string;
  /** Default and maximum 3600. */
  readonly ttlS?: number;
}

export type TokenSigner = (request: TokenRequest, options: { readonly nowMs: number }) => Promise<string>;

/** Imports the key once; the returned function signs any number of tokens with it. */
export async function createTokenSigner(privateJwk: SigningJwk): Promise<TokenSigner> {
  const key = await importJWK(privateJwk, privateJwk.alg);
  return async (request, { nowMs }) => {
    const ttlS = request.ttlS ?? MAX_TOKEN_TTL_S;
    if (!Number.isInteger(ttlS) || ttlS < 1 || ttlS > MAX_TOKEN_TTL_S) {
      throw new RangeError(`Cannot sign token: ttl ${ttlS} s must be a whole number from 1 to ${MAX_TOKEN_TTL_S}`);
    }
    if (request.sub === '') throw new RangeError('Cannot sign token: sub must not be empty');
    if (request.aud === '') throw new RangeError('Cannot sign token: aud must not be empty');
    const iatS = Math.floor(nowMs / 1000);
    return new SignJWT({ scope: request.scope.split(/\s+/).filter((s) => s !== '').join(' ') })
      .setProtectedHeader({ alg: privateJwk.alg, kid: privateJwk.kid, typ: 'JWT' })
      .setIssuer(request.iss ?? DEFAULT_TOKEN_ISSUER)
      .setSubject(request.sub)
      .setAudience(request.aud)
      .setIssuedAt(iatS)
      .setExpirationTime(iatS + ttlS)
      .setJti(randomUUID())
      .sign(key);
  };
}

/** Signs one token; for many, keep a `createTokenSigner` result. */
export async function signToken(
  privateJwk: SigningJwk,
  request: TokenRequest,
  options: { readonly nowMs: number },
): Promise<string> {
  return (await createTokenSigner(privateJwk))(request, options);
}
