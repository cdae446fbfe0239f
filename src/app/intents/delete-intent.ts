/** Delete (end) an operational intent reference: only its manager, only at its current OVN. */
import { DomainError } from '../../domain/errors.js';
import type { IntentId } from '../../domain/ids.js';
import type { BrokerContext, Caller } from '../broker-context.js';
import { notifySubscribers, type SubscriberNotice } from '../notify-subscribers.js';
import type { IntentRecord } from '../ports/store.js';
import { dropOrphanedImplicit } from './resolve-subscription.js';
import { recordChange } from '../log/record-change.js';

export async function deleteIntent(
  ctx: BrokerContext,
  caller: Caller,
  command: { readonly id: IntentId; readonly ovn: string },
): Promise<{ intent: IntentRecord; subscribers: SubscriberNotice[] }> {
  const nowMs = ctx.clock.nowMs();
  return ctx.store.transact(async (tx) => {
    const intent = await tx.intents.get(command.id);
    if (intent === undefined) throw new DomainError('not_found', `Operational intent ${command.id} not found`);
    if (intent.manager !== caller.id) {
      throw new DomainError('not_manager', `Operational intent ${command.id} is managed by another USS`);
    }
    if (intent.ovn !== command.ovn) {
      throw new DomainError('version_mismatch', `OVN in the path is not the current OVN of operational intent ${command.id}`, {
        field: 'ovn',
      });
    }
    await tx.intents.delete(command.id);
    await dropOrphanedImplicit(tx, intent.subscriptionId);
    const subscribers = await notifySubscribers(tx, intent.extents, { kind: 'intents', nowMs });
    await recordChange(ctx, tx, { kind: 'intent.delete', by: caller.id, subject: { id: intent.id, version: intent.version } }, nowMs);
    return { intent, subscribers };
  });
}
