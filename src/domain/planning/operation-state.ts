/**
 * An agent's operation states: the broker's four, and Ended once its reference is deleted
 * (F3548 has no Ended state at the DSS: ending is a DELETE, OPIN0040). The transitions are the
 * USS-level graph of F3548 §A2 as the InterUSS mock USS applies it.
 */
import { INTENT_STATES, type IntentState } from '../intents/intent-state.js';

export type OperationState = IntentState | 'Ended';
export const OPERATION_STATES: readonly OperationState[] = [...INTENT_STATES, 'Ended'];

const NEXT: Readonly<Record<OperationState, readonly OperationState[]>> = {
  Accepted: ['Accepted', 'Activated', 'Nonconforming', 'Contingent', 'Ended'],
  Activated: ['Activated', 'Nonconforming', 'Contingent', 'Ended'],
  Nonconforming: ['Nonconforming', 'Activated', 'Contingent', 'Ended'],
  Contingent: ['Contingent', 'Ended'],
  Ended: [],
};

/** States an operation may be planned in. */
export const INITIAL_STATES: readonly OperationState[] = ['Accepted', 'Activated'];

export function isOperationState(value: unknown): value is OperationState {
  return typeof value === 'string' && (OPERATION_STATES as readonly string[]).includes(value);
}

/** May an operation in `from` (undefined: not yet planned) move to `to`? */
export function canTransition(from: OperationState | undefined, to: OperationState): boolean {
  return from === undefined ? INITIAL_STATES.includes(to) : NEXT[from].includes(to);
}
