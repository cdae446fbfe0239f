/** OVNs and ids from the operating system's CSPRNG. */
import { randomUUID } from 'node:crypto';
import type { IdSource } from '../../app/ports/id-source.js';
import { RandomPool } from '../crypto/random-pool.js';

const OVN_BYTES = 24;
const pool = new RandomPool(OVN_BYTES * 170);

export const cryptoIdSource: IdSource = {
  // 24 random bytes → 32 base64url characters: unguessable, within F3548's 16–128.
  ovn: () => pool.take(OVN_BYTES).toString('base64url'),
  uuid: () => randomUUID(),
};
