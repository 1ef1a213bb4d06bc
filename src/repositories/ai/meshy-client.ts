/**
 * Meshy's HTTP API (https://api.meshy.ai, paths /openapi/...), `Authorization: Bearer msy_…`.
 * Create answers 202 {"result": "<task id>"}; a task is polled at GET /openapi/v{1|2}/<kind>/:id.
 * Meshy has no cancel endpoint: a cancelled job just stops polling.
 */
import { createProviderHttp } from './http.ts';
import type { ProviderHttpOptions } from './http.ts';

export type MeshyKind = 'image-to-3d' | 'multi-image-to-3d' | 'text-to-3d';
export type MeshyStatus = 'PENDING' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'CANCELED';

export interface MeshyTask {
  id: string;
  type?: string;
  status: MeshyStatus;
  progress?: number;
  model_urls?: { glb?: string; fbx?: string; obj?: string; usdz?: string };
  task_error?: { message?: string } | null;
}

const VERSION: Record<MeshyKind, string> = { 'image-to-3d': 'v1', 'multi-image-to-3d': 'v1', 'text-to-3d': 'v2' };

export function meshyClient(options: Omit<ProviderHttpOptions, 'label' | 'authorization'> & { apiKey: string }) {
  const http = createProviderHttp({ ...options, label: 'Meshy', authorization: `Bearer ${options.apiKey}` });
  // Meshy answers 429 for both request rate and TooManyPendingTasks: both mean "not created, try later".
  return {
    async create(kind: MeshyKind, body: Record<string, unknown>, signal: AbortSignal): Promise<string> {
      const res = await http.post<{ result?: string }>(`/openapi/${VERSION[kind]}/${kind}`, { body, signal, retry: 'rate-limit-only' });
      if (typeof res.body?.result !== 'string' || !res.body.result) throw new Error('Meshy: the create answer has no task id');
      return res.body.result;
    },
    async task(kind: MeshyKind, id: string, signal: AbortSignal): Promise<MeshyTask> {
      return (await http.get<MeshyTask>(`/openapi/${VERSION[kind]}/${kind}/${encodeURIComponent(id)}`, { signal })).body;
    },
    scrub: http.scrub,
  };
}

export type MeshyClient = ReturnType<typeof meshyClient>;
