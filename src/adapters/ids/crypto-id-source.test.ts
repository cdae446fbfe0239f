import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cryptoIdSource } from './crypto-id-source.js';

describe('cryptoIdSource', () => {
  it('makes distinct 32-character base64url OVNs across many pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const ovn = cryptoIdSource.ovn();
      assert.match(ovn, /^[A-Za-z0-9_-]{32}$/);
      seen.add(ovn);
    }
    assert.equal(seen.size, 20_000);
  });

  it('makes RFC 4122 version 4 UUIDs', () => {
    assert.match(cryptoIdSource.uuid(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
