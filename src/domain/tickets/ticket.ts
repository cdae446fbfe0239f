/**
 * Intersection tickets (issue 4): the broker's signed statement that a requester has a record
 * of its own — an intent, a subscription or a planning declaration — that intersects another
 * party's intent, so the requester may ask that intent's owner for details. An owner's agent
 * discloses only against a valid ticket issued to that requester for that intent.
 */

export type BasisKind = 'intent' | 'subscription' | 'declaration';
export const BASIS_KINDS: readonly BasisKind[] = ['intent', 'subscription', 'declaration'];

/** A ticket lives at most this long (seconds). */
export const TICKET_MAX_TTL_S = 300;

/** A declared priority: a whole number from 0 to MAX_PRIORITY. */
export const MAX_PRIORITY = 100;
/** No two points of the sphere lie further apart than this (half its circumference, rounded up). */
export const MAX_BASIS_KM = 20_040;

export function isPriority(x: unknown): x is number {
  return Number.isSafeInteger(x) && (x as number) >= 0 && (x as number) <= MAX_PRIORITY;
}

/**
 * The requester's own record that intersects the intent, with what an owner's policy
 * conditions need: the priority the requester declared with it (declarations only, when given)
 * and `km`, the distance between the record's and the intent's centres (domain/tickets/basis-distance.ts).
 */
export interface TicketBasis {
  readonly kind: BasisKind;
  readonly id: string;
  readonly priority?: number;
  readonly km?: number;
}

export interface TicketClaims {
  /** The broker (its log origin). */
  readonly iss: string;
  /** The requester: the party the ticket was issued to. */
  readonly sub: string;
  /** The intent the requester may ask about, and its owner and version when issued. */
  readonly oi: string;
  readonly own: string;
  readonly ver: number;
  /** The requester's own record that intersects the intent. */
  readonly basis: TicketBasis;
  /** Issued at and expiry, seconds since the epoch; exp - iat ≤ TICKET_MAX_TTL_S. */
  readonly iat: number;
  readonly exp: number;
  /** The ticket's id (disclosure receipts name it). */
  readonly jti: string;
}

export type TicketProblem =
  | 'malformed'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'too_long'
  | 'other_requester'
  | 'other_intent'
  | 'basis_not_accepted';

export interface TicketExpectation {
  readonly requester: string;
  readonly intentId: string;
  readonly nowS: number;
  /** Bases the owner's policy accepts (default: all). */
  readonly bases?: readonly BasisKind[];
  /** Allowed clock difference, seconds (default 5). */
  readonly skewS?: number;
}

/** Reads claims from a decoded JSON payload; undefined when their shape is wrong. */
export function ticketClaimsOf(payload: unknown): TicketClaims | undefined {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  const p = payload as Record<string, unknown>;
  const basis = p['basis'] as Record<string, unknown> | undefined;
  const text = (x: unknown): x is string => typeof x === 'string' && x.length > 0 && x.length <= 256;
  const seconds = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;
  if (!text(p['iss']) || !text(p['sub']) || !text(p['oi']) || !text(p['own']) || !text(p['jti'])) return undefined;
  if (!Number.isSafeInteger(p['ver']) || (p['ver'] as number) < 1 || !seconds(p['iat']) || !seconds(p['exp'])) return undefined;
  if (typeof basis !== 'object' || basis === null || !BASIS_KINDS.includes(basis['kind'] as BasisKind) || !text(basis['id'])) return undefined;
  const priority = basis['priority'];
  const km = basis['km'];
  if (priority !== undefined && !isPriority(priority)) return undefined;
  if (km !== undefined && (typeof km !== 'number' || !Number.isFinite(km) || km < 0 || km > MAX_BASIS_KM)) return undefined;
  return {
    iss: p['iss'],
    sub: p['sub'],
    oi: p['oi'],
    own: p['own'],
    ver: p['ver'] as number,
    basis: {
      kind: basis['kind'] as BasisKind,
      id: basis['id'],
      ...(priority === undefined ? {} : { priority }),
      ...(km === undefined ? {} : { km: km as number }),
    },
    iat: p['iat'],
    exp: p['exp'],
    jti: p['jti'],
  };
}

/** The first rule the claims break for this request, or undefined when the ticket holds. */
export function ticketProblem(claims: TicketClaims, expect: TicketExpectation): TicketProblem | undefined {
  const skew = expect.skewS ?? 5;
  if (claims.exp - claims.iat > TICKET_MAX_TTL_S) return 'too_long';
  if (claims.exp + skew < expect.nowS) return 'expired';
  if (claims.iat - skew > expect.nowS) return 'not_yet_valid';
  if (claims.sub !== expect.requester) return 'other_requester';
  if (claims.oi !== expect.intentId) return 'other_intent';
  if (expect.bases !== undefined && !expect.bases.includes(claims.basis.kind)) return 'basis_not_accepted';
  return undefined;
}
