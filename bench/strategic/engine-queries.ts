/**
 * Phase (a): the app's `queryIntents(ctx, area)` use case, in process, one query at a time
 * (single-threaded, awaited), on the workload's queries. Conversion of the query volumes to
 * the domain happens before the clock starts; a warm-up pass lets the JIT settle first.
 */
import type { BrokerContext } from '../../src/app/broker-context.js';
import { queryIntents } from '../../src/app/intents/read-intents.js';
import type { Volume4D } from '../../src/domain/geo/volume-4d.js';
import { HitChecksum, HIT_CHECKSUM_ALGORITHM } from './hit-checksum.js';
import { Latencies, ratePerS, round3, type LatencySummary } from './latency.js';
import { toDomainVolume, type WorkloadQuery } from './workload-records.js';

export interface EngineQueryTiming {
  readonly latency: LatencySummary;
  readonly qps: number;
  readonly warmupQueries: number;
  /** Ids of each query's hits, in query order. */
  readonly hitIds: readonly (readonly string[])[];
}

export interface EngineQueryResult extends Omit<EngineQueryTiming, 'hitIds'> {
  readonly hitsPerQuery: number;
  readonly hitsChecksum: string;
  readonly checksumAlgorithm: string;
}

export async function measureEngineQueries(
  ctx: BrokerContext,
  queries: readonly WorkloadQuery[],
  options: { readonly warmup: number },
): Promise<EngineQueryTiming> {
  const areas: Volume4D[] = queries.map((q) => toDomainVolume(q.volume));
  const warmup = Math.min(options.warmup, areas.length);
  for (let i = 0; i < warmup; i++) await queryIntents(ctx, areas[i]!);

  const latencies = new Latencies(areas.length);
  const hitIds: string[][] = new Array<string[]>(areas.length);
  const startedMs = performance.now();
  for (let i = 0; i < areas.length; i++) {
    const t = performance.now();
    const hits = await queryIntents(ctx, areas[i]!);
    latencies.add(performance.now() - t);
    hitIds[i] = hits.map((h) => h.id);
  }
  const elapsedMs = performance.now() - startedMs;
  return { latency: latencies.summary(), qps: ratePerS(areas.length, elapsedMs), warmupQueries: warmup, hitIds };
}

/** Adds hit statistics and the checksum to a timing (kept apart so profiles of the timed phase exclude it). */
export function withHitSummary(queries: readonly WorkloadQuery[], timing: EngineQueryTiming): EngineQueryResult {
  const checksum = new HitChecksum();
  for (let i = 0; i < queries.length; i++) checksum.add(queries[i]!.id, timing.hitIds[i]!);
  return {
    latency: timing.latency,
    qps: timing.qps,
    warmupQueries: timing.warmupQueries,
    hitsPerQuery: queries.length === 0 ? 0 : round3(checksum.hits / queries.length),
    hitsChecksum: checksum.hex(),
    checksumAlgorithm: HIT_CHECKSUM_ALGORITHM,
  };
}
