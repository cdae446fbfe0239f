/** OVNs and ids from the operating system's CSPRNG. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IdSource } from '../../app/ports/id-source.js';

export const cryptoIdSource: IdSource = {
  // 24 random bytes → 32 base64url characters: unguessable, within F3548's 16–128.
  ovn: () => randomBytes(24).toString('base64url'),
  uuid: () => randomUUID(),
};
