/** F3548 /dss/v1/constraint_references: query, get, create, update, delete. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { availabilityOfManagers } from '../../../app/availability/uss-availability.js';
import type { Caller } from '../../../app/broker-context.js';
import { deleteConstraint } from '../../../app/constraints/delete-constraint.js';
import { putConstraint } from '../../../app/constraints/put-constraint.js';
import { getConstraint, queryConstraints } from '../../../app/constraints/read-constraints.js';
import { SCOPE } from '../../../app/scopes.js';
import type { ConstraintId } from '../../../domain/ids.js';
import type { HttpDeps } from '../http-deps.js';
import { dssRoute, type DssReply } from './dss-route.js';
import { parseAreaOfInterest, parseEntityId, parseOvnParam, parsePutConstraintBody, type WireRules } from './wire/parse-requests.js';
import { constraintToWire, subscribersToWire } from './wire/to-wire.js';

const READ = [[SCOPE.constraintManagement], [SCOPE.constraintProcessing]];
const WRITE = [[SCOPE.constraintManagement]];

type Params = { entityid: string; ovn?: string };

export function registerConstraintRoutes(app: FastifyInstance, deps: HttpDeps, rules: WireRules): void {
  const { ctx } = deps;
  const idOf = (request: FastifyRequest) => parseEntityId<ConstraintId>((request.params as Params).entityid, 'entityid');

  dssRoute(app, deps, {
    method: 'POST',
    url: '/constraint_references/query',
    scopes: READ,
    summary: 'Constraint references intersecting an area of interest',
    handler: async (request, caller) => {
      const area = parseAreaOfInterest(request.body, rules);
      const constraints = await queryConstraints(ctx, area);
      const availability = await availabilityOfManagers(ctx, constraints.map((c) => c.manager));
      return { status: 200, body: { constraint_references: constraints.map((c) => constraintToWire(c, caller.id, availability)) } };
    },
  });

  dssRoute(app, deps, {
    method: 'GET',
    url: '/constraint_references/:entityid',
    scopes: READ,
    summary: 'One constraint reference',
    handler: async (request, caller) => {
      const constraint = await getConstraint(ctx, idOf(request));
      const availability = await availabilityOfManagers(ctx, [constraint.manager]);
      return { status: 200, body: { constraint_reference: constraintToWire(constraint, caller.id, availability) } };
    },
  });

  const put = async (request: FastifyRequest, caller: Caller): Promise<DssReply> => {
    const id = idOf(request);
    const params = request.params as Params;
    const currentOvn = params.ovn === undefined ? undefined : parseOvnParam(params.ovn, 'ovn');
    const body = parsePutConstraintBody(request.body, rules);
    const result = await putConstraint(ctx, caller, { id, currentOvn, ...body });
    const availability = await availabilityOfManagers(ctx, [caller.id]);
    return {
      status: result.created ? 201 : 200,
      body: {
        subscribers: subscribersToWire(result.subscribers),
        constraint_reference: constraintToWire(result.constraint, caller.id, availability),
      },
      decision: { event: 'constraint.accepted', fields: { id, version: result.constraint.version, subscribers: result.subscribers.length } },
    };
  };
  dssRoute(app, deps, { method: 'PUT', url: '/constraint_references/:entityid', scopes: WRITE, summary: 'Create a constraint reference', handler: put });
  dssRoute(app, deps, {
    method: 'PUT',
    url: '/constraint_references/:entityid/:ovn',
    scopes: WRITE,
    summary: 'Update a constraint reference at its current OVN',
    handler: put,
  });

  dssRoute(app, deps, {
    method: 'DELETE',
    url: '/constraint_references/:entityid/:ovn',
    scopes: WRITE,
    summary: 'Delete a constraint reference at its current OVN',
    handler: async (request, caller) => {
      const id = idOf(request);
      const ovn = parseOvnParam((request.params as Params).ovn ?? '', 'ovn');
      const result = await deleteConstraint(ctx, caller, { id, ovn });
      const availability = await availabilityOfManagers(ctx, [caller.id]);
      return {
        status: 200,
        body: {
          subscribers: subscribersToWire(result.subscribers),
          constraint_reference: constraintToWire(result.constraint, caller.id, availability),
        },
        decision: { event: 'constraint.deleted', fields: { id, subscribers: result.subscribers.length } },
      };
    },
  });
}
