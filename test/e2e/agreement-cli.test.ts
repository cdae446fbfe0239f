/**
 * `parley agreement` end to end: a real broker on loopback (parties blue, red, green) and the
 * CLI as a separate process for every step — propose, sign (with --yes, or answering on stdin),
 * show, list, amend, withdraw — checking after each refusal, through the API, that nothing was
 * sent. A stand-in broker that misreports a document's sha256 shows the CLI refusing to sign.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateKeyFile } from '../../src/adapters/cli/key-file.js';
import { createTokenSigner } from '../../src/adapters/cli/sign-token.js';
import { resolveBrokerConfig } from '../../src/config/broker-config.js';
import { createLogger } from '../../src/log/logger.js';
import { startBroker, type RunningBroker } from '../../src/main/broker.js';
import { runCli, type CliRun } from '../support/cli.js';

type Party = 'blue' | 'red' | 'green';

interface Agreement {
  id: string;
  state: string;
  version_in_force: number | null;
  versions: Array<{ version: number; action: string; document: string; document_sha256: string; complete: boolean; signatures: Array<{ party: string; counted: boolean }> }>;
  signature?: { version: number; party: string; counted: boolean };
}

const root = mkdtempSync(join(tmpdir(), 'parley-agreement-cli-'));
const keys = {} as Record<Party, string>;
const tokens = {} as Record<Party, string>;
let broker: RunningBroker;

/** `parley agreement <sub> … --broker --key --party` as `party`. */
const agreement = (party: Party, args: readonly string[], options: { input?: string; broker?: string } = {}): Promise<CliRun> =>
  runCli(['agreement', ...args, '--broker', options.broker ?? broker.url, '--key', keys[party], '--party', party], {
    timeoutMs: 60_000,
    ...(options.input === undefined ? {} : { input: options.input }),
  });

function answerOf(run: CliRun): Agreement {
  assert.equal(run.code, 0, run.out);
  return JSON.parse(run.stdout) as Agreement;
}

/** The agreement as the broker holds it, read over the API (not through the CLI). */
async function fetchAgreement(id: string): Promise<Agreement> {
  const response = await fetch(`${broker.url}/v1/agreements/${id}`, { headers: { authorization: `Bearer ${tokens.blue}` } });
  assert.equal(response.status, 200);
  return (await response.json()) as Agreement;
}

const signersOf = (a: Agreement, version: number) => a.versions.find((v) => v.version === version)?.signatures.map((s) => s.party).sort();

function proposalFile(name: string, terms: Record<string, unknown>): string {
  const path = join(root, `${name}.json`);
  writeFileSync(path, JSON.stringify(terms, null, 2));
  return path;
}

const nowMs = Date.now();
const proposal = (title: string, overrides: Record<string, unknown> = {}) => ({
  kind: 'restricted_zone',
  title,
  volumes: [
    {
      volume: {
        outline_circle: { center: { lat: 46.5, lng: 6.6 }, radius: { value: 500, units: 'M' } },
        altitude_lower: { value: 0, reference: 'W84', units: 'M' },
        altitude_upper: { value: 120, reference: 'W84', units: 'M' },
      },
    },
  ],
  applies_to: ['green'],
  required_signers: ['blue', 'red'],
  effective: { from: new Date(nowMs - 60_000).toISOString(), to: new Date(nowMs + 86_400_000).toISOString() },
  ...overrides,
});

describe('parley agreement', { timeout: 180_000 }, () => {
  before(async () => {
    const parties = [];
    for (const party of ['blue', 'red', 'green'] as const) {
      keys[party] = join(root, `${party}.jwk`);
      const { privateJwk, publicJwk } = await generateKeyFile(keys[party]);
      tokens[party] = await (await createTokenSigner(privateJwk))({ sub: party, scope: '', aud: '127.0.0.1' }, { nowMs: Date.now() });
      parties.push({ id: party, name: party, keys: [publicJwk], agent_url: `https://${party}.example/agent` });
    }
    const partiesFile = join(root, 'parties.json');
    writeFileSync(partiesFile, JSON.stringify({ parties }));
    broker = await startBroker(resolveBrokerConfig({ port: '0', data: join(root, 'data'), parties: partiesFile }, {}), {
      logger: createLogger({ level: 'silent', name: 'agreement-cli' }),
    });
  });
  after(async () => {
    await broker?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('propose refuses a malformed proposal file, naming the field, and sends nothing', async () => {
    const bad = proposalFile('bad', proposal('Bad kind', { kind: 'no_fly_zone' }));
    const run = await agreement('blue', ['propose', '--file', bad]);
    assert.equal(run.code, 1, run.out);
    assert.match(run.stderr, /proposal\.kind: must be one of protected_zone, restricted_zone, designated_zone/);
    const missing = await agreement('blue', ['propose', '--file', proposalFile('no-signers', proposal('No signers', { required_signers: [] }))]);
    assert.equal(missing.code, 1, missing.out);
    assert.match(missing.stderr, /proposal\.required_signers: must hold at least 1 item/);
    const list = await agreement('blue', ['list', '--json']);
    assert.deepEqual(JSON.parse(list.stdout), { agreements: [] });
  });

  it('takes an agreement from proposal to force (red --yes), shows it, lists it, amends it and withdraws it', async () => {
    const proposed = answerOf(await agreement('blue', ['propose', '--file', proposalFile('lake', proposal('Lake shore'))]));
    assert.match(proposed.id, /^[0-9a-f-]{36}$/);
    assert.equal(proposed.state, 'proposed');
    assert.deepEqual(signersOf(proposed, 1), ['blue']);
    const id = proposed.id;

    // green is not in the quorum: its signature is kept, but does not count.
    const green = answerOf(await agreement('green', ['sign', '--id', id, '--yes']));
    assert.deepEqual(green.signature, { version: 1, party: 'green', counted: false });
    assert.equal(green.state, 'proposed');

    const red = await agreement('red', ['sign', '--id', id, '--yes']);
    const signed = answerOf(red);
    assert.equal(signed.state, 'effective');
    assert.deepEqual(signed.signature, { version: 1, party: 'red', counted: true });
    assert.match(red.stderr, new RegExp(`agreement  ${id}\\n[^]*title      "Lake shore"[^]*sha256     ${proposed.versions[0]!.document_sha256}`));
    assert.match(red.stderr, /rule       a restricted zone: green may not enter it\n/);
    assert.match(red.stderr, /volumes    1\n    1        circle 500 m around 46\.50000, 6\.60000 \(0\.79 km²\); 0 m to 120 m W84; any time\n/);
    assert.doesNotMatch(red.stderr, /\[y\/N\]/);

    const [show, list, effective] = await Promise.all([
      agreement('green', ['show', '--id', id]),
      agreement('green', ['list']),
      agreement('green', ['list', '--state', 'effective', '--json']),
    ]);
    assert.equal(show.code, 0, show.out);
    assert.match(show.stdout, /state       effective\n  in force    version 1\n  binding now yes\n/);
    assert.match(show.stdout, /terms       restricted_zone "Lake shore"; applies to green; signers blue, red;/);
    assert.match(show.stdout, /version 1: propose by blue at .*, complete\n/);
    assert.match(show.stdout, /signed by blue at \S+ \(counted\), green at \S+ \(not counted\), red at \S+ \(counted\)/);
    assert.equal(list.code, 0, list.out);
    assert.match(list.stdout, new RegExp(`^${id}  effective  v1    restricted_zone  "Lake shore"$`, 'm'));
    assert.deepEqual((JSON.parse(effective.stdout) as { agreements: Agreement[] }).agreements.map((a) => a.id), [id]);

    // green, outside the quorum, may not amend: refused before anything is signed or sent.
    const stranger = await agreement('green', ['amend', '--id', id, '--file', proposalFile('green', proposal('Green'))]);
    assert.equal(stranger.code, 1, stranger.out);
    assert.match(stranger.stderr, /Cannot amend agreement .* as green: only a party of the quorum in force \(blue, red\) may/);

    // red amends, answering the question on stdin; blue's signature brings version 2 into force.
    const amendFile = proposalFile('lake-2', proposal('Lake shore, wider', { required_signers: ['red', 'blue'] }));
    const amended = answerOf(await agreement('red', ['amend', '--id', id, '--file', amendFile], { input: 'y\n' }));
    assert.deepEqual(amended.versions.map((v) => [v.version, v.action]), [[1, 'propose'], [2, 'amend']]);
    assert.equal(amended.version_in_force, 1);
    const amendedInForce = answerOf(await agreement('blue', ['sign', '--id', id, '--yes']));
    assert.equal(amendedInForce.state, 'effective');
    assert.equal(amendedInForce.version_in_force, 2);

    // blue withdraws (the withdrawal repeats version 2's terms); red's signature ends it.
    const withdrawal = answerOf(await agreement('blue', ['withdraw', '--id', id, '--yes']));
    const v3 = withdrawal.versions.at(-1)!;
    assert.equal(v3.action, 'withdraw');
    assert.equal(withdrawal.state, 'effective');
    assert.equal(JSON.parse(v3.document).proposal.title, 'Lake shore, wider');
    const withdrawn = answerOf(await agreement('red', ['sign', '--id', id, '--yes']));
    assert.equal(withdrawn.state, 'withdrawn');
    assert.equal(withdrawn.version_in_force, 3);
  });

  it('sign asks first: "n" or no answer sends nothing (the latter says to pass --yes), "y" signs', async () => {
    const { id } = answerOf(await agreement('blue', ['propose', '--file', proposalFile('ridge', proposal('Ridge'))]));

    const no = await agreement('red', ['sign', '--id', id], { input: 'n\n' });
    assert.equal(no.code, 1, no.out);
    assert.match(no.stderr, new RegExp(`Sign version 1 of agreement ${id}\\? \\[y/N\\] `));
    assert.match(no.stderr, /Did not sign version 1 of agreement .*: the answer was not yes/);
    assert.deepEqual(signersOf(await fetchAgreement(id), 1), ['blue']);

    const silent = await agreement('red', ['sign', '--id', id]);
    assert.equal(silent.code, 1, silent.out);
    assert.match(silent.stderr, /no answer on standard input \(it is not a terminal\); pass --yes/);
    assert.deepEqual(signersOf(await fetchAgreement(id), 1), ['blue']);

    const yes = answerOf(await agreement('red', ['sign', '--id', id, '--version', '1'], { input: 'y\n' }));
    assert.equal(yes.state, 'effective');
    assert.deepEqual(signersOf(await fetchAgreement(id), 1), ['blue', 'red']);

    const again = await agreement('red', ['sign', '--id', id, '--yes']);
    assert.equal(again.code, 1, again.out);
    assert.match(again.stderr, /red has signed it already/);
  });

  it('sign refuses a document whose bytes do not hash to the sha256 the broker shows, and sends nothing', async () => {
    const { id } = answerOf(await agreement('blue', ['propose', '--file', proposalFile('bay', proposal('Bay'))]));
    const real = await fetchAgreement(id);
    const doctored = { ...real, versions: real.versions.map((v) => ({ ...v, document_sha256: '0'.repeat(64) })) };
    let posts = 0;
    const liar = createServer((request, response) => {
      if (request.method !== 'GET') posts += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doctored));
    });
    await new Promise<void>((resolve) => liar.listen(0, '127.0.0.1', resolve));
    try {
      const run = await agreement('red', ['sign', '--id', id, '--yes'], { broker: `http://127.0.0.1:${(liar.address() as AddressInfo).port}` });
      assert.equal(run.code, 1, run.out);
      assert.match(run.stderr, /the broker showed inconsistent bytes/);
      assert.equal(posts, 0);
    } finally {
      await new Promise((resolve) => liar.close(resolve));
    }
  });

  it("prints the broker's refusal and exits 1", async () => {
    const run = await agreement('blue', ['show', '--id', '7b0f2f8e-4a7c-4c1e-9d4e-2f1a6c3b5d70']);
    assert.equal(run.code, 1, run.out);
    assert.match(run.stderr, /The broker refused GET \/v1\/agreements\/7b0f2f8e-4a7c-4c1e-9d4e-2f1a6c3b5d70 \(404\): No agreement 7b0f2f8e/);
    assert.doesNotMatch(run.out, /eyJ/); // no token (nor any JWS) in the output
  });
});
