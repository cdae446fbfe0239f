/**
 * `npm start`: a broker on embedded storage under ./.parley, with generated keys and a parties
 * file for three example parties, and printed instructions for making a token and calling it.
 * Keys and data are kept between runs; delete the directory to start afresh.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { generateKeyFile, publicJwkOf, readPrivateKeyFile } from '../adapters/cli/key-file.js';
import { resolveBrokerConfig } from '../config/broker-config.js';
import { startBroker, type RunningBroker } from './broker.js';

const EXAMPLE_PARTIES = [
  { id: 'blue', name: 'Blue', agentPort: 9001 },
  { id: 'red', name: 'Red', agentPort: 9002 },
  { id: 'green', name: 'Green', agentPort: 9003 },
] as const;

export async function startQuickstart(options: { dir: string; port: string }): Promise<RunningBroker> {
  const keysDir = join(options.dir, 'keys');
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  const parties = [];
  for (const party of EXAMPLE_PARTIES) {
    const keyFile = join(keysDir, `${party.id}.jwk`);
    if (!existsSync(keyFile)) await generateKeyFile(keyFile, 'EdDSA');
    const publicJwk = publicJwkOf(await readPrivateKeyFile(keyFile));
    parties.push({ id: party.id, name: party.name, keys: [publicJwk], agent_url: `http://127.0.0.1:${party.agentPort}` });
  }
  const partiesFile = join(options.dir, 'parties.json');
  const wanted = `${JSON.stringify({ parties }, null, 2)}\n`;
  if (!existsSync(partiesFile) || (await readFile(partiesFile, 'utf8')) !== wanted) writeFileSync(partiesFile, wanted);

  const config = resolveBrokerConfig(
    { port: options.port, data: join(options.dir, 'broker'), parties: partiesFile, allowHttpBaseUrls: true },
    { ...process.env, PARLEY_LOG_LEVEL: process.env['PARLEY_LOG_LEVEL'] ?? 'warn' },
  );
  const broker = await startBroker(config);
  const base = broker.url.replace('127.0.0.1', 'localhost');
  const key = relative(process.cwd(), join(keysDir, 'blue.jwk'));
  process.stdout.write(
    [
      '',
      `Parley broker (F3548 DSS) listening on ${base}`,
      `  data: ${join(options.dir, 'broker')}   parties: ${EXAMPLE_PARTIES.map((p) => p.id).join(', ')} (${partiesFile})`,
      `  API docs: ${base}/docs   health: ${base}/healthz   metrics: ${base}/metrics`,
      '',
      'Make a token for party "blue":',
      `  TOKEN=$(npx parley token --key ${key} --sub blue --scope utm.strategic_coordination --aud localhost)`,
      '',
      'Ask which operational intents touch an area:',
      `  curl -s -X POST ${base}/dss/v1/operational_intent_references/query \\`,
      '    -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \\',
      `    -d '{"area_of_interest":{"volume":{"outline_circle":{"center":{"lat":35.0,"lng":38.0},"radius":{"value":5000,"units":"M"}}}}}'`,
      '',
      'Audit the verifiable log as "blue" (every change is an entry; checkpoints are signed):',
      `  npx parley audit verify --broker ${base} --key ${key} --party blue --state ${relative(process.cwd(), join(options.dir, 'audit', 'blue'))}`,
      '',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  return broker;
}
