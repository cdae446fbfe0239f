/**
 * `parley agent` refuses to start on configuration it cannot use, and says why: every problem
 * of a policy file (JSON or YAML) with its path or line, a key that is not the party's, a party
 * missing from the parties file, missing flags. Each run is the real CLI in its own process.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { generateKeyFile } from '../../src/adapters/cli/key-file.js';
import { runCli } from '../support/cli.js';

describe('parley agent: configuration errors', { timeout: 90_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'parley-agent-cli-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const partiesFile = join(root, 'parties.json');
  const blueKey = join(root, 'blue.jwk');
  const strangerKey = join(root, 'stranger.jwk');
  const ready = (async () => {
    const { publicJwk } = await generateKeyFile(blueKey);
    await generateKeyFile(strangerKey);
    writeFileSync(partiesFile, JSON.stringify({ parties: [{ id: 'blue', name: 'Blue', keys: [publicJwk], agent_url: 'http://127.0.0.1:9001' }] }));
  })();
  // The broker is never reached: each case fails before the agent listens.
  const agent = async (extra: readonly string[], key = blueKey) => {
    await ready;
    return runCli(['agent', '--port', '0', '--data', join(root, 'data'), '--party', 'blue', '--key', key, '--broker', 'http://127.0.0.1:9', '--parties', partiesFile, ...extra]);
  };

  it('lists every problem of a JSON policy with its path, and exits 2', async () => {
    const file = join(root, 'bad.json');
    writeFileSync(file, JSON.stringify({ version: 2, default: { fields: { mission: 'sometimes', Callsign: 'always' }, bases: ['telepathy'] } }));
    const run = await agent(['--policy', file]);
    assert.equal(run.code, 2, run.out);
    assert.match(run.out, /\$\.version: must be 1/);
    assert.match(run.out, /\$\.default\.fields\.mission: must be "always", "never" or \{"when"/);
    assert.match(run.out, /\$\.default\.fields\["Callsign"\]: a field name is lower-case/);
    assert.match(run.out, /\$\.default\.bases\[0\]: must be one of intent, subscription, declaration/);
    assert.ok(run.out.includes(file), 'names the file');
  });

  it('names the line of a YAML syntax error and of a duplicate key', async () => {
    const broken = join(root, 'broken.yaml');
    writeFileSync(broken, 'version: 1\ndefault:\n  fields:\n    volumes: always\n   callsign: [always\n');
    const run = await agent(['--policy', broken]);
    assert.equal(run.code, 2, run.out);
    assert.match(run.out, /broken\.yaml:\d+:\d+/);
    const twice = join(root, 'twice.yml');
    writeFileSync(twice, 'version: 1\ndefault:\n  fields:\n    volumes: always\n    volumes: never\n');
    const again = await agent(['--policy', twice]);
    assert.equal(again.code, 2, again.out);
    assert.match(again.out, /twice\.yml:5:\d+/);
  });

  it('refuses a key that is not one of the party\'s, and a party the parties file does not name', async () => {
    const wrongKey = await agent([], strangerKey);
    assert.equal(wrongKey.code, 2, wrongKey.out);
    assert.match(wrongKey.out, /--key: .*stranger\.jwk is not one of party "blue"'s keys/);
    await ready;
    const stranger = await runCli(['agent', '--port', '0', '--data', join(root, 'data'), '--party', 'mauve', '--key', blueKey, '--broker', 'http://127.0.0.1:9', '--parties', partiesFile]);
    assert.equal(stranger.code, 2, stranger.out);
    assert.match(stranger.out, /--party: "mauve" is not in the parties file/);
  });

  it('lists every missing or malformed flag at once', async () => {
    const run = await runCli(['agent', '--port', 'eighty', '--equal-priority', 'sometimes', '--broker', 'ftp://x']);
    assert.equal(run.code, 2, run.out);
    for (const part of [/--port.*"eighty"/, /--data/, /--party/, /--key/, /--parties/, /--broker: "ftp:\/\/x" must be an http\(s\) URL/, /--equal-priority: "sometimes"/]) assert.match(run.out, part);
  });
});
