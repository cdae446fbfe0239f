/**
 * Agreement versions and signatures for the store contract. The documents are test-only JSON
 * (not the canonical agreement document): `proposal` holds the domain-shaped terms, which
 * `readTestAgreementDocument` hands back as they are.
 */
import { createHash } from 'node:crypto';
import type {
  AgreementSignature,
  AgreementVersion,
  Proposal,
  VersionAction,
} from '../../src/domain/agreements/agreement.js';
import type { Zone } from '../../src/domain/agreements/zone-rules.js';
import { HOUR, T0, box } from './store-fixtures.js';

/** A protected zone over the contract's usual square (0–120 m, T0..T0+1h), in force all that hour; a and b must sign. */
export function proposal(overrides: Partial<Proposal> = {}): Proposal {
  return {
    kind: 'protected_zone',
    title: 'Hospital helipad',
    volumes: [box()],
    appliesTo: [],
    requiredSigners: ['a', 'b'],
    effective: { fromMs: T0, toMs: T0 + HOUR },
    ...overrides,
  };
}

export function agreementVersion(
  agreementId: string,
  version: number,
  options: { readonly action?: VersionAction; readonly proposal?: Proposal; readonly proposer?: string } = {},
): AgreementVersion {
  const action = options.action ?? (version === 1 ? 'propose' : 'amend');
  const terms = options.proposal ?? proposal();
  const document = JSON.stringify({ agreementId, version, action, proposal: terms });
  return {
    agreementId,
    version,
    action,
    proposal: terms,
    document,
    sha256: createHash('sha256').update(document).digest('hex'),
    proposer: options.proposer ?? 'a',
    createdAtMs: T0 - 10 * HOUR + version,
  };
}

export function agreementSignature(agreementId: string, version: number, party: string): AgreementSignature {
  return {
    agreementId,
    version,
    party,
    jws: `eyJhbGciOiJFZERTQSJ9..sig-${agreementId}-${version}-${party}`,
    signedAtMs: T0 - 9 * HOUR + version,
  };
}

/** The zone a version puts in force. */
export function zoneOf(v: AgreementVersion): Zone {
  const { kind, title, volumes, appliesTo, effective } = v.proposal;
  return { agreementId: v.agreementId, version: v.version, kind, title, volumes, appliesTo, effective };
}

/** The SQLite store's document reader for these test documents. */
export function readTestAgreementDocument(document: string): Proposal {
  return (JSON.parse(document) as { proposal: Proposal }).proposal;
}
