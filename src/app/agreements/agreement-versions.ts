/**
 * Putting a version of an agreement on record (issue 5): a first proposal, an amendment or a
 * withdrawal, each a canonical document its proposer signed; and adding another party's
 * signature over a version's document. Every version and signature is kept and logged; when the
 * latest complete version changes, the agreement comes into force, changes or ends — in the
 * same unit of work, with its constraint reference (publish-zone.ts).
 */
import type { AgreementRecord, AgreementVersion, Proposal, VersionAction } from '../../domain/agreements/agreement.js';
import { quorumOf, statusOf, stewardsOf, type AgreementStatus } from '../../domain/agreements/quorum.js';
import { boundVolumes } from '../../domain/agreements/zone-rules.js';
import { DomainError, invalidInput } from '../../domain/errors.js';
import type { ConstraintId, PartyId } from '../../domain/ids.js';
import type { BrokerContext, Caller } from '../broker-context.js';
import { recordChange } from '../log/record-change.js';
import type { StoreTx } from '../ports/store.js';
import { publishZone } from './publish-zone.js';

/** A version's document as read and checked at the edge (adapters/agreements/agreement-document.ts). */
export interface VersionDocument {
  readonly agreementId: string;
  readonly version: number;
  readonly action: VersionAction;
  readonly proposal: Proposal;
  readonly text: string;
  readonly sha256: string;
}

/** Who may appear in an agreement: the parties of the broker's parties file. */
export interface KnownParties {
  has(id: string): boolean;
}

export async function submitVersion(
  ctx: BrokerContext,
  caller: Caller,
  parties: KnownParties,
  submission: { readonly document: VersionDocument; readonly jws: string },
): Promise<AgreementRecord> {
  const { document, jws } = submission;
  const nowMs = ctx.clock.nowMs();
  const { proposal } = document;
  // A withdrawal repeats terms already accepted: a party since gone, or a window since passed,
  // must not make them impossible to withdraw.
  if (document.action !== 'withdraw') {
    checkParties(proposal.requiredSigners, 'proposal.required_signers', parties);
    checkParties(proposal.appliesTo, 'proposal.applies_to', parties);
    if (proposal.effective.toMs <= nowMs) {
      throw invalidInput('proposal.effective.to', `has passed (${new Date(proposal.effective.toMs).toISOString()}): the zone would never bind`);
    }
    // A volume whose own times miss the effective window would only pretend to bind.
    proposal.volumes.forEach((volume, i) => {
      if (boundVolumes({ volumes: [volume], effective: proposal.effective }).length === 0) {
        throw invalidInput(`proposal.volumes[${i}]`, 'its times lie outside the effective window: it would never bind');
      }
    });
  }
  return ctx.store.transact(async (tx) => {
    const existing = await tx.agreements.get(document.agreementId);
    const last = existing?.versions.at(-1);
    if (document.version === 1 && existing !== undefined) {
      throw new DomainError('already_exists', `Agreement ${document.agreementId} exists; amend or withdraw it with version ${(last?.version ?? 0) + 1}`);
    }
    // Its zone will be published under the same id: it must not be a USS's constraint.
    if (document.version === 1 && (await tx.constraints.get(document.agreementId as ConstraintId)) !== undefined) {
      throw new DomainError('already_exists', `${document.agreementId} is the id of a constraint; choose another id for the agreement`, { field: 'agreement_id' });
    }
    if (document.version > 1) {
      if (existing === undefined || last === undefined) throw new DomainError('not_found', `No agreement ${document.agreementId}`);
      if (document.version !== last.version + 1) {
        throw new DomainError('version_mismatch', `Agreement ${document.agreementId} is at version ${last.version}: the next is ${last.version + 1}, not ${document.version}`, { field: 'version' });
      }
      if (statusOf(existing).state === 'withdrawn') {
        throw new DomainError('version_mismatch', `Agreement ${document.agreementId} is withdrawn; propose a new agreement instead`);
      }
      const stewards = stewardsOf(existing);
      if (!stewards.includes(caller.id)) {
        throw new DomainError('not_manager', `Only a party whose signature the agreement needs (${stewards.join(', ')}) may amend or withdraw it`);
      }
      if (document.action === 'withdraw' && !sameTerms(document.proposal, last.proposal)) {
        throw invalidInput('proposal', `a withdrawal repeats the terms it withdraws: those of version ${last.version}`);
      }
    }
    const before = existing === undefined ? undefined : statusOf(existing);
    const version: AgreementVersion = {
      agreementId: document.agreementId,
      version: document.version,
      action: document.action,
      proposal,
      document: document.text,
      sha256: document.sha256,
      proposer: caller.id,
      createdAtMs: nowMs,
    };
    await tx.agreements.putVersion(version);
    await tx.agreements.putSignature({ agreementId: version.agreementId, version: version.version, party: caller.id, jws, signedAtMs: nowMs });
    const record = (await tx.agreements.get(document.agreementId)) as AgreementRecord;
    const concerns = concernedParties(record);
    await recordChange(ctx, tx, {
      kind: 'agreement.version',
      by: caller.id,
      concerns,
      subject: { id: version.agreementId, version: version.version, action: version.action, document_sha256: version.sha256, zone: proposal.kind, title: proposal.title },
    }, nowMs);
    await afterChange(ctx, tx, record, before, concerns, caller.id, nowMs);
    return record;
  });
}

export async function signVersion(
  ctx: BrokerContext,
  caller: Caller,
  signature: { readonly agreementId: string; readonly version: number; readonly text: string; readonly jws: string },
): Promise<{ record: AgreementRecord; counted: boolean }> {
  const nowMs = ctx.clock.nowMs();
  return ctx.store.transact(async (tx) => {
    const existing = await tx.agreements.get(signature.agreementId);
    if (existing === undefined) throw new DomainError('not_found', `No agreement ${signature.agreementId}`);
    const version = existing.versions.find((v) => v.version === signature.version);
    if (version === undefined) throw new DomainError('not_found', `Agreement ${signature.agreementId} has no version ${signature.version}`);
    const latest = existing.versions.at(-1) as AgreementVersion;
    if (version.version !== latest.version) {
      throw new DomainError('version_mismatch', `Version ${version.version} of agreement ${signature.agreementId} is superseded by version ${latest.version}: sign that one`, { field: 'version' });
    }
    if (signature.text !== version.document) {
      throw invalidInput('signature', `signs other bytes than the document of version ${version.version} (sha256 ${version.sha256})`);
    }
    if (existing.signatures.some((s) => s.version === version.version && s.party === caller.id)) {
      throw new DomainError('already_exists', `${caller.id} has already signed version ${version.version} of agreement ${signature.agreementId}`);
    }
    const counted = quorumOf(existing, version.version).includes(caller.id);
    const before = statusOf(existing);
    await tx.agreements.putSignature({ agreementId: version.agreementId, version: version.version, party: caller.id, jws: signature.jws, signedAtMs: nowMs });
    const record = (await tx.agreements.get(signature.agreementId)) as AgreementRecord;
    const concerns = concernedParties(record);
    await recordChange(ctx, tx, {
      kind: 'agreement.signature',
      by: caller.id,
      concerns,
      subject: { id: version.agreementId, version: version.version, document_sha256: version.sha256, counted },
    }, nowMs);
    await afterChange(ctx, tx, record, before, concerns, caller.id, nowMs);
    return { record, counted };
  });
}

/** When the latest complete version changed: log what now stands, and publish or unpublish the zone. */
async function afterChange(
  ctx: BrokerContext,
  tx: StoreTx,
  record: AgreementRecord,
  before: AgreementStatus | undefined,
  concerns: readonly PartyId[],
  by: string,
  nowMs: number,
): Promise<void> {
  const after = statusOf(record);
  if (after.version === before?.version) return;
  await recordChange(ctx, tx, {
    kind: 'agreement.status',
    by: by as PartyId,
    concerns,
    subject: { id: record.id, state: after.state, version: after.version ?? null },
  }, nowMs);
  await publishZone(ctx, tx, record.id, after, nowMs);
}

/** Every party named by any version: its signers, those it applies to, its proposers. */
function concernedParties(record: AgreementRecord): PartyId[] {
  const parties = new Set<string>();
  for (const v of record.versions) {
    parties.add(v.proposer);
    for (const p of v.proposal.requiredSigners) parties.add(p);
    for (const p of v.proposal.appliesTo) parties.add(p);
  }
  return [...parties].sort() as PartyId[];
}

function checkParties(list: readonly string[], field: string, parties: KnownParties): void {
  list.forEach((id, i) => {
    if (!parties.has(id)) throw invalidInput(`${field}[${i}]`, `"${id}" is not a party of this broker`);
  });
}

/** Two versions' terms are the same (as parsed from their documents). */
export function sameTerms(a: Proposal, b: Proposal): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
