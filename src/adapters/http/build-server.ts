/**
 * Builds the broker's HTTP app without listening (STYLE habit 1): F3548 /dss/v1, health,
 * metrics, and the OpenAPI document with its docs page. main/ listens; tests use inject().
 */
import type { FastifyInstance } from 'fastify';
import { registerAvailabilityRoutes } from './dss-v1/availability-routes.js';
import { registerConstraintRoutes } from './dss-v1/constraint-routes.js';
import { registerIntentRoutes } from './dss-v1/intent-routes.js';
import { registerSubscriptionRoutes } from './dss-v1/subscription-routes.js';
import type { WireRules } from './dss-v1/wire/parse-requests.js';
import type { HttpDeps } from './http-deps.js';
import { registerDeclarationRoutes } from './native/declaration-routes.js';
import { registerLogRoutes } from './native/log-routes.js';
import { registerReceiptRoutes } from './native/receipt-routes.js';
import { registerAgreementRoutes } from './native/agreement-routes.js';
import { registerMetrics } from './native/metrics.js';
import { createHttpApp } from './http-app.js';

export async function buildServer(deps: HttpDeps): Promise<FastifyInstance> {
  const app = await createHttpApp({
    logger: deps.logger,
    bodyLimitBytes: deps.bodyLimitBytes,
    title: 'Parley broker',
    description:
      'The ASTM F3548-21 DSS surface (/dss/v1) and Parley’s native operations surface. ' +
      'F3548 routes answer errors as {"message"}; native routes as RFC 9457 problem+json.',
  });

  app.get('/healthz', { schema: { summary: 'Liveness and readiness', tags: ['operations'] } }, async () => ({ status: 'ok' }));
  registerMetrics(app, deps.metrics);

  const rules: WireRules = { limits: deps.ctx.limits, allowHttpBaseUrls: deps.allowHttpBaseUrls };
  registerIntentRoutes(app, deps, rules);
  registerConstraintRoutes(app, deps, rules);
  registerSubscriptionRoutes(app, deps, rules);
  registerAvailabilityRoutes(app, deps);
  registerLogRoutes(app, deps, deps.logSigner);
  registerDeclarationRoutes(app, deps, rules);
  registerReceiptRoutes(app, deps);
  registerAgreementRoutes(app, deps);
  app.get('/v1/tickets/key', { schema: { summary: 'The public key that signs intersection tickets (any valid token)', tags: ['declarations'], security: [{ bearer: [] }] } }, async (request) => {
    await deps.authenticator.authenticate(request.headers.authorization, Date.now());
    return { issuer: deps.tickets.issuerName, kid: deps.tickets.kid, jwk: deps.tickets.publicJwk };
  });
  return app;
}
