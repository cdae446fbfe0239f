/**
 * The broker's agreement API as the CLI calls it (GET and POST /v1/agreements…), authenticated
 * as one party, and the check that a version the broker shows is self-consistent: its document
 * reads as a canonical agreement document of that very agreement, version and action, and hashes
 * to the `document_sha256` shown beside it. A refusal from the broker becomes an Error carrying
 * its detail (problem+json) or message (F3548 body).
 */
import { readDocument, type AgreementDocument, type DocumentRules } from '../agreements/agreement-document.js';

export interface SignatureWire {
  readonly party: string;
  readonly signed_at: string;
  readonly counted: boolean;
  readonly signature: string;
}

export interface VersionWire {
  readonly version: number;
  readonly action: string;
  readonly proposer: string;
  readonly created_at: string;
  readonly document: string;
  readonly document_sha256: string;
  readonly quorum: readonly string[];
  readonly complete: boolean;
  readonly signatures: readonly SignatureWire[];
}

export interface AgreementWire {
  readonly id: string;
  readonly state: string;
  readonly version_in_force: number | null;
  readonly binding_now: boolean;
  readonly terms: Readonly<Record<string, unknown>> | null;
  readonly versions: readonly VersionWire[];
}

export interface AgreementBroker {
  get(id: string): Promise<AgreementWire>;
  list(state: string | undefined): Promise<{ agreements: AgreementWire[] }>;
  /** POST /v1/agreements: a new version (1, or latest + 1) whose document the JWS signs. */
  submit(jws: string): Promise<AgreementWire>;
  /** POST /v1/agreements/{id}/signatures: a signature over one version's document. */
  sign(id: string, jws: string): Promise<AgreementWire & { signature: { version: number; party: string; counted: boolean } }>;
}

const TIMEOUT_MS = 30_000;

export function agreementBroker(brokerUrl: URL, token: string): AgreementBroker {
  const base = brokerUrl.toString().replace(/\/+$/, '');
  const call = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new Error(`Cannot reach the broker at ${base}: ${(error as Error).message}`);
    }
    const text = await response.text();
    if (!response.ok) throw new Error(`The broker refused ${method} ${path} (${response.status}): ${refusal(text)}`);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new Error(`The broker answered ${method} ${path} with something other than JSON`);
    }
  };
  const path = (id: string) => `/v1/agreements/${encodeURIComponent(id)}`;
  return {
    get: async (id) => agreementOf(await call('GET', path(id)), `GET ${path(id)}`),
    list: async (state) => {
      const answer = await call<{ agreements?: unknown }>('GET', `/v1/agreements${state === undefined ? '' : `?state=${encodeURIComponent(state)}`}`);
      if (!Array.isArray(answer.agreements)) throw new Error('The broker answered GET /v1/agreements without an "agreements" list');
      return { agreements: answer.agreements.map((a) => agreementOf(a, 'GET /v1/agreements')) };
    },
    submit: async (jws) => agreementOf(await call('POST', '/v1/agreements', { signature: jws }), 'POST /v1/agreements'),
    sign: async (id, jws) => {
      const answer = await call<AgreementWire & { signature: { version: number; party: string; counted: boolean } }>('POST', `${path(id)}/signatures`, { signature: jws });
      agreementOf(answer, `POST ${path(id)}/signatures`);
      return answer;
    },
  };
}

/**
 * The document of a version as the broker showed it, read and checked: refuses (throws) when
 * the bytes are not a valid canonical document of this agreement, version and action, or do not
 * hash to the sha256 shown — what a signer sees must be what it signs.
 */
export function checkedDocument(agreementId: string, version: VersionWire, rules: DocumentRules): AgreementDocument {
  const where = `version ${version.version} of agreement ${agreementId}`;
  let document: AgreementDocument;
  try {
    document = readDocument(version.document, rules);
  } catch (error) {
    throw new Error(`Refusing ${where}: the broker showed a document that does not read as one (${(error as Error).message})`);
  }
  if (document.sha256 !== version.document_sha256) {
    throw new Error(`Refusing ${where}: the broker showed inconsistent bytes (document sha256 ${document.sha256}, shown as ${version.document_sha256})`);
  }
  if (document.agreementId !== agreementId || document.version !== version.version || document.action !== version.action) {
    throw new Error(
      `Refusing ${where}: its document says agreement ${document.agreementId} version ${document.version} (${document.action}), ` +
        `the broker says ${agreementId} version ${version.version} (${version.action})`,
    );
  }
  return document;
}

/** The broker's words for a refusal: problem+json `detail`, F3548 `message`, or the start of the body. */
function refusal(text: string): string {
  try {
    const body = JSON.parse(text) as { detail?: unknown; message?: unknown };
    if (typeof body.detail === 'string') return body.detail;
    if (typeof body.message === 'string') return body.message;
  } catch {
    // not JSON: show the text
  }
  return text.slice(0, 300) || '(no body)';
}

/** Just enough shape checking that the commands can rely on what they read. */
function agreementOf(value: unknown, what: string): AgreementWire {
  const a = value as Partial<AgreementWire> | null;
  const ok =
    typeof a === 'object' && a !== null && typeof a.id === 'string' && typeof a.state === 'string' && Array.isArray(a.versions) &&
    a.versions.every((v) => typeof v === 'object' && v !== null && typeof v.document === 'string' && Array.isArray(v.signatures) && Array.isArray(v.quorum));
  if (!ok) throw new Error(`The broker answered ${what} with something that is not an agreement`);
  return a as AgreementWire;
}
