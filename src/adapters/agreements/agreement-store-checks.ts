/**
 * What the broker's SQLite store needs to load agreements: the terms read back from each stored
 * document (without today's area limit: they were accepted once), and each stored signature
 * checked again against its party's keys in the parties file — the database alone is not trusted
 * to hold only valid signatures. A signer no longer in the parties file cannot be checked and is
 * kept (the verifiable log records every signature).
 */
import type { PartiesDirectory } from '../../config/parties.js';
import type { AgreementSignature, Proposal } from '../../domain/agreements/agreement.js';
import { readDocument } from './agreement-document.js';
import { signsText } from './agreement-signature.js';

export interface AgreementStoreChecks {
  readonly readAgreementDocument: (document: string) => Proposal;
  readonly checkAgreementSignature: (signature: AgreementSignature, document: string) => string | undefined;
}

export function agreementStoreChecks(parties: PartiesDirectory): AgreementStoreChecks {
  return {
    readAgreementDocument: (document) => readDocument(document, { maxAreaKm2: Number.POSITIVE_INFINITY }).proposal,
    checkAgreementSignature: (signature, document) => {
      const party = parties.get(signature.party);
      if (party === undefined) return undefined;
      return signsText(signature.jws, party.keys, document) ? undefined : `does not verify with ${signature.party}'s keys over the version's document`;
    },
  };
}
