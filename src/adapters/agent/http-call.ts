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
  /** For the whole exchange: connecting, sending, and reading the answer to its end. */
  readonly timeoutMs: number;
  /** Largest answer read; a longer one is cut off and refused (default 32 MiB). */
  readonly maxBytes?: number;
}

/** Largest response body read by default (a query answer can list up to 10,000 references). */
const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export async function callJson(url: string, options: CallOptions): Promise<CallResult> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const maxBytes = options.maxBytes ?? MAX_RESPONSE_BYTES;
  // One deadline for the whole exchange, a peer that drips its answer included. The timer
  // rejects a promise this call awaits: fetch holds its abort listeners only weakly, so after a
  // garbage collection an abort alone could leave this call waiting for ever.
  const controller = new AbortController();
  let expire: (error: CallFailure) => void = () => undefined;
  const expired = new Promise<never>((_resolve, reject) => (expire = reject));
  expired.catch(() => undefined);
  const timer = setTimeout(() => {
    controller.abort(new DOMException('timeout', 'TimeoutError'));
    expire(new CallFailure(url, `no answer within ${options.timeoutMs} ms`));
  }, options.timeoutMs);
  try {
    let response: Response;
    try {
      response = await Promise.race([
        fetch(url, {
          method: options.method,
          headers,
          ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
          signal: controller.signal,
          redirect: 'error',
        }),
        expired,
      ]);
    } catch (error) {
      if (error instanceof CallFailure) throw error;
      throw new CallFailure(url, describeFetchError(error, options.timeoutMs));
    }
    const text = await Promise.race([readBody(url, response, maxBytes, options.timeoutMs), expired]);
    const retryAfter = Number(response.headers.get('retry-after') ?? 'NaN');
    const extra = Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterS: retryAfter } : {};
    if (text === '') return { status: response.status, body: undefined, ...extra };
    try {
      return { status: response.status, body: JSON.parse(text) as unknown, ...extra };
    } catch {
      throw new CallFailure(url, `answered ${response.status} with a body that is not JSON`);
    }
  } finally {
    clearTimeout(timer);
  }
}

/** The answer's text, read chunk by chunk and refused as soon as it passes `maxBytes`. */
async function readBody(url: string, response: Response, maxBytes: number, timeoutMs: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new CallFailure(url, `answer of ${declared} bytes is larger than the ${maxBytes} accepted`);
  }
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new CallFailure(url, `answer is larger than the ${maxBytes} bytes accepted`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof CallFailure) throw error;
    throw new CallFailure(url, `answer could not be read (${describeFetchError(error, timeoutMs)})`);
  }
  return Buffer.concat(chunks).toString('utf8');
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
