import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { ticketClaimsOf, ticketProblem, type TicketClaims } from '../../domain/tickets/ticket.js';
import { openTicket, publicKeyOf, signTicket, type TicketKey } from './ticket-jws.js';

const key: TicketKey = { kid: 'k1', privateKey: generateKeyPairSync('ed25519').privateKey };
const other: TicketKey = { kid: 'k1', privateKey: generateKeyPairSync('ed25519').privateKey };
const NOW = 2_000_000_000;
const claims: TicketClaims = {
  iss: 'parley-test', sub: 'red', oi: 'intent-1', own: 'blue', ver: 3,
  basis: { kind: 'declaration', id: 'decl-1' }, iat: NOW, exp: NOW + 300, jti: 'ticket-1',
};
const expect = { requester: 'red', intentId: 'intent-1', nowS: NOW + 10 };

describe('intersection tickets', () => {
  it('round-trip: the owner reads back exactly the claims the broker signed', () => {
    const opened = openTicket(signTicket(claims, key), publicKeyOf(key));
    assert.deepEqual(opened, claims);
    assert.equal(ticketProblem(opened as TicketClaims, expect), undefined);
  });

  it('a ticket signed by another key, or altered in any part, is refused', () => {
    const token = signTicket(claims, key);
    assert.equal(openTicket(signTicket(claims, other), publicKeyOf(key)), 'bad_signature');
    const [h, p, s] = token.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'green' })).toString('base64url');
    assert.equal(openTicket(`${h}.${forged}.${s}`, publicKeyOf(key)), 'bad_signature');
    const flipped = Buffer.from(s, 'base64url');
    flipped[10] = flipped[10]! ^ 1;
    assert.equal(openTicket(`${h}.${p}.${flipped.toString('base64url')}`, publicKeyOf(key)), 'bad_signature');
    for (const bad of ['', 'a.b', `${h}.${p}`, `${h}.${p}.${s}.x`, `${h}.${p}.!!`, 'x'.repeat(5000)]) {
      assert.equal(openTicket(bad, publicKeyOf(key)), 'malformed', bad.slice(0, 20));
    }
    const noneHeader = Buffer.from(JSON.stringify({ alg: 'none', typ: 'parley-ticket+jwt' })).toString('base64url');
    assert.equal(openTicket(`${noneHeader}.${p}.${s}`, publicKeyOf(key)), 'malformed');
  });

  it('names why a valid signature still does not entitle this request', () => {
    assert.equal(ticketProblem(claims, { ...expect, nowS: NOW + 306 }), 'expired');
    assert.equal(ticketProblem(claims, { ...expect, nowS: NOW - 60 }), 'not_yet_valid');
    assert.equal(ticketProblem({ ...claims, exp: NOW + 301 }, expect), 'too_long');
    assert.equal(ticketProblem(claims, { ...expect, requester: 'green' }), 'other_requester');
    assert.equal(ticketProblem(claims, { ...expect, intentId: 'intent-2' }), 'other_intent');
    assert.equal(ticketProblem(claims, { ...expect, bases: ['intent', 'subscription'] }), 'basis_not_accepted');
    assert.equal(ticketProblem(claims, { ...expect, bases: ['declaration'] }), undefined);
  });

  it('refuses claims of the wrong shape even when signed', () => {
    for (const bad of [{ ...claims, ver: 0 }, { ...claims, basis: { kind: 'hunch', id: 'x' } }, { ...claims, sub: '' }, { ...claims, exp: -1 }]) {
      assert.equal(openTicket(signTicket(bad as TicketClaims, key), publicKeyOf(key)), 'malformed');
    }
  });

  it('ticketClaimsOf() reads basis priority and km when present, and leaves them out when absent', () => {
    const full = { ...claims, basis: { kind: 'declaration', id: 'decl-1', priority: 7, km: 10.3 } };
    assert.deepEqual(ticketClaimsOf(full)?.basis, { kind: 'declaration', id: 'decl-1', priority: 7, km: 10.3 });
    assert.deepEqual(openTicket(signTicket(full as TicketClaims, key), publicKeyOf(key)), full);
    for (const edge of [{ priority: 0, km: 0 }, { priority: 100, km: 20_040 }]) {
      assert.deepEqual(ticketClaimsOf({ ...claims, basis: { kind: 'declaration', id: 'd', ...edge } })?.basis, { kind: 'declaration', id: 'd', ...edge });
    }
    const bare = ticketClaimsOf({ ...claims, basis: { kind: 'intent', id: 'i-1', extra: 'ignored' } });
    assert.deepEqual(bare?.basis, { kind: 'intent', id: 'i-1' });
    assert.equal(Object.hasOwn(bare?.basis ?? {}, 'priority'), false);
    assert.equal(Object.hasOwn(bare?.basis ?? {}, 'km'), false);
  });

  it('ticketClaimsOf() refuses a basis priority that is not a whole number 0..100, or a km not finite in 0..20040', () => {
    const bad: unknown[] = [
      { priority: -1 }, { priority: 101 }, { priority: 2.5 }, { priority: '7' }, { priority: null },
      { km: -0.1 }, { km: 20_040.1 }, { km: '3' }, { km: null }, { km: Number.NaN }, { km: Number.POSITIVE_INFINITY },
    ];
    for (const extra of bad) {
      const payload = { ...claims, basis: { kind: 'declaration', id: 'decl-1', ...(extra as object) } };
      assert.equal(ticketClaimsOf(payload), undefined, JSON.stringify(extra));
    }
    // Signed, the finite bad values are refused as malformed too.
    const signed = signTicket({ ...claims, basis: { kind: 'declaration', id: 'decl-1', priority: 101 } }, key);
    assert.equal(openTicket(signed, publicKeyOf(key)), 'malformed');
  });
});
