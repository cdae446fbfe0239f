/**
 * Storage benchmarks for the SQLite store (numbers for docs/benchmarks).
 *   node --import tsx bench/storage/store-bench.ts open 1000000      bulk load, then time a reopen
 *   node --import tsx bench/storage/store-bench.ts writes FULL 64 5  small units/s: sync, clients, seconds
 * Files go to a temporary directory that is removed afterwards.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/adapters/storage/sqlite/sqlite-store.js';
import type { IntentRecord } from '../../src/app/ports/store.js';
import type { Volume4D } from '../../src/domain/geo/volume-4d.js';
import type { IntentId, PartyId } from '../../src/domain/ids.js';

const T0 = Date.UTC(2030, 0, 1);
const DAY = 86_400_000;

/** Deterministic PRNG (mulberry32), so runs are comparable. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 600 × 600 km region around (45°, 5°): one random 1–2 km, 0.5–2 h square per volume. */
function syntheticVolume(rand: () => number): Volume4D {
  const lat = 42.3 + rand() * 5.4;
  const lng = 1.2 + rand() * 7.6;
  const size = 0.01 + rand() * 0.01;
  const start = T0 + Math.floor(rand() * DAY);
  const low = Math.floor(rand() * 100);
  return {
    footprint: {
      kind: 'polygon',
      vertices: [
        { lat, lng },
        { lat, lng: lng + size },
        { lat: lat + size, lng: lng + size },
        { lat: lat + size, lng },
      ],
    },
    altitudeLowerM: low,
    altitudeUpperM: low + 50 + Math.floor(rand() * 100),
    startMs: start,
    endMs: start + 1_800_000 + Math.floor(rand() * 5_400_000),
  };
}

function* syntheticIntents(count: number, seed: number): Generator<IntentRecord> {
  const rand = random(seed);
  for (let n = 0; n < count; n++) {
    const extents = [syntheticVolume(rand), syntheticVolume(rand)];
    yield {
      id: `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}` as IntentId,
      manager: `uss-${n % 7}` as PartyId,
      version: 1,
      state: 'Accepted',
      ovn: `ovn-${n}`,
      extents,
      ussBaseUrl: 'https://uss.example/uss',
      subscriptionId: null,
      timeStartMs: Math.min(extents[0]!.startMs, extents[1]!.startMs),
      timeEndMs: Math.max(extents[0]!.endMs, extents[1]!.endMs),
      updatedAtMs: T0,
    };
  }
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

async function benchOpen(count: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-store-bench-'));
  const path = join(dir, 'bench.db');
  try {
    let t = performance.now();
    const store = await openSqliteStore({ path });
    await store.bulkLoadIntents(syntheticIntents(count, 1));
    const loadS = (performance.now() - t) / 1000;
    await store.close();
    console.log(`bulk load ${count} intents: ${loadS.toFixed(2)} s (${Math.round(count / loadS)}/s), file ${mib(statSync(path).size)}`);
    globalThis.gc?.();
    const rssBefore = process.memoryUsage().rss;
    t = performance.now();
    const reopened = await openSqliteStore({ path });
    const openS = (performance.now() - t) / 1000;
    globalThis.gc?.();
    const rss = process.memoryUsage().rss;
    console.log(`reopen with ${reopened.stats().intents} intents: ${openS.toFixed(2)} s, RSS +${mib(rss - rssBefore)} (total ${mib(rss)})`);
    await reopened.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchWrites(synchronous: 'FULL' | 'NORMAL', clients: number, seconds: number, preload: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-store-bench-'));
  try {
    const store = await openSqliteStore({ path: join(dir, 'bench.db'), synchronous });
    if (preload > 0) await store.bulkLoadIntents(syntheticIntents(preload, 1));
    const writes = syntheticIntents(10_000_000, 2);
    const rand = random(3);
    let committed = 0;
    const latencies: number[] = [];
    const until = performance.now() + seconds * 1000;
    // Each client: one small unit at a time, like one HTTP request per unit; a timer turn
    // between units lets the queue batch whatever arrived meanwhile.
    const client = async () => {
      while (performance.now() < until) {
        const record = writes.next().value as IntentRecord;
        const started = performance.now();
        await store.transact(async (tx) => {
          await tx.intents.findIntersecting(record.extents, { limit: 100 });
          await tx.intents.put(record);
        });
        latencies.push(performance.now() - started);
        committed++;
        if (rand() < 0.5) await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const t = performance.now();
    await Promise.all(Array.from({ length: clients }, client));
    const s = (performance.now() - t) / 1000;
    latencies.sort((a, b) => a - b);
    const p = (q: number) => latencies[Math.floor(q * (latencies.length - 1))]!.toFixed(2);
    console.log(
      `writes synchronous=${synchronous} clients=${clients} preload=${preload}: ${Math.round(committed / s)} units/s, ` +
        `latency p50 ${p(0.5)} ms p99 ${p(0.99)} ms`,
    );
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const [mode = 'open', ...args] = process.argv.slice(2);
if (mode === 'open') await benchOpen(Number(args[0] ?? 100_000));
else if (mode === 'writes') {
  await benchWrites((args[0] ?? 'FULL') as 'FULL' | 'NORMAL', Number(args[1] ?? 64), Number(args[2] ?? 5), Number(args[3] ?? 0));
} else throw new Error(`Unknown mode "${mode}": expected open or writes`);
