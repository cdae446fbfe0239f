/**
 * A peer tells us one of its intents changed where we subscribed (F3548 POST
 * /uss/v1/operational_intents). Only the intent's manager may say so (403 otherwise), and a
 * version older than one already heard of is refused (409). Notices are kept for the operator.
 */
import { DomainError } from '../../domain/errors.js';
import type { AgentContext, IntentNotice } from './agent-ports.js';
import type { NotificationRecord } from './agent-store.js';

export function receiveNotification(ctx: AgentContext, from: string, notice: IntentNotice): NotificationRecord {
  const reference = notice.reference;
  if (reference !== undefined) {
    if (reference.id !== notice.intentId) {
      throw new DomainError('invalid_input', 'operational_intent.reference.id: must equal operational_intent_id', { field: 'operational_intent.reference.id' });
    }
    if (reference.manager !== from) {
      throw new DomainError('not_manager', `Only the manager of intent ${notice.intentId} (${reference.manager}) may notify of it, not ${from}`);
    }
    const last = ctx.store.lastNotifiedVersion(notice.intentId);
    if (last !== undefined && reference.version < last) {
      throw new DomainError('version_mismatch', `Version ${reference.version} of intent ${notice.intentId} is older than version ${last} already notified`);
    }
  }
  const stored = ctx.store.addNotification({
    receivedAtMs: ctx.clock.nowMs(),
    from,
    intentId: notice.intentId,
    version: reference?.version,
    state: reference?.state,
    deleted: reference === undefined,
    subscriptions: notice.subscriptions,
  });
  ctx.events('notification.received', { from, id: notice.intentId, version: reference?.version, deleted: reference === undefined });
  return stored;
}
