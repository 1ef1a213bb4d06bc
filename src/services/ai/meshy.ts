/**
 * Meshy adapter: ai-image -> image-to-3d (one image) or multi-image-to-3d (2-4), ai-text ->
 * text-to-3d in preview mode (geometry only). Images go as data URIs. Task ids we store are
 * "<kind>:<meshy id>" so a restart knows which endpoint to poll.
 *
 * States: PENDING -> queued, IN_PROGRESS -> running, SUCCEEDED -> done (model_urls.glb),
 * FAILED -> failed (content_refused when the message is about moderation, provider_busy for
 * "The server is busy", provider_failed otherwise), CANCELED -> failed. No cancel endpoint.
 * Cost (Meshy credits, Meshy 6): image/multi-image 20 without texture, 30 with; text preview 20.
 */
import type { MeshyClient, MeshyKind } from '../../repositories/ai/meshy-client.ts';
import type { AiProvider, AiTaskRequest, AiTaskStatus } from './provider.ts';
import { clampProgress, dataUri, MODERATION_PATTERN } from './provider.ts';

export const MESHY_RESULT_HOSTS = ['assets.meshy.ai', '*.meshy.ai'];

export function meshyProvider(client: MeshyClient, options: { resultHosts?: readonly string[] } = {}): AiProvider {
  return {
    name: 'meshy',
    maxConcurrentTasks: 10,
    resultHosts: options.resultHosts ?? MESHY_RESULT_HOSTS,
    supports: () => true,

    async create(request: AiTaskRequest, signal) {
      const common = {
        ai_model: 'latest',
        topology: 'triangle',
        target_polycount: request.targetPolycount,
        should_remesh: true,
        symmetry_mode: 'auto',
        moderation: true,
      };
      let kind: MeshyKind;
      let body: Record<string, unknown>;
      if (request.kind === 'text') {
        kind = 'text-to-3d';
        body = { mode: 'preview', prompt: request.prompt ?? '', ...common };
      } else if (request.images.length > 1) {
        kind = 'multi-image-to-3d';
        body = { image_urls: request.images.slice(0, 4).map(dataUri), should_texture: request.texture, ...common };
      } else {
        kind = 'image-to-3d';
        body = { image_url: dataUri(request.images[0]), should_texture: request.texture, ...common };
      }
      const id = await client.create(kind, body, signal);
      const cost = request.kind === 'text' ? 20 : request.texture ? 30 : 20;
      return { taskId: `${kind}:${id}`, cost };
    },

    async status(taskId, signal): Promise<AiTaskStatus> {
      const [kind, id] = splitTaskId(taskId);
      const task = await client.task(kind, id, signal);
      switch (task.status) {
        case 'PENDING':
          return { state: 'queued', progress: clampProgress(task.progress, 0) };
        case 'IN_PROGRESS':
          return { state: 'running', progress: clampProgress(task.progress, 10) };
        case 'SUCCEEDED': {
          const url = task.model_urls?.glb;
          if (!url)
            return { state: 'failed', progress: 100, failure: { code: 'provider_failed', message: 'Meshy finished without a GLB model' } };
          return { state: 'done', progress: 100, resultUrl: url };
        }
        case 'CANCELED':
          return { state: 'failed', progress: 0, failure: { code: 'provider_failed', message: 'Meshy cancelled the task' } };
        default: {
          const message = client.scrub(task.task_error?.message ?? 'no reason given');
          const code = MODERATION_PATTERN.test(message)
            ? 'content_refused'
            : /server is busy/i.test(message)
              ? 'provider_busy'
              : 'provider_failed';
          return { state: 'failed', progress: 0, failure: { code, message: `Meshy: ${message}` } };
        }
      }
    },

    cancel: async () => 'unsupported',
  };
}

function splitTaskId(taskId: string): [MeshyKind, string] {
  const at = taskId.indexOf(':');
  const kind = taskId.slice(0, at) as MeshyKind;
  if (at < 0 || !['image-to-3d', 'multi-image-to-3d', 'text-to-3d'].includes(kind)) throw new Error('Meshy: unreadable stored task id');
  return [kind, taskId.slice(at + 1)];
}
