/**
 * The S3 presigner inside workerd (aws4fetch on the Workers runtime's crypto.subtle), with the R2
 * storage offering it: each URL passes S3's check as recomputed by test/helpers/sigv4-check.ts
 * (node:crypto through nodejs_compat), and a tampered one does not.
 */
import { describe, expect, it } from 'vitest';
import { createR2Storage } from '../../src/repositories/storage/r2.ts';
import { createS3Presigner } from '../../src/repositories/storage/s3-presigner.ts';
import { checkQuerySignature } from '../helpers/sigv4-check.ts';
import { bindings } from './env.ts';

const credentials = { accessKeyId: 'R2KEY', secretAccessKey: 'r2-secret', region: 'auto' };
const now = Date.UTC(2026, 11, 2, 3, 0, 0);

describe('S3 presigner in workerd', () => {
  it('R2 storage with a presigner signs PUTs for one size and GETs, as S3 checks them', async () => {
    const storage = createR2Storage(
      bindings.FILES,
      createS3Presigner({ ...credentials, bucket: 'files', endpoint: 'https://acc.r2.cloudflarestorage.com' }, () => now),
    );
    const put = await storage.presignPut!('staging/uploads/upl_1.direct', { byteLength: 1234, expiresInSeconds: 900 });
    const get = await storage.presignGet!('users/u/jobs/j/model.stl', { expiresInSeconds: 60 });
    const headers = (url: URL, length?: number) => (name: string) =>
      name === 'host' ? url.host : name === 'content-length' ? String(length ?? '') : '';
    const putUrl = new URL(put.url);
    const getUrl = new URL(get.url);
    expect(checkQuerySignature('PUT', putUrl, headers(putUrl, 1234), { ...credentials, now })).toBeUndefined();
    expect(checkQuerySignature('PUT', putUrl, headers(putUrl, 1235), { ...credentials, now })).toEqual({
      status: 403,
      code: 'SignatureDoesNotMatch',
    });
    expect(checkQuerySignature('GET', getUrl, headers(getUrl), { ...credentials, now: now + 60_000 })).toBeUndefined();
    expect(checkQuerySignature('GET', getUrl, headers(getUrl), { ...credentials, now: now + 61_000 })).toEqual({
      status: 403,
      code: 'AccessDenied',
    });
    expect(checkQuerySignature('DELETE', getUrl, headers(getUrl), { ...credentials, now })).toEqual({
      status: 403,
      code: 'SignatureDoesNotMatch',
    });
  });

  it('R2 storage without a presigner offers no direct URLs (the Worker streams uploads itself)', () => {
    const storage = createR2Storage(bindings.FILES);
    expect(storage.presignPut).toBeUndefined();
    expect(storage.presignGet).toBeUndefined();
  });
});
