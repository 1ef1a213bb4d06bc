/**
 * Tripo's HTTP API (https://api.tripo3d.ai/v2/openapi), `Authorization: Bearer tsk_…`, envelope
 * {"code": 0, "data": {…}}; errors {code, message, suggestion} (2000 = concurrency limit, retried
 * like a 429; 2008 = content policy; 2010 = credits). Images go up first (POST /upload, multipart
 * `file` -> data.image_token), then POST /task, GET /task/{id}. Cancel is POST /task/{id}/cancel
 * (UNVERIFIED: not in the SDK sources we had; a 404/405 is read as "no cancel", and we stop polling).
 */
import { createProviderHttp, ProviderHttpError } from './http.ts';
import type { ProviderHttpOptions } from './http.ts';

export type TripoStatus = 'queued' | 'running' | 'success' | 'failed' | 'cancelled' | 'unknown' | 'banned' | 'expired';

export interface TripoTask {
  task_id: string;
  type?: string;
  status: TripoStatus;
  progress?: number;
  output?: { model?: string; base_model?: string; pbr_model?: string; rendered_image?: string };
  running_left_time?: number;
  queuing_num?: number;
  error_code?: number;
  error_msg?: string;
}

interface Envelope<T> {
  code: number;
  data: T;
  message?: string;
}

const BUSY = 2000;

export function tripoClient(options: Omit<ProviderHttpOptions, 'label' | 'authorization'> & { apiKey: string }) {
  const http = createProviderHttp({ ...options, label: 'Tripo', authorization: `Bearer ${options.apiKey}` });
  const busy = (_status: number, body: unknown) => (body as Envelope<unknown> | undefined)?.code === BUSY;
  const unwrap = <T>(status: number, body: Envelope<T> | undefined): T => {
    if (body?.code !== 0 || body.data === undefined) {
      throw new ProviderHttpError(
        'client',
        status,
        `Tripo answered code ${String(body?.code)}${body?.message ? `: ${http.scrub(body.message)}` : ''}`,
        body?.code,
        body,
      );
    }
    return body.data;
  };
  return {
    async upload(bytes: Uint8Array, contentType: string, signal: AbortSignal): Promise<string> {
      const form = new FormData();
      form.append(
        'file',
        new Blob([bytes as Uint8Array<ArrayBuffer>], { type: contentType }),
        contentType === 'image/png' ? 'image.png' : 'image.jpg',
      );
      const res = await http.post<Envelope<{ image_token: string }>>('/upload', { form, signal, busy });
      return unwrap(res.status, res.body).image_token;
    },
    async createTask(body: Record<string, unknown>, signal: AbortSignal): Promise<string> {
      const res = await http.post<Envelope<{ task_id: string }>>('/task', { body, signal, retry: 'rate-limit-only', busy });
      return unwrap(res.status, res.body).task_id;
    },
    async task(id: string, signal: AbortSignal): Promise<TripoTask> {
      const res = await http.get<Envelope<TripoTask>>(`/task/${encodeURIComponent(id)}`, { signal });
      return unwrap(res.status, res.body);
    },
    async cancel(id: string, signal: AbortSignal): Promise<'requested' | 'unsupported'> {
      try {
        const res = await http.post<Envelope<unknown>>(`/task/${encodeURIComponent(id)}/cancel`, { signal, retry: 'rate-limit-only' });
        unwrap(res.status, res.body);
        return 'requested';
      } catch (error) {
        if (error instanceof ProviderHttpError && (error.status === 404 || error.status === 405)) return 'unsupported';
        throw error;
      }
    },
    scrub: http.scrub,
  };
}

export type TripoClient = ReturnType<typeof tripoClient>;
