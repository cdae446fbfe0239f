/**
 * `parley token --key FILE --sub ID --scope "S..." --aud HOST [--ttl S] [--iss ISS]`:
 * prints a bearer JWT signed with the private JWK in FILE.
 */
import { Command, InvalidArgumentError } from 'commander';
import type { Clock } from '../../app/ports/clock.js';
import { systemClock } from '../../app/ports/clock.js';
import { processOutput, type CliOutput } from './cli-output.js';
import { readPrivateKeyFile } from './key-file.js';
import { DEFAULT_TOKEN_ISSUER, MAX_TOKEN_TTL_S, signToken } from './sign-token.js';

interface TokenOptions {
  key: string;
  sub: string;
  scope: string;
  aud: string;
  ttl: number;
  iss: string;
}

export function tokenCommand(output: CliOutput = processOutput, clock: Clock = systemClock): Command {
  return new Command('token')
    .description('print a bearer JWT signed with a private JWK')
    .requiredOption('--key <file>', 'private JWK written by `parley keygen`')
    .requiredOption('--sub <id>', 'subject: your party id (or client id for an authority key)')
    .requiredOption('--scope <scopes>', 'space-separated scopes, e.g. "utm.strategic_coordination"')
    .requiredOption('--aud <host>', 'broker host name, e.g. localhost')
    .option('--ttl <seconds>', `lifetime in seconds, at most ${MAX_TOKEN_TTL_S}`, parseTtl, MAX_TOKEN_TTL_S)
    .option('--iss <issuer>', 'issuer', DEFAULT_TOKEN_ISSUER)
    .action(async (options: TokenOptions) => {
      const privateJwk = await readPrivateKeyFile(options.key);
      const token = await signToken(
        privateJwk,
        { sub: options.sub, scope: options.scope, aud: options.aud, iss: options.iss, ttlS: options.ttl },
        { nowMs: clock.nowMs() },
      );
      output.stdout(`${token}\n`);
    });
}

function parseTtl(value: string): number {
  const ttl = Number(value);
  if (!/^\d+$/.test(value) || ttl < 1 || ttl > MAX_TOKEN_TTL_S) {
    throw new InvalidArgumentError(`must be a whole number of seconds from 1 to ${MAX_TOKEN_TTL_S}`);
  }
  return ttl;
}
