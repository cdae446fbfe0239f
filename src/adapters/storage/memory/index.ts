/**
 * The in-memory engine behind every store: records by id, spatial indexes, units of work with
 * undo, and the queue that serializes them with group commit. It guarantees that a unit of work
 * is all or nothing in memory; it never touches a disk (durable stores plug in a Persistence
 * and a Committer). `createMemoryStore()` is the Store made of it alone.
 */
export { createMemoryStore } from './memory-store.js';
export { InMemoryState, IndexedTable } from './state.js';
export { UnitOfWork, type Persistence, type Scope } from './unit-of-work.js';
export { UnitQueue, NO_COMMITTER, type Committer, type UnitQueueOptions } from './unit-queue.js';
export { createReader, createTx } from './repositories.js';
