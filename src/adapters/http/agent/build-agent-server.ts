/**
 * Builds an agent's HTTP app without listening: the native planning and constraint API (/v1,
 * our operators), the F3548 USS API (/uss/v1, peer agents), health, metrics and the OpenAPI docs.
 */
import type { FastifyInstance } from 'fastify';
import { createHttpApp } from '../http-app.js';
import { registerMetrics } from '../native/metrics.js';
import type { AgentHttpDeps } from './agent-http-deps.js';
import { registerConstraintRoutes } from './constraint-routes.js';
import { registerOperationRoutes } from './operation-routes.js';
import { registerPeerRoutes } from './peer-routes.js';

export async function buildAgentServer(deps: AgentHttpDeps): Promise<FastifyInstance> {
  const app = await createHttpApp({
    logger: deps.logger,
    bodyLimitBytes: deps.bodyLimitBytes,
    title: `Parley agent of ${deps.ctx.party}`,
    description:
      'Native planning API (/v1, for this party’s operators; RFC 9457 errors) and the ASTM F3548-21 USS API ' +
      '(/uss/v1, for other parties’ agents; {"message"} errors). Details are disclosed only against a broker ticket.',
  });

  app.get('/healthz', { schema: { summary: 'Liveness and readiness', tags: ['health'] } }, async () => ({
    status: 'ok',
    party: deps.ctx.party,
    pending_writes: deps.ctx.store.pending().length,
  }));
  registerMetrics(app, deps.metrics);
  registerOperationRoutes(app, deps);
  registerConstraintRoutes(app, deps);
  registerPeerRoutes(app, deps);
  return app;
}
