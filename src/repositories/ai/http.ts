/**
 * The one HTTP path to an AI provider's API: plain fetch, JSON, the provider's auth header, a
 * per-request timeout, and retries of 429 and 5xx with exponential backoff and full jitter
 * (bounded attempts, Retry-After honoured). Creating a task retries only 429s (and the provider's
 * own "too busy" codes): after a 5xx we cannot know whether the task exists, and a second create
 * would be a second bill.
 *
 * Secrets: errors carry the status, the provider's error code and a scrubbed message; the key, the
 * base URL and every URL in a provider message are removed before anything leaves this module.
 */
export interface ProviderHttpOptions {
  /** Shown in errors: "Meshy", "Tripo", "fal". */
  label: string;
  baseUrl: string;
  /** The auth header value, e.g. `Bearer msy_…` (never logged, never in an error). */
  authorization: string;
  fetch?: typeof fetch;
  retryAttempts: number;
  retryBaseMs: number;
  /** Upper bound of one backoff wait (Retry-After included), ms. */
  retryMaxMs?: number;
  requestTimeoutMs?: number;
  /** Tests: deterministic jitter. */
  random?: () => number;
}

export type RetryPolicy = 'transient' | 'rate-limit-only';

export interface RequestOptions {
  body?: unknown;
  form?: FormData;
  signal: AbortSignal;
  retry?: RetryPolicy;
  /** Extra predicate: a non-429 answer the provider means as "busy, try later" (Tripo code 2000). */
  busy?: (status: number, body: unknown) => boolean;
}

export type HttpErrorKind = 'rate_limited' | 'server' | 'client' | 'auth' | 'network';

export class ProviderHttpError extends Error {
  override readonly name = 'ProviderHttpError';
  readonly kind: HttpErrorKind;
  readonly status: number;
  readonly providerCode?: string | number;
  readonly body?: unknown;
  constructor(kind: HttpErrorKind, status: number, message: string, providerCode?: string | number, body?: unknown) {
    super(message);
    this.kind = kind;
    this.status = status;
    this.providerCode = providerCode;
    this.body = body;
  }
}

export interface ProviderResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

const URL_PATTERN = /\b(?:https?|wss?|data):[^\s"'<>)]*/gi;

/** Removes the secrets and every URL from text bound for a user or a log line. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join('[redacted]');
  out = out.replace(URL_PATTERN, '[url]');
  return out.length > 300 ? `${out.slice(0, 300)}…` : out;
}

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function retryAfterMs(headers: Headers): number | undefined {
  const raw = headers.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(raw);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

export function createProviderHttp(options: ProviderHttpOptions) {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, '');
  const secrets = [options.authorization, options.authorization.replace(/^\S+\s+/, ''), base, new URL(base).host];
  const random = options.random ?? Math.random;
  const maxWait = options.retryMaxMs ?? 30_000;
  const clean = (text: string) => scrub(text, secrets);

  function backoff(attempt: number, hinted: number | undefined): number {
    if (hinted !== undefined) return Math.min(maxWait, hinted);
    const ceiling = Math.min(maxWait, options.retryBaseMs * 2 ** attempt);
    return Math.round(ceiling / 2 + random() * (ceiling / 2));
  }

  function errorFrom(status: number, body: unknown, busy: boolean): ProviderHttpError {
    const record = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    const code = (record.code ?? (record.error as Record<string, unknown> | undefined)?.code) as string | number | undefined;
    const raw =
      typeof record.message === 'string'
        ? record.message
        : typeof record.detail === 'string'
          ? record.detail
          : typeof body === 'string'
            ? body
            : '';
    const detail = raw ? `: ${clean(raw)}` : '';
    const kind: HttpErrorKind =
      status === 429 || busy ? 'rate_limited' : status >= 500 ? 'server' : status === 401 || status === 403 ? 'auth' : 'client';
    return new ProviderHttpError(
      kind,
      status,
      `${options.label} answered ${status}${code !== undefined ? ` (code ${String(code)})` : ''}${detail}`,
      code,
      body,
    );
  }

  async function once<T>(
    method: string,
    path: string,
    request: RequestOptions,
  ): Promise<ProviderResponse<T> | { retry: ProviderHttpError; hintMs?: number }> {
    const headers: Record<string, string> = { authorization: options.authorization, accept: 'application/json' };
    let payload: BodyInit | undefined;
    if (request.form) payload = request.form;
    else if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(request.body);
    }
    const signals = [request.signal, ...(options.requestTimeoutMs ? [AbortSignal.timeout(options.requestTimeoutMs)] : [])];
    let res: Response;
    try {
      // 'manual', not 'error': workerd refuses redirect 'error' outright (every provider call failed on
      // Workers); a provider API that redirects is refused below all the same.
      res = await doFetch(`${base}${path}`, { method, headers, body: payload, signal: AbortSignal.any(signals), redirect: 'manual' });
    } catch (error) {
      if (request.signal.aborted) throw request.signal.reason;
      const why = (error as Error).name === 'TimeoutError' ? 'timed out' : 'could not be reached';
      return { retry: new ProviderHttpError('network', 0, `${options.label} ${why}`) };
    }
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel().catch(() => undefined);
      throw new ProviderHttpError('client', res.status, `${options.label} answered a redirect, which its API never does`);
    }
    const text = await res.text().catch(() => '');
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const busy = request.busy?.(res.status, body) ?? false;
    if (res.ok && !busy) return { status: res.status, body: body as T, headers: res.headers };
    const error = errorFrom(res.status, body, busy);
    if (error.kind === 'rate_limited' || (error.kind === 'server' && (request.retry ?? 'transient') === 'transient')) {
      return { retry: error, hintMs: retryAfterMs(res.headers) };
    }
    throw error;
  }

  async function send<T>(method: string, path: string, request: RequestOptions): Promise<ProviderResponse<T>> {
    const policy = request.retry ?? 'transient';
    for (let attempt = 0; ; attempt++) {
      const outcome = await once<T>(method, path, request);
      if (!('retry' in outcome)) return outcome;
      // A network error after a create may or may not have created the task: no second create.
      const retriable = outcome.retry.kind === 'rate_limited' || policy === 'transient';
      if (!retriable || attempt + 1 >= options.retryAttempts) throw outcome.retry;
      await abortableSleep(backoff(attempt, outcome.hintMs), request.signal);
    }
  }

  return {
    get: <T>(path: string, request: RequestOptions) => send<T>('GET', path, request),
    post: <T>(path: string, request: RequestOptions) => send<T>('POST', path, request),
    put: <T>(path: string, request: RequestOptions) => send<T>('PUT', path, request),
    delete: <T>(path: string, request: RequestOptions) => send<T>('DELETE', path, request),
    /** Scrubs text the same way errors are scrubbed (for messages taken from task objects). */
    scrub: clean,
    baseUrl: base,
  };
}

export type ProviderHttp = ReturnType<typeof createProviderHttp>;
