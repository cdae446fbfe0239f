/** Agreement versions and signatures to and from SQLite rows (statements run in raw mode). */
import type { AgreementSignature, AgreementVersion, Proposal, VersionAction } from '../../../domain/agreements/agreement.js';
import type { Row } from './row-codecs.js';

/** Reads the terms back from a version's canonical document (the adapter that writes documents owns it). */
export type AgreementDocumentReader = (document: string) => Proposal;
/** Checks a stored signature against the signer's keys; the problem, or undefined when it holds. */
export type AgreementSignatureCheck = (signature: AgreementSignature, document: string) => string | undefined;

export const AGREEMENT_VERSION_COLUMNS = [
  'agreement_id', 'version', 'action', 'document', 'sha256', 'proposer', 'created_at_ms',
] as const;

export function agreementVersionToRow(v: AgreementVersion): Row {
  return [v.agreementId, v.version, v.action, v.document, v.sha256, v.proposer, v.createdAtMs];
}

export function agreementVersionFromRow(row: Row, readDocument: AgreementDocumentReader): AgreementVersion {
  const agreementId = row[0] as string;
  const version = row[1] as number;
  const document = row[3] as string;
  let proposal: Proposal;
  try {
    proposal = readDocument(document);
  } catch (error) {
    throw new Error(`Cannot load version ${version} of agreement "${agreementId}": its document does not read as a proposal`, { cause: error });
  }
  return {
    agreementId,
    version,
    action: row[2] as VersionAction,
    proposal,
    document,
    sha256: row[4] as string,
    proposer: row[5] as string,
    createdAtMs: row[6] as number,
  };
}

export const AGREEMENT_SIGNATURE_COLUMNS = ['agreement_id', 'version', 'party', 'jws', 'signed_at_ms'] as const;

export function agreementSignatureToRow(s: AgreementSignature): Row {
  return [s.agreementId, s.version, s.party, s.jws, s.signedAtMs];
}

export function agreementSignatureFromRow(row: Row): AgreementSignature {
  return {
    agreementId: row[0] as string,
    version: row[1] as number,
    party: row[2] as string,
    jws: row[3] as string,
    signedAtMs: row[4] as number,
  };
}
