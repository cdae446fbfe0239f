/** The `parley` command: one sub-command per role or tool. */
import { Command } from 'commander';
import { agreementCommand } from '../adapters/cli/agreement-command.js';
import { AuditFailed, auditCommand } from '../adapters/cli/audit-command.js';
import { keygenCommand } from '../adapters/cli/keygen-command.js';
import { tokenCommand } from '../adapters/cli/token-command.js';
import { ConfigFileError } from '../config/config-file-error.js';
import { resolveAgentConfig } from '../config/agent-config.js';
import { ConfigError, resolveBrokerConfig } from '../config/broker-config.js';
import { startAgent } from './agent.js';
import { closeOnSignals, startBroker } from './broker.js';
import { startQuickstart } from './quickstart.js';

function brokerCommand(): Command {
  return new Command('broker')
    .description('Run the broker: the F3548 DSS API on embedded SQLite storage')
    .option('--port <port>', 'TCP port to listen on (default 8080; 0 picks a free one)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--data <dir>', 'directory for the broker database')
    .option('--parties <file>', 'parties file: {"parties":[{"id","name","keys":[public JWK],"agent_url"}]}')
    .option(
      '--trust-authority <file>',
      'public key of a trusted token authority (PEM, JWK or JWKS); repeatable',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--audience <hosts>', 'comma-separated accepted token audiences (default localhost,127.0.0.1)')
    .option('--allow-http-base-urls', 'accept http:// uss_base_url values (tests and local demos only)')
    .option('--public-url <url>', 'where clients reach this broker: the uss_base_url of the zones it publishes (default its listening URL)')
    .action(async (options) => {
      const config = resolveBrokerConfig(options, process.env);
      const broker = await startBroker(config);
      closeOnSignals(broker);
    });
}

function agentCommand(): Command {
  return new Command('agent')
    .description("Run one party's agent: its operations' details, planning through the broker, need-to-know disclosure to peers")
    .option('--port <port>', 'TCP port to listen on (default 9001; 0 picks a free one)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--data <dir>', "directory for the agent's database")
    .option('--party <id>', 'the party this agent acts for (its id in the parties file)')
    .option('--key <file>', "the party's private key file (parley keygen); signs its tokens")
    .option('--broker <url>', "the broker's URL, e.g. http://127.0.0.1:8080")
    .option('--parties <file>', 'parties file: who may call this agent, and where their agents answer')
    .option('--policy <file>', 'disclosure policy, JSON or YAML (docs/disclosure-policy.md); without one nothing is disclosed')
    .option('--public-url <url>', 'where peers reach this agent (default http://HOST:PORT)')
    .option('--equal-priority <rule>', 'may a new operation conflict with one of equal priority: allow or deny (default deny)')
    .option('--ticketless <rule>', 'F3548 clients without a ticket: deny, or reference (the reference with its OVN, no details); default deny')
    .action(async (options) => {
      const config = resolveAgentConfig(options, process.env);
      const agent = await startAgent(config);
      closeOnSignals(agent);
    });
}

function startCommand(): Command {
  return new Command('start')
    .description('Quick start: a broker and an agent for each of three example parties under ./.parley, with keys, parties and policies')
    .option('--dir <dir>', 'working directory for keys, parties, policies and data', '.parley')
    .option('--port <port>', "the broker's TCP port (default 8080, or PARLEY_BROKER_PORT); agents use 9001-9003")
    .option('--no-agents', 'start the broker only')
    .action(async (options: { dir: string; port?: string; agents: boolean }) => {
      const running = await startQuickstart({ dir: options.dir, port: options.port ?? process.env['PARLEY_BROKER_PORT'] ?? '8080', agents: options.agents });
      closeOnSignals(running);
    });
}

export async function main(argv: readonly string[]): Promise<void> {
  const program = new Command('parley')
    .description('Parley: deconfliction between parties who share an airspace but not trust')
    .showHelpAfterError()
    .addCommand(brokerCommand())
    .addCommand(agentCommand())
    .addCommand(startCommand())
    .addCommand(keygenCommand())
    .addCommand(tokenCommand())
    .addCommand(auditCommand())
    .addCommand(agreementCommand());
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof AuditFailed) process.exit(1);
    if (error instanceof ConfigError || error instanceof ConfigFileError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`parley: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
