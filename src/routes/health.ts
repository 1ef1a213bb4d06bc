import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../http/router.ts';

export type HealthProbe = () => Promise<{ database: boolean; pool: { size: number; busy: number; queued: number } | null }>;

export function healthRoutes(probe: HealthProbe) {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/healthz',
      tags: ['system'],
      summary: 'Database and worker pool health',
      responses: {
        200: { description: 'Healthy', content: { 'application/json': { schema: z.object({ ok: z.boolean() }).passthrough() } } },
        503: { description: 'Unhealthy', content: { 'application/json': { schema: z.object({ ok: z.boolean() }).passthrough() } } },
      },
    }),
    async (c) => {
      const status = await probe().catch(() => ({ database: false, pool: null }));
      const ok = status.database;
      return c.json({ ok, ...status }, ok ? 200 : 503);
    },
  );
  return app;
}
