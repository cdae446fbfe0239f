/**
 * What a party asks of the verifiable log: the signed checkpoint, inclusion and consistency
 * proofs (RFC 9162 §2.1.3, §2.1.4) and the entries — with salt and content only for the
 * entries that concern it.
 */
import { invalidInput } from '../../domain/errors.js';
import { formatCheckpoint } from '../../domain/log/checkpoint.js';
import type { PartyId } from '../../domain/ids.js';
import type { BrokerContext, Caller } from '../broker-context.js';
import type { LogSigner } from '../ports/log-signer.js';
import type { CheckpointRecord } from '../ports/store.js';

/** Most entries one page returns. */
export const MAX_ENTRIES_PAGE = 1000;

/**
 * The checkpoint of the whole log as it stands: the newest one signed when the log has not
 * grown since, else a newly signed one (kept, so that audits of the store can check it).
 */
export async function currentCheckpoint(ctx: BrokerContext, signer: LogSigner): Promise<CheckpointRecord> {
  const { size, root, latest } = await ctx.store.read(async (reader) => {
    const size = reader.log.size();
    return { size, root: reader.log.root(size), latest: await reader.log.latestCheckpoint() };
  });
  // Reused only if this key signed it: after a key change the log is re-signed at once.
  if (latest !== undefined && latest.size === size && signer.signed(latest.note)) return latest;
  const checkpoint: CheckpointRecord = {
    size,
    note: signer.sign(formatCheckpoint({ origin: signer.origin, size, root })),
    signedAtMs: ctx.clock.nowMs(),
  };
  // The tree may have grown meanwhile: this checkpoint is still true of its own size.
  await ctx.store.transact((tx) => tx.log.saveCheckpoint(checkpoint));
  return checkpoint;
}

export interface InclusionProof {
  readonly index: number;
  readonly size: number;
  readonly hashes: Uint8Array[];
}

export async function inclusionProofOf(ctx: BrokerContext, query: { readonly index: number; readonly size: number }): Promise<InclusionProof> {
  return ctx.store.read(async (reader) => {
    const logSize = reader.log.size();
    checkSize('size', query.size, logSize, 1);
    if (query.index >= query.size) throw invalidInput('index', `must be below size (${query.size})`);
    return { index: query.index, size: query.size, hashes: reader.log.inclusionProof(query.index, query.size) };
  });
}

export interface ConsistencyProof {
  readonly from: number;
  readonly to: number;
  readonly hashes: Uint8Array[];
}

export async function consistencyProofOf(ctx: BrokerContext, query: { readonly from: number; readonly to: number }): Promise<ConsistencyProof> {
  return ctx.store.read(async (reader) => {
    const logSize = reader.log.size();
    checkSize('to', query.to, logSize, 1);
    if (query.from < 1) throw invalidInput('from', 'must be at least 1 (every tree is consistent with the empty one)');
    if (query.from > query.to) throw invalidInput('from', `must not be above to (${query.to})`);
    return { from: query.from, to: query.to, hashes: reader.log.consistencyProof(query.from, query.to) };
  });
}

export interface EntryView {
  readonly index: number;
  readonly data: Uint8Array;
  /** Only for entries that concern the caller. */
  readonly salt?: Uint8Array;
  readonly content?: Readonly<Record<string, unknown>>;
}

export async function listEntries(
  ctx: BrokerContext,
  caller: Caller,
  query: { readonly start: number; readonly limit: number },
): Promise<EntryView[]> {
  if (query.limit < 1 || query.limit > MAX_ENTRIES_PAGE) throw invalidInput('limit', `must be from 1 to ${MAX_ENTRIES_PAGE}`);
  const entries = await ctx.store.read((reader) => reader.log.entries(query.start, query.limit));
  return entries.map((entry) =>
    entry.parties.includes(caller.id as PartyId)
      ? { index: entry.index, data: entry.data, salt: entry.salt, content: JSON.parse(entry.content) as Record<string, unknown> }
      : { index: entry.index, data: entry.data },
  );
}

function checkSize(field: string, size: number, logSize: number, min: number): void {
  if (size < min) throw invalidInput(field, `must be at least ${min}`);
  if (size > logSize) throw invalidInput(field, `must not exceed the log's size (${logSize})`);
}
