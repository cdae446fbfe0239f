/**
 * The agent's embedded store (the AgentStore port, app/agent/agent-store.ts): one SQLite file
 * per agent, every call committed on its own, FULL sync by default, locked to one process.
 * It stores and finds; it never decides what a pending write's outcome was (reconcile does).
 */
export { openAgentStore, type AgentStoreOptions } from './agent-sqlite-store.js';
export { CorruptRowError } from './stored-json.js';
