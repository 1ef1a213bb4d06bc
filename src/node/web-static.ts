/**
 * Serves the built web app (`npm run build:web` writes web/dist) at `/`: files by path, hashed
 * `/assets/*` cached for a year, and index.html for app routes (paths without a file extension),
 * so the history-API router in the page takes over. Register it LAST: it only answers GETs no
 * other router took, and never shadows the server's own paths (/api, /healthz, /embed, /s,
 * /widget.js, /widget-chunks), which get the app's JSON 404 instead. Node only (fs).
 */
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRouter } from '../http/router.ts';
import { createStaticFileServer } from './static-files.ts';

export const WEB_DIST_DIR = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Paths the web app must never answer. */
export const SERVER_PATHS = [
  /^\/api(\/|$)/,
  /^\/healthz(\/|$)/,
  /^\/embed(\/|$)/,
  /^\/s(\/|$)/,
  /^\/widget\.js$/,
  /^\/widget-chunks(\/|$)/,
];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  // The text preview's worker: manifold-3d (instantiateStreaming needs this type) and the bundled font.
  '.wasm': 'application/wasm',
  '.ttf': 'font/ttf',
};

export function webAppRoutes(dir: string = WEB_DIST_DIR) {
  const root = resolve(dir);

  const files = createStaticFileServer();
  const serve = (request: Request, path: string, cacheControl: string) =>
    files(request, path, { contentType: TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream', cacheControl });

  const app = createRouter();
  app.get('*', async (c) => {
    const path = c.req.path;
    if (SERVER_PATHS.some((re) => re.test(path)) || path.includes('\0')) return c.notFound();
    const file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) return c.notFound();
    if (extname(path)) {
      const immutable = path.startsWith('/assets/');
      return (await serve(c.req.raw, file, immutable ? 'public, max-age=31536000, immutable' : 'no-cache')) ?? c.notFound();
    }
    // An app route: the single page, revalidated each time so a new build is picked up.
    return (await serve(c.req.raw, join(root, 'index.html'), 'no-cache')) ?? c.notFound();
  });
  return app;
}
