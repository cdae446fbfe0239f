/**
 * Agreements (issue 5, DESIGN.md invariant 4): an agreement binds only with valid signatures of
 * every required party over one canonical document; amendments and withdrawals need the same
 * quorum; every version and signature is kept and logged; a binding zone refuses the intents its
 * rule forbids, and is published as a constraint reference the broker manages.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson } from '../../src/domain/log/canonical-json.js';
import { HOUR, newId, startAgreementBroker, zoneTerms, type AgreementBroker, type Party } from '../support/agreements.js';
import { DSS, HOME, T0, flightVolume, oirPath, putIntentBody, uuid, type WireResponse } from '../support/wire.js';

interface Wire {
  state: string;
  version_in_force: number | null;
  versions: Array<{ version: number; action: string; proposer: string; document: string; document_sha256: string; quorum: string[]; complete: boolean; signatures: Array<{ party: string; counted: boolean }> }>;
}
const wire = (r: WireResponse) => r.body as Wire;

let band = 0;
/** An intent at HOME inside the zones' 0–500 m, each in its own 10 m band so no two need each other's OVN. */
async function planAt(a: AgreementBroker, party: Party): Promise<WireResponse> {
  const altLo = (band++ % 24) * 20;
  return a.call(party, 'PUT', oirPath(uuid()), putIntentBody({ extents: [flightVolume({ altLo, altHi: altLo + 10 })] }));
}

describe('agreements: signatures and quorum', () => {
  it('binds only once every required party has signed the very bytes of the version', async (t) => {
    const a = await startAgreementBroker(t);
    const id = newId();
    const proposed = await a.version('blue', id, 1, 'propose', zoneTerms());
    assert.equal(proposed.status, 201, proposed.text);
    assert.equal(wire(proposed).state, 'proposed');
    const document = wire(proposed).versions[0]!.document;

    // Missing: red has not signed. Invalid: not a JWS. Wrong key: red's call, blue's key.
    assert.equal((await a.call('red', 'POST', `/v1/agreements/${id}/signatures`, { signature: 'not.a.jws' })).status, 400);
    const wrongKey = await a.sign('red', id, 1, { signWith: 'blue' });
    assert.equal(wrongKey.status, 400, wrongKey.text);
    assert.match((wrongKey.body as { detail: string }).detail, /not signed by any key/);
    // Different bytes: the same terms spaced differently, and other terms.
    const spaced = await a.sign('red', id, 1, { text: JSON.stringify(JSON.parse(document), null, 1) });
    assert.equal(spaced.status, 400, spaced.text);
    const altered = JSON.parse(document) as { proposal: { title: string } };
    altered.proposal.title = 'Hospital (east wing only)';
    const other = await a.sign('red', id, 1, { text: canonicalJson(altered) });
    assert.equal(other.status, 400, other.text);
    assert.match((other.body as { detail: string }).detail, /other bytes than the document of version 1/);
    // Not required: green's signature is kept but does not count.
    const green = await a.sign('green', id, 1);
    assert.equal(green.status, 201, green.text);
    assert.equal((green.body as { signature: { counted: boolean } }).signature.counted, false);
    const before = wire(await a.get(id));
    assert.equal(before.state, 'proposed');
    assert.deepEqual(before.versions[0]!.signatures.map((s) => [s.party, s.counted]), [['blue', true], ['green', false]]);
    assert.equal((await planAt(a, 'mauve')).status, 201, 'a proposal does not bind');

    const red = await a.sign('red', id, 1);
    assert.equal(red.status, 201, red.text);
    assert.equal(wire(red).state, 'effective');
    assert.equal(wire(red).version_in_force, 1);
    assert.equal((await a.sign('red', id, 1)).status, 409, 'one signature per party and version');
    const refused = await planAt(a, 'mauve');
    assert.equal(refused.status, 400, refused.text);
    assert.match((refused.body as { message: string }).message, new RegExp(`agreement ${id} "Hospital" \\(version 1\\): a protected zone`));
  });

  it('amendments and withdrawals need the same quorum; every version and signature stays, and is logged', async (t) => {
    const a = await startAgreementBroker(t);
    const id = newId();
    await a.version('blue', id, 1, 'propose', zoneTerms());
    await a.sign('red', id, 1);
    // Blue alone moves the zone 20 km north: proposed, but version 1 still binds.
    const moved = zoneTerms({ title: 'Hospital (moved)', volumes: [flightVolume({ lat: HOME.lat + 0.2, radiusM: 1000, startMs: T0, endMs: T0 + 24 * HOUR })] });
    const amend = await a.version('blue', id, 2, 'amend', moved);
    assert.equal(amend.status, 201, amend.text);
    assert.equal(wire(amend).version_in_force, 1);
    assert.equal((await planAt(a, 'mauve')).status, 400, 'version 1 binds until red signs version 2');
    assert.equal((await a.sign('red', id, 2)).status, 201);
    assert.equal(wire(await a.get(id)).version_in_force, 2);
    assert.equal((await planAt(a, 'mauve')).status, 201, 'the zone has moved away');

    // An amendment cannot drop a signer: the quorum of version 3 still has red.
    const alone = await a.version('blue', id, 3, 'amend', { ...moved, required_signers: ['blue'] });
    assert.equal(alone.status, 201, alone.text);
    assert.deepEqual(wire(alone).versions[2]!.quorum, ['blue', 'red']);
    assert.equal(wire(alone).version_in_force, 2);
    // Nor skip a number, nor come from a party outside the quorum.
    assert.equal((await a.version('blue', id, 5, 'amend', moved)).status, 409);
    assert.equal((await a.version('mauve', id, 4, 'amend', moved)).status, 403);

    const withdrawal = await a.version('red', id, 4, 'withdraw', { ...moved, required_signers: ['blue'] });
    assert.equal(withdrawal.status, 201, withdrawal.text);
    assert.equal((await a.sign('red', id, 3)).status, 409, 'version 3 is superseded by version 4');
    assert.equal(wire(withdrawal).state, 'effective', 'not withdrawn before blue signs');
    assert.equal((await a.sign('blue', id, 4)).status, 201);
    const after = wire(await a.get(id));
    assert.equal(after.state, 'withdrawn');
    assert.equal((await a.version('blue', id, 5, 'amend', moved)).status, 409, 'a withdrawn agreement is final');
    assert.deepEqual(after.versions.map((v) => [v.version, v.action, v.proposer, v.complete]), [
      [1, 'propose', 'blue', true],
      [2, 'amend', 'blue', true],
      [3, 'amend', 'blue', false],
      [4, 'withdraw', 'red', true],
    ]);

    const log = await a.call('blue', 'GET', '/v1/log/entries?start=0&limit=100', undefined, ['parley.audit']);
    assert.equal(log.status, 200, log.text);
    const entries = (log.body as { entries: Array<{ content?: { kind: string; version?: number; document_sha256?: string; state?: string } }> }).entries.map((e) => e.content).filter((c) => c?.kind.startsWith('agreement.'));
    assert.deepEqual(entries.filter((c) => c!.kind === 'agreement.version').map((c) => [c!.version, c!.document_sha256]), after.versions.map((v) => [v.version, v.document_sha256]));
    // A proposer's own signature comes with its version; the others are entries of their own.
    assert.equal(entries.filter((c) => c!.kind === 'agreement.signature').length, 3);
    assert.deepEqual(entries.filter((c) => c!.kind === 'agreement.status').map((c) => [c!.state, c!.version]), [['effective', 1], ['effective', 2], ['withdrawn', 4]]);
  });
});

describe('agreements: what each kind of zone refuses', () => {
  const cases: Array<{ kind: string; appliesTo: Party[]; refused: Party[]; allowed: Party[] }> = [
    { kind: 'protected_zone', appliesTo: [], refused: ['blue', 'red', 'mauve'], allowed: [] },
    { kind: 'restricted_zone', appliesTo: ['red'], refused: ['red'], allowed: ['blue', 'mauve'] },
    { kind: 'designated_zone', appliesTo: ['blue'], refused: ['red', 'mauve'], allowed: ['blue'] },
  ];
  for (const c of cases) {
    it(`${c.kind}: accepted before the last signature, refused while in force, accepted again after withdrawal`, async (t) => {
      const a = await startAgreementBroker(t);
      const id = newId();
      const terms = zoneTerms({ kind: c.kind, title: `Zone ${c.kind}`, applies_to: c.appliesTo });
      assert.equal((await a.version('blue', id, 1, 'propose', terms)).status, 201);
      for (const p of [...c.refused, ...c.allowed]) assert.equal((await planAt(a, p)).status, 201, `${p} before the last signature`);
      assert.equal((await a.sign('red', id, 1)).status, 201);
      for (const p of c.refused) {
        const answer = await planAt(a, p);
        assert.equal(answer.status, 400, `${p} while in force: ${answer.text}`);
        assert.ok((answer.body as { message: string }).message.includes(id));
      }
      for (const p of c.allowed) assert.equal((await planAt(a, p)).status, 201, `${p} while in force`);
      // Elsewhere, or later than the window, nothing is refused.
      const far = await a.call(c.refused[0]!, 'PUT', oirPath(uuid()), putIntentBody({ extents: [flightVolume({ lat: HOME.lat + 1, altLo: 100, altHi: 110 })] }));
      assert.equal(far.status, 201, far.text);
      const later = await a.call(c.refused[0]!, 'PUT', oirPath(uuid()), putIntentBody({ extents: [flightVolume({ altLo: 100, altHi: 110, startMs: T0 + 25 * HOUR, endMs: T0 + 26 * HOUR })] }));
      assert.equal(later.status, 201, later.text);

      assert.equal((await a.version('red', id, 2, 'withdraw', terms)).status, 201);
      assert.equal((await planAt(a, c.refused[0]!)).status, 400, 'still in force until every signer withdraws');
      assert.equal((await a.sign('blue', id, 2)).status, 201);
      for (const p of c.refused) assert.equal((await planAt(a, p)).status, 201, `${p} after withdrawal`);
    });
  }

  it('publishes the zone in force as a constraint reference the broker manages, and removes it on withdrawal', async (t) => {
    const a = await startAgreementBroker(t);
    const id = newId();
    await a.version('blue', id, 1, 'propose', zoneTerms());
    const query = () => a.call('mauve', 'POST', `${DSS}/constraint_references/query`, { area_of_interest: flightVolume({ radiusM: 5000 }) }, ['utm.constraint_processing']);
    assert.deepEqual((await query()).body, { constraint_references: [] });
    await a.sign('red', id, 1);
    const refs = (await query()).body as { constraint_references: Array<{ id: string; manager: string; ovn: string }> };
    assert.deepEqual(refs.constraint_references.map((r) => r.id), [id]);
    const details = await a.call('mauve', 'GET', `/uss/v1/constraints/${id}`, undefined, ['utm.constraint_processing']);
    assert.equal(details.status, 200, details.text);
    const constraint = (details.body as { constraint: { reference: { manager: string; ovn: string }; details: { type: string; parley_agreement: { title: string } } } }).constraint;
    assert.equal(constraint.reference.manager, refs.constraint_references[0]!.manager);
    assert.equal(constraint.details.type, 'parley.protected_zone');
    assert.equal(constraint.details.parley_agreement.title, 'Hospital');
    assert.ok(constraint.reference.ovn.length >= 16, 'processors get the OVN their keys need');
    assert.equal((await a.call('mauve', 'GET', `/uss/v1/constraints/${id}`)).status, 403, 'needs constraint processing or management');
    await a.version('blue', id, 2, 'withdraw', zoneTerms());
    await a.sign('red', id, 2);
    assert.deepEqual((await query()).body, { constraint_references: [] });
    assert.equal((await a.call('mauve', 'GET', `/uss/v1/constraints/${id}`, undefined, ['utm.constraint_processing'])).status, 404);
  });
});

describe('agreements: proposals that cannot be', () => {
  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ['an unknown kind', { kind: 'no_fly_forever' }, /proposal\.kind: must be one of/],
    ['a blank title', { title: '  ' }, /proposal\.title/],
    ['no volumes', { volumes: [] }, /proposal\.volumes/],
    ['a zone over the area limit', { volumes: [{ volume: { outline_circle: { center: HOME, radius: { value: 30_000, units: 'M' } } } }] }, /proposal\.volumes\[0\]\.volume: must not cover more than 2500 km²/],
    ['a zero-area circle', { volumes: [{ volume: { outline_circle: { center: HOME, radius: { value: 0, units: 'M' } } } }] }, /proposal\.volumes\[0\]\.volume/],
    ['a zero-area polygon', { volumes: [{ volume: { outline_polygon: { vertices: [HOME, { lat: HOME.lat + 0.01, lng: HOME.lng }, { lat: HOME.lat + 0.02, lng: HOME.lng }] } } }] }, /proposal\.volumes\[0\]/],
    ['an unknown party', { required_signers: ['blue', 'teal'] }, /proposal\.required_signers\[1\]: "teal" is not a party/],
    ['an unknown party it applies to', { kind: 'restricted_zone', applies_to: ['teal'] }, /proposal\.applies_to\[0\]: "teal" is not a party/],
    ['a restricted zone for nobody', { kind: 'restricted_zone', applies_to: [] }, /proposal\.applies_to/],
    ['no signers', { required_signers: [] }, /proposal\.required_signers/],
    ['an expired window', { effective: { from: new Date(T0 - 48 * HOUR).toISOString(), to: new Date(T0 - 24 * HOUR).toISOString() } }, /proposal\.effective\.to: has passed/],
    ['a window ending before it starts', { effective: { from: new Date(T0 + HOUR).toISOString(), to: new Date(T0).toISOString() } }, /proposal\.effective\.to: must be after from/],
    ['an unknown field', { colour: 'red' }, /proposal\.colour/],
    ['a second spelling of the terms (signers unsorted)', { required_signers: ['red', 'blue'] }, /proposal: is not in normal form/],
  ];
  for (const [name, change, message] of bad) {
    it(`refuses ${name} with a 400 naming the field, and keeps nothing`, async (t) => {
      const a = await startAgreementBroker(t);
      const id = newId();
      // Sign what the CLI could not write: the document is built by hand, canonical.
      const document = canonicalJson({ agreement_id: id, version: 1, action: 'propose', proposal: { ...zoneTerms(), ...change } });
      const { signDocument } = await import('../../src/adapters/agreements/agreement-signature.js');
      const answer = await a.call('blue', 'POST', '/v1/agreements', { signature: await signDocument(document, a.keys.blue) });
      assert.equal(answer.status, 400, answer.text);
      assert.match((answer.body as { detail: string }).detail, message);
      assert.deepEqual((await a.call('blue', 'GET', '/v1/agreements')).body, { agreements: [] });
    });
  }

  it('refuses a document that is not canonical, and a party signing for another', async (t) => {
    const a = await startAgreementBroker(t);
    const { signDocument } = await import('../../src/adapters/agreements/agreement-signature.js');
    const id = newId();
    const loose = JSON.stringify({ version: 1, agreement_id: id, action: 'propose', proposal: zoneTerms() });
    const answer = await a.call('blue', 'POST', '/v1/agreements', { signature: await signDocument(loose, a.keys.blue) });
    assert.equal(answer.status, 400, answer.text);
    assert.match((answer.body as { detail: string }).detail, /canonical form/);
    const forged = await a.version('red', id, 1, 'propose', zoneTerms(), { signWith: 'blue' });
    assert.equal(forged.status, 400, forged.text);
    assert.deepEqual((await a.call('blue', 'GET', '/v1/agreements')).body, { agreements: [] });
  });
});
