/**
 * fal adapter (open models on fal's queue): fal-ai/trellis (default; 2-4 images go to
 * fal-ai/trellis/multi), fal-ai/hunyuan3d/v2, fal-ai/triposr. Image-to-3D only. Images go as data URIs.
 *
 * States: IN_QUEUE -> queued, IN_PROGRESS -> running, COMPLETED -> we fetch the result at once:
 * a model_mesh (or model_glb) URL -> done; an error body -> failed (content_refused when it speaks
 * of safety/moderation, provider_failed otherwise). fal reports no progress: running progress is
 * an estimate that grows with time. Cancel: PUT …/cancel.
 * Cost (US cents): trellis 2, hunyuan3d/v2 16, triposr 7.
 */
import type { FalClient } from '../../repositories/ai/fal-client.ts';
import { describeDetail } from '../../repositories/ai/fal-client.ts';
import type { AiProvider, AiTaskRequest, AiTaskStatus } from './provider.ts';
import { dataUri, MODERATION_PATTERN } from './provider.ts';

export const FAL_MODELS = ['fal-ai/trellis', 'fal-ai/hunyuan3d/v2', 'fal-ai/triposr'] as const;
export const FAL_RESULT_HOSTS = ['fal.media', '*.fal.media', '*.fal.run', '*.fal.ai'];
const COST_CENTS: Record<string, number> = { 'fal-ai/trellis': 2, 'fal-ai/hunyuan3d/v2': 16, 'fal-ai/triposr': 7 };
const SAFETY = /safety|nsfw/i;

export function falProvider(
  client: FalClient,
  options: { model: string; resultHosts?: readonly string[]; clock?: () => number },
): AiProvider {
  const model = (FAL_MODELS as readonly string[]).includes(options.model) ? options.model : 'fal-ai/trellis';
  const clock = options.clock ?? Date.now;
  const runningSince = new Map<string, number>();

  function input(request: AiTaskRequest): { id: string; body: Record<string, unknown> } {
    const uris = request.images.map(dataUri);
    if (model === 'fal-ai/hunyuan3d/v2') return { id: model, body: { input_image_url: uris[0], textured_mesh: request.texture } };
    if (model === 'fal-ai/triposr') return { id: model, body: { image_url: uris[0], output_format: 'glb', do_remove_background: true } };
    if (uris.length > 1) return { id: 'fal-ai/trellis/multi', body: { image_urls: uris.slice(0, 4) } };
    return { id: model, body: { image_url: uris[0] } };
  }

  return {
    name: 'fal',
    // fal documents no queue limit; we keep our own bound so a burst cannot run up a bill.
    maxConcurrentTasks: 20,
    resultHosts: options.resultHosts ?? FAL_RESULT_HOSTS,
    supports: (kind) => kind === 'image',

    async create(request, signal) {
      if (request.kind !== 'image') throw new Error('fal: text-to-3D is not offered by the configured models');
      const { id, body } = input(request);
      const taskId = await client.submit(id, body, signal);
      return { taskId, cost: COST_CENTS[model] ?? 0 };
    },

    async status(taskId, signal): Promise<AiTaskStatus> {
      const status = await client.status(taskId, signal);
      if (status.status === 'IN_QUEUE') return { state: 'queued', progress: 0 };
      if (status.status === 'IN_PROGRESS') {
        const since = runningSince.get(taskId) ?? clock();
        runningSince.set(taskId, since);
        return { state: 'running', progress: Math.round(10 + 80 * (1 - Math.exp(-(clock() - since) / 40_000))) };
      }
      runningSince.delete(taskId);
      const result = await client.result(taskId, signal);
      if (!result.ok) return failed(result.message);
      const error = describeDetail(result.body, client.scrub);
      const mesh = (result.body.model_mesh ?? result.body.model_glb) as { url?: unknown } | undefined;
      if (error || typeof mesh?.url !== 'string') return failed(error ?? 'finished without a model');
      return { state: 'done', progress: 100, resultUrl: mesh.url };
    },

    async cancel(taskId, signal) {
      runningSince.delete(taskId);
      const answer = await client.cancel(taskId, signal);
      return answer === 'CANCELLATION_REQUESTED' ? 'requested' : 'too_late';
    },
  };
}

function failed(message: string): AiTaskStatus {
  const refused = SAFETY.test(message) || MODERATION_PATTERN.test(message);
  return { state: 'failed', progress: 0, failure: { code: refused ? 'content_refused' : 'provider_failed', message: `fal: ${message}` } };
}
