/**
 * Serves the embeddable widget's built files from disk (`npm run build:widget` writes them to
 * web/widget/dist): `/widget.js` (the small loader, short cache: it names the current chunks)
 * and `/widget-chunks/*` (hashed, immutable). Any site may load them as module scripts, which
 * are fetched in CORS mode, so they carry `Access-Control-Allow-Origin: *` and never a cookie.
 * Gzipped once per build when the browser accepts it: three.js is ~650 kB raw, ~165 kB gzipped.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sendError } from '../http/errors.ts';
import { createRouter } from '../http/router.ts';
import { sendStoredFile } from '../http/send-file.ts';
import { bytesStream, createFileCache } from './static-files.ts';

export const WIDGET_DIST_DIR = fileURLToPath(new URL('../../web/widget/dist/', import.meta.url));

const CHUNK_NAME = /^[A-Za-z0-9_-]+\.js$/;
const LOADER_CACHE = 'public, max-age=300';
const CHUNK_CACHE = 'public, max-age=31536000, immutable';

export function widgetAssetsRoutes(dir: string = WIDGET_DIST_DIR) {
  const root = resolve(dir);

  const load = createFileCache({ gzip: true });

  const serve = async (request: Request, path: string, cacheControl: string) => {
    const file = await load(path);
    if (!file) return undefined;
    const gzip = file.gzip !== undefined && /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '');
    const body = gzip ? file.gzip! : file.bytes;
    const response = sendStoredFile(request, {
      size: body.byteLength,
      // Each encoding is its own representation with its own validator.
      sha256: gzip ? `${file.sha256}-gz` : file.sha256,
      contentType: 'text/javascript; charset=utf-8',
      disposition: 'inline',
      cacheControl,
      open: (range) => bytesStream(body, range),
    });
    if (gzip && response.status !== 304) response.headers.set('Content-Encoding', 'gzip');
    response.headers.set('Vary', 'Accept-Encoding');
    response.headers.set('Access-Control-Allow-Origin', '*');
    response.headers.set('Cross-Origin-Resource-Policy', 'cross-origin');
    response.headers.set('Timing-Allow-Origin', '*');
    return response;
  };

  const app = createRouter();
  app.get('/widget.js', async (c) => {
    const response = await serve(c.req.raw, join(root, 'widget.js'), LOADER_CACHE);
    return response ?? sendError(c, 404, 'not_found', 'the widget is not built; run `npm run build:widget`');
  });
  app.get('/widget-chunks/:file', async (c) => {
    const name = c.req.param('file');
    const response = CHUNK_NAME.test(name) ? await serve(c.req.raw, join(root, 'widget-chunks', name), CHUNK_CACHE) : undefined;
    return response ?? sendError(c, 404, 'not_found', 'no such widget file');
  });
  return app;
}
