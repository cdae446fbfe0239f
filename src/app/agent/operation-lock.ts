/**
 * One change of an operation at a time: a second request for the same operation while one is
 * with the broker is refused (409), not queued, so an operator never has a change applied on
 * top of one it has not seen the outcome of.
 */
import { DomainError } from '../../domain/errors.js';
import type { AgentContext } from './agent-ports.js';

const busy = new WeakMap<AgentContext, Set<string>>();

export async function withOperationLock<T>(ctx: AgentContext, id: string, fn: () => Promise<T>): Promise<T> {
  let ids = busy.get(ctx);
  if (ids === undefined) busy.set(ctx, (ids = new Set()));
  if (ids.has(id) || ctx.store.pending().some((p) => p.operationId === id)) {
    throw new DomainError('version_mismatch', `Operation ${id} is being changed by another request; retry when it has finished`);
  }
  ids.add(id);
  try {
    return await fn();
  } finally {
    ids.delete(id);
  }
}
