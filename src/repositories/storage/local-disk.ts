/**
 * BlobStorage on local disk under DATA_DIR/files. Keys are validated so they cannot escape it.
 * Files are created 0600 and folders 0700 whatever the umask: only the server's user reads them.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { ServiceError } from '../../domain/errors.ts';
import type { BlobStorage, StoredObject } from '../../domain/storage.ts';
import { assertStorageKey } from '../../domain/storage.ts';

const FILE_MODE = 0o600;
const FOLDER_MODE = 0o700;

export function createLocalDiskStorage(root: string): BlobStorage {
  const base = resolve(root);
  // The root too (it may be made by the first put); an existing one keeps its mode (the server sets it).
  mkdirSync(base, { recursive: true, mode: FOLDER_MODE });
  const pathOf = (key: string) => {
    assertStorageKey(key);
    const full = resolve(join(base, key));
    if (!full.startsWith(base + sep)) throw new Error(`storage: key escapes the root: ${key}`);
    return full;
  };

  return {
    async put(key, chunks, options = {}): Promise<StoredObject> {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true, mode: FOLDER_MODE });
      const temporary = `${path}.${process.pid}.${Date.now()}.part`;
      const out = createWriteStream(temporary, { mode: FILE_MODE });
      const hash = createHash('sha256');
      let byteLength = 0;
      try {
        for await (const chunk of chunks as AsyncIterable<Uint8Array>) {
          byteLength += chunk.byteLength;
          if (options.maxBytes !== undefined && byteLength > options.maxBytes) {
            throw new ServiceError('payload_too_large', `the file is larger than ${options.maxBytes} bytes`, {
              limit: options.maxBytes,
            });
          }
          hash.update(chunk);
          if (!out.write(chunk)) await once(out, 'drain');
        }
        out.end();
        await once(out, 'finish');
        await rename(temporary, path);
        return { byteLength, sha256: hash.digest('hex') };
      } catch (error) {
        out.destroy();
        await rm(temporary, { force: true });
        if ((error as NodeJS.ErrnoException).code === 'ENOSPC') {
          throw new ServiceError('service_unavailable', 'storage is full; try again later', { reason: 'storage_full' }, 60);
        }
        throw error;
      }
    },
    async get(key) {
      return new Uint8Array(await readFile(pathOf(key)));
    },
    stream(key, range) {
      const nodeStream = createReadStream(pathOf(key), range ? { start: range.start, end: range.end } : {});
      return Readable.toWeb(nodeStream) as ReadableStream<Uint8Array>;
    },
    async size(key) {
      try {
        return (await stat(pathOf(key))).size;
      } catch {
        return undefined;
      }
    },
    async move(from, to) {
      const target = pathOf(to);
      await mkdir(dirname(target), { recursive: true, mode: FOLDER_MODE });
      await rename(pathOf(from), target);
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
    /** Files only, with their modification time; `.part` files of writes cut off by a crash are listed too. */
    async *list(prefix) {
      const folder = pathOf(prefix.replace(/\/$/, ''));
      const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [];
        throw error;
      });
      for (const entry of entries) {
        if (!entry.isFile()) continue;
        const path = join(entry.parentPath, entry.name);
        const stats = await stat(path).catch(() => undefined); // removed since the folder was read
        if (stats) yield { key: relative(base, path).split(sep).join('/'), writtenAt: stats.mtimeMs };
      }
    },
    async deletePrefix(prefix) {
      const path = pathOf(prefix.replace(/\/$/, ''));
      await rm(path, { recursive: true, force: true });
    },
  };
}
