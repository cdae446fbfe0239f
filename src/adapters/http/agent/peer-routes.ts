/**
 * The agent's F3548 USS API for other parties' agents (tokens they issue, `aud` our host):
 * GET /uss/v1/operational_intents/{id} answers what our policy allows a ticket holder (header
 * `Parley-Ticket`), once the broker has the receipt; GET /uss/v1/constraints/{id} answers one of
 * our constraints to any constraint processor; POST /uss/v1/operational_intents and
 * /uss/v1/constraints take notifications (204). Errors use the standard's {"message"} body.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { receiveConstraintNotification, receiveNotification } from '../../../app/agent/receive-notification.js';
import { serveDetails } from '../../../app/agent/serve-details.js';
import { SCOPE } from '../../../app/scopes.js';
import { invalidInput } from '../../../domain/errors.js';
import { readReference, ownReferenceToWire } from '../../agent/reference-wire.js';
import { TICKET_HEADER } from '../../agent/peer-client.js';
import { requireScopes } from '../auth.js';
import { parseEntityId } from '../dss-v1/wire/parse-requests.js';
import { at, isAbsent, readArray, readObject, readString } from '../dss-v1/wire/json-read.js';
import type { AgentHttpDeps } from './agent-http-deps.js';
import { ownConstraintToF3548 } from './constraint-wire.js';
import { readConstraintReference } from '../../agent/reference-wire.js';
import { VOLUME_FIELDS } from '../../../domain/disclosure/disclose.js';
import type { Volume4D } from '../../../domain/geo/volume-4d.js';
import { toWireVolume4D } from '../dss-v1/volume-wire.js';

const REFUSALS: Readonly<Record<string, string>> = {
  no_ticket: `send the broker's intersection ticket for this intent in the ${TICKET_HEADER} header`,
  malformed: 'the ticket is not a Parley ticket',
  bad_signature: 'the ticket is not signed by our broker',
  expired: 'the ticket has expired; query the broker for a fresh one',
  not_yet_valid: 'the ticket is not valid yet (clocks apart?)',
  too_long: 'the ticket lives longer than tickets may',
  other_requester: 'the ticket was issued to another party',
  other_intent: 'the ticket is for another intent',
  basis_not_accepted: 'our policy does not disclose on the basis this ticket names',
};

/** Reading a constraint, or being told of one: a constraint processor or manager (F3548 CP · CM). */
const CONSTRAINT_SCOPES = [[SCOPE.constraintProcessing], [SCOPE.constraintManagement]];

export function registerPeerRoutes(app: FastifyInstance, deps: AgentHttpDeps): void {
  const { ctx } = deps;
  const peer = async (request: FastifyRequest, scopes: readonly (readonly string[])[] = [[SCOPE.strategicCoordination]]) => {
    const principal = await deps.peers.authenticate(request.headers.authorization, Date.now());
    requireScopes(principal, scopes);
    return principal;
  };
  const schema = (summary: string) => ({ schema: { summary, tags: ['F3548 USS'], security: [{ bearer: [] }] } });

  app.get('/uss/v1/operational_intents/:entityid', schema('Details of one of our operations, for a ticket holder, as our policy allows'), async (request, reply) => {
    const principal = await peer(request);
    const intentId = parseEntityId<string>((request.params as { entityid: string }).entityid, 'entityid');
    const header = request.headers[TICKET_HEADER];
    if (Array.isArray(header)) throw invalidInput(TICKET_HEADER, 'send one ticket');
    if (header !== undefined && header.length > 4096) throw invalidInput(TICKET_HEADER, 'is longer than a ticket can be');
    const answer = await serveDetails(ctx, { requester: principal.sub, intentId, ticket: header });
    if (answer.status === 503) return reply.code(503).header('retry-after', '1').send({ message: `Intent ${intentId} is being put on record; ask again shortly` });
    if (answer.status !== 200) {
      if (answer.status === 404) return reply.code(404).send({ message: `No operational intent ${intentId} here` });
      return reply.code(403).send({ message: `Nothing disclosed: ${REFUSALS[answer.reason] ?? answer.reason}` });
    }
    return reply.send({
      operational_intent: { reference: ownReferenceToWire(answer.record, ctx.party, ctx.publicUrl), details: detailsToWire(answer.details) },
      ...(answer.receipt === undefined ? {} : { parley_receipt: { log_index: answer.receipt, fields: answer.disclosed } }),
    });
  });

  app.post('/uss/v1/operational_intents', schema('Notification of a change of a peer intent we subscribed to (204)'), async (request, reply) => {
    const principal = await peer(request);
    const body = readObject(request.body, 'body');
    const intentId = parseEntityId<string>(readString(body['operational_intent_id'], 'operational_intent_id'), 'operational_intent_id');
    let reference;
    if (!isAbsent(body['operational_intent'])) {
      const oi = readObject(body['operational_intent'], 'operational_intent');
      reference = readReference(oi['reference'], 'operational_intent.reference');
    }
    await receiveNotification(ctx, principal.sub, { intentId, reference, subscriptions: readSubscriptions(body) });
    return reply.code(204).send();
  });

  // Constraints are published restrictions meant for every constraint processor (F3548 CSTP),
  // not an operation's details: any party of the parties file whose token has the scope may read
  // one, OVN included (its key needs it), without a ticket and without a receipt.
  app.get('/uss/v1/constraints/:entityid', schema('One of our constraints, for any constraint processor'), async (request, reply) => {
    const principal = await peer(request, CONSTRAINT_SCOPES);
    const id = parseEntityId<string>((request.params as { entityid: string }).entityid, 'entityid');
    const record = ctx.store.getConstraint(id);
    if (record === undefined) return reply.code(404).send({ message: `No constraint ${id} here` });
    ctx.events('constraint.answered', { requester: principal.sub, id });
    return reply.send({ constraint: ownConstraintToF3548(record, ctx.party, ctx.publicUrl) });
  });

  app.post('/uss/v1/constraints', schema('Notification of a change of a peer constraint we subscribed to (204)'), async (request, reply) => {
    const principal = await peer(request, CONSTRAINT_SCOPES);
    const body = readObject(request.body, 'body');
    const constraintId = parseEntityId<string>(readString(body['constraint_id'], 'constraint_id'), 'constraint_id');
    const reference = isAbsent(body['constraint']) ? undefined : readConstraintReference(readObject(body['constraint'], 'constraint')['reference'], 'constraint.reference');
    await receiveConstraintNotification(ctx, principal.sub, { constraintId, reference, subscriptions: readSubscriptions(body) });
    return reply.code(204).send();
  });
}

/** A notification's `subscriptions`: at least one, each with its notification index. */
function readSubscriptions(body: Readonly<Record<string, unknown>>) {
  return readArray(body['subscriptions'], 'subscriptions', { min: 1, max: 1000 }).map((item, i) => {
    const s = readObject(item, at('subscriptions', i));
    const index = s['notification_index'];
    if (!Number.isSafeInteger(index) || (index as number) < 0) throw invalidInput(at(at('subscriptions', i), 'notification_index'), 'must be a whole number ≥ 0');
    return {
      subscriptionId: parseEntityId<string>(readString(s['subscription_id'], at(at('subscriptions', i), 'subscription_id')), at(at('subscriptions', i), 'subscription_id')),
      notificationIndex: index as number,
    };
  });
}

/** The disclosed fields as F3548 details: volume fields in the standard's Volume4D form. */
function detailsToWire(details: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(details)) {
    out[name] = VOLUME_FIELDS.has(name) ? (value as readonly Volume4D[]).map(toWireVolume4D) : value;
  }
  return out;
}
