/** Command-line options of `npm run bench -- strategic`; every problem is reported at once. */
import { parseArgs } from 'node:util';

export interface StrategicOptions {
  /** Workload files; empty means "generate seed-1 files for refs/queries/writes". */
  readonly workloads: readonly string[];
  /** References to load; undefined with --workload means all in the files. */
  readonly refs: number | undefined;
  readonly queries: number;
  readonly writes: number;
  readonly warmup: number;
  readonly writeConcurrency: number;
  readonly connections: number;
  readonly putConnections: number;
  readonly httpPuts: number;
  readonly sameCellSeconds: number;
  readonly sameCellIds: number;
  readonly synchronous: 'FULL' | 'NORMAL';
  readonly http: boolean;
  readonly profileDir: string | undefined;
}

export const STRATEGIC_USAGE = `usage: npm run bench -- strategic [--workload FILE ...] [--refs N] [--queries Q] [--writes W]
  --workload FILE        deconf-workload/1 JSONL (repeatable: refs, queries and writes files);
                         omitted: seed-1 files for N/Q/W are generated into bench/.cache/
  --refs N               references to load (default 100000, or all in --workload files)
  --queries Q            queries to time (default 10000)
  --writes W             checked writes to time in process (default 10000)
  --warmup K             untimed warm-up queries before each query phase (default 1000)
  --write-concurrency C  in-process writes in flight (default 32; 1 = one at a time)
  --connections C        HTTP keep-alive connections for queries and same-cell PUTs (default 8)
  --put-connections C    HTTP connections for non-overlapping PUTs (default 32)
  --http-puts P          non-overlapping PUTs over HTTP (default 5000)
  --samecell-seconds S   duration of the same-cell PUT phase (default 5)
  --samecell-ids K       intents each same-cell connection keeps updating (default 2)
  --synchronous MODE     SQLite synchronous: FULL (default, fsync per group commit) or NORMAL
  --no-http              skip the HTTP phases
  --profile DIR          write a CPU profile of the broker per phase to DIR and print top functions
Last stdout line: one JSON object; progress and human text go to stderr.`;

function integer(name: string, text: string | undefined, fallback: number, min: number, max: number, problems: string[]): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`--${name} must be a whole number from ${min} to ${max}, not "${text}"`);
    return fallback;
  }
  return value;
}

/** A command line the bench cannot run: print it with the usage and exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Parses the options; throws a UsageError listing every problem. */
export function parseStrategicOptions(argv: readonly string[]): StrategicOptions {
  let parsed;
  try {
    parsed = parseOptionValues(argv);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  const problems: string[] = [];
  const workloads = values.workload ?? [];
  const refs =
    values.refs === undefined && workloads.length > 0 ? undefined : integer('refs', values.refs, 100_000, 0, 50_000_000, problems);
  const synchronous = (values.synchronous ?? 'FULL').toUpperCase();
  if (synchronous !== 'FULL' && synchronous !== 'NORMAL') problems.push(`--synchronous must be FULL or NORMAL, not "${values.synchronous}"`);
  const options: StrategicOptions = {
    workloads,
    refs,
    queries: integer('queries', values.queries, 10_000, 0, 10_000_000, problems),
    writes: integer('writes', values.writes, 10_000, 0, 10_000_000, problems),
    warmup: integer('warmup', values.warmup, 1_000, 0, 10_000_000, problems),
    writeConcurrency: integer('write-concurrency', values['write-concurrency'], 32, 1, 4096, problems),
    connections: integer('connections', values.connections, 8, 1, 1024, problems),
    putConnections: integer('put-connections', values['put-connections'], 32, 1, 1024, problems),
    httpPuts: integer('http-puts', values['http-puts'], 5_000, 0, 1_000_000, problems),
    sameCellSeconds: integer('samecell-seconds', values['samecell-seconds'], 5, 0, 3600, problems),
    sameCellIds: integer('samecell-ids', values['samecell-ids'], 2, 1, 1000, problems),
    synchronous: synchronous === 'NORMAL' ? 'NORMAL' : 'FULL',
    http: values['no-http'] !== true,
    profileDir: values.profile,
  };
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return options;
}

function parseOptionValues(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      workload: { type: 'string', multiple: true },
      refs: { type: 'string' },
      queries: { type: 'string' },
      writes: { type: 'string' },
      warmup: { type: 'string' },
      'write-concurrency': { type: 'string' },
      connections: { type: 'string' },
      'put-connections': { type: 'string' },
      'http-puts': { type: 'string' },
      'samecell-seconds': { type: 'string' },
      'samecell-ids': { type: 'string' },
      synchronous: { type: 'string' },
      'no-http': { type: 'boolean' },
      profile: { type: 'string' },
    },
  });
}
