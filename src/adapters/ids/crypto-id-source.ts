/** OVNs and ids from the operating system's CSPRNG. */
import { randomFillSync, randomUUID } from 'node:crypto';
import type { IdSource } from '../../app/ports/id-source.js';

const OVN_BYTES = 24;
/** One CSPRNG call fills this many OVNs' bytes (a call costs ~6 µs, as much as 170 slices). */
const POOL_OVNS = 170;
const pool = Buffer.alloc(OVN_BYTES * POOL_OVNS);
let used = pool.length;

export const cryptoIdSource: IdSource = {
  // 24 random bytes → 32 base64url characters: unguessable, within F3548's 16–128.
  ovn: () => {
    if (used === pool.length) {
      randomFillSync(pool);
      used = 0;
    }
    const ovn = pool.toString('base64url', used, used + OVN_BYTES);
    used += OVN_BYTES;
    return ovn;
  },
  uuid: () => randomUUID(),
};
