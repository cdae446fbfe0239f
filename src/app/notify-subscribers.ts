/**
 * After a change to an intent or constraint, every live subscription whose footprint and time
 * window touch the affected volume (old ∪ new extents) has its notification index bumped in the
 * same unit of work; the answer lists them grouped by USS base URL (F3548: the mutating USS
 * sends the notifications). Altitude is ignored, as in the reference DSS: notifying a few
 * extra subscribers is safe, missing one is not.
 */
import type { Volume4D } from '../domain/geo/volume-4d.js';
import type { SubscriptionId } from '../domain/ids.js';
import type { StoreTx } from './ports/store.js';

export interface SubscriberNotice {
  readonly ussBaseUrl: string;
  readonly subscriptions: readonly { readonly subscriptionId: SubscriptionId; readonly notificationIndex: number }[];
}

export async function notifySubscribers(
  tx: StoreTx,
  affected: readonly Volume4D[],
  options: { readonly kind: 'intents' | 'constraints'; readonly nowMs: number },
): Promise<SubscriberNotice[]> {
  if (affected.length === 0) return [];
  const subscriptions = await tx.subscriptions.findIntersecting(affected, {
    limit: Number.MAX_SAFE_INTEGER,
    nowMs: options.nowMs,
    notifyFor: options.kind,
    ignoreAltitude: true,
  });
  const byUrl = new Map<string, { subscriptionId: SubscriptionId; notificationIndex: number }[]>();
  for (const subscription of subscriptions) {
    const notificationIndex = subscription.notificationIndex + 1;
    await tx.subscriptions.put({ ...subscription, notificationIndex });
    let list = byUrl.get(subscription.ussBaseUrl);
    if (list === undefined) {
      list = [];
      byUrl.set(subscription.ussBaseUrl, list);
    }
    list.push({ subscriptionId: subscription.id, notificationIndex });
  }
  return [...byUrl].map(([ussBaseUrl, list]) => ({ ussBaseUrl, subscriptions: list }));
}
