/**
 * A checksum of query hit sets, so two runs (or the engine and the HTTP API in one run) can be
 * compared: FNV-1a 32 over `<query id>:<hit ids sorted, comma-separated>\n` for every query
 * in order, hit ids being workload ids (`r123`). It is our own definition: the PostGIS
 * baseline's checksum algorithm is not published, so compare hits per query with it instead.
 */
import { workloadIdOf } from './bench-ids.js';

export const HIT_CHECKSUM_ALGORITHM = 'fnv1a32("<qid>:<sorted workload ids>\\n" per query)';

export class HitChecksum {
  #hash = 0x811c9dc5;
  #queries = 0;
  #hits = 0;

  /** Adds one query's hits, given as benchmark UUIDs. */
  add(queryId: string, hitUuids: readonly string[]): void {
    const ids = hitUuids.map(workloadIdOf).sort(compareWorkloadIds);
    this.#hash = fnv1a(`${queryId}:${ids.join(',')}\n`, this.#hash);
    this.#queries++;
    this.#hits += ids.length;
  }

  get hits(): number {
    return this.#hits;
  }

  get queries(): number {
    return this.#queries;
  }

  hex(): string {
    return this.#hash.toString(16).padStart(8, '0');
  }
}

function compareWorkloadIds(a: string, b: string): number {
  if (a[0] !== b[0]) return a < b ? -1 : 1;
  return Number(a.slice(1)) - Number(b.slice(1));
}

function fnv1a(text: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
