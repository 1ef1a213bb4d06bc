/**
 * Cross-site request forgery guard for cookie sessions. A state-changing request (anything but
 * GET/HEAD/OPTIONS) that carries a session cookie must come from one of our own pages; SameSite=Lax
 * alone lets a sibling on the same site (another subdomain, another port) through.
 *
 * Decided like Go's net/http CrossOriginProtection, plus the configured origins:
 * 1. Origin is BASE_URL's origin or one of TRUSTED_ORIGINS: ours.
 * 2. Sec-Fetch-Site (every current browser sends it) must say same-origin (or none: typed by the user).
 * 3. Without it, Origin's host must be the host the request was sent to (Host; X-Forwarded-Host behind
 *    a trusted proxy). "null" (sandboxed frames, some redirects) is never ours.
 * 4. Neither header: not a browser (curl, scripts), which no other site can drive; it passes.
 * Refused: 403 cross_origin_request. API-key requests are exempt: no ambient credential to abuse.
 */
import type { MiddlewareHandler } from 'hono';
import { ServiceError } from '../domain/errors.ts';
import type { AppEnv } from './env.ts';
import { sessionTokenOf } from './session-cache.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface SameOriginOptions {
  /** BASE_URL and TRUSTED_ORIGINS, as full origins (scheme://host[:port]). */
  origins: string[];
  /** Believe X-Forwarded-Host (TRUST_PROXY). */
  trustProxy: boolean;
}

export function requireSameOrigin(options: SameOriginOptions): MiddlewareHandler<AppEnv> {
  const configured = new Set(options.origins.flatMap((o) => originOf(o) ?? []));
  return async function sameOriginMiddleware(c, next) {
    if (SAFE_METHODS.has(c.req.method) || c.req.header('x-api-key') || !sessionTokenOf(c.req.header('cookie'))) return next();
    const origin = c.req.header('origin');
    if (origin && configured.has(origin)) return next();
    const site = c.req.header('sec-fetch-site');
    let ours: boolean;
    if (site) ours = site === 'same-origin' || site === 'none';
    else if (origin)
      ours = origin !== 'null' && hostOf(origin) !== undefined && requestHosts(c.req.raw, options.trustProxy).has(hostOf(origin)!);
    else ours = true;
    if (!ours) {
      throw new ServiceError(
        'cross_origin_request',
        'this request came from another site; signed-in changes are only taken from our own pages',
        {
          origin: origin ?? null,
          secFetchSite: site ?? null,
        },
      );
    }
    return next();
  };
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

function requestHosts(request: Request, trustProxy: boolean): Set<string> {
  const hosts = new Set([new URL(request.url).host]);
  const host = request.headers.get('host');
  if (host) hosts.add(host);
  const forwarded = trustProxy ? request.headers.get('x-forwarded-host')?.split(',')[0]?.trim() : undefined;
  if (forwarded) hosts.add(forwarded);
  return hosts;
}
