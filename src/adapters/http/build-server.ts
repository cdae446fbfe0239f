/**
 * Builds the broker's HTTP app without listening (STYLE habit 1): F3548 /dss/v1, health,
 * metrics, and the OpenAPI document with its docs page. main/ listens; tests use inject().
 */
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { registerAvailabilityRoutes } from './dss-v1/availability-routes.js';
import { registerConstraintRoutes } from './dss-v1/constraint-routes.js';
import { registerIntentRoutes } from './dss-v1/intent-routes.js';
import { registerSubscriptionRoutes } from './dss-v1/subscription-routes.js';
import type { WireRules } from './dss-v1/wire/parse-requests.js';
import type { HttpDeps } from './http-deps.js';
import { registerDeclarationRoutes } from './native/declaration-routes.js';
import { registerLogRoutes } from './native/log-routes.js';
import { registerReceiptRoutes } from './native/receipt-routes.js';
import { registerMetrics } from './native/metrics.js';
import { handleError, handleNotFound } from './problem.js';

const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;

export async function buildServer(deps: HttpDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT,
    // One decision line per use case is logged instead of two lines per request.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    forceCloseConnections: true,
    // Path parameters are checked by the routes (naming the field); the router only stops abuse.
    routerOptions: { maxParamLength: 4096 },
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);
  // Every body this API takes is JSON; anything else is 415, not parsed as text.
  app.removeContentTypeParser('text/plain');

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Parley broker',
        version: '0.1.0',
        description:
          'The ASTM F3548-21 DSS surface (/dss/v1) and Parley’s native operations surface. ' +
          'F3548 routes answer errors as {"message"}; native routes as RFC 9457 problem+json.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  app.get('/healthz', { schema: { summary: 'Liveness and readiness', tags: ['operations'] } }, async () => ({ status: 'ok' }));
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  registerMetrics(app, deps.metrics);

  const rules: WireRules = { limits: deps.ctx.limits, allowHttpBaseUrls: deps.allowHttpBaseUrls };
  registerIntentRoutes(app, deps, rules);
  registerConstraintRoutes(app, deps, rules);
  registerSubscriptionRoutes(app, deps, rules);
  registerAvailabilityRoutes(app, deps);
  registerLogRoutes(app, deps, deps.logSigner);
  registerDeclarationRoutes(app, deps, rules);
  registerReceiptRoutes(app, deps);
  app.get('/v1/tickets/key', { schema: { summary: 'The public key that signs intersection tickets (any valid token)', tags: ['declarations'], security: [{ bearer: [] }] } }, async (request) => {
    await deps.authenticator.authenticate(request.headers.authorization, Date.now());
    return { issuer: deps.tickets.issuerName, kid: deps.tickets.kid, jwk: deps.tickets.publicJwk };
  });
  return app;
}
