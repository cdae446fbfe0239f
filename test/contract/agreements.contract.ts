/**
 * The agreements part of the Store contract: records in first-proposed order, all-or-nothing
 * units, the integrity checks the store itself makes (consecutive versions, one signature per
 * party and version), and the zones in force as zonesMeeting() finds them; every check also
 * after a reopen for durable stores.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgreementRecord } from '../../src/domain/agreements/agreement.js';
import type { Volume4D } from '../../src/domain/geo/volume-4d.js';
import { agreementSignature as sig, agreementVersion as version, proposal, zoneOf } from './agreement-fixtures.js';
import { HOUR, T0, box } from './store-fixtures.js';
import type { ContractContext } from './units-of-work.contract.js';

const MINUTE = 60_000;

export function describeAgreementContract(ctx: ContractContext): void {
  describe('agreements', () => {
    const meeting = (extents: readonly Volume4D[]) => ctx.store.read((r) => r.agreements.zonesMeeting(extents));

    it('putVersion() and putSignature() build each record in order; list() keeps first-proposed order', async () => {
      await ctx.store.transact(async (tx) => {
        await tx.agreements.putVersion(version('zulu', 1));
        await tx.agreements.putSignature(sig('zulu', 1, 'a'));
        // A unit sees its own changes.
        assert.deepEqual((await tx.agreements.get('zulu'))?.signatures, [sig('zulu', 1, 'a')]);
      });
      await ctx.store.transact(async (tx) => {
        await tx.agreements.putVersion(version('alpha', 1, { proposer: 'b' }));
        await tx.agreements.putSignature(sig('alpha', 1, 'b'));
        await tx.agreements.putVersion(version('zulu', 2, { proposal: proposal({ title: 'Helipad, wider' }) }));
        await tx.agreements.putSignature(sig('zulu', 2, 'b'));
        await tx.agreements.putSignature(sig('zulu', 1, 'b'));
      });
      const zulu: AgreementRecord = {
        id: 'zulu',
        versions: [version('zulu', 1), version('zulu', 2, { proposal: proposal({ title: 'Helipad, wider' }) })],
        signatures: [sig('zulu', 1, 'a'), sig('zulu', 2, 'b'), sig('zulu', 1, 'b')],
      };
      const alpha: AgreementRecord = { id: 'alpha', versions: [version('alpha', 1, { proposer: 'b' })], signatures: [sig('alpha', 1, 'b')] };
      await ctx.checkTwice(() =>
        ctx.store.read(async (r) => {
          assert.deepEqual(await r.agreements.get('zulu'), zulu);
          assert.deepEqual(await r.agreements.get('alpha'), alpha);
          assert.equal(await r.agreements.get('nothing'), undefined);
          assert.deepEqual(await r.agreements.list(), [zulu, alpha]);
        }),
      );
    });

    it('a version or signature added by a unit that throws is not kept, and read() never sees it', async () => {
      await ctx.store.transact(async (tx) => {
        await tx.agreements.putVersion(version('ag', 1));
        await tx.agreements.putSignature(sig('ag', 1, 'a'));
      });
      const before = await ctx.store.read((r) => r.agreements.list());
      let sawPut!: () => void;
      const putDone = new Promise<void>((resolve) => (sawPut = resolve));
      const failing = ctx.store.transact(async (tx) => {
        await tx.agreements.putSignature(sig('ag', 1, 'b')); // completes the quorum
        await tx.agreements.putVersion(version('ag', 2));
        await tx.agreements.putVersion(version('other', 1));
        assert.equal((await tx.agreements.zonesMeeting([box()])).length, 1);
        sawPut();
        await new Promise((resolve) => setTimeout(resolve, 30));
        throw new Error('refused');
      });
      await putDone;
      assert.deepEqual(await ctx.store.read((r) => r.agreements.list()), before);
      await assert.rejects(failing, /refused/);
      // Among concurrent units, the failing one alone is undone.
      const settled = await Promise.allSettled([
        ctx.store.transact((tx) => tx.agreements.putVersion(version('second', 1))),
        ctx.store.transact(async (tx) => {
          await tx.agreements.putVersion(version('lost', 1));
          await tx.agreements.putSignature(sig('ag', 1, 'b'));
          throw new Error('refused too');
        }),
        ctx.store.transact((tx) => tx.agreements.putVersion(version('third', 1))),
      ]);
      assert.deepEqual(settled.map((s) => s.status), ['fulfilled', 'rejected', 'fulfilled']);
      await ctx.checkTwice(async () => {
        const list = await ctx.store.read((r) => r.agreements.list());
        assert.deepEqual(list.map((a) => a.id), ['ag', 'second', 'third']);
        assert.deepEqual(list[0], before[0]);
        assert.deepEqual(await meeting([box()]), []);
      });
    });

    it('putVersion() refuses a version that does not follow the last one', async () => {
      const refused = (v: number, id = 'ag') => assert.rejects(ctx.store.transact((tx) => tx.agreements.putVersion(version(id, v))), /Cannot store version/);
      await refused(2, 'new');
      await refused(0, 'new');
      await ctx.store.transact((tx) => tx.agreements.putVersion(version('ag', 1)));
      await refused(1);
      await refused(3);
      await ctx.store.transact((tx) => tx.agreements.putVersion(version('ag', 2)));
      await ctx.checkTwice(async () => {
        const record = await ctx.store.read((r) => r.agreements.get('ag'));
        assert.deepEqual(record?.versions.map((v) => v.version), [1, 2]);
        assert.deepEqual((await ctx.store.read((r) => r.agreements.list())).map((a) => a.id), ['ag']);
      });
    });

    it('putSignature() refuses a second signature of a party on one version, and one on a missing version', async () => {
      await ctx.store.transact(async (tx) => {
        await tx.agreements.putVersion(version('ag', 1));
        await tx.agreements.putSignature(sig('ag', 1, 'a'));
      });
      const refused = (s: ReturnType<typeof sig>) => assert.rejects(ctx.store.transact((tx) => tx.agreements.putSignature(s)), /Cannot store a signature/);
      await refused({ ...sig('ag', 1, 'a'), jws: 'another.jws.value' });
      await refused(sig('ag', 2, 'a'));
      await refused(sig('nothing', 1, 'a'));
      await ctx.store.transact((tx) => tx.agreements.putSignature(sig('ag', 1, 'c')));
      await ctx.checkTwice(async () => {
        const record = await ctx.store.read((r) => r.agreements.get('ag'));
        assert.deepEqual(record?.signatures, [sig('ag', 1, 'a'), sig('ag', 1, 'c')]);
      });
    });

    it('zonesMeeting() finds nothing with no agreements, or before the quorum has signed; the zone once it has', async () => {
      assert.deepEqual(await meeting([box()]), []);
      const v1 = version('ag', 1);
      await ctx.store.transact((tx) => tx.agreements.putVersion(v1));
      assert.deepEqual(await meeting([box()]), []);
      await ctx.store.transact((tx) => tx.agreements.putSignature(sig('ag', 1, 'a')));
      // A party outside the quorum does not count.
      await ctx.store.transact((tx) => tx.agreements.putSignature(sig('ag', 1, 'c')));
      await ctx.checkTwice(async () => assert.deepEqual(await meeting([box()]), []));
      await ctx.store.transact((tx) => tx.agreements.putSignature(sig('ag', 1, 'b')));
      await ctx.checkTwice(async () => {
        assert.deepEqual(await meeting([box()]), [zoneOf(v1)]);
        assert.deepEqual(await meeting([]), []);
      });
    });

    // The zone: the usual square, 0–120 m, its volume T0..T0+1h cut to the window T0+10min..T0+30min.
    //        T0    +10    +30   +60
    //  vol   |------------------|
    //  zone        |------|
    //  hits  x     ^      ^     x    (touching the window's ends counts; closed intervals)
    it('zonesMeeting() cuts the zone to its effective window and tests footprint, altitude and time', async () => {
      const v1 = version('ag', 1, { proposal: proposal({ effective: { fromMs: T0 + 10 * MINUTE, toMs: T0 + 30 * MINUTE } }) });
      await ctx.store.transact(async (tx) => {
        await tx.agreements.putVersion(v1);
        await tx.agreements.putSignature(sig('ag', 1, 'a'));
        await tx.agreements.putSignature(sig('ag', 1, 'b'));
      });
      const at = (from: number, to: number, spec: Parameters<typeof box>[0] = {}) => box({ ...spec, time: [T0 + from * MINUTE, T0 + to * MINUTE] });
      await ctx.checkTwice(async () => {
        const hits = async (extents: Volume4D[]) => (await meeting(extents)).length;
        assert.equal(await hits([at(0, 60)]), 1);
        assert.equal(await hits([at(0, 9)]), 0);
        assert.equal(await hits([at(0, 10)]), 1);
        assert.equal(await hits([at(30, 40)]), 1);
        assert.equal(await hits([at(31, 60)]), 0);
        assert.equal(await hits([at(15, 20, { alt: [120, 200] })]), 1);
        assert.equal(await hits([at(15, 20, { alt: [120.5, 200] })]), 0);
        assert.equal(await hits([at(15, 20, { lng: 10.03 })]), 0);
        assert.equal(await hits([at(15, 20, { lng: 10.01 })]), 1);
        // Any one extent meeting the zone is enough.
        assert.deepEqual(await meeting([at(31, 60), at(15, 20, { lng: 10.03 }), at(20, 25)]), [zoneOf(v1)]);
      });
    });

    it('zonesMeeting() follows an amendment once complete, and stops after a complete withdrawal', async () => {
      const east = box({ lng: 10.05 });
      const v1 = version('ag', 1);
      const v2 = version('ag', 2, { proposal: proposal({ volumes: [east], title: 'Moved east' }) });
      await ctx.store.transact(async (tx) => {
        await tx.agreements.putVersion(v1);
        await tx.agreements.putSignature(sig('ag', 1, 'a'));
        await tx.agreements.putSignature(sig('ag', 1, 'b'));
        await tx.agreements.putVersion(v2);
        await tx.agreements.putSignature(sig('ag', 2, 'a'));
      });
      // Version 2 lacks b: version 1 still binds, where it was.
      await ctx.checkTwice(async () => {
        assert.deepEqual(await meeting([box()]), [zoneOf(v1)]);
        assert.deepEqual(await meeting([east]), []);
      });
      await ctx.store.transact((tx) => tx.agreements.putSignature(sig('ag', 2, 'b')));
      await ctx.checkTwice(async () => {
        assert.deepEqual(await meeting([box()]), []);
        assert.deepEqual(await meeting([east]), [zoneOf(v2)]);
      });
      const v3 = version('ag', 3, { action: 'withdraw', proposal: v2.proposal, proposer: 'b' });
      await ctx.store.transact(async (tx) => {
        await tx.agreements.putVersion(v3);
        await tx.agreements.putSignature(sig('ag', 3, 'b'));
      });
      assert.deepEqual(await meeting([east]), [zoneOf(v2)]);
      await ctx.store.transact((tx) => tx.agreements.putSignature(sig('ag', 3, 'a')));
      await ctx.checkTwice(async () => {
        assert.deepEqual(await meeting([east]), []);
        assert.deepEqual(await meeting([box()]), []);
        assert.equal((await ctx.store.read((r) => r.agreements.get('ag')))?.versions.length, 3);
      });
    });

    it('zonesMeeting() lists the zones of several agreements in first-proposed order', async () => {
      const later = version('later', 1, { proposal: proposal({ kind: 'restricted_zone', appliesTo: ['uss-bob'] }) });
      const first = version('first', 1);
      const elsewhere = version('elsewhere', 1, { proposal: proposal({ volumes: [box({ lat: 20 })] }) });
      await ctx.store.transact(async (tx) => {
        for (const v of [first, later, elsewhere]) {
          await tx.agreements.putVersion(v);
          await tx.agreements.putSignature(sig(v.agreementId, 1, 'b'));
        }
      });
      await ctx.store.transact(async (tx) => {
        for (const v of [elsewhere, later, first]) await tx.agreements.putSignature(sig(v.agreementId, 1, 'a'));
      });
      await ctx.checkTwice(async () => {
        assert.deepEqual(await meeting([box({ time: [T0, T0 + 2 * HOUR] })]), [zoneOf(first), zoneOf(later)]);
        assert.deepEqual(await meeting([box({ lat: 20 }), box()]), [zoneOf(first), zoneOf(later), zoneOf(elsewhere)]);
      });
    });
  });
}
