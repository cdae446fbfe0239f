import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERROR_CODES } from '../../domain/errors.js';
import { ERROR_TABLE } from './error-table.js';

test('docs/errors.md lists every error code with the status the error table maps it to', () => {
  const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  const documented = new Map<string, number>();
  for (const match of doc.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)) documented.set(match[1] as string, Number(match[2]));
  assert.deepEqual([...documented.keys()].sort(), [...ERROR_CODES].sort(), 'documented codes = ERROR_CODES');
  for (const code of ERROR_CODES) assert.equal(documented.get(code), ERROR_TABLE[code].status, `status of ${code}`);
});
