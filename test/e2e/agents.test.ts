/**
 * Issue 4 end to end, on real HTTP with every role its own process: `parley broker` and three
 * `parley agent`s (blue, red, green), each started from the CLI with keys from `parley keygen`,
 * a parties file and a disclosure policy of its own (green's in YAML). Their operators plan
 * through their agents and the test checks what each party sees:
 *
 *   - priorities decide conflicts: red plans at 5; blue at 1 over it is refused (409
 *     planning_conflict naming red); green at 9 over it goes on record, told of the conflict
 *     and of what red's policy shares (never its mission);
 *   - red's agent hears of green's intent from green's agent (red's implicit subscription);
 *   - the owners' receipts are on the broker's log: `parley audit disclosures` lists them for
 *     red, and `parley audit verify` passes for red and for green, and again after more
 *     activity, consistent with the checkpoint each kept;
 *   - a stale key (409 from the broker) is retried: the three agents plan over one another at
 *     once, at equal priority (allowed here), until the broker has refused a key at least once;
 *     every plan ends on record or with the "intents kept changing" refusal, and the retries
 *     the agents count match the attempts their answers report.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { publicJwkOf, readPrivateKeyFile } from '../../src/adapters/cli/key-file.js';
import { createTokenSigner, type TokenSigner } from '../../src/adapters/cli/sign-token.js';
import { flight } from '../support/agent-cluster.js';
import { runCli } from '../support/cli.js';
import { call, freePorts, ready, spawnParley, stop, type Answer, type Child } from '../support/processes.js';

const PARTIES = ['blue', 'red', 'green'] as const;
type Party = (typeof PARTIES)[number];
const HOME = { lat: 46.5, lng: 6.6 };
/** Written into the details of each party's operations; no policy shares it, so no peer may ever see it. */
const MISSION: Readonly<Record<string, string>> = { blue: 'mission-of-blue-4e1d', red: 'mission-of-red-9b27', green: 'mission-of-green-c05a' };
/** Rounds of concurrent planning before giving up on seeing a stale key. */
const MAX_ROUNDS = 6;
const PLANS_PER_AGENT = 3;
/** The agent's planning.maxAttempts (main/agent.ts): a plan that meets only stale keys stops after this many PUTs. */
const MAX_ATTEMPTS = 5;

async function staleKeys(agentUrl: string): Promise<number> {
  const metrics = await call(`${agentUrl}/metrics`, 'GET', undefined);
  assert.equal(metrics.status, 200, metrics.text);
  const line = /^parley_agent_events_total\{event="planning\.stale_key"\} (\d+)$/m.exec(metrics.text);
  return line === null ? 0 : Number(line[1]);
}

// ---------------------------------------------------------------------------------------------
// Keys, parties, policies
// ---------------------------------------------------------------------------------------------

/** Blue and red as JSON, green as YAML: volumes, priority and a few fields, never the mission. */
function writePolicies(dir: string): Record<Party, string> {
  const json = (fields: readonly string[]) => ({
    version: 1,
    default: { fields: { volumes: 'always', priority: 'always', ...Object.fromEntries(fields.map((f) => [f, 'always'])), mission: 'never' } },
  });
  const files = { blue: join(dir, 'blue-policy.json'), red: join(dir, 'red-policy.json'), green: join(dir, 'green-policy.yaml') };
  writeFileSync(files.blue, JSON.stringify(json(['callsign'])));
  writeFileSync(files.red, JSON.stringify(json(['callsign', 'contact'])));
  writeFileSync(
    files.green,
    [
      '# green shares where, when and how urgent, and its callsign; never the mission',
      'version: 1',
      'default:',
      '  bases: [intent, subscription, declaration]',
      '  fields:',
      '    volumes: always',
      '    priority: always',
      '    callsign: always',
      '    mission: never',
      '',
    ].join('\n'),
  );
  return files;
}

// ---------------------------------------------------------------------------------------------

describe('end to end: one broker and three agents as separate processes', { timeout: 180_000 }, () => {
  it('plans by priority, retries stale keys, delivers notifications, and both parties verify the receipts', async (t) => {
    const startedAt = Date.now();
    const dir = mkdtempSync(join(tmpdir(), 'parley-e2e-agents-'));
    const children: Child[] = [];
    t.after(async () => {
      await Promise.all(children.map(stop));
      rmSync(dir, { recursive: true, force: true });
    });

    // ---- keys (parley keygen), parties file, policies --------------------------------------
    const keyFile = {} as Record<Party, string>;
    const signer = {} as Record<Party, TokenSigner>;
    const publicJwk = {} as Record<Party, unknown>;
    await Promise.all(
      PARTIES.map(async (party) => {
        keyFile[party] = join(dir, `${party}.jwk`);
        const keygen = await runCli(['keygen', '--out', keyFile[party]], { timeoutMs: 60_000 });
        assert.equal(keygen.code, 0, keygen.out);
        const privateJwk = await readPrivateKeyFile(keyFile[party]);
        publicJwk[party] = publicJwkOf(privateJwk);
        assert.ok(keygen.out.includes(String(privateJwk.x)), `keygen printed the public key:\n${keygen.out}`);
        signer[party] = await createTokenSigner(privateJwk);
      }),
    );
    const [brokerPort, ...agentPorts] = await freePorts(1 + PARTIES.length);
    const brokerUrl = `http://127.0.0.1:${brokerPort}`;
    const agentUrl = Object.fromEntries(PARTIES.map((party, i) => [party, `http://127.0.0.1:${agentPorts[i]}`])) as Record<Party, string>;
    const partiesFile = join(dir, 'parties.json');
    writeFileSync(
      partiesFile,
      JSON.stringify({ parties: PARTIES.map((party) => ({ id: party, name: party, keys: [publicJwk[party]], agent_url: agentUrl[party] })) }),
    );
    const policy = writePolicies(dir);

    // ---- the four processes ------------------------------------------------------------------
    const broker = spawnParley('broker', brokerUrl, [
      'broker', '--port', String(brokerPort), '--data', join(dir, 'broker'), '--parties', partiesFile, '--allow-http-base-urls',
    ]);
    children.push(broker);
    const agents = {} as Record<Party, Child>;
    for (const party of PARTIES) {
      agents[party] = spawnParley(`agent ${party}`, agentUrl[party], [
        'agent', '--port', new URL(agentUrl[party]).port, '--data', join(dir, `agent-${party}`), '--party', party,
        '--key', keyFile[party], '--broker', brokerUrl, '--parties', partiesFile, '--policy', policy[party],
        '--equal-priority', 'allow',
      ]);
      children.push(agents[party]);
    }
    const logs = () => children.map((c) => `---- ${c.name}\n${c.output().slice(-4_000)}`).join('\n');
    await Promise.all(children.map(ready));
    const healths = await Promise.all(PARTIES.map((party) => call(`${agentUrl[party]}/healthz`, 'GET', undefined)));
    assert.deepEqual(healths.map((h) => h.body.party), [...PARTIES]);

    /** `party`'s operator calling its own agent (a token its party signs, aud the agent's host). */
    const operator = async (party: Party, method: string, path: string, body?: unknown) =>
      call(`${agentUrl[party]}${path}`, method, await signer[party]({ sub: party, aud: '127.0.0.1', scope: 'parley.operator' }, { nowMs: Date.now() }), body);
    const auditVerify = (party: Party) =>
      runCli(['audit', 'verify', '--broker', brokerUrl, '--key', keyFile[party], '--party', party, '--state', join(dir, `state-${party}`), '--no-progress'], {
        timeoutMs: 60_000,
      });

    // ---- 1. planning with conflicts, by priority ------------------------------------------
    const red = await operator('red', 'POST', '/v1/operations', {
      volumes: [flight(HOME)],
      priority: 5,
      state: 'Accepted',
      details: { callsign: 'RED-1', contact: 'ops@red', mission: MISSION['red'] },
    });
    assert.equal(red.status, 201, `${red.text}\n${logs()}`);
    assert.equal(red.body.state, 'Accepted');
    assert.equal(red.body.version, 1);
    assert.deepEqual(red.body.conflicts, []);
    assert.equal(red.body.attempts, 1);
    const redId: string = red.body.id;

    // Blue, at a lower priority, may not newly conflict with red.
    const refused = await operator('blue', 'POST', '/v1/operations', {
      volumes: [flight({ ...HOME, radiusM: 300 })],
      priority: 1,
      state: 'Accepted',
      details: { callsign: 'BLUE-1', mission: MISSION['blue'] },
    });
    assert.equal(refused.status, 409, `${refused.text}\n${logs()}`);
    assert.equal(refused.body.code, 'planning_conflict', refused.text);
    assert.match(refused.body.detail, new RegExp(`${redId} of red \\(higher priority\\)`));
    assert.equal(refused.body.conflicts.length, 1, refused.text);
    assert.equal(refused.body.conflicts[0].intent_id, redId);
    assert.equal(refused.body.conflicts[0].owner, 'red');
    assert.equal(refused.body.conflicts[0].priority, 5);
    assert.deepEqual(Object.keys(refused.body.conflicts[0].disclosed).sort(), ['callsign', 'contact', 'priority', 'volumes']);
    assert.equal(refused.body.conflicts[0].disclosed.callsign, 'RED-1');
    assert.equal(refused.text.includes(MISSION['red']!), false, "red's mission is never disclosed");
    assert.deepEqual((await operator('blue', 'GET', '/v1/operations')).body.operations, [], 'nothing of blue stands');

    // Green, at a higher priority, may; it is told of the conflict and of what red shares.
    const green = await operator('green', 'POST', '/v1/operations', {
      volumes: [flight({ ...HOME, radiusM: 200 })],
      priority: 9,
      state: 'Activated',
      details: { callsign: 'GREEN-1', mission: MISSION['green'] },
    });
    assert.equal(green.status, 201, `${green.text}\n${logs()}`);
    assert.equal(green.body.state, 'Activated');
    assert.equal(green.body.version, 2, 'created Accepted, then activated');
    assert.equal(green.body.attempts, 2, 'one PUT per step, no stale key');
    assert.equal(green.body.conflicts.length, 1, green.text);
    const conflict = green.body.conflicts[0];
    assert.equal(conflict.intent_id, redId);
    assert.equal(conflict.owner, 'red');
    assert.equal(conflict.priority, 5);
    assert.equal(conflict.pre_existing, false);
    assert.deepEqual(Object.keys(conflict.disclosed).sort(), ['callsign', 'contact', 'priority', 'volumes']);
    assert.deepEqual([conflict.disclosed.callsign, conflict.disclosed.contact, conflict.disclosed.priority], ['RED-1', 'ops@red', 5]);
    assert.equal(conflict.disclosed.volumes.length, 1);
    assert.equal(green.text.includes(MISSION['red']!), false, "red's mission is never disclosed");
    const greenId: string = green.body.id;

    // ---- 2. notifications delivered, process to process --------------------------------------
    // Red's implicit subscription covers green's intent: green's agent told red's, at red's URL.
    const toRed = green.body.notifications.filter((n: { uss_base_url: string }) => n.uss_base_url === agentUrl.red);
    assert.deepEqual(toRed, [{ uss_base_url: agentUrl.red, delivered: true }, { uss_base_url: agentUrl.red, delivered: true }], green.text);
    assert.ok(green.body.notifications.every((n: { delivered: boolean }) => n.delivered), green.text);
    const notices = await operator('red', 'GET', '/v1/notifications');
    assert.equal(notices.status, 200, notices.text);
    const aboutGreen = notices.body.notifications.filter((n: { operational_intent_id: string }) => n.operational_intent_id === greenId);
    assert.deepEqual(
      aboutGreen.map((n: { from: string; version: number; state: string; deleted: boolean }) => [n.from, n.version, n.state, n.deleted]),
      [
        ['green', 1, 'Accepted', false],
        ['green', 2, 'Activated', false],
      ],
      notices.text,
    );
    assert.ok(aboutGreen.every((n: { subscriptions: unknown[] }) => n.subscriptions.length >= 1), notices.text);

    // ---- 3. receipts on the log, verified by both parties --------------------------------------
    const disclosures = await runCli(['audit', 'disclosures', '--broker', brokerUrl, '--key', keyFile.red, '--party', 'red', '--json'], { timeoutMs: 60_000 });
    assert.equal(disclosures.code, 0, disclosures.out);
    const receipts = disclosures.out
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, any>) // eslint-disable-line @typescript-eslint/no-explicit-any
      .filter((r) => r['intent_id'] === redId);
    // One per answer red's agent gave: blue's look-around and green's (its activation reused the answer).
    assert.deepEqual(receipts.map((r) => [r['by'], r['requester']]), [['red', 'blue'], ['red', 'green']], disclosures.out);
    for (const r of receipts) {
      assert.deepEqual(r['fields'], ['callsign', 'contact', 'priority', 'volumes'], disclosures.out);
      assert.equal(r['intent_version'], 1);
      assert.equal(r['basis'].kind, 'declaration');
    }
    assert.deepEqual(receipts.map((r) => r['basis'].priority), [1, 9], 'each ticket carries the priority its requester declared');
    assert.equal(disclosures.out.includes(MISSION['red']!), false);

    const [redAudit, greenAudit] = await Promise.all([auditVerify('red'), auditVerify('green')]);
    for (const [party, run] of [['red', redAudit], ['green', greenAudit]] as const) {
      assert.equal(run.code, 0, `${party}: ${run.out}`);
      assert.match(run.out, /verdict: OK/, run.out);
      assert.match(run.out, /inclusion proofs of your entries verify against the checkpoint/, `${party}: ${run.out}`);
      assert.match(run.out, /\d+ entries seen whole: salt and content recompute each one's leaf data/, `${party}: ${run.out}`);
      assert.match(run.out, new RegExp(`kept this checkpoint in .*state-${party}`), run.out);
    }
    // The requester sees the receipt of what it was shown too; a third party does not.
    const receiptsSeenBy = async (party: Party) => {
      const token = await signer[party]({ sub: party, aud: '127.0.0.1', scope: 'parley.audit' }, { nowMs: Date.now() });
      const entries = await call(`${brokerUrl}/v1/log/entries?start=0&limit=1000`, 'GET', token);
      assert.equal(entries.status, 200, entries.text);
      return (entries.body.entries as Array<{ content?: { kind: string; by: string; requester: string; intent_id: string; fields: string[] } }>)
        .filter((e) => e.content?.kind === 'disclosure.receipt' && e.content.intent_id === redId)
        .map((e) => [e.content!.by, e.content!.requester, e.content!.fields.join(',')]);
    };
    assert.deepEqual(await receiptsSeenBy('green'), [['red', 'green', 'callsign,contact,priority,volumes']]);
    assert.deepEqual(await receiptsSeenBy('blue'), [['red', 'blue', 'callsign,contact,priority,volumes']]);
    const firstSize = Number(/checkpoint of (\d+) entries signed by/.exec(redAudit.out)?.[1]);
    assert.ok(firstSize > 0, redAudit.out);

    // ---- 4. 409 retry: three agents plan over one another at once -----------------------------
    const staleBefore = (await Promise.all(PARTIES.map((p) => staleKeys(agentUrl[p])))).reduce((a, b) => a + b, 0);
    let stale = staleBefore;
    const placed: Array<{ party: Party; answer: Answer }> = [];
    const keptChanging: Array<{ party: Party; answer: Answer }> = [];
    let rounds = 0;
    while (rounds < MAX_ROUNDS) {
      rounds++;
      // A fresh spot each round (well away from HOME and from the other rounds), the same priority for all.
      const spot = { lat: 47 + 0.2 * rounds, lng: 7.5 };
      const answers = await Promise.all(
        PARTIES.flatMap((party) =>
          Array.from({ length: PLANS_PER_AGENT }, async (_, i) => ({
            party,
            answer: await operator(party, 'POST', '/v1/operations', {
              volumes: [flight({ ...spot, radiusM: 300 + 20 * i })],
              priority: 3,
              state: 'Accepted',
              details: { callsign: `${party.toUpperCase()}-R${rounds}-${i}`, mission: MISSION[party] },
            }),
          })),
        ),
      );
      for (const { party, answer } of answers) {
        if (answer.status === 201) {
          placed.push({ party, answer });
          assert.ok(Number.isInteger(answer.body.attempts) && answer.body.attempts >= 1 && answer.body.attempts <= MAX_ATTEMPTS, answer.text);
          // Every operation it met was at the same priority: allowed, and reported; another
          // party's with what that party shares, never its mission.
          for (const c of answer.body.conflicts as Array<{ owner: string; priority: number; disclosed: Record<string, unknown> }>) {
            assert.equal(c.priority, 3, answer.text);
            if (c.owner === party) continue;
            // (these operations have no contact, the one other field red would share)
            assert.deepEqual(Object.keys(c.disclosed).sort(), ['callsign', 'priority', 'volumes'], answer.text);
          }
          continue;
        }
        assert.equal(answer.status, 409, `a plan ended neither on record nor refused for stale keys: ${answer.text}\n${logs()}`);
        assert.equal(answer.body.code, 'planning_conflict', answer.text);
        assert.match(answer.body.detail, /Intents kept changing in this airspace: the broker refused our key \d+ times/, answer.text);
        keptChanging.push({ party, answer });
      }
      stale = (await Promise.all(PARTIES.map((p) => staleKeys(agentUrl[p])))).reduce((a, b) => a + b, 0);
      if (stale > staleBefore && placed.some(({ answer }) => answer.body.attempts >= 2)) break;
    }
    assert.ok(stale - staleBefore >= 1, `the broker refused no stale key in ${rounds} rounds of ${PARTIES.length * PLANS_PER_AGENT} concurrent plans`);
    assert.ok(
      placed.some(({ answer }) => answer.body.attempts >= 2),
      `no plan went on record after a retry (attempts: ${placed.map(({ answer }) => answer.body.attempts).join(',')}; ${keptChanging.length} kept changing)`,
    );
    // Every stale key an agent counted is a retry some answer reports: attempts - 1 for a plan on
    // record, every attempt for one that gave up.
    const retriesReported =
      placed.reduce((sum, { answer }) => sum + (answer.body.attempts - 1), 0) +
      keptChanging.reduce((sum, { answer }) => sum + Number(/refused our key (\d+) times/.exec(answer.body.detail)?.[1]), 0);
    assert.equal(stale - staleBefore, retriesReported, 'the agents\' planning.stale_key counts match the answers');
    assert.ok(placed.length >= 1);
    assert.equal(placed.length + keptChanging.length, rounds * PARTIES.length * PLANS_PER_AGENT);
    // What went on record stands at each agent, and nothing of a refused plan does.
    for (const party of PARTIES) {
      const listed = await operator(party, 'GET', '/v1/operations?limit=1000');
      const ours = placed.filter((p) => p.party === party).map(({ answer }) => answer.body.id as string);
      const mine = (listed.body.operations as Array<{ id: string; details: { callsign: string } }>).filter((o) => /-R\d+-\d+$/.test(o.details.callsign));
      assert.deepEqual(mine.map((o) => o.id).sort(), [...ours].sort(), `${party}'s operations`);
      const health = await call(`${agentUrl[party]}/healthz`, 'GET', undefined);
      assert.equal(health.body.pending_writes, 0, `${party} has no broker write left open`);
    }

    // ---- 5. the log again, after all that: consistent with what each party verified -----------
    const [redAgain, greenAgain] = await Promise.all([auditVerify('red'), auditVerify('green')]);
    for (const [party, run] of [['red', redAgain], ['green', greenAgain]] as const) {
      assert.equal(run.code, 0, `${party}: ${run.out}`);
      assert.match(run.out, /verdict: OK/, run.out);
      const size = Number(/checkpoint of (\d+) entries signed by/.exec(run.out)?.[1]);
      assert.ok(size > firstSize, `the log grew past ${firstSize} entries:\n${run.out}`);
      assert.match(run.out, /consistent with the checkpoint of \d+ entries you verified before \(RFC 9162 consistency proof\)/, `${party}: ${run.out}`);
    }

    // Neither the broker nor another party's agent ever saw (or logged) a party's mission.
    for (const owner of PARTIES) {
      for (const child of children.filter((c) => c !== agents[owner])) {
        assert.equal(child.output().includes(MISSION[owner]!), false, `${child.name} logged ${owner}'s mission`);
      }
    }

    // ---- stop: every process shuts down on SIGTERM, cleanly -----------------------------------
    const stops = await Promise.all(children.map(stop));
    assert.deepEqual(
      stops.map((s, i) => [children[i]!.name, s.code, s.killed]),
      children.map((c) => [c.name, 0, false]),
      logs(),
    );
    t.diagnostic(`rounds ${rounds}, placed ${placed.length}, kept changing ${keptChanging.length}, stale keys ${stale - staleBefore}, ${Date.now() - startedAt} ms`);
  });
});
