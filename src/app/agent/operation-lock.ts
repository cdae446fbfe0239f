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

/**
 * Plannings at once (each holds a live declaration at the broker, which allows 16 per party):
 * more wait their turn rather than fail.
 */
export const MAX_CONCURRENT_PLANNINGS = 12;
const slots = new WeakMap<AgentContext, { running: number; waiting: Array<() => void> }>();

export async function withPlanningSlot<T>(ctx: AgentContext, fn: () => Promise<T>): Promise<T> {
  let state = slots.get(ctx);
  if (state === undefined) slots.set(ctx, (state = { running: 0, waiting: [] }));
  const s = state;
  if (s.running >= MAX_CONCURRENT_PLANNINGS) await new Promise<void>((resolve) => s.waiting.push(resolve));
  else s.running++;
  try {
    return await fn();
  } finally {
    const next = s.waiting.shift();
    // The slot passes straight to the next in line; otherwise it is freed.
    if (next !== undefined) next();
    else s.running--;
  }
}

/** Is a change of this operation under way in this process (its broker write may be in flight)? */
export function isBusy(ctx: AgentContext, id: string): boolean {
  return busy.get(ctx)?.has(id) === true;
}
