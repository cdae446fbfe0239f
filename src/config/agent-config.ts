/**
 * An agent's one validated, frozen configuration: command-line flags over PARLEY_AGENT_*
 * environment variables over defaults. Every problem is listed at once.
 */
import { ConfigError } from './broker-config.js';
import { PARTY_ID_PATTERN } from './parties.js';

export interface AgentConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly party: string;
  readonly keyFile: string;
  readonly brokerUrl: string;
  readonly partiesFile: string;
  readonly policyFile: string | undefined;
  /** Where peers reach us; undefined: http://HOST:PORT once listening. */
  readonly publicUrl: string | undefined;
  readonly equalPriority: 'allow' | 'deny';
  readonly ticketless: 'deny' | 'reference';
  readonly synchronous: 'FULL' | 'NORMAL';
  readonly logLevel: string;
}

export interface AgentFlags {
  readonly port?: string | undefined;
  readonly host?: string | undefined;
  readonly data?: string | undefined;
  readonly party?: string | undefined;
  readonly key?: string | undefined;
  readonly broker?: string | undefined;
  readonly parties?: string | undefined;
  readonly policy?: string | undefined;
  readonly publicUrl?: string | undefined;
  readonly equalPriority?: string | undefined;
  readonly ticketless?: string | undefined;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function resolveAgentConfig(flags: AgentFlags, env: Readonly<Record<string, string | undefined>>): AgentConfig {
  const problems: string[] = [];
  const pick = (flag: string | undefined, name: string): string | undefined => flag ?? env[`PARLEY_AGENT_${name}`];
  const required = (flag: string | undefined, name: string, option: string, what: string): string => {
    const value = pick(flag, name);
    if (value === undefined || value === '') problems.push(`--${option} / PARLEY_AGENT_${name}: ${what} is required`);
    return value ?? '';
  };

  const portText = pick(flags.port, 'PORT') ?? '9001';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) problems.push(`--port / PARLEY_AGENT_PORT: "${portText}" is not a port number 0–65535`);

  const dataDir = required(flags.data, 'DATA', 'data', 'a data directory');
  const party = required(flags.party, 'PARTY', 'party', "this agent's party id");
  if (party !== '' && !PARTY_ID_PATTERN.test(party)) problems.push(`--party: "${party}" must match ${PARTY_ID_PATTERN.source}`);
  const keyFile = required(flags.key, 'KEY', 'key', "the party's private key file (parley keygen)");
  const partiesFile = required(flags.parties, 'PARTIES', 'parties', 'the parties file');
  const brokerUrl = required(flags.broker, 'BROKER', 'broker', "the broker's URL");
  if (brokerUrl !== '' && !isHttpUrl(brokerUrl)) problems.push(`--broker: "${brokerUrl}" must be an http(s) URL`);

  const publicUrl = pick(flags.publicUrl, 'PUBLIC_URL');
  if (publicUrl !== undefined && (!isHttpUrl(publicUrl) || publicUrl.endsWith('/'))) {
    problems.push(`--public-url: "${publicUrl}" must be an http(s) URL without a trailing "/"`);
  }

  const equalPriority = pick(flags.equalPriority, 'EQUAL_PRIORITY') ?? 'deny';
  if (equalPriority !== 'allow' && equalPriority !== 'deny') problems.push(`--equal-priority: "${equalPriority}" must be allow or deny`);
  const ticketless = pick(flags.ticketless, 'TICKETLESS') ?? 'deny';
  if (ticketless !== 'deny' && ticketless !== 'reference') problems.push(`--ticketless: "${ticketless}" must be deny or reference`);

  const synchronous = (env['PARLEY_STORE_SYNCHRONOUS'] ?? 'FULL').toUpperCase();
  if (synchronous !== 'FULL' && synchronous !== 'NORMAL') problems.push(`PARLEY_STORE_SYNCHRONOUS: "${synchronous}" must be FULL or NORMAL`);
  const logLevel = env['PARLEY_LOG_LEVEL'] ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`PARLEY_LOG_LEVEL: "${logLevel}" must be one of ${LOG_LEVELS.join(', ')}`);

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    host: pick(flags.host, 'HOST') ?? '127.0.0.1',
    port,
    dataDir,
    party,
    keyFile,
    brokerUrl: brokerUrl.replace(/\/+$/, ''),
    partiesFile,
    policyFile: pick(flags.policy, 'POLICY'),
    publicUrl,
    equalPriority: equalPriority as 'allow' | 'deny',
    ticketless: ticketless as 'deny' | 'reference',
    synchronous: synchronous as 'FULL' | 'NORMAL',
    logLevel,
  });
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
