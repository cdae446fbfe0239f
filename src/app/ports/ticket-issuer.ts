/** Signs intersection tickets (domain/tickets/ticket.ts); the key stays in the adapter. */
import type { TicketBasis } from '../../domain/tickets/ticket.js';

export interface TicketRequest {
  readonly requester: string;
  readonly intentId: string;
  readonly owner: string;
  readonly version: number;
  /** Signed as given: kind and id, and `priority` and `km` when the caller has them. */
  readonly basis: TicketBasis;
}

export interface TicketIssuer {
  /** A compact JWS valid for at most 5 minutes from `nowMs`. */
  issue(request: TicketRequest, nowMs: number): string;
}
