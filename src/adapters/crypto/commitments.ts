/** The log's salts and commitments (app/ports/commitments.ts) from node:crypto. */
import { createHash, randomFillSync } from 'node:crypto';
import type { Commitments } from '../../app/ports/commitments.js';

const SALT_BYTES = 32;
/** One CSPRNG call fills this many salts (a call costs as much as a hundred slices). */
const POOL_SALTS = 128;
const pool = Buffer.alloc(SALT_BYTES * POOL_SALTS);
let used = pool.length;

export const cryptoCommitments: Commitments = {
  salt() {
    if (used === pool.length) {
      randomFillSync(pool);
      used = 0;
    }
    // A copy: the pool is refilled later, and a salt must never change.
    const salt = Buffer.from(pool.subarray(used, used + SALT_BYTES));
    used += SALT_BYTES;
    return salt;
  },
  commit(salt, content) {
    return createHash('sha256').update(salt).update(content).digest();
  },
  digest(bytes) {
    return createHash('sha256').update(bytes).digest();
  },
};
