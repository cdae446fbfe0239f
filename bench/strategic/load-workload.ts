/**
 * One pass over the workload files: references go into the store in batches (bulkLoadIntents,
 * each batch one SQLite transaction) while the file is still being read; queries and writes
 * are kept for the later phases. A progress bar on stderr follows the references.
 */
import cliProgress from 'cli-progress';
import type { SqliteStore } from '../../src/adapters/storage/sqlite/sqlite-store.js';
import type { IntentRecord } from '../../src/app/ports/store.js';
import { timeBounds } from '../../src/domain/geo/volume-4d.js';
import type { PartyId } from '../../src/domain/ids.js';
import { benchOvn, benchUuid, parseWorkloadId } from './bench-ids.js';
import { readWorkloadChunks } from './workload-reader.js';
import {
  toDomainVolume,
  WORKLOAD_FORMAT,
  type WorkloadMeta,
  type WorkloadQuery,
  type WorkloadRef,
  type WorkloadWrite,
} from './workload-records.js';

const BATCH = 20_000;

export interface LoadedWorkload {
  readonly refs: number;
  readonly queries: WorkloadQuery[];
  readonly writes: WorkloadWrite[];
  readonly files: ReadonlyArray<{ file: string; md5: string; bytes: number; meta: WorkloadMeta | undefined }>;
  /** Wall time of the whole pass, and the part spent inside bulkLoadIntents. */
  readonly loadMs: number;
  readonly storeMs: number;
}

export function ussBaseUrlOf(owner: string): string {
  return `https://${owner}.example.com/uss`;
}

/** The IntentRecord a workload reference becomes: Accepted, version 1, a reproducible OVN. */
export function refToIntent(ref: WorkloadRef, nowMs: number): IntentRecord {
  const parsed = parseWorkloadId(ref.id);
  if (parsed === undefined) throw new Error(`Cannot load workload reference "${ref.id}": expected an id like r123`);
  const extents = ref.volumes.map(toDomainVolume);
  const bounds = timeBounds(extents);
  return {
    id: benchUuid(parsed.kind, parsed.index),
    manager: ref.owner as PartyId,
    version: 1,
    state: 'Accepted',
    ovn: benchOvn(parsed.kind, parsed.index, 1),
    extents,
    ussBaseUrl: ussBaseUrlOf(ref.owner),
    subscriptionId: null,
    timeStartMs: bounds.startMs,
    timeEndMs: bounds.endMs,
    updatedAtMs: nowMs,
  };
}

export async function loadWorkload(
  files: readonly string[],
  counts: { readonly refs: number; readonly queries: number; readonly writes: number },
  options: {
    readonly store: SqliteStore;
    readonly nowMs: number;
    /** For the progress bar: how many references the files should yield. */
    readonly expectedRefs: number;
  },
): Promise<LoadedWorkload> {
  const startedMs = performance.now();
  const bar = new cliProgress.SingleBar(
    {
      format: 'load refs [{bar}] {percentage}% | {value}/{total} | {rate} refs/s | ETA {eta}s',
      stream: process.stderr,
      noTTYOutput: !process.stderr.isTTY,
      notTTYSchedule: 5_000,
      hideCursor: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(options.expectedRefs, 0, { rate: 0 });
  let loaded = 0;
  let storeMs = 0;
  let batch: IntentRecord[] = [];
  const queries: WorkloadQuery[] = [];
  const writes: WorkloadWrite[] = [];
  const summaries: Array<LoadedWorkload['files'][number]> = [];

  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const records = batch;
    batch = [];
    const t = performance.now();
    await options.store.bulkLoadIntents(records);
    storeMs += performance.now() - t;
    loaded += records.length;
    bar.update(loaded, { rate: Math.round(loaded / ((performance.now() - startedMs) / 1000)) });
  };

  try {
    for (const file of files) {
      let meta: WorkloadMeta | undefined;
      const reader = readWorkloadChunks(file, {
        limits: {
          ref: Math.max(0, counts.refs - loaded),
          query: Math.max(0, counts.queries - queries.length),
          write: Math.max(0, counts.writes - writes.length),
        },
      });
      let step = await reader.next();
      while (step.done !== true) {
        for (const record of step.value) {
          if (record.type === 'ref') {
            batch.push(refToIntent(record, options.nowMs));
            if (batch.length >= BATCH) await flush();
          } else if (record.type === 'query') queries.push(record);
          else if (record.type === 'write') writes.push(record);
          else if (record.type === 'meta') {
            if (record.format !== WORKLOAD_FORMAT) {
              throw new Error(`Cannot read "${file}": format is "${record.format}", expected "${WORKLOAD_FORMAT}"`);
            }
            meta = record;
          }
        }
        step = await reader.next();
      }
      await flush();
      summaries.push({ file, md5: step.value.md5, bytes: step.value.bytes, meta });
    }
  } finally {
    bar.stop();
  }
  return { refs: loaded, queries, writes, files: summaries, loadMs: performance.now() - startedMs, storeMs };
}
