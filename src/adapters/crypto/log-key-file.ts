/**
 * The broker's checkpoint key: an Ed25519 key and the log's origin, in a JSON file in the data
 * directory (mode 0600), created on first start. The origin names the log in every checkpoint
 * and never changes for a given key file.
 */
import { randomBytes, type JsonWebKey } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { LogSigner } from '../../app/ports/log-signer.js';
import {
  NoteError,
  generateNoteSigner,
  noteSignerFromJwk,
  noteSignerToJwk,
  openNote,
  parseVerifierKey,
  signNote,
  verifierKeyString,
  type NoteSigner,
} from './signed-note.js';

interface KeyFile {
  readonly origin: string;
  readonly privateJwk: JsonWebKey;
}

/** A LogSigner over a note signer. */
export function logSignerOf(signer: NoteSigner): LogSigner {
  const { d: _private, ...publicJwk } = noteSignerToJwk(signer);
  const verifierKey = verifierKeyString(signer.name, signer.publicKey);
  const verifier = parseVerifierKey(verifierKey);
  return {
    origin: signer.name,
    verifierKey,
    publicJwk,
    sign: (text) => signNote(text, signer),
    signed: (note) => {
      try {
        openNote(note, [verifier]);
        return true;
      } catch (error) {
        if (error instanceof NoteError) return false;
        throw error;
      }
    },
  };
}

/** A fresh key under `origin` (tests, benchmarks). */
export function ephemeralLogSigner(origin = `parley-${randomBytes(4).toString('hex')}`): LogSigner {
  return logSignerOf(generateNoteSigner(origin));
}

/**
 * Loads the key file, or creates it (with `origin`, or `parley-<8 hex>`) when absent.
 * Returns the signer and whether the file was created.
 */
export function loadOrCreateLogKey(path: string, origin?: string): { signer: LogSigner; created: boolean } {
  if (existsSync(path)) {
    let parsed: KeyFile;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
    } catch (error) {
      throw new Error(`Cannot read the log key file ${path}: ${(error as Error).message}`);
    }
    if (typeof parsed?.origin !== 'string' || typeof parsed.privateJwk !== 'object' || parsed.privateJwk === null) {
      throw new Error(`Cannot use the log key file ${path}: expected {"origin": string, "privateJwk": {...}}`);
    }
    if (origin !== undefined && origin !== parsed.origin) {
      throw new Error(`The log key file ${path} is for origin "${parsed.origin}", not "${origin}": a log's origin never changes`);
    }
    return { signer: logSignerOf(noteSignerFromJwk(parsed.origin, parsed.privateJwk)), created: false };
  }
  const signer = generateNoteSigner(origin ?? `parley-${randomBytes(4).toString('hex')}`);
  const file: KeyFile = { origin: signer.name, privateJwk: noteSignerToJwk(signer) };
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return { signer: logSignerOf(signer), created: true };
}

/** An existing key file (offline audits): never creates one. */
export function readLogKeyFile(path: string): LogSigner {
  if (!existsSync(path)) throw new Error(`Cannot read the log key file ${path}: it does not exist`);
  return loadOrCreateLogKey(path).signer;
}
