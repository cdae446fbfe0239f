import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import { ConfigFileError } from './config-file-error.js';
import { loadPartiesFile, parseParties } from './parties.js';

const ed = await generateKeyPair('EdDSA', { extractable: true });
const es = await generateKeyPair('ES256', { extractable: true });
const edPublic = { ...(await exportJWK(ed.publicKey)), kid: 'ed-1' };
const esPublic = await exportJWK(es.publicKey);
const edPrivate = await exportJWK(ed.privateKey);

function party(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, name: id.toUpperCase(), keys: [id === 'blue' ? edPublic : esPublic], agent_url: 'http://127.0.0.1:9001', ...overrides };
}

async function problemsOf(json: unknown): Promise<readonly string[]> {
  try {
    await parseParties(json, 'parties.json');
  } catch (error) {
    assert.ok(error instanceof ConfigFileError);
    assert.match(error.message, /^Cannot use parties\.json:/);
    return error.problems;
  }
  assert.fail('expected parseParties() to throw');
}

describe('parseParties()', () => {
  it('builds a directory with get() and list()', async () => {
    const directory = await parseParties({ parties: [party('blue'), party('red')] }, 'parties.json');
    assert.deepEqual(directory.list().map((p) => p.id), ['blue', 'red']);
    const blue = directory.get('blue');
    assert.equal(blue?.name, 'BLUE');
    assert.equal(blue?.agentUrl, 'http://127.0.0.1:9001');
    assert.equal(blue?.keys[0]?.alg, 'EdDSA');
    assert.equal(blue?.keys[0]?.kid, 'ed-1');
    assert.equal(directory.get('red')?.keys[0]?.alg, 'ES256');
    assert.equal(directory.get('green'), undefined);
  });

  it('names the field of a private key', async () => {
    const problems = await problemsOf({ parties: [party('blue'), party('red', { keys: [edPrivate] })] });
    assert.deepEqual(problems, ['parties[1].keys[0]: must be a public JWK (no "d")']);
  });

  it('lists every problem at once', async () => {
    const problems = await problemsOf({
      parties: [
        party('blue'),
        party('blue?', { name: '', agent_url: 'ftp://x', keys: [edPublic] }),
        party('blue', { keys: [esPublic] }),
        party('red', { keys: [] }),
        'green',
      ],
    });
    assert.deepEqual(problems, [
      'parties[1].id: "blue?" must match ^[A-Za-z0-9._-]{1,64}$',
      'parties[1].name: must be a non-empty string of at most 200 characters',
      'parties[1].agent_url: "ftp://x" must be an http(s) URL',
      'parties[1].keys[0]: the same key is already parties[0].keys[0]',
      'parties[2].id: "blue" is already the id of parties[0]',
      'parties[3].keys: must be a non-empty array of public JWKs',
      'parties[4]: must be an object with id, name, keys and agent_url',
    ]);
  });

  it('rejects unsupported key types, mismatched alg and short RSA keys', async () => {
    const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const problems = await problemsOf({
      parties: [
        party('a', { keys: [{ kty: 'EC', crv: 'P-384', x: 'AA', y: 'AA' }] }),
        party('b', { keys: [{ ...edPublic, alg: 'ES256' }] }),
        party('c', { keys: [rsa1024.publicKey.export({ format: 'jwk' })] }),
        party('d', { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'tooshort' }] }),
      ],
    });
    assert.equal(problems.length, 4);
    assert.match(problems[0] ?? '', /^parties\[0\]\.keys\[0\]: unsupported key type "EC" \/ crv "P-384"/);
    assert.equal(problems[1], 'parties[1].keys[0]: alg "ES256" does not fit a EdDSA key');
    assert.equal(problems[2], 'parties[2].keys[0]: RSA modulus must be at least 2048 bits');
    assert.equal(problems[3], 'parties[3].keys[0]: key material is not a valid EdDSA public key');
  });

  it('requires a top-level parties array', async () => {
    assert.deepEqual(await problemsOf([]), ['must be a JSON object with a "parties" array']);
    assert.deepEqual(await problemsOf({ party: [] }), ['parties: must be an array']);
  });
});

describe('loadPartiesFile()', () => {
  it('reads a file and reports bad JSON with the path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-parties-'));
    const good = join(dir, 'parties.json');
    await writeFile(good, JSON.stringify({ parties: [party('blue')] }));
    assert.equal((await loadPartiesFile(good)).get('blue')?.id, 'blue');
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"parties": [');
    await assert.rejects(loadPartiesFile(bad), /Cannot use parties file ".*bad\.json":\n  - not valid JSON/);
    await assert.rejects(loadPartiesFile(join(dir, 'absent.json')), /cannot read it \(ENOENT\)/);
  });
});
