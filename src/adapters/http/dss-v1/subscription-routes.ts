/** F3548 /dss/v1/subscriptions: query (own only), get, create, update, delete. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { availabilityOfManagers } from '../../../app/availability/uss-availability.js';
import type { Caller } from '../../../app/broker-context.js';
import { SCOPE } from '../../../app/scopes.js';
import { putSubscription } from '../../../app/subscriptions/put-subscription.js';
import { deleteSubscription, getSubscription, querySubscriptions } from '../../../app/subscriptions/subscription-reads.js';
import { DomainError } from '../../../domain/errors.js';
import type { SubscriptionId } from '../../../domain/ids.js';
import type { HttpDeps } from '../http-deps.js';
import { dssRoute, type DssReply } from './dss-route.js';
import { parseAreaOfInterest, parseEntityId, parseOvnParam, parsePutSubscriptionBody, type WireRules } from './wire/parse-requests.js';
import { constraintToWire, intentToWire, subscriptionToWire } from './wire/to-wire.js';

const ANY = [[SCOPE.constraintProcessing], [SCOPE.strategicCoordination]];

type Params = { subscriptionid: string; version?: string };

/** The reference DSS answers 413 (not 400) for an oversized subscription query area. */
function tooLargeAs413<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof DomainError && error.code === 'area_too_large') {
      throw new DomainError('payload_too_large', error.message, error.field === undefined ? {} : { field: error.field });
    }
    throw error;
  }
}

export function registerSubscriptionRoutes(app: FastifyInstance, deps: HttpDeps, rules: WireRules): void {
  const { ctx } = deps;
  const idOf = (request: FastifyRequest) =>
    parseEntityId<SubscriptionId>((request.params as Params).subscriptionid, 'subscriptionid');

  dssRoute(app, deps, {
    method: 'POST',
    url: '/subscriptions/query',
    scopes: ANY,
    summary: "The caller's own live subscriptions intersecting an area of interest",
    handler: async (request, caller) => {
      const area = tooLargeAs413(() => parseAreaOfInterest(request.body, rules));
      const views = await querySubscriptions(ctx, caller, area);
      return { status: 200, body: { subscriptions: views.map(subscriptionToWire) } };
    },
  });

  dssRoute(app, deps, {
    method: 'GET',
    url: '/subscriptions/:subscriptionid',
    scopes: ANY,
    summary: 'One of the caller’s subscriptions',
    handler: async (request, caller) => ({
      status: 200,
      body: { subscription: subscriptionToWire(await getSubscription(ctx, caller, idOf(request))) },
    }),
  });

  const put = async (request: FastifyRequest, caller: Caller): Promise<DssReply> => {
    const id = idOf(request);
    const params = request.params as Params;
    const body = parsePutSubscriptionBody(request.body, rules);
    const currentVersion = params.version === undefined ? undefined : parseOvnParam(params.version, 'version');
    const result = await putSubscription(ctx, caller, { id, currentVersion, ...body });
    const managers = [...(result.intents ?? []), ...(result.constraints ?? [])].map((e) => e.manager);
    const availability = await availabilityOfManagers(ctx, managers);
    const answer: Record<string, unknown> = { subscription: subscriptionToWire(result) };
    if (result.intents !== undefined) {
      answer['operational_intent_references'] = result.intents.map((i) => intentToWire(i, caller.id, availability));
    }
    if (result.constraints !== undefined) {
      answer['constraint_references'] = result.constraints.map((c) => constraintToWire(c, caller.id, availability));
    }
    return { status: 200, body: answer, decision: { event: 'subscription.accepted', fields: { id, created: result.created } } };
  };
  dssRoute(app, deps, { method: 'PUT', url: '/subscriptions/:subscriptionid', scopes: ANY, summary: 'Create a subscription', handler: put });
  dssRoute(app, deps, {
    method: 'PUT',
    url: '/subscriptions/:subscriptionid/:version',
    scopes: ANY,
    summary: 'Update a subscription at its current version',
    handler: put,
  });

  dssRoute(app, deps, {
    method: 'DELETE',
    url: '/subscriptions/:subscriptionid/:version',
    scopes: ANY,
    summary: 'Delete a subscription at its current version (refused while intents depend on it)',
    handler: async (request, caller) => {
      const id = idOf(request);
      const version = parseOvnParam((request.params as Params).version ?? '', 'version');
      return {
        status: 200,
        body: { subscription: subscriptionToWire(await deleteSubscription(ctx, caller, { id, version })) },
        decision: { event: 'subscription.deleted', fields: { id } },
      };
    },
  });
}
