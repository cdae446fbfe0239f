/**
 * After each accepted write the broker lists the subscribers to tell (F3548: the DSS never
 * notifies; the mutating USS does). We post the new reference — never details or the OVN: a subscriber
 * that wants them asks with its own ticket — to every one of them but ourselves. A subscriber
 * that cannot be reached does not undo the change; the operator is told which ones missed it.
 */
import type { AgentContext, PutIntentOutcome, ReferenceView } from './agent-ports.js';
import type { SubscriberNotice } from './agent-ports.js';

export interface NotificationDelivery {
  readonly ussBaseUrl: string;
  readonly delivered: boolean;
  readonly error?: string;
}

export async function sendNotifications(
  ctx: AgentContext,
  intentId: string,
  change: Extract<PutIntentOutcome, { kind: 'accepted' }> | { readonly reference: undefined; readonly subscribers: readonly SubscriberNotice[] },
): Promise<NotificationDelivery[]> {
  // Nor the OVN: it is what a key needs, and goes only to a ticket holder that asks.
  const reference: ReferenceView | undefined = change.reference === undefined ? undefined : { ...change.reference, ovn: undefined };
  const targets = change.subscribers.filter((s) => s.ussBaseUrl !== ctx.publicUrl);
  const results = await Promise.all(
    targets.map(async (target): Promise<NotificationDelivery> => {
      try {
        await ctx.peers.notify(target.ussBaseUrl, { intentId, reference, subscriptions: target.subscriptions });
        return { ussBaseUrl: target.ussBaseUrl, delivered: true };
      } catch (error) {
        return { ussBaseUrl: target.ussBaseUrl, delivered: false, error: (error as Error).message };
      }
    }),
  );
  const failed = results.filter((r) => !r.delivered).length;
  ctx.events('notifications.sent', { id: intentId, delivered: results.length - failed, failed });
  return results;
}
