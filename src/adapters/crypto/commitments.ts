/** The log's salts and commitments (app/ports/commitments.ts) from node:crypto. */
import { hash } from 'node:crypto';
import type { Commitments } from '../../app/ports/commitments.js';
import { RandomPool } from './random-pool.js';

const SALT_BYTES = 32;
const pool = new RandomPool(SALT_BYTES * 128);
let scratch = Buffer.alloc(4096);

export const cryptoCommitments: Commitments = {
  salt() {
    // A copy: the pool is refilled later, and a salt must never change.
    return Buffer.from(pool.take(SALT_BYTES));
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
