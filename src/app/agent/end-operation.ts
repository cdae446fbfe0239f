/**
 * Ending an operation: the broker deletes its reference (F3548: ending is a DELETE; an ended
 * intent is no longer discoverable, OPIN0040), subscribers are told, and we keep the record as
 * Ended for the operator's history. Its details are then never disclosed again.
 */
import { DomainError } from '../../domain/errors.js';
import type { AgentContext } from './agent-ports.js';
import type { OperationRecord } from './agent-store.js';
import { withOperationLock } from './operation-lock.js';
import { settleAfterFailure } from './reconcile.js';
import { sendNotifications, type NotificationDelivery } from './send-notifications.js';

export async function endOperation(ctx: AgentContext, id: string): Promise<{ record: OperationRecord; notifications: readonly NotificationDelivery[] }> {
  return withOperationLock(ctx, id, async () => {
    const current = ctx.store.get(id);
    if (current === undefined || current.state === 'Ended') throw new DomainError('not_found', `No operation ${id} in planning or flight`);
    const nowMs = ctx.clock.nowMs();
    const record: OperationRecord = { ...current, state: 'Ended', ovn: '', updatedAtMs: nowMs };
    const pending = { operationId: id, kind: 'delete' as const, intended: record, startedAtMs: nowMs };
    ctx.store.beginPending(pending);
    let deleted;
    try {
      deleted = await ctx.broker.deleteIntent(id, current.ovn);
    } catch (error) {
      await settleAfterFailure(ctx, pending);
      throw error;
    }
    ctx.store.settlePending(id, { record });
    const notifications = deleted === undefined ? [] : await sendNotifications(ctx, id, { reference: undefined, subscribers: deleted.subscribers });
    ctx.events('operation.ended', { id, notified: notifications.length });
    return { record, notifications };
  });
}
