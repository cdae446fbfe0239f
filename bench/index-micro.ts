/**
 * Micro-benchmark of the in-process VolumeIndex (not a test). Loads the first N references of
 * a deconf-workload/1 file, then runs the queries against it and reports insert rate, search
 * latency (index + exact test), mean hits, remove+insert churn rate and RSS.
 *
 *   node /work/shared/bench/workloads/gen.mjs --seed 1 --n 1000000 --kinds ref --out /tmp/refs.jsonl
 *   node /work/shared/bench/workloads/gen.mjs --seed 1 --queries 10000 --kinds query --out /tmp/queries.jsonl
 *   node --expose-gc --import tsx bench/index-micro.ts --refs /tmp/refs.jsonl --queries /tmp/queries.jsonl --n 100000,1000000
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { VolumeIndex } from '../src/domain/cells/volume-index.js';
import type { Volume4D } from '../src/domain/geo/volume-4d.js';

interface WorkloadVolume {
  polygon?: [number, number][];
  circle?: { center: [number, number]; radius_m: number };
  alt: [number, number];
  time: [string, string];
}

function toVolume(w: WorkloadVolume): Volume4D {
  const footprint = w.circle !== undefined
    ? { kind: 'circle' as const, center: { lat: w.circle.center[0], lng: w.circle.center[1] }, radiusM: w.circle.radius_m }
    : { kind: 'polygon' as const, vertices: (w.polygon ?? []).map(([lat, lng]) => ({ lat, lng })) };
  return {
    footprint,
    altitudeLowerM: w.alt[0],
    altitudeUpperM: w.alt[1],
    startMs: Date.parse(w.time[0]),
    endMs: Date.parse(w.time[1]),
  };
}

async function* records(file: string, type: string, limit: number): AsyncGenerator<Record<string, unknown>> {
  if (limit <= 0) return;
  const rl = createInterface({ input: createReadStream(file, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of rl) {
      if (!line.startsWith(`{"type":"${type}"`)) continue;
      yield JSON.parse(line) as Record<string, unknown>;
      if (++n >= limit) break;
    }
  } finally {
    rl.close();
  }
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

function rssMiB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss / 2 ** 20;
}

async function run(refsFile: string, queriesFile: string, n: number): Promise<void> {
  const queries: Volume4D[] = [];
  for await (const q of records(queriesFile, 'query', Infinity)) queries.push(toVolume(q['volume'] as WorkloadVolume));
  const rssBefore = rssMiB();
  const index = new VolumeIndex();
  const ids: string[] = [];
  const kept: Volume4D[][] = [];
  let insertMs = 0;
  for await (const r of records(refsFile, 'ref', n)) {
    const volumes = (r['volumes'] as WorkloadVolume[]).map(toVolume);
    const id = r['id'] as string;
    const t0 = performance.now();
    index.insert(id, volumes);
    insertMs += performance.now() - t0;
    if (ids.length < 20_000) {
      ids.push(id);
      kept.push(volumes);
    }
  }
  const rssAfter = rssMiB();
  for (let i = 0; i < 500; i++) index.search([queries[i % queries.length] as Volume4D], { limit: 10_000 });
  const lat = new Float64Array(queries.length);
  let hits = 0;
  const t0 = performance.now();
  queries.forEach((q, i) => {
    const s = performance.now();
    hits += index.search([q], { limit: 10_000 }).length;
    lat[i] = performance.now() - s;
  });
  const totalMs = performance.now() - t0;
  lat.sort();
  // A checked write: search the new volumes, then replace the entry.
  const w0 = performance.now();
  ids.forEach((id, i) => {
    const volumes = kept[i] as Volume4D[];
    index.search(volumes, { limit: 10_000 });
    index.remove(id);
    index.insert(id, volumes);
  });
  const writeMs = performance.now() - w0;
  console.log(JSON.stringify({
    n,
    entries: index.size,
    insertPerS: Math.round((n / insertMs) * 1000),
    searchP50Us: +(percentile(lat, 0.5) * 1000).toFixed(1),
    searchP99Us: +(percentile(lat, 0.99) * 1000).toFixed(1),
    searchMeanUs: +((totalMs / queries.length) * 1000).toFixed(1),
    qps: Math.round((queries.length / totalMs) * 1000),
    meanHits: +(hits / queries.length).toFixed(2),
    checkedWritesPerS: Math.round((ids.length / writeMs) * 1000),
    rssMiB: Math.round(rssAfter),
    indexRssMiB: Math.round(rssAfter - rssBefore),
    rssAtEndMiB: Math.round(rssMiB()),
    heapUsedMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
    arrayBuffersMiB: Math.round(process.memoryUsage().arrayBuffers / 2 ** 20),
  }));
}

const { values } = parseArgs({
  options: {
    refs: { type: 'string', default: '/tmp/refs-1000000.jsonl' },
    queries: { type: 'string', default: '/tmp/queries-10000.jsonl' },
    n: { type: 'string', default: '100000,1000000' },
  },
});
for (const n of (values.n ?? '').split(',').map(Number)) await run(values.refs as string, values.queries as string, n);
