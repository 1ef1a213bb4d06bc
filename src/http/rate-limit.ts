/**
 * Fixed one-minute windows per key (a user, an IP, an API key), in memory: the embedded default
 * is one process. A refused request gets 429 with Retry-After. Windows are swept as they expire
 * so a flood of distinct IPs cannot grow the map without bound.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { ServiceError } from '../domain/errors.ts';
import type { AppEnv } from './env.ts';

export interface RateLimiter {
  /** Counts one hit; throws 429 when the key is over its limit. */
  hit(key: string): void;
}

export function createRateLimiter(name: string, perMinute: number, clock: () => number): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = clock();
  return {
    hit(key) {
      const now = clock();
      if (now - lastSweep > 60_000) {
        for (const [k, w] of windows) if (now - w.start >= 60_000) windows.delete(k);
        lastSweep = now;
      }
      const w = windows.get(key);
      if (!w || now - w.start >= 60_000) {
        windows.set(key, { start: now, count: 1 });
        return;
      }
      if (++w.count > perMinute) {
        const retryAfter = Math.max(1, Math.ceil((w.start + 60_000 - now) / 1000));
        throw new ServiceError(
          'rate_limited',
          `too many ${name} requests: the limit is ${perMinute} a minute`,
          { limit: perMinute },
          retryAfter,
        );
      }
    },
  };
}

/** Limits the signed-in user (or, for anonymous calls, the client IP). */
export function rateLimitPerCaller(limiter: RateLimiter, clientIp: (c: Context<AppEnv>) => string): MiddlewareHandler<AppEnv> {
  return async function rateLimitMiddleware(c, next) {
    const user = c.get('user');
    limiter.hit(user ? `user:${user.id}` : `ip:${clientIp(c)}`);
    await next();
  };
}

export function rateLimitPerIp(limiter: RateLimiter, clientIp: (c: Context<AppEnv>) => string): MiddlewareHandler<AppEnv> {
  return async function rateLimitIpMiddleware(c, next) {
    limiter.hit(`ip:${clientIp(c)}`);
    await next();
  };
}
