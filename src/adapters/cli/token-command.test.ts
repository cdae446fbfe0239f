import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { parseParties } from '../../config/parties.js';
import { createAuthenticator } from '../http/auth.js';
import type { CliOutput } from './cli-output.js';
import { generateKeyFile, type GeneratedKey } from './key-file.js';
import { tokenCommand } from './token-command.js';

const NOW_MS = Date.UTC(2025, 5, 1, 8, 0, 0);
const dir = await mkdtemp(join(tmpdir(), 'parley-token-'));

async function token(args: string[]): Promise<string> {
  const out: string[] = [];
  const output: CliOutput = { stdout: (text) => out.push(text), stderr: () => {} };
  const command = tokenCommand(output, { nowMs: () => NOW_MS }).exitOverride().configureOutput({ writeErr: () => {} });
  await command.parseAsync(['node', 'token', ...args]);
  const printed = out.join('');
  assert.match(printed, /^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  return printed.trim();
}

async function partyWith(generated: GeneratedKey) {
  return parseParties(
    { parties: [{ id: 'blue', name: 'Blue', keys: [generated.publicJwk], agent_url: 'http://127.0.0.1:9001' }] },
    'test',
  );
}

describe('parley token', () => {
  for (const alg of ['EdDSA', 'ES256', 'RS256'] as const) {
    it(`prints a ${alg} token that the broker authenticator accepts`, async () => {
      const keyPath = join(dir, `${alg}.jwk`);
      const generated = await generateKeyFile(keyPath, alg);
      const jwt = await token(['--key', keyPath, '--sub', 'blue', '--scope', 'utm.strategic_coordination  utm.availability_arbitration', '--aud', 'localhost']);
      const header = decodeProtectedHeader(jwt);
      assert.equal(header.alg, alg);
      assert.equal(header.kid, generated.privateJwk.kid);
      const claims = decodeJwt(jwt);
      assert.equal(claims.iss, 'parley-cli');
      assert.equal(claims.iat, NOW_MS / 1000);
      assert.equal(claims.exp, NOW_MS / 1000 + 3600);
      assert.match(String(claims.jti), /^[0-9a-f-]{36}$/);
      assert.equal(claims.scope, 'utm.strategic_coordination utm.availability_arbitration');
      const auth = createAuthenticator({ parties: await partyWith(generated), authorityKeys: [], audiences: ['localhost'] });
      const principal = await auth.authenticate(`Bearer ${jwt}`, NOW_MS);
      assert.equal(principal.party, 'blue');
      assert.ok(principal.scopes.has('utm.availability_arbitration'));
    });
  }

  it('honours --ttl and --iss, and gives each token its own jti', async () => {
    const keyPath = join(dir, 'ttl.jwk');
    await generateKeyFile(keyPath, 'EdDSA');
    const args = ['--key', keyPath, '--sub', 'blue', '--scope', 's', '--aud', '127.0.0.1', '--ttl', '60', '--iss', 'me'];
    const first = decodeJwt(await token(args));
    const second = decodeJwt(await token(args));
    assert.equal(first.exp, NOW_MS / 1000 + 60);
    assert.equal(first.iss, 'me');
    assert.equal(first.aud, '127.0.0.1');
    assert.notEqual(first.jti, second.jti);
  });

  it('refuses a ttl above 3600 s', async () => {
    const keyPath = join(dir, 'long.jwk');
    await generateKeyFile(keyPath, 'EdDSA');
    await assert.rejects(
      token(['--key', keyPath, '--sub', 'blue', '--scope', 's', '--aud', 'localhost', '--ttl', '3601']),
      { code: 'commander.invalidArgument' },
    );
  });

  it('says when the key file is missing or holds a public key', async () => {
    const common = ['--sub', 'blue', '--scope', 's', '--aud', 'localhost'];
    await assert.rejects(token(['--key', join(dir, 'absent.jwk'), ...common]), /Cannot read key file ".*absent\.jwk": ENOENT/);
    const keyPath = join(dir, 'pub.jwk');
    const generated = await generateKeyFile(keyPath, 'EdDSA');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(keyPath, JSON.stringify(generated.publicJwk));
    await assert.rejects(token(['--key', keyPath, ...common]), /must hold a private JWK \(with "d"\)/);
  });
});
