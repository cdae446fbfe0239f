import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { DomainError } from '../../domain/errors.js';
import { parseParties } from '../../config/parties.js';
import { parseAuthorityKeys } from '../../config/authority-keys.js';
import type { TokenAlgorithm } from '../../config/verification-key.js';
import { createAuthenticator, requireScopes, type Principal } from './auth.js';

const NOW_MS = Date.UTC(2025, 0, 1, 12, 0, 0);
const NOW_S = NOW_MS / 1000;
const AUDIENCES = ['localhost', '127.0.0.1'];
const SCD = 'utm.strategic_coordination';

interface TestKey {
  readonly alg: TokenAlgorithm;
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: Record<string, unknown>;
}

async function makeKey(alg: TokenAlgorithm, kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid } };
}

function sign(key: TestKey, claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, ...header }).sign(key.privateKey);
}

function claims(sub: string, extra: JWTPayload = {}): JWTPayload {
  return { sub, aud: 'localhost', iss: 'test', exp: NOW_S + 600, iat: NOW_S, scope: SCD, ...extra };
}

function omit(payload: JWTPayload, name: string): JWTPayload {
  const copy = { ...payload };
  delete copy[name];
  return copy;
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

const keys = {
  blue: await makeKey('EdDSA', 'blue-1'),
  red: await makeKey('ES256', 'red-1'),
  green: await makeKey('RS256', 'green-1'),
  authority: await makeKey('RS256', 'auth-1'),
  stranger: await makeKey('EdDSA', 'blue-1'), // same kid as blue, different key
};

const parties = await parseParties(
  {
    parties: (['blue', 'red', 'green'] as const).map((id) => ({
      id,
      name: id.toUpperCase(),
      keys: [keys[id].publicJwk],
      agent_url: `http://127.0.0.1:900${id.length}`,
    })),
  },
  'test parties',
);
// A PEM-like authority without kid: take the JWK but drop its kid.
const { kid: _dropped, ...authorityJwk } = keys.authority.publicJwk;
const authorityKeys = await parseAuthorityKeys(JSON.stringify(authorityJwk), 'test authority');

function authenticator() {
  return createAuthenticator({ parties, authorityKeys, audiences: AUDIENCES });
}

async function rejects(promise: Promise<unknown>, code: string, pattern: RegExp, token?: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof DomainError, `expected DomainError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.match(error.message, pattern);
    if (token !== undefined) {
      for (const part of token.split('.')) assert.ok(!error.message.includes(part), 'message echoes the token');
    }
    return true;
  });
}

describe('authenticate()', () => {
  for (const id of ['blue', 'red', 'green'] as const) {
    it(`accepts a ${keys[id].alg} token signed by party "${id}"`, async () => {
      const token = await sign(keys[id], claims(id));
      const principal = await authenticator().authenticate(`Bearer ${token}`, NOW_MS);
      assert.equal(principal.sub, id);
      assert.equal(principal.party, id);
      assert.deepEqual([...principal.scopes], [SCD]);
    });
  }

  it('accepts an authority token with any sub, which becomes the manager', async () => {
    const token = await sign(keys.authority, claims('uss1.example.com'), { kid: 'whatever-the-issuer-uses' });
    const principal = await authenticator().authenticate(`bearer ${token}`, NOW_MS);
    assert.equal(principal.sub, 'uss1.example.com');
    assert.equal(principal.party, undefined);
  });

  it('rejects a token signed by an untrusted key, even with a known kid', async () => {
    const token = await sign(keys.stranger, claims('blue'));
    await rejects(authenticator().authenticate(`Bearer ${token}`, NOW_MS), 'unauthenticated', /signature/, token);
  });

  it('rejects a party token whose kid names another key of the same alg', async () => {
    const token = await sign(keys.blue, claims('blue'), { kid: 'not-blue' });
    await rejects(authenticator().authenticate(`Bearer ${token}`, NOW_MS), 'unauthenticated', /kid "not-blue"/);
  });

  it('rejects a tampered payload', async () => {
    const token = await sign(keys.blue, claims('blue'));
    const [header, , signature] = token.split('.');
    const forged = `${header}.${base64url(claims('blue', { scope: `${SCD} utm.constraint_management` }))}.${signature}`;
    await rejects(authenticator().authenticate(`Bearer ${forged}`, NOW_MS), 'unauthenticated', /signature/, forged);
  });

  it('rejects alg "none", signed or not', async () => {
    const unsigned = `${base64url({ alg: 'none' })}.${base64url(claims('blue'))}.`;
    await rejects(authenticator().authenticate(`Bearer ${unsigned}`, NOW_MS), 'unauthenticated', /not a signed JWT/);
    const fake = `${base64url({ alg: 'none' })}.${base64url(claims('blue'))}.AAAA`;
    await rejects(authenticator().authenticate(`Bearer ${fake}`, NOW_MS), 'unauthenticated', /alg "none" is not accepted/);
  });

  it('rejects an expired token, allowing 5 s of clock skew', async () => {
    const token = await sign(keys.red, claims('red', { exp: NOW_S - 4 }));
    await authenticator().authenticate(`Bearer ${token}`, NOW_MS);
    const late = await sign(keys.red, claims('red', { exp: NOW_S - 5 }));
    await rejects(authenticator().authenticate(`Bearer ${late}`, NOW_MS), 'unauthenticated', /expired at/, late);
  });

  it('rejects exp more than 1 h (+ skew) ahead', async () => {
    const ok = await sign(keys.blue, claims('blue', { exp: NOW_S + 3600 + 5 }));
    await authenticator().authenticate(`Bearer ${ok}`, NOW_MS);
    const token = await sign(keys.blue, claims('blue', { exp: NOW_S + 3600 + 6 }));
    await rejects(authenticator().authenticate(`Bearer ${token}`, NOW_MS), 'unauthenticated', /more than 3600 s ahead/);
  });

  it('rejects a token without iss or with an empty iss (F3548 requires the issuer)', async () => {
    const noIss = await sign(keys.authority, omit(claims('x'), 'iss'));
    await rejects(authenticator().authenticate(`Bearer ${noIss}`, NOW_MS), 'unauthenticated', /iss claim/);
    const emptyIss = await sign(keys.authority, claims('x', { iss: '' }));
    await rejects(authenticator().authenticate(`Bearer ${emptyIss}`, NOW_MS), 'unauthenticated', /iss claim/);
  });

  it('rejects a token without exp, without sub, or with an empty sub', async () => {
    const noExp = await sign(keys.authority, omit(claims('x'), 'exp'));
    await rejects(authenticator().authenticate(`Bearer ${noExp}`, NOW_MS), 'unauthenticated', /exp claim is missing/);
    const noSub = await sign(keys.authority, omit(claims('x'), 'sub'));
    await rejects(authenticator().authenticate(`Bearer ${noSub}`, NOW_MS), 'unauthenticated', /sub claim/);
    const emptySub = await sign(keys.authority, claims(''));
    await rejects(authenticator().authenticate(`Bearer ${emptySub}`, NOW_MS), 'unauthenticated', /sub claim/);
  });

  it('rejects a party-signed token whose sub is another party', async () => {
    const token = await sign(keys.blue, claims('red'));
    await rejects(
      authenticator().authenticate(`Bearer ${token}`, NOW_MS),
      'unauthenticated',
      /key of party "blue" but sub is not "blue"/,
    );
  });

  it('checks aud: missing or foreign is rejected, an array with one accepted host passes', async () => {
    const missing = await sign(keys.blue, omit(claims('blue'), 'aud'));
    await rejects(authenticator().authenticate(`Bearer ${missing}`, NOW_MS), 'unauthenticated', /aud claim is missing/);
    const wrong = await sign(keys.blue, claims('blue', { aud: 'dss.example.com' }));
    await rejects(authenticator().authenticate(`Bearer ${wrong}`, NOW_MS), 'unauthenticated', /no audience/);
    const many = await sign(keys.blue, claims('blue', { aud: ['dss.example.com', '127.0.0.1'] }));
    await authenticator().authenticate(`Bearer ${many}`, NOW_MS);
  });

  it('rejects a scope claim that is not a string', async () => {
    const token = await sign(keys.blue, claims('blue', { scope: [SCD] }));
    await rejects(authenticator().authenticate(`Bearer ${token}`, NOW_MS), 'unauthenticated', /space-separated string/);
  });

  it('says what is wrong with a missing, non-Bearer or garbled header', async () => {
    const auth = authenticator();
    await rejects(auth.authenticate(undefined, NOW_MS), 'unauthenticated', /missing Authorization header/);
    await rejects(auth.authenticate('Basic dXNlcjpwYXNz', NOW_MS), 'unauthenticated', /must be "Bearer <JWT>"/);
    await rejects(auth.authenticate('Bearer not-a-jwt', NOW_MS), 'unauthenticated', /not a signed JWT/);
    await rejects(auth.authenticate('Bearer a.b.c', NOW_MS), 'unauthenticated', /header is not/);
  });

  it('answers a repeated token from the cache until exp, then rejects it', async () => {
    const auth = authenticator();
    const token = await sign(keys.green, claims('green', { exp: NOW_S + 60 }));
    const first = await auth.authenticate(`Bearer ${token}`, NOW_MS);
    const second = await auth.authenticate(`Bearer ${token}`, NOW_MS + 1_000);
    assert.equal(second, first, 'the second answer is the cached principal');
    await auth.authenticate(`Bearer ${token}`, NOW_MS + 64_999);
    await rejects(auth.authenticate(`Bearer ${token}`, NOW_MS + 65_000), 'unauthenticated', /expired/, token);
    await rejects(auth.authenticate(`Bearer ${token}`, NOW_MS + 65_000), 'unauthenticated', /expired/, token);
  });

  it('does not cache failures', async () => {
    const auth = authenticator();
    const early = await sign(keys.blue, claims('blue', { nbf: NOW_S + 30 }));
    await rejects(auth.authenticate(`Bearer ${early}`, NOW_MS), 'unauthenticated', /not valid before/);
    const principal = await auth.authenticate(`Bearer ${early}`, NOW_MS + 30_000);
    assert.equal(principal.party, 'blue');
  });

  it('keeps at most cacheSize verified tokens', async () => {
    const auth = createAuthenticator({ parties, authorityKeys, audiences: AUDIENCES, cacheSize: 1 });
    const a = await sign(keys.blue, claims('blue', { jti: 'a' }));
    const b = await sign(keys.blue, claims('blue', { jti: 'b' }));
    const firstA = await auth.authenticate(`Bearer ${a}`, NOW_MS);
    await auth.authenticate(`Bearer ${b}`, NOW_MS);
    assert.notEqual(await auth.authenticate(`Bearer ${a}`, NOW_MS), firstA, 'a was evicted and verified again');
  });
});

describe('requireScopes()', () => {
  const principal: Principal = { sub: 'blue', party: undefined, scopes: new Set([SCD, 'utm.availability_arbitration']) };

  it('passes when one alternative set is fully present', () => {
    requireScopes(principal, [['utm.constraint_management'], [SCD]]);
    requireScopes(principal, [[SCD, 'utm.availability_arbitration']]);
    requireScopes(principal, []);
  });

  it('throws insufficient_scope (403, not 401) naming the sets needed', () => {
    assert.throws(
      () => requireScopes(principal, [['utm.constraint_management'], [SCD, 'utm.conformance_monitoring_sa']]),
      (error: unknown) => {
        assert.ok(error instanceof DomainError);
        assert.equal(error.code, 'insufficient_scope');
        assert.match(error.message, /utm\.constraint_management or utm\.strategic_coordination \+ utm\.conformance_monitoring_sa/);
        assert.deepEqual(error.details?.['required_scopes'], [
          ['utm.constraint_management'],
          [SCD, 'utm.conformance_monitoring_sa'],
        ]);
        return true;
      },
    );
  });

  it('lets a valid token without the scope through authenticate, then refuses it with 403', async () => {
    const token = await sign(keys.blue, omit(claims('blue'), 'scope'));
    const caller = await authenticator().authenticate(`Bearer ${token}`, NOW_MS);
    assert.throws(() => requireScopes(caller, [[SCD]]), { code: 'insufficient_scope' });
  });
});
