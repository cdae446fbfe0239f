/**
 * A party's disclosure policy (issue 4): for each peer party, or by default, which detail fields
 * of its operations it shares with a requester that holds a valid intersection ticket, under
 * which conditions, on which ticket bases, and whether volumes are coarsened. Anything the
 * policy does not name is never shared. Parsing checks every rule and names the path of each
 * problem, all at once.
 *
 * {"version": 1,
 *  "default": {"bases": ["intent", "subscription", "declaration"],
 *              "fields": {"volumes": "always", "callsign": {"when": [{"requester_priority_at_least": 3},
 *                                                                     {"within_km": 10}]},
 *                         "mission": "never"},
 *              "coarsen_volumes": false},
 *  "peers": {"red": {...the same shape...}}}
 */
import { BASIS_KINDS, type BasisKind } from '../tickets/ticket.js';

export type Condition =
  | { readonly kind: 'requester_priority_at_least'; readonly value: number }
  | { readonly kind: 'within_km'; readonly value: number };

/** always, never, or when any one of the conditions holds. */
export type FieldRule = { readonly kind: 'always' } | { readonly kind: 'never' } | { readonly kind: 'when'; readonly anyOf: readonly Condition[] };

export interface AudiencePolicy {
  readonly bases: readonly BasisKind[];
  readonly fields: Readonly<Record<string, FieldRule>>;
  readonly coarsenVolumes: boolean;
}

export interface DisclosurePolicy {
  readonly default: AudiencePolicy;
  readonly peers: Readonly<Record<string, AudiencePolicy>>;
}

/** Shares nothing with anyone: the policy of an agent started without one. */
export const DENY_ALL: DisclosurePolicy = Object.freeze({
  default: { bases: [], fields: {}, coarsenVolumes: false },
  peers: {},
});

export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid disclosure policy:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const FIELD_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const PARTY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const MAX_FIELDS = 64;
const MAX_CONDITIONS = 8;

/** The policy in `value` (parsed JSON); throws PolicyError listing every problem. */
export function parsePolicy(value: unknown): DisclosurePolicy {
  const problems: string[] = [];
  const root = object(value, '$', problems);
  if (root === undefined) throw new PolicyError(problems);
  unknownKeys(root, ['version', 'default', 'peers'], '$', problems);
  if (root['version'] !== 1) problems.push(`$.version: must be 1, not ${JSON.stringify(root['version'])}`);
  const fallback = root['default'] === undefined ? DENY_ALL.default : audience(root['default'], '$.default', problems);
  const peers: Record<string, AudiencePolicy> = {};
  if (root['peers'] !== undefined) {
    const map = object(root['peers'], '$.peers', problems);
    for (const [peer, rules] of Object.entries(map ?? {})) {
      const path = `$.peers[${JSON.stringify(peer)}]`;
      if (!PARTY_ID.test(peer)) problems.push(`${path}: a party id is 1 to 64 letters, digits, ".", "_" or "-"`);
      const parsed = audience(rules, path, problems);
      // Defined, not assigned: a peer named "__proto__" is a peer like any other.
      if (parsed !== undefined) Object.defineProperty(peers, peer, { value: parsed, enumerable: true, writable: true, configurable: true });
    }
  }
  if (problems.length > 0 || fallback === undefined) throw new PolicyError(problems);
  return { default: fallback, peers };
}

/** Whether every peer (the default and each named one) is always shown `field`. */
export function sharedWithAll(policy: DisclosurePolicy, field: string): boolean {
  return [policy.default, ...Object.values(policy.peers)].every((audience) => audience.fields[field]?.kind === 'always');
}

/** The rules for one peer: its own, else the default. */
export function audienceFor(policy: DisclosurePolicy, peer: string): AudiencePolicy {
  return Object.hasOwn(policy.peers, peer) ? (policy.peers[peer] as AudiencePolicy) : policy.default;
}

function audience(value: unknown, path: string, problems: string[]): AudiencePolicy | undefined {
  const o = object(value, path, problems);
  if (o === undefined) return undefined;
  unknownKeys(o, ['bases', 'fields', 'coarsen_volumes'], path, problems);
  const bases: BasisKind[] = [];
  if (o['bases'] === undefined) bases.push(...BASIS_KINDS);
  else if (!Array.isArray(o['bases'])) problems.push(`${path}.bases: must be a list of ${BASIS_KINDS.join(', ')}`);
  else {
    o['bases'].forEach((b, i) => {
      if (!BASIS_KINDS.includes(b as BasisKind)) problems.push(`${path}.bases[${i}]: must be one of ${BASIS_KINDS.join(', ')}, not ${JSON.stringify(b)}`);
      else if (!bases.includes(b as BasisKind)) bases.push(b as BasisKind);
    });
  }
  const fields: Record<string, FieldRule> = {};
  const f = o['fields'] === undefined ? {} : object(o['fields'], `${path}.fields`, problems);
  const entries = Object.entries(f ?? {});
  if (entries.length > MAX_FIELDS) problems.push(`${path}.fields: at most ${MAX_FIELDS} fields`);
  for (const [name, rule] of entries) {
    const at = `${path}.fields.${name}`;
    if (!FIELD_NAME.test(name)) problems.push(`${path}.fields[${JSON.stringify(name)}]: a field name is lower-case letters, digits and "_", starting with a letter`);
    const parsed = fieldRule(rule, at, problems);
    if (parsed !== undefined) fields[name] = parsed;
  }
  let coarsenVolumes = false;
  if (o['coarsen_volumes'] !== undefined) {
    if (typeof o['coarsen_volumes'] !== 'boolean') problems.push(`${path}.coarsen_volumes: must be true or false`);
    else coarsenVolumes = o['coarsen_volumes'];
  }
  return { bases, fields, coarsenVolumes };
}

function fieldRule(value: unknown, path: string, problems: string[]): FieldRule | undefined {
  if (value === 'always' || value === 'never') return { kind: value };
  const o = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  if (o === undefined || !Array.isArray(o['when'])) {
    problems.push(`${path}: must be "always", "never" or {"when": [condition, …]}`);
    return undefined;
  }
  unknownKeys(o, ['when'], path, problems);
  const when = o['when'] as unknown[];
  if (when.length === 0 || when.length > MAX_CONDITIONS) problems.push(`${path}.when: must hold 1 to ${MAX_CONDITIONS} conditions (any one suffices)`);
  const anyOf: Condition[] = [];
  when.forEach((c, i) => {
    const at = `${path}.when[${i}]`;
    const co = typeof c === 'object' && c !== null && !Array.isArray(c) ? (c as Record<string, unknown>) : undefined;
    const keys = co === undefined ? [] : Object.keys(co);
    if (co === undefined || keys.length !== 1) {
      problems.push(`${at}: must be one of {"requester_priority_at_least": P} or {"within_km": D}`);
      return;
    }
    const [kind] = keys as [string];
    const v = co[kind];
    if (kind === 'requester_priority_at_least') {
      if (!Number.isSafeInteger(v) || (v as number) < 0 || (v as number) > 100) problems.push(`${at}.requester_priority_at_least: must be a whole number from 0 to 100`);
      else anyOf.push({ kind, value: v as number });
    } else if (kind === 'within_km') {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 20_000) problems.push(`${at}.within_km: must be a number of km from 0 to 20000`);
      else anyOf.push({ kind, value: v });
    } else {
      problems.push(`${at}: unknown condition "${kind}"; expected requester_priority_at_least or within_km`);
    }
  });
  return { kind: 'when', anyOf };
}

function object(value: unknown, path: string, problems: string[]): Record<string, unknown> | undefined {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  problems.push(`${path}: must be an object`);
  return undefined;
}

function unknownKeys(o: Record<string, unknown>, known: readonly string[], path: string, problems: string[]): void {
  for (const key of Object.keys(o)) if (!known.includes(key)) problems.push(`${path}: unknown key "${key}" (expected ${known.join(', ')})`);
}
