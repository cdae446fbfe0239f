/**
 * `npm run bench -- strategic`: loads N workload references into a real SQLite store, then
 * measures (a) in-process queries, (b) in-process checked writes, (c) the HTTP API over
 * loopback from a separate client process, (d) resident memory. Order: load, RSS, (a), HTTP
 * queries (same state as (a), so their hit checksums must agree), (b), HTTP writes.
 * The last stdout line is the JSON result; everything else goes to stderr.
 */
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createBenchDir, openBenchBroker } from './bench-broker.js';
import { loadInChild } from './load-in-child.js';
import { measureEngineQueries, withHitSummary } from './engine-queries.js';
import { measureEngineWrites, type EngineWriteResult } from './engine-writes.js';
import { HIT_CHECKSUM_ALGORITHM } from './hit-checksum.js';
import { runHttpPhases, type HttpPhaseResults } from './http-phases.js';
import { round1 } from './latency.js';
import { loadWorkload } from './load-workload.js';
import { createPhaseProfiler } from './phase-profiler.js';
import { parseStrategicOptions } from './strategic-options.js';
import { ensureGeneratedWorkload } from './workload-files.js';
import { readMeta } from './workload-reader.js';

const DEFAULT_T0 = '2025-01-01T00:00:00Z';
const HOUR_MS = 3_600_000;
const MB = 1024 * 1024;

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

export async function runStrategic(argv: readonly string[]): Promise<void> {
  const options = parseStrategicOptions(argv);
  const startedMs = performance.now();
  const machine = {
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model ?? 'unknown',
    mem_gb: round1(totalmem() / 1024 ** 3),
    free_mem_gb: round1(freemem() / 1024 ** 3),
    loadavg_start: loadavg().map(round1),
    node: process.version,
  };
  log(`strategic bench: ${machine.cpus} × ${machine.cpu_model}, load ${machine.loadavg_start.join(' ')}, node ${machine.node}`);

  const files =
    options.workloads.length > 0
      ? options.workloads
      : (
          await ensureGeneratedWorkload(
            { refs: options.refs ?? 100_000, queries: options.queries, writes: options.writes },
            log,
          )
        ).files;
  let t0 = DEFAULT_T0;
  let refsInFiles = 0;
  for (const file of files) {
    const meta = await readMeta(file);
    if (meta?.type !== 'meta') continue;
    t0 = meta.t0;
    if (meta.kinds?.includes('ref') !== false) refsInFiles += meta.n;
  }
  const expectedRefs = refsInFiles > 0 ? Math.min(options.refs ?? Infinity, refsInFiles) : (options.refs ?? 0);
  const t0Ms = Date.parse(t0);
  // Fixed an hour before the horizon: every workload volume is in the future and ends well
  // within the 30-day OiMaxPlanHorizon (the synthetic HTTP volumes end by day 30 at most).
  const nowMs = t0Ms - HOUR_MS;

  // Load in a child process, then open the file here as a restarted broker: this process's
  // memory then holds the broker's state and nothing of the JSON parsing.
  const at = createBenchDir();
  log(`loading ${options.refs ?? 'all'} refs from ${files.join(', ')} into ${at.dbPath} (synchronous=${options.synchronous})`);
  const child = await loadInChild(at.dbPath, { nowMs, synchronous: options.synchronous, refs: options.refs ?? Infinity, expectedRefs, files });
  const openStartedMs = performance.now();
  const broker = await openBenchBroker({ nowMs, synchronous: options.synchronous, at });
  const openMs = performance.now() - openStartedMs;
  const profiler = await createPhaseProfiler(options.profileDir, log);
  try {
    const rest = await loadWorkload(files, { refs: 0, queries: options.queries, writes: options.writes }, {
      store: broker.store,
      nowMs,
      expectedRefs: 0,
    });
    const loaded = { ...rest, refs: child.refs, loadMs: child.loadMs, storeMs: child.storeMs, files: child.files };
    const stored = broker.store.stats().intents;
    log(
      `loaded ${loaded.refs} refs (${stored} in store) in ${(loaded.loadMs / 1000).toFixed(1)} s ` +
        `(${(loaded.storeMs / 1000).toFixed(1)} s in bulkLoadIntents); reopened in ${(openMs / 1000).toFixed(1)} s; ` +
        `${loaded.queries.length} queries, ${loaded.writes.length} writes`,
    );
    if (options.refs !== undefined && loaded.refs < options.refs) log(`warning: the workload holds only ${loaded.refs} refs`);

    collectGarbage();
    const memory = process.memoryUsage();
    const rssMb = Math.round(memory.rss / MB);
    log(`memory after load: rss ${rssMb} MB, heap used ${Math.round(memory.heapUsed / MB)} MB, external+arrays ${Math.round((memory.external + memory.arrayBuffers) / MB)} MB`);

    const queries = withHitSummary(
      loaded.queries,
      await profiler.profile('engine-query', () => measureEngineQueries(broker.ctx, loaded.queries, { warmup: options.warmup })),
    );
    log(
      `engine queries: p50 ${queries.latency.p50_ms} ms, p99 ${queries.latency.p99_ms} ms, ${queries.qps} q/s, ` +
        `${queries.hitsPerQuery} hits/query, checksum ${queries.hitsChecksum}`,
    );

    const runWrites = () =>
      profiler.profile('engine-write', () =>
        measureEngineWrites(broker.ctx, loaded.writes, { concurrency: options.writeConcurrency }),
      );
    let http: HttpPhaseResults | undefined;
    let writes: EngineWriteResult;
    if (options.http) {
      // HTTP queries run before the writes, on the state the engine queries saw.
      const phases = await runHttpPhases(broker, { options, t0Ms, queries: loaded.queries, profiler, log, between: runWrites });
      http = phases.http;
      writes = phases.between;
    } else {
      writes = await runWrites();
    }
    log(
      `engine checked writes: ${writes.perS}/s with ${writes.concurrency} in flight, ${writes.succeeded}/${writes.attempted} ok, ` +
        `${writes.failed} failed, ${writes.retries} retried, ${writes.skipped} skipped, ${writes.conflictsPerWrite} OVNs/key, ` +
        `p50 ${writes.latency.p50_ms} ms`,
    );
    for (const run of http?.queryRuns ?? []) {
      if (run.hitsChecksum !== queries.hitsChecksum) {
        log(`warning: HTTP hit checksum ${run.hitsChecksum} (${run.connections} conn) differs from the engine's ${queries.hitsChecksum}`);
      }
    }

    const result = {
      bench: 'strategic',
      refs: loaded.refs,
      engine: {
        query_p50_ms: queries.latency.p50_ms,
        query_p99_ms: queries.latency.p99_ms,
        query_qps: queries.qps,
        checked_write_per_s: writes.perS,
        query_p95_ms: queries.latency.p95_ms,
        query_mean_ms: queries.latency.mean_ms,
        query_max_ms: queries.latency.max_ms,
        query_api: 'queryIntents(ctx, area)',
        hits_per_query: queries.hitsPerQuery,
        hits_checksum: queries.hitsChecksum,
        write_concurrency: writes.concurrency,
        write_attempted: writes.attempted,
        write_succeeded: writes.succeeded,
        write_failed: writes.failed,
        write_failures: writes.failures,
        write_retries: writes.retries,
        write_skipped: writes.skipped,
        conflicts_per_write: writes.conflictsPerWrite,
        write_p50_ms: writes.latency.p50_ms,
        write_p99_ms: writes.latency.p99_ms,
        put_p50_ms: writes.putLatency.p50_ms,
        put_p99_ms: writes.putLatency.p99_ms,
      },
      http: http === undefined ? null : httpJson(http, queries.hitsChecksum),
      rss_mb: rssMb,
      heap_used_mb: Math.round(memory.heapUsed / MB),
      max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      load_s: round1(loaded.loadMs / 1000),
      load_store_s: round1(loaded.storeMs / 1000),
      open_s: round1(openMs / 1000),
      load_refs_per_s: Math.round(loaded.refs / (loaded.loadMs / 1000)),
      queries: loaded.queries.length,
      writes: loaded.writes.length,
      synchronous: options.synchronous,
      hits_checksum_algorithm: HIT_CHECKSUM_ALGORITHM,
      workload: loaded.files.map((f) => ({ file: f.file, md5: f.md5, bytes: f.bytes, seed: f.seed })),
      machine: { ...machine, loadavg_end: loadavg().map(round1) },
      elapsed_s: round1((performance.now() - startedMs) / 1000),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await profiler.close();
    await broker.close();
  }
}

/**
 * Latency is reported with 2 keep-alive clients, as in the PostGIS baseline's "query p99,
 * 2 clients" (reference/strategic-perf.md); throughput with the most connections. At
 * saturation a p99 measures the queue, not the broker: every run is listed in query_runs.
 */
const LATENCY_CONNECTIONS = 2;

function httpJson(http: HttpPhaseResults, engineChecksum: string) {
  const latencyRun = http.queryRuns.find((r) => r.connections === LATENCY_CONNECTIONS) ?? http.query;
  return {
    query_p99_ms: latencyRun.latency.p99_ms,
    put_per_s: http.put.perS,
    samecell_put_per_s: http.sameCell.perS,
    query_p50_ms: latencyRun.latency.p50_ms,
    query_latency_connections: latencyRun.connections,
    query_qps: http.query.qps,
    query_connections: http.query.connections,
    query_runs: http.queryRuns.map((r) => ({
      connections: r.connections,
      p50_ms: r.latency.p50_ms,
      p95_ms: r.latency.p95_ms,
      p99_ms: r.latency.p99_ms,
      qps: r.qps,
      errors: Object.values(r.errors).reduce((a, b) => a + b, 0),
    })),
    hits_match_engine: http.queryRuns.every((r) => r.hitsChecksum === engineChecksum),
    put_connections: http.put.connections,
    put_succeeded: http.put.succeeded,
    put_p50_ms: http.put.latency.p50_ms,
    put_p99_ms: http.put.latency.p99_ms,
    put_errors: http.put.errors,
    samecell_connections: http.sameCell.connections,
    samecell_intents: http.sameCell.intents,
    samecell_attempts_per_s: http.sameCell.attemptsPerS,
    samecell_conflicts: http.sameCell.conflicts,
    samecell_succeeded: http.sameCell.succeeded,
    samecell_key_size: http.sameCell.keySize,
    samecell_p50_ms: http.sameCell.latency.p50_ms,
    samecell_errors: http.sameCell.errors,
    samecell_1conn_put_per_s: http.sameCell1.perS,
    samecell_1conn_p50_ms: http.sameCell1.latency.p50_ms,
  };
}

/** A full GC before measuring RSS, without needing --expose-gc on the command line. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  gc?.();
}

