/**
 * Large uploads straight to the store: with a storage that presigns (R2 through its S3 API), the
 * upload URL is a presigned S3 PUT to a staging key, and /complete takes the file into place and
 * inspects it. The bucket is a loopback S3 (test/helpers/fake-s3.ts, which checks signatures as S3
 * does) writing into the test's real disk storage, as R2's S3 API and its binding share one bucket.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { sha256Hex } from '../../src/domain/ids.ts';
import type { BlobStorage } from '../../src/domain/storage.ts';
import { storageKeys } from '../../src/domain/storage.ts';
import { createS3Presigner } from '../../src/repositories/storage/s3-presigner.ts';
import { startFakeS3 } from '../helpers/fake-s3.ts';
import type { FakeS3 } from '../helpers/fake-s3.ts';
import { createTestServices, signUp } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';

const credentials = { accessKeyId: 'R2KEY', secretAccessKey: 'r2-secret', region: 'auto', bucket: 'files' };
let infra: TestInfra;
let app: ReturnType<typeof createApp>;
let s3: FakeS3;
let disk: BlobStorage;
let alice: string;

beforeAll(async () => {
  let presigning: BlobStorage | undefined;
  infra = await createTestServices(
    {},
    {
      storage: (real) => {
        disk = real;
        presigning = {
          ...real,
          ...createS3Presigner({ ...credentials, endpoint: 'http://replaced-below' }, Date.now),
        };
        return presigning;
      },
    },
  );
  s3 = await startFakeS3({
    ...credentials,
    now: Date.now,
    put: async (key, body) => void (await disk.put(key, [body])),
    get: async (key) => disk.get(key).catch(() => undefined),
  });
  // The endpoint is known once the loopback server listens: point the presigner at it.
  Object.assign(presigning!, createS3Presigner({ ...credentials, endpoint: s3.endpoint }, Date.now));
  app = createApp({ services: infra.services, health: async () => ({ database: true, pool: null }) });
  alice = await signUp(app, 'alice@example.com');
});
afterAll(async () => {
  await s3.close();
  await infra.close();
});

async function start(byteSize: number) {
  const res = await app.request('/api/v1/uploads/url', {
    method: 'POST',
    headers: { cookie: alice, 'content-type': 'application/json' },
    body: JSON.stringify({ filename: 'big.png', byteSize }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { uploadId: string; uploadUrl: string; method: string; expiresAt: number };
}

const complete = (id: string) => app.request(`/api/v1/uploads/${id}/complete`, { method: 'POST', headers: { cookie: alice } });
const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#808080' } })
    .png()
    .toBuffer()
    .then((b) => new Uint8Array(b));

describe('direct uploads to a presigning store', () => {
  it('url -> PUT to the store -> complete: the file is taken into place once, and a second PUT cannot replace it', async () => {
    const bytes = await png(40, 20);
    const signed = await start(bytes.byteLength);
    expect(signed.uploadUrl.startsWith(`${s3.endpoint}/files/staging/uploads/${signed.uploadId}.direct?`)).toBe(true);
    expect(signed.expiresAt).toBeGreaterThan(Date.now());

    const early = await complete(signed.uploadId);
    expect(early.status).toBe(409);
    expect(((await early.json()) as { error: { code: string } }).error.code).toBe('upload_not_ready');

    // The store refuses a body of another size than the one signed.
    expect((await fetch(signed.uploadUrl, { method: 'PUT', body: new Uint8Array(bytes.byteLength + 1) })).status).toBe(403);
    expect((await fetch(signed.uploadUrl, { method: 'PUT', body: bytes })).status).toBe(200);
    const done = await complete(signed.uploadId);
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({
      id: signed.uploadId,
      status: 'ready',
      kind: 'image',
      format: 'png',
      width: 40,
      height: 20,
      sha256: await sha256Hex(bytes),
    });

    const { storage_key: original } = await infra.services.db
      .selectFrom('uploads')
      .select('storage_key')
      .where('id', '=', signed.uploadId)
      .executeTakeFirstOrThrow();
    expect(original).toMatch(new RegExp(`^users/[^/]+/uploads/${signed.uploadId}/original$`));
    expect(await disk.size(storageKeys.directUpload(signed.uploadId))).toBeUndefined();
    // The URL is still valid at the store; what it writes now stays in staging.
    const other = new Uint8Array(bytes.byteLength).fill(7);
    expect((await fetch(signed.uploadUrl, { method: 'PUT', body: other })).status).toBe(200);
    expect((await complete(signed.uploadId)).status).toBe(200);
    expect(await sha256Hex(await disk.get(original))).toBe(await sha256Hex(bytes));
  });

  it('a file that fails inspection is deleted with its row', async () => {
    const garbage = new TextEncoder().encode('not an image at all, not a mesh either');
    const signed = await start(garbage.byteLength);
    expect((await fetch(signed.uploadUrl, { method: 'PUT', body: garbage })).status).toBe(200);
    const res = await complete(signed.uploadId);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const row = await infra.services.db.selectFrom('uploads').select('id').where('id', '=', signed.uploadId).executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it('deleting a pending direct upload removes what was PUT to staging', async () => {
    const bytes = await png(8, 8);
    const signed = await start(bytes.byteLength);
    expect((await fetch(signed.uploadUrl, { method: 'PUT', body: bytes })).status).toBe(200);
    const del = await app.request(`/api/v1/uploads/${signed.uploadId}`, { method: 'DELETE', headers: { cookie: alice } });
    expect(del.status).toBe(204);
    expect(await disk.size(storageKeys.directUpload(signed.uploadId))).toBeUndefined();
  });
});
