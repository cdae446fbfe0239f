/** An AuditSource over a broker's log API, authenticated as one party (scope parley.audit). */
import type { AuditEntry, AuditSource } from './audit-source.js';
import { canonicalJson } from '../../domain/log/canonical-json.js';

export function httpAuditSource(brokerUrl: string, token: string): AuditSource {
  const base = brokerUrl.replace(/\/+$/, '');
  const get = async (path: string): Promise<Response> => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    } catch (error) {
      throw new Error(`Cannot reach the broker at ${base}: ${(error as Error).message}`);
    }
    if (!response.ok) {
      const text = await response.text();
      let detail = text.slice(0, 300);
      try {
        const problem = JSON.parse(text) as { detail?: string };
        if (typeof problem.detail === 'string') detail = problem.detail;
      } catch {
        // not problem+json: keep the text
      }
      throw new Error(`The broker answered GET ${path} with ${response.status}: ${detail}`);
    }
    return response;
  };
  const json = async <T>(path: string): Promise<T> => (await (await get(path)).json()) as T;
  const bytes = (b64: string): Uint8Array => Buffer.from(b64, 'base64');
  return {
    description: base,
    verifierKey: async () => (await json<{ verifier: string }>('/v1/log/key')).verifier,
    checkpoint: async () => (await get('/v1/log/checkpoint')).text(),
    entries: async (start, limit) => {
      const page = await json<{ entries: Array<{ index: number; data: string; salt?: string; content?: unknown }> }>(
        `/v1/log/entries?start=${start}&limit=${limit}`,
      );
      return page.entries.map(
        (e): AuditEntry => ({
          index: e.index,
          data: bytes(e.data),
          ...(e.salt === undefined ? {} : { salt: bytes(e.salt) }),
          ...(e.content === undefined ? {} : { content: canonicalJson(e.content) }),
        }),
      );
    },
    consistencyProof: async (from, to) =>
      (await json<{ hashes: string[] }>(`/v1/log/proof/consistency?from=${from}&to=${to}`)).hashes.map(bytes),
    inclusionProof: async (index, size) =>
      (await json<{ hashes: string[] }>(`/v1/log/proof/inclusion?index=${index}&size=${size}`)).hashes.map(bytes),
  };
}
