/**
 * Micro-benchmark of the in-process VolumeIndex (not a test). Loads the first N references of
 * a deconf-workload/1 file, then runs the queries against it and reports insert rate, search
 * latency (index + exact test), mean hits, remove+insert churn rate and RSS. With a write file,
 * it also times the broker's checked write against the index: a "write search" over each
 * write's volumes (as many ids as intersect, the write's own id skipped), then remove + insert.
 * Run one N per process for a clean RSS.
 *
 *   node /work/shared/bench/workloads/gen.mjs --seed 1 --n 1000000 --kinds ref --out /tmp/refs.jsonl
 *   node /work/shared/bench/workloads/gen.mjs --seed 1 --queries 10000 --kinds query --out /tmp/queries.jsonl
 *   node --expose-gc --import tsx bench/index-micro.ts --refs /tmp/refs.jsonl --queries /tmp/queries.jsonl --n 100000,1000000
 *   node --expose-gc --import tsx bench/index-micro.ts --n 1000000 \
 *     --refs bench/.cache/deconf-s1-n1000000-ref.jsonl --queries bench/.cache/deconf-s1-q10000-query.jsonl \
 *     --writes bench/.cache/deconf-s1-n1000000-w10000-write.jsonl [--cell-deg 0.2] [--bucket-h 2]
 */
import { createReadStream, existsSync } from 'node:fs';
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

interface Write {
  readonly id: string;
  readonly volumes: Volume4D[];
}

interface RunOptions {
  readonly refs: string;
  readonly queries: string;
  readonly writes: string | undefined;
  readonly cellDeg: number | undefined;
  readonly bucketMs: number | undefined;
}

async function run(options: RunOptions, n: number): Promise<void> {
  const queries: Volume4D[] = [];
  for await (const q of records(options.queries, 'query', Infinity)) queries.push(toVolume(q['volume'] as WorkloadVolume));
  const writes: Write[] = [];
  if (options.writes !== undefined) {
    for await (const w of records(options.writes, 'write', Infinity)) {
      writes.push({ id: w['id'] as string, volumes: (w['volumes'] as WorkloadVolume[]).map(toVolume) });
    }
  }
  const rssBefore = rssMiB();
  const index = new VolumeIndex({
    ...(options.cellDeg === undefined ? {} : { cellDeg: options.cellDeg }),
    ...(options.bucketMs === undefined ? {} : { bucketMs: options.bucketMs }),
  });
  const refsFile = options.refs;
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
  const w = writeSearch(index, writes);
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
    cellDeg: options.cellDeg ?? 'default',
    bucketH: options.bucketMs === undefined ? 'default' : options.bucketMs / 3_600_000,
    entries: index.size,
    insertPerS: Math.round((n / insertMs) * 1000),
    searchP50Us: +(percentile(lat, 0.5) * 1000).toFixed(1),
    searchP99Us: +(percentile(lat, 0.99) * 1000).toFixed(1),
    searchMeanUs: +((totalMs / queries.length) * 1000).toFixed(1),
    qps: Math.round((queries.length / totalMs) * 1000),
    meanHits: +(hits / queries.length).toFixed(2),
    checkedWritesPerS: Math.round((ids.length / writeMs) * 1000),
    ...w,
    rssMiB: Math.round(rssAfter),
    indexRssMiB: Math.round(rssAfter - rssBefore),
    rssAtEndMiB: Math.round(rssMiB()),
    heapUsedMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
    arrayBuffersMiB: Math.round(process.memoryUsage().arrayBuffers / 2 ** 20),
  }));
}

/**
 * The index side of a checked write: search the write's volumes (the write's own id, present
 * for an update, is skipped as the broker skips intents whose OVN is already in the key), then
 * replace the entry. Search and replace are timed apart, after an untimed pass of searches
 * alone (so the timed pass sees the workload's sequence of states: conflicts per write compare
 * with the PostGIS baseline's).
 */
function writeSearch(index: VolumeIndex, writes: readonly Write[]): Record<string, number> {
  if (writes.length === 0) return {};
  for (const w of writes) index.search(w.volumes, { limit: 10_000 });
  const lat = new Float64Array(writes.length);
  let hits = 0;
  let searchMs = 0;
  let replaceMs = 0;
  writes.forEach((w, i) => {
    const own = w.id;
    const t0 = performance.now();
    hits += index.search(w.volumes, { limit: 10_000, skip: (id) => id === own }).length;
    const t1 = performance.now();
    index.remove(own);
    index.insert(own, w.volumes);
    const t2 = performance.now();
    lat[i] = t1 - t0;
    searchMs += t1 - t0;
    replaceMs += t2 - t1;
  });
  lat.sort();
  return {
    writeSearchMeanUs: +((searchMs / writes.length) * 1000).toFixed(1),
    writeSearchP50Us: +(percentile(lat, 0.5) * 1000).toFixed(1),
    writeSearchP99Us: +(percentile(lat, 0.99) * 1000).toFixed(1),
    writeHits: +(hits / writes.length).toFixed(2),
    writeReplaceMeanUs: +((replaceMs / writes.length) * 1000).toFixed(1),
    writeSearchPlusReplaceUs: +(((searchMs + replaceMs) / writes.length) * 1000).toFixed(1),
  };
}

const CACHE = new URL('.cache/', import.meta.url).pathname;
const cached = (name: string): string | undefined => (existsSync(CACHE + name) ? CACHE + name : undefined);

const { values } = parseArgs({
  options: {
    refs: { type: 'string', default: cached('deconf-s1-n1000000-ref.jsonl') ?? '/tmp/refs-1000000.jsonl' },
    queries: { type: 'string', default: cached('deconf-s1-q10000-query.jsonl') ?? '/tmp/queries-10000.jsonl' },
    /** Writes of a deconf-workload/1 file; "none" skips the write search. */
    writes: { type: 'string', default: cached('deconf-s1-n1000000-w10000-write.jsonl') ?? 'none' },
    n: { type: 'string', default: '100000,1000000' },
    /** The index's grid; without them, VolumeIndex's defaults. */
    'cell-deg': { type: 'string' },
    'bucket-h': { type: 'string' },
  },
});
const runOptions: RunOptions = {
  refs: values.refs as string,
  queries: values.queries as string,
  writes: values.writes === 'none' ? undefined : values.writes,
  cellDeg: values['cell-deg'] === undefined ? undefined : Number(values['cell-deg']),
  bucketMs: values['bucket-h'] === undefined ? undefined : Number(values['bucket-h']) * 3_600_000,
};
for (const n of (values.n ?? '').split(',').map(Number)) await run(runOptions, n);
