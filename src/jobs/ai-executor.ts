/**
 * The executor the runner gets: it passes worker modes straight to the pool, and runs AI modes in
 * two stages — the remote generation as an async stage on the main thread (create or resume, poll,
 * guarded download: src/services/ai/generate.ts), then the repair of the provider's GLB on the pool
 * (mode repair, metres and Y-up, scaled to the asked size) -> manifold STL, 3MF, GLB, previews,
 * report. Progress: 0-70 remote, 70-100 repair.
 *
 * Capacity: the pool's threads plus `aiCapacity` jobs waiting on providers, so jobs waiting on a
 * remote task never hold a CPU thread. A worker job claimed beyond the pool's size waits in
 * piscina's queue.
 */
import type { JobsRepository } from '../repositories/jobs.ts';
import type { AiJobParams } from '../services/ai/ai-params.ts';
import { repairParamsFor } from '../services/ai/ai-params.ts';
import type { AiStageDeps } from '../services/ai/generate.ts';
import { REMOTE_SHARE, runRemoteGeneration } from '../services/ai/generate.ts';
import type { AiImage, AiTaskRequest } from '../services/ai/provider.ts';
import type { JobExecutor } from './executor.ts';
import { AI_JOB_MODES } from '../domain/job-modes.ts';
import type { ExecutionOutcome } from './protocol.ts';

export interface AiExecutorDeps {
  /** Undefined when no provider is configured: AI jobs then fail `provider_unavailable` (refunded). */
  stage?: AiStageDeps;
  jobs: Pick<JobsRepository, 'find'>;
  /** The bytes of one of the user's image uploads (extra views). */
  loadUpload(userId: string, uploadId: string): Promise<Uint8Array | undefined>;
  /** AI jobs that may wait on providers at once, besides the pool's own jobs. */
  aiCapacity: number;
  /** Time limit of an AI job: the remote limit plus room for the repair. */
  timeoutMs: number;
}

const isAiMode = (mode: string) => (AI_JOB_MODES as readonly string[]).includes(mode);

export function createAiExecutor(inner: JobExecutor, deps: AiExecutorDeps): JobExecutor {
  return {
    capacity: inner.capacity + (deps.stage ? deps.aiCapacity : 0),
    timeoutMs: (mode) => (isAiMode(mode) ? deps.timeoutMs : inner.timeoutMs?.(mode)),
    stats: () => inner.stats(),
    close: () => inner.close(),

    async execute(request, options): Promise<ExecutionOutcome> {
      if (!isAiMode(request.mode)) return inner.execute(request, options);
      if (!deps.stage)
        return {
          ok: false,
          error: {
            code: 'provider_unavailable',
            message: 'AI jobs need an AI provider; none is configured on this server',
            stage: 'ai-generate',
          },
        };
      const params = request.params as unknown as AiJobParams;
      const job = await deps.jobs.find(request.jobId);
      if (!job) return { ok: false, error: { code: 'internal', message: 'the job vanished before it ran' } };

      let task: AiTaskRequest;
      try {
        task = await taskRequest(request.input, params, job.prompt, job.user_id, deps);
      } catch (error) {
        return { ok: false, error: { code: 'invalid_parameters', message: (error as Error).message, stage: 'ai-input' } };
      }
      const remote = await runRemoteGeneration(deps.stage, job.id, { provider: job.provider, taskId: job.provider_task_id }, task, {
        signal: options.signal,
        onProgress: (stage, percent) => options.onProgress({ stage, percent }),
      });
      if (!remote.ok) return remote;

      const repaired = await inner.execute(
        { jobId: request.jobId, mode: 'repair', params: repairParamsFor(params) as unknown as Record<string, unknown>, input: remote.glb },
        {
          signal: options.signal,
          onProgress: (p) =>
            options.onProgress({ stage: p.stage, percent: REMOTE_SHARE + Math.round((p.percent * (100 - REMOTE_SHARE)) / 100) }),
        },
      );
      if (!repaired.ok) return repaired;
      return {
        ...repaired,
        report: { ...(repaired.report as Record<string, unknown>), ai: { provider: remote.provider, mode: params.mode } },
      };
    },
  };
}

/** The provider request of an AI job: its image (and extra views) or its prompt. Throws on unusable input. */
export async function taskRequest(
  input: Uint8Array,
  params: AiJobParams,
  prompt: string | null,
  userId: string,
  deps: Pick<AiExecutorDeps, 'loadUpload'>,
): Promise<AiTaskRequest> {
  const common = { targetPolycount: params.targetPolycount, texture: params.texture };
  if (params.mode === 'ai-text') {
    if (!prompt?.trim()) throw new Error('ai-text needs a prompt');
    return { kind: 'text', images: [], prompt, negativePrompt: params.negativePrompt, ...common };
  }
  const images = [image(input)];
  for (const id of params.views ?? []) {
    const bytes = await deps.loadUpload(userId, id);
    if (!bytes) throw new Error('an extra view upload of this job no longer exists');
    images.push(image(bytes));
  }
  return { kind: 'image', images, prompt: prompt ?? undefined, ...common };
}

/** PNG or JPEG by magic bytes (the jobs service admits only these for AI modes). */
export function image(bytes: Uint8Array): AiImage {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return { bytes, contentType: 'image/png' };
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { bytes, contentType: 'image/jpeg' };
  throw new Error('AI modes take PNG or JPEG images');
}
