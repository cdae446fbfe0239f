/**
 * Signatures over agreement documents: a compact JWS (RFC 7515) whose payload is the document's
 * canonical bytes, signed with one of the party's keys (EdDSA, ES256 or RS256, as its tokens),
 * header typ "parley-agreement+json" so no token can pass for one. Verifying yields the payload
 * text; the caller then checks it is the very document the version holds.
 */
import { KeyObject, verify, type webcrypto } from 'node:crypto';
import { CompactSign, compactVerify, decodeProtectedHeader, importJWK, errors } from 'jose';
import type { VerificationKey } from '../../config/verification-key.js';
import type { SigningJwk } from '../cli/key-file.js';
import { MAX_DOCUMENT_BYTES } from './agreement-document.js';

export const AGREEMENT_SIGNATURE_TYP = 'parley-agreement+json';
/** A JWS carries the document in base64url (4/3 of its bytes) besides header and signature. */
export const MAX_JWS_LENGTH = Math.ceil((MAX_DOCUMENT_BYTES * 4) / 3) + 4096;

export async function signDocument(text: string, key: SigningJwk): Promise<string> {
  return new CompactSign(new TextEncoder().encode(text))
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: AGREEMENT_SIGNATURE_TYP })
    .sign(await importJWK(key, key.alg));
}

/** The signed text, if one of `keys` made the signature; otherwise why not, in words. */
export async function verifyDocumentSignature(jws: string, keys: readonly VerificationKey[]): Promise<{ readonly text: string } | { readonly problem: string }> {
  if (typeof jws !== 'string' || jws.length > MAX_JWS_LENGTH || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/.test(jws)) {
    return { problem: 'is not a compact JWS' };
  }
  let header;
  try {
    header = decodeProtectedHeader(jws);
  } catch {
    return { problem: 'has a header that is not base64url JSON' };
  }
  if (header.typ !== AGREEMENT_SIGNATURE_TYP) return { problem: `must have typ "${AGREEMENT_SIGNATURE_TYP}"` };
  for (const key of keys) {
    if (key.alg !== header.alg || (header.kid !== undefined && key.kid !== undefined && key.kid !== header.kid)) continue;
    try {
      const { payload } = await compactVerify(jws, key.key, { algorithms: [key.alg] });
      return { text: new TextDecoder('utf-8', { fatal: true }).decode(payload) };
    } catch (error) {
      if (error instanceof errors.JWSSignatureVerificationFailed) continue;
      if (error instanceof TypeError) return { problem: 'has a payload that is not UTF-8' };
      if (error instanceof errors.JOSEError) return { problem: `is malformed (${error.code})` };
      throw error;
    }
  }
  return { problem: 'is not signed by any key of the signing party' };
}

/**
 * Whether `jws` is a signature of `text` by one of `keys`, checked synchronously (node:crypto),
 * for the store's load: each stored signature is checked again against the parties' keys.
 */
export function signsText(jws: string, keys: readonly VerificationKey[], text: string): boolean {
  const parts = jws.split('.');
  if (parts.length !== 3) return false;
  const [h, p, sig] = parts as [string, string, string];
  let header: { alg?: unknown; typ?: unknown };
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: unknown; typ?: unknown };
  } catch {
    return false;
  }
  if (header.typ !== AGREEMENT_SIGNATURE_TYP || !Buffer.from(p, 'base64url').equals(Buffer.from(text, 'utf8'))) return false;
  const data = Buffer.from(`${h}.${p}`, 'ascii');
  const signature = Buffer.from(sig, 'base64url');
  return keys.some((key) => {
    if (key.alg !== header.alg) return false;
    const keyObject = KeyObject.from(key.key as unknown as webcrypto.CryptoKey);
    if (key.alg === 'EdDSA') return verify(null, data, keyObject, signature);
    if (key.alg === 'ES256') return verify('sha256', data, { key: keyObject, dsaEncoding: 'ieee-p1363' }, signature);
    return verify('sha256', data, keyObject, signature);
  });
}
