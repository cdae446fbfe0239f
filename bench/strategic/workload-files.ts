/**
 * Finds or generates the workload files for a run. Generated files come from the shared,
 * unchanged generator (`gen.mjs --seed 1`) into bench/.cache/ (gitignored), one file per kind,
 * named after the options, so the refs and queries files have the md5s the README records.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The shared workload tools; PARLEY_WORKLOADS_DIR overrides (e.g. another checkout). */
export const WORKLOADS_DIR = process.env['PARLEY_WORKLOADS_DIR'] ?? resolve(REPO_ROOT, '../shared/bench/workloads');
export const CACHE_DIR = join(REPO_ROOT, 'bench/.cache');

export interface GeneratedWorkload {
  readonly files: readonly string[];
  /** The gen.mjs command lines that made (or would make) each file. */
  readonly commands: readonly string[];
}

/** Returns seed-1 files with N refs, Q queries and W writes, generating any that are missing. */
export async function ensureGeneratedWorkload(
  counts: { readonly refs: number; readonly queries: number; readonly writes: number },
  log: (line: string) => void,
): Promise<GeneratedWorkload> {
  const gen = join(WORKLOADS_DIR, 'gen.mjs');
  if (!existsSync(gen)) throw new Error(`Cannot generate a workload: ${gen} not found (set PARLEY_WORKLOADS_DIR)`);
  mkdirSync(CACHE_DIR, { recursive: true });
  const wanted: Array<{ name: string; args: string[] }> = [
    { name: `deconf-s1-n${counts.refs}-ref.jsonl`, args: ['--n', String(counts.refs), '--kinds', 'ref'] },
    { name: `deconf-s1-q${counts.queries}-query.jsonl`, args: ['--queries', String(counts.queries), '--kinds', 'query'] },
    {
      name: `deconf-s1-n${counts.refs}-w${counts.writes}-write.jsonl`,
      args: ['--n', String(counts.refs), '--writes', String(counts.writes), '--kinds', 'write'],
    },
  ];
  const files: string[] = [];
  const commands: string[] = [];
  for (const { name, args } of wanted) {
    const file = join(CACHE_DIR, name);
    const fullArgs = ['--seed', '1', ...args];
    commands.push(`node ${gen} ${fullArgs.join(' ')} --out ${file}`);
    files.push(file);
    if (existsSync(file)) continue;
    log(`generating ${name} with gen.mjs ${fullArgs.join(' ')} ...`);
    const startedMs = performance.now();
    const partial = `${file}.partial`;
    await runNode(gen, [...fullArgs, '--out', partial]);
    renameSync(partial, file);
    log(`generated ${name} in ${((performance.now() - startedMs) / 1000).toFixed(1)} s`);
  }
  return { files, commands };
}

function runNode(script: string, args: readonly string[]): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`gen.mjs ${args.join(' ')} failed (${signal ?? `exit ${code}`})`));
    });
  });
}
