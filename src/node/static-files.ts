/**
 * The one server of built files from disk (the web app, the widget): each file is read once per
 * modification and kept with its sha256 (the ETag), and optionally a gzipped copy, so a rebuild
 * is served without a restart and a request never hashes or compresses anything. Answers carry
 * validators, ranges and 304s (src/http/send-file.ts).
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { sendStoredFile } from '../http/send-file.ts';

export interface StaticFileAnswer {
  contentType: string;
  cacheControl: string;
}

/**
 * Serves files by absolute path; undefined when there is none. With `gzip`, a client that accepts
 * it gets the gzipped copy, a representation of its own (its own ETag, `Vary: Accept-Encoding`).
 */
export function createStaticFileServer(options: { gzip?: boolean } = {}) {
  const load = createFileCache(options);
  return async (request: Request, path: string, answer: StaticFileAnswer): Promise<Response | undefined> => {
    const file = await load(path);
    if (!file) return undefined;
    const gzip = file.gzip !== undefined && /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '');
    const body = gzip ? file.gzip! : file.bytes;
    const response = sendStoredFile(request, {
      size: body.byteLength,
      sha256: gzip ? `${file.sha256}-gz` : file.sha256,
      contentType: answer.contentType,
      disposition: 'inline',
      cacheControl: answer.cacheControl,
      open: (range) => bytesStream(body, range),
    });
    if (gzip && response.status !== 304) response.headers.set('Content-Encoding', 'gzip');
    if (options.gzip) response.headers.set('Vary', 'Accept-Encoding');
    return response;
  };
}

interface CachedFile {
  bytes: Uint8Array;
  sha256: string;
  /** Present when the cache was made with `gzip: true`. */
  gzip?: Uint8Array;
}

function createFileCache(options: { gzip?: boolean } = {}): (path: string) => Promise<CachedFile | undefined> {
  const cache = new Map<string, CachedFile & { mtimeMs: number; size: number }>();
  return async (path) => {
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    const hit = cache.get(path);
    if (hit && hit.mtimeMs === info.mtimeMs && hit.size === info.size) return hit;
    const bytes = new Uint8Array(await readFile(path));
    const entry = {
      mtimeMs: info.mtimeMs,
      size: info.size,
      bytes,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      gzip: options.gzip ? new Uint8Array(gzipSync(bytes, { level: 9 })) : undefined,
    };
    cache.set(path, entry);
    return entry;
  };
}

/** The bytes (or the inclusive range of them) as a one-chunk web stream. */
function bytesStream(bytes: Uint8Array, range?: { start: number; end: number }): ReadableStream<Uint8Array> {
  const part = range ? bytes.subarray(range.start, range.end + 1) : bytes;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(part);
      controller.close();
    },
  });
}
