/**
 * Fixed one-minute windows per key (a user, an IP). The limiter is a port
 * (src/domain/rate-limiter.ts), in memory on Node and a Durable Object on Workers; this file has
 * the middleware that turns a refusal into 429 with Retry-After, whichever limiter it is handed.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { ServiceError } from '../domain/errors.ts';
import { createMemoryRateLimiter } from '../domain/rate-limiter.ts';
import type { RateLimiter } from '../domain/rate-limiter.ts';
import type { AppEnv } from './env.ts';

export type { RateLimiter };

/** The in-memory limiter (src/domain/rate-limiter.ts); Workers pass a Durable Object one to the middleware instead. */
export const createRateLimiter = createMemoryRateLimiter;

/** Counts one hit; throws 429 rate_limited when the key is over its limit. */
async function hit(limiter: RateLimiter, key: string): Promise<void> {
  const { allowed, retryAfter } = await limiter.take(key);
  if (allowed) return;
  throw new ServiceError(
    'rate_limited',
    `too many ${limiter.name} requests: the limit is ${limiter.perMinute} a minute`,
    { limit: limiter.perMinute },
    retryAfter,
  );
}

/** Limits the signed-in user (or, for anonymous calls, the client IP). */
export function rateLimitPerCaller(limiter: RateLimiter, clientIp: (c: Context<AppEnv>) => string): MiddlewareHandler<AppEnv> {
  return async function rateLimitMiddleware(c, next) {
    const user = c.get('user');
    await hit(limiter, user ? `user:${user.id}` : `ip:${clientIp(c)}`);
    await next();
  };
}

export function rateLimitPerIp(limiter: RateLimiter, clientIp: (c: Context<AppEnv>) => string): MiddlewareHandler<AppEnv> {
  return async function rateLimitIpMiddleware(c, next) {
    await hit(limiter, `ip:${clientIp(c)}`);
    await next();
  };
}
