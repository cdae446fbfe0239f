/**
 * C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys (signature type 0x01): how the log
 * signs its checkpoints and how parties and witnesses check them. Interoperable with Go's
 * golang.org/x/mod/sumdb/note: same key strings, key ids and signature lines.
 *
 *     <text ending in \n>
 *     \n
 *     — <key name> base64(keyId[4] || signature[64])\n   (one line per signature; U+2014 em dash)
 */
import {
  createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify,
  type JsonWebKey, type KeyObject,
} from 'node:crypto';

export class NoteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoteError';
  }
}

export interface NoteVerifier {
  readonly name: string;
  readonly keyId: Buffer;
  readonly publicKey: KeyObject;
}

export interface NoteSigner {
  readonly name: string;
  readonly keyId: Buffer;
  readonly privateKey: KeyObject;
  /** The raw 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
}

const ED25519 = 0x01;
const SIGNATURE_PREFIX = '\u2014 ';
/** C2SP asks verifiers to accept at least 16; Go's verifier stops at 100, and so do we. */
const MAX_SIGNATURES = 100;
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** SHA-256(name || "\n" || 0x01 || publicKey)[:4]: the id that, with the name, picks the key for a signature line. */
export function noteKeyId(name: string, publicKey: Uint8Array): Buffer {
  return createHash('sha256').update(name, 'utf8').update(Uint8Array.of(0x0a, ED25519)).update(publicKey).digest().subarray(0, 4);
}

/** The verifier key string `name+hex(keyId)+base64(0x01 || publicKey)` that parties configure. */
export function verifierKeyString(name: string, publicKey: Uint8Array): string {
  checkKeyName(name, 'Cannot make a verifier key');
  checkRawKey(publicKey, 'Cannot make a verifier key');
  const typed = Buffer.concat([Uint8Array.of(ED25519), publicKey]);
  return `${name}+${noteKeyId(name, publicKey).toString('hex')}+${typed.toString('base64')}`;
}

/** Reads a verifier key string; throws NoteError naming what is wrong with it. */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const [name, idHex, keyText] = splitKey(vkey, 2, 'verifier key', 'name+keyid+key') as [string, string, string];
  const context = `Cannot use verifier key "${name}"`;
  checkKeyName(name, context);
  const { keyId, raw } = readTypedKey(idHex, keyText, context);
  if (!keyId.equals(noteKeyId(name, raw))) {
    throw new NoteError(`${context}: key id ${idHex} does not match the key (expected ${noteKeyId(name, raw).toString('hex')})`);
  }
  return { name, keyId, publicKey: publicKeyFromRaw(raw) };
}

/** Reads a Go-style signer key `PRIVATE+KEY+name+hex(keyId)+base64(0x01 || seed)`; throws NoteError. */
export function parseSignerKey(skey: string): NoteSigner {
  const [private1, private2, name, idHex, keyText] = splitKey(skey, 4, 'signer key', 'PRIVATE+KEY+name+keyid+seed') as [string, string, string, string, string];
  if (private1 !== 'PRIVATE' || private2 !== 'KEY') throw new NoteError('Cannot use signer key: it must start with "PRIVATE+KEY+"');
  const context = `Cannot use signer key "${name}"`;
  checkKeyName(name, context);
  const { keyId, raw: seed } = readTypedKey(idHex, keyText, context);
  const signer = noteSignerFromPrivateKey(name, createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' }));
  if (!keyId.equals(signer.keyId)) {
    throw new NoteError(`${context}: key id ${idHex} does not match the key (expected ${signer.keyId.toString('hex')})`);
  }
  return signer;
}

/** A signer for an Ed25519 private key under `name`. */
export function noteSignerFromPrivateKey(name: string, privateKey: KeyObject): NoteSigner {
  checkKeyName(name, 'Cannot make a note signer');
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
    throw new NoteError(`Cannot make note signer "${name}": the key is a ${privateKey.asymmetricKeyType ?? 'secret'} ${privateKey.type} key, not an Ed25519 private key`);
  }
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const publicKey = new Uint8Array(spki.subarray(ED25519_SPKI_PREFIX.length));
  return { name, keyId: noteKeyId(name, publicKey), privateKey, publicKey };
}

/** A signer with a fresh Ed25519 key. */
export function generateNoteSigner(name: string): NoteSigner {
  return noteSignerFromPrivateKey(name, generateKeyPairSync('ed25519').privateKey);
}

/** The private JWK (RFC 8037 OKP/Ed25519) of a signer, for a key file. */
export function noteSignerToJwk(signer: NoteSigner): JsonWebKey {
  return signer.privateKey.export({ format: 'jwk' });
}

/** A signer from a private Ed25519 JWK written by `noteSignerToJwk`. */
export function noteSignerFromJwk(name: string, jwk: JsonWebKey): NoteSigner {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.d !== 'string') {
    throw new NoteError(`Cannot make note signer "${name}": the JWK is not a private Ed25519 key (kty OKP, crv Ed25519, d)`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
  } catch (error) {
    throw new NoteError(`Cannot make note signer "${name}": the JWK does not load (${(error as Error).message})`);
  }
  return noteSignerFromPrivateKey(name, privateKey);
}

/** `text` followed by a blank line and the signer's signature line. */
export function signNote(text: string, signer: NoteSigner): string {
  checkKeyName(signer.name, 'Cannot sign note');
  if (!text.endsWith('\n')) throw new NoteError('Cannot sign note: the text must end with a newline');
  checkNoteCharacters(text, 'Cannot sign note: the text');
  const signature = sign(null, Buffer.from(text, 'utf8'), signer.privateKey);
  return `${text}\n${SIGNATURE_PREFIX}${signer.name} ${Buffer.concat([signer.keyId, signature]).toString('base64')}\n`;
}

/**
 * Checks a signed note against the keys the caller trusts and returns its text. Signatures by
 * unknown keys (name and key id together) are ignored; every signature by a known key must
 * verify, and at least one must. Throws NoteError otherwise.
 */
export function openNote(note: string, verifiers: readonly NoteVerifier[]): { text: string; verifiedBy: string[] } {
  checkNoteCharacters(note, 'Cannot open note: it');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('Cannot open note: no blank line separates the text from the signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) throw new NoteError('Cannot open note: the signature block must be non-empty and end with a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new NoteError(`Cannot open note: it has ${lines.length} signature lines, more than ${MAX_SIGNATURES}`);

  const known = indexVerifiers(verifiers);
  const message = Buffer.from(text, 'utf8');
  const verifiedBy: string[] = [];
  const unknown: string[] = [];
  lines.forEach((line, i) => {
    const { name, keyId, signature } = parseSignatureLine(line, i + 1);
    const verifier = known.get(`${name}+${keyId.toString('hex')}`);
    if (verifier === undefined) {
      unknown.push(`${name} (key id ${keyId.toString('hex')})`);
      return;
    }
    if (signature.length !== 64 || !verify(null, message, verifier.publicKey, signature)) {
      throw new NoteError(`Cannot open note: signature by ${name} does not verify`);
    }
    if (!verifiedBy.includes(name)) verifiedBy.push(name);
  });
  if (verifiedBy.length === 0) {
    throw new NoteError(`Cannot open note: no signature by a known key: the note is signed by ${[...new Set(unknown)].join(', ')}`);
  }
  return { text, verifiedBy };
}

function parseSignatureLine(line: string, lineNumber: number): { name: string; keyId: Buffer; signature: Buffer } {
  const where = `Cannot open note: signature line ${lineNumber}`;
  if (!line.startsWith(SIGNATURE_PREFIX)) throw new NoteError(`${where} does not start with "\u2014 " (em dash, space)`);
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  if (space < 0) throw new NoteError(`${where} has no space between the key name and the signature`);
  const name = rest.slice(0, space);
  checkKeyName(name, where);
  const bytes = decodeCanonicalBase64(rest.slice(space + 1));
  if (bytes === undefined) throw new NoteError(`${where} (${name}): the signature is not canonical padded standard base64`);
  if (bytes.length < 5) throw new NoteError(`${where} (${name}): the signature is ${bytes.length} bytes, too short for a key id and a signature`);
  return { name, keyId: bytes.subarray(0, 4), signature: bytes.subarray(4) };
}

function indexVerifiers(verifiers: readonly NoteVerifier[]): Map<string, NoteVerifier> {
  const known = new Map<string, NoteVerifier>();
  for (const verifier of verifiers) {
    const key = `${verifier.name}+${verifier.keyId.toString('hex')}`;
    const other = known.get(key);
    if (other !== undefined && !other.publicKey.equals(verifier.publicKey)) {
      throw new NoteError(`Cannot open note: two different verifier keys share the name ${verifier.name} and key id ${verifier.keyId.toString('hex')}`);
    }
    known.set(key, verifier);
  }
  return known;
}

/** Splits on the first `count` '+' only (base64 may itself contain '+'): always `count + 1` parts. */
function splitKey(key: string, count: number, what: string, shape: string): string[] {
  const parts: string[] = [];
  let rest = key;
  for (let i = 0; i < count; i++) {
    const plus = rest.indexOf('+');
    if (plus < 0) throw new NoteError(`Cannot use ${what}: it must have the form ${shape}`);
    parts.push(rest.slice(0, plus));
    rest = rest.slice(plus + 1);
  }
  parts.push(rest);
  return parts;
}

function readTypedKey(idHex: string, keyText: string, context: string): { keyId: Buffer; raw: Buffer } {
  if (!/^[0-9a-fA-F]{8}$/.test(idHex)) throw new NoteError(`${context}: the key id must be 8 hex digits`);
  const typed = decodeCanonicalBase64(keyText);
  if (typed === undefined || typed.length === 0) throw new NoteError(`${context}: the key is not canonical padded standard base64`);
  if (typed[0] !== ED25519) throw new NoteError(`${context}: key type 0x${typed[0]?.toString(16).padStart(2, '0')} is not Ed25519 (0x01)`);
  const raw = typed.subarray(1);
  checkRawKey(raw, context);
  return { keyId: Buffer.from(idHex, 'hex'), raw };
}

function checkRawKey(raw: Uint8Array, context: string): void {
  if (raw.length !== 32) throw new NoteError(`${context}: an Ed25519 key is 32 bytes, not ${raw.length}`);
}

function publicKeyFromRaw(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** C2SP: names are non-empty and hold neither Unicode spaces nor '+' (Go: unicode.IsSpace, i.e. White_Space). */
function checkKeyName(name: string, context: string): void {
  if (name === '') throw new NoteError(`${context}: the key name is empty`);
  if (/\p{White_Space}/u.test(name)) throw new NoteError(`${context}: the key name ${JSON.stringify(name)} holds a space`);
  if (name.includes('+')) throw new NoteError(`${context}: the key name ${JSON.stringify(name)} holds a '+'`);
  checkNoteCharacters(name, `${context}: the key name`);
}

/** Signed notes are valid UTF-8 with no ASCII control character other than newline. */
function checkNoteCharacters(text: string, subject: string): void {
  const control = /[\u0000-\u0009\u000b-\u001f]/.exec(text);
  if (control !== null) {
    throw new NoteError(`${subject} holds control character U+${control[0].charCodeAt(0).toString(16).padStart(4, '0')} (only newline is allowed)`);
  }
  if (/\p{Surrogate}/u.test(text)) throw new NoteError(`${subject} is not valid UTF-8 (it holds a lone surrogate)`);
}

function decodeCanonicalBase64(text: string): Buffer | undefined {
  if (text === '' || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}
