/**
 * One interface over the AI 3D providers (Meshy, Tripo, fal): create a task, read its status
 * (normalised state + progress + a hint when to ask again), cancel it. The result of a finished
 * task is a URL of a GLB on the provider's CDN, fetched at once by the guarded download.
 *
 * States follow the reference table (shared/reference/external-apis.md §1.4):
 *   queued  = Meshy PENDING,      Tripo queued,  fal IN_QUEUE
 *   running = Meshy IN_PROGRESS,  Tripo running, fal IN_PROGRESS
 *   done    = Meshy SUCCEEDED,    Tripo success, fal COMPLETED whose result is not an error
 *   failed  = Meshy FAILED/CANCELED; Tripo failed/cancelled/banned/expired/unknown; fal COMPLETED
 *             with an error body
 * A failure says whether the provider refused the content (moderation) or the task failed.
 */
import type { AiProviderName } from '../../config.ts';

export type { AiProviderName };

export interface AiImage {
  bytes: Uint8Array;
  contentType: 'image/png' | 'image/jpeg' | 'image/webp';
}

export interface AiTaskRequest {
  kind: 'image' | 'text';
  /** image: the main view first, then extra views (front, left, back, right for Tripo). */
  images: AiImage[];
  prompt?: string;
  negativePrompt?: string;
  targetPolycount: number;
  texture: boolean;
}

export type AiTaskState = 'queued' | 'running' | 'done' | 'failed';

export interface AiFailure {
  /** content_refused (moderation), provider_failed (the task failed), provider_busy (retry later). */
  code: 'content_refused' | 'provider_failed' | 'provider_busy';
  /** Scrubbed: no keys, no URLs. */
  message: string;
}

export interface AiTaskStatus {
  state: AiTaskState;
  /** 0-100, the provider's own progress where it has one, an estimate otherwise. */
  progress: number;
  /** When the provider suggests asking again (Tripo running_left_time, Retry-After), ms. */
  pollAfterMs?: number;
  /** done: the GLB to download (signed, short-lived; never shown to users). */
  resultUrl?: string;
  failure?: AiFailure;
}

export interface AiCreated {
  /** What status() and cancel() need to find the task again, also after a restart. */
  taskId: string;
  /** What the provider charges for it, in its own unit (Meshy/Tripo credits, fal US cents). */
  cost: number;
}

export interface AiProvider {
  readonly name: AiProviderName;
  /** Tasks we may have queued or running at the provider at once (Meshy/Tripo: 10). */
  readonly maxConcurrentTasks: number;
  /** Hosts the result download may reach (API and CDN). */
  readonly resultHosts: readonly string[];
  /** Whether the provider can do this kind of task with this many images. */
  supports(kind: AiTaskRequest['kind']): boolean;
  create(request: AiTaskRequest, signal: AbortSignal): Promise<AiCreated>;
  status(taskId: string, signal: AbortSignal): Promise<AiTaskStatus>;
  /** 'unsupported' when the API has no cancel (Meshy): the caller just stops polling. */
  cancel(taskId: string, signal: AbortSignal): Promise<'requested' | 'unsupported' | 'too_late'>;
}

export function dataUri(image: AiImage): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < image.bytes.length; i += chunk) binary += String.fromCharCode(...image.bytes.subarray(i, i + chunk));
  return `data:${image.contentType};base64,${btoa(binary)}`;
}

export function clampProgress(value: unknown, fallback: number): number {
  const n = typeof value === 'number' && Number.isFinite(value) ? value : fallback;
  return Math.max(0, Math.min(100, Math.round(n)));
}

/** Moderation wording providers use in failure messages. */
export const MODERATION_PATTERN = /moderat|content polic|inappropriate|nsfw|prohibited|violat|banned|unsafe/i;
