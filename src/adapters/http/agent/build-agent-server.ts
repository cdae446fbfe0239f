/**
 * Builds an agent's HTTP app without listening: the native planning and constraint API (/v1,
 * our operators), the F3548 USS API (/uss/v1, peer agents), health, metrics and the OpenAPI docs.
 */
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { registerMetrics } from '../native/metrics.js';
import { handleError, handleNotFound } from '../problem.js';
import type { AgentHttpDeps } from './agent-http-deps.js';
import { registerConstraintRoutes } from './constraint-routes.js';
import { registerOperationRoutes } from './operation-routes.js';
import { registerPeerRoutes } from './peer-routes.js';

const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;

export async function buildAgentServer(deps: AgentHttpDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT,
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    forceCloseConnections: true,
    routerOptions: { maxParamLength: 4096 },
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);
  app.removeContentTypeParser('text/plain');

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: `Parley agent of ${deps.ctx.party}`,
        version: '0.1.0',
        description:
          'Native planning API (/v1, for this party’s operators; RFC 9457 errors) and the ASTM F3548-21 USS API ' +
          '(/uss/v1, for other parties’ agents; {"message"} errors). Details are disclosed only against a broker ticket.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  app.get('/healthz', { schema: { summary: 'Liveness and readiness', tags: ['health'] } }, async () => ({
    status: 'ok',
    party: deps.ctx.party,
    pending_writes: deps.ctx.store.pending().length,
  }));
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  registerMetrics(app, deps.metrics);
  registerOperationRoutes(app, deps);
  registerConstraintRoutes(app, deps);
  registerPeerRoutes(app, deps);
  return app;
}
