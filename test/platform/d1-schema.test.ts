/**
 * The D1 schema file (wrangler migrations, applied by the workerd suites and by `wrangler d1
 * migrations apply`) is generated from the migrations the embedded default runs: when a migration
 * changes and the file is not regenerated, this fails with the command to run.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { D1_SCHEMA_FILE, renderD1Schema } from '../../src/node/d1-schema.ts';

describe('D1 schema file', () => {
  it('matches the migrations (regenerate with npm run db:d1-schema)', async () => {
    const committed = readFileSync(D1_SCHEMA_FILE, 'utf8');
    expect(committed, 'migrations/d1 is stale: run npm run db:d1-schema').toBe(await renderD1Schema());
  });

  it('holds no SQLite-only statements D1 refuses', () => {
    const committed = readFileSync(D1_SCHEMA_FILE, 'utf8');
    expect(committed).not.toMatch(/^\s*(PRAGMA|BEGIN|COMMIT|ATTACH)/im);
    expect(committed).toMatch(/CREATE TABLE "user"/);
  });
});
