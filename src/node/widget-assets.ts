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
import { createStaticFileServer } from './static-files.ts';

export const WIDGET_DIST_DIR = fileURLToPath(new URL('../../web/widget/dist/', import.meta.url));

const CHUNK_NAME = /^[A-Za-z0-9_-]+\.js$/;
const LOADER_CACHE = 'public, max-age=300';
const CHUNK_CACHE = 'public, max-age=31536000, immutable';

export function widgetAssetsRoutes(dir: string = WIDGET_DIST_DIR) {
  const root = resolve(dir);

  const files = createStaticFileServer({ gzip: true });
  const serve = async (request: Request, path: string, cacheControl: string) => {
    const response = await files(request, path, { contentType: 'text/javascript; charset=utf-8', cacheControl });
    response?.headers.set('Access-Control-Allow-Origin', '*');
    response?.headers.set('Cross-Origin-Resource-Policy', 'cross-origin');
    response?.headers.set('Timing-Allow-Origin', '*');
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
