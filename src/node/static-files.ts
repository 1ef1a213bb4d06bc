/**
 * Built files served from disk (the web app, the widget): each file is read once per
 * modification and kept with its sha256 (the ETag), and optionally a gzipped copy, so a rebuild
 * is served without a restart and a request never hashes or compresses anything.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';

export interface CachedFile {
  bytes: Uint8Array;
  sha256: string;
  /** Present when the cache was made with `gzip: true`. */
  gzip?: Uint8Array;
}

export function createFileCache(options: { gzip?: boolean } = {}): (path: string) => Promise<CachedFile | undefined> {
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
export function bytesStream(bytes: Uint8Array, range?: { start: number; end: number }): ReadableStream<Uint8Array> {
  const part = range ? bytes.subarray(range.start, range.end + 1) : bytes;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(part);
      controller.close();
    },
  });
}
