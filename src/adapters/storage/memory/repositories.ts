import type {
  AvailabilityReader,
  AvailabilityRecord,
  AvailabilityRepository,
  CheckpointRecord,
  ConstraintReader,
  ConstraintRecord,
  ConstraintRepository,
  DeclarationReader,
  DeclarationRecord,
  DeclarationRepository,
  IntentReader,
  IntentRecord,
  IntentRepository,
  IntentSearch,
  LogEntry,
  LogEntryInput,
  LogReader,
  LogRepository,
  ReportRecord,
  ReportRepository,
  SpatialSearch,
  StoreReader,
  StoreTx,
  SubscriptionReader,
  SubscriptionRecord,
  SubscriptionRepository,
  SubscriptionSearch,
} from '../../../app/ports/store.js';
import type { Volume4D } from '../../../domain/geo/volume-4d.js';
import type { ConstraintId, IntentId, PartyId, ReportId, SubscriptionId } from '../../../domain/ids.js';
import { findInTable, findSubscriptions } from './search.js';
import type { InMemoryState } from './state.js';
import { assertOpen, type Scope, type UnitOfWork } from './unit-of-work.js';
import { packRecord } from './packed-extents.js';
import { AgreementsTx, AgreementsView } from './agreement-repositories.js';

/*
 * The port's repositories over InMemoryState. Readers check that their scope is still open;
 * writers record every change in the unit of work (undo, then persistence).
 * Methods are async so that every failure reaches the caller as a rejection.
 */

class IntentsView implements IntentReader {
  constructor(protected readonly state: InMemoryState, protected readonly scope: Scope) {}

  async get(id: IntentId): Promise<IntentRecord | undefined> {
    assertOpen(this.scope);
    return this.state.intents.byId.get(id);
  }

  async findIntersecting(area: readonly Volume4D[], search: IntentSearch): Promise<IntentRecord[]> {
    assertOpen(this.scope);
    const exclude = search.exclude;
    if (exclude === undefined) return findInTable(this.state.intents, area, { limit: search.limit });
    const { id: excludedId, ovns } = exclude;
    // The index keeps each intent's current OVN as its tag: no record is read to skip one.
    return findInTable(this.state.intents, area, {
      limit: search.limit,
      skip: (id, ovn) => id === excludedId || (ovns !== undefined && ovn !== undefined && ovns.has(ovn)),
    });
  }

  async listBySubscription(id: SubscriptionId): Promise<IntentId[]> {
    assertOpen(this.scope);
    return this.state.intentIdsOf(id);
  }
}

class IntentsTx extends IntentsView implements IntentRepository {
  constructor(state: InMemoryState, private readonly unit: UnitOfWork) {
    super(state, unit);
  }

  async put(record: IntentRecord): Promise<void> {
    // One packed copy, shared by memory and the SQLite row; the index takes the volumes as given.
    const volumes = record.extents;
    record = packRecord(record);
    const state = this.state;
    this.unit.change(
      () => state.putIntent(record, volumes),
      (previous) => state.restoreIntent(record.id, previous),
      (p, previous) => p.putIntent(record, previous),
    );
  }

  async delete(id: IntentId): Promise<void> {
    assertOpen(this.unit);
    const state = this.state;
    if (!state.intents.byId.has(id)) return;
    this.unit.change(
      () => state.deleteIntent(id),
      (previous) => state.restoreIntent(id, previous),
      (p, previous) => previous !== undefined && p.deleteIntent(previous),
    );
  }
}

class ConstraintsView implements ConstraintReader {
  constructor(protected readonly state: InMemoryState, protected readonly scope: Scope) {}

  async get(id: ConstraintId): Promise<ConstraintRecord | undefined> {
    assertOpen(this.scope);
    return this.state.constraints.byId.get(id);
  }

  async findIntersecting(area: readonly Volume4D[], search: SpatialSearch): Promise<ConstraintRecord[]> {
    assertOpen(this.scope);
    return findInTable(this.state.constraints, area, { limit: search.limit });
  }
}

class ConstraintsTx extends ConstraintsView implements ConstraintRepository {
  constructor(state: InMemoryState, private readonly unit: UnitOfWork) {
    super(state, unit);
  }

  async put(record: ConstraintRecord): Promise<void> {
    // One packed copy, shared by memory and the SQLite row; the index takes the volumes as given.
    const volumes = record.extents;
    record = packRecord(record);
    const table = this.state.constraints;
    this.unit.change(
      () => table.put(record, volumes),
      (previous) => table.restore(record.id, previous),
      (p, previous) => p.putConstraint(record, previous),
    );
  }

  async delete(id: ConstraintId): Promise<void> {
    assertOpen(this.unit);
    const table = this.state.constraints;
    if (!table.byId.has(id)) return;
    this.unit.change(
      () => table.delete(id),
      (previous) => table.restore(id, previous),
      (p, previous) => previous !== undefined && p.deleteConstraint(previous),
    );
  }
}

class SubscriptionsView implements SubscriptionReader {
  constructor(protected readonly state: InMemoryState, protected readonly scope: Scope) {}

  async get(id: SubscriptionId): Promise<SubscriptionRecord | undefined> {
    assertOpen(this.scope);
    return this.state.subscriptions.byId.get(id);
  }

  async findIntersecting(area: readonly Volume4D[], search: SubscriptionSearch): Promise<SubscriptionRecord[]> {
    assertOpen(this.scope);
    return findSubscriptions(this.state.subscriptions, area, search);
  }
}

class SubscriptionsTx extends SubscriptionsView implements SubscriptionRepository {
  constructor(state: InMemoryState, private readonly unit: UnitOfWork) {
    super(state, unit);
  }

  async put(record: SubscriptionRecord): Promise<void> {
    // One packed copy, shared by memory and the SQLite row; the index takes the volumes as given.
    const volumes = record.extents;
    record = packRecord(record);
    const table = this.state.subscriptions;
    this.unit.change(
      () => table.put(record, volumes),
      (previous) => table.restore(record.id, previous),
      (p, previous) => p.putSubscription(record, previous),
    );
  }

  async delete(id: SubscriptionId): Promise<void> {
    assertOpen(this.unit);
    const table = this.state.subscriptions;
    if (!table.byId.has(id)) return;
    this.unit.change(
      () => table.delete(id),
      (previous) => table.restore(id, previous),
      (p, previous) => previous !== undefined && p.deleteSubscription(previous),
    );
  }
}

class AvailabilityView implements AvailabilityReader {
  constructor(protected readonly state: InMemoryState, protected readonly scope: Scope) {}

  async get(ussId: PartyId): Promise<AvailabilityRecord | undefined> {
    assertOpen(this.scope);
    return this.state.availability.get(ussId);
  }
}

class AvailabilityTx extends AvailabilityView implements AvailabilityRepository {
  constructor(state: InMemoryState, private readonly unit: UnitOfWork) {
    super(state, unit);
  }

  async put(record: AvailabilityRecord): Promise<void> {
    const state = this.state;
    this.unit.change(
      () => state.putAvailability(record),
      (previous) => state.restoreAvailability(record.ussId, previous),
      (p) => p.putAvailability(record),
    );
  }
}

class ReportsTx implements ReportRepository {
  constructor(private readonly state: InMemoryState, private readonly unit: UnitOfWork) {}

  async get(id: ReportId): Promise<ReportRecord | undefined> {
    assertOpen(this.unit);
    return this.state.reports.get(id);
  }

  async put(record: ReportRecord): Promise<void> {
    const state = this.state;
    this.unit.change(
      () => state.putReport(record),
      (previous) => state.restoreReport(record.id, previous),
      (p) => p.putReport(record),
    );
  }
}

class DeclarationsView implements DeclarationReader {
  constructor(protected readonly state: InMemoryState, protected readonly scope: Scope) {}

  async live(party: PartyId, nowMs: number): Promise<DeclarationRecord[]> {
    assertOpen(this.scope);
    const out: DeclarationRecord[] = [];
    for (const d of this.state.declarations.byId.values()) if (d.party === party && d.expiresAtMs > nowMs) out.push(d);
    return out.sort((a, b) => a.createdAtMs - b.createdAtMs);
  }

  async findIntersecting(
    area: readonly Volume4D[],
    search: { readonly party: PartyId; readonly nowMs: number; readonly limit: number },
  ): Promise<DeclarationRecord[]> {
    assertOpen(this.scope);
    return findInTable(this.state.declarations, area, {
      limit: search.limit,
      accept: (d) => d.party === search.party && d.expiresAtMs > search.nowMs,
    });
  }
}

class DeclarationsTx extends DeclarationsView implements DeclarationRepository {
  constructor(state: InMemoryState, private readonly unit: UnitOfWork) {
    super(state, unit);
  }

  async put(record: DeclarationRecord): Promise<void> {
    const volumes = record.extents;
    const table = this.state.declarations;
    // Not persisted: a declaration lives ten minutes; its log entry is what lasts.
    this.unit.change(
      () => table.put(record, volumes),
      (previous) => table.restore(record.id, previous),
    );
  }

  async delete(id: string): Promise<void> {
    assertOpen(this.unit);
    const table = this.state.declarations;
    if (!table.byId.has(id)) return;
    this.unit.change(
      () => table.delete(id),
      (previous) => table.restore(id, previous),
    );
  }
}

class LogView implements LogReader {
  constructor(protected readonly state: InMemoryState, protected readonly scope: Scope) {}

  size(): number {
    assertOpen(this.scope);
    return this.state.log.size;
  }

  root(size: number): Uint8Array {
    assertOpen(this.scope);
    return this.state.log.tree.root(size);
  }

  inclusionProof(index: number, size: number): Uint8Array[] {
    assertOpen(this.scope);
    return this.state.log.tree.inclusionProof(index, size);
  }

  consistencyProof(from: number, to: number): Uint8Array[] {
    assertOpen(this.scope);
    return this.state.log.tree.consistencyProof(from, to);
  }

  async entries(start: number, limit: number): Promise<LogEntry[]> {
    assertOpen(this.scope);
    return this.state.log.entries(start, limit);
  }

  async latestCheckpoint(): Promise<CheckpointRecord | undefined> {
    assertOpen(this.scope);
    return this.state.log.latestCheckpoint;
  }
}

class LogTx extends LogView implements LogRepository {
  constructor(state: InMemoryState, private readonly unit: UnitOfWork) {
    super(state, unit);
  }

  async append(input: LogEntryInput): Promise<number> {
    const log = this.state.log;
    const entry: LogEntry = { ...input, index: log.size };
    this.unit.change(
      () => log.append(entry),
      () => log.truncate(entry.index),
      (p) => p.appendLogEntry(entry),
    );
    return entry.index;
  }

  async saveCheckpoint(checkpoint: CheckpointRecord): Promise<void> {
    const log = this.state.log;
    this.unit.change(
      () => log.putCheckpoint(checkpoint),
      (previous) => log.restoreCheckpoint(previous),
      (p) => p.putCheckpoint(checkpoint),
    );
  }
}

/** Read-only views of `state`, usable while `scope` is open. */
export function createReader(state: InMemoryState, scope: Scope): StoreReader {
  return {
    intents: new IntentsView(state, scope),
    constraints: new ConstraintsView(state, scope),
    subscriptions: new SubscriptionsView(state, scope),
    availability: new AvailabilityView(state, scope),
    declarations: new DeclarationsView(state, scope),
    agreements: new AgreementsView(state, scope),
    log: new LogView(state, scope),
  };
}

/** Repositories whose changes go through `unit`. */
export function createTx(state: InMemoryState, unit: UnitOfWork): StoreTx {
  return {
    intents: new IntentsTx(state, unit),
    constraints: new ConstraintsTx(state, unit),
    subscriptions: new SubscriptionsTx(state, unit),
    availability: new AvailabilityTx(state, unit),
    reports: new ReportsTx(state, unit),
    declarations: new DeclarationsTx(state, unit),
    agreements: new AgreementsTx(state, unit),
    log: new LogTx(state, unit),
  };
}
