/**
 * The broker's one validated, frozen configuration: command-line flags over PARLEY_BROKER_*
 * environment variables over defaults. Every problem is listed at once.
 */
import { DEFAULT_LIMITS, type BrokerLimits } from '../app/broker-context.js';

export interface BrokerConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly partiesFile: string | undefined;
  readonly authorityKeyFiles: readonly string[];
  readonly audiences: readonly string[];
  readonly allowHttpBaseUrls: boolean;
  /** Where clients reach this broker (the uss_base_url of the zones it publishes); default its listening URL. */
  readonly publicUrl: string | undefined;
  readonly synchronous: 'FULL' | 'NORMAL';
  readonly logLevel: string;
  readonly limits: BrokerLimits;
}

export interface BrokerFlags {
  readonly port?: string | undefined;
  readonly host?: string | undefined;
  readonly data?: string | undefined;
  readonly parties?: string | undefined;
  readonly trustAuthority?: readonly string[] | undefined;
  readonly audience?: string | undefined;
  readonly allowHttpBaseUrls?: boolean | undefined;
  readonly publicUrl?: string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function resolveBrokerConfig(flags: BrokerFlags, env: Readonly<Record<string, string | undefined>>): BrokerConfig {
  const problems: string[] = [];
  const pick = (flag: string | undefined, name: string): string | undefined => flag ?? env[`PARLEY_BROKER_${name}`];

  const portText = pick(flags.port, 'PORT') ?? '8080';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`--port / PARLEY_BROKER_PORT: "${portText}" is not a port number 0–65535`);

  const dataDir = pick(flags.data, 'DATA');
  if (dataDir === undefined || dataDir === '') problems.push('--data / PARLEY_BROKER_DATA: a data directory is required');

  const audienceText = pick(flags.audience, 'AUDIENCE') ?? 'localhost,127.0.0.1';
  const audiences = audienceText.split(',').map((a) => a.trim()).filter((a) => a !== '');
  if (audiences.length === 0) problems.push('--audience / PARLEY_BROKER_AUDIENCE: at least one accepted audience is required');

  const authorityKeyFiles = [
    ...(flags.trustAuthority ?? []),
    ...(env['PARLEY_BROKER_TRUST_AUTHORITY'] ?? '').split(',').filter((f) => f !== ''),
  ];
  const partiesFile = pick(flags.parties, 'PARTIES');
  if (partiesFile === undefined && authorityKeyFiles.length === 0) {
    problems.push('--parties or --trust-authority: without either, no token could ever be accepted');
  }

  const synchronous = (env['PARLEY_STORE_SYNCHRONOUS'] ?? 'FULL').toUpperCase();
  if (synchronous !== 'FULL' && synchronous !== 'NORMAL') problems.push(`PARLEY_STORE_SYNCHRONOUS: "${synchronous}" must be FULL or NORMAL`);

  const logLevel = env['PARLEY_LOG_LEVEL'] ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`PARLEY_LOG_LEVEL: "${logLevel}" must be one of ${LOG_LEVELS.join(', ')}`);

  const areaText = env['PARLEY_BROKER_MAX_AREA_KM2'];
  const maxAreaKm2 = areaText === undefined ? DEFAULT_LIMITS.maxAreaKm2 : Number(areaText);
  if (!(maxAreaKm2 > 0 && Number.isFinite(maxAreaKm2))) problems.push(`PARLEY_BROKER_MAX_AREA_KM2: "${areaText}" must be a positive number`);

  const allowHttp = flags.allowHttpBaseUrls === true || env['PARLEY_BROKER_ALLOW_HTTP_BASE_URLS'] === 'true';

  const publicUrl = pick(flags.publicUrl, 'PUBLIC_URL');
  if (publicUrl !== undefined && !/^https?:\/\/[^/]+(\/.*[^/])?$/.test(publicUrl)) {
    problems.push(`--public-url / PARLEY_BROKER_PUBLIC_URL: "${publicUrl}" must be an http(s) URL without a trailing "/"`);
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    host: pick(flags.host, 'HOST') ?? '127.0.0.1',
    port,
    dataDir: dataDir as string,
    partiesFile,
    authorityKeyFiles: Object.freeze(authorityKeyFiles),
    audiences: Object.freeze(audiences),
    allowHttpBaseUrls: allowHttp,
    publicUrl,
    synchronous: synchronous as 'FULL' | 'NORMAL',
    logLevel,
    limits: Object.freeze({ ...DEFAULT_LIMITS, maxAreaKm2 }),
  });
}
