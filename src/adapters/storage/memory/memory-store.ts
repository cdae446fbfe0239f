import type { Store, StoreReader, StoreTx } from '../../../app/ports/store.js';
import { createReader, createTx } from './repositories.js';
import { InMemoryState } from './state.js';
import { UnitQueue } from './unit-queue.js';

/**
 * A Store that lives only in memory: for tests, demos and benchmarks of the core. Units of
 * work are serialized and all or nothing, as in the SQLite store; nothing survives the process.
 */
export function createMemoryStore(): Store {
  const state = new InMemoryState();
  const queue = new UnitQueue();
  return {
    transact: <T>(work: (tx: StoreTx) => Promise<T>) => queue.transact((unit) => work(createTx(state, unit))),
    read: <T>(work: (reader: StoreReader) => Promise<T>) => queue.read((scope) => work(createReader(state, scope))),
    close: () => queue.close(() => {}),
  };
}
