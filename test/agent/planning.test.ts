/**
 * Planning through agents (issue 4): one broker and three agents on real loopback HTTP, wired as
 * the CLI wires them. Priorities decide conflicts (F3548 SCD0015–SCD0050), details come from
 * the owners' agents against tickets and as their policies allow, notifications reach
 * subscribers, and a refused planning leaves nothing behind, at the agent or the broker.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
});
