/**
 * A complete app on a fresh SQLite file and storage folder in a temp dir: the real services, the
 * real migrations, nothing stubbed. Tests call `app.request()` on it.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { composeServices, migrateAll } from '../../src/compose.ts';
import type { Services } from '../../src/compose.ts';
import { loadConfig } from '../../src/config.ts';
import { openSqlite } from '../../src/node/database.ts';
import { sharpImageCodec } from '../../src/repositories/media/sharp-image-codec.ts';
import { createLocalDiskStorage } from '../../src/repositories/storage/local-disk.ts';
import { silentLogger } from '../../src/services/logger.ts';
import type { Logger } from '../../src/services/logger.ts';
import type { BlobStorage } from '../../src/domain/storage.ts';
import type { CountMeshTriangles } from '../../src/services/inspect-upload.ts';
import { TEST_SETTINGS } from './test-settings.ts';

export interface TestInfra {
  services: Services;
  dataDir: string;
  /** Keys of the stored objects under a prefix (what a user still has in storage). */
  storedKeys(prefix: string): Promise<string[]>;
  /** Whether anything, even an empty folder, is left under the prefix. */
  prefixExists(prefix: string): Promise<boolean>;
  close(): Promise<void>;
}

export async function createTestServices(
  env: Record<string, string> = {},
  options: {
    logger?: Logger;
    /** Wraps the real disk storage (fault injection). */
    storage?: (disk: BlobStorage) => BlobStorage;
    /** Where uploads count mesh triangles (default: on the test's own thread). */
    countMeshTriangles?: CountMeshTriangles;
  } = {},
): Promise<TestInfra> {
  const dataDir = await mkdtemp(join(tmpdir(), 'its-test-'));
  const config = loadConfig(
    {
      DATA_DIR: dataDir,
      ...TEST_SETTINGS,
      ...env,
    },
    { cores: 1 },
  );
  const { db, sqlite, batch } = openSqlite(join(dataDir, 'test.db'), { busyTimeoutMs: config.sqliteBusyTimeoutMs });
  const disk = createLocalDiskStorage(join(dataDir, 'files'));
  const services = composeServices({
    config,
    db,
    batch,
    storage: options.storage ? options.storage(disk) : disk,
    secret: 'test-secret-that-is-long-enough-for-better-auth-0123456789',
    logger: options.logger ?? silentLogger,
    clock: Date.now,
    imageCodec: sharpImageCodec,
    countMeshTriangles: options.countMeshTriangles,
  });
  await migrateAll(services);
  const filesRoot = join(dataDir, 'files');
  return {
    services,
    dataDir,
    async storedKeys(prefix) {
      const entries = await readdir(join(filesRoot, prefix), { recursive: true, withFileTypes: true }).catch(() => []);
      return entries.filter((e) => e.isFile()).map((e) => relative(filesRoot, join(e.parentPath, e.name)));
    },
    prefixExists: (prefix) =>
      stat(join(filesRoot, prefix)).then(
        () => true,
        () => false,
      ),
    async close() {
      await db.destroy();
      if (sqlite.open) sqlite.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export { signUp } from './sign-up.ts';
