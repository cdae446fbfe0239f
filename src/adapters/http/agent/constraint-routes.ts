/**
 * The agent's native constraint API, for its own party's operators: POST /v1/constraints
 * defines one; GET lists; GET/PUT/DELETE /v1/constraints/{id} reads, changes or removes one.
 * Write answers carry the notifications sent to the broker's subscribers.
 */
import type { FastifyInstance } from 'fastify';
import { changeConstraint, defineConstraint, removeConstraint, type ConstraintOutcome } from '../../../app/agent/manage-constraints.js';
import { DomainError } from '../../../domain/errors.js';
import type { AgentHttpDeps } from './agent-http-deps.js';
import { operatorGuard, pathId, readLimit } from './native-fields.js';
import { constraintToWire, parseConstraintChange, parseNewConstraint } from './constraint-wire.js';
import { deliveriesToWire } from './operation-wire.js';

const schema = (summary: string) => ({ schema: { summary, tags: ['constraints'], security: [{ bearer: [] }] } });

export function registerConstraintRoutes(app: FastifyInstance, deps: AgentHttpDeps): void {
  const { ctx } = deps;
  const operator = operatorGuard(deps);
  const idOf = pathId;
  const written = (outcome: ConstraintOutcome) => ({ ...constraintToWire(outcome.record), notifications: deliveriesToWire(outcome.notifications) });

  app.post('/v1/constraints', schema('Define a constraint: put its reference on record at the broker, tell subscribers'), async (request, reply) => {
    await operator(request);
    const outcome = await defineConstraint(ctx, parseNewConstraint(request.body));
    return reply.code(201).header('location', `/v1/constraints/${outcome.record.id}`).send(written(outcome));
  });

  app.get('/v1/constraints', schema('Our constraints, most recently changed first (?limit=100)'), async (request, reply) => {
    await operator(request);
    const query = request.query as { limit?: string };
    const limit = query.limit === undefined ? 100 : readLimit(query.limit);
    return reply.send({ constraints: ctx.store.listConstraints({ limit }).map(constraintToWire) });
  });

  app.get('/v1/constraints/:id', schema('One constraint of ours'), async (request, reply) => {
    await operator(request);
    const id = idOf(request);
    const record = ctx.store.getConstraint(id);
    if (record === undefined) throw new DomainError('not_found', `No constraint ${id}`);
    return reply.send(constraintToWire(record));
  });

  app.put('/v1/constraints/:id', schema('Change a constraint (fields left out keep their values)'), async (request, reply) => {
    await operator(request);
    const id = idOf(request);
    const change = parseConstraintChange(request.body);
    return reply.send(written(await changeConstraint(ctx, id, change)));
  });

  app.delete('/v1/constraints/:id', schema('Remove a constraint: its reference is deleted and subscribers told'), async (request, reply) => {
    await operator(request);
    return reply.send(written(await removeConstraint(ctx, idOf(request))));
  });
}

