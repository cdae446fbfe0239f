/**
 * A peer asks for one of our operations (F3548 GET /uss/v1/operational_intents/{id}). We answer
 * only what answer-details allows, and only once the broker has recorded the receipt: a
 * disclosure that is not on the record does not happen (DESIGN.md invariant 3).
 */
import { DomainError } from '../../domain/errors.js';
import { answerDetails, type OwnOperation, type RefusalReason } from './answer-details.js';
import type { AgentContext } from './agent-ports.js';
import type { OperationRecord } from './agent-store.js';

export type DetailsReply =
  | { readonly status: 200; readonly record: OperationRecord; readonly details: Readonly<Record<string, unknown>>; readonly disclosed: readonly string[]; readonly receipt: number | undefined }
  | { readonly status: 403 | 404; readonly reason: RefusalReason }
  /** A valid ticket for an intent we are putting on record right now: ask again shortly. */
  | { readonly status: 503; readonly reason: 'being_planned' };

export async function serveDetails(ctx: AgentContext, request: { readonly requester: string; readonly intentId: string; readonly ticket: string | undefined }): Promise<DetailsReply> {
  const stored = ctx.store.get(request.intentId);
  const record = stored === undefined || stored.state === 'Ended' ? undefined : stored;
  if (request.ticket === undefined || request.ticket === '') {
    // A plain F3548 client: the reference alone (its OVN, for its key) if so configured.
    if (ctx.ticketless === 'reference' && record !== undefined) {
      ctx.events('disclosure.reference_only', { requester: request.requester, id: request.intentId });
      return { status: 200, record, details: {}, disclosed: [], receipt: undefined };
    }
    ctx.events('disclosure.refused', { requester: request.requester, id: request.intentId, reason: 'no_ticket' });
    return { status: 403, reason: 'no_ticket' };
  }
  const claims = await ctx.broker.openTicket(request.ticket);
  const answer = answerDetails(
    { policy: ctx.policy, openTicket: () => claims, issuer: await ctx.broker.ticketIssuer(), nowS: Math.floor(ctx.clock.nowMs() / 1000) },
    record === undefined ? undefined : ownOperation(record),
    { requester: request.requester, intentId: request.intentId, ticket: request.ticket },
  );
  if (answer.status === 404 && ctx.store.pending().some((p) => p.operationId === request.intentId && p.kind === 'create')) {
    // The broker has it (the ticket says so) but its answer has not reached us: no OVN to give yet.
    return { status: 503, reason: 'being_planned' };
  }
  if (answer.status !== 200) {
    ctx.events('disclosure.refused', { requester: request.requester, id: request.intentId, reason: answer.reason });
    return answer;
  }
  let receipt: number;
  try {
    receipt = (await ctx.broker.recordReceipt(request.ticket, answer.disclosed)).index;
  } catch (error) {
    // Unreachable or failing: unavailable; any answer refusing it: refused.
    const code = error instanceof DomainError && error.code !== 'broker_unavailable' ? 'broker_refused' : 'broker_unavailable';
    throw new DomainError(code, `Nothing disclosed: the broker did not record the disclosure receipt (${(error as Error).message})`);
  }
  ctx.events('disclosure.answered', { requester: request.requester, id: request.intentId, fields: answer.disclosed.length, receipt });
  return { status: 200, record: record as OperationRecord, details: answer.body, disclosed: answer.disclosed, receipt };
}

/** What the policy sees of an operation: its volumes and every other field by name. */
function ownOperation(record: OperationRecord): OwnOperation {
  return {
    intentId: record.id,
    volumes: record.volumes,
    details: { priority: record.priority, off_nominal_volumes: record.offNominalVolumes, ...record.details },
  };
}
