/**
 * When an agreement binds (DESIGN.md invariant 4): a version is complete when every party of its
 * quorum has a valid signature over its document. The quorum of version v is every party any
 * version up to v required, so nobody can drop a signer, or change or withdraw the terms, alone.
 * The agreement stands as its latest complete version says: in force unless that version
 * withdraws it; nothing binds before a version is complete.
 */
import type { AgreementRecord, AgreementVersion, Proposal } from './agreement.js';

export type AgreementState = 'proposed' | 'effective' | 'withdrawn';

export interface AgreementStatus {
  readonly state: AgreementState;
  /** The latest complete version, if any. */
  readonly version: number | undefined;
  /** The terms in force (state 'effective' only). */
  readonly proposal: Proposal | undefined;
}

/** Every party whose signature version `version` needs. */
export function quorumOf(record: AgreementRecord, version: number): string[] {
  const parties = new Set<string>();
  for (const v of record.versions) if (v.version <= version) for (const p of v.proposal.requiredSigners) parties.add(p);
  return [...parties].sort();
}

/** The quorum parties that have signed this version. */
export function signersOf(record: AgreementRecord, version: number): string[] {
  const quorum = new Set(quorumOf(record, version));
  const signed = new Set(record.signatures.filter((s) => s.version === version && quorum.has(s.party)).map((s) => s.party));
  return [...signed].sort();
}

export function isComplete(record: AgreementRecord, version: number): boolean {
  const quorum = quorumOf(record, version);
  return quorum.length > 0 && signersOf(record, version).length === quorum.length;
}

export function statusOf(record: AgreementRecord): AgreementStatus {
  let latest: AgreementVersion | undefined;
  for (const v of record.versions) if (isComplete(record, v.version) && (latest === undefined || v.version > latest.version)) latest = v;
  if (latest === undefined) return { state: 'proposed', version: undefined, proposal: undefined };
  if (latest.action === 'withdraw') return { state: 'withdrawn', version: latest.version, proposal: undefined };
  return { state: 'effective', version: latest.version, proposal: latest.proposal };
}
