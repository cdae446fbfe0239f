/**
 * Broker writes whose outcome we did not see (the agent crashed, or the broker did not answer)
 * are settled by asking the broker what it holds: a create it has is adopted, one it lacks is
 * dropped; an update it applied (a newer version) is kept, one it did not is forgotten; a
 * delete it applied ends the operation. Run at start and after a write that failed in transit.
 */
import type { AgentContext } from './agent-ports.js';
import type { OperationRecord, PendingWrite } from './agent-store.js';
import { isBusy } from './operation-lock.js';

export async function reconcilePending(ctx: AgentContext): Promise<{ settled: number; open: number }> {
  let settled = 0;
  // A write whose change is still under way here is not lost: its outcome is on its way.
  const pending = ctx.store.pending().filter((write) => !isBusy(ctx, write.operationId));
  for (const write of pending) if (await settleOne(ctx, write)) settled++;
  return { settled, open: pending.length - settled };
}

/** After a failed broker call: settle it now if the broker answers, else leave it for later. */
export async function settleAfterFailure(ctx: AgentContext, write: PendingWrite): Promise<void> {
  await settleOne(ctx, write);
}

async function settleOne(ctx: AgentContext, write: PendingWrite): Promise<boolean> {
  let reference;
  try {
    reference = await ctx.broker.getIntent(write.operationId);
  } catch (error) {
    ctx.events('reconcile.deferred', { id: write.operationId, kind: write.kind, error: (error as Error).message });
    return false;
  }
  const current = ctx.store.get(write.operationId);
  const adopt = (): OperationRecord | null =>
    reference === undefined || reference.ovn === undefined
      ? null
      : { ...write.intended, version: reference.version, ovn: reference.ovn, state: reference.state, subscriptionId: reference.subscriptionId };
  const ended = (record: OperationRecord): OperationRecord => ({ ...record, state: 'Ended', ovn: '', updatedAtMs: ctx.clock.nowMs() });
  switch (write.kind) {
    case 'create':
      ctx.store.settlePending(write.operationId, { record: adopt() });
      break;
    case 'update':
      if (reference === undefined) ctx.store.settlePending(write.operationId, { record: ended(current ?? write.intended) });
      else if (current === undefined || reference.version > current.version) ctx.store.settlePending(write.operationId, { record: adopt() });
      else ctx.store.settlePending(write.operationId, 'unchanged');
      break;
    case 'delete':
      if (reference === undefined) ctx.store.settlePending(write.operationId, { record: ended(current ?? write.intended) });
      else ctx.store.settlePending(write.operationId, 'unchanged');
      break;
  }
  ctx.events('reconcile.settled', { id: write.operationId, kind: write.kind, found: reference !== undefined });
  return true;
}
