/**
 * Planning declarations (POST /v1/declarations): a party puts on record the volumes it intends
 * to fly, so that the broker may vouch for its interest in the intents they meet (intersection
 * tickets) before it has planned anything. Each is logged, lives ten minutes, and a party holds
 * at most MAX_LIVE_DECLARATIONS at once, so "declaring" a whole country costs something visible.
 * A declaration may state a priority, which the tickets it earns carry to owners' policies.
 */
import { DomainError, invalidInput } from '../../domain/errors.js';
import type { Volume4D } from '../../domain/geo/volume-4d.js';
import { MAX_PRIORITY, isPriority } from '../../domain/tickets/ticket.js';
import type { BrokerContext, Caller } from '../broker-context.js';
import { checkWriteWindow } from '../check-extents.js';
import { extentsDigest, recordChange } from '../log/record-change.js';
import type { DeclarationRecord } from '../ports/store.js';

export const DECLARATION_TTL_MS = 10 * 60_000;
export const MAX_LIVE_DECLARATIONS = 16;

export const PRIORITY_RULE = `must be a whole number from 0 to ${MAX_PRIORITY}`;

export async function declare(
  ctx: BrokerContext,
  caller: Caller,
  command: { readonly extents: readonly Volume4D[]; readonly priority?: number },
): Promise<DeclarationRecord> {
  const nowMs = ctx.clock.nowMs();
  const { priority } = command;
  if (priority !== undefined && !isPriority(priority)) throw invalidInput('priority', PRIORITY_RULE);
  checkWriteWindow(command.extents, { field: 'volumes', nowMs, horizonMs: ctx.limits.intentHorizonMs, what: 'a declaration' });
  return ctx.store.transact(async (tx) => {
    const all = await tx.declarations.live(caller.id, -Infinity);
    // Expired ones go first: they no longer count, and nothing else removes them.
    for (const d of all) if (d.expiresAtMs <= nowMs) await tx.declarations.delete(d.id);
    const live = all.filter((d) => d.expiresAtMs > nowMs);
    if (live.length >= MAX_LIVE_DECLARATIONS) {
      const next = Math.min(...live.map((d) => d.expiresAtMs));
      throw new DomainError(
        'limit_reached',
        `${caller.id} already holds ${live.length} live declarations, the most allowed; the next expires at ${new Date(next).toISOString()}`,
      );
    }
    const record: DeclarationRecord = {
      id: ctx.ids.uuid(),
      party: caller.id,
      extents: command.extents,
      createdAtMs: nowMs,
      expiresAtMs: nowMs + DECLARATION_TTL_MS,
      ...(priority === undefined ? {} : { priority }),
    };
    await tx.declarations.put(record);
    await recordChange(ctx, tx, {
      kind: 'declaration.create',
      by: caller.id,
      subject: {
        id: record.id,
        expires_at: new Date(record.expiresAtMs).toISOString(),
        extents_sha256: extentsDigest(ctx, record.extents),
        ...(priority === undefined ? {} : { priority }),
      },
    }, nowMs);
    return record;
  });
}

export async function liveDeclarations(ctx: BrokerContext, caller: Caller): Promise<DeclarationRecord[]> {
  const nowMs = ctx.clock.nowMs();
  return ctx.store.read((reader) => reader.declarations.live(caller.id, nowMs));
}
