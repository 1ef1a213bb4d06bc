/**
 * Rate limiting as a port. Per-process state cannot limit a fleet, so the counter sits behind this
 * interface: in memory on Node (createMemoryRateLimiter below, one process is the whole service), a Durable
 * Object per limited key on Workers (src/repositories/durable-objects/rate-limiter.ts). Both apply
 * the one rule below, so a limit means the same thing on either backend.
 */
export interface RateLimitDecision {
  allowed: boolean;
  /** Whole seconds until the key's window reopens: 0 when allowed, at least 1 when refused. */
  retryAfter: number;
}

export interface RateLimiter {
  /** What is limited ("upload", "job", "API"): the 429 message names it. */
  readonly name: string;
  readonly perMinute: number;
  /** Counts one hit against the key (a user, an IP, an API key) and says whether it may pass. */
  take(key: string): Promise<RateLimitDecision>;
}

export const RATE_WINDOW_MS = 60_000;

export interface RateWindow {
  start: number;
  count: number;
}

/** Fixed one-minute windows: the first hit opens a window, hits past `perMinute` inside it are refused. */
export function takeFromWindow(
  window: RateWindow | undefined,
  now: number,
  perMinute: number,
): { window: RateWindow; decision: RateLimitDecision } {
  if (!window || now - window.start >= RATE_WINDOW_MS)
    return { window: { start: now, count: 1 }, decision: { allowed: true, retryAfter: 0 } };
  const next = { start: window.start, count: window.count + 1 };
  if (next.count <= perMinute) return { window: next, decision: { allowed: true, retryAfter: 0 } };
  return { window: next, decision: { allowed: false, retryAfter: Math.max(1, Math.ceil((window.start + RATE_WINDOW_MS - now) / 1000)) } };
}

/**
 * The in-memory limiter (the embedded default is one process). Windows are swept as they expire so
 * a flood of distinct keys (IPs) cannot grow the map without bound. Pure, so every layer may make one.
 */
export function createMemoryRateLimiter(name: string, perMinute: number, clock: () => number): RateLimiter {
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
