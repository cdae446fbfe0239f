/**
 * A plain F3548 USS in tests (not a Parley agent): it puts intents on record at a cluster's
 * broker under its own party and answers GET /uss/v1/operational_intents/{id} with whatever body
 * the test chooses — a well-behaved answer, or a hostile one.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import type { Cluster } from './agent-cluster.js';
import type { WireVolume4D } from './wire.js';

export interface PlainUss {
  readonly url: string;
  /** Puts an Accepted intent with these extents on record; its id. */
  putIntent(extents: readonly WireVolume4D[]): Promise<string>;
}

/** The body of an honest answer: the reference the broker gave, and these details. */
export function detailsAnswer(reference: unknown, details: Record<string, unknown>): string {
  return JSON.stringify({ operational_intent: { reference, details } });
}

export async function startPlainUss(
  t: TestContext,
  cluster: Cluster,
  party: string,
  answer: (reference: unknown, request: IncomingMessage) => string,
  options: { readonly delayMs?: number } = {},
): Promise<PlainUss> {
  const references = new Map<string, unknown>();
  const server = createServer((request, response) => {
    const id = (request.url ?? '').split('/').pop() as string;
    const body = answer(references.get(id), request);
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(body);
    }, options.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    async putIntent(extents) {
      const id = randomUUID();
      const put = await cluster.as(party, `${cluster.brokerUrl}/dss/v1/operational_intent_references/${id}`, {
        method: 'PUT',
        body: { extents, state: 'Accepted', uss_base_url: url },
      });
      assert.equal(put.status, 201, put.text);
      references.set(id, put.body.operational_intent_reference);
      return id;
    },
  };
}
