/**
 * Every change the broker commits is recorded as one entry of the verifiable log, inside the
 * same unit of work (no change without its entry, no entry without its change). The entry's
 * content is the event as canonical JSON (RFC 8785); its public leaf data is a salted
 * commitment to that content, so that parties the entry does not concern learn nothing from it.
 */
import { canonicalJson } from '../../domain/log/canonical-json.js';
import { extentsBytesLE } from '../../domain/geo/extents-encoding.js';
import type { Volume4D } from '../../domain/geo/volume-4d.js';
import { toHex } from '../../domain/log/hex.js';
import type { PartyId } from '../../domain/ids.js';
import type { BrokerContext } from '../broker-context.js';
import type { StoreTx } from '../ports/store.js';

export type ChangeKind =
  | 'intent.create' | 'intent.update' | 'intent.delete'
  | 'constraint.create' | 'constraint.update' | 'constraint.delete'
  | 'subscription.create' | 'subscription.update' | 'subscription.delete'
  | 'availability.set'
  | 'report.create'
  | 'declaration.create' | 'declaration.delete'
  | 'disclosure.receipt'
  | 'agreement.version' | 'agreement.signature' | 'agreement.status';

/** Version of the entry content format (docs/api.md, "Log entries"). */
export const ENTRY_FORMAT = 1;

export interface Change {
  readonly kind: ChangeKind;
  /** Who made the change (the token's subject). */
  readonly by: PartyId;
  /** Parties the entry concerns besides `by` (e.g. the USS whose availability an authority set). */
  readonly concerns?: readonly PartyId[];
  /** What changed: plain JSON values only. */
  readonly subject: Readonly<Record<string, unknown>>;
}

export async function recordChange(ctx: BrokerContext, tx: StoreTx, change: Change, nowMs: number): Promise<number> {
  const content = canonicalJson({
    format: ENTRY_FORMAT,
    kind: change.kind,
    at: new Date(nowMs).toISOString(),
    by: change.by,
    ...change.subject,
  });
  const salt = ctx.commitments.salt();
  const data = ctx.commitments.commit(salt, content);
  const parties = change.concerns === undefined ? [change.by] : [...new Set([change.by, ...change.concerns])].sort();
  return tx.log.append({ kind: change.kind, parties, salt, content, data, createdAtMs: nowMs });
}

/**
 * SHA-256 (hex) of the extents as float64 values, little-endian, in the layout of
 * domain/geo/extents-encoding.ts (docs/api.md): every coordinate exactly, cheaply (writing
 * ~70 doubles as JSON text cost more than the rest of the entry).
 */
export function extentsDigest(ctx: BrokerContext, extents: readonly Volume4D[]): string {
  return toHex(ctx.commitments.digest(extentsBytesLE(extents)));
}

/** An instant in the log's form: RFC 3339 UTC with milliseconds, or null when unbounded. */
export function logTime(ms: number): string | null {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}
