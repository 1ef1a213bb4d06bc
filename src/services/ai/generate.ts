/**
 * The remote part of an AI job, as one async function on the main thread (no CPU worker is held):
 *   wait for a provider slot -> create the task (or resume the one stored on the job) -> record
 *   provider, task id and cost on the job -> poll with backoff (the provider's hints honoured,
 *   clamped to [pollMinMs, pollMaxMs]) -> download the GLB through the guarded fetch.
 * Progress maps the provider's 0-100 onto 0-70 of the job; the repair on the pool does 70-100.
 *
 * Stops:
 *   - our hard time limit (config.ai.timeoutMs): the remote task is cancelled where the API can,
 *     and the job fails `provider_timeout` (refunded by the runner's lifecycle);
 *   - the job's signal (cancel / runner timeout): remote cancel where possible, then rethrow;
 *   - shutdown: no remote cancel (the task id is on the job, the next start resumes polling it).
 * Errors reaching the job are scrubbed: no key, no provider URL.
 */
import type { AiProviderName } from '../../config.ts';
import type { JobFailure } from '../../domain/errors.ts';
import { abortableSleep, ProviderHttpError } from '../../repositories/ai/http.ts';
import { GuardedFetchError } from '../../repositories/ai/guarded-fetch-error.ts';
import type { Logger } from '../logger.ts';
import type { AiProvider, AiTaskRequest, AiTaskStatus } from './provider.ts';

export interface AiStageConfig {
  timeoutMs: number;
  pollMinMs: number;
  pollMaxMs: number;
}

export interface StoredTask {
  provider: string | null;
  taskId: string | null;
}

export interface AiStageDeps {
  providers: ReadonlyMap<AiProviderName, AiProvider>;
  /** The provider new tasks go to (preference, else the first configured). */
  pick(kind: AiTaskRequest['kind']): AiProvider | undefined;
  /** Persists the remote task on the job as soon as it exists. */
  record(jobId: string, task: { provider: AiProviderName; taskId: string; cost: number }): Promise<void>;
  download(url: string, provider: AiProvider, signal: AbortSignal): Promise<Uint8Array>;
  config: AiStageConfig;
  logger: Logger;
  /** One limiter per provider: tasks queued or running there at once. */
  slots(provider: AiProvider): Semaphore;
}

export type RemoteOutcome = { ok: true; glb: Uint8Array; provider: AiProviderName; taskId: string } | { ok: false; error: JobFailure };

export interface RemoteHooks {
  signal: AbortSignal;
  onProgress(stage: string, percent: number): void;
}

/** The share of the job's progress the remote part covers. */
export const REMOTE_SHARE = 70;

class StageTimeout extends Error {}

export async function runRemoteGeneration(
  deps: AiStageDeps,
  jobId: string,
  stored: StoredTask,
  request: AiTaskRequest,
  hooks: RemoteHooks,
): Promise<RemoteOutcome> {
  const resumeWith = stored.taskId && stored.provider ? deps.providers.get(stored.provider as AiProviderName) : undefined;
  if (stored.taskId && !resumeWith) {
    return fail('provider_unavailable', `this job's task is at ${stored.provider}, which is no longer configured on this server`);
  }
  const provider = resumeWith ?? deps.pick(request.kind);
  if (!provider)
    return fail('provider_unavailable', `no configured AI provider can do ${request.kind === 'text' ? 'text' : 'image'}-to-3D`);

  const timeout = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const signal = AbortSignal.any([hooks.signal, timeout.signal]);
  let taskId = resumeWith ? stored.taskId! : undefined;
  let release: (() => void) | undefined;
  try {
    // Waiting for a slot (the provider's concurrency limit) is bounded by the job's own limit;
    // the hard remote limit starts once we hold a slot.
    hooks.onProgress('ai-waiting', 0);
    release = await deps.slots(provider).acquire(hooks.signal);
    timer = setTimeout(() => timeout.abort(new StageTimeout()), deps.config.timeoutMs);
    if (!taskId) {
      const created = await provider.create(request, signal);
      taskId = created.taskId;
      await deps.record(jobId, { provider: provider.name, taskId, cost: created.cost });
      deps.logger.info('ai: task created', { jobId, provider: provider.name, cost: created.cost });
    } else {
      deps.logger.info('ai: resuming task', { jobId, provider: provider.name });
    }

    const status = await pollUntilSettled(deps, provider, taskId, signal, hooks);
    release();
    release = undefined;
    if (status.state === 'failed' || !status.resultUrl) {
      const failure = status.failure ?? { code: 'provider_failed' as const, message: `${provider.name} reported a failure` };
      return fail(failure.code === 'provider_busy' ? 'provider_unavailable' : failure.code, failure.message);
    }
    hooks.onProgress('ai-download', REMOTE_SHARE - 2);
    const glb = await deps.download(status.resultUrl, provider, signal);
    hooks.onProgress('ai-downloaded', REMOTE_SHARE);
    return { ok: true, glb, provider: provider.name, taskId };
  } catch (error) {
    const ours = timeout.signal.aborted && !hooks.signal.aborted;
    const why = hooks.signal.aborted ? hooks.signal.reason : undefined;
    if (taskId && (ours || why === 'cancel' || why === 'timeout')) await cancelRemote(deps, provider, taskId, jobId);
    if (ours)
      return fail(
        'provider_timeout',
        `${provider.name} did not deliver a model within ${Math.round(deps.config.timeoutMs / 1000)} s; the task was stopped`,
      );
    if (hooks.signal.aborted) throw error;
    return mapError(error, provider.name, deps.logger, jobId);
  } finally {
    clearTimeout(timer);
    release?.();
  }
}

async function pollUntilSettled(
  deps: AiStageDeps,
  provider: AiProvider,
  taskId: string,
  signal: AbortSignal,
  hooks: RemoteHooks,
): Promise<AiTaskStatus> {
  const { pollMinMs, pollMaxMs } = deps.config;
  let wait = pollMinMs;
  for (;;) {
    const status = await provider.status(taskId, signal);
    if (status.state === 'done' || status.state === 'failed') return status;
    const percent = Math.round((status.progress / 100) * (REMOTE_SHARE - 4));
    hooks.onProgress(status.state === 'queued' ? 'ai-queued' : 'ai-generating', percent);
    const hinted = status.pollAfterMs !== undefined ? Math.min(pollMaxMs, Math.max(pollMinMs, status.pollAfterMs)) : wait;
    await abortableSleep(hinted, signal);
    wait = Math.min(pollMaxMs, Math.round(wait * 1.5));
  }
}

async function cancelRemote(deps: AiStageDeps, provider: AiProvider, taskId: string, jobId: string): Promise<void> {
  try {
    const answer = await provider.cancel(taskId, AbortSignal.timeout(10_000));
    deps.logger.info('ai: remote task cancel', { jobId, provider: provider.name, answer });
  } catch (error) {
    deps.logger.warn('ai: remote cancel failed', { jobId, provider: provider.name, error: describe(error) });
  }
}

function fail(code: JobFailure['code'], message: string): RemoteOutcome {
  return { ok: false, error: { code, message, stage: 'ai-generate' } };
}

/** Errors are already scrubbed where they are made (http.ts, guarded-fetch.ts); unknown ones are not shown. */
function mapError(error: unknown, provider: AiProviderName, logger: Logger, jobId: string): RemoteOutcome {
  logger.warn('ai: remote stage failed', { jobId, provider, error: describe(error) });
  if (error instanceof GuardedFetchError)
    return fail('result_rejected', `the ${provider} result could not be downloaded safely: ${error.message}`);
  if (error instanceof ProviderHttpError) {
    if (error.providerCode === 2008 || error.providerCode === '2008') return fail('content_refused', error.message);
    if (error.kind === 'rate_limited')
      return fail('provider_unavailable', `${provider} is over its rate or concurrency limit; try again later (${error.message})`);
    if (error.kind === 'auth') return fail('provider_unavailable', `${provider} refused this server's credentials`);
    if (error.kind === 'server' || error.kind === 'network') return fail('provider_unavailable', error.message);
    return fail('provider_failed', error.message);
  }
  return fail('provider_failed', `${provider} returned an answer we could not use`);
}

function describe(error: unknown): string {
  if (error instanceof ProviderHttpError || error instanceof GuardedFetchError) return `${error.name}: ${error.message}`;
  return error instanceof Error ? error.name : 'unknown';
}

/** A counting semaphore whose waits can be aborted. */
export class Semaphore {
  private used = 0;
  private readonly waiters: Array<() => void> = [];
  readonly size: number;
  constructor(size: number) {
    this.size = size;
  }

  get inUse(): number {
    return this.used;
  }

  async acquire(signal: AbortSignal): Promise<() => void> {
    while (this.used >= this.size) {
      if (signal.aborted) throw signal.reason;
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          const i = this.waiters.indexOf(wake);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(signal.reason);
        };
        this.waiters.push(wake);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    }
    if (signal.aborted) throw signal.reason;
    this.used++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used--;
      this.waiters.shift()?.();
    };
  }
}
