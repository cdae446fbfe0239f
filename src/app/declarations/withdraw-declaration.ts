/**
 * Withdraw a planning declaration (DELETE /v1/declarations/{id}): only the caller's own, while it
 * is live. Anything else — unknown, expired, another party's — is "not found" in the same words,
 * so nobody learns from a refusal that another party declared something. Logged as
 * `declaration.delete` in the same unit of work; from then on it earns no tickets.
 */
import { DomainError } from '../../domain/errors.js';
import type { BrokerContext, Caller } from '../broker-context.js';
import { recordChange } from '../log/record-change.js';

export async function withdrawDeclaration(ctx: BrokerContext, caller: Caller, command: { readonly id: string }): Promise<{ id: string }> {
  const nowMs = ctx.clock.nowMs();
  return ctx.store.transact(async (tx) => {
    // Looked up among the caller's own live ones only: another party's is never even read.
    const own = (await tx.declarations.live(caller.id, nowMs)).find((d) => d.id === command.id);
    if (own === undefined) throw new DomainError('not_found', `Declaration ${command.id} not found among your live declarations`);
    await tx.declarations.delete(own.id);
    await recordChange(ctx, tx, { kind: 'declaration.delete', by: caller.id, subject: { id: own.id } }, nowMs);
    return { id: own.id };
  });
}
