/** The agreements repository over InMemoryState (see repositories.ts for the pattern). */
import type { AgreementReader, AgreementRepository } from '../../../app/ports/store.js';
import type { AgreementRecord, AgreementSignature, AgreementVersion } from '../../../domain/agreements/agreement.js';
import type { Zone } from '../../../domain/agreements/zone-rules.js';
import type { Volume4D } from '../../../domain/geo/volume-4d.js';
import type { InMemoryState } from './state.js';
import { assertOpen, type Scope, type UnitOfWork } from './unit-of-work.js';

export class AgreementsView implements AgreementReader {
  constructor(protected readonly state: InMemoryState, protected readonly scope: Scope) {}

  async get(id: string): Promise<AgreementRecord | undefined> {
    assertOpen(this.scope);
    return this.state.agreements.get(id);
  }

  async list(): Promise<AgreementRecord[]> {
    assertOpen(this.scope);
    return this.state.agreements.list();
  }

  async zonesMeeting(extents: readonly Volume4D[]): Promise<Zone[]> {
    assertOpen(this.scope);
    return this.state.agreements.zonesMeeting(extents);
  }
}

export class AgreementsTx extends AgreementsView implements AgreementRepository {
  constructor(state: InMemoryState, private readonly unit: UnitOfWork) {
    super(state, unit);
  }

  // The table refuses what would corrupt a history (a gap, a second signature); the use cases
  // check first and explain. The proposal is kept as given: it is never re-read from the document.
  async putVersion(version: AgreementVersion): Promise<void> {
    const table = this.state.agreements;
    this.unit.change(
      () => table.putVersion(version),
      (previous) => table.restore(version.agreementId, previous),
      (p) => p.putAgreementVersion(version),
    );
  }

  async putSignature(signature: AgreementSignature): Promise<void> {
    const table = this.state.agreements;
    this.unit.change(
      () => table.putSignature(signature),
      (previous) => table.restore(signature.agreementId, previous),
      (p) => p.putAgreementSignature(signature),
    );
  }
}
