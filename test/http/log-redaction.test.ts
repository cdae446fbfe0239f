/**
 * Need-to-know applies to logs: the broker logs one decision line per use case with ids,
 * codes and field names, never tokens, OVNs or volumes.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { pino } from 'pino';
import { REDACT_PATHS } from '../../src/log/logger.js';
import { SC } from '../support/broker-harness.js';
import { createIntent, flightVolume, oirPath, putIntentBody, startBroker, ussClient } from '../support/wire.js';

function captureLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter((l) => l !== ''));
      done();
    },
  });
  const logger = pino({ level: 'debug', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
  return { logger, lines };
}

test('the broker logs decisions with ids and codes, never tokens, OVNs or coordinates', async (t) => {
  const { logger, lines } = captureLogger();
  const broker = await startBroker(t, { logger });
  const blue = await ussClient(broker, 'blue', [SC]);
  const red = await ussClient(broker, 'red', [SC]);
  const volume = flightVolume({ lat: 47.123456, lng: 8.654321 });
  const intent = await createIntent(blue, putIntentBody({ extents: [volume] }));
  const conflict = await red.put(oirPath(crypto.randomUUID()), putIntentBody({ extents: [volume] }));
  assert.equal(conflict.status, 409);
  const garbage = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJtYWxsb3J5In0.c2lnbmF0dXJl';
  await broker.app.inject({ method: 'GET', url: oirPath(intent.id), headers: { authorization: `Bearer ${garbage}` } });
  const blueToken = await broker.token('blue', [SC]);
  await broker.app.inject({ method: 'GET', url: oirPath(intent.id), headers: { authorization: `Bearer ${blueToken}` } });

  const text = lines.join('\n');
  assert.match(text, /"msg":"intent\.accepted"/);
  assert.match(text, /"code":"airspace_conflict".*"msg":"intent\.rejected"/);
  assert.match(text, /"code":"unauthenticated"/);
  assert.ok(text.includes(intent.id), 'ids are logged');
  assert.ok(intent.ovn !== undefined, 'the manager sees its OVN');
  for (const secret of [intent.ovn, garbage, blueToken, '47.123456', '8.654321']) {
    assert.ok(!text.includes(secret), `the log must not contain ${secret.slice(0, 12)}…`);
  }
});
