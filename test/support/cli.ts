/** Runs `parley …` (bin/parley.mjs) as a child process, without the caller's PARLEY_* settings. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  /** stdout and stderr, interleaved as they came. */
  readonly out: string;
  /** Each stream alone, e.g. to parse the JSON a command prints while it talks on stderr. */
  readonly stdout: string;
  readonly stderr: string;
}

/** `input`, when given, is written to the child's stdin; either way stdin then ends (a child reading it sees EOF). */
export function runCli(args: readonly string[], options: { readonly timeoutMs?: number; readonly input?: string } = {}): Promise<CliRun> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined && !name.startsWith('PARLEY_')) env[name] = value;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/parley.mjs', ...args], { cwd: REPO, env, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.on('error', () => undefined); // a child that exits before reading its input is not our failure
    child.stdin.end(options.input ?? '');
    let out = '';
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => ((out += text), (stdout += text)));
    child.stderr.setEncoding('utf8').on('data', (text: string) => ((out += text), (stderr += text)));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, stdout, stderr });
    });
  });
}
