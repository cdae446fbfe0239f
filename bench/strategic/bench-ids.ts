/**
 * Deterministic ids for benchmark entities. A workload id (`r123`, `w5`) maps to a UUID whose
 * last group carries the kind and index, so hits can be named again for the hit checksum
 * without keeping a million-entry map; the rest of the UUID is hashed so ids spread evenly.
 */
import type { IntentId } from '../../src/domain/ids.js';

/** What a benchmark UUID names. */
export const ID_KIND = Object.freeze({ ref: 1, write: 2, httpPut: 3, sameCell: 4 });
export type IdKind = (typeof ID_KIND)[keyof typeof ID_KIND];

const MAX_INDEX = 2 ** 40;

function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const hex8 = (n: number): string =>
  HEX_BYTE[n >>> 24]! + HEX_BYTE[(n >>> 16) & 255]! + HEX_BYTE[(n >>> 8) & 255]! + HEX_BYTE[n & 255]!;

/** A UUID (RFC 9562 version 8, "custom") for entity `index` of `kind`. */
export function benchUuid(kind: IdKind, index: number): IntentId {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_INDEX) {
    throw new RangeError(`Cannot make a benchmark UUID for index ${index}: expected an integer in [0, 2^40)`);
  }
  const a = mix32(0x5ca1ab1e ^ mix32(kind) ^ mix32(index >>> 0) ^ Math.floor(index / 2 ** 32));
  const b = mix32(a ^ 0x68e31da4);
  const c = mix32(b ^ 0xb5297a4d);
  const h1 = hex8(b);
  const h2 = hex8(c);
  const variant = (8 + (c & 3)).toString(16);
  const tail = kind.toString(16).padStart(2, '0') + index.toString(16).padStart(10, '0');
  return `${hex8(a)}-${h1.slice(0, 4)}-8${h1.slice(5, 8)}-${variant}${h2.slice(1, 4)}-${tail}` as IntentId;
}

/** The workload id (`r123`, `w5`, `h7`, `s2`) a benchmark UUID was made from. */
export function workloadIdOf(uuid: string): string {
  const kind = Number.parseInt(uuid.slice(24, 26), 16);
  const index = Number.parseInt(uuid.slice(26), 16);
  const prefix = kind === ID_KIND.ref ? 'r' : kind === ID_KIND.write ? 'w' : kind === ID_KIND.httpPut ? 'h' : 's';
  return `${prefix}${index}`;
}

/** Parses `r123` / `w5` into a kind and index; undefined for anything else. */
export function parseWorkloadId(id: string): { kind: IdKind; index: number } | undefined {
  const match = /^([rw])(\d+)$/.exec(id);
  if (match === null) return undefined;
  return { kind: match[1] === 'r' ? ID_KIND.ref : ID_KIND.write, index: Number(match[2]) };
}

/** A random-looking but reproducible OVN (35 characters; F3548 allows 16–128). */
export function benchOvn(kind: IdKind, index: number, version: number): string {
  const a = mix32(0x0b5e55ed ^ mix32(kind) ^ mix32(index >>> 0) ^ mix32(version));
  const b = mix32(a ^ 0x1b56c4e9);
  const c = mix32(b ^ 0x9e3779b9);
  const d = mix32(c ^ 0x85ebca6b);
  return `v${version}-${hex8(a)}${hex8(b)}${hex8(c)}${hex8(d)}`.slice(0, 35);
}
