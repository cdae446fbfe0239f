/**
 * The verifiable log's native API (docs/api.md, "Verifiable log"): the signed checkpoint, the
 * verifier key, inclusion and consistency proofs, and entry pages. Every route needs a token
 * with scope parley.audit; errors are RFC 9457 problem+json naming the parameter.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Caller } from '../../../app/broker-context.js';
import {
  MAX_ENTRIES_PAGE,
  consistencyProofOf,
  currentCheckpoint,
  inclusionProofOf,
  listEntries,
} from '../../../app/log/log-queries.js';
import type { LogSigner } from '../../../app/ports/log-signer.js';
import { SCOPE } from '../../../app/scopes.js';
import { DomainError, invalidInput } from '../../../domain/errors.js';
import type { PartyId } from '../../../domain/ids.js';
import type { HttpDeps } from '../http-deps.js';

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

export function registerLogRoutes(app: FastifyInstance, deps: HttpDeps, signer: LogSigner): void {
  const { ctx } = deps;
  const route = (url: string, summary: string, handler: (request: FastifyRequest, caller: Caller) => Promise<{ type?: string; body: unknown }>) =>
    app.get(url, { schema: { summary, tags: ['verifiable log'], security: [{ bearer: [] }] } }, async (request, reply) => {
      const principal = await deps.authenticator.authenticate(request.headers.authorization, Date.now());
      if (!principal.scopes.has(SCOPE.audit)) throw new DomainError('insufficient_scope', `This operation needs scope ${SCOPE.audit}`);
      const result = await handler(request, { id: principal.sub as PartyId, scopes: principal.scopes });
      if (result.type !== undefined) reply.type(result.type);
      return reply.code(200).send(result.body);
    });

  route('/v1/log/checkpoint', 'The log\'s current checkpoint (C2SP signed note, text/plain)', async () => {
    const checkpoint = await currentCheckpoint(ctx, signer);
    return { type: 'text/plain; charset=utf-8', body: checkpoint.note };
  });

  route('/v1/log/key', 'The checkpoint key: name, C2SP verifier key and public JWK', async () => ({
    body: { name: signer.origin, verifier: signer.verifierKey, jwk: signer.publicJwk },
  }));

  route('/v1/log/proof/inclusion', 'RFC 9162 inclusion proof of entry `index` in the tree of `size` entries', async (request) => {
    const query = queryOf(request);
    const proof = await inclusionProofOf(ctx, { index: integerParam(query, 'index'), size: integerParam(query, 'size') });
    return { body: { index: proof.index, size: proof.size, hashes: proof.hashes.map(b64) } };
  });

  route('/v1/log/proof/consistency', 'RFC 9162 consistency proof between the trees of `from` and `to` entries', async (request) => {
    const query = queryOf(request);
    const proof = await consistencyProofOf(ctx, { from: integerParam(query, 'from'), to: integerParam(query, 'to') });
    return { body: { from: proof.from, to: proof.to, hashes: proof.hashes.map(b64) } };
  });

  route('/v1/log/entries', `Entries from \`start\` (at most \`limit\`, ≤ ${MAX_ENTRIES_PAGE}); salt and content only on those that concern the caller`, async (request, caller) => {
    const query = queryOf(request);
    const start = integerParam(query, 'start');
    const limit = query['limit'] === undefined ? MAX_ENTRIES_PAGE : integerParam(query, 'limit');
    const entries = await listEntries(ctx, caller, { start, limit });
    return {
      body: {
        entries: entries.map((e) =>
          e.salt === undefined
            ? { index: e.index, data: b64(e.data) }
            : { index: e.index, data: b64(e.data), salt: b64(e.salt), content: e.content },
        ),
      },
    };
  });
}

function queryOf(request: FastifyRequest): Record<string, unknown> {
  return (request.query ?? {}) as Record<string, unknown>;
}

/** A query parameter that must be a whole number from 0, written plainly (no sign, exponent or leading zeros). */
function integerParam(query: Record<string, unknown>, name: string): number {
  const raw = query[name];
  if (raw === undefined) throw invalidInput(name, 'is required');
  if (typeof raw !== 'string' || !/^(0|[1-9][0-9]{0,15})$/.test(raw)) throw invalidInput(name, 'must be a whole number from 0, in decimal');
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw invalidInput(name, 'is too large');
  return value;
}
