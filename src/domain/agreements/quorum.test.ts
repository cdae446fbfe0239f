import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { AgreementRecord, AgreementVersion, Proposal, VersionAction } from './agreement.js';
import { isComplete, quorumOf, statusOf } from './quorum.js';

const PARTIES = ['a', 'b', 'c', 'd'];

function terms(requiredSigners: readonly string[], title = 't'): Proposal {
  return { kind: 'protected_zone', title, volumes: [], appliesTo: [], requiredSigners, effective: { fromMs: 0, toMs: 1 } };
}

function record(versions: Array<{ action: VersionAction; required: string[] }>, signatures: Array<[number, string]>): AgreementRecord {
  return {
    id: 'x',
    versions: versions.map((v, i): AgreementVersion => ({
      agreementId: 'x', version: i + 1, action: v.action, proposal: terms(v.required), document: `doc ${i + 1}`, sha256: '', proposer: 'a', createdAtMs: 0,
    })),
    signatures: signatures.map(([version, party]) => ({ agreementId: 'x', version, party, jws: '', signedAtMs: 0 })),
  };
}

describe('quorum and status', () => {
  it('a version binds only with every signature its terms and the terms in force before it need', () => {
    // Version 1 is in force (a and b signed); version 2 drops b, so it needs b too; c does not count.
    const r = record([{ action: 'propose', required: ['a', 'b'] }, { action: 'amend', required: ['a'] }], [[1, 'a'], [1, 'b'], [2, 'a'], [2, 'c']]);
    assert.deepEqual(quorumOf(r, 1), ['a', 'b']);
    assert.deepEqual(quorumOf(r, 2), ['a', 'b'], 'dropping b needs b');
    assert.equal(isComplete(r, 2), false, "c's signature does not count");
    assert.equal(statusOf(r).version, 1);
    // Before anything binds, a version that never completed adds nobody to the next one.
    const pending = record([{ action: 'propose', required: ['a', 'b', 'd'] }, { action: 'amend', required: ['a'] }], [[1, 'a'], [2, 'a']]);
    assert.deepEqual(quorumOf(pending, 2), ['a']);
    assert.equal(statusOf(pending).version, 2);
    assert.deepEqual(statusOf(record([{ action: 'propose', required: ['a', 'b'] }], [[1, 'a']])), { state: 'proposed', version: undefined, proposal: undefined });
  });

  it('the latest complete version stands: an amendment takes over, a withdrawal ends it', () => {
    const versions: Array<{ action: VersionAction; required: string[] }> = [
      { action: 'propose', required: ['a', 'b'] },
      { action: 'amend', required: ['a', 'b'] },
      { action: 'withdraw', required: ['a', 'b'] },
    ];
    assert.equal(statusOf(record(versions, [[1, 'a'], [1, 'b']])).version, 1);
    assert.equal(statusOf(record(versions, [[1, 'a'], [1, 'b'], [2, 'a'], [2, 'b']])).version, 2);
    assert.deepEqual(statusOf(record(versions, [[1, 'a'], [1, 'b'], [3, 'a'], [3, 'b']])), { state: 'withdrawn', version: 3, proposal: undefined });
    assert.equal(statusOf(record(versions, [[1, 'a'], [1, 'b'], [3, 'a']])).state, 'effective', 'a withdrawal needs the whole quorum');
  });

  it('matches a brute-force reading of the rules on random histories (no missing, extra or misplaced signature binds)', () => {
    const party = fc.constantFrom(...PARTIES);
    const history = fc.array(fc.record({ required: fc.uniqueArray(party, { minLength: 1, maxLength: 4 }), withdraw: fc.boolean() }), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(history, fc.array(fc.tuple(fc.integer({ min: 1, max: 5 }), party), { maxLength: 20 }), (h, sigs) => {
        const versions = h.map((v, i) => ({ action: (i === 0 ? 'propose' : v.withdraw ? 'withdraw' : 'amend') as VersionAction, required: v.required }));
        const unique = [...new Map(sigs.filter(([v]) => v <= versions.length).map((s) => [`${s[0]}/${s[1]}`, s])).values()];
        const r = record(versions, unique);
        // Oracle: version n binds iff every party it requires, and every party the version in
        // force before it needed, signed n.
        let latest = 0;
        let inForce: string[] = [];
        for (let n = 1; n <= versions.length; n++) {
          const needed = new Set([...versions[n - 1]!.required, ...inForce]);
          const signed = new Set(unique.filter(([v]) => v === n).map(([, p]) => p));
          if ([...needed].every((p) => signed.has(p))) {
            latest = n;
            inForce = [...needed];
          }
        }
        const status = statusOf(r);
        if (latest === 0) assert.equal(status.state, 'proposed');
        else {
          assert.equal(status.version, latest);
          assert.equal(status.state, versions[latest - 1]!.action === 'withdraw' ? 'withdrawn' : 'effective');
        }
      }),
      { numRuns: 2000, seed: 5 },
    );
  });
});
