/**
 * One F3548 route: authenticate, check that one of the scope alternatives is held, run the
 * handler with the caller and the request time. Errors are mapped once, in build-server.ts.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Caller } from '../../../app/broker-context.js';
import { DomainError } from '../../../domain/errors.js';
import type { PartyId } from '../../../domain/ids.js';
import type { HttpDeps } from '../http-deps.js';

export type ScopeAlternatives = readonly (readonly string[])[];

export interface DssReply {
  readonly status: number;
  readonly body: unknown;
  /**
   * The use case's decision, logged as one line (`intent.accepted`, ...). Ids, versions and
   * counts only: never volumes, OVNs or tokens.
   */
  readonly decision?: { readonly event: string; readonly fields?: Readonly<Record<string, unknown>> };
}

export interface DssRouteSpec {
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  readonly url: string;
  readonly scopes: ScopeAlternatives;
  readonly summary: string;
  readonly handler: (request: FastifyRequest, caller: Caller) => Promise<DssReply>;
}

export function hasScopes(held: ReadonlySet<string>, alternatives: ScopeAlternatives): boolean {
  return alternatives.some((set) => set.every((scope) => held.has(scope)));
}

export function dssRoute(app: FastifyInstance, deps: HttpDeps, spec: DssRouteSpec): void {
  app.route({
    method: spec.method,
    url: `/dss/v1${spec.url}`,
    schema: { summary: spec.summary, tags: ['F3548 DSS'], security: [{ bearer: [] }] },
    handler: async (request, reply) => {
      const principal = await deps.authenticator.authenticate(request.headers.authorization, Date.now());
      if (!hasScopes(principal.scopes, spec.scopes)) {
        const needed = spec.scopes.map((set) => set.join(' + ')).join(' or ');
        throw new DomainError('insufficient_scope', `This operation needs scope ${needed}`);
      }
      const caller: Caller = { id: principal.sub as PartyId, scopes: principal.scopes };
      const result = await spec.handler(request, caller);
      if (result.decision !== undefined) {
        request.log.info({ sub: caller.id, status: result.status, ...result.decision.fields }, result.decision.event);
      }
      return reply.code(result.status).send(result.body);
    },
  });
}
