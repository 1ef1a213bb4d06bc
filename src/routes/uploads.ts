/**
 * /api/v1/uploads: multipart upload, the signed-URL flow for large files (url -> PUT ->
 * complete), list/get/delete. File bodies are documented with plain OpenAPI schemas, not zod,
 * so the framework does not parse (and buffer) them: readMultipartFile does, under the limit.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { requireUser } from '../http/authenticate.ts';
import { readMultipartFile } from '../http/read-multipart-file.ts';
import { createRouter, errorResponses } from '../http/router.ts';
import { contentDisposition } from '../http/content-disposition.ts';
import { sendStoredFile } from '../http/send-file.ts';
import type { UploadsService } from '../services/uploads.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

const UploadSchema = z
  .object({
    id: z.string(),
    status: z.enum(['pending', 'ready']),
    kind: z.enum(['image', 'mesh', 'font']).nullable(),
    format: z.string().nullable().openapi({ example: 'png' }),
    originalName: z.string(),
    byteSize: z.number(),
    sha256: z.string().nullable(),
    width: z.number().nullable(),
    height: z.number().nullable(),
    triangles: z.number().nullable().openapi({
      description:
        'As the file declares it, before the job parses it: PLY counts faces (polygons fan out to more), 3MF counts before instancing',
    }),
    createdAt: z.number(),
    expiresAt: z
      .number()
      .nullable()
      .openapi({ description: "When the file is deleted under your plan's retention (epoch ms); null = kept" }),
  })
  .openapi('Upload');

const IdParam = z.object({ id: z.string().max(64) });
const uploadJson = (description: string) => ({ description, content: { 'application/json': { schema: UploadSchema } } });

export function uploadsRoutes(uploads: UploadsService, maxUploadBytes: number) {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/uploads',
      tags: ['uploads'],
      summary: 'Upload an image or a 3D file (multipart, field "file"); its type is decided by content',
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
      responses: { 201: uploadJson('Stored'), ...errorResponses(400, 401, 413, 415, 422) },
    }),
    async (c) => {
      const user = requireUser(c);
      const file = await readMultipartFile(c.req.raw, 'file', maxUploadBytes);
      return c.json(await uploads.create(user.id, file), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/uploads/from-url',
      tags: ['uploads'],
      summary:
        'Upload a picture from its address: fetched by the server from public addresses only (http or https, at most 3 redirects, the upload byte and pixel limits)',
      request: {
        body: {
          required: true,
          content: { 'application/json': { schema: z.strictObject({ url: z.string().min(1).max(2048) }).openapi('UploadFromUrl') } },
        },
      },
      responses: { 201: uploadJson('Fetched and stored'), ...errorResponses(400, 401, 413, 415, 422) },
    }),
    async (c) => c.json(await uploads.createFromUrl(requireUser(c).id, c.req.valid('json').url), 201),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/uploads/url',
      tags: ['uploads'],
      summary: 'Start a large upload: a short-lived signed URL to PUT the file to, then call complete',
      request: {
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z.strictObject({ filename: z.string().max(1000).optional(), byteSize: z.number().int().positive() }),
            },
          },
        },
      },
      responses: {
        201: {
          description: 'Signed URL',
          content: {
            'application/json': {
              schema: UploadSchema.omit({ expiresAt: true })
                .extend({
                  uploadId: z.string().openapi({ description: 'Deprecated: the same as id (the name this answer used first)' }),
                  uploadUrl: z.string(),
                  method: z.literal('PUT'),
                  uploadUrlExpiresAt: z.number().openapi({ description: 'When the upload URL stops working (epoch ms)' }),
                  expiresAt: z.number().openapi({ description: 'The same as uploadUrlExpiresAt (kept from the first version)' }),
                })
                .openapi('SignedUpload'),
            },
          },
        },
        ...errorResponses(400, 401, 413),
      },
    }),
    async (c) => c.json(await uploads.createSignedUpload(requireUser(c).id, c.req.valid('json'), c.get('publicOrigin')), 201),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/v1/uploads/{id}/content',
      tags: ['uploads'],
      summary: 'The signed PUT (no session needed: the signature is the permission)',
      request: {
        params: IdParam,
        query: z.object({ expires: z.string().optional(), sig: z.string().optional() }),
        body: { content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
      },
      responses: { 204: { description: 'Received; now call complete' }, ...errorResponses(400, 403, 404, 409, 413) },
    }),
    async (c) => {
      const length = c.req.header('content-length');
      await uploads.receiveSignedPut(c.req.valid('param').id, c.req.valid('query'), c.req.raw.body, length ? Number(length) : undefined);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/uploads/{id}/complete',
      tags: ['uploads'],
      summary: 'Finish a signed-URL upload: inspect the file and mark it ready (a file we cannot take is deleted)',
      request: { params: IdParam },
      responses: { 200: uploadJson('Ready'), ...errorResponses(401, 404, 409, 413, 415, 422) },
    }),
    async (c) => c.json(await uploads.complete(requireUser(c).id, c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/uploads',
      tags: ['uploads'],
      summary: 'Your uploads, newest first',
      request: { query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(50), cursor: z.string().optional() }) },
      responses: {
        200: {
          description: 'A page',
          content: { 'application/json': { schema: z.object({ uploads: z.array(UploadSchema), nextCursor: z.string().nullable() }) } },
        },
        ...errorResponses(400, 401),
      },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const page = await uploads.list(requireUser(c).id, limit, decodeCursor(cursor));
      return c.json({ uploads: page.uploads, nextCursor: page.next ? encodeCursor(page.next) : null }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/uploads/{id}/content',
      tags: ['uploads'],
      summary: 'The bytes of one of your uploaded pictures (ETag, Range)',
      request: { params: IdParam },
      responses: {
        200: { description: 'The picture', content: { 'image/*': { schema: { type: 'string', format: 'binary' } } } },
        ...errorResponses(401, 404, 409, 422),
      },
    }),
    async (c) => {
      const file = await uploads.content(requireUser(c).id, c.req.valid('param').id);
      return sendStoredFile(c.req.raw, {
        ...file,
        disposition: contentDisposition('inline', file.name || 'image'),
        cacheControl: 'private, no-cache',
      }) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/uploads/{id}',
      tags: ['uploads'],
      summary: 'One of your uploads',
      request: { params: IdParam },
      responses: { 200: uploadJson('The upload'), ...errorResponses(401, 404) },
    }),
    async (c) => c.json(await uploads.get(requireUser(c).id, c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/uploads/{id}',
      tags: ['uploads'],
      summary: 'Delete an upload and its file',
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...errorResponses(401, 404) },
    }),
    async (c) => {
      await uploads.remove(requireUser(c).id, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  return app;
}
