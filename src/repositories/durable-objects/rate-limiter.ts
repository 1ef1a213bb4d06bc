/**
 * The rate limiter on Workers: one Durable Object per limited key (`<name>:<key>`), so the count
 * is shared by every isolate and no object becomes a hot spot for all callers. The object keeps its
 * window in storage (it survives eviction, which an in-memory count would not) and applies the
 * same fixed-window rule as the Node limiter (src/domain/rate-limiter.ts). An alarm clears the
 * state once the window is over, so a flood of distinct IPs leaves nothing behind.
 *
 * The caller sends its clock with each hit: the Worker's clock is the one its config and tests
 * control, and the object answers what that clock says.
 */
import { RATE_WINDOW_MS, takeFromWindow } from '../../domain/rate-limiter.ts';
import type { RateLimitDecision, RateLimiter, RateWindow } from '../../domain/rate-limiter.ts';
import { callObject, stubOf } from './do-types.ts';
import type { DurableObjectNamespaceLike, DurableObjectStateLike } from './do-types.ts';

interface TakeRequest {
  perMinute: number;
  now: number;
}

export class RateLimiterObject {
  #state: DurableObjectStateLike;

  constructor(state: DurableObjectStateLike, _env: unknown) {
    this.#state = state;
  }

  async fetch(request: Request): Promise<Response> {
    if (new URL(request.url).pathname !== '/take') return new Response('not found', { status: 404 });
    const { perMinute, now } = (await request.json()) as TakeRequest;
    // Storage calls hold the object's input gate: no other hit runs between this read and write.
    const before = await this.#state.storage.get<RateWindow>('window');
    const { window, decision } = takeFromWindow(before, now, perMinute);
    await this.#state.storage.put('window', window);
    if (window.count === 1) await this.#state.storage.setAlarm(Date.now() + RATE_WINDOW_MS);
    return Response.json(decision);
  }

  async alarm(): Promise<void> {
    await this.#state.storage.deleteAll();
  }
}

export function createDurableRateLimiter(
  namespace: DurableObjectNamespaceLike,
  name: string,
  perMinute: number,
  clock: () => number,
): RateLimiter {
  return {
    name,
    perMinute,
    take: (key) =>
      callObject<RateLimitDecision>(stubOf(namespace, `${name}:${key}`), 'take', { perMinute, now: clock() } satisfies TakeRequest),
  };
}
