/**
 * Fixed one-minute windows per key (a user, an IP, an API key). The limiter is a port
 * (src/domain/rate-limiter.ts): this file has the in-memory one for the embedded default, which
 * is one process, and the middleware that turns a refusal into 429 with Retry-After, whichever
 * limiter it is handed (a Durable Object one on Workers). Windows are swept as they expire so a
 * flood of distinct IPs cannot grow the map without bound.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { ServiceError } from '../domain/errors.ts';
import { RATE_WINDOW_MS, takeFromWindow } from '../domain/rate-limiter.ts';
import type { RateLimiter, RateWindow } from '../domain/rate-limiter.ts';
import type { AppEnv } from './env.ts';

export type { RateLimiter };

export function createRateLimiter(name: string, perMinute: number, clock: () => number): RateLimiter {
  const windows = new Map<string, RateWindow>();
  let lastSweep = clock();
  return {
    name,
    perMinute,
    async take(key) {
      const now = clock();
      if (now - lastSweep > RATE_WINDOW_MS) {
        for (const [k, w] of windows) if (now - w.start >= RATE_WINDOW_MS) windows.delete(k);
        lastSweep = now;
      }
      const { window, decision } = takeFromWindow(windows.get(key), now, perMinute);
      windows.set(key, window);
      return decision;
    },
  };
}

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
