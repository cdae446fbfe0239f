/**
 * Optional CPU profiles of the broker process, one per bench phase (`--profile DIR`): each
 * phase's .cpuprofile is written to DIR (open it in Chrome DevTools) and its top functions by
 * self time are printed to stderr, so the report can say where the time goes.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './workload-files.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

export interface PhaseProfiler {
  /** Runs `work` with the profiler on when profiling; returns its result. */
  profile<T>(phase: string, work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const NO_PROFILER: PhaseProfiler = { profile: (_phase, work) => work(), close: async () => {} };

/** Files are named `<prefix>-<phase>.cpuprofile`; the prefix says whose process it is (default broker). */
export async function createPhaseProfiler(dir: string | undefined, log: (line: string) => void, options: { readonly prefix?: string } = {}): Promise<PhaseProfiler> {
  if (dir === undefined) return NO_PROFILER;
  mkdirSync(dir, { recursive: true });
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  return {
    async profile(phase, work) {
      await session.post('Profiler.start');
      try {
        return await work();
      } finally {
        const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
        const file = join(dir, `${options.prefix ?? 'broker'}-${phase}.cpuprofile`);
        writeFileSync(file, JSON.stringify(profile));
        log(`profile ${phase} → ${file}\n${summarize(profile, 15)}`);
      }
    },
    async close() {
      await session.post('Profiler.disable');
      session.disconnect();
    },
  };
}

/**
 * Renames the main-thread profile a child wrote with --cpu-prof (CPU.<date>.<time>.<pid>.0.<seq>)
 * to `<name>.cpuprofile` and prints its top functions. Other threads' profiles (tsx's loader)
 * stay as written.
 */
export function summarizeChildProfile(dir: string, pid: number, name: string, log: (line: string) => void): void {
  const main = readdirSync(dir).find((f) => f.startsWith('CPU.') && f.includes(`.${pid}.0.`) && f.endsWith('.cpuprofile'));
  if (main === undefined) {
    log(`profile ${name}: no CPU profile of process ${pid} found in ${dir}`);
    return;
  }
  const file = join(dir, `${name}.cpuprofile`);
  renameSync(join(dir, main), file);
  log(`profile ${name} (whole process) → ${file}\n${summarize(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, 15)}`);
}

/** Top functions by self time, with their share of the phase. */
export function summarize(profile: CpuProfile, top: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let totalUs = 0;
  for (let i = 0; i < samples.length; i++) {
    const dt = deltas[i + 1] ?? 0;
    selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + dt);
    totalUs += dt;
  }
  const byFunction = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) continue;
    const where = frame.url === '' ? '' : ` ${shortUrl(frame.url)}${frame.lineNumber > 0 ? `:${frame.lineNumber + 1}` : ''}`;
    const name = `${frame.functionName || '(anonymous)'}${where}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  }
  const rows = [...byFunction.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return rows
    .map(([name, us]) => `  ${((100 * us) / Math.max(1, totalUs)).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`)
    .join('\n');
}

function shortUrl(url: string): string {
  const path = url.startsWith('file://') ? new URL(url).pathname : url;
  const rel = relative(REPO_ROOT, path);
  return rel.startsWith('node_modules') || !rel.startsWith('..') ? rel.replace(/^node_modules\//, '~/') : path;
}
