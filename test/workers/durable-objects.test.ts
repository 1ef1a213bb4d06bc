/** The Durable Object implementations of the per-process state ports, against the same contracts as the Node ones. */
import { SELF } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import type { JobEventMessage } from '../../src/domain/job-events.ts';
import { createDurableJobEventBus } from '../../src/repositories/durable-objects/job-event-bus.ts';
import { createDurableRateLimiter } from '../../src/repositories/durable-objects/rate-limiter.ts';
import { createDurableSessionCache } from '../../src/repositories/durable-objects/session-cache.ts';
import { jobEventBusContract, rateLimiterContract, sessionCacheContract } from '../contracts/per-process-state.contract.ts';
import { bindings } from './env.ts';

rateLimiterContract('Durable Object (workerd)', (name, perMinute, clock) =>
  createDurableRateLimiter(bindings.RATE_LIMITER, name, perMinute, clock),
);
sessionCacheContract('Durable Object (workerd)', (ttlMs, clock) => createDurableSessionCache(bindings.SESSION_CACHE, ttlMs, clock));
jobEventBusContract('Durable Object (workerd)', () => createDurableJobEventBus(bindings.JOB_EVENTS));

describe('JobEventBus on Durable Objects across requests', () => {
  it('a subscriber sees what another request publishes, in order', async () => {
    const jobId = `job-${crypto.randomUUID()}`;
    const seen: JobEventMessage[] = [];
    const stop = await createDurableJobEventBus(bindings.JOB_EVENTS).subscribe(jobId, (e) => seen.push(e));
    const sent: JobEventMessage[] = [
      { id: 1, jobId, type: 'started', data: { attempt: 1 } },
      { id: 2, jobId, type: 'stage', data: { stage: 'mesh', percent: 50 } },
      { id: 3, jobId, type: 'succeeded', data: {} },
    ];
    for (const e of sent)
      expect((await SELF.fetch('https://test/job-events/publish', { method: 'POST', body: JSON.stringify(e) })).status).toBe(204);
    await vi.waitFor(() => expect(seen).toEqual(sent));
    stop();
  });
});
