/**
 * Tripo adapter: ai-image -> image_to_model (one image) or multiview_to_model (files = front,
 * left, back, right; our main image is the front, extra views fill left, back, right; `{}` leaves
 * a slot empty), ai-text -> text_to_model (prompt, negative_prompt). Images are uploaded first.
 *
 * States: queued -> queued, running -> running, success -> done (output.model, else pbr_model,
 * else base_model), banned -> failed content_refused, failed with error_code 2008 -> content_refused,
 * failed/cancelled/expired/unknown -> failed provider_failed. Poll hint: max(2 s, running_left_time / 2).
 * Cost (Tripo credits, H2/H3): image/multiview 20 without texture, 30 with; text 10 / 20.
 */
import type { TripoClient } from '../../repositories/ai/tripo-client.ts';
import type { AiImage, AiProvider, AiTaskRequest, AiTaskStatus } from './provider.ts';
import { clampProgress, MODERATION_PATTERN } from './provider.ts';

export const TRIPO_RESULT_HOSTS = ['*.tripo3d.com', '*.tripo3d.ai'];

const CONTENT_POLICY = 2008;

export function tripoProvider(client: TripoClient, options: { resultHosts?: readonly string[] } = {}): AiProvider {
  const file = async (image: AiImage, signal: AbortSignal) => ({
    type: image.contentType === 'image/png' ? 'png' : 'jpg',
    file_token: await client.upload(image.bytes, image.contentType, signal),
  });
  return {
    name: 'tripo',
    maxConcurrentTasks: 10,
    resultHosts: options.resultHosts ?? TRIPO_RESULT_HOSTS,
    supports: () => true,

    async create(request: AiTaskRequest, signal) {
      const common = { face_limit: request.targetPolycount, texture: request.texture, pbr: false };
      let body: Record<string, unknown>;
      if (request.kind === 'text') {
        body = {
          type: 'text_to_model',
          prompt: request.prompt ?? '',
          ...(request.negativePrompt ? { negative_prompt: request.negativePrompt } : {}),
          ...common,
        };
      } else if (request.images.length > 1) {
        const files: Array<Record<string, unknown>> = [];
        for (let slot = 0; slot < 4; slot++) files.push(request.images[slot] ? await file(request.images[slot], signal) : {});
        body = { type: 'multiview_to_model', files, ...common };
      } else {
        body = { type: 'image_to_model', file: await file(request.images[0], signal), ...common };
      }
      const taskId = await client.createTask(body, signal);
      const cost = request.kind === 'text' ? (request.texture ? 20 : 10) : request.texture ? 30 : 20;
      return { taskId, cost };
    },

    async status(taskId, signal): Promise<AiTaskStatus> {
      const task = await client.task(taskId, signal);
      const hint =
        typeof task.running_left_time === 'number' && task.running_left_time > 0 ? Math.max(2000, task.running_left_time * 500) : undefined;
      switch (task.status) {
        case 'queued':
          return { state: 'queued', progress: clampProgress(task.progress, 0), pollAfterMs: hint };
        case 'running':
          return { state: 'running', progress: clampProgress(task.progress, 10), pollAfterMs: hint };
        case 'success': {
          const url = task.output?.model ?? task.output?.pbr_model ?? task.output?.base_model;
          if (!url)
            return { state: 'failed', progress: 100, failure: { code: 'provider_failed', message: 'Tripo finished without a model' } };
          return { state: 'done', progress: 100, resultUrl: url };
        }
        default: {
          const message = client.scrub(task.error_msg ?? task.status);
          const refused = task.status === 'banned' || task.error_code === CONTENT_POLICY || MODERATION_PATTERN.test(message);
          return {
            state: 'failed',
            progress: 0,
            failure: {
              code: refused ? 'content_refused' : 'provider_failed',
              message: `Tripo: task ${task.status}${task.error_code ? ` (code ${task.error_code})` : ''}: ${message}`,
            },
          };
        }
      }
    },

    async cancel(taskId, signal) {
      return client.cancel(taskId, signal);
    },
  };
}
