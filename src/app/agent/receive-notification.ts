/**
 * A peer tells us one of its intents (F3548 POST /uss/v1/operational_intents) or constraints
 * (POST /uss/v1/constraints) changed where we subscribed. Only the manager may say so (403
 * otherwise), and a version older than one already heard of is refused (409). Notices are kept
 * for the operator.
 */
import { DomainError } from '../../domain/errors.js';
import type { AgentContext, ConstraintNotice, IntentNotice } from './agent-ports.js';
import type { NotificationKind, NotificationRecord } from './agent-store.js';

export async function receiveNotification(ctx: AgentContext, from: string, notice: IntentNotice): Promise<NotificationRecord> {
  if (notice.reference === undefined) {
    // A deletion carries no reference to name its manager: the broker still knows it, unless it
    // is gone, in which case the last notice we had of it does.
    const current = await ctx.broker.getIntent(notice.intentId);
    const manager = current?.manager ?? ctx.store.lastNotifiedManager(notice.intentId);
    if (manager !== undefined && manager !== from) {
      throw new DomainError('not_manager', `Only the manager of intent ${notice.intentId} (${manager}) may notify of it, not ${from}`);
    }
  }
  return receive(ctx, from, {
    kind: 'operational_intent',
    id: notice.intentId,
    reference: notice.reference,
    state: notice.reference?.state,
    subscriptions: notice.subscriptions,
  });
}

export function receiveConstraintNotification(ctx: AgentContext, from: string, notice: ConstraintNotice): NotificationRecord {
  if (notice.reference === undefined) {
    const manager = ctx.store.lastNotifiedManager(notice.constraintId, 'constraint');
    if (manager !== undefined && manager !== from) {
      throw new DomainError('not_manager', `Only the manager of constraint ${notice.constraintId} (${manager}) may notify of it, not ${from}`);
    }
  }
  return receive(ctx, from, { kind: 'constraint', id: notice.constraintId, reference: notice.reference, state: undefined, subscriptions: notice.subscriptions });
}

/** The F3548 words for each kind: the body's entity member and what the operator reads. */
const NAMES: Readonly<Record<NotificationKind, { readonly member: string; readonly noun: string }>> = {
  operational_intent: { member: 'operational_intent', noun: 'intent' },
  constraint: { member: 'constraint', noun: 'constraint' },
};

interface Notice {
  readonly kind: NotificationKind;
  readonly id: string;
  readonly reference: { readonly id: string; readonly manager: string; readonly version: number } | undefined;
  readonly state: string | undefined;
  readonly subscriptions: IntentNotice['subscriptions'];
}

function receive(ctx: AgentContext, from: string, notice: Notice): NotificationRecord {
  const { member, noun } = NAMES[notice.kind];
  const reference = notice.reference;
  if (reference !== undefined) {
    if (reference.id !== notice.id) {
      throw new DomainError('invalid_input', `${member}.reference.id: must equal ${member}_id`, { field: `${member}.reference.id` });
    }
    if (reference.manager !== from) {
      throw new DomainError('not_manager', `Only the manager of ${noun} ${notice.id} (${reference.manager}) may notify of it, not ${from}`);
    }
    const last = ctx.store.lastNotifiedVersion(notice.id, notice.kind);
    if (last !== undefined && reference.version < last) {
      throw new DomainError('version_mismatch', `Version ${reference.version} of ${noun} ${notice.id} is older than version ${last} already notified`);
    }
  }
  const stored = ctx.store.addNotification({
    receivedAtMs: ctx.clock.nowMs(),
    from,
    kind: notice.kind,
    intentId: notice.id,
    version: reference?.version,
    state: notice.state,
    deleted: reference === undefined,
    subscriptions: notice.subscriptions,
  });
  ctx.events('notification.received', { from, kind: notice.kind, id: notice.id, version: reference?.version, deleted: reference === undefined });
  return stored;
}
