/** Typed access to the test Worker's bindings (see vitest.workers.config.ts). */
import { env } from 'cloudflare:test';
import type { D1DatabaseLike, R2BucketLike } from '../../src/repositories/d1/d1-types.ts';
import type { DurableObjectNamespaceLike } from '../../src/repositories/durable-objects/do-types.ts';

export const bindings = env as {
  DB: D1DatabaseLike;
  FILES: R2BucketLike;
  RATE_LIMITER: DurableObjectNamespaceLike;
  SESSION_CACHE: DurableObjectNamespaceLike;
  JOB_EVENTS: DurableObjectNamespaceLike;
};
