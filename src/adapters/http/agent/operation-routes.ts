/**
 * The agent's native planning API, for its own party's operators (tokens its party signs):
 * POST /v1/operations plans one; GET lists; GET/PUT/DELETE /v1/operations/{id} reads, changes
 * (modify, activate, report off-nominal) or ends one; GET /v1/notifications lists what peers
 * told us. Write answers carry the conflicts found, the PUT attempts and the notifications sent.
 */
import type { FastifyInstance } from 'fastify';
import { endOperation } from '../../../app/agent/end-operation.js';
import { modifyOperation, planOperation, type PlanOutcome } from '../../../app/agent/plan-operation.js';
import { DomainError, invalidInput } from '../../../domain/errors.js';
import { isOperationState, type OperationState } from '../../../domain/planning/operation-state.js';
import type { AgentHttpDeps } from './agent-http-deps.js';
import { operatorGuard, pathId, readLimit, readWhole } from './native-fields.js';
import { deliveriesToWire, notificationToWire, operationToWire, parseNewOperation, parseOperationChange } from './operation-wire.js';

const schema = (summary: string) => ({ schema: { summary, tags: ['operations'], security: [{ bearer: [] }] } });

export function registerOperationRoutes(app: FastifyInstance, deps: AgentHttpDeps): void {
  const { ctx } = deps;
  const operator = operatorGuard(deps);
  const idOf = pathId;
  const written = (outcome: PlanOutcome) => ({
    ...operationToWire(outcome.record),
    attempts: outcome.attempts,
    notifications: deliveriesToWire(outcome.notifications),
  });

  app.post('/v1/operations', schema('Plan an operation: look around, fetch details, apply priorities, put it on record'), async (request, reply) => {
    await operator(request);
    const draft = parseNewOperation(request.body);
    const outcome = await planOperation(ctx, draft);
    return reply.code(201).header('location', `/v1/operations/${outcome.record.id}`).send(written(outcome));
  });

  app.get('/v1/operations', schema('Our operations, most recently changed first (?state=Accepted,Activated&limit=100)'), async (request, reply) => {
    await operator(request);
    const query = request.query as { state?: string | string[]; limit?: string | string[] };
    // ?state=A,B and ?state=A&state=B alike.
    const states = query.state === undefined ? undefined : [query.state].flat().flatMap((v) => v.split(',')).map(readState);
    const limit = query.limit === undefined ? 100 : readLimit(String([query.limit].flat().at(-1)));
    return reply.send({ operations: ctx.store.list({ ...(states === undefined ? {} : { states }), limit }).map(operationToWire) });
  });

  app.get('/v1/operations/:id', schema('One operation of ours, with every detail'), async (request, reply) => {
    await operator(request);
    const id = idOf(request);
    const record = ctx.store.get(id);
    if (record === undefined) throw new DomainError('not_found', `No operation ${id}`);
    return reply.send(operationToWire(record));
  });

  app.put('/v1/operations/:id', schema('Change an operation (fields left out keep their values): modify, activate, off-nominal'), async (request, reply) => {
    await operator(request);
    const id = idOf(request);
    const change = parseOperationChange(request.body);
    return reply.send(written(await modifyOperation(ctx, id, change)));
  });

  app.delete('/v1/operations/:id', schema('End an operation: its reference is deleted and subscribers told'), async (request, reply) => {
    await operator(request);
    const ended = await endOperation(ctx, idOf(request));
    return reply.send({ ...operationToWire(ended.record), notifications: deliveriesToWire(ended.notifications) });
  });

  app.get('/v1/notifications', schema('Notifications peers sent us, oldest first (?after=SEQ&limit=100)'), async (request, reply) => {
    await operator(request);
    const query = request.query as { after?: string; limit?: string };
    const afterSeq = query.after === undefined ? 0 : readWhole(query.after, 'after');
    const limit = query.limit === undefined ? 100 : readLimit(query.limit);
    return reply.send({ notifications: ctx.store.notifications({ afterSeq, limit }).map(notificationToWire) });
  });
}

function readState(text: string): OperationState {
  if (!isOperationState(text)) throw invalidInput('state', 'must be a comma-separated list of Accepted, Activated, Nonconforming, Contingent, Ended');
  return text;
}

