import type { SubscriptionRecord, SubscriptionSearch } from '../../../app/ports/store.js';
import type { Volume4D } from '../../../domain/geo/volume-4d.js';
import type { IndexedTable } from './state.js';

/** First index probe for filtered searches: a few times the limit, since filters drop some. */
const FIRST_PROBE_FACTOR = 4;
const MIN_PROBE = 64;

/** Records of `table` any of whose extents intersect `area` (exact, closed intervals). */
export function findInTable<R extends { readonly id: string; readonly extents: readonly Volume4D[] }>(
  table: IndexedTable<string, R>,
  area: readonly Volume4D[],
  options: {
    readonly limit: number;
    readonly ignoreAltitude?: boolean;
    readonly accept?: (record: R) => boolean;
    /** Ids left out before the exact test. */
    readonly skip?: (id: string, tag: string | undefined) => boolean;
  },
): R[] {
  const limit = normalizeLimit(options.limit);
  if (limit === 0 || area.length === 0) return [];
  const ignoreAltitude = options.ignoreAltitude ?? false;
  const accept = options.accept;
  if (accept === undefined) {
    const search = options.skip === undefined ? { limit, ignoreAltitude } : { limit, ignoreAltitude, skip: options.skip };
    return resolve(table, table.index.search(area, search), undefined, limit);
  }
  // Filters apply after the index, so widen the probe until enough records pass or the
  // index has nothing more to give.
  let probe = Math.min(Math.max(limit * FIRST_PROBE_FACTOR, MIN_PROBE), Number.MAX_SAFE_INTEGER);
  for (;;) {
    const ids = table.index.search(area, { limit: probe, ignoreAltitude });
    const found = resolve(table, ids, accept, limit);
    if (found.length >= limit || ids.length < probe || probe >= table.byId.size) return found;
    probe = Math.min(probe * FIRST_PROBE_FACTOR, Number.MAX_SAFE_INTEGER);
  }
}

/** Subscriptions matching a SubscriptionSearch: live at `nowMs`, kind and manager filters. */
export function findSubscriptions(
  table: IndexedTable<string, SubscriptionRecord>,
  area: readonly Volume4D[],
  search: SubscriptionSearch,
): SubscriptionRecord[] {
  const { nowMs, notifyFor, manager } = search;
  const accept = (s: SubscriptionRecord): boolean =>
    s.timeEndMs >= nowMs &&
    (notifyFor === undefined || (notifyFor === 'intents' ? s.notifyForIntents : s.notifyForConstraints)) &&
    (manager === undefined || s.manager === manager);
  return findInTable(table, area, { limit: search.limit, ignoreAltitude: search.ignoreAltitude ?? false, accept });
}

function resolve<R>(
  table: IndexedTable<string, R & { readonly id: string; readonly extents: readonly Volume4D[] }>,
  ids: readonly string[],
  accept: ((record: R) => boolean) | undefined,
  limit: number,
): R[] {
  const out: R[] = [];
  for (const id of ids) {
    const record = table.byId.get(id);
    if (record === undefined || (accept !== undefined && !accept(record))) continue;
    out.push(record);
    if (out.length >= limit) break;
  }
  return out;
}

function normalizeLimit(limit: number): number {
  if (Number.isNaN(limit)) throw new RangeError(`Cannot search with limit ${limit}: expected a number >= 0`);
  if (limit <= 0) return 0;
  return Math.min(Math.floor(limit), Number.MAX_SAFE_INTEGER);
}
