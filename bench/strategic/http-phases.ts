/**
 * Phase (c): the real fastify app on a loopback port in this (the broker's) process, driven by
 * bench/http-client.ts in another process over keep-alive connections. Queries first (with 1,
 * 2 and `connections` connections), then `between` (the in-process writes), then
 * non-overlapping PUTs and same-cell PUTs.
 */
import type { BenchBroker } from './bench-broker.js';
import { HttpClientProcess } from './http-client-process.js';
import type { PutPhaseResult, QueryPhaseResult, SameCellPhaseResult } from './http-protocol.js';
import { summarizeChildProfile, type PhaseProfiler } from './phase-profiler.js';
import type { StrategicOptions } from './strategic-options.js';
import { toWireVolume, type WorkloadQuery } from './workload-records.js';

const SC = 'utm.strategic_coordination';
const PUT_PARTIES = ['uss1', 'uss2', 'uss3', 'uss4'];
const SAME_CELL_PREFIX = 'uss-s';

export interface HttpPhaseResults {
  /** One run per connection count (1, 2 and `--connections`), in that order. */
  readonly queryRuns: readonly QueryPhaseResult[];
  /** The run with `--connections`. */
  readonly query: QueryPhaseResult;
  readonly put: PutPhaseResult;
  readonly sameCell: SameCellPhaseResult;
  readonly sameCell1: SameCellPhaseResult;
}

export async function runHttpPhases<W>(
  broker: BenchBroker,
  context: {
    readonly options: StrategicOptions;
    readonly t0Ms: number;
    readonly queries: readonly WorkloadQuery[];
    readonly profiler: PhaseProfiler;
    readonly log: (line: string) => void;
    readonly between: () => Promise<W>;
  },
): Promise<{ http: HttpPhaseResults; between: W }> {
  const { options, profiler, log } = context;
  const { url } = await broker.listen();
  const partyTokens: Record<string, string> = {};
  const sameCellParties = Array.from({ length: options.connections }, (_, c) => `${SAME_CELL_PREFIX}${c}`);
  for (const party of [...PUT_PARTIES, ...sameCellParties]) partyTokens[party] = await broker.token(party, [SC]);
  const client = await HttpClientProcess.start(
    {
      type: 'setup',
      baseUrl: url,
      readerToken: await broker.token('bench-observer', [SC]),
      partyTokens,
      queryIds: context.queries.map((q) => q.id),
      queryBodies: context.queries.map((q) => JSON.stringify({ area_of_interest: toWireVolume(q.volume) })),
      t0Ms: context.t0Ms,
    },
    options.profileDir === undefined ? {} : { cpuProfDir: options.profileDir },
  );
  try {
    log(`HTTP broker at ${url}; client process started`);
    const queryRuns: QueryPhaseResult[] = [];
    for (const connections of [...new Set([1, 2, options.connections])].sort((a, b) => a - b)) {
      const run = await profiler.profile(`http-query-${connections}conn`, () =>
        client.run<QueryPhaseResult>({ type: 'query', connections, warmup: options.warmup }),
      );
      log(describeQuery(run));
      queryRuns.push(run);
    }
    const query = queryRuns.find((r) => r.connections === options.connections)!;

    const between = await context.between();

    const put = await profiler.profile('http-put', () =>
      client.run<PutPhaseResult>({ type: 'put', connections: options.putConnections, count: options.httpPuts, parties: PUT_PARTIES }),
    );
    log(
      `HTTP non-overlapping PUT × ${put.connections} connections: ${put.perS}/s, ${put.succeeded}/${options.httpPuts} created, ` +
        `p50 ${put.latency.p50_ms} ms, p99 ${put.latency.p99_ms} ms${errorsText(put.errors)}`,
    );
    const sameCellCommand = {
      type: 'samecell',
      seconds: options.sameCellSeconds,
      idsPerConnection: options.sameCellIds,
      partyPrefix: SAME_CELL_PREFIX,
    } as const;
    const sameCell = await profiler.profile('http-samecell', () =>
      client.run<SameCellPhaseResult>({ ...sameCellCommand, connections: options.connections }),
    );
    log(describeSameCell(sameCell));
    const sameCell1 = await client.run<SameCellPhaseResult>({ ...sameCellCommand, connections: 1 });
    log(describeSameCell(sameCell1));
    return { http: { queryRuns, query, put, sameCell, sameCell1 }, between };
  } finally {
    await client.close();
    if (options.profileDir !== undefined && client.pid !== undefined) {
      summarizeChildProfile(options.profileDir, client.pid, 'http-client', log);
    }
  }
}

function errorsText(errors: Readonly<Record<string, number>>): string {
  const entries = Object.entries(errors);
  return entries.length === 0 ? '' : `; errors: ${entries.map(([k, n]) => `${n} × ${k}`).join('; ')}`;
}

function describeQuery(r: QueryPhaseResult): string {
  return (
    `HTTP query × ${r.connections} connection(s): p50 ${r.latency.p50_ms} ms, p99 ${r.latency.p99_ms} ms, ${r.qps} q/s, ` +
    `${r.hitsPerQuery} hits/query, checksum ${r.hitsChecksum}${errorsText(r.errors)}`
  );
}

function describeSameCell(r: SameCellPhaseResult): string {
  return (
    `HTTP same-cell PUT × ${r.connections} connection(s): ${r.perS}/s ok, ${r.attemptsPerS}/s attempts, ` +
    `${r.conflicts} × 409, ${r.intents} intents in the cell, ~${r.keySize} OVNs/key, p50 ${r.latency.p50_ms} ms${errorsText(r.errors)}`
  );
}
