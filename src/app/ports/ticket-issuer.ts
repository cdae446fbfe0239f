/** Signs intersection tickets (domain/tickets/ticket.ts); the key stays in the adapter. */
import type { BasisKind } from '../../domain/tickets/ticket.js';

export interface TicketRequest {
  readonly requester: string;
  readonly intentId: string;
  readonly owner: string;
  readonly version: number;
  readonly basis: { readonly kind: BasisKind; readonly id: string };
}

export interface TicketIssuer {
  /** A compact JWS valid for at most 5 minutes from `nowMs`. */
  issue(request: TicketRequest, nowMs: number): string;
}
