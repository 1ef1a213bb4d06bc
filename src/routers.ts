/**
 * The resource routers of the API, in one list. Each takes the services it needs and the
 * runtime pieces (the job runner's event bus and controls) the composition hands in.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Services } from './compose.ts';
import type { AppEnv } from './http/env.ts';
import type { JobsRuntime } from './jobs/jobs-runtime.ts';
import { accountRoutes } from './routes/account.ts';
import { artifactsRoutes } from './routes/artifacts.ts';
import { jobsRoutes } from './routes/jobs.ts';
import { uploadsRoutes } from './routes/uploads.ts';
import { sharesRoutes } from './routes/shares.ts';
import { modesRoutes } from './routes/modes.ts';

export interface Runtime {
  /** Filled by the job runner when it starts (pool stats for /healthz, cancel hooks, events). */
  [key: string]: unknown;
  /** The job runner's service, event bus and controls; without it the jobs routes are absent. */
  jobs?: JobsRuntime;
}

export function buildRouters(services: Services, runtime: Runtime): Array<OpenAPIHono<AppEnv>> {
  return [
    uploadsRoutes(services.uploads, services.config.maxUploadBytes),
    artifactsRoutes({ artifacts: services.artifacts, baseUrl: services.config.baseUrl, clock: services.clock }),
    sharesRoutes(services.shares),
    ...(runtime.jobs ? [jobsRoutes(runtime.jobs)] : []),
    accountRoutes(services.privacy, runtime.jobs?.service, () => sessionCookieNames(services)),
    modesRoutes(),
  ];
}

/** better-auth's cookies for a session, cleared when the account is deleted. */
async function sessionCookieNames(services: Services): Promise<string[]> {
  const { authCookies } = await services.auth.$context;
  return [authCookies.sessionToken.name, authCookies.sessionData.name, authCookies.dontRememberToken.name];
}
