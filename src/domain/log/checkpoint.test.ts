import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { CheckpointError, formatCheckpoint, parseCheckpoint } from './checkpoint.js';

// Vectors stay in the shared folder beside the repo (SOURCES.md: read them there, never copy them).
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const vectors = JSON.parse(readFileSync(resolve(repoRoot, '../shared/vectors/merkle/signed-note-checkpoint-tiles.json'), 'utf8')) as {
  checkpointFormat?: { source: string; origin?: string; treeSize?: number; body?: string; note?: string }[];
};

const ROOT = Buffer.from('TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=', 'base64');
const body = (origin: string, size: string, root: string, ...extensions: string[]): string =>
  [origin, size, root, ...extensions].map((line) => `${line}\n`).join('');

test('the checkpoint vectors are present: one body and one signed note', () => {
  const entries = vectors.checkpointFormat ?? [];
  assert.ok(entries.length > 0, 'signed-note-checkpoint-tiles.json has no checkpointFormat section');
  assert.equal(entries.filter((e) => typeof e.body === 'string').length, 1);
  assert.equal(entries.filter((e) => typeof e.note === 'string').length, 1);
});

test('parseCheckpoint() reads the Go sumdb TestFormatTree body, whose root is RecordHash("hello world")', () => {
  const vector = (vectors.checkpointFormat ?? []).find((e) => typeof e.body === 'string');
  assert.ok(vector?.body !== undefined && vector.origin !== undefined && vector.treeSize !== undefined, 'Go checkpoint vector missing');
  const parsed = parseCheckpoint(vector.body);
  assert.equal(parsed.origin, vector.origin);
  assert.equal(parsed.size, vector.treeSize);
  const leafHash = createHash('sha256').update(Uint8Array.of(0)).update('hello world').digest();
  assert.deepEqual(Buffer.from(parsed.root), leafHash);
  assert.deepEqual(parsed.extensions, []);
  assert.equal(formatCheckpoint(parsed), vector.body);
});

test('parseCheckpoint() reads the text of the C2SP tlog-checkpoint example note', () => {
  const vector = (vectors.checkpointFormat ?? []).find((e) => typeof e.note === 'string');
  assert.ok(vector?.note !== undefined, 'C2SP checkpoint note vector missing');
  const text = vector.note.slice(0, vector.note.lastIndexOf('\n\n') + 1);
  const parsed = parseCheckpoint(text);
  assert.equal(parsed.origin, 'example.com/behind-the-sofa');
  assert.equal(parsed.size, 20852163);
  assert.equal(Buffer.from(parsed.root).toString('base64'), 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=');
  assert.equal(formatCheckpoint(parsed), text);
});

test('formatCheckpoint() writes origin, size and padded base64 root, one per line', () => {
  assert.equal(formatCheckpoint({ origin: 'o', size: 0, root: new Uint8Array(32) }), 'o\n0\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n');
  assert.equal(formatCheckpoint({ origin: 'log', size: 7, root: ROOT, extensions: ['x y', 'z'] }), body('log', '7', ROOT.toString('base64'), 'x y', 'z'));
});

test('parseCheckpoint() keeps extension lines in order', () => {
  const parsed = parseCheckpoint(body('log', '1', ROOT.toString('base64'), 'ext one', 'ext+two'));
  assert.deepEqual(parsed.extensions, ['ext one', 'ext+two']);
  assert.equal(parsed.size, 1);
});

test('parseCheckpoint() rejects malformed text, naming the line and the rule', () => {
  const root = ROOT.toString('base64');
  const nonCanonical = `${root.slice(0, 42)}1=`; // last digit carries bits past the 32nd byte
  const cases: [text: string, line: number, message: RegExp][] = [
    [body('log', '1', root).slice(0, -1), 0, /must end with a newline/],
    ['log\n1\n', 0, /has 2 line\(s\), not at least 3/],
    ['\n', 0, /not at least 3/],
    [body('', '1', root), 1, /line 1 \(origin\) must not be empty/],
    [body('log\r', '1', root), 1, /line 1 \(origin\) must not hold a newline or other control character/],
    [body('log\ud800', '1', root), 1, /line 1 \(origin\) must be valid UTF-8/],
    [body('log', '01', root), 2, /line 2 \(size\) "01" is not a decimal without sign or leading zeros/],
    [body('log', '00', root), 2, /line 2 \(size\)/],
    [body('log', '+1', root), 2, /line 2 \(size\)/],
    [body('log', '-1', root), 2, /line 2 \(size\)/],
    [body('log', ' 1', root), 2, /line 2 \(size\)/],
    [body('log', '1.0', root), 2, /line 2 \(size\)/],
    [body('log', '1e3', root), 2, /line 2 \(size\)/],
    [body('log', '0x10', root), 2, /line 2 \(size\)/],
    [body('log', '', root), 2, /line 2 \(size\) ""/],
    [body('log', '9007199254740992', root), 2, /line 2 \(size\) 9007199254740992 is above 2\^53 - 1/],
    [body('log', '1', root.slice(0, -1)), 3, /line 3 \(root\) .* is not canonical padded standard base64/],
    [body('log', '1', nonCanonical), 3, /line 3 \(root\) .* is not canonical/],
    [body('log', '1', `${root.slice(0, 20)} ${root.slice(20)}`), 3, /line 3 \(root\) .* is not canonical/],
    [body('log', '1', root.replace(/\+/g, '-')), 3, /line 3 \(root\) .* is not canonical/],
    [body('log', '1', Buffer.alloc(31).toString('base64')), 3, /line 3 \(root\) decodes to 31 bytes, not 32/],
    [body('log', '1', Buffer.alloc(33).toString('base64')), 3, /line 3 \(root\) decodes to 33 bytes, not 32/],
    [body('log', '1', ''), 3, /line 3 \(root\) decodes to 0 bytes/],
    [body('log', '1', root, ''), 4, /line 4 \(extension\) must not be empty/],
    [body('log', '1', root, 'ok', 'tab\there'), 5, /line 5 \(extension\) must not hold a newline or other control character/],
    [body('log', '1', root).replace(/\n/g, '\r\n'), 1, /line 1 \(origin\) must not hold/],
  ];
  for (const [text, line, message] of cases) {
    assert.throws(() => parseCheckpoint(text), (error: unknown) => {
      assert.ok(error instanceof CheckpointError, `${JSON.stringify(text)} threw ${String(error)}`);
      assert.equal(error.name, 'CheckpointError');
      assert.equal(error.line, line, JSON.stringify(text));
      assert.match(error.message, message);
      return true;
    });
  }
});

test('formatCheckpoint() refuses what no strict parser would read back', () => {
  const cases: [Parameters<typeof formatCheckpoint>[0], RegExp][] = [
    [{ origin: '', size: 1, root: ROOT }, /origin\) must not be empty/],
    [{ origin: 'a\nb', size: 1, root: ROOT }, /origin\) must not hold a newline/],
    [{ origin: 'log', size: -1, root: ROOT }, /size -1 is not a non-negative safe integer/],
    [{ origin: 'log', size: 1.5, root: ROOT }, /size 1.5 is not/],
    [{ origin: 'log', size: 2 ** 53, root: ROOT }, /is not a non-negative safe integer/],
    [{ origin: 'log', size: Number.NaN, root: ROOT }, /size NaN/],
    [{ origin: 'log', size: 1, root: new Uint8Array(31) }, /root is 31 bytes, not 32/],
    [{ origin: 'log', size: 1, root: ROOT, extensions: [''] }, /line 4 \(extension\) must not be empty/],
    [{ origin: 'log', size: 1, root: ROOT, extensions: ['a\nb'] }, /line 4 \(extension\) must not hold a newline/],
  ];
  for (const [checkpoint, message] of cases) assert.throws(() => formatCheckpoint(checkpoint), { name: 'CheckpointError', message });
});

const noteLine = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).filter((s) => !/[\u0000-\u001f]/.test(s));

test('parseCheckpoint() reads back what formatCheckpoint() writes, with the root as standard base64', () => {
  fc.assert(
    fc.property(noteLine, fc.maxSafeNat(), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.array(noteLine, { maxLength: 3 }), (origin, size, root, extensions) => {
      const text = formatCheckpoint({ origin, size, root, extensions });
      assert.equal(text.split('\n')[2], Buffer.from(root).toString('base64'));
      const parsed = parseCheckpoint(text);
      assert.deepEqual({ ...parsed, root: [...parsed.root] }, { origin, size, root: [...root], extensions });
    }),
    { numRuns: 2_000 },
  );
});

test('parseCheckpoint() accepts exactly the canonical base64 of 32 bytes as the root', () => {
  // A canonical root line, then (usually) one character replaced, inserted or deleted.
  const edit = fc.record({ kind: fc.constantFrom('replace', 'insert', 'delete'), at: fc.nat(45), char: fc.constantFrom(...'AQgwBb01+/=-_ '.split('')) });
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.option(edit, { freq: 4 }), (root, change) => {
      let line = Buffer.from(root).toString('base64');
      if (change !== null) {
        const at = change.at % (line.length + 1);
        const skip = change.kind === 'insert' ? 0 : 1;
        line = line.slice(0, at) + (change.kind === 'delete' ? '' : change.char) + line.slice(at + skip);
      }
      const bytes = Buffer.from(line, 'base64');
      const canonical = bytes.length === 32 && bytes.toString('base64') === line;
      const text = body('log', '1', line);
      if (canonical) assert.deepEqual(Buffer.from(parseCheckpoint(text).root), bytes);
      else assert.throws(() => parseCheckpoint(text), CheckpointError);
    }),
    { numRuns: 5_000 },
  );
});
