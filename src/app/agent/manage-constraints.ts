/**
 * Constraints we manage (F3548 constraint management, CSTM): define, change and remove one.
 * Each change is written to the broker first and stored only once the broker accepted it, so a
 * refused or failed write leaves nothing here; then the subscribers the broker lists are told.
 * Unlike an operation's details, a constraint is published: any constraint processor may read it.
 */
import { DomainError } from '../../domain/errors.js';
import type { Volume4D } from '../../domain/geo/volume-4d.js';
import type { ConstraintWrite, AgentContext, ConstraintReferenceView, SubscriberNotice } from './agent-ports.js';
import type { ConstraintRecord } from './agent-store.js';
import { withOperationLock } from './operation-lock.js';
import { deliverToSubscribers, type NotificationDelivery } from './send-notifications.js';

export interface ConstraintDraft {
  readonly type: string;
  readonly volumes: readonly Volume4D[];
  readonly details: Readonly<Record<string, unknown>>;
}

export interface ConstraintOutcome {
  readonly record: ConstraintRecord;
  readonly notifications: readonly NotificationDelivery[];
}

/** Defines a new constraint with a fresh id. */
export async function defineConstraint(ctx: AgentContext, draft: ConstraintDraft): Promise<ConstraintOutcome> {
  const id = ctx.ids.uuid();
  return withOperationLock(ctx, id, () => write(ctx, id, undefined, draft));
}

/** Changes a constraint of ours: `change` gets the current record and returns the new draft. */
export async function changeConstraint(ctx: AgentContext, id: string, change: (current: ConstraintRecord) => ConstraintDraft): Promise<ConstraintOutcome> {
  return withOperationLock(ctx, id, async () => {
    const current = ctx.store.getConstraint(id);
    if (current === undefined) throw new DomainError('not_found', `No constraint ${id}`);
    return write(ctx, id, current, change(current));
  });
}

/** Removes a constraint: the broker deletes its reference, subscribers are told, we forget it. */
export async function removeConstraint(ctx: AgentContext, id: string): Promise<ConstraintOutcome> {
  return withOperationLock(ctx, id, async () => {
    const current = ctx.store.getConstraint(id);
    if (current === undefined) throw new DomainError('not_found', `No constraint ${id}`);
    // Undefined: the broker no longer has it, so there is nobody to tell and nothing to keep.
    const deleted = await ctx.broker.deleteConstraint(id, current.ovn);
    ctx.store.deleteConstraint(id);
    const notifications = deleted === undefined ? [] : await notifySubscribers(ctx, id, undefined, deleted.subscribers);
    ctx.events('constraint.removed', { id, found: deleted !== undefined, notified: notifications.length });
    return { record: current, notifications };
  });
}

async function write(ctx: AgentContext, id: string, current: ConstraintRecord | undefined, draft: ConstraintDraft): Promise<ConstraintOutcome> {
  const nowMs = ctx.clock.nowMs();
  let put: ConstraintWrite;
  try {
    put = await ctx.broker.putConstraint({ id, currentOvn: current?.ovn, extents: draft.volumes });
  } catch (error) {
    // The answer was lost, not necessarily the write: what the broker now holds decides.
    const applied = error instanceof DomainError && error.code === 'broker_unavailable' ? await appliedWrite(ctx, id, current) : undefined;
    if (applied === undefined) throw error;
    put = { reference: applied, subscribers: [] };
    ctx.events('constraint.adopted', { id, version: applied.version });
  }
  const record: ConstraintRecord = {
    id,
    version: put.reference.version,
    ovn: put.reference.ovn,
    type: draft.type,
    volumes: draft.volumes,
    details: draft.details,
    createdAtMs: current?.createdAtMs ?? nowMs,
    updatedAtMs: nowMs,
  };
  ctx.store.putConstraint(record);
  const notifications = await notifySubscribers(ctx, id, put.reference, put.subscribers);
  ctx.events(current === undefined ? 'constraint.defined' : 'constraint.changed', { id, version: record.version, notified: notifications.length });
  return { record, notifications };
}

/** Our write, if the broker applied it: our reference there, newer than the one we hold. */
async function appliedWrite(ctx: AgentContext, id: string, current: ConstraintRecord | undefined): Promise<(ConstraintReferenceView & { ovn: string }) | undefined> {
  let reference: ConstraintReferenceView | undefined;
  try {
    reference = await ctx.broker.getConstraint(id);
  } catch {
    return undefined;
  }
  if (reference === undefined || reference.manager !== ctx.party || reference.ovn === undefined) return undefined;
  if (current !== undefined && reference.version <= current.version) return undefined;
  return { ...reference, ovn: reference.ovn };
}

/** Notices of a change of one of our constraints, reference without its OVN (none: removed). */
async function notifySubscribers(
  ctx: AgentContext,
  constraintId: string,
  reference: ConstraintReferenceView | undefined,
  subscribers: readonly SubscriberNotice[],
): Promise<NotificationDelivery[]> {
  const published = reference === undefined ? undefined : { ...reference, ovn: undefined };
  return deliverToSubscribers(ctx, { id: constraintId, kind: 'constraint' }, subscribers, (url, subscriptions) =>
    ctx.peers.notifyConstraint(url, { constraintId, reference: published, subscriptions }),
  );
}
