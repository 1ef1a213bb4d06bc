/**
 * The Worker the workerd test pool loads; the tests reach bindings through `cloudflare:test`. Any
 * request the test routes below do not take goes to the real Worker (src/worker.ts), so `SELF.fetch`
 * exercises the production entry with the pool's bindings.
 */
import worker from '../../src/worker.ts';
import type { WorkerEnv } from '../../src/worker.ts';
import { createAiJobWorkflow } from '../../src/worker-ai-workflow.ts';
import { createDurableJobEventBus } from '../../src/repositories/durable-objects/job-event-bus.ts';
import type { DurableObjectNamespaceLike } from '../../src/repositories/durable-objects/do-types.ts';
import { aiWorkflowHarness } from './ai-workflow-harness.ts';

export { JobEventsObject } from '../../src/repositories/durable-objects/job-event-bus.ts';
export { RateLimiterObject } from '../../src/repositories/durable-objects/rate-limiter.ts';
export { SessionCacheObject } from '../../src/repositories/durable-objects/session-cache.ts';

/** The production Workflow class, composed on the services and repair executor a test hands in. */
export const AiJobWorkflow = createAiJobWorkflow({
  services: () => {
    const { services } = aiWorkflowHarness();
    if (!services) throw new Error('the test did not set the AI workflow services');
    return services;
  },
  executorFor: () => {
    const { executor } = aiWorkflowHarness();
    if (!executor) throw new Error('the test did not set the AI workflow executor');
    return executor;
  },
});

export default {
  async fetch(request: Request, env: WorkerEnv & { JOB_EVENTS: DurableObjectNamespaceLike }, ctx: unknown): Promise<Response> {
    // A publisher in a request of its own, as the runner's commit is to a stream's SSE request.
    if (new URL(request.url).pathname === '/job-events/publish') {
      await createDurableJobEventBus(env.JOB_EVENTS).publish(await request.json());
      return new Response(null, { status: 204 });
    }
    return worker.fetch(request, env, ctx);
  },
  scheduled: worker.scheduled,
};
