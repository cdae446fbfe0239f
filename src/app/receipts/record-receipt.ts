/**
 * Disclosure receipts (issue 4): after an owner's agent answers a peer's request for details,
 * it records what it disclosed — to whom, of which intent, which field names (never values),
 * under which ticket — as an entry of the broker's log that concerns both parties, so each can
 * later prove (and `parley audit disclosures` list) who saw what.
 */
import { DomainError, invalidInput } from '../../domain/errors.js';
import type { PartyId } from '../../domain/ids.js';
import type { TicketClaims } from '../../domain/tickets/ticket.js';
import type { BrokerContext, Caller } from '../broker-context.js';
import { recordChange } from '../log/record-change.js';

/** A receipt may follow its ticket's expiry by this much (the answer went out while it was valid). */
export const RECEIPT_GRACE_S = 3600;
export const MAX_RECEIPT_FIELDS = 64;
const FIELD_NAME = /^[a-z][a-z0-9_]{0,63}$/;

export async function recordReceipt(
  ctx: BrokerContext,
  caller: Caller,
  receipt: { readonly ticket: TicketClaims; readonly fields: readonly string[] },
): Promise<{ index: number }> {
  const { ticket, fields } = receipt;
  const nowMs = ctx.clock.nowMs();
  if (ticket.own !== caller.id) {
    throw new DomainError('not_manager', `The ticket is for an intent of ${ticket.own}: only its owner records what it disclosed`, { field: 'ticket' });
  }
  if (ticket.exp + RECEIPT_GRACE_S < Math.floor(nowMs / 1000)) {
    throw invalidInput('ticket', `expired more than ${RECEIPT_GRACE_S / 60} minutes ago; record a receipt when you answer`);
  }
  if (fields.length > MAX_RECEIPT_FIELDS) throw invalidInput('fields', `at most ${MAX_RECEIPT_FIELDS} field names`);
  fields.forEach((f, i) => {
    if (!FIELD_NAME.test(f)) throw invalidInput(`fields[${i}]`, 'a field name is lower-case letters, digits and "_", starting with a letter');
  });
  const sorted = [...new Set(fields)].sort();
  return ctx.store.transact(async (tx) => ({
    index: await recordChange(ctx, tx, {
      kind: 'disclosure.receipt',
      by: caller.id,
      concerns: [ticket.sub as PartyId],
      subject: {
        requester: ticket.sub,
        intent_id: ticket.oi,
        intent_version: ticket.ver,
        ticket_id: ticket.jti,
        basis: basisOf(ticket),
        fields: sorted,
      },
    }, nowMs),
  }));
}

/** The ticket's basis whole: kind and id, and the priority and km the owner's policy weighed, when present. */
function basisOf(ticket: TicketClaims): Readonly<Record<string, unknown>> {
  const { kind, id, priority, km } = ticket.basis;
  return { kind, id, ...(priority === undefined ? {} : { priority }), ...(km === undefined ? {} : { km }) };
}
