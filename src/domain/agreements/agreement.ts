/**
 * Agreements (issue 5): zones the parties define together — protected (no operation may enter),
 * restricted (the named parties may not enter), designated (only the named parties may plan
 * inside). An agreement is a history of versions; each version is one canonical document
 * (RFC 8785 JSON) that binds only once every party of its quorum has signed those very bytes.
 */
import type { Volume4D } from '../geo/volume-4d.js';

export const ZONE_KINDS = ['protected_zone', 'restricted_zone', 'designated_zone'] as const;
export type ZoneKind = (typeof ZONE_KINDS)[number];

/** A first proposal, a change of the terms, or the end of the agreement. */
export const VERSION_ACTIONS = ['propose', 'amend', 'withdraw'] as const;
export type VersionAction = (typeof VERSION_ACTIONS)[number];

export interface Proposal {
  readonly kind: ZoneKind;
  readonly title: string;
  readonly volumes: readonly Volume4D[];
  /** Restricted: who may not enter; designated: who alone may plan inside; protected: unused (binds all). */
  readonly appliesTo: readonly string[];
  readonly requiredSigners: readonly string[];
  /** When the zone binds, once in force: [fromMs, toMs], both instants included (as every interval here). */
  readonly effective: { readonly fromMs: number; readonly toMs: number };
}

export interface AgreementVersion {
  readonly agreementId: string;
  /** 1, 2, 3…: version 1 proposes, later ones amend or withdraw. */
  readonly version: number;
  readonly action: VersionAction;
  /** The terms of this version; for a withdrawal, the terms withdrawn. */
  readonly proposal: Proposal;
  /** The canonical document every signer signs (its UTF-8 bytes, exactly). */
  readonly document: string;
  /** SHA-256 of the document's bytes, lower-case hex. */
  readonly sha256: string;
  /** The party that put this version forward (its signature is among the version's). */
  readonly proposer: string;
  readonly createdAtMs: number;
}

export interface AgreementSignature {
  readonly agreementId: string;
  readonly version: number;
  readonly party: string;
  /** The compact JWS whose payload is the version's document, signed with one of the party's keys. */
  readonly jws: string;
  readonly signedAtMs: number;
}

/** Everything ever said of one agreement: every version, every valid signature, in order. */
export interface AgreementRecord {
  readonly id: string;
  readonly versions: readonly AgreementVersion[];
  readonly signatures: readonly AgreementSignature[];
}
