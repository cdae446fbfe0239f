/**
 * POST /v1/declarations `{"volumes": [F3548 Volume4D, …], "priority"?: 0..100}` → 201 `{"id", "expires_at", …}`;
 * GET /v1/declarations → the caller's live declarations; DELETE /v1/declarations/{id} withdraws
 * one of them (404 for anything else). Scope utm.strategic_coordination.
 */
import type { FastifyInstance } from 'fastify';
import { PRIORITY_RULE, declare, liveDeclarations } from '../../../app/declarations/declare.js';
import { withdrawDeclaration } from '../../../app/declarations/withdraw-declaration.js';
import { SCOPE } from '../../../app/scopes.js';
import type { DeclarationRecord } from '../../../app/ports/store.js';
import { DomainError, invalidInput } from '../../../domain/errors.js';
import type { PartyId } from '../../../domain/ids.js';
import { isAbsent, readObject } from '../dss-v1/wire/json-read.js';
import { parseExtents, type WireRules } from '../dss-v1/wire/parse-requests.js';
import type { HttpDeps } from '../http-deps.js';

const toWire = (d: DeclarationRecord) => ({
  id: d.id,
  created_at: new Date(d.createdAtMs).toISOString(),
  expires_at: new Date(d.expiresAtMs).toISOString(),
  volume_count: d.extents.length,
  ...(d.priority === undefined ? {} : { priority: d.priority }),
});

/** Absent or null: none; otherwise a number (its range is the use case's rule). */
function readPriority(value: unknown): number | undefined {
  if (isAbsent(value)) return undefined;
  if (typeof value !== 'number') throw invalidInput('priority', PRIORITY_RULE);
  return value;
}

export function registerDeclarationRoutes(app: FastifyInstance, deps: HttpDeps, rules: WireRules): void {
  const { ctx } = deps;
  const callerOf = async (authorization: string | undefined) => {
    const principal = await deps.authenticator.authenticate(authorization, Date.now());
    if (!principal.scopes.has(SCOPE.strategicCoordination)) {
      throw new DomainError('insufficient_scope', `This operation needs scope ${SCOPE.strategicCoordination}`);
    }
    return { id: principal.sub as PartyId, scopes: principal.scopes };
  };
  const schema = (summary: string) => ({ schema: { summary, tags: ['declarations'], security: [{ bearer: [] }] } });

  app.post('/v1/declarations', schema('Declare volumes you intend to fly (logged; live 10 minutes; at most 16 at once)'), async (request, reply) => {
    const caller = await callerOf(request.headers.authorization);
    const body = readObject(request.body, 'body');
    const extents = parseExtents(body['volumes'], 'volumes', rules.limits.intentMaxVertices, rules);
    const priority = readPriority(body['priority']);
    const record = await declare(ctx, caller, { extents, ...(priority === undefined ? {} : { priority }) });
    request.log.info({ sub: caller.id, id: record.id, volumes: extents.length }, 'declaration.created');
    return reply.code(201).send(toWire(record));
  });

  app.get('/v1/declarations', schema('Your live declarations'), async (request, reply) => {
    const caller = await callerOf(request.headers.authorization);
    return reply.code(200).send({ declarations: (await liveDeclarations(ctx, caller)).map(toWire) });
  });

  app.delete('/v1/declarations/:id', schema('Withdraw one of your live declarations (logged)'), async (request, reply) => {
    const caller = await callerOf(request.headers.authorization);
    const { id } = request.params as { id: string };
    const result = await withdrawDeclaration(ctx, caller, { id });
    request.log.info({ sub: caller.id, id: result.id }, 'declaration.withdrawn');
    return reply.code(200).send(result);
  });
}
