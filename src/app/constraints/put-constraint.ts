/** Create or update a constraint reference (F3548 PUT /constraint_references): no key, no state. */
import { DomainError } from '../../domain/errors.js';
import type { Volume4D } from '../../domain/geo/volume-4d.js';
import type { ConstraintId } from '../../domain/ids.js';
import type { BrokerContext, Caller } from '../broker-context.js';
import { checkWriteWindow } from '../check-extents.js';
import { notifySubscribers, type SubscriberNotice } from '../notify-subscribers.js';
import type { ConstraintRecord } from '../ports/store.js';
import { extentsDigest, logTime, recordChange } from '../log/record-change.js';

export interface PutConstraintCommand {
  readonly id: ConstraintId;
  readonly currentOvn: string | undefined;
  readonly extents: readonly Volume4D[];
  readonly ussBaseUrl: string;
}

export async function putConstraint(
  ctx: BrokerContext,
  caller: Caller,
  command: PutConstraintCommand,
): Promise<{ constraint: ConstraintRecord; created: boolean; subscribers: SubscriberNotice[] }> {
  const nowMs = ctx.clock.nowMs();
  const bounds = checkWriteWindow(command.extents, {
    field: 'extents',
    nowMs,
    horizonMs: ctx.limits.constraintHorizonMs,
    what: 'a constraint',
  });
  return ctx.store.transact(async (tx) => {
    const old = await tx.constraints.get(command.id);
    if (command.currentOvn === undefined) {
      // An agreement's zone is published under the agreement's id: that id is taken.
      if (old === undefined && (await tx.agreements.get(command.id)) !== undefined) {
        throw new DomainError('already_exists', `${command.id} is the id of an agreement; choose another id for the constraint`);
      }
      if (old !== undefined) {
        throw new DomainError('already_exists', `Constraint ${command.id} already exists; update it at /${command.id}/{ovn}`);
      }
    } else {
      if (old === undefined) {
        throw new DomainError('version_mismatch', `Constraint ${command.id} does not exist, so version ${command.currentOvn} cannot be updated`);
      }
      if (old.manager !== caller.id) throw new DomainError('not_manager', `Constraint ${command.id} is managed by another USS`);
      if (old.ovn !== command.currentOvn) {
        throw new DomainError('version_mismatch', `OVN in the path is not the current OVN of constraint ${command.id}`, { field: 'ovn' });
      }
    }
    const constraint: ConstraintRecord = {
      id: command.id,
      manager: caller.id,
      version: old === undefined ? 1 : old.version + 1,
      ovn: ctx.ids.ovn(),
      extents: command.extents,
      ussBaseUrl: command.ussBaseUrl,
      timeStartMs: bounds.startMs,
      timeEndMs: bounds.endMs,
      updatedAtMs: nowMs,
    };
    await tx.constraints.put(constraint);
    const affected = old === undefined ? command.extents : [...old.extents, ...command.extents];
    const subscribers = await notifySubscribers(tx, affected, { kind: 'constraints', nowMs });
    await recordChange(ctx, tx, {
      kind: old === undefined ? 'constraint.create' : 'constraint.update',
      by: caller.id,
      subject: {
        id: constraint.id,
        version: constraint.version,
        uss_base_url: constraint.ussBaseUrl,
        time_start: logTime(constraint.timeStartMs),
        time_end: logTime(constraint.timeEndMs),
        extents_sha256: extentsDigest(ctx, constraint.extents),
      },
    }, nowMs);
    return { constraint, created: old === undefined, subscribers };
  });
}
