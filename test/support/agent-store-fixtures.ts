/** Shared by the agent store's tests: temporary stores, file edits behind the store's back, records. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import Database from 'better-sqlite3';
import type { AgentStore, ConstraintRecord, OperationRecord } from '../../src/app/agent/agent-store.js';
import { openAgentStore, type AgentStoreOptions } from '../../src/adapters/storage/agent/agent-sqlite-store.js';

export const T0 = Date.UTC(2025, 5, 1, 12);

export function tempPath(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-agent-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'agent', 'agent.sqlite');
}

export function openTemp(t: TestContext, options: Partial<AgentStoreOptions> = {}): { store: AgentStore; path: string } {
  const path = tempPath(t);
  const store = openAgentStore({ path, ...options });
  t.after(() => store.close());
  return { store, path };
}

/** Edits the file behind the store's back (the store must be closed). */
export function editFile(path: string, sql: string): void {
  const db = new Database(path);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

/** A record JSON.stringify would carry unchanged (for the child process). */
export function plainRecord(id: string, overrides: Partial<OperationRecord> = {}): OperationRecord {
  return {
    id,
    version: 1,
    ovn: `ovn-${id}`,
    state: 'Accepted',
    priority: 0,
    volumes: [
      {
        footprint: { kind: 'circle', center: { lat: 47.1, lng: 8.5 }, radiusM: 250 },
        altitudeLowerM: 500,
        altitudeUpperM: 620,
        startMs: T0,
        endMs: T0 + 600_000,
      },
    ],
    offNominalVolumes: [],
    details: { callsign: 'HB-A1' },
    subscriptionId: '',
    conflicts: [],
    createdAtMs: T0,
    updatedAtMs: T0,
    ...overrides,
  };
}

//   polygon (-0 longitude on the prime meridian)      circle
//   (47.3,-0)---(47.3,0.01)                              .-.
//       |            |                                  ( o ) r = 120.5 m
//   (47.29,-0)--(47.29,0.01)                             '-'
export function fullRecord(id = 'op-full'): OperationRecord {
  return {
    id,
    version: 7,
    ovn: 'ovn-7f3a',
    state: 'Nonconforming',
    priority: 3,
    volumes: [
      {
        footprint: {
          kind: 'polygon',
          vertices: [
            { lat: 47.3, lng: -0 },
            { lat: 47.3, lng: 0.01 },
            { lat: 47.29, lng: 0.01 },
            { lat: 47.29, lng: -0 },
          ],
        },
        altitudeLowerM: 0.1 + 0.2, // not a short decimal: must come back bit for bit
        altitudeUpperM: 150,
        startMs: T0,
        endMs: T0 + 1_800_000,
      },
      {
        footprint: { kind: 'circle', center: { lat: -33.8688, lng: 151.2093 }, radiusM: 120.5 },
        altitudeLowerM: -12.25,
        altitudeUpperM: 1e-7,
        startMs: T0 + 60_000,
        endMs: T0 + 120_000,
      },
    ],
    offNominalVolumes: [
      {
        footprint: { kind: 'circle', center: { lat: 47.295, lng: 0.005 }, radiusM: 900 },
        altitudeLowerM: 0,
        altitudeUpperM: 300,
        startMs: T0,
        endMs: T0 + 3_600_000,
      },
    ],
    details: {
      callsign: 'Zürich Ω-7 ✈ 空中',
      aircraft_type: 'multirotor',
      mission: { kind: 'survey', waypoints: [[47.3, 8.5], [47.31, 8.51]], notes: ['a', '😀', ''] },
      contact: { name: 'Åsa Ødegård', phone: null, verified: true },
    },
    subscriptionId: 'sub-42',
    conflicts: [
      { intentId: 'other-1', owner: 'uss-b', priority: 5, disclosed: { callsign: 'B-2', altitude: [100, 200] }, preExisting: false },
      { intentId: 'other-2', owner: 'uss-c', priority: undefined, disclosed: {}, preExisting: true },
    ],
    createdAtMs: T0 - 5_000,
    updatedAtMs: T0,
  };
}

export function plainConstraint(id: string, overrides: Partial<ConstraintRecord> = {}): ConstraintRecord {
  return {
    id,
    version: 1,
    ovn: `ovn-${id}`,
    type: 'geozone',
    volumes: [plainRecord(id).volumes[0]!],
    details: { geozone: { identifier: 'LSR-17', restriction: 'PROHIBITED' } },
    createdAtMs: T0,
    updatedAtMs: T0,
    ...overrides,
  };
}
