/**
 * BlobStorage on an R2 bucket binding (the Workers backend). Same contract as local disk:
 * `put` is all-or-nothing (R2 writes an object whole or not at all), reports byte length and
 * SHA-256, and enforces `maxBytes` while reading. R2's `put` needs a body of known length, so the
 * chunks are gathered first — bounded by `maxBytes`; large uploads go straight to R2 through a
 * presigned PUT instead of through the Worker: given an S3 presigner (s3-presigner.ts, R2's S3
 * endpoint and an API token), the storage offers presignPut and presignGet.
 */
import { ServiceError } from '../../domain/errors.ts';
import type { BlobStorage, StoredObject } from '../../domain/storage.ts';
import { assertStorageKey } from '../../domain/storage.ts';
import { concatChunks } from '../../domain/bytes.ts';
import type { R2BucketLike } from '../d1/d1-types.ts';
import type { S3Presigner } from './s3-presigner.ts';

export function createR2Storage(bucket: R2BucketLike, presigner?: S3Presigner): BlobStorage {
  const missing = (key: string) => Object.assign(new Error(`storage: no object ${key}`), { code: 'ENOENT' });
  return {
    ...(presigner ? { presignPut: presigner.presignPut, presignGet: presigner.presignGet } : {}),
    async put(key, chunks, options = {}): Promise<StoredObject> {
      assertStorageKey(key);
      const parts: Uint8Array[] = [];
      let byteLength = 0;
      for await (const chunk of chunks as AsyncIterable<Uint8Array>) {
        byteLength += chunk.byteLength;
        if (options.maxBytes !== undefined && byteLength > options.maxBytes) {
          throw new ServiceError('payload_too_large', `the file is larger than ${options.maxBytes} bytes`, { limit: options.maxBytes });
        }
        parts.push(chunk);
      }
      const body = concatChunks(parts, byteLength);
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', body));
      const sha256 = [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
      // R2 checks the digest on arrival, so a corrupted transfer is refused rather than stored.
      await bucket.put(key, body, { sha256 });
      return { byteLength, sha256 };
    },
    async get(key) {
      const object = await bucket.get(assertStorageKey(key));
      if (!object) throw missing(key);
      return new Uint8Array(await object.arrayBuffer());
    },
    stream(key, range) {
      assertStorageKey(key);
      // A web stream that opens the object on first read, as a file stream opens its file.
      let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
      return new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (!reader) {
            const object = await bucket.get(
              key,
              range ? { range: { offset: range.start, length: range.end - range.start + 1 } } : undefined,
            );
            if (!object) return controller.error(missing(key));
            reader = object.body.getReader();
          }
          const { value, done } = await reader.read();
          if (done) controller.close();
          else controller.enqueue(value);
        },
        cancel: (reason) => reader?.cancel(reason),
      });
    },
    async size(key) {
      return (await bucket.head(assertStorageKey(key)))?.size;
    },
    async move(from, to) {
      // R2 has no rename: copy, then delete the source. The target appears whole (R2 writes
      // objects atomically); a crash between the two leaves a stray staged copy, never a half file.
      const object = await bucket.get(assertStorageKey(from));
      if (!object) throw missing(from);
      await bucket.put(assertStorageKey(to), new Uint8Array(await object.arrayBuffer()));
      await bucket.delete(from);
    },
    async delete(key) {
      await bucket.delete(assertStorageKey(key));
    },
    async *list(prefix) {
      assertStorageKey(prefix.replace(/\/$/, ''));
      const withSlash = prefix.endsWith('/') ? prefix : `${prefix}/`; // a folder, as on disk
      let cursor: string | undefined;
      do {
        const page = await bucket.list({ prefix: withSlash, cursor, limit: 1000 });
        for (const object of page.objects) yield { key: object.key, writtenAt: object.uploaded.getTime() };
        cursor = page.truncated ? page.cursor : undefined;
      } while (cursor);
    },
    async deletePrefix(prefix) {
      assertStorageKey(prefix.replace(/\/$/, ''));
      const withSlash = prefix.endsWith('/') ? prefix : `${prefix}/`;
      let cursor: string | undefined;
      do {
        const page = await bucket.list({ prefix: withSlash, cursor, limit: 1000 });
        if (page.objects.length > 0) await bucket.delete(page.objects.map((o) => o.key));
        cursor = page.truncated ? page.cursor : undefined;
      } while (cursor);
    },
  };
}
