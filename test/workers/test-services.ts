/**
 * The Workers twin of test/helpers/test-services.ts: the same real services, composed on D1 and R2
 * inside workerd. vitest.workers.config.ts points `../helpers/test-services.ts` here, so one test
 * file runs on both backends unchanged. The schema is the generated wrangler migration file, applied
 * once per test file (setup.ts); each call starts from empty tables, as a fresh SQLite file does.
 */
import { Kysely, sql } from 'kysely';
import { composeWorkerServices } from '../../src/worker.ts';
import type { TestInfra } from '../helpers/test-services.ts';
import type { Database } from '../../src/db/schema.ts';
import type { BlobStorage } from '../../src/domain/storage.ts';
import { d1Dialect } from '../../src/repositories/d1/d1-dialect.ts';
import { createR2Storage } from '../../src/repositories/storage/r2.ts';
import type { CountMeshTriangles } from '../../src/services/inspect-upload.ts';
import { silentLogger } from '../../src/services/logger.ts';
import type { Logger } from '../../src/services/logger.ts';
import { bindings } from './env.ts';
import { TEST_SETTINGS } from '../helpers/test-settings.ts';

export { signUp } from '../helpers/sign-up.ts';

export type { TestInfra } from '../helpers/test-services.ts';

/** Tables that belong to D1 and the platform, never emptied. */
const KEEP = /^(d1_migrations|_cf_.*|sqlite_.*)$/;

async function emptyAllTables(db: Kysely<Database>): Promise<void> {
  const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db);
  const names = tables.rows.map((r) => r.name).filter((n) => !KEEP.test(n));
  // One batch: D1 runs it as one transaction, and deferred foreign keys let the order be any.
  await bindings.DB.batch([
    bindings.DB.prepare('PRAGMA defer_foreign_keys = on'),
    ...names.map((n) => bindings.DB.prepare(`DELETE FROM "${n}"`)),
  ]);
}

export async function createTestServices(
  env: Record<string, string> = {},
  options: { logger?: Logger; storage?: (r2: BlobStorage) => BlobStorage; countMeshTriangles?: CountMeshTriangles } = {},
): Promise<TestInfra> {
  const db = new Kysely<Database>({ dialect: d1Dialect(bindings.DB) });
  await emptyAllTables(db);
  const r2 = createR2Storage(bindings.FILES);
  // The Workers composition root itself, on the test pool's bindings and the settings a test asks for.
  const services = composeWorkerServices(
    {
      DB: bindings.DB,
      FILES: bindings.FILES,
      BETTER_AUTH_SECRET: 'test-secret-that-is-long-enough-for-better-auth-0123456789',
      ...TEST_SETTINGS,
      ...env,
    },
    { logger: options.logger ?? silentLogger, storage: options.storage?.(r2), countMeshTriangles: options.countMeshTriangles },
  );
  return {
    services,
    dataDir: '/nonexistent',
    async storedKeys(prefix) {
      const keys: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await bindings.FILES.list({ prefix, cursor });
        keys.push(...page.objects.map((o) => o.key));
        cursor = page.truncated ? page.cursor : undefined;
      } while (cursor);
      return keys;
    },
    // R2 has no folders: a prefix exists while an object under it does.
    prefixExists: async (prefix) => (await bindings.FILES.list({ prefix, limit: 1 })).objects.length > 0,
    async close() {
      await Promise.all([db.destroy(), services.db.destroy()]);
    },
  };
}
