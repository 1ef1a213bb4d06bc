/**
 * The Hono app: request ids and logs, auth, one sub-app per resource, the OpenAPI document and
 * JSON errors. Routes are thin: validate, call one service, shape the answer.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { sql } from 'kysely';
import { CLIENT_IP_HEADER } from './auth.ts';
import type { Services } from './compose.ts';
import { authenticate } from './http/authenticate.ts';
import type { AppEnv } from './http/env.ts';
import { CREEM_WEBHOOK_PATH, bodyLimitFor } from './http/body-limits.ts';
import { requireKeyScope } from './http/key-scopes.ts';
import { errorHandler, sendError } from './http/errors.ts';
import { limitBody } from './http/limit-body.ts';
import { refusePrototypeKeys } from './http/refuse-prototype-keys.ts';
import { createRateLimiter, rateLimitPerCaller, rateLimitPerIp } from './http/rate-limit.ts';
import { requestContext } from './http/request-context.ts';
import { requireSameOrigin } from './http/same-origin.ts';
import { securityHeaders } from './http/security-headers.ts';
import { createSessionCache, sessionTokenOf } from './http/session-cache.ts';
import { sessionsRepository } from './repositories/sessions.ts';
import { createRouter } from './http/router.ts';
import { apiKeysRoutes } from './routes/api-keys.ts';
import { billingRoutes } from './routes/billing.ts';
import { pricingRoutes } from './routes/pricing.ts';
import { availableAiModes } from './services/ai/availability.ts';
import { creditsRoutes } from './routes/credits.ts';
import { docsRoutes } from './routes/docs.ts';
import { healthRoutes } from './routes/health.ts';
import type { HealthProbe } from './routes/health.ts';

export interface AppExtras {
  health: HealthProbe;
  /** Resource routers the composition adds (uploads, jobs, artifacts...). */
  routers: Array<OpenAPIHono<AppEnv>>;
  /** The peer address, from the host (Node's socket); unknown in app.request() tests. */
  remoteAddress?: (c: Context) => string | undefined;
}

export function createApp(services: Services, extras: AppExtras): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.onError(errorHandler(services.logger));
  app.notFound((c) => sendError(c, 404, 'not_found', `no route for ${c.req.method} ${c.req.path}`));
  app.use('*', requestContext(services.logger, services.clock));
  app.use('*', securityHeaders({ https: services.config.baseUrl.startsWith('https:') }));
  // Before auth and every route: a cross-site state change with a session cookie never reaches them.
  app.use(
    '*',
    requireSameOrigin({ origins: [services.config.baseUrl, ...services.config.trustedOrigins], trustProxy: services.config.trustProxy }),
  );
  // Before anything reads a body (better-auth, the webhook, JSON validation): every route has a limit,
  // and bodies read whole are checked for prototype keys (file bodies and Creem's signed events are not).
  const limitFor = (method: string, path: string) => bodyLimitFor(method, path, services.config.maxUploadBytes);
  app.use('*', limitBody(limitFor));
  app.use(
    '*',
    refusePrototypeKeys((method, path) => path !== CREEM_WEBHOOK_PATH && !limitFor(method, path).streamed),
  );

  const clientIp = (c: Context<AppEnv>): string => {
    if (services.config.trustProxy) {
      const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
      if (forwarded) return forwarded;
    }
    return extras.remoteAddress?.(c) ?? 'unknown';
  };
  const { clock, config } = services;
  app.use('/api/v1/*', rateLimitPerIp(createRateLimiter('API', config.apiPerIpPerMinute, clock), clientIp));

  const sessions = createSessionCache(10_000, services.clock);
  app.on(['GET', 'POST'], '/api/auth/*', async (c) => {
    // Any auth action (sign-out above all) forgets what we remembered about this cookie.
    const token = sessionTokenOf(c.req.header('cookie'));
    if (token && c.req.method === 'POST') await sessions.drop(token);
    // better-auth limits sign-in per client IP; it reads the address only from a header, so hand
    // it ours (a value a client sends under that name is overwritten, never trusted).
    const headers = new Headers(c.req.raw.headers);
    headers.set(CLIENT_IP_HEADER, clientIp(c));
    const res = await services.auth.handler(new Request(c.req.raw, { headers }));
    // better-auth turns a locked database into a 500 (sign-in) or a 422 "failed to create user"
    // (sign-up). When a write cannot get the lock now either, say what it is: busy, try again.
    if ((res.status >= 500 || res.status === 422) && (await databaseBusy(services))) {
      return sendError(c, 503, 'service_unavailable', 'the database is busy; try again shortly', undefined, 2);
    }
    return res;
  });

  const lookupUser = async (id: string) => {
    const row = await services.db
      .selectFrom('user' as never)
      .select(['id', 'email', 'name'] as never[])
      .where('id' as never, '=', id as never)
      .executeTakeFirst();
    return row as { id: string; email: string; name: string } | undefined;
  };
  const liveSessions = sessionsRepository(services.db);
  app.use(
    '/api/v1/*',
    authenticate({
      auth: services.auth,
      apiKeys: services.apiKeys,
      lookupUser,
      sessions,
      sessionIsLive: async (token, userId) => (await liveSessions.liveUserOf(token, services.clock())) === userId,
    }),
  );
  app.use('/api/v1/*', requireKeyScope());
  app.use('/api/v1/account', async function forgetDeletedSessions(c, next) {
    await next();
    const user = c.get('user');
    if (c.req.method === 'DELETE' && c.res.status === 204 && user) await sessions.dropUser(user.id);
  });
  // Per caller (user, or IP when anonymous), after authentication so users are told apart.
  const uploadLimiter = createRateLimiter('upload', config.uploadsPerMinute, clock);
  const jobLimiter = createRateLimiter('job', config.jobsPerMinute, clock);
  app.on('POST', ['/api/v1/uploads', '/api/v1/uploads/url'], rateLimitPerCaller(uploadLimiter, clientIp));
  app.on('POST', '/api/v1/jobs', rateLimitPerCaller(jobLimiter, clientIp));

  app.route('/', healthRoutes(extras.health));
  app.route('/', docsRoutes());
  app.route('/', apiKeysRoutes(services.apiKeys, services.audit));
  app.route('/', creditsRoutes(services.credits, services.billing));
  app.route('/', billingRoutes(services.billing));
  const aiModes: ReadonlySet<string> = availableAiModes(config.ai);
  app.route(
    '/',
    pricingRoutes(services.prices, services.billing.catalog, (mode) => !mode.startsWith('ai-') || aiModes.has(mode)),
  );
  for (const router of extras.routers) app.route('/', router);

  app.doc31('/api/v1/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'image-to-stl API', version: '0.1.0', description: 'Photos, logos, prompts and broken 3D files to printable solids.' },
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', { type: 'apiKey', in: 'header', name: 'x-api-key' });
  return app;
}

/** True when a write lock cannot be had within the database's busy timeout (SQLite: SQLITE_BUSY). */
async function databaseBusy(services: Services): Promise<boolean> {
  try {
    await services.db.connection().execute(async (conn) => {
      await sql`begin immediate`.execute(conn);
      await sql`rollback`.execute(conn);
    });
    return false;
  } catch (error) {
    return /SQLITE_BUSY|database is locked/i.test((error as Error).message);
  }
}
