/**
 * The Hono app: request ids and logs, auth, one sub-app per resource (in one list, below), the
 * OpenAPI document and JSON errors. Routes are thin: validate, call one service, shape the answer.
 * It constructs nothing of the runtime: each composition root (src/server.ts on Node, the
 * Workers entry, the tests) hands in one AppDependencies.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, Hono } from 'hono';
import { CLIENT_IP_HEADER, sessionCookieNames } from './auth.ts';
import type { Services } from './compose.ts';
import { authenticate } from './http/authenticate.ts';
import type { AppEnv } from './http/env.ts';
import { CREEM_WEBHOOK_PATH, bodyLimitFor } from './http/body-limits.ts';
import { requireKeyScope } from './http/key-scopes.ts';
import { errorHandler, sendError } from './http/errors.ts';
import { inOurErrorShape } from './http/auth-errors.ts';
import { publicOriginFor } from './http/request-origin.ts';
import { limitBody } from './http/limit-body.ts';
import { refusePrototypeKeys } from './http/refuse-prototype-keys.ts';
import { createRateLimiter, rateLimitPerCaller, rateLimitPerIp } from './http/rate-limit.ts';
import type { RateLimiter } from './http/rate-limit.ts';
import { requestContext } from './http/request-context.ts';
import { requireSameOrigin } from './http/same-origin.ts';
import { securityHeaders } from './http/security-headers.ts';
import { createSessionCache, sessionTokenOf } from './http/session-cache.ts';
import { createRouter } from './http/router.ts';
import type { JobsRuntime } from './jobs/jobs-runtime.ts';
import { DatabaseBusyError } from './domain/database-errors.ts';
import { accountRoutes } from './routes/account.ts';
import { profileRoutes } from './routes/profile.ts';
import { apiKeysRoutes } from './routes/api-keys.ts';
import { artifactsRoutes } from './routes/artifacts.ts';
import { billingRoutes } from './routes/billing.ts';
import { creditsRoutes } from './routes/credits.ts';
import { docsRoutes } from './routes/docs.ts';
import { healthRoutes } from './routes/health.ts';
import type { HealthProbe } from './routes/health.ts';
import { jobsRoutes } from './routes/jobs.ts';
import { pricingRoutes } from './routes/pricing.ts';
import { modesRoutes } from './routes/modes.ts';
import { sharesRoutes } from './routes/shares.ts';
import { uploadsRoutes } from './routes/uploads.ts';
import { availableAiModes } from './services/ai/availability.ts';

/** Everything the app is made of, from the composition root. */
export interface AppDependencies {
  services: Services;
  /** /healthz: the database and, where there is one, the worker pool. */
  health: HealthProbe;
  /** The job runner's service, event bus and controls; absent where no runner runs (no jobs routes then). */
  jobs?: Pick<JobsRuntime, 'service' | 'bus' | 'heartbeatMs'>;
  /** The peer address, from the host (Node's socket); unknown in app.request() tests. */
  remoteAddress?: (c: Context) => string | undefined;
  /** Built files the host serves (Node: the widget, then the web app), registered after every API route. */
  files?: Array<Hono<AppEnv>>;
  /** Where request counts live: in memory by default; Workers pass Durable Object limiters (shared by every isolate). */
  rateLimiter?: (name: string, perMinute: number) => RateLimiter;
}

/** The resource routers, in one list: a new resource is one more line here. */
function apiRouters({ services, health, jobs }: AppDependencies): Array<Hono<AppEnv>> {
  const { config } = services;
  const aiModes: ReadonlySet<string> = availableAiModes(config.ai);
  const offered = (mode: string) => !mode.startsWith('ai-') || aiModes.has(mode);
  return [
    healthRoutes(health),
    docsRoutes(),
    apiKeysRoutes(services.apiKeys, services.audit),
    creditsRoutes(services.credits, services.billing),
    billingRoutes(services.billing),
    pricingRoutes(services.prices, services.billing.catalog, offered),
    modesRoutes(),
    uploadsRoutes(services.uploads, config.maxUploadBytes),
    artifactsRoutes({ artifacts: services.artifacts, baseUrl: config.baseUrl, clock: services.clock }),
    sharesRoutes(services.shares),
    ...(jobs ? [jobsRoutes(jobs)] : []),
    accountRoutes(services.privacy, jobs?.service, () => sessionCookieNames(services.auth)),
    profileRoutes(services.profile),
  ];
}

export function createApp(deps: AppDependencies): OpenAPIHono<AppEnv> {
  const { services } = deps;
  const app = createRouter();
  app.onError(errorHandler(services.logger));
  app.notFound((c) => sendError(c, 404, 'not_found', `no route for ${c.req.method} ${c.req.path}`));
  app.use('*', requestContext(services.logger, services.clock));
  app.use('*', async function setPublicOrigin(c, next) {
    c.set('publicOrigin', publicOriginFor(c.req.raw, services.config));
    await next();
  });
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
    return deps.remoteAddress?.(c) ?? 'unknown';
  };
  const { clock, config } = services;
  const limiter = deps.rateLimiter ?? ((name: string, perMinute: number) => createRateLimiter(name, perMinute, clock));
  app.use('/api/v1/*', rateLimitPerIp(limiter('API', config.apiPerIpPerMinute), clientIp));

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
    if ((res.status >= 500 || res.status === 422) && (await services.database.busy())) throw new DatabaseBusyError();
    return inOurErrorShape(res, c.req.raw, services.config);
  });

  app.use(
    '/api/v1/*',
    authenticate({
      auth: services.auth,
      apiKeys: services.apiKeys,
      lookupUser: services.users.find,
      sessions,
      sessionIsLive: async (token, userId) => (await services.sessions.liveUserOf(token, services.clock())) === userId,
    }),
  );
  app.use('/api/v1/*', requireKeyScope());
  app.use('/api/v1/account', async function forgetDeletedSessions(c, next) {
    await next();
    const user = c.get('user');
    if (c.req.method === 'DELETE' && c.res.status === 204 && user) await sessions.dropUser(user.id);
  });
  // Per caller (user, or IP when anonymous), after authentication so users are told apart.
  const uploadLimiter = limiter('upload', config.uploadsPerMinute);
  const jobLimiter = limiter('job', config.jobsPerMinute);
  app.on('POST', ['/api/v1/uploads', '/api/v1/uploads/url', '/api/v1/uploads/from-url'], rateLimitPerCaller(uploadLimiter, clientIp));
  app.on('POST', '/api/v1/jobs', rateLimitPerCaller(jobLimiter, clientIp));

  for (const router of apiRouters(deps)) app.route('/', router);
  // The web app answers the GETs no API route took: last, so it shadows none.
  for (const files of deps.files ?? []) app.route('/', files);

  app.doc31('/api/v1/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'image-to-stl API', version: '0.1.0', description: 'Photos, logos, prompts and broken 3D files to printable solids.' },
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', { type: 'apiKey', in: 'header', name: 'x-api-key' });
  return app;
}
