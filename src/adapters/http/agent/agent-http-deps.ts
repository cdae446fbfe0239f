/** What the agent's HTTP app needs; main/agent.ts builds it. */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { AgentContext } from '../../../app/agent/agent-ports.js';
import type { Authenticator } from '../auth.js';

export interface AgentHttpDeps {
  readonly ctx: AgentContext;
  /** Our own party's tokens (the operators, the CLI, the console). */
  readonly operators: Authenticator;
  /** Tokens of the parties in the parties file (peer agents). */
  readonly peers: Authenticator;
  readonly logger: Logger;
  readonly metrics: Registry;
  readonly bodyLimitBytes?: number;
}
