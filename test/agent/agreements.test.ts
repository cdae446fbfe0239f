/**
 * Agents surface the broker's refusal under an agreement (issue 5): an operator planning into a
 * zone an agreement in force forbids its party gets a 400 `agreement_violation` naming the
 * agreement, and nothing of the planning stays.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { writeDocument } from '../../src/adapters/agreements/agreement-document.js';
import { signDocument } from '../../src/adapters/agreements/agreement-signature.js';
import { readPrivateKeyFile } from '../../src/adapters/cli/key-file.js';
import { flight, openPolicy, startCluster, type Cluster } from '../support/agent-cluster.js';

const HOME = { lat: 46.5, lng: 6.6 };

async function signed(cluster: Cluster, party: string, text: string): Promise<string> {
  return signDocument(text, await readPrivateKeyFile(cluster.parties[party]!.keyFile));
}

describe('agents and agreements', () => {
  it('a plan into a restricted zone is refused with the agreement named; others plan there freely', async (t) => {
    const cluster = await startCluster(t, ['blue', 'red', 'green'], { blue: { policy: openPolicy() }, green: { policy: openPolicy() } });
    const id = randomUUID();
    const now = Date.now();
    const terms = {
      kind: 'restricted_zone',
      title: 'Exercise area',
      volumes: [flight({ ...HOME, radiusM: 2000, startInMin: 0, minutes: 600 })],
      applies_to: ['green'],
      required_signers: ['blue', 'red'],
      effective: { from: new Date(now - 60_000).toISOString(), to: new Date(now + 24 * 3_600_000).toISOString() },
    };
    const document = writeDocument(id, 1, 'propose', terms, { maxAreaKm2: 2500 });
    const proposed = await cluster.as('blue', `${cluster.brokerUrl}/v1/agreements`, { method: 'POST', body: { signature: await signed(cluster, 'blue', document.text) } });
    assert.equal(proposed.status, 201, proposed.text);
    const agreed = await cluster.as('red', `${cluster.brokerUrl}/v1/agreements/${id}/signatures`, { method: 'POST', body: { signature: await signed(cluster, 'red', document.text) } });
    assert.equal(agreed.status, 201, agreed.text);
    assert.equal(agreed.body.state, 'effective');

    const green = await cluster.operator('green', 'POST', '/v1/operations', { volumes: [flight(HOME)], priority: 9, state: 'Accepted', details: { callsign: 'G' } });
    assert.equal(green.status, 400, green.text);
    assert.equal(green.body.code, 'agreement_violation');
    assert.ok(green.body.detail.includes(id) && green.body.detail.includes('Exercise area'), green.body.detail);
    assert.deepEqual((await cluster.operator('green', 'GET', '/v1/operations')).body.operations, []);
    assert.deepEqual((await cluster.as('green', `${cluster.brokerUrl}/v1/declarations`)).body.declarations, []);

    const blue = await cluster.operator('blue', 'POST', '/v1/operations', { volumes: [flight(HOME)], priority: 1, state: 'Accepted' });
    assert.equal(blue.status, 201, blue.text);
  });
});
