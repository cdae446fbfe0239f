/**
 * Sends a phase's requests, `concurrency` at a time, timing each from just before the request to
 * its answer's body read; counts answers other than the expected status by status and code
 * (keeping the first message of each), and follows progress on stderr.
 */
import cliProgress from 'cli-progress';
import { Latencies } from '../strategic/latency.js';

export interface Answer {
  readonly status: number;
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- the bench reads the fields it counts
  readonly text: string;
}

export async function callJson(url: string, method: string, token: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text };
}

export interface TimedRun {
  readonly elapsedMs: number;
  readonly latencies: Latencies;
  /** Answers with the expected status. */
  readonly ok: number;
  /** Other answers (and errors without an answer), by "STATUS code". */
  readonly failed: Record<string, number>;
  /** The first message of each kind of failure. */
  readonly messages: Record<string, string>;
}

export async function timedRequests(
  label: string,
  count: number,
  options: { readonly concurrency: number; readonly expected: number },
  request: (i: number) => Promise<Answer>,
  onAnswer: (i: number, answer: Answer) => void = () => undefined,
): Promise<TimedRun> {
  const latencies = new Latencies(count);
  const failed: Record<string, number> = {};
  const messages: Record<string, string> = {};
  const fail = (kind: string, message: string) => {
    failed[kind] = (failed[kind] ?? 0) + 1;
    messages[kind] ??= message.slice(0, 400);
  };
  const bar = new cliProgress.SingleBar(
    { format: `${label.padEnd(11)} [{bar}] {value}/{total} | {failed} failed | ETA {eta}s`, stream: process.stderr, noTTYOutput: !process.stderr.isTTY, notTTYSchedule: 5_000, hideCursor: false },
    cliProgress.Presets.shades_classic,
  );
  bar.start(count, 0, { failed: 0 });
  let next = 0;
  let done = 0;
  let ok = 0;
  const startedMs = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        let answer: Answer | undefined;
        try {
          answer = await request(i);
        } catch (error) {
          fail(`error ${(error as Error).name}`, (error as Error).message);
        }
        latencies.add(performance.now() - t);
        if (answer !== undefined) {
          if (answer.status === options.expected) ok++;
          else fail(`${answer.status} ${answer.body?.code ?? '-'}`, String(answer.body?.detail ?? answer.body?.message ?? answer.text));
          onAnswer(i, answer);
        }
        bar.update(++done, { failed: done - ok });
      }
    }),
  );
  const elapsedMs = performance.now() - startedMs;
  bar.stop();
  return { elapsedMs, latencies, ok, failed, messages };
}

/** `parley_agent_events_total` of every agent, summed by event. */
export async function agentEvents(agentUrls: readonly string[]): Promise<Record<string, number>> {
  const totals: Record<string, number> = {};
  for (const url of agentUrls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    for (const match of text.matchAll(/^parley_agent_events_total\{event="([^"]+)"\} (\d+(?:\.\d+)?)$/gm)) {
      totals[match[1] as string] = (totals[match[1] as string] ?? 0) + Number(match[2]);
    }
  }
  return totals;
}

/** How many more times each event happened in `after` than in `before`. */
export function eventsBetween(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([event, n]) => [event, n - (before[event] ?? 0)]).filter(([, n]) => (n as number) > 0));
}
