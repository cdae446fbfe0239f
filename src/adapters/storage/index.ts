/**
 * Storage adapters for the Store port (src/app/ports/store.ts). Every adapter keeps the hot
 * state in memory (memory/) and serves every search from there; durable ones (sqlite/) add a
 * write-through log committed in groups. Adapters never hold domain rules: they store and find.
 */
export { createMemoryStore } from './memory/memory-store.js';
export { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.js';
