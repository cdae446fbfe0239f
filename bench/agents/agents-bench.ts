/**
 * `npm run bench -- agents`: planning through agents, end to end on loopback. One broker and
 * three agents in this process (bench-cluster.ts), then three phases:
 * - isolated: POST /v1/operations of N operations that meet nothing (N/3 per agent);
 * - contended: N more, each meeting one to three operations of the other parties (layouts.ts),
 *   all at one priority with equal priorities allowed, so a refusal means the planning gave up;
 * - disclosure: N peer requests GET /uss/v1/operational_intents/{id} with a valid ticket for the
 *   isolated operations; each answer records its receipt at the broker first.
 * The last stdout line is one JSON object; progress goes to stderr.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { ratePerS, round1, round3 } from '../strategic/latency.js';
import { createPhaseProfiler, type PhaseProfiler } from '../strategic/phase-profiler.js';
import { OPERATOR, SC, startBenchCluster, type BenchCluster } from './bench-cluster.js';
import { CONTENDED_RADIUS_M, ISOLATED_RADIUS_M, circle, contendedSite, isolatedRegion, isolatedSite, type TimeWindow } from './layouts.js';
import { agentEvents, callJson, eventsBetween, timedRequests, type Answer, type TimedRun } from './timed-requests.js';

export const AGENTS_USAGE = `usage: npm run bench -- agents [--plans N] [--concurrency C] [--equal-priority allow|deny] [--profile DIR]
  --plans N             operations planned in each planning phase, and details asked for (default 300)
  --concurrency C       requests in flight, over the three agents (default 8)
  --equal-priority R    the agents' rule for equal priorities (default allow: contended plans may go on record)
  --profile DIR         one CPU profile per phase (agents-<phase>.cpuprofile: the whole process) and its top functions
  PARLEY_STORE_SYNCHRONOUS=NORMAL   every store at synchronous=NORMAL (default FULL, as the CLI)`;

const PARTIES = ['blue', 'red', 'green'] as const;
const PRIORITY = 5;
const MINUTE_MS = 60_000;

interface Options {
  readonly plans: number;
  readonly concurrency: number;
  readonly equalPriority: 'allow' | 'deny';
  readonly profileDir: string | undefined;
}

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({ args: [...argv], options: { plans: { type: 'string' }, concurrency: { type: 'string' }, 'equal-priority': { type: 'string' }, profile: { type: 'string' } }, strict: true });
  const plans = Number(values.plans ?? 300);
  const concurrency = Number(values.concurrency ?? 8);
  const equalPriority = values['equal-priority'] ?? 'allow';
  if (!Number.isSafeInteger(plans) || plans < 3) throw new Error(`--plans must be a whole number of at least 3, not "${values.plans}"`);
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw new Error(`--concurrency must be a whole number of at least 1, not "${values.concurrency}"`);
  if (equalPriority !== 'allow' && equalPriority !== 'deny') throw new Error(`--equal-priority must be allow or deny, not "${equalPriority}"`);
  return { plans, concurrency, equalPriority, profileDir: values.profile };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
const log = (line: string): void => void process.stderr.write(`${line}\n`);

export async function runAgentsBench(argv: readonly string[]): Promise<void> {
  const options = parseOptions(argv);
  const machine = { cpus: cpus().length, cpu_model: cpus()[0]?.model ?? 'unknown', loadavg_start: loadavg().map(round1), node: process.version };
  log(`agents bench: ${options.plans} plans, concurrency ${options.concurrency}; ${machine.cpus} × ${machine.cpu_model}, load ${machine.loadavg_start.join(' ')}, node ${machine.node}`);
  const cluster = await startBenchCluster(PARTIES, { equalPriority: options.equalPriority, synchronous: process.env['PARLEY_STORE_SYNCHRONOUS'] });
  const profiler = await createPhaseProfiler(options.profileDir, log, { prefix: 'agents' });
  let figures;
  try {
    log(`broker ${cluster.broker.url}; agents ${cluster.parties.map((p) => `${p.id} ${p.agent.url}`).join(', ')}; synchronous=${cluster.synchronous}; data in ${cluster.dir}`);
    figures = await runPhases(cluster, options, profiler);
  } finally {
    await profiler.close();
    await cluster.close();
  }
  process.stdout.write(
    `${JSON.stringify({
      bench: 'agents',
      plans: options.plans,
      concurrency: options.concurrency,
      synchronous: cluster.synchronous,
      equal_priority: options.equalPriority,
      ...figures,
      rss_mb: Math.round(process.memoryUsage().rss / 2 ** 20),
      machine: { ...machine, loadavg_end: loadavg().map(round1) },
    })}\n`,
  );
}

async function runPhases(cluster: BenchCluster, options: Options, profiler: PhaseProfiler) {
  const { plans, concurrency } = options;
  const agentUrls = cluster.parties.map((p) => p.agent.url);
  const startMs = Date.now() + 10 * MINUTE_MS;
  const window: TimeWindow = { startMs, endMs: startMs + 60 * MINUTE_MS };
  const plan = async (party: number, volume: unknown, callsign: string): Promise<Answer> => {
    const { id, agent } = cluster.parties[party]!;
    const body = { volumes: [volume], priority: PRIORITY, state: 'Accepted', details: { callsign } };
    return callJson(`${agent.url}/v1/operations`, 'POST', await cluster.token(id, OPERATOR), body);
  };

  // Untimed: two plans per agent, so that the first timed ones find connections open and code compiled.
  const perParty = Math.ceil(plans / 3);
  for (let k = 0; k < 6; k++) {
    const answer = await plan(k % 3, circle(isolatedSite(3, k, perParty), ISOLATED_RADIUS_M, window), `WARM-${k}`);
    if (answer.status !== 201) throw new Error(`A warm-up plan failed: ${answer.status} ${answer.text.slice(0, 400)}`);
  }

  // 1. Isolated: plan i goes to party i mod 3, its k-th site far from everything else.
  const isolatedIntents: Array<{ readonly owner: number; readonly id: string }> = [];
  let events = await agentEvents(agentUrls);
  const isolated = await profiler.profile('isolated', () => timedRequests('isolated', plans, { concurrency, expected: 201 }, (i) => {
    const site = isolatedSite(i % 3, Math.floor(i / 3), perParty);
    return plan(i % 3, circle(site, ISOLATED_RADIUS_M, window), `ISO-${i}`);
  }, (i, answer) => {
    if (answer.status === 201) isolatedIntents.push({ owner: i % 3, id: answer.body.id });
  }));
  const isolatedEvents = eventsBetween(events, (events = await agentEvents(agentUrls)));
  report('isolated', isolated, 'plans', isolatedEvents);

  // 2. Contended: a grid where each plan meets its neighbours, planned row by row.
  let conflicts = 0;
  let attempts = 0;
  let notifications = 0;
  let refused = 0;
  const contended = await profiler.profile('contended', () => timedRequests('contended', plans, { concurrency, expected: 201 }, (i) => {
    const site = contendedSite(i);
    return plan(site.party, circle(site.center, CONTENDED_RADIUS_M, window), `GRID-${i}`);
  }, (_i, answer) => {
    if (answer.status === 201) {
      conflicts += answer.body.conflicts.length;
      attempts += answer.body.attempts;
      notifications += answer.body.notifications.length;
    } else if (answer.body?.code === 'planning_conflict') refused++;
  }));
  const contendedEvents = eventsBetween(events, (events = await agentEvents(agentUrls)));
  report('contended', contended, 'plans', contendedEvents);

  // 3. Disclosure: tickets as a planner gets them (declare over the intents, query, withdraw), untimed.
  const tickets = await ticketsForIsolated(cluster, perParty);
  const disclosureEvents0 = await agentEvents(agentUrls);
  const disclosure = await profiler.profile('disclosure', () => timedRequests('disclosure', isolatedIntents.length, { concurrency, expected: 200 }, async (j) => {
    const { owner, id } = isolatedIntents[j]!;
    const requester = (owner + 1 + (j % 2)) % 3;
    const ticket = tickets[requester]!.get(id);
    if (ticket === undefined) throw new Error(`no ticket for ${PARTIES[requester]} on ${id} of ${PARTIES[owner]}`);
    const url = `${cluster.parties[owner]!.agent.url}/uss/v1/operational_intents/${id}`;
    return callJson(url, 'GET', await cluster.token(cluster.parties[requester]!.id, SC), undefined, { 'parley-ticket': ticket });
  }));
  const disclosureEvents = eventsBetween(disclosureEvents0, await agentEvents(agentUrls));
  report('disclosure', disclosure, 'answers', disclosureEvents);

  const accepted = Math.max(1, contended.ok);
  return {
    isolated: { ...planFigures(isolated), details_fetched_per_plan: round3((isolatedEvents['disclosure.answered'] ?? 0) / plans), events: isolatedEvents },
    contended: {
      ...planFigures(contended),
      conflicts_per_plan: round3(conflicts / accepted),
      attempts_per_plan: round3(attempts / accepted),
      details_fetched_per_plan: round3((contendedEvents['disclosure.answered'] ?? 0) / plans),
      notifications_per_plan: round3(notifications / accepted),
      refused: round3(refused / plans),
      events: contendedEvents,
    },
    disclosure: {
      answers: disclosure.ok,
      answers_per_s: ratePerS(disclosure.ok, disclosure.elapsedMs),
      ...latencyFigures(disclosure),
      failed: disclosure.failed,
      ...(Object.keys(disclosure.messages).length === 0 ? {} : { failure_messages: disclosure.messages }),
      receipts: disclosureEvents['disclosure.answered'] ?? 0,
    },
  };
}

/** For each requester (by party number), a ticket for every isolated intent of the other parties. */
async function ticketsForIsolated(cluster: BenchCluster, perParty: number): Promise<Array<Map<string, string>>> {
  const brokerUrl = cluster.broker.url;
  const now = Date.now();
  const window = { startMs: now + MINUTE_MS, endMs: now + 180 * MINUTE_MS };
  const tickets: Array<Map<string, string>> = [];
  for (const [r, requester] of PARTIES.entries()) {
    const token = await cluster.token(requester, SC);
    const mine = new Map<string, string>();
    for (const [o, owner] of PARTIES.entries()) {
      if (o === r) continue;
      const region = isolatedRegion(o, perParty);
      const area = circle(region.center, region.radiusM, window);
      const declared = expect(await callJson(`${brokerUrl}/v1/declarations`, 'POST', token, { volumes: [area], priority: PRIORITY }), 201, 'declaration');
      const found = expect(await callJson(`${brokerUrl}/dss/v1/operational_intent_references/query`, 'POST', token, { area_of_interest: area }), 200, 'query');
      for (const ref of found.body.operational_intent_references as Array<{ id: string; manager: string; parley_ticket?: string }>) {
        if (ref.manager === owner && ref.parley_ticket !== undefined) mine.set(ref.id, ref.parley_ticket);
      }
      expect(await callJson(`${brokerUrl}/v1/declarations/${declared.body.id}`, 'DELETE', token), 200, 'withdrawal');
    }
    tickets.push(mine);
  }
  log(`tickets: ${tickets.map((t, r) => `${PARTIES[r]} ${t.size}`).join(', ')}`);
  return tickets;
}

function expect(answer: Answer, status: number, what: string): Answer {
  if (answer.status !== status) throw new Error(`Cannot get tickets: the ${what} answered ${answer.status}: ${answer.text.slice(0, 400)}`);
  return answer;
}

function latencyFigures(run: TimedRun) {
  const s = run.latencies.summary();
  return { p50_ms: round2(s.p50_ms), p95_ms: round2(s.p95_ms), p99_ms: round2(s.p99_ms), max_ms: round2(s.max_ms), mean_ms: round2(s.mean_ms) };
}

function planFigures(run: TimedRun) {
  return {
    planned: run.ok,
    plans_per_s: ratePerS(run.ok, run.elapsedMs),
    ...latencyFigures(run),
    failed: run.failed,
    ...(Object.keys(run.messages).length === 0 ? {} : { failure_messages: run.messages }),
    elapsed_s: round3(run.elapsedMs / 1000),
  };
}

function report(phase: string, run: TimedRun, what: string, events: Record<string, number>): void {
  const s = run.latencies.summary();
  log(`${phase}: ${run.ok} ${what} in ${round3(run.elapsedMs / 1000)} s, ${ratePerS(run.ok, run.elapsedMs)}/s; p50 ${round2(s.p50_ms)} ms, p95 ${round2(s.p95_ms)} ms, p99 ${round2(s.p99_ms)} ms`);
  for (const [kind, n] of Object.entries(run.failed)) log(`  ${n} × ${kind}: ${run.messages[kind]}`);
  log(`  agent events: ${JSON.stringify(events)}`);
}
