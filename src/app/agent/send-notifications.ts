/**
 * After each accepted write the broker lists the subscribers to tell (F3548: the DSS never
 * notifies; the mutating USS does). We post the new reference to every one of them but
 * ourselves — never details, nor the OVN (what a key needs): a subscriber that wants them asks.
 * A subscriber that cannot be reached does not undo the change; the operator is told which
 * ones missed it.
 */
import type { AgentContext, PutIntentOutcome, ReferenceView, SubscriberNotice } from './agent-ports.js';

export interface NotificationDelivery {
  readonly ussBaseUrl: string;
  readonly delivered: boolean;
  readonly error?: string;
}

type Subscriptions = SubscriberNotice['subscriptions'];

/** Sends one notice per subscriber but ourselves, all at once, and says how each went. */
export async function deliverToSubscribers(
  ctx: AgentContext,
  about: { readonly id: string; readonly kind: 'operational_intent' | 'constraint' },
  subscribers: readonly SubscriberNotice[],
  send: (ussBaseUrl: string, subscriptions: Subscriptions) => Promise<void>,
): Promise<NotificationDelivery[]> {
  const targets = subscribers.filter((s) => s.ussBaseUrl !== ctx.publicUrl);
  const results = await Promise.all(
    targets.map(async (target): Promise<NotificationDelivery> => {
      try {
        await send(target.ussBaseUrl, target.subscriptions);
        return { ussBaseUrl: target.ussBaseUrl, delivered: true };
      } catch (error) {
        return { ussBaseUrl: target.ussBaseUrl, delivered: false, error: (error as Error).message };
      }
    }),
  );
  const failed = results.filter((r) => !r.delivered).length;
  ctx.events('notifications.sent', { id: about.id, kind: about.kind, delivered: results.length - failed, failed });
  return results;
}

/** Notices of a change of one of our intents (no reference: it was deleted). */
export async function sendNotifications(
  ctx: AgentContext,
  intentId: string,
  change: Extract<PutIntentOutcome, { kind: 'accepted' }> | { readonly reference: undefined; readonly subscribers: readonly SubscriberNotice[] },
): Promise<NotificationDelivery[]> {
  const reference: ReferenceView | undefined = change.reference === undefined ? undefined : { ...change.reference, ovn: undefined };
  return deliverToSubscribers(ctx, { id: intentId, kind: 'operational_intent' }, change.subscribers, (url, subscriptions) =>
    ctx.peers.notify(url, { intentId, reference, subscriptions }),
  );
}
