/**
 * Which subscription an intent write attaches to: a new implicit one, an existing one (grown
 * if implicit, required to cover the intent if explicit), or none.
 */
import { DomainError, invalidInput } from '../../domain/errors.js';
import type { Volume4D } from '../../domain/geo/volume-4d.js';
import type { PartyId, SubscriptionId } from '../../domain/ids.js';
import { growExtents, subscriptionCovers } from '../../domain/subscriptions/coverage.js';
import type { IdSource } from '../ports/id-source.js';
import type { StoreTx, SubscriptionRecord } from '../ports/store.js';

export type SubscriptionChoice =
  | { readonly kind: 'new'; readonly ussBaseUrl: string; readonly notifyForConstraints: boolean }
  | { readonly kind: 'existing'; readonly id: SubscriptionId }
  | { readonly kind: 'none' };

export async function resolveSubscription(
  tx: StoreTx,
  choice: SubscriptionChoice,
  intent: { readonly extents: readonly Volume4D[]; readonly startMs: number; readonly endMs: number },
  options: { readonly manager: PartyId; readonly nowMs: number; readonly ids: IdSource; readonly clockSkewMs: number },
): Promise<SubscriptionRecord | undefined> {
  if (choice.kind === 'none') return undefined;
  if (choice.kind === 'new') {
    const record: SubscriptionRecord = {
      id: options.ids.uuid() as SubscriptionId,
      manager: options.manager,
      version: options.ids.ovn(),
      notificationIndex: 0,
      extents: intent.extents,
      ussBaseUrl: choice.ussBaseUrl,
      notifyForIntents: true,
      notifyForConstraints: choice.notifyForConstraints,
      implicit: true,
      timeStartMs: intent.startMs,
      timeEndMs: intent.endMs,
      updatedAtMs: options.nowMs,
    };
    await tx.subscriptions.put(record);
    return record;
  }
  const existing = await tx.subscriptions.get(choice.id);
  if (existing === undefined || existing.timeEndMs < options.nowMs) {
    throw invalidInput('subscription_id', `subscription ${choice.id} does not exist`);
  }
  if (existing.manager !== options.manager) {
    throw new DomainError('not_manager', `Subscription ${choice.id} is managed by another USS`, { field: 'subscription_id' });
  }
  if (existing.implicit) {
    const extents = growExtents(existing.extents, intent.extents);
    const grown: SubscriptionRecord = {
      ...existing,
      extents,
      version: extents === existing.extents ? existing.version : options.ids.ovn(),
      timeStartMs: Math.min(existing.timeStartMs, intent.startMs),
      timeEndMs: Math.max(existing.timeEndMs, intent.endMs),
      updatedAtMs: options.nowMs,
    };
    await tx.subscriptions.put(grown);
    return grown;
  }
  if (!subscriptionCovers(existing, intent.extents, { clockSkewMs: options.clockSkewMs })) {
    throw new DomainError(
      'subscription_not_covering',
      `subscription_id: subscription ${choice.id} does not cover the operational intent's extents in space and time`,
      { field: 'subscription_id' },
    );
  }
  if (!existing.notifyForIntents) {
    throw invalidInput('subscription_id', `subscription ${choice.id} does not notify for operational intents`);
  }
  return existing;
}

/** Deletes an implicit subscription once no intent depends on it any more. */
export async function dropOrphanedImplicit(tx: StoreTx, id: SubscriptionId | null): Promise<void> {
  if (id === null) return;
  const subscription = await tx.subscriptions.get(id);
  if (subscription === undefined || !subscription.implicit) return;
  const dependents = await tx.intents.listBySubscription(id);
  if (dependents.length === 0) await tx.subscriptions.delete(id);
}
