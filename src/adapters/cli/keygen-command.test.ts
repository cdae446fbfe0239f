import assert from 'node:assert/strict';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { calculateJwkThumbprint } from 'jose';
import { parseParties } from '../../config/parties.js';
import type { CliOutput } from './cli-output.js';
import { keygenCommand } from './keygen-command.js';

const dir = await mkdtemp(join(tmpdir(), 'parley-keygen-'));

function capture(): CliOutput & { out: string[] } {
  const out: string[] = [];
  return { out, stdout: (text) => out.push(text), stderr: () => {} };
}

async function keygen(args: string[], output = capture()): Promise<string> {
  await keygenCommand(output).exitOverride().parseAsync(['node', 'keygen', ...args]);
  return output.out.join('');
}

describe('parley keygen', () => {
  for (const alg of ['EdDSA', 'ES256', 'RS256']) {
    it(`writes a private ${alg} JWK with mode 0600 and prints its public JWK`, async () => {
      const path = join(dir, `${alg}.jwk`);
      const publicJwk = JSON.parse(await keygen(['--out', path, '--alg', alg]));
      const privateJwk = JSON.parse(await readFile(path, 'utf8'));
      assert.equal((await stat(path)).mode & 0o777, 0o600);
      assert.equal(typeof privateJwk.d, 'string');
      assert.equal(privateJwk.alg, alg);
      assert.equal(privateJwk.kid, await calculateJwkThumbprint(privateJwk));
      assert.equal(publicJwk.d, undefined);
      assert.equal(publicJwk.kid, privateJwk.kid);
      assert.equal(publicJwk.alg, alg);
      // The printed key goes straight into a parties file.
      const parties = await parseParties(
        { parties: [{ id: 'blue', name: 'Blue', keys: [publicJwk], agent_url: 'http://127.0.0.1:9001' }] },
        'test',
      );
      assert.equal(parties.get('blue')?.keys[0]?.alg, alg);
    });
  }

  it('defaults to EdDSA', async () => {
    const publicJwk = JSON.parse(await keygen(['--out', join(dir, 'default.jwk')]));
    assert.equal(publicJwk.crv, 'Ed25519');
  });

  it('refuses to overwrite an existing file unless --force', async () => {
    const path = join(dir, 'existing.jwk');
    await writeFile(path, 'keep me', { mode: 0o644 });
    await assert.rejects(keygen(['--out', path]), /Refusing to overwrite key file ".*existing\.jwk": it exists; pass --force/);
    assert.equal(await readFile(path, 'utf8'), 'keep me');
    await keygen(['--out', path, '--force']);
    assert.equal(JSON.parse(await readFile(path, 'utf8')).alg, 'EdDSA');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
  });

  it('rejects an unknown --alg', async () => {
    const command = keygenCommand(capture()).exitOverride().configureOutput({ writeErr: () => {} });
    await assert.rejects(
      command.parseAsync(['node', 'keygen', '--out', join(dir, 'x.jwk'), '--alg', 'HS256']),
      { code: 'commander.invalidArgument' },
    );
  });
});
