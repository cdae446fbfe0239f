/**
 * Tickets as compact JWS (RFC 7515) signed with the broker's Ed25519 key (RFC 8037 "EdDSA"),
 * header {"alg":"EdDSA","typ":"parley-ticket+jwt","kid"}. node:crypto signs directly: a ticket
 * may be issued for every reference of a query answer, and this costs ~25 µs each.
 */
import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { ticketClaimsOf, type TicketClaims, type TicketProblem } from '../../domain/tickets/ticket.js';

export const TICKET_TYP = 'parley-ticket+jwt';

const b64u = (data: string | Uint8Array): string => Buffer.from(data as Uint8Array).toString('base64url');

export interface TicketKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
}

export function signTicket(claims: TicketClaims, key: TicketKey): string {
  const header = b64u(JSON.stringify({ alg: 'EdDSA', typ: TICKET_TYP, kid: key.kid }));
  const payload = b64u(JSON.stringify(claims));
  const input = `${header}.${payload}`;
  return `${input}.${b64u(sign(null, Buffer.from(input), key.privateKey))}`;
}

/** The claims of a ticket whose signature verifies with `publicKey`, or the problem. */
export function openTicket(token: string, publicKey: KeyObject): TicketClaims | TicketProblem {
  if (typeof token !== 'string' || token.length > 4096) return 'malformed';
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return 'malformed';
  const [h, p, s] = parts as [string, string, string];
  let header: unknown;
  let payload: unknown;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  } catch {
    return 'malformed';
  }
  const hd = header as Record<string, unknown> | null;
  if (typeof hd !== 'object' || hd === null || hd['alg'] !== 'EdDSA' || hd['typ'] !== TICKET_TYP) return 'malformed';
  const signature = Buffer.from(s, 'base64url');
  if (signature.length !== 64 || !verify(null, Buffer.from(`${h}.${p}`), publicKey, signature)) return 'bad_signature';
  return ticketClaimsOf(payload) ?? 'malformed';
}

export function publicKeyOf(key: TicketKey): KeyObject {
  return createPublicKey(key.privateKey);
}
