/**
 * The session cache as a port: resolved sessions remembered for a few seconds per signed session
 * cookie (see src/http/session-cache.ts for why, and src/http/authenticate.ts for how a remembered
 * session is re-checked). In memory on Node; one Durable Object on Workers
 * (src/repositories/durable-objects/session-cache.ts), so a sign-out in one isolate is forgotten
 * by all. Async because the Workers one is a call away.
 */
export interface CachedSessionUser {
  id: string;
  email: string;
  name?: string;
}

export interface SessionCache {
  /** The remembered user, null for a cookie remembered as signed out, undefined when not remembered. */
  get(cookie: string): Promise<CachedSessionUser | null | undefined>;
  set(cookie: string, user: CachedSessionUser | null): Promise<void>;
  drop(cookie: string): Promise<void>;
  /** Forgets every session of a user (account deleted): all their devices, not just this one. */
  dropUser(userId: string): Promise<void>;
}
