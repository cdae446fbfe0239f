/**
 * The body of a C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint): the note text a log signs.
 *
 *     <origin>\n<tree size>\n<base64 root hash>\n[<extension line>\n ...]
 *
 * Parsing is strict: exactly one spelling is accepted for each size and root, so a checkpoint's
 * text and its meaning are one-to-one and two witnesses never disagree about what was signed.
 */

export interface Checkpoint {
  /** The log's identity, e.g. `parley.example/log`; by convention also the signing key's name. */
  readonly origin: string;
  /** The number of leaves in the tree. */
  readonly size: number;
  /** The RFC 9162 Merkle tree hash (SHA-256) at `size`. */
  readonly root: Uint8Array;
}

export class CheckpointError extends Error {
  /** 1-based line of the note text that broke a rule (0 when the text as a whole did). */
  readonly line: number;

  constructor(line: number, message: string) {
    super(message);
    this.name = 'CheckpointError';
    this.line = line;
  }
}

const ROOT_BYTES = 32;

/**
 * The checkpoint's note text. Extension lines, when given, follow the root (C2SP does not
 * recommend them: monitors cannot audit them). Throws CheckpointError for a value no strict
 * parser would accept back.
 */
export function formatCheckpoint(c: Checkpoint & { readonly extensions?: readonly string[] }): string {
  checkOrigin(c.origin);
  if (!Number.isSafeInteger(c.size) || c.size < 0) {
    throw new CheckpointError(2, `Cannot format checkpoint: size ${c.size} is not a non-negative safe integer`);
  }
  if (c.root.length !== ROOT_BYTES) {
    throw new CheckpointError(3, `Cannot format checkpoint: root is ${c.root.length} bytes, not ${ROOT_BYTES}`);
  }
  const extensions = c.extensions ?? [];
  extensions.forEach((line, i) => checkExtension(line, 4 + i));
  return [c.origin, String(c.size), encodeBase64(c.root), ...extensions].map((line) => `${line}\n`).join('');
}

/** Reads a checkpoint note text (without its signature block); throws CheckpointError naming the line and rule. */
export function parseCheckpoint(text: string): Checkpoint & { extensions: string[] } {
  if (!text.endsWith('\n')) throw new CheckpointError(0, 'Cannot parse checkpoint: the text must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) {
    throw new CheckpointError(0, `Cannot parse checkpoint: it has ${lines.length} line(s), not at least 3 (origin, size, root)`);
  }
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  checkOrigin(origin);
  if (!/^(?:0|[1-9][0-9]*)$/.test(sizeText)) {
    throw new CheckpointError(2, `Cannot parse checkpoint: line 2 (size) ${JSON.stringify(sizeText)} is not a decimal without sign or leading zeros`);
  }
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) {
    throw new CheckpointError(2, `Cannot parse checkpoint: line 2 (size) ${sizeText} is above 2^53 - 1`);
  }
  const root = decodeBase64(rootText);
  if (root === undefined) {
    throw new CheckpointError(3, `Cannot parse checkpoint: line 3 (root) ${JSON.stringify(rootText)} is not canonical padded standard base64`);
  }
  if (root.length !== ROOT_BYTES) {
    throw new CheckpointError(3, `Cannot parse checkpoint: line 3 (root) decodes to ${root.length} bytes, not ${ROOT_BYTES}`);
  }
  extensions.forEach((line, i) => checkExtension(line, 4 + i));
  return { origin, size, root, extensions };
}

function checkOrigin(origin: string): void {
  if (origin === '') throw new CheckpointError(1, 'Checkpoint line 1 (origin) must not be empty');
  checkNoteCharacters(origin, 1, 'origin');
}

function checkExtension(line: string, lineNumber: number): void {
  if (line === '') throw new CheckpointError(lineNumber, `Checkpoint line ${lineNumber} (extension) must not be empty`);
  checkNoteCharacters(line, lineNumber, 'extension');
}

/** Signed notes are well-formed UTF-8 without ASCII control characters; a line also holds no newline. */
function checkNoteCharacters(line: string, lineNumber: number, what: string): void {
  if (/[\u0000-\u001f]/.test(line)) {
    throw new CheckpointError(lineNumber, `Checkpoint line ${lineNumber} (${what}) must not hold a newline or other control character`);
  }
  if (/\p{Surrogate}/u.test(line)) {
    throw new CheckpointError(lineNumber, `Checkpoint line ${lineNumber} (${what}) must be valid UTF-8 (it holds a lone surrogate)`);
  }
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
// Padding present, and the bits past the last whole byte zero: the one spelling per byte string.
const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$/;

/** RFC 4648 §4 base64 with padding (kept here: the domain may not import node:buffer). */
function encodeBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] as number, b = bytes[i + 1], c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += ALPHABET[n >> 18] as string;
    out += ALPHABET[(n >> 12) & 63] as string;
    out += b === undefined ? '=' : (ALPHABET[(n >> 6) & 63] as string);
    out += c === undefined ? '=' : (ALPHABET[n & 63] as string);
  }
  return out;
}

/** Decodes canonical base64 only (padding present, unused bits zero); undefined otherwise. */
function decodeBase64(text: string): Uint8Array | undefined {
  if (!CANONICAL_BASE64.test(text)) return undefined;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const ch = text[i + j] as string;
      n = (n << 6) | (ch === '=' ? 0 : ALPHABET.indexOf(ch));
    }
    if (o < out.length) out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}
