/** Branded identifiers: a PartyId can never be passed where an IntentId is expected. */
export type Brand<T, B extends string> = T & { readonly __brand: B };

export type PartyId = Brand<string, 'PartyId'>;
export type IntentId = Brand<string, 'IntentId'>;
export type ConstraintId = Brand<string, 'ConstraintId'>;
export type SubscriptionId = Brand<string, 'SubscriptionId'>;
export type ReportId = Brand<string, 'ReportId'>;

/** F3548 EntityID: a UUID (version 4 per the standard; any RFC 9562 version is accepted). */
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** The id InterUSS reports for an intent that has no subscription. */
export const NULL_SUBSCRIPTION_ID = '00000000-0000-4000-8000-000000000000' as SubscriptionId;
