/**
 * F3548 operational intent states as the DSS sees them, and the rules that hang on a state.
 * "Ended" is not a DSS state: ending an intent is a DELETE (OPIN0040).
 */
export const INTENT_STATES = ['Accepted', 'Activated', 'Nonconforming', 'Contingent'] as const;
export type IntentState = (typeof INTENT_STATES)[number];

export function isIntentState(value: unknown): value is IntentState {
  return typeof value === 'string' && (INTENT_STATES as readonly string[]).includes(value);
}

/** Off-nominal states need the conformance-monitoring scope (SCD0100). */
export function requiresConformanceScope(state: IntentState): boolean {
  return state === 'Nonconforming' || state === 'Contingent';
}

/** Flying states need a subscription, so their manager hears of new conflicts. */
export function requiresSubscription(state: IntentState): boolean {
  return state !== 'Accepted';
}

/** A USS reporting an off-nominal aircraft must not be blocked by stale knowledge (F3548 §2.3). */
export function requiresKey(state: IntentState): boolean {
  return state === 'Accepted' || state === 'Activated';
}

/** The first version of an intent must be Accepted (InterUSS DSS behaviour). */
export function isValidInitialState(state: IntentState): boolean {
  return state === 'Accepted';
}
