/**
 * Planning's look around (F3548 SCD0035: valid details of every relevant intent before
 * planning): every reference the broker knows within our extents, and for each foreign one
 * what its owner discloses against our ticket — at least its OVN, which our key must hold.
 * Our own other operations come from our store. A peer that cannot answer fails the whole
 * look, naming every such peer: planning never goes on with a key it could not complete.
 */
import { DomainError } from '../../domain/errors.js';
import type { Volume4D } from '../../domain/geo/volume-4d.js';
import type { OtherOperation } from '../../domain/planning/planning-rules.js';
import type { AgentContext, PeerAnswer, QueriedReference } from './agent-ports.js';

export interface KnownIntent {
  readonly reference: QueriedReference;
  /** The current OVN, for our key. */
  readonly ovn: string;
  /** What the planning rules know of it. */
  readonly other: OtherOperation;
  /** What its owner disclosed to us (all of it, for our own operations). */
  readonly disclosed: Readonly<Record<string, unknown>>;
}

/** Peer answers of this planning, by intent id; reused while the intent's version holds. */
export type AnswerCache = Map<string, PeerAnswer>;

export async function discover(ctx: AgentContext, extents: readonly Volume4D[], selfId: string, cache: AnswerCache): Promise<KnownIntent[]> {
  const found = new Map<string, QueriedReference>();
  await forEachLimited(extents, 4, async (area) => {
    for (const reference of await ctx.broker.query(area)) if (reference.id !== selfId) found.set(reference.id, reference);
  });
  const references = [...found.values()];
  const failures: DomainError[] = [];
  const known: (KnownIntent | undefined)[] = new Array(references.length);
  await forEachLimited(references.map((r, i) => [r, i] as const), ctx.planning.fetchConcurrency, async ([reference, i]) => {
    try {
      known[i] = reference.manager === ctx.party ? ownIntent(ctx, reference) : await foreignIntent(ctx, reference, cache);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      failures.push(error);
    }
  });
  if (failures.length > 0) {
    const [first] = failures as [DomainError, ...DomainError[]];
    const message = failures.length === 1 ? first.message : `${failures.length} peers could not answer: ${failures.map((f) => f.message).join('; ')}`;
    throw new DomainError(first.code, `Planning stopped, nothing was changed. ${message}`);
  }
  return known as KnownIntent[];
}

function ownIntent(ctx: AgentContext, reference: QueriedReference): KnownIntent {
  // A create whose answer from the broker is still on its way is ours all the same.
  const record = ctx.store.get(reference.id) ?? ctx.store.pending().find((p) => p.operationId === reference.id)?.intended;
  if (reference.ovn === undefined) throw new DomainError('broker_refused', `The broker did not show us the OVN of our own intent ${reference.id}`);
  return {
    reference,
    ovn: reference.ovn,
    // An intent of ours this agent does not hold (another agent of our party?) is assumed to
    // conflict, with a priority we cannot know.
    other: {
      intentId: reference.id,
      owner: reference.manager,
      priority: record?.priority,
      // Where it may be: nominal and off-nominal volumes alike.
      volumes: record === undefined ? undefined : [...record.volumes, ...record.offNominalVolumes],
    },
    disclosed: record === undefined ? {} : { priority: record.priority, ...record.details },
  };
}

async function foreignIntent(ctx: AgentContext, reference: QueriedReference, cache: AnswerCache): Promise<KnownIntent> {
  let answer = cache.get(reference.id);
  if (answer === undefined || answer.reference.version < reference.version) {
    answer = await ctx.peers.fetchDetails({ party: reference.manager, ussBaseUrl: reference.ussBaseUrl }, reference.id, reference.ticket);
    cache.set(reference.id, answer);
  }
  return {
    reference,
    ovn: answer.reference.ovn,
    other: { intentId: reference.id, owner: reference.manager, priority: answer.priority, volumes: answer.volumes },
    disclosed: answer.details,
  };
}

/** Runs `fn` over `items`, at most `limit` at once; rejects with the first unexpected error. */
export async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
