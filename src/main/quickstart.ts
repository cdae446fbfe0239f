/**
 * `npm start`: a broker on embedded storage under ./.parley and an agent for each of three
 * example parties (blue, red, green), with generated keys, a parties file, example disclosure
 * policies, and printed instructions for planning through an agent. Keys, policies and data are
 * kept between runs; delete the directory to start afresh.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { generateKeyFile, publicJwkOf, readPrivateKeyFile } from '../adapters/cli/key-file.js';
import { resolveAgentConfig } from '../config/agent-config.js';
import { resolveBrokerConfig } from '../config/broker-config.js';
import { startAgent, type RunningAgent } from './agent.js';
import { startBroker } from './broker.js';

const EXAMPLE_PARTIES = [
  { id: 'blue', name: 'Blue', agentPort: 9001 },
  { id: 'red', name: 'Red', agentPort: 9002 },
  { id: 'green', name: 'Green', agentPort: 9003 },
] as const;

/** Shares where and how important with anyone who proves an intersection; the rest by rule. */
const EXAMPLE_POLICY = `# Disclosure policy (docs/disclosure-policy.md). Edit and restart to change it.
version: 1
default:
  bases: [intent, subscription, declaration]
  fields:
    volumes: always
    off_nominal_volumes: always
    priority: always
    callsign: always
    aircraft_type: { when: [{ within_km: 5 }] }
    contact: { when: [{ requester_priority_at_least: 5 }] }
    mission: never
`;

export interface Quickstart {
  readonly url: string;
  close(): Promise<void>;
}

export async function startQuickstart(options: { dir: string; port: string; agents: boolean }): Promise<Quickstart> {
  const keysDir = join(options.dir, 'keys');
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  mkdirSync(join(options.dir, 'policies'), { recursive: true });
  const parties = [];
  for (const party of EXAMPLE_PARTIES) {
    const keyFile = join(keysDir, `${party.id}.jwk`);
    if (!existsSync(keyFile)) await generateKeyFile(keyFile, 'EdDSA');
    const publicJwk = publicJwkOf(await readPrivateKeyFile(keyFile));
    parties.push({ id: party.id, name: party.name, keys: [publicJwk], agent_url: `http://127.0.0.1:${party.agentPort}` });
    const policyFile = join(options.dir, 'policies', `${party.id}.yaml`);
    if (!existsSync(policyFile)) writeFileSync(policyFile, EXAMPLE_POLICY);
  }
  const partiesFile = join(options.dir, 'parties.json');
  const wanted = `${JSON.stringify({ parties }, null, 2)}\n`;
  if (!existsSync(partiesFile) || (await readFile(partiesFile, 'utf8')) !== wanted) writeFileSync(partiesFile, wanted);

  const env = { ...process.env, PARLEY_LOG_LEVEL: process.env['PARLEY_LOG_LEVEL'] ?? 'warn' };
  const broker = await startBroker(
    resolveBrokerConfig({ port: options.port, data: join(options.dir, 'broker'), parties: partiesFile, allowHttpBaseUrls: true }, env),
  );
  const agents: RunningAgent[] = [];
  const close = async () => {
    for (const agent of agents) await agent.close();
    await broker.close();
  };
  try {
    if (options.agents) {
      for (const party of EXAMPLE_PARTIES) {
        const config = resolveAgentConfig(
          {
            port: String(party.agentPort),
            data: join(options.dir, 'agents', party.id),
            party: party.id,
            key: join(keysDir, `${party.id}.jwk`),
            broker: broker.url,
            parties: partiesFile,
            policy: join(options.dir, 'policies', `${party.id}.yaml`),
          },
          env,
        );
        agents.push(await startAgent(config));
      }
    }
  } catch (error) {
    await close();
    throw error;
  }
  process.stdout.write(instructions(options.dir, broker.url.replace('127.0.0.1', 'localhost'), options.agents));
  return { url: broker.url, close };
}

function instructions(dir: string, base: string, withAgents: boolean): string {
  const key = (party: string) => relative(process.cwd(), join(dir, 'keys', `${party}.jwk`));
  const lines = [
    '',
    `Parley broker (F3548 DSS) listening on ${base}`,
    `  data: ${join(dir, 'broker')}   parties: ${EXAMPLE_PARTIES.map((p) => p.id).join(', ')} (${join(dir, 'parties.json')})`,
    `  API docs: ${base}/docs   health: ${base}/healthz   metrics: ${base}/metrics`,
  ];
  if (withAgents) {
    lines.push(
      `Agents: ${EXAMPLE_PARTIES.map((p) => `${p.id} http://localhost:${p.agentPort}`).join(', ')}   policies: ${join(dir, 'policies')}`,
      '',
      'Plan an operation as blue, then one as red over the same place (red sees blue as a conflict):',
      `  BLUE=$(npx parley token --key ${key('blue')} --sub blue --scope parley.operator --aud localhost)`,
      `  RED=$(npx parley token --key ${key('red')} --sub red --scope parley.operator --aud localhost)`,
      `  START=$(date -u -d '+10 min' +%Y-%m-%dT%H:%M:%SZ); END=$(date -u -d '+40 min' +%Y-%m-%dT%H:%M:%SZ)`,
      `  OP='{"volumes":[{"volume":{"outline_circle":{"center":{"lat":35.0,"lng":38.0},"radius":{"value":800,"units":"M"}},'`,
      `  OP+='"altitude_lower":{"value":50,"reference":"W84","units":"M"},"altitude_upper":{"value":120,"reference":"W84","units":"M"}},'`,
      `  OP+='"time_start":{"value":"'$START'","format":"RFC3339"},"time_end":{"value":"'$END'","format":"RFC3339"}}],'`,
      `  curl -s -X POST http://localhost:9001/v1/operations -H "Authorization: Bearer $BLUE" -H 'Content-Type: application/json' \\`,
      `    -d "$OP"'"priority":1,"state":"Accepted","details":{"callsign":"BLUE-1","mission":"survey"}}'`,
      `  curl -s -X POST http://localhost:9002/v1/operations -H "Authorization: Bearer $RED" -H 'Content-Type: application/json' \\`,
      `    -d "$OP"'"priority":5,"state":"Accepted","details":{"callsign":"RED-1"}}'`,
    );
  }
  lines.push(
    '',
    'Audit the verifiable log as blue (every change and every disclosure is an entry):',
    `  npx parley audit verify --broker ${base} --key ${key('blue')} --party blue --state ${relative(process.cwd(), join(dir, 'audit', 'blue'))}`,
    `  npx parley audit disclosures --broker ${base} --key ${key('blue')} --party blue`,
    '',
    'Press Ctrl-C to stop.',
    '',
  );
  return lines.join('\n');
}
