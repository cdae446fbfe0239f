/**
 * The Fastify app every Parley role serves from (broker and agent): one error mapping, no text
 * bodies, routes checked by their handlers, OpenAPI at /openapi.json with its docs at /docs.
 * Roles add their routes; main/ listens; tests use inject() or a real socket.
 */
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { handleError, handleNotFound } from './problem.js';

const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;

export interface HttpAppOptions {
  readonly logger: Logger;
  /** Largest accepted request body (default 4 MiB: a 10,000-vertex polygon is ~0.6 MB). */
  readonly bodyLimitBytes?: number | undefined;
  readonly title: string;
  readonly description: string;
}

export async function createHttpApp(options: HttpAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT,
    // One decision line per use case is logged instead of two lines per request.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    forceCloseConnections: true,
    // Path parameters are checked by the routes (naming the field); the router only stops abuse.
    routerOptions: { maxParamLength: 4096 },
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);
  // Every body these APIs take is JSON; anything else is 415, not parsed as text.
  app.removeContentTypeParser('text/plain');

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: options.title, version: '0.1.0', description: options.description },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
