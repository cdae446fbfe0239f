/** Subscription get, query (the caller's own live subscriptions only) and delete. */
import { DomainError } from '../../domain/errors.js';
import type { Volume4D } from '../../domain/geo/volume-4d.js';
import type { SubscriptionId } from '../../domain/ids.js';
import type { BrokerContext, Caller } from '../broker-context.js';
import type { StoreReader } from '../ports/store.js';
import type { SubscriptionView } from './put-subscription.js';
import { recordChange } from '../log/record-change.js';

async function view(reader: StoreReader, id: SubscriptionId, caller: Caller, nowMs: number): Promise<SubscriptionView> {
  const subscription = await reader.subscriptions.get(id);
  if (subscription === undefined || subscription.timeEndMs < nowMs) {
    throw new DomainError('not_found', `Subscription ${id} not found`);
  }
  if (subscription.manager !== caller.id) throw new DomainError('not_manager', `Subscription ${id} is managed by another USS`);
  return { subscription, dependentIntents: await reader.intents.listBySubscription(id) };
}

export async function getSubscription(ctx: BrokerContext, caller: Caller, id: SubscriptionId): Promise<SubscriptionView> {
  const nowMs = ctx.clock.nowMs();
  return ctx.store.read((reader) => view(reader, id, caller, nowMs));
}

export async function querySubscriptions(ctx: BrokerContext, caller: Caller, area: Volume4D): Promise<SubscriptionView[]> {
  const nowMs = ctx.clock.nowMs();
  return ctx.store.read(async (reader) => {
    const found = await reader.subscriptions.findIntersecting([area], {
      limit: ctx.limits.resultCap,
      nowMs,
      manager: caller.id,
    });
    const views: SubscriptionView[] = [];
    for (const subscription of found) {
      views.push({ subscription, dependentIntents: await reader.intents.listBySubscription(subscription.id) });
    }
    return views;
  });
}

export async function deleteSubscription(
  ctx: BrokerContext,
  caller: Caller,
  command: { readonly id: SubscriptionId; readonly version: string },
): Promise<SubscriptionView> {
  const nowMs = ctx.clock.nowMs();
  return ctx.store.transact(async (tx) => {
    const current = await view(tx, command.id, caller, nowMs);
    if (current.subscription.version !== command.version) {
      throw new DomainError('version_mismatch', `Version in the path is not the current version of subscription ${command.id}`, {
        field: 'version',
      });
    }
    if (current.dependentIntents.length > 0) {
      throw new DomainError(
        'dependents_exist',
        `Subscription ${command.id} still has ${current.dependentIntents.length} dependent operational intent(s); move or delete them first`,
      );
    }
    await tx.subscriptions.delete(command.id);
    await recordChange(ctx, tx, { kind: 'subscription.delete', by: caller.id, subject: { id: command.id } }, nowMs);
    return current;
  });
}
