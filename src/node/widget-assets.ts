/**
 * Serves the embeddable widget's built files from disk (`npm run build:widget` writes them to
 * web/widget/dist): `/widget.js` (the small loader, short cache: it names the current chunks)
 * and `/widget-chunks/*` (hashed, immutable). Any site may load them as module scripts, which
 * are fetched in CORS mode, so they carry `Access-Control-Allow-Origin: *` and never a cookie.
 * Gzipped once per build when the browser accepts it: three.js is ~650 kB raw, ~165 kB gzipped.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { sendError } from '../http/errors.ts';
import { createRouter } from '../http/router.ts';
import { sendStoredFile } from '../http/send-file.ts';

export const WIDGET_DIST_DIR = fileURLToPath(new URL('../../web/widget/dist/', import.meta.url));

const CHUNK_NAME = /^[A-Za-z0-9_-]+\.js$/;
const LOADER_CACHE = 'public, max-age=300';
const CHUNK_CACHE = 'public, max-age=31536000, immutable';

interface Cached {
  mtimeMs: number;
  size: number;
  bytes: Uint8Array;
  sha256: string;
  gzip: Uint8Array;
}

export function widgetAssetsRoutes(dir: string = WIDGET_DIST_DIR) {
  const root = resolve(dir);
  const cache = new Map<string, Cached>();

  /** Reads a file once per modification (a rebuild is picked up without a restart). */
  const load = async (path: string): Promise<Cached | undefined> => {
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    const hit = cache.get(path);
    if (hit && hit.mtimeMs === info.mtimeMs && hit.size === info.size) return hit;
    const bytes = new Uint8Array(await readFile(path));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const entry = { mtimeMs: info.mtimeMs, size: info.size, bytes, sha256, gzip: new Uint8Array(gzipSync(bytes, { level: 9 })) };
    cache.set(path, entry);
    return entry;
  };

  const serve = async (request: Request, path: string, cacheControl: string) => {
    const file = await load(path);
    if (!file) return undefined;
    const gzip = /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '');
    const body = gzip ? file.gzip : file.bytes;
    const response = sendStoredFile(request, {
      size: body.byteLength,
      // Each encoding is its own representation with its own validator.
      sha256: gzip ? `${file.sha256}-gz` : file.sha256,
      contentType: 'text/javascript; charset=utf-8',
      disposition: 'inline',
      cacheControl,
      open: (range) => {
        const part = range ? body.subarray(range.start, range.end + 1) : body;
        return new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(part);
            controller.close();
          },
        });
      },
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
