import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { lockDatabaseFile } from './file-lock.js';

function tempPath(): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'parley-lock-'));
  return { dir, path: join(dir, 'broker.sqlite') };
}

test('lockDatabaseFile() refuses a file whose lock a live process holds, and frees it on release', (t) => {
  const { dir, path } = tempPath();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const lock = lockDatabaseFile(path);
  assert.equal(readFileSync(`${path}.lock`, 'utf8').trim(), String(process.pid));
  assert.throws(() => lockDatabaseFile(path), /another process has it open/);
  lock.release();
  assert.equal(existsSync(`${path}.lock`), false);
  lockDatabaseFile(path).release();
});

test('lockDatabaseFile() takes over a lock left by a process that is gone (a crash)', (t) => {
  const { dir, path } = tempPath();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  writeFileSync(`${path}.lock`, `${gone.stdout}\n`);
  const lock = lockDatabaseFile(path);
  assert.equal(readFileSync(`${path}.lock`, 'utf8').trim(), String(process.pid));
  lock.release();
});
