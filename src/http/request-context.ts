/** Gives each request an id (echoed in X-Request-Id) and logs one JSON line when it finishes. */
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../services/logger.ts';
import type { AppEnv } from './env.ts';

export function requestContext(logger: Logger, clock: () => number): MiddlewareHandler<AppEnv> {
  return async function requestContextMiddleware(c, next) {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : crypto.randomUUID();
    c.set('requestId', requestId);
    c.set('user', null);
    const started = clock();
    await next();
    // Through the headers object, not c.header(): after the response exists c.header() rebuilds it
    // from its body stream, which turned every JSON answer into a streamed one (a profile showed it).
    c.res.headers.set('X-Request-Id', requestId);
    logger.info('request', {
      requestId,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(clock() - started),
      userId: c.get('user')?.id,
    });
  };
}
