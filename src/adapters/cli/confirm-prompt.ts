/**
 * Asks a yes/no question before the CLI signs anything: the question on stderr, one line read
 * from stdin; only "y" or "yes" (any case) agree. Without an answer — stdin closed before a
 * line, as when it is not a terminal — nothing is agreed, and the message says to pass --yes.
 */
import { createInterface } from 'node:readline';
import type { CliOutput } from './cli-output.js';

/** Where the answer comes from: process.stdin, or a stream in tests. */
export type PromptInput = NodeJS.ReadableStream & { readonly isTTY?: boolean };

export interface Confirmation {
  /** The question, e.g. `Sign version 2 of agreement …?` (" [y/N] " is added). */
  readonly question: string;
  /** What is not done when the answer is not yes, e.g. `Did not sign version 2 of agreement …`. */
  readonly refused: string;
}

/** Resolves when the answer is yes; otherwise throws an Error saying nothing was done, and why. */
export async function confirm(confirmation: Confirmation, io: { readonly input: PromptInput; readonly output: CliOutput }): Promise<void> {
  io.output.stderr(`${confirmation.question} [y/N] `);
  const answer = await readLine(io.input);
  // A terminal echoes the answer and its newline; piped input does not, so end the line here.
  if (answer === undefined || io.input.isTTY !== true) io.output.stderr('\n');
  if (answer === undefined) {
    const why = io.input.isTTY === true ? 'no answer' : 'no answer on standard input (it is not a terminal)';
    throw new Error(`${confirmation.refused}: ${why}; pass --yes to go ahead without the question`);
  }
  if (!/^\s*(y|yes)\s*$/i.test(answer)) throw new Error(`${confirmation.refused}: the answer was not yes`);
}

/** One line of input, or undefined when the stream ends first. */
function readLine(input: PromptInput): Promise<string | undefined> {
  return new Promise((resolve) => {
    const lines = createInterface({ input, terminal: false, crlfDelay: Infinity });
    lines.once('line', (line) => {
      resolve(line);
      lines.close();
    });
    lines.once('close', () => resolve(undefined));
  });
}
