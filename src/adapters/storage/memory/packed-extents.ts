/**
 * Records as the in-memory state keeps them: every field as given, but the extents packed (the
 * SQLite BLOB format, held as a one-byte string) and decoded only when read. A million intents'
 * vertices as JS objects take ~2.9 KB each; packed, ~0.5 KB — the difference between fitting in
 * memory or not. A string is one heap object the collector never looks inside, where a Buffer
 * would add a ~200-byte view per record. The DSS answers never include extents, so queries
 * never decode.
 *
 * `extents` stays an own, enumerable property (an accessor), so spreading and deep equality
 * see a record like any other; the packed form sits under a non-enumerable symbol.
 */
import type { Volume4D } from '../../../domain/geo/volume-4d.js';
import { decodeVolumes, encodeVolumes } from './volume-codec.js';

const PACKED: unique symbol = Symbol('packed extents');

interface Packed {
  readonly id: string;
  readonly [PACKED]: string;
}

function decodeOwn(this: Packed): Volume4D[] {
  return decodeVolumes(Buffer.from(this[PACKED], 'latin1'), `record ${this.id}`);
}

/** The packed extents of a record made here (a one-byte string), or undefined for any other object. */
export function packedExtents(record: object): string | undefined {
  return (record as Partial<Packed>)[PACKED];
}

/** The BLOB of a record's extents, from its packed form when it has one. */
export function extentsBlob(record: { readonly extents: readonly Volume4D[] }): Buffer {
  const packed = packedExtents(record);
  return packed === undefined ? encodeVolumes(record.extents) : Buffer.from(packed, 'latin1');
}

/**
 * Managers and base URLs repeat across thousands of records: one string each saves ~70 bytes a
 * record. Bounded, so hostile input cannot grow it without limit.
 */
const interned = new Map<string, string>();
const MAX_INTERNED = 10_000;

function intern(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const known = interned.get(value);
  if (known !== undefined) return known;
  if (interned.size < MAX_INTERNED) interned.set(value, value);
  return value;
}

/** `fields` with `extents` decoded on access from `blob` (the volume-codec format). */
export function withPackedExtents<R extends { readonly id: string; readonly extents: readonly Volume4D[] }>(
  fields: Omit<R, 'extents'>,
  blob: Uint8Array,
): R {
  const shared = fields as Record<string, unknown>;
  if ('manager' in shared) shared['manager'] = intern(shared['manager']);
  if ('ussBaseUrl' in shared) shared['ussBaseUrl'] = intern(shared['ussBaseUrl']);
  const packed = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength).toString('latin1');
  return Object.defineProperties(fields, {
    extents: { get: decodeOwn, enumerable: true, configurable: false },
    [PACKED]: { value: packed, enumerable: false, writable: false, configurable: false },
  }) as unknown as R;
}

/** The record in packed form: itself when it already is, else a packed copy. */
export function packRecord<R extends { readonly id: string; readonly extents: readonly Volume4D[] }>(record: R): R {
  if (packedExtents(record) !== undefined) return record;
  const { extents, ...fields } = record;
  return withPackedExtents<R>(fields as Omit<R, 'extents'>, encodeVolumes(extents));
}
