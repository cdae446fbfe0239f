/** Delete a constraint reference: only its manager, only at its current OVN. */
import { DomainError } from '../../domain/errors.js';
import type { ConstraintId } from '../../domain/ids.js';
import type { BrokerContext, Caller } from '../broker-context.js';
import { notifySubscribers, type SubscriberNotice } from '../notify-subscribers.js';
import type { ConstraintRecord } from '../ports/store.js';
import { recordChange } from '../log/record-change.js';

export async function deleteConstraint(
  ctx: BrokerContext,
  caller: Caller,
  command: { readonly id: ConstraintId; readonly ovn: string },
): Promise<{ constraint: ConstraintRecord; subscribers: SubscriberNotice[] }> {
  const nowMs = ctx.clock.nowMs();
  return ctx.store.transact(async (tx) => {
    const constraint = await tx.constraints.get(command.id);
    if (constraint === undefined) throw new DomainError('not_found', `Constraint ${command.id} not found`);
    if (constraint.manager !== caller.id) throw new DomainError('not_manager', `Constraint ${command.id} is managed by another USS`);
    if (constraint.ovn !== command.ovn) {
      throw new DomainError('version_mismatch', `OVN in the path is not the current OVN of constraint ${command.id}`, { field: 'ovn' });
    }
    await tx.constraints.delete(command.id);
    const subscribers = await notifySubscribers(tx, constraint.extents, { kind: 'constraints', nowMs });
    await recordChange(ctx, tx, { kind: 'constraint.delete', by: caller.id, subject: { id: constraint.id, version: constraint.version } }, nowMs);
    return { constraint, subscribers };
  });
}
