/** F3548 /dss/v1/operational_intent_references: query, get, create, update, delete. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { availabilityOfManagers } from '../../../app/availability/uss-availability.js';
import type { Caller } from '../../../app/broker-context.js';
import { deleteIntent } from '../../../app/intents/delete-intent.js';
import { putIntent } from '../../../app/intents/put-intent.js';
import { getIntent, queryIntents } from '../../../app/intents/read-intents.js';
import type { ConstraintRecord, IntentRecord } from '../../../app/ports/store.js';
import { SCOPE } from '../../../app/scopes.js';
import { ticketsFor } from '../../../app/tickets/tickets-for.js';
import { DomainError } from '../../../domain/errors.js';
import type { IntentId } from '../../../domain/ids.js';
import type { HttpDeps } from '../http-deps.js';
import { dssRoute, type DssReply } from './dss-route.js';
import { parseAreaOfInterest, parseEntityId, parseOvnParam, parsePutIntentBody, type WireRules } from './wire/parse-requests.js';
import { constraintToWire, intentToWire, subscribersToWire } from './wire/to-wire.js';

const READ = [[SCOPE.strategicCoordination], [SCOPE.conformanceMonitoring]];
const WRITE = [[SCOPE.strategicCoordination], [SCOPE.conformanceMonitoring]];

type Params = { entityid: string; ovn?: string };

export function registerIntentRoutes(app: FastifyInstance, deps: HttpDeps, rules: WireRules): void {
  const { ctx } = deps;
  const idOf = (request: FastifyRequest) => parseEntityId<IntentId>((request.params as Params).entityid, 'entityid');

  dssRoute(app, deps, {
    method: 'POST',
    url: '/operational_intent_references/query',
    scopes: READ,
    summary: 'Operational intent references intersecting an area of interest (capped at the result limit)',
    handler: async (request, caller) => {
      const area = parseAreaOfInterest(request.body, rules);
      const intents = await queryIntents(ctx, area);
      const availability = await availabilityOfManagers(ctx, intents.map((i) => i.manager));
      // Parley's extension (ignored by F3548 clients): a ticket on each reference that meets one
      // of the requester's own records, which the reference's owner asks for before disclosing.
      const tickets = await ticketsFor(ctx, deps.tickets, caller, area, intents);
      return {
        status: 200,
        body: {
          operational_intent_references: intents.map((i) => {
            const wire = intentToWire(i, caller.id, availability);
            const ticket = tickets.get(i.id);
            return ticket === undefined ? wire : { ...wire, parley_ticket: ticket };
          }),
        },
        ...(tickets.size === 0 ? {} : { decision: { event: 'tickets.issued', fields: { count: tickets.size } } }),
      };
    },
  });

  dssRoute(app, deps, {
    method: 'GET',
    url: '/operational_intent_references/:entityid',
    scopes: READ,
    summary: 'One operational intent reference',
    handler: async (request, caller) => {
      const intent = await getIntent(ctx, idOf(request));
      const availability = await availabilityOfManagers(ctx, [intent.manager]);
      return { status: 200, body: { operational_intent_reference: intentToWire(intent, caller.id, availability) } };
    },
  });

  const put = async (request: FastifyRequest, caller: Caller): Promise<DssReply> => {
    const id = idOf(request);
    const params = request.params as Params;
    const currentOvn = params.ovn === undefined ? undefined : parseOvnParam(params.ovn, 'ovn');
    const body = parsePutIntentBody(request.body, rules);
    try {
      const result = await putIntent(ctx, caller, { id, currentOvn, ...body });
      const availability = await availabilityOfManagers(ctx, [caller.id]);
      return {
        status: result.created ? 201 : 200,
        body: {
          subscribers: subscribersToWire(result.subscribers),
          operational_intent_reference: intentToWire(result.intent, caller.id, availability),
        },
        decision: {
          event: 'intent.accepted',
          fields: { id, version: result.intent.version, state: result.intent.state, subscribers: result.subscribers.length },
        },
      };
    } catch (error) {
      if (error instanceof DomainError && error.code === 'airspace_conflict') return conflictReply(error, caller);
      throw error;
    }
  };

  const conflictReply = async (error: DomainError, caller: Caller): Promise<DssReply> => {
    const intents = (error.details?.['missingIntents'] ?? []) as IntentRecord[];
    const constraints = (error.details?.['missingConstraints'] ?? []) as ConstraintRecord[];
    const availability = await availabilityOfManagers(ctx, [...intents, ...constraints].map((e) => e.manager));
    return {
      status: 409,
      decision: {
        event: 'intent.rejected',
        fields: { code: error.code, missing_intents: intents.length, missing_constraints: constraints.length },
      },
      body: {
        message: error.message,
        missing_operational_intents: intents.map((i) => intentToWire(i, caller.id, availability)),
        missing_constraints: constraints.map((c) => constraintToWire(c, caller.id, availability)),
      },
    };
  };

  dssRoute(app, deps, {
    method: 'PUT',
    url: '/operational_intent_references/:entityid',
    scopes: WRITE,
    summary: 'Create an operational intent reference (key must hold the OVN of every intersecting intent)',
    handler: put,
  });
  dssRoute(app, deps, {
    method: 'PUT',
    url: '/operational_intent_references/:entityid/:ovn',
    scopes: WRITE,
    summary: 'Update an operational intent reference at its current OVN',
    handler: put,
  });

  dssRoute(app, deps, {
    method: 'DELETE',
    url: '/operational_intent_references/:entityid/:ovn',
    scopes: WRITE,
    summary: 'Delete (end) an operational intent reference at its current OVN',
    handler: async (request, caller) => {
      const id = idOf(request);
      const ovn = parseOvnParam((request.params as Params).ovn ?? '', 'ovn');
      const result = await deleteIntent(ctx, caller, { id, ovn });
      const availability = await availabilityOfManagers(ctx, [caller.id]);
      return {
        status: 200,
        body: {
          subscribers: subscribersToWire(result.subscribers),
          operational_intent_reference: intentToWire(result.intent, caller.id, availability),
        },
        decision: { event: 'intent.deleted', fields: { id, subscribers: result.subscribers.length } },
      };
    },
  });
}
