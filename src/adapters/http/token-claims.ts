/**
 * The claim rules of a broker bearer token (F3548 §2.10, InterUSS checks): `sub` and `iss` non-empty,
 * `aud` one of the broker's host names, `exp` present, not passed and at most 1 h ahead,
 * `nbf` (when present) reached, `scope` a space-separated string. Each rule that fails
 * yields a message saying which claim is wrong, never the token itself.
 */
export interface TokenClaims {
  readonly sub: string;
  readonly expMs: number;
  readonly nbfMs: number | undefined;
  readonly scopes: ReadonlySet<string>;
}

export interface TokenTimeRules {
  /** Tolerated clock difference between the token issuer and us (GEN0100: within 5 s). */
  readonly clockSkewMs: number;
  /** Longest accepted time from now to `exp` (F3548: 1 h). */
  readonly maxLifetimeMs: number;
}

/** Reads the claims that do not depend on the clock; a string result is the problem. */
export function readTokenClaims(payload: Uint8Array, audiences: ReadonlySet<string>): TokenClaims | string {
  let claims: unknown;
  try {
    claims = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    return 'payload is not JSON';
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return 'payload is not a JSON object';
  const record = claims as Record<string, unknown>;

  const sub = record['sub'];
  if (typeof sub !== 'string' || sub === '') return 'sub claim is missing or empty';
  const iss = record['iss'];
  if (typeof iss !== 'string' || iss === '') return 'iss claim is missing or empty';
  const exp = record['exp'];
  if (exp === undefined) return 'exp claim is missing';
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return 'exp claim must be a number of seconds';
  const nbf = record['nbf'];
  if (nbf !== undefined && (typeof nbf !== 'number' || !Number.isFinite(nbf))) {
    return 'nbf claim must be a number of seconds';
  }
  const audProblem = checkAudience(record['aud'], audiences);
  if (audProblem !== undefined) return audProblem;
  const scope = record['scope'];
  if (scope !== undefined && typeof scope !== 'string') return 'scope claim must be a space-separated string';

  return {
    sub,
    expMs: exp * 1000,
    nbfMs: nbf === undefined ? undefined : nbf * 1000,
    scopes: new Set((scope ?? '').split(' ').filter((s) => s !== '')),
  };
}

/** Checks the clock-dependent claims at `nowMs`; returns the problem or undefined. */
export function checkTokenTimes(claims: TokenClaims, nowMs: number, rules: TokenTimeRules): string | undefined {
  if (nowMs >= claims.expMs + rules.clockSkewMs) {
    return `token expired at ${isoTime(claims.expMs)}`;
  }
  if (claims.expMs > nowMs + rules.maxLifetimeMs + rules.clockSkewMs) {
    return `exp ${isoTime(claims.expMs)} is more than ${rules.maxLifetimeMs / 1000} s ahead; request a shorter-lived token`;
  }
  if (claims.nbfMs !== undefined && claims.nbfMs > nowMs + rules.clockSkewMs) {
    return `token is not valid before ${isoTime(claims.nbfMs)}`;
  }
  return undefined;
}

function checkAudience(aud: unknown, audiences: ReadonlySet<string>): string | undefined {
  const accepted = `accepted: ${[...audiences].join(', ')}`;
  if (aud === undefined) return `aud claim is missing (${accepted})`;
  const values = typeof aud === 'string' ? [aud] : aud;
  if (!Array.isArray(values) || values.some((value) => typeof value !== 'string')) {
    return 'aud claim must be a string or an array of strings';
  }
  if (!values.some((value) => audiences.has(value as string))) {
    return `aud claim names no audience of this broker (${accepted})`;
  }
  return undefined;
}

function isoTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? `${ms} ms` : date.toISOString();
}
