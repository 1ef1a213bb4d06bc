/**
 * A finished job's files: list, download (owner), mint a signed link (owner), and download through
 * the link. Links live under /api/files/, outside /api/v1/*, so the session/API-key middleware never
 * runs for them: the signature alone is the credential, and a stray or stale x-api-key header
 * cannot turn a valid link into a 401.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requireUser } from '../http/authenticate.ts';
import { contentDisposition } from '../http/content-disposition.ts';
import type { AppEnv } from '../http/env.ts';
import { createRouter, errorResponses } from '../http/router.ts';
import { sendStoredFileOrRedirect } from '../http/send-file.ts';
import { ARTIFACT_NAMES } from '../services/artifacts.ts';
import type { ArtifactDownload, ArtifactsService } from '../services/artifacts.ts';

const ArtifactSchema = z
  .object({
    name: z.enum(ARTIFACT_NAMES),
    contentType: z.string(),
    byteSize: z.number().int(),
    etag: z.string().openapi({ description: 'Strong ETag (quoted SHA-256), as sent in the ETag header' }),
    url: z.string().openapi({ description: 'Owner download URL (needs the session or API key)' }),
  })
  .openapi('Artifact');

const JobParams = z.object({ id: z.string().min(1).max(64) });
const ArtifactParams = JobParams.extend({ name: z.enum(ARTIFACT_NAMES) });
const SignatureQuery = z.object({ expires: z.string().optional(), sig: z.string().optional() });

const fileResponses = {
  200: { description: 'The file', content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } },
  206: {
    description: 'One byte range (Range: bytes=a-b, a-, -n)',
    content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } },
  },
  302: { description: 'A big file, where the store can presign (R2 with its S3 settings): a short-lived presigned GET of it' },
  304: { description: 'Not modified (If-None-Match matched the ETag)' },
  416: { description: 'Range not satisfiable; Content-Range: bytes */size' },
};

export interface ArtifactsRouteDeps {
  artifacts: ArtifactsService;
  /** The public origin signed links are made for. */
  baseUrl: string;
  clock: () => number;
}

export function artifactsRoutes({ artifacts, baseUrl, clock }: ArtifactsRouteDeps) {
  const origin = baseUrl.replace(/\/$/, '');
  const ownerPath = (jobId: string, name: string) => `/api/v1/jobs/${jobId}/artifacts/${name}`;
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/jobs/{id}/artifacts',
      tags: ['artifacts'],
      summary: "A job's files (empty until it succeeds)",
      request: { params: JobParams },
      responses: {
        200: { description: 'Files', content: { 'application/json': { schema: z.object({ artifacts: z.array(ArtifactSchema) }) } } },
        ...errorResponses(401, 404),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const rows = await artifacts.list(requireUser(c).id, id);
      const known = rows.filter((r): r is typeof r & { name: (typeof ARTIFACT_NAMES)[number] } =>
        (ARTIFACT_NAMES as readonly string[]).includes(r.name),
      );
      const base = c.get('publicOrigin') ?? origin;
      return c.json({ artifacts: known.map((r) => ({ ...r, url: base + ownerPath(id, r.name) })) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/jobs/{id}/artifacts/{name}',
      tags: ['artifacts'],
      summary: 'Download one file (owner; HEAD, ETag and Range supported)',
      request: { params: ArtifactParams },
      responses: { ...fileResponses, ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const { id, name } = c.req.valid('param');
      const download = await artifacts.openOwned(requireUser(c).id, id, name);
      // Private: it is behind a session. no-cache: revalidate (a cheap 304) so a deleted job stops being served.
      return send(c, artifacts, download, 'private, no-cache');
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/jobs/{id}/artifacts/{name}/link',
      tags: ['artifacts'],
      summary: 'A short-lived signed URL for one file that works without a session (GET/HEAD only)',
      request: { params: ArtifactParams },
      responses: {
        200: {
          description: 'Signed link',
          content: {
            'application/json': {
              schema: z.object({ url: z.string(), expiresAt: z.number().openapi({ description: 'Epoch milliseconds' }) }),
            },
          },
        },
        ...errorResponses(400, 401, 404),
      },
    }),
    async (c) => {
      const { id, name } = c.req.valid('param');
      const link = await artifacts.createLink(requireUser(c).id, id, name);
      return c.json({ url: (c.get('publicOrigin') ?? origin) + link.path, expiresAt: link.expiresAt }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/files/jobs/{id}/{name}',
      tags: ['artifacts'],
      summary: 'Download one file through a signed link (no session; HEAD, ETag and Range supported)',
      request: { params: ArtifactParams, query: SignatureQuery },
      responses: { ...fileResponses, ...errorResponses(400, 403, 404) },
    }),
    async (c) => {
      const { id, name } = c.req.valid('param');
      const query = c.req.valid('query');
      const download = await artifacts.openSigned(id, name, query);
      // A browser may keep it until the link expires; shared caches may not (the link is a credential).
      const secondsLeft = Math.max(0, Number(query.expires) - Math.floor(clock() / 1000));
      return send(c, artifacts, download, `private, max-age=${secondsLeft}`, secondsLeft);
    },
  );

  return app;
}

/** `maxSeconds`: how long a redirect's store URL may work (a signed link's own time left). */
function send(c: Context<AppEnv>, artifacts: ArtifactsService, download: ArtifactDownload, cacheControl: string, maxSeconds?: number) {
  const disposition = contentDisposition(download.disposition, download.fileName);
  return sendStoredFileOrRedirect(
    c.req.raw,
    {
      size: download.byteSize,
      sha256: download.sha256,
      contentType: download.contentType,
      disposition,
      cacheControl,
      open: (range) => artifacts.read(download, range),
    },
    () => artifacts.directUrl(download, { disposition, maxSeconds }),
  );
}
