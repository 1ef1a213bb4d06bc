import { createRoute, z } from '@hono/zod-openapi';
import { requireUser } from '../http/authenticate.ts';
import { createRouter, errorResponses } from '../http/router.ts';
import type { ApiKeysService } from '../services/api-keys.ts';
import type { AuditLog } from '../services/audit.ts';

const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    createdAt: z.number(),
    lastUsedAt: z.number().nullable(),
    revokedAt: z.number().nullable(),
  })
  .openapi('ApiKey');

export function apiKeysRoutes(apiKeys: ApiKeysService, audit: AuditLog) {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/account/api-keys',
      tags: ['account'],
      summary: 'Create an API key (shown once)',
      request: { body: { content: { 'application/json': { schema: z.strictObject({ name: z.string().max(100).default('API key') }) } } } },
      responses: {
        201: { description: 'Created', content: { 'application/json': { schema: z.object({ key: z.string(), apiKey: ApiKeySchema }) } } },
        ...errorResponses(400, 401),
      },
    }),
    async (c) => {
      const user = requireUser(c);
      const { key, record } = await apiKeys.create(user.id, c.req.valid('json').name);
      await audit.record('api_key.created', { userId: user.id, details: { keyId: record.id, prefix: record.prefix } });
      return c.json({ key, apiKey: record }, 201);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/account/api-keys',
      tags: ['account'],
      summary: 'List your API keys',
      responses: {
        200: { description: 'Keys', content: { 'application/json': { schema: z.object({ apiKeys: z.array(ApiKeySchema) }) } } },
        ...errorResponses(401),
      },
    }),
    async (c) => c.json({ apiKeys: await apiKeys.list(requireUser(c).id) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/account/api-keys/{id}',
      tags: ['account'],
      summary: 'Revoke an API key',
      request: { params: z.object({ id: z.string() }) },
      responses: { 204: { description: 'Revoked' }, ...errorResponses(401, 404) },
    }),
    async (c) => {
      const user = requireUser(c);
      const { id } = c.req.valid('param');
      await apiKeys.revoke(user.id, id);
      await audit.record('api_key.revoked', { userId: user.id, details: { keyId: id } });
      return c.body(null, 204);
    },
  );
  return app;
}
