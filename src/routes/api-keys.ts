import { createRoute, z } from '@hono/zod-openapi';
import { API_KEY_SCOPES, DEFAULT_API_KEY_SCOPES } from '../domain/api-key-scopes.ts';
import { requireUser } from '../http/authenticate.ts';
import { createRouter, errorResponses } from '../http/router.ts';
import type { ApiKeysService } from '../services/api-keys.ts';
import type { AuditLog } from '../services/audit.ts';

const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    scopes: z.array(z.enum(API_KEY_SCOPES)),
    createdByKeyId: z.string().nullable().openapi({ description: 'The key that made this one; null when made while signed in' }),
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
      summary: 'Create an API key (shown once). A key may do this only with the account scope, and only for scopes it has',
      request: {
        body: {
          content: {
            'application/json': {
              schema: z.strictObject({
                name: z.string().max(100).default('API key'),
                scopes: z
                  .array(z.enum(API_KEY_SCOPES))
                  .min(1)
                  .max(API_KEY_SCOPES.length)
                  .optional()
                  .openapi({
                    description: `read: every GET; jobs: uploads, jobs, shares; account: API keys, billing, export, deletion. Default: ${DEFAULT_API_KEY_SCOPES.join(', ')}`,
                  }),
              }),
            },
          },
        },
      },
      responses: {
        201: { description: 'Created', content: { 'application/json': { schema: z.object({ key: z.string(), apiKey: ApiKeySchema }) } } },
        ...errorResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const user = requireUser(c);
      const keyId = c.get('apiKeyId');
      const maker = keyId ? { keyId, scopes: c.get('apiKeyScopes') ?? [] } : undefined;
      const { key, record } = await apiKeys.create(user.id, c.req.valid('json'), maker);
      await audit.record('api_key.created', {
        userId: user.id,
        details: { keyId: record.id, prefix: record.prefix, scopes: record.scopes, createdByKeyId: record.createdByKeyId },
      });
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
      request: { params: z.object({ id: z.string() }) },
      summary: 'Revoke an API key and every key it made (transitively)',
      responses: { 204: { description: 'Revoked' }, ...errorResponses(401, 403, 404) },
    }),
    async (c) => {
      const user = requireUser(c);
      const { id } = c.req.valid('param');
      const revoked = await apiKeys.revoke(user.id, id);
      await audit.record('api_key.revoked', { userId: user.id, details: { keyId: id, alsoRevoked: revoked.filter((k) => k !== id) } });
      return c.body(null, 204);
    },
  );
  return app;
}
