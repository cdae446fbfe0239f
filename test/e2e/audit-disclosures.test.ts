/**
 * `parley audit disclosures` end to end: a real broker on loopback, a planning declaration, a
 * ticket in a query answer, the owner's receipt, then the CLI (a separate process) verifies the
 * log and lists who was shown what of the party's operations.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { generateKeyFile } from '../../src/adapters/cli/key-file.js';
import { createTokenSigner } from '../../src/adapters/cli/sign-token.js';
import { resolveBrokerConfig } from '../../src/config/broker-config.js';
import { createLogger } from '../../src/log/logger.js';
import { startBroker } from '../../src/main/broker.js';
import { runCli } from '../support/cli.js';

const SC = 'utm.strategic_coordination';

const cli = (args: readonly string[]) => runCli(args);

describe('parley audit disclosures', { timeout: 60_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'parley-disclosures-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('lists, after verifying the log, each disclosure of the party\'s operations and to whom', async () => {
    const keys: Record<string, string> = {};
    const tokens: Record<string, string> = {};
    const parties = [];
    for (const party of ['blue', 'red']) {
      keys[party] = join(root, `${party}.jwk`);
      const { privateJwk, publicJwk } = await generateKeyFile(keys[party]!);
      tokens[party] = await (await createTokenSigner(privateJwk))({ sub: party, scope: SC, aud: '127.0.0.1' }, { nowMs: Date.now() });
      parties.push({ id: party, name: party, keys: [publicJwk], agent_url: `https://${party}.example/agent` });
    }
    const partiesFile = join(root, 'parties.json');
    writeFileSync(partiesFile, JSON.stringify({ parties }));
    const broker = await startBroker(resolveBrokerConfig({ port: '0', data: join(root, 'data'), parties: partiesFile }, {}), {
      logger: createLogger({ level: 'silent', name: 'audit-disclosures' }),
    });
    try {
      const call = async (party: string, method: string, path: string, body: unknown) => {
        const response = await fetch(`${broker.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${tokens[party]}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        const json = (await response.json()) as Record<string, unknown>;
        assert.ok(response.ok, `${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
        return json;
      };
      const start = Date.now() + 10 * 60_000;
      const volume = (radiusM: number) => ({
        volume: {
          outline_circle: { center: { lat: 46.5, lng: 6.6 }, radius: { value: radiusM, units: 'M' } },
          altitude_lower: { value: 0, reference: 'W84', units: 'M' },
          altitude_upper: { value: 120, reference: 'W84', units: 'M' },
        },
        time_start: { value: new Date(start).toISOString(), format: 'RFC3339' },
        time_end: { value: new Date(start + 3_600_000).toISOString(), format: 'RFC3339' },
      });
      const intentId = '5f7c3d9e-1b2a-4c6d-8e0f-123456789abc';
      await call('blue', 'PUT', `/dss/v1/operational_intent_references/${intentId}`, {
        extents: [volume(500)], state: 'Accepted', uss_base_url: 'https://blue.example/uss',
      });
      await call('red', 'POST', '/v1/declarations', { volumes: [volume(200)] });
      const answer = await call('red', 'POST', '/dss/v1/operational_intent_references/query', { area_of_interest: volume(2000) });
      const ticket = (answer['operational_intent_references'] as Array<{ id: string; parley_ticket?: string }>).find((r) => r.id === intentId)?.parley_ticket;
      assert.ok(ticket !== undefined);
      await call('blue', 'POST', '/v1/receipts', { ticket, fields: ['volumes', 'callsign'] });

      const blue = await cli(['audit', 'disclosures', '--broker', broker.url, '--key', keys['blue']!, '--party', 'blue', '--state', join(root, 'state-blue')]);
      assert.equal(blue.code, 0, blue.out);
      assert.match(blue.out, /1 disclosure of blue's operations \(log verified/);
      assert.match(blue.out, new RegExp(`to red  intent ${intentId} v1  fields callsign,volumes  ticket [0-9a-f-]{36}  basis declaration `));
      const json = await cli(['audit', 'disclosures', '--broker', broker.url, '--key', keys['blue']!, '--party', 'blue', '--json']);
      const receipt = JSON.parse(json.out.trim().split('\n').pop() as string) as Record<string, unknown>;
      assert.equal(receipt['requester'], 'red');
      assert.deepEqual(receipt['fields'], ['callsign', 'volumes']);
      const red = await cli(['audit', 'disclosures', '--broker', broker.url, '--key', keys['red']!, '--party', 'red']);
      assert.equal(red.code, 0, red.out);
      assert.match(red.out, /0 disclosures of red's operations/);
    } finally {
      await broker.close();
    }
  });
});
