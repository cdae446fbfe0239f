/**
 * Planning through agents (issue 4): one broker and three agents on real loopback HTTP, wired as
 * the CLI wires them. Priorities decide conflicts (F3548 SCD0015–SCD0050), details come from
 * the owners' agents against tickets and as their policies allow, notifications reach
 * subscribers, and a refused planning leaves nothing behind, at the agent or the broker.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { parseVolume4D } from '../../src/adapters/http/dss-v1/volume-wire.js';
import { AUDIT, flight, openPolicy, startCluster, type Cluster } from '../support/agent-cluster.js';

const HOME = { lat: 46.5, lng: 6.6 };

async function brokerIntents(cluster: Cluster, party: string, around = flight({ ...HOME, radiusM: 20_000, startInMin: 0, minutes: 600 })): Promise<Array<{ id: string; manager: string }>> {
  const answer = await cluster.as(party, `${cluster.brokerUrl}/dss/v1/operational_intent_references/query`, { method: 'POST', body: { area_of_interest: around } });
  assert.equal(answer.status, 200, answer.text);
  return answer.body.operational_intent_references;
}

describe('planning through agents', () => {
  it('plans without conflicts, then refuses a lower priority, and lets a higher one in with the conflict and what was disclosed', async (t) => {
    const cluster = await startCluster(t, ['blue', 'red', 'green'], {
      blue: { policy: openPolicy(['callsign']) },
      red: { policy: openPolicy(['callsign', 'contact']) },
      green: { policy: openPolicy([]) },
    });
    const red = await cluster.operator('red', 'POST', '/v1/operations', {
      volumes: [flight(HOME)],
      priority: 5,
      state: 'Accepted',
      details: { callsign: 'RED-1', contact: 'ops@red', mission: 'survey' },
    });
    assert.equal(red.status, 201, red.text);
    assert.equal(red.body.state, 'Accepted');
    assert.equal(red.body.version, 1);
    assert.deepEqual(red.body.conflicts, []);
    assert.equal(red.body.attempts, 1);

    // Blue, at a lower priority, may not create a conflict with red.
    const refused = await cluster.operator('blue', 'POST', '/v1/operations', {
      volumes: [flight({ ...HOME, radiusM: 300 })],
      priority: 1,
      state: 'Accepted',
      details: { callsign: 'BLUE-1' },
    });
    assert.equal(refused.status, 409, refused.text);
    assert.equal(refused.body.code, 'planning_conflict');
    assert.match(refused.body.detail, new RegExp(`${red.body.id} of red \\(higher priority\\)`));
    assert.equal(refused.body.conflicts.length, 1);
    assert.equal(refused.body.conflicts[0].owner, 'red');
    assert.deepEqual(Object.keys(refused.body.conflicts[0].disclosed).sort(), ['callsign', 'contact', 'priority', 'volumes']);
    assert.equal(refused.body.conflicts[0].disclosed.callsign, 'RED-1');
    // Volumes travel in F3548 form, so the planner could test them exactly.
    assert.deepEqual(refused.body.conflicts[0].disclosed.volumes[0].volume.outline_circle, { center: HOME, radius: { value: 500, units: 'M' } });
    assert.equal(refused.text.includes('survey'), false, 'the mission is never disclosed');
    // Nothing of blue's stands: not at its agent, not at the broker.
    assert.deepEqual((await cluster.operator('blue', 'GET', '/v1/operations')).body.operations, []);
    assert.deepEqual((await brokerIntents(cluster, 'blue')).map((r) => r.manager), ['red']);
    const declarations = await cluster.as('blue', `${cluster.brokerUrl}/v1/declarations`);
    assert.deepEqual(declarations.body.declarations, [], 'the planning declaration was withdrawn');

    // Green, at a higher priority, may; it is told of the conflict and sees what red shares.
    const green = await cluster.operator('green', 'POST', '/v1/operations', {
      volumes: [flight({ ...HOME, radiusM: 200 })],
      priority: 9,
      state: 'Activated',
      details: { callsign: 'GREEN-1' },
    });
    assert.equal(green.status, 201, green.text);
    assert.equal(green.body.state, 'Activated');
    assert.equal(green.body.version, 2, 'created Accepted, then activated');
    assert.equal(green.body.conflicts.length, 1);
    assert.equal(green.body.conflicts[0].intent_id, red.body.id);
    assert.equal(green.body.conflicts[0].priority, 5);
    assert.equal(green.body.conflicts[0].pre_existing, false);
    // Red's implicit subscription covers green's intent: green's agent told red's.
    assert.ok(green.body.notifications.some((n: { delivered: boolean }) => n.delivered), green.text);
    const notices = await cluster.operator('red', 'GET', '/v1/notifications');
    assert.equal(notices.status, 200);
    const aboutGreen = notices.body.notifications.filter((n: { operational_intent_id: string }) => n.operational_intent_id === green.body.id);
    assert.deepEqual(aboutGreen.map((n: { from: string; version: number }) => [n.from, n.version]), [['green', 1], ['green', 2]]);

    // Every answer red gave is on the broker's log as a receipt red and the requester can see.
    const entries = await cluster.as('red', `${cluster.brokerUrl}/v1/log/entries?start=0&limit=1000`, { scope: AUDIT });
    assert.equal(entries.status, 200, entries.text);
    const receipts = entries.body.entries.filter((e: { content?: { kind: string } }) => e.content?.kind === 'disclosure.receipt');
    // One per answer: blue's and green's look-arounds (green's activation reused its answer).
    assert.deepEqual(receipts.map((e: { content: { requester: string } }) => e.content.requester), ['blue', 'green']);
    assert.deepEqual(receipts[0].content.fields, ['callsign', 'contact', 'priority', 'volumes']);
    assert.equal(receipts[0].content.basis.kind, 'declaration');
    assert.equal(receipts[0].content.basis.priority, 1);
  });

  it('on a stale key (409) looks again, fetches what is missing and retries', async (t) => {
    const cluster = await startCluster(t, ['blue', 'yellow'], { blue: { policy: openPolicy() } });
    // Yellow is a plain F3548 USS (not a Parley agent): while blue's agent asks it for the details
    // of its first intent, it puts a second one in the same airspace, so blue's key goes stale.
    const yellowIntents = new Map<string, unknown>();
    let raced = false;
    const yellowPut = async (id: string, key: string[]) => {
      const answer = await cluster.as('yellow', `${cluster.brokerUrl}/dss/v1/operational_intent_references/${id}`, {
        method: 'PUT',
        body: { extents: [flight({ ...HOME, radiusM: 400 })], key, state: 'Accepted', uss_base_url: yellowUrl },
      });
      assert.equal(answer.status, 201, answer.text);
      yellowIntents.set(id, answer.body.operational_intent_reference);
      return answer.body.operational_intent_reference as { ovn: string };
    };
    const server = createServer((request, response) => {
      void (async () => {
        const id = (request.url ?? '').split('/').pop() as string;
        if (!raced) {
          raced = true;
          await yellowPut(randomUUID(), [...yellowIntents.values()].map((r) => (r as { ovn: string }).ovn));
        }
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ operational_intent: { reference: yellowIntents.get(id), details: { volumes: [flight({ ...HOME, radiusM: 400 })], priority: 0 } } }));
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => server.close());
    const yellowUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await yellowPut(randomUUID(), []);

    const blue = await cluster.operator('blue', 'POST', '/v1/operations', { volumes: [flight(HOME)], priority: 3, state: 'Accepted' });
    assert.equal(blue.status, 201, blue.text);
    assert.equal(raced, true);
    assert.equal(blue.body.attempts, 2, 'the first PUT met a stale key, the second held both OVNs');
    assert.deepEqual(blue.body.conflicts.map((c: { owner: string }) => c.owner), ['yellow', 'yellow']);
    const metrics = await (await fetch(`${cluster.agents['blue']!.url}/metrics`)).text();
    assert.match(metrics, /parley_agent_events_total\{event="planning\.stale_key"\} 1/);
  });

  it('fails naming an unreachable peer, and leaves nothing behind', async (t) => {
    const cluster = await startCluster(t, ['blue', 'red'], { blue: { policy: openPolicy() }, red: { policy: openPolicy() } });
    const red = await cluster.operator('red', 'POST', '/v1/operations', { volumes: [flight(HOME)], priority: 0, state: 'Accepted' });
    assert.equal(red.status, 201, red.text);
    const redUrl = cluster.agents['red']!.url;
    await cluster.agents['red']!.close();
    delete cluster.agents['red'];

    const blue = await cluster.operator('blue', 'POST', '/v1/operations', { volumes: [flight(HOME)], priority: 9, state: 'Activated', details: { callsign: 'B' } });
    assert.equal(blue.status, 502, blue.text);
    assert.equal(blue.body.code, 'peer_unavailable');
    assert.match(blue.body.detail, /party "red"/);
    assert.ok(blue.body.detail.includes(redUrl), blue.body.detail);
    assert.match(blue.body.detail, /nothing was changed/);
    assert.deepEqual((await cluster.operator('blue', 'GET', '/v1/operations')).body.operations, []);
    assert.equal(((await (await fetch(`${cluster.agents['blue']!.url}/healthz`)).json()) as { pending_writes: number }).pending_writes, 0);
    assert.deepEqual((await brokerIntents(cluster, 'blue')).map((r) => r.manager), ['red']);
    assert.deepEqual((await cluster.as('blue', `${cluster.brokerUrl}/v1/declarations`)).body.declarations, []);
  });

  it('fails naming a peer that refuses to disclose what a key needs', async (t) => {
    const cluster = await startCluster(t, ['blue', 'red'], {
      blue: { policy: openPolicy() },
      // Red discloses only against tickets whose basis is an intent; blue plans on a declaration.
      red: { policy: { version: 1, default: { bases: ['intent'], fields: { volumes: 'always' } } } },
    });
    assert.equal((await cluster.operator('red', 'POST', '/v1/operations', { volumes: [flight(HOME)], state: 'Accepted' })).status, 201);
    const blue = await cluster.operator('blue', 'POST', '/v1/operations', { volumes: [flight(HOME)], priority: 9, state: 'Accepted' });
    assert.equal(blue.status, 502, blue.text);
    assert.equal(blue.body.code, 'peer_refused');
    assert.match(blue.body.detail, /party "red".*refused.*403.*basis/);
    assert.deepEqual((await cluster.operator('blue', 'GET', '/v1/operations')).body.operations, []);
  });

  it('knows its own intent while the broker\'s answer is on its way, and peers wait for it', async (t) => {
    const cluster = await startCluster(t, ['blue', 'red'], { blue: { policy: openPolicy() }, red: { policy: openPolicy() } });
    const blueAgent = cluster.agents['blue']!;
    // The state between blue's PUT reaching the broker and its answer reaching blue's agent.
    const id = randomUUID();
    const put = await cluster.as('blue', `${cluster.brokerUrl}/dss/v1/operational_intent_references/${id}`, {
      method: 'PUT',
      body: { extents: [flight(HOME)], state: 'Accepted', uss_base_url: blueAgent.url },
    });
    assert.equal(put.status, 201, put.text);
    const intended = {
      id, version: 0, ovn: '', state: 'Accepted' as const, priority: 3, offNominalVolumes: [], details: { callsign: 'IN-FLIGHT' },
      volumes: [parseVolume4D(flight(HOME), 'volumes[0]', { requireBounds: true, maxVertices: 100, maxAreaKm2: 2500 })],
      subscriptionId: '', conflicts: [], createdAtMs: Date.now(), updatedAtMs: Date.now(),
    };
    blueAgent.store.beginPending({ operationId: id, kind: 'create', intended, startedAtMs: Date.now() });

    // Blue's own look-around counts it with its priority (3 < 9: allowed), not as unknown.
    const mine = await cluster.operator('blue', 'POST', '/v1/operations', { volumes: [flight(HOME)], priority: 9, state: 'Accepted' });
    assert.equal(mine.status, 201, mine.text);
    assert.deepEqual(mine.body.conflicts.map((c: { intent_id: string; priority: number }) => [c.intent_id, c.priority]), [[id, 3]]);

    // Red asks blue for it: blue says "being put on record" until its answer lands, then answers.
    setTimeout(() => {
      const ovn = put.body.operational_intent_reference.ovn as string;
      blueAgent.store.settlePending(id, { record: { ...intended, version: 1, ovn } });
    }, 250);
    const red = await cluster.operator('red', 'POST', '/v1/operations', { volumes: [flight(HOME)], priority: 50, state: 'Accepted' });
    assert.equal(red.status, 201, red.text);
    assert.ok(red.body.conflicts.some((c: { intent_id: string; disclosed: { callsign?: string } }) => c.intent_id === id && c.disclosed.callsign === 'IN-FLIGHT'), red.text);
  });
});
