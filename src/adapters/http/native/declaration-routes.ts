/**
 * POST /v1/declarations `{"volumes": [F3548 Volume4D, …]}` → 201 `{"id", "expires_at"}`;
 * GET /v1/declarations → the caller's live declarations. Scope utm.strategic_coordination.
 */
import type { FastifyInstance } from 'fastify';
import { declare, liveDeclarations } from '../../../app/declarations/declare.js';
import { SCOPE } from '../../../app/scopes.js';
import type { DeclarationRecord } from '../../../app/ports/store.js';
import { DomainError } from '../../../domain/errors.js';
import type { PartyId } from '../../../domain/ids.js';
import { readObject } from '../dss-v1/wire/json-read.js';
import { parseExtents, type WireRules } from '../dss-v1/wire/parse-requests.js';
import type { HttpDeps } from '../http-deps.js';

const toWire = (d: DeclarationRecord) => ({
  id: d.id,
  created_at: new Date(d.createdAtMs).toISOString(),
  expires_at: new Date(d.expiresAtMs).toISOString(),
  volume_count: d.extents.length,
});

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
    const record = await declare(ctx, caller, { extents });
    request.log.info({ sub: caller.id, id: record.id, volumes: extents.length }, 'declaration.created');
    return reply.code(201).send(toWire(record));
  });

  app.get('/v1/declarations', schema('Your live declarations'), async (request, reply) => {
    const caller = await callerOf(request.headers.authorization);
    return reply.code(200).send({ declarations: (await liveDeclarations(ctx, caller)).map(toWire) });
  });
}
