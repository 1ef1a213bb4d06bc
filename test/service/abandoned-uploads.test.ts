/**
 * Abandoned uploads: a signed-URL upload that was started and never completed kept its pending row,
 * the file its PUT had put in place, and (on a presigning store) its staging object for ever; a PUT
 * cut off by a crash left its staging file. The retention purge now deletes pending uploads and
 * staging objects older than ABANDONED_AFTER_MS (a day), rows and files, and nothing younger nor
 * anything completed. Runs on SQLite and local disk (`npm test`) and on D1 and R2 in workerd
 * (SHARED_SUITES in vitest.workers.config.ts); the Cron Trigger path is test/workers/cron-purge.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { storageKeys } from '../../src/domain/storage.ts';
import { ABANDONED_AFTER_MS } from '../../src/services/retention.ts';
import { createTestServices, signUp } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';
import { gradientPng } from './jobs-helpers.ts';

const HOUR_MS = 3_600_000;
let infra: TestInfra;
let app: ReturnType<typeof createApp>;
let cookie: string;

beforeAll(async () => {
  infra = await createTestServices();
  app = createApp({ services: infra.services, health: async () => ({ database: true, pool: null }) });
  cookie = await signUp(app, 'abandoned.uploads@example.com');
});
afterAll(() => infra.close());

/** Step 1 of a signed-URL upload: a pending row and where to PUT. */
async function start(byteSize: number): Promise<{ id: string; uploadUrl: string }> {
  const res = await app.request('/api/v1/uploads/url', {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ filename: 'big.png', byteSize }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; uploadUrl: string };
}

async function put(uploadUrl: string, bytes: Uint8Array): Promise<void> {
  const url = new URL(uploadUrl);
  const res = await app.request(url.pathname + url.search, { method: 'PUT', body: bytes as Uint8Array<ArrayBuffer> });
  expect(res.status).toBeLessThan(300);
}

const row = (id: string) => infra.services.db.selectFrom('uploads').select(['id', 'status']).where('id', '=', id).executeTakeFirst();
const stored = async (key: string) => (await infra.services.storage.size(key)) !== undefined;

describe('retention purge: abandoned uploads', () => {
  it('deletes pending uploads and staging objects older than a day, with their files, and keeps the rest', async () => {
    const png = await gradientPng();
    const { storage } = infra.services;
    const userId = (await infra.services.auth.api.getSession({ headers: new Headers({ cookie }) }))!.user.id;

    // Started, nothing sent.
    const empty = await start(png.byteLength);
    // Started and sent, never completed: the file is in place under the user's folder, not inspected.
    const sent = await start(png.byteLength);
    await put(sent.uploadUrl, png);
    expect(await stored(storageKeys.upload(userId, sent.id))).toBe(true);
    // Started, sent and completed: a real upload, purged only by its retention date.
    const done = await start(png.byteLength);
    await put(done.uploadUrl, png);
    expect((await app.request(`/api/v1/uploads/${done.id}/complete`, { method: 'POST', headers: { cookie } })).status).toBe(200);
    // What a PUT cut off by a crash (or a second PUT to a still-valid presigned URL) leaves in staging.
    const leftovers = [storageKeys.stagedUpload('upl_crashed', 'n0nce'), storageKeys.directUpload('upl_gone')];
    for (const key of leftovers) await storage.put(key, [png]);

    const now = Date.now();
    // An hour on: all of it may still be on its way.
    const early = await infra.services.retention.purgeExpired(now + HOUR_MS);
    expect(early).toMatchObject({ abandonedUploadsDeleted: 0, stagingObjectsDeleted: 0, failed: 0 });
    expect(await row(empty.id)).toEqual({ id: empty.id, status: 'pending' });
    expect(await row(sent.id)).toEqual({ id: sent.id, status: 'pending' });
    for (const key of leftovers) expect(await stored(key), key).toBe(true);

    // A day and an hour on: no upload URL is valid any more, so what was never completed is gone.
    const late = await infra.services.retention.purgeExpired(now + ABANDONED_AFTER_MS + HOUR_MS);
    expect(late).toMatchObject({ abandonedUploadsDeleted: 2, stagingObjectsDeleted: 2, uploadsDeleted: 0, failed: 0 });
    expect(await row(empty.id)).toBeUndefined();
    expect(await row(sent.id)).toBeUndefined();
    expect(await stored(storageKeys.upload(userId, sent.id))).toBe(false);
    for (const key of leftovers) expect(await stored(key), key).toBe(false);
    expect(await infra.storedKeys('staging/')).toEqual([]);
    // The completed upload stays, row and file.
    expect(await row(done.id)).toEqual({ id: done.id, status: 'ready' });
    expect(await storage.size(storageKeys.upload(userId, done.id))).toBe(png.byteLength);

    // A second run finds nothing more to do.
    expect(await infra.services.retention.purgeExpired(now + ABANDONED_AFTER_MS + HOUR_MS)).toMatchObject({
      abandonedUploadsDeleted: 0,
      stagingObjectsDeleted: 0,
    });
  });
});
