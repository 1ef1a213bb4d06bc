/**
 * /api/v1/account/profile, /avatar and /support: the account page's name, avatar and support
 * messages. Thin: the profile service decides (limits, what is kept).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { requireUser } from '../http/authenticate.ts';
import { readMultipartFile } from '../http/read-multipart-file.ts';
import { createRouter, errorResponses } from '../http/router.ts';
import type { ProfileService } from '../services/profile.ts';
import { AVATAR_LIMITS, SUPPORT_LIMITS } from '../services/profile.ts';

const ProfileSchema = z
  .object({ name: z.string(), email: z.string(), avatarUrl: z.string().nullable().openapi({ description: 'null = no avatar' }) })
  .openapi('Profile');
const SupportMessageSchema = z
  .object({ id: z.string(), subject: z.string(), message: z.string(), createdAt: z.number() })
  .openapi('SupportMessage');
const profileJson = { description: 'The profile', content: { 'application/json': { schema: ProfileSchema } } };

export function profileRoutes(profile: ProfileService) {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/account/profile',
      tags: ['account'],
      summary: 'Your name, e-mail and avatar',
      responses: { 200: profileJson, ...errorResponses(401, 404) },
    }),
    async (c) => c.json(await profile.get(requireUser(c).id), 200),
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/account/profile',
      tags: ['account'],
      summary: 'Change your display name',
      request: {
        body: { required: true, content: { 'application/json': { schema: z.strictObject({ name: z.string().min(1).max(100) }) } } },
      },
      responses: { 200: profileJson, ...errorResponses(400, 401, 404) },
    }),
    async (c) => c.json(await profile.rename(requireUser(c).id, c.req.valid('json').name), 200),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/v1/account/avatar',
      tags: ['account'],
      summary: `Set your avatar (multipart, field "file"): PNG, JPEG or WebP, at most ${AVATAR_LIMITS.maxBytes / 1024} KB and ${AVATAR_LIMITS.maxSide} × ${AVATAR_LIMITS.maxSide} px`,
      request: {
        body: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] },
            },
          },
        },
      },
      responses: { 200: profileJson, ...errorResponses(400, 401, 413, 415, 422) },
    }),
    async (c) => {
      const user = requireUser(c);
      const file = await readMultipartFile(c.req.raw, 'file', AVATAR_LIMITS.maxBytes);
      return c.json(await profile.setAvatar(user.id, file.bytes), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/account/avatar',
      tags: ['account'],
      summary: 'Your avatar picture',
      responses: {
        200: { description: 'The picture', content: { 'image/*': { schema: { type: 'string', format: 'binary' } } } },
        ...errorResponses(401, 404),
      },
    }),
    async (c) => {
      const avatar = await profile.avatar(requireUser(c).id);
      return new Response(avatar.bytes as BodyInit, {
        headers: { 'content-type': avatar.contentType, 'cache-control': 'private, max-age=31536000', 'x-content-type-options': 'nosniff' },
      }) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/account/avatar',
      tags: ['account'],
      summary: 'Remove your avatar',
      responses: { 200: profileJson, ...errorResponses(401, 404) },
    }),
    async (c) => c.json(await profile.removeAvatar(requireUser(c).id), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/account/support',
      tags: ['account'],
      summary: 'Write to support: the message is stored with your account (in its export, deleted with it)',
      request: {
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z.strictObject({
                subject: z.string().min(1).max(SUPPORT_LIMITS.subject),
                message: z.string().min(1).max(SUPPORT_LIMITS.body),
              }),
            },
          },
        },
      },
      responses: {
        201: { description: 'Stored', content: { 'application/json': { schema: SupportMessageSchema } } },
        ...errorResponses(400, 401),
      },
    }),
    async (c) => c.json(await profile.sendSupport(requireUser(c).id, c.req.valid('json')), 201),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/account/support',
      tags: ['account'],
      summary: 'Your messages to support, newest first',
      responses: {
        200: {
          description: 'Messages',
          content: { 'application/json': { schema: z.object({ messages: z.array(SupportMessageSchema) }) } },
        },
        ...errorResponses(401),
      },
    }),
    async (c) => c.json({ messages: await profile.supportMessages(requireUser(c).id) }, 200),
  );

  return app;
}
