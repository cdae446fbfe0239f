/**
 * Broker writes whose outcome an agent never saw (it crashed between sending and saving) are
 * settled at the next start by asking the broker: a create it holds is adopted with the
 * broker's version and OVN, a create it lacks is dropped, an update it applied is kept, a delete
 * it applied ends the operation. Nothing is left half-done.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { OperationRecord } from '../../src/app/agent/agent-store.js';
import { openAgentStore } from '../../src/adapters/storage/agent/agent-sqlite-store.js';
import { AGENT_DATABASE } from '../../src/main/agent.js';
import { flight, openPolicy, startCluster } from '../support/agent-cluster.js';

const HOME = { lat: 46.5, lng: 6.6 };

describe('settling broker writes left open by a crash', () => {
  it('adopts what the broker holds and drops what it does not, at the next start', async (t) => {
    const cluster = await startCluster(t, ['blue'], { blue: { policy: openPolicy() } });
    const planned = await cluster.operator('blue', 'POST', '/v1/operations', { volumes: [flight(HOME)], priority: 2, state: 'Accepted', details: { callsign: 'B1' } });
    assert.equal(planned.status, 201, planned.text);
    const ended = await cluster.operator('blue', 'POST', '/v1/operations', { volumes: [flight({ ...HOME, lat: 47 })], state: 'Accepted' });
    assert.equal(ended.status, 201, ended.text);
    const agentUrl = cluster.agents['blue']!.url;

    // What a crash leaves: the broker has a create the agent never saved, an update it applied
    // (version 2) and a delete it applied; and the agent has a create the broker never got.
    const adoptedId = randomUUID();
    const put = await cluster.as('blue', `${cluster.brokerUrl}/dss/v1/operational_intent_references/${adoptedId}`, {
      method: 'PUT',
      body: { extents: [flight({ ...HOME, lat: 48 })], state: 'Accepted', uss_base_url: agentUrl },
    });
    assert.equal(put.status, 201, put.text);
    const update = await cluster.as('blue', `${cluster.brokerUrl}/dss/v1/operational_intent_references/${planned.body.id}/${await ovnOf(cluster, planned.body.id)}`, {
      method: 'PUT',
      body: { extents: [flight(HOME)], state: 'Activated', uss_base_url: agentUrl, subscription_id: planned.body.subscription_id },
    });
    assert.equal(update.status, 200, update.text);
    const del = await cluster.as('blue', `${cluster.brokerUrl}/dss/v1/operational_intent_references/${ended.body.id}/${await ovnOf(cluster, ended.body.id)}`, { method: 'DELETE' });
    assert.equal(del.status, 200, del.text);
    await cluster.agents['blue']!.close();

    const store = openAgentStore({ path: join(cluster.dir, 'agent-blue', AGENT_DATABASE) });
    const current = store.get(planned.body.id) as OperationRecord;
    const draft = (id: string): OperationRecord => ({ ...current, id, version: 0, ovn: '', conflicts: [] });
    const lostId = randomUUID();
    store.beginPending({ operationId: adoptedId, kind: 'create', intended: draft(adoptedId), startedAtMs: Date.now() });
    store.beginPending({ operationId: lostId, kind: 'create', intended: draft(lostId), startedAtMs: Date.now() });
    store.beginPending({ operationId: planned.body.id, kind: 'update', intended: { ...current, state: 'Activated' }, startedAtMs: Date.now() });
    const endedRecord = store.get(ended.body.id) as OperationRecord;
    store.beginPending({ operationId: ended.body.id, kind: 'delete', intended: { ...endedRecord, state: 'Ended', ovn: '' }, startedAtMs: Date.now() });
    store.close();

    await cluster.startAgent('blue', { policy: openPolicy() });
    const health = (await (await fetch(`${cluster.agents['blue']!.url}/healthz`)).json()) as { pending_writes: number };
    assert.equal(health.pending_writes, 0);
    const list = (await cluster.operator('blue', 'GET', '/v1/operations')).body.operations as Array<{ id: string; state: string; version: number }>;
    const byId = new Map(list.map((o) => [o.id, o]));
    assert.equal(byId.has(lostId), false, 'a create the broker never got is dropped');
    assert.deepEqual([byId.get(adoptedId)?.state, byId.get(adoptedId)?.version], ['Accepted', 1], 'a create the broker holds is adopted');
    assert.deepEqual([byId.get(planned.body.id)?.state, byId.get(planned.body.id)?.version], ['Activated', 2], 'an applied update is kept');
    assert.equal(byId.get(ended.body.id)?.state, 'Ended', 'an applied delete ends the operation');
    // The adopted one is whole: it can be changed through the agent (its OVN is the broker's).
    const activate = await cluster.operator('blue', 'PUT', `/v1/operations/${adoptedId}`, { state: 'Activated' });
    assert.equal(activate.status, 200, activate.text);
  });
});

async function ovnOf(cluster: Awaited<ReturnType<typeof startCluster>>, id: string): Promise<string> {
  const answer = await cluster.as('blue', `${cluster.brokerUrl}/dss/v1/operational_intent_references/${id}`);
  assert.equal(answer.status, 200, answer.text);
  return answer.body.operational_intent_reference.ovn;
}
