/**
 * Who is calling: an API key (header x-api-key, for scripts) or a better-auth session cookie.
 * Sets `user` (or leaves null); routes that need a user call requireUser.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { Auth } from '../auth.ts';
import type { ApiKeysService } from '../services/api-keys.ts';
import { ServiceError } from '../domain/errors.ts';
import type { AppEnv, SessionUser } from './env.ts';
import type { SessionCache } from './session-cache.ts';
import { sessionTokenOf } from './session-cache.ts';

export function authenticate(
  auth: Auth,
  apiKeys: ApiKeysService,
  lookupUser: (id: string) => Promise<SessionUser | undefined>,
  sessions: SessionCache,
): MiddlewareHandler<AppEnv> {
  return async function authenticateMiddleware(c, next) {
    const key = c.req.header('x-api-key');
    if (key) {
      const found = await apiKeys.authenticate(key);
      if (!found) throw new ServiceError('unauthorized', 'the API key is not valid or was revoked');
      const user = await lookupUser(found.userId);
      if (!user) throw new ServiceError('unauthorized', 'the API key belongs to a deleted account');
      c.set('user', user);
      c.set('apiKeyId', found.keyId);
    } else {
      const token = sessionTokenOf(c.req.header('cookie'));
      if (token) {
        let user = sessions.get(token);
        if (user === undefined) {
          const session = await auth.api.getSession({ headers: c.req.raw.headers });
          user = session ? { id: session.user.id, email: session.user.email, name: session.user.name } : null;
          sessions.set(token, user);
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
