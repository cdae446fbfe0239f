/**
 * Priority and conflicts (F3548 SCD0015–SCD0050), judged by the planning agent on what the owners
 * of intersecting intents disclosed: a new conflict with a higher priority is refused, with an
 * equal priority unless the regulator allows it, with a lower priority allowed (and reported). A
 * modification is judged only on the conflicts it adds. Safety first where owners disclosed
 * little: unknown volumes are assumed to intersect (the broker said the references meet), an
 * unknown priority counts as higher than ours, and an unknown conflict is never "pre-existing".
 */
import type { Volume4D } from '../geo/volume-4d.js';
import { volumesIntersect } from '../geo/volumes-intersect.js';

export interface PlannedOperation {
  readonly priority: number;
  readonly volumes: readonly Volume4D[];
}

/** An intersecting intent of another party, with what its owner disclosed (undefined: not disclosed). */
export interface OtherOperation {
  readonly intentId: string;
  readonly owner: string;
  readonly priority: number | undefined;
  readonly volumes: readonly Volume4D[] | undefined;
}

/** Whether the regulator allows conflicts between equal priorities. */
export type EqualPriorityRule = 'allow' | 'deny';

/** Their priority relative to ours. */
export type PriorityRelation = 'lower' | 'equal' | 'higher' | 'unknown';

export interface ConflictFinding {
  readonly intentId: string;
  readonly owner: string;
  readonly relation: PriorityRelation;
  /** Their volumes were not disclosed, so the conflict is assumed. */
  readonly assumed: boolean;
  /** The previous version of our operation conflicted with it too (established, not assumed). */
  readonly preExisting: boolean;
  /** This conflict alone refuses the plan. */
  readonly blocking: boolean;
}

export interface PlanEvaluation {
  /** Every conflict, in the order of `others`. */
  readonly conflicts: readonly ConflictFinding[];
  /** The conflicts that refuse the plan; empty when it may go on record. */
  readonly blocking: readonly ConflictFinding[];
}

/**
 * The conflicts of `planned` with `others`, and those that refuse it. `previous` is the version on
 * record when `planned` modifies (or activates) an operation, undefined for a new one.
 */
export function evaluatePlan(
  planned: PlannedOperation,
  previous: PlannedOperation | undefined,
  others: readonly OtherOperation[],
  rules: { readonly equalPriority: EqualPriorityRule },
): PlanEvaluation {
  const conflicts: ConflictFinding[] = [];
  for (const other of others) {
    const assumed = other.volumes === undefined;
    if (other.volumes !== undefined && !anyIntersect(planned.volumes, other.volumes)) continue;
    const relation = priorityRelation(other.priority, planned.priority);
    // With undisclosed volumes we cannot establish that the old version met them: treat as new.
    const preExisting = previous !== undefined && other.volumes !== undefined && anyIntersect(previous.volumes, other.volumes);
    const blocking = !preExisting && refuses(relation, rules.equalPriority);
    conflicts.push({ intentId: other.intentId, owner: other.owner, relation, assumed, preExisting, blocking });
  }
  return { conflicts, blocking: conflicts.filter((c) => c.blocking) };
}

/** Their priority relative to ours; undisclosed (or either not a finite number) is 'unknown'. */
export function priorityRelation(theirs: number | undefined, ours: number): PriorityRelation {
  if (theirs === undefined || !Number.isFinite(theirs) || !Number.isFinite(ours)) return 'unknown';
  return theirs > ours ? 'higher' : theirs < ours ? 'lower' : 'equal';
}

/** Does a new conflict of this relation refuse the plan? */
function refuses(relation: PriorityRelation, equalPriority: EqualPriorityRule): boolean {
  const REFUSES: Readonly<Record<PriorityRelation, boolean>> = {
    higher: true,
    unknown: true,
    equal: equalPriority === 'deny',
    lower: false,
  };
  return REFUSES[relation];
}

function anyIntersect(ours: readonly Volume4D[], theirs: readonly Volume4D[]): boolean {
  return ours.some((a) => theirs.some((b) => volumesIntersect(a, b)));
}
