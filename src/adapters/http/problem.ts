/**
 * Errors → answers, mapped once: F3548 routes (/dss/v1, an agent's /uss/v1) answer the standard's `{message}` body;
 * native routes answer RFC 9457 problem+json with the stable `code` and the offending field
 * (and any extension members a DomainError carries in `details.problem`).
 * Unknown errors become a 500 whose `error_id` is also in the log; no internals leak.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type ErrorCode } from '../../domain/errors.js';
import { ERROR_TABLE } from './error-table.js';

interface Mapped {
  readonly status: number;
  readonly code: ErrorCode | 'internal' | 'http';
  readonly title: string;
  readonly message: string;
  readonly field?: string;
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/** Fastify's own 4xx (bad JSON, body too large, wrong media type) keep their status. */
const FASTIFY_MESSAGES: Readonly<Record<string, string>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'body: is not valid JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'body: must not be empty when Content-Type is application/json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body: is larger than the server accepts',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'body: Content-Type must be application/json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'body: Content-Length does not match the body',
};

function mapError(error: unknown): Mapped {
  if (error instanceof DomainError) {
    const entry = ERROR_TABLE[error.code];
    return {
      status: entry.status,
      code: error.code,
      title: entry.title,
      message: error.message,
      ...(error.field === undefined ? {} : { field: error.field }),
      ...(error.details?.['problem'] === undefined ? {} : { extensions: error.details['problem'] as Record<string, unknown> }),
    };
  }
  const fastifyError = error as Partial<FastifyError>;
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const known = fastifyError.code === undefined ? undefined : FASTIFY_MESSAGES[fastifyError.code];
    const message = known ?? (error instanceof SyntaxError ? 'body: is not valid JSON' : (fastifyError.message ?? 'Bad request'));
    return { status, code: status === 413 ? 'payload_too_large' : 'http', title: 'Bad request', message, field: 'body' };
  }
  return { status: 500, code: 'internal', title: 'Internal error', message: 'Internal error' };
}

export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const mapped = mapError(error);
  let message = mapped.message;
  let errorId: string | undefined;
  if (mapped.code === 'internal') {
    errorId = randomUUID();
    request.log.error({ err: error, error_id: errorId }, 'request.failed');
    message = `Internal error (error id ${errorId})`;
  } else if (mapped.status >= 500) {
    // A known upstream failure (broker or peer): its message names what failed, never internals.
    request.log.warn({ code: mapped.code, status: mapped.status }, 'request.upstream_failed');
  } else {
    request.log.info({ code: mapped.code, field: mapped.field, status: mapped.status }, 'request.rejected');
  }
  if (isF3548(request.url)) {
    return reply.code(mapped.status).type('application/json').send({ message });
  }
  return reply
    .code(mapped.status)
    .type('application/problem+json')
    .send({
      // Extension members first, so they can never replace a standard one.
      ...mapped.extensions,
      type: `https://parley.invalid/errors/${mapped.code}`,
      title: mapped.title,
      status: mapped.status,
      detail: message,
      code: mapped.code,
      ...(mapped.field === undefined ? {} : { field: mapped.field }),
      ...(errorId === undefined ? {} : { error_id: errorId }),
    });
}

export function handleNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const message = `No route ${request.method} ${request.url.split('?')[0]}`;
  if (isF3548(request.url)) return reply.code(404).send({ message });
  return reply
    .code(404)
    .type('application/problem+json')
    .send({ type: 'https://parley.invalid/errors/not_found', title: 'Not found', status: 404, detail: message, code: 'not_found' });
}

/** F3548 routes (the broker's /dss/v1, an agent's /uss/v1) answer the standard's {message}. */
function isF3548(url: string): boolean {
  return url.startsWith('/dss/') || url.startsWith('/uss/');
}
