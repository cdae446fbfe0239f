/**
 * What an owner's agent answers a peer that holds a valid ticket (issue 4): exactly the fields
 * the policy allows this peer under these conditions, `volumes` coarsened if the policy says
 * so, nothing else. Conditions the agent cannot establish count as not met.
 */
import type { Volume4D } from '../geo/volume-4d.js';
import type { BasisKind } from '../tickets/ticket.js';
import { boundingVolume } from './coarsen.js';
import { audienceFor, type Condition, type DisclosurePolicy, type FieldRule } from './policy.js';

/** The operation's volumes go by this field name; every other field is a detail. */
export const VOLUMES_FIELD = 'volumes';

export interface DisclosureContext {
  readonly peer: string;
  readonly basis: BasisKind;
  /** The requester's priority for the operation it plans, when known. */
  readonly requesterPriority?: number;
  /** Distance (km) between the requester's operation and this one, when known. */
  readonly distanceKm?: number;
}

export type Disclosure =
  | { readonly allowed: false; readonly reason: 'basis_not_accepted' }
  | {
      readonly allowed: true;
      /** The answer: only allowed fields, in the operation's own order. */
      readonly fields: Readonly<Record<string, unknown>>;
      readonly disclosed: readonly string[];
      readonly coarsened: boolean;
    };

export function disclose(
  policy: DisclosurePolicy,
  operation: { readonly volumes: readonly Volume4D[]; readonly details: Readonly<Record<string, unknown>> },
  context: DisclosureContext,
): Disclosure {
  const rules = audienceFor(policy, context.peer);
  if (!rules.bases.includes(context.basis)) return { allowed: false, reason: 'basis_not_accepted' };
  const fields: Record<string, unknown> = {};
  const disclosed: string[] = [];
  let coarsened = false;
  if (permits(rules.fields[VOLUMES_FIELD], context) && operation.volumes.length > 0) {
    coarsened = rules.coarsenVolumes;
    fields[VOLUMES_FIELD] = coarsened ? [boundingVolume(operation.volumes)] : operation.volumes;
    disclosed.push(VOLUMES_FIELD);
  }
  for (const [name, value] of Object.entries(operation.details)) {
    if (name === VOLUMES_FIELD || value === undefined) continue;
    if (!Object.hasOwn(rules.fields, name) || !permits(rules.fields[name], context)) continue;
    fields[name] = value;
    disclosed.push(name);
  }
  return { allowed: true, fields, disclosed, coarsened };
}

function permits(rule: FieldRule | undefined, context: DisclosureContext): boolean {
  if (rule === undefined || rule.kind === 'never') return false;
  if (rule.kind === 'always') return true;
  return rule.anyOf.some((c) => holds(c, context));
}

function holds(condition: Condition, context: DisclosureContext): boolean {
  switch (condition.kind) {
    case 'requester_priority_at_least':
      return context.requesterPriority !== undefined && context.requesterPriority >= condition.value;
    case 'within_km':
      return context.distanceKm !== undefined && context.distanceKm <= condition.value;
  }
}
