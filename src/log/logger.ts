/**
 * Structured logs (pino). Need-to-know applies to logs too: tokens and authorization headers
 * are redacted, and use cases log ids, codes and field names, never disclosed values.
 */
import { pino, type Logger } from 'pino';

export const REDACT_PATHS = ['req.headers.authorization', 'headers.authorization', 'authorization', 'token', '*.token'];

export function createLogger(options: { level: string; name: string; destination?: NodeJS.WritableStream }): Logger {
  return pino(
    { name: options.name, level: options.level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
    options.destination ?? process.stdout,
  );
}
