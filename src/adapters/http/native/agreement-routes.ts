/**
 * Agreements (issue 5), for every party of the parties file:
 * POST /v1/agreements `{"signature": JWS}` — a new version (1: a proposal; n+1: an amendment or a
 * withdrawal) whose document is the JWS payload, signed by the caller; POST
 * /v1/agreements/{id}/signatures `{"signature": JWS}` — the caller's signature over a version's
 * document; GET /v1/agreements/{id} with every version and signature; GET /v1/agreements.
 * And, for F3548 clients, GET /uss/v1/constraints/{id}: the zone of an agreement in force.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { signVersion, submitVersion } from '../../../app/agreements/agreement-versions.js';
import { SCOPE } from '../../../app/scopes.js';
import type { AgreementRecord } from '../../../domain/agreements/agreement.js';
import { isComplete, quorumOf, statusOf } from '../../../domain/agreements/quorum.js';
import { DomainError, invalidInput } from '../../../domain/errors.js';
import type { ConstraintId, PartyId } from '../../../domain/ids.js';
import { checkZoneAreas, normalProposal, readDocument } from '../../agreements/agreement-document.js';
import { MAX_JWS_LENGTH, verifyDocumentSignature } from '../../agreements/agreement-signature.js';
import { requireScopes } from '../auth.js';
import { toWireVolume4D } from '../dss-v1/volume-wire.js';
import { parseEntityId } from '../dss-v1/wire/parse-requests.js';
import { readObject, readString } from '../dss-v1/wire/json-read.js';
import { constraintToWire } from '../dss-v1/wire/to-wire.js';
import type { HttpDeps } from '../http-deps.js';

export function registerAgreementRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { ctx, parties } = deps;
  // Documents already on record are read without the area limit: lowering it later must not
  // make their versions impossible to sign or withdraw. New terms are held to it.
  const anyArea = { maxAreaKm2: Number.POSITIVE_INFINITY };
  const newTerms = { maxAreaKm2: ctx.limits.maxAreaKm2 };
  const schema = (summary: string) => ({ schema: { summary, tags: ['agreements'], security: [{ bearer: [] }] } });

  /** The caller, and the document its JWS signs (checked against the caller's own keys). */
  const signed = async (request: FastifyRequest) => {
    const principal = await deps.authenticator.authenticate(request.headers.authorization, Date.now());
    const party = parties.get(principal.sub);
    if (party === undefined) throw new DomainError('not_manager', `${principal.sub} is not a party of this broker: agreements are signed with the keys of the parties file`);
    const jws = readString(readObject(request.body, 'body')['signature'], 'signature', { min: 1, max: MAX_JWS_LENGTH });
    const verified = await verifyDocumentSignature(jws, party.keys);
    if ('problem' in verified) throw invalidInput('signature', `${verified.problem} (${party.id})`);
    return { caller: { id: principal.sub as PartyId, scopes: principal.scopes }, jws, document: readDocument(verified.text, anyArea) };
  };
  const reader = async (request: FastifyRequest) => {
    const principal = await deps.authenticator.authenticate(request.headers.authorization, Date.now());
    if (parties.get(principal.sub) === undefined) throw new DomainError('not_manager', `${principal.sub} is not a party of this broker`);
  };
  const idOf = (request: FastifyRequest) => parseEntityId<string>((request.params as { id: string }).id, 'id');

  app.post('/v1/agreements', schema('Propose an agreement, or amend or withdraw one: a new version, signed by you'), async (request, reply) => {
    const { caller, jws, document } = await signed(request);
    if (document.action !== 'withdraw') checkZoneAreas(document.proposal.volumes, 'proposal', newTerms.maxAreaKm2);
    const record = await submitVersion(ctx, caller, { has: (id) => parties.get(id) !== undefined }, { document, jws });
    request.log.info({ sub: caller.id, id: record.id, version: document.version, action: document.action }, 'agreement.version');
    return reply.code(201).header('location', `/v1/agreements/${record.id}`).send(agreementToWire(record, ctx.clock.nowMs()));
  });

  app.post('/v1/agreements/:id/signatures', schema('Sign a version of an agreement: the JWS payload is its document, byte for byte'), async (request, reply) => {
    const id = idOf(request);
    const { caller, jws, document } = await signed(request);
    if (document.agreementId !== id) throw invalidInput('signature', `signs a document of agreement ${document.agreementId}, not ${id}`);
    const { record, counted } = await signVersion(ctx, caller, { agreementId: id, version: document.version, text: document.text, jws });
    request.log.info({ sub: caller.id, id, version: document.version, counted }, 'agreement.signed');
    return reply.code(201).send({ ...agreementToWire(record, ctx.clock.nowMs()), signature: { version: document.version, party: caller.id, counted } });
  });

  app.get('/v1/agreements/:id', schema('One agreement: what stands, every version, every signature'), async (request, reply) => {
    await reader(request);
    const id = idOf(request);
    const record = await ctx.store.read((r) => r.agreements.get(id));
    if (record === undefined) throw new DomainError('not_found', `No agreement ${id}`);
    return reply.send(agreementToWire(record, ctx.clock.nowMs()));
  });

  app.get('/v1/agreements', schema('Every agreement, as first proposed (?state=proposed|effective|withdrawn)'), async (request, reply) => {
    await reader(request);
    const state = (request.query as { state?: string }).state;
    if (state !== undefined && !['proposed', 'effective', 'withdrawn'].includes(state)) throw invalidInput('state', 'must be proposed, effective or withdrawn');
    const nowMs = ctx.clock.nowMs();
    const all = (await ctx.store.read((r) => r.agreements.list())).map((a) => agreementToWire(a, nowMs));
    return reply.send({ agreements: state === undefined ? all : all.filter((a) => a.state === state) });
  });

  app.get('/uss/v1/constraints/:entityid', { schema: { summary: 'The zone of an agreement in force, as an F3548 constraint (CP or CM)', tags: ['agreements'], security: [{ bearer: [] }] } }, async (request, reply) => {
    const principal = await deps.authenticator.authenticate(request.headers.authorization, Date.now());
    requireScopes({ ...principal, party: undefined }, [[SCOPE.constraintProcessing], [SCOPE.constraintManagement]]);
    const id = parseEntityId<ConstraintId>((request.params as { entityid: string }).entityid, 'entityid');
    const found = await ctx.store.read(async (r) => ({ constraint: await r.constraints.get(id), agreement: await r.agreements.get(id) }));
    const status = found.agreement === undefined ? undefined : statusOf(found.agreement);
    if (found.constraint === undefined || found.constraint.manager !== ctx.self.manager || status?.proposal === undefined) {
      return reply.code(404).send({ message: `No zone ${id} here` });
    }
    const terms = status.proposal;
    return reply.send({
      constraint: {
        reference: constraintToWire(found.constraint, ctx.self.manager, () => 'Normal'),
        details: {
          volumes: found.constraint.extents.map(toWireVolume4D),
          type: `parley.${terms.kind}`,
          parley_agreement: { id, version: status.version, title: terms.title, applies_to: [...terms.appliesTo].sort(), effective: normalProposal(terms)['effective'] },
        },
      },
    });
  });
}

/** An agreement as the API shows it: what stands now, then its whole history. */
export function agreementToWire(record: AgreementRecord, nowMs: number) {
  const status = statusOf(record);
  const inForce = status.proposal !== undefined && status.proposal.effective.fromMs <= nowMs && nowMs <= status.proposal.effective.toMs;
  return {
    id: record.id,
    state: status.state,
    version_in_force: status.version ?? null,
    binding_now: inForce,
    terms: status.proposal === undefined ? null : normalProposal(status.proposal),
    versions: record.versions.map((v) => {
      const quorum = quorumOf(record, v.version);
      return {
        version: v.version,
        action: v.action,
        proposer: v.proposer,
        created_at: new Date(v.createdAtMs).toISOString(),
        document: v.document,
        document_sha256: v.sha256,
        quorum,
        complete: isComplete(record, v.version),
        signatures: record.signatures
          .filter((s) => s.version === v.version)
          .map((s) => ({ party: s.party, signed_at: new Date(s.signedAtMs).toISOString(), counted: quorum.includes(s.party), signature: s.jws })),
      };
    }),
  };
}
