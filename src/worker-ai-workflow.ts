/**
 * AI jobs on Cloudflare as a Workflow (issue 13): create the provider task, sleep, poll (bounded by
 * the AI time limit), download through the guarded fetch into R2, then hand the repair to the mesh
 * executor. Sleeps cost nothing and every step's answer is stored by the engine, so a job that waits
 * ten minutes on a provider holds no isolate and survives evictions and deploys.
 *
 * The step bodies are src/jobs/ai-workflow-steps.ts (idempotent against the job row). Here: the
 * engine's view — names, retries, the loop — and the composition from the Worker's bindings. The
 * repair runs wherever the composition root says (`executorFor`: the Container executor in
 * production, a scripted one in the workerd tests), through the JobExecutor interface.
 *
 * A coded failure (moderation, provider failure, our time limit, an unusable result) comes back
 * from its step as a value, not an exception, so the engine does not retry it; network and server
 * errors are thrown and retried (STEP_RETRIES). Either way the last word is the `fail` step, whose
 * refund the ledger keys by the job: however often it runs, the user is refunded once.
 */
import { WorkflowEntrypoint } from 'cloudflare:workers';
import type { WorkflowEvent, WorkflowStep, WorkflowStepConfig } from 'cloudflare:workers';
import { createAiStage } from './compose-ai.ts';
import type { Services } from './compose.ts';
import type { JobFailure } from './services/job-lifecycle.ts';
import { createJobEventBus } from './jobs/event-bus.ts';
import type { JobExecutor } from './jobs/executor.ts';
import { AiJobFailure, aiWorkflowSteps } from './jobs/ai-workflow-steps.ts';
import type { AiWorkflowSteps, PollResult, TaskRef } from './jobs/ai-workflow-steps.ts';
import { artifactsRepository } from './repositories/artifacts.ts';
import { createDurableJobEventBus } from './repositories/durable-objects/job-event-bus.ts';
import type { DurableObjectNamespaceLike } from './repositories/durable-objects/do-types.ts';
import { jobEventsRepository } from './repositories/job-events.ts';
import { jobsRepository } from './repositories/jobs.ts';
import { uploadsRepository } from './repositories/uploads.ts';
import { createJobLifecycle } from './services/job-lifecycle.ts';

export interface AiJobParams {
  jobId: string;
}

/** Network and 5xx answers are retried with backoff; coded failures are not (they return values). */
const STEP_RETRIES: WorkflowStepConfig = { retries: { limit: 4, delay: '2 seconds', backoff: 'exponential' }, timeout: '5 minutes' };
/** The download and repair move whole models: room for a large GLB and a slow container start. */
const HEAVY_STEP: WorkflowStepConfig = { retries: { limit: 2, delay: '10 seconds', backoff: 'exponential' }, timeout: '15 minutes' };

type Outcome<T> = { ok: true; value: T } | { ok: false; failure: JobFailure };

/** Runs a step body, turning a coded failure into a value the engine stores instead of retrying. */
async function coded<T>(body: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await body() };
  } catch (error) {
    if (error instanceof AiJobFailure) return { ok: false, failure: error.failure };
    throw error;
  }
}

export interface AiWorkflowComposition<Env> {
  services(env: Env): Services;
  executorFor(env: Env, services: Services): JobExecutor;
}

/** The step bodies on a Worker's services: lifecycle, provider stage (runtime fetch), storage, the repair executor. */
export function composeAiWorkflowSteps(services: Services, executor: JobExecutor, jobEvents?: DurableObjectNamespaceLike): AiWorkflowSteps {
  const { db, batch, clock, logger, storage, credits, config } = services;
  const jobs = jobsRepository(db);
  const uploads = uploadsRepository(db);
  const bus = jobEvents ? createDurableJobEventBus(jobEvents) : createJobEventBus();
  const lifecycle = createJobLifecycle({
    batch,
    jobs,
    events: jobEventsRepository(db),
    artifacts: artifactsRepository(db),
    credits,
    bus,
    clock,
  });
  return aiWorkflowSteps({
    // Workers have no sockets of their own: the download goes through the runtime's fetch (looked up
    // at each call), and Cloudflare's edge will not connect a Worker to private addresses.
    stage: createAiStage(config, { jobs, logger, fetch: (input, init) => fetch(input, init) }),
    jobs,
    batch,
    lifecycle,
    storage,
    executor,
    loadUpload: async (userId, uploadId) => {
      const upload = await uploads.findOwned(userId, uploadId);
      return upload ? storage.get(upload.storage_key).catch(() => undefined) : undefined;
    },
    clock,
    logger,
  });
}

/** The Workflow class for a Worker; its composition root says where services and the repair come from. */
export function createAiJobWorkflow<Env extends { JOB_EVENTS?: DurableObjectNamespaceLike }>(compose: AiWorkflowComposition<Env>) {
  function stepsFor(env: Env): AiWorkflowSteps {
    const services = compose.services(env);
    return composeAiWorkflowSteps(services, compose.executorFor(env, services), env.JOB_EVENTS);
  }

  return class AiJobWorkflow extends WorkflowEntrypoint<Env, AiJobParams> {
    async run(event: Readonly<WorkflowEvent<AiJobParams>>, step: WorkflowStep): Promise<{ status: string }> {
      const { jobId } = event.payload;
      const steps = stepsFor(this.env);
      const failed = (failure: JobFailure) => step.do('fail', STEP_RETRIES, () => steps.fail(jobId, failure));
      try {
        const started = await step.do('start', STEP_RETRIES, () => steps.start(jobId));
        if (!started.run) return { status: started.status };

        const created = await step.do('create', STEP_RETRIES, () => coded(() => steps.create(jobId)));
        if (!created.ok) return failed(created.failure);
        const task: TaskRef = created.value;

        const { timeoutMs, pollMinMs } = steps.limits();
        let waited = 0;
        let poll: Outcome<PollResult>;
        for (let attempt = 0; ; attempt++) {
          poll = await step.do(`poll-${attempt}`, STEP_RETRIES, () => coded(() => steps.poll(jobId, task, attempt)));
          if (!poll.ok) return failed(poll.failure);
          const state = poll.value.state;
          if (state === 'done' || state === 'failed' || state === 'stopped') break;
          const waitMs = 'waitMs' in poll.value ? poll.value.waitMs : pollMinMs;
          if (waited + waitMs > timeoutMs) {
            const stopped = await step.do('timed-out', STEP_RETRIES, () => coded(() => steps.timedOut(task)));
            return failed(stopped.ok ? { code: 'provider_timeout', message: 'the provider did not deliver in time' } : stopped.failure);
          }
          await step.sleep(`wait-${attempt}`, waitMs);
          waited += waitMs;
        }
        const settled = poll.value;
        if (settled.state === 'stopped') return { status: settled.status };
        if (settled.state === 'failed') return failed(settled.failure);
        if (settled.state !== 'done') return failed({ code: 'internal', message: 'the AI task ended in an unknown state' });

        const resultUrl = settled.resultUrl;
        const source = await step.do('download', HEAVY_STEP, () => coded(() => steps.download(jobId, task, resultUrl)));
        if (!source.ok) return failed(source.failure);
        const repaired = await step.do('repair', HEAVY_STEP, () => steps.repair(jobId, task, source.value.key));
        return { status: repaired.status };
      } catch (error) {
        // A step that used up its retries (provider or storage down): the job fails and is refunded.
        // The error is logged, not shown: it may name a provider URL.
        compose.services(this.env).logger.warn('ai workflow: a step failed for good', { jobId, error: (error as Error)?.message });
        return failed({
          code: 'provider_unavailable',
          message: 'the AI provider or our storage did not answer; the job was refunded',
          stage: 'ai-generate',
        });
      }
    }
  };
}
