/**
 * Share tokens. The owner side lives under /api/v1 (session or API key); the public side —
 * `/s/:token` (JSON), its model and poster, and the `/embed/:token` page — lives outside it, so the
 * auth middleware never runs there: the token is the whole credential. The public routes send
 * `Access-Control-Allow-Origin: *` (the only place in the app that does), never credentials,
 * never read a cookie and never set one.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { requireUser } from '../http/authenticate.ts';
import type { AppEnv } from '../http/env.ts';
import { createRouter, errorResponses } from '../http/router.ts';
import { sendStoredFile } from '../http/send-file.ts';
import { sha256Hex } from '../domain/ids.ts';
import { SHARE_TOKEN_PATTERN } from '../services/shares.ts';
import type { PublicShare, ShareFile, SharesService } from '../services/shares.ts';
import { ServiceError } from '../domain/errors.ts';

const ShareSchema = z
  .object({
    token: z.string().openapi({ description: '128 random bits, base64url' }),
    name: z.string(),
    active: z.boolean(),
    createdAt: z.number().openapi({ description: 'Epoch milliseconds' }),
    revokedAt: z.number().nullable(),
    url: z.string().openapi({ example: 'https://example.com/s/TOKEN' }),
    embedUrl: z.string().openapi({ example: 'https://example.com/embed/TOKEN' }),
    snippet: z.string().openapi({ description: 'HTML to paste into a page: the widget script and an <stl-viewer> element' }),
  })
  .openapi('Share');

const PublicShareSchema = z
  .object({
    name: z.string(),
    dimensionsMm: z.tuple([z.number(), z.number(), z.number()]).nullable(),
    triangles: z.number().int().nullable(),
    poster: z.string().nullable().openapi({ description: 'PNG preview URL, or null when the job made none' }),
    model: z.string().openapi({ description: 'EXT_meshopt_compression GLB URL' }),
  })
  .openapi('PublicShare');

const JobParams = z.object({ id: z.string().min(1).max(64) });
const TokenParams = z.object({ token: z.string().min(1).max(64) });
const CreateBody = z.strictObject({
  name: z.string().max(120).optional().openapi({ description: 'Title shown by the widget (default: the upload name)' }),
});

/** Short: a revoked share stops being served within a minute; the ETag makes the re-check cheap. */
const PUBLIC_CACHE = 'public, max-age=60';

export function sharesRoutes(shares: SharesService) {
  const app = createRouter();
  app.use('/s/*', publicCors());
  app.use('/embed/*', noCookies());

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/jobs/{id}/shares',
      tags: ['shares'],
      summary: 'Share a succeeded job: a public token for the embed widget (builds the compressed preview once)',
      request: { params: JobParams, body: { required: false, content: { 'application/json': { schema: CreateBody } } } },
      responses: {
        201: { description: 'The new share', content: { 'application/json': { schema: ShareSchema } } },
        ...errorResponses(400, 401, 404, 409, 422),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.header('content-type')?.includes('application/json') ? c.req.valid('json') : {};
      return c.json(await shares.create(requireUser(c).id, id, body ?? {}, c.get('publicOrigin')), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/jobs/{id}/shares',
      tags: ['shares'],
      summary: "A job's shares, newest first, revoked ones included",
      request: { params: JobParams },
      responses: {
        200: { description: 'Shares', content: { 'application/json': { schema: z.object({ shares: z.array(ShareSchema) }) } } },
        ...errorResponses(401, 404),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      return c.json({ shares: await shares.list(requireUser(c).id, id, c.get('publicOrigin')) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/shares/{token}',
      tags: ['shares'],
      summary: 'Revoke a share (idempotent for the owner); its public URLs answer 404 from then on',
      request: { params: TokenParams },
      responses: { 204: { description: 'Revoked' }, ...errorResponses(401, 404) },
    }),
    async (c) => {
      await shares.revoke(requireUser(c).id, c.req.valid('param').token);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/s/{token}',
      tags: ['shares'],
      summary:
        'Public: what the widget shows (no session; CORS *). A browser opening the link (Accept: text/html) gets a page showing the model instead.',
      request: { params: TokenParams },
      responses: {
        200: {
          description: 'The shared model',
          content: { 'application/json': { schema: PublicShareSchema }, 'text/html': { schema: z.string() } },
        },
        304: { description: 'Not modified' },
        ...errorResponses(404),
      },
    }),
    async (c) => {
      const token = c.req.valid('param').token;
      // A person who opens the link sees the model; the widget and API clients get the JSON. Vary:
      // a cache must keep the two apart.
      if (wantsHtml(c.req.header('accept'))) {
        const share = await shares.describe(token, c.get('publicOrigin')).catch((error: unknown) => {
          if (error instanceof ServiceError && error.code === 'not_shared') return null;
          throw error;
        });
        return c.body(sharePage(token, share), share ? 200 : 404, { ...pageHeaders("'none'"), Vary: 'Accept' }) as never;
      }
      const body = JSON.stringify(await shares.describe(token, c.get('publicOrigin')));
      const etag = `"${(await sha256Hex(body)).slice(0, 32)}"`;
      const headers = { ETag: etag, 'Cache-Control': PUBLIC_CACHE, Vary: 'Accept' };
      if (matches(c.req.header('if-none-match'), etag)) return c.body(null, 304, headers);
      return c.body(body, 200, { ...headers, 'Content-Type': 'application/json; charset=utf-8' }) as never;
    },
  );

  const fileRoute = (path: string, summary: string, contentType: string) =>
    createRoute({
      method: 'get',
      path,
      tags: ['shares'],
      summary,
      request: { params: TokenParams },
      responses: {
        200: { description: 'The file', content: { [contentType]: { schema: z.string().openapi({ format: 'binary' }) } } },
        304: { description: 'Not modified' },
        ...errorResponses(404),
      },
    });

  app.openapi(
    fileRoute('/s/{token}/model.glb', 'Public: the model as a meshopt-compressed GLB (EXT_meshopt_compression)', 'model/gltf-binary'),
    async (c) => sendShareFile(c.req.raw, shares, await shares.openModel(c.req.valid('param').token), 'model.glb'),
  );

  app.openapi(fileRoute('/s/{token}/poster.png', 'Public: the preview image', 'image/png'), async (c) =>
    sendShareFile(c.req.raw, shares, await shares.openPoster(c.req.valid('param').token), 'poster.png'),
  );

  app.get('/embed/:token', async (c) => {
    const token = c.req.param('token');
    const live = SHARE_TOKEN_PATTERN.test(token) && (await shares.isLive(token));
    // The token is only ever [A-Za-z0-9_-] here, so it is safe inside the HTML and the URL.
    const html = embedPage(live ? token : null);
    // The one page any site may frame.
    return c.body(html, live ? 200 : 404, pageHeaders('*'));
  });

  return app;
}

/** Headers of our two public pages. WebAssembly (the meshopt decoder) needs wasm-unsafe-eval. */
function pageHeaders(frameAncestors: string): Record<string, string> {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': PUBLIC_CACHE,
    'Content-Security-Policy': [
      "default-src 'none'",
      "script-src 'self' 'wasm-unsafe-eval'",
      "connect-src 'self'",
      "img-src 'self' blob: data:",
      "style-src 'unsafe-inline'",
      "base-uri 'none'",
      "form-action 'none'",
      `frame-ancestors ${frameAncestors}`,
    ].join('; '),
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
  };
}

/** A browser navigating to the link asks for HTML first; fetch() and API clients do not. */
function wantsHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(',').map((part) => {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return { type: type.trim(), q: q ? Number(q.slice(2)) : 1 };
  });
  const quality = (name: string) => types.find((t) => t.type === name)?.q ?? 0;
  return quality('text/html') > 0 && quality('text/html') >= quality('application/json');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The page a shared link opens: the model in the widget, its name and size. */
function sharePage(token: string, share: PublicShare | null): string {
  const title = share ? escapeHtml(share.name) : 'No longer shared';
  const size = share?.dimensionsMm ? `${share.dimensionsMm.map((v) => Math.round(v * 10) / 10).join(' × ')} mm` : '';
  const main = share
    ? `<h1>${title}</h1>${size ? `<p class="size">${escapeHtml(size)}</p>` : ''}
<stl-viewer src="/s/${token}"></stl-viewer>`
    : `<h1>No longer shared</h1><p>This model is no longer shared, or the link is wrong.</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} · 3D model</title>
${share?.poster ? `<meta property="og:image" content="${escapeHtml(share.poster)}">` : ''}
<style>body{margin:0 auto;max-width:960px;padding:16px;font:16px system-ui,sans-serif;color:#1a202c}h1{font-size:1.4rem;margin:0 0 4px}.size{margin:0 0 12px;color:#4a5568}stl-viewer{display:block;width:100%;height:min(70vh,640px)}</style>
${share ? '<script type="module" src="/widget.js"></script>' : ''}
</head>
<body>
<main>
${main}
</main>
</body>
</html>
`;
}

function sendShareFile(request: Request, shares: SharesService, file: ShareFile, fileName: string) {
  return sendStoredFile(request, {
    size: file.byteSize,
    sha256: file.sha256,
    contentType: file.contentType,
    disposition: `inline; filename="${fileName}"`,
    cacheControl: PUBLIC_CACHE,
    open: (range) => shares.read(file, range),
  });
}

function matches(header: string | undefined, etag: string): boolean {
  return !!header && (header.trim() === '*' || header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag));
}

/**
 * CORS for anyone, without credentials: `*` can never be combined with cookies by a browser.
 * Preflights are answered here (GET/HEAD only). A Set-Cookie that anything downstream might add is
 * dropped, so a public response can never carry or refresh a session.
 */
function publicCors(): MiddlewareHandler<AppEnv> {
  return async function publicCorsMiddleware(c, next) {
    if (c.req.method === 'OPTIONS') {
      return new Response(null, {
        status: 204,
        headers: {
          'Access-Control-Allow-Origin': '*',
          'Access-Control-Allow-Methods': 'GET, HEAD',
          'Access-Control-Allow-Headers': 'If-None-Match, Range',
          'Access-Control-Max-Age': '86400',
        },
      });
    }
    await next();
    c.res.headers.set('Access-Control-Allow-Origin', '*');
    c.res.headers.set('Access-Control-Expose-Headers', 'ETag, Content-Length, Content-Range');
    // Embedding sites may measure our timings (Resource Timing sizes and phases).
    c.res.headers.set('Timing-Allow-Origin', '*');
    // Let pages with COEP load the poster and model.
    c.res.headers.set('Cross-Origin-Resource-Policy', 'cross-origin');
    c.res.headers.delete('Set-Cookie');
  };
}

function noCookies(): MiddlewareHandler<AppEnv> {
  return async function noCookiesMiddleware(c, next) {
    await next();
    c.res.headers.delete('Set-Cookie');
  };
}

function embedPage(token: string | null): string {
  const viewer = token ? `<stl-viewer src="/s/${token}"></stl-viewer>` : `<p class="gone">This model is no longer shared.</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>3D preview</title>
<style>html,body{margin:0;height:100%;background:transparent;font:14px system-ui,sans-serif}stl-viewer{display:block;width:100%;height:100%}.gone{display:flex;height:100%;margin:0;align-items:center;justify-content:center;color:#555}</style>
${token ? '<script type="module" src="/widget.js"></script>' : ''}
</head>
<body>
${viewer}
</body>
</html>
`;
}
