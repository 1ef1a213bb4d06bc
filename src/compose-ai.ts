/**
 * Builds the AI generation stage from configuration: one adapter per provider with a key (base
 * URLs overridable), one concurrency limiter per provider, the guarded result download and the
 * job recorder. No Node imports (the guarded fetch loads node:dns lazily). Undefined without keys.
 */
import type { AppConfig } from './config.ts';
import { falClient } from './repositories/ai/fal-client.ts';
import { guardedFetch } from './repositories/ai/guarded-fetch.ts';
import { meshyClient } from './repositories/ai/meshy-client.ts';
import { tripoClient } from './repositories/ai/tripo-client.ts';
import type { JobsRepository } from './repositories/jobs.ts';
import { configuredProviders, providerModes } from './services/ai/availability.ts';
import { falProvider } from './services/ai/fal.ts';
import type { AiStageDeps } from './services/ai/generate.ts';
import { Semaphore } from './services/ai/generate.ts';
import { meshyProvider } from './services/ai/meshy.ts';
import type { AiProvider, AiProviderName } from './services/ai/provider.ts';
import { tripoProvider } from './services/ai/tripo.ts';
import type { Logger } from './services/logger.ts';

/** A result download gets at most this long, within the job's own limit. */
const DOWNLOAD_TIMEOUT_MS = 5 * 60_000;
/** One API request (not a whole task) gets at most this long. */
const REQUEST_TIMEOUT_MS = 60_000;

export function createAiStage(
  config: AppConfig,
  deps: { jobs: Pick<JobsRepository, 'update'>; logger: Logger; fetch?: typeof fetch },
): AiStageDeps | undefined {
  const ai = config.ai;
  const names = configuredProviders(ai);
  if (names.length === 0) return undefined;
  const http = {
    fetch: deps.fetch,
    retryAttempts: ai.retryAttempts,
    retryBaseMs: ai.retryBaseMs,
    retryMaxMs: ai.pollMaxMs,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
  };
  const resultHosts = ai.resultHosts;
  const build = (name: AiProviderName): AiProvider => {
    switch (name) {
      case 'meshy':
        return meshyProvider(meshyClient({ ...http, apiKey: ai.meshyApiKey!, baseUrl: ai.meshyApiUrl }), { resultHosts });
      case 'tripo':
        return tripoProvider(tripoClient({ ...http, apiKey: ai.tripoApiKey!, baseUrl: ai.tripoApiUrl }), { resultHosts });
      case 'fal':
        return falProvider(falClient({ ...http, apiKey: ai.falKey!, baseUrl: ai.falQueueUrl }), { resultHosts, model: ai.falModel });
    }
  };
  const providers = new Map<AiProviderName, AiProvider>(names.map((name) => [name, build(name)]));
  const limiters = new Map<AiProviderName, Semaphore>();

  return {
    providers,
    pick: (kind) =>
      names.map((n) => providers.get(n)!).find((p) => providerModes(p.name).includes(kind === 'text' ? 'ai-text' : 'ai-image')),
    record: (jobId, task) =>
      deps.jobs.update(jobId, { provider: task.provider, provider_task_id: task.taskId, provider_cost: task.cost }).then(() => undefined),
    download: (url, provider, signal) =>
      guardedFetch(url, {
        allowedHosts: provider.resultHosts,
        insecureHosts: ai.insecureHosts,
        maxBytes: ai.maxResultBytes,
        timeoutMs: Math.min(DOWNLOAD_TIMEOUT_MS, ai.timeoutMs),
        signal,
        fetch: deps.fetch,
      }),
    config: { timeoutMs: ai.timeoutMs, pollMinMs: ai.pollMinMs, pollMaxMs: ai.pollMaxMs },
    logger: deps.logger,
    slots: (provider) => {
      let slots = limiters.get(provider.name);
      if (!slots) limiters.set(provider.name, (slots = new Semaphore(provider.maxConcurrentTasks)));
      return slots;
    },
  };
}
