/**
 * The bench's handle on bench/http-client.ts: forks it (`node --import tsx`, stdout sent to
 * our stderr so the bench's last stdout line stays the JSON result) and runs one command at a
 * time over the IPC channel.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './workload-files.js';
import type { ClientCommand, ClientMessage, ClientResult, ClientSetup } from './http-protocol.js';

export class HttpClientProcess {
  readonly #child: ChildProcess;
  #pending: { resolve: (m: ClientMessage) => void; reject: (e: Error) => void } | undefined;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (message: ClientMessage) => {
      const pending = this.#pending;
      this.#pending = undefined;
      if (message.type === 'error') pending?.reject(new Error(`http-client failed: ${message.message}`));
      else pending?.resolve(message);
    });
    child.once('exit', (code, signal) => {
      this.#pending?.reject(new Error(`http-client exited (${signal ?? `code ${code}`}) during a command`));
      this.#pending = undefined;
    });
  }

  /** Starts the client and hands it the setup; resolves once it is ready. */
  static async start(setup: ClientSetup, options: { readonly cpuProfDir?: string } = {}): Promise<HttpClientProcess> {
    const execArgv = ['--import', 'tsx'];
    if (options.cpuProfDir !== undefined) execArgv.push('--cpu-prof', '--cpu-prof-dir', options.cpuProfDir);
    const child = fork(join(REPO_ROOT, 'bench/http-client.ts'), [], { execArgv, stdio: ['ignore', 2, 2, 'ipc'] });
    const client = new HttpClientProcess(child);
    await client.#exchange(setup);
    return client;
  }

  async run<T extends ClientResult>(command: Exclude<ClientCommand, { type: 'exit' }>): Promise<T> {
    const message = await this.#exchange(command);
    if (message.type !== command.type) throw new Error(`http-client answered ${message.type} to ${command.type}`);
    return message as T;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Asks the client to exit and waits for it (so a CPU profile, if any, is written). */
  async close(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.#child.send({ type: 'exit' } satisfies ClientCommand);
    await exited;
  }

  #exchange(message: ClientSetup | ClientCommand): Promise<ClientMessage> {
    if (this.#pending !== undefined) return Promise.reject(new Error('http-client: one command at a time'));
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#child.send(message, (error) => {
        if (error !== null && this.#pending !== undefined) {
          this.#pending = undefined;
          reject(error);
        }
      });
    });
  }
}
