/**
 * Records as the in-memory state keeps them: every field as given, but the extents packed in
 * one Float64 buffer (the SQLite BLOB format) and decoded only when read. A million intents'
 * vertices as JS objects take ~2.9 KB each; packed, under 0.6 KB — the difference between
 * fitting in memory or not. The DSS answers never include extents, so queries never decode.
 *
 * `extents` stays an own, enumerable property (an accessor), so spreading and deep equality
 * see a record like any other; the buffer sits under a non-enumerable symbol.
 */
import type { Volume4D } from '../../../domain/geo/volume-4d.js';
import { decodeVolumes, encodeVolumes } from './volume-codec.js';

const PACKED: unique symbol = Symbol('packed extents');

interface Packed {
  readonly id: string;
  readonly [PACKED]: Buffer;
}

function decodeOwn(this: Packed): Volume4D[] {
  return decodeVolumes(this[PACKED], `record ${this.id}`);
}

/** The packed buffer of a record made here, or undefined for any other object. */
export function packedBuffer(record: object): Buffer | undefined {
  return (record as Partial<Packed>)[PACKED];
}

/** `fields` with `extents` read from `buffer` on access (the buffer is kept, not copied). */
export function withPackedExtents<R extends { readonly id: string; readonly extents: readonly Volume4D[] }>(
  fields: Omit<R, 'extents'>,
  buffer: Buffer,
): R {
  return Object.defineProperties(fields, {
    extents: { get: decodeOwn, enumerable: true, configurable: false },
    [PACKED]: { value: buffer, enumerable: false, writable: false, configurable: false },
  }) as unknown as R;
}

/** The record in packed form: itself when it already is, else a packed copy. */
export function packRecord<R extends { readonly id: string; readonly extents: readonly Volume4D[] }>(record: R): R {
  if (packedBuffer(record) !== undefined) return record;
  const { extents, ...fields } = record;
  return withPackedExtents<R>(fields as Omit<R, 'extents'>, encodeVolumes(extents));
}
