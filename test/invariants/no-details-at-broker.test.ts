/**
 * Issue 4, "the broker stores no detail fields at all" (DESIGN.md: the broker never holds
 * mission details): every detail field of every operation carries a unique sentinel, a full
 * planning run happens (conflicts by priority, disclosures with receipts, notifications,
 * modification, activation, off-nominal volumes, ending), and no sentinel appears in any byte of the broker's files
 * (database, WAL, keys) or any line it logged — nor in any agent's log. As a control, the
 * owners' own databases do hold them, so the scan can see what it looks for.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { flight, startCluster } from '../support/agent-cluster.js';

const FIELDS = ['callsign', 'aircraft_type', 'mission', 'contact', 'notes'] as const;
const HOME = { lat: 46.5, lng: 6.6 };

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function foundIn(files: readonly string[], sentinels: readonly string[]): string[] {
  const hits: string[] = [];
  for (const file of files) {
    const bytes = readFileSync(file);
    for (const s of sentinels) if (bytes.includes(Buffer.from(s, 'utf8'))) hits.push(`${s} in ${file}`);
  }
  return hits;
}

describe('the broker holds no details', () => {
  it('after a full planning run, no detail sentinel is in any broker file or any log', async (t) => {
    // Everyone shares every field with everyone, so details do travel between agents.
    const share = { version: 1, default: { fields: Object.fromEntries(['volumes', 'priority', 'off_nominal_volumes', ...FIELDS].map((f) => [f, 'always'])) } };
    const cluster = await startCluster(t, ['blue', 'red', 'green'], { blue: { policy: share }, red: { policy: share }, green: { policy: share } });
    const sentinels: string[] = [];
    const details = (party: string, label: string) =>
      Object.fromEntries(
        FIELDS.map((f) => {
          const s = `SNTL${randomBytes(6).toString('hex')}-${party}-${label}-${f}`;
          sentinels.push(s);
          return [f, s];
        }),
      );

    const ids: Record<string, string> = {};
    for (const [party, priority] of [['blue', 1], ['red', 5], ['green', 9]] as const) {
      const planned = await cluster.operator(party, 'POST', '/v1/operations', {
        volumes: [flight({ ...HOME, radiusM: 600 })],
        priority,
        state: 'Accepted',
        details: details(party, 'first'),
      });
      assert.equal(planned.status, 201, planned.text);
      ids[party] = planned.body.id;
    }
    // A lower priority is refused after seeing details; a modification with new details; an activation; an end.
    const refused = await cluster.operator('blue', 'POST', '/v1/operations', { volumes: [flight(HOME)], priority: 0, state: 'Accepted', details: details('blue', 'refused') });
    assert.equal(refused.status, 409, refused.text);
    const modified = await cluster.operator('red', 'PUT', `/v1/operations/${ids['red']}`, { details: details('red', 'second'), state: 'Activated' });
    assert.equal(modified.status, 200, modified.text);
    const contingent = await cluster.operator('blue', 'PUT', `/v1/operations/${ids['blue']}`, { state: 'Contingent', off_nominal_volumes: [flight({ ...HOME, radiusM: 900 })] });
    assert.equal(contingent.status, 200, contingent.text);
    const ended = await cluster.operator('green', 'DELETE', `/v1/operations/${ids['green']}`);
    assert.equal(ended.status, 200, ended.text);
    const notices = await cluster.operator('blue', 'GET', '/v1/notifications');
    assert.ok(notices.body.notifications.length > 0, 'notifications went out');
    const receipts = await cluster.as('blue', `${cluster.brokerUrl}/v1/log/entries?start=0&limit=1000`, { scope: 'parley.audit' });
    assert.ok(receipts.text.includes('disclosure.receipt'), 'details were disclosed (with receipts)');
    assert.equal(sentinels.length, 5 * 5);

    const brokerDir = join(cluster.dir, 'broker');
    assert.deepEqual(foundIn(filesUnder(brokerDir), sentinels), [], 'broker files while running (database and WAL)');
    await cluster.broker.close();
    assert.deepEqual(foundIn(filesUnder(brokerDir), sentinels), [], 'broker files after closing');
    const logs = cluster.logs();
    assert.ok(logs.split('\n').filter((l) => l.includes('"name":"parley-broker"')).length > 10, 'the broker logged its decisions');
    assert.deepEqual(sentinels.filter((s) => logs.includes(s)), [], 'no log line of any role carries a detail');

    // Control: the owners hold their own details, so the scan would have seen them.
    const agentFiles = ['blue', 'red', 'green'].flatMap((p) => filesUnder(join(cluster.dir, `agent-${p}`)));
    assert.ok(foundIn(agentFiles, sentinels).length >= 15, 'the agents hold the details');
  });
});
