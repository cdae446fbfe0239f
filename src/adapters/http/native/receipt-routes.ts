/**
 * POST /v1/receipts `{"ticket": "<the requester's Parley-Ticket>", "fields": ["volumes", …]}`:
 * an owner's agent records what it disclosed (201 `{"index"}`: the receipt's log entry). The
 * broker checks the ticket is one it signed and that the caller owns its intent. Any valid
 * token (the owner's own).
 */
import type { FastifyInstance } from 'fastify';
import { recordReceipt } from '../../../app/receipts/record-receipt.js';
import { invalidInput } from '../../../domain/errors.js';
import type { PartyId } from '../../../domain/ids.js';
import { openTicket } from '../../crypto/ticket-jws.js';
import { readArray, readObject, readString } from '../dss-v1/wire/json-read.js';
import type { HttpDeps } from '../http-deps.js';

const PROBLEM_TEXT: Readonly<Record<string, string>> = {
  malformed: 'is not a Parley ticket (compact JWS, EdDSA, typ parley-ticket+jwt)',
  bad_signature: 'is not signed by this broker',
};

export function registerReceiptRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.post(
    '/v1/receipts',
    { schema: { summary: 'Record a disclosure: what an owner answered a ticket holder (field names only)', tags: ['declarations'], security: [{ bearer: [] }] } },
    async (request, reply) => {
      const principal = await deps.authenticator.authenticate(request.headers.authorization, Date.now());
      const body = readObject(request.body, 'body');
      const token = readString(body['ticket'], 'ticket', { max: 4096 });
      const fields = readArray(body['fields'], 'fields', { max: 64 }).map((f, i) => readString(f, `fields[${i}]`, { max: 64 }));
      const ticket = openTicket(token, deps.tickets.publicKey);
      if (typeof ticket === 'string') throw invalidInput('ticket', PROBLEM_TEXT[ticket] ?? ticket);
      if (ticket.iss !== deps.tickets.issuerName) throw invalidInput('ticket', 'was issued by another broker');
      const result = await recordReceipt(deps.ctx, { id: principal.sub as PartyId, scopes: principal.scopes }, { ticket, fields });
      request.log.info({ sub: principal.sub, requester: ticket.sub, fields: fields.length, index: result.index }, 'disclosure.recorded');
      return reply.code(201).send(result);
    },
  );
}
