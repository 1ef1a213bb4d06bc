/**
 * Resolved sessions, remembered for a few seconds per signed session cookie. better-auth's
 * getSession costs 1.4-2.2 ms a call (measured at load 12 on 2 cores) and an API answer should cost
 * well under one; the cookie value is signed, so it cannot be forged to hit another user's entry.
 * A remembered session is never trusted alone: authenticate re-checks its row in the database on
 * every hit (one indexed read), so a sign-out or deletion done by any process counts at once.
 * Sign-out and deletion also drop the entries here, so this process forgets them without a read.
 * The cache is a port (src/domain/session-cache.ts): this is the in-memory one; Workers use a
 * Durable Object.
 */
import type { SessionCache } from '../domain/session-cache.ts';
import type { SessionUser } from './env.ts';

export type { SessionCache };

const SESSION_COOKIE = /(?:^|;\s*)((?:__Secure-)?better-auth\.session_token)=([^;]+)/;

/** The signed session token in a Cookie header, or undefined. */
export function sessionTokenOf(cookieHeader: string | undefined): string | undefined {
  return cookieHeader ? SESSION_COOKIE.exec(cookieHeader)?.[2] : undefined;
}

/** The session token as stored in the session row: the signed cookie value is `<token>.<signature>`, URL-encoded. */
export function unsignedToken(signed: string): string {
  let value = signed;
  try {
    value = decodeURIComponent(signed);
  } catch {
    // not encoded
  }
  const dot = value.indexOf('.');
  return dot === -1 ? value : value.slice(0, dot);
}

export function createSessionCache(ttlMs: number, clock: () => number, maxEntries = 10_000): SessionCache {
  const entries = new Map<string, { user: SessionUser | null; until: number }>();
  return {
    async get(cookie) {
      const hit = entries.get(cookie);
      if (!hit) return undefined;
      if (hit.until < clock()) {
        entries.delete(cookie);
        return undefined;
      }
      return hit.user;
    },
    async set(cookie, user) {
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(cookie, { user, until: clock() + ttlMs });
    },
    async drop(cookie) {
      entries.delete(cookie);
    },
    async dropUser(userId) {
      for (const [cookie, entry] of entries) if (entry.user?.id === userId) entries.delete(cookie);
    },
  };
}
