/**
 * What the agent's native routes (operations and constraints) share: the operator guard, and
 * readers of bounded volume lists, detail objects, closed sets of top-level fields, path ids and
 * list limits. Each refusal names the field and the rule.
 */
import { DEFAULT_LIMITS } from '../../../app/broker-context.js';
import { invalidInput } from '../../../domain/errors.js';
import type { Volume4D } from '../../../domain/geo/volume-4d.js';
import { parseVolume4D } from '../dss-v1/volume-wire.js';
import { at, readArray, readObject } from '../dss-v1/wire/json-read.js';
import type { FastifyRequest } from 'fastify';
import { SCOPE } from '../../../app/scopes.js';
import { requireScopes } from '../auth.js';
import { parseEntityId } from '../dss-v1/wire/parse-requests.js';
import type { AgentHttpDeps } from './agent-http-deps.js';

export const MAX_VOLUMES = 64;
export const MAX_DETAIL_FIELDS = 64;
export const MAX_DETAILS_BYTES = 64 * 1024;
const FIELD_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/** Refuses any top-level field outside `known`. */
export function refuseUnknownFields(o: Readonly<Record<string, unknown>>, known: readonly string[], what: string): void {
  for (const key of Object.keys(o)) if (!known.includes(key)) throw invalidInput(key, `is not a field of ${what} (expected ${known.join(', ')})`);
}

/** `min` to MAX_VOLUMES bounded volumes (times and altitudes given), as the broker takes them. */
export function readVolumeList(value: unknown, field: string, options: { readonly min: number; readonly maxVertices: number }): Volume4D[] {
  const rules = { requireBounds: true, maxVertices: options.maxVertices, maxAreaKm2: DEFAULT_LIMITS.maxAreaKm2 };
  return readArray(value, field, { min: options.min, max: MAX_VOLUMES }).map((v, i) => parseVolume4D(v, at(field, i), rules));
}

/** A details object: named like policy fields, none of `reserved` (the entity's own fields), bounded in size. */
export function readDetails(value: unknown, reserved: ReadonlySet<string>, what: string): Record<string, unknown> {
  const o = readObject(value, 'details');
  const keys = Object.keys(o);
  if (keys.length > MAX_DETAIL_FIELDS) throw invalidInput('details', `must hold at most ${MAX_DETAIL_FIELDS} fields`);
  for (const key of keys) {
    if (!FIELD_NAME.test(key)) throw invalidInput(`details[${JSON.stringify(key)}]`, 'a detail name is lower-case letters, digits and "_", starting with a letter (at most 64)');
    if (reserved.has(key)) throw invalidInput(`details.${key}`, `"${key}" is a field of ${what} itself, not a detail`);
  }
  if (Buffer.byteLength(JSON.stringify(o)) > MAX_DETAILS_BYTES) throw invalidInput('details', `must be at most ${MAX_DETAILS_BYTES} bytes of JSON`);
  return { ...o };
}

/** A whole-number query parameter. */
export function readWhole(text: string, field: string): number {
  const n = Number(text);
  if (!/^\d{1,15}$/.test(text) || !Number.isSafeInteger(n)) throw invalidInput(field, 'must be a whole number');
  return n;
}

/** `?limit=`: 1 to 1000. */
export function readLimit(text: string): number {
  const n = readWhole(text, 'limit');
  if (n < 1 || n > 1000) throw invalidInput('limit', 'must be from 1 to 1000');
  return n;
}

/**
 * The guard of every native route: a token our party signed, with the operator scope. Our key
 * also signs the tokens our agent sends to peers and the broker, which never carry that scope,
 * so none of them can be replayed here.
 */
export function operatorGuard(deps: Pick<AgentHttpDeps, 'operators'>): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    const principal = await deps.operators.authenticate(request.headers.authorization, Date.now());
    requireScopes(principal, [[SCOPE.operator]]);
  };
}

/** The `{id}` path parameter, a UUID. */
export function pathId(request: FastifyRequest): string {
  return parseEntityId<string>((request.params as { id: string }).id, 'id');
}
