/**
 * The agent's bearer tokens for the broker and its peers (F3548 §2.10: `sub` our party, `aud`
 * the callee's host name). A token is reused while more than a minute of its ten is left, so
 * a busy agent signs a handful per minute, not one per request.
 */
import type { TokenSigner } from '../cli/sign-token.js';

const TTL_S = 600;
const RENEW_BEFORE_S = 60;

export type TokenMinter = (audience: string, scope: string) => Promise<string>;

export function tokenMinter(sign: TokenSigner, party: string, nowMs: () => number): TokenMinter {
  const cache = new Map<string, { token: string; expS: number }>();
  return async (audience, scope) => {
    const key = `${audience} ${scope}`;
    const now = nowMs();
    const cached = cache.get(key);
    if (cached !== undefined && cached.expS - now / 1000 > RENEW_BEFORE_S) return cached.token;
    const token = await sign({ sub: party, aud: audience, scope, iss: `parley-agent:${party}`, ttlS: TTL_S }, { nowMs: now });
    if (cache.size > 1000) cache.clear();
    cache.set(key, { token, expS: Math.floor(now / 1000) + TTL_S });
    return token;
  };
}

/** The `aud` a callee at `url` expects: its host name (F3548 uses the USS's host). */
export function audienceOf(url: string): string {
  return new URL(url).hostname;
}
