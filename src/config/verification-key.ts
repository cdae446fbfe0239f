/**
 * Public keys that may sign bearer tokens: RS256 (RSA >= 2048 bits), ES256 (P-256) and
 * EdDSA (Ed25519). Every key source (parties file, authority PEM/JWK/JWKS) ends up here, so
 * the accepted algorithms and key checks live in one place.
 */
import { importJWK, type CryptoKey, type JWK } from 'jose';

export const TOKEN_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
export type TokenAlgorithm = (typeof TOKEN_ALGORITHMS)[number];

export function isTokenAlgorithm(value: unknown): value is TokenAlgorithm {
  return typeof value === 'string' && (TOKEN_ALGORITHMS as readonly string[]).includes(value);
}

export interface VerificationKey {
  readonly alg: TokenAlgorithm;
  /** The JWK `kid`, when the key has one (PEM keys never do). */
  readonly kid: string | undefined;
  readonly key: CryptoKey;
  /** Where the key came from, for messages: `parties.json: parties[0].keys[1]`. */
  readonly source: string;
}

/** JWK members that only a private key has. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;
const MIN_RSA_MODULUS_BYTES = 256;

/**
 * Checks that `value` is a public signing JWK of a supported type and returns its algorithm,
 * or a problem string naming `field`.
 */
export function publicJwkAlgorithm(value: unknown, field: string): TokenAlgorithm | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `${field}: must be a public JWK object`;
  }
  const jwk = value as Record<string, unknown>;
  if (PRIVATE_MEMBERS.some((member) => member in jwk)) {
    return `${field}: must be a public JWK (no "d")`;
  }
  const derived = algorithmOfKeyType(jwk);
  if (derived === undefined) {
    return `${field}: unsupported key type ${describe(jwk['kty'])}${jwk['crv'] === undefined ? '' : ` / crv ${describe(jwk['crv'])}`}; use RSA (RS256), EC P-256 (ES256) or OKP Ed25519 (EdDSA)`;
  }
  if (jwk['alg'] !== undefined && jwk['alg'] !== derived) {
    return `${field}: alg ${describe(jwk['alg'])} does not fit a ${derived} key`;
  }
  if (jwk['use'] !== undefined && jwk['use'] !== 'sig') {
    return `${field}: use ${describe(jwk['use'])} must be "sig"`;
  }
  if (jwk['kid'] !== undefined && (typeof jwk['kid'] !== 'string' || jwk['kid'] === '')) {
    return `${field}: kid must be a non-empty string`;
  }
  if (derived === 'RS256' && base64UrlLength(jwk['n']) < MIN_RSA_MODULUS_BYTES) {
    return `${field}: RSA modulus must be at least 2048 bits`;
  }
  return derived;
}

/**
 * Imports a public JWK already checked by `publicJwkAlgorithm`. Rejects with a problem
 * string naming `field` when the key material itself is broken.
 */
export async function importVerificationKey(
  jwk: JWK,
  alg: TokenAlgorithm,
  source: string,
): Promise<VerificationKey | string> {
  try {
    const key = await importJWK(jwk, alg);
    if (key instanceof Uint8Array) return `${source}: must be an asymmetric public key`;
    return { alg, kid: typeof jwk.kid === 'string' ? jwk.kid : undefined, key, source };
  } catch {
    return `${source}: key material is not a valid ${alg} public key`;
  }
}

/** Checks then imports one public JWK; a string result is the problem found. */
export async function readPublicJwk(value: unknown, source: string): Promise<VerificationKey | string> {
  const alg = publicJwkAlgorithm(value, source);
  if (!isTokenAlgorithm(alg)) return alg;
  return importVerificationKey(value as JWK, alg, source);
}

function algorithmOfKeyType(jwk: Record<string, unknown>): TokenAlgorithm | undefined {
  if (jwk['kty'] === 'RSA') return 'RS256';
  if (jwk['kty'] === 'EC' && jwk['crv'] === 'P-256') return 'ES256';
  if (jwk['kty'] === 'OKP' && jwk['crv'] === 'Ed25519') return 'EdDSA';
  return undefined;
}

function base64UrlLength(value: unknown): number {
  if (typeof value !== 'string') return 0;
  const bytes = Buffer.from(value, 'base64url');
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start += 1; // leading zeros do not count
  return bytes.length - start;
}

/** A short, quoted rendering of a config value for messages. */
export function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
