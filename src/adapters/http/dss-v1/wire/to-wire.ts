/**
 * Records → F3548 response objects. The OVN goes only to the entity's manager; everyone else
 * reads "Available from USS", as the reference DSS answers.
 */
import type { SubscriberNotice } from '../../../../app/notify-subscribers.js';
import type { Availability, ConstraintRecord, IntentRecord } from '../../../../app/ports/store.js';
import type { SubscriptionView } from '../../../../app/subscriptions/put-subscription.js';
import { NULL_SUBSCRIPTION_ID } from '../../../../domain/ids.js';

export const HIDDEN_OVN = 'Available from USS';

export type AvailabilityOf = (manager: string) => Availability;

export function wireTime(ms: number): { value: string; format: 'RFC3339' } {
  return { value: new Date(ms).toISOString(), format: 'RFC3339' };
}

export function intentToWire(intent: IntentRecord, viewer: string, availabilityOf: AvailabilityOf) {
  return {
    id: intent.id,
    manager: intent.manager,
    uss_availability: availabilityOf(intent.manager),
    version: intent.version,
    state: intent.state,
    ovn: intent.manager === viewer ? intent.ovn : HIDDEN_OVN,
    time_start: wireTime(intent.timeStartMs),
    time_end: wireTime(intent.timeEndMs),
    uss_base_url: intent.ussBaseUrl,
    subscription_id: intent.subscriptionId ?? NULL_SUBSCRIPTION_ID,
  };
}

export function constraintToWire(constraint: ConstraintRecord, viewer: string, availabilityOf: AvailabilityOf) {
  return {
    id: constraint.id,
    manager: constraint.manager,
    uss_availability: availabilityOf(constraint.manager),
    version: constraint.version,
    ovn: constraint.manager === viewer ? constraint.ovn : HIDDEN_OVN,
    time_start: wireTime(constraint.timeStartMs),
    time_end: wireTime(constraint.timeEndMs),
    uss_base_url: constraint.ussBaseUrl,
  };
}

export function subscriptionToWire(view: SubscriptionView) {
  const s = view.subscription;
  return {
    id: s.id,
    version: s.version,
    notification_index: s.notificationIndex,
    time_start: wireTime(s.timeStartMs),
    time_end: wireTime(s.timeEndMs),
    uss_base_url: s.ussBaseUrl,
    notify_for_operational_intents: s.notifyForIntents,
    notify_for_constraints: s.notifyForConstraints,
    implicit_subscription: s.implicit,
    dependent_operational_intents: [...view.dependentIntents],
  };
}

export function subscribersToWire(notices: readonly SubscriberNotice[]) {
  return notices.map((notice) => ({
    uss_base_url: notice.ussBaseUrl,
    subscriptions: notice.subscriptions.map((s) => ({
      subscription_id: s.subscriptionId,
      notification_index: s.notificationIndex,
    })),
  }));
}
