/**
 * Who is calling: an API key (header x-api-key, for scripts) or a better-auth session cookie.
 * Sets `user` (or leaves null); routes that need a user call requireUser.
 *
 * Every request proves its credential against the database: an API key is looked up (revoked or
 * of a deleted account: 401), and a session remembered by the cache is served only while its row
 * is live. Sign-out, account deletion and key revocation therefore count from the next request,
 * whichever process handled them.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { Auth } from '../auth.ts';
import type { ApiKeysService } from '../services/api-keys.ts';
import { ServiceError } from '../domain/errors.ts';
import type { AppEnv, SessionUser } from './env.ts';
import type { SessionCache } from './session-cache.ts';
import { sessionTokenOf, unsignedToken } from './session-cache.ts';

export interface AuthenticateDeps {
  auth: Auth;
  apiKeys: ApiKeysService;
  lookupUser: (id: string) => Promise<SessionUser | undefined>;
  sessions: SessionCache;
  /** Whether the session with this (unsigned) token is still live for this user: the row is the revocation marker. */
  sessionIsLive: (token: string, userId: string) => Promise<boolean>;
}

export function authenticate(deps: AuthenticateDeps): MiddlewareHandler<AppEnv> {
  const { auth, apiKeys, lookupUser, sessions } = deps;
  return async function authenticateMiddleware(c, next) {
    const key = c.req.header('x-api-key');
    if (key) {
      const found = await apiKeys.authenticate(key);
      if (!found) throw new ServiceError('unauthorized', 'the API key is not valid or was revoked');
      const user = await lookupUser(found.userId);
      if (!user) throw new ServiceError('unauthorized', 'the API key belongs to a deleted account');
      c.set('user', user);
      c.set('apiKeyId', found.keyId);
      c.set('apiKeyScopes', found.scopes);
    } else {
      const signed = sessionTokenOf(c.req.header('cookie'));
      if (signed) {
        let user = await sessions.get(signed);
        if (user && !(await deps.sessionIsLive(unsignedToken(signed), user.id))) {
          // Signed out, deleted or expired since we remembered it (maybe by another process).
          await sessions.drop(signed);
          user = null;
        }
        if (user === undefined) {
          const session = await auth.api.getSession({ headers: c.req.raw.headers });
          user = session ? { id: session.user.id, email: session.user.email, name: session.user.name } : null;
          await sessions.set(signed, user);
        }
        if (user) c.set('user', user);
      }
    }
    await next();
  };
}

export function requireUser(c: Context<AppEnv>): SessionUser {
  const user = c.get('user');
  if (!user) throw new ServiceError('unauthorized', 'sign in, or send an API key in the x-api-key header');
  return user;
}
