/**
 * Parley roles as child processes for end-to-end tests: free loopback ports, `parley …` started
 * from bin/parley.mjs without the caller's PARLEY_* settings, readiness by /healthz, and a stop
 * that escalates to SIGKILL; plus a small JSON HTTP client.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const STARTUP_MS = 45_000;
const STOP_MS = 5_000;

export interface Child {
  readonly name: string;
  readonly url: string;
  readonly process: ChildProcess;
  /** Its exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;
  /** Everything it wrote (stdout and stderr), for failure messages and leak scans. */
  output(): string;
}

/** Distinct free loopback ports: all held at once, then released for the children to take. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/** The environment of a child: ours without any PARLEY_* setting, plus `extra`. */
export function childEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined && !name.startsWith('PARLEY_')) env[name] = value;
  return { ...env, ...extra };
}

/** Runs `parley …` in the background; the caller stops it (`stop`). */
export function spawnParley(name: string, url: string, args: readonly string[]): Child {
  const child = spawn(process.execPath, ['bin/parley.mjs', ...args], {
    cwd: REPO,
    env: childEnv({ PARLEY_LOG_LEVEL: 'info', PARLEY_STORE_SYNCHRONOUS: 'NORMAL' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, url, process: child, exited, output: () => text };
}

/** SIGTERM, then SIGKILL if it has not exited within STOP_MS; says how it ended. */
export async function stop(child: Child): Promise<{ readonly code: number | null; readonly killed: boolean }> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return { code: child.process.exitCode, killed: false };
  child.process.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const stopped = await Promise.race([
    child.exited.then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), STOP_MS))),
  ]);
  clearTimeout(timer);
  if (stopped) return { code: await child.exited, killed: false };
  child.process.kill('SIGKILL');
  return { code: await child.exited, killed: true };
}

/** Waits until the child's /healthz answers 200; fails at once if it exits. */
export async function ready(child: Child): Promise<void> {
  const deadline = Date.now() + STARTUP_MS;
  let exited = false;
  void child.exited.then(() => (exited = true));
  for (;;) {
    if (exited) assert.fail(`${child.name} exited before answering /healthz:\n${child.output()}`);
    try {
      const response = await fetch(`${child.url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) assert.fail(`${child.name} did not answer /healthz within ${STARTUP_MS} ms:\n${child.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface Answer {
  readonly status: number;
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read what they assert
  readonly text: string;
}

export async function call(url: string, method: string, token: string | undefined, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text };
}

/** `parley_agent_events_total{event="planning.stale_key"}` of one agent (0 before the first). */
