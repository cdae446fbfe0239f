/** The log's salts and commitments (app/ports/commitments.ts) from node:crypto. */
import { hash, randomFillSync } from 'node:crypto';
import type { Commitments } from '../../app/ports/commitments.js';

const SALT_BYTES = 32;
/** One CSPRNG call fills this many salts (a call costs as much as a hundred slices). */
const POOL_SALTS = 128;
const pool = Buffer.alloc(SALT_BYTES * POOL_SALTS);
let used = pool.length;
let scratch = Buffer.alloc(4096);

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
    // salt ‖ content in a reused buffer, then one-shot hashing (small inputs: the call dominates).
    const need = salt.length + Buffer.byteLength(content, 'utf8');
    if (scratch.length < need) scratch = Buffer.alloc(Math.max(need, scratch.length * 2));
    scratch.set(salt, 0);
    scratch.write(content, salt.length, 'utf8');
    return hash('sha256', scratch.subarray(0, need), 'buffer');
  },
  digest(bytes) {
    return hash('sha256', bytes, 'buffer');
  },
};
