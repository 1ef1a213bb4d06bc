/**
 * Presigned S3 URLs (src/repositories/storage/s3-presigner.ts, aws4fetch) against a loopback S3
 * that recomputes each signature itself (test/helpers/fake-s3.ts): what it signs works, and what S3
 * would refuse — another key, a changed expiry, another size, a late request — is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createS3Presigner } from '../../src/repositories/storage/s3-presigner.ts';
import { startFakeS3 } from '../helpers/fake-s3.ts';
import type { FakeS3 } from '../helpers/fake-s3.ts';

const credentials = {
  accessKeyId: 'R2TESTKEYID',
  secretAccessKey: 'r2-test-secret/with+odd=chars',
  region: 'auto',
  bucket: 'image-to-stl',
};
let now = Date.UTC(2026, 11, 2, 3, 0, 0);
const objects = new Map<string, Uint8Array>();
let s3: FakeS3;

beforeAll(async () => {
  s3 = await startFakeS3({
    ...credentials,
    now: () => now,
    put: async (key, body) => void objects.set(key, body),
    get: async (key) => objects.get(key),
  });
});
afterAll(() => s3.close());

const presigner = () => createS3Presigner({ ...credentials, endpoint: `${s3.endpoint}/` }, () => now);
const bytes = (n: number) => new Uint8Array(n).map((_, i) => i % 251);

describe('S3 presigner', () => {
  it('a presigned PUT stores exactly the signed object and a presigned GET reads it back', async () => {
    const key = 'staging/uploads/upl_1.direct';
    const body = bytes(1000);
    const put = await presigner().presignPut(key, { byteLength: body.byteLength, expiresInSeconds: 900 });
    expect(put.expiresAt).toBe(now + 900_000);
    const url = new URL(put.url);
    expect(url.pathname).toBe(`/${credentials.bucket}/${key}`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;host');
    expect(url.searchParams.get('X-Amz-Credential')).toBe(`${credentials.accessKeyId}/20261202/auto/s3/aws4_request`);
    expect((await fetch(put.url, { method: 'PUT', body })).status).toBe(200);
    expect(objects.get(key)).toEqual(body);

    const get = await presigner().presignGet(key, { expiresInSeconds: 60 });
    const res = await fetch(get.url);
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(body);
  });

  it('S3 refuses what was not signed: another key, a longer expiry, another size', async () => {
    const put = await presigner().presignPut('users/u1/uploads/a/original', { byteLength: 10, expiresInSeconds: 900 });
    const otherKey = put.url.replace('/a/original', '/b/original');
    const longer = put.url.replace('X-Amz-Expires=900', 'X-Amz-Expires=9000');
    for (const url of [otherKey, longer]) {
      const res = await fetch(url, { method: 'PUT', body: bytes(10) });
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    }
    const bigger = await fetch(put.url, { method: 'PUT', body: bytes(11) });
    expect(bigger.status).toBe(403);
    expect((await fetch(put.url, { method: 'PUT', body: bytes(10) })).status).toBe(200);
  });

  it('a URL works until its expiry and is refused after it', async () => {
    const key = 'users/u1/jobs/j/model.stl';
    objects.set(key, bytes(5));
    const get = await presigner().presignGet(key, { expiresInSeconds: 60 });
    now += 60_000;
    expect((await fetch(get.url)).status).toBe(200);
    now += 1000;
    const late = await fetch(get.url);
    expect(late.status).toBe(403);
    expect(await late.text()).toContain('<Code>AccessDenied</Code>');
  });

  it('a PUT of any size is for its one key and its expiry only (a mesh container writing an artifact)', async () => {
    const key = 'users/u1/jobs/j1/attempt-1/model.stl';
    const put = await presigner().presignPutAnySize(key, { expiresInSeconds: 300 });
    expect(new URL(put.url).searchParams.get('X-Amz-SignedHeaders')).toBe('host');
    for (const size of [0, 1, 4321]) {
      expect((await fetch(put.url, { method: 'PUT', body: bytes(size) })).status).toBe(200);
      expect(objects.get(key)).toEqual(bytes(size));
    }
    const otherKey = await fetch(put.url.replace('/attempt-1/model.stl', '/attempt-1/evil.stl'), { method: 'PUT', body: bytes(3) });
    expect(otherKey.status).toBe(403);
    expect(await otherKey.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect(objects.has('users/u1/jobs/j1/attempt-1/evil.stl')).toBe(false);
    const asGet = await fetch(put.url);
    expect(asGet.status).toBe(403);
    now += 301_000;
    const late = await fetch(put.url, { method: 'PUT', body: bytes(3) });
    expect(late.status).toBe(403);
    expect(await late.text()).toContain('<Code>AccessDenied</Code>');
  });

  it('a GET signs the type and file name the store answers with; S3 refuses them changed', async () => {
    const key = 'users/u1/jobs/j/model.stl';
    objects.set(key, bytes(5));
    const disposition = `attachment; filename="Lighthouse.stl"; filename*=UTF-8''Leuchtturm%20%C3%A4.stl`;
    const get = await presigner().presignGet(key, { expiresInSeconds: 60, contentType: 'model/stl', contentDisposition: disposition });
    const url = new URL(get.url);
    expect(url.searchParams.get('response-content-disposition')).toBe(disposition);
    expect(url.searchParams.get('response-content-type')).toBe('model/stl');
    expect((await fetch(get.url)).status).toBe(200);
    url.searchParams.set('response-content-disposition', 'attachment; filename="evil.html"');
    const changed = await fetch(url);
    expect(changed.status).toBe(403);
    expect(await changed.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
  });

  it('refuses to sign a bad key or an expiry S3 would not take', async () => {
    await expect(presigner().presignGet('../etc/passwd', { expiresInSeconds: 60 })).rejects.toThrow(/bad key/);
    await expect(presigner().presignGet('users/u1/x', { expiresInSeconds: 8 * 24 * 3600 })).rejects.toThrow(/expiry/);
    await expect(presigner().presignGet('users/u1/x', { expiresInSeconds: 0 })).rejects.toThrow(/expiry/);
  });
});

describe('R2 presign configuration', () => {
  const base = { DATA_DIR: '/tmp/unused' };
  it('is off without the variables, and takes all four with region auto by default', () => {
    expect(loadConfig(base, { cores: 1 }).r2Presign).toBeUndefined();
    const env = {
      ...base,
      R2_S3_ENDPOINT: 'https://acc.r2.cloudflarestorage.com',
      R2_BUCKET: 'files',
      R2_ACCESS_KEY_ID: 'k',
      R2_SECRET_ACCESS_KEY: 's',
    };
    expect(loadConfig(env, { cores: 1 }).r2Presign).toEqual({
      endpoint: 'https://acc.r2.cloudflarestorage.com',
      bucket: 'files',
      accessKeyId: 'k',
      secretAccessKey: 's',
      region: 'auto',
    });
  });

  it('refuses half a configuration rather than signing URLs that cannot work', () => {
    expect(() => loadConfig({ ...base, R2_BUCKET: 'files', R2_ACCESS_KEY_ID: 'k' }, { cores: 1 })).toThrow(/set all four or none/);
  });
});
