import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parsePolicy } from '../domain/disclosure/policy.js';
import { ConfigFileError } from './config-file-error.js';
import { loadPolicyFile } from './policy-file.js';

const POLICY = {
  version: 1,
  default: {
    bases: ['intent', 'subscription'],
    fields: { volumes: 'always', callsign: { when: [{ requester_priority_at_least: 3 }, { within_km: 10 }] }, mission: 'never' },
    coarsen_volumes: false,
  },
  peers: {
    red: { bases: ['intent', 'subscription', 'declaration'], fields: { volumes: 'always', off_nominal_volumes: 'always', priority: 'always' }, coarsen_volumes: true },
    green: { fields: {} },
  },
};

const POLICY_YAML = `# The same policy as POLICY, in YAML.
version: 1
default:
  bases: [intent, subscription]
  fields:
    volumes: always
    callsign:
      when:
        - requester_priority_at_least: 3
        - within_km: 10
    mission: never
  coarsen_volumes: false
peers:
  red:
    bases: [intent, subscription, declaration]
    fields: { volumes: always, off_nominal_volumes: always, priority: always }
    coarsen_volumes: true
  green:
    fields: {}
`;

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-policy-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** The problems loadPolicyFile() reports for `text` saved as `name`. */
async function problemsOf(name: string, text: string | undefined): Promise<readonly string[]> {
  const path = text === undefined ? join(dir, name) : await file(name, text);
  try {
    await loadPolicyFile(path);
  } catch (error) {
    assert.ok(error instanceof ConfigFileError, String(error));
    assert.equal(error.source, `policy file "${path}"`);
    assert.match(error.message, /^Cannot use policy file ".*":\n {2}- /);
    return error.problems.map((p) => p.replaceAll(path, 'FILE'));
  }
  assert.fail(`expected loadPolicyFile() to refuse ${name}`);
}

describe('loadPolicyFile()', () => {
  it('reads the same policy from JSON, YAML and YML, frozen', async () => {
    const fromJson = await loadPolicyFile(await file('policy.json', JSON.stringify(POLICY, null, 2)));
    const fromYaml = await loadPolicyFile(await file('policy.yaml', POLICY_YAML));
    const fromYml = await loadPolicyFile(await file('policy.yml', POLICY_YAML));
    assert.deepEqual(fromJson, parsePolicy(POLICY));
    assert.deepEqual(fromYaml, fromJson);
    assert.deepEqual(fromYml, fromJson);
    assert.ok(Object.isFrozen(fromYaml) && Object.isFrozen(fromYaml.peers['red']?.fields) && Object.isFrozen(fromYaml.default.bases));
  });

  it('reads a name with another extension as JSON, and a JSON file with a byte-order mark', async () => {
    assert.deepEqual(await loadPolicyFile(await file('policy.conf', JSON.stringify(POLICY))), parsePolicy(POLICY));
    assert.deepEqual(await loadPolicyFile(await file('bom.json', `\uFEFF${JSON.stringify(POLICY)}`)), parsePolicy(POLICY));
  });

  it('lets YAML share rules through a few anchors', async () => {
    const yaml = 'version: 1\npeers:\n  red: &shared\n    fields: { volumes: always }\n  grey: *shared\n  green: *shared\n';
    const policy = await loadPolicyFile(await file('anchors.yaml', yaml));
    assert.deepEqual(policy.peers['grey'], policy.peers['red']);
    assert.deepEqual(Object.keys(policy.peers), ['red', 'grey', 'green']);
  });

  it('names the file, line and column of a YAML syntax error', async () => {
    //   4 |   fields: { volumes: always      ← the flow map is never closed…
    //   5 |   coarsen_volumes: true          ← …which the parser finds here
    const yaml = 'version: 1\ndefault:\n  bases: [intent]\n  fields: { volumes: always\n  coarsen_volumes: true\n';
    const problems = await problemsOf('broken.yaml', yaml);
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0]!, /^FILE:5:3: not valid YAML: /);
  });

  it('refuses a duplicate YAML key at its line and column', async () => {
    const yaml = 'version: 1\ndefault:\n  fields:\n    volumes: always\n    volumes: never\n';
    assert.deepEqual(await problemsOf('duplicate.yaml', yaml), ['FILE:5:5: not valid YAML: Map keys must be unique']);
  });

  it('refuses YAML tags, several documents, non-string keys and alias bombs', async () => {
    assert.deepEqual(await problemsOf('tag.yaml', 'version: 1\ndefault: !!binary aGVsbG8=\n'), ['FILE:2:10: not valid YAML: Unresolved tag: tag:yaml.org,2002:binary']);
    assert.deepEqual(await problemsOf('custom.yaml', 'version: !include other.yaml\n'), ['FILE:1:10: not valid YAML: Unresolved tag: !include']);
    assert.match((await problemsOf('two.yaml', 'version: 1\n---\nversion: 1\n'))[0]!, /^FILE:2:1: not valid YAML: Source contains multiple documents/);
    assert.match((await problemsOf('key.yaml', 'version: 1\ndefault:\n  fields:\n    ? [a, b]\n    : always\n'))[0]!, /^FILE:4:7: not valid YAML: .*keys must be strings/);
    const bomb = 'a: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\nd: [*c, *c, *c, *c]\n';
    assert.deepEqual(await problemsOf('bomb.yaml', bomb), ['not usable YAML: Excessive alias count indicates a resource exhaustion attack (at most 16 alias uses)']);
  });

  it('names the file, line and column of a JSON syntax error, and says when the name did not say JSON', async () => {
    //   3 |   "default": {"fields": {"volumes": tru}}      ← V8 stops at the "}" after "tru"
    const json = '{\n  "version": 1,\n  "default": {"fields": {"volumes": tru}}\n}\n';
    assert.deepEqual(await problemsOf('typo.json', json), [`FILE:3:40: not valid JSON: Unexpected token '}'`]);
    assert.deepEqual(await problemsOf('comma.json', '{\n  "version": 1,\n}\n'), ['FILE:3:1: not valid JSON: Expected double-quoted property name']);
    assert.deepEqual(await problemsOf('cut.json', '{"version": 1'), [`FILE:1:14: not valid JSON: Expected ',' or '}' after property value`]);
    assert.deepEqual(await problemsOf('policy.txt', 'version: 1\n'), [
      `FILE:1:1: not valid JSON (the name does not end in .json, .yaml or .yml, so it was read as JSON): Unexpected token 'v'`,
    ]);
  });

  it('lists every schema problem, with the path of one deep inside', async () => {
    const yaml = [
      'version: "1"',
      'default:',
      '  bases: intent',
      '  coarsen_volumes: yes',
      'peers:',
      '  red:',
      '    fields:',
      '      callsign: { when: [{ within_km: 5 }], also: 1 }',
      '      contact: { when: [{ within_km: far }] }',
    ].join('\n');
    assert.deepEqual(await problemsOf('schema.yaml', yaml), [
      '$.version: must be 1, not "1"',
      '$.default.bases: must be a list of intent, subscription, declaration',
      '$.default.coarsen_volumes: must be true or false',
      '$.peers["red"].fields.callsign: unknown key "also" (expected when)',
      '$.peers["red"].fields.contact.when[0].within_km: must be a number of km from 0 to 20000',
    ]);
    const json = JSON.stringify({ version: 1, default: { fields: { volumes: 'sometimes' } }, peers: { red: { coarsen: true } } });
    assert.deepEqual(await problemsOf('schema.json', json), [
      '$.default.fields.volumes: must be "always", "never" or {"when": [condition, …]}',
      '$.peers["red"]: unknown key "coarsen" (expected bases, fields, coarsen_volumes)',
    ]);
  });

  it('refuses an empty file, whatever its format', async () => {
    for (const name of ['empty.json', 'empty.yaml']) assert.deepEqual(await problemsOf(name, ' \n'), ['the file is empty; a policy holds at least {"version": 1}']);
    assert.deepEqual(await problemsOf('comments.yaml', '# to do\n'), ['the file holds no YAML value (only comments?); a policy holds at least "version: 1"']);
    assert.deepEqual(await problemsOf('null.json', 'null'), ['$: must be an object']);
  });

  it('gives the errno code of a file it cannot read', async () => {
    assert.deepEqual(await problemsOf('missing.yaml', undefined), ['cannot read it (ENOENT)']);
    assert.deepEqual(await problemsOf('.', undefined), ['cannot read it (EISDIR)']);
  });
});
