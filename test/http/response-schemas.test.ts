/**
 * The F3548 response schemas the HTTP suites validate against: they accept what the standard
 * allows (the hidden OVN, the null subscription id, unknown fields) and reject what it
 * forbids, so a passing HTTP test means a conforming body and not a vacuous check.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SCHEMA_NAMES, assertMatches } from '../support/f3548-schemas.js';

const time = { value: '2030-01-01T12:00:00.000Z', format: 'RFC3339' };
const reference = {
  id: '2f8343be-6482-4d1b-a474-16847e01af1e',
  manager: 'uss-alice',
  uss_availability: 'Unknown',
  version: 1,
  state: 'Accepted',
  ovn: 'Available from USS',
  time_start: time,
  time_end: time,
  uss_base_url: 'https://alice.example.com/utm',
  subscription_id: '00000000-0000-4000-8000-000000000000',
};

describe('F3548 response schemas', () => {
  it('compiles every named schema', () => {
    for (const name of SCHEMA_NAMES) {
      assert.throws(() => assertMatches(name, 'not an object'), /does not match/, `${name} refuses a string`);
    }
  });

  it('accepts a reference with the hidden OVN, no OVN, the null subscription id and unknown fields', () => {
    assertMatches('OperationalIntentReference', reference);
    const { ovn: _ovn, ...withoutOvn } = reference;
    assertMatches('OperationalIntentReference', { ...withoutOvn, x_vendor: true });
  });

  it('rejects a reference missing a required field, with a bad enum, UUID, OVN length or time', () => {
    const broken: Record<string, unknown> = {
      'no manager': { ...reference, manager: undefined },
      'state Ended': { ...reference, state: 'Ended' },
      'availability down (lower case)': { ...reference, uss_availability: 'down' },
      'a non-v4 id': { ...reference, id: '2f8343be-6482-1d1b-a474-16847e01af1e' },
      'an OVN of 15 characters': { ...reference, ovn: 'x'.repeat(15) },
      'an OVN of 129 characters': { ...reference, ovn: 'x'.repeat(129) },
      'a time with an offset': { ...reference, time_start: { value: '2030-01-01T13:00:00+01:00', format: 'RFC3339' } },
      'a time without format': { ...reference, time_end: { value: time.value } },
      'version 0': { ...reference, version: 0 },
      'a trailing slash in uss_base_url': { ...reference, uss_base_url: 'https://alice.example.com/utm/' },
    };
    for (const [name, body] of Object.entries(broken)) {
      assert.throws(() => assertMatches('OperationalIntentReference', JSON.parse(JSON.stringify(body))), /does not match/, name);
    }
  });

  it('requires a string subscription version and a non-negative notification index', () => {
    const subscription = { id: reference.id, version: 'v1-abc', notification_index: 0, uss_base_url: reference.uss_base_url };
    assertMatches('Subscription', subscription);
    assert.throws(() => assertMatches('Subscription', { ...subscription, version: 3 }), /does not match/);
    assert.throws(() => assertMatches('Subscription', { ...subscription, notification_index: -1 }), /does not match/);
  });

  it('requires at least one subscription per subscriber to notify', () => {
    assertMatches('SubscriberToNotify', { uss_base_url: 'https://bob.example.com', subscriptions: [{ subscription_id: reference.id, notification_index: 2 }] });
    assert.throws(() => assertMatches('SubscriberToNotify', { uss_base_url: 'https://bob.example.com', subscriptions: [] }), /does not match/);
  });

  it('checks the availability answer and the error report shapes', () => {
    assertMatches('UssAvailabilityStatusResponse', { status: { uss: 'uss-alice', availability: 'Unknown' }, version: '' });
    assert.throws(() => assertMatches('UssAvailabilityStatusResponse', { status: { uss: 'uss-alice', availability: 'Up' }, version: '' }), /does not match/);
    const exchange = { url: 'https://x', method: 'GET', recorder_role: 'Client', request_time: time };
    assertMatches('ErrorReport', { report_id: 'r1', exchange });
    assert.throws(() => assertMatches('ErrorReport', { exchange: { ...exchange, recorder_role: 'Peer' } }), /does not match/);
  });
});
