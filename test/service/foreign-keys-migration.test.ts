/**
 * The ForeignKeys migration on a database that already holds rows: every row of an existing user
 * stays (shares of a rebuilt job too), orphans an earlier deletion race left are dropped, named
 * indexes come back, and from then on deleting a user cascades through everything they own.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator, sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { MIGRATIONS } from '../../src/db/migrations/index.ts';
import { openSqlite } from '../../src/node/database.ts';
import type { OpenedDatabase } from '../../src/node/database.ts';

let dir: string;
let opened: OpenedDatabase;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'its-fk-'));
  opened = openSqlite(join(dir, 'old.db'));
});
afterAll(async () => {
  await opened.db.destroy();
  await rm(dir, { recursive: true, force: true });
});

const upload = (id: string, userId: string) =>
  sql`insert into uploads (id, user_id, kind, format, status, original_name, byte_size, storage_key, created_at)
      values (${id}, ${userId}, 'image', 'png', 'ready', 'a.png', 1, ${`users/${userId}/uploads/${id}/original`}, 1)`;
const job = (id: string, userId: string) =>
  sql`insert into jobs (id, user_id, mode, params, status, created_at) values (${id}, ${userId}, 'relief', '{}', 'succeeded', 1)`;

it('keeps the rows of existing users, drops orphans, restores indexes, and cascades afterwards', async () => {
  const db = opened.db;
  const before = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
  const { error } = await before.migrateTo('1795283000000-Retention');
  expect(error).toBeUndefined();
  // better-auth's table, as its own migration makes it (only the column we reference matters).
  await sql`create table "user" ("id" text not null primary key, "email" text not null)`.execute(db);
  await sql`insert into "user" (id, email) values ('u1', 'one@example.com')`.execute(db);
  for (const statement of [
    upload('up1', 'u1'),
    upload('up-ghost', 'ghost'),
    job('job1', 'u1'),
    job('job-ghost', 'ghost'),
    sql`insert into job_events (job_id, type, data, created_at) values ('job1', 'succeeded', '{}', 1), ('job-ghost', 'succeeded', '{}', 1)`,
    sql`insert into artifacts (job_id, name, content_type, byte_size, etag, storage_key, created_at)
        values ('job1', 'model.stl', 'model/stl', 1, 'e', 'k1', 1), ('job-ghost', 'model.stl', 'model/stl', 1, 'e', 'k2', 1)`,
    sql`insert into shares (token, job_id, user_id, created_at) values ('share1', 'job1', 'u1', 1)`,
    sql`insert into api_keys (id, user_id, name, prefix, key_hash, created_at) values ('k1', 'u1', 'a', 'its_a', 'h1', 1), ('k2', 'ghost', 'b', 'its_b', 'h2', 1)`,
  ])
    await statement.execute(db);

  await migrateToLatest(db);

  const ids = async (table: string, column = 'id') =>
    (await sql<{ v: string }>`select ${sql.ref(column)} as v from ${sql.table(table)} order by 1`.execute(db)).rows.map((r) => r.v);
  expect(await ids('uploads')).toEqual(['up1']);
  expect(await ids('jobs')).toEqual(['job1']);
  expect(await ids('job_events', 'job_id')).toEqual(['job1']);
  expect(await ids('artifacts', 'job_id')).toEqual(['job1']);
  expect(await ids('shares', 'token')).toEqual(['share1']);
  expect(await ids('api_keys')).toEqual(['k1']);
  const indexes = (
    await sql<{ name: string }>`select name from sqlite_master where type = 'index' and sql is not null`.execute(db)
  ).rows.map((r) => r.name);
  expect(indexes).toEqual(
    expect.arrayContaining(['uploads_user', 'uploads_expires', 'jobs_user_idempotency', 'shares_job', 'api_keys_user']),
  );
  expect((await sql`pragma foreign_key_check`.execute(db)).rows).toEqual([]);

  await sql`delete from "user" where id = 'u1'`.execute(db);
  for (const [table, column] of [
    ['uploads', 'id'],
    ['jobs', 'id'],
    ['job_events', 'job_id'],
    ['artifacts', 'job_id'],
    ['shares', 'token'],
    ['api_keys', 'id'],
  ] as const)
    expect(await ids(table, column), table).toEqual([]);
});
