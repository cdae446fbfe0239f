import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compactVerify, exportJWK, exportPKCS8, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { loadAuthorityKeys, parseAuthorityKeys } from './authority-keys.js';

const rsa = await generateKeyPair('RS256', { extractable: true });
const es = await generateKeyPair('ES256', { extractable: true });
const token = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'RS256' }).sign(rsa.privateKey);
const dir = await mkdtemp(join(tmpdir(), 'parley-authority-'));

async function fileWith(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('loadAuthorityKeys()', () => {
  it('loads a PEM SPKI public key that verifies the authority token', async () => {
    const keys = await loadAuthorityKeys(await fileWith('auth.pem', await exportSPKI(rsa.publicKey)));
    assert.equal(keys.length, 1);
    assert.equal(keys[0]?.alg, 'RS256');
    assert.equal(keys[0]?.kid, undefined);
    assert.match(keys[0]?.source ?? '', /auth\.pem": PEM$/);
    await compactVerify(token, keys[0]!.key);
  });

  it('loads a PKCS#1 "RSA PUBLIC KEY" PEM', async () => {
    const pkcs1 = createPublicKey(await exportSPKI(rsa.publicKey)).export({ type: 'pkcs1', format: 'pem' }) as string;
    const keys = await loadAuthorityKeys(await fileWith('pkcs1.pem', pkcs1));
    await compactVerify(token, keys[0]!.key);
  });

  it('loads the public key of an X.509 certificate', { skip: !hasOpenssl() && 'openssl not installed' }, async () => {
    const keyPath = join(dir, 'cert-key.pem');
    const certPath = join(dir, 'cert.pem');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-subj', '/CN=parley-test', '-days', '1', '-keyout', keyPath, '-out', certPath,
    ], { stdio: 'ignore' });
    const keys = await loadAuthorityKeys(certPath);
    assert.equal(keys[0]?.alg, 'ES256');
    const signer = createPrivateKey(await readFile(keyPath, 'utf8'));
    const certToken = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'ES256' }).sign(signer);
    await compactVerify(certToken, keys[0]!.key);
  });

  it('loads a single JWK and keeps its kid', async () => {
    const jwk = { ...(await exportJWK(es.publicKey)), kid: 'es-1' };
    const keys = await loadAuthorityKeys(await fileWith('auth.jwk', JSON.stringify(jwk)));
    assert.deepEqual(keys.map((k) => [k.alg, k.kid]), [['ES256', 'es-1']]);
  });

  it('loads a JWKS with keys of several algorithms', async () => {
    const jwks = { keys: [await exportJWK(rsa.publicKey), { ...(await exportJWK(es.publicKey)), kid: 'b' }] };
    const keys = await loadAuthorityKeys(await fileWith('auth.jwks', JSON.stringify(jwks)));
    assert.deepEqual(keys.map((k) => [k.alg, k.kid]), [['RS256', undefined], ['ES256', 'b']]);
    assert.match(keys[1]?.source ?? '', /auth\.jwks": keys\[1\]$/);
  });
});

describe('parseAuthorityKeys()', () => {
  const cases: ReadonlyArray<[string, () => Promise<string>, RegExp]> = [
    ['a private key PEM', () => exportPKCS8(rsa.privateKey), /PEM: is a private key \(PRIVATE KEY\)/],
    ['two PEM blocks', async () => `${await exportSPKI(rsa.publicKey)}\n${await exportSPKI(es.publicKey)}`, /holds 2 blocks/],
    ['a broken PEM body', async () => '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----', /cannot be decoded/],
    ['text that is neither PEM nor JSON', async () => 'hello', /neither PEM nor JSON/],
    ['a private JWK', async () => JSON.stringify(await exportJWK(es.privateKey)), /JWK: must be a public JWK \(no "d"\)/],
    ['an empty JWKS', async () => '{"keys":[]}', /keys: must be a non-empty array/],
    ['a JWKS with a symmetric key', async () => '{"keys":[{"kty":"oct","k":"AAAA"}]}', /keys\[0\]: must be a public JWK/],
  ];
  for (const [what, text, message] of cases) {
    it(`rejects ${what}`, async () => {
      await assert.rejects(parseAuthorityKeys(await text(), 'auth file'), message);
    });
  }
});
