/**
 * What an owner's agent answers a peer that holds a valid ticket (issue 4): exactly the fields
 * the policy allows this peer under these conditions, volume fields coarsened if the policy says
 * so, nothing else. Conditions the agent cannot establish count as not met.
 */
import type { Volume4D } from '../geo/volume-4d.js';
import type { BasisKind } from '../tickets/ticket.js';
import { boundingVolume } from './coarsen.js';
import { audienceFor, type Condition, type DisclosurePolicy, type FieldRule } from './policy.js';

/** The operation's volumes go by this field name (taken from `operation.volumes`, never from details). */
export const VOLUMES_FIELD = 'volumes';
/** The volumes the operation would use off-nominal (Nonconforming, Contingent), a detail entry. */
export const OFF_NOMINAL_VOLUMES_FIELD = 'off_nominal_volumes';
/** Fields that hold 4D volumes: coarsened to one bounding volume each under `coarsen_volumes`, omitted when empty. */
export const VOLUME_FIELDS: ReadonlySet<string> = new Set([VOLUMES_FIELD, OFF_NOMINAL_VOLUMES_FIELD]);

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
      /** The answer: only allowed fields, `volumes` first, then the details in their own order. */
      readonly fields: Readonly<Record<string, unknown>>;
      readonly disclosed: readonly string[];
      /** At least one volume field was disclosed, coarsened. */
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
  const entries: Array<[string, unknown]> = [[VOLUMES_FIELD, operation.volumes]];
  for (const entry of Object.entries(operation.details)) if (entry[0] !== VOLUMES_FIELD) entries.push(entry);
  for (const [name, value] of entries) {
    if (value === undefined || !Object.hasOwn(rules.fields, name) || !permits(rules.fields[name], context)) continue;
    if (VOLUME_FIELDS.has(name)) {
      const volumes = volumeList(name, value);
      if (volumes.length === 0) continue;
      fields[name] = rules.coarsenVolumes ? [boundingVolume(volumes)] : volumes;
      coarsened ||= rules.coarsenVolumes;
    } else {
      fields[name] = value;
    }
    disclosed.push(name);
  }
  return { allowed: true, fields, disclosed, coarsened };
}

/** A volume field's value; anything but a list is the caller's error, never passed on as it is. */
function volumeList(name: string, value: unknown): readonly Volume4D[] {
  if (!Array.isArray(value)) throw new TypeError(`Cannot disclose "${name}": expected a list of volumes, not ${typeof value}`);
  return value as readonly Volume4D[];
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
