/**
 * One JSON request from an agent to the broker or a peer, with a deadline. Transport failures
 * (refused, reset, DNS, timeout, a body that is not JSON) become a CallFailure that says what
 * happened in words an operator can act on; any HTTP status is returned to the caller to judge.
 */
export class CallFailure extends Error {
  override readonly name = 'CallFailure';
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`${url}: ${reason}`);
  }
}

export interface CallResult {
  readonly status: number;
  /** The parsed JSON body; undefined for an empty body (e.g. 204). */
  readonly body: unknown;
  /** Retry-After in seconds, when the answer gave one as a number. */
  readonly retryAfterS?: number;
}

export interface CallOptions {
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly timeoutMs: number;
}

/** Largest response body read (a query answer can list up to 10,000 references). */
const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export async function callJson(url: string, options: CallOptions): Promise<CallResult> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(url, {
      method: options.method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      signal: AbortSignal.timeout(options.timeoutMs),
      redirect: 'error',
    });
  } catch (error) {
    throw new CallFailure(url, describeFetchError(error, options.timeoutMs));
  }
  let text: string;
  try {
    const length = Number(response.headers.get('content-length') ?? '0');
    if (length > MAX_RESPONSE_BYTES) throw new Error(`answer of ${length} bytes is too large`);
    text = await response.text();
  } catch (error) {
    throw new CallFailure(url, `answer could not be read (${describeFetchError(error, options.timeoutMs)})`);
  }
  if (text.length > MAX_RESPONSE_BYTES) throw new CallFailure(url, 'answer is too large');
  const retryAfter = Number(response.headers.get('retry-after') ?? 'NaN');
  const extra = Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterS: retryAfter } : {};
  if (text === '') return { status: response.status, body: undefined, ...extra };
  try {
    return { status: response.status, body: JSON.parse(text) as unknown, ...extra };
  } catch {
    throw new CallFailure(url, `answered ${response.status} with a body that is not JSON`);
  }
}

/** The `message` (F3548) or `detail` (problem+json) of an error body, if it has one. */
export function messageOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const text = record['detail'] ?? record['message'];
  return typeof text === 'string' ? text.slice(0, 500) : undefined;
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const code = e.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused (is it running?)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host name not found';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset';
  if (code !== undefined) return `network error ${code}`;
  return e.cause?.message ?? e.message ?? 'network error';
}
