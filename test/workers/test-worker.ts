/** The Worker the workerd test pool loads; the tests reach bindings through `cloudflare:test`. */
import { createDurableJobEventBus } from '../../src/repositories/durable-objects/job-event-bus.ts';
import type { DurableObjectNamespaceLike } from '../../src/repositories/durable-objects/do-types.ts';

export { JobEventsObject } from '../../src/repositories/durable-objects/job-event-bus.ts';
export { RateLimiterObject } from '../../src/repositories/durable-objects/rate-limiter.ts';
export { SessionCacheObject } from '../../src/repositories/durable-objects/session-cache.ts';

export default {
  async fetch(request: Request, env: { JOB_EVENTS: DurableObjectNamespaceLike }): Promise<Response> {
    // A publisher in a request of its own, as the runner's commit is to a stream's SSE request.
    if (new URL(request.url).pathname === '/job-events/publish') {
      await createDurableJobEventBus(env.JOB_EVENTS).publish(await request.json());
      return new Response(null, { status: 204 });
    }
    return new Response('image-to-stl test worker');
  },
};
