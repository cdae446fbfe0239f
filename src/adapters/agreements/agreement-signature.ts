/**
 * Signatures over agreement documents: a compact JWS (RFC 7515) whose payload is the document's
 * canonical bytes, signed with one of the party's keys (EdDSA, ES256 or RS256, as its tokens),
 * header typ "parley-agreement+json" so no token can pass for one. Verifying yields the payload
 * text; the caller then checks it is the very document the version holds.
 */
import { CompactSign, compactVerify, decodeProtectedHeader, importJWK, errors } from 'jose';
import type { VerificationKey } from '../../config/verification-key.js';
import type { SigningJwk } from '../cli/key-file.js';

export const AGREEMENT_SIGNATURE_TYP = 'parley-agreement+json';
const MAX_JWS_LENGTH = 1024 * 1024;

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
