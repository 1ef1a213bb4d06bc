/**
 * The session cache on Workers: one Durable Object holds every remembered session, so a sign-out
 * or account deletion handled by one isolate is forgotten by all at once (dropUser must reach every
 * cookie of a user, which sharding by cookie would scatter). It is a cache: the entries live in the
 * object's memory and are lost when it is evicted, which costs one better-auth lookup, never a
 * wrong answer (authenticate re-checks the session row on every hit anyway).
 *
 * The caller sends its clock, as the rate limiter does: expiry follows the Worker's clock.
 */
import type { CachedSessionUser, SessionCache } from '../../domain/session-cache.ts';
import { callObject, stubOf } from './do-types.ts';
import type { DurableObjectNamespaceLike } from './do-types.ts';

type SessionCall =
  | { op: 'get'; cookie: string; now: number }
  | { op: 'set'; cookie: string; user: CachedSessionUser | null; until: number; maxEntries: number }
  | { op: 'drop'; cookie: string }
  | { op: 'dropUser'; userId: string };

/** The one object every isolate talks to. */
const OBJECT_NAME = 'sessions';

export class SessionCacheObject {
  // No storage: the runtime constructs it with (state, env) and a cache needs neither.
  #entries = new Map<string, { user: CachedSessionUser | null; until: number }>();

  async fetch(request: Request): Promise<Response> {
    const call = (await request.json()) as SessionCall;
    const entries = this.#entries;
    switch (call.op) {
      case 'get': {
        const hit = entries.get(call.cookie);
        if (!hit) return Response.json({ found: false });
        if (hit.until < call.now) {
          entries.delete(call.cookie);
          return Response.json({ found: false });
        }
        return Response.json({ found: true, user: hit.user });
      }
      case 'set':
        if (entries.size >= call.maxEntries) entries.delete(entries.keys().next().value as string);
        entries.set(call.cookie, { user: call.user, until: call.until });
        return Response.json({});
      case 'drop':
        entries.delete(call.cookie);
        return Response.json({});
      case 'dropUser':
        for (const [cookie, entry] of entries) if (entry.user?.id === call.userId) entries.delete(cookie);
        return Response.json({});
      default:
        return new Response('unknown op', { status: 400 });
    }
  }
}

export function createDurableSessionCache(
  namespace: DurableObjectNamespaceLike,
  ttlMs: number,
  clock: () => number,
  maxEntries = 10_000,
): SessionCache {
  const call = <T>(body: SessionCall) => callObject<T>(stubOf(namespace, OBJECT_NAME), body.op, body);
  return {
    async get(cookie) {
      const answer = await call<{ found: boolean; user?: CachedSessionUser | null }>({ op: 'get', cookie, now: clock() });
      return answer.found ? (answer.user ?? null) : undefined;
    },
    async set(cookie, user) {
      await call({ op: 'set', cookie, user, until: clock() + ttlMs, maxEntries });
    },
    async drop(cookie) {
      await call({ op: 'drop', cookie });
    },
    async dropUser(userId) {
      await call({ op: 'dropUser', userId });
    },
  };
}
