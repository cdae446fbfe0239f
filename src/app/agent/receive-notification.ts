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
  // The broker says who manages it, not the notice: a third party cannot speak for a manager
  // (nor, by claiming a huge version, make us refuse the manager's real notices).
  const current = await ctx.broker.getIntent(notice.intentId);
  checkSender(from, 'intent', notice.intentId, current?.manager ?? ctx.store.lastNotifiedManager(notice.intentId), notice.reference !== undefined);
  return receive(ctx, from, {
    kind: 'operational_intent',
    id: notice.intentId,
    reference: notice.reference,
    state: notice.reference?.state,
    subscriptions: notice.subscriptions,
  });
}

export async function receiveConstraintNotification(ctx: AgentContext, from: string, notice: ConstraintNotice): Promise<NotificationRecord> {
  const current = await ctx.broker.getConstraint(notice.constraintId);
  checkSender(from, 'constraint', notice.constraintId, current?.manager ?? ctx.store.lastNotifiedManager(notice.constraintId, 'constraint'), notice.reference !== undefined);
  return receive(ctx, from, { kind: 'constraint', id: notice.constraintId, reference: notice.reference, state: undefined, subscriptions: notice.subscriptions });
}

/**
 * 403 unless `from` manages the entity: as the broker knows it, or, once the broker no longer has
 * it (a deletion), as the last notice that carried its reference said. A change notice for an
 * entity nobody knows is refused too: the broker had it when the change was made.
 */
function checkSender(from: string, noun: string, id: string, manager: string | undefined, isChange: boolean): void {
  if (manager === undefined && isChange) {
    throw new DomainError('not_manager', `The broker knows no ${noun} ${id}: ${from} cannot notify of it`);
  }
  if (manager !== undefined && manager !== from) {
    throw new DomainError('not_manager', `Only the manager of ${noun} ${id} (${manager}) may notify of it, not ${from}`);
  }
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
