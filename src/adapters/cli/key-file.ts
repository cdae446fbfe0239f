/**
 * Private signing keys kept as JWK files: `parley keygen` writes them (mode 0600, never over
 * an existing file unless asked), `parley token` and agents read them. The public half, with
 * the same `kid` (RFC 7638 thumbprint) and `alg`, goes into the parties file.
 */
import { open, readFile } from 'node:fs/promises';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { isTokenAlgorithm, publicJwkAlgorithm, type TokenAlgorithm } from '../../config/verification-key.js';

/** A private JWK that can sign tokens: `alg` and `kid` are always set. */
export type SigningJwk = JWK & { readonly alg: TokenAlgorithm; readonly kid: string; readonly d: string };

export interface GeneratedKey {
  readonly privateJwk: SigningJwk;
  readonly publicJwk: JWK;
}

/** The members that make up the public key, per RFC 7517/7518/8037. */
const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['kty', 'n', 'e'],
  EC: ['kty', 'crv', 'x', 'y'],
  OKP: ['kty', 'crv', 'x'],
};

export async function generateSigningKey(alg: TokenAlgorithm): Promise<GeneratedKey> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const exported = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(exported, 'sha256');
  const privateJwk = { ...exported, kid, alg, use: 'sig' } as SigningJwk;
  return { privateJwk, publicJwk: publicJwkOf(privateJwk) };
}

/**
 * Generates a key and writes its private JWK to `path` with mode 0600. Refuses to replace an
 * existing file unless `force` is set. Returns both halves.
 */
export async function generateKeyFile(
  path: string,
  alg: TokenAlgorithm = 'EdDSA',
  options: { readonly force?: boolean } = {},
): Promise<GeneratedKey> {
  const generated = await generateSigningKey(alg);
  let file;
  try {
    file = await open(path, options.force === true ? 'w' : 'wx', 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new Error(`Refusing to overwrite key file "${path}": it exists; pass --force to replace it`);
    throw new Error(`Cannot write key file "${path}" (${code ?? 'error'})`);
  }
  try {
    await file.chmod(0o600); // an existing file replaced with --force keeps its old mode otherwise
    await file.writeFile(`${JSON.stringify(generated.privateJwk, null, 2)}\n`);
  } finally {
    await file.close();
  }
  return generated;
}

/** Reads a private signing JWK written by `generateKeyFile` (or by hand: `kid` defaults to the thumbprint). */
export async function readPrivateKeyFile(path: string): Promise<SigningJwk> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`Cannot read key file "${path}": ${code ?? 'not valid JSON'}`);
  }
  if (typeof json !== 'object' || json === null || typeof (json as JWK).d !== 'string') {
    throw new Error(`Cannot use key file "${path}": it must hold a private JWK (with "d")`);
  }
  const jwk = json as JWK;
  const alg = publicJwkAlgorithm({ ...publicJwkOf(jwk), alg: jwk.alg }, `key file "${path}"`);
  if (!isTokenAlgorithm(alg)) throw new Error(`Cannot use ${alg}`);
  const kid = typeof jwk.kid === 'string' && jwk.kid !== '' ? jwk.kid : await calculateJwkThumbprint(jwk, 'sha256');
  return { ...jwk, alg, kid } as SigningJwk;
}

/** The public half of a JWK, keeping `kid` and `alg`, with `use: "sig"`. */
export function publicJwkOf(jwk: JWK): JWK {
  const members = PUBLIC_MEMBERS[jwk.kty ?? ''] ?? ['kty'];
  const record = jwk as Record<string, unknown>;
  const publicJwk: Record<string, unknown> = {};
  for (const member of [...members, 'kid', 'alg']) {
    if (record[member] !== undefined) publicJwk[member] = record[member];
  }
  publicJwk['use'] = 'sig';
  return publicJwk as JWK;
}
