/** Runs load-child.ts in its own process and returns its summary (progress stays on stderr). */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ChildLoad {
  readonly refs: number;
  readonly loadMs: number;
  readonly storeMs: number;
  readonly files: ReadonlyArray<{ file: string; md5: string; bytes: number; seed: number | null }>;
}

export async function loadInChild(
  dbPath: string,
  options: {
    readonly nowMs: number;
    readonly synchronous: 'FULL' | 'NORMAL';
    readonly refs: number;
    readonly expectedRefs: number;
    readonly files: readonly string[];
  },
): Promise<ChildLoad> {
  const script = fileURLToPath(new URL('./load-child.ts', import.meta.url));
  const args = ['--import', 'tsx', script, dbPath, String(options.nowMs), options.synchronous, String(options.refs), String(options.expectedRefs), ...options.files];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`Cannot load the workload: the loader process exited with ${code}`);
  const last = out.trim().split('\n').pop() ?? '';
  const parsed = JSON.parse(last) as Omit<ChildLoad, 'files'> & {
    files: Array<{ file: string; md5: string; bytes: number; meta?: { seed?: number } }>;
  };
  return { ...parsed, files: parsed.files.map((f) => ({ file: f.file, md5: f.md5, bytes: f.bytes, seed: f.meta?.seed ?? null })) };
}
