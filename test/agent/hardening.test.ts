/**
 * The agent against faults and hostile peers (issue 4), most serious first: each test recreates
 * a defect a review found and the fix removed. The comment above each test says what went wrong
 * and where it was; [n] numbers the findings (finding 8 has two tests).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import type { AgentContext, BrokerPort, PeerPort, PutIntentOutcome } from '../../src/app/agent/agent-ports.js';
import { planOperation } from '../../src/app/agent/plan-operation.js';
import { reconcilePending } from '../../src/app/agent/reconcile.js';
import { resolveAgentConfig } from '../../src/config/agent-config.js';
import { DENY_ALL } from '../../src/domain/disclosure/policy.js';
import { startAgent } from '../../src/main/agent.js';
import { flight, openPolicy, startCluster } from '../support/agent-cluster.js';
import { openTemp } from '../support/agent-store-fixtures.js';
import { detailsAnswer, startPlainUss } from '../support/plain-uss.js';

const HOME = { lat: 46.5, lng: 6.6 };
/** About 5 km east of HOME: clear of a 500 m circle there. */
const EAST = { lat: 46.5, lng: 6.665 };

describe('agent hardening', () => {
  // [1] peer-client.ts:66 reads only details.volumes; planning-rules judges against them alone. A
  // Contingent (or Nonconforming) operation's off-nominal volumes — where its aircraft now is —
  // are disclosed, and the broker returns the reference because its extents meet the plan, yet
  // the planner finds no conflict and flies into them.
  it('a plan into the off-nominal volumes of a Contingent operation of higher priority is refused', async (t) => {
    const policy = { version: 1, default: { fields: { volumes: 'always', off_nominal_volumes: 'always', priority: 'always' } } };
    const cluster = await startCluster(t, ['blue', 'red'], { blue: { policy }, red: { policy } });
    const red = await cluster.operator('red', 'POST', '/v1/operations', { volumes: [flight(HOME)], priority: 5, state: 'Activated' });
    assert.equal(red.status, 201, red.text);
    const contingent = await cluster.operator('red', 'PUT', `/v1/operations/${red.body.id}`, { state: 'Contingent', off_nominal_volumes: [flight(EAST)] });
    assert.equal(contingent.status, 200, contingent.text);

    const blue = await cluster.operator('blue', 'POST', '/v1/operations', { volumes: [flight(EAST)], priority: 1, state: 'Accepted' });
    assert.equal(blue.status, 409, `blue (priority 1) was let into red's off-nominal volume (red priority 5): ${blue.text}`);
    assert.equal(blue.body.code, 'planning_conflict');
  });

  // [2] main/agent.ts:54-56 and operation-routes.ts:21: the operator API takes any token our party's
  // key signed whose aud is localhost, 127.0.0.1 or our public host — no scope, no other mark. The
  // agent itself mints exactly such tokens for every peer (peer-client.ts:39) and for the broker
  // (broker-client.ts:52). Any peer or broker on a host we accept (always 127.0.0.1 and localhost:
  // the demo, one-machine deployments, a broker behind a local tunnel) replays one and reads every
  // detail of every operation of ours, or plans and ends them.
  it('a token our agent sent to a peer does not open our operator API', async (t) => {
    const cluster = await startCluster(t, ['blue', 'yellow'], { blue: { policy: openPolicy() } });
    const secret = await cluster.operator('blue', 'POST', '/v1/operations', {
      volumes: [flight(EAST)], priority: 0, state: 'Accepted', details: { mission: 'MISSION-SECRET-5d1e', contact: 'CONTACT-SECRET-77aa' },
    });
    assert.equal(secret.status, 201, secret.text);

    // Yellow is a plain F3548 USS on this machine; it keeps the bearer token blue's agent sends it.
    let captured: string | undefined;
    const yellow = await startPlainUss(t, cluster, 'yellow', (reference, request) => {
      captured = request.headers.authorization;
      return detailsAnswer(reference, { volumes: [flight({ ...HOME, radiusM: 300 })], priority: 0 });
    });
    await yellow.putIntent([flight({ ...HOME, radiusM: 300 })]);

    const planned = await cluster.operator('blue', 'POST', '/v1/operations', { volumes: [flight(HOME)], priority: 3, state: 'Accepted' });
    assert.equal(planned.status, 201, planned.text);
    assert.ok(captured !== undefined, 'blue asked yellow for its details');

    const replayed = await fetch(`${cluster.agents['blue']!.url}/v1/operations`, { headers: { authorization: captured } });
    const text = await replayed.text();
    assert.equal(text.includes('MISSION-SECRET-5d1e'), false, `yellow read blue's operations with blue's own peer token: ${replayed.status} ${text.slice(0, 300)}`);
    assert.equal(replayed.status, 403, 'refused for want of the operator scope');
  });

  // [3] receive-notification.ts:61-66 takes the manager a notice names on the sender's word: any party
  // may claim another's intent with a huge version. The real manager's notices are then refused
  // (409 "older than already notified"; a deletion notice 403), so our operator never hears of
  // changes to an intent its operation conflicts with.
  it('a third party cannot make us refuse the real manager\'s notifications', async (t) => {
    const cluster = await startCluster(t, ['blue', 'red', 'green'], { blue: { policy: openPolicy() }, red: { policy: openPolicy() } });
    const red = await cluster.operator('red', 'POST', '/v1/operations', { volumes: [flight(HOME)], priority: 1, state: 'Accepted', details: { callsign: 'R1' } });
    assert.equal(red.status, 201, red.text);
    // Blue's operation (and so its implicit subscription) covers red's.
    const blue = await cluster.operator('blue', 'POST', '/v1/operations', { volumes: [flight(HOME)], priority: 9, state: 'Accepted' });
    assert.equal(blue.status, 201, blue.text);

    const start = Date.now() + 600_000;
    const forged = await cluster.as('green', `${cluster.agents['blue']!.url}/uss/v1/operational_intents`, {
      method: 'POST',
      body: {
        operational_intent_id: red.body.id,
        operational_intent: {
          reference: {
            id: red.body.id, manager: 'green', uss_availability: 'Normal', version: 2_000_000_000, state: 'Accepted', ovn: 'forged-ovn-0123456789',
            time_start: { value: new Date(start).toISOString(), format: 'RFC3339' },
            time_end: { value: new Date(start + 3_600_000).toISOString(), format: 'RFC3339' },
            uss_base_url: 'http://127.0.0.1:1', subscription_id: randomUUID(),
          },
        },
        subscriptions: [{ subscription_id: randomUUID(), notification_index: 1 }],
      },
    });

    // Red changes its operation; its agent tells blue's, which must take it.
    const changed = await cluster.operator('red', 'PUT', `/v1/operations/${red.body.id}`, { details: { callsign: 'R1-BIS' } });
    assert.equal(changed.status, 200, changed.text);
    assert.deepEqual(
      changed.body.notifications.map((n: { delivered: boolean; error?: string }) => [n.delivered, n.error]),
      [[true, undefined]],
      `green's forged notice (answered ${forged.status}) made blue refuse red's own`,
    );
    assert.equal(forged.status, 403, `green's notice about red's intent was kept: ${forged.status} ${forged.text}`);
  });

  // [4] http-call.ts:43 passes AbortSignal.timeout(ms) to fetch and keeps no reference to it. Once the
  // headers are in, nothing holds the signal while response.text() reads the body: the first
  // garbage collection takes it, and its timer with it. A peer that sends headers and then drips
  // its body makes planning wait for ever — for a change, holding the operation's lock (it can then
  // be neither changed nor ended until a restart) and a live declaration (16 such and the party
  // cannot plan at all). The same call serves every broker request.
  it('a peer that drips its answer is given up after the timeout, garbage collection or not', async (t) => {
    const cluster = await startCluster(t, ['blue', 'yellow'], { blue: { policy: openPolicy() } });
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"operational_intent": {"details": {"remarks": "');
      const timer = setInterval(() => (response.destroyed ? clearInterval(timer) : response.write(' ')), 200);
      response.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => {
      server.closeAllConnections();
      server.close();
    });
    const yellowUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const put = await cluster.as('yellow', `${cluster.brokerUrl}/dss/v1/operational_intent_references/${randomUUID()}`, {
      method: 'PUT',
      body: { extents: [flight({ ...HOME, radiusM: 300 })], state: 'Accepted', uss_base_url: yellowUrl },
    });
    assert.equal(put.status, 201, put.text);

    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const collector = setInterval(gc, 1_000);
    t.after(() => clearInterval(collector));
    const t0 = Date.now();
    const planned = cluster.operator('blue', 'POST', '/v1/operations', { volumes: [flight(HOME)], priority: 3, state: 'Accepted' });
    let deadline: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([planned, new Promise<'waiting'>((resolve) => (deadline = setTimeout(() => resolve('waiting'), 15_000)))]);
    clearTimeout(deadline);
    assert.notEqual(outcome, 'waiting', `planning still waiting for yellow ${Date.now() - t0} ms later (the peer timeout is 5 s)`);
  });

  // [5] main/agent.ts:93-99 runs reconcilePending every 15 s whenever store.pending() is not empty —
  // and a planning's own write is pending for as long as its PUT is with the broker
  // (plan-operation.ts:149-169). A tick during a slow PUT asks the broker, which has not applied
  // it yet, and drops the pending create; when the PUT is then accepted, settlePending throws
  // ("there is none"): the operator gets a 500 and the agent keeps no record of an intent the
  // broker holds (its peers get 404, their planning stops: peer_refused).
  it('a reconcile tick during a slow broker PUT does not lose the accepted operation', async (t) => {
    const { store } = openTemp(t);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let putStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (putStarted = resolve));
    let brokerHas: { version: number; ovn: string } | undefined;
    const broker: BrokerPort = {
      declare: async () => ({ id: 'declaration-1' }),
      withdrawDeclaration: async () => undefined,
      query: async () => [],
      putIntent: async (request): Promise<PutIntentOutcome> => {
        putStarted();
        await gate;
        brokerHas = { version: 1, ovn: 'ovn-0123456789abcdef' };
        const reference = { id: request.id, manager: 'blue', version: 1, state: request.state, ovn: brokerHas.ovn, timeStartMs: 0, timeEndMs: 1, ussBaseUrl: 'http://127.0.0.1:1', subscriptionId: randomUUID() };
        return { kind: 'accepted', reference, subscribers: [] };
      },
      deleteIntent: async () => undefined,
      getIntent: async (id) => (brokerHas === undefined ? undefined : { id, manager: 'blue', version: brokerHas.version, state: 'Accepted', ovn: brokerHas.ovn, timeStartMs: 0, timeEndMs: 1, ussBaseUrl: 'http://127.0.0.1:1', subscriptionId: '' }),
      putConstraint: async () => assert.fail('not used'),
      deleteConstraint: async () => undefined,
      getConstraint: async () => undefined,
      recordReceipt: async () => ({ index: 0 }),
      openTicket: async () => 'malformed',
      ticketIssuer: async () => 'broker',
    };
    const peers: PeerPort = { fetchDetails: async () => assert.fail('no peers'), notify: async () => undefined, notifyConstraint: async () => undefined };
    const ctx: AgentContext = {
      party: 'blue', publicUrl: 'http://127.0.0.1:1', store, broker, peers, clock: { nowMs: () => Date.now() },
      ids: { uuid: () => randomUUID(), ovn: () => randomUUID() }, policy: DENY_ALL,
      planning: { equalPriority: 'deny', maxAttempts: 5, fetchConcurrency: 8 }, ticketless: 'deny', events: () => undefined,
    };
    const start = Date.now() + 600_000;
    const volume = { footprint: { kind: 'circle' as const, center: HOME, radiusM: 500 }, altitudeLowerM: 0, altitudeUpperM: 120, startMs: start, endMs: start + 3_600_000 };

    const planning = planOperation(ctx, { volumes: [volume], offNominalVolumes: [], priority: 1, state: 'Accepted', details: { callsign: 'B1' } });
    await started;
    await reconcilePending(ctx); // the agent's 15 s timer, while the PUT is with the broker
    release();
    const outcome = await planning.then((o) => o, (error: unknown) => error as Error);
    assert.ok(!(outcome instanceof Error), `planning failed after the broker accepted it: ${(outcome as Error).message}`);
    assert.equal(store.get(outcome.record.id)?.ovn, 'ovn-0123456789abcdef', 'the agent keeps the intent the broker holds');
  });

  // [6] http-call.ts:51-57 checks Content-Length, then reads the whole body with response.text() and
  // only afterwards compares its length with the 32 MiB limit. A peer (or anything behind a
  // subscriber's uss_base_url) that answers chunked, without Content-Length, is read into memory
  // whole: 200 MiB here, without end if it keeps sending (see the next test for why the 5 s
  // timeout does not stop it).
  it('a chunked answer from a peer is cut off at the read limit', async (t) => {
    const cluster = await startCluster(t, ['blue', 'yellow'], { blue: { policy: openPolicy() } });
    let sent = 0;
    const chunk = Buffer.alloc(4 * 1024 * 1024, 0x20);
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }); // no Content-Length: chunked
      response.write('{"operational_intent": {"details": {"remarks": "');
      const timer = setInterval(() => {
        if (response.destroyed) return clearInterval(timer);
        if (sent >= 200 * 1024 * 1024) {
          clearInterval(timer);
          response.end('"}}}');
          return;
        }
        response.write(chunk);
        sent += chunk.length;
      }, 10);
      response.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => {
      server.closeAllConnections();
      server.close();
    });
    const yellowUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const put = await cluster.as('yellow', `${cluster.brokerUrl}/dss/v1/operational_intent_references/${randomUUID()}`, {
      method: 'PUT',
      body: { extents: [flight({ ...HOME, radiusM: 300 })], state: 'Accepted', uss_base_url: yellowUrl },
    });
    assert.equal(put.status, 201, put.text);

    const planned = await cluster.operator('blue', 'POST', '/v1/operations', { volumes: [flight(HOME)], priority: 3, state: 'Accepted' });
    assert.equal(planned.status, 502, planned.text);
    assert.ok(sent <= 48 * 1024 * 1024, `blue's agent read ${Math.round(sent / 1024 / 1024)} MiB from yellow before refusing it (${planned.body.detail})`);
  });

  // [7] manage-constraints.ts:54-67 PUTs the constraint at the broker and only then stores it, with
  // no pending write (operations have one: plan-operation.ts:149, settled by reconcile.ts).
  // When the broker applies the PUT but its answer is lost (timeout, reset, agent crash), the
  // operator gets 503 and the agent has no record: the constraint stands at the broker, published
  // to every processor, and its manager can neither see, change nor remove it (its id was never
  // shown) until it ends; a retry defines a second one.
  it('a constraint the broker applied is not lost when its answer is', async (t) => {
    const cluster = await startCluster(t, ['blue', 'red'], {});
    const broker = new URL(cluster.brokerUrl);
    // Between blue's agent and the broker: forwards everything, but drops the broker's answer to
    // the first constraint PUT (the connection is reset after the broker has applied it).
    let dropped = 0;
    const proxy = createServer((inbound, outbound) => {
      const chunks: Buffer[] = [];
      inbound.on('data', (c: Buffer) => chunks.push(c));
      inbound.on('end', () => {
        const forward = httpRequest({ host: broker.hostname, port: broker.port, path: inbound.url, method: inbound.method, headers: inbound.headers }, (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (c: Buffer) => body.push(c));
          answer.on('end', () => {
            if (inbound.method === 'PUT' && (inbound.url ?? '').startsWith('/dss/v1/constraint_references/') && dropped === 0) {
              dropped++;
              inbound.socket.destroy();
              return;
            }
            outbound.writeHead(answer.statusCode ?? 502, answer.headers);
            outbound.end(Buffer.concat(body));
          });
        });
        forward.end(Buffer.concat(chunks));
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    t.after(() => proxy.close());
    const config = resolveAgentConfig(
      {
        port: '0', data: join(cluster.dir, 'agent-blue'), party: 'blue', key: cluster.parties['blue']!.keyFile,
        broker: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, parties: join(cluster.dir, 'parties.json'),
      },
      { PARLEY_LOG_LEVEL: 'silent', PARLEY_STORE_SYNCHRONOUS: 'NORMAL' },
    );
    cluster.agents['blue'] = await startAgent(config);

    const defined = await cluster.operator('blue', 'POST', '/v1/constraints', { type: 'geozone', volumes: [flight(HOME)], details: {} });
    assert.equal(dropped, 1, `the broker's answer was dropped (${defined.status} ${defined.text})`);
    const atBroker = await cluster.as('red', `${cluster.brokerUrl}/dss/v1/constraint_references/query`, {
      method: 'POST', scope: 'utm.constraint_processing', body: { area_of_interest: flight({ ...HOME, radiusM: 5_000, startInMin: 0, minutes: 600 }) },
    });
    assert.equal(atBroker.status, 200, atBroker.text);
    const brokerIds = atBroker.body.constraint_references.map((c: { id: string }) => c.id);
    const mine = (await cluster.operator('blue', 'GET', '/v1/constraints')).body.constraints.map((c: { id: string }) => c.id);
    assert.deepEqual(mine, brokerIds, `the broker publishes blue's constraint(s) ${brokerIds.join(', ')}; blue's agent knows ${JSON.stringify(mine)} (operator was answered ${defined.status})`);
  });

  // [8] peer-client.ts:65-66 keeps whatever `details` a peer answers (up to the 32 MiB read limit
  // of http-call.ts:32) and plan-operation.ts stores it in every conflict note: our own operators'
  // details are held to 64 KiB (native-fields.ts:14), a peer's are not. One hostile peer with an
  // intent in the area makes each of our operations carry megabytes — in the store, in every
  // GET /v1/operations page (100 operations by default) and in every planning answer.
  it('a peer\'s disclosed details are bounded before we store them', async (t) => {
    const cluster = await startCluster(t, ['blue', 'yellow'], { blue: { policy: openPolicy() } });
    const bulk = 'x'.repeat(4 * 1024 * 1024);
    const yellow = await startPlainUss(t, cluster, 'yellow', (reference) =>
      detailsAnswer(reference, { volumes: [flight({ ...HOME, radiusM: 300 })], priority: 0, remarks: bulk }),
    );
    await yellow.putIntent([flight({ ...HOME, radiusM: 300 })]);

    const planned = await cluster.operator('blue', 'POST', '/v1/operations', { volumes: [flight(HOME)], priority: 3, state: 'Accepted' });
    const stored = cluster.agents['blue']!.store.list().reduce((n, r) => n + JSON.stringify(r.conflicts).length, 0);
    assert.ok(stored <= 64 * 1024, `blue stored ${stored} bytes of yellow's "details" (planning answered ${planned.status}, ${planned.text.length} bytes)`);
  });

  // [8] Same place (peer-client.ts:65): a peer's details are not checked for depth either. A
  // 20,000-deep array makes JSON.stringify throw RangeError when the conflict notes are stored
  // (beginPending): the operator gets 500 "Internal error", which names neither the peer nor
  // the intent, instead of 502 peer_refused naming them.
  it('a peer answering deeply nested details is named, not a 500', async (t) => {
    const cluster = await startCluster(t, ['blue', 'yellow'], { blue: { policy: openPolicy() } });
    const deep = `${'['.repeat(20_000)}1${']'.repeat(20_000)}`;
    const yellow = await startPlainUss(t, cluster, 'yellow', (reference) =>
      detailsAnswer(reference, { volumes: [flight({ ...HOME, radiusM: 300 })], priority: 0, remarks: 'DEEP' }).replace('"DEEP"', deep),
    );
    await yellow.putIntent([flight({ ...HOME, radiusM: 300 })]);

    const planned = await cluster.operator('blue', 'POST', '/v1/operations', { volumes: [flight(HOME)], priority: 3, state: 'Accepted' });
    assert.notEqual(planned.status, 500, planned.text);
    assert.match(planned.body.detail, /party "yellow"/);
  });

  // [9] plan-operation.ts:56 declares at the broker for every planning, and the broker holds at most
  // 16 live declarations per party (declare.ts:17). A fleet operator planning 20 flights at once
  // gets 502 broker_refused ("answered our planning declaration with 429") for the surplus, although
  // nothing refuses them: the agent neither waits for a slot nor says limit_reached. Here another
  // USS's agent takes 400 ms to answer, so the twenty plannings overlap, as they do under load.
  it('twenty operations planned at once are all accepted', async (t) => {
    const cluster = await startCluster(t, ['blue', 'yellow'], { blue: {} });
    const area = flight({ ...HOME, radiusM: 15_000 });
    const yellow = await startPlainUss(t, cluster, 'yellow', (reference) => detailsAnswer(reference, { volumes: [area], priority: 0 }), { delayMs: 400 });
    await yellow.putIntent([area]);

    // Twenty small flights 1.1 km apart inside yellow's area (clear of one another), priority 5 > 0.
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        cluster.operator('blue', 'POST', '/v1/operations', {
          volumes: [flight({ lat: HOME.lat - 0.05 + 0.01 * (i % 10), lng: HOME.lng + (i < 10 ? -0.02 : 0.02), radiusM: 300 })],
          priority: 5,
          state: 'Accepted',
        }),
      ),
    );
    const failed = answers.filter((a) => a.status !== 201);
    assert.deepEqual(failed.map((a) => `${a.status} ${a.body?.code}: ${a.body?.detail}`), []);
  });

  // [10] plan-operation.ts:56 declares every planning with the operation's priority, whatever our
  // policy says; the broker stores it (declaration record, `declaration.create` log entry) and puts
  // it in every ticket it issues us (tickets-for.ts:72), which we hand to each owner, who logs it
  // again in its receipt (record-receipt.ts:56). docs/disclosure-policy.md: "a policy that does not
  // name [priority] never shares [it]"; issue 4 item 7: "the broker stores no detail fields at all".
  it('our priority does not reach owners or the broker\'s log when our policy never shares it', async (t) => {
    const cluster = await startCluster(t, ['blue', 'red'], {
      blue: { policy: { version: 1, default: { fields: { volumes: 'always', priority: 'never' } } } },
      red: { policy: openPolicy() },
    });
    const red = await cluster.operator('red', 'POST', '/v1/operations', { volumes: [flight(HOME)], priority: 0, state: 'Accepted' });
    assert.equal(red.status, 201, red.text);
    const blue = await cluster.operator('blue', 'POST', '/v1/operations', { volumes: [flight(HOME)], priority: 37, state: 'Accepted' });
    assert.equal(blue.status, 201, blue.text);

    const entries = await cluster.as('red', `${cluster.brokerUrl}/v1/log/entries?start=0&limit=1000`, { scope: 'parley.audit' });
    assert.equal(entries.status, 200, entries.text);
    const withBluePriority = entries.body.entries
      .filter((e: { content?: Record<string, unknown> }) => JSON.stringify(e.content ?? {}).includes('"priority":37'))
      .map((e: { content: { kind: string } }) => e.content.kind);
    assert.deepEqual(withBluePriority, [], 'blue\'s priority 37 reached red (its receipt on the broker\'s log, from the ticket blue handed it)');
  });

  // [11] operation-wire.ts:30/42 accept off_nominal_volumes in any state, and plan-operation.ts:55/155
  // put them in the broker reference's extents. F3548 (OPIN0015; InterUSS uss_qualifier's
  // "invalid_accepted_offnominal") forbids off-nominal volumes on Accepted and Activated intents:
  // a standard USS rejects such details, and the reference claims airspace the operation will not
  // use nominally — while judge() checks only `volumes`, so that claim is never weighed by priority.
  it('an Accepted operation with off-nominal volumes is refused, naming the field', async (t) => {
    const cluster = await startCluster(t, ['blue'], { blue: {} });
    const answer = await cluster.operator('blue', 'POST', '/v1/operations', { volumes: [flight(HOME)], off_nominal_volumes: [flight(EAST)], priority: 0, state: 'Accepted' });
    assert.equal(answer.status, 400, `planned Accepted with off-nominal volumes: ${answer.status}`);
    assert.equal(answer.body.field, 'off_nominal_volumes');
  });

  // [12] operation-routes.ts:39 calls query.state.split(...): a repeated ?state= arrives as an array,
  // so the operator gets a 500 "Internal error" instead of an answer or a 400 naming `state`.
  it('GET /v1/operations?state=…&state=… answers, not 500', async (t) => {
    const cluster = await startCluster(t, ['blue'], { blue: {} });
    const answer = await cluster.operator('blue', 'GET', '/v1/operations?state=Accepted&state=Activated');
    assert.notEqual(answer.status, 500, answer.text);
  });

});
