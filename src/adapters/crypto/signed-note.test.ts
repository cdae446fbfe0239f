import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseCheckpoint } from '../../domain/log/checkpoint.js';
import {
  NoteError, generateNoteSigner, noteKeyId, noteSignerFromJwk, noteSignerFromPrivateKey, noteSignerToJwk, openNote,
  parseSignerKey, parseVerifierKey, signNote, verifierKeyString, type NoteSigner, type NoteVerifier,
} from './signed-note.js';

// Vectors stay in the shared folder beside the repo (SOURCES.md: read them there, never copy them).
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const vectors = JSON.parse(readFileSync(resolve(repoRoot, '../shared/vectors/merkle/signed-note-checkpoint-tiles.json'), 'utf8')) as {
  signedNote?: {
    source: string;
    signerKey?: string;
    verifierKeys?: Record<string, string>;
    verifierKey?: string;
    text?: string;
    note?: string;
    signatureLines?: Record<string, string>;
  }[];
  checkpointFormat?: { source: string; note?: string }[];
};

const signedNotes = vectors.signedNote ?? [];
const goVector = signedNotes.find((v) => v.signerKey !== undefined);
const c2spVector = signedNotes.find((v) => v.verifierKey !== undefined && v.note !== undefined);
const checkpointNote = (vectors.checkpointFormat ?? []).find((v) => v.note !== undefined)?.note;

function requireGo(): { signerKey: string; verifierKeys: Record<string, string>; text: string; lines: Record<string, string> } {
  assert.ok(goVector?.signerKey && goVector.verifierKeys && goVector.text && goVector.signatureLines, 'Go sumdb/note vector missing');
  return { signerKey: goVector.signerKey, verifierKeys: goVector.verifierKeys, text: goVector.text, lines: goVector.signatureLines };
}

const rawPublicKey = (key: KeyObject): Buffer => Buffer.from(key.export({ format: 'jwk' }).x as string, 'base64url');
const verifierOf = (signer: NoteSigner): NoteVerifier => parseVerifierKey(verifierKeyString(signer.name, signer.publicKey));
const noteError = (message: RegExp | string) => ({ name: 'NoteError', message });

describe('signed-note vectors', () => {
  it('are present: the Go sumdb/note keys and lines, the C2SP example and the C2SP checkpoint note', () => {
    assert.ok(signedNotes.length >= 2, 'signedNote section missing or short');
    const go = requireGo();
    assert.equal(Object.keys(go.verifierKeys).length, 2);
    assert.equal(Object.keys(go.lines).length, 2);
    assert.ok(c2spVector !== undefined, 'C2SP signed-note example missing');
    assert.ok(checkpointNote !== undefined, 'C2SP checkpoint note missing');
  });

  it('parseVerifierKey() reads each Go verifier key, and verifierKeyString() writes it back', () => {
    const { verifierKeys } = requireGo();
    for (const [name, vkey] of Object.entries(verifierKeys)) {
      const verifier = parseVerifierKey(vkey);
      assert.equal(verifier.name, name);
      assert.equal(verifier.keyId.toString('hex'), vkey.split('+')[1]);
      const raw = rawPublicKey(verifier.publicKey);
      assert.deepEqual(noteKeyId(name, raw), verifier.keyId);
      assert.equal(verifierKeyString(name, raw), vkey);
    }
  });

  it('parseSignerKey() reads the Go signer key (its base64 holds a "+") and derives PeterNeumann\'s verifier key', () => {
    const { signerKey, verifierKeys } = requireGo();
    assert.ok(signerKey.split('+').length > 5, 'the vector was meant to have a "+" inside its base64');
    const signer = parseSignerKey(signerKey);
    assert.equal(signer.name, 'PeterNeumann');
    assert.equal(signer.keyId.toString('hex'), 'c74f20a3');
    assert.equal(verifierKeyString(signer.name, signer.publicKey), verifierKeys['PeterNeumann']);
  });

  it('signNote() reproduces the published PeterNeumann signature line byte for byte', () => {
    const { signerKey, text, lines } = requireGo();
    assert.equal(signNote(text, parseSignerKey(signerKey)), `${text}\n${lines['PeterNeumann']}`);
  });

  it('openNote() verifies the Go note with either key and ignores the other key\'s line', () => {
    const { verifierKeys, text, lines } = requireGo();
    const note = `${text}\n${lines['PeterNeumann']}${lines['EnochRoot']}`;
    const peter = parseVerifierKey(verifierKeys['PeterNeumann'] as string);
    const enoch = parseVerifierKey(verifierKeys['EnochRoot'] as string);
    assert.deepEqual(openNote(note, [peter]), { text, verifiedBy: ['PeterNeumann'] });
    assert.deepEqual(openNote(note, [enoch]), { text, verifiedBy: ['EnochRoot'] });
    assert.deepEqual(openNote(note, [enoch, peter]), { text, verifiedBy: ['PeterNeumann', 'EnochRoot'] });
  });

  it('openNote() verifies the C2SP signed-note example', () => {
    assert.ok(c2spVector?.verifierKey !== undefined && c2spVector.note !== undefined, 'C2SP signed-note example missing');
    const verifier = parseVerifierKey(c2spVector.verifierKey);
    assert.equal(verifier.name, 'example.com/foo');
    assert.deepEqual(openNote(c2spVector.note, [verifier]), { text: 'This is an example message.\n', verifiedBy: ['example.com/foo'] });
  });

  it('openNote() parses the C2SP checkpoint note, whose key is unpublished, and reports it as signed by an unknown key', () => {
    assert.ok(checkpointNote !== undefined, 'C2SP checkpoint note missing');
    const { verifierKeys } = requireGo();
    assert.throws(
      () => openNote(checkpointNote, [parseVerifierKey(verifierKeys['PeterNeumann'] as string)]),
      noteError('Cannot open note: no signature by a known key: the note is signed by example.com/behind-the-sofa (key id 033de0ae)'),
    );
    const text = checkpointNote.slice(0, checkpointNote.lastIndexOf('\n\n') + 1);
    assert.equal(parseCheckpoint(text).size, 20852163);
  });
});

describe('signNote() and openNote()', () => {
  const log = generateNoteSigner('parley.example/log');
  const witness = generateNoteSigner('witness.example/w1');
  const text = 'parley.example/log\n42\nq0rIyt2W9ZUxF0n9l6tSxq8sXsvMrJfEpkUGyqHl8/I=\n';

  it('round-trips: a signed note opens to its text', () => {
    const note = signNote(text, log);
    assert.match(note, /\n\n\u2014 parley\.example\/log [A-Za-z0-9+/]{91}=\n$/);
    assert.deepEqual(openNote(note, [verifierOf(log)]), { text, verifiedBy: ['parley.example/log'] });
  });

  it('round-trips texts with empty lines, including a text ending in one, and non-ASCII text', () => {
    for (const body of ['a\n\nb\n', 'a\n\n', '\n', 'Ognuno sta solo sul cuor della terra\n\ned è subito sera. \u2014 😀\n']) {
      assert.deepEqual(openNote(signNote(body, log), [verifierOf(log)]), { text: body, verifiedBy: ['parley.example/log'] });
    }
  });

  it('a cosigned note opens with any subset of its keys', () => {
    const note = signNote(text, log) + signNote(text, witness).slice(text.length + 1);
    assert.deepEqual(openNote(note, [verifierOf(witness)]).verifiedBy, ['witness.example/w1']);
    assert.deepEqual(openNote(note, [verifierOf(log), verifierOf(witness)]).verifiedBy, ['parley.example/log', 'witness.example/w1']);
  });

  it('openNote() ignores signatures by unknown keys, even one sharing the known key\'s name', () => {
    const rotated = generateNoteSigner('parley.example/log'); // same name, another key id
    const stranger = generateNoteSigner('stranger');
    const lines = [rotated, stranger].map((s) => signNote(text, s).slice(text.length + 1)).join('');
    const garbage = `\u2014 nobody ${Buffer.alloc(68, 7).toString('base64')}\n`;
    const note = `${text}\n${garbage}${lines}${signNote(text, log).slice(text.length + 1)}`;
    assert.deepEqual(openNote(note, [verifierOf(log)]), { text, verifiedBy: ['parley.example/log'] });
  });

  it('openNote() rejects a note whose text was changed', () => {
    const note = signNote(text, log).replace('\n42\n', '\n43\n');
    assert.throws(() => openNote(note, [verifierOf(log)]), noteError('Cannot open note: signature by parley.example/log does not verify'));
  });

  it('openNote() rejects a note whose signature was changed', () => {
    const note = signNote(text, log);
    const line = note.slice(text.length + 1, -1);
    const bytes = Buffer.from(line.slice(line.lastIndexOf(' ') + 1), 'base64');
    bytes[10] = (bytes[10] as number) ^ 1;
    const tampered = `${text}\n\u2014 ${log.name} ${bytes.toString('base64')}\n`;
    assert.throws(() => openNote(tampered, [verifierOf(log)]), noteError(/signature by parley\.example\/log does not verify/));
    const truncated = `${text}\n\u2014 ${log.name} ${bytes.subarray(0, 40).toString('base64')}\n`;
    assert.throws(() => openNote(truncated, [verifierOf(log)]), noteError(/signature by parley\.example\/log does not verify/));
  });

  it('openNote() rejects a failing signature by a known key even when another known key verifies', () => {
    const good = signNote(text, log);
    const forged = signNote('something else\n', witness).slice('something else\n'.length + 1);
    assert.throws(() => openNote(good + forged, [verifierOf(log), verifierOf(witness)]), noteError(/signature by witness\.example\/w1 does not verify/));
  });

  it('openNote() rejects a signature whose name and key id match but whose key differs', () => {
    const impostor: NoteVerifier = { name: log.name, keyId: log.keyId, publicKey: createPublicKey(witness.privateKey) };
    assert.throws(() => openNote(signNote(text, log), [impostor]), noteError(/signature by parley\.example\/log does not verify/));
  });

  it('openNote() rejects a note signed only by keys it does not know, listing them', () => {
    assert.throws(
      () => openNote(signNote(text, log), [verifierOf(witness)]),
      noteError(`Cannot open note: no signature by a known key: the note is signed by parley.example/log (key id ${log.keyId.toString('hex')})`),
    );
    assert.throws(() => openNote(signNote(text, log), []), noteError(/no signature by a known key/));
  });

  it('openNote() refuses two different verifier keys with one name and key id', () => {
    const impostor: NoteVerifier = { name: log.name, keyId: log.keyId, publicKey: createPublicKey(witness.privateKey) };
    assert.throws(() => openNote(signNote(text, log), [verifierOf(log), impostor]), noteError(/two different verifier keys share the name/));
    assert.deepEqual(openNote(signNote(text, log), [verifierOf(log), verifierOf(log)]).verifiedBy, [log.name]);
  });

  it('openNote() accepts 100 signature lines and refuses 101', () => {
    const known = signNote(text, log).slice(text.length + 1);
    const unknown = `\u2014 other ${Buffer.alloc(68, 1).toString('base64')}\n`;
    assert.deepEqual(openNote(`${text}\n${unknown.repeat(99)}${known}`, [verifierOf(log)]).verifiedBy, [log.name]);
    assert.throws(() => openNote(`${text}\n${unknown.repeat(100)}${known}`, [verifierOf(log)]), noteError(/101 signature lines, more than 100/));
  });

  it('openNote() rejects malformed notes and signature lines', () => {
    const note = signNote(text, log);
    const line = note.slice(text.length + 1, -1);
    const sig = line.slice(line.lastIndexOf(' ') + 1);
    const withLine = (l: string): string => `${text}\n${l}\n`;
    const cases: [string, RegExp][] = [
      [text, /no blank line separates the text from the signatures/],
      [note.slice(0, -1), /signature block must be non-empty and end with a newline/],
      [`${text}\n`, /no blank line|signature block must be non-empty/],
      [note.replace(/\n/g, '\r\n'), /holds control character U\+000d/],
      [note.replace('42', '4\t2'), /holds control character U\+0009/],
      [note.replace('42', '4\ud8002'), /not valid UTF-8/],
      [withLine(`- ${log.name} ${sig}`), /signature line 1 does not start with "\u2014 "/],
      [withLine(`\u2014${log.name} ${sig}`), /signature line 1 does not start/],
      [withLine(`\u2014 ${log.name}`), /signature line 1 has no space between the key name and the signature/],
      [withLine(`\u2014  ${sig}`), /signature line 1: the key name is empty/],
      [withLine(`\u2014 a+b ${sig}`), /signature line 1: the key name "a\+b" holds a '\+'/],
      [withLine(`\u2014 a\u00a0b ${sig}`), /signature line 1: the key name .* holds a space/],
      [withLine(`\u2014 ${log.name} ${sig} `), /not canonical padded standard base64/],
      [withLine(`\u2014 ${log.name} ${sig.slice(0, -1)}`), /not canonical padded standard base64/],
      [withLine(`\u2014 ${log.name} ${sig.replace(/\+/g, '-').replace(/\//g, '_')}x`), /not canonical/],
      [withLine(`\u2014 ${log.name} AAAAAA==`), /the signature is 4 bytes, too short/],
      [`${note}\n`, /no blank line|signature block|does not start/],
      [`${note}${withLine('junk').slice(text.length + 1)}`, /signature line 2 does not start/],
    ];
    for (const [bad, message] of cases) {
      assert.throws(() => openNote(bad, [verifierOf(log)]), (error: unknown) => {
        assert.ok(error instanceof NoteError, `${JSON.stringify(bad)} threw ${String(error)}`);
        assert.match(error.message, message, JSON.stringify(bad));
        return true;
      });
    }
  });

  it('signNote() refuses text that is not a well-formed note text', () => {
    assert.throws(() => signNote('no newline', log), noteError(/the text must end with a newline/));
    assert.throws(() => signNote('', log), noteError(/the text must end with a newline/));
    assert.throws(() => signNote('crlf\r\n', log), noteError(/holds control character U\+000d/));
    assert.throws(() => signNote('lone \udc00\n', log), noteError(/not valid UTF-8/));
    assert.throws(() => signNote(text, { ...log, name: 'two words' }), noteError(/key name "two words" holds a space/));
  });
});

describe('note keys', () => {
  it('noteKeyId() is the first 4 bytes of SHA-256(name || "\\n" || 0x01 || key)', () => {
    const { verifierKeys } = requireGo();
    const peter = parseVerifierKey(verifierKeys['PeterNeumann'] as string);
    assert.equal(noteKeyId('PeterNeumann', rawPublicKey(peter.publicKey)).toString('hex'), 'c74f20a3');
    assert.notEqual(noteKeyId('PeterNeumann2', rawPublicKey(peter.publicKey)).toString('hex'), 'c74f20a3');
  });

  it('parseVerifierKey() splits on the first two "+" only', () => {
    // About half of all keys have a '+' in their base64; try until one does.
    let signer = generateNoteSigner('plus.example');
    for (let i = 0; i < 200 && verifierKeyString(signer.name, signer.publicKey).split('+').length < 4; i++) signer = generateNoteSigner('plus.example');
    const vkey = verifierKeyString(signer.name, signer.publicKey);
    assert.ok(vkey.split('+').length >= 4, 'no generated key had a "+" in its base64');
    assert.deepEqual(parseVerifierKey(vkey).keyId, signer.keyId);
  });

  it('parseVerifierKey() rejects malformed keys, saying what is wrong', () => {
    const { verifierKeys } = requireGo();
    const good = verifierKeys['PeterNeumann'] as string;
    const [, , key64] = good.split('+') as [string, string, string];
    const raw = Buffer.from(key64, 'base64').subarray(1);
    const typed = (type: number, bytes: Uint8Array): string => Buffer.concat([Uint8Array.of(type), bytes]).toString('base64');
    const cases: [string, RegExp][] = [
      ['PeterNeumann', /must have the form name\+keyid\+key/],
      ['PeterNeumann+c74f20a3', /must have the form/],
      [`+c74f20a3+${key64}`, /the key name is empty/],
      [`Peter Neumann+c74f20a3+${key64}`, /holds a space/],
      [`PeterNeumann+c74f20a+${key64}`, /key id must be 8 hex digits/],
      [`PeterNeumann+c74f20a3a+${key64}`, /key id must be 8 hex digits/],
      [`PeterNeumann+c74f20g3+${key64}`, /key id must be 8 hex digits/],
      [`PeterNeumann+c74f20a4+${key64}`, /key id c74f20a4 does not match the key \(expected c74f20a3\)/],
      [`PeterNeumann2+c74f20a3+${key64}`, /does not match the key/],
      [`PeterNeumann+c74f20a3+${key64.slice(0, -1)}`, /not canonical padded standard base64/],
      [`PeterNeumann+c74f20a3+`, /not canonical padded standard base64/],
      [`PeterNeumann+c74f20a3+${typed(0x02, raw)}`, /key type 0x02 is not Ed25519 \(0x01\)/],
      [`PeterNeumann+c74f20a3+${typed(0x01, raw.subarray(1))}`, /an Ed25519 key is 32 bytes, not 31/],
      [`PeterNeumann+c74f20a3+${typed(0x01, Buffer.concat([raw, Uint8Array.of(0)]))}`, /32 bytes, not 33/],
    ];
    for (const [vkey, message] of cases) assert.throws(() => parseVerifierKey(vkey), noteError(message), vkey);
  });

  it('parseSignerKey() rejects a key without the PRIVATE+KEY prefix or with a wrong id', () => {
    const { signerKey } = requireGo();
    assert.throws(() => parseSignerKey(signerKey.replace('PRIVATE+KEY', 'PUBLIC+KEY')), noteError(/must start with "PRIVATE\+KEY\+"/));
    assert.throws(() => parseSignerKey(signerKey.replace('c74f20a3', 'c74f20a4')), noteError(/key id c74f20a4 does not match the key \(expected c74f20a3\)/));
    assert.throws(() => parseSignerKey('PRIVATE+KEY+x'), noteError(/must have the form PRIVATE\+KEY\+name\+keyid\+seed/));
  });

  it('verifierKeyString() refuses invalid names and key sizes', () => {
    assert.throws(() => verifierKeyString('a+b', new Uint8Array(32)), noteError(/holds a '\+'/));
    assert.throws(() => verifierKeyString('ab', new Uint8Array(31)), noteError(/32 bytes, not 31/));
  });

  it('a signer survives a JWK round trip and signs identically', () => {
    const { signerKey, text, lines } = requireGo();
    const signer = parseSignerKey(signerKey);
    const jwk = noteSignerToJwk(signer);
    assert.equal(jwk.kty, 'OKP');
    assert.equal(jwk.crv, 'Ed25519');
    const again = noteSignerFromJwk(signer.name, JSON.parse(JSON.stringify(jwk)));
    assert.deepEqual(again.keyId, signer.keyId);
    assert.equal(signNote(text, again), `${text}\n${lines['PeterNeumann']}`);
  });

  it('noteSignerFromJwk() and noteSignerFromPrivateKey() refuse keys that are not private Ed25519 keys', () => {
    const signer = generateNoteSigner('k');
    const { d: _d, ...publicJwk } = noteSignerToJwk(signer);
    assert.throws(() => noteSignerFromJwk('k', publicJwk), noteError(/not a private Ed25519 key/));
    assert.throws(() => noteSignerFromJwk('k', { ...noteSignerToJwk(signer), crv: 'Ed448' }), noteError(/not a private Ed25519 key/));
    assert.throws(() => noteSignerFromJwk('k', { ...noteSignerToJwk(signer), d: 'AAAA' }), noteError(/the JWK does not load/));
    assert.throws(() => noteSignerFromPrivateKey('k', createPublicKey(signer.privateKey)), noteError(/public key, not an Ed25519 private key/));
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    assert.throws(() => noteSignerFromPrivateKey('k', ec), noteError(/ec private key, not an Ed25519 private key/));
    assert.throws(() => generateNoteSigner('bad name'), noteError(/holds a space/));
  });
});
