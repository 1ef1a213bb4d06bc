/**
 * Which scope an API-key request needs, decided in one place for every route (so a new route is
 * covered the day it is added): the account and billing routes need `account`; any other GET or
 * HEAD needs `read`; any other change (uploads, jobs, shares) needs `jobs`, except asking for a
 * signed download link, which only reads. Session requests are not limited.
 */
import type { MiddlewareHandler } from 'hono';
import { insufficientScope } from '../domain/api-key-scopes.ts';
import type { ApiKeyScope } from '../domain/api-key-scopes.ts';
import type { AppEnv } from './env.ts';

const ACCOUNT = /^\/api\/v1\/(account|billing)(\/|$)/;
const DOWNLOAD_LINK = /^\/api\/v1\/jobs\/[^/]+\/artifacts\/[^/]+\/link$/;

export function scopeFor(method: string, path: string): ApiKeyScope {
  if (ACCOUNT.test(path)) return 'account';
  if (method === 'GET' || method === 'HEAD') return 'read';
  if (method === 'POST' && DOWNLOAD_LINK.test(path)) return 'read';
  return 'jobs';
}

export function requireKeyScope(): MiddlewareHandler<AppEnv> {
  return async function keyScopeMiddleware(c, next) {
    const scopes = c.get('apiKeyScopes');
    if (scopes) {
      const required = scopeFor(c.req.method, c.req.path);
      if (!scopes.includes(required)) throw insufficientScope(required, scopes);
    }
    await next();
  };
}
