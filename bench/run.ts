/**
 * `npm run bench -- <name> [options]`: runs one benchmark. Each prints progress and human
 * text on stderr and, as its last stdout line, one JSON object with its figures.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AGENTS_USAGE, runAgentsBench } from './agents/agents-bench.js';
import { LOG_USAGE, runLogBench } from './log/log-bench.js';
import { runStrategic } from './strategic/run-strategic.js';
import { STRATEGIC_USAGE, UsageError } from './strategic/strategic-options.js';
import { CACHE_DIR, REPO_ROOT, ensureGeneratedWorkload } from './strategic/workload-files.js';

const INDEX_MICRO = join(REPO_ROOT, 'bench/index-micro.ts');

const USAGE = `usage: npm run bench -- <benchmark> [options]
benchmarks:
  strategic   broker end to end on a deconf-workload/1 file: in-process queries and checked
              writes, HTTP on loopback, memory (see: npm run bench -- strategic --help)
  index       VolumeIndex micro-benchmark (bench/index-micro.ts)
  log         the verifiable log: hashing, tree appends, broker appends, proofs (--entries N)
  agents      planning through a broker and three agents on loopback: isolated and contended
              plans, peer details with tickets (--plans N --concurrency C)`;

/**
 * Points index-micro at the seed-1 files (1M refs, 10k queries, 10k writes) the strategic
 * bench caches, generating them first on a machine that has none, unless files are given.
 */
async function indexDefaults(args: readonly string[]): Promise<string[]> {
  const given = (flag: string) => args.some((a) => a.startsWith(flag));
  if (given('--refs') && given('--queries')) return [];
  const refs = join(CACHE_DIR, 'deconf-s1-n1000000-ref.jsonl');
  const queries = join(CACHE_DIR, 'deconf-s1-q10000-query.jsonl');
  if (!existsSync(refs) || !existsSync(queries)) {
    await ensureGeneratedWorkload({ refs: 1_000_000, queries: 10_000, writes: 10_000 }, (line) => process.stderr.write(`${line}\n`));
  }
  const defaults: string[] = [];
  if (!given('--refs')) defaults.push('--refs', refs);
  if (!given('--queries')) defaults.push('--queries', queries);
  return defaults;
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  switch (name) {
    case 'strategic':
      if (rest.includes('--help') || rest.includes('-h')) {
        process.stderr.write(`${STRATEGIC_USAGE}\n`);
        return 0;
      }
      try {
        await runStrategic(rest);
      } catch (error) {
        if (error instanceof UsageError) {
          process.stderr.write(`bench strategic: ${error.message}\n${STRATEGIC_USAGE}\n`);
          return 2;
        }
        process.stderr.write(`bench strategic: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        return 1;
      }
      return 0;
    case 'log':
      if (rest.includes('--help') || rest.includes('-h')) {
        process.stderr.write(`${LOG_USAGE}\n`);
        return 0;
      }
      try {
        await runLogBench(rest);
      } catch (error) {
        process.stderr.write(`bench log: ${error instanceof Error ? error.message : String(error)}\n${LOG_USAGE}\n`);
        return 1;
      }
      return 0;
    case 'agents':
      if (rest.includes('--help') || rest.includes('-h')) {
        process.stderr.write(`${AGENTS_USAGE}\n`);
        return 0;
      }
      try {
        await runAgentsBench(rest);
      } catch (error) {
        process.stderr.write(`bench agents: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n${AGENTS_USAGE}\n`);
        return 1;
      }
      return 0;
    case 'index': {
      if (!existsSync(INDEX_MICRO)) {
        process.stderr.write('bench index: bench/index-micro.ts does not exist yet\n');
        return 2;
      }
      const defaults = await indexDefaults(rest);
      const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', INDEX_MICRO, ...defaults, ...rest], {
        stdio: 'inherit',
      });
      return child.status ?? 1;
    }
    default:
      process.stderr.write(`${name === undefined ? '' : `unknown benchmark "${name}"\n`}${USAGE}\n`);
      return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
