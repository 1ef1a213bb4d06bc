/**
 * Sign-out, account deletion and revocation take effect on the very next request, in this app and
 * in a second one on the same database (another process's session cache): no cache may serve a
 * session whose row is gone. A deleted user's cookie and keys get 401, and nothing (no row, no
 * file) can be created for a user that does not exist: the foreign keys refuse it.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/domain/ids.ts';
import { storageKeys } from '../../src/domain/storage.ts';
import { createTestServices } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';
import {
  PASSWORD,
  SAME_ORIGIN,
  accountsApp,
  filesOf,
  newKey,
  signOut,
  signUpWithAllCookies,
  smallPng,
  uploadFile,
  userFolderExists,
} from './accounts-helpers.ts';
import type { AccountsApp } from './accounts-helpers.ts';

let infra: TestInfra;
/** Two apps on one database: each has its own session cache, as two server processes would. */
let app: AccountsApp;
let other: AccountsApp;

beforeAll(async () => {
  infra = await createTestServices();
  app = accountsApp(infra.services);
  other = accountsApp(infra.services);
});
afterAll(() => infra.close());

const credits = async (target: AccountsApp, headers: Record<string, string>) =>
  (await target.request('/api/v1/credits', { headers })).status;

describe('sign-out', () => {
  it('a session copied before sign-out stops working on the next request, in every process', async () => {
    // Every cookie sign-up set (better-auth's signed session copy too, when it sends one).
    const { cookie } = await signUpWithAllCookies(app, 'copied@example.com');
    // Both processes have seen (and may remember) the session.
    expect(await credits(app, { cookie })).toBe(200);
    expect(await credits(other, { cookie })).toBe(200);

    expect(await signOut(app, cookie)).toBe(200);
    expect(await credits(app, { cookie })).toBe(401);
    expect(await credits(other, { cookie })).toBe(401);
    expect(await (await app.request('/api/auth/get-session', { headers: { cookie } })).json()).toBeNull();
  });

  it('a session revoked elsewhere (its row deleted) is refused by an app that remembered it', async () => {
    const { cookie, userId } = await signUpWithAllCookies(app, 'revoked-elsewhere@example.com');
    expect(await credits(other, { cookie })).toBe(200);
    await sql`delete from session where "userId" = ${userId}`.execute(infra.services.db);
    expect(await credits(other, { cookie })).toBe(401);
  });
});

describe('account deletion', () => {
  it("the old cookie and keys get 401 at once: no upload, no key, no row or file for a user who doesn't exist", async () => {
    const { cookie, userId } = await signUpWithAllCookies(app, 'gone@example.com');
    const { key } = await newKey(app, { cookie });
    expect(await credits(app, { cookie })).toBe(200);
    expect(await credits(other, { cookie })).toBe(200);
    expect(await credits(other, { 'x-api-key': key })).toBe(200);

    const deleted = await app.request('/api/v1/account', {
      method: 'DELETE',
      headers: { cookie, origin: SAME_ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify({ password: PASSWORD }),
    });
    expect(deleted.status).toBe(204);

    for (const target of [app, other]) {
      const upload = await uploadFile(target, { cookie, origin: SAME_ORIGIN });
      expect(upload.status).toBe(401);
      const keyByCookie = await target.request('/api/v1/account/api-keys', {
        method: 'POST',
        headers: { cookie, origin: SAME_ORIGIN, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(keyByCookie.status).toBe(401);
      expect((await uploadFile(target, { 'x-api-key': key })).status).toBe(401);
      expect(await credits(target, { cookie })).toBe(401);
    }
    const db = infra.services.db;
    expect(await db.selectFrom('uploads').select('id').where('user_id', '=', userId).execute()).toEqual([]);
    expect(await db.selectFrom('api_keys').select('id').where('user_id', '=', userId).execute()).toEqual([]);
    expect(await filesOf(infra, userId)).toEqual([]);
    expect(await userFolderExists(infra, userId)).toBe(false);
  });
});

describe('foreign keys', () => {
  const ghost = 'usr_does_not_exist';

  it('the database refuses rows of a user who does not exist', async () => {
    const db = infra.services.db;
    const now = Date.now();
    await expect(
      db
        .insertInto('uploads')
        .values({
          id: newId('upl'),
          user_id: ghost,
          kind: 'image',
          format: 'png',
          status: 'ready',
          original_name: 'x.png',
          byte_size: 1,
          sha256: null,
          width: null,
          height: null,
          triangles: null,
          storage_key: storageKeys.upload(ghost, 'x'),
          created_at: now,
          expires_at: null,
        })
        .execute(),
    ).rejects.toThrow(/FOREIGN KEY/);
    await expect(
      db
        .insertInto('api_keys')
        .values({
          id: newId('key'),
          user_id: ghost,
          name: 'k',
          prefix: 'its_x',
          key_hash: newId('hash'),
          created_at: now,
          last_used_at: null,
          revoked_at: null,
        })
        .execute(),
    ).rejects.toThrow(/FOREIGN KEY/);
    await expect(
      db
        .insertInto('jobs')
        .values({
          id: newId('job'),
          user_id: ghost,
          mode: 'relief',
          upload_id: null,
          prompt: null,
          params: '{}',
          status: 'queued',
          cost: 0,
          created_at: now,
          started_at: null,
          finished_at: null,
          heartbeat_at: null,
          expires_at: null,
          purged_at: null,
          progress: 0,
          stage: null,
          error_code: null,
          error_message: null,
          credit_state: 'none',
          attempts: 0,
          max_attempts: 1,
          idempotency_key: null,
          result: null,
          provider: null,
          provider_task_id: null,
          provider_cost: null,
        })
        .execute(),
    ).rejects.toThrow(/FOREIGN KEY/);
  });

  it('the uploads service answers 401 for a user who does not exist and leaves no file or folder', async () => {
    await expect(infra.services.uploads.create(ghost, { name: 'small.png', bytes: await smallPng() })).rejects.toMatchObject({
      code: 'unauthorized',
    });
    expect(await userFolderExists(infra, ghost)).toBe(false);
  });

  it("deleting a user row takes the user's uploads, jobs, keys and shares with it", async () => {
    const { cookie, userId } = await signUpWithAllCookies(app, 'cascade@example.com');
    expect((await uploadFile(app, { cookie, origin: SAME_ORIGIN })).status).toBe(201);
    await newKey(app, { cookie });
    await sql`delete from "user" where id = ${userId}`.execute(infra.services.db);
    for (const table of ['uploads', 'api_keys', 'jobs', 'shares'] as const) {
      const rows = await infra.services.db.selectFrom(table).select('user_id').where('user_id', '=', userId).execute();
      expect(rows, table).toEqual([]);
    }
  });
});
