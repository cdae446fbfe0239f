/**
 * Keys of trusted token authorities (the OAuth server of a standard F3548 deployment).
 * A token signed by one of them may carry any `sub`, which becomes the manager.
 * A file holds one PEM public key (SPKI, PKCS#1 or an X.509 certificate), one JWK, or a
 * JWKS `{"keys":[...]}`.
 */
import { createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ConfigFileError } from './config-file-error.js';
import { readPublicJwk, type VerificationKey } from './verification-key.js';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
const PUBLIC_PEM_LABELS = new Set(['PUBLIC KEY', 'RSA PUBLIC KEY', 'CERTIFICATE']);

/** Reads one authority key file; throws ConfigFileError listing every problem. */
export async function loadAuthorityKeys(path: string): Promise<readonly VerificationKey[]> {
  const source = `authority key file "${path}"`;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigFileError(source, [`cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  return parseAuthorityKeys(text, source);
}

/** Parses the text of an authority key file; `source` names it in messages and keys. */
export async function parseAuthorityKeys(text: string, source: string): Promise<readonly VerificationKey[]> {
  const trimmed = text.trim();
  const outcomes = trimmed.startsWith('-----BEGIN') ? [await readPem(trimmed)] : await readJson(trimmed);
  const problems = outcomes.filter((outcome): outcome is string => typeof outcome === 'string');
  if (problems.length > 0) throw new ConfigFileError(source, problems);
  return Object.freeze(
    outcomes.map((key) => ({ ...(key as VerificationKey), source: `${source}: ${(key as VerificationKey).source}` })),
  );
}

async function readPem(text: string): Promise<VerificationKey | string> {
  const blocks = [...text.matchAll(PEM_BLOCK)];
  const first = blocks[0];
  if (first === undefined) return 'PEM: no complete "-----BEGIN ...-----" / "-----END ...-----" block';
  if (blocks.length > 1) {
    return `PEM: holds ${blocks.length} blocks; give one public key or certificate per file`;
  }
  const label = first[1] ?? '';
  if (label.includes('PRIVATE')) {
    return `PEM: is a private key (${label}); give the public key or certificate only`;
  }
  if (!PUBLIC_PEM_LABELS.has(label)) {
    return `PEM: unsupported block "${label}"; expected PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE`;
  }
  let jwk: unknown;
  try {
    jwk = createPublicKey(first[0]).export({ format: 'jwk' });
  } catch {
    return `PEM: the ${label} block cannot be decoded`;
  }
  return readPublicJwk(jwk, 'PEM');
}

async function readJson(text: string): Promise<ReadonlyArray<VerificationKey | string>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return ['neither PEM nor JSON (expected a PEM public key, a JWK or a JWKS {"keys":[...]})'];
  }
  if (typeof json === 'object' && json !== null && 'keys' in json) {
    const keys = (json as { keys: unknown }).keys;
    if (!Array.isArray(keys) || keys.length === 0) return ['keys: must be a non-empty array of public JWKs'];
    return Promise.all(keys.map((jwk, index) => readPublicJwk(jwk, `keys[${index}]`)));
  }
  return [await readPublicJwk(json, 'JWK')];
}
