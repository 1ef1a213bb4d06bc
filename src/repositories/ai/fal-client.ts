/**
 * fal's queue API (https://queue.fal.run), `Authorization: Key $FAL_KEY`. Submit POST /{model_id}
 * -> {request_id, response_url, status_url, cancel_url}; status GET …/status -> {status: IN_QUEUE |
 * IN_PROGRESS | COMPLETED, queue_position}; result GET response_url (which may be an error body,
 * e.g. 422 {detail}); cancel PUT …/cancel -> CANCELLATION_REQUESTED | ALREADY_COMPLETED | NOT_FOUND.
 *
 * The returned URLs use the root app id (fal-ai/hunyuan3d/v2 -> fal-ai/hunyuan3d/requests/…), so
 * we keep the path of response_url (relative to our configured queue base) as the task id and
 * derive status and cancel from it. A returned URL on another origin is not followed (our key
 * must only ever go to the configured base): the path is then built from the root app id.
 */
import { createProviderHttp, ProviderHttpError } from './http.ts';
import type { ProviderHttpOptions } from './http.ts';

export type FalQueueStatus = 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED';

export interface FalStatus {
  status: FalQueueStatus;
  queue_position?: number;
}

export type FalResult = { ok: true; body: Record<string, unknown> } | { ok: false; status: number; message: string };

export function falClient(options: Omit<ProviderHttpOptions, 'label' | 'authorization'> & { apiKey: string }) {
  const http = createProviderHttp({ ...options, label: 'fal', authorization: `Key ${options.apiKey}` });
  const base = new URL(`${http.baseUrl}/`);

  /** The request's path under the base, from the returned response_url when it is ours. */
  function requestPath(modelId: string, answer: { request_id?: string; response_url?: string }): string {
    if (answer.response_url) {
      try {
        const url = new URL(answer.response_url);
        if (url.origin === base.origin && url.pathname.startsWith(base.pathname))
          return url.pathname.slice(base.pathname.length).replace(/^\/+/, '');
      } catch {
        // fall through to the documented shape
      }
    }
    if (!answer.request_id) throw new Error('fal: the submit answer has no request id');
    const root = modelId.split('/').slice(0, 2).join('/');
    return `${root}/requests/${encodeURIComponent(answer.request_id)}`;
  }

  return {
    async submit(modelId: string, input: Record<string, unknown>, signal: AbortSignal): Promise<string> {
      const res = await http.post<{ request_id?: string; response_url?: string }>(`/${modelId}`, {
        body: input,
        signal,
        retry: 'rate-limit-only',
      });
      return requestPath(modelId, res.body ?? {});
    },
    async status(path: string, signal: AbortSignal): Promise<FalStatus> {
      return (await http.get<FalStatus>(`/${path}/status`, { signal })).body;
    },
    async result(path: string, signal: AbortSignal): Promise<FalResult> {
      try {
        const res = await http.get<Record<string, unknown>>(`/${path}`, { signal });
        return { ok: true, body: res.body ?? {} };
      } catch (error) {
        // COMPLETED is not success: the result may be an error (422 {detail}). Server errors stay errors.
        if (error instanceof ProviderHttpError && (error.kind === 'client' || error.kind === 'auth'))
          return { ok: false, status: error.status, message: describeDetail(error.body, http.scrub) ?? error.message };
        throw error;
      }
    },
    async cancel(path: string, signal: AbortSignal): Promise<string> {
      const res = await http.put<{ status?: string }>(`/${path}/cancel`, { signal, retry: 'rate-limit-only' });
      return res.body?.status ?? 'unknown';
    },
    scrub: http.scrub,
  };
}

/** fal/FastAPI error bodies: {detail: "text"} or {detail: [{msg, type, loc}]}, or {error: …}. */
export function describeDetail(body: unknown, scrub: (s: string) => string): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const record = body as Record<string, unknown>;
  const detail = record.detail ?? record.error;
  if (typeof detail === 'string') return scrub(detail);
  if (Array.isArray(detail)) {
    const parts = detail
      .map((d) =>
        d && typeof d === 'object' ? String((d as Record<string, unknown>).msg ?? (d as Record<string, unknown>).type ?? '') : String(d),
      )
      .filter(Boolean);
    return parts.length > 0 ? scrub(parts.join('; ')) : undefined;
  }
  if (detail && typeof detail === 'object' && typeof (detail as Record<string, unknown>).message === 'string')
    return scrub((detail as Record<string, string>).message);
  return undefined;
}

export type FalClient = ReturnType<typeof falClient>;
