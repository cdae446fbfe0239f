/**
 * Phase (b): checked writes in process, through `putIntent(ctx, caller, command)` on the
 * SQLite store. This harness plays every USS. As a USS queries the area before it plans (a
 * query, measured in phase a), the intersecting ids of every write are found before the clock
 * starts; each write's key is then the *current* OVN of each of them, tracked from the
 * answers. What is timed is the broker's checked write: key check against every intersecting
 * intent, write, notifications, group commit. A write whose key turns out stale (it meets an
 * intent written earlier in this phase) gets 409, searches again and retries, inside the timed
 * region. `concurrency` writes are in flight at once so the store can commit them in groups;
 * writes to one id never overlap.
 */
import type { BrokerContext, Caller } from '../../src/app/broker-context.js';
import { putIntent } from '../../src/app/intents/put-intent.js';
import { VolumeIndex } from '../../src/domain/cells/volume-index.js';
import { DomainError } from '../../src/domain/errors.js';
import type { Volume4D } from '../../src/domain/geo/volume-4d.js';
import type { IntentId, PartyId } from '../../src/domain/ids.js';
import { benchUuid, parseWorkloadId } from './bench-ids.js';
import { Latencies, ratePerS, round3, type LatencySummary } from './latency.js';
import { ussBaseUrlOf } from './load-workload.js';
import { toDomainVolume, type WorkloadWrite } from './workload-records.js';

const SCOPES: ReadonlySet<string> = new Set(['utm.strategic_coordination']);
const UNLIMITED = { limit: Number.MAX_SAFE_INTEGER };
/** Stale keys (another write committed in between) are rebuilt and retried this many times. */
const MAX_RETRIES = 5;

export interface EngineWriteResult {
  readonly attempted: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly failures: Readonly<Record<string, number>>;
  /** Attempts rejected for a stale key or OVN and retried (each is a failed attempt). */
  readonly retries: number;
  /** Updates whose target reference was not loaded (a prefix of a larger workload). */
  readonly skipped: number;
  readonly perS: number;
  readonly concurrency: number;
  /** Mean OVNs in the key: intersecting intents other than the one written. */
  readonly conflictsPerWrite: number;
  /** Key search plus putIntent, per write. */
  readonly latency: LatencySummary;
  /** putIntent alone (includes waiting for its group commit). */
  readonly putLatency: LatencySummary;
}

interface PreparedWrite {
  readonly id: IntentId;
  readonly update: boolean;
  readonly caller: Caller;
  readonly extents: readonly Volume4D[];
  readonly ussBaseUrl: string;
}

export async function measureEngineWrites(
  ctx: BrokerContext,
  writes: readonly WorkloadWrite[],
  options: { readonly concurrency: number },
): Promise<EngineWriteResult> {
  const prepared = writes.map(prepare);
  // The USS's query before planning, outside the timed region: intersecting ids per write,
  // and the current OVN of every intent this harness will need. Each id gets a number, so that
  // building a key in the timed region reads an array, not a Map of a quarter-million ids (the
  // harness shares the broker's thread: its own cache misses would count as the broker's).
  const numberOf = new Map<string, number>();
  const ovnAt: (string | undefined)[] = [];
  const idNumber = (id: string): number => {
    let n = numberOf.get(id);
    if (n === undefined) {
      n = ovnAt.length;
      numberOf.set(id, n);
      ovnAt.push(undefined);
    }
    return n;
  };
  const setOvn = (id: string, ovn: string): void => {
    ovnAt[idNumber(id)] = ovn;
  };
  const selfNumber = new Map<PreparedWrite, number>();
  const plannedKeys = new Map<PreparedWrite, Int32Array>();
  // Writes of this phase that meet earlier ones: a USS learns of those from notifications.
  const writesSoFar = new VolumeIndex();
  await ctx.store.read(async (reader) => {
    for (const [j, w] of prepared.entries()) {
      const found = await reader.intents.findIntersecting(w.extents, UNLIMITED);
      const earlier = writesSoFar.search(w.extents, UNLIMITED).map((k) => prepared[Number(k)]!.id);
      writesSoFar.insert(String(j), w.extents);
      const self = idNumber(w.id);
      selfNumber.set(w, self);
      const planned = new Set([...found.map((other) => other.id), ...earlier].map(idNumber));
      planned.delete(self);
      plannedKeys.set(w, Int32Array.from(planned));
      for (const other of found) setOvn(other.id, other.ovn);
      if (w.update) {
        const current = await reader.intents.get(w.id);
        if (current !== undefined) setOvn(current.id, current.ovn);
      }
    }
  });
  const latency = new Latencies(prepared.length);
  const putLatency = new Latencies(prepared.length);
  const failures: Record<string, number> = {};
  const inFlight = new Map<string, Promise<void>>();
  let next = 0;
  let succeeded = 0;
  let retries = 0;
  let skipped = 0;
  let keyOvns = 0;

  async function write(w: PreparedWrite): Promise<void> {
    const startedMs = performance.now();
    const self = selfNumber.get(w) as number;
    let planned = plannedKeys.get(w) as Int32Array;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) {
        // Stale: query again, as a USS does after a 409.
        const found = await ctx.store.read((reader) => reader.intents.findIntersecting(w.extents, UNLIMITED));
        for (const other of found) setOvn(other.id, other.ovn);
        planned = Int32Array.from(found.filter((other) => other.id !== w.id).map((other) => idNumber(other.id)));
        if (w.update) {
          const current = await ctx.store.read((reader) => reader.intents.get(w.id));
          if (current !== undefined) setOvn(current.id, current.ovn);
        }
      }
      const currentOvn = w.update ? ovnAt[self] : undefined;
      if (w.update && currentOvn === undefined) {
        skipped++;
        return;
      }
      const key: string[] = [];
      for (let i = 0; i < planned.length; i++) {
        const ovn = ovnAt[planned[i] as number];
        if (ovn !== undefined) key.push(ovn);
      }
      const putStartedMs = performance.now();
      let result;
      try {
        result = await putIntent(ctx, w.caller, {
          id: w.id,
          currentOvn,
          extents: w.extents,
          state: 'Accepted',
          ussBaseUrl: w.ussBaseUrl,
          key,
          subscription: { kind: 'none' },
        });
      } catch (error) {
        const code = error instanceof DomainError ? error.code : 'exception';
        if ((code === 'airspace_conflict' || code === 'version_mismatch') && attempt < MAX_RETRIES) {
          retries++;
          continue;
        }
        failures[code] = (failures[code] ?? 0) + 1;
        if (code === 'exception') throw error;
        return;
      }
      const doneMs = performance.now();
      ovnAt[self] = result.intent.ovn;
      putLatency.add(doneMs - putStartedMs);
      latency.add(doneMs - startedMs);
      keyOvns += key.length;
      succeeded++;
      return;
    }
  }

  async function worker(): Promise<void> {
    while (next < prepared.length) {
      const w = prepared[next++]!;
      // Two writes to one reference must run in order, as its manager would send them.
      for (let before = inFlight.get(w.id); before !== undefined; before = inFlight.get(w.id)) await before;
      const running = write(w);
      inFlight.set(w.id, running);
      await running;
      if (inFlight.get(w.id) === running) inFlight.delete(w.id);
    }
  }

  const concurrency = Math.max(1, Math.min(options.concurrency, prepared.length));
  const startedMs = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedMs = performance.now() - startedMs;
  const failed = Object.values(failures).reduce((a, b) => a + b, 0);
  return {
    attempted: prepared.length,
    succeeded,
    failed,
    failures,
    retries,
    skipped,
    perS: ratePerS(succeeded, elapsedMs),
    concurrency,
    conflictsPerWrite: succeeded === 0 ? 0 : round3(keyOvns / succeeded),
    latency: latency.summary(),
    putLatency: putLatency.summary(),
  };
}

function prepare(w: WorkloadWrite): PreparedWrite {
  const parsed = parseWorkloadId(w.id);
  if (parsed === undefined) throw new Error(`Cannot run workload write ${w.seq}: id "${w.id}" is not like r123 or w5`);
  return {
    id: benchUuid(parsed.kind, parsed.index),
    update: w.op === 'update',
    caller: { id: w.owner as PartyId, scopes: SCOPES },
    extents: w.volumes.map(toDomainVolume),
    ussBaseUrl: ussBaseUrlOf(w.owner),
  };
}
