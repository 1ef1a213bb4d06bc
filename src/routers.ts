/**
 * The resource routers of the API, in one list. Each takes the services it needs and the
 * runtime pieces (the job runner's event bus and controls) the composition hands in.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Services } from './compose.ts';
import type { AppEnv } from './http/env.ts';
import { artifactsRoutes } from './routes/artifacts.ts';
import { uploadsRoutes } from './routes/uploads.ts';

export interface Runtime {
  /** Filled by the job runner when it starts (pool stats for /healthz, cancel hooks, events). */
  [key: string]: unknown;
}

export function buildRouters(services: Services, _runtime: Runtime): Array<OpenAPIHono<AppEnv>> {
  return [uploadsRoutes(services.uploads, services.config.maxUploadBytes), artifactsRoutes(services)];
}
