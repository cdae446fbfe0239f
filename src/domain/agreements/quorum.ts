/**
 * When an agreement binds (DESIGN.md invariant 4): a version is complete when every party of its
 * quorum has a valid signature over its document. The quorum of version v is every party v
 * requires and every party the version in force before it required — so nobody can drop a
 * signer, or change or withdraw the terms, alone, and a version that never completed adds
 * nobody to later quorums. Only the latest version can be signed (an earlier one still waiting is
 * superseded), so what was complete stays complete. The agreement stands as its latest complete
 * version says: in force unless that version withdraws it; nothing binds before.
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

/** Quorums already worked out, per record (records are never changed, only replaced). */
const quorums = new WeakMap<AgreementRecord, Map<number, string[]>>();

/** Every party whose signature version `version` needs. */
export function quorumOf(record: AgreementRecord, version: number): string[] {
  let known = quorums.get(record);
  if (known === undefined) quorums.set(record, (known = new Map()));
  const cached = known.get(version);
  if (cached !== undefined) return [...cached];
  const parties = new Set<string>();
  const target = record.versions.find((v) => v.version === version);
  for (const p of target?.proposal.requiredSigners ?? []) parties.add(p);
  const before = latestComplete(record, version - 1);
  for (const p of before?.proposal.requiredSigners ?? []) parties.add(p);
  // What the version in force before needed, it needed in turn from the one before it.
  if (before !== undefined) for (const p of quorumOf(record, before.version)) parties.add(p);
  const quorum = [...parties].sort();
  known.set(version, quorum);
  return [...quorum];
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

/** The latest complete version numbered at most `upTo`. */
export function latestComplete(record: AgreementRecord, upTo = Infinity): AgreementVersion | undefined {
  for (let i = record.versions.length - 1; i >= 0; i--) {
    const v = record.versions[i] as AgreementVersion;
    if (v.version <= upTo && isComplete(record, v.version)) return v;
  }
  return undefined;
}

export function statusOf(record: AgreementRecord): AgreementStatus {
  const latest = latestComplete(record);
  if (latest === undefined) return { state: 'proposed', version: undefined, proposal: undefined };
  if (latest.action === 'withdraw') return { state: 'withdrawn', version: latest.version, proposal: undefined };
  return { state: 'effective', version: latest.version, proposal: latest.proposal };
}

/** Who may put forward the next version: the quorum of the version in force, else of the first. */
export function stewardsOf(record: AgreementRecord): string[] {
  const latest = latestComplete(record);
  return quorumOf(record, latest?.version ?? 1);
}
