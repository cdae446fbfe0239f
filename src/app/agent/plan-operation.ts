/**
 * Planning an operation, or changing one (F3548 §A2 as a USS): declare the volumes we intend to
 * fly (so the broker vouches for our interest with tickets), look around (discover.ts), apply
 * the planning rules (no new conflict with a higher priority; equal priority per configuration;
 * an undisclosed priority counts as higher), PUT the reference with the OVN of every intersecting
 * intent as its key, and on a stale key (409) look again and retry. Then notify the subscribers
 * the broker lists. A refused or failed planning changes nothing here or at the broker.
 */
import { DomainError, invalidInput } from '../../domain/errors.js';
import type { Volume4D } from '../../domain/geo/volume-4d.js';
import { requiresKey, type IntentState } from '../../domain/intents/intent-state.js';
import { canTransition } from '../../domain/planning/operation-state.js';
import { evaluatePlan, type ConflictFinding } from '../../domain/planning/planning-rules.js';
import { sharedWithAll } from '../../domain/disclosure/policy.js';
import type { AgentContext, PutIntentOutcome } from './agent-ports.js';
import type { ConflictNote, OperationRecord } from './agent-store.js';
import { discover, type AnswerCache, type KnownIntent } from './discover.js';
import { settleAfterFailure } from './reconcile.js';
import { sendNotifications, type NotificationDelivery } from './send-notifications.js';
import { withOperationLock, withPlanningSlot } from './operation-lock.js';

export interface OperationDraft {
  readonly volumes: readonly Volume4D[];
  readonly offNominalVolumes: readonly Volume4D[];
  readonly priority: number;
  readonly state: IntentState;
  readonly details: Readonly<Record<string, unknown>>;
}

export interface PlanOutcome {
  readonly record: OperationRecord;
  /** PUTs sent to the broker (more than the steps when a key went stale). */
  readonly attempts: number;
  readonly notifications: readonly NotificationDelivery[];
}

/** Plans a new operation with a fresh id. */
export async function planOperation(ctx: AgentContext, draft: OperationDraft): Promise<PlanOutcome> {
  if (!canTransition(undefined, draft.state)) throw invalidInput('state', 'a new operation is planned as Accepted or Activated');
  checkOffNominal(draft);
  const id = ctx.ids.uuid();
  return withOperationLock(ctx, id, () => withPlanningSlot(ctx, () => planChange(ctx, id, undefined, draft)));
}

/** Changes an operation of ours: modify, activate, or report it off-nominal. */
export async function modifyOperation(ctx: AgentContext, id: string, change: (current: OperationRecord) => OperationDraft): Promise<PlanOutcome> {
  return withOperationLock(ctx, id, async () => {
    const current = ctx.store.get(id);
    if (current === undefined || current.state === 'Ended') throw new DomainError('not_found', `No operation ${id} in planning or flight`);
    const draft = change(current);
    if (!canTransition(current.state, draft.state)) throw invalidInput('state', `cannot go from ${current.state} to ${draft.state}`);
    checkOffNominal(draft);
    return withPlanningSlot(ctx, () => planChange(ctx, id, current, draft));
  });
}

async function planChange(ctx: AgentContext, id: string, previous: OperationRecord | undefined, draft: OperationDraft): Promise<PlanOutcome> {
  const extents = [...draft.volumes, ...draft.offNominalVolumes];
  // The declaration's priority reaches every owner in its tickets and the log's receipts: stated
  // only when our policy shows our priority to every peer anyway.
  const declaration = await ctx.broker.declare(extents, sharedWithAll(ctx.policy, 'priority') ? draft.priority : undefined);
  const cache: AnswerCache = new Map();
  // The broker takes a new intent only as Accepted: activating one is a second write.
  const steps: IntentState[] = previous === undefined && draft.state !== 'Accepted' ? ['Accepted', draft.state] : [draft.state];
  let current = previous;
  let attempts = 0;
  const notifications: NotificationDelivery[] = [];
  try {
    for (const [step, state] of steps.entries()) {
     try {
      for (let round = 1; ; round++) {
        const known = await discover(ctx, extents, id, cache);
        const conflicts = judge(ctx, draft, previous, known, state);
        attempts++;
        const outcome = await write(ctx, id, current, { ...draft, state }, known, conflicts);
        if (outcome.kind === 'accepted') {
          current = outcome.record;
          notifications.push(...(await sendNotifications(ctx, id, outcome.put)));
          break;
        }
        ctx.events('planning.stale_key', { id, round, missing: outcome.put.missing.length });
        if (round >= ctx.planning.maxAttempts) {
          throw new DomainError(
            'planning_conflict',
            `Intents kept changing in this airspace: the broker refused our key ${round} times (${outcome.put.message}); nothing was changed, try again`,
          );
        }
      }
     } catch (error) {
      // The first step of a direct activation went through: say what stands.
      if (step === 0 || !(error instanceof DomainError)) throw error;
      throw new DomainError(error.code, `Operation ${id} was planned as Accepted, but putting it in state ${state} failed: ${error.message}`, {
        ...(error.field === undefined ? {} : { field: error.field }),
        ...(error.details === undefined ? {} : { details: error.details }),
      });
     }
    }
  } finally {
    // Awaited, so the operator's answer comes after it; a failure only leaves it to expire (10 min).
    await ctx.broker.withdrawDeclaration(declaration.id).catch((error: unknown) => ctx.events('planning.declaration_kept', { id: declaration.id, error: String(error) }));
  }
  ctx.events('planning.done', { id, state: draft.state, attempts, conflicts: current?.conflicts.length ?? 0 });
  return { record: current as OperationRecord, attempts, notifications };
}

/** Off-nominal volumes belong to an aircraft off nominal (F3548: none while Accepted or Activated). */
function checkOffNominal(draft: OperationDraft): void {
  if (requiresKey(draft.state) && draft.offNominalVolumes.length > 0) {
    throw invalidInput('off_nominal_volumes', `must be empty while the operation is ${draft.state}: they describe an aircraft Nonconforming or Contingent`);
  }
}

/** The conflicts, or a planning_conflict error listing them when one blocks. */
function judge(ctx: AgentContext, draft: OperationDraft, previous: OperationRecord | undefined, known: readonly KnownIntent[], state: IntentState): ConflictNote[] {
  const verdict = evaluatePlan(
    { priority: draft.priority, volumes: [...draft.volumes, ...draft.offNominalVolumes] },
    previous === undefined ? undefined : { priority: previous.priority, volumes: [...previous.volumes, ...previous.offNominalVolumes] },
    known.map((k) => k.other),
    { equalPriority: ctx.planning.equalPriority },
  );
  const byId = new Map(known.map((k) => [k.reference.id, k]));
  const notes = verdict.conflicts.map((c) => note(c, byId.get(c.intentId) as KnownIntent));
  // An aircraft already off nominal reports its state whatever it meets (F3548 §2.3).
  if (verdict.blocking.length > 0 && requiresKey(state)) {
    const names = verdict.blocking.map((b) => `${b.intentId} of ${b.owner} (${describeRelation(b)})`).join(', ');
    throw new DomainError('planning_conflict', `Planning refused: it would newly conflict with ${names}; nothing was changed`, {
      details: { problem: { conflicts: notes.map(conflictToProblem) } },
    });
  }
  return notes;
}

type WriteOutcome =
  | { readonly kind: 'accepted'; readonly record: OperationRecord; readonly put: Extract<PutIntentOutcome, { kind: 'accepted' }> }
  | { readonly kind: 'conflict'; readonly put: Extract<PutIntentOutcome, { kind: 'conflict' }> };

async function write(
  ctx: AgentContext,
  id: string,
  current: OperationRecord | undefined,
  draft: OperationDraft,
  known: readonly KnownIntent[],
  conflicts: readonly ConflictNote[],
): Promise<WriteOutcome> {
  const nowMs = ctx.clock.nowMs();
  const intended: OperationRecord = {
    id,
    version: current?.version ?? 0,
    ovn: current?.ovn ?? '',
    state: draft.state,
    priority: draft.priority,
    volumes: draft.volumes,
    offNominalVolumes: draft.offNominalVolumes,
    details: draft.details,
    subscriptionId: current?.subscriptionId ?? '',
    conflicts,
    createdAtMs: current?.createdAtMs ?? nowMs,
    updatedAtMs: nowMs,
  };
  const pending = { operationId: id, kind: current === undefined ? ('create' as const) : ('update' as const), intended, startedAtMs: nowMs };
  ctx.store.beginPending(pending);
  let put: PutIntentOutcome;
  try {
    put = await ctx.broker.putIntent({
      id,
      currentOvn: current?.ovn,
      extents: [...draft.volumes, ...draft.offNominalVolumes],
      state: draft.state,
      key: [...new Set(known.map((k) => k.ovn))],
      subscription: current === undefined || current.subscriptionId === '' ? { kind: 'new' } : { kind: 'existing', id: current.subscriptionId },
    });
  } catch (error) {
    await settleAfterFailure(ctx, pending);
    throw error;
  }
  if (put.kind === 'conflict') {
    ctx.store.settlePending(id, 'unchanged');
    return { kind: 'conflict', put };
  }
  const record: OperationRecord = { ...intended, version: put.reference.version, ovn: put.reference.ovn, subscriptionId: put.reference.subscriptionId };
  ctx.store.settlePending(id, { record });
  return { kind: 'accepted', record, put };
}

function note(finding: ConflictFinding, known: KnownIntent): ConflictNote {
  return {
    intentId: finding.intentId,
    owner: finding.owner,
    priority: known.other.priority,
    disclosed: known.disclosed,
    preExisting: finding.preExisting,
  };
}

function describeRelation(finding: ConflictFinding): string {
  switch (finding.relation) {
    case 'higher':
      return 'higher priority';
    case 'equal':
      return 'equal priority, not allowed to conflict';
    case 'unknown':
      return 'priority not disclosed to us';
    case 'lower':
      return 'lower priority';
  }
}

/** A conflict as the operator reads it (problem extension member and operation representation). */
export function conflictToProblem(c: ConflictNote): Record<string, unknown> {
  return {
    intent_id: c.intentId,
    owner: c.owner,
    ...(c.priority === undefined ? {} : { priority: c.priority }),
    pre_existing: c.preExisting,
    disclosed: c.disclosed,
  };
}
