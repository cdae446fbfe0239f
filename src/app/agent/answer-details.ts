/**
 * The owner's side of need-to-know disclosure (issue 4, DESIGN.md invariant 3): a peer asks
 * for the details of one of our operations; we answer only against a valid intersection ticket
 * issued to that peer for that operation, on a basis our policy accepts, and then only with the
 * fields the policy allows. Anything else is 403 with nothing disclosed. The caller (the
 * agent's peer API) records a receipt for every answer it sends.
 */
import { disclose } from '../../domain/disclosure/disclose.js';
import type { DisclosurePolicy } from '../../domain/disclosure/policy.js';
import type { Volume4D } from '../../domain/geo/volume-4d.js';
import { ticketProblem, type TicketClaims, type TicketProblem } from '../../domain/tickets/ticket.js';

export interface OwnOperation {
  readonly intentId: string;
  readonly volumes: readonly Volume4D[];
  readonly details: Readonly<Record<string, unknown>>;
}

export interface DetailsRequest {
  /** The peer, as its own token authenticates it. */
  readonly requester: string;
  readonly intentId: string;
  /** The `Parley-Ticket` header, if any. */
  readonly ticket: string | undefined;
  /** Facts about the requester's operation established otherwise (default: the ticket's basis). */
  readonly requesterPriority?: number;
  readonly distanceKm?: number;
}

export type RefusalReason = 'no_ticket' | 'unknown_intent' | TicketProblem;

export type DetailsAnswer =
  | { readonly status: 200; readonly body: Readonly<Record<string, unknown>>; readonly disclosed: readonly string[]; readonly ticket: TicketClaims }
  | { readonly status: 403 | 404; readonly reason: RefusalReason };

export interface AnswerDeps {
  readonly policy: DisclosurePolicy;
  /** Our broker's ticket check: the claims if it signed the token, else why not. */
  readonly openTicket: (token: string) => TicketClaims | TicketProblem;
  /** The broker's issuer name, as in its tickets. */
  readonly issuer: string;
  readonly nowS: number;
}

export function answerDetails(deps: AnswerDeps, operation: OwnOperation | undefined, request: DetailsRequest): DetailsAnswer {
  if (request.ticket === undefined || request.ticket === '') return { status: 403, reason: 'no_ticket' };
  const claims = deps.openTicket(request.ticket);
  if (typeof claims === 'string') return { status: 403, reason: claims };
  if (claims.iss !== deps.issuer) return { status: 403, reason: 'bad_signature' };
  const problem = ticketProblem(claims, { requester: request.requester, intentId: request.intentId, nowS: deps.nowS });
  if (problem !== undefined) return { status: 403, reason: problem };
  // Only now, with a ticket for exactly this intent, may the requester learn whether we hold it.
  if (operation === undefined || operation.intentId !== request.intentId) return { status: 404, reason: 'unknown_intent' };
  // The conditions' facts come from what the broker signed: the priority the requester stated in
  // its declaration, and the distance between the two operations' centres.
  const requesterPriority = request.requesterPriority ?? claims.basis.priority;
  const distanceKm = request.distanceKm ?? claims.basis.km;
  const decision = disclose(deps.policy, operation, {
    peer: request.requester,
    basis: claims.basis.kind,
    ...(requesterPriority === undefined ? {} : { requesterPriority }),
    ...(distanceKm === undefined ? {} : { distanceKm }),
  });
  if (!decision.allowed) return { status: 403, reason: decision.reason };
  return { status: 200, body: decision.fields, disclosed: decision.disclosed, ticket: claims };
}
